/* trz_decode.c - column decoding of trz records, validating every value (man/trz.5,
 * "RECORDS"); the mirror of trz_encode.c.  Malformed data gives -EBADMSG, never a crash. */
#include "trz/trz_codec.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define BAD(cond)                        \
	do {                             \
		if (cond)                \
			return -EBADMSG; \
	} while (0)

static int dec_u32(struct trz_cur *c, uint32_t *out)
{
	uint64_t v;

	TRZ_TRY(trz_cur_varint(c, &v));
	BAD(v > UINT32_MAX);
	*out = (uint32_t)v;
	return 0;
}

/* A u32 stored as zigzag(value - base). */
static int dec_u32_delta(struct trz_cur *c, uint32_t base, uint32_t *out)
{
	uint64_t v;

	TRZ_TRY(trz_cur_varint(c, &v));
	BAD(v > 1ull << 34);
	int64_t x = (int64_t)base + trz_unzigzag(v);
	BAD(x < 0 || x > UINT32_MAX);
	*out = (uint32_t)x;
	return 0;
}

static int dec_str(struct trz_cur *c, char *dst, size_t max)
{
	uint64_t n;

	TRZ_TRY(trz_cur_varint(c, &n));
	BAD(n >= max);
	TRZ_TRY(trz_cur_bytes(c, dst, (size_t)n));
	BAD(memchr(dst, 0, (size_t)n) != NULL);
	dst[n] = '\0';
	return 0;
}

static int dec_ts(struct trz_bstate *s, struct trz_cur *cur, uint64_t *ts)
{
	uint8_t lo;
	uint64_t hi;

	TRZ_TRY(trz_cur_bytes(&cur[TRZ_COL_TS], &lo, 1));
	TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_TSHI], &hi));
	BAD(hi >> 56);
	*ts = s->prev_ts + (uint64_t)trz_unzigzag(hi << 8 | lo);
	s->prev_ts = *ts;
	return 0;
}

static int dec_ret(struct trz_cur *c, int64_t last, int64_t *ret)
{
	uint64_t code, raw;

	TRZ_TRY(trz_cur_varint(c, &code));
	if (code == TRZ_RET_SAME) {
		*ret = last;
	} else if (code & 1) {
		*ret = trz_unzigzag((code - 1) / 2);
	} else if (code == TRZ_RET_ESCAPE) {
		TRZ_TRY(trz_cur_varint(c, &raw));
		*ret = trz_unzigzag(raw);
	} else {
		*ret = (int64_t)((uint64_t)last + (uint64_t)trz_unzigzag((code - 2) / 2));
	}
	return 0;
}

static int dec_tid(struct trz_bstate *s, struct trz_cur *cur, struct trz_event *ev, uint32_t maxdict)
{
	struct trz_cpu_state *c = trz_cpu_of(s, ev->cpu);
	uint64_t v;
	int idx;

	TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_TID], &v));
	if (v == 0) {
		BAD(c->tid_idx < 0);
		idx = c->tid_idx;
	} else if (v <= s->ntid) {
		idx = (int)(v - 1);
	} else {
		uint32_t tid, pid;
		BAD(v != (uint64_t)s->ntid + 1 || s->ntid >= maxdict);
		TRZ_TRY(dec_u32(&cur[TRZ_COL_TIDLIT], &tid));
		TRZ_TRY(dec_u32(&cur[TRZ_COL_TIDLIT], &pid));
		BAD(tidmap_find(&s->tidmap, trz_tid_key(tid, pid)) >= 0);
		idx = trz_tid_add(s, tid, pid);
		if (idx < 0)
			return idx;
	}
	c->tid_idx = idx;
	ev->tid = s->tids[idx].tid;
	ev->pid = s->tids[idx].pid;
	return idx;
}

static int dec_tok(struct trz_bstate *s, struct trz_cur *cur, struct trz_tid_state *t,
		   struct trz_event *ev, uint32_t maxdict)
{
	uint64_t v, nr, dir;
	int idx;

	TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_TOK], &v));
	if (v == 0) {
		BAD(!t->pending || s->ntok >= maxdict);
		idx = trz_tok_find_or_add(s, t->pending_nr, TRZ_EXIT);
	} else if (v <= s->ntok) {
		idx = (int)(v - 1);
	} else {
		BAD(v != (uint64_t)s->ntok + 1 || s->ntok >= maxdict);
		TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_TOKLIT], &nr));
		TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_TOKLIT], &dir));
		int64_t n = trz_unzigzag(nr);
		BAD(n < INT32_MIN || n > INT32_MAX || dir > TRZ_EXIT);
		BAD(tidmap_find(&s->tokmap, trz_tok_key((int32_t)n, (uint8_t)dir)) >= 0);
		idx = trz_tok_add(s, (int32_t)n, (uint8_t)dir);
	}
	if (idx >= 0) {
		ev->nr = s->toks[idx].nr;
		ev->dir = s->toks[idx].dir;
	}
	return idx;
}

static int dec_event(struct trz_bstate *s, struct trz_cur *cur, uint8_t k, struct trz_event *ev,
		     uint32_t maxdict)
{
	uint64_t v;

	memset(ev, 0, sizeof(*ev));
	TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_CPU], &v));
	BAD(v > 0xffff);
	ev->cpu = v ? (uint16_t)(v - 1) : TRZ_NO_CPU;
	TRZ_TRY(dec_ts(s, cur, &ev->ts_ns));

	int ti = dec_tid(s, cur, ev, maxdict);
	if (ti < 0)
		return ti;
	struct trz_tid_state *t = &s->tids[ti];
	int ki = dec_tok(s, cur, t, ev, maxdict);
	if (ki < 0)
		return ki;
	struct trz_tok_state *tk = &s->toks[ki];
	struct trz_cpu_state *c = trz_cpu_of(s, ev->cpu);

	BAD((k & TRZ_KF_ENTRY_RET) && ev->dir != TRZ_ENTRY);
	t->pending = ev->dir == TRZ_ENTRY;
	t->pending_nr = ev->nr;
	TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_TSEQ], &v));
	ev->tseq = t->next_tseq + (uint64_t)trz_unzigzag(v);
	t->next_tseq = ev->tseq + 1;
	TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_CSEQ], &v));
	ev->cseq = c->next_cseq + (uint64_t)trz_unzigzag(v);
	c->next_cseq = ev->cseq + 1;
	if (ev->dir == TRZ_EXIT || (k & TRZ_KF_ENTRY_RET)) {
		TRZ_TRY(dec_ret(&cur[TRZ_COL_RET], tk->last_ret, &ev->ret));
		BAD((k & TRZ_KF_ENTRY_RET) && ev->ret == 0);
		tk->last_ret = ev->ret;
	}
	if (k & TRZ_KF_ARGS) {
		ev->nargs = TRZ_MAX_ARGS;
		for (int i = 0; i < TRZ_MAX_ARGS; i++) {
			TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_ARGS], &v));
			ev->args[i] = tk->last_args[i] + (uint64_t)trz_unzigzag(v);
			tk->last_args[i] = ev->args[i];
		}
	}
	return 0;
}

static int dec_synth_tail(struct trz_cur *cur, struct trz_synth *syn)
{
	uint8_t b[4];
	uint32_t bits;

	TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_MISC], &syn->gap_id));
	TRZ_TRY(trz_cur_bytes(&cur[TRZ_COL_MISC], b, 4));
	bits = trz_get32(b);
	memcpy(&syn->confidence, &bits, 4);
	BAD(!syn->gap_id || !(syn->confidence >= 0.0f && syn->confidence <= 1.0f));
	syn->_pad = 0;
	return 0;
}

static int dec_token(struct trz_cur *c, struct trz_token *t)
{
	uint64_t nr, dir;

	TRZ_TRY(trz_cur_varint(c, &nr));
	TRZ_TRY(trz_cur_varint(c, &dir));
	int64_t n = trz_unzigzag(nr);
	BAD(n < INT32_MIN || n > INT32_MAX || dir > TRZ_EXIT);
	*t = (struct trz_token){ .nr = (int32_t)n, .dir = (uint8_t)dir };
	return 0;
}

/* The version 2 tail of a gap (see enc_sketch); validated like the writer does. */
static int dec_sketch(struct trz_cur *c, struct trz_sketch *sk, uint64_t lost)
{
	uint64_t v;

	TRZ_TRY(trz_cur_varint(c, &v));
	BAD(v > 1);
	if (!v)
		return 0;
	sk->present = 1;
	TRZ_TRY(trz_cur_varint(c, &v));
	BAD(v > TRZ_SKETCH_MAX_TOKS);
	sk->ntoks = (uint8_t)v;
	for (int i = 0; i < sk->ntoks; i++) {
		TRZ_TRY(dec_token(c, &sk->toks[i].tok));
		TRZ_TRY(trz_cur_varint(c, &sk->toks[i].count));
	}
	TRZ_TRY(trz_cur_varint(c, &sk->other));
	TRZ_TRY(trz_cur_varint(c, &v));
	BAD(v > TRZ_SKETCH_ENDS);
	sk->nfirst = (uint8_t)v;
	for (int i = 0; i < sk->nfirst; i++)
		TRZ_TRY(dec_token(c, &sk->first[i]));
	TRZ_TRY(trz_cur_varint(c, &v));
	BAD(v > TRZ_SKETCH_ENDS);
	sk->nlast = (uint8_t)v;
	for (int i = 0; i < sk->nlast; i++)
		TRZ_TRY(dec_token(c, &sk->last[i]));
	TRZ_TRY(trz_cur_varint(c, &sk->t_first_ns));
	TRZ_TRY(trz_cur_varint(c, &v));
	BAD(sk->t_first_ns + v < sk->t_first_ns);
	sk->t_last_ns = sk->t_first_ns + v;
	BAD(trz_sketch_check(sk, lost) != 0);
	return 0;
}

static int dec_gap(struct trz_bstate *s, struct trz_cur *cur, struct trz_gap *g)
{
	uint64_t v[10];

	for (int i = 0; i < 10; i++)
		TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_MISC], &v[i]));
	BAD(!v[0] || v[6] > UINT32_MAX || v[7] > UINT32_MAX || v[8] > 0xffff || v[9] > 1);
	memset(g, 0, sizeof(*g));
	g->id = v[0];
	g->lost = v[1];
	g->seq_first = v[2];
	g->seq_last = v[3];
	g->t_start_ns = v[4];
	g->t_end_ns = v[5];
	g->pid = (uint32_t)v[6];
	g->tid = (uint32_t)v[7];
	g->cpu = (uint16_t)v[8];
	g->attributed = (uint8_t)v[9];
	return s->version >= 2 ? dec_sketch(&cur[TRZ_COL_MISC], &g->sketch, g->lost) : 0;
}

/* STATE (version 2); counts are checked against their limits before use. */
static int dec_state(struct trz_bstate *s, struct trz_cur *cur, struct trz_state *st)
{
	struct trz_cur *m = &cur[TRZ_COL_MISC];
	uint64_t v;

	BAD(s->version < 2);
	memset(st, 0, offsetof(struct trz_state, cpus));
	TRZ_TRY(trz_cur_varint(m, &v));
	BAD(v < TRZ_STATE_SNAPSHOT || v > TRZ_STATE_END);
	st->what = (uint8_t)v;
	TRZ_TRY(trz_cur_varint(m, &st->ts_ns));
	TRZ_TRY(trz_cur_varint(m, &st->wall_ns));
	TRZ_TRY(trz_cur_varint(m, &st->pending_lost));
	TRZ_TRY(trz_cur_varint(m, &st->other_lost));
	TRZ_TRY(trz_cur_varint(m, &v));
	BAD(v > TRZ_STATE_MAX_CPUS);
	st->ncpus = (uint16_t)v;
	for (int i = 0; i < st->ncpus; i++) {
		TRZ_TRY(trz_cur_varint(m, &st->cpus[i].attempted));
		TRZ_TRY(trz_cur_varint(m, &st->cpus[i].consumed));
		TRZ_TRY(trz_cur_varint(m, &st->cpus[i].lost));
	}
	TRZ_TRY(trz_cur_varint(m, &v));
	BAD(v > TRZ_STATE_MAX_THREADS);
	st->nthreads = (uint16_t)v;
	for (int i = 0; i < st->nthreads; i++) {
		TRZ_TRY(dec_u32(m, &st->threads[i].tid));
		TRZ_TRY(dec_u32(m, &st->threads[i].pid));
		TRZ_TRY(trz_cur_varint(m, &st->threads[i].lost));
	}
	return 0;
}

static int dec_thread(struct trz_bstate *s, struct trz_cur *cur, struct trz_thread *th)
{
	uint64_t what;

	memset(th, 0, offsetof(struct trz_thread, comm));
	TRZ_TRY(dec_ts(s, cur, &th->ts_ns));
	TRZ_TRY(dec_u32_delta(&cur[TRZ_COL_MISC], s->prev_thr_tid, &th->tid));
	TRZ_TRY(dec_u32_delta(&cur[TRZ_COL_MISC], th->tid, &th->pid));
	TRZ_TRY(dec_u32_delta(&cur[TRZ_COL_MISC], th->pid, &th->ppid));
	TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_MISC], &what));
	BAD(what > TRZ_THREAD_EXIT);
	th->what = (uint8_t)what;
	if (s->version >= 2) {
		uint64_t status;

		TRZ_TRY(trz_cur_varint(&cur[TRZ_COL_MISC], &status));
		BAD(status > 0x10000 || (status && what != TRZ_THREAD_EXIT));
		th->has_status = status != 0;
		th->exit_status = status ? (int32_t)(status - 1) : 0;
	}
	s->prev_thr_tid = th->tid;
	TRZ_TRY(dec_str(&cur[TRZ_COL_STR], th->comm, TRZ_COMM_LEN));
	return dec_str(&cur[TRZ_COL_STR], th->path, TRZ_PATH_MAX);
}

int trz_dec_string(struct trz_cur *c, struct trz_string *s)
{
	uint64_t v;

	memset(s, 0, offsetof(struct trz_string, s));
	TRZ_TRY(dec_u32(c, &s->tid));
	TRZ_TRY(trz_cur_varint(c, &s->tseq));
	TRZ_TRY(trz_cur_varint(c, &v));
	int64_t nr = trz_unzigzag(v);
	BAD(nr < INT32_MIN || nr > INT32_MAX);
	s->nr = (int32_t)nr;
	TRZ_TRY(trz_cur_varint(c, &v));
	BAD(v >= TRZ_MAX_ARGS);
	s->arg = (uint8_t)v;
	TRZ_TRY(trz_cur_varint(c, &v));
	BAD(v & ~(uint64_t)TRZ_STR_FLAGS || ((v & TRZ_STR_MORE) && !(v & TRZ_STR_ELEM)));
	s->flags = (uint8_t)v;
	if (s->flags & TRZ_STR_ELEM) {
		TRZ_TRY(trz_cur_varint(c, &v));
		BAD(v > UINT16_MAX);
		s->index = (uint16_t)v;
	}
	TRZ_TRY(dec_str(c, s->s, TRZ_STRING_MAX));
	s->len = (uint32_t)strlen(s->s);
	return 0;
}

int trz_dec_record(struct trz_bstate *s, struct trz_cur *cur, struct trz_record *rec, uint32_t maxdict)
{
	uint8_t k;

	TRZ_TRY(trz_cur_bytes(&cur[TRZ_COL_KIND], &k, 1));
	BAD(k & ~TRZ_KF_ALL);
	rec->kind = (enum trz_rec_kind)(k & TRZ_KIND_MASK);
	if (rec->kind != TRZ_REC_EVENT && rec->kind != TRZ_REC_SYNTH)
		BAD(k & ~TRZ_KIND_MASK);
	switch (rec->kind) {
	case TRZ_REC_EVENT: return dec_event(s, cur, k, &rec->ev, maxdict);
	case TRZ_REC_SYNTH:
		TRZ_TRY(dec_event(s, cur, k, &rec->syn.ev, maxdict));
		return dec_synth_tail(cur, &rec->syn);
	case TRZ_REC_GAP: return dec_gap(s, cur, &rec->gap);
	case TRZ_REC_STATE: return dec_state(s, cur, &rec->state);
	case TRZ_REC_THREAD: return dec_thread(s, cur, &rec->th);
	case TRZ_REC_META:
		TRZ_TRY(dec_str(&cur[TRZ_COL_STR], rec->meta.key, TRZ_KEY_MAX));
		BAD(!rec->meta.key[0]);
		return dec_str(&cur[TRZ_COL_STR], rec->meta.value, TRZ_PATH_MAX);
	case TRZ_REC_STRING: /* never in KIND: strings have their own column */ break;
	}
	return -EBADMSG;
}

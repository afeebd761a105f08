/* trz_codec.c - column encoding and decoding of trz records (man/trz.5, "BLOCK PAYLOAD").
 *
 * Events and synthetic events are predicted from per-block state: the thread from the last
 * thread seen on the same CPU, the token (nr, dir) as the exit of the thread's pending entry,
 * tseq as the thread's last + 1, cseq as the CPU's last + 1, ret and args as deltas from the
 * token's previous values.  Encoder and decoder below mirror each other step by step.
 */
#include "trz_codec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TRY(x)                                                                                    \
	do {                                                                                      \
		int err_ = (x);                                                                   \
		if (err_)                                                                         \
			return err_;                                                              \
	} while (0)

static uint32_t cpu_slot(uint16_t cpu)
{
	return cpu < TRZ_CPU_SLOTS ? cpu : TRZ_CPU_SLOTS;
}

static uint64_t tid_key(uint32_t tid, uint32_t pid)
{
	return (uint64_t)tid << 32 | pid;
}

static uint64_t tok_key(int32_t nr, uint8_t dir)
{
	return (uint64_t)(uint32_t)nr << 1 | dir;
}

/* Append a thread to the dictionary; returns its index or -ENOMEM. */
static int tid_add(struct trz_bstate *s, uint32_t tid, uint32_t pid)
{
	if (s->ntid == s->captid) {
		uint32_t cap = s->captid ? s->captid * 2 : 64;
		void *p = realloc(s->tids, cap * sizeof(*s->tids));
		if (!p)
			return -ENOMEM;
		s->tids = p;
		s->captid = cap;
	}
	TRY(trz_map_put(&s->tidmap, tid_key(tid, pid), (int32_t)s->ntid));
	s->tids[s->ntid] = (struct trz_tid_state){ .tid = tid, .pid = pid };
	return (int)s->ntid++;
}

/* Append a token to the dictionary; returns its index or -ENOMEM. */
static int tok_add(struct trz_bstate *s, int32_t nr, uint8_t dir)
{
	if (s->ntok == s->captok) {
		uint32_t cap = s->captok ? s->captok * 2 : 64;
		void *p = realloc(s->toks, cap * sizeof(*s->toks));
		if (!p)
			return -ENOMEM;
		s->toks = p;
		s->captok = cap;
	}
	TRY(trz_map_put(&s->tokmap, tok_key(nr, dir), (int32_t)s->ntok));
	s->toks[s->ntok] = (struct trz_tok_state){ .nr = nr, .dir = dir };
	return (int)s->ntok++;
}

static int tok_find_or_add(struct trz_bstate *s, int32_t nr, uint8_t dir)
{
	int32_t i = trz_map_get(&s->tokmap, tok_key(nr, dir));
	return i >= 0 ? i : tok_add(s, nr, dir);
}

static int enc_str(struct trz_buf *col, const char *str, size_t max)
{
	size_t n = str ? strnlen(str, max - 1) : 0;

	TRY(trz_buf_varint(col, n));
	return trz_buf_put(col, str, n);
}

/* Timestamps: zigzag delta from the previous timestamped record, split into its low byte
 * (TS, nearly random) and the rest (TSHI, small), which compress far better apart. */
static int enc_ts(struct trz_bstate *s, struct trz_buf *col, uint64_t ts)
{
	uint64_t z = trz_zigzag((int64_t)(ts - s->prev_ts));
	uint8_t lo = (uint8_t)z;

	s->prev_ts = ts;
	TRY(trz_buf_put(&col[TRZ_COL_TS], &lo, 1));
	return trz_buf_varint(&col[TRZ_COL_TSHI], z >> 8);
}

/* Return values: the smaller of a direct and a delta code (TRZ_RET_* in trz_format.h). */
static int enc_ret(struct trz_buf *col, int64_t ret, int64_t last)
{
	uint64_t raw = trz_zigzag(ret), delta = trz_zigzag((int64_t)((uint64_t)ret - (uint64_t)last));

	if (ret == last)
		return trz_buf_varint(col, TRZ_RET_SAME);
	if (raw < TRZ_RET_DIRECT_MAX && (raw <= delta || delta >= TRZ_RET_DIRECT_MAX))
		return trz_buf_varint(col, 1 + 2 * raw);
	if (delta < TRZ_RET_DIRECT_MAX)
		return trz_buf_varint(col, 2 + 2 * delta);
	TRY(trz_buf_varint(col, TRZ_RET_ESCAPE));
	return trz_buf_varint(col, raw);
}

/* Thread reference of an event: 0 = the slot's last thread, i + 1 = dictionary entry i,
 * ntid + 1 = new entry (literal tid, pid in TIDLIT).  Returns the index or -errno. */
static int enc_tid(struct trz_bstate *s, struct trz_buf *col, const struct trz_event *ev)
{
	struct trz_cpu_state *c = &s->cpus[cpu_slot(ev->cpu)];
	int idx = trz_map_get(&s->tidmap, tid_key(ev->tid, ev->pid));

	if (idx < 0) {
		TRY(trz_buf_varint(&col[TRZ_COL_TID], (uint64_t)s->ntid + 1));
		TRY(trz_buf_varint(&col[TRZ_COL_TIDLIT], ev->tid));
		TRY(trz_buf_varint(&col[TRZ_COL_TIDLIT], ev->pid));
		idx = tid_add(s, ev->tid, ev->pid);
		if (idx < 0)
			return idx;
	} else {
		TRY(trz_buf_varint(&col[TRZ_COL_TID], idx == c->tid_idx ? 0 : (uint64_t)idx + 1));
	}
	c->tid_idx = idx;
	return idx;
}

/* Token reference: 0 = exit of the thread's pending entry, i + 1 = entry i, ntok + 1 = new
 * entry (literal zigzag nr, dir in TOKLIT).  Returns the index or -errno. */
static int enc_tok(struct trz_bstate *s, struct trz_buf *col, struct trz_tid_state *t,
		   const struct trz_event *ev)
{
	int idx;

	if (ev->dir == TRZ_EXIT && t->pending && t->pending_nr == ev->nr) {
		TRY(trz_buf_varint(&col[TRZ_COL_TOK], 0));
		idx = tok_find_or_add(s, ev->nr, ev->dir);
	} else if ((idx = trz_map_get(&s->tokmap, tok_key(ev->nr, ev->dir))) >= 0) {
		TRY(trz_buf_varint(&col[TRZ_COL_TOK], (uint64_t)idx + 1));
	} else {
		TRY(trz_buf_varint(&col[TRZ_COL_TOK], (uint64_t)s->ntok + 1));
		TRY(trz_buf_varint(&col[TRZ_COL_TOKLIT], trz_zigzag(ev->nr)));
		TRY(trz_buf_varint(&col[TRZ_COL_TOKLIT], ev->dir));
		idx = tok_add(s, ev->nr, ev->dir);
	}
	return idx;
}

int trz_enc_event(struct trz_bstate *s, struct trz_buf *col, enum trz_rec_kind kind,
		  const struct trz_event *ev, const struct trz_synth *syn)
{
	if (ev->dir > TRZ_EXIT || (ev->nargs != 0 && ev->nargs != TRZ_MAX_ARGS))
		return -EINVAL;
	if (syn && (!(syn->confidence >= 0.0f && syn->confidence <= 1.0f) || !syn->gap_id))
		return -EINVAL;
	uint8_t k = (uint8_t)kind | (ev->nargs ? TRZ_KF_ARGS : 0) |
		    (ev->dir == TRZ_ENTRY && ev->ret ? TRZ_KF_ENTRY_RET : 0);
	TRY(trz_buf_put(&col[TRZ_COL_KIND], &k, 1));
	TRY(trz_buf_varint(&col[TRZ_COL_CPU], ev->cpu == TRZ_NO_CPU ? 0 : (uint64_t)ev->cpu + 1));
	TRY(enc_ts(s, col, ev->ts_ns));

	int ti = enc_tid(s, col, ev);
	if (ti < 0)
		return ti;
	struct trz_tid_state *t = &s->tids[ti];
	int ki = enc_tok(s, col, t, ev);
	if (ki < 0)
		return ki;
	struct trz_tok_state *tk = &s->toks[ki];
	struct trz_cpu_state *c = &s->cpus[cpu_slot(ev->cpu)];

	t->pending = ev->dir == TRZ_ENTRY;
	t->pending_nr = ev->nr;
	TRY(trz_buf_varint(&col[TRZ_COL_TSEQ], trz_zigzag((int64_t)(ev->tseq - t->next_tseq))));
	t->next_tseq = ev->tseq + 1;
	TRY(trz_buf_varint(&col[TRZ_COL_CSEQ], trz_zigzag((int64_t)(ev->cseq - c->next_cseq))));
	c->next_cseq = ev->cseq + 1;
	if (ev->dir == TRZ_EXIT || ev->ret) {
		TRY(enc_ret(&col[TRZ_COL_RET], ev->ret, tk->last_ret));
		tk->last_ret = ev->ret;
	}
	for (int i = 0; ev->nargs && i < TRZ_MAX_ARGS; i++) {
		TRY(trz_buf_varint(&col[TRZ_COL_ARGS],
				   trz_zigzag((int64_t)(ev->args[i] - tk->last_args[i]))));
		tk->last_args[i] = ev->args[i];
	}
	if (syn) {
		uint8_t conf[4];
		uint32_t bits;
		memcpy(&bits, &syn->confidence, 4);
		trz_put32(conf, bits);
		TRY(trz_buf_varint(&col[TRZ_COL_MISC], syn->gap_id));
		TRY(trz_buf_put(&col[TRZ_COL_MISC], conf, 4));
	}
	return 0;
}

int trz_enc_gap(struct trz_bstate *s, struct trz_buf *col, const struct trz_gap *g)
{
	uint8_t k = TRZ_REC_GAP;
	const uint64_t v[] = { g->id, g->lost, g->seq_first, g->seq_last, g->t_start_ns,
			       g->t_end_ns, g->pid, g->tid, g->cpu, g->attributed };

	(void)s;
	if (!g->id || g->attributed > 1)
		return -EINVAL;
	TRY(trz_buf_put(&col[TRZ_COL_KIND], &k, 1));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		TRY(trz_buf_varint(&col[TRZ_COL_MISC], v[i]));
	return 0;
}

int trz_enc_thread(struct trz_bstate *s, struct trz_buf *col, const struct trz_thread *th)
{
	uint8_t k = TRZ_REC_THREAD;
	const uint64_t v[] = { trz_zigzag((int64_t)th->tid - (int64_t)s->prev_thr_tid),
			       trz_zigzag((int64_t)th->pid - (int64_t)th->tid),
			       trz_zigzag((int64_t)th->ppid - (int64_t)th->pid), th->what };

	if (th->what > TRZ_THREAD_EXIT)
		return -EINVAL;
	TRY(trz_buf_put(&col[TRZ_COL_KIND], &k, 1));
	TRY(enc_ts(s, col, th->ts_ns));
	s->prev_thr_tid = th->tid;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		TRY(trz_buf_varint(&col[TRZ_COL_MISC], v[i]));
	TRY(enc_str(&col[TRZ_COL_STR], th->comm, TRZ_COMM_LEN));
	return enc_str(&col[TRZ_COL_STR], th->path, TRZ_PATH_MAX);
}

int trz_enc_meta(struct trz_bstate *s, struct trz_buf *col, const char *key, const char *value)
{
	uint8_t k = TRZ_REC_META;

	(void)s;
	if (!key || !*key)
		return -EINVAL;
	TRY(trz_buf_put(&col[TRZ_COL_KIND], &k, 1));
	TRY(enc_str(&col[TRZ_COL_STR], key, TRZ_KEY_MAX));
	return enc_str(&col[TRZ_COL_STR], value, TRZ_PATH_MAX);
}

/* ---- decoding ------------------------------------------------------------------------- */

#define BAD(cond)                                                                                 \
	do {                                                                                      \
		if (cond)                                                                         \
			return -EBADMSG;                                                          \
	} while (0)

static int dec_u32(struct trz_cur *c, uint32_t *out)
{
	uint64_t v;

	TRY(trz_cur_varint(c, &v));
	BAD(v > UINT32_MAX);
	*out = (uint32_t)v;
	return 0;
}

/* A u32 stored as zigzag(value - base). */
static int dec_u32_delta(struct trz_cur *c, uint32_t base, uint32_t *out)
{
	uint64_t v;

	TRY(trz_cur_varint(c, &v));
	BAD(v > 1ull << 34);
	int64_t x = (int64_t)base + trz_unzigzag(v);
	BAD(x < 0 || x > UINT32_MAX);
	*out = (uint32_t)x;
	return 0;
}

static int dec_str(struct trz_cur *c, char *dst, size_t max)
{
	uint64_t n;

	TRY(trz_cur_varint(c, &n));
	BAD(n >= max);
	TRY(trz_cur_bytes(c, dst, (size_t)n));
	BAD(memchr(dst, 0, (size_t)n) != NULL);
	dst[n] = '\0';
	return 0;
}

static int dec_ts(struct trz_bstate *s, struct trz_cur *cur, uint64_t *ts)
{
	uint8_t lo;
	uint64_t hi;

	TRY(trz_cur_bytes(&cur[TRZ_COL_TS], &lo, 1));
	TRY(trz_cur_varint(&cur[TRZ_COL_TSHI], &hi));
	BAD(hi >> 56);
	*ts = s->prev_ts + (uint64_t)trz_unzigzag(hi << 8 | lo);
	s->prev_ts = *ts;
	return 0;
}

static int dec_ret(struct trz_cur *c, int64_t last, int64_t *ret)
{
	uint64_t code, raw;

	TRY(trz_cur_varint(c, &code));
	if (code == TRZ_RET_SAME) {
		*ret = last;
	} else if (code & 1) {
		*ret = trz_unzigzag((code - 1) / 2);
	} else if (code == TRZ_RET_ESCAPE) {
		TRY(trz_cur_varint(c, &raw));
		*ret = trz_unzigzag(raw);
	} else {
		*ret = (int64_t)((uint64_t)last + (uint64_t)trz_unzigzag((code - 2) / 2));
	}
	return 0;
}

static int dec_tid(struct trz_bstate *s, struct trz_cur *cur, struct trz_event *ev,
		   uint32_t maxdict)
{
	struct trz_cpu_state *c = &s->cpus[cpu_slot(ev->cpu)];
	uint64_t v;
	int idx;

	TRY(trz_cur_varint(&cur[TRZ_COL_TID], &v));
	if (v == 0) {
		BAD(c->tid_idx < 0);
		idx = c->tid_idx;
	} else if (v <= s->ntid) {
		idx = (int)(v - 1);
	} else {
		uint32_t tid, pid;
		BAD(v != (uint64_t)s->ntid + 1 || s->ntid >= maxdict);
		TRY(dec_u32(&cur[TRZ_COL_TIDLIT], &tid));
		TRY(dec_u32(&cur[TRZ_COL_TIDLIT], &pid));
		BAD(trz_map_get(&s->tidmap, tid_key(tid, pid)) >= 0);
		idx = tid_add(s, tid, pid);
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

	TRY(trz_cur_varint(&cur[TRZ_COL_TOK], &v));
	if (v == 0) {
		BAD(!t->pending || s->ntok >= maxdict);
		idx = tok_find_or_add(s, t->pending_nr, TRZ_EXIT);
	} else if (v <= s->ntok) {
		idx = (int)(v - 1);
	} else {
		BAD(v != (uint64_t)s->ntok + 1 || s->ntok >= maxdict);
		TRY(trz_cur_varint(&cur[TRZ_COL_TOKLIT], &nr));
		TRY(trz_cur_varint(&cur[TRZ_COL_TOKLIT], &dir));
		int64_t n = trz_unzigzag(nr);
		BAD(n < INT32_MIN || n > INT32_MAX || dir > TRZ_EXIT);
		BAD(trz_map_get(&s->tokmap, tok_key((int32_t)n, (uint8_t)dir)) >= 0);
		idx = tok_add(s, (int32_t)n, (uint8_t)dir);
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
	TRY(trz_cur_varint(&cur[TRZ_COL_CPU], &v));
	BAD(v > 0xffff);
	ev->cpu = v ? (uint16_t)(v - 1) : TRZ_NO_CPU;
	TRY(dec_ts(s, cur, &ev->ts_ns));

	int ti = dec_tid(s, cur, ev, maxdict);
	if (ti < 0)
		return ti;
	struct trz_tid_state *t = &s->tids[ti];
	int ki = dec_tok(s, cur, t, ev, maxdict);
	if (ki < 0)
		return ki;
	struct trz_tok_state *tk = &s->toks[ki];
	struct trz_cpu_state *c = &s->cpus[cpu_slot(ev->cpu)];

	BAD((k & TRZ_KF_ENTRY_RET) && ev->dir != TRZ_ENTRY);
	t->pending = ev->dir == TRZ_ENTRY;
	t->pending_nr = ev->nr;
	TRY(trz_cur_varint(&cur[TRZ_COL_TSEQ], &v));
	ev->tseq = t->next_tseq + (uint64_t)trz_unzigzag(v);
	t->next_tseq = ev->tseq + 1;
	TRY(trz_cur_varint(&cur[TRZ_COL_CSEQ], &v));
	ev->cseq = c->next_cseq + (uint64_t)trz_unzigzag(v);
	c->next_cseq = ev->cseq + 1;
	if (ev->dir == TRZ_EXIT || (k & TRZ_KF_ENTRY_RET)) {
		TRY(dec_ret(&cur[TRZ_COL_RET], tk->last_ret, &ev->ret));
		BAD((k & TRZ_KF_ENTRY_RET) && ev->ret == 0);
		tk->last_ret = ev->ret;
	}
	if (k & TRZ_KF_ARGS) {
		ev->nargs = TRZ_MAX_ARGS;
		for (int i = 0; i < TRZ_MAX_ARGS; i++) {
			TRY(trz_cur_varint(&cur[TRZ_COL_ARGS], &v));
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

	TRY(trz_cur_varint(&cur[TRZ_COL_MISC], &syn->gap_id));
	TRY(trz_cur_bytes(&cur[TRZ_COL_MISC], b, 4));
	bits = trz_get32(b);
	memcpy(&syn->confidence, &bits, 4);
	BAD(!syn->gap_id || !(syn->confidence >= 0.0f && syn->confidence <= 1.0f));
	syn->_pad = 0;
	return 0;
}

static int dec_gap(struct trz_cur *cur, struct trz_gap *g)
{
	uint64_t v[10];

	for (int i = 0; i < 10; i++)
		TRY(trz_cur_varint(&cur[TRZ_COL_MISC], &v[i]));
	BAD(!v[0] || v[6] > UINT32_MAX || v[7] > UINT32_MAX || v[8] > 0xffff || v[9] > 1);
	*g = (struct trz_gap){ .id = v[0], .lost = v[1], .seq_first = v[2], .seq_last = v[3],
			       .t_start_ns = v[4], .t_end_ns = v[5], .pid = (uint32_t)v[6],
			       .tid = (uint32_t)v[7], .cpu = (uint16_t)v[8],
			       .attributed = (uint8_t)v[9] };
	return 0;
}

static int dec_thread(struct trz_bstate *s, struct trz_cur *cur, struct trz_thread *th)
{
	uint64_t what;

	memset(th, 0, offsetof(struct trz_thread, comm));
	TRY(dec_ts(s, cur, &th->ts_ns));
	TRY(dec_u32_delta(&cur[TRZ_COL_MISC], s->prev_thr_tid, &th->tid));
	TRY(dec_u32_delta(&cur[TRZ_COL_MISC], th->tid, &th->pid));
	TRY(dec_u32_delta(&cur[TRZ_COL_MISC], th->pid, &th->ppid));
	TRY(trz_cur_varint(&cur[TRZ_COL_MISC], &what));
	BAD(what > TRZ_THREAD_EXIT);
	th->what = (uint8_t)what;
	s->prev_thr_tid = th->tid;
	TRY(dec_str(&cur[TRZ_COL_STR], th->comm, TRZ_COMM_LEN));
	return dec_str(&cur[TRZ_COL_STR], th->path, TRZ_PATH_MAX);
}

int trz_dec_record(struct trz_bstate *s, struct trz_cur *cur, struct trz_record *rec,
		   uint32_t maxdict)
{
	uint8_t k;

	TRY(trz_cur_bytes(&cur[TRZ_COL_KIND], &k, 1));
	BAD(k & ~TRZ_KF_ALL);
	rec->kind = (enum trz_rec_kind)(k & TRZ_KIND_MASK);
	if (rec->kind != TRZ_REC_EVENT && rec->kind != TRZ_REC_SYNTH)
		BAD(k & ~TRZ_KIND_MASK);
	switch (rec->kind) {
	case TRZ_REC_EVENT:
		return dec_event(s, cur, k, &rec->ev, maxdict);
	case TRZ_REC_SYNTH:
		TRY(dec_event(s, cur, k, &rec->syn.ev, maxdict));
		return dec_synth_tail(cur, &rec->syn);
	case TRZ_REC_GAP:
		return dec_gap(cur, &rec->gap);
	case TRZ_REC_THREAD:
		return dec_thread(s, cur, &rec->th);
	case TRZ_REC_META:
		TRY(dec_str(&cur[TRZ_COL_STR], rec->meta.key, TRZ_KEY_MAX));
		BAD(!rec->meta.key[0]);
		return dec_str(&cur[TRZ_COL_STR], rec->meta.value, TRZ_PATH_MAX);
	}
	return -EBADMSG;
}

/* trz_encode.c - column encoding of trz records (man/trz.5, "RECORDS").
 *
 * Events and synthetic events are predicted from per-block state: the thread from the last
 * thread seen on the same CPU, the token (nr, dir) as the exit of the thread's pending entry,
 * tseq as the thread's last + 1, cseq as the CPU's last + 1, ret and args from the token's
 * previous values.  trz_decode.c mirrors every step.
 */
#include "trz/trz_codec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int enc_str(struct trz_buf *col, const char *str, size_t max)
{
	size_t n = str ? strnlen(str, max - 1) : 0;

	TRZ_TRY(trz_buf_varint(col, n));
	return trz_buf_put(col, str, n);
}

/* Timestamps: zigzag delta from the previous timestamped record, split into its low byte
 * (TS, nearly random) and the rest (TSHI, small), which compress far better apart. */
static int enc_ts(struct trz_bstate *s, struct trz_buf *col, uint64_t ts)
{
	uint64_t z = trz_zigzag((int64_t)(ts - s->prev_ts));
	uint8_t lo = (uint8_t)z;

	s->prev_ts = ts;
	TRZ_TRY(trz_buf_put(&col[TRZ_COL_TS], &lo, 1));
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
	TRZ_TRY(trz_buf_varint(col, TRZ_RET_ESCAPE));
	return trz_buf_varint(col, raw);
}

/* Thread reference of an event: 0 = the slot's last thread, i + 1 = dictionary entry i,
 * ntid + 1 = new entry (literal tid, pid in TIDLIT).  Returns the index or -errno. */
static int enc_tid(struct trz_bstate *s, struct trz_buf *col, const struct trz_event *ev)
{
	struct trz_cpu_state *c = trz_cpu_of(s, ev->cpu);
	int idx = tidmap_find(&s->tidmap, trz_tid_key(ev->tid, ev->pid));

	if (idx < 0) {
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TID], (uint64_t)s->ntid + 1));
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TIDLIT], ev->tid));
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TIDLIT], ev->pid));
		idx = trz_tid_add(s, ev->tid, ev->pid);
		if (idx < 0)
			return idx;
	} else {
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TID], idx == c->tid_idx ? 0 : (uint64_t)idx + 1));
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
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TOK], 0));
		idx = trz_tok_find_or_add(s, ev->nr, ev->dir);
	} else if ((idx = tidmap_find(&s->tokmap, trz_tok_key(ev->nr, ev->dir))) >= 0) {
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TOK], (uint64_t)idx + 1));
	} else {
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TOK], (uint64_t)s->ntok + 1));
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TOKLIT], trz_zigzag(ev->nr)));
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TOKLIT], ev->dir));
		idx = trz_tok_add(s, ev->nr, ev->dir);
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
	TRZ_TRY(trz_buf_put(&col[TRZ_COL_KIND], &k, 1));
	TRZ_TRY(trz_buf_varint(&col[TRZ_COL_CPU], ev->cpu == TRZ_NO_CPU ? 0 : (uint64_t)ev->cpu + 1));
	TRZ_TRY(enc_ts(s, col, ev->ts_ns));

	int ti = enc_tid(s, col, ev);
	if (ti < 0)
		return ti;
	struct trz_tid_state *t = &s->tids[ti];
	int ki = enc_tok(s, col, t, ev);
	if (ki < 0)
		return ki;
	struct trz_tok_state *tk = &s->toks[ki];
	struct trz_cpu_state *c = trz_cpu_of(s, ev->cpu);

	t->pending = ev->dir == TRZ_ENTRY;
	t->pending_nr = ev->nr;
	TRZ_TRY(trz_buf_varint(&col[TRZ_COL_TSEQ], trz_zigzag((int64_t)(ev->tseq - t->next_tseq))));
	t->next_tseq = ev->tseq + 1;
	TRZ_TRY(trz_buf_varint(&col[TRZ_COL_CSEQ], trz_zigzag((int64_t)(ev->cseq - c->next_cseq))));
	c->next_cseq = ev->cseq + 1;
	if (ev->dir == TRZ_EXIT || ev->ret) {
		TRZ_TRY(enc_ret(&col[TRZ_COL_RET], ev->ret, tk->last_ret));
		tk->last_ret = ev->ret;
	}
	for (int i = 0; ev->nargs && i < TRZ_MAX_ARGS; i++) {
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_ARGS],
				       trz_zigzag((int64_t)(ev->args[i] - tk->last_args[i]))));
		tk->last_args[i] = ev->args[i];
	}
	if (syn) {
		uint8_t conf[4];
		uint32_t bits;
		memcpy(&bits, &syn->confidence, 4);
		trz_put32(conf, bits);
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_MISC], syn->gap_id));
		TRZ_TRY(trz_buf_put(&col[TRZ_COL_MISC], conf, 4));
	}
	return 0;
}

int trz_sketch_check(const struct trz_sketch *sk, uint64_t lost)
{
	uint64_t sum = sk->other;

	if (!sk->present)
		return 0;
	if (sk->ntoks > TRZ_SKETCH_MAX_TOKS || sk->nfirst > TRZ_SKETCH_ENDS ||
	    sk->nlast > TRZ_SKETCH_ENDS || sk->t_first_ns > sk->t_last_ns)
		return -EINVAL;
	for (int i = 0; i < sk->ntoks; i++) {
		const struct trz_sketch_cnt *c = &sk->toks[i];

		if (!c->count || c->tok.dir > TRZ_EXIT || sum + c->count < sum)
			return -EINVAL;
		sum += c->count;
		for (int j = 0; j < i; j++)
			if (sk->toks[j].tok.nr == c->tok.nr && sk->toks[j].tok.dir == c->tok.dir)
				return -EINVAL;
	}
	for (int i = 0; i < sk->nfirst; i++)
		if (sk->first[i].dir > TRZ_EXIT)
			return -EINVAL;
	for (int i = 0; i < sk->nlast; i++)
		if (sk->last[i].dir > TRZ_EXIT)
			return -EINVAL;
	return sum == lost && lost ? 0 : -EINVAL;
}

static int enc_token(struct trz_buf *col, const struct trz_token *t)
{
	TRZ_TRY(trz_buf_varint(col, trz_zigzag(t->nr)));
	return trz_buf_varint(col, t->dir);
}

/* Version 2 tail of a gap: 0 (no sketch) or 1 and the sketch (man/trz.5, "GAP"). */
static int enc_sketch(struct trz_buf *col, const struct trz_sketch *sk)
{
	if (!sk->present)
		return trz_buf_varint(col, 0);
	TRZ_TRY(trz_buf_varint(col, 1));
	TRZ_TRY(trz_buf_varint(col, sk->ntoks));
	for (int i = 0; i < sk->ntoks; i++) {
		TRZ_TRY(enc_token(col, &sk->toks[i].tok));
		TRZ_TRY(trz_buf_varint(col, sk->toks[i].count));
	}
	TRZ_TRY(trz_buf_varint(col, sk->other));
	TRZ_TRY(trz_buf_varint(col, sk->nfirst));
	for (int i = 0; i < sk->nfirst; i++)
		TRZ_TRY(enc_token(col, &sk->first[i]));
	TRZ_TRY(trz_buf_varint(col, sk->nlast));
	for (int i = 0; i < sk->nlast; i++)
		TRZ_TRY(enc_token(col, &sk->last[i]));
	TRZ_TRY(trz_buf_varint(col, sk->t_first_ns));
	return trz_buf_varint(col, sk->t_last_ns - sk->t_first_ns);
}

int trz_enc_gap(struct trz_bstate *s, struct trz_buf *col, const struct trz_gap *g)
{
	uint8_t k = TRZ_REC_GAP;
	const uint64_t v[] = { g->id,       g->lost, g->seq_first, g->seq_last, g->t_start_ns,
			       g->t_end_ns, g->pid,  g->tid,       g->cpu,      g->attributed };

	if (!g->id || g->attributed > 1 || trz_sketch_check(&g->sketch, g->lost))
		return -EINVAL;
	TRZ_TRY(trz_buf_put(&col[TRZ_COL_KIND], &k, 1));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_MISC], v[i]));
	return s->version >= 2 ? enc_sketch(&col[TRZ_COL_MISC], &g->sketch) : 0;
}

int trz_enc_state(struct trz_bstate *s, struct trz_buf *col, const struct trz_state *st)
{
	uint8_t k = TRZ_REC_STATE;
	struct trz_buf *m = &col[TRZ_COL_MISC];

	if (s->version < 2 || st->what < TRZ_STATE_SNAPSHOT || st->what > TRZ_STATE_END ||
	    st->ncpus > TRZ_STATE_MAX_CPUS || st->nthreads > TRZ_STATE_MAX_THREADS)
		return -EINVAL;
	TRZ_TRY(trz_buf_put(&col[TRZ_COL_KIND], &k, 1));
	TRZ_TRY(trz_buf_varint(m, st->what));
	TRZ_TRY(trz_buf_varint(m, st->ts_ns));
	TRZ_TRY(trz_buf_varint(m, st->wall_ns));
	TRZ_TRY(trz_buf_varint(m, st->pending_lost));
	TRZ_TRY(trz_buf_varint(m, st->other_lost));
	TRZ_TRY(trz_buf_varint(m, st->ncpus));
	for (int i = 0; i < st->ncpus; i++) {
		TRZ_TRY(trz_buf_varint(m, st->cpus[i].attempted));
		TRZ_TRY(trz_buf_varint(m, st->cpus[i].consumed));
		TRZ_TRY(trz_buf_varint(m, st->cpus[i].lost));
	}
	TRZ_TRY(trz_buf_varint(m, st->nthreads));
	for (int i = 0; i < st->nthreads; i++) {
		TRZ_TRY(trz_buf_varint(m, st->threads[i].tid));
		TRZ_TRY(trz_buf_varint(m, st->threads[i].pid));
		TRZ_TRY(trz_buf_varint(m, st->threads[i].lost));
	}
	return 0;
}

int trz_enc_thread(struct trz_bstate *s, struct trz_buf *col, const struct trz_thread *th)
{
	uint8_t k = TRZ_REC_THREAD;
	const uint64_t v[] = { trz_zigzag((int64_t)th->tid - (int64_t)s->prev_thr_tid),
			       trz_zigzag((int64_t)th->pid - (int64_t)th->tid),
			       trz_zigzag((int64_t)th->ppid - (int64_t)th->pid), th->what };

	if (th->what > TRZ_THREAD_EXIT ||
	    (th->has_status && (th->exit_status < 0 || th->exit_status > 0xffff)))
		return -EINVAL;
	TRZ_TRY(trz_buf_put(&col[TRZ_COL_KIND], &k, 1));
	TRZ_TRY(enc_ts(s, col, th->ts_ns));
	s->prev_thr_tid = th->tid;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_MISC], v[i]));
	if (s->version >= 2) /* exit status: 0 = unknown, else wait(2) status + 1 */
		TRZ_TRY(trz_buf_varint(&col[TRZ_COL_MISC],
				       th->what == TRZ_THREAD_EXIT && th->has_status
					       ? (uint64_t)(uint32_t)th->exit_status + 1
					       : 0));
	TRZ_TRY(enc_str(&col[TRZ_COL_STR], th->comm, TRZ_COMM_LEN));
	return enc_str(&col[TRZ_COL_STR], th->path, TRZ_PATH_MAX);
}

int trz_enc_meta(struct trz_bstate *s, struct trz_buf *col, const char *key, const char *value)
{
	uint8_t k = TRZ_REC_META;

	(void)s;
	if (!key || !*key)
		return -EINVAL;
	TRZ_TRY(trz_buf_put(&col[TRZ_COL_KIND], &k, 1));
	TRZ_TRY(enc_str(&col[TRZ_COL_STR], key, TRZ_KEY_MAX));
	return enc_str(&col[TRZ_COL_STR], value, TRZ_PATH_MAX);
}

int trz_string_check(const struct trz_string *s)
{
	if (s->arg >= TRZ_MAX_ARGS || (s->flags & ~TRZ_STR_FLAGS) ||
	    ((s->flags & TRZ_STR_MORE) && !(s->flags & TRZ_STR_ELEM)) ||
	    (!(s->flags & TRZ_STR_ELEM) && s->index) || s->len >= TRZ_STRING_MAX ||
	    memchr(s->s, 0, s->len))
		return -EINVAL;
	return 0;
}

/* man/trz.5, STRINGS: (position delta,) tid, tseq, zigzag nr, arg, flags, [index], string. */
int trz_enc_string(struct trz_buf *col, const struct trz_string *s)
{
	TRZ_TRY(trz_buf_varint(col, s->tid));
	TRZ_TRY(trz_buf_varint(col, s->tseq));
	TRZ_TRY(trz_buf_varint(col, trz_zigzag(s->nr)));
	TRZ_TRY(trz_buf_varint(col, s->arg));
	TRZ_TRY(trz_buf_varint(col, s->flags));
	if (s->flags & TRZ_STR_ELEM)
		TRZ_TRY(trz_buf_varint(col, s->index));
	TRZ_TRY(trz_buf_varint(col, s->len));
	return trz_buf_put(col, s->s, s->len);
}

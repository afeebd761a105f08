/* runs.c - per-thread intact runs and token counts (see runs.h). */
#include "corpus/runs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "common/token.h"
#include "common/vec.h"
#include "trz/trz_foreach.h"

struct runs_thread {
	uint64_t last; /* tseq of its last event */
	int32_t *run;  /* the open run */
	int64_t *ts;   /* its timestamps */
	uint8_t *rc;   /* its return classes */
	size_t n, cap, capts, caprc;
};

void runs_init(struct runs *r, int min_len, int64_t max_tokens)
{
	memset(r, 0, sizeof(*r));
	r->min_len = min_len < 1 ? 1 : min_len;
	r->max_tokens = max_tokens > 0 ? max_tokens : INT64_MAX;
}

static struct runs_thread *thread(struct runs *r, uint32_t tid)
{
	int32_t i = tidmap_index(&r->thread_of, tid);

	if (i < 0)
		return NULL;
	if ((size_t)i >= r->capth) {
		size_t old = r->capth;
		if (VEC_RESERVE(r->th, r->capth, (size_t)i + 1))
			return NULL;
		memset(r->th + old, 0, (r->capth - old) * sizeof(*r->th));
	}
	return &r->th[i];
}

/* Move t's open run into the corpus when long enough; t starts afresh. */
static int close_run(struct runs *r, struct runs_thread *t)
{
	if (t->n >= (size_t)r->min_len) {
		if (VEC_RESERVE(r->tok, r->captok, r->ntok + t->n) ||
		    VEC_RESERVE(r->ts, r->capts, r->ntok + t->n) ||
		    VEC_RESERVE(r->rc, r->caprc, r->ntok + t->n) ||
		    VEC_RESERVE(r->starts, r->capseq, r->nseq + 2))
			return -ENOMEM;
		r->starts[0] = 0;
		memcpy(r->tok + r->ntok, t->run, sizeof(int32_t) * t->n);
		memcpy(r->ts + r->ntok, t->ts, sizeof(int64_t) * t->n);
		memcpy(r->rc + r->ntok, t->rc, t->n);
		r->ntok += t->n;
		r->starts[++r->nseq] = (int64_t)r->ntok;
	}
	r->open -= t->n;
	t->n = 0;
	return 0;
}

static int count(struct runs *r, int32_t tok)
{
	int32_t i;

	if (tok == TOK_NONE)
		return 0;
	if ((i = tidmap_index(&r->token_of, (uint32_t)tok)) < 0)
		return -ENOMEM;
	if ((size_t)i >= r->capcount) {
		size_t old = r->capcount;
		if (VEC_RESERVE(r->count, r->capcount, (size_t)i + 1))
			return -ENOMEM;
		memset(r->count + old, 0, (r->capcount - old) * sizeof(*r->count));
	}
	if (VEC_RESERVE(r->tokens, r->captokens, (size_t)i + 1))
		return -ENOMEM;
	r->tokens[i] = tok;
	r->count[i]++;
	return 0;
}

int runs_event(struct runs *r, uint32_t tid, uint64_t tseq, int32_t tok)
{
	return runs_event_aux(r, tid, tseq, tok, -1, IMPUTER_RC_NONE);
}

int runs_event_aux(struct runs *r, uint32_t tid, uint64_t tseq, int32_t tok, int64_t ts, uint8_t rc)
{
	struct runs_thread *t;
	int err;

	r->events++;
	if ((err = count(r, tok)))
		return err;
	if ((int64_t)(r->ntok + r->open) >= r->max_tokens)
		return 0; /* enough: the runs held (closed and open) reach the cap */
	if (!(t = thread(r, tid)))
		return -ENOMEM;
	if (t->n > 0 && (tseq != t->last + 1 || tok == TOK_NONE) && (err = close_run(r, t)))
		return err;
	t->last = tseq;
	if (tok == TOK_NONE)
		return 0;
	if (VEC_RESERVE(t->run, t->cap, t->n + 1) || VEC_RESERVE(t->ts, t->capts, t->n + 1) ||
	    VEC_RESERVE(t->rc, t->caprc, t->n + 1))
		return -ENOMEM;
	t->ts[t->n] = ts;
	t->rc[t->n] = rc;
	r->has_aux |= ts >= 0;
	t->run[t->n++] = tok;
	r->open++;
	return 0;
}

int runs_break(struct runs *r, uint32_t tid)
{
	int32_t i = tidmap_find(&r->thread_of, tid);

	return i < 0 ? 0 : close_run(r, &r->th[i]);
}

int runs_finish(struct runs *r)
{
	for (int32_t i = 0; i < r->thread_of.n; i++) {
		struct runs_thread *t = &r->th[i];
		int err = close_run(r, t);

		if (err)
			return err;
		free(t->run);
		free(t->ts);
		free(t->rc);
		memset(t, 0, sizeof(*t));
	}
	return 0;
}

static int read_record(void *ctx, const struct trz_record *rec)
{
	struct runs *r = ctx;

	if (rec->kind == TRZ_REC_EVENT)
		return runs_event_aux(r, rec->ev.tid, rec->ev.tseq, tok_make(rec->ev.nr, rec->ev.dir),
				      rec->ev.ts_ns > INT64_MAX ? -1 : (int64_t)rec->ev.ts_ns,
				      imputer_rc_class(rec->ev.dir == TRZ_EXIT, rec->ev.ret));
	if (rec->kind == TRZ_REC_GAP && rec->gap.attributed)
		return runs_break(r, rec->gap.tid);
	return 0;
}

int runs_read_trz(struct runs *r, const char *path)
{
	return trz_foreach(path, read_record, r);
}

int runs_vocab(const struct runs *r, struct vocab *v)
{
	size_t k = (size_t)r->token_of.n;
	int32_t *nr = malloc(sizeof(*nr) * (k + 1));
	uint8_t *dir = malloc(k + 1);
	int err = -ENOMEM;

	if (nr && dir) {
		for (size_t i = 0; i < k; i++) {
			nr[i] = tok_nr(r->tokens[i]);
			dir[i] = tok_dir(r->tokens[i]);
		}
		err = vocab_from_counts(v, nr, dir, r->count, (int64_t)k);
	}
	free(nr);
	free(dir);
	return err;
}

int runs_ids(struct runs *r, const struct vocab *v, struct corpus *out)
{
	free(r->ids);
	r->ids = malloc(sizeof(int32_t) * (r->ntok + 1));
	if (!r->ids || VEC_RESERVE(r->starts, r->capseq, 1))
		return -ENOMEM;
	r->starts[0] = 0;
	for (size_t i = 0; i < r->ntok; i++)
		r->ids[i] = vocab_id(v, tok_nr(r->tok[i]), tok_dir(r->tok[i]));
	out->ids = r->ids;
	out->starts = r->starts;
	out->n = (int64_t)r->nseq;
	return 0;
}

void runs_free(struct runs *r)
{
	for (int32_t i = 0; i < r->thread_of.n && (size_t)i < r->capth; i++) {
		free(r->th[i].run);
		free(r->th[i].ts);
		free(r->th[i].rc);
	}
	free(r->th);
	tidmap_free(&r->thread_of);
	tidmap_free(&r->token_of);
	free(r->tokens);
	free(r->count);
	free(r->tok);
	free(r->ts);
	free(r->rc);
	free(r->starts);
	free(r->ids);
	memset(r, 0, sizeof(*r));
}

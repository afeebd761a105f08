/* fill_corpus.c - a training corpus from a trace's own intact sequences.
 *
 * Every thread's recorded events are cut into runs at each tseq jump (a gap, or events the
 * reader skipped): runs contain no loss, so they are what an imputer may learn from.  Runs are
 * collected up to max_tokens (the first ones in the file) to bound memory; the token counts for
 * the vocabulary cover every recorded event.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fill/fill.h"

#define FC_TOK_SPACE 65536   /* tokens counted directly: syscall numbers below 32768 */

struct fill_corpus_thread {
	uint32_t tid;
	uint8_t used;
	uint64_t last;           /* tseq of the last event */
	int32_t *run;
	int64_t n, cap;
};

void fill_corpus_init(struct fill_corpus *fc, int64_t max_tokens)
{
	memset(fc, 0, sizeof(*fc));
	fc->max_tokens = max_tokens > 0 ? max_tokens : 4 << 20;
}

static struct fill_corpus_thread *fc_thread(struct fill_corpus *fc, uint32_t tid)
{
	if ((fc->nthreads + 1) * 2 > fc->capthreads) {
		int nc = fc->capthreads ? fc->capthreads * 2 : 64;
		struct fill_corpus_thread *old = fc->threads, *nt = calloc((size_t)nc, sizeof(*nt));
		if (!nt)
			return NULL;
		for (int i = 0; i < fc->capthreads; i++) {
			if (!old[i].used)
				continue;
			uint32_t h = old[i].tid * 2654435761u & (uint32_t)(nc - 1);
			while (nt[h].used)
				h = (h + 1) & (uint32_t)(nc - 1);
			nt[h] = old[i];
		}
		free(old);
		fc->threads = nt;
		fc->capthreads = nc;
	}
	uint32_t m = (uint32_t)fc->capthreads - 1;
	for (uint32_t h = tid * 2654435761u & m;; h = (h + 1) & m) {
		struct fill_corpus_thread *t = &fc->threads[h];
		if (t->used && t->tid == tid)
			return t;
		if (!t->used) {
			t->used = 1;
			t->tid = tid;
			fc->nthreads++;
			return t;
		}
	}
}

/* Move thread t's run into the corpus (runs shorter than 2 events teach nothing). */
static int fc_close_run(struct fill_corpus *fc, struct fill_corpus_thread *t)
{
	if (t->n >= 2) {
		if (fc->ntok + t->n > fc->captok) {
			int64_t nc = fc->captok ? fc->captok : 4096;
			while (nc < fc->ntok + t->n)
				nc *= 2;
			int32_t *p = realloc(fc->tok, sizeof(int32_t) * (size_t)nc);
			if (!p)
				return -ENOMEM;
			fc->tok = p;
			fc->captok = nc;
		}
		if (fc->nseq + 2 > fc->capseq) {
			int64_t nc = fc->capseq ? fc->capseq * 2 : 256;
			int64_t *p = realloc(fc->starts, sizeof(int64_t) * (size_t)nc);
			if (!p)
				return -ENOMEM;
			fc->starts = p;
			fc->capseq = nc;
		}
		if (fc->nseq == 0)
			fc->starts[0] = 0;
		memcpy(fc->tok + fc->ntok, t->run, sizeof(int32_t) * (size_t)t->n);
		fc->ntok += t->n;
		fc->starts[++fc->nseq] = fc->ntok;
	}
	t->n = 0;
	return 0;
}

static int fc_count(struct fill_corpus *fc, int32_t tok)
{
	if (tok < 0 || tok >= FC_TOK_SPACE)
		return 0;
	if (!fc->vcount) {
		fc->vcount = calloc(FC_TOK_SPACE, sizeof(uint64_t));
		if (!fc->vcount)
			return -ENOMEM;
	}
	fc->vcount[tok]++;
	return 0;
}

int fill_corpus_event(struct fill_corpus *fc, uint32_t tid, uint64_t tseq, int32_t tok)
{
	struct fill_corpus_thread *t;
	int err;

	if ((err = fc_count(fc, tok)))
		return err;
	if (fc->ntok >= fc->max_tokens)
		return 0;
	if (!(t = fc_thread(fc, tid)))
		return -ENOMEM;
	if (t->n > 0 && (tseq != t->last + 1 || tok == FILL_TOK_NONE) && (err = fc_close_run(fc, t)))
		return err;
	t->last = tseq;
	if (tok == FILL_TOK_NONE)
		return 0;
	if (t->n == t->cap) {
		int64_t nc = t->cap ? t->cap * 2 : 256;
		int32_t *p = realloc(t->run, sizeof(int32_t) * (size_t)nc);
		if (!p)
			return -ENOMEM;
		t->run = p;
		t->cap = nc;
	}
	t->run[t->n++] = tok;
	if (fc->ntok + t->n >= fc->max_tokens)
		return fc_close_run(fc, t);
	return 0;
}

int fill_corpus_finish(struct fill_corpus *fc)
{
	for (int i = 0; i < fc->capthreads; i++) {
		struct fill_corpus_thread *t = &fc->threads[i];
		int err;
		if (t->used && (err = fc_close_run(fc, t)))
			return err;
		free(t->run);
		t->run = NULL;
		t->cap = 0;
	}
	return 0;
}

static const uint64_t *vocab_counts;

static int cmp_tok_count(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	if (vocab_counts[x] != vocab_counts[y])
		return vocab_counts[x] > vocab_counts[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

void fill_corpus_vocab(const struct fill_corpus *fc, struct vocab *v)
{
	int32_t *toks;
	int n = 0;

	memset(v, 0, sizeof(*v));
	v->n = 1;
	v->nr[0] = -1;
	if (!fc->vcount || !(toks = malloc(sizeof(int32_t) * FC_TOK_SPACE)))
		return;
	for (int32_t t = 0; t < FC_TOK_SPACE; t++)
		if (fc->vcount[t])
			toks[n++] = t;
	/* ids ranked by count, ties by (nr, dir), i.e. by token value (single-threaded use) */
	vocab_counts = fc->vcount;
	qsort(toks, (size_t)n, sizeof(int32_t), cmp_tok_count);
	for (int i = 0; i < n && v->n < VOCAB_MAX; i++) {
		v->nr[v->n] = fill_tok_nr(toks[i]);
		v->dir[v->n] = fill_tok_dir(toks[i]);
		v->count[v->n] = fc->vcount[toks[i]];
		v->n++;
	}
	free(toks);
}

int fill_corpus_ids(struct fill_corpus *fc, const struct vocab *v, struct corpus *out)
{
	free(fc->ids);
	fc->ids = malloc(sizeof(int32_t) * (size_t)(fc->ntok + 1));
	if (!fc->ids)
		return -ENOMEM;
	for (int64_t i = 0; i < fc->ntok; i++)
		fc->ids[i] = vocab_id(v, fill_tok_nr(fc->tok[i]), fill_tok_dir(fc->tok[i]));
	if (!fc->starts) {
		fc->starts = calloc(1, sizeof(int64_t));
		if (!fc->starts)
			return -ENOMEM;
	}
	out->ids = fc->ids;
	out->starts = fc->starts;
	out->n = fc->nseq;
	return 0;
}

void fill_corpus_free(struct fill_corpus *fc)
{
	for (int i = 0; i < fc->capthreads; i++)
		free(fc->threads[i].run);
	free(fc->threads);
	free(fc->tok);
	free(fc->starts);
	free(fc->vcount);
	free(fc->ids);
	memset(fc, 0, sizeof(*fc));
}

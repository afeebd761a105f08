/* gapdetect_wait.c - the gap detector's thread table and waiting items (see gapdetect.c). */
#include "collect/gapdetect_int.h"
#include "common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void gapdetect_thr_free(struct thr *t)
{
	if (t) {
		for (uint32_t i = 0; i < t->nq; i++) {
			for (uint32_t k = 0; k < t->qs[i].n; k++)
				free(t->qs[i].v[(t->qs[i].head + k) & (t->qs[i].cap - 1)].sk);
			free(t->qs[i].v);
		}
		for (uint32_t i = 0; i < t->nheap; i++)
			free(t->pend[i].sk);
		free(t->qs);
		free(t->pend);
		free(t);
	}
}

/* ---- thread table ---- */

/* Inline in gapdetect_thr_get(), which every recorded event goes through. */
static inline struct thr *thr_find(const struct gapdetect *g, uint32_t tid)
{
	int32_t i = tidmap_find(&g->thr_at, tid);

	return i < 0 ? NULL : g->thrs[i];
}

struct thr *gapdetect_thr_find(const struct gapdetect *g, uint32_t tid)
{
	return thr_find(g, tid);
}

/* Remove t from the table (the last thread takes its index) and free it. */
void gapdetect_thr_remove(struct gapdetect *g, struct thr *t)
{
	struct thr *last = g->thrs[g->thr_at.n - 1];
	int32_t i = tidmap_remove(&g->thr_at, t->tid, last->tid);

	if (i >= 0)
		g->thrs[i] = last;
	gapdetect_thr_free(t);
}

struct thr *gapdetect_thr_get(struct gapdetect *g, uint32_t pid, uint32_t tid)
{
	struct thr *t = thr_find(g, tid);
	int32_t i;

	if (t)
		return t;
	if (VEC_RESERVE(g->thrs, g->capthr, (size_t)g->thr_at.n + 1) || !(t = calloc(1, sizeof(*t))))
		return NULL;
	if ((i = tidmap_index(&g->thr_at, tid)) < 0) {
		free(t);
		return NULL;
	}
	t->pid = pid;
	t->tid = tid;
	g->thrs[i] = t;
	g->st.threads++;
	return t;
}

/* ---- waiting items: heap + per-cpu FIFOs ---- */

static void heap_swap(struct item *a, struct item *b)
{
	struct item t = *a;

	*a = *b;
	*b = t;
}

int gapdetect_wait_gap(struct thr *t, const struct item *it)
{
	size_t cap = t->cap; /* struct thr keeps it in 32 bits */
	uint32_t i;

	if (VEC_RESERVE(t->pend, cap, (size_t)t->nheap + 1) || cap > UINT32_MAX)
		return -ENOMEM;
	t->cap = (uint32_t)cap;
	i = t->nheap++;
	t->pend[i] = *it;
	while (i > 0 && t->pend[(i - 1) / 2].first > t->pend[i].first) {
		heap_swap(&t->pend[(i - 1) / 2], &t->pend[i]);
		i = (i - 1) / 2;
	}
	t->npend++;
	return 0;
}

static void heap_pop(struct thr *t, struct item *out)
{
	uint32_t i = 0, n = --t->nheap;

	*out = t->pend[0];
	t->pend[0] = t->pend[n];
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < n && t->pend[l].first < t->pend[m].first)
			m = l;
		if (r < n && t->pend[r].first < t->pend[m].first)
			m = r;
		if (m == i)
			break;
		heap_swap(&t->pend[i], &t->pend[m]);
		i = m;
	}
	t->npend--;
}

static struct item *q_at(const struct evq *q, uint32_t i)
{
	return &q->v[(q->head + i) & (q->cap - 1)];
}

static int q_grow(struct evq *q)
{
	uint32_t cap = q->cap ? q->cap * 2 : 16;
	struct item *v = malloc(cap * sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; i < q->n; i++)
		v[i] = *q_at(q, i);
	free(q->v);
	q->v = v;
	q->head = 0;
	q->cap = cap;
	return 0;
}

/* Queue an event that came from cpu's ring; falls back to the heap if it is not in order. */
int gapdetect_wait_event(struct thr *t, const struct item *it)
{
	struct evq *q = NULL;
	int err;

	for (uint32_t i = 0; i < t->nq; i++)
		if (t->qs[i].cpu == it->ev.cpu)
			q = &t->qs[i];
	if (!q) {
		struct evq *qs = realloc(t->qs, (t->nq + 1) * sizeof(*qs));

		if (!qs)
			return -ENOMEM;
		t->qs = qs;
		q = &qs[t->nq++];
		memset(q, 0, sizeof(*q));
		q->cpu = it->ev.cpu;
	}
	if (q->n && q_at(q, q->n - 1)->first > it->first)
		return gapdetect_wait_gap(t, it);
	if (q->n == q->cap && (err = q_grow(q)))
		return err;
	*q_at(q, q->n++) = *it;
	t->npend++;
	return 0;
}

/* The waiting item with the smallest first; *src = queue index, or -1 for the heap. */
struct item *gapdetect_wait_min(const struct thr *t, int *src)
{
	struct item *best = t->nheap ? &t->pend[0] : NULL;

	*src = -1;
	for (uint32_t i = 0; i < t->nq; i++)
		if (t->qs[i].n && (!best || q_at(&t->qs[i], 0)->first < best->first)) {
			best = q_at(&t->qs[i], 0);
			*src = i;
		}
	return best;
}

void gapdetect_wait_take(struct thr *t, int src, struct item *out)
{
	struct evq *q;

	if (src < 0) {
		heap_pop(t, out);
		return;
	}
	q = &t->qs[src];
	*out = *q_at(q, 0);
	q->head = (q->head + 1) & (q->cap - 1);
	q->n--;
	t->npend--;
	if (!q->n && q->cap > 1024) { /* a burst is over: give the memory back */
		free(q->v);
		q->v = NULL;
		q->cap = q->head = 0;
	}
}

/* Highest tseq written or announced for t. */
uint64_t gapdetect_thr_known(const struct thr *t)
{
	uint64_t m = t->done;

	for (uint32_t i = 0; i < t->nheap; i++)
		if (t->pend[i].last > m)
			m = t->pend[i].last;
	for (uint32_t i = 0; i < t->nq; i++)
		if (t->qs[i].n && q_at(&t->qs[i], t->qs[i].n - 1)->last > m)
			m = q_at(&t->qs[i], t->qs[i].n - 1)->last;
	return m;
}

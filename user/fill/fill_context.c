/* fill_context.c - gather the recorded events around each gap, one record at a time.
 *
 * Streaming: nothing holds a whole trace.  Each thread keeps a ring of its last R = 2W + 64
 * (tseq, token, timestamp, return class) events, enough to find the left context of a gap whose record arrives a little
 * after the events around it.  Each open gap has W slots per side, filled by tseq, so events
 * that arrive out of per-thread order still land in their place.  A gap is complete when its W
 * right slots are full, when an event more than W past its end arrives (what is still missing
 * was lost too), at once when its record says no event follows (t_end_ns == UINT64_MAX: the end
 * of the thread's life), when it expires (live filling), or at the end of the input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fill/fill.h"
#include "common/tidmap.h"
#include "common/vec.h"

struct fctx_thread {
	uint32_t tid;
	int rlen, rhead; /* ring of the last R events: rseq/rtok[(rhead + k) % R] */
	uint64_t *rseq;
	int32_t *rtok;
	int64_t *rts; /* their timestamps (-1 unknown) */
	uint8_t *rrc; /* their return classes (enum imputer_rc) */
	int *open;    /* indices of this thread's open gaps */
	int nopen;
	size_t capopen;
	uint64_t exit_ts; /* exited at (0 = alive) */
};

#define FCTX_RING_BYTES (sizeof(uint64_t) + sizeof(int32_t) + sizeof(int64_t) + 1)
#define FCTX_SLOT_BYTES (sizeof(int32_t) + sizeof(int64_t) + 1) /* a gap's context slot */
#define FCTX_KEEP_EXITED 1024 /* exited threads whose rings are kept for late gap records */

struct fill_ctx {
	int W, R;
	struct tidmap thread_of; /* tid -> index in th */
	struct fctx_thread *th;  /* the threads, in order of first appearance */
	int nth;
	size_t capth;
	struct fill_gap **gaps;
	int ngaps;
	size_t capgaps;
	int *done; /* complete gaps not yet taken, in completion order */
	int ndone, taken;
	size_t capdone;
	int nopen;
	uint64_t bytes;
	uint32_t exited[FCTX_KEEP_EXITED]; /* FIFO of exited tids still holding a ring */
	int nexited, exited_head;
};

struct fill_ctx *fill_ctx_new(int W)
{
	struct fill_ctx *c;

	if (W < 1 || W > 4096) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->W = W;
	c->R = 2 * W + 64;
	return c;
}

static void gap_free_bufs(struct fill_ctx *c, struct fill_gap *g)
{
	if (g->left)
		c->bytes -= (uint64_t)g->W * 2 * FCTX_SLOT_BYTES;
	free(g->left); /* right shares the allocation */
	free(g->lts);  /* rts, lrc, rrc too */
	free(g->out);
	free(g->conf);
	g->left = g->right = g->out = NULL;
	g->lts = g->rts = NULL;
	g->lrc = g->rrc = NULL;
	g->conf = NULL;
}

void fill_ctx_free(struct fill_ctx *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nth; i++) {
		free(c->th[i].rseq);
		free(c->th[i].rtok);
		free(c->th[i].rts);
		free(c->th[i].rrc);
		free(c->th[i].open);
	}
	for (int i = 0; i < c->ngaps; i++) {
		gap_free_bufs(c, c->gaps[i]);
		free(c->gaps[i]);
	}
	tidmap_free(&c->thread_of);
	free(c->th);
	free(c->gaps);
	free(c->done);
	free(c);
}

/* The thread slot for tid, created when absent (NULL on allocation failure); the pointer is
 * good until the next call that creates one. */
static struct fctx_thread *th_get(struct fill_ctx *c, uint32_t tid, int create)
{
	int32_t i;

	if (!create) {
		i = tidmap_find(&c->thread_of, tid);
		return i < 0 ? NULL : &c->th[i];
	}
	if (VEC_RESERVE(c->th, c->capth, (size_t)c->nth + 1) ||
	    (i = tidmap_index(&c->thread_of, tid)) < 0)
		return NULL;
	if (i == c->nth) { /* new */
		memset(&c->th[i], 0, sizeof(c->th[i]));
		c->th[i].tid = tid;
		c->nth++;
	}
	return &c->th[i];
}

static int gap_complete(struct fill_ctx *c, struct fctx_thread *t, int k)
{
	int gi = t->open[k];

	if (VEC_RESERVE(c->done, c->capdone, (size_t)c->ndone + 1))
		return -ENOMEM;
	c->gaps[gi]->complete = 1;
	t->open[k] = t->open[--t->nopen];
	c->nopen--;
	c->done[c->ndone++] = gi;
	return 0;
}

/* Put (tseq, tok, ts, rc) into gap g's slots; returns 1 when that completes g. */
static int gap_place(struct fill_ctx *c, struct fill_gap *g, uint64_t tseq, int32_t tok, int64_t ts,
		     uint8_t rc)
{
	uint64_t first = g->gap.seq_first, last = g->gap.seq_first + g->gap.lost - 1;

	(void)c;
	if (tseq < first) {
		if (first - tseq <= (uint64_t)g->W) {
			int k = g->W - (int)(first - tseq);

			g->left[k] = tok;
			g->lts[k] = ts;
			g->lrc[k] = rc;
		}
		return 0;
	}
	if (tseq <= last)
		return 0; /* an event inside the gap: the record disagrees; ignore it */
	uint64_t k = tseq - last - 1;
	if (k < (uint64_t)g->W && g->right[k] == TOK_NONE) {
		g->right[k] = tok;
		g->rts[k] = ts;
		g->rrc[k] = rc;
		g->nright++;
	}
	return g->nright >= g->W || k >= (uint64_t)g->W;
}

int fill_ctx_event(struct fill_ctx *c, uint32_t tid, uint64_t tseq, int32_t tok)
{
	return fill_ctx_event_aux(c, tid, tseq, tok, -1, IMPUTER_RC_NONE);
}

int fill_ctx_event_aux(struct fill_ctx *c, uint32_t tid, uint64_t tseq, int32_t tok, int64_t ts,
		       uint8_t rc)
{
	struct fctx_thread *t = th_get(c, tid, 1);
	int err;

	if (!t)
		return -ENOMEM;
	t->exit_ts = 0; /* events: alive (or a reused tid) */
	if (!t->rseq) {
		t->rseq = malloc(sizeof(uint64_t) * (size_t)c->R);
		t->rtok = malloc(sizeof(int32_t) * (size_t)c->R);
		t->rts = malloc(sizeof(int64_t) * (size_t)c->R);
		t->rrc = malloc((size_t)c->R);
		if (!t->rseq || !t->rtok || !t->rts || !t->rrc)
			return -ENOMEM;
		c->bytes += (uint64_t)c->R * FCTX_RING_BYTES;
		t->rlen = t->rhead = 0;
	}
	int pos = (t->rhead + t->rlen) % c->R;
	if (t->rlen == c->R)
		t->rhead = (t->rhead + 1) % c->R;
	else
		t->rlen++;
	t->rseq[pos] = tseq;
	t->rtok[pos] = tok;
	t->rts[pos] = ts;
	t->rrc[pos] = rc;
	for (int k = 0; k < t->nopen;) {
		if (gap_place(c, c->gaps[t->open[k]], tseq, tok, ts, rc)) {
			if ((err = gap_complete(c, t, k)))
				return err;
			continue; /* open[k] now holds another gap */
		}
		k++;
	}
	return 0;
}

int fill_ctx_gap(struct fill_ctx *c, const struct trz_gap *gr)
{
	struct fctx_thread *t;
	struct fill_gap *g;
	int gi, err;

	if (!gr->attributed || gr->lost == 0 || gr->seq_first + gr->lost < gr->seq_first)
		return -EINVAL;
	if (VEC_RESERVE(c->gaps, c->capgaps, (size_t)c->ngaps + 1))
		return -ENOMEM;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->gap = *gr;
	g->W = c->W;
	g->left = malloc(sizeof(int32_t) * 2 * (size_t)c->W);
	g->lts = malloc((sizeof(int64_t) + 1) * 2 * (size_t)c->W);
	if (!g->left || !g->lts) {
		free(g->left);
		free(g->lts);
		free(g);
		return -ENOMEM;
	}
	c->bytes += (uint64_t)c->W * 2 * FCTX_SLOT_BYTES;
	g->right = g->left + c->W;
	g->rts = g->lts + c->W;
	g->lrc = (uint8_t *)(g->lts + 2 * (size_t)c->W);
	g->rrc = g->lrc + c->W;
	for (int i = 0; i < 2 * c->W; i++) {
		g->left[i] = TOK_NONE;
		g->lts[i] = -1;
		g->lrc[i] = IMPUTER_RC_NONE;
	}
	gi = c->ngaps;
	c->gaps[c->ngaps++] = g;
	t = th_get(c, gr->tid, 1);
	if (!t)
		return -ENOMEM;
	int done = 0;
	for (int k = 0; k < t->rlen; k++) {
		int p = (t->rhead + k) % c->R;
		done |= gap_place(c, g, t->rseq[p], t->rtok[p], t->rts[p], t->rrc[p]);
	}
	if (VEC_RESERVE(t->open, t->capopen, (size_t)t->nopen + 1))
		return -ENOMEM;
	t->open[t->nopen++] = gi;
	c->nopen++;
	if (t->exit_ts) /* recorded after its thread's exit record */
		g->t_exit = t->exit_ts;
	if (gr->t_end_ns == UINT64_MAX) /* no event after it: the end of the thread's life */
		done = 1;
	if (done && (err = gap_complete(c, t, t->nopen - 1)))
		return err;
	return gi;
}

static void th_drop_ring(struct fill_ctx *c, struct fctx_thread *t)
{
	if (t->rseq)
		c->bytes -= (uint64_t)c->R * FCTX_RING_BYTES;
	free(t->rseq);
	free(t->rtok);
	free(t->rts);
	free(t->rrc);
	t->rseq = NULL;
	t->rtok = NULL;
	t->rts = NULL;
	t->rrc = NULL;
	t->rlen = t->rhead = 0;
}

/* The thread exited: its gaps learn the exit time.  They are not closed: the collector writes
 * a thread's exit record before the events its gap detector still holds, so the right context
 * of a gap may come after the exit (a gap with no event after it says so itself: t_end_ns ==
 * UINT64_MAX).  The ring is kept (for the last FCTX_KEEP_EXITED exited threads) because the
 * record of a gap at the end of a thread's life may come after its exit too. */
int fill_ctx_thread_exit(struct fill_ctx *c, uint32_t tid, uint64_t ts)
{
	struct fctx_thread *t = th_get(c, tid, 0);

	if (!t)
		return 0;
	for (int k = 0; k < t->nopen; k++)
		c->gaps[t->open[k]]->t_exit = ts;
	if (t->exit_ts)
		return 0;
	t->exit_ts = ts ? ts : 1;
	if (c->nexited == FCTX_KEEP_EXITED) {
		struct fctx_thread *old = th_get(c, c->exited[c->exited_head], 0);
		if (old && old->exit_ts)
			th_drop_ring(c, old);
		c->exited[c->exited_head] = tid;
		c->exited_head = (c->exited_head + 1) % FCTX_KEEP_EXITED;
	} else {
		c->exited[(c->exited_head + c->nexited++) % FCTX_KEEP_EXITED] = tid;
	}
	return 0;
}

int fill_ctx_expire(struct fill_ctx *c, uint64_t now_ns, uint64_t timeout_ns)
{
	int n = 0;

	if (c->nopen == 0)
		return 0;
	for (int i = 0; i < c->nth; i++) {
		struct fctx_thread *t = &c->th[i];
		for (int k = 0; k < t->nopen;) {
			struct fill_gap *g = c->gaps[t->open[k]];
			if (g->born_ns + timeout_ns <= now_ns) {
				if (gap_complete(c, t, k))
					return n;
				n++;
				continue;
			}
			k++;
		}
	}
	return n;
}

void fill_ctx_finish(struct fill_ctx *c)
{
	for (int i = 0; i < c->nth; i++) {
		struct fctx_thread *t = &c->th[i];
		while (t->nopen > 0)
			if (gap_complete(c, t, 0))
				return;
	}
}

int fill_ctx_count(const struct fill_ctx *c)
{
	return c->ngaps;
}

struct fill_gap *fill_ctx_get(struct fill_ctx *c, int i)
{
	return i >= 0 && i < c->ngaps ? c->gaps[i] : NULL;
}

int fill_ctx_take_complete(struct fill_ctx *c, int *idx, int max)
{
	int n = 0;

	while (n < max && c->taken < c->ndone)
		idx[n++] = c->done[c->taken++];
	if (c->taken == c->ndone)
		c->taken = c->ndone = 0;
	return n;
}

void fill_ctx_release(struct fill_ctx *c, int i)
{
	if (i >= 0 && i < c->ngaps)
		gap_free_bufs(c, c->gaps[i]);
}

int fill_ctx_open(const struct fill_ctx *c)
{
	return c->nopen;
}

uint64_t fill_ctx_bytes(const struct fill_ctx *c)
{
	return c->bytes + (uint64_t)c->capth * sizeof(struct fctx_thread) +
	       (uint64_t)c->thread_of.cap * sizeof(*c->thread_of.slot) +
	       (uint64_t)c->ngaps * (sizeof(struct fill_gap) + sizeof(void *));
}

int fill_gap_left_run(const struct fill_gap *g)
{
	int n = 0;

	if (!g->left)
		return 0;
	while (n < g->W && g->left[g->W - 1 - n] != TOK_NONE)
		n++;
	return n;
}

int fill_gap_right_run(const struct fill_gap *g)
{
	int n = 0;

	if (!g->right)
		return 0;
	while (n < g->W && g->right[n] != TOK_NONE)
		n++;
	return n;
}

/* gapdetect.c - per-thread ordering and exact gap detection (see gapdetect.h).
 *
 * Each thread keeps `done`: every tseq <= done has been written (event) or declared lost (gap).
 * An arriving event announces two things: tseq-lost_before .. tseq-1 were lost, tseq was
 * recorded.  Announcements that start at done+1 are written at once (the usual case); others
 * wait until the announcements before them arrive from the other rings.  A thread's events
 * from one ring come in tseq order, so waiting events sit in one FIFO per source cpu and the
 * next one to write is at the head of one of them (a thread rarely has more than 2 or 3);
 * announcements without an event (trailing losses) wait in a small min-heap.
 */
#include "collect/gapdetect_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A waiting announcement: an event (tseq == last) with the losses right before it
 * (first .. last-1), or a gap alone (first .. last). */
struct gapdetect *gapdetect_new(gapdetect_emit_fn emit, void *ctx)
{
	struct gapdetect *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->emit = emit;
	g->ctx = ctx;
	g->next_gap_id = 1;
	return g;
}

void gapdetect_free(struct gapdetect *g)
{
	if (!g)
		return;
	for (int32_t i = 0; i < g->thr_at.n; i++)
		gapdetect_thr_free(g->thrs[i]);
	tidmap_free(&g->thr_at);
	free(g->thrs);
	free(g->cpus);
	free(g->cpu_last_ts);
	free(g);
}

/* ---- output ---- */

static int emit_event(struct gapdetect *g, struct thr *t, const struct trz_event *ev)
{
	g->rec.kind = TRZ_REC_EVENT;
	g->rec.offset = 0;
	g->rec.ev = *ev;
	if (t) {
		t->recorded++;
		t->last_ts = ev->ts_ns;
		t->done = ev->tseq;
	}
	g->st.events++;
	return g->emit(g->ctx, &g->rec);
}

/* A sketch fits a gap when it covers exactly its lost events. */
static int sketch_fits(const struct trz_sketch *sk, uint64_t lost)
{
	uint64_t n = sk->other;

	for (int i = 0; i < sk->ntoks && i < TRZ_SKETCH_MAX_TOKS; i++)
		n += sk->toks[i].count;
	return sk->present && n == lost;
}

static int emit_gap(struct gapdetect *g, struct thr *t, uint64_t first, uint64_t last,
		    uint64_t t_end, const struct trz_sketch *sk)
{
	struct trz_gap *gp = &g->rec.gap;

	g->rec.kind = TRZ_REC_GAP;
	g->rec.offset = 0;
	memset(gp, 0, sizeof(*gp));
	gp->id = g->next_gap_id++;
	gp->lost = last - first + 1;
	gp->seq_first = first;
	gp->seq_last = last;
	gp->t_start_ns = t->last_ts;
	gp->t_end_ns = t_end;
	gp->pid = t->pid;
	gp->tid = t->tid;
	gp->cpu = TRZ_NO_CPU;
	gp->attributed = 1;
	if (sk && sketch_fits(sk, gp->lost)) {
		gp->sketch = *sk;
		g->st.sketched_gaps++;
		g->st.lost_known += trz_sketch_known(gp);
	} else if (sk) {
		g->st.sketches_dropped++;
	}
	t->lost += gp->lost;
	t->done = last;
	g->st.gaps++;
	g->st.lost += gp->lost;
	return g->emit(g->ctx, &g->rec);
}

int gapdetect_unattributed(struct gapdetect *g, uint16_t cpu, uint64_t lost, uint64_t t_start,
			   uint64_t t_end)
{
	struct trz_gap *gp = &g->rec.gap;

	if (!lost)
		return 0;
	g->rec.kind = TRZ_REC_GAP;
	g->rec.offset = 0;
	memset(gp, 0, sizeof(*gp));
	gp->id = g->next_gap_id++;
	gp->lost = lost;
	gp->t_start_ns = t_start;
	gp->t_end_ns = t_end;
	gp->cpu = cpu;
	g->st.unattr_gaps++;
	g->st.unattr_lost += lost;
	return g->emit(g->ctx, &g->rec);
}

/* ---- checks ---- */

static void top_insert(struct gapdetect *g, const struct thr *t)
{
	int i;

	if (!t->lost)
		return;
	for (i = g->st.ntop; i > 0 && g->st.top[i - 1].lost < t->lost; i--)
		if (i < GAPDETECT_TOP)
			g->st.top[i] = g->st.top[i - 1];
	if (i >= GAPDETECT_TOP)
		return;
	g->st.top[i] = (struct gapdetect_thread_sum){ t->pid, t->tid, t->recorded, t->lost };
	if (g->st.ntop < GAPDETECT_TOP)
		g->st.ntop++;
}

/* Compare with the kernel's counts, then forget the thread. */
static void retire(struct gapdetect *g, struct thr *t)
{
	int ok;

	if (t->has_final)
		ok = t->recorded + t->lost == t->final && (!t->has_klost || t->lost == t->klost);
	else
		ok = t->has_klost ? t->lost == t->klost : t->lost == 0;
	g->st.threads_checked++;
	if (!ok)
		g->st.threads_bad++;
	top_insert(g, t);
	gapdetect_thr_remove(g, t);
}

/* ---- ordering ---- */

static int run_item(struct gapdetect *g, struct thr *t, struct item *it)
{
	int err;

	if (it->last <= t->done) { /* already covered: a duplicate */
		free(it->sk);
		if (it->is_event) {
			g->st.duplicates++;
			g->st.events++;
			g->rec.kind = TRZ_REC_EVENT;
			g->rec.offset = 0;
			g->rec.ev = it->ev;
			return g->emit(g->ctx, &g->rec);
		}
		return 0;
	}
	if (!it->is_event) {
		/* a gap partly covered already keeps no sketch (it described the whole run) */
		err = emit_gap(g, t, it->first > t->done ? it->first : t->done + 1, it->last,
			       it->t_end, it->first > t->done ? it->sk : NULL);
		free(it->sk);
		return err;
	}
	if (it->first < it->last && it->last - 1 > t->done) {
		err = emit_gap(g, t, it->first > t->done ? it->first : t->done + 1, it->last - 1,
			       it->ev.ts_ns, it->first > t->done ? it->sk : NULL);
		if (err) {
			free(it->sk);
			return err;
		}
	}
	free(it->sk);
	return emit_event(g, t, &it->ev);
}

/* Write the waiting items that continue done; forget the thread when it is complete.
 * Returns 1 when t was retired (freed), 0, or -errno. */
static int advance(struct gapdetect *g, struct thr *t)
{
	struct item it, *m;
	int err = 0, src;

	while (!err && t->npend && (m = gapdetect_wait_min(t, &src)) && m->first <= t->done + 1) {
		gapdetect_wait_take(t, src, &it);
		err = run_item(g, t, &it);
	}
	if (!err && t->has_final && t->done >= t->final && !t->npend) {
		retire(g, t);
		return 1;
	}
	return err;
}

static void cpu_account(struct gapdetect *g, const struct trz_event *ev)
{
	unsigned c = ev->cpu;
	struct gapdetect_cpu *pc;

	if (c == TRZ_NO_CPU)
		return;
	if (c >= g->ncpus) {
		unsigned n = c + 1 > 2 * g->ncpus ? c + 1 : 2 * g->ncpus;
		struct gapdetect_cpu *p = realloc(g->cpus, n * sizeof(*p));
		uint64_t *l = p ? realloc(g->cpu_last_ts, n * sizeof(*l)) : NULL;

		if (p)
			g->cpus = p;
		if (!l)
			return;
		g->cpu_last_ts = l;
		memset(p + g->ncpus, 0, (n - g->ncpus) * sizeof(*p));
		memset(l + g->ncpus, 0, (n - g->ncpus) * sizeof(*l));
		g->ncpus = n;
	}
	pc = &g->cpus[c];
	pc->recorded++;
	if (ev->cseq > pc->max_cseq + 1) { /* attempts on this cpu were lost before this one */
		if (!pc->loss_t_first)
			pc->loss_t_first = g->cpu_last_ts[c] ? g->cpu_last_ts[c] : 1;
		pc->loss_t_last = ev->ts_ns;
	}
	if (ev->cseq > pc->max_cseq) {
		pc->max_cseq = ev->cseq;
		g->cpu_last_ts[c] = ev->ts_ns;
	}
}

/* A copy of sk for a waiting item (NULL for none); *err = -ENOMEM when out of memory. */
static struct trz_sketch *sk_dup(const struct trz_sketch *sk, int *err)
{
	struct trz_sketch *c;

	*err = 0;
	if (!sk || !sk->present)
		return NULL;
	if (!(c = malloc(sizeof(*c))))
		*err = -ENOMEM;
	else
		*c = *sk;
	return c;
}

int gapdetect_event(struct gapdetect *g, const struct trz_event *ev, uint64_t lost_before,
		    const struct trz_sketch *sk)
{
	struct thr *t;
	struct item it;
	uint64_t first;
	int err;

	cpu_account(g, ev);
	t = gapdetect_thr_get(g, ev->pid, ev->tid);
	if (!t)
		return -ENOMEM;
	if (lost_before >= ev->tseq) /* impossible; keep the range inside 1..tseq-1 */
		lost_before = ev->tseq ? ev->tseq - 1 : 0;
	first = ev->tseq - lost_before;
	if (!t->npend && first == t->done + 1) { /* fast path: in order */
		if (lost_before && (err = emit_gap(g, t, first, ev->tseq - 1, ev->ts_ns, sk)))
			return err;
		if ((err = emit_event(g, t, ev)))
			return err;
		if (t->has_final && t->done >= t->final)
			retire(g, t);
		return 0;
	}
	it = (struct item){ .first = first, .last = ev->tseq, .is_event = 1, .ev = *ev };
	err = 0;
	it.sk = lost_before ? sk_dup(sk, &err) : NULL;
	if (err || (err = gapdetect_wait_event(t, &it))) {
		free(it.sk);
		return err;
	}
	err = advance(g, t);
	return err < 0 ? err : 0;
}

int gapdetect_thread_final(struct gapdetect *g, uint32_t pid, uint32_t tid, uint64_t final_tseq,
			   uint64_t lost_pending, uint64_t lost_total, const struct trz_sketch *sk)
{
	struct thr *t = gapdetect_thr_find(g, tid);
	struct item it;
	int err;

	if (!t && !final_tseq)
		return 0; /* never attempted an event */
	if (!t && !(t = gapdetect_thr_get(g, pid, tid)))
		return -ENOMEM;
	t->final = final_tseq;
	t->has_final = 1;
	t->klost = lost_total;
	t->has_klost = 1;
	if (lost_pending > final_tseq)
		lost_pending = final_tseq;
	if (lost_pending && final_tseq - lost_pending + 1 > gapdetect_thr_known(t)) {
		it = (struct item){ .first = final_tseq - lost_pending + 1,
				    .last = final_tseq,
				    .t_end = UINT64_MAX };
		it.sk = sk_dup(sk, &err);
		if (err || (err = gapdetect_wait_gap(t, &it))) {
			free(it.sk);
			return err;
		}
	}
	err = advance(g, t);
	return err < 0 ? err : 0;
}

int gapdetect_thread_losses(struct gapdetect *g, uint32_t pid, uint32_t tid, uint64_t last_lost_tseq,
			    uint64_t lost_total, uint64_t run, const struct trz_sketch *sk)
{
	struct thr *t = gapdetect_thr_get(g, pid, tid);
	struct item it;
	uint64_t known;
	int err;

	if (!t)
		return -ENOMEM;
	t->klost = lost_total;
	t->has_klost = 1;
	known = gapdetect_thr_known(t);
	if (last_lost_tseq > known) {
		it = (struct item){ .first = known + 1, .last = last_lost_tseq, .t_end = UINT64_MAX };
		/* the sketch describes the last run: it fits when that is all that is unknown */
		err = 0;
		it.sk = run == last_lost_tseq - known ? sk_dup(sk, &err) : NULL;
		if (err || (err = gapdetect_wait_gap(t, &it))) {
			free(it.sk);
			return err;
		}
	}
	err = advance(g, t);
	return err < 0 ? err : 0;
}

/* Write everything t still holds, turning holes into gaps (unexplained), then check it. */
static int flush_thread(struct gapdetect *g, struct thr *t)
{
	int err;

	while (t->npend) {
		int src;
		struct item *nx = gapdetect_wait_min(t, &src);

		if (nx->first > t->done + 1) {
			g->st.unexplained += nx->first - t->done - 1;
			err = emit_gap(g, t, t->done + 1, nx->first - 1,
				       nx->is_event ? nx->ev.ts_ns : nx->t_end, NULL);
			if (err)
				return err;
		}
		err = advance(g, t);
		if (err)
			return err < 0 ? err : 0; /* 1: retired */
	}
	if (t->has_final && t->done < t->final) {
		g->st.unexplained += t->final - t->done;
		if ((err = emit_gap(g, t, t->done + 1, t->final, UINT64_MAX, NULL)))
			return err;
	}
	retire(g, t);
	return 0;
}

int gapdetect_finish(struct gapdetect *g)
{
	size_t n = (size_t)g->thr_at.n;
	struct thr **all;
	int err = 0;

	if (!n)
		return 0;
	all = malloc(n * sizeof(*all)); /* flushing may remove threads from the table */
	if (!all)
		return -ENOMEM;
	memcpy(all, g->thrs, n * sizeof(*all));
	for (size_t i = 0; i < n && !err; i++)
		err = flush_thread(g, all[i]);
	free(all);
	return err;
}

void gapdetect_get_stats(const struct gapdetect *g, struct gapdetect_stats *st)
{
	*st = g->st;
}

void gapdetect_get_cpu(const struct gapdetect *g, unsigned cpu, struct gapdetect_cpu *out)
{
	if (cpu < g->ncpus)
		*out = g->cpus[cpu];
	else
		memset(out, 0, sizeof(*out));
}

uint64_t gapdetect_thread_lost(const struct gapdetect *g, uint32_t tid)
{
	const struct thr *t = gapdetect_thr_find(g, tid);

	return t ? t->lost : 0;
}

uint64_t gapdetect_live_threads(const struct gapdetect *g)
{
	return (uint64_t)g->thr_at.n;
}

/* trace_eval.c - ring-buffer-like drops from a complete trace, filled and scored (trace_eval.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "eval/trace_eval.h"
#include "common/monotime.h"
#include "common/tidmap.h"
#include "common/vec.h"

#define TE_MARGIN 64 /* events kept between bursts on a CPU */

struct te_trace {
	uint32_t *tid, *pid;
	uint64_t *tseq, *ts;
	int32_t *tok;
	uint8_t *rc; /* return classes (enum imputer_rc) */
	uint16_t *cpu;
	int64_t n;
	size_t cap[7]; /* room in tid, pid, tseq, ts, tok, rc and cpu */
	/* per-CPU order: cpu_ev[cpu_start[c] .. cpu_start[c+1]) are the events of CPU slot c */
	int64_t *cpu_ev, *pos_in_cpu;
	int64_t *cpu_start;
	int ncpu;
	int *cpu_of; /* event -> CPU slot */
};

static void te_free(struct te_trace *t)
{
	free(t->tid);
	free(t->pid);
	free(t->tseq);
	free(t->ts);
	free(t->tok);
	free(t->rc);
	free(t->cpu);
	free(t->cpu_ev);
	free(t->pos_in_cpu);
	free(t->cpu_start);
	free(t->cpu_of);
	memset(t, 0, sizeof(*t));
}

static int te_push(struct te_trace *t, const struct trz_event *ev)
{
	size_t need = (size_t)t->n + 1;

	if (VEC_RESERVE(t->tid, t->cap[0], need) || VEC_RESERVE(t->pid, t->cap[1], need) ||
	    VEC_RESERVE(t->tseq, t->cap[2], need) || VEC_RESERVE(t->ts, t->cap[3], need) ||
	    VEC_RESERVE(t->tok, t->cap[4], need) || VEC_RESERVE(t->rc, t->cap[5], need) ||
	    VEC_RESERVE(t->cpu, t->cap[6], need))
		return -ENOMEM;
	t->tid[t->n] = ev->tid;
	t->pid[t->n] = ev->pid;
	t->tseq[t->n] = ev->tseq;
	t->ts[t->n] = ev->ts_ns;
	t->tok[t->n] = tok_make(ev->nr, ev->dir);
	t->rc[t->n] = imputer_rc_class(ev->dir == TRZ_EXIT, ev->ret);
	t->cpu[t->n] = ev->cpu;
	t->n++;
	return 0;
}

/* Group events by CPU slot, keeping file order within each CPU. */
static int te_index_cpus(struct te_trace *t)
{
	int slot_of[65536];

	memset(slot_of, -1, sizeof(slot_of));
	t->cpu_of = malloc(sizeof(int) * (size_t)(t->n + 1));
	t->cpu_ev = malloc(sizeof(int64_t) * (size_t)(t->n + 1));
	t->pos_in_cpu = malloc(sizeof(int64_t) * (size_t)(t->n + 1));
	if (!t->cpu_of || !t->cpu_ev || !t->pos_in_cpu)
		return -ENOMEM;
	for (int64_t i = 0; i < t->n; i++) {
		if (slot_of[t->cpu[i]] < 0)
			slot_of[t->cpu[i]] = t->ncpu++;
		t->cpu_of[i] = slot_of[t->cpu[i]];
	}
	t->cpu_start = calloc((size_t)t->ncpu + 1, sizeof(int64_t));
	if (!t->cpu_start)
		return -ENOMEM;
	for (int64_t i = 0; i < t->n; i++)
		t->cpu_start[t->cpu_of[i] + 1]++;
	for (int c = 0; c < t->ncpu; c++)
		t->cpu_start[c + 1] += t->cpu_start[c];
	int64_t *fillp = calloc((size_t)t->ncpu + 1, sizeof(int64_t));
	if (!fillp)
		return -ENOMEM;
	for (int64_t i = 0; i < t->n; i++) {
		int c = t->cpu_of[i];
		int64_t p = fillp[c]++;
		t->cpu_ev[t->cpu_start[c] + p] = i;
		t->pos_in_cpu[i] = p;
	}
	free(fillp);
	return 0;
}

static int te_load(struct te_trace *t, const char *path)
{
	struct trz_reader *rd = trz_reader_open(path, NULL, NULL);
	struct trz_record *rec;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!rd) {
		if ((rc = -errno) >= 0) /* no errno: an I/O error all the same */
			rc = -EIO;
		err_set("cannot open %s: %s", path, rc == -EINVAL ? err_text() : strerror(-rc));
		return rc;
	}
	rec = malloc(sizeof(*rec));
	if (!rec) {
		trz_reader_close(rd);
		return -ENOMEM;
	}
	while ((rc = trz_read_next(rd, rec)) == 1)
		if (rec->kind == TRZ_REC_EVENT && (rc = te_push(t, &rec->ev)))
			break;
	free(rec);
	trz_reader_close(rd);
	if (rc < 0) {
		err_set("reading %s: %s", path, strerror(-rc));
		return rc;
	}
	if (t->n < 2 * TE_MARGIN) {
		err_set("%s holds %lld events: too few to drop bursts from", path, (long long)t->n);
		return -EINVAL;
	}
	return te_index_cpus(t);
}

static uint64_t rng_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 17;
}

/* Mark `want` bursts of B events on random CPUs; returns the number placed. */
static int te_drop(const struct te_trace *t, uint8_t *dropped, int B, int want, uint64_t seed)
{
	uint64_t rng = seed * 0x9E3779B97F4A7C15ull + (uint64_t)B;
	int placed = 0;

	memset(dropped, 0, (size_t)t->n);
	for (int attempt = 0; placed < want && attempt < 50 * want; attempt++) {
		int64_t r = (int64_t)(rng_next(&rng) % (uint64_t)t->n);
		int c = t->cpu_of[r];
		int64_t p = t->pos_in_cpu[r], len = t->cpu_start[c + 1] - t->cpu_start[c];
		int64_t lo = p - TE_MARGIN, hi = p + B + TE_MARGIN, ok = p + B <= len;
		for (int64_t q = lo < 0 ? 0 : lo; ok && q < hi && q < len; q++)
			ok = !dropped[t->cpu_ev[t->cpu_start[c] + q]];
		if (!ok)
			continue;
		for (int64_t q = p; q < p + B; q++)
			dropped[t->cpu_ev[t->cpu_start[c] + q]] = 1;
		placed++;
	}
	return placed;
}

/* Per-thread open drop run while walking the trace. */
struct te_run {
	uint32_t tid, pid;
	uint64_t first, n, t_start;
	int64_t truth_off;
	int open;
};

struct te_gaps {
	struct fill_ctx *ctx;
	int32_t *truth; /* dropped tokens, gap after gap */
	int64_t ntruth;
	size_t captruth;
	int64_t *toff; /* gap index -> offset in truth */
	size_t captoff;
	uint64_t next_id;
};

static int te_close_run(struct te_gaps *G, struct te_run *r, uint64_t t_end)
{
	struct trz_gap g = { 0 };
	int gi;

	if (!r->open)
		return 0;
	r->open = 0;
	g.id = ++G->next_id;
	g.attributed = 1;
	g.tid = r->tid;
	g.pid = r->pid;
	g.lost = r->n;
	g.seq_first = r->first;
	g.seq_last = r->first + r->n - 1;
	g.t_start_ns = r->t_start;
	g.t_end_ns = t_end;
	if ((gi = fill_ctx_gap(G->ctx, &g)) < 0)
		return gi;
	if (VEC_RESERVE(G->toff, G->captoff, (size_t)gi + 1))
		return -ENOMEM;
	G->toff[gi] = r->truth_off;
	return 0;
}

static int te_truth_push(struct te_gaps *G, int32_t tok)
{
	if (VEC_RESERVE(G->truth, G->captruth, (size_t)G->ntruth + 1))
		return -ENOMEM;
	G->truth[G->ntruth++] = tok;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Index of tid in the sorted distinct tids[0..n), n >= 1 (every tid of the trace is there). */
static int64_t te_tid_index(const uint32_t *tids, int64_t n, uint32_t tid)
{
	int64_t lo = 0, hi = n - 1;

	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;

		if (tids[mid] < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Walk the trace without the dropped events: contexts and per-thread gaps, as tracerecd would
 * have recorded them. */
static int te_build_gaps(const struct te_trace *t, const uint8_t *dropped, int context,
			 struct te_gaps *G)
{
	uint32_t *tids = malloc(sizeof(uint32_t) * (size_t)t->n);
	struct te_run *runs = NULL;
	int64_t nt = 0;
	int rc = -ENOMEM;

	if (!tids || !(G->ctx = fill_ctx_new(context)))
		goto out;
	memcpy(tids, t->tid, sizeof(uint32_t) * (size_t)t->n);
	qsort(tids, (size_t)t->n, sizeof(uint32_t), cmp_u32);
	for (int64_t i = 0; i < t->n; i++)
		if (i == 0 || tids[i] != tids[nt - 1])
			tids[nt++] = tids[i];
	runs = calloc((size_t)nt + 1, sizeof(*runs));
	if (!runs)
		goto out;
	for (int64_t i = 0; i < t->n; i++) {
		struct te_run *r = &runs[te_tid_index(tids, nt, t->tid[i])];
		if (dropped[i]) {
			if (r->open && t->tseq[i] != r->first + r->n &&
			    (rc = te_close_run(G, r, t->ts[i])))
				goto out;
			if (!r->open) {
				r->open = 1;
				r->tid = t->tid[i];
				r->pid = t->pid[i];
				r->first = t->tseq[i];
				r->n = 0;
				r->truth_off = G->ntruth;
			}
			r->n++;
			if ((rc = te_truth_push(G, t->tok[i])))
				goto out;
			continue;
		}
		if ((rc = te_close_run(G, r, t->ts[i])))
			goto out;
		r->t_start = t->ts[i];
		if ((rc = fill_ctx_event_aux(G->ctx, t->tid[i], t->tseq[i], t->tok[i],
					     t->ts[i] > INT64_MAX ? -1 : (int64_t)t->ts[i], t->rc[i])))
			goto out;
	}
	for (int64_t k = 0; k < nt; k++)
		if ((rc = te_close_run(G, &runs[k], UINT64_MAX)))
			goto out;
	fill_ctx_finish(G->ctx);
	rc = 0;
out:
	free(tids);
	free(runs);
	return rc;
}

/* Each gap's sketch as the collector records it, from the dropped events. */
static void te_sketch(struct te_gaps *G)
{
	int n = G->truth ? fill_ctx_count(G->ctx) : 0; /* no truth: nothing was dropped */

	for (int i = 0; i < n; i++) {
		struct fill_gap *g = fill_ctx_get(G->ctx, i);
		struct trz_sketch *sk = &g->gap.sketch;
		const int32_t *truth = G->truth + G->toff[i];
		int B = (int)g->gap.lost, e = B < TRZ_SKETCH_ENDS ? B : TRZ_SKETCH_ENDS;

		memset(sk, 0, sizeof(*sk));
		sk->present = 1;
		for (int k = 0; k < B; k++) {
			int c = 0;
			while (c < sk->ntoks &&
			       tok_make(sk->toks[c].tok.nr, sk->toks[c].tok.dir) != truth[k])
				c++;
			if (c == sk->ntoks) {
				if (c >= TRACE_EVAL_SKETCH_TOKS || truth[k] == TOK_NONE) {
					sk->other++;
					continue;
				}
				sk->ntoks++;
				sk->toks[c].tok.nr = tok_nr(truth[k]);
				sk->toks[c].tok.dir = tok_dir(truth[k]);
			}
			sk->toks[c].count++;
		}
		sk->nfirst = sk->nlast = (uint8_t)e;
		for (int k = 0; k < e; k++) {
			sk->first[k].nr = tok_nr(truth[k]);
			sk->first[k].dir = tok_dir(truth[k]);
			sk->last[k].nr = tok_nr(truth[B - e + k]);
			sk->last[k].dir = tok_dir(truth[B - e + k]);
		}
	}
}

static void te_score(struct te_gaps *G, struct trace_eval_row *row)
{
	int n = G->toff ? fill_ctx_count(G->ctx) : 0; /* no toff: no gap was recorded */

	for (int i = 0; i < n; i++) {
		struct fill_gap *g = fill_ctx_get(G->ctx, i);
		const int32_t *truth = G->truth + G->toff[i];
		int B = (int)g->gap.lost, same = 0;

		if (metrics_add(&row->m, truth, g->out, B, NULL))
			continue;
		if (getenv("TRACE_EVAL_DEBUG")) { /* diagnostics: each gap's truth and answer */
			int ok = 0;
			for (int k = 0; k < B; k++)
				ok += truth[k] == g->out[k];
			fprintf(stderr, "gap tid %u B %d right %d left-run %d right-run %d\n",
				g->gap.tid, B, ok, fill_gap_left_run(g), fill_gap_right_run(g));
			for (int k = 0; k < B && ok < B; k++)
				fprintf(stderr, "  %c %4d/%d %4d/%d\n",
					truth[k] == g->out[k] ? ' ' : '*', tok_nr(truth[k]),
					tok_dir(truth[k]), tok_nr(g->out[k]), tok_dir(g->out[k]));
		}
		for (int k = 0; k < B; k++)
			same += tok_nr(truth[k]) == tok_nr(g->out[k]);
		row->m.sum_type += (double)same / B;
		row->m.n_type++;
		row->gaps++;
		row->dropped += B;
	}
}

static int te_self_model(const struct te_trace *train, const struct te_trace *t,
			 const uint8_t *dropped, const struct fill_opts *fo, struct runs *fc,
			 struct fill_model *fm);

static int te_one_size(const struct te_trace *t, struct fill_model *fm, const struct fill_opts *fo,
		       int B, int per_burst, uint8_t *dropped, struct trace_eval_row *row,
		       const struct te_trace *self_train, int sketch)
{
	struct te_gaps G = { 0 };
	struct fill_gap **gaps = NULL;
	struct fill_impute_opts io;
	struct runs sfc;
	struct fill_model sfm = { 0 };
	int rc, n;

	memset(row, 0, sizeof(*row));
	row->burst = B;
	row->sketched = sketch;
	runs_init(&sfc, FILL_CORPUS_MIN_RUN, FILL_CORPUS_MAX_TOKENS);
	if (B > 0) /* B == 0: dropped[] already holds a replayed loss pattern */
		te_drop(t, dropped, B, per_burst, fo->seed);
	if (self_train) {
		if ((rc = te_self_model(self_train, t, dropped, fo, &sfc, &sfm)))
			goto out;
		fm = &sfm;
	}
	if ((rc = te_build_gaps(t, dropped, fo->context, &G)))
		goto out;
	if (sketch)
		te_sketch(&G);
	n = fill_ctx_count(G.ctx);
	gaps = malloc(sizeof(*gaps) * (size_t)(n + 1));
	if (!gaps) {
		rc = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < n; i++)
		gaps[i] = fill_ctx_get(G.ctx, i);
	fill_impute_opts_default(&io);
	io.threads = fo->threads;
	io.seed = fo->seed;
	double t0 = monotonic_s();
	if ((rc = fill_impute(gaps, n, fm->use, &fm->vocab, &io)))
		goto out;
	row->fill_s = monotonic_s() - t0;
	te_score(&G, row);
out:
	fill_model_free(&sfm);
	runs_free(&sfc);
	free(gaps);
	fill_ctx_free(G.ctx);
	free(G.truth);
	free(G.toff);
	return rc;
}

/* Thread slots in order of first appearance, each with its lowest sequence number. */
struct te_threads {
	struct tidmap slot; /* tid -> slot; slot.n threads */
	uint64_t *base;
	size_t cap;
};

static int te_thread_slot(struct te_threads *th, uint32_t tid, uint64_t seq)
{
	int32_t n = th->slot.n, i;

	if (VEC_RESERVE(th->base, th->cap, (size_t)n + 1)) /* room for a new thread */
		return -ENOMEM;
	if ((i = tidmap_index(&th->slot, tid)) < 0)
		return i;
	if (i == n || seq < th->base[i])
		th->base[i] = seq;
	return i;
}

static void te_threads_free(struct te_threads *th)
{
	tidmap_free(&th->slot);
	free(th->base);
}

struct te_loss {
	int slot;
	uint64_t first, last; /* sequence numbers of the lossy trace */
};

/* Replay the per-thread losses of a real lossy trace onto the complete trace t: the k-th thread
 * to appear in the lossy trace loses, in the k-th thread to appear in t, the events at the same
 * offsets from the thread's first sequence number.  Counts what could not be mapped; sets
 * row->sketched when a gap of the lossy trace carries a sketch. */
static int te_replay(const struct te_trace *t, const char *path, uint8_t *dropped,
		     struct trace_eval_row *row)
{
	struct trz_reader *rd = trz_reader_open(path, NULL, NULL);
	struct trz_record *rec = NULL;
	struct te_threads lt = { 0 }, ct = { 0 };
	struct te_loss *loss = NULL;
	int64_t nloss = 0;
	size_t caploss = 0;
	int *slot = NULL, rc = 0;

	memset(dropped, 0, (size_t)t->n);
	if (!rd) {
		if ((rc = -errno) >= 0)
			rc = -EIO;
		err_set("cannot open lossy trace %s: %s", path,
			rc == -EINVAL ? err_text() : strerror(-rc));
		return rc;
	}
	if (!(rec = malloc(sizeof(*rec)))) {
		rc = -ENOMEM;
		goto out;
	}
	while ((rc = trz_read_next(rd, rec)) == 1) {
		int k;

		if (rec->kind == TRZ_REC_EVENT) {
			if ((k = te_thread_slot(&lt, rec->ev.tid, rec->ev.tseq)) < 0) {
				rc = k;
				break;
			}
			continue;
		}
		if (rec->kind != TRZ_REC_GAP)
			continue;
		row->sketched |= rec->gap.sketch.present;
		if (!rec->gap.attributed || !rec->gap.lost || rec->gap.seq_last < rec->gap.seq_first) {
			row->unmapped += rec->gap.lost;
			row->loss_unattributed++;
			continue;
		}
		if ((k = te_thread_slot(&lt, rec->gap.tid, rec->gap.seq_first)) < 0) {
			rc = k;
			break;
		}
		if (VEC_RESERVE(loss, caploss, (size_t)nloss + 1)) {
			rc = -ENOMEM;
			break;
		}
		loss[nloss++] = (struct te_loss){ k, rec->gap.seq_first, rec->gap.seq_last };
	}
	if (rc < 0) {
		err_set("reading %s: %s", path, strerror(-rc));
		goto out;
	}
	rc = 0;
	if (!nloss) {
		err_set("%s records no per-thread loss to replay", path);
		rc = -EINVAL;
		goto out;
	}
	/* complete trace: thread slots and bases, then each event's offset in its thread */
	if (!(slot = malloc(sizeof(*slot) * (size_t)t->n))) {
		rc = -ENOMEM;
		goto out;
	}
	for (int64_t i = 0; i < t->n; i++)
		if ((slot[i] = te_thread_slot(&ct, t->tid[i], t->tseq[i])) < 0) {
			rc = slot[i];
			goto out;
		}
	/* per lossy thread slot: its losses as offset ranges; mark the complete trace's events */
	int64_t *lost_in = calloc((size_t)lt.slot.n + 1, sizeof(int64_t));

	if (!lost_in) {
		rc = -ENOMEM;
		goto out;
	}
	for (int64_t i = 0; i < t->n; i++) {
		int k = slot[i];
		uint64_t off = t->tseq[i] - ct.base[k];

		if (k >= lt.slot.n)
			continue;
		for (int64_t g = 0; g < nloss; g++) /* few losses per thread: linear is fine */
			if (loss[g].slot == k && off >= loss[g].first - lt.base[k] &&
			    off <= loss[g].last - lt.base[k]) {
				dropped[i] = 1;
				lost_in[k]++;
				break;
			}
	}
	for (int64_t g = 0; g < nloss; g++)
		row->loss_events += loss[g].last - loss[g].first + 1;
	row->loss_gaps = nloss;
	int64_t mapped = 0;

	for (int k = 0; k < lt.slot.n; k++)
		mapped += lost_in[k];
	row->unmapped += row->loss_events - mapped;
	free(lost_in);
out:
	free(slot);
	free(loss);
	te_threads_free(&lt);
	te_threads_free(&ct);
	free(rec);
	trz_reader_close(rd);
	return rc;
}

/* --self: the other run's runs plus the test trace's own runs without the dropped events, as
 * tracerec-fill indexes a trace's own intact sequences (threads of the other run are kept apart
 * by a high bit in their key). */
static int te_self_model(const struct te_trace *train, const struct te_trace *t,
			 const uint8_t *dropped, const struct fill_opts *fo, struct runs *fc,
			 struct fill_model *fm)
{
	int rc = 0;

	runs_init(fc, FILL_CORPUS_MIN_RUN, FILL_CORPUS_MAX_TOKENS);
	for (int64_t i = 0; !rc && i < train->n; i++)
		rc = runs_event(fc, train->tid[i] | 0x80000000u, train->tseq[i], train->tok[i]);
	for (int64_t i = 0; !rc && i < t->n; i++)
		if (!dropped[i])
			rc = runs_event(fc, t->tid[i], t->tseq[i], t->tok[i]);
	if (!rc)
		rc = runs_finish(fc);
	return rc ? rc : fill_model_build(fm, fc, fo, fo->threads);
}

/* The training corpus: every recorded run of the other trace. */
static int te_corpus(const char *path, struct runs *fc)
{
	int rc;

	runs_init(fc, FILL_CORPUS_MIN_RUN, FILL_CORPUS_MAX_TOKENS);
	if (path && (rc = runs_read_trz(fc, path))) {
		err_set("training trace %s", err_text());
		return rc;
	}
	return runs_finish(fc);
}

int trace_eval_run(const struct trace_eval_opts *o, struct trace_eval_row *rows,
		   const char **method_used)
{
	struct te_trace t, tt = { 0 };
	struct runs fc;
	struct fill_model fm = { 0 };
	struct fill_opts fo = o->fill;
	uint8_t *dropped = NULL;
	int rc;

	if (fo.threads <= 0)
		fo.threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (fo.threads <= 0)
		fo.threads = 1;
	err_clear();
	if ((rc = te_load(&t, o->trace)))
		goto out_trace;
	if ((rc = te_corpus(o->train, &fc)))
		goto out_corpus;
	if ((rc = fill_model_build(&fm, &fc, &fo, fo.threads)))
		goto out;
	if (o->self && fm.method != IMPUTER_NGRAM) {
		err_set("--self indexes the test trace for the n-gram imputer: use it "
			"with --method ngram");
		rc = -EINVAL;
		goto out;
	}
	if (o->self && o->train && (rc = te_load(&tt, o->train)))
		goto out;
	*method_used = fm.method_used;
	dropped = calloc((size_t)t.n, 1); /* te_drop() or te_replay() marks it before each use */
	if (!dropped) {
		rc = -ENOMEM;
		goto out;
	}
	if (o->losses) {
		memset(&rows[0], 0, sizeof(rows[0]));
		if ((rc = te_replay(&t, o->losses, dropped, &rows[0])))
			goto out;
		struct trace_eval_row keep = rows[0];

		if ((rc = te_one_size(&t, &fm, &fo, 0, 0, dropped, &rows[0], o->self ? &tt : NULL,
				      o->sketch > 0 || (o->sketch == 0 && keep.sketched)))) {
			err_set("filling the replayed losses failed: %s", strerror(-rc));
			goto out;
		}
		rows[0].loss_gaps = keep.loss_gaps;
		rows[0].loss_events = keep.loss_events;
		rows[0].loss_unattributed = keep.loss_unattributed;
		rows[0].unmapped = keep.unmapped;
		goto out;
	}
	for (int b = 0; b < o->nbursts; b++) {
		if ((rc = te_one_size(&t, &fm, &fo, o->bursts[b], o->per_burst, dropped, &rows[b],
				      o->self ? &tt : NULL, o->sketch > 0))) {
			err_set("filling bursts of %d failed: %s", o->bursts[b], strerror(-rc));
			break;
		}
	}
out:
	free(dropped);
	te_free(&tt);
	fill_model_free(&fm);
out_corpus:
	runs_free(&fc);
out_trace:
	te_free(&t);
	if (rc && !*err_text()) /* every failure has words */
		err_set("%s", strerror(-rc));
	return rc;
}

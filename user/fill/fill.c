/* fill.c - the offline repair driver: IN.trz -> OUT.trz with synthetic events for every gap.
 *
 * Two streaming passes over the input, so memory depends on the gaps, not on the trace length:
 *   1. read every record once: contexts around attributed gaps (fill_context.c), the trace's own
 *      intact runs for training (corpus/runs.c, capped), thread exits (end-of-life gaps);
 *   2. build the imputer (a loaded SSSD-S4 model, or trained on the trace itself within a time
 *      budget, or the n-gram imputer; hybrid = n-gram where its context matches with enough
 *      support, SSSD-S4 elsewhere) and fill all gaps in batches (fill_impute.c);
 *   3. read the input again and copy every record unchanged, writing each gap's synthetic events
 *      right after its gap record.
 * Unattributed gaps (no thread, e.g. per-CPU losses of exiting threads, LTTng discards) and
 * attributed gaps of unknown count are copied as they are: they stay visible as unfilled gaps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "fill/fill.h"
#include "common/monotime.h"
#include "common/progress.h"
#include "common/outfile.h"
#include "common/vec.h"

struct synth_key {
	uint64_t gap_id, tseq;
};

struct fill_run {
	const struct fill_opts *o;
	struct fill_report *r;
	struct fill_ctx *ctx;
	struct runs corpus;
	struct synth_key *synth_ids; /* synthetic records already in the input, sorted */
	size_t nsynth, capsynth;
	struct fill_gap **todo; /* gaps to fill */
	int ntodo;
	uint64_t *todo_ids; /* sorted (id << 0) with index in idx_of */
	int *idx_of;
	uint8_t *written;
	struct fill_model fm;
	int threads;
	uint64_t planned; /* lost events of the gaps taken (<= o->max_synth) */
};

static void warn_cb(void *ctx, const char *msg)
{
	struct fill_report *r = ctx;

	/* the reader survives it; keep the first message for the caller's summary */
	if (!r->warning[0])
		snprintf(r->warning, sizeof(r->warning), "%s", msg);
}

static int note_synth(struct fill_run *f, uint64_t gap_id, uint64_t tseq)
{
	if (VEC_RESERVE(f->synth_ids, f->capsynth, f->nsynth + 1))
		return -ENOMEM;
	f->synth_ids[f->nsynth].gap_id = gap_id;
	f->synth_ids[f->nsynth++].tseq = tseq;
	return 0;
}

/* Pass 1: contexts, corpus, counts. */
static int pass_contexts(struct fill_run *f, struct trz_reader *rd)
{
	struct fill_report *r = f->r;
	struct trz_record *rec = malloc(sizeof(*rec));
	int err = 0, rc;

	if (!rec)
		return -ENOMEM;
	while ((rc = trz_read_next(rd, rec)) == 1) {
		r->records++;
		switch (rec->kind) {
		case TRZ_REC_EVENT: {
			int32_t tok = tok_make(rec->ev.nr, rec->ev.dir);
			r->events++;
			int64_t ts = rec->ev.ts_ns > INT64_MAX ? -1 : (int64_t)rec->ev.ts_ns;
			uint8_t rcl = imputer_rc_class(rec->ev.dir == TRZ_EXIT, rec->ev.ret);
			err = fill_ctx_event_aux(f->ctx, rec->ev.tid, rec->ev.tseq, tok, ts, rcl);
			if (!err)
				err = runs_event_aux(&f->corpus, rec->ev.tid, rec->ev.tseq, tok, ts,
						     rcl);
			break;
		}
		case TRZ_REC_GAP:
			r->gaps++;
			if (rec->gap.attributed) {
				r->attributed_gaps++;
				r->attributed_lost += rec->gap.lost;
				/* unknown count, or one no trace can hold (a damaged record): left
				 * as it is, counted as unfilled */
				if (rec->gap.lost == 0 || rec->gap.lost > FILL_MAX_LOST ||
				    rec->gap.seq_last - rec->gap.seq_first + 1 != rec->gap.lost) {
					r->unfilled_gaps++;
				} else if (rec->gap.lost > f->o->max_gap) {
					/* more than one gap may synthesise */
					r->unfilled_gaps++;
					r->capped_gap++;
					r->capped_gap_lost += rec->gap.lost;
				} else if (rec->gap.lost > f->o->max_synth - f->planned) {
					/* the run's budget is spent (gaps in file order) */
					r->unfilled_gaps++;
					r->capped_run++;
					r->capped_run_lost += rec->gap.lost;
				} else if ((rc = fill_ctx_gap(f->ctx, &rec->gap)) < 0) {
					err = rc;
				} else {
					f->planned += rec->gap.lost;
				}
			} else {
				r->unattributed_gaps++;
				r->unattributed_lost += rec->gap.lost;
			}
			break;
		case TRZ_REC_SYNTH:
			r->synth_in++;
			err = note_synth(f, rec->syn.gap_id, rec->syn.ev.tseq);
			break;
		case TRZ_REC_THREAD:
			if (rec->th.what == TRZ_THREAD_EXIT)
				err = fill_ctx_thread_exit(f->ctx, rec->th.tid, rec->th.ts_ns);
			break;
		default: break;
		}
		if (err)
			break;
	}
	free(rec);
	if (!err && rc < 0)
		err = rc;
	if (err)
		return err;
	fill_ctx_finish(f->ctx);
	return runs_finish(&f->corpus);
}

static int cmp_key(const void *a, const void *b)
{
	const struct synth_key *x = a, *y = b;

	if (x->gap_id != y->gap_id)
		return x->gap_id < y->gap_id ? -1 : 1;
	return x->tseq < y->tseq ? -1 : x->tseq > y->tseq;
}

/* First synthetic record of the input at or after (id, tseq) in sorted order. */
static const struct synth_key *synth_lower(const struct fill_run *f, uint64_t id, uint64_t tseq)
{
	const struct synth_key key = { id, tseq };
	size_t lo = 0, hi = f->nsynth;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_key(&f->synth_ids[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return f->synth_ids + lo;
}

/* Distinct tseqs of gap id already filled in the input. */
static uint64_t synth_count(const struct fill_run *f, uint64_t id)
{
	const struct synth_key *k = synth_lower(f, id, 0), *end = f->synth_ids + f->nsynth;
	uint64_t n = 0;

	for (; k < end && k->gap_id == id; k++)
		n += k == f->synth_ids || k[-1].gap_id != id || k[-1].tseq != k->tseq;
	return n;
}

static int synth_has(const struct fill_run *f, uint64_t id, uint64_t tseq)
{
	const struct synth_key *k = synth_lower(f, id, tseq);

	return k < f->synth_ids + f->nsynth && k->gap_id == id && k->tseq == tseq;
}

/* Choose the gaps to fill (skip those the input already filled) and index them by id. */
static int plan_gaps(struct fill_run *f)
{
	int n = fill_ctx_count(f->ctx);

	if (f->nsynth)
		qsort(f->synth_ids, f->nsynth, sizeof(*f->synth_ids), cmp_key);
	f->ntodo = 0;
	f->todo = calloc((size_t)n + 1, sizeof(*f->todo));
	f->todo_ids = calloc((size_t)n + 1, sizeof(uint64_t));
	f->idx_of = calloc((size_t)n + 1, sizeof(int));
	f->written = calloc((size_t)n + 1, 1);
	if (!f->todo || !f->todo_ids || !f->idx_of || !f->written)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		struct fill_gap *g = fill_ctx_get(f->ctx, i);
		if (f->nsynth && synth_count(f, g->gap.id) >= g->gap.lost) {
			f->r->prefilled_gaps++;
			continue;
		}
		f->todo[f->ntodo++] = g;
	}
	/* ids sorted with their todo index: (id, index) packed through a permutation */
	for (int i = 0; i < f->ntodo; i++)
		f->idx_of[i] = i;
	for (int i = 0; i < f->ntodo; i++)
		f->todo_ids[i] = f->todo[i]->gap.id;
	/* insertion by id order; gaps come mostly sorted by id already */
	for (int i = 1; i < f->ntodo; i++) {
		uint64_t id = f->todo_ids[i];
		int ix = f->idx_of[i], j = i - 1;
		while (j >= 0 && f->todo_ids[j] > id) {
			f->todo_ids[j + 1] = f->todo_ids[j];
			f->idx_of[j + 1] = f->idx_of[j];
			j--;
		}
		f->todo_ids[j + 1] = id;
		f->idx_of[j + 1] = ix;
	}
	return 0;
}

static int find_todo(const struct fill_run *f, uint64_t id)
{
	int lo = 0, hi = f->ntodo;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (f->todo_ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->ntodo && f->todo_ids[lo] == id ? f->idx_of[lo] : -1;
}

/* Pass 3: copy every record, synthetic events right after their gap.  *fd passes to the
 * writer (-1 afterwards, when the writer took it). */
static int pass_write(struct fill_run *f, struct trz_reader *rd, int *fd)
{
	struct trz_writer *w = trz_writer_fdopen(*fd, NULL);
	struct trz_record *rec;
	int err = 0, rc;

	if (!w)
		return -errno;
	*fd = -1;
	rec = malloc(sizeof(*rec));
	if (!rec) {
		trz_writer_close(w);
		return -ENOMEM;
	}
	while ((rc = trz_read_next(rd, rec)) == 1) {
		if ((err = trz_write_record(w, rec)))
			break;
		if (rec->kind != TRZ_REC_GAP || !rec->gap.attributed)
			continue;
		int i = find_todo(f, rec->gap.id);
		if (i < 0 || f->written[i] || !f->todo[i]->filled)
			continue;
		struct fill_gap *g = f->todo[i];
		struct trz_synth s;
		for (uint64_t k = 0; k < g->gap.lost && !err; k++) {
			/* a partly filled gap: only the events still missing */
			if (f->nsynth && synth_has(f, g->gap.id, g->gap.seq_first + k))
				continue;
			fill_make_synth(g, k, &s);
			err = trz_write_synth(w, &s);
			f->r->synth_written++;
		}
		f->written[i] = 1;
		f->r->filled_gaps++;
		f->r->fixed_positions += (uint64_t)g->nfixed;
	}
	free(rec);
	if (!err && rc < 0)
		err = rc;
	if (!err) {
		char meta[256];
		snprintf(meta, sizeof(meta), "method=%s%s gaps=%llu synthetic=%llu",
			 f->r->method_used, f->r->self_trained ? " self-trained" : "",
			 (unsigned long long)f->r->filled_gaps,
			 (unsigned long long)f->r->synth_written);
		err = trz_write_meta(w, "fill", meta);
	}
	int cerr = trz_writer_close(w);
	return err ? err : cerr;
}

/* The imputer: a loaded or self-trained model, or the n-gram one (fill_model.c). */
static int fill_build_imputer(struct fill_run *f)
{
	int err = fill_model_build(&f->fm, &f->corpus, f->o, f->threads);

	f->r->train_tokens = (int64_t)f->corpus.ntok;
	f->r->method_used = f->fm.method_used;
	f->r->self_trained = f->fm.self_trained;
	f->r->t_train = f->fm.t_train;
	snprintf(f->r->note, sizeof(f->r->note), "%s", f->fm.note);
	return err;
}

static int fill_run_impute(struct fill_run *f)
{
	struct fill_impute_opts io;
	struct progress *p;
	double t0 = monotonic_s();
	int err;

	fill_impute_opts_default(&io);
	io.threads = f->threads;
	io.seed = f->o->seed;
	p = progress_new("fill", f->ntodo, f->o->quiet);
	io.cb = progress_cb;
	io.cb_ctx = p;
	err = fill_impute(f->todo, f->ntodo, f->fm.use, &f->fm.vocab, &io);
	progress_done(p);
	f->r->t_impute = monotonic_s() - t0;
	if (err)
		err_set("imputation failed: %s", strerror(-err));
	return err;
}

static void fill_run_free(struct fill_run *f)
{
	fill_model_free(&f->fm);
	fill_ctx_free(f->ctx);
	runs_free(&f->corpus);
	free(f->synth_ids);
	free(f->todo);
	free(f->todo_ids);
	free(f->idx_of);
	free(f->written);
}

int fill_trace_fd(const char *in_path, int out_fd, const char *out_path, const struct fill_opts *o,
		  struct fill_report *r)
{
	struct fill_run f = { .o = o, .r = r };
	struct trz_reader *rd;
	double t0 = monotonic_s();
	int err;

	memset(r, 0, sizeof(*r));
	err_clear();
	f.threads = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (f.threads < 1)
		f.threads = 1;
	rd = trz_reader_open(in_path, warn_cb, r);
	if (!rd) {
		err = -errno;
		err_set("cannot open %s: %s", in_path, err == -EINVAL ? err_text() : strerror(-err));
		close(out_fd);
		return err;
	}
	f.ctx = fill_ctx_new(o->context);
	runs_init(&f.corpus, FILL_CORPUS_MIN_RUN, FILL_CORPUS_MAX_TOKENS);
	if (!f.ctx) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = pass_contexts(&f, rd))) {
		err_set("reading %s: %s", in_path, strerror(-err));
		goto out;
	}
	r->ctx_bytes = fill_ctx_bytes(f.ctx);
	r->t_read = monotonic_s() - t0;
	if ((err = plan_gaps(&f)))
		goto out;
	if (f.ntodo > 0) {
		if ((err = fill_build_imputer(&f)))
			goto out;
		if ((err = fill_run_impute(&f)))
			goto out;
	}
	t0 = monotonic_s();
	if ((err = trz_reader_rewind(rd)) || (err = pass_write(&f, rd, &out_fd))) {
		err_set("writing %s: %s", out_path, strerror(-err));
		goto out;
	}
	r->t_write = monotonic_s() - t0;
out:
	if (err && !*err_text()) /* every failure has words */
		err_set("%s", strerror(-err));
	if (out_fd >= 0)
		close(out_fd);
	fill_run_free(&f);
	trz_reader_close(rd);
	return err;
}

int fill_trace(const char *in_path, const char *out_path, const struct fill_opts *o,
	       struct fill_report *r)
{
	struct outfile of;
	int err = outfile_open(&of, out_path, 0);

	if (err) {
		memset(r, 0, sizeof(*r));
		err_set("cannot create %s: %s", out_path, outfile_strerror(err));
		return err;
	}
	err = fill_trace_fd(in_path, of.fd, out_path, o, r);
	if (!err && (err = outfile_commit(&of)))
		err_set("cannot rename the output to %s: %s", out_path, strerror(-err));
	if (err)
		outfile_discard(&of);
	return err;
}

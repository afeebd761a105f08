/* livefill.c - the imputation thread of tracerecd --fill (see livefill.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fill/fill.h"
#include "fill/livefill.h"
#include "common/vec.h"

enum { LF_EVENT = 1, LF_GAP = 2, LF_EXIT = 3 };

struct lf_item {
	uint8_t kind;
	uint64_t seen_ns;
	union {
		struct {
			uint32_t tid;
			int32_t tok;
			uint64_t tseq;
		} ev;
		struct trz_gap gap;
		struct {
			uint32_t tid;
			uint64_t ts;
		} ex;
	};
};

/* A filled gap waiting for the consumer to write it. */
struct lf_done {
	struct fill_gap g; /* out/conf owned here */
	struct lf_done *next;
};

struct livefill {
	struct livefill_opts o;
	/* single-producer (hook) single-consumer (imputer) ring */
	struct lf_item *ring;
	uint64_t mask;
	_Atomic uint64_t head, tail;
	_Atomic uint64_t dropped, dropped_gaps;
	_Atomic uint64_t gaps_queued; /* gaps handed to the imputer's queue (seen or not by the end) */
	_Atomic int end, abort, done;
	pthread_t th;
	int started;
	/* imputer side */
	struct fill_ctx *ctx;
	struct runs fc;
	struct fill_model fm;
	int err;
	/* outbox */
	pthread_mutex_t lock;
	struct lf_done *out_head, *out_tail;
	uint64_t fixed_pending;
	/* consumer side */
	struct trz_record *rec;
	uint64_t filled, events, fixed;
	double *lags;
	size_t nlags, caplags;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int livefill_hook(void *ctx, const struct trz_record *rec)
{
	struct livefill *lf = ctx;
	struct lf_item it;
	uint64_t h, t;

	switch (rec->kind) {
	case TRZ_REC_EVENT:
		it.kind = LF_EVENT;
		it.ev.tid = rec->ev.tid;
		it.ev.tseq = rec->ev.tseq;
		it.ev.tok = tok_make(rec->ev.nr, rec->ev.dir);
		break;
	case TRZ_REC_GAP:
		if (!rec->gap.attributed || rec->gap.lost == 0)
			return 0;
		it.kind = LF_GAP;
		it.gap = rec->gap;
		break;
	case TRZ_REC_THREAD:
		if (rec->th.what != TRZ_THREAD_EXIT)
			return 0;
		it.kind = LF_EXIT;
		it.ex.tid = rec->th.tid;
		it.ex.ts = rec->th.ts_ns;
		break;
	default: return 0;
	}
	if (atomic_load_explicit(&lf->end, memory_order_relaxed))
		return 0;
	it.seen_ns = it.kind == LF_GAP ? mono_ns() : 0;
	h = atomic_load_explicit(&lf->head, memory_order_relaxed);
	t = atomic_load_explicit(&lf->tail, memory_order_acquire);
	if (h - t > lf->mask) {
		atomic_fetch_add_explicit(&lf->dropped, 1, memory_order_relaxed);
		if (it.kind == LF_GAP)
			atomic_fetch_add_explicit(&lf->dropped_gaps, 1, memory_order_relaxed);
		return 0;
	}
	lf->ring[h & lf->mask] = it;
	atomic_store_explicit(&lf->head, h + 1, memory_order_release);
	if (it.kind == LF_GAP)
		atomic_fetch_add_explicit(&lf->gaps_queued, 1, memory_order_relaxed);
	return 0;
}

/* Feed queued records to the contexts; returns how many. */
static int lf_consume(struct livefill *lf, int max)
{
	uint64_t t = atomic_load_explicit(&lf->tail, memory_order_relaxed);
	uint64_t h = atomic_load_explicit(&lf->head, memory_order_acquire);
	int n = 0, rc = 0;

	for (; t < h && n < max && !rc; t++, n++) {
		const struct lf_item *it = &lf->ring[t & lf->mask];
		if (it->kind == LF_EVENT) {
			rc = fill_ctx_event(lf->ctx, it->ev.tid, it->ev.tseq, it->ev.tok);
		} else if (it->kind == LF_EXIT) {
			rc = fill_ctx_thread_exit(lf->ctx, it->ex.tid, it->ex.ts);
		} else {
			int gi = fill_ctx_gap(lf->ctx, &it->gap);
			if (gi >= 0)
				fill_ctx_get(lf->ctx, gi)->born_ns = it->seen_ns;
			rc = gi < 0 && gi != -EINVAL ? gi : 0;
		}
	}
	atomic_store_explicit(&lf->tail, t, memory_order_release);
	if (rc)
		lf->err = rc;
	return n;
}

/* Fill the complete gaps (up to a batch) and move them to the outbox; returns how many. */
static int lf_fill_some(struct livefill *lf)
{
	int idx[256], k = fill_ctx_take_complete(lf->ctx, idx, 256);
	struct fill_gap *gaps[256];
	struct fill_impute_opts io;
	struct lf_done *head = NULL, *tail = NULL;
	uint64_t fixed = 0;

	if (k <= 0)
		return 0;
	for (int i = 0; i < k; i++)
		gaps[i] = fill_ctx_get(lf->ctx, idx[i]);
	fill_impute_opts_default(&io);
	io.threads = lf->o.threads;
	if ((lf->err = fill_impute(gaps, k, lf->fm.use, &lf->fm.vocab, &io)))
		return -1;
	for (int i = 0; i < k; i++) {
		struct lf_done *d = malloc(sizeof(*d));
		if (!d) {
			fill_ctx_release(lf->ctx, idx[i]);
			continue; /* stays unfilled */
		}
		d->g = *gaps[i];
		d->g.left = d->g.right = NULL;
		d->next = NULL;
		gaps[i]->out = NULL; /* ownership moves to the outbox */
		gaps[i]->conf = NULL;
		fill_ctx_release(lf->ctx, idx[i]);
		fixed += (uint64_t)d->g.nfixed;
		if (tail)
			tail->next = d;
		else
			head = d;
		tail = d;
	}
	pthread_mutex_lock(&lf->lock);
	if (lf->out_tail)
		lf->out_tail->next = head;
	else
		lf->out_head = head;
	if (tail)
		lf->out_tail = tail;
	lf->fixed_pending += fixed;
	pthread_mutex_unlock(&lf->lock);
	return k;
}

static void *lf_thread(void *arg)
{
	struct livefill *lf = arg;
	uint64_t timeout = (uint64_t)(lf->o.timeout * 1e9), last_expire = 0;

	while (!atomic_load(&lf->abort) && !lf->err) {
		int got = lf_consume(lf, 16384);
		int end = atomic_load(&lf->end);
		uint64_t now = mono_ns();

		if (end && atomic_load(&lf->tail) == atomic_load(&lf->head))
			fill_ctx_finish(lf->ctx);
		else if (now - last_expire > 50000000ull) {
			fill_ctx_expire(lf->ctx, now, timeout);
			last_expire = now;
		}
		int filled = lf_fill_some(lf);
		if (filled < 0)
			break;
		if (got == 0 && filled == 0) {
			if (end && fill_ctx_open(lf->ctx) == 0 &&
			    atomic_load(&lf->tail) == atomic_load(&lf->head))
				break;
			usleep(2000);
		}
	}
	atomic_store(&lf->done, 1);
	return NULL;
}

/* The imputer: a .trz to index with the n-gram imputer, or a model file (n-gram or SSSD-S4). */
static int lf_model(struct livefill *lf)
{
	struct fill_opts fo;
	struct trz_reader *rd = trz_reader_open(lf->o.model, NULL, NULL);
	int rc = 0;

	fill_opts_default(&fo);
	fo.quiet = 1;
	runs_init(&lf->fc, FILL_CORPUS_MIN_RUN, FILL_CORPUS_MAX_TOKENS);
	if (rd) {
		trz_reader_close(rd); /* a trace: its runs */
		if ((rc = runs_read_trz(&lf->fc, lf->o.model)))
			return rc;
		fo.method = IMPUTER_NGRAM;
	} else {
		err_clear(); /* not a trace: the reader's words are not the failure's */
		if (access(lf->o.model, R_OK)) {
			rc = -errno;
			err_set("cannot open model %s: %s", lf->o.model, strerror(errno));
			return rc;
		}
		fo.model = lf->o.model;
		fo.method = IMPUTER_SSSD;
	}
	if ((rc = runs_finish(&lf->fc)))
		return rc;
	return fill_model_build(&lf->fm, &lf->fc, &fo, lf->o.threads > 0 ? lf->o.threads : 1);
}

struct livefill *livefill_new(const struct livefill_opts *o)
{
	struct livefill *lf = calloc(1, sizeof(*lf));
	uint32_t cap = o->ring ? o->ring : 262144;
	int rc;

	err_clear();
	if (!lf) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	lf->o = *o;
	if (lf->o.timeout <= 0)
		lf->o.timeout = 2;
	if (lf->o.exit_wait <= 0)
		lf->o.exit_wait = 5;
	while (cap & (cap - 1))
		cap &= cap - 1;
	lf->mask = cap - 1;
	pthread_mutex_init(&lf->lock, NULL);
	lf->ring = malloc(sizeof(*lf->ring) * cap);
	lf->rec = malloc(sizeof(*lf->rec));
	lf->ctx = fill_ctx_new(64);
	if (!lf->ring || !lf->rec || !lf->ctx) {
		err_set("out of memory");
		rc = -ENOMEM;
		goto fail;
	}
	if ((rc = lf_model(lf)))
		goto fail;
	if ((rc = -pthread_create(&lf->th, NULL, lf_thread, lf))) {
		err_set("cannot start the imputation thread: %s", strerror(-rc));
		goto fail;
	}
	lf->started = 1;
	return lf;
fail:
	if (!*err_text()) /* every failure has words */
		err_set("%s", strerror(-rc));
	livefill_free(lf);
	errno = -rc;
	return NULL;
}

int livefill_drain(struct livefill *lf, livefill_write_fn write, void *wctx)
{
	struct lf_done *d, *next;
	int rc = 0;

	if (pthread_mutex_trylock(&lf->lock))
		return 0; /* the imputer is handing over: next time */
	d = lf->out_head;
	lf->out_head = lf->out_tail = NULL;
	lf->fixed += lf->fixed_pending;
	lf->fixed_pending = 0;
	pthread_mutex_unlock(&lf->lock);
	for (; d; d = next) {
		next = d->next;
		for (uint64_t k = 0; !rc && k < d->g.gap.lost; k++) {
			memset(lf->rec, 0, sizeof(struct trz_record));
			lf->rec->kind = TRZ_REC_SYNTH;
			fill_make_synth(&d->g, k, &lf->rec->syn);
			rc = write(wctx, lf->rec);
		}
		if (!rc) {
			lf->filled++;
			lf->events += d->g.gap.lost;
			/* a lag not kept for want of memory only thins the median */
			if (!VEC_RESERVE(lf->lags, lf->caplags, lf->nlags + 1))
				lf->lags[lf->nlags++] = (double)(mono_ns() - d->g.born_ns) / 1e6;
		}
		free(d->g.out);
		free(d->g.conf);
		free(d);
	}
	return rc;
}

int livefill_finish(struct livefill *lf, livefill_write_fn write, void *wctx)
{
	uint64_t deadline = mono_ns() + (uint64_t)(lf->o.exit_wait * 1e9);
	int rc = 0;

	atomic_store(&lf->end, 1);
	while (lf->started && !atomic_load(&lf->done) && mono_ns() < deadline) {
		if ((rc = livefill_drain(lf, write, wctx)))
			break;
		usleep(5000);
	}
	atomic_store(&lf->abort, 1);
	if (lf->started) {
		pthread_join(lf->th, NULL);
		lf->started = 0;
	}
	if (!rc)
		rc = livefill_drain(lf, write, wctx);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void livefill_get_stats(const struct livefill *lf, struct livefill_stats *st)
{
	memset(st, 0, sizeof(*st));
	/* every gap the hook was given: queued (consumed or still waiting when the imputer was
	 * stopped) or dropped because the queue was full */
	st->gaps_seen = atomic_load(&lf->gaps_queued) + atomic_load(&lf->dropped_gaps);
	st->gaps_filled = lf->filled;
	st->events_filled = lf->events;
	st->gaps_unfilled = st->gaps_seen > lf->filled ? st->gaps_seen - lf->filled : 0;
	st->ring_dropped = atomic_load(&lf->dropped);
	st->fixed = lf->fixed;
	st->method = lf->fm.method_used;
	if (lf->nlags) {
		qsort(lf->lags, lf->nlags, sizeof(double), cmp_double);
		st->lag_median_ms = lf->lags[lf->nlags / 2];
		st->lag_max_ms = lf->lags[lf->nlags - 1];
	}
}

void livefill_free(struct livefill *lf)
{
	if (!lf)
		return;
	if (lf->started) {
		atomic_store(&lf->end, 1);
		atomic_store(&lf->abort, 1);
		pthread_join(lf->th, NULL);
	}
	for (struct lf_done *d = lf->out_head, *n; d; d = n) {
		n = d->next;
		free(d->g.out);
		free(d->g.conf);
		free(d);
	}
	fill_model_free(&lf->fm);
	runs_free(&lf->fc);
	fill_ctx_free(lf->ctx);
	pthread_mutex_destroy(&lf->lock);
	free(lf->ring);
	free(lf->rec);
	free(lf->lags);
	free(lf);
}

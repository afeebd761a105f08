/* livefill.h - filling gaps while tracing (tracerecd --fill MODEL).
 *
 * The collector's consumer hands every record it writes to livefill_hook() (recorder hook):
 * events, gaps and thread exits go into a lock-free single-producer ring and nothing else
 * happens on the consumer's side, so the collector never waits.  An imputation thread lags
 * behind: it keeps the contexts of open gaps (fill_context.c) and fills a gap once its right
 * context is complete, its thread exited, or it has been open for `timeout` seconds, in batches
 * (fill_impute.c).  Filled gaps wait in an outbox until the consumer calls livefill_drain()
 * between polls, which writes their synthetic events through the same writer as everything
 * else (try-lock: if the imputer holds the outbox, the drain is skipped this time).
 * If the ring is full the record is dropped from live filling (counted): a dropped gap stays
 * unfilled, a dropped event only shortens contexts.  Gaps not filled by the end stay unfilled
 * in the file, for tracerec-fill.
 */
#ifndef TRC_LIVEFILL_H
#define TRC_LIVEFILL_H

#include <stddef.h>
#include <stdint.h>
#include "trz/trz.h"

struct livefill;

struct livefill_opts {
	const char *model; /* n-gram model file, SSSD-S4 checkpoint or a .trz to index */
	double timeout;    /* seconds a gap waits for right context.  Default 2 */
	double exit_wait;  /* seconds livefill_finish() waits for the imputer.  Default 5 */
	int threads;       /* imputer worker threads (0 = 1) */
	uint32_t ring;     /* records the ring holds (power of 2; 0 = 262144) */
};

struct livefill_stats {
	uint64_t gaps_seen;               /* attributed gaps with a known count */
	uint64_t gaps_filled;             /* filled live, written */
	uint64_t events_filled;           /* synthetic events written */
	uint64_t gaps_unfilled;           /* left for tracerec-fill */
	uint64_t ring_dropped;            /* records the ring had no room for */
	uint64_t fixed;                   /* positions changed by the entry/exit fix-up */
	double lag_median_ms, lag_max_ms; /* gap record seen -> synthetic events written */
	const char *method;
};

/* Load the model and start the imputation thread.  Returns NULL with errno set and words in
 * err_text() on failure.  Free with livefill_free(). */
struct livefill *livefill_new(const struct livefill_opts *o);

/* The recorder hook (ctx = the livefill): queue rec for the imputer; never blocks.  Synthetic
 * records are ignored.  Always returns 0. */
int livefill_hook(void *ctx, const struct trz_record *rec);

typedef int (*livefill_write_fn)(void *wctx, const struct trz_record *rec);
/* Write the synthetic events of the gaps filled so far with write (from the consumer's
 * thread).  Returns 0 or the first error of write. */
int livefill_drain(struct livefill *lf, livefill_write_fn write, void *wctx);

/* End of input: the imputer closes every open gap and fills what it can within
 * o->exit_wait seconds; then the last drain.  Returns 0 or write's error. */
int livefill_finish(struct livefill *lf, livefill_write_fn write, void *wctx);

void livefill_get_stats(const struct livefill *lf, struct livefill_stats *st);
void livefill_free(struct livefill *lf);

#endif /* TRC_LIVEFILL_H */

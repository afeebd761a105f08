/* trace_eval.h - score gap repair on a real trace: drop what an overflowing ring buffer drops,
 * fill it, compare with what was recorded.
 *
 * A complete trace (one recorded without loss) is read into memory (compact: 24 bytes per
 * event).  For each burst size B, `per_burst` bursts of B consecutive events of one CPU (in the
 * order that CPU's events were recorded, as a per-CPU ring buffer loses them) are dropped at
 * random places at least 64 events apart.  The dropped events of each thread form that thread's
 * gaps (usually one per burst; two when the burst covered two threads).  The gaps are filled
 * with the fill machinery of tracerec-fill (contexts, batches, entry/exit fix-up), the imputer
 * coming from a different run (`train`, a .trz) or a model, and each gap's span is scored
 * against the dropped events with the paper's metrics (model/metrics.h).
 *
 * With `losses`, the drops are not random bursts but the loss pattern of a real lossy trace
 * (e.g. recorded with a tiny ring): its k-th thread (in order of first appearance) loses, in the
 * complete trace's k-th thread, the events at the same offsets from the thread's first sequence
 * number.  Unattributed gaps and offsets beyond the complete thread's end are counted, not
 * replayed.
 */
#ifndef TRC_TRACE_EVAL_H
#define TRC_TRACE_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include "fill/fill.h"
#include "metrics/metrics.h"

struct trace_eval_opts {
	const char *trace;     /* complete trace to drop from */
	const char *train;     /* another run (.trz) for the n-gram / self-training (may be NULL
				  * with method sssd and a model) */
	struct fill_opts fill; /* method, model, steps, seed, threads ... */
	const int *bursts;     /* burst sizes */
	int nbursts;
	int per_burst;      /* bursts dropped per size */
	const char *losses; /* replay this lossy trace's per-thread gaps (positions and lengths)
				  * onto `trace` instead of dropping bursts: one row, burst 0 */
	int self;           /* n-gram also indexes the test trace's own runs minus the drops,
				  * as tracerec-fill does with a trace's intact sequences */
	int sketch;         /* give each gap the lost-syscall sketch the collector (version 2)
				  * records: counts of the first TRACE_EVAL_SKETCH_TOKS distinct
				  * tokens, the rest `other`, first/last 8 in order.  With `losses`
				  * it is on when the lossy trace's gaps carry sketches, unless
				  * sketch is -1 (never) */
};

#define TRACE_EVAL_SKETCH_TOKS 32

struct trace_eval_row {
	int burst;
	struct metrics m; /* one window per thread gap */
	int64_t gaps, dropped;
	double fill_s; /* time of fill_impute() */
	/* losses replayed from a lossy trace (burst 0) */
	int64_t loss_gaps;         /* attributed gaps in the lossy trace */
	int64_t loss_events;       /* events they lost */
	int64_t loss_unattributed; /* unattributed (per-CPU) gaps: no thread to replay them on */
	int64_t unmapped;          /* lost events with no counterpart in the complete trace */
	int sketched;              /* the gaps were filled under their sketches */
};

/* rows: o->nbursts entries.  *method_used names the imputer used.  Returns 0 or -errno with
 * words in err_text(). */
int trace_eval_run(const struct trace_eval_opts *o, struct trace_eval_row *rows,
		   const char **method_used);

#endif /* TRC_TRACE_EVAL_H */

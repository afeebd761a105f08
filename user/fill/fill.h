/* fill.h - gap repair: contexts around gaps, imputation in batches, entry/exit fix-up, and the
 * streaming trace-to-trace driver behind tracerec-fill and tracerecd --fill.
 *
 * Pieces (one file each):
 *   fill_fixup.c   fill_fixup(): make a proposed span obey the per-thread syscall grammar.
 *   fill_context.c struct fill_ctx: per-thread token rings and the contexts of open gaps, fed one
 *                  record at a time (the order of a trz file or of the collector's consumer).
 *   fill_impute.c  fill_impute(): fill many gaps with an imputer in waves of batches, on threads.
 *   fill_model.c   the imputer: loaded, self-trained, n-gram or hybrid.
 *   fill.c         fill_trace(): read IN.trz twice (contexts, then copy + synthetic records).
 *
 * Tokens: an event token is (syscall number, direction) packed as nr * 2 + dir (tok_make(),
 * common/token.h); TOK_NONE marks "no event here".  Model ids are mapped through a struct vocab.
 * Conventions: 0 or -errno; nothing prints or exits.
 */
#ifndef TRC_FILL_H
#define TRC_FILL_H

#include <stdint.h>
#include "imputer.h"
#include "vocab.h"
#include "common/token.h"
#include "corpus/runs.h"
#include "trz/trz.h"

/* Larger gaps are left unfilled (a damaged record, or nothing left to learn from) */
#define FILL_MAX_LOST (1ull << 28)
/* What one gap and one run may synthesise unless told otherwise (--max-gap, --max-synth):
 * a gap record is a few bytes, its synthetic events cost time and memory (about 15 bytes and
 * 0.3 us each), so a hostile or damaged trace must not decide how much work a fill does. */
#define FILL_MAX_GAP_DEFAULT (1ull << 20)
#define FILL_MAX_SYNTH_DEFAULT (1ull << 23)

/* ---- entry/exit fix-up (fill_fixup.c) ------------------------------------------------------ */

/* Rewrite the proposal tok[0..n) in place into the cheapest span that obeys the per-thread
 * grammar: an entry of X is followed by the exit of X, an exit by an entry, and an entry of a
 * syscall that never returns (exit, exit_group) only ends a thread's life.  The span starts in
 * the state the last recorded event before it leaves (left: a token or TOK_NONE = unknown)
 * and ends in the state the first recorded event after it needs (right: an exit of Y needs "in
 * Y", an entry needs "outside"; TOK_NONE = no constraint, e.g. the end of a thread's life).
 * Changing position i costs 0.5 + conf[i] (conf may be NULL: all 0.5), so the fewest, least
 * confident positions change; ties keep the earlier proposal.  When no span satisfies both ends
 * (inconsistent input), the right constraint and then the left are dropped.  Changed positions
 * get half their confidence.  Returns the number of changed positions (>= 0) or -errno. */
int fill_fixup(int32_t *tok, float *conf, int n, int32_t left, int32_t right);

/* 1 when the span left, tok[0..n), right obeys the grammar above (TOK_NONE ends are
 * unconstrained); used by tests and tracerec-fill's self-check. */
int fill_span_consistent(const int32_t *tok, int n, int32_t left, int32_t right);

/* ---- contexts around gaps (fill_context.c) -------------------------------------------------- */

/* One gap to fill and the recorded events around it. */
struct fill_gap {
	struct trz_gap gap; /* as recorded (attributed, lost > 0) */
	int W;              /* context slots on each side */
	int32_t *left;      /* W slots; left[W-1] = tseq seq_first-1, left[W-1-k] = -1-k */
	int32_t *right;     /* W slots; right[k] = tseq seq_last+1+k */
	int64_t *lts, *rts; /* timestamps of the left / right slots (-1 unknown) */
	uint8_t *lrc, *rrc; /* their return classes (enum imputer_rc) */
	uint64_t t_exit;    /* thread exit time when seen (end-of-life gaps), else 0 */
	uint64_t born_ns;   /* when the gap became known (live filling's clock), else 0 */
	int nright;         /* right slots filled */
	uint8_t complete;   /* right context gathered (or thread gone / end of input) */
	uint8_t filled;     /* out[] holds the answer */
	int32_t *out;       /* lost tokens after fill_impute() */
	float *conf;        /* lost confidences */
	int nfixed;         /* positions changed by fill_fixup() */
};

struct fill_ctx;

/* A context builder keeping W tokens of context on each side of every gap it is given.
 * Returns NULL with errno set.  Free with fill_ctx_free(). */
struct fill_ctx *fill_ctx_new(int W);
void fill_ctx_free(struct fill_ctx *c);
/* Feed one recorded event of thread tid (in file order; per-thread order may be loose). */
int fill_ctx_event(struct fill_ctx *c, uint32_t tid, uint64_t tseq, int32_t tok);
/* The same with the event's timestamp (ns, < 0 unknown) and return class (enum imputer_rc),
 * which SSSD-S4 models with timestamp / return channels condition on. */
int fill_ctx_event_aux(struct fill_ctx *c, uint32_t tid, uint64_t tseq, int32_t tok, int64_t ts,
		       uint8_t rc);
/* Add a gap to fill (attributed, lost > 0): its left context comes from the thread's recent
 * events, its right context from the events that follow.  Returns the gap's index (>= 0). */
int fill_ctx_gap(struct fill_ctx *c, const struct trz_gap *g);
/* The thread exited at ts: its gaps (open or recorded later) learn the exit time, which bounds
 * the timestamps of an end-of-life gap.  Gaps stay open: their right context may still come. */
int fill_ctx_thread_exit(struct fill_ctx *c, uint32_t tid, uint64_t ts);
/* Close every open gap born (born_ns) before now_ns - timeout_ns: its right context is not
 * coming soon enough (live filling).  Returns how many were closed. */
int fill_ctx_expire(struct fill_ctx *c, uint64_t now_ns, uint64_t timeout_ns);
/* Close every open gap (end of input). */
void fill_ctx_finish(struct fill_ctx *c);
/* Gaps added so far, in the order added; pointers stay valid until fill_ctx_free() (or
 * fill_ctx_release()). */
int fill_ctx_count(const struct fill_ctx *c);
struct fill_gap *fill_ctx_get(struct fill_ctx *c, int i);
/* Complete gaps not yet handed out, oldest first, up to max: their indices go to idx.  Each gap
 * is handed out once (for live filling). */
int fill_ctx_take_complete(struct fill_ctx *c, int *idx, int max);
/* Free the context and answer of gap i (after its synthetic events were written). */
void fill_ctx_release(struct fill_ctx *c, int i);
/* Open (incomplete) gaps right now. */
int fill_ctx_open(const struct fill_ctx *c);
/* Bytes held (rings, contexts, answers), for the memory figures. */
uint64_t fill_ctx_bytes(const struct fill_ctx *c);

/* The contiguous recorded run next to the gap: left run length (tokens ending at left[W-1]) and
 * right run length (tokens starting at right[0]). */
int fill_gap_left_run(const struct fill_gap *g);
int fill_gap_right_run(const struct fill_gap *g);

/* ---- imputation in batches (fill_impute.c) ------------------------------------------------- */

struct fill_impute_opts {
	int window;  /* window length L given to the imputer (>= 8; long gaps are
				  * filled in chunks of 40% of it).  Default 0: imputer_window() */
	int batch;   /* windows per imputer call.  Default 32 */
	int threads; /* cores to use: worker threads calling a reentrant imputer, else
				  * the imputer's own threads (imputer_use_threads()).  Default 1 */
	uint64_t seed;
	progress_fn cb; /* progress in gaps done (may be NULL) */
	void *cb_ctx;
};
void fill_impute_opts_default(struct fill_impute_opts *o);

/* Fill gaps[0..n) (pointers; each complete, not yet filled): windows of left context, the
 * missing span and right context, up to o->window ids; spans longer than a window are filled
 * chunk by chunk, each chunk seeing the previous one as left context.  Then fill_fixup() on each
 * whole span.  Tokens map to ids through v (unseen -> 0) and back.  Sets out, conf, filled. */
int fill_impute(struct fill_gap **gaps, int n, struct imputer *im, const struct vocab *v,
		const struct fill_impute_opts *o);

/* Synthetic event k of gap g (after fill_impute): token, direction, tseq seq_first + k,
 * timestamps spread evenly inside the gap's window (end of life: up to the thread's exit or
 * 1 us apart), cpu/pid/tid of the gap, the gap id and the confidence. */
void fill_make_synth(const struct fill_gap *g, uint64_t k, struct trz_synth *s);

/* ---- the lost-syscall sketch as a constraint (fill_sketch.c) --------------------------------
 * fill_impute() fills a gap whose record carries a usable sketch (counts adding up to lost, not
 * all "other") so that its synthetic events have exactly the sketch's multiset: the counted
 * tokens exactly as often as counted, `other` events with tokens the sketch does not name, the
 * first/last recorded lost tokens at the ends; the order is the one of highest total score of
 * the imputer (imputer_fill_scores(), model/constrain.h).  No grammar fix-up for those gaps:
 * the sketch is what was lost.  Gaps of more than FILL_SKETCH_MAX events are filled as without
 * a sketch. */
#define FILL_SKETCH_MAX 65536
struct fill_sketch;
/* *out = the sketch of g as columns over v's ids, or NULL when g has no usable sketch.
 * Returns 0 or -ENOMEM. */
int fill_sketch_new(struct fill_sketch **out, const struct trz_gap *g, const struct vocab *v);
void fill_sketch_free(struct fill_sketch *sk);
/* The imputer's scores row (V log-probabilities) for position pos of the gap. */
void fill_sketch_take(struct fill_sketch *sk, uint64_t pos, const float *row, int V);
/* Decode g->out/g->conf (allocated, g->gap.lost long) under the sketch.  0 or -errno. */
int fill_sketch_decode(struct fill_gap *g, struct fill_sketch *sk, const struct vocab *v);
/* The recorded token at position pos of the gap (its first or last lost events, when they agree
 * with the counts), or TOK_NONE: the imputer sees these as known context, so that the middle is
 * imputed next to what was really lost, not next to a short recorded run. */
int32_t fill_sketch_end(const struct fill_sketch *sk, uint64_t pos);

/* ---- the offline driver (fill.c) ----------------------------------------------------------- */

struct fill_opts {
	const char *model; /* SSSD checkpoint or n-gram model file, or NULL: train on the
				  * trace itself */
	int method;        /* enum imputer_method (imputer.h) */
	double train_time; /* self-training budget, seconds */
	int threads;       /* 0 = all cores */
	int quiet;         /* no progress bars */
	int context;       /* context slots per side.  Default 64 */
	/* the imputer's knobs; defaults from imputer_spec_default() */
	int ngram_k;              /* n-gram context length */
	int hybrid_support;       /* hybrid: n-gram answers kept with >= this many matches... */
	int hybrid_context;       /* ... of >= this many ids on each side */
	int steps;                /* SSSD DDIM steps */
	int64_t min_train_tokens; /* fewer intact tokens than this: n-gram only.  Default 20000 */
	uint64_t seed;
	uint64_t max_gap;   /* gaps of more lost events are left unfilled (<= FILL_MAX_LOST).
				  * Default FILL_MAX_GAP_DEFAULT */
	uint64_t max_synth; /* synthetic events of one run; gaps beyond it (in file order) are
				  * left unfilled.  Default FILL_MAX_SYNTH_DEFAULT */
};
void fill_opts_default(struct fill_opts *o);
/* The imputer spec of o (method and knobs; no corpus, model or V yet). */
void fill_opts_spec(const struct fill_opts *o, struct imputer_spec *s);

/* Runs of a trace's own intact sequences kept for training and the n-gram index (corpus/runs.h) */
#define FILL_CORPUS_MIN_RUN 2
#define FILL_CORPUS_MAX_TOKENS (4 << 20)

/* The imputer of a fill (fill_model.c). */
struct sssd_model;
struct fill_model {
	struct sssd_model *model; /* loaded or self-trained, or NULL */
	struct imputer *use;      /* the one to fill with (imputer_new()) */
	struct vocab vocab;       /* model ids <-> tokens */
	struct corpus train;      /* the runs as ids (views them or cat_*) */
	int32_t *cat_ids;         /* n-gram model file + trace runs, when loaded */
	int64_t *cat_starts;
	int method; /* enum imputer_method actually used */
	const char *method_used;
	int self_trained;
	double t_train;
	char note[256]; /* why the method differs from the one asked, or "" */
};

/* Build the imputer o asks for: o->model (an n-gram model file from tracerec-train, whose
 * sequences join fc's runs in the n-gram index; or an SSSD-S4 checkpoint), or a
 * model trained on fc's runs for o->train_time seconds when o->method needs one, falling back to
 * the n-gram imputer when fc holds fewer than o->min_train_tokens tokens or fewer than four runs
 * of 100; the n-gram imputer always indexes fc.  fc must be finished and outlive fm.  On failure
 * returns -errno with words in err_text().  Free with fill_model_free(). */
int fill_model_build(struct fill_model *fm, struct runs *fc, const struct fill_opts *o, int threads);
void fill_model_free(struct fill_model *fm);

struct fill_report {
	uint64_t records, events, synth_in; /* read */
	uint64_t gaps, attributed_gaps, unattributed_gaps;
	uint64_t attributed_lost, unattributed_lost;
	uint64_t filled_gaps, synth_written, fixed_positions;
	uint64_t unfilled_gaps;               /* attributed gaps left: count unknown, above
						  * FILL_MAX_LOST or disagreeing with its range */
	uint64_t prefilled_gaps;              /* already filled in the input */
	uint64_t capped_gap, capped_gap_lost; /* of unfilled_gaps: above o->max_gap */
	uint64_t capped_run, capped_run_lost; /* of unfilled_gaps: beyond o->max_synth */
	const char *method_used;              /* "ngram", "sssd", "hybrid" */
	int self_trained;                     /* 1: model trained on the trace itself */
	int64_t train_tokens;
	double t_read, t_train, t_impute, t_write; /* seconds */
	char note[256];                            /* why the method used differs, or "" */
	uint64_t ctx_bytes;
	char warning[256]; /* the first problem the reader survived (a
						  * damaged block skipped, a truncated tail), or "" */
};

/* Repair in_path into out_fd (the caller created it, e.g. with common/outfile.h; out_path names
 * it in messages): every record copied unchanged, synthetic events written right after the gap
 * record they fill.  out_fd is closed in every case; on failure the caller discards the file.
 * Returns 0 or -errno with words in err_text(). */
int fill_trace_fd(const char *in_path, int out_fd, const char *out_path, const struct fill_opts *o,
		  struct fill_report *r);
/* The same into a new file out_path (common/outfile.h rules, no replacing; removed on failure). */
int fill_trace(const char *in_path, const char *out_path, const struct fill_opts *o,
	       struct fill_report *r);

#endif /* TRC_FILL_H */

/* imputer.h - the one small interface every imputer implements (SSSD-S4, n-gram, hybrid), and
 * the one factory that builds them (imputer.c).
 *
 * Events are model ids: 1..V-1 are tokens of a vocabulary (model/vocab.h), 0 means "unseen /
 * padding".  An imputer gets B sequences of L ids with a mask (1 = observed, 0 = missing) and
 * overwrites the missing positions with its guesses, giving each a confidence in [0, 1].
 * No I/O, no printing: progress goes through a callback.  All functions return 0 or -errno.
 *
 * Callers never switch on the method: what differs between imputers is said by its
 * capabilities, the window it fills best (imputer_window()) and how it uses several cores
 * (imputer_use_threads()).
 */
#ifndef TRC_IMPUTER_H
#define TRC_IMPUTER_H

#include <stdint.h>

struct imputer;

/* Return-value class of an event, a conditioning channel of SSSD-S4: none (an entry, or not
 * known), error (< 0), zero, small (1..IMPUTER_RC_SMALL_MAX bytes or units), large. */
enum imputer_rc {
	IMPUTER_RC_NONE = 0,
	IMPUTER_RC_ERROR = 1,
	IMPUTER_RC_ZERO = 2,
	IMPUTER_RC_SMALL = 3,
	IMPUTER_RC_LARGE = 4,
};
#define IMPUTER_RC_SMALL_MAX 4095

static inline uint8_t imputer_rc_class(int is_exit, int64_t ret)
{
	if (!is_exit)
		return IMPUTER_RC_NONE;
	return ret < 0                       ? IMPUTER_RC_ERROR
	       : ret == 0                    ? IMPUTER_RC_ZERO
	       : ret <= IMPUTER_RC_SMALL_MAX ? IMPUTER_RC_SMALL
					     : IMPUTER_RC_LARGE;
}

/* Timestamps and return classes of the (B, L) positions of a fill call, aligned with seq:
 * ts in ns (< 0: not known), rc an enum imputer_rc.  Only observed positions are read; either
 * pointer may be NULL (not known).  Paper-format windows have neither. */
struct imputer_aux {
	const int64_t *ts;
	const uint8_t *rc;
};

/* Capability flags of struct imputer_ops. */
#define IMPUTER_REENTRANT 0x1u /* fill() may run on several threads at once */

/* Window length given to an imputer that does not say (the paper's window). */
#define IMPUTER_WINDOW_DEFAULT 100

struct imputer_ops {
	const char *name; /* "sssd", "ngram", "hybrid" */
	unsigned flags;   /* IMPUTER_* */
	/* seq: (B, L) ids, missing positions overwritten; known: (B, L) 1 = observed;
	 * conf: (B, L) confidences written at missing positions (may be NULL). */
	int (*fill)(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		    int L, uint64_t seed);
	/* fill() that also scores: logp (B, L, V) gets, at every missing position (b, l), the
	 * log-probability of each id 0..V-1 there (row logp[(b * L + l) * V ..]; rows of observed
	 * positions are left alone).  The ids written to seq are fill()'s answer.  May be NULL:
	 * imputer_fill_scores() then derives scores from fill()'s answer and confidence. */
	int (*scores)(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
		      float *logp, int B, int L, uint64_t seed);
	/* Give fill() n cores for threads of its own (may be NULL: it has none). */
	void (*set_threads)(struct imputer *im, int n);
	/* What the trace knows beside the ids, for the next fill()/scores() call (may be NULL:
	 * the imputer does not use it).  See struct imputer_aux. */
	void (*set_aux)(struct imputer *im, const struct imputer_aux *aux);
	void (*free)(struct imputer *im);
};

struct imputer {
	const struct imputer_ops *ops;
	int V;      /* ids are 0..V-1 */
	int window; /* window length L (context + gap) it fills best, e.g. a model's
			    * training window (0: IMPUTER_WINDOW_DEFAULT) */
};

static inline int imputer_fill(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
			       int B, int L, uint64_t seed)
{
	return im->ops->fill(im, seq, known, conf, B, L, seed);
}

/* Lowest log-probability an imputer reports for an id it cannot rule out (smoothing floor). */
#define IMPUTER_LOGP_FLOOR (-30.0f)

/* Per-position scores of an answer alone: id seq gets log(c), every other id of 1..V-1 an even
 * share of 1 - c (c = conf clamped to [0.01, 0.99]; 0.5 without conf), id 0 the floor.  Fills
 * the rows of logp (B, L, V) at missing positions.  The fallback of imputer_fill_scores(). */
void imputer_logp_from_answer(const int32_t *seq, const uint8_t *known, const float *conf,
			      float *logp, int B, int L, int V);

/* imputer_fill() plus per-position log-probabilities over the vocabulary (struct imputer_ops
 * scores): what constrained decoding (model/constrain.h) chooses from.  conf may be NULL. */
int imputer_fill_scores(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
			float *logp, int B, int L, uint64_t seed);

/* Give the next fill of im the timestamps and return classes of its positions (aux NULL or
 * with NULL arrays: none).  The arrays must stay valid until that call returns; it is used once. */
static inline void imputer_set_aux(struct imputer *im, const struct imputer_aux *aux)
{
	if (im && im->ops->set_aux)
		im->ops->set_aux(im, aux);
}

static inline void imputer_free(struct imputer *im)
{
	if (im)
		im->ops->free(im);
}

static inline int imputer_window(const struct imputer *im)
{
	return im->window > 0 ? im->window : IMPUTER_WINDOW_DEFAULT;
}

/* Use n cores (n >= 1) to fill: returns how many threads should call imputer_fill() at once,
 * n for a reentrant imputer, else 1 after handing the n cores to the imputer's own threads
 * (SSSD-S4: OpenBLAS). */
static inline int imputer_use_threads(struct imputer *im, int n)
{
	if (n < 1)
		n = 1;
	if (im->ops->flags & IMPUTER_REENTRANT)
		return n;
	if (im->ops->set_threads)
		im->ops->set_threads(im, n);
	return 1;
}

/* A training corpus: sequences of ids laid end to end; starts[i] is where sequence i begins,
 * starts[n] == total length.  Paper-format windows are n sequences of equal length. */
struct corpus {
	const int32_t *ids;
	const int64_t *starts; /* n + 1 entries */
	int64_t n;
};

/* Progress callback for long operations (training, batched sampling): done of total units,
 * plus a short status text ("loss 0.123 acc 0.91").  Return non-zero to stop early. */
typedef int (*progress_fn)(void *ctx, int64_t done, int64_t total, const char *status);

/* ---- the factory (imputer.c) --------------------------------------------------------------
 * Every tool builds its imputer here, from the same defaults, so that tracerec-eval measures
 * what tracerec-fill and tracerecd --fill ship. */

enum imputer_method { IMPUTER_NGRAM = 0, IMPUTER_SSSD = 1, IMPUTER_HYBRID = 2 };

/* "ngram", "sssd", "hybrid" <-> enum imputer_method; parse returns -EINVAL for other words. */
int imputer_method_parse(const char *s);
const char *imputer_method_name(int method);

struct sssd_model;

struct imputer_spec {
	int method;                 /* enum imputer_method.  Default IMPUTER_NGRAM */
	int V;                      /* ids 0..V-1 (>= 2) */
	const struct corpus *train; /* ngram, hybrid: the sequences to index (copied) */
	int kmax;                 /* ngram, hybrid: longest context.  Default NGRAM_KMAX_DEFAULT */
	struct sssd_model *model; /* sssd, hybrid: borrowed, must outlive the imputer */
	int steps;                /* sssd: sampling steps: reveal rounds of an absorbing-state
				      * model, DDIM steps of the others (0: DDPM); < 0 = the
				      * model's default (sssd_default_steps()).  Default -1 */
	int samples;              /* sssd: samples voted per gap.  Default 1 */
	int min_support;          /* hybrid: n-gram answers kept with >= this many matches */
	int min_context;          /* ... of >= this many ids per side.  Defaults 2, 4 */
};

/* Fill in the defaults listed above (train and model NULL, V 0). */
void imputer_spec_default(struct imputer_spec *s);

/* Build the imputer s describes into *out: the n-gram index over s->train, the SSSD-S4 sampler
 * over s->model, or the hybrid of both.  The result owns its parts (one imputer_free() frees
 * them) but not s->model.  Returns 0, -EINVAL (bad spec, missing corpus or model), -ENOMEM,
 * -E2BIG (corpus too large for the n-gram index). */
int imputer_new(struct imputer **out, const struct imputer_spec *s);

#endif /* TRC_IMPUTER_H */

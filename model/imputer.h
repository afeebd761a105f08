/* imputer.h - the one small interface every imputer implements (SSSD-S4, n-gram, hybrid).
 *
 * Events are model ids: 1..V-1 are tokens of a vocabulary (model/vocab.h), 0 means "unseen /
 * padding".  An imputer gets B sequences of L ids with a mask (1 = observed, 0 = missing) and
 * overwrites the missing positions with its guesses, giving each a confidence in [0, 1].
 * No I/O, no printing: progress goes through a callback.  All functions return 0 or -errno.
 */
#ifndef TRC_IMPUTER_H
#define TRC_IMPUTER_H

#include <stdint.h>

struct imputer;

struct imputer_ops {
	const char *name;  /* "sssd", "ngram", "hybrid" */
	/* seq: (B, L) ids, missing positions overwritten; known: (B, L) 1 = observed;
	 * conf: (B, L) confidences written at missing positions (may be NULL). */
	int (*fill)(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		    int L, uint64_t seed);
	void (*free)(struct imputer *im);
};

struct imputer {
	const struct imputer_ops *ops;
	int V;             /* ids are 0..V-1 */
};

static inline int imputer_fill(struct imputer *im, int32_t *seq, const uint8_t *known,
			       float *conf, int B, int L, uint64_t seed)
{
	return im->ops->fill(im, seq, known, conf, B, L, seed);
}

static inline void imputer_free(struct imputer *im)
{
	if (im)
		im->ops->free(im);
}

/* A training corpus: sequences of ids laid end to end; starts[i] is where sequence i begins,
 * starts[n] == total length.  Paper-format windows are n sequences of equal length. */
struct corpus {
	const int32_t *ids;
	const int64_t *starts;  /* n + 1 entries */
	int64_t n;
};

/* Progress callback for long operations (training, batched sampling): done of total units,
 * plus a short status text ("loss 0.123 acc 0.91").  Return non-zero to stop early. */
typedef int (*progress_fn)(void *ctx, int64_t done, int64_t total, const char *status);

#endif /* TRC_IMPUTER_H */

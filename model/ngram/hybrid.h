/* hybrid.h - exact retrieval where the context is trusted, another imputer elsewhere.
 *
 * Each gap is first filled by the n-gram imputer (model/ngram.h).  Its answer is kept when it
 * came from at least min_support matches of a span match with at least min_context ids matched
 * on each side, or, for a gap at a window edge (one side only), at least 2 * min_context ids on
 * that side; every other gap is filled by the other imputer (typically SSSD-S4), which sees the
 * original observed positions.  Without another imputer the n-gram answer is
 * kept everywhere.  The hybrid fills the window of the other imputer (the n-gram's without
 * one) and is reentrant when both parts are.
 */
#ifndef TRC_HYBRID_H
#define TRC_HYBRID_H

#include "imputer.h"

/* A hybrid of ngram (from ngram_new()) and other (may be NULL); both are borrowed and must
 * outlive it.  Returns NULL with errno set (EINVAL, ENOMEM).  Free with imputer_free(). */
struct imputer *hybrid_new(struct imputer *ngram, struct imputer *other, int min_support,
			   int min_context);

/* From now on the hybrid im frees its n-gram and other imputer with itself (the factory's
 * hybrids, model/imputer.c). */
void hybrid_own_parts(struct imputer *im);

#endif /* TRC_HYBRID_H */

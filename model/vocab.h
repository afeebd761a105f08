/* vocab.h - event tokens (syscall number, entry|exit) <-> model ids.
 *
 * Ids are ranked by frequency in the training data (1 = most frequent, the paper's convention);
 * id 0 is reserved for "unseen / padding".  For the public datasets the names behind the ids are
 * not published: their tokens have nr = -1 (unknown) and only the id is meaningful.
 */
#ifndef TRC_VOCAB_H
#define TRC_VOCAB_H

#include <stdint.h>

#define VOCAB_MAX 1024

struct vocab {
	int n;                     /* ids 0..n-1 are valid; id 0 = unseen */
	int32_t nr[VOCAB_MAX];     /* syscall number of id i, -1 when unknown */
	uint8_t dir[VOCAB_MAX];    /* 0 entry, 1 exit */
	uint64_t count[VOCAB_MAX]; /* occurrences seen when the vocabulary was built */
};

/* Build a vocabulary from token occurrences: nr[i], dir[i] for i < n tokens; ids ranked by
 * count, ties by (nr, dir).  Keeps at most VOCAB_MAX - 1 tokens.  Returns 0 or -errno. */
int vocab_build(struct vocab *v, const int32_t *nr, const uint8_t *dir, int64_t n);
/* The same from k distinct tokens nr[i], dir[i] seen count[i] times each. */
int vocab_from_counts(struct vocab *v, const int32_t *nr, const uint8_t *dir, const uint64_t *count,
		      int64_t k);
/* A vocabulary of k anonymous ids 1..k (paper datasets). */
void vocab_anonymous(struct vocab *v, int k);
/* Id of (nr, dir), or 0 when unseen. */
int vocab_id(const struct vocab *v, int32_t nr, uint8_t dir);

#endif /* TRC_VOCAB_H */

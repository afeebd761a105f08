/* corpus.h - training/test corpora for the imputers, loaded from paper .npy windows or from
 * .trz traces (per-thread sequences of recorded events).
 */
#ifndef TRC_CORPUS_H
#define TRC_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "imputer.h"
#include "vocab.h"

struct corpus_buf {
	struct corpus c; /* views ids/starts below */
	int32_t *ids;
	int64_t *starts;
	int64_t *ts;        /* .trz: timestamps of the ids (ns, < 0 unknown), else NULL */
	uint8_t *rc;        /* .trz: return classes of the ids (enum imputer_rc), else NULL */
	int64_t len;        /* window length for .npy corpora (all sequences equal), else 0 */
	int32_t max_id;     /* largest id present */
	struct vocab vocab; /* anonymous ids 1..max_id (.npy) or built by frequency (.trz) */
};

/* Load a paper-format .npy file (N, L[, 1]) of int32 ids as N sequences of L ids.  Ids must lie
 * in 0..VOCAB_MAX-1.  On failure returns -errno with words (without the path) in err_text().
 * Free with corpus_buf_free(). */
int corpus_load_npy(struct corpus_buf *cb, const char *path);

/* Load recorded events of one or more .trz traces as per-thread sequences (synthetic events are
 * skipped; a gap record breaks a thread's sequence in two), with a vocabulary of (syscall,
 * direction) tokens ranked by frequency.  Sequences shorter than min_len are dropped.  Returns
 * 0 or -errno with words naming the file in err_text(). */
int corpus_load_trz(struct corpus_buf *cb, char *const *paths, int npaths, int min_len);

void corpus_buf_free(struct corpus_buf *cb);

#endif /* TRC_CORPUS_H */

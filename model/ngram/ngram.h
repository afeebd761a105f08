/* ngram.h - the bidirectional exact-context n-gram imputer (non-neural baseline and fallback).
 *
 * The training sequences are indexed by a suffix array sorted on their first kmax ids, so any
 * context of up to kmax ids is found by binary search.  A gap (a maximal run of missing
 * positions) of G events is filled:
 *   1. as a whole span when its two-sided context matches: the k ids before and the k ids after
 *      the gap occur in a training sequence exactly G ids apart; k backs off from kmax to 1 and
 *      the most frequent span between the matches wins (a gap at a window edge has one side);
 *   2. else as a span after the longest matching one-sided context (left, then right);
 *   3. else position by position, left to right, voting the next id after the longest matching
 *      left context (right to left with the right context for a gap at the start);
 *   4. else with the most frequent id.
 * conf at a position is the share of the matches that agree with the chosen id there.
 * Matches are counted up to a cap (evenly subsampled beyond it), so the cost per gap is bounded.
 */
#ifndef TRC_NGRAM_H
#define TRC_NGRAM_H

#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "imputer.h"
#include "vocab.h"

#define NGRAM_KMAX_DEFAULT 64
#define NGRAM_KMAX_LIMIT 128
/* Window the n-gram imputer fills (imputer_window()): its cost grows with the context it
 * matches, not with a model's training length, so long gaps get long contexts */
#define NGRAM_WINDOW 256

/* How a position was filled (ngram_fill_detail()). */
enum ngram_how {
	NGRAM_KNOWN = 0, /* observed, untouched */
	NGRAM_SPAN2 = 1, /* two-sided span match */
	NGRAM_SPAN1 = 2, /* one-sided span match */
	NGRAM_STEP = 3,  /* position by position */
	NGRAM_PRIOR = 4, /* most frequent id */
};

struct ngram_info {
	uint8_t how;    /* enum ngram_how */
	uint8_t kl, kr; /* context lengths matched left and right */
	uint8_t _pad;
	uint32_t support; /* matches voting (before the cap) */
};

/* An n-gram imputer over a copy of train (ids outside 1..V-1 act as sequence breaks), with
 * contexts of up to kmax ids (<= 0: NGRAM_KMAX_DEFAULT; at most NGRAM_KMAX_LIMIT).  Returns
 * NULL with errno set (EINVAL, ENOMEM, E2BIG for corpora of 2^31 ids or more).  Free with
 * imputer_free(). */
struct imputer *ngram_new(const struct corpus *train, int V, int kmax);

/* imputer_fill() plus, when info is not NULL, how each position of the (B, L) batch was filled.
 * im must come from ngram_new().  Returns 0 or -errno. */
int ngram_fill_detail(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		      int L, struct ngram_info *info);

/* ngram_fill_detail() that also scores (struct imputer_ops scores): at each missing position,
 * log((votes[v] + prior[v]) / (votes + 1)) over the ids the matches that decided it have there
 * (the whole match set of a span match; the next-id votes of a position-by-position fill), prior
 * = the corpus's add-one smoothed unigram distribution (alone where nothing matched).  logp
 * (B, L, V) may be NULL. */
int ngram_fill_scores(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
		      float *logp, int B, int L, struct ngram_info *info);

/* ngram_fill_scores() that leaves out what a row was cut from (training: leave-one-window-out
 * retrieval over the whole corpus): matches touching the text positions [excl[r], excl[r] + L)
 * do not vote for row r (excl[r] < 0 or excl NULL: nothing left out).  Positions as
 * ngram_text_pos() gives them. */
int ngram_fill_excl(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
		    float *logp, int B, int L, struct ngram_info *info, const int64_t *excl);
/* Text position, in an n-gram built over c, of id off of c's sequence s. */
int64_t ngram_text_pos(const struct corpus *c, int64_t s, int64_t off);

/* Number of occurrences of ids[0..k) in the training sequences (k <= kmax), for tests and
 * diagnostics. */
int64_t ngram_count(const struct imputer *im, const int32_t *ids, int k);

#endif /* TRC_NGRAM_H */

/* ---- n-gram model file ------------------------------------------------------------------
 * The n-gram "model" is its training corpus: tracerec-train --method ngram writes it, so that
 * tools can fill gaps without the original traces.  Layout (little-endian):
 *   "TRCNGRM\0"  u32 version (1)  u32 kmax  u32 vocab.n
 *   vocab: i32 nr[n], u8 dir[n], u64 count[n]
 *   u64 nseq  u64 total  u64 starts[nseq + 1]  i32 ids[total]
 *   u32 crc32 (zlib) of every byte before it
 */
#define NGRAM_FILE_MAGIC "TRCNGRM"
#define NGRAM_FILE_VERSION 1

struct ngram_file {
	struct corpus c; /* views ids/starts */
	int32_t *ids;
	int64_t *starts;
	struct vocab vocab;
	int kmax;
};

/* Write c (ids must be vocabulary ids of v) to fd (left open; tools create it with
 * user/common/outfile.h).  Returns 0 or -errno. */
int ngram_file_save_fd(int fd, const struct corpus *c, const struct vocab *v, int kmax);
/* Same into a new file path (O_EXCL|O_NOFOLLOW, mode 0600; -EEXIST when it exists). */
int ngram_file_save(const char *path, const struct corpus *c, const struct vocab *v, int kmax);
/* Read and validate (magic, version, sizes against the file's size before allocating, ids in
 * range, CRC): -EINVAL for foreign or corrupt files, -EIO for truncated ones, -errno for I/O
 * errors; err_text() (common/err.h) says which.  Free with ngram_file_free().  _mem: from n
 * bytes. */
int ngram_file_load(const char *path, struct ngram_file *f);
int ngram_file_load_mem(const void *buf, size_t n, struct ngram_file *f);
void ngram_file_free(struct ngram_file *f);
/* 1 when path starts with the n-gram file magic, 0 when not, -errno when unreadable. */
int ngram_file_probe(const char *path);

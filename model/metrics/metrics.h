/* metrics.h - the evaluation protocol's scores (../shared/datasets/README.md).
 *
 * For each window, truth[0..B) and pred[0..B) are the masked span's true and imputed ids:
 *   accuracy      mean over windows of (correct positions / B)
 *   perfect rate  share of windows whose whole span is correct
 *   ROUGE-L       mean over windows of LCS(truth, pred) / B (the paper's recall form)
 *   count error   mean over windows of L1(histogram of truth - histogram of pred) / B: how far
 *                 the span's multiset of events is from the truth, regardless of order (0 = the
 *                 right events in any order; at most 2)
 *   type accuracy mean over windows of (positions whose syscall is right / B), ignoring the
 *                 direction (entry/exit): the paper's RQ4 "type" question.  Only defined when the
 *                 vocabulary maps every true id to a syscall number (not for the anonymous
 *                 public datasets); an unknown id in pred counts as wrong.
 */
#ifndef TRC_METRICS_H
#define TRC_METRICS_H

#include <stdint.h>
#include "vocab.h"

struct metrics {
	double sum_acc; /* sums over windows */
	double sum_rouge;
	double sum_type;
	double sum_count; /* sum of per-window count errors */
	int64_t perfect;
	int64_t n;      /* windows */
	int64_t n_type; /* windows whose type accuracy was defined */
};

/* Length of the longest common subsequence of a[0..na) and b[0..nb).  Returns -ENOMEM when
 * scratch cannot be allocated. */
int lcs_length(const int32_t *a, int na, const int32_t *b, int nb);

/* Add one window's span of B ids (B >= 1).  v may be NULL (no type accuracy).
 * Returns 0, -EINVAL or -ENOMEM. */
int metrics_add(struct metrics *m, const int32_t *truth, const int32_t *pred, int B,
		const struct vocab *v);
double metrics_accuracy(const struct metrics *m);
double metrics_perfect_rate(const struct metrics *m);
double metrics_rouge_l(const struct metrics *m);
double metrics_count_error(const struct metrics *m);
/* L1 distance between the histograms of a[0..n) and b[0..n) (ids compared exactly), or -ENOMEM. */
int64_t histogram_l1(const int32_t *a, const int32_t *b, int n);
/* Type accuracy, or -1 when undefined (see above). */
double metrics_type_accuracy(const struct metrics *m);

#endif /* TRC_METRICS_H */

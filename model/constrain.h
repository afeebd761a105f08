/* constrain.h - decoding a span under an exact multiset of events (the lost-syscall sketch).
 *
 * When the recorder knows which events a gap lost but not their order, the imputer's job is
 * only the order: given per-position log-probabilities logp (n, V) from a model and the counts
 * of each id (sum of counts == n), assign every position one id so that id v is used exactly
 * counts[v] times and the total log-probability is as high as possible.
 *
 * n <= CONSTRAIN_EXACT_MAX: optimal, as an assignment problem (positions x copies of ids) solved
 * by shortest augmenting paths (Hungarian method, O(n^3)).  Larger n: greedy over all
 * (position, id) pairs in decreasing log-probability, each taken while both are free
 * (O(nV log nV)); the multiset is exact either way.
 */
#ifndef TRC_CONSTRAIN_H
#define TRC_CONSTRAIN_H

#include <stdint.h>

#define CONSTRAIN_EXACT_MAX 256

/* logp: (n, V) row-major, logp[i * V + v]; counts: (V) >= 0 with sum == n; out: (n) ids.
 * Returns 0, -EINVAL (bad sizes, negative counts, sum != n, non-finite logp) or -ENOMEM. */
int constrain_assign(const float *logp, int n, int V, const int32_t *counts, int32_t *out);
/* The greedy variant alone (for tests and very long spans); same contract. */
int constrain_assign_greedy(const float *logp, int n, int V, const int32_t *counts, int32_t *out);

#endif /* TRC_CONSTRAIN_H */

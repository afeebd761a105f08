/* test_constrain.c - exact-multiset decoding: the output multiset always equals the given one,
 * the exact solver is optimal (checked against brute force over all orders), the answer is the
 * argmax where the argmax already has the right multiset, and bad input is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "constrain.h"
#include "nn/model.h"

static void histogram(const int32_t *ids, int n, int V, int32_t *h)
{
	memset(h, 0, sizeof(*h) * V);
	for (int i = 0; i < n; i++) {
		assert_true(ids[i] >= 0 && ids[i] < V);
		h[ids[i]]++;
	}
}

static double score(const float *lp, const int32_t *ids, int n, int V)
{
	double s = 0;

	for (int i = 0; i < n; i++)
		s += lp[(size_t)i * V + ids[i]];
	return s;
}

/* best total over all distinct orders of the multiset (n small): recursive */
static double brute(const float *lp, int i, int n, int V, int32_t *left)
{
	double best = -INFINITY;

	if (i == n)
		return 0;
	for (int v = 0; v < V; v++)
		if (left[v]) {
			left[v]--;
			double s = lp[(size_t)i * V + v] + brute(lp, i + 1, n, V, left);

			left[v]++;
			if (s > best)
				best = s;
		}
	return best;
}

static void random_case(uint64_t *rng, float *lp, int32_t *counts, int n, int V)
{
	memset(counts, 0, sizeof(*counts) * V);
	for (int i = 0; i < n; i++)
		counts[rng_int(rng, V)]++;
	for (int i = 0; i < n * V; i++)
		lp[i] = logf(1e-4f + rng_uniform(rng));
}

static void test_constrain_multiset_and_optimal(void **state)
{
	uint64_t rng = 42;
	float lp[8 * 5];
	int32_t counts[5], out[8], h[5], left[5];

	(void)state;
	for (int t = 0; t < 200; t++) {
		int n = 1 + rng_int(&rng, 8), V = 1 + rng_int(&rng, 5);

		random_case(&rng, lp, counts, n, V);
		assert_int_equal(constrain_assign(lp, n, V, counts, out), 0);
		histogram(out, n, V, h);
		assert_memory_equal(h, counts, sizeof(*h) * V);
		memcpy(left, counts, sizeof(*left) * V);
		assert_float_equal(score(lp, out, n, V), brute(lp, 0, n, V, left), 1e-4);
		/* greedy: right multiset, never better than the optimum */
		assert_int_equal(constrain_assign_greedy(lp, n, V, counts, out), 0);
		histogram(out, n, V, h);
		assert_memory_equal(h, counts, sizeof(*h) * V);
		assert_true(score(lp, out, n, V) <= brute(lp, 0, n, V, left) + 1e-4);
	}
}

static void test_constrain_argmax_kept(void **state)
{
	/* a confident model whose argmax already has the sketch's multiset: kept as is, by both the
	 * exact (n = 200) and the greedy (n = 600) paths */
	int V = 7, sizes[] = { 200, 600 };
	uint64_t rng = 7;

	(void)state;
	for (int s = 0; s < 2; s++) {
		int n = sizes[s];
		float *lp = malloc(sizeof(float) * n * V);
		int32_t *truth = malloc(sizeof(int32_t) * n), *out = malloc(sizeof(int32_t) * n);
		int32_t counts[7], h[7];

		for (int i = 0; i < n; i++) {
			truth[i] = rng_int(&rng, V);
			for (int v = 0; v < V; v++)
				lp[i * V + v] = v == truth[i] ? -0.01f : -5.0f - rng_uniform(&rng);
		}
		histogram(truth, n, V, counts);
		assert_int_equal(constrain_assign(lp, n, V, counts, out), 0);
		assert_memory_equal(out, truth, sizeof(int32_t) * n);
		/* the sketch says otherwise: one id's count moves to another; still exact */
		int a = truth[0], b = (a + 1) % V;

		counts[a]--, counts[b]++;
		assert_int_equal(constrain_assign(lp, n, V, counts, out), 0);
		histogram(out, n, V, h);
		assert_memory_equal(h, counts, sizeof(h));
		int diff = 0;

		for (int i = 0; i < n; i++)
			diff += out[i] != truth[i];
		assert_int_equal(diff, 1); /* the cheapest fix changes one position */
		free(lp);
		free(truth);
		free(out);
	}
}

static void test_constrain_bad_input(void **state)
{
	float lp[6] = { 0, -1, -2, -3, -4, -INFINITY };
	int32_t counts[3] = { 1, 1, 0 }, out[2], bad_sum[3] = { 1, 0, 0 }, neg[3] = { 3, -1, 0 };

	(void)state;
	assert_int_equal(constrain_assign(lp, 2, 3, counts, out), 0); /* -inf allowed */
	assert_int_equal(constrain_assign(lp, 2, 3, bad_sum, out), -EINVAL);
	assert_int_equal(constrain_assign(lp, 2, 3, neg, out), -EINVAL);
	assert_int_equal(constrain_assign(NULL, 2, 3, counts, out), -EINVAL);
	lp[1] = NAN;
	assert_int_equal(constrain_assign(lp, 2, 3, counts, out), -EINVAL);
	lp[1] = INFINITY;
	assert_int_equal(constrain_assign_greedy(lp, 2, 3, counts, out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constrain_multiset_and_optimal),
		cmocka_unit_test(test_constrain_argmax_kept),
		cmocka_unit_test(test_constrain_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

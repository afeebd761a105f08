/* test_metrics.c - accuracy, perfect rate, ROUGE-L, type accuracy against hand-computed cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"

static void test_metrics_lcs(void **state)
{
	const int32_t a[] = { 1, 2, 3, 4, 5 }, b[] = { 2, 4, 1, 5, 3 }, c[] = { 7, 8 };
	int32_t *big = malloc(600 * sizeof(*big)), *big2 = malloc(600 * sizeof(*big2));

	(void)state;
	assert_int_equal(lcs_length(a, 5, a, 5), 5);
	assert_int_equal(lcs_length(a, 5, b, 5), 3); /* 2 4 5 */
	assert_int_equal(lcs_length(b, 5, a, 5), 3);
	assert_int_equal(lcs_length(a, 5, c, 2), 0);
	assert_int_equal(lcs_length(a, 0, b, 5), 0);
	/* longer than the stack row: heap path; big2 is big shifted by one */
	for (int i = 0; i < 600; i++) {
		big[i] = i % 7;
		big2[i] = (i + 1) % 7;
	}
	assert_int_equal(lcs_length(big, 600, big2, 600), 599);
	free(big);
	free(big2);
}

static void test_metrics_window_scores(void **state)
{
	/* window 1: 3/4 correct, LCS 3; window 2: all correct; window 3: shifted by one:
	 * 0/4 correct, LCS 3 -> accuracy (0.75 + 1 + 0) / 3, perfect 1/3,
	 * ROUGE-L (0.75 + 1 + 0.75) / 3 */
	const int32_t t1[] = { 1, 2, 3, 4 }, p1[] = { 1, 2, 9, 4 };
	const int32_t t2[] = { 5, 5, 6, 6 }, p2[] = { 5, 5, 6, 6 };
	const int32_t t3[] = { 1, 2, 3, 4 }, p3[] = { 2, 3, 4, 1 };
	struct metrics m;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(metrics_add(&m, t1, p1, 4, NULL), 0);
	assert_int_equal(metrics_add(&m, t2, p2, 4, NULL), 0);
	assert_int_equal(metrics_add(&m, t3, p3, 4, NULL), 0);
	assert_int_equal(m.n, 3);
	assert_float_equal(metrics_accuracy(&m), 1.75 / 3, 1e-12);
	assert_float_equal(metrics_perfect_rate(&m), 1.0 / 3, 1e-12);
	assert_float_equal(metrics_rouge_l(&m), 2.5 / 3, 1e-12);
	assert_float_equal(metrics_type_accuracy(&m), -1, 0); /* no vocabulary */
	assert_int_equal(metrics_add(&m, t1, p1, 0, NULL), -EINVAL);
}

static void test_metrics_count_error(void **state)
{
	/* the windows of test_metrics_window_scores: 3 -> 9 swapped (L1 2 of 4), exact, and a
	 * rotation (same multiset, L1 0) -> count error (0.5 + 0 + 0) / 3 */
	const int32_t t1[] = { 1, 2, 3, 4 }, p1[] = { 1, 2, 9, 4 };
	const int32_t t3[] = { 1, 2, 3, 4 }, p3[] = { 2, 3, 4, 1 };
	const int32_t t4[] = { 7, 7, 7, 8 }, p4[] = { 8, 8, 7, 5 };
	int32_t *a = malloc(1000 * sizeof(*a)), *b = malloc(1000 * sizeof(*b));
	struct metrics m;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(metrics_add(&m, t1, p1, 4, NULL), 0);
	assert_int_equal(metrics_add(&m, t1, t1, 4, NULL), 0);
	assert_int_equal(metrics_add(&m, t3, p3, 4, NULL), 0);
	assert_float_equal(metrics_count_error(&m), 0.5 / 3, 1e-12);
	/* multiplicities: truth {7:3, 8:1}, pred {8:2, 7:1, 5:1} -> |3-1| + |1-2| + |0-1| = 4 */
	assert_int_equal(histogram_l1(t4, p4, 4), 4);
	assert_int_equal(histogram_l1(p4, t4, 4), 4);
	/* heap path: 1000 ids, b = a with 10 changed to a fresh id -> 20 */
	for (int i = 0; i < 1000; i++)
		a[i] = b[i] = (i * 37) % 11;
	for (int i = 0; i < 10; i++)
		b[i * 97] = 1000 + i;
	assert_int_equal(histogram_l1(a, b, 1000), 20);
	free(a);
	free(b);
}

static void test_metrics_type_accuracy(void **state)
{
	struct vocab v;
	/* ids 1, 2 = read entry/exit, 3, 4 = write entry/exit */
	const int32_t nr[] = { 0, 0, 1, 1 };
	const uint8_t dir[] = { 0, 1, 0, 1 };
	const int32_t truth[] = { 1, 2, 3, 4 }, pred[] = { 2, 2, 1, 3 };
	struct metrics m;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.n = 5;
	v.nr[0] = -1;
	for (int i = 0; i < 4; i++) {
		v.nr[i + 1] = nr[i];
		v.dir[i + 1] = dir[i];
	}
	memset(&m, 0, sizeof(m));
	assert_int_equal(metrics_add(&m, truth, pred, 4, &v), 0);
	assert_float_equal(metrics_accuracy(&m), 0.25, 1e-12);      /* only position 2 */
	assert_float_equal(metrics_type_accuracy(&m), 0.75, 1e-12); /* read, read, -, write */
	/* an anonymous id in the truth makes type accuracy undefined for the whole set */
	v.nr[4] = -1;
	assert_int_equal(metrics_add(&m, truth, pred, 4, &v), 0);
	assert_float_equal(metrics_type_accuracy(&m), -1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_lcs),
		cmocka_unit_test(test_metrics_window_scores),
		cmocka_unit_test(test_metrics_type_accuracy),
		cmocka_unit_test(test_metrics_count_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

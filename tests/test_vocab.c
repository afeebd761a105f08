/* test_vocab.c - vocabulary built by frequency, anonymous ids, lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "vocab.h"

static void test_vocab_build_ranks_by_count(void **state)
{
	/* write exit x3, read entry x2, read exit x2, openat entry x1 */
	const int32_t nr[] = { 1, 0, 1, 0, 1, 0, 257, 0 };
	const uint8_t dir[] = { 1, 0, 1, 1, 1, 1, 0, 0 };
	struct vocab v;

	(void)state;
	assert_int_equal(vocab_build(&v, nr, dir, 8), 0);
	assert_int_equal(v.n, 5);
	assert_int_equal(v.nr[0], -1);
	assert_int_equal(v.nr[1], 1); /* write exit, 3 */
	assert_int_equal(v.dir[1], 1);
	assert_int_equal(v.count[1], 3);
	assert_int_equal(v.nr[2], 0); /* read entry, 2 (tie with read exit: entry first) */
	assert_int_equal(v.dir[2], 0);
	assert_int_equal(v.nr[3], 0);
	assert_int_equal(v.dir[3], 1);
	assert_int_equal(v.nr[4], 257);
	assert_int_equal(v.count[4], 1);
	assert_int_equal(vocab_id(&v, 1, 1), 1);
	assert_int_equal(vocab_id(&v, 0, 1), 3);
	assert_int_equal(vocab_id(&v, 1, 0), 0); /* unseen */
	assert_int_equal(vocab_id(&v, -1, 0), 0);
	assert_int_equal(vocab_build(&v, NULL, NULL, 0), 0);
	assert_int_equal(v.n, 1);
}

static void test_vocab_negative_numbers_and_cap(void **state)
{
	int n = VOCAB_MAX + 10;
	int32_t *nr = malloc(n * sizeof(*nr));
	uint8_t *dir = calloc(n, 1);
	struct vocab v;

	(void)state;
	for (int i = 0; i < n; i++)
		nr[i] = i - 5; /* all distinct, count 1: ranked by number, negatives first */
	assert_int_equal(vocab_build(&v, nr, dir, n), 0);
	assert_int_equal(v.n, VOCAB_MAX);
	assert_int_equal(v.nr[1], -5);
	assert_int_equal(v.nr[VOCAB_MAX - 1], VOCAB_MAX - 7);
	assert_int_equal(v.count[0], 11); /* tokens beyond the cap */
	free(nr);
	free(dir);
}

static void test_vocab_anonymous(void **state)
{
	struct vocab v;

	(void)state;
	vocab_anonymous(&v, 62);
	assert_int_equal(v.n, 63);
	assert_int_equal(v.nr[62], -1);
	vocab_anonymous(&v, 5000);
	assert_int_equal(v.n, VOCAB_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vocab_build_ranks_by_count),
		cmocka_unit_test(test_vocab_negative_numbers_and_cap),
		cmocka_unit_test(test_vocab_anonymous),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

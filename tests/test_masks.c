/* test_masks.c - the paper's masked positions, exactly as ../shared/datasets/README.md lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "metrics/masks.h"

static void span_is(int L, int B, int pos, int mode, int first, int last)
{
	int s = -1, c = -1;

	assert_int_equal(mask_span(L, B, pos, mode, &s, &c), 0);
	assert_int_equal(s, first);
	assert_int_equal(s + c - 1, last);
}

static void test_masks_paper_center(void **state)
{
	(void)state;
	span_is(200, 1, MASK_CENTER, MASK_END_PAPER, 100, 100);
	span_is(200, 5, MASK_CENTER, MASK_END_PAPER, 100, 104);
	span_is(200, 10, MASK_CENTER, MASK_END_PAPER, 100, 109);
	span_is(200, 20, MASK_CENTER, MASK_END_PAPER, 100, 119);
	span_is(200, 30, MASK_CENTER, MASK_END_PAPER, 90, 119);
	span_is(200, 40, MASK_CENTER, MASK_END_PAPER, 80, 119);
	span_is(200, 40, MASK_CENTER, MASK_END_EXACT, 80, 119);
	/* other lengths: same rule, clamped */
	span_is(100, 10, MASK_CENTER, MASK_END_PAPER, 50, 59);
	span_is(50, 40, MASK_CENTER, MASK_END_PAPER, 5, 44);
	span_is(50, 50, MASK_CENTER, MASK_END_PAPER, 0, 49);
}

static void test_masks_paper_end(void **state)
{
	(void)state;
	span_is(200, 1, MASK_END, MASK_END_PAPER, 199, 199);
	span_is(200, 5, MASK_END, MASK_END_PAPER, 195, 199);
	span_is(200, 10, MASK_END, MASK_END_PAPER, 190, 199);
	span_is(200, 20, MASK_END, MASK_END_PAPER, 180, 199);
	span_is(200, 30, MASK_END, MASK_END_PAPER, 180, 199); /* the paper's 20 positions */
	span_is(200, 30, MASK_END, MASK_END_EXACT, 170, 199);
	span_is(200, 40, MASK_END, MASK_END_PAPER, 160, 199);
}

static void test_masks_fill_and_errors(void **state)
{
	uint8_t known[200];
	int s, c, nmasked = 0;

	(void)state;
	assert_int_equal(mask_fill(known, 200, 30, MASK_CENTER, MASK_END_PAPER), 0);
	for (int i = 0; i < 200; i++) {
		nmasked += !known[i];
		assert_int_equal(known[i], i < 90 || i > 119);
	}
	assert_int_equal(nmasked, 30);
	assert_int_equal(mask_span(200, 0, MASK_CENTER, MASK_END_PAPER, &s, &c), -EINVAL);
	assert_int_equal(mask_span(10, 11, MASK_END, MASK_END_PAPER, &s, &c), -EINVAL);
	assert_int_equal(mask_span(200, 5, 7, MASK_END_PAPER, &s, &c), -EINVAL);
	assert_int_equal(mask_span(200, 5, MASK_END, 9, &s, &c), -EINVAL);
	assert_int_equal(mask_position_parse("centre"), MASK_CENTER);
	assert_int_equal(mask_position_parse("end"), MASK_END);
	assert_int_equal(mask_position_parse("middle"), -EINVAL);
	assert_int_equal(mask_end_mode_parse("exact"), MASK_END_EXACT);
	assert_int_equal(mask_end_mode_parse("x"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masks_paper_center),
		cmocka_unit_test(test_masks_paper_end),
		cmocka_unit_test(test_masks_fill_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_cli.c - the tools' number parsers, list parser and exit-code table (user/common/cli.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>

#include "common/cli.h"

static void test_cli_ll(void **state)
{
	long long v = 7;

	(void)state;
	assert_int_equal(cli_parse_ll("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cli_parse_ll("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(cli_parse_ll("101", 0, 100, &v), -ERANGE);
	assert_int_equal(cli_parse_ll("99999999999999999999", 0, 100, &v), -ERANGE);
	assert_int_equal(cli_parse_ll("", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_ll("4x", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_ll(" 4", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_ll("1.5", 0, 100, &v), -EINVAL);
	assert_int_equal(v, -5); /* untouched on failure */
}

/* Seeds are exact over all 64 bits: 2^53 + 1 and 2^64 - 1 survive (a double would not). */
static void test_cli_u64_exact(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cli_parse_u64("9007199254740993", 0, UINT64_MAX, &v), 0);
	assert_true(v == 9007199254740993ull);
	assert_int_equal(cli_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cli_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(cli_parse_u64("-1", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(cli_parse_u64("+1", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(cli_parse_u64("1e3", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(cli_parse_u64("0", 1, 10, &v), -ERANGE);
}

static void test_cli_double(void **state)
{
	double v = 0;

	(void)state;
	assert_int_equal(cli_parse_double("1e-3", 1e-9, 10, &v), 0);
	assert_true(v == 1e-3);
	assert_int_equal(cli_parse_double("nan", -1e300, 1e300, &v), -EINVAL);
	assert_int_equal(cli_parse_double("-nan", -1e300, 1e300, &v), -EINVAL);
	assert_int_equal(cli_parse_double("inf", 0, 1e300, &v), -EINVAL);
	assert_int_equal(cli_parse_double("1e999", 0, 1e300, &v), -ERANGE);
	assert_int_equal(cli_parse_double("11", 0, 10, &v), -ERANGE);
	assert_int_equal(cli_parse_double("0.5x", 0, 10, &v), -EINVAL);
}

static void test_cli_size(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cli_parse_size("8M", 0, UINT64_MAX, &v), 0);
	assert_true(v == 8u << 20);
	assert_int_equal(cli_parse_size("64k", 0, UINT64_MAX, &v), 0);
	assert_true(v == 64u << 10);
	assert_int_equal(cli_parse_size("2GiB", 0, UINT64_MAX, &v), 0);
	assert_true(v == 2ull << 30);
	assert_int_equal(cli_parse_size("4096", 0, UINT64_MAX, &v), 0);
	assert_true(v == 4096);
	assert_int_equal(cli_parse_size("1T", 0, UINT64_MAX, &v), 0);
	assert_true(v == 1ull << 40);
	assert_int_equal(cli_parse_size("4G", 4096, 2ull << 30, &v), -ERANGE);
	assert_int_equal(cli_parse_size("1", 4096, 2ull << 30, &v), -ERANGE);
	assert_int_equal(cli_parse_size("99999999999999999999T", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(cli_parse_size("17179869184G", 0, UINT64_MAX, &v), -ERANGE); /* 2^64 */
	assert_int_equal(cli_parse_size("-1M", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(cli_parse_size("lots", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(cli_parse_size("8X", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(cli_parse_size("1.5M", 0, UINT64_MAX, &v), -EINVAL);
}

static void test_cli_seconds(void **state)
{
	double v = 0;

	(void)state;
	assert_int_equal(cli_parse_seconds("1.5", 0.001, 1e6, &v), 0);
	assert_true(v == 1.5);
	assert_int_equal(cli_parse_seconds("500ms", 0.001, 1e6, &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(cli_parse_seconds("2h", 0.001, 1e6, &v), 0);
	assert_true(v == 7200);
	assert_int_equal(cli_parse_seconds("3m", 0.001, 1e6, &v), 0);
	assert_true(v == 180);
	assert_int_equal(cli_parse_seconds("2e10", 0.001, 31536000, &v), -ERANGE);
	assert_int_equal(cli_parse_seconds("400d", 0.001, 31536000, &v), -ERANGE);
	assert_int_equal(cli_parse_seconds("inf", 0.001, 31536000, &v), -EINVAL);
	assert_int_equal(cli_parse_seconds("nan", 0.001, 31536000, &v), -EINVAL);
	assert_int_equal(cli_parse_seconds("0", 0.001, 31536000, &v), -ERANGE);
	assert_int_equal(cli_parse_seconds("-1", 0.001, 31536000, &v), -ERANGE);
	assert_int_equal(cli_parse_seconds("5 s", 0.001, 31536000, &v), -EINVAL);
	assert_int_equal(cli_parse_seconds("5y", 0.001, 31536000, &v), -EINVAL);
}

static void test_cli_list(void **state)
{
	long long *v = NULL;
	const char *bad = NULL, *s;

	(void)state;
	assert_int_equal(cli_parse_list("12,34,5", 1, 100, 16, &v, &bad), 3);
	assert_true(v[0] == 12 && v[1] == 34 && v[2] == 5);
	free(v);
	s = "1,,2";
	assert_int_equal(cli_parse_list(s, 1, 100, 16, &v, &bad), -EINVAL);
	assert_ptr_equal(bad, s + 2);
	assert_null(v);
	s = "1,";
	assert_int_equal(cli_parse_list(s, 1, 100, 16, &v, &bad), -EINVAL);
	assert_ptr_equal(bad, s + 2);
	assert_int_equal(cli_parse_list(",1", 1, 100, 16, &v, &bad), -EINVAL);
	assert_int_equal(cli_parse_list("", 1, 100, 16, &v, &bad), -EINVAL);
	s = "5,abc";
	assert_int_equal(cli_parse_list(s, 1, 100, 16, &v, &bad), -EINVAL);
	assert_ptr_equal(bad, s + 2);
	assert_int_equal(cli_parse_list("5,0", 1, 100, 16, &v, &bad), -ERANGE);
	assert_int_equal(cli_parse_list("1,2,3", 1, 100, 2, &v, &bad), -E2BIG);
}

static void test_cli_exit_table(void **state)
{
	(void)state;
	assert_int_equal(CLI_EX_OK, 0);
	assert_int_equal(CLI_EX_USAGE, 2);
	assert_int_equal(CLI_EX_NOCMD, 127);
	assert_string_equal(cli_exit_label(CLI_EX_DAMAGED), "Damaged input");
	assert_string_equal(cli_exit_label(2), "Usage error");
	assert_null(cli_exit_label(64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_ll),         cmocka_unit_test(test_cli_u64_exact),
		cmocka_unit_test(test_cli_double),     cmocka_unit_test(test_cli_size),
		cmocka_unit_test(test_cli_seconds),    cmocka_unit_test(test_cli_list),
		cmocka_unit_test(test_cli_exit_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

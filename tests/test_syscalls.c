/* test_syscalls.c - the generated syscall table and its lookups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "common/syscalls.h"

static void test_syscalls_known_numbers(void **state)
{
	(void)state;
#if defined(__x86_64__)
	assert_string_equal(syscall_name(0), "read");
	assert_string_equal(syscall_name(1), "write");
	assert_string_equal(syscall_name(59), "execve");
	assert_string_equal(syscall_name(231), "exit_group");
#endif
	assert_int_equal(syscall_lookup("read"), syscall_lookup("read"));
	assert_true(trc_syscall_count > 100);
	assert_null(syscall_name(-1));
	assert_null(syscall_name(trc_syscall_count));
}

static void test_syscalls_lookup_round_trip(void **state)
{
	int named = 0;

	(void)state;
	for (int nr = 0; nr < trc_syscall_count; nr++) {
		const char *n = syscall_name(nr);
		if (!n)
			continue;
		named++;
		assert_int_equal(syscall_lookup(n), nr);
	}
	assert_true(named > 100);
	assert_int_equal(syscall_lookup("no_such_syscall"), -ENOENT);
	assert_int_equal(syscall_lookup(NULL), -EINVAL);
	assert_int_equal(syscall_lookup("syscall_"), -ENOENT);
	assert_int_equal(syscall_lookup("syscall_12x"), -ENOENT);
}

static void test_syscalls_name_buf(void **state)
{
	char buf[24];

	(void)state;
	assert_string_equal(syscall_name_buf(-5, buf, sizeof(buf)), "syscall_-5");
	assert_string_equal(syscall_name_buf(99999, buf, sizeof(buf)), "syscall_99999");
	assert_int_equal(syscall_lookup("syscall_99999"), 99999);
	assert_ptr_equal(syscall_name_buf(1, buf, sizeof(buf)), syscall_name(1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscalls_known_numbers),
		cmocka_unit_test(test_syscalls_lookup_round_trip),
		cmocka_unit_test(test_syscalls_name_buf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

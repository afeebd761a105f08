/* test_progress.c - progress bar and plain lines (user/progress.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/progress.h"

static void test_progress_tty_bar(void **state)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	struct progress *p;

	(void)state;
	assert_non_null(f);
	p = progress_new_stream("train", 200, 0, f, 1);
	assert_non_null(p);
	progress_update(p, 50, "loss 0.500"); /* first update draws at once */
	fflush(f);
	assert_non_null(strstr(buf, "train [#####...............] 50/200  25% 0s ETA 0s  loss 0.500"));
	assert_int_equal(buf[0], '\r');
	progress_update(p, 100, "loss 0.250"); /* within 0.1 s: not redrawn */
	fflush(f);
	assert_null(strstr(buf, "loss 0.250"));
	progress_done(p);
	fflush(f);
	assert_non_null(strstr(buf, "100/200  50% in 0s  loss 0.250"));
	assert_int_equal(buf[strlen(buf) - 1], '\n');
	fclose(f);
	free(buf);
}

static void test_progress_plain_and_quiet(void **state)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	struct progress *p;

	(void)state;
	p = progress_new_stream("fill", 0, 0, f, 0);
	progress_update(p, 7, "gaps"); /* plain: nothing before 5 s */
	fflush(f);
	assert_int_equal(size, 0);
	progress_done(p);
	fflush(f);
	assert_non_null(strstr(buf, "fill 7 in 0s  gaps\n"));
	assert_null(strchr(buf, '\r'));
	fclose(f);
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &size);
	p = progress_new_stream("quiet", 10, 1, f, 1);
	progress_update(p, 5, "x");
	progress_cb(p, 10, 10, "y");
	progress_done(p);
	fflush(f);
	assert_int_equal(size, 0);
	fclose(f);
	free(buf);
	progress_update(NULL, 1, NULL); /* NULL is harmless */
	progress_done(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_progress_tty_bar),
		cmocka_unit_test(test_progress_plain_and_quiet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

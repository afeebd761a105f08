/* test_err.c - the thread's error text (user/common/err.c), and that every library reports
 * through it: a trz reader, the npy reader, the n-gram file loader and the SSSD-S4 checkpoint
 * loader (libmodel) all leave their words in the one slot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "common/err.h"
#include "common/npy.h"
#include "ngram/ngram.h"
#include "sssd/sssd.h"
#include "trz/trz.h"

static void test_err_set_clear(void **state)
{
	(void)state;
	err_clear();
	assert_string_equal(err_text(), "");
	assert_string_equal(err_why(-ENOENT), strerror(ENOENT));
	err_set("cannot open %s: %s", "x.trz", "gone");
	assert_string_equal(err_text(), "cannot open x.trz: gone");
	assert_string_equal(err_why(-ENOENT), "cannot open x.trz: gone");
	/* context added around the text already there */
	err_set("training trace %s", err_text());
	assert_string_equal(err_text(), "training trace cannot open x.trz: gone");
	err_clear();
	assert_string_equal(err_text(), "");
}

static void test_err_long_text_cut(void **state)
{
	char big[3 * ERR_TEXT_MAX];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set("%s", big);
	assert_int_equal(strlen(err_text()), ERR_TEXT_MAX - 1);
	err_set("%s: %s", err_text(), "end"); /* aliasing a full text */
	assert_int_equal(strlen(err_text()), ERR_TEXT_MAX - 1);
}

static void *other_thread(void *arg)
{
	(void)arg;
	err_set("worker's own failure");
	return strcmp(err_text(), "worker's own failure") ? (void *)1 : NULL;
}

static void test_err_per_thread(void **state)
{
	pthread_t t;
	void *ret;

	(void)state;
	err_set("main thread's failure");
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &ret), 0);
	assert_null(ret);
	assert_string_equal(err_text(), "main thread's failure");
}

/* Each library's refusal lands in the one slot (cleared before, so nothing is stale). */
static void test_err_every_library(void **state)
{
	static const char junk[64] = "this is not any of our file formats, just text";
	struct npy_windows w;
	struct ngram_file nf;
	struct sssd_model *m = NULL;

	(void)state;
	err_clear();
	assert_null(trz_reader_open_mem(junk, sizeof(junk), NULL, NULL));
	assert_non_null(strstr(err_text(), "bad magic"));
	err_clear();
	assert_int_not_equal(npy_read_mem(junk, sizeof(junk), &w), 0);
	assert_true(strlen(err_text()) > 0);
	err_clear();
	assert_int_equal(ngram_file_load_mem(junk, sizeof(junk), &nf), -EINVAL);
	assert_non_null(strstr(err_text(), "bad magic"));
	err_clear();
	assert_int_not_equal(sssd_load_mem(&m, junk, sizeof(junk)), 0);
	assert_null(m);
	assert_true(strlen(err_text()) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_set_clear),
		cmocka_unit_test(test_err_long_text_cut),
		cmocka_unit_test(test_err_per_thread),
		cmocka_unit_test(test_err_every_library),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

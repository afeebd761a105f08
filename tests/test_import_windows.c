/* test_import_windows.c - user/import_windows.c: the comma-separated window reader and the windows ->
 * pseudo-threads import, read back through the trz reader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/import_windows.h"
#include "trz/trz.h"
#include "helpers/memlimit.h"

static char *tmp_path(void)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/test_import_npy.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

static void write_text(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void test_import_windows_csv_read(void **state)
{
	static const char text[] = "# windows\n1,2,3\n\n 4 , 5,6\r\n-7,2147483647,9";
	static const int32_t want[] = { 1, 2, 3, 4, 5, 6, -7, 2147483647, 9 };
	struct npy_windows w;
	char *path = tmp_path();

	(void)state;
	write_text(path, text, sizeof(text) - 1);
	assert_int_equal(windows_csv_read(path, &w), 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.len, 3);
	assert_memory_equal(w.data, want, sizeof(want));
	npy_free(&w);
	unlink(path);
}

static void test_import_windows_csv_malformed(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *word;
	} bad[] = {
		{ "1,2,3\n4,5\n", 10, ":2: window length" },
		{ "1,2,3\n4,,6\n", 11, ":2: not a comma" },
		{ "1;2;3\n", 6, ":1: not a comma" },
		{ "1,2,3,\n", 7, ":1: not a comma" },
		{ "1,2,99999999999\n", 16, ":1: not a comma" },
		{ "1,2\0,3\n", 7, ":1: NUL byte" },
		{ "# only a comment\n\n", 18, "no windows" },
		{ "", 0, "no windows" },
	};
	struct npy_windows w;
	char *path = tmp_path();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_text(path, bad[i].text, bad[i].len);
		assert_int_equal(windows_csv_read(path, &w), -EINVAL);
		assert_null(w.data);
		if (!strstr(err_text(), bad[i].word))
			fail_msg("case %zu: '%s' lacks '%s'", i, err_text(), bad[i].word);
	}
	unlink(path);
	assert_int_equal(windows_csv_read(path, &w), -ENOENT);
}

/* Lines are bounded: /dev/zero is refused at its first byte (it used to grow one line to the
 * 256 MiB cap and then report "no windows"), a line longer than CSV_MAX_LINE is refused. */
static void test_import_windows_csv_bounded(void **state)
{
	struct npy_windows w;
	char *path = tmp_path();
	size_t n = CSV_MAX_LINE + 64;
	char *big = malloc(n);

	(void)state;
	memlimit_push(256u << 20);
	int rc = windows_csv_read("/dev/zero", &w);
	memlimit_pop();
	assert_int_equal(rc, -EINVAL);
	if (!strstr(err_text(), ":1: NUL byte"))
		fail_msg("/dev/zero: '%s'", err_text());
	assert_non_null(big);
	memcpy(big, "1,2\n", 4);
	for (size_t i = 4; i < n; i += 2)
		memcpy(big + i, "7,", 2);
	big[n - 1] = '7';
	write_text(path, big, n);
	assert_int_equal(windows_csv_read(path, &w), -EINVAL);
	assert_null(w.data);
	if (!strstr(err_text(), ":2: line longer than"))
		fail_msg("long line: '%s'", err_text());
	/* from memory (the fuzzing entry point) */
	assert_int_equal(windows_csv_read_mem("1,2\n3,4\n", 8, &w), 0);
	assert_int_equal(w.n, 2);
	npy_free(&w);
	free(big);
	unlink(path);
}

/* Three windows of four ids -> threads 1..3 with tseq 0..3, ids in nr, all entries. */
static void test_import_windows_windows(void **state)
{
	int32_t ids[12] = { 5, 6, 5, 6, 1, 2, 3, 4, 9, 9, 9, 1 };
	struct npy_windows nw = { ids, 3, 4 };
	struct trz_writer *w;
	struct trz_reader *r;
	struct trz_record rec;
	char *path = tmp_path();
	int ev = 0, th = 0, ids_meta = 0;

	(void)state;
	w = trz_writer_open(path, NULL);
	assert_non_null(w);
	assert_int_equal(import_windows(&nw, "/x/test.npy", "npy", w), 0);
	assert_int_equal(trz_writer_close(w), 0);
	r = trz_reader_open(path, NULL, NULL);
	assert_non_null(r);
	while (trz_read_next(r, &rec) == 1) {
		if (rec.kind == TRZ_REC_META && strcmp(rec.meta.key, "ids") == 0) {
			assert_string_equal(rec.meta.value, "dataset");
			ids_meta = 1;
		} else if (rec.kind == TRZ_REC_THREAD) {
			assert_int_equal(rec.th.tid, (uint32_t)th + 1);
			th++;
		} else if (rec.kind == TRZ_REC_EVENT) {
			assert_int_equal(rec.ev.tid, (uint32_t)(ev / 4 + 1));
			assert_int_equal(rec.ev.pid, rec.ev.tid);
			assert_int_equal(rec.ev.tseq, (uint64_t)(ev % 4));
			assert_int_equal(rec.ev.nr, ids[ev]);
			assert_int_equal(rec.ev.dir, TRZ_ENTRY);
			assert_int_equal(rec.ev.ts_ns, (uint64_t)ev * IMPORT_NPY_TICK_NS);
			assert_int_equal(rec.ev.cpu, TRZ_NO_CPU);
			ev++;
		}
	}
	trz_reader_close(r);
	assert_int_equal(ev, 12);
	assert_int_equal(th, 3);
	assert_true(ids_meta);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_windows_csv_read),
		cmocka_unit_test(test_import_windows_csv_malformed),
		cmocka_unit_test(test_import_windows_csv_bounded),
		cmocka_unit_test(test_import_windows_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

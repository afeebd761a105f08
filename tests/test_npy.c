/* test_npy.c - user/npy.c: .npy round trips and the malformed files it must reject. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/npy.h"
#include "helpers/memlimit.h"

static char *tmp_path(void)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/test_npy.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

/* A hand-made .npy: magic, version, header dict (padded to 64 with '\n'), ndata int32s. */
static void write_raw(const char *path, int version, const char *dict, long ndata)
{
	char hdr[512];
	int hl = (int)strlen(dict), pre = version == 1 ? 10 : 12, pad;
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	pad = 64 - (pre + hl + 1) % 64;
	if (pad == 64)
		pad = 0;
	memcpy(hdr, dict, (size_t)hl);
	memset(hdr + hl, ' ', (size_t)pad);
	hl += pad;
	hdr[hl++] = '\n';
	fwrite("\x93NUMPY", 1, 6, f);
	fputc(version, f);
	fputc(0, f);
	fputc(hl & 0xff, f);
	fputc(hl >> 8, f);
	if (version != 1) {
		fputc(0, f);
		fputc(0, f);
	}
	fwrite(hdr, 1, (size_t)hl, f);
	for (long i = 0; i < ndata; i++) {
		int32_t v = (int32_t)(i % 61 + 1);

		fwrite(&v, sizeof(v), 1, f);
	}
	fclose(f);
}

static void test_npy_round_trip(void **state)
{
	int32_t data[3 * 5];
	struct npy_windows w;
	struct stat st;
	char *path = tmp_path();

	(void)state;
	for (int i = 0; i < 15; i++)
		data[i] = i * 7 - 3;
	unlink(path); /* npy_write creates the file new */
	assert_int_equal(npy_write(path, data, 3, 5), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size % 64, (15 * 4) % 64); /* header padded to 64 bytes */
	assert_int_equal(npy_read(path, &w), 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.len, 5);
	assert_memory_equal(w.data, data, sizeof(data));
	npy_free(&w);
	assert_null(w.data);
	unlink(path);
}

static void test_npy_shapes_and_versions(void **state)
{
	struct npy_windows w;
	char *path = tmp_path();

	(void)state;
	write_raw(path, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (4, 6), }", 24);
	assert_int_equal(npy_read(path, &w), 0);
	assert_int_equal(w.n, 4);
	assert_int_equal(w.len, 6);
	assert_int_equal(w.data[23], 23 % 61 + 1);
	npy_free(&w);
	write_raw(path, 2, "{'descr':'<i4','fortran_order':False,'shape':(2,3,1)}", 6);
	assert_int_equal(npy_read(path, &w), 0);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.len, 3);
	npy_free(&w);
	write_raw(path, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (0, 200, 1), }", 0);
	assert_int_equal(npy_read(path, &w), 0);
	assert_int_equal(w.n, 0);
	npy_free(&w);
	unlink(path);
}

/* Each malformed file: the error and a word the message must contain. */
static void expect_reject(const char *path, int err, const char *word)
{
	struct npy_windows w;

	assert_int_equal(npy_read(path, &w), err);
	assert_null(w.data);
	if (!strstr(err_text(), word))
		fail_msg("message '%s' lacks '%s'", err_text(), word);
}

static void test_npy_malformed_headers(void **state)
{
	static const struct {
		const char *dict;
		const char *word;
	} bad[] = {
		{ "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3, 1), }", "dtype" },
		{ "{'descr': '>i4', 'fortran_order': False, 'shape': (2, 3, 1), }", "dtype" },
		{ "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 1), }", "dtype" },
		{ "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3, 1), }", "fortran" },
		{ "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }", "shape" },
		{ "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2, 3), }", "shape" },
		{ "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2, 1, 1), }", "shape" },
		{ "{'descr': '<i4', 'fortran_order': False, 'shape': (-1, 6), }", "shape" },
		{ "{'descr': '<i4', 'fortran_order': False, 'shape': 6, }", "shape" },
		{ "{'descr': '<i4', 'fortran_order': False, }", "missing" },
		{ "{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }",
		  "large" },
	};
	char *path = tmp_path();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_raw(path, 1, bad[i].dict, 6);
		expect_reject(path, -EINVAL, bad[i].word);
	}
	unlink(path);
}

static void test_npy_truncated_and_garbage(void **state)
{
	char *path = tmp_path();
	FILE *f;

	(void)state;
	/* data shorter, then longer, than the shape says */
	write_raw(path, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 1), }", 5);
	expect_reject(path, -EIO, "truncated");
	write_raw(path, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 1), }", 7);
	expect_reject(path, -EINVAL, "longer");
	/* header cut short */
	write_raw(path, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 1), }", 6);
	assert_int_equal(truncate(path, 40), 0);
	expect_reject(path, -EINVAL, "truncated");
	assert_int_equal(truncate(path, 7), 0);
	expect_reject(path, -EINVAL, "magic");
	/* not npy at all, unknown version, empty */
	f = fopen(path, "w");
	fputs("3,4,3,4\n", f);
	fclose(f);
	expect_reject(path, -EINVAL, "magic");
	write_raw(path, 9, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 1), }", 6);
	expect_reject(path, -EINVAL, "version");
	assert_int_equal(truncate(path, 0), 0);
	expect_reject(path, -EINVAL, "magic");
	unlink(path);
	expect_reject(path, -ENOENT, "No such file");
}

/* Shapes are checked against the file's real size before anything is allocated: a header
 * claiming 2^31 windows over 16 data bytes is "truncated" at once (it used to allocate 8 GiB
 * first, which fails under a 256 MiB address-space cap), and windows of length 0 are refused
 * (they used to be accepted: 2^31 empty windows, 2^31 thread records on import). */
static void test_npy_shape_checked_against_size(void **state)
{
	char *path = tmp_path();
	struct npy_windows w;
	int limited;

	(void)state;
	write_raw(path, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2147483648, 1), }", 4);
	limited = memlimit_push(256u << 20);
	int rc = npy_read(path, &w);
	memlimit_pop();
	(void)limited;
	assert_int_equal(rc, -EIO);
	assert_null(w.data);
	if (!strstr(err_text(), "truncated"))
		fail_msg("message '%s'", err_text());
	write_raw(path, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2147483648, 0), }", 0);
	expect_reject(path, -EINVAL, "length 0");
	write_raw(path, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (5, 0, 1), }", 0);
	expect_reject(path, -EINVAL, "length 0");
	unlink(path);
}

/* The same checks from memory (the fuzzing entry point), and from a pipe (no size known: the
 * data is read in growing chunks, so a lying header costs nothing). */
static void test_npy_read_mem_and_pipe(void **state)
{
	int32_t data[6] = { 1, 2, 3, 4, 5, 6 };
	char *path = tmp_path();
	struct npy_windows w;
	unsigned char buf[512];
	FILE *f;
	size_t n;

	(void)state;
	unlink(path);
	assert_int_equal(npy_write(path, data, 2, 3), 0);
	f = fopen(path, "rb");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(npy_read_mem(buf, n, &w), 0);
	assert_int_equal(w.n, 2);
	assert_memory_equal(w.data, data, sizeof(data));
	npy_free(&w);
	assert_int_equal(npy_read_mem(buf, n - 1, &w), -EIO);
	assert_int_equal(npy_read_mem(buf, 20, &w), -EINVAL);
	/* npy_write never replaces an existing file */
	assert_int_equal(npy_write(path, data, 2, 3), -EEXIST);
	/* a pipe that claims 2^31 windows and ends after 4 bytes */
	write_raw(path, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2147483648, 1), }", 1);
	f = fopen(path, "rb");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	int pfd[2];
	char name[64];
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(write(pfd[1], buf, n), (ssize_t)n);
	close(pfd[1]);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", pfd[0]);
	memlimit_push(256u << 20);
	int rc = npy_read(name, &w);
	memlimit_pop();
	close(pfd[0]);
	assert_int_equal(rc, -EIO);
	assert_null(w.data);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_npy_round_trip),
		cmocka_unit_test(test_npy_shapes_and_versions),
		cmocka_unit_test(test_npy_malformed_headers),
		cmocka_unit_test(test_npy_truncated_and_garbage),
		cmocka_unit_test(test_npy_shape_checked_against_size),
		cmocka_unit_test(test_npy_read_mem_and_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

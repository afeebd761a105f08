/* fuzz_npy.c - the .npy reader (npy_read_mem) and, for what it accepts, the writer: the windows
 * written back read the same. */
#define _GNU_SOURCE /* memfd_create */
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "fuzz/fuzz.h"
#include "common/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct npy_windows w, b;

	if (npy_read_mem(data, size, &w))
		return 0;
	fuzz_check(w.n >= 0 && w.len >= 0 && (uint64_t)w.n * (uint64_t)w.len * 4 <= size);
	fuzz_check(w.data != NULL);
	/* round trip through the writer */
	if (fd < 0)
		fd = memfd_create("fuzz_npy", 0);
	fuzz_check(fd >= 0 && ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
	fuzz_check(npy_write_fd(fd, w.data, w.n, w.len) == 0);
	off_t len = lseek(fd, 0, SEEK_CUR);
	uint8_t *copy = malloc((size_t)len);
	fuzz_check(copy && pread(fd, copy, (size_t)len, 0) == len);
	fuzz_check(npy_read_mem(copy, (size_t)len, &b) == 0);
	fuzz_check(b.n == w.n && b.len == w.len &&
		   !memcmp(b.data, w.data, (size_t)(w.n * w.len) * sizeof(int32_t)));
	npy_free(&b);
	free(copy);
	npy_free(&w);
	return 0;
}

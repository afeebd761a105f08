/* npy.h - NumPy .npy files of int32 windows, the paper's dataset format.
 *
 * Only what the datasets use: format version 1.0 (2.0 read too), little-endian int32 ('<i4'),
 * C order, shape (N, L) or (N, L, 1).
 */
#ifndef TRC_NPY_H
#define TRC_NPY_H

#include <stddef.h>
#include <stdint.h>
#include "common/err.h"

struct npy_windows {
	int32_t *data; /* n * len ids, row-major; caller frees with npy_free() */
	int64_t n;     /* windows */
	int64_t len;   /* events per window */
};

/* Read path into *w.  Returns 0, or -EINVAL for a malformed header, wrong dtype, fortran order
 * or shape (err_text() says which), -EIO for truncated data, -errno for I/O errors.
 * The shape is checked against the file's size before anything is allocated (a pipe is read
 * in growing chunks); windows of length 0 are refused. */
int npy_read(const char *path, struct npy_windows *w);
/* Same from the n bytes at buf (a whole .npy file). */
int npy_read_mem(const void *buf, size_t n, struct npy_windows *w);
/* Write n windows of len ids as (n, len, 1) '<i4' (the datasets' shape) to fd (left open). */
int npy_write_fd(int fd, const int32_t *data, int64_t n, int64_t len);
/* Same into a new file path (O_EXCL|O_NOFOLLOW, mode 0600; removed again on failure).  Tools
 * create their outputs with common/outfile.h and call npy_write_fd(). */
int npy_write(const char *path, const int32_t *data, int64_t n, int64_t len);
void npy_free(struct npy_windows *w);

#endif /* TRC_NPY_H */

/* npy.c - read and write NumPy .npy int32 window files (see npy.h). */
#include "common/npy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int fail(int err, const char *what)
{
	err_set("%s", what);
	return err;
}

/* Value text after 'key': in a python dict literal header, or NULL. */
static const char *dict_value(const char *hdr, const char *key)
{
	const char *p = strstr(hdr, key);

	if (!p)
		return NULL;
	p += strlen(key);
	while (*p == ' ' || *p == ':')
		p++;
	return p;
}

static int parse_header(const char *hdr, int64_t *n, int64_t *len)
{
	const char *d = dict_value(hdr, "'descr'");
	const char *f = dict_value(hdr, "'fortran_order'");
	const char *s = dict_value(hdr, "'shape'");
	long long dims[3] = { 0, 0, 0 };
	int nd = 0;

	if (!d || !f || !s)
		return fail(-EINVAL, "malformed npy header (descr, fortran_order or shape missing)");
	if (strncmp(d, "'<i4'", 5) != 0)
		return fail(-EINVAL, "unsupported dtype (want little-endian int32 '<i4')");
	if (strncmp(f, "False", 5) != 0)
		return fail(-EINVAL, "fortran-order arrays are not supported");
	if (*s != '(')
		return fail(-EINVAL, "malformed npy shape");
	s++;
	while (*s && *s != ')') {
		char *end;
		long long v;

		while (*s == ' ' || *s == ',')
			s++;
		if (*s == ')')
			break;
		v = strtoll(s, &end, 10);
		if (end == s || v < 0 || nd == 3)
			return fail(-EINVAL, "unsupported npy shape (want (N, L) or (N, L, 1))");
		dims[nd++] = v;
		s = end;
	}
	if (*s != ')' || nd < 2 || (nd == 3 && dims[2] != 1))
		return fail(-EINVAL, "unsupported npy shape (want (N, L) or (N, L, 1))");
	if (dims[1] == 0 && dims[0] > 0)
		return fail(-EINVAL, "unsupported npy shape (windows of length 0)");
	if (dims[0] > (1LL << 31) || dims[1] > (1LL << 24) || (dims[0] * dims[1]) > (1LL << 31))
		return fail(-EINVAL, "npy shape too large");
	*n = dims[0];
	*len = dims[1];
	return 0;
}

static int read_exact(FILE *f, void *buf, size_t n)
{
	return fread(buf, 1, n, f) == n ? 0 : -1;
}

/* Read the data of w (shape set) from f: `avail` bytes follow the header when known (a regular
 * file or a buffer), -1 when not (a pipe).  Nothing is allocated beyond what the input holds:
 * a known size is checked against the shape first, an unknown one is read in growing chunks. */
static int read_data(FILE *f, int64_t avail, struct npy_windows *w)
{
	uint64_t need = (uint64_t)w->n * (uint64_t)w->len * sizeof(int32_t);
	uint64_t got = 0, cap = 0;
	unsigned char *p = NULL;

	if (avail >= 0 && (uint64_t)avail < need)
		return fail(-EIO, "truncated npy data (file shorter than its shape says)");
	if (avail >= 0 && (uint64_t)avail > need)
		return fail(-EINVAL, "npy file longer than its shape says (wrong shape?)");
	while (got < need) {
		uint64_t want = need - got;
		if (got == cap) {
			uint64_t nc = cap ? cap * 2 : (avail >= 0 ? need : 1 << 16);
			if (nc > need)
				nc = need;
			unsigned char *q = realloc(p, (size_t)nc);
			if (!q) {
				free(p);
				return fail(-ENOMEM, "out of memory");
			}
			p = q;
			cap = nc;
		}
		if (want > cap - got)
			want = cap - got;
		size_t r = fread(p + got, 1, (size_t)want, f);
		got += r;
		if (r < want) {
			free(p);
			return fail(
				-EIO,
				ferror(f) ? "read error"
					  : "truncated npy data (file shorter than its shape says)");
		}
	}
	if (fgetc(f) != EOF) {
		free(p);
		return fail(-EINVAL, "npy file longer than its shape says (wrong shape?)");
	}
	w->data = p ? (int32_t *)p : malloc(1);
	if (!w->data)
		return fail(-ENOMEM, "out of memory");
	return 0;
}

/* The whole file from f; size = its length in bytes, or -1 when unknown. */
static int npy_read_stream(FILE *f, int64_t size, struct npy_windows *w)
{
	unsigned char pre[12];
	char *hdr = NULL;
	uint32_t hlen, plen = 10;
	int err;

	if (read_exact(f, pre, 10) || memcmp(pre, "\x93NUMPY", 6) != 0)
		return fail(-EINVAL, "not an npy file (bad magic)");
	if (pre[6] == 1) {
		hlen = pre[8] | pre[9] << 8;
	} else if (pre[6] == 2 || pre[6] == 3) {
		if (read_exact(f, pre + 10, 2))
			return fail(-EINVAL, "truncated npy header");
		hlen = pre[8] | pre[9] << 8 | (uint32_t)pre[10] << 16 | (uint32_t)pre[11] << 24;
		plen = 12;
	} else {
		return fail(-EINVAL, "unsupported npy format version");
	}
	if (hlen == 0 || hlen > 1 << 20)
		return fail(-EINVAL, "malformed npy header length");
	if (size >= 0 && (uint64_t)size < (uint64_t)plen + hlen)
		return fail(-EINVAL, "truncated npy header");
	hdr = calloc(1, hlen + 1);
	if (!hdr)
		return fail(-ENOMEM, "out of memory");
	if (read_exact(f, hdr, hlen)) {
		err = fail(-EINVAL, "truncated npy header");
		goto out;
	}
	if (memchr(hdr, '\0', hlen)) {
		err = fail(-EINVAL, "malformed npy header (NUL byte)");
		goto out;
	}
	err = parse_header(hdr, &w->n, &w->len);
	if (!err)
		err = read_data(f, size >= 0 ? size - plen - hlen : -1, w);
out:
	if (err)
		npy_free(w);
	free(hdr);
	return err;
}

int npy_read(const char *path, struct npy_windows *w)
{
	struct stat st;
	FILE *f;
	int err;

	memset(w, 0, sizeof(*w));
	f = fopen(path, "rb");
	if (!f) {
		err = -errno;
		return fail(err, strerror(-err));
	}
	if (fstat(fileno(f), &st)) {
		err = -errno;
		fclose(f);
		return fail(err, strerror(-err));
	}
	if (S_ISDIR(st.st_mode)) {
		fclose(f);
		return fail(-EISDIR, strerror(EISDIR));
	}
	err = npy_read_stream(f, S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1, w);
	fclose(f);
	return err;
}

int npy_read_mem(const void *buf, size_t n, struct npy_windows *w)
{
	FILE *f;
	int err;

	memset(w, 0, sizeof(*w));
	if (n == 0)
		return fail(-EINVAL, "not an npy file (bad magic)");
	f = fmemopen((void *)buf, n, "rb");
	if (!f)
		return fail(-errno, strerror(errno));
	err = npy_read_stream(f, (int64_t)n, w);
	fclose(f);
	return err;
}

int npy_write_fd(int fd, const int32_t *data, int64_t n, int64_t len)
{
	char hdr[256];
	int hl, pad;
	size_t dn;

	if (n < 0 || len < 0 || (len == 0 && n > 0) || (len && n > INT64_MAX / 4 / len))
		return -EINVAL;
	hl = snprintf(hdr, sizeof(hdr),
		      "{'descr': '<i4', 'fortran_order': False, 'shape': (%lld, %lld, 1), }",
		      (long long)n, (long long)len);
	pad = 64 - (10 + hl + 1) % 64;
	if (pad == 64)
		pad = 0;
	memset(hdr + hl, ' ', pad);
	hl += pad;
	hdr[hl++] = '\n';
	unsigned char pre[10] = { 0x93,
				  'N',
				  'U',
				  'M',
				  'P',
				  'Y',
				  1,
				  0,
				  (unsigned char)(hl & 0xff),
				  (unsigned char)(hl >> 8) };
	dn = (size_t)(n * len) * sizeof(int32_t);
	int err = write_all(fd, pre, 10);
	if (!err)
		err = write_all(fd, hdr, (size_t)hl);
	if (!err)
		err = write_all(fd, data, dn);
	return err;
}

int npy_write(const char *path, const int32_t *data, int64_t n, int64_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), err;

	if (fd < 0)
		return -errno;
	err = npy_write_fd(fd, data, n, len);
	if (close(fd) && !err)
		err = -errno;
	if (err)
		unlink(path);
	return err;
}

void npy_free(struct npy_windows *w)
{
	free(w->data);
	w->data = NULL;
	w->n = w->len = 0;
}

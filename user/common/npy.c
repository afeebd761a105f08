/* npy.c - read and write NumPy .npy int32 window files (see npy.h). */
#include "common/npy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static __thread char npy_err[256];

const char *npy_last_error(void)
{
	return npy_err;
}

static int fail(int err, const char *what)
{
	snprintf(npy_err, sizeof(npy_err), "%s", what);
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

int npy_read(const char *path, struct npy_windows *w)
{
	unsigned char pre[12];
	char *hdr = NULL;
	uint32_t hlen;
	FILE *f;
	int err;

	memset(w, 0, sizeof(*w));
	f = fopen(path, "rb");
	if (!f) {
		err = -errno;
		return fail(err, strerror(-err));
	}
	if (read_exact(f, pre, 10) || memcmp(pre, "\x93NUMPY", 6) != 0) {
		err = fail(-EINVAL, "not an npy file (bad magic)");
		goto out;
	}
	if (pre[6] == 1) {
		hlen = pre[8] | pre[9] << 8;
	} else if (pre[6] == 2 || pre[6] == 3) {
		if (read_exact(f, pre + 10, 2)) {
			err = fail(-EINVAL, "truncated npy header");
			goto out;
		}
		hlen = pre[8] | pre[9] << 8 | (uint32_t)pre[10] << 16 | (uint32_t)pre[11] << 24;
	} else {
		err = fail(-EINVAL, "unsupported npy format version");
		goto out;
	}
	if (hlen == 0 || hlen > 1 << 20) {
		err = fail(-EINVAL, "malformed npy header length");
		goto out;
	}
	hdr = calloc(1, hlen + 1);
	if (!hdr) {
		err = fail(-ENOMEM, "out of memory");
		goto out;
	}
	if (read_exact(f, hdr, hlen)) {
		err = fail(-EINVAL, "truncated npy header");
		goto out;
	}
	err = parse_header(hdr, &w->n, &w->len);
	if (err)
		goto out;
	w->data = malloc((size_t)(w->n * w->len) * sizeof(int32_t) + 1);
	if (!w->data) {
		err = fail(-ENOMEM, "out of memory");
		goto out;
	}
	if (read_exact(f, w->data, (size_t)(w->n * w->len) * sizeof(int32_t))) {
		err = fail(-EIO, "truncated npy data (file shorter than its shape says)");
		goto out;
	}
	if (fgetc(f) != EOF) {
		err = fail(-EINVAL, "npy file longer than its shape says (wrong shape?)");
		goto out;
	}
	err = 0;
out:
	if (err)
		npy_free(w);
	free(hdr);
	fclose(f);
	return err;
}

int npy_write(const char *path, const int32_t *data, int64_t n, int64_t len)
{
	char hdr[256];
	int hl, pad, fd, err = 0;
	FILE *f;

	if (n < 0 || len < 0)
		return -EINVAL;
	hl = snprintf(hdr, sizeof(hdr), "{'descr': '<i4', 'fortran_order': False, 'shape': (%lld, %lld, 1), }",
		      (long long)n, (long long)len);
	pad = 64 - (10 + hl + 1) % 64;
	if (pad == 64)
		pad = 0;
	memset(hdr + hl, ' ', pad);
	hl += pad;
	hdr[hl++] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "wb");
	if (!f) {
		err = -errno;
		close(fd);
		return err;
	}
	unsigned char pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hl & 0xff),
				  (unsigned char)(hl >> 8) };
	if (fwrite(pre, 1, 10, f) != 10 || fwrite(hdr, 1, hl, f) != (size_t)hl ||
	    fwrite(data, sizeof(int32_t), (size_t)(n * len), f) != (size_t)(n * len))
		err = -EIO;
	if (fclose(f) != 0 && !err)
		err = -errno;
	return err;
}

void npy_free(struct npy_windows *w)
{
	free(w->data);
	w->data = NULL;
	w->n = w->len = 0;
}

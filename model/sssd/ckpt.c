/* ckpt.c - SSSD-S4 checkpoint: a versioned, self-describing binary file.
 *
 * Format (version 3, all fields little-endian; versions 1 (without retrieval) and 2 (without
 * the timestamp/return channels) still load, and a model without them is written as version 2):
 *   offset  size          field
 *   0       8             magic "TRCSSSD\n"
 *   8       4   u32       version (3, or 2 for a model without aux channels)
 *   12      4   u32       header size in bytes (88)
 *   16      12 x i32      blocks, channels, skip_channels, state, T, repr, objective,
 *                         embed_in, embed_mid, embed_out, V, window; the objective field
 *                         holds objective | retrieval << 8 | aux << 16 (versions 2, 3)
 *   64      2 x f32       beta0, beta1
 *   72      8   u64       number of float32 weights P (must match the configuration)
 *   80      8   u64       Adam steps the weights were trained for
 *   88      V x 16        vocabulary: i32 syscall nr (-1 unknown), u8 direction (0 entry,
 *                         1 exit), 3 zero bytes, u64 count
 *   ...     P x 4  f32    weights (the EMA weights used for sampling), in the order of
 *                         layout() in sssd.c
 *   end-4   4   u32       CRC-32 (zlib) of every preceding byte
 * sssd_save_fd() writes to a descriptor the caller created (tools use user/common/outfile.h:
 * new file, or --force through a temporary renamed over PATH); sssd_save() creates PATH new
 * (O_EXCL|O_NOFOLLOW, mode 0600) and removes it again on failure.
 * Loading checks the header's configuration against the file's real size (the weights it needs
 * must be exactly the ones stored) before anything of that size is allocated.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "sssd/sssd_net.h"

#define CKPT_MAGIC "TRCSSSD\n"
#define CKPT_VERSION 3u
#define CKPT_HEADER 88u
#define CKPT_VOCAB_ENTRY 16u
#define CKPT_MAX_BYTES (4ULL << 30)

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "checkpoint I/O assumes little-endian");

uint32_t ckpt_crc32(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n) {
		uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;

		crc = (uint32_t)crc32(crc, p, k);
		p += k, n -= k;
	}
	return crc;
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static size_t ckpt_size(int V, size_t np)
{
	return CKPT_HEADER + (size_t)V * CKPT_VOCAB_ENTRY + np * 4 + 4;
}

static void encode(unsigned char *b, const struct sssd_model *m)
{
	const struct sssd_config *c = &m->c;
	int32_t f[12] = { c->blocks,
			  c->channels,
			  c->skip_channels,
			  c->state,
			  c->T,
			  c->repr,
			  c->objective | c->retrieval << 8 | c->aux << 16,
			  c->embed_in,
			  c->embed_mid,
			  c->embed_out,
			  c->V,
			  c->window };
	unsigned char *p = b + CKPT_HEADER;

	memcpy(b, CKPT_MAGIC, 8); /* NOLINT(bugprone-not-null-terminated-result): 8 bytes, no NUL */
	put32(b + 8, c->aux ? CKPT_VERSION : 2u); /* readers of version 2 cannot use aux */
	put32(b + 12, CKPT_HEADER);
	memcpy(b + 16, f, sizeof(f));
	memcpy(b + 64, &c->beta0, 4);
	memcpy(b + 68, &c->beta1, 4);
	put64(b + 72, m->np);
	put64(b + 80, (uint64_t)m->step);
	for (int i = 0; i < c->V; i++, p += CKPT_VOCAB_ENTRY) {
		memset(p, 0, CKPT_VOCAB_ENTRY);
		put32(p, (uint32_t)m->v.nr[i]);
		p[4] = m->v.dir[i];
		put64(p + 8, m->v.count[i]);
	}
	memcpy(p, m->ema, m->np * 4);
	p += m->np * 4;
	put32(p, ckpt_crc32(0, b, (size_t)(p - b)));
}

int sssd_save_fd(const struct sssd_model *m, int fd)
{
	size_t n = ckpt_size(m->c.V, m->np);
	unsigned char *b = malloc(n);
	int err = 0;

	if (!b) {
		err_set("out of memory");
		return -ENOMEM;
	}
	encode(b, m);
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, b + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)w;
	}
	if (!err && fsync(fd) < 0 && errno != EINVAL && errno != EROFS)
		err = -errno;
	if (err)
		err_set("cannot write the model: %s", strerror(-err));
	free(b);
	return err;
}

int sssd_save(const struct sssd_model *m, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), err;

	if (fd < 0) {
		err = -errno;
		err_set("cannot create %s: %s", path, strerror(errno));
		return err;
	}
	err = sssd_save_fd(m, fd);
	if (close(fd) < 0 && !err) {
		err = -errno;
		err_set("cannot write %s: %s", path, strerror(-err));
	}
	if (err)
		unlink(path);
	return err;
}

static int read_all(const char *path, unsigned char **buf, size_t *n)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	*buf = NULL;
	if (fd < 0) {
		err = -errno;
		err_set("cannot open %s: %s", path, strerror(errno));
		return err;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > CKPT_MAX_BYTES) {
		err = -EINVAL;
		err_set("%s: not a regular file of plausible size", path);
		goto out;
	}
	*n = (size_t)st.st_size;
	*buf = malloc(*n ? *n : 1);
	if (!*buf) {
		err = -ENOMEM;
		err_set("out of memory");
		goto out;
	}
	for (size_t off = 0; off < *n;) {
		ssize_t r = read(fd, *buf + off, *n - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : -EIO;
			err_set("cannot read %s", path);
			goto out;
		}
		off += (size_t)r;
	}
out:
	close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

static int decode_header(const unsigned char *b, size_t n, const char *path, struct sssd_config *c,
			 uint64_t *np)
{
	int32_t f[12];

	if (n < 8 || memcmp(b, CKPT_MAGIC, 8)) {
		err_set("%s: not an SSSD-S4 model (bad magic)", path);
		return -EINVAL;
	}
	if (n < CKPT_HEADER) {
		err_set("%s: truncated model header", path);
		return -EIO;
	}
	if (get32(b + 8) < 1 || get32(b + 8) > CKPT_VERSION || get32(b + 12) != CKPT_HEADER) {
		err_set("%s: unsupported model version %u (expected %u)", path, get32(b + 8),
			CKPT_VERSION);
		return -EINVAL;
	}
	memcpy(f, b + 16, sizeof(f));
	memset(c, 0, sizeof(*c));
	c->blocks = f[0], c->channels = f[1], c->skip_channels = f[2], c->state = f[3];
	c->T = f[4], c->repr = f[5], c->objective = f[6] & 0xff, c->embed_in = f[7];
	c->retrieval = (f[6] >> 8) & 0xff;
	c->aux = (f[6] >> 16) & 0xff;
	c->embed_mid = f[8], c->embed_out = f[9], c->V = f[10], c->window = f[11];
	memcpy(&c->beta0, b + 64, 4);
	memcpy(&c->beta1, b + 68, 4);
	*np = get64(b + 72);
	return 0;
}

/* The model in the n bytes at b (path names it in messages). */
static int load_buf(struct sssd_model **mp, const unsigned char *b, size_t n, const char *path)
{
	struct sssd_config c;
	struct vocab v;
	uint64_t np;
	size_t need;
	int err;

	*mp = NULL;
	if ((err = decode_header(b, n, path, &c, &np)))
		goto out;
	if (c.V < 2 || c.V > VOCAB_MAX) {
		err_set("%s: vocabulary size %d out of range", path, c.V);
		err = -EINVAL;
		goto out;
	}
	/* the configuration must describe exactly the weights stored: checked before sssd_alloc()
	 * sizes anything by it */
	if ((err = sssd_config_params(&c, &need))) {
		if (err == -EINVAL)
			err_set("%s: invalid configuration in model header", path);
		goto out;
	}
	if (need != np) {
		err_set("%s: %llu weights stored, the configuration needs %zu", path,
			(unsigned long long)np, need);
		err = -EINVAL;
		goto out;
	}
	if (np > CKPT_MAX_BYTES / 4 || n < ckpt_size(c.V, (size_t)np)) {
		err_set("%s: truncated model (%zu bytes)", path, n);
		err = -EIO;
		goto out;
	}
	if (n > ckpt_size(c.V, (size_t)np)) {
		err_set("%s: trailing bytes after the model", path);
		err = -EINVAL;
		goto out;
	}
	if (ckpt_crc32(0, b, n - 4) != get32(b + n - 4)) {
		err_set("%s: checksum mismatch (corrupt model file)", path);
		err = -EINVAL;
		goto out;
	}
	memset(&v, 0, sizeof(v));
	v.n = c.V;
	for (int i = 0; i < c.V; i++) {
		const unsigned char *p = b + CKPT_HEADER + (size_t)i * CKPT_VOCAB_ENTRY;

		v.nr[i] = (int32_t)get32(p);
		v.dir[i] = p[4];
		v.count[i] = get64(p + 8);
	}
	if ((err = sssd_alloc(mp, &c, &v))) {
		if (err == -EINVAL)
			err_set("%s: invalid configuration in model header", path);
		goto out;
	}
	if ((*mp)->np != np) {
		err_set("%s: %llu weights stored, the configuration needs %zu", path,
			(unsigned long long)np, (*mp)->np);
		err = -EINVAL;
		goto out;
	}
	memcpy((*mp)->params, b + CKPT_HEADER + (size_t)c.V * CKPT_VOCAB_ENTRY, np * 4);
	for (size_t i = 0; i < np; i++)
		if (!isfinite((*mp)->params[i])) {
			err_set("%s: non-finite weight %zu", path, i);
			err = -EINVAL;
			goto out;
		}
	memcpy((*mp)->ema, (*mp)->params, np * 4);
	(*mp)->step = (int64_t)get64(b + 80);
out:
	if (err) {
		sssd_free(*mp);
		*mp = NULL;
	}
	return err;
}

int sssd_load(struct sssd_model **mp, const char *path)
{
	unsigned char *b;
	size_t n = 0;
	int err;

	*mp = NULL;
	if ((err = read_all(path, &b, &n)))
		return err;
	err = load_buf(mp, b, n, path);
	free(b);
	return err;
}

int sssd_load_mem(struct sssd_model **mp, const void *buf, size_t n)
{
	return load_buf(mp, buf, n, "(memory)");
}

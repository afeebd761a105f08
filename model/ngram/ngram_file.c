/* ngram_file.c - the n-gram model file: vocabulary + training corpus, CRC-checked (ngram.h). */
#include "ngram/ngram.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static int fail(int err, const char *what)
{
	err_set("%s", what);
	return err;
}

/* Writer/reader state: the file and the running CRC. */
struct io {
	FILE *f;
	uLong crc;
	int err;
};

static void put(struct io *io, const void *p, size_t n)
{
	if (io->err || n == 0)
		return;
	if (fwrite(p, 1, n, io->f) != n)
		io->err = -(errno ? errno : EIO);
	io->crc = crc32(io->crc, p, n);
}

static int get(struct io *io, void *p, size_t n)
{
	if (io->err)
		return io->err;
	if (n && fread(p, 1, n, io->f) != n) {
		io->err = -EIO;
		return fail(io->err, ferror(io->f) ? "read error" : "truncated n-gram model file");
	}
	io->crc = crc32(io->crc, p, n);
	return 0;
}

int ngram_file_save_fd(int fd, const struct corpus *c, const struct vocab *v, int kmax)
{
	struct io io = { 0 };
	uint32_t h[3] = { NGRAM_FILE_VERSION, (uint32_t)kmax, (uint32_t)v->n };
	uint64_t nseq = c->n, total = c->starts[c->n] - c->starts[0];
	uint32_t crc;
	int fd2 = dup(fd); /* the stream closes its own descriptor; fd stays the caller's */

	if (fd2 < 0)
		return fail(-errno, strerror(errno));
	io.f = fdopen(fd2, "wb");
	if (!io.f) {
		close(fd2);
		return fail(-ENOMEM, strerror(ENOMEM));
	}
	io.crc = crc32(0, NULL, 0);
	put(&io, NGRAM_FILE_MAGIC, 8);
	put(&io, h, sizeof(h));
	put(&io, v->nr, v->n * sizeof(v->nr[0]));
	put(&io, v->dir, v->n);
	put(&io, v->count, v->n * sizeof(v->count[0]));
	put(&io, &nseq, 8);
	put(&io, &total, 8);
	for (int64_t i = 0; i <= c->n; i++) {
		uint64_t s = c->starts[i] - c->starts[0];

		put(&io, &s, 8);
	}
	put(&io, c->ids + c->starts[0], total * sizeof(int32_t));
	crc = (uint32_t)io.crc;
	put(&io, &crc, 4);
	if (fclose(io.f) && !io.err)
		io.err = -errno;
	return io.err ? fail(io.err, strerror(-io.err)) : 0;
}

int ngram_file_save(const char *path, const struct corpus *c, const struct vocab *v, int kmax)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), err;

	if (fd < 0)
		return fail(-errno, strerror(errno));
	err = ngram_file_save_fd(fd, c, v, kmax);
	if (close(fd) && !err)
		err = fail(-errno, strerror(errno));
	if (err)
		unlink(path);
	return err;
}

void ngram_file_free(struct ngram_file *f)
{
	if (!f)
		return;
	free(f->ids);
	free(f->starts);
	memset(f, 0, sizeof(*f));
}

/* Sizes and contents after the header; all checked against the file size. */
static int load_body(struct io *io, struct ngram_file *f, uint64_t fsize)
{
	uint64_t nseq, total;

	if (get(io, &nseq, 8) || get(io, &total, 8))
		return io->err;
	if (nseq > fsize / 8 || total > fsize / 4)
		return fail(-EIO, "truncated or corrupt n-gram model file (sizes exceed the file)");
	f->starts = malloc((nseq + 1) * sizeof(*f->starts));
	f->ids = malloc((total ? total : 1) * sizeof(*f->ids));
	if (!f->starts || !f->ids)
		return fail(-ENOMEM, strerror(ENOMEM));
	if (get(io, f->starts, (nseq + 1) * 8) || get(io, f->ids, total * 4))
		return io->err;
	if (f->starts[0] != 0 || (uint64_t)f->starts[nseq] != total)
		return fail(-EINVAL, "corrupt n-gram model file (sequence bounds)");
	for (uint64_t i = 0; i < nseq; i++)
		if (f->starts[i + 1] < f->starts[i])
			return fail(-EINVAL, "corrupt n-gram model file (sequence bounds)");
	for (uint64_t i = 0; i < total; i++)
		if (f->ids[i] < 0 || f->ids[i] >= f->vocab.n)
			return fail(-EINVAL, "corrupt n-gram model file (id outside the vocabulary)");
	f->c.ids = f->ids;
	f->c.starts = f->starts;
	f->c.n = nseq;
	return 0;
}

/* The model file in stream fp of fsize bytes. */
static int load_stream(FILE *fp, uint64_t fsize, struct ngram_file *f)
{
	struct io io = { .f = fp };
	char magic[8];
	uint32_t h[3], crc_file, crc;
	int err;

	io.crc = crc32(0, NULL, 0);
	if ((err = get(&io, magic, 8)))
		goto out;
	if (memcmp(magic, NGRAM_FILE_MAGIC, 8)) {
		err = fail(-EINVAL, "not an n-gram model file (bad magic)");
		goto out;
	}
	if ((err = get(&io, h, sizeof(h))))
		goto out;
	if (h[0] != NGRAM_FILE_VERSION || h[1] < 1 || h[1] > NGRAM_KMAX_LIMIT || h[2] < 1 ||
	    h[2] > VOCAB_MAX) {
		err = fail(-EINVAL, h[0] != NGRAM_FILE_VERSION ? "unsupported n-gram model version"
							       : "corrupt n-gram model header");
		goto out;
	}
	f->kmax = h[1];
	f->vocab.n = h[2];
	if ((err = get(&io, f->vocab.nr, h[2] * 4)) || (err = get(&io, f->vocab.dir, h[2])) ||
	    (err = get(&io, f->vocab.count, h[2] * 8)))
		goto out;
	if ((err = load_body(&io, f, fsize)))
		goto out;
	crc = (uint32_t)io.crc;
	if ((err = get(&io, &crc_file, 4)))
		goto out;
	if (crc != crc_file)
		err = fail(-EINVAL, "corrupt n-gram model file (CRC mismatch)");
out:
	if (err)
		ngram_file_free(f);
	return err;
}

int ngram_file_load(const char *path, struct ngram_file *f)
{
	struct stat st;
	FILE *fp;
	int err;

	memset(f, 0, sizeof(*f));
	fp = fopen(path, "rb");
	if (!fp)
		return fail(-errno, strerror(errno));
	if (fstat(fileno(fp), &st))
		err = fail(-errno, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		err = fail(-EINVAL, "not a regular file");
	else
		err = load_stream(fp, (uint64_t)st.st_size, f);
	fclose(fp);
	return err;
}

int ngram_file_load_mem(const void *buf, size_t n, struct ngram_file *f)
{
	FILE *fp;
	int err;

	memset(f, 0, sizeof(*f));
	if (n == 0)
		return fail(-EIO, "truncated n-gram model file");
	fp = fmemopen((void *)buf, n, "rb");
	if (!fp)
		return fail(-errno, strerror(errno));
	err = load_stream(fp, n, f);
	fclose(fp);
	return err;
}

int ngram_file_probe(const char *path)
{
	char magic[8];
	FILE *f = fopen(path, "rb");
	int r;

	if (!f)
		return -errno;
	r = fread(magic, 1, 8, f) == 8 && !memcmp(magic, NGRAM_FILE_MAGIC, 8);
	fclose(f);
	return r;
}

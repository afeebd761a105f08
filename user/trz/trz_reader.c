/* trz_reader.c - reading .trz files block by block, surviving corruption and truncation.
 *
 * Each block is checked (header CRC, limits, payload CRC, zlib, directory) and fully decoded
 * once before any of its records is returned, so a bad block is skipped as a whole.  A bad
 * block header makes the reader scan forward for the next "TRZB" whose header CRC holds.
 * Memory is bounded by the TRZ_MAX_BLOCK_* limits; every loop advances the file offset.
 */
#include "trz/trz.h"
#include "trz/trz_codec.h"
#include "trz/trz_format.h"
#include "trz/trz_private.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define SCAN_CHUNK 65536

struct trz_reader {
	int fd;             /* -1 when reading from memory */
	const uint8_t *mem; /* trz_reader_open_mem(): the whole file */
	size_t memlen;
	trz_warn_fn warn;
	void *ctx;
	uint32_t hdr_len;
	uint64_t off; /* offset of the next block header */
	int eof;
	int follow; /* the file is still being written: an incomplete tail is "not yet" */
	struct trz_reader_stats stats;
	struct trz_buf comp, raw;
	struct trz_cur cols[TRZ_NCOLS_ALL]; /* columns of the current block, from their start */
	struct trz_cur cur[TRZ_NCOLS_ALL];  /* decoding position */
	uint32_t nrec, irec;
	uint64_t str_pos; /* the next STRING comes before record str_pos (if cur[XSTR] has one) */
	int str_next;     /* 1: str_pos is read and a STRING follows in cur[TRZ_COL_XSTR] */
	uint64_t blk_off;
	struct trz_bstate st;
	struct trz_record scratch;
	uint8_t *scan; /* SCAN_CHUNK bytes, allocated at the first resync */
};

static void warnf(struct trz_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warnf(struct trz_reader *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!r->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->warn(r->ctx, msg);
}

/* pread until n bytes or end of file; returns bytes read or -errno. */
static ssize_t pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, (uint8_t *)buf + got, n - got, (off_t)(off + got));
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* n bytes at off from the file or the memory buffer: bytes read (short at the end) or -errno. */
static ssize_t read_at(struct trz_reader *r, void *buf, size_t n, uint64_t off)
{
	if (r->fd >= 0)
		return pread_full(r->fd, buf, n, off);
	if (off >= r->memlen)
		return 0;
	if (n > r->memlen - off)
		n = r->memlen - (size_t)off;
	memcpy(buf, r->mem + off, n);
	return (ssize_t)n;
}

static int header_ok(const uint8_t *h)
{
	return memcmp(h, TRZ_BLOCK_MAGIC, TRZ_BLOCK_MAGIC_LEN) == 0 &&
	       trz_get32(h + TRZ_BH_HEADER_CRC) == (uint32_t)crc32(0, h, TRZ_BH_HEADER_CRC);
}

/* Offset of the next valid block header after `from`, or the end of file offset. */
static int64_t resync(struct trz_reader *r, uint64_t from)
{
	uint8_t *buf, h[TRZ_BLOCK_HDR_LEN];
	const ssize_t size = SCAN_CHUNK;
	uint64_t pos = from;

	if (!r->scan && !(r->scan = malloc(SCAN_CHUNK)))
		return -ENOMEM;
	buf = r->scan;

	for (;;) {
		ssize_t n = read_at(r, buf, (size_t)size, pos);
		if (n < 0)
			return n;
		for (ssize_t i = 0; i + TRZ_BLOCK_MAGIC_LEN <= n; i++) {
			/* the magic's first byte first: one memchr instead of a memcmp a byte */
			const uint8_t *m = memchr(buf + i, TRZ_BLOCK_MAGIC[0],
						  (size_t)(n - i) - (TRZ_BLOCK_MAGIC_LEN - 1));
			if (!m)
				break;
			i = m - buf;
			if (memcmp(buf + i, TRZ_BLOCK_MAGIC, TRZ_BLOCK_MAGIC_LEN) != 0)
				continue;
			ssize_t k = read_at(r, h, sizeof(h), pos + (uint64_t)i);
			if (k < 0)
				return k;
			if (k == (ssize_t)sizeof(h) && header_ok(h))
				return (int64_t)(pos + (uint64_t)i);
		}
		if (n < size)
			return (int64_t)(pos + (uint64_t)n);
		pos += (uint64_t)size - (TRZ_BLOCK_MAGIC_LEN - 1);
	}
}

/* Split the decompressed payload into columns.  Returns 0 or -EBADMSG. */
static int parse_directory(struct trz_reader *r)
{
	struct trz_cur c = { r->raw.p, r->raw.p + r->raw.len };
	uint64_t ncols, len[TRZ_MAX_COLS], total = 0;

	if (trz_cur_varint(&c, &ncols) || ncols < TRZ_NCOLS || ncols > TRZ_MAX_COLS)
		return -EBADMSG;
	for (uint64_t i = 0; i < ncols; i++) {
		if (trz_cur_varint(&c, &len[i]) || len[i] > r->raw.len)
			return -EBADMSG;
		total += len[i];
	}
	if (total != (uint64_t)(c.end - c.p))
		return -EBADMSG;
	for (uint64_t i = 0; i < ncols; i++) {
		if (i < TRZ_NCOLS_ALL) {
			r->cols[i].p = c.p;
			r->cols[i].end = c.p + len[i];
		}
		c.p += len[i];
	}
	if (ncols == TRZ_NCOLS) /* no strings column: an empty one */
		r->cols[TRZ_COL_XSTR].p = r->cols[TRZ_COL_XSTR].end = c.p;
	return 0;
}

/* Read the position of the block's next STRING, if its column has one left. */
static int peek_string(struct trz_reader *r)
{
	struct trz_cur *c = &r->cur[TRZ_COL_XSTR];
	uint64_t d;

	r->str_next = 0;
	if (c->p == c->end)
		return 0;
	if (trz_cur_varint(c, &d) || d > r->nrec - r->str_pos)
		return -EBADMSG;
	r->str_pos += d;
	r->str_next = 1;
	return 0;
}

/* The STRING whose position peek_string() read, then the next one's position. */
static int next_string(struct trz_reader *r, struct trz_string *s)
{
	TRZ_TRY(trz_dec_string(&r->cur[TRZ_COL_XSTR], s));
	return peek_string(r);
}

/* Every STRING of the block decodes and sits at a position 0..nrec, in order. */
static int validate_strings(struct trz_reader *r)
{
	struct trz_string *s = &r->scratch.str;

	r->str_pos = 0;
	TRZ_TRY(peek_string(r));
	while (r->str_next)
		TRZ_TRY(next_string(r, s));
	return 0;
}

/* Decode every record once; the block is good only if all decode, every column is used up
 * exactly (columns past TRZ_NCOLS_ALL belong to later minor revisions and are ignored) and the
 * header's timestamps match. */
static int validate_block(struct trz_reader *r, uint64_t ts_min, uint64_t ts_max)
{
	uint64_t lo = 0, hi = 0;
	int have = 0;

	memcpy(r->cur, r->cols, sizeof(r->cur));
	trz_bstate_reset(&r->st);
	for (uint32_t i = 0; i < r->nrec; i++) {
		struct trz_record *rec = &r->scratch;
		int err = trz_dec_record(&r->st, r->cur, rec, r->nrec);
		if (err)
			return err;
		uint64_t ts = rec->kind == TRZ_REC_EVENT    ? rec->ev.ts_ns
			      : rec->kind == TRZ_REC_SYNTH  ? rec->syn.ev.ts_ns
			      : rec->kind == TRZ_REC_THREAD ? rec->th.ts_ns
							    : 0;
		if (rec->kind == TRZ_REC_EVENT || rec->kind == TRZ_REC_SYNTH ||
		    rec->kind == TRZ_REC_THREAD) {
			lo = !have || ts < lo ? ts : lo;
			hi = !have || ts > hi ? ts : hi;
			have = 1;
		}
	}
	TRZ_TRY(validate_strings(r));
	for (int i = 0; i < TRZ_NCOLS_ALL; i++)
		if (r->cur[i].p != r->cur[i].end)
			return -EBADMSG;
	if (lo != ts_min || hi != ts_max)
		return -EBADMSG;
	memcpy(r->cur, r->cols, sizeof(r->cur));
	trz_bstate_reset(&r->st);
	r->str_pos = 0;
	return peek_string(r);
}

/* Check, inflate and validate the block whose valid header h is at r->off.  Returns 1 = ready,
 * 0 = truncated (end of data), -EBADMSG = corrupt (reason in *why), -errno. */
static int load_block(struct trz_reader *r, const uint8_t *h, const char **why)
{
	uint32_t comp = trz_get32(h + TRZ_BH_COMP_LEN), raw = trz_get32(h + TRZ_BH_RAW_LEN);
	uint32_t nrec = trz_get32(h + TRZ_BH_NREC);
	uLongf rawlen = raw;
	uLong complen = comp;

	*why = "impossible lengths in block header";
	if (comp > TRZ_MAX_BLOCK_COMP || raw > TRZ_MAX_BLOCK_RAW || nrec > TRZ_MAX_BLOCK_RECS ||
	    nrec > raw || comp == 0)
		return -EBADMSG;
	r->comp.len = r->raw.len = 0;
	if (trz_buf_put(&r->comp, NULL, comp) || trz_buf_put(&r->raw, NULL, raw ? raw : 1))
		return -ENOMEM;
	ssize_t n = read_at(r, r->comp.p, comp, r->off + TRZ_BLOCK_HDR_LEN);
	if (n < 0)
		return (int)n;
	if ((size_t)n < comp && r->follow)
		return 2; /* not yet written */
	if ((size_t)n < comp) {
		warnf(r,
		      "truncated block at offset %" PRIu64
		      ": file ends after %zd of %u payload bytes",
		      r->off, n, comp);
		r->stats.truncated = 1;
		return 0;
	}
	*why = "payload CRC mismatch";
	if ((uint32_t)crc32(0, r->comp.p, comp) != trz_get32(h + TRZ_BH_PAYLOAD_CRC))
		return -EBADMSG;
	*why = "zlib data does not decompress to the stated length";
	if (uncompress2(r->raw.p, &rawlen, r->comp.p, &complen) != Z_OK || rawlen != raw ||
	    complen != comp)
		return -EBADMSG;
	r->raw.len = raw;
	*why = "bad column directory";
	if (parse_directory(r))
		return -EBADMSG;
	*why = "undecodable records";
	r->nrec = nrec;
	r->irec = 0;
	r->str_next = 0;
	if (validate_block(r, trz_get64(h + TRZ_BH_TS_MIN), trz_get64(h + TRZ_BH_TS_MAX))) {
		r->nrec = 0;
		r->str_next = 0;
		return -EBADMSG;
	}
	return 1;
}

/* Advance to the next good block.  Returns 1 = block ready, 0 = end of file, -errno. */
static int next_block(struct trz_reader *r)
{
	uint8_t h[TRZ_BLOCK_HDR_LEN];

	while (!r->eof) {
		ssize_t n = read_at(r, h, sizeof(h), r->off);
		if (n < 0)
			return (int)n;
		if (n == 0 || (r->follow && (size_t)n < sizeof(h)))
			return 0; /* follow: not yet written, try again later */
		if ((size_t)n < sizeof(h)) {
			warnf(r,
			      "truncated block at offset %" PRIu64
			      ": file ends after %zd of %d header bytes",
			      r->off, n, TRZ_BLOCK_HDR_LEN);
			r->stats.truncated = 1;
			break;
		}
		if (!header_ok(h)) {
			int64_t next = resync(r, r->off + 1);
			if (next < 0)
				return (int)next;
			warnf(r,
			      "corrupt block header at offset %" PRIu64 ": skipped %" PRIu64 " bytes",
			      r->off, (uint64_t)next - r->off);
			r->stats.blocks_bad++;
			r->off = (uint64_t)next;
			continue;
		}
		const char *why;
		int err = load_block(r, h, &why);
		if (err == 2)
			return 0;
		if (err == 0 || err == 1) {
			if (err == 0)
				break;
			r->blk_off = r->off;
			r->off += TRZ_BLOCK_HDR_LEN + (uint64_t)trz_get32(h + TRZ_BH_COMP_LEN);
			r->stats.blocks_ok++;
			return 1;
		}
		if (err != -EBADMSG)
			return err;
		warnf(r, "corrupt block at offset %" PRIu64 " (%s): skipped", r->off, why);
		r->stats.blocks_bad++;
		if (trz_get32(h + TRZ_BH_COMP_LEN) > TRZ_MAX_BLOCK_COMP) {
			int64_t next = resync(r, r->off + 1);
			if (next < 0)
				return (int)next;
			r->off = (uint64_t)next;
		} else {
			r->off += TRZ_BLOCK_HDR_LEN + (uint64_t)trz_get32(h + TRZ_BH_COMP_LEN);
		}
	}
	r->eof = 1;
	return 0;
}

int trz_read_next(struct trz_reader *r, struct trz_record *rec)
{
	if (!r || !rec)
		return -EINVAL;
	while (r->irec >= r->nrec && !r->str_next) {
		int err = next_block(r);
		if (err <= 0)
			return err;
	}
	if (r->str_next && r->str_pos == r->irec) { /* a STRING before record irec */
		rec->kind = TRZ_REC_STRING;
		rec->offset = r->blk_off;
		int err = next_string(r, &rec->str);
		return err ? (err == -EBADMSG ? -EIO : err) : 1;
	}
	int err = trz_dec_record(&r->st, r->cur, rec, r->nrec);
	if (err)
		return err == -EBADMSG ? -EIO : err; /* cannot happen: validated before */
	rec->offset = r->blk_off;
	r->irec++;
	return 1;
}

struct trz_reader *trz_reader_open(const char *path, trz_warn_fn warn, void *ctx)
{
	uint8_t h[TRZ_FILE_HDR_LEN];
	struct stat sb;
	struct trz_reader *r;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0 || fstat(fd, &sb) < 0) {
		err = errno;
		err_set("cannot open %s: %s", path, strerror(err));
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		err = EISDIR;
		err_set("%s is a directory", path);
		goto fail;
	}
	ssize_t n = pread_full(fd, h, sizeof(h), 0);
	if (n < 0) {
		err = (int)-n;
		err_set("cannot read %s: %s", path, strerror(err));
		goto fail;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		err = ENOMEM;
		err_set("out of memory");
		goto fail;
	}
	if (trz_check_file_header(h, (size_t)n, &r->hdr_len)) {
		free(r);
		err = EINVAL;
		goto fail;
	}
	r->fd = fd;
	r->warn = warn;
	r->ctx = ctx;
	r->off = r->hdr_len;
	r->stats.file_bytes = (uint64_t)sb.st_size;
	r->stats.version = trz_get16(h + 8);
	r->st.version = (uint16_t)r->stats.version; /* decoding depends on it */
	return r;
fail:
	if (fd >= 0)
		close(fd);
	errno = err;
	return NULL;
}

void trz_reader_set_follow(struct trz_reader *r, int on)
{
	r->follow = on;
	if (on)
		r->eof = 0;
}

struct trz_reader *trz_reader_open_mem(const void *buf, size_t n, trz_warn_fn warn, void *ctx)
{
	struct trz_reader *r = calloc(1, sizeof(*r));

	if (!r) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (trz_check_file_header(buf, n, &r->hdr_len)) {
		free(r);
		errno = EINVAL;
		return NULL;
	}
	r->fd = -1;
	r->mem = buf;
	r->memlen = n;
	r->warn = warn;
	r->ctx = ctx;
	r->off = r->hdr_len;
	r->stats.file_bytes = n;
	r->stats.version = trz_get16((const uint8_t *)buf + 8);
	r->st.version = (uint16_t)r->stats.version;
	return r;
}

int trz_reader_reset_mem(struct trz_reader *r, const void *buf, size_t n)
{
	uint32_t hdr_len;

	if (!r || r->fd >= 0)
		return -EINVAL;
	memset(&r->stats, 0, sizeof(r->stats));
	if (trz_check_file_header(buf, n, &hdr_len)) {
		r->memlen = 0;
		r->eof = 1;
		r->nrec = r->irec = 0;
		r->str_next = 0; /* no STRING left of the previous buffer either */
		return -EINVAL;
	}
	r->mem = buf;
	r->memlen = n;
	r->hdr_len = hdr_len;
	r->stats.file_bytes = n;
	r->stats.version = trz_get16((const uint8_t *)buf + 8);
	r->st.version = (uint16_t)r->stats.version;
	return trz_reader_rewind(r);
}

void trz_reader_stats(const struct trz_reader *r, struct trz_reader_stats *st)
{
	struct stat sb;

	*st = r->stats;
	if (r->fd >= 0 && fstat(r->fd, &sb) == 0)
		st->file_bytes = (uint64_t)sb.st_size;
}

int trz_reader_rewind(struct trz_reader *r)
{
	if (!r)
		return -EINVAL;
	r->off = r->hdr_len;
	r->eof = 0;
	r->nrec = r->irec = 0;
	r->str_next = 0;
	r->stats.blocks_ok = r->stats.blocks_bad = r->stats.truncated = 0;
	return 0;
}

void trz_reader_close(struct trz_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	trz_buf_free(&r->comp);
	trz_buf_free(&r->raw);
	free(r->scan);
	trz_bstate_free(&r->st);
	free(r);
}

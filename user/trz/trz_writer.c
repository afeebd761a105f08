/* trz_writer.c - writing .trz files: records are encoded into columns, and every block_events
 * records (or TRZ_BLOCK_RAW_SOFT payload bytes, or trz_writer_flush()) the block is compressed
 * and written with one write(2) of header + payload. */
#include "trz/trz.h"
#include "trz/trz_codec.h"
#include "trz/trz_format.h"
#include "trz/trz_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct trz_writer {
	int fd;
	int err;        /* first error seen; sticky */
	uint64_t bytes; /* written so far */
	uint32_t block_events;
	int zlevel;
	uint32_t nrec;    /* records in the current block */
	uint32_t nstr;    /* STRING records in the current block (column TRZ_COL_XSTR) */
	uint32_t str_pos; /* nrec when the block's last STRING was written */
	uint64_t ts_min, ts_max;
	int has_ts; /* ts_min/ts_max hold a record's timestamp */
	struct trz_buf col[TRZ_NCOLS_ALL];
	struct trz_buf out; /* header + compressed payload of the block being written */
	struct trz_buf raw; /* directory + columns */
	struct trz_bstate st;
	trz_flush_hook_fn hook;
	void *hook_ctx;
	int in_hook; /* the hook is appending: no nested flush */
};

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int write_file_header(struct trz_writer *w)
{
	uint8_t h[TRZ_FILE_HDR_LEN] = { 0 };
	int err;

	memcpy(h, TRZ_MAGIC, TRZ_MAGIC_LEN); /* NOLINT(bugprone-not-null-terminated-result): no NUL */
	trz_put16(h + 8, w->st.version);
	trz_put16(h + 10, TRZ_FILE_HDR_LEN);
	trz_put32(h + 12, 0);
	err = write_all(w->fd, h, sizeof(h));
	if (!err)
		w->bytes += sizeof(h);
	return err;
}

/* Append mode: an empty file gets a header, an existing one must be a readable trz file. */
static int prepare_append(struct trz_writer *w)
{
	uint8_t h[TRZ_FILE_HDR_LEN];
	struct stat sb;

	if (fstat(w->fd, &sb) < 0)
		return -errno;
	if (sb.st_size == 0)
		return write_file_header(w);
	ssize_t n = pread(w->fd, h, sizeof(h), 0);
	if (n < 0)
		return -errno;
	int err = trz_check_file_header(h, (size_t)n, NULL);
	if (err)
		return err;
	w->st.version = trz_get16(h + 8); /* blocks appended in the file's version */
	if (lseek(w->fd, 0, SEEK_END) < 0)
		return -errno;
	w->bytes = (uint64_t)sb.st_size;
	return 0;
}

struct trz_writer *trz_writer_fdopen(int fd, const struct trz_writer_opts *opts)
{
	struct trz_writer *w = calloc(1, sizeof(*w));
	int err;

	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	w->fd = fd;
	w->block_events = opts && opts->block_events ? opts->block_events : TRZ_DEFAULT_BLOCK_EVENTS;
	if (w->block_events > TRZ_MAX_BLOCK_RECS - 16) /* room for a flush hook's records */
		w->block_events = TRZ_MAX_BLOCK_RECS - 16;
	w->zlevel = opts && opts->zlevel > 0 && opts->zlevel <= 9 ? opts->zlevel : 6;
	trz_bstate_reset(&w->st);
	w->st.version = opts && opts->version ? (uint16_t)opts->version : TRZ_VERSION;
	if (w->st.version < TRZ_VERSION_MIN || w->st.version > TRZ_VERSION) {
		free(w);
		errno = EINVAL;
		return NULL;
	}
	err = opts && opts->append ? prepare_append(w) : write_file_header(w);
	if (err) {
		w->fd = -1; /* the caller still owns fd on failure */
		trz_writer_close(w);
		errno = -err;
		return NULL;
	}
	return w;
}

struct trz_writer *trz_writer_open(const char *path, const struct trz_writer_opts *opts)
{
	int flags = O_CLOEXEC | (opts && opts->append ? O_RDWR | O_CREAT | O_APPEND
						      : O_WRONLY | O_CREAT | O_TRUNC);
	int fd = open(path, flags, 0600);

	if (fd < 0) {
		err_set("cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	struct trz_writer *w = trz_writer_fdopen(fd, opts);
	if (!w) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return w;
}

/* Columns of the current block: the strings column only when it holds STRING records. */
static int block_ncols(const struct trz_writer *w)
{
	return w->nstr ? TRZ_NCOLS_ALL : TRZ_NCOLS;
}

/* Directory (varint column count, varint lengths) followed by the columns. */
static int build_payload(struct trz_writer *w)
{
	int ncols = block_ncols(w);

	w->raw.len = 0;
	int err = trz_buf_varint(&w->raw, (uint64_t)ncols);
	for (int i = 0; !err && i < ncols; i++)
		err = trz_buf_varint(&w->raw, w->col[i].len);
	for (int i = 0; !err && i < ncols; i++)
		err = trz_buf_put(&w->raw, w->col[i].p, w->col[i].len);
	if (!err && w->raw.len > TRZ_MAX_BLOCK_RAW)
		err = -E2BIG;
	return err;
}

/* One zlib stream per block; every column ends a deflate block (Z_BLOCK), so each column gets
 * Huffman codes fitted to its own statistics.  Readers just inflate the whole stream. */
static int deflate_columns(struct trz_writer *w, uint8_t *dst, size_t cap, size_t *zlen)
{
	z_stream z = { 0 };
	size_t dirlen = w->raw.len;
	int err = 0, ncols = block_ncols(w);

	for (int i = 0; i < ncols; i++)
		dirlen -= w->col[i].len;
	if (deflateInit2(&z, w->zlevel, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	z.next_out = dst;
	z.avail_out = (uInt)cap;
	z.next_in = w->raw.p;
	z.avail_in = (uInt)dirlen;
	for (int i = 0; i <= ncols && !err; i++) {
		if (i > 0)
			z.avail_in = (uInt)w->col[i - 1].len;
		int flush = i == ncols ? Z_FINISH : Z_BLOCK;
		if (flush == Z_BLOCK && !z.avail_in)
			continue;
		int rc = deflate(&z, flush);
		if (rc != (flush == Z_FINISH ? Z_STREAM_END : Z_OK) || z.avail_in)
			err = -EIO;
	}
	*zlen = z.total_out;
	deflateEnd(&z);
	return err;
}

static int compress_block(struct trz_writer *w)
{
	size_t cap = compressBound(w->raw.len) + 64 * (TRZ_NCOLS_ALL + 1), zlen = 0;
	uint8_t *h;
	int err;

	w->out.len = 0;
	err = trz_buf_put(&w->out, NULL, TRZ_BLOCK_HDR_LEN + cap);
	if (err)
		return err;
	h = w->out.p;
	err = deflate_columns(w, h + TRZ_BLOCK_HDR_LEN, cap, &zlen);
	if (err)
		return err;
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): the magic is a fixed-size field */
	memcpy(h, TRZ_BLOCK_MAGIC, TRZ_BLOCK_MAGIC_LEN);
	trz_put32(h + TRZ_BH_COMP_LEN, (uint32_t)zlen);
	trz_put32(h + TRZ_BH_RAW_LEN, (uint32_t)w->raw.len);
	trz_put32(h + TRZ_BH_NREC, w->nrec);
	trz_put64(h + TRZ_BH_TS_MIN, w->ts_min);
	trz_put64(h + TRZ_BH_TS_MAX, w->ts_max);
	trz_put32(h + TRZ_BH_PAYLOAD_CRC, (uint32_t)crc32(0, h + TRZ_BLOCK_HDR_LEN, (uInt)zlen));
	trz_put32(h + TRZ_BH_HEADER_CRC, (uint32_t)crc32(0, h, TRZ_BH_HEADER_CRC));
	w->out.len = TRZ_BLOCK_HDR_LEN + zlen;
	return 0;
}

static void block_reset(struct trz_writer *w)
{
	for (int i = 0; i < TRZ_NCOLS_ALL; i++)
		w->col[i].len = 0;
	w->nrec = 0;
	w->nstr = w->str_pos = 0;
	w->ts_min = w->ts_max = 0;
	w->has_ts = 0;
	trz_bstate_reset(&w->st);
}

int trz_writer_flush(struct trz_writer *w)
{
	int err;

	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	if ((!w->nrec && !w->nstr) || w->in_hook)
		return 0;
	if (w->hook) {
		w->in_hook = 1;
		err = w->hook(w->hook_ctx, w);
		w->in_hook = 0;
		if (err)
			return w->err = err;
	}
	err = build_payload(w);
	if (!err)
		err = compress_block(w);
	if (!err) {
		err = write_all(w->fd, w->out.p, w->out.len);
		/* disk full in the middle of a block: cut the partial block off, so the file ends
		 * with its last complete block (only bytes this writer wrote are removed) */
		if (err && ftruncate(w->fd, (off_t)w->bytes) == 0)
			lseek(w->fd, (off_t)w->bytes, SEEK_SET);
	}
	if (err)
		return w->err = err;
	w->bytes += w->out.len;
	block_reset(w);
	return 0;
}

static size_t block_raw_bytes(const struct trz_writer *w)
{
	size_t n = 0;

	for (int i = 0; i < TRZ_NCOLS_ALL; i++)
		n += w->col[i].len;
	return n;
}

/* Common tail of every write: account the record, flush a full block. */
static int record_done(struct trz_writer *w, int err, int has_ts, uint64_t ts, int is_event)
{
	if (err == -EINVAL)
		return err; /* rejected before anything was encoded */
	if (err)
		return w->err = err;
	if (has_ts) {
		if (!w->has_ts) {
			w->ts_min = w->ts_max = ts;
			w->has_ts = 1;
		} else {
			w->ts_min = ts < w->ts_min ? ts : w->ts_min;
			w->ts_max = ts > w->ts_max ? ts : w->ts_max;
		}
	}
	w->nrec++;
	if (w->in_hook)
		return 0;
	/* the payload size is summed over the columns every 64th event only (an event adds at
	 * most ~200 bytes to the soft limit's 4 MiB), after every other record */
	if (w->nrec >= w->block_events ||
	    ((!is_event || !(w->nrec & 63)) && block_raw_bytes(w) >= TRZ_BLOCK_RAW_SOFT))
		return trz_writer_flush(w);
	return 0;
}

int trz_write_event(struct trz_writer *w, const struct trz_event *ev)
{
	if (!w || !ev)
		return -EINVAL;
	if (w->err)
		return w->err;
	return record_done(w, trz_enc_event(&w->st, w->col, TRZ_REC_EVENT, ev, NULL), 1, ev->ts_ns,
			   1);
}

int trz_write_synth(struct trz_writer *w, const struct trz_synth *syn)
{
	if (!w || !syn)
		return -EINVAL;
	if (w->err)
		return w->err;
	return record_done(w, trz_enc_event(&w->st, w->col, TRZ_REC_SYNTH, &syn->ev, syn), 1,
			   syn->ev.ts_ns, 1);
}

int trz_write_gap(struct trz_writer *w, const struct trz_gap *gap)
{
	if (!w || !gap)
		return -EINVAL;
	if (w->err)
		return w->err;
	return record_done(w, trz_enc_gap(&w->st, w->col, gap), 0, 0, 0);
}

int trz_write_thread(struct trz_writer *w, const struct trz_thread *th)
{
	if (!w || !th)
		return -EINVAL;
	if (w->err)
		return w->err;
	return record_done(w, trz_enc_thread(&w->st, w->col, th), 1, th->ts_ns, 0);
}

int trz_write_meta(struct trz_writer *w, const char *key, const char *value)
{
	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	return record_done(w, trz_enc_meta(&w->st, w->col, key, value), 0, 0, 0);
}

int trz_write_state(struct trz_writer *w, const struct trz_state *st)
{
	if (!w || !st)
		return -EINVAL;
	if (w->err)
		return w->err;
	return record_done(w, trz_enc_state(&w->st, w->col, st), 0, 0, 0);
}

int trz_write_string(struct trz_writer *w, const struct trz_string *s)
{
	int err;

	if (!w || !s)
		return -EINVAL;
	if (w->err)
		return w->err;
	if ((err = trz_string_check(s)) || w->st.version < 2)
		return err; /* version 1 has no strings column: dropped */
	err = trz_buf_varint(&w->col[TRZ_COL_XSTR], w->nrec - w->str_pos);
	if (!err)
		err = trz_enc_string(&w->col[TRZ_COL_XSTR], s);
	if (err)
		return w->err = err;
	w->str_pos = w->nrec;
	w->nstr++;
	return 0;
}

int trz_write_record(struct trz_writer *w, const struct trz_record *rec)
{
	if (!rec)
		return -EINVAL;
	switch (rec->kind) {
	case TRZ_REC_EVENT: return trz_write_event(w, &rec->ev);
	case TRZ_REC_GAP: return trz_write_gap(w, &rec->gap);
	case TRZ_REC_SYNTH: return trz_write_synth(w, &rec->syn);
	case TRZ_REC_THREAD: return trz_write_thread(w, &rec->th);
	case TRZ_REC_META: return trz_write_meta(w, rec->meta.key, rec->meta.value);
	case TRZ_REC_STATE: return trz_write_state(w, &rec->state);
	case TRZ_REC_STRING: return trz_write_string(w, &rec->str);
	}
	return -EINVAL;
}

void trz_writer_set_flush_hook(struct trz_writer *w, trz_flush_hook_fn fn, void *ctx)
{
	w->hook = fn;
	w->hook_ctx = ctx;
}

uint64_t trz_writer_bytes(const struct trz_writer *w)
{
	return w ? w->bytes : 0;
}

int trz_writer_close(struct trz_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = w->fd >= 0 ? trz_writer_flush(w) : 0;
	if (w->fd >= 0) {
		if (fsync(w->fd) < 0 && errno != EINVAL && errno != EROFS && !err)
			err = -errno;
		if (close(w->fd) < 0 && !err)
			err = -errno;
	}
	for (int i = 0; i < TRZ_NCOLS_ALL; i++)
		trz_buf_free(&w->col[i]);
	trz_buf_free(&w->out);
	trz_buf_free(&w->raw);
	trz_bstate_free(&w->st);
	free(w);
	return err;
}

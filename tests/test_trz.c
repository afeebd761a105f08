/* test_trz.c - the .trz writer and reader: round trips of every record kind, truncation at
 * every byte, random corruption, append, and files that are not trz files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "trz/trz.h"
#include "trz/trz_format.h"

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static char *tmp_path(void)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/test_trz.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

/* A sketch that adds up for a gap of lost events: up to 3 tokens, some "other". */
static void make_sketch(struct trz_sketch *sk, uint64_t lost, int i)
{
	uint64_t left = lost;

	memset(sk, 0, sizeof(*sk));
	sk->present = 1;
	sk->other = i % 3 == 0 ? lost / 3 : 0;
	left -= sk->other;
	for (int k = 0; k < 3 && left; k++) {
		uint64_t c = k == 2 ? left : (left + 1) / 2;

		sk->toks[k] = (struct trz_sketch_cnt){
			.tok = { .nr = (k * 7 + i) % 300 - 1, .dir = (uint8_t)(k % 2) }, .count = c
		};
		sk->ntoks++;
		left -= c;
	}
	sk->nfirst = (uint8_t)(lost < 8 ? lost : 8);
	sk->nlast = (uint8_t)(lost < 8 ? lost : 8);
	for (int k = 0; k < sk->nfirst; k++)
		sk->first[k] = (struct trz_token){ .nr = k + i % 5, .dir = (uint8_t)(k % 2) };
	for (int k = 0; k < sk->nlast; k++)
		sk->last[k] = (struct trz_token){ .nr = 400 - k, .dir = (uint8_t)(k % 2) };
	sk->t_first_ns = 5000000ull + (uint64_t)i;
	sk->t_last_ns = sk->t_first_ns + (uint64_t)i * 3;
}

/* Deterministic record i of a mixed stream: mostly events, some of every other kind. */
static void make_record(struct trz_record *rec, int i)
{
	memset(rec, 0, sizeof(*rec));
	if (i % 97 == 5) {
		rec->kind = TRZ_REC_META;
		snprintf(rec->meta.key, sizeof(rec->meta.key), "key%d", i);
		snprintf(rec->meta.value, sizeof(rec->meta.value), "value of %d with spaces", i);
	} else if (i % 53 == 7) {
		rec->kind = TRZ_REC_THREAD;
		rec->th.ts_ns = 1000000ull + (uint64_t)i * 1000;
		rec->th.pid = 100 + i % 3;
		rec->th.tid = 200 + i % 7;
		rec->th.ppid = 1;
		rec->th.what = (uint8_t)(i % 4);
		snprintf(rec->th.comm, sizeof(rec->th.comm), "comm%d", i);
		snprintf(rec->th.path, sizeof(rec->th.path), "/usr/bin/prog%d", i);
		if (rec->th.what == TRZ_THREAD_EXIT && i % 2) {
			rec->th.has_status = 1;
			rec->th.exit_status = i % 3 ? (i % 256) << 8 : 9; /* exit code or SIGKILL */
		}
	} else if (i % 41 == 3) {
		rec->kind = TRZ_REC_GAP;
		rec->gap.id = (uint64_t)i;
		rec->gap.lost = (uint64_t)i % 17;
		rec->gap.seq_first = (uint64_t)i * 3;
		rec->gap.seq_last = (uint64_t)i * 3 + rec->gap.lost;
		rec->gap.t_start_ns = 1000000ull + (uint64_t)i * 1000;
		rec->gap.t_end_ns = i % 2 ? UINT64_MAX : rec->gap.t_start_ns + 500;
		rec->gap.attributed = (uint8_t)(i % 2);
		rec->gap.pid = rec->gap.attributed ? 100u : 0u;
		rec->gap.tid = rec->gap.attributed ? 200u + (uint32_t)i % 7 : 0u;
		rec->gap.cpu = rec->gap.attributed ? TRZ_NO_CPU : (uint16_t)(i % 4);
		if (rec->gap.attributed && rec->gap.lost)
			make_sketch(&rec->gap.sketch, rec->gap.lost, i);
	} else if (i % 89 == 13) {
		struct trz_state *st = &rec->state;

		rec->kind = TRZ_REC_STATE;
		st->what = i % 2 ? TRZ_STATE_END : TRZ_STATE_SNAPSHOT;
		st->ts_ns = 1000000ull + (uint64_t)i * 1000;
		st->wall_ns = 1700000000000000000ull + (uint64_t)i;
		st->pending_lost = (uint64_t)i % 5;
		st->other_lost = (uint64_t)i % 3;
		st->ncpus = (uint16_t)(i % 5);
		for (int c = 0; c < st->ncpus; c++)
			st->cpus[c] =
				(struct trz_state_cpu){ (uint64_t)i * 10 + c, (uint64_t)i * 9, c };
		st->nthreads = (uint16_t)(i % 3);
		for (int t = 0; t < st->nthreads; t++)
			st->threads[t] = (struct trz_state_thread){ 200u + t, 100u, (uint64_t)t + 1 };
	} else {
		struct trz_event *ev = &rec->ev;
		rec->kind = i % 31 == 11 ? TRZ_REC_SYNTH : TRZ_REC_EVENT;
		ev->ts_ns = 1000000ull + (uint64_t)i * 1000 + (uint64_t)(i % 13) * 7;
		ev->tid = 200 + (uint32_t)(i / 2) % 7;
		ev->pid = 100 + ev->tid % 3;
		ev->tseq = (uint64_t)i / 2 + (i % 29 == 0 ? 5 : 0);
		ev->cseq = (uint64_t)i;
		ev->cpu = i % 19 == 0 ? TRZ_NO_CPU : (uint16_t)(i % 4 + (i % 23 == 0 ? 5000 : 0));
		ev->dir = (uint8_t)(i % 2);
		ev->nr = i % 37 == 0 ? -1 : (i / 2) % 11;
		ev->ret = ev->dir == TRZ_EXIT ? (i % 5 == 0 ? -2 : (int64_t)i * 4096) : 0;
		if (i % 43 == 0)
			ev->ret = 7; /* entry with a return value: must survive too */
		if (ev->dir == TRZ_ENTRY && i % 3 == 0) {
			ev->nargs = TRZ_MAX_ARGS;
			for (int a = 0; a < TRZ_MAX_ARGS; a++)
				ev->args[a] = (uint64_t)i * 0x10001 + (uint64_t)a -
					      (a == 5 ? 1u << 31 : 0);
		}
		if (rec->kind == TRZ_REC_SYNTH) {
			rec->syn.gap_id = (uint64_t)i;
			rec->syn.confidence = (float)(i % 100) / 99.0f;
		}
	}
}

static void assert_record_eq(const struct trz_record *a, const struct trz_record *b)
{
	assert_int_equal(a->kind, b->kind);
	switch (a->kind) {
	case TRZ_REC_EVENT: assert_memory_equal(&a->ev, &b->ev, sizeof(a->ev)); break;
	case TRZ_REC_SYNTH: assert_memory_equal(&a->syn, &b->syn, sizeof(a->syn)); break;
	case TRZ_REC_GAP: assert_memory_equal(&a->gap, &b->gap, sizeof(a->gap)); break;
	case TRZ_REC_THREAD:
		assert_memory_equal(&a->th, &b->th, offsetof(struct trz_thread, comm));
		assert_string_equal(a->th.comm, b->th.comm);
		assert_string_equal(a->th.path, b->th.path);
		break;
	case TRZ_REC_META:
		assert_string_equal(a->meta.key, b->meta.key);
		assert_string_equal(a->meta.value, b->meta.value);
		break;
	case TRZ_REC_STRING:
		assert_memory_equal(&a->str, &b->str, offsetof(struct trz_string, s));
		assert_memory_equal(a->str.s, b->str.s, a->str.len);
		break;
	case TRZ_REC_STATE:
		assert_memory_equal(&a->state, &b->state, offsetof(struct trz_state, cpus));
		assert_memory_equal(a->state.cpus, b->state.cpus,
				    a->state.ncpus * sizeof(a->state.cpus[0]));
		assert_memory_equal(a->state.threads, b->state.threads,
				    a->state.nthreads * sizeof(a->state.threads[0]));
		break;
	}
}

static void write_file(const char *path, int n, uint32_t block_events)
{
	struct trz_writer_opts o = { .block_events = block_events };
	struct trz_writer *w = trz_writer_open(path, &o);
	struct trz_record *rec = malloc(sizeof(*rec));

	assert_non_null(w);
	assert_non_null(rec);
	for (int i = 0; i < n; i++) {
		make_record(rec, i);
		assert_int_equal(trz_write_record(w, rec), 0);
	}
	assert_int_equal(trz_writer_close(w), 0);
	free(rec);
}

static int block_offsets(const char *path, uint64_t *offs, int max);

struct warns {
	int n;
	char last[256];
};

static void count_warn(void *ctx, const char *msg)
{
	struct warns *w = ctx;
	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

/* Block offsets of the intact file, so that records of any damaged copy can be matched to
 * their index (blocks hold block_events records; damage does not move bytes). */
static uint64_t g_offs[64];
static int g_nb;

/* Read path; returns the number of records, checking each against make_record(). */
static int read_check(const char *path, uint32_t block_events, struct trz_reader_stats *st,
		      struct warns *wn)
{
	struct trz_reader *r = trz_reader_open(path, count_warn, wn);
	struct trz_record *got = malloc(sizeof(*got)), *want = malloc(sizeof(*want));
	uint64_t cur_off = 0;
	int n = 0, idx = 0, err;

	assert_non_null(r);
	while ((err = trz_read_next(r, got)) == 1) {
		if (got->offset != cur_off) {
			int b = 0;
			while (b < g_nb && g_offs[b] != got->offset)
				b++;
			assert_true(b < g_nb);
			idx = b * (int)block_events;
			cur_off = got->offset;
		}
		make_record(want, idx++);
		assert_record_eq(got, want);
		n++;
	}
	assert_int_equal(err, 0);
	trz_reader_stats(r, st);
	trz_reader_close(r);
	free(got);
	free(want);
	return n;
}

static void test_trz_roundtrip_all_kinds(void **state)
{
	struct trz_reader_stats st;
	struct warns wn = { 0 };
	char *path = tmp_path();
	struct stat sb;

	(void)state;
	write_file(path, 3000, 256);
	g_nb = block_offsets(path, g_offs, 64);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(read_check(path, 256, &st, &wn), 3000);
	assert_int_equal(st.blocks_ok, (3000 + 255) / 256);
	assert_int_equal(st.blocks_bad, 0);
	assert_int_equal(st.truncated, 0);
	assert_int_equal(st.version, TRZ_VERSION);
	assert_int_equal(st.file_bytes, (uint64_t)sb.st_size);
	assert_int_equal(wn.n, 0);
	unlink(path);
}

/* Extreme field values survive: full 64-bit ranges, long strings cut, every kind alone. */
static void test_trz_roundtrip_extremes(void **state)
{
	char *path = tmp_path();
	struct trz_writer *w = trz_writer_open(path, NULL);
	struct trz_record *rec = calloc(1, sizeof(*rec));
	struct trz_event ev = { .ts_ns = UINT64_MAX,
				.tseq = UINT64_MAX,
				.cseq = 0,
				.ret = INT64_MIN,
				.pid = UINT32_MAX,
				.tid = UINT32_MAX,
				.nr = INT32_MIN,
				.cpu = 0xfffe,
				.dir = TRZ_EXIT,
				.nargs = TRZ_MAX_ARGS,
				.args = { UINT64_MAX, 0, 1, UINT64_MAX - 1, 1ull << 63, 42 } };
	struct trz_event ev2 = { .ts_ns = 0,
				 .tseq = 0,
				 .cseq = UINT64_MAX,
				 .ret = INT64_MAX,
				 .nr = INT32_MAX,
				 .cpu = 0,
				 .dir = TRZ_EXIT };
	char *longv = malloc(10000);
	struct trz_reader *r;

	(void)state;
	assert_non_null(w);
	memset(longv, 'x', 9999);
	longv[9999] = 0;
	assert_int_equal(trz_write_event(w, &ev), 0);
	assert_int_equal(trz_write_event(w, &ev2), 0);
	struct trz_thread th1 = { .ts_ns = UINT64_MAX,
				  .pid = 0,
				  .tid = UINT32_MAX,
				  .ppid = UINT32_MAX,
				  .what = TRZ_THREAD_EXIT,
				  .comm = "0123456789abcde" };
	struct trz_thread th2 = { .ts_ns = 0, .pid = UINT32_MAX, .tid = 0, .ppid = 0 };
	const int64_t rets[] = { 5,         5,  -2,        1ll << 40, (1ll << 40) + 8, INT64_MIN,
				 INT64_MAX, -1, INT64_MIN, 0,         1ll << 62,       -(1ll << 62),
				 3 };
	const int nrets = (int)(sizeof(rets) / sizeof(rets[0]));
	assert_int_equal(trz_write_thread(w, &th1), 0);
	assert_int_equal(trz_write_thread(w, &th2), 0);
	for (int i = 0; i < nrets; i++) {
		struct trz_event e = { .ts_ns = (uint64_t)i,
				       .tid = 9,
				       .nr = 0,
				       .dir = TRZ_EXIT,
				       .ret = rets[i],
				       .tseq = (uint64_t)i };
		assert_int_equal(trz_write_event(w, &e), 0);
	}
	assert_int_equal(trz_write_meta(w, "cmdline", longv), 0);
	assert_int_equal(trz_write_meta(w, "empty", ""), 0);
	/* invalid records are refused without harming the file */
	struct trz_event bad = ev;
	bad.nargs = 3;
	assert_int_equal(trz_write_event(w, &bad), -EINVAL);
	struct trz_synth syn = { .ev = ev2, .gap_id = 1, .confidence = 1.5f };
	assert_int_equal(trz_write_synth(w, &syn), -EINVAL);
	struct trz_gap gap = { .id = 0 };
	assert_int_equal(trz_write_gap(w, &gap), -EINVAL);
	assert_int_equal(trz_write_meta(w, "", "x"), -EINVAL);
	assert_int_equal(trz_writer_close(w), 0);

	r = trz_reader_open(path, NULL, NULL);
	assert_non_null(r);
	assert_int_equal(trz_read_next(r, rec), 1);
	assert_memory_equal(&rec->ev, &ev, sizeof(ev));
	assert_int_equal(trz_read_next(r, rec), 1);
	assert_memory_equal(&rec->ev, &ev2, sizeof(ev2));
	assert_int_equal(trz_read_next(r, rec), 1);
	assert_memory_equal(&rec->th, &th1, offsetof(struct trz_thread, comm));
	assert_string_equal(rec->th.comm, th1.comm);
	assert_string_equal(rec->th.path, th1.path);
	assert_int_equal(trz_read_next(r, rec), 1);
	assert_memory_equal(&rec->th, &th2, offsetof(struct trz_thread, comm));
	assert_string_equal(rec->th.comm, th2.comm);
	assert_string_equal(rec->th.path, th2.path);
	for (int i = 0; i < nrets; i++) {
		assert_int_equal(trz_read_next(r, rec), 1);
		assert_int_equal(rec->kind, TRZ_REC_EVENT);
		assert_int_equal(rec->ev.ret, rets[i]);
		assert_int_equal(rec->ev.ts_ns, (uint64_t)i);
	}
	assert_int_equal(trz_read_next(r, rec), 1);
	assert_int_equal(rec->kind, TRZ_REC_META);
	assert_int_equal(strlen(rec->meta.value), TRZ_PATH_MAX - 1);
	assert_int_equal(trz_read_next(r, rec), 1);
	assert_string_equal(rec->meta.key, "empty");
	assert_string_equal(rec->meta.value, "");
	assert_int_equal(trz_read_next(r, rec), 0);
	/* rewind gives the same records again */
	assert_int_equal(trz_reader_rewind(r), 0);
	assert_int_equal(trz_read_next(r, rec), 1);
	assert_memory_equal(&rec->ev, &ev, sizeof(ev));
	trz_reader_close(r);
	free(rec);
	free(longv);
	unlink(path);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat sb;
	int fd = open(path, O_RDONLY);
	uint8_t *p;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	p = malloc((size_t)sb.st_size + 1);
	assert_non_null(p);
	assert_int_equal(read(fd, p, (size_t)sb.st_size), sb.st_size);
	close(fd);
	*len = (size_t)sb.st_size;
	return p;
}

static void spit(const char *path, const uint8_t *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, len), (ssize_t)len);
	close(fd);
}

/* Block boundaries of a file, found by reading it (offsets of each block's records). */
static int block_offsets(const char *path, uint64_t *offs, int max)
{
	struct trz_reader *r = trz_reader_open(path, NULL, NULL);
	struct trz_record *rec = malloc(sizeof(*rec));
	int n = 0;

	assert_non_null(r);
	while (trz_read_next(r, rec) == 1)
		if ((n == 0 || offs[n - 1] != rec->offset) && n < max)
			offs[n++] = rec->offset;
	trz_reader_close(r);
	free(rec);
	return n;
}

static void test_trz_truncation_every_offset(void **state)
{
	char *path = tmp_path();
	char cut[80];
	uint64_t offs[16];
	size_t len;
	uint8_t *full;
	const uint32_t be = 20;
	const int nrec = 70; /* 4 blocks */

	(void)state;
	write_file(path, nrec, be);
	full = slurp(path, &len);
	int nb = g_nb = block_offsets(path, g_offs, 64);
	memcpy(offs, g_offs, sizeof(offs));
	assert_int_equal(nb, 4);
	snprintf(cut, sizeof(cut), "%s.cut", path);
	for (size_t l = 0; l <= len; l++) {
		spit(cut, full, l);
		struct trz_reader *r = trz_reader_open(cut, NULL, NULL);
		if (l < 16) {
			assert_null(r);
			assert_int_equal(errno, EINVAL);
			continue;
		}
		trz_reader_close(r);
		struct trz_reader_stats st;
		struct warns wn = { 0 };
		int complete = 0;
		for (int b = 1; b < nb; b++)
			complete += offs[b] <= l;
		complete += l == len;
		int want = complete == nb ? nrec : complete * (int)be;
		assert_int_equal(read_check(cut, be, &st, &wn), want);
		assert_int_equal(st.blocks_bad, 0);
		int at_boundary = l == 16 || l == len;
		for (int b = 1; b < nb; b++)
			at_boundary |= offs[b] == l;
		assert_int_equal(st.truncated, !at_boundary);
		assert_int_equal(wn.n, !at_boundary);
	}
	unlink(cut);
	unlink(path);
	free(full);
}

/* trz_reader_reset_mem: one memory reader over several files (two traces of different sizes
 * and block layouts, a non-trace in between) reads each exactly as a fresh reader does. */
static void test_trz_reset_mem(void **state)
{
	char *pa = strdup(tmp_path()), *pb = strdup(tmp_path());
	size_t la, lb;
	uint8_t *fa, *fb, junk[64] = "not a trace";
	struct trz_record *rec = malloc(sizeof(*rec)), *want = malloc(sizeof(*want));
	struct trz_reader_stats st;

	(void)state;
	write_file(pa, 70, 20);
	write_file(pb, 9, 4);
	fa = slurp(pa, &la);
	fb = slurp(pb, &lb);
	struct trz_reader *r = trz_reader_open_mem(fa, la, NULL, NULL);
	assert_non_null(r);
	const uint8_t *bufs[] = { fb, junk, fa, fb };
	size_t lens[] = { lb, sizeof(junk), la, lb - 5 /* truncated */ };
	for (int k = -1; k < 4; k++) {
		const uint8_t *b = k < 0 ? fa : bufs[k];
		size_t l = k < 0 ? la : lens[k];
		if (k >= 0 && b == junk) {
			assert_int_equal(trz_reader_reset_mem(r, b, l), -EINVAL);
			assert_int_equal(trz_read_next(r, rec), 0);
			continue;
		}
		if (k >= 0)
			assert_int_equal(trz_reader_reset_mem(r, b, l), 0);
		struct trz_reader *fresh = trz_reader_open_mem(b, l, NULL, NULL);
		int n = 0, rc;
		assert_non_null(fresh);
		while ((rc = trz_read_next(fresh, want)) == 1) {
			assert_int_equal(trz_read_next(r, rec), 1);
			assert_record_eq(rec, want);
			n++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(trz_read_next(r, rec), 0);
		assert_true(n > 0);
		trz_reader_stats(r, &st);
		struct trz_reader_stats sf;
		trz_reader_stats(fresh, &sf);
		assert_int_equal(st.file_bytes, l);
		assert_int_equal(st.blocks_ok, sf.blocks_ok);
		assert_int_equal(st.truncated, sf.truncated);
		assert_int_equal(st.truncated, k == 3);
		trz_reader_close(fresh);
	}
	trz_reader_close(r);
	unlink(pa);
	unlink(pb);
	free(fa);
	free(fb);
	free(rec);
	free(want);
	free(pa);
	free(pb);
}

static void make_string(struct trz_string *s, const struct trz_event *ev, int i, int k);

/* A reader reset (to something that is not a trace) in the middle of a block whose STRING
 * records are not all read returns nothing more: no string of the previous buffer. */
static void test_trz_reset_mem_strings(void **state)
{
	char *path = tmp_path();
	struct trz_record *rec = malloc(sizeof(*rec));
	struct trz_writer *w = trz_writer_open(path, NULL);
	uint8_t junk[64] = "not a trace";
	size_t len;

	(void)state;
	assert_non_null(w);
	make_record(rec, 1); /* an event */
	assert_int_equal(rec->kind, TRZ_REC_EVENT);
	assert_int_equal(trz_write_event(w, &rec->ev), 0);
	for (int k = 0; k < 2; k++) {
		make_string(&rec->str, &rec->ev, 2 + k, k);
		assert_int_equal(trz_write_string(w, &rec->str), 0);
	}
	make_record(rec, 2);
	assert_int_equal(trz_write_event(w, &rec->ev), 0);
	assert_int_equal(trz_writer_close(w), 0);
	uint8_t *buf = slurp(path, &len);
	struct trz_reader *r = trz_reader_open_mem(buf, len, NULL, NULL);
	assert_non_null(r);
	assert_int_equal(trz_read_next(r, rec), 1);
	assert_int_equal(rec->kind, TRZ_REC_EVENT);
	assert_int_equal(trz_reader_reset_mem(r, junk, sizeof(junk)), -EINVAL);
	free(buf); /* the old buffer is gone: nothing may read it */
	assert_int_equal(trz_read_next(r, rec), 0);
	trz_reader_close(r);
	free(rec);
	unlink(path);
}

static void test_trz_random_corruption(void **state)
{
	char *path = tmp_path();
	char bad[80];
	uint64_t offs[64], seed = 0x9e3779b97f4a7c15ull;
	size_t len;
	const uint32_t be = 50;
	const int nrec = 1000;

	(void)state;
	write_file(path, nrec, be);
	uint8_t *full = slurp(path, &len);
	int nb = g_nb = block_offsets(path, g_offs, 64);
	memcpy(offs, g_offs, sizeof(offs));
	assert_int_equal(nb, 20);
	uint8_t *buf = malloc(len);
	snprintf(bad, sizeof(bad), "%s.bad", path);
	for (int trial = 0; trial < 200; trial++) {
		memcpy(buf, full, len);
		/* corrupt 1..3 bytes inside one block (header or payload) */
		int b = (int)(rng_next(&seed) % (uint64_t)nb);
		uint64_t end = b + 1 < nb ? offs[b + 1] : len;
		int nflip = 1 + (int)(rng_next(&seed) % 3);
		for (int k = 0; k < nflip; k++) {
			uint64_t at = offs[b] + rng_next(&seed) % (end - offs[b]);
			buf[at] ^= (uint8_t)(1 + rng_next(&seed) % 255);
		}
		spit(bad, buf, len);
		struct trz_reader_stats st;
		struct warns wn = { 0 };
		int n = read_check(bad, be, &st, &wn);
		assert_int_equal(st.blocks_bad, 1);
		assert_int_equal(st.blocks_ok, nb - 1);
		assert_int_equal(n, nrec - (int)be);
		assert_int_equal(wn.n, 1);
		assert_non_null(strstr(wn.last, "offset"));
	}
	/* garbage everywhere: never crashes, never loops */
	for (int trial = 0; trial < 100; trial++) {
		memcpy(buf, full, len);
		for (size_t i = 16; i < len; i++)
			if (rng_next(&seed) % 64 == 0)
				buf[i] = (uint8_t)rng_next(&seed);
		spit(bad, buf, len);
		struct trz_reader *r = trz_reader_open(bad, NULL, NULL);
		struct trz_record *rec = malloc(sizeof(*rec));
		assert_non_null(r);
		int k = 0;
		while (trz_read_next(r, rec) == 1)
			k++;
		assert_true(k <= nrec);
		trz_reader_close(r);
		free(rec);
	}
	unlink(bad);
	unlink(path);
	free(buf);
	free(full);
}

static void test_trz_bad_files(void **state)
{
	char *path = tmp_path();
	uint8_t hdr[16];
	size_t len;

	(void)state;
	/* empty */
	spit(path, hdr, 0);
	assert_null(trz_reader_open(path, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err_text(), "empty"));
	/* wrong magic */
	spit(path, (const uint8_t *)"PK\003\004 this is a zip file", 24);
	assert_null(trz_reader_open(path, NULL, NULL));
	assert_non_null(strstr(err_text(), "magic"));
	/* future version */
	write_file(path, 10, 0);
	uint8_t *p = slurp(path, &len);
	memcpy(hdr, p, 16);
	p[8] = TRZ_VERSION + 1;
	spit(path, p, len);
	assert_null(trz_reader_open(path, NULL, NULL));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err_text(), "version 3"));
	/* missing */
	assert_null(trz_reader_open("/nonexistent/x.trz", NULL, NULL));
	assert_int_equal(errno, ENOENT);
	/* header only: a valid, empty trace */
	spit(path, hdr, 16);
	struct trz_reader *r = trz_reader_open(path, NULL, NULL);
	struct trz_record *rec = malloc(sizeof(*rec));
	assert_non_null(r);
	assert_int_equal(trz_read_next(r, rec), 0);
	trz_reader_close(r);
	free(rec);
	free(p);
	unlink(path);
}

/* Version 1 is still written on request and read: no sketch, no exit status, no STATE; the
 * reader decodes each file by its own version. */
static void test_trz_version1(void **state)
{
	char *path = tmp_path();
	struct trz_writer_opts o = { .block_events = 64, .version = 1 };
	struct trz_writer *w = trz_writer_open(path, &o);
	struct trz_record *rec = malloc(sizeof(*rec)), *got = malloc(sizeof(*rec));
	struct trz_reader_stats st;
	struct trz_reader *r;
	int n = 0, state_rejected = 0, sketches = 0;

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < 600; i++) {
		make_record(rec, i);
		int err = trz_write_record(w, rec);
		if (rec->kind == TRZ_REC_STATE) {
			assert_int_equal(err, -EINVAL);
			state_rejected++;
		} else {
			assert_int_equal(err, 0);
		}
	}
	assert_int_equal(trz_writer_close(w), 0);
	assert_true(state_rejected > 0);
	r = trz_reader_open(path, NULL, NULL);
	assert_non_null(r);
	for (int i = 0; i < 600; i++) {
		make_record(rec, i);
		if (rec->kind == TRZ_REC_STATE)
			continue;
		assert_int_equal(trz_read_next(r, got), 1);
		if (rec->kind == TRZ_REC_GAP) {
			sketches += rec->gap.sketch.present;
			memset(&rec->gap.sketch, 0, sizeof(rec->gap.sketch)); /* dropped in v1 */
		}
		if (rec->kind == TRZ_REC_THREAD)
			rec->th.has_status = 0, rec->th.exit_status = 0;
		assert_record_eq(rec, got);
		n++;
	}
	assert_int_equal(trz_read_next(r, got), 0);
	assert_true(sketches > 0 && n > 500);
	trz_reader_stats(r, &st);
	assert_int_equal(st.version, 1);
	trz_reader_close(r);
	free(rec);
	free(got);
	unlink(path);
}

/* String i of the strings test: paths, odd bytes, cut ones, argv elements. */
static void make_string(struct trz_string *s, const struct trz_event *ev, int i, int k)
{
	memset(s, 0, sizeof(*s));
	s->tid = ev->tid;
	s->tseq = ev->tseq;
	s->nr = ev->nr;
	s->arg = (uint8_t)(k == 2 ? 1 : k);
	if (k == 2) {
		s->flags = TRZ_STR_ELEM | (i % 2 ? TRZ_STR_MORE : 0);
		s->index = (uint16_t)(i % 300);
	} else if (i % 7 == 0) {
		s->flags = TRZ_STR_CUT;
	}
	if (i % 5 == 0)
		s->len = (uint32_t)snprintf(s->s, sizeof(s->s), "/tmp/\x01\xff\"q\"\n%d", i);
	else if (i % 17 == 0)
		s->len = 0; /* an empty string */
	else if (i % 19 == 0) {
		memset(s->s, 'a' + i % 26, TRZ_STRING_MAX - 1); /* the longest */
		s->len = TRZ_STRING_MAX - 1;
	} else
		s->len = (uint32_t)snprintf(s->s, sizeof(s->s), "/usr/lib/file-%d.so", i);
}

/* STRING records come back right before their events, in order, across block boundaries and
 * at a block's end; a version 1 writer drops them; invalid ones are refused. */
static void test_trz_strings(void **state)
{
	char *path = tmp_path();
	struct trz_record *rec = malloc(sizeof(*rec)), *got = malloc(sizeof(*rec));
	struct trz_record *seq = calloc(2400, sizeof(*seq));
	int n = 0, nstr = 0;

	(void)state;
	assert_non_null(seq);
	for (int version = 2; version >= 1; version--) {
		struct trz_writer_opts o = { .block_events = 37, .version = version };
		struct trz_writer *w = trz_writer_open(path, &o);
		struct trz_reader *r;

		assert_non_null(w);
		n = nstr = 0;
		for (int i = 0; i < 600; i++) {
			make_record(rec, i);
			if (rec->kind == TRZ_REC_STATE && version == 1)
				continue;
			if (rec->kind == TRZ_REC_EVENT && rec->ev.dir == TRZ_ENTRY && i % 3 != 1) {
				for (int k = 0; k < 1 + i % 3; k++) {
					struct trz_record *s = &seq[n];

					s->kind = TRZ_REC_STRING;
					make_string(&s->str, &rec->ev, i, k);
					assert_int_equal(trz_write_string(w, &s->str), 0);
					if (version == 2)
						n++, nstr++;
				}
			}
			assert_int_equal(trz_write_record(w, rec), 0);
			seq[n++] = *rec;
		}
		/* a string whose event never came: the last thing in the file */
		seq[n].kind = TRZ_REC_STRING;
		make_string(&seq[n].str, &seq[0].ev, 5, 0);
		assert_int_equal(trz_write_string(w, &seq[n].str), 0);
		n += version == 2;
		assert_int_equal(trz_writer_close(w), 0);
		r = trz_reader_open(path, NULL, NULL);
		assert_non_null(r);
		for (int i = 0; i < n; i++) {
			assert_int_equal(trz_read_next(r, got), 1);
			if (got->kind == TRZ_REC_THREAD && version == 1)
				seq[i].th.has_status = 0, seq[i].th.exit_status = 0;
			if (got->kind == TRZ_REC_GAP && version == 1)
				memset(&seq[i].gap.sketch, 0, sizeof(seq[i].gap.sketch));
			assert_record_eq(got, &seq[i]);
		}
		assert_int_equal(trz_read_next(r, got), 0);
		trz_reader_close(r);
		if (version == 2)
			assert_true(nstr > 300);
	}
	/* invalid strings: nothing written */
	struct trz_writer *w = trz_writer_open(path, NULL);
	struct trz_string *s = &rec->str;
	assert_non_null(w);
	make_string(s, &seq[0].ev, 1, 0);
	s->arg = 6;
	assert_int_equal(trz_write_string(w, s), -EINVAL);
	s->arg = 0;
	s->flags = 8;
	assert_int_equal(trz_write_string(w, s), -EINVAL);
	s->flags = TRZ_STR_MORE;
	assert_int_equal(trz_write_string(w, s), -EINVAL);
	s->flags = 0;
	s->s[1] = '\0';
	assert_int_equal(trz_write_string(w, s), -EINVAL);
	s->len = TRZ_STRING_MAX;
	assert_int_equal(trz_write_string(w, s), -EINVAL);
	assert_int_equal(trz_writer_close(w), 0);
	struct trz_reader *r = trz_reader_open(path, NULL, NULL);
	assert_non_null(r);
	assert_int_equal(trz_read_next(r, got), 0);
	trz_reader_close(r);
	free(seq);
	free(rec);
	free(got);
	unlink(path);
}

/* Sketches that do not add up are refused by the writer, nothing written. */
static void test_trz_bad_sketch(void **state)
{
	char *path = tmp_path();
	struct trz_writer *w = trz_writer_open(path, NULL);
	struct trz_gap *g = calloc(1, sizeof(*g));

	(void)state;
	assert_non_null(w);
	g->id = 1;
	g->lost = 10;
	g->attributed = 1;
	make_sketch(&g->sketch, 10, 1);
	assert_int_equal(trz_write_gap(w, g), 0);
	assert_true(trz_sketch_exact(g));
	assert_int_equal(trz_sketch_known(g), 10);
	g->lost = 11; /* counts no longer add up */
	assert_int_equal(trz_write_gap(w, g), -EINVAL);
	g->lost = 10;
	g->sketch.toks[1].tok = g->sketch.toks[0].tok; /* a token counted twice */
	assert_int_equal(trz_write_gap(w, g), -EINVAL);
	make_sketch(&g->sketch, 10, 1);
	g->sketch.toks[0].count = 0;
	g->sketch.other = 10 - g->sketch.toks[1].count - g->sketch.toks[2].count;
	assert_int_equal(trz_write_gap(w, g), -EINVAL); /* count 0 */
	make_sketch(&g->sketch, 10, 3);                 /* i % 3 == 0: partial */
	assert_int_equal(trz_write_gap(w, g), 0);
	assert_false(trz_sketch_exact(g));
	assert_int_equal(trz_sketch_known(g), 10 - g->sketch.other);
	assert_int_equal(trz_writer_close(w), 0);
	free(g);
	unlink(path);
}

static void test_trz_append(void **state)
{
	char *path = tmp_path();
	struct trz_writer_opts o = { .block_events = 100, .append = 1 };
	struct trz_record *rec = malloc(sizeof(*rec));
	struct trz_reader_stats st;
	struct warns wn = { 0 };

	(void)state;
	unlink(path);
	/* append to a missing file creates it; a second writer continues it */
	for (int part = 0; part < 2; part++) {
		struct trz_writer *w = trz_writer_open(path, &o);
		assert_non_null(w);
		for (int i = part * 100; i < part * 100 + 100; i++) {
			make_record(rec, i);
			assert_int_equal(trz_write_record(w, rec), 0);
		}
		assert_int_equal(trz_writer_flush(w), 0);
		assert_int_equal(trz_writer_close(w), 0);
	}
	g_nb = block_offsets(path, g_offs, 64);
	assert_int_equal(g_nb, 2);
	assert_int_equal(read_check(path, 100, &st, &wn), 200);
	assert_int_equal(st.blocks_ok, 2);
	/* appending to something else is refused */
	spit(path, (const uint8_t *)"not a trace at all", 18);
	assert_null(trz_writer_open(path, &o));
	assert_int_equal(errno, EINVAL);
	free(rec);
	unlink(path);
}

/* flush makes everything written so far readable while the writer stays open */
static void test_trz_flush_live(void **state)
{
	char *path = tmp_path();
	struct trz_writer *w = trz_writer_open(path, NULL);
	struct trz_record *rec = malloc(sizeof(*rec));
	struct trz_reader_stats st;
	struct warns wn = { 0 };

	(void)state;
	assert_non_null(w);
	for (int i = 0; i < 10; i++) {
		make_record(rec, i);
		assert_int_equal(trz_write_record(w, rec), 0);
	}
	uint64_t before = trz_writer_bytes(w);
	assert_int_equal(before, 16);
	assert_int_equal(trz_writer_flush(w), 0);
	assert_true(trz_writer_bytes(w) > before);
	assert_int_equal(trz_writer_flush(w), 0); /* empty flush is a no-op */
	g_nb = block_offsets(path, g_offs, 64);
	assert_int_equal(read_check(path, 65536, &st, &wn), 10);
	assert_int_equal(trz_writer_close(w), 0);
	free(rec);
	unlink(path);
}

/* Blocks whose CRCs are right but whose payload is garbage: the decoder itself must reject
 * (or survive) every malformed column, varint, reference and string. */
static void test_trz_decoder_fuzz(void **state)
{
	char *path = tmp_path();
	uint64_t seed = 12345;
	size_t len;
	int accepted = 0, rejected = 0;

	(void)state;
	write_file(path, 400, 0); /* one block */
	uint8_t *full = slurp(path, &len);
	const uint8_t *h = full + TRZ_FILE_HDR_LEN;
	uLongf raw_len = trz_get32(h + TRZ_BH_RAW_LEN);
	uint8_t *raw = malloc(raw_len), *mut = malloc(raw_len + 64);
	assert_int_equal(uncompress(raw, &raw_len, h + TRZ_BLOCK_HDR_LEN,
				    trz_get32(h + TRZ_BH_COMP_LEN)),
			 Z_OK);
	uLongf cap = compressBound(raw_len + 64);
	uint8_t *file = malloc(TRZ_FILE_HDR_LEN + TRZ_BLOCK_HDR_LEN + cap);
	struct trz_record *rec = malloc(sizeof(*rec));
	for (int trial = 0; trial < 2000; trial++) {
		size_t n = raw_len;
		memcpy(mut, raw, raw_len);
		int k = 1 + (int)(rng_next(&seed) % 4);
		for (int i = 0; i < k; i++) {
			size_t at = rng_next(&seed) % n;
			switch (rng_next(&seed) % 4) {
			case 0: mut[at] ^= (uint8_t)(1u << (rng_next(&seed) % 8)); break;
			case 1: mut[at] = (uint8_t)rng_next(&seed); break;
			case 2: mut[at] = 0xff; break;
			default: n = at + 1; break; /* cut the payload */
			}
		}
		uLongf zlen = cap;
		uint8_t *b = file + TRZ_FILE_HDR_LEN;
		memcpy(file, full, TRZ_FILE_HDR_LEN + TRZ_BLOCK_HDR_LEN);
		assert_int_equal(compress2(b + TRZ_BLOCK_HDR_LEN, &zlen, mut, n, 1), Z_OK);
		trz_put32(b + TRZ_BH_COMP_LEN, (uint32_t)zlen);
		trz_put32(b + TRZ_BH_RAW_LEN, (uint32_t)n);
		if (rng_next(&seed) % 8 == 0)
			trz_put32(b + TRZ_BH_NREC, (uint32_t)(rng_next(&seed) % 1000));
		trz_put32(b + TRZ_BH_PAYLOAD_CRC, (uint32_t)crc32(0, b + TRZ_BLOCK_HDR_LEN, zlen));
		trz_put32(b + TRZ_BH_HEADER_CRC, (uint32_t)crc32(0, b, TRZ_BH_HEADER_CRC));
		spit(path, file, TRZ_FILE_HDR_LEN + TRZ_BLOCK_HDR_LEN + zlen);
		struct trz_reader *r = trz_reader_open(path, NULL, NULL);
		struct trz_reader_stats st;
		int got = 0, err;
		assert_non_null(r);
		while ((err = trz_read_next(r, rec)) == 1)
			got++;
		assert_int_equal(err, 0);
		trz_reader_stats(r, &st);
		assert_int_equal(st.blocks_ok + st.blocks_bad, 1);
		if (st.blocks_ok) {
			accepted++;
			assert_int_equal(got, (int)trz_get32(b + TRZ_BH_NREC));
		} else {
			rejected++;
			assert_int_equal(got, 0);
		}
		trz_reader_close(r);
	}
	/* most garbage is caught; some (e.g. a changed return value) is valid data */
	assert_true(rejected > 1300);
	assert_true(accepted > 10);
	free(rec);
	free(file);
	free(mut);
	free(raw);
	free(full);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trz_roundtrip_all_kinds),
		cmocka_unit_test(test_trz_roundtrip_extremes),
		cmocka_unit_test(test_trz_truncation_every_offset),
		cmocka_unit_test(test_trz_reset_mem),
		cmocka_unit_test(test_trz_random_corruption),
		cmocka_unit_test(test_trz_decoder_fuzz),
		cmocka_unit_test(test_trz_bad_files),
		cmocka_unit_test(test_trz_append),
		cmocka_unit_test(test_trz_version1),
		cmocka_unit_test(test_trz_bad_sketch),
		cmocka_unit_test(test_trz_strings),
		cmocka_unit_test(test_trz_reset_mem_strings),
		cmocka_unit_test(test_trz_flush_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

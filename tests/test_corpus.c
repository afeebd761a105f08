/* test_corpus.c - corpora from .trz traces (user/corpus_trz.c) and the n-gram model file
 * (model/ngram_file.c). */
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

#include "corpus/corpus.h"
#include "corpus/runs.h"
#include "common/tidmap.h"
#include "common/token.h"
#include "common/vec.h"
#include "ngram/ngram.h"
#include "trz/trz.h"

static char *tmp_path(const char *suffix)
{
	static int k;
	char *p = malloc(64);

	snprintf(p, 64, "/tmp/test_corpus.%d.%d%s", (int)getpid(), k++, suffix);
	return p;
}

static void ev(struct trz_writer *w, uint32_t tid, uint64_t tseq, int32_t nr, int dir)
{
	/* exits return (tseq - 4) * 2000: error, zero, small and large classes */
	struct trz_event e = { .ts_ns = tseq * 10 + tid,
			       .tseq = tseq,
			       .pid = tid,
			       .tid = tid,
			       .nr = nr,
			       .cpu = 0,
			       .dir = dir,
			       .ret = dir ? ((int64_t)tseq - 4) * 2000 : 0 };

	assert_int_equal(trz_write_event(w, &e), 0);
}

/* tid 10: read entry/exit x3 (tseq 1-6), a gap (7-8), then openat entry/exit x2 (9-12);
 * tid 20: write entry/exit x2 (tseq 1-4), a synthetic event, then a hole (tseq 7-8). */
static char *write_trace(void)
{
	char *path = tmp_path(".trz");
	struct trz_writer *w = trz_writer_open(path, NULL);
	struct trz_gap gap = { .id = 1,
			       .lost = 2,
			       .seq_first = 7,
			       .seq_last = 8,
			       .pid = 10,
			       .tid = 10,
			       .cpu = 0,
			       .attributed = 1,
			       .t_end_ns = UINT64_MAX };
	struct trz_synth syn = { .gap_id = 1, .confidence = 0.5f };

	assert_non_null(w);
	for (int i = 0; i < 6; i++) {
		ev(w, 10, 1 + i, 0, i % 2);
		if (i < 4)
			ev(w, 20, 1 + i, 1, i % 2);
	}
	assert_int_equal(trz_write_gap(w, &gap), 0);
	syn.ev.tid = syn.ev.pid = 10;
	syn.ev.tseq = 7;
	syn.ev.nr = 1;
	assert_int_equal(trz_write_synth(w, &syn), 0);
	for (int i = 0; i < 4; i++)
		ev(w, 10, 9 + i, 257, i % 2);
	ev(w, 20, 7, 1, 0);
	ev(w, 20, 8, 1, 1);
	assert_int_equal(trz_writer_close(w), 0);
	return path;
}

static void test_corpus_trz_sequences(void **state)
{
	char *path = write_trace();
	struct corpus_buf cb;
	const struct vocab *v = &cb.vocab;

	(void)state;
	assert_int_equal(corpus_load_trz(&cb, &path, 1, 1), 0);
	/* runs in the order they end: tid10 1-6 (gap record), tid20 1-4 (hole), then the open
	 * runs in order of their thread's first event: tid10 9-12, tid20 7-8 */
	assert_int_equal(cb.c.n, 4);
	assert_int_equal(cb.c.starts[1] - cb.c.starts[0], 6);
	assert_int_equal(cb.c.starts[2] - cb.c.starts[1], 4);
	assert_int_equal(cb.c.starts[3] - cb.c.starts[2], 4);
	assert_int_equal(cb.c.starts[4] - cb.c.starts[3], 2);
	/* vocabulary by frequency: read 3+3, write 3+3, openat 2+2 (the synthetic one skipped) */
	assert_int_equal(v->n, 7);
	assert_int_equal(v->nr[1], 0);
	assert_int_equal(v->dir[1], 0);
	assert_int_equal(v->count[1], 3);
	assert_int_equal(v->nr[3], 1);
	assert_int_equal(v->nr[5], 257);
	assert_int_equal(v->count[5], 2);
	assert_int_equal(cb.c.ids[0], 1);
	assert_int_equal(cb.c.ids[1], 2);
	assert_int_equal(cb.c.ids[6], 3);
	assert_int_equal(cb.c.ids[10], 5);
	assert_int_equal(cb.max_id, 6);
	/* with each event's timestamp and return class (SSSD-S4's aux channels) */
	assert_non_null(cb.ts);
	assert_non_null(cb.rc);
	assert_int_equal(cb.ts[0], 20);               /* tid 10, tseq 1 */
	assert_int_equal(cb.ts[6], 30);               /* tid 20, tseq 1 */
	assert_int_equal(cb.rc[0], IMPUTER_RC_NONE);  /* an entry */
	assert_int_equal(cb.rc[1], IMPUTER_RC_ERROR); /* tseq 2: -4000 */
	assert_int_equal(cb.rc[3], IMPUTER_RC_ZERO);
	assert_int_equal(cb.rc[5], IMPUTER_RC_SMALL);                  /* 4000 */
	assert_int_equal(cb.rc[cb.c.starts[2] + 1], IMPUTER_RC_LARGE); /* tseq 10: 12000 */
	assert_int_equal(cb.ts[cb.c.starts[2] + 3], 130);
	corpus_buf_free(&cb);

	/* runs shorter than 5 events are dropped */
	assert_int_equal(corpus_load_trz(&cb, &path, 1, 5), 0);
	assert_int_equal(cb.c.n, 1);
	assert_int_equal(cb.c.starts[1], 6);
	corpus_buf_free(&cb);
	assert_int_equal(corpus_load_trz(&cb, &path, 1, 7), -EINVAL);
	assert_non_null(strstr(err_text(), "no thread has 7"));
	unlink(path);
	assert_int_equal(corpus_load_trz(&cb, &path, 1, 1), -ENOENT);
	assert_non_null(strstr(err_text(), path));
	free(path);
}

/* The runs builder: runs cut at tseq jumps and gap records, short runs dropped, a token cap,
 * counts over every event (syscall numbers of any size). */
static void test_runs_cut_counts_and_caps(void **state)
{
	struct runs r;
	struct vocab v;
	struct corpus cp;

	(void)state;
	runs_init(&r, 2, 0);
	/* thread 1: 0..9, hole, 15..19; thread 2: 0..4, a gap record, 5..5 (a run of one) */
	for (uint64_t s = 0; s < 10; s++)
		assert_int_equal(runs_event(&r, 1, s, tok_make(3, 0)), 0); /* no times */
	for (uint64_t s = 15; s < 20; s++)
		assert_int_equal(runs_event(&r, 1, s, tok_make(40000, 1)), 0);
	for (uint64_t s = 0; s < 5; s++)
		assert_int_equal(runs_event(&r, 2, s, tok_make(0, 0)), 0);
	assert_int_equal(runs_break(&r, 2), 0);
	assert_int_equal(runs_event(&r, 2, 5, tok_make(0, 1)), 0);
	assert_int_equal(runs_break(&r, 99), 0); /* a thread never seen: nothing to cut */
	assert_int_equal(runs_finish(&r), 0);
	assert_int_equal(r.nseq, 3);
	assert_int_equal(r.ntok, 20);
	assert_int_equal(r.events, 21);
	assert_int_equal(runs_vocab(&r, &v), 0);
	assert_int_equal(v.n, 5);     /* the dropped run's token is counted too */
	assert_int_equal(v.nr[1], 3); /* 10 x entry(3) first */
	assert_int_equal(v.nr[2], 0);
	assert_int_equal(v.nr[3], 40000); /* no syscall number is too large to count */
	assert_int_equal(v.dir[3], 1);
	assert_int_equal(v.count[3], 5);
	assert_int_equal(v.nr[4], 0);
	assert_int_equal(v.dir[4], 1);
	assert_int_equal(runs_ids(&r, &v, &cp), 0);
	assert_int_equal(cp.n, 3);
	assert_int_equal(cp.starts[3], 20);
	assert_int_equal(cp.ids[0], 1);
	assert_int_equal(cp.ids[cp.starts[1]], 2); /* thread 2's run ended first (gap record) */
	assert_false(r.has_aux);                   /* runs_event(): no timestamps */
	runs_free(&r);

	/* at most 12 tokens: the first runs to end, then nothing more */
	runs_init(&r, 1, 12);
	for (uint64_t s = 0; s < 10; s++)
		assert_int_equal(runs_event(&r, 1, s, tok_make(1, s & 1)), 0);
	for (uint64_t s = 0; s < 10; s++)
		assert_int_equal(runs_event(&r, 2, s, tok_make(2, s & 1)), 0);
	assert_int_equal(runs_finish(&r), 0);
	assert_true(r.ntok <= 12);
	assert_int_equal(r.nseq, 2);
	runs_free(&r);
}

/* vec: the array grows by doubling and keeps what it held; tidmap: dense indices in order of
 * first appearance, found again after the table grew. */
static void test_vec_and_tidmap(void **state)
{
	uint64_t *a = NULL;
	size_t cap = 0;
	struct tidmap m = { 0 };

	(void)state;
	for (size_t i = 0; i < 1000; i++) {
		assert_int_equal(VEC_RESERVE(a, cap, i + 1), 0);
		assert_true(cap >= i + 1 && (cap & (cap - 1)) == 0);
		a[i] = i * 7;
	}
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(a[i], i * 7);
	assert_int_equal(VEC_RESERVE(a, cap, SIZE_MAX / 4), -ENOMEM);
	assert_int_equal(a[999], 999 * 7); /* a failed reserve leaves the array */
	free(a);

	assert_int_equal(tidmap_find(&m, 5), -1);
	for (uint32_t k = 0; k < 5000; k++)
		assert_int_equal(tidmap_index(&m, k * 2654435761u), (int32_t)k);
	assert_int_equal(m.n, 5000);
	for (uint32_t k = 0; k < 5000; k++) {
		assert_int_equal(tidmap_find(&m, k * 2654435761u), (int32_t)k);
		assert_int_equal(tidmap_index(&m, k * 2654435761u), (int32_t)k);
	}
	assert_int_equal(tidmap_find(&m, 1), -1);
	tidmap_free(&m);
	assert_int_equal(m.n, 0);
}

static void test_corpus_ngram_file_roundtrip(void **state)
{
	const int32_t ids[] = { 1, 2, 3, 1, 2, 4, 4, 1 };
	const int64_t starts[] = { 0, 3, 8 };
	struct corpus c = { ids, starts, 2 };
	struct vocab v;
	struct ngram_file f;
	char *path = tmp_path(".ngram");
	struct stat st;
	int fd;

	(void)state;
	vocab_anonymous(&v, 4);
	v.nr[1] = 0;
	assert_int_equal(ngram_file_save(path, &c, &v, 12), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(ngram_file_probe(path), 1);
	assert_int_equal(ngram_file_load(path, &f), 0);
	assert_int_equal(f.kmax, 12);
	assert_int_equal(f.c.n, 2);
	assert_int_equal(f.c.starts[1], 3);
	assert_int_equal(f.c.starts[2], 8);
	assert_memory_equal(f.c.ids, ids, sizeof(ids));
	assert_int_equal(f.vocab.n, 5);
	assert_int_equal(f.vocab.nr[1], 0);
	assert_int_equal(f.vocab.nr[2], -1);
	ngram_file_free(&f);
	/* never replaced in place; the same bytes load from memory too */
	assert_int_equal(ngram_file_save(path, &c, &v, 12), -EEXIST);
	{
		static unsigned char buf[4096];
		FILE *fp = fopen(path, "rb");
		size_t n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		assert_int_equal(ngram_file_load_mem(buf, n, &f), 0);
		assert_int_equal(f.c.n, 2);
		ngram_file_free(&f);
		assert_int_equal(ngram_file_load_mem(buf, n - 1, &f), -EIO);
	}

	/* one flipped bit in the ids: CRC mismatch */
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "\x03", 1, st.st_size - 8), 1);
	close(fd);
	assert_int_equal(ngram_file_load(path, &f), -EINVAL);
	assert_non_null(strstr(err_text(), "CRC"));
	/* truncated */
	assert_int_equal(truncate(path, st.st_size - 2), 0);
	assert_int_equal(ngram_file_load(path, &f), -EIO);
	assert_non_null(strstr(err_text(), "truncated"));
	/* foreign */
	assert_int_equal(truncate(path, 0), 0);
	fd = open(path, O_WRONLY);
	assert_int_equal(write(fd, "\x93NUMPY\x01\x00 and more bytes", 24), 24);
	close(fd);
	assert_int_equal(ngram_file_probe(path), 0);
	assert_int_equal(ngram_file_load(path, &f), -EINVAL);
	assert_non_null(strstr(err_text(), "bad magic"));
	unlink(path);
	assert_int_equal(ngram_file_load(path, &f), -ENOENT);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_trz_sequences),
		cmocka_unit_test(test_corpus_ngram_file_roundtrip),
		cmocka_unit_test(test_runs_cut_counts_and_caps),
		cmocka_unit_test(test_vec_and_tidmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

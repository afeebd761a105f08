/* test_tidmap.c - common/tidmap (the one hash table: 64-bit keys to dense indices) and the
 * tables built on it: trz's thread and token dictionaries, tracerec-dump's dump_map, the
 * importers' thread table (the gap detector's is exercised by test_gapdetect). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "common/tidmap.h"
#include "dump/dump.h"
#include "import/import_threads.h"
#include "trz/trz_codec.h"

/* Keys that differ only in their high 32 bits (tid << 32 | pid of one process's threads) are
 * told apart, and found again after the table grew many times. */
static void test_high_bits(void **state)
{
	struct tidmap m = { 0 };
	const uint32_t n = 50000;

	(void)state;
	for (uint32_t t = 0; t < n; t++)
		assert_int_equal(tidmap_index(&m, trz_tid_key(1000 + t, 77)), (int32_t)t);
	assert_int_equal(m.n, (int32_t)n);
	for (uint32_t t = 0; t < n; t++)
		assert_int_equal(tidmap_find(&m, trz_tid_key(1000 + t, 77)), (int32_t)t);
	assert_int_equal(tidmap_find(&m, trz_tid_key(1000, 78)), -1);
	assert_int_equal(tidmap_find(&m, 1000), -1);
	assert_int_equal(tidmap_index(&m, UINT64_MAX), (int32_t)n);
	assert_int_equal(tidmap_index(&m, 0), (int32_t)n + 1);
	assert_int_equal(tidmap_find(&m, UINT64_MAX), (int32_t)n);
	tidmap_free(&m);
	assert_int_equal(tidmap_find(&m, 0), -1);
}

/* Probing stays short for such keys: 200000 lookups of 4096 one-process threads take well under
 * a second even on a loaded machine (clustered slots would make each one scan thousands). */
static void test_no_clustering(void **state)
{
	struct tidmap m = { 0 };
	struct timespec a, b;
	int64_t sum = 0;

	(void)state;
	for (uint32_t t = 0; t < 4096; t++)
		assert_true(tidmap_index(&m, trz_tid_key(5000 + t, 5000)) >= 0);
	size_t maxrun = 0, run = 0;
	for (size_t i = 0; i < 2 * m.cap; i++) { /* longest run of used slots, wrapping */
		run = m.slot[i & (m.cap - 1)].idx >= 0 ? run + 1 : 0;
		if (run > maxrun)
			maxrun = run;
	}
	assert_true(maxrun < 64);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (uint32_t i = 0; i < 200000; i++)
		sum += tidmap_find(&m, trz_tid_key(5000 + i % 4096, 5000));
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(sum > 0);
	assert_true((double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9 < 1.0);
	tidmap_free(&m);
}

/* clear forgets the keys but keeps the slots: indices start at 0 again. */
static void test_clear(void **state)
{
	struct tidmap m = { 0 };

	(void)state;
	tidmap_clear(&m); /* before the first key: nothing to clear */
	for (uint64_t k = 0; k < 1000; k++)
		assert_int_equal(tidmap_index(&m, k << 40), (int32_t)k);
	size_t cap = m.cap;
	tidmap_clear(&m);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.cap, cap);
	assert_int_equal(tidmap_find(&m, 5ull << 40), -1);
	assert_int_equal(tidmap_index(&m, 7ull << 40), 0);
	assert_int_equal(tidmap_index(&m, 5ull << 40), 1);
	assert_int_equal(tidmap_find(&m, 7ull << 40), 0);
	tidmap_free(&m);
}

/* The trz dictionaries: dense indices beside the entries, reset per block, and a second add of
 * a key already there refused (it would make two entries of one thread). */
static void test_trz_dictionaries(void **state)
{
	struct trz_bstate s = { 0 };

	(void)state;
	trz_bstate_reset(&s);
	for (int round = 0; round < 3; round++) {
		for (uint32_t t = 0; t < 300; t++)
			assert_int_equal(trz_tid_add(&s, 4000 + t, 4000), (int)t);
		assert_int_equal(trz_tid_add(&s, 4007, 4000), -EEXIST);
		assert_int_equal(trz_tid_add(&s, 4007, 4001), 300);
		assert_int_equal(trz_tok_add(&s, 0, 1), 0);
		assert_int_equal(trz_tok_find_or_add(&s, -5, 0), 1);
		assert_int_equal(trz_tok_find_or_add(&s, 0, 1), 0);
		assert_int_equal(trz_tok_add(&s, -5, 0), -EEXIST);
		assert_int_equal(tidmap_find(&s.tidmap, trz_tid_key(4299, 4000)), 299);
		assert_int_equal(s.tids[299].tid, 4299);
		trz_bstate_reset(&s);
		assert_int_equal(tidmap_find(&s.tidmap, trz_tid_key(4000, 4000)), -1);
	}
	trz_bstate_free(&s);
}

/* Removal keeps every other key findable (backward shift through wrapped probe runs) and the
 * indices dense: checked against a plain array after each of thousands of random removals and
 * insertions of clustered keys. */
static void test_remove(void **state)
{
	enum { N = 3000 };
	struct tidmap m = { 0 };
	uint64_t *dense = calloc(N * 3, sizeof(*dense)); /* key of each index, as a caller keeps it */
	uint32_t r = 7;
	int32_t n = 0;

	(void)state;
	assert_non_null(dense);
	assert_int_equal(tidmap_remove(&m, 1, 1), -1); /* empty map */
	for (int step = 0; step < 3 * N; step++) {
		r = r * 1103515245u + 12345u;
		uint64_t key = (uint64_t)((r >> 8) % 2048) << 32 |
			       9; /* tid << 32 | pid, often present */

		if (n && (r & 0x10)) {
			int32_t at = tidmap_find(&m, key);
			int32_t i = tidmap_remove(&m, key, dense[n - 1]);

			assert_int_equal(i, at);
			if (i < 0)
				continue;
			dense[i] = dense[--n];
		} else {
			int32_t i = tidmap_index(&m, key);

			assert_true(i >= 0 && i <= n);
			if (i == n)
				dense[n++] = key;
		}
		assert_int_equal(m.n, n);
		if (step % 97 == 0 || step == 3 * N - 1)
			for (int32_t k = 0; k < n; k++)
				assert_int_equal(tidmap_find(&m, dense[k]), k);
	}
	for (int32_t k = n - 1; k >= 0; k--) /* remove the rest, the last one first */
		assert_int_equal(tidmap_remove(&m, dense[k], dense[k]), k);
	assert_int_equal(m.n, 0);
	for (size_t h = 0; h < m.cap; h++)
		assert_true(m.slot[h].idx < 0);
	tidmap_free(&m);
	free(dense);
}

/* dump_map: values at the keys' dense indices, zero on first sight, in order of appearance. */
static void test_dump_map(void **state)
{
	struct dump_map m = { 0 };

	(void)state;
	assert_null(dump_map_find(&m, 3));
	*dump_map_get(&m, 3) += 10;
	*dump_map_get(&m, 1ull << 63) += 20;
	*dump_map_get(&m, 3) += 1;
	assert_int_equal(*dump_map_find(&m, 3), 11);
	assert_int_equal(*dump_map_find(&m, 1ull << 63), 20);
	assert_int_equal(m.at.n, 2);
	assert_int_equal(m.kv[1].key, 1ull << 63);
	assert_int_equal(m.kv[0].val, 11);
	dump_map_free(&m);
}

/* The importers' thread table: created zeroed with the tid, found again, its state kept while
 * the table grows. */
static void test_thread_table(void **state)
{
	struct thread_table t = { 0 };

	(void)state;
	assert_null(thread_find(&t, 42));
	for (uint32_t tid = 1; tid <= 5000; tid++) {
		struct ithread *th = thread_get(&t, tid * 3);
		assert_non_null(th);
		assert_int_equal(th->tid, tid * 3);
		assert_int_equal(th->tseq_next, 0);
		th->tseq_next = tid;
	}
	assert_int_equal(t.at.n, 5000);
	assert_null(thread_find(&t, 4));
	assert_int_equal(thread_find(&t, 3 * 4321)->tseq_next, 4321);
	assert_int_equal(thread_get(&t, 3 * 17)->tseq_next, 17);
	assert_int_equal(t.at.n, 5000);
	thread_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_high_bits),    cmocka_unit_test(test_no_clustering),
		cmocka_unit_test(test_clear),        cmocka_unit_test(test_trz_dictionaries),
		cmocka_unit_test(test_remove),       cmocka_unit_test(test_dump_map),
		cmocka_unit_test(test_thread_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_dump.c - tracerec-dump's pieces: the hash map, statistics (unfilled gaps), JSON and
 * text escaping of strings, and the npy export's windows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "dump/dump.h"
#include "common/npy.h"

static void test_dump_map_many_keys(void **state)
{
	struct dump_map m = { 0 };

	(void)state;
	for (uint64_t k = 0; k < 100000; k++) {
		uint64_t *v = dump_map_get(&m, k * 0x9e3779b97f4a7c15ull);
		assert_non_null(v);
		*v += k + 1;
	}
	assert_int_equal(m.n, 100000);
	for (uint64_t k = 0; k < 100000; k += 997)
		assert_int_equal(*dump_map_find(&m, k * 0x9e3779b97f4a7c15ull), k + 1);
	assert_null(dump_map_find(&m, 12345));
	dump_map_free(&m);
	assert_null(dump_map_find(&m, 0));
}

static struct trz_record *gap(uint64_t id, uint64_t lost, int attributed)
{
	static struct trz_record r;

	memset(&r, 0, sizeof(r));
	r.kind = TRZ_REC_GAP;
	r.gap = (struct trz_gap){ .id = id, .lost = lost, .attributed = (uint8_t)attributed,
				  .tid = 7, .cpu = 1 };
	return &r;
}

static struct trz_record *synth(uint64_t gap_id)
{
	static struct trz_record r;

	memset(&r, 0, sizeof(r));
	r.kind = TRZ_REC_SYNTH;
	r.syn.gap_id = gap_id;
	r.syn.confidence = 0.5f;
	return &r;
}

static void test_dump_stats_unfilled(void **state)
{
	struct dump_stats s = { 0 };
	struct trz_reader_stats rs = { .file_bytes = 1000, .blocks_ok = 1, .version = 1 };
	char buf[2048] = { 0 };

	(void)state;
	assert_int_equal(dump_stats_add(&s, gap(1, 3, 1)), 0); /* filled: 3 of 3 */
	assert_int_equal(dump_stats_add(&s, gap(2, 2, 1)), 0); /* unfilled: 1 of 2 */
	assert_int_equal(dump_stats_add(&s, gap(3, 0, 1)), 0); /* unknown count, none: unfilled */
	assert_int_equal(dump_stats_add(&s, gap(4, 9, 0)), 0); /* unattributed: never counted */
	for (int i = 0; i < 3; i++)
		assert_int_equal(dump_stats_add(&s, synth(1)), 0);
	assert_int_equal(dump_stats_add(&s, synth(2)), 0);
	for (int i = 0; i < 4; i++) {
		struct trz_record ev = { .kind = TRZ_REC_EVENT };
		ev.ev = (struct trz_event){ .tid = 7 + (uint32_t)i % 2, .nr = i % 3,
					    .dir = (uint8_t)(i % 2), .ts_ns = 100 + (uint64_t)i };
		assert_int_equal(dump_stats_add(&s, &ev), 0);
	}
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	dump_stats_print(f, &s, &rs, 1);
	fclose(f);
	assert_non_null(strstr(buf, "\"events\":4,\"threads\":2,\"gaps\":4,\"attributed_gaps\":3,"
				    "\"unattributed_gaps\":1,\"lost_events\":14,"
				    "\"attributed_lost_events\":5,\"unattributed_lost_events\":9,"
				    "\"synthetic_events\":4,\"unfilled_gaps\":2,"
				    "\"syscall_entries\":2,\"syscall_exits\":2,\"distinct_syscalls\":3,"
				    "\"bytes_per_event\":250.0000"));
	dump_stats_free(&s);
}

static void test_dump_json_strings(void **state)
{
	char buf[256] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	(void)state;
	dump_json_str(f, "a\"b\\c\nd\x01 caf\xc3\xa9 \xff\xe2\x82");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000ad\\u0001 caf\xc3\xa9 \\u00ff\\u00e2\\u0082\"");
}

static void test_dump_export_windows(void **state)
{
	char path[] = "/tmp/test_dump.XXXXXX", vpath[64];
	struct dump_export *x = dump_export_new();
	struct trz_record r = { .kind = TRZ_REC_EVENT };
	struct npy_windows w;
	int64_t nwin = 0;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path); /* outputs are created new */
	/* thread 1: 25 events, gap, 12 events; thread 2: 9 events; L = 10 -> 2 + 1 + 0 windows */
	for (int i = 0; i < 46; i++) {
		if (i == 25) {
			struct trz_record g = { .kind = TRZ_REC_GAP };
			g.gap = (struct trz_gap){ .id = 1, .lost = 4, .attributed = 1, .tid = 1 };
			assert_int_equal(dump_export_add(x, &g), 0);
		}
		r.ev.tid = i < 37 ? 1 : 2;
		r.ev.nr = i % 2 ? 0 : 1; /* write entry, read exit, ... */
		r.ev.dir = (uint8_t)(i % 2);
		assert_int_equal(dump_export_add(x, &r), 0);
	}
	snprintf(vpath, sizeof(vpath), "%s.vocab", path);
	int nfd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	int vfd = open(vpath, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(nfd >= 0 && vfd >= 0);
	assert_int_equal(dump_export_write(x, nfd, vfd, 10, &nwin), 0);
	close(nfd);
	close(vfd);
	assert_int_equal(nwin, 3);
	assert_int_equal(npy_read(path, &w), 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.len, 10);
	/* 23 write entries and 23 read exits: ids 1 and 2 (a tie, broken by (nr, dir)) */
	for (int64_t i = 0; i < w.n * w.len; i++)
		assert_true(w.data[i] == 1 || w.data[i] == 2);
	assert_int_not_equal(w.data[0], w.data[1]);
	npy_free(&w);
	assert_int_equal(dump_export_write(x, -1, -1, 40, &nwin), -ENODATA);
	dump_export_free(x);
	unlink(path);
	unlink(vpath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_map_many_keys),
		cmocka_unit_test(test_dump_stats_unfilled),
		cmocka_unit_test(test_dump_json_strings),
		cmocka_unit_test(test_dump_export_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_import_lttng.c - the LTTng importer (user/import_lttng.c) on the real CTF traces in
 * ../shared/data/lttng: every count is checked by reading the written trz file back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import/import_lttng.h"
#include "import/import_names.h"
#include "common/syscalls.h"
#include "trz/trz.h"

static char trace_root[4096];

/* $TRACEREC_SHARED or $TOP/../shared or ../shared, + /data/lttng; 0 when present. */
static int find_traces(void)
{
	const char *s = getenv("TRACEREC_SHARED"), *top = getenv("TOP");
	struct stat sb;

	if (s && *s)
		snprintf(trace_root, sizeof(trace_root), "%s/data/lttng", s);
	else
		snprintf(trace_root, sizeof(trace_root), "%s/../shared/data/lttng", top ? top : ".");
	return stat(trace_root, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
}

struct readback {
	uint64_t entries, exits, gaps, gap_lost, threads_recs, meta;
	uint64_t tseq_breaks; /* consecutive events of a tid whose tseq do not differ by 1 */
	uint64_t cseq_breaks; /* same per cpu */
	uint64_t clone_entries, clone_exits, nr15_exits;
	uint64_t pid_unknown; /* events with pid 0 */
	int distinct_nr;
	int threads_with_events;
	struct trz_gap gap; /* the last gap */
	char host[64];
};

/* Read path back and check the per-thread/per-cpu sequence invariants on the way. */
static void read_back(const char *path, struct readback *rb)
{
	static int64_t last_tseq[1 << 22], last_cseq[4096];
	static unsigned char nr_seen[IMPORT_PRIVATE_NR + 1024];
	struct trz_reader *r = trz_reader_open(path, NULL, NULL);
	struct trz_record rec;

	assert_non_null(r);
	memset(rb, 0, sizeof(*rb));
	memset(nr_seen, 0, sizeof(nr_seen));
	for (size_t i = 0; i < sizeof(last_tseq) / sizeof(last_tseq[0]); i++)
		last_tseq[i] = -1;
	for (size_t i = 0; i < 4096; i++)
		last_cseq[i] = -1;
	while (trz_read_next(r, &rec) == 1) {
		if (rec.kind == TRZ_REC_EVENT) {
			struct trz_event *e = &rec.ev;

			assert_true(e->tid < (1u << 22));
			assert_true(e->nr >= 0 && e->nr < IMPORT_PRIVATE_NR + 1024);
			if (last_tseq[e->tid] < 0)
				rb->threads_with_events++;
			else if ((uint64_t)last_tseq[e->tid] + 1 != e->tseq)
				rb->tseq_breaks++;
			last_tseq[e->tid] = (int64_t)e->tseq;
			if (e->cpu < 4096) {
				if (last_cseq[e->cpu] >= 0 &&
				    (uint64_t)last_cseq[e->cpu] + 1 != e->cseq)
					rb->cseq_breaks++;
				last_cseq[e->cpu] = (int64_t)e->cseq;
			}
			if (!nr_seen[e->nr]) {
				nr_seen[e->nr] = 1;
				rb->distinct_nr++;
			}
			if (e->dir == TRZ_ENTRY)
				rb->entries++;
			else
				rb->exits++;
			if (e->pid == 0)
				rb->pid_unknown++;
			if (e->nr == 56)
				e->dir == TRZ_ENTRY ? rb->clone_entries++ : rb->clone_exits++;
			if (e->nr == 15 && e->dir == TRZ_EXIT)
				rb->nr15_exits++;
		} else if (rec.kind == TRZ_REC_GAP) {
			rb->gaps++;
			rb->gap_lost += rec.gap.lost;
			rb->gap = rec.gap;
		} else if (rec.kind == TRZ_REC_THREAD) {
			rb->threads_recs++;
		} else if (rec.kind == TRZ_REC_META) {
			rb->meta++;
			if (strcmp(rec.meta.key, "host") == 0)
				snprintf(rb->host, sizeof(rb->host), "%.63s", rec.meta.value);
		}
	}
	trz_reader_close(r);
}

static char *tmp_trz(void)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/test_import_lttng.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

static int import_to(const char *dir, const char *out, struct lttng_import_stats *st)
{
	struct trz_writer *w = trz_writer_open(out, NULL);
	int err;

	assert_non_null(w);
	err = lttng_import(dir, w, NULL, st);
	assert_int_equal(trz_writer_close(w), 0);
	return err;
}

static void need_traces(void)
{
	if (find_traces())
		skip();
}

/* many-threads: 78,085 entries, 78,086 exits, 84 syscall names, 8,030 threads with syscalls
 * (../shared/data/lttng/README.md); clone has one entry and two exits. */
static void test_import_lttng_many_threads(void **state)
{
	struct lttng_import_stats st;
	struct readback rb;
	char dir[4200];
	char *out = tmp_trz();

	(void)state;
	need_traces();
	snprintf(dir, sizeof(dir), "%s/many-threads", trace_root);
	assert_int_equal(import_to(dir, out, &st), 0);
	assert_int_equal(st.events_read, 240644);
	assert_int_equal(st.syscall_entries, 78085);
	assert_int_equal(st.syscall_exits, 78086);
	assert_int_equal(st.distinct_names, 84);
	assert_int_equal(st.threads_with_syscalls, 8030);
	assert_int_equal(st.unattributed_events, 0);
	assert_int_equal(st.discarded_events, 0);
	assert_int_equal(st.clone_child_exits, 8003);

	read_back(out, &rb);
	assert_int_equal(rb.entries, 78085);
	assert_int_equal(rb.exits, 78086);
	/* 83 named syscalls + "unknown" with ids 15 (rt_sigreturn) and 158 (arch_prctl) */
	assert_int_equal(rb.distinct_nr, 85);
	assert_int_equal(rb.threads_with_events, 8030);
	assert_int_equal(rb.clone_entries, 8003);
	assert_int_equal(rb.clone_exits, 16006);
	/* the exits of rt_sigreturn have id -1: their number came from the pending entry */
	assert_int_equal(rb.nr15_exits, 3);
	/* threads running before the state dump got their pid from the first pass */
	assert_int_equal(rb.pid_unknown, 0);
	assert_int_equal(rb.tseq_breaks, 0);
	assert_int_equal(rb.cseq_breaks, 0);
	assert_int_equal(rb.gaps, 0);
	assert_true(rb.threads_recs >= 8030);
	assert_string_equal(rb.host, "wilbrod");
	unlink(out);
}

/* discards-lttng-test: 728 events discarded on stream kernel_channel_0 (cpu 0) between
 * 19:16:02.352676346 and 19:16:33.426663981 UTC on 2019-08-05. */
static void test_import_lttng_discards(void **state)
{
	struct lttng_import_stats st;
	struct readback rb;
	char dir[4200];
	char *out = tmp_trz();

	(void)state;
	need_traces();
	snprintf(dir, sizeof(dir), "%s/discards-lttng-test", trace_root);
	assert_int_equal(import_to(dir, out, &st), 0);
	assert_int_equal(st.events_read, 272);
	assert_int_equal(st.discarded_events, 728);
	read_back(out, &rb);
	assert_int_equal(rb.gaps, 1);
	assert_int_equal(rb.gap.lost, 728);
	assert_int_equal(rb.gap.attributed, 0);
	assert_int_equal(rb.gap.cpu, 0);
	assert_int_equal(rb.gap.t_start_ns, 1565032562352676346ull);
	assert_int_equal(rb.gap.t_end_ns, 1565032593426663981ull);
	assert_int_equal(rb.entries + rb.exits, 0);
	assert_string_equal(rb.host, "joraj-alpa");
	unlink(out);
}

/* A writable copy of the discards trace in a new temp dir (returned). */
static char *copy_trace(void)
{
	static char tmp[64];
	char cmd[4400];

	strcpy(tmp, "/tmp/test_import_ctf.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "cp -r '%s/discards-lttng-test/.' '%s' && chmod -R u+w '%s'",
		 trace_root, tmp, tmp);
	assert_int_equal(system(cmd), 0);
	return tmp;
}

static void remove_tree(const char *dir)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_import_lttng_truncated_stream(void **state)
{
	struct lttng_import_stats st;
	char path[200];
	char *dir, *out = tmp_trz();

	(void)state;
	need_traces();
	dir = copy_trace();
	snprintf(path, sizeof(path), "%s/kernel_channel_0", dir);
	assert_int_equal(truncate(path, 30001), 0);
	assert_int_equal(import_to(dir, out, &st), -EINVAL);
	assert_non_null(strstr(err_text(), "kernel_channel_0"));
	assert_int_equal(st.events_read, 0);
	remove_tree(dir);
	unlink(out);
}

static void test_import_lttng_garbage_metadata(void **state)
{
	struct lttng_import_stats st;
	char path[200];
	char *dir, *out = tmp_trz();
	FILE *f;

	(void)state;
	need_traces();
	dir = copy_trace();
	snprintf(path, sizeof(path), "%s/metadata", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 4096; i++)
		fputc((i * 7919 + 13) & 0xff, f);
	fclose(f);
	assert_int_equal(import_to(dir, out, &st), -EINVAL);
	assert_non_null(strstr(err_text(), "metadata"));
	remove_tree(dir);
	unlink(out);
}

static void test_import_lttng_not_a_trace(void **state)
{
	struct lttng_import_stats st;
	char tmp[64] = "/tmp/test_import_empty.XXXXXX";
	char *out = tmp_trz();

	(void)state;
	assert_non_null(mkdtemp(tmp));
	assert_int_equal(import_to(tmp, out, &st), -EINVAL);
	assert_true(strlen(err_text()) > 0);
	assert_int_equal(import_to("/nonexistent/trace", out, &st), -ENOENT);
	assert_non_null(strstr(err_text(), "/nonexistent/trace"));
	assert_int_equal(import_to(out, out, &st), -ENOTDIR);
	rmdir(tmp);
	unlink(out);
}

/* ---- a small CTF trace written here: tid/pid/procname contexts, lttng 2.0-2.4 names
 * (sys_X / exit_syscall), compat syscalls, an unknown compat syscall, an LTTng alias ---- */

static const char ctx_metadata[] =
	"/* CTF 1.8 */\n"
	"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
	"typealias integer { size = 32; align = 8; signed = true; } := int32_t;\n"
	"typealias integer { size = 64; align = 8; signed = true; } := int64_t;\n"
	"trace { major = 1; minor = 8; byte_order = le;\n"
	"  packet.header := struct { uint32_t magic; uint32_t stream_id; }; };\n"
	"env { hostname = \"ctxhost\"; domain = \"kernel\"; sysname = \"Linux\";\n"
	"  kernel_release = \"6.1.0\"; tracer_name = \"lttng-modules\"; tracer_major = 2; };\n"
	"clock { name = \"monotonic\"; freq = 1000000000; offset = 0; };\n"
	"typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; }"
	" := uint64_clock_monotonic_t;\n"
	"stream { id = 0;\n"
	"  event.header := struct { uint32_t id; uint64_clock_monotonic_t timestamp; };\n"
	"  packet.context := struct { uint32_t cpu_id; };\n"
	"  event.context := struct { int32_t _tid; int32_t _pid;\n"
	"    integer { size = 8; align = 8; signed = 0; encoding = UTF8; base = 10; } _procname[16]; }; };\n"
	"event { name = \"sys_open\"; id = 0; stream_id = 0; fields := struct { int64_t _flags; }; };\n"
	"event { name = \"exit_syscall\"; id = 1; stream_id = 0; fields := struct { int64_t _ret; }; };\n"
	"event { name = \"compat_syscall_entry_read\"; id = 2; stream_id = 0; fields := struct { uint32_t _fd; }; };\n"
	"event { name = \"compat_syscall_exit_read\"; id = 3; stream_id = 0; fields := struct { int64_t _ret; }; };\n"
	"event { name = \"compat_syscall_entry_unknown\"; id = 4; stream_id = 0;\n"
	"  fields := struct { int32_t _id; uint64_t _args[6]; }; };\n"
	"event { name = \"syscall_entry_newfstat\"; id = 5; stream_id = 0; fields := struct { uint32_t _fd; }; };\n";

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

static void put64(FILE *f, uint64_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

/* Event header (id, timestamp) and context (tid, pid, procname); the payload follows. */
static void put_event(FILE *f, uint32_t id, uint64_t ts, uint32_t tid, uint32_t pid, const char *comm)
{
	char c[16] = { 0 };

	strncpy(c, comm, sizeof(c) - 1);
	put32(f, id);
	put64(f, ts);
	put32(f, tid);
	put32(f, pid);
	fwrite(c, sizeof(c), 1, f);
}

static void write_ctx_trace(const char *dir)
{
	char path[200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/metadata", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(ctx_metadata, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/channel0_3", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	put32(f, 0xC1FC1FC1); /* packet header: magic, stream id */
	put32(f, 0);
	put32(f, 3);                               /* packet context: cpu 3 */
	put_event(f, 0, 1000, 100, 100, "proc_a"); /* sys_open */
	put64(f, 0);
	put_event(f, 1, 2000, 100, 100, "proc_a"); /* exit_syscall ret 3: open */
	put64(f, 3);
	put_event(f, 2, 3000, 101, 100, "proc_b"); /* compat read */
	put32(f, 4);
	put_event(f, 3, 4000, 101, 100, "proc_b");
	put64(f, 5);
	put_event(f, 4, 5000, 102, 102, "c"); /* compat unknown id 7 */
	put32(f, 7);
	for (int i = 0; i < 6; i++)
		put64(f, 10 + (uint64_t)i);
	put_event(f, 1, 6000, 102, 102, "c"); /* exit_syscall: the pending compat 7 */
	put64(f, 0);
	put_event(f, 1, 7000, 103, 103, "d"); /* exit_syscall, no entry: unnamed */
	put64(f, 0);
	put_event(f, 5, 8000, 100, 100, "proc_a"); /* newfstat = fstat */
	put32(f, 1);
	fclose(f);
}

static void test_import_lttng_contexts_and_old_names(void **state)
{
	static const struct {
		uint32_t tid, pid;
		int32_t nr;
		uint8_t dir;
		int64_t ret;
		uint64_t tseq;
	} want[] = {
		{ 100, 100, 2, TRZ_ENTRY, 0, 0 },
		{ 100, 100, 2, TRZ_EXIT, 3, 1 },
		{ 101, 100, 0, TRZ_ENTRY, 0, 0 },
		{ 101, 100, 0, TRZ_EXIT, 5, 1 },
		{ 102, 102, IMPORT_PRIVATE_NR, TRZ_ENTRY, 0, 0 },
		{ 102, 102, IMPORT_PRIVATE_NR, TRZ_EXIT, 0, 1 },
		{ 100, 100, 5, TRZ_ENTRY, 0, 2 },
	};
	struct lttng_import_stats st;
	struct trz_record rec;
	struct trz_reader *r;
	char dir[64] = "/tmp/test_import_ctx.XXXXXX";
	char *out = tmp_trz();
	int n = 0, named = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_ctx_trace(dir);
	assert_int_equal(import_to(dir, out, &st), 0);
	assert_int_equal(st.events_read, 8);
	assert_int_equal(st.context_attributed, 8);
	assert_int_equal(st.unnamed_events, 1);
	assert_int_equal(st.syscall_events, 7);
	assert_int_equal(st.unattributed_events, 0);
	r = trz_reader_open(out, NULL, NULL);
	assert_non_null(r);
	while (trz_read_next(r, &rec) == 1) {
		if (rec.kind == TRZ_REC_META && strcmp(rec.meta.key, "syscall_nr.100000") == 0) {
			assert_string_equal(rec.meta.value, "compat_syscall_7");
			named = 1;
		}
		if (rec.kind != TRZ_REC_EVENT)
			continue;
		assert_true(n < 7);
		assert_int_equal(rec.ev.tid, want[n].tid);
		assert_int_equal(rec.ev.pid, want[n].pid);
		assert_int_equal(rec.ev.nr, want[n].nr);
		assert_int_equal(rec.ev.dir, want[n].dir);
		assert_int_equal(rec.ev.ret, want[n].ret);
		assert_int_equal(rec.ev.tseq, want[n].tseq);
		assert_int_equal(rec.ev.cseq, (uint64_t)n); /* no hole for the unnamed exit */
		assert_int_equal(rec.ev.cpu, 3);
		assert_int_equal(rec.ev.ts_ns, n < 6 ? 1000u * (n + 1) : 8000u);
		if (n == 4) {
			assert_int_equal(rec.ev.nargs, 6);
			assert_int_equal(rec.ev.args[5], 15);
		}
		n++;
	}
	trz_reader_close(r);
	assert_int_equal(n, 7);
	assert_true(named);
	remove_tree(dir);
	unlink(out);
}

/* LTTng names map to x86_64 numbers (with aliases); others get private numbers. */
static void test_import_lttng_names(void **state)
{
	struct name_table t = { 0 };
	int nr, nr2;

	(void)state;
	assert_int_equal(import_syscall_nr(&t, "read", &nr), 0);
	assert_int_equal(nr, syscall_lookup("read"));
	assert_int_equal(import_syscall_nr(&t, "newfstat", &nr), 0);
	assert_int_equal(nr, syscall_lookup("fstat"));
	assert_int_equal(import_syscall_nr(&t, "newuname", &nr), 0);
	assert_int_equal(nr, syscall_lookup("uname"));
	assert_int_equal(import_syscall_nr(&t, "no_such_call", &nr), 0);
	assert_int_equal(nr, IMPORT_PRIVATE_NR);
	assert_int_equal(import_syscall_nr(&t, "syscall_5", &nr2), 0);
	assert_int_equal(nr2, IMPORT_PRIVATE_NR + 1);
	assert_int_equal(import_syscall_nr(&t, "no_such_call", &nr2), 0);
	assert_int_equal(nr2, IMPORT_PRIVATE_NR);
	assert_string_equal(t.names[1], "syscall_5");
	name_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_lttng_many_threads),
		cmocka_unit_test(test_import_lttng_discards),
		cmocka_unit_test(test_import_lttng_truncated_stream),
		cmocka_unit_test(test_import_lttng_garbage_metadata),
		cmocka_unit_test(test_import_lttng_not_a_trace),
		cmocka_unit_test(test_import_lttng_names),
		cmocka_unit_test(test_import_lttng_contexts_and_old_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

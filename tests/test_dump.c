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
#include "common/syscalls.h"

static void test_dump_map_many_keys(void **state)
{
	struct dump_map m = { 0 };

	(void)state;
	for (uint64_t k = 0; k < 100000; k++) {
		uint64_t *v = dump_map_get(&m, k * 0x9e3779b97f4a7c15ull);
		assert_non_null(v);
		*v += k + 1;
	}
	assert_int_equal(m.at.n, 100000);
	assert_int_equal(m.kv[99999].key,
			 99999 * 0x9e3779b97f4a7c15ull); /* in order of first appearance */
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
	r.gap = (struct trz_gap){
		.id = id, .lost = lost, .attributed = (uint8_t)attributed, .tid = 7, .cpu = 1
	};
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
		ev.ev = (struct trz_event){ .tid = 7 + (uint32_t)i % 2,
					    .nr = i % 3,
					    .dir = (uint8_t)(i % 2),
					    .ts_ns = 100 + (uint64_t)i };
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

/* The text --stats of a recorder's trace: "incomplete" says why, "truncated" only when the
 * reader found the file ending inside a block. */
static const char *stats_text(int truncated, int state, int end, char *buf, size_t size)
{
	struct dump_stats s = { 0 };
	struct trz_reader_stats rs = {
		.file_bytes = 1000, .blocks_ok = 1, .version = 2, .truncated = truncated
	};
	struct trz_record m = { .kind = TRZ_REC_META }, st = { .kind = TRZ_REC_STATE };

	snprintf(m.meta.key, sizeof(m.meta.key), "tool");
	snprintf(m.meta.value, sizeof(m.meta.value), "tracerecd 0.1.0");
	assert_int_equal(dump_stats_add(&s, &m), 0);
	if (state) {
		st.state.what = TRZ_STATE_SNAPSHOT;
		assert_int_equal(dump_stats_add(&s, &st), 0);
	}
	if (end) {
		st.state.what = TRZ_STATE_END;
		assert_int_equal(dump_stats_add(&s, &st), 0);
	}
	memset(buf, 0, size);
	FILE *f = fmemopen(buf, size - 1, "w");
	dump_stats_print(f, &s, &rs, 0);
	fclose(f);
	dump_stats_free(&s);
	return buf;
}

static void test_dump_stats_incomplete(void **state)
{
	char buf[2048];

	(void)state;
	assert_null(strstr(stats_text(0, 1, 1, buf, sizeof(buf)), "incomplete"));
	assert_non_null(strstr(stats_text(0, 1, 0, buf, sizeof(buf)),
			       "incomplete: tracer stopped without closing"));
	assert_non_null(
		strstr(stats_text(1, 0, 0, buf, sizeof(buf)), "incomplete: the file is truncated"));
	stats_text(0, 0, 0, buf, sizeof(buf)); /* a whole file: not called truncated */
	assert_non_null(strstr(buf, "incomplete: no END record"));
	assert_null(strstr(buf, "truncated"));
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

/* ---- syscall arguments (dump_args.c) ---- */

static struct trz_event entry(const char *name, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			      uint64_t a4, uint64_t a5)
{
	struct trz_event ev = { .nr = syscall_lookup(name),
				.dir = TRZ_ENTRY,
				.nargs = TRZ_MAX_ARGS,
				.args = { a0, a1, a2, a3, a4, a5 } };

	assert_true(ev.nr >= 0);
	return ev;
}

static void expect_args(struct trz_event ev, const char *want)
{
	char buf[512];

	assert_string_equal(dump_args_format(buf, sizeof(buf), &ev), want);
}

static struct trz_string *mkstr(const struct trz_event *ev, int arg, int flags, int index,
				const char *text)
{
	struct trz_string *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	*s = (struct trz_string){ .tid = ev->tid,
				  .tseq = ev->tseq,
				  .nr = ev->nr,
				  .arg = (uint8_t)arg,
				  .flags = (uint8_t)flags,
				  .index = (uint16_t)index,
				  .len = (uint32_t)strlen(text) };
	memcpy(s->s, text, s->len);
	return s;
}

static void expect_strs(struct trz_event ev, struct trz_string **strs, int n, const char *want)
{
	char buf[1024];

	assert_string_equal(dump_args_format_strs(buf, sizeof(buf), &ev,
						  (const struct trz_string *const *)strs, n),
			    want);
	for (int i = 0; i < n; i++)
		free(strs[i]);
}

/* String arguments as strace prints them, from STRING records. */
static void test_dump_args_strings(void **state)
{
	struct trz_event ev = entry("openat", 0xffffff9c, 0x7f00, 02000000, 0, 0, 0);
	struct trz_string *s[4];

	(void)state;
	s[0] = mkstr(&ev, 1, 0, 0, "/etc/passwd");
	expect_strs(ev, s, 1, "AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC");
	/* escapes: quote, backslash, \t \n, octal (3 digits before a digit), cut */
	s[0] = mkstr(&ev, 1, TRZ_STR_CUT, 0,
		     "a\"b\\c\td\ne\x1b"
		     "1\x1bx\xc3\xa9");
	expect_strs(ev, s, 1,
		    "AT_FDCWD, \"a\\\"b\\\\c\\td\\ne\\0331\\33x\\303\\251\"..., O_RDONLY|O_CLOEXEC");
	/* a string of another argument does not replace this one's pointer */
	s[0] = mkstr(&ev, 2, 0, 0, "x");
	expect_strs(ev, s, 1, "AT_FDCWD, 0x7f00, O_RDONLY|O_CLOEXEC");
	struct trz_event rn = entry("renameat2", 0xffffff9c, 0x10, 3, 0x20, 1, 0);
	s[0] = mkstr(&rn, 1, 0, 0, "old name");
	s[1] = mkstr(&rn, 3, 0, 0, "new");
	expect_strs(rn, s, 2, "AT_FDCWD, \"old name\", 3, \"new\", RENAME_NOREPLACE");
	struct trz_event ex = entry("execve", 0x10, 0x20, 0x30, 0, 0, 0);
	s[0] = mkstr(&ex, 0, 0, 0, "/bin/ls");
	s[1] = mkstr(&ex, 1, TRZ_STR_ELEM, 0, "ls");
	s[2] = mkstr(&ex, 1, TRZ_STR_ELEM | TRZ_STR_MORE, 1, "-l");
	expect_strs(ex, s, 3, "\"/bin/ls\", [\"ls\", \"-l\", ...], 0x30");
	/* argv without its first element: the pointer, never a shifted array */
	s[0] = mkstr(&ex, 1, TRZ_STR_ELEM, 1, "-l");
	expect_strs(ex, s, 1, "0x10, 0x20, 0x30");
}

/* Strings wait for their event: found by (tid, tseq) once, in order; the oldest are dropped
 * when too many wait; consecutive strings of one event form one group. */
static void test_dump_strings_store(void **state)
{
	struct dump_strings *d = dump_strings_new();
	const struct trz_string *const *got;
	struct trz_event ev = { .tid = 7 };
	struct trz_string *s;

	(void)state;
	assert_non_null(d);
	for (uint64_t i = 0; i < DUMP_STRINGS_MAX + 3; i++) {
		ev.tseq = i;
		s = mkstr(&ev, 1, 0, 0, i % 2 ? "odd" : "even");
		assert_int_equal(dump_strings_add(d, s), 0);
		s->arg = 3;
		if (i % 3 == 0)
			assert_int_equal(dump_strings_add(d, s), 0);
		free(s);
		if (i == 10) { /* taken right away: its slot is reused, nothing dropped for it */
			assert_int_equal(dump_strings_take(d, 7, 10, &got), 1);
			assert_string_equal(got[0]->s, "even");
		}
	}
	assert_int_equal(dump_strings_take(d, 7, 0, &got), 0); /* dropped: too old */
	assert_true(dump_strings_dropped(d) > 0);
	assert_int_equal(dump_strings_take(d, 7, DUMP_STRINGS_MAX + 2, &got), 2);
	assert_int_equal(got[0]->arg, 1);
	assert_int_equal(got[1]->arg, 3);
	assert_string_equal(got[1]->s, "even");
	assert_int_equal(dump_strings_take(d, 7, DUMP_STRINGS_MAX + 2, &got), 0); /* once */
	assert_int_equal(dump_strings_take(d, 8, DUMP_STRINGS_MAX + 1, &got), 0); /* other tid */
	assert_int_equal(dump_strings_take(d, 7, DUMP_STRINGS_MAX + 1, &got), 1);
	assert_string_equal(got[0]->s, "odd");
	dump_strings_free(d);
}

static void test_dump_args_decoded(void **state)
{
	(void)state;
	/* int arguments come in 64-bit registers with garbage or zero above bit 31 */
	expect_args(entry("openat", 0xffffff9c, 0x7f00, 02000000, 0, 0, 0),
		    "AT_FDCWD, 0x7f00, O_RDONLY|O_CLOEXEC");
	expect_args(entry("openat", 3, 0x7f00, 0101 | 01000, 0644, 0, 0),
		    "3, 0x7f00, O_WRONLY|O_CREAT|O_TRUNC, 0644");
	/* O_SYNC is two bits (__O_SYNC|O_DSYNC): named once, composite first */
	expect_args(entry("open", 0x10, 04010002, 0, 0, 0, 0), "0x10, O_RDWR|O_SYNC");
	expect_args(entry("mmap", 0, 8192, 3, 0x22, 0xffffffff, 0),
		    "NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0");
	expect_args(entry("mprotect", 0x1000, 4096, 0, 0, 0, 0), "0x1000, 4096, PROT_NONE");
	/* unknown bits stay visible in hex */
	expect_args(entry("mprotect", 0x1000, 4096, 0x1 | 0x100000, 0, 0, 0),
		    "0x1000, 4096, PROT_READ|0x100000");
	expect_args(entry("close", 0xffffffffffffffffull, 1, 2, 3, 4, 5), "-1");
	expect_args(entry("clone", 0x1200000 | 17, 0, 0, 0x7f00, 0, 0),
		    "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, NULL, NULL, 0x7f00, NULL");
	expect_args(entry("rt_sigprocmask", 2, 0x10, 0, 8, 0, 0), "SIG_SETMASK, 0x10, NULL, 8");
	expect_args(entry("kill", 42, 9, 0, 0, 0, 0), "42, SIGKILL");
	expect_args(entry("lseek", 3, (uint64_t)-5, 1, 0, 0, 0), "3, -5, SEEK_CUR");
	expect_args(entry("access", 0x10, 0, 0, 0, 0, 0), "0x10, F_OK");
	expect_args(entry("socket", 1, 1 | 02000000, 0, 0, 0, 0),
		    "AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0");
	expect_args(entry("futex", 0x10, 129, 1, 0, 0, 0), "0x10, FUTEX_WAKE_PRIVATE, 1");
	expect_args(entry("futex", 0x10, 128, 2, 0, 0, 0), "0x10, FUTEX_WAIT_PRIVATE, 2, NULL");
	expect_args(entry("wait4", (uint64_t)-1, 0x10, 1, 0, 0, 0), "-1, 0x10, WNOHANG, NULL");
	/* not recorded: "..."; no signature: the six raw registers */
	struct trz_event bare = entry("close", 3, 0, 0, 0, 0, 0);
	bare.nargs = 0;
	expect_args(bare, "...");
	struct trz_event raw = { .nr = 100000,
				 .nargs = TRZ_MAX_ARGS,
				 .args = { 1, 0x7fff0000, (uint64_t)-2, 0, 0, 0 } };
	expect_args(raw, "1, 0x7fff0000, -2, 0, 0, 0");
}

static void test_dump_ret(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(dump_ret_format(buf, sizeof(buf), syscall_lookup("openat"), -2),
			    "-1 ENOENT (No such file or directory)");
	assert_string_equal(dump_ret_format(buf, sizeof(buf), syscall_lookup("read"), 4096), "4096");
	assert_string_equal(dump_ret_format(buf, sizeof(buf), syscall_lookup("mmap"), 0x7f0000001000),
			    "0x7f0000001000");
	assert_string_equal(dump_ret_format(buf, sizeof(buf), syscall_lookup("read"), -512),
			    "? ERESTARTSYS");
	assert_string_equal(dump_ret_format(buf, sizeof(buf), syscall_lookup("read"), -5000),
			    "-5000");
}

/* ---- time order (dump_order.c) ---- */

struct collected {
	uint64_t ts[64];
	int n;
};

static int collect(void *ctx, const struct trz_record *rec)
{
	struct collected *c = ctx;

	c->ts[c->n++] = dump_record_ts(rec) ? dump_record_ts(rec) : 999;
	return 0;
}

static void test_dump_order_window(void **state)
{
	static const uint64_t in[] = { 10, 30, 20, 40, 15, 100, 50, 300, 60, 55 };
	struct dump_order *o = dump_order_new(50, 1000);
	struct collected c = { .n = 0 };
	struct trz_record r = { .kind = TRZ_REC_EVENT };
	uint64_t worst;

	(void)state;
	assert_non_null(o);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		r.ev.ts_ns = in[i];
		assert_int_equal(dump_order_push(o, &r, collect, &c), 0);
		if (in[i] == 100) /* 10..40 are 50 or more behind 100: out, sorted; 15 too */
			assert_int_equal(c.n, 5);
	}
	/* 300 pushed 50 and 100 out; 60 and 55 then came after 100 was out: late, out at once */
	assert_int_equal(dump_order_drain(o, collect, &c), 0);
	assert_int_equal(c.n, 10);
	static const uint64_t want[] = { 10, 15, 20, 30, 40, 50, 100, 60, 55, 300 };
	for (int i = 0; i < 10; i++)
		assert_int_equal(c.ts[i], want[i]);
	assert_int_equal(dump_order_late(o, &worst), 2); /* 60 and 55 came after 100 was out */
	assert_int_equal(worst, 45);
	dump_order_free(o);
}

static int kinds(void *ctx, const struct trz_record *rec)
{
	struct collected *c = ctx;

	c->ts[c->n++] = (uint64_t)rec->kind;
	return 0;
}

/* A gap of unknown start (0: the thread's first events were lost) sorts where it is in the
 * file, before its synthetic events and its thread's next event (t_end_ns). */
static void test_dump_order_synth_after_gap(void **state)
{
	struct dump_order *o = dump_order_new(1000, 1000);
	struct collected c = { .n = 0 };
	struct trz_record r = { .kind = TRZ_REC_EVENT };
	static const uint64_t want[] = { TRZ_REC_GAP, TRZ_REC_EVENT, TRZ_REC_SYNTH, TRZ_REC_SYNTH,
					 TRZ_REC_EVENT };

	(void)state;
	r.ev = (struct trz_event){ .ts_ns = 100, .tid = 1 };
	assert_int_equal(dump_order_push(o, &r, kinds, &c), 0);
	r = (struct trz_record){ .kind = TRZ_REC_GAP };
	r.gap = (struct trz_gap){
		.id = 7, .lost = 2, .attributed = 1, .tid = 2, .t_start_ns = 0, .t_end_ns = 450
	};
	assert_int_equal(dump_order_push(o, &r, kinds, &c), 0);
	r = (struct trz_record){ .kind = TRZ_REC_EVENT };
	r.ev = (struct trz_event){ .ts_ns = 450, .tid = 2, .tseq = 3 };
	assert_int_equal(dump_order_push(o, &r, kinds, &c), 0);
	r = (struct trz_record){ .kind = TRZ_REC_SYNTH };
	r.syn.gap_id = 7;
	r.syn.confidence = 1;
	r.syn.ev = (struct trz_event){ .ts_ns = 150, .tid = 2, .tseq = 1 };
	assert_int_equal(dump_order_push(o, &r, kinds, &c), 0);
	r.syn.ev.ts_ns = 300;
	r.syn.ev.tseq = 2;
	assert_int_equal(dump_order_push(o, &r, kinds, &c), 0);
	assert_int_equal(dump_order_drain(o, kinds, &c), 0);
	assert_int_equal(c.n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(c.ts[i], want[i]);
	assert_int_equal(dump_order_late(o, NULL), 0);
	dump_order_free(o);
}

/* ---- filters (dump_filter.c) ---- */

static void test_dump_filter_sets(void **state)
{
	struct dump_filter f = { 0 };
	struct trz_record r = { .kind = TRZ_REC_EVENT };
	struct dump_comms comms = { 0 };

	(void)state;
	assert_int_equal(dump_filter_expr(&f, "trace=%file"), 0);
	r.ev.nr = syscall_lookup("openat");
	assert_true(dump_filter_keep(&f, &r, &comms));
	r.ev.nr = syscall_lookup("read");
	assert_false(dump_filter_keep(&f, &r, &comms));
	assert_int_equal(dump_filter_expr(&f, "!read,write"), 0);
	assert_false(dump_filter_keep(&f, &r, &comms));
	r.ev.nr = syscall_lookup("close");
	assert_true(dump_filter_keep(&f, &r, &comms));
	/* "stat" is the syscall, "%stat" the class */
	assert_int_equal(dump_filter_expr(&f, "stat"), 0);
	r.ev.nr = syscall_lookup("statx");
	assert_false(dump_filter_keep(&f, &r, &comms));
	assert_int_equal(dump_filter_expr(&f, "%stat"), 0);
	assert_true(dump_filter_keep(&f, &r, &comms));
	assert_int_equal(dump_filter_expr(&f, "trace=bogus"), -EINVAL);
	assert_non_null(strstr(err_text(), "bogus"));
	assert_int_equal(dump_filter_expr(&f, "trace=/("), -EINVAL);
	assert_int_equal(dump_filter_expr(&f, "abbrev=all"), -EINVAL);
	/* metadata always passes */
	r.kind = TRZ_REC_META;
	assert_true(dump_filter_keep(&f, &r, &comms));
	dump_filter_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dump_map_many_keys),
		cmocka_unit_test(test_dump_stats_unfilled),
		cmocka_unit_test(test_dump_stats_incomplete),
		cmocka_unit_test(test_dump_json_strings),
		cmocka_unit_test(test_dump_export_windows),
		cmocka_unit_test(test_dump_args_decoded),
		cmocka_unit_test(test_dump_args_strings),
		cmocka_unit_test(test_dump_strings_store),
		cmocka_unit_test(test_dump_ret),
		cmocka_unit_test(test_dump_order_window),
		cmocka_unit_test(test_dump_order_synth_after_gap),
		cmocka_unit_test(test_dump_filter_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

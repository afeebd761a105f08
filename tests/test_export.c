/* test_export.c - the viewer exports' pieces: the protobuf encoder (bytes checked against the
 * protobuf encoding rules by hand), and the timeline layer (export_timeline.c) on hand-made
 * record streams: slices, gaps and their nesting, synthetic events, calls cut by gaps, late
 * synthetic events, thread names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pb.h"
#include "dump/dump.h"
#include "dump/export.h"

/* ---- pb ---------------------------------------------------------------------------------- */

static void test_pb_varint(void **state)
{
	uint8_t b[10];

	(void)state;
	assert_int_equal(pb_put_varint(b, 0), 1);
	assert_int_equal(b[0], 0);
	assert_int_equal(pb_put_varint(b, 300), 2); /* the protobuf docs' example: ac 02 */
	assert_int_equal(b[0], 0xac);
	assert_int_equal(b[1], 0x02);
	assert_int_equal(pb_put_varint(b, UINT64_MAX), 10);
	assert_int_equal(b[9], 0x01);
	/* int64 -1 is ten bytes (two's complement) */
	assert_int_equal(pb_put_varint(b, (uint64_t)(int64_t)-1), 10);
}

static void test_pb_fields_and_nesting(void **state)
{
	struct pb p = { 0 };
	static const uint8_t want[] = {
		0x08, 0x96, 0x01, /* field 1 varint 150 (the docs' example) */
		0x12, 0x07, 't',  'e',  's', 't', 'i', 'n',  'g', /* field 2 "testing" */
		0x1a, 0x05,                  /* field 3: a message of 5 bytes */
		0x08, 0x01, 0x12, 0x01, 'x', /*   field 1 = 1, field 2 = "x" */
		0x21, 0,    0,    0,    0,   0,   0,   0xf0, 0x3f, /* field 4 double 1.0 */
		0xe2, 0x03, 0x00,                                  /* field 60: an empty message */
	};

	(void)state;
	pb_varint(&p, 1, 150);
	pb_string(&p, 2, "testing");
	pb_begin(&p, 3);
	pb_varint(&p, 1, 1);
	pb_string(&p, 2, "x");
	pb_end(&p);
	pb_double(&p, 4, 1.0);
	pb_begin(&p, 60);
	pb_end(&p);
	assert_int_equal(pb_error(&p), 0);
	assert_int_equal(p.len, sizeof(want));
	assert_memory_equal(p.buf, want, sizeof(want));

	/* a nested body of 200 bytes needs a two-byte length */
	pb_reset(&p);
	pb_begin(&p, 1);
	char big[201];
	memset(big, 'a', 197);
	big[197] = 0;
	pb_string(&p, 2, big); /* 1 + 2 + 197 = 200 bytes */
	pb_end(&p);
	assert_int_equal(p.len, 1 + 2 + 200);
	assert_int_equal(p.buf[1], 0xc8);
	assert_int_equal(p.buf[2], 0x01);
	assert_int_equal(p.buf[3], 0x12);

	/* unbalanced: pb_end without begin, or a begin left open, is an error */
	pb_reset(&p);
	pb_begin(&p, 1);
	assert_int_equal(pb_error(&p), -EINVAL);
	pb_reset(&p);
	pb_end(&p);
	assert_int_equal(pb_error(&p), -EINVAL);
	pb_free(&p);
}

/* ---- timeline ----------------------------------------------------------------------------- */

struct item {
	char what; /* 'S' slice, 'B' gap begin, 'E' gap end, 'C' cpu gap, 'T' thread, 'F' finish */
	struct tl_slice s;
	struct tl_gap g;
	char repair[64];
	char comm[16];
	uint32_t tid;
};

struct rec_be {
	struct item it[64];
	int n;
	size_t nmeta;
};

static struct item *push(struct rec_be *b, char what)
{
	assert_true(b->n < 64);
	memset(&b->it[b->n], 0, sizeof(b->it[0]));
	b->it[b->n].what = what;
	return &b->it[b->n++];
}

static int r_thread(void *be, const struct tl_thread *t)
{
	struct item *i = push(be, 'T');
	i->tid = t->tid;
	snprintf(i->comm, sizeof(i->comm), "%s", t->comm);
	return 0;
}

static int r_slice(void *be, const struct tl_slice *s)
{
	push(be, 'S')->s = *s;
	return 0;
}

static int r_gap(void *be, const struct tl_gap *g, char what)
{
	struct item *i = push(be, what);
	i->g = *g;
	if (g->repair)
		snprintf(i->repair, sizeof(i->repair), "%s", g->repair);
	i->g.repair = NULL;
	i->g.sketch = NULL;
	return 0;
}
static int r_gap_begin(void *be, const struct tl_gap *g)
{
	return r_gap(be, g, 'B');
}
static int r_gap_end(void *be, const struct tl_gap *g)
{
	return r_gap(be, g, 'E');
}
static int r_gap_cpu(void *be, const struct tl_gap *g)
{
	return r_gap(be, g, 'C');
}

static int r_finish(void *be, uint64_t a, uint64_t b, const struct tl_meta *m, size_t n)
{
	struct rec_be *r = be;
	(void)a;
	(void)b;
	(void)m;
	r->nmeta = n;
	push(be, 'F');
	return 0;
}

static const struct tl_ops rec_ops = {
	.thread = r_thread,
	.slice = r_slice,
	.gap_begin = r_gap_begin,
	.gap_end = r_gap_end,
	.gap_cpu = r_gap_cpu,
	.finish = r_finish,
};

static struct trz_record ev(uint32_t tid, uint64_t ts, int nr, int dir, int64_t ret)
{
	struct trz_record r = { .kind = TRZ_REC_EVENT };
	r.ev = (struct trz_event){
		.ts_ns = ts, .pid = 100, .tid = tid, .nr = nr, .dir = (uint8_t)dir, .ret = ret, .cpu = 0
	};
	return r;
}

static struct trz_record syn(uint32_t tid, uint64_t ts, int nr, int dir, uint64_t gap)
{
	struct trz_record r = { .kind = TRZ_REC_SYNTH };
	r.syn.ev = ev(tid, ts, nr, dir, 0).ev;
	r.syn.gap_id = gap;
	r.syn.confidence = 0.5f;
	return r;
}

static struct trz_record gap(uint32_t tid, uint64_t id, uint64_t lost, uint64_t t0, uint64_t t1)
{
	struct trz_record r = { .kind = TRZ_REC_GAP };
	r.gap = (struct trz_gap){ .id = id,
				  .lost = lost,
				  .seq_first = 10,
				  .seq_last = 10 + lost - 1,
				  .t_start_ns = t0,
				  .t_end_ns = t1,
				  .pid = 100,
				  .tid = tid,
				  .cpu = TRZ_NO_CPU,
				  .attributed = 1 };
	return r;
}

static struct rec_be *run(const struct trz_record *recs, int n)
{
	struct rec_be *b = calloc(1, sizeof(*b));
	struct timeline *tl = timeline_new(&rec_ops, b);

	assert_non_null(tl);
	for (int i = 0; i < n; i++)
		assert_int_equal(timeline_add(tl, &recs[i]), 0);
	assert_int_equal(timeline_finish(tl), 0);
	timeline_free(tl);
	return b;
}

/* slices of the recording, in order */
static const struct tl_slice *slice_n(const struct rec_be *b, int k)
{
	for (int i = 0; i < b->n; i++)
		if (b->it[i].what == 'S' && k-- == 0)
			return &b->it[i].s;
	return NULL;
}

static int index_of(const struct rec_be *b, char what, int k)
{
	for (int i = 0; i < b->n; i++)
		if (b->it[i].what == what && k-- == 0)
			return i;
	return -1;
}

static void test_tl_slices_and_names(void **state)
{
	struct trz_record th = { .kind = TRZ_REC_THREAD };
	th.th = (struct trz_thread){ .ts_ns = 50, .pid = 100, .tid = 7, .what = TRZ_THREAD_FORK };
	strcpy(th.th.comm, "make");
	struct trz_record rename = th;
	rename.th.what = TRZ_THREAD_EXEC;
	strcpy(rename.th.comm, "cc1");
	rename.th.ts_ns = 400;
	struct trz_record meta = { .kind = TRZ_REC_META };
	strcpy(meta.meta.key, "host");
	strcpy(meta.meta.value, "h");
	struct trz_record r[] = {
		meta,
		th,
		ev(7, 100, 0, TRZ_EXIT, 5), /* first event is an exit: began before (fork at 50) */
		ev(7, 200, 1, TRZ_ENTRY, 0),
		ev(7, 300, 1, TRZ_EXIT, 9),
		rename,
		ev(7, 500, 3, TRZ_ENTRY, 0), /* still open at the end */
		ev(8, 600, 0, TRZ_ENTRY, 0),
	};
	struct rec_be *b = run(r, (int)(sizeof(r) / sizeof(r[0])));
	const struct tl_slice *s;

	(void)state;
	assert_int_equal(b->it[0].what, 'T');
	assert_string_equal(b->it[0].comm, "make");
	s = slice_n(b, 0);
	assert_int_equal(s->ts, 50);
	assert_int_equal(s->end, 100);
	assert_int_equal(s->entry, TL_NOT_RECORDED);
	assert_int_equal(s->exit, TL_RECORDED);
	assert_int_equal(s->ret, 5);
	s = slice_n(b, 1);
	assert_int_equal(s->ts, 200);
	assert_int_equal(s->end, 300);
	assert_int_equal(s->nr, 1);
	assert_int_equal(s->ret, 9);
	assert_int_equal(s->entry, TL_RECORDED);
	assert_int_equal(s->exit, TL_RECORDED);
	/* the rename is announced */
	int k = index_of(b, 'T', 1);
	assert_true(k > 0);
	assert_string_equal(b->it[k].comm, "cc1");
	/* open calls end at the last timestamp, marked */
	s = slice_n(b, 2);
	assert_int_equal(s->ts, 500);
	assert_int_equal(s->end, 600);
	assert_int_equal(s->exit, TL_OPEN_AT_END);
	assert_false(s->has_ret);
	assert_non_null(slice_n(b, 3));
	assert_null(slice_n(b, 4));
	assert_int_equal(b->it[b->n - 1].what, 'F');
	assert_int_equal(b->nmeta, 1);
	free(b);
}

/* A call open when the gap starts, closed by the fill's synthetic exit; the gap contains every
 * synthetic slice and ends at the first recorded event after it, after them. */
static void test_tl_gap_filled(void **state)
{
	struct trz_record r[] = {
		ev(7, 100, 0, TRZ_ENTRY, 0), gap(7, 1, 3, 100, 400),
		syn(7, 200, 0, TRZ_EXIT, 1), syn(7, 250, 1, TRZ_ENTRY, 1),
		syn(7, 300, 1, TRZ_EXIT, 1), ev(7, 400, 3, TRZ_ENTRY, 0),
		ev(7, 450, 3, TRZ_EXIT, 0),
	};
	struct rec_be *b = run(r, (int)(sizeof(r) / sizeof(r[0])));
	int gb = index_of(b, 'B', 0), ge = index_of(b, 'E', 0);
	const struct tl_slice *s;

	(void)state;
	assert_true(gb >= 0 && ge > gb);
	assert_int_equal(b->it[gb].g.ts, 100);
	assert_int_equal(b->it[gb].g.lost, 3);
	assert_int_equal(b->it[gb].g.thread_lost, 3);
	assert_int_equal(b->it[ge].g.end, 400);
	assert_int_equal(b->it[ge].g.synthetic, 3);
	assert_string_equal(b->it[ge].repair, "(read) write");
	s = slice_n(b, 0); /* read: recorded entry, synthetic exit */
	assert_int_equal(s->ts, 100);
	assert_int_equal(s->end, 200);
	assert_int_equal(s->entry, TL_RECORDED);
	assert_int_equal(s->exit, TL_SYNTHETIC);
	assert_int_equal(s->gap_id, 1);
	assert_true(s->confidence > 0.49f && s->confidence < 0.51f);
	s = slice_n(b, 1); /* write: both synthetic */
	assert_int_equal(s->ts, 250);
	assert_int_equal(s->end, 300);
	assert_int_equal(s->entry, TL_SYNTHETIC);
	/* both closed before the gap ends: nested */
	assert_true(index_of(b, 'S', 1) < ge);
	assert_true(index_of(b, 'S', 2) > ge); /* close(3) after the gap */
	free(b);
}

/* Unfilled gap: the open call loses its exit where the gap begins; an exit after the gap whose
 * entry was lost is a zero-length slice marked "entry lost". */
static void test_tl_gap_unfilled(void **state)
{
	struct trz_record r[] = {
		ev(7, 100, 0, TRZ_ENTRY, 0), gap(7, 1, 3, 100, 400), ev(7, 400, 1, TRZ_EXIT, 8),
		gap(7, 2, 2, 400, UINT64_MAX), /* nothing after it */
	};
	struct rec_be *b = run(r, (int)(sizeof(r) / sizeof(r[0])));
	const struct tl_slice *s;

	(void)state;
	s = slice_n(b, 0); /* never zero-length: 1 ns */
	assert_int_equal(s->ts, 100);
	assert_int_equal(s->end, 101);
	assert_int_equal(s->exit, TL_LOST);
	assert_true(index_of(b, 'S', 0) < index_of(b, 'E', 0));
	s = slice_n(b, 1); /* starts after the gap ended (at 400), 1 ns long */
	assert_int_equal(s->ts, 401);
	assert_int_equal(s->end, 402);
	assert_int_equal(s->entry, TL_LOST);
	assert_int_equal(s->ret, 8);
	int e0 = index_of(b, 'E', 0), e1 = index_of(b, 'E', 1);
	assert_int_equal(b->it[e0].g.end, 400);
	assert_string_equal(b->it[e0].repair, "");
	assert_int_equal(b->it[e1].g.thread_lost, 5);
	/* after that slice it begins 1 ns later; nothing follows: 1 ns long (never empty) */
	assert_int_equal(b->it[e1].g.ts, 403);
	assert_int_equal(b->it[e1].g.end, 404);
	free(b);
}

/* Synthetic events that come long after their gap (tracerecd --fill) pair among themselves and
 * leave the recorded open call alone; unattributed gaps come complete, per CPU, kept apart. */
static void test_tl_late_synth_and_cpu_gaps(void **state)
{
	struct trz_record cg1 = { .kind = TRZ_REC_GAP }, cg2;
	cg1.gap = (struct trz_gap){
		.id = 9, .lost = 4, .t_start_ns = 150, .t_end_ns = 300, .cpu = 1, .attributed = 0
	};
	cg2 = cg1;
	cg2.gap.id = 10;
	cg2.gap.t_start_ns = 200; /* overlaps the first: moved behind it */
	cg2.gap.t_end_ns = 350;
	struct trz_record r[] = {
		ev(7, 100, 0, TRZ_EXIT, 0),
		gap(7, 1, 2, 100, 200),
		ev(7, 200, 0, TRZ_ENTRY, 0),
		cg1,
		cg2,
		syn(7, 120, 2, TRZ_ENTRY, 1),
		syn(7, 150, 2, TRZ_EXIT, 1),
		ev(7, 500, 0, TRZ_EXIT, 3),
	};
	struct rec_be *b = run(r, (int)(sizeof(r) / sizeof(r[0])));
	const struct tl_slice *s;

	(void)state;
	s = slice_n(b, 1); /* the late synthetic open(2) pair */
	assert_int_equal(s->nr, 2);
	assert_int_equal(s->ts, 120);
	assert_int_equal(s->end, 150);
	assert_int_equal(s->entry, TL_SYNTHETIC);
	assert_int_equal(s->exit, TL_SYNTHETIC);
	s = slice_n(b, 2); /* the recorded read still pairs (after the gap that ended at 200) */
	assert_int_equal(s->ts, 201);
	assert_int_equal(s->end, 500);
	assert_int_equal(s->exit, TL_RECORDED);
	int c0 = index_of(b, 'C', 0), c1 = index_of(b, 'C', 1);
	assert_int_equal(b->it[c0].g.ts, 150);
	assert_int_equal(b->it[c0].g.end, 300);
	assert_int_equal(b->it[c1].g.ts, 301);
	assert_int_equal(b->it[c1].g.end, 350);
	free(b);
}

/* Time order (dump_order) keeps a gap whose start is unknown (a thread's first events lost)
 * before its synthetic events and its thread's next event, as in the file. */
static int order_emit(void *ctx, const struct trz_record *rec)
{
	char *s = ctx;
	size_t n = strlen(s);

	s[n] = rec->kind == TRZ_REC_GAP ? 'G' : rec->kind == TRZ_REC_SYNTH ? 's' : 'e';
	s[n + 1] = 0;
	return 0;
}

static void test_order_unknown_start_gap(void **state)
{
	struct dump_order *o = dump_order_new(1000000000ull, 1000);
	struct trz_record g = gap(9, 1, 2, 0, 5000);
	struct trz_record r[] = {
		ev(7, 1000, 0, TRZ_ENTRY, 0),
		ev(7, 6000, 0, TRZ_EXIT, 0), /* another thread, later */
		g,
		syn(9, 3000, 1, TRZ_ENTRY, 1),
		syn(9, 4000, 1, TRZ_EXIT, 1),
		ev(9, 5000, 3, TRZ_ENTRY, 0),
	};
	char got[16] = "";

	(void)state;
	assert_non_null(o);
	for (int i = 0; i < 6; i++)
		assert_int_equal(dump_order_push(o, &r[i], order_emit, got), 0);
	assert_int_equal(dump_order_drain(o, order_emit, got), 0);
	assert_string_equal(got, "Gessee"); /* without the fix: "esseeG" */
	uint64_t worst;
	assert_int_equal(dump_order_late(o, &worst), 0);
	dump_order_free(o);
}

/* A thread's first events lost (start unknown): the gap spans from its first synthetic event
 * (or the thread's first sight, or the trace's start) to its first recorded event, and holds
 * its synthetic calls at their own times. */
static void test_tl_gap_unknown_start(void **state)
{
	struct trz_record r[] = {
		ev(7, 1000, 0, TRZ_ENTRY, 0), ev(7, 1500, 0, TRZ_EXIT, 0),
		gap(9, 1, 4, 0, 5000),        syn(9, 500, 1, TRZ_ENTRY, 1),
		syn(9, 700, 1, TRZ_EXIT, 1),  syn(9, 3000, 2, TRZ_ENTRY, 1),
		syn(9, 4000, 2, TRZ_EXIT, 1), ev(9, 5000, 3, TRZ_ENTRY, 0),
		ev(9, 5100, 3, TRZ_EXIT, 0),
	};
	struct rec_be *b = run(r, (int)(sizeof(r) / sizeof(r[0])));
	int gb = index_of(b, 'B', 0), ge = index_of(b, 'E', 0);

	(void)state;
	assert_int_equal(b->it[gb].g.ts, 500);
	assert_int_equal(b->it[ge].g.end, 5000);
	assert_true(index_of(b, 'S', 1) > gb);
	const struct tl_slice *s = slice_n(b, 1);
	assert_int_equal(s->ts, 500);
	assert_int_equal(s->end, 700);
	s = slice_n(b, 2);
	assert_int_equal(s->ts, 3000);
	assert_int_equal(s->end, 4000);
	assert_true(index_of(b, 'S', 2) < ge);
	free(b);
}

/* Every track nests strictly, as speedscope needs it (it sorts begins by time, longest first,
 * ends by time, and at equal times takes an end first unless the names match): per thread,
 * sorted by (start, longest first), each slice or gap either lies inside the one still open
 * (ending strictly before it) or starts strictly after it ended; nothing is zero-length.
 * Returns the number of violations (late synthetic slices are not in these tests). */
static int nest_errors(const struct rec_be *b)
{
	struct iv {
		uint32_t tid;
		uint64_t a, z;
	} v[64];
	int n = 0, bad = 0;

	for (int i = 0; i < b->n; i++) {
		if (b->it[i].what == 'S')
			v[n++] = (struct iv){ b->it[i].s.tid, b->it[i].s.ts, b->it[i].s.end };
		else if (b->it[i].what == 'E')
			v[n++] = (struct iv){ b->it[i].g.tid, b->it[i].g.ts, b->it[i].g.end };
	}
	for (int i = 1; i < n; i++) /* insertion sort: tid, start, longest first */
		for (int k = i; k > 0; k--) {
			struct iv *x = &v[k - 1], *y = &v[k];
			int gt = x->tid != y->tid ? x->tid > y->tid
				 : x->a != y->a   ? x->a > y->a
						  : x->z < y->z;
			if (!gt)
				break;
			struct iv t = *x;
			*x = *y;
			*y = t;
		}
	for (int i = 0; i < n; i++) {
		if (v[i].z <= v[i].a) {
			print_message("zero-length [%llu, %llu] on %u\n", (unsigned long long)v[i].a,
				      (unsigned long long)v[i].z, v[i].tid);
			bad++;
		}
		/* the innermost still-open enclosing interval */
		for (int k = i - 1; k >= 0 && v[k].tid == v[i].tid; k--) {
			if (v[k].z < v[i].a)
				continue; /* ended before: a finished sibling or a closed parent */
			int inside = v[i].a >= v[k].a && v[i].z < v[k].z &&
				     (v[i].a > v[k].a || v[i].z < v[k].z);
			if (!inside) {
				print_message("[%llu, %llu] and [%llu, %llu] on %u cross or touch\n",
					      (unsigned long long)v[k].a,
					      (unsigned long long)v[k].z, (unsigned long long)v[i].a,
					      (unsigned long long)v[i].z, v[i].tid);
				bad++;
			}
			break;
		}
	}
	return bad;
}

/* Times that tie (tracerec-fill interpolates synthetic events; several may share a
 * nanosecond) and 1 ns widenings: the gap's window would end after the next recorded call
 * began, and neighbours would touch.  Every track still nests strictly. */
static void test_tl_ties_nest(void **state)
{
	struct trz_record r[] = {
		ev(7, 100, 0, TRZ_ENTRY, 0),  ev(7, 100, 0, TRZ_EXIT, 0),  /* widened to 101 */
		gap(7, 1, 5, 100, 200),                                    /* starts after it */
		syn(7, 200, 1, TRZ_EXIT, 1),                               /* entry lost */
		syn(7, 200, 2, TRZ_ENTRY, 1), syn(7, 200, 2, TRZ_EXIT, 1), /* same ns */
		syn(7, 200, 3, TRZ_ENTRY, 1), syn(7, 200, 3, TRZ_EXIT, 1),
		ev(7, 200, 4, TRZ_ENTRY, 0),  ev(7, 260, 4, TRZ_EXIT, 0), /* at the gap's end */
		ev(7, 260, 5, TRZ_ENTRY, 0),  ev(7, 300, 5, TRZ_EXIT, 0),
		ev(8, 50, 0, TRZ_ENTRY, 0),   gap(8, 2, 2, 50, 0),         /* nothing follows */
		syn(8, 40, 0, TRZ_EXIT, 2),   syn(8, 40, 1, TRZ_ENTRY, 2), /* before its start */
	};
	struct rec_be *b = run(r, (int)(sizeof(r) / sizeof(r[0])));

	(void)state;
	assert_int_equal(nest_errors(b), 0);
	/* the recorded call after the gap keeps its exit time and the gap ends before it */
	int ge = index_of(b, 'E', 0);
	const struct tl_slice *s = slice_n(b, 4);
	assert_int_equal(s->nr, 4);
	assert_true(s->ts > b->it[ge].g.end);
	assert_int_equal(s->end, 260);
	free(b);
}

/* The recorded streams of the other tests nest strictly too. */
static void test_tl_examples_nest(void **state)
{
	struct trz_record a[] = {
		ev(7, 100, 0, TRZ_ENTRY, 0), gap(7, 1, 3, 100, 400),
		syn(7, 200, 0, TRZ_EXIT, 1), syn(7, 250, 1, TRZ_ENTRY, 1),
		syn(7, 300, 1, TRZ_EXIT, 1), ev(7, 400, 3, TRZ_ENTRY, 0),
		ev(7, 450, 3, TRZ_EXIT, 0),
	};
	struct trz_record c[] = {
		ev(7, 100, 0, TRZ_ENTRY, 0),
		gap(7, 1, 3, 100, 400),
		ev(7, 400, 1, TRZ_EXIT, 8),
		gap(7, 2, 2, 400, UINT64_MAX),
	};
	struct rec_be *b;

	(void)state;
	b = run(a, (int)(sizeof(a) / sizeof(a[0])));
	assert_int_equal(nest_errors(b), 0);
	free(b);
	b = run(c, (int)(sizeof(c) / sizeof(c[0])));
	assert_int_equal(nest_errors(b), 0);
	free(b);
}

/* export_clean_str keeps valid UTF-8, replaces the rest */
static void test_clean_str(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(export_clean_str("caf\xc3\xa9", buf, sizeof(buf)), "caf\xc3\xa9");
	assert_string_equal(export_clean_str("a\nb\x01\xff\xc3", buf, sizeof(buf)), "a?b???");
	assert_string_equal(export_clean_str("abcdef", buf, 4), "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pb_varint),
		cmocka_unit_test(test_pb_fields_and_nesting),
		cmocka_unit_test(test_tl_slices_and_names),
		cmocka_unit_test(test_tl_gap_filled),
		cmocka_unit_test(test_tl_gap_unfilled),
		cmocka_unit_test(test_tl_late_synth_and_cpu_gaps),
		cmocka_unit_test(test_order_unknown_start_gap),
		cmocka_unit_test(test_tl_gap_unknown_start),
		cmocka_unit_test(test_tl_ties_nest),
		cmocka_unit_test(test_tl_examples_nest),
		cmocka_unit_test(test_clean_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_sketch.c - the lost-syscall sketch on its way from the kernel's struct trc_sketch to a
 * gap record: conversion (user/collect/sketch.c) and the gap detector attaching it to exactly
 * the gap it describes (user/collect/gapdetect.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "collect/gapdetect.h"
#include "collect/sketch.h"
#include "collector_sketch.h"

/* What the BPF program does for each lost event: its own code (bpf/collector_sketch.h). */
static void kernel_add(struct trc_sketch *sk, int nr, int dir, uint64_t tseq, uint64_t now)
{
	trc_sketch_add(sk, trc_token(nr, (__u8)dir), tseq, now);
}

static uint64_t count_of(const struct trz_sketch *sk, int nr, int dir)
{
	for (int i = 0; i < sk->ntoks; i++)
		if (sk->toks[i].tok.nr == nr && sk->toks[i].tok.dir == dir)
			return sk->toks[i].count;
	return 0;
}

/* 21 lost events: read entry/exit x10 and one rt_sigreturn exit whose nr was -1. */
static void test_sketch_convert_exact(void **state)
{
	struct trc_sketch k = { 0 };
	struct trz_sketch out;
	int nr[21], dir[21];

	(void)state;
	for (int i = 0; i < 20; i++)
		nr[i] = 0, dir[i] = i % 2;
	nr[20] = -1, dir[20] = 1;
	for (int i = 0; i < 21; i++)
		kernel_add(&k, nr[i], dir[i], 100 + (uint64_t)i, 5000 + 10 * (uint64_t)i);
	assert_int_equal(trc_sketch_to_trz(&k, 21, &out), 1);
	assert_int_equal(out.present, 1);
	assert_int_equal(out.other, 0);
	assert_int_equal(out.ntoks, 3);
	assert_int_equal(count_of(&out, 0, 0), 10);
	assert_int_equal(count_of(&out, 0, 1), 10);
	assert_int_equal(count_of(&out, -1, 1), 1);
	assert_int_equal(out.nfirst, 8);
	assert_int_equal(out.nlast, 8);
	for (int i = 0; i < 8; i++) { /* first and last 8 in order */
		assert_int_equal(out.first[i].nr, nr[i]);
		assert_int_equal(out.first[i].dir, dir[i]);
		assert_int_equal(out.last[i].nr, nr[13 + i]);
		assert_int_equal(out.last[i].dir, dir[13 + i]);
	}
	assert_int_equal(out.t_first_ns, 5000);
	assert_int_equal(out.t_last_ns, 5200);
}

/* More distinct tokens than the kernel counts: the rest is "other", the sketch partial. */
static void test_sketch_convert_partial(void **state)
{
	struct trc_sketch k = { 0 };
	struct trz_sketch out;
	uint64_t n = 0;

	(void)state;
	for (int i = 0; i < TRC_SKETCH_TOKS + 5; i++)
		for (int d = 0; d < 2; d++)
			n++, kernel_add(&k, i, d, n, n);
	assert_int_equal(trc_sketch_to_trz(&k, n, &out), 1);
	assert_int_equal(out.ntoks, TRC_SKETCH_TOKS);
	assert_int_equal(out.other, n - TRC_SKETCH_TOKS);
	/* the kernel saw only the last 4 events of a run of n + 3 (thread_loss full at first):
	 * the first tokens are unknown, the 3 unseen ones count as other */
	assert_int_equal(trc_sketch_to_trz(&k, n + 3, &out), 1);
	assert_int_equal(out.nfirst, 0);
	assert_int_equal(out.other, n + 3 - TRC_SKETCH_TOKS);
	/* a sketch that claims more than the run, or whose counts do not add up: none */
	assert_int_equal(trc_sketch_to_trz(&k, n - 1, &out), 0);
	assert_int_equal(out.present, 0);
	k.cnt[0]++;
	assert_int_equal(trc_sketch_to_trz(&k, n, &out), 0);
}

struct sink {
	struct trz_gap gaps[8];
	int ngaps, nev;
};

static int collect(void *ctx, const struct trz_record *rec)
{
	struct sink *s = ctx;

	if (rec->kind == TRZ_REC_GAP && s->ngaps < 8)
		s->gaps[s->ngaps++] = rec->gap;
	else if (rec->kind == TRZ_REC_EVENT)
		s->nev++;
	return 0;
}

static struct trz_event ev(uint64_t tseq, uint16_t cpu)
{
	struct trz_event e = { .pid = 100, .tid = 7, .tseq = tseq, .cpu = cpu, .ts_ns = 1000 * tseq };

	return e;
}

static struct trz_sketch sketch_of(uint64_t lost)
{
	struct trc_sketch k = { 0 };
	struct trz_sketch out;

	for (uint64_t i = 0; i < lost; i++)
		kernel_add(&k, 39, (int)(i % 2), i + 1, i + 1);
	assert_int_equal(trc_sketch_to_trz(&k, lost, &out), 1);
	return out;
}

/* In order, out of order (the event waits for its thread's earlier events from another cpu),
 * and at the thread's end: each gap carries its own sketch; the stats count what is known. */
static void test_sketch_gapdetect(void **state)
{
	struct sink s = { 0 };
	struct gapdetect *g = gapdetect_new(collect, &s);
	struct trz_event e;
	struct trz_sketch sk;
	struct gapdetect_stats st;

	(void)state;
	assert_non_null(g);
	e = ev(1, 0);
	assert_int_equal(gapdetect_event(g, &e, 0, NULL), 0);
	sk = sketch_of(4); /* 2..5 lost, in order */
	e = ev(6, 0);
	assert_int_equal(gapdetect_event(g, &e, 4, &sk), 0);
	assert_int_equal(s.ngaps, 1);
	assert_true(trz_sketch_exact(&s.gaps[0]));
	assert_int_equal(s.gaps[0].seq_first, 2);
	assert_int_equal(count_of(&s.gaps[0].sketch, 39, 0), 2);
	sk = sketch_of(3); /* 10..12 lost, event 13 arrives (cpu 1) before 7..9 (cpu 0) */
	e = ev(13, 1);
	assert_int_equal(gapdetect_event(g, &e, 3, &sk), 0);
	memset(&sk, 0x5a, sizeof(sk)); /* the detector keeps its own copy */
	assert_int_equal(s.ngaps, 1);
	for (uint64_t t = 7; t <= 9; t++) {
		e = ev(t, 0);
		assert_int_equal(gapdetect_event(g, &e, 0, NULL), 0);
	}
	assert_int_equal(s.ngaps, 2);
	assert_int_equal(s.gaps[1].seq_first, 10);
	assert_int_equal(s.gaps[1].lost, 3);
	assert_true(trz_sketch_exact(&s.gaps[1]));
	sk = sketch_of(5); /* a sketch that does not fit its gap is not written */
	e = ev(20, 0);
	assert_int_equal(gapdetect_event(g, &e, 6, &sk), 0);
	assert_int_equal(s.ngaps, 3);
	assert_int_equal(s.gaps[2].sketch.present, 0);
	sk = sketch_of(2); /* trailing: 21, 22 lost, then the thread exits */
	assert_int_equal(gapdetect_thread_final(g, 100, 7, 22, 2, 15, &sk), 0);
	assert_int_equal(s.ngaps, 4);
	assert_true(trz_sketch_exact(&s.gaps[3]));
	assert_int_equal(s.gaps[3].t_end_ns, UINT64_MAX);
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.lost, 15);
	assert_int_equal(st.lost_known, 9);
	assert_int_equal(st.sketched_gaps, 3);
	assert_int_equal(st.sketches_dropped, 1);
	assert_int_equal(st.threads_bad, 0);
	assert_int_equal(gapdetect_finish(g), 0);
	gapdetect_free(g);
}

/* The wake-up cadence (trc_wake_due, the BPF program's own code): one-event and two-event
 * (pair) records in any mix see the fill level once per TRC_WAKE_EVERY events.  Checking
 * cseq alone stops after one odd record between pairs: 0 checks. */
static void test_wake_cadence(void **state)
{
	static const __u32 mixes[][8] = {
		{ 1, 2, 2, 2, 2, 2, 2, 2 }, /* one entry-only record (execve), then pairs */
		{ 2, 2, 2, 2, 2, 2, 2, 2 },
		{ 1, 1, 1, 1, 1, 1, 1, 1 },
		{ 2, 1, 2, 2, 1, 2, 1, 1 },
	};

	(void)state;
	for (size_t m = 0; m < sizeof(mixes) / sizeof(mixes[0]); m++) {
		__u64 cseq = 0, due = 0, last_due = 0, longest = 0;

		for (int i = 0; i < 100000; i++) {
			__u32 n = mixes[m][i % 8];

			cseq += n;
			if (trc_wake_due(cseq, n)) {
				due++;
				if (cseq - last_due > longest)
					longest = cseq - last_due;
				last_due = cseq;
			}
		}
		assert_int_equal(due, cseq / TRC_WAKE_EVERY); /* every multiple seen once */
		assert_true(longest <= TRC_WAKE_EVERY + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sketch_convert_exact),
		cmocka_unit_test(test_sketch_convert_partial),
		cmocka_unit_test(test_sketch_gapdetect),
		cmocka_unit_test(test_wake_cadence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

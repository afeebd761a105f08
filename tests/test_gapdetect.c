/* test_gapdetect.c - the gap detector on hand-made event streams (user/gapdetect.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collect/gapdetect.h"

#define MAXREC 256

struct sink {
	struct trz_record rec[MAXREC];
	int n;
	int fail_with; /* emit returns this (negative) when set */
};

static int collect(void *ctx, const struct trz_record *rec)
{
	struct sink *s = ctx;

	if (s->fail_with)
		return s->fail_with;
	assert_true(s->n < MAXREC);
	s->rec[s->n].kind = rec->kind;
	if (rec->kind == TRZ_REC_EVENT)
		s->rec[s->n].ev = rec->ev;
	else
		s->rec[s->n].gap = rec->gap;
	s->n++;
	return 0;
}

/* Event of thread tid: tseq, cpu, cseq; ts = 1000 * tseq. */
static struct trz_event ev(uint32_t tid, uint64_t tseq, uint16_t cpu, uint64_t cseq)
{
	struct trz_event e;

	memset(&e, 0, sizeof(e));
	e.pid = 100;
	e.tid = tid;
	e.tseq = tseq;
	e.cseq = cseq;
	e.cpu = cpu;
	e.ts_ns = 1000 * tseq;
	e.nr = 39;
	return e;
}

static void feed(struct gapdetect *g, uint32_t tid, uint64_t tseq, uint16_t cpu, uint64_t lost_before)
{
	static uint64_t cseq[4];
	struct trz_event e = ev(tid, tseq, cpu, ++cseq[cpu & 3]);

	assert_int_equal(gapdetect_event(g, &e, lost_before, NULL), 0);
}

static void expect_event(const struct sink *s, int i, uint32_t tid, uint64_t tseq)
{
	assert_true(i < s->n);
	assert_int_equal(s->rec[i].kind, TRZ_REC_EVENT);
	assert_int_equal(s->rec[i].ev.tid, tid);
	assert_int_equal(s->rec[i].ev.tseq, tseq);
}

static void expect_gap(const struct sink *s, int i, uint32_t tid, uint64_t first, uint64_t last,
		       uint64_t t_start, uint64_t t_end)
{
	assert_true(i < s->n);
	assert_int_equal(s->rec[i].kind, TRZ_REC_GAP);
	assert_int_equal(s->rec[i].gap.attributed, 1);
	assert_int_equal(s->rec[i].gap.tid, tid);
	assert_int_equal(s->rec[i].gap.seq_first, first);
	assert_int_equal(s->rec[i].gap.seq_last, last);
	assert_int_equal(s->rec[i].gap.lost, last - first + 1);
	assert_int_equal(s->rec[i].gap.t_start_ns, t_start);
	assert_int_equal(s->rec[i].gap.t_end_ns, t_end);
	assert_true(s->rec[i].gap.id > 0);
}

static int setup(void **state)
{
	struct sink *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_gapdetect_in_order(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;

	assert_non_null(g);
	for (int i = 1; i <= 5; i++)
		feed(g, 7, i, 0, 0);
	assert_int_equal(s->n, 5);
	for (int i = 0; i < 5; i++)
		expect_event(s, i, 7, i + 1);
	assert_int_equal(gapdetect_finish(g), 0);
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.events, 5);
	assert_int_equal(st.gaps, 0);
	assert_int_equal(st.threads, 1);
	assert_int_equal(st.threads_checked, 1);
	assert_int_equal(st.threads_bad, 0);
	gapdetect_free(g);
}

static void test_gapdetect_loss_in_middle(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;

	feed(g, 7, 1, 0, 0);
	feed(g, 7, 2, 0, 0);
	feed(g, 7, 6, 0, 3); /* 3, 4, 5 lost */
	assert_int_equal(s->n, 4);
	expect_gap(s, 2, 7, 3, 5, 2000, 6000);
	expect_event(s, 3, 7, 6);
	assert_int_equal(gapdetect_thread_final(g, 100, 7, 6, 0, 3, NULL), 0);
	assert_int_equal(gapdetect_live_threads(g), 0); /* complete: checked and forgotten */
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.lost, 3);
	assert_int_equal(st.threads_checked, 1);
	assert_int_equal(st.threads_bad, 0);
	gapdetect_free(g);
}

/* A thread migrated: its later events (cpu 1) are consumed before its earlier ones (cpu 0). */
static void test_gapdetect_out_of_order(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;

	feed(g, 9, 1, 0, 0);
	feed(g, 9, 2, 0, 0);
	feed(g, 9, 5, 1, 0);
	feed(g, 9, 6, 1, 0);
	assert_int_equal(s->n, 2); /* 5 and 6 held back: 3, 4 not seen and not announced lost */
	feed(g, 9, 3, 0, 0);
	feed(g, 9, 4, 0, 0);
	assert_int_equal(s->n, 6);
	for (int i = 0; i < 6; i++)
		expect_event(s, i, 9, i + 1);
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.gaps, 0);
	gapdetect_free(g);
}

static void test_gapdetect_out_of_order_loss(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);

	feed(g, 9, 1, 0, 0);
	feed(g, 9, 4, 1, 1); /* 3 lost, 2 still in cpu 0's ring */
	assert_int_equal(s->n, 1);
	feed(g, 9, 2, 0, 0);
	assert_int_equal(s->n, 4);
	expect_event(s, 1, 9, 2);
	expect_gap(s, 2, 9, 3, 3, 2000, 4000);
	expect_event(s, 3, 9, 4);
	gapdetect_free(g);
}

static void test_gapdetect_trailing_from_exit(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;

	for (int i = 1; i <= 3; i++)
		feed(g, 5, i, 0, 0);
	assert_int_equal(gapdetect_thread_final(g, 100, 5, 6, 3, 3, NULL), 0);
	assert_int_equal(s->n, 4);
	expect_gap(s, 3, 5, 4, 6, 3000, UINT64_MAX);
	assert_int_equal(gapdetect_live_threads(g), 0);
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.threads_bad, 0);
	gapdetect_free(g);
}

/* The exit record (ctl ring) is consumed before the thread's last events (cpu ring). */
static void test_gapdetect_exit_before_events(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);

	feed(g, 5, 1, 0, 0);
	assert_int_equal(gapdetect_thread_final(g, 100, 5, 3, 0, 0, NULL), 0);
	assert_int_equal(gapdetect_live_threads(g), 1);
	feed(g, 5, 2, 1, 0);
	feed(g, 5, 3, 1, 0);
	assert_int_equal(gapdetect_live_threads(g), 0);
	assert_int_equal(s->n, 3);
	gapdetect_free(g);
}

static void test_gapdetect_trailing_from_loss_map(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;

	feed(g, 11, 1, 0, 0);
	feed(g, 11, 2, 0, 0);
	assert_int_equal(gapdetect_thread_losses(g, 100, 11, 5, 3, 0, NULL), 0);
	assert_int_equal(gapdetect_finish(g), 0);
	assert_int_equal(s->n, 3);
	expect_gap(s, 2, 11, 3, 5, 2000, UINT64_MAX);
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.threads_bad, 0);
	assert_int_equal(st.unexplained, 0);
	gapdetect_free(g);
}

/* Detected losses that disagree with the kernel's count are flagged. */
static void test_gapdetect_mismatch_flagged(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;

	feed(g, 3, 1, 0, 0);
	feed(g, 3, 3, 0, 1);
	assert_int_equal(gapdetect_thread_final(g, 100, 3, 3, 0, 0, NULL), 0); /* kernel: nothing lost */
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.threads_checked, 1);
	assert_int_equal(st.threads_bad, 1);
	/* and a live thread with losses but no kernel entry */
	feed(g, 4, 2, 0, 1);
	assert_int_equal(gapdetect_finish(g), 0);
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.threads_bad, 2);
	gapdetect_free(g);
}

static void test_gapdetect_unexplained_hole(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;

	feed(g, 8, 1, 0, 0);
	feed(g, 8, 4, 0, 0); /* 2, 3 never come and were never announced lost */
	assert_int_equal(s->n, 1);
	assert_int_equal(gapdetect_finish(g), 0);
	assert_int_equal(s->n, 3);
	expect_gap(s, 1, 8, 2, 3, 1000, 4000);
	expect_event(s, 2, 8, 4);
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.unexplained, 2);
	assert_int_equal(st.threads_bad, 1);
	gapdetect_free(g);
}

static void test_gapdetect_cpu_accounting(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct trz_event e;
	struct gapdetect_cpu c;

	e = ev(1, 1, 2, 1);
	gapdetect_event(g, &e, 0, NULL);
	e = ev(1, 2, 2, 2);
	gapdetect_event(g, &e, 0, NULL);
	e = ev(1, 5, 2, 5); /* cseq 3, 4 lost on cpu 2 (tseq 3, 4 of this thread) */
	gapdetect_event(g, &e, 2, NULL);
	gapdetect_get_cpu(g, 2, &c);
	assert_int_equal(c.recorded, 3);
	assert_int_equal(c.max_cseq, 5);
	assert_int_equal(c.loss_t_first, 2000);
	assert_int_equal(c.loss_t_last, 5000);
	gapdetect_get_cpu(g, 0, &c);
	assert_int_equal(c.recorded, 0);
	gapdetect_get_cpu(g, 1000, &c);
	assert_int_equal(c.recorded, 0);
	gapdetect_free(g);
}

static void test_gapdetect_tid_reuse(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;

	feed(g, 7, 1, 0, 0);
	feed(g, 7, 2, 0, 0);
	gapdetect_thread_final(g, 100, 7, 2, 0, 0, NULL);
	feed(g, 7, 1, 1, 0); /* a new thread with the same tid */
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.threads, 2);
	assert_int_equal(st.duplicates, 0);
	assert_int_equal(gapdetect_finish(g), 0);
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.threads_checked, 2);
	assert_int_equal(st.threads_bad, 0);
	gapdetect_free(g);
}

static void test_gapdetect_interleaved_threads(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;
	uint64_t last[3] = { 0 };

	/* 3 threads, 50 events each, losses every 7th, consumed round robin */
	for (uint64_t i = 1; i <= 50; i++)
		for (uint32_t t = 0; t < 3; t++)
			if (i % 7)
				feed(g, 20 + t, i, t & 1, i % 7 == 1 && i > 1 ? 1 : 0);
	assert_int_equal(gapdetect_finish(g), 0);
	for (int i = 0; i < s->n; i++) {
		uint32_t t = s->rec[i].kind == TRZ_REC_EVENT ? s->rec[i].ev.tid : s->rec[i].gap.tid;
		uint64_t first = s->rec[i].kind == TRZ_REC_EVENT ? s->rec[i].ev.tseq
								 : s->rec[i].gap.seq_first;
		uint64_t lastq = s->rec[i].kind == TRZ_REC_EVENT ? s->rec[i].ev.tseq
								 : s->rec[i].gap.seq_last;

		assert_int_equal(first, last[t - 20] + 1); /* per thread: contiguous, in order */
		last[t - 20] = lastq;
	}
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.gaps, 3 * 7);
	assert_int_equal(st.lost, 3 * 7);
	assert_int_equal(st.events, 3 * (50 - 7));
	assert_int_equal(st.threads_bad, 3); /* the kernel never confirmed those losses */
	gapdetect_free(g);
}

static void test_gapdetect_unattributed(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct gapdetect_stats st;

	assert_int_equal(gapdetect_unattributed(g, 1, 5, 10, 20), 0);
	assert_int_equal(gapdetect_unattributed(g, 1, 0, 10, 20), 0); /* nothing lost: no record */
	assert_int_equal(s->n, 1);
	assert_int_equal(s->rec[0].kind, TRZ_REC_GAP);
	assert_int_equal(s->rec[0].gap.attributed, 0);
	assert_int_equal(s->rec[0].gap.cpu, 1);
	assert_int_equal(s->rec[0].gap.lost, 5);
	gapdetect_get_stats(g, &st);
	assert_int_equal(st.unattr_lost, 5);
	gapdetect_free(g);
}

static void test_gapdetect_emit_error(void **state)
{
	struct sink *s = *state;
	struct gapdetect *g = gapdetect_new(collect, s);
	struct trz_event e = ev(1, 1, 0, 1);

	s->fail_with = -ENOSPC;
	assert_int_equal(gapdetect_event(g, &e, 0, NULL), -ENOSPC);
	gapdetect_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gapdetect_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_loss_in_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_out_of_order_loss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_trailing_from_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_exit_before_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_trailing_from_loss_map, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_mismatch_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_unexplained_hole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_cpu_accounting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_tid_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_interleaved_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_unattributed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gapdetect_emit_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

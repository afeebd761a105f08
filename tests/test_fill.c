/* test_fill.c - gap repair pieces: entry/exit fix-up, contexts around gaps, windows and chunks
 * of fill_impute(), synthetic event timestamps, the corpus. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fill/fill.h"
#include "common/syscalls.h"

#define EN(nr) tok_make((nr), TRZ_ENTRY)
#define EX(nr) tok_make((nr), TRZ_EXIT)
#define NONE TOK_NONE

static int sc(const char *name)
{
	int nr = syscall_lookup(name);
	assert_true(nr >= 0);
	return nr;
}

/* Tokens of syscall numbers that do not fit (nr * 2 + dir > INT32_MAX, e.g. x32's 1 << 30 bit)
 * are "no event": tok_make() used to overflow int (UBSan) and return a negative token. */
static void test_fill_tok_range(void **state)
{
	(void)state;
	assert_int_equal(tok_make(1 << 30, TRZ_EXIT), TOK_NONE);
	assert_int_equal(tok_make(INT32_MAX, TRZ_ENTRY), TOK_NONE);
	assert_int_equal(tok_make(TOK_NR_MAX, TRZ_EXIT), INT32_MAX);
	assert_int_equal(tok_nr(tok_make(TOK_NR_MAX, TRZ_EXIT)), TOK_NR_MAX);
	assert_int_equal(tok_make(-5, TRZ_EXIT), TOK_NONE);
	assert_int_equal(tok_make(0, TRZ_EXIT), 1);
}

static void test_fill_fixup_keeps_consistent(void **state)
{
	(void)state;
	int rd = sc("read"), wr = sc("write"), cl = sc("close");
	int32_t t[] = { EN(wr), EX(wr), EN(cl), EX(cl) }, want[4];
	float c[] = { .9f, .9f, .9f, .9f };

	memcpy(want, t, sizeof(t));
	assert_int_equal(fill_fixup(t, c, 4, EX(rd), EN(rd)), 0);
	assert_memory_equal(t, want, sizeof(t));
	assert_true(c[0] == .9f);
}

static void test_fill_fixup_wrong_exit(void **state)
{
	(void)state;
	int rd = sc("read"), wr = sc("write"), cl = sc("close");
	int32_t t[] = { EN(wr), EX(cl) };
	float c[] = { .9f, .5f };

	assert_int_equal(fill_span_consistent(t, 2, EX(rd), EN(rd)), 0);
	assert_int_equal(fill_fixup(t, c, 2, EX(rd), EN(rd)), 1);
	assert_int_equal(t[0], EN(wr));
	assert_int_equal(t[1], EX(wr));
	assert_true(c[1] == .25f); /* changed: half its confidence */
	assert_true(fill_span_consistent(t, 2, EX(rd), EN(rd)));
}

static void test_fill_fixup_confidence_decides(void **state)
{
	(void)state;
	int rd = sc("read"), wr = sc("write"), cl = sc("close");
	int32_t a[] = { EN(wr), EX(cl) }, b[] = { EN(wr), EX(cl) };
	float ca[] = { .9f, .1f }, cb[] = { .1f, .9f };

	assert_int_equal(fill_fixup(a, ca, 2, EX(rd), EN(rd)), 1);
	assert_int_equal(a[0], EN(wr)); /* the confident entry stays */
	assert_int_equal(a[1], EX(wr));
	assert_int_equal(fill_fixup(b, cb, 2, EX(rd), EN(rd)), 1);
	assert_int_equal(b[0], EN(cl)); /* the confident exit stays */
	assert_int_equal(b[1], EX(cl));
}

static void test_fill_fixup_boundaries(void **state)
{
	(void)state;
	int rd = sc("read"), wr = sc("write"), cl = sc("close");
	/* inside read on the left: the span must start with read's exit */
	int32_t t[] = { EX(wr), EN(cl), EX(cl) };
	assert_true(fill_fixup(t, NULL, 3, EN(rd), EN(wr)) >= 1);
	assert_int_equal(t[0], EX(rd));
	assert_true(fill_span_consistent(t, 3, EN(rd), EN(wr)));
	/* the right neighbour is close's exit: the span must end inside close */
	int32_t u[] = { EN(wr), EX(wr), EN(wr) };
	assert_int_equal(fill_fixup(u, NULL, 3, EX(rd), EX(cl)), 1);
	assert_int_equal(u[2], EN(cl));
	/* unknown left: starting with an exit is fine */
	int32_t v[] = { EX(rd), EN(wr), EX(wr) };
	assert_int_equal(fill_fixup(v, NULL, 3, NONE, NONE), 0);
}

static void test_fill_fixup_noreturn(void **state)
{
	(void)state;
	int rd = sc("read"), eg = sc("exit_group");
	/* end of a thread's life: exit_group's entry may end the span */
	int32_t t[] = { EN(rd), EX(rd), EN(eg) };
	assert_int_equal(fill_fixup(t, NULL, 3, EX(rd), NONE), 0);
	assert_true(fill_span_consistent(t, 3, EX(rd), NONE));
	/* but nothing follows it: an exit_group "exit" mid-span is rewritten */
	int32_t u[] = { EN(eg), EX(eg) };
	assert_int_equal(fill_span_consistent(u, 2, EX(rd), EN(rd)), 0);
	assert_true(fill_fixup(u, NULL, 2, EX(rd), EN(rd)) >= 1);
	assert_true(fill_span_consistent(u, 2, EX(rd), EN(rd)));
}

static void test_fill_fixup_infeasible_ends(void **state)
{
	(void)state;
	int rd = sc("read"), wr = sc("write");
	/* odd length between two "outside" states cannot obey both ends: right end dropped */
	int32_t t[] = { EN(wr), EX(wr), EN(wr) };
	assert_true(fill_fixup(t, NULL, 3, EX(rd), EN(rd)) >= 0);
	assert_true(fill_span_consistent(t, 3, EX(rd), NONE));
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Property: for spans cut from valid sequences, with random corruption, the fix-up always
 * yields a consistent span, and never changes a proposal that was already right. */
static void test_fill_fixup_random(void **state)
{
	(void)state;
	int nrs[] = { sc("read"), sc("write"), sc("openat"), sc("close"), sc("fstat") };
	uint64_t rng = 42;

	for (int it = 0; it < 2000; it++) {
		int32_t seq[64], prop[60];
		float conf[60];
		int len = 2 + (int)(rng_next(&rng) % 60);
		for (int i = 0; i + 1 < 64; i += 2) {
			int nr = nrs[rng_next(&rng) % 5];
			seq[i] = EN(nr);
			seq[i + 1] = EX(nr);
		}
		int start = 1 + (int)(rng_next(&rng) % 2);
		int n = len > 60 ? 60 : len;
		if (start + n >= 64)
			n = 62 - start;
		memcpy(prop, seq + start, sizeof(int32_t) * n);
		int corrupt = (int)(rng_next(&rng) % 4);
		for (int k = 0; k < corrupt; k++) {
			int p = (int)(rng_next(&rng) % n);
			prop[p] = tok_make(nrs[rng_next(&rng) % 5], (uint8_t)(rng_next(&rng) % 2));
		}
		for (int i = 0; i < n; i++)
			conf[i] = (float)(rng_next(&rng) % 100) / 100.f;
		int32_t right = rng_next(&rng) % 3 ? seq[start + n] : NONE;
		int r = fill_fixup(prop, conf, n, seq[start - 1], right);
		assert_true(r >= 0 && r <= n);
		assert_true(fill_span_consistent(prop, n, seq[start - 1], right));
		if (corrupt == 0)
			assert_int_equal(r, 0);
	}
}

/* ---- contexts ------------------------------------------------------------------------- */

static struct trz_gap mkgap(uint64_t id, uint32_t tid, uint64_t first, uint64_t lost)
{
	struct trz_gap g = { 0 };
	g.id = id;
	g.tid = g.pid = tid;
	g.attributed = 1;
	g.seq_first = first;
	g.seq_last = first + lost - 1;
	g.lost = lost;
	g.t_start_ns = 1000;
	g.t_end_ns = 2000;
	g.cpu = 1;
	return g;
}

static void test_fill_context_basic(void **state)
{
	(void)state;
	struct fill_ctx *c = fill_ctx_new(8);
	struct trz_gap g = mkgap(1, 7, 20, 5);
	int idx[4];

	assert_non_null(c);
	for (uint64_t s = 0; s < 20; s++) {
		assert_int_equal(fill_ctx_event(c, 7, s, (int32_t)s), 0);
		assert_int_equal(fill_ctx_event(c, 8, s, 1000), 0); /* another thread */
	}
	int gi = fill_ctx_gap(c, &g);
	assert_int_equal(gi, 0);
	assert_int_equal(fill_ctx_open(c), 1);
	for (uint64_t s = 25; s < 32; s++)
		assert_int_equal(fill_ctx_event(c, 7, s, (int32_t)s), 0);
	assert_int_equal(fill_ctx_take_complete(c, idx, 4), 0); /* 7 of 8 right slots */
	assert_int_equal(fill_ctx_event(c, 7, 32, 32), 0);
	assert_int_equal(fill_ctx_take_complete(c, idx, 4), 1);
	assert_int_equal(idx[0], 0);
	struct fill_gap *fg = fill_ctx_get(c, 0);
	for (int k = 0; k < 8; k++) {
		assert_int_equal(fg->left[k], 12 + k);
		assert_int_equal(fg->right[k], 25 + k);
	}
	assert_int_equal(fill_gap_left_run(fg), 8);
	assert_int_equal(fill_gap_right_run(fg), 8);
	assert_int_equal(fill_ctx_take_complete(c, idx, 4), 0); /* handed out once */
	fill_ctx_free(c);
}

/* The gap record arrives after some of the events that follow the gap, and the thread's events
 * arrive slightly out of order. */
static void test_fill_context_late_record(void **state)
{
	(void)state;
	struct fill_ctx *c = fill_ctx_new(4);
	struct trz_gap g = mkgap(3, 9, 10, 2);
	uint64_t order[] = { 0, 1, 2, 3, 4, 5, 6, 7, 9, 8, 12, 13 };

	/* with timestamps and return classes (tseq 15 without: not known) */
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		assert_int_equal(fill_ctx_event_aux(c, 9, order[i], 100 + (int32_t)order[i],
						    1000 * (int64_t)order[i], order[i] % 5),
				 0);
	assert_int_equal(fill_ctx_gap(c, &g), 0);
	assert_int_equal(fill_ctx_event(c, 9, 15, 115), 0);
	assert_int_equal(fill_ctx_event_aux(c, 9, 14, 114, 14000, 4), 0);
	struct fill_gap *fg = fill_ctx_get(c, 0);
	assert_true(fg->complete);
	for (int k = 0; k < 4; k++) {
		assert_int_equal(fg->left[k], 106 + k);
		assert_int_equal(fg->right[k], 112 + k);
		assert_int_equal(fg->lts[k], 1000 * (106 + k - 100));
		assert_int_equal(fg->lrc[k], (106 + k - 100) % 5);
		assert_int_equal(fg->rts[k], k < 3 ? 1000 * (12 + k) : -1);
		assert_int_equal(fg->rrc[k], k < 3 ? (12 + k) % 5 : IMPUTER_RC_NONE);
	}
	fill_ctx_free(c);
}

static void test_fill_context_exit_and_holes(void **state)
{
	(void)state;
	struct fill_ctx *c = fill_ctx_new(6);
	struct trz_gap a = mkgap(1, 5, 10, 3), b = mkgap(2, 5, 15, 2), e = mkgap(3, 6, 4, 9);
	int idx[8];

	e.t_end_ns = UINT64_MAX; /* no event after it: end of life */

	for (uint64_t s = 0; s < 10; s++)
		fill_ctx_event(c, 5, s, (int32_t)s);
	for (uint64_t s = 0; s < 4; s++)
		fill_ctx_event(c, 6, s, (int32_t)s);
	assert_int_equal(fill_ctx_gap(c, &a), 0);
	/* thread 6 exits; then the record of its end-of-life gap: left context only */
	assert_int_equal(fill_ctx_thread_exit(c, 6, 5000), 0);
	assert_int_equal(fill_ctx_gap(c, &e), 1);
	fill_ctx_event(c, 5, 13, 13);
	fill_ctx_event(c, 5, 14, 14);
	assert_int_equal(fill_ctx_gap(c, &b), 2);
	assert_int_equal(fill_ctx_take_complete(c, idx, 8), 1);
	assert_int_equal(idx[0], 1);
	struct fill_gap *fe = fill_ctx_get(c, 1);
	assert_int_equal(fill_gap_left_run(fe), 4);
	assert_int_equal(fill_gap_right_run(fe), 0);
	assert_true(fe->t_exit == 5000);
	/* gap a's right context is cut by gap b: complete once an event W past a's end arrives */
	for (uint64_t s = 17; s < 19; s++)
		fill_ctx_event(c, 5, s, (int32_t)s);
	assert_int_equal(fill_ctx_take_complete(c, idx, 8), 0);
	fill_ctx_event(c, 5, 19, 19); /* 19 >= 12 + 6 + 1: a complete */
	assert_int_equal(fill_ctx_take_complete(c, idx, 8), 1);
	struct fill_gap *fa = fill_ctx_get(c, 0);
	assert_int_equal(fill_gap_right_run(fa), 2); /* 13, 14, then the hole of b */
	assert_int_equal(fill_gap_left_run(fill_ctx_get(c, 2)), 2);
	fill_ctx_finish(c);
	assert_int_equal(fill_ctx_take_complete(c, idx, 8), 1);
	assert_int_equal(fill_ctx_open(c), 0);
	/* not attributed / unknown count: refused */
	struct trz_gap u = mkgap(4, 5, 30, 0);
	assert_true(fill_ctx_gap(c, &u) < 0);
	u = mkgap(4, 5, 30, 3);
	u.attributed = 0;
	assert_true(fill_ctx_gap(c, &u) < 0);
	fill_ctx_free(c);
}

/* tracerecd writes the gap at the end of a thread's life after its exit record: the gap still
 * gets the thread's last events as left context and is complete at once. */
static void test_fill_context_gap_after_exit(void **state)
{
	(void)state;
	struct fill_ctx *c = fill_ctx_new(4);
	struct trz_gap g = mkgap(1, 7, 10, 3);
	int idx[2];

	g.t_end_ns = UINT64_MAX;
	for (uint64_t s = 0; s < 10; s++)
		fill_ctx_event(c, 7, s, (int32_t)s);
	assert_int_equal(fill_ctx_thread_exit(c, 7, 900), 0);
	assert_int_equal(fill_ctx_gap(c, &g), 0);
	assert_int_equal(fill_ctx_take_complete(c, idx, 2), 1);
	struct fill_gap *fg = fill_ctx_get(c, 0);
	assert_int_equal(fill_gap_left_run(fg), 4);
	assert_int_equal(fg->left[3], 9);
	assert_true(fg->t_exit == 900);
	/* many exited threads later, the oldest rings are dropped, the newest kept */
	for (uint32_t t = 100; t < 100 + 1100; t++) {
		fill_ctx_event(c, t, 0, 1);
		fill_ctx_thread_exit(c, t, 1000 + t);
	}
	struct trz_gap late = mkgap(2, 100 + 1099, 1, 2);
	late.t_end_ns = UINT64_MAX;
	int gi = fill_ctx_gap(c, &late);
	assert_int_equal(fill_gap_left_run(fill_ctx_get(c, gi)), 1);
	fill_ctx_free(c);
}

/* tracerecd writes a thread's exit record before the events its gap detector still holds: a
 * gap followed by events must wait for them even when the exit came first. */
static void test_fill_context_exit_before_right(void **state)
{
	(void)state;
	struct fill_ctx *c = fill_ctx_new(4);
	struct trz_gap g = mkgap(1, 7, 10, 2);
	int idx[2];

	for (uint64_t s = 0; s < 10; s++)
		fill_ctx_event(c, 7, s, (int32_t)s);
	assert_int_equal(fill_ctx_thread_exit(c, 7, 900), 0);
	assert_int_equal(fill_ctx_gap(c, &g), 0);
	assert_int_equal(fill_ctx_take_complete(c, idx, 2), 0);
	for (uint64_t s = 12; s < 14; s++)
		fill_ctx_event(c, 7, s, (int32_t)s);
	fill_ctx_finish(c);
	assert_int_equal(fill_ctx_take_complete(c, idx, 2), 1);
	struct fill_gap *fg = fill_ctx_get(c, 0);
	assert_int_equal(fill_gap_right_run(fg), 2);
	assert_int_equal(fg->right[0], 12);
	fill_ctx_free(c);
}

/* ---- fill_impute with a transparent imputer ------------------------------------------- */

/* Fills each missing position with the id two positions earlier (a period-2 copier) and
 * records the longest window it was given: it checks the windowing, not a model. */
static int max_L_seen;
static int copier_fill(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		       int L, uint64_t seed)
{
	(void)im;
	(void)seed;
	if (L > max_L_seen)
		max_L_seen = L;
	for (int b = 0; b < B; b++)
		for (int i = 0; i < L; i++) {
			size_t p = (size_t)b * L + i;
			if (known[p])
				continue;
			seq[p] = i >= 2 ? seq[p - 2] : 1;
			if (conf)
				conf[p] = 0.75f;
		}
	return 0;
}
static void copier_free(struct imputer *im)
{
	(void)im;
}
static const struct imputer_ops copier_ops = {
	.name = "copier", .flags = IMPUTER_REENTRANT, .fill = copier_fill, .free = copier_free
};

/* The same copier, not reentrant: it notes calls that overlap and the cores it is given. */
static _Atomic int in_fill, overlapped, cores_given;
static int serial_fill(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		       int L, uint64_t seed)
{
	if (atomic_fetch_add(&in_fill, 1))
		overlapped = 1;
	usleep(1000);
	int rc = copier_fill(im, seq, known, conf, B, L, seed);
	atomic_fetch_sub(&in_fill, 1);
	return rc;
}
static void serial_set_threads(struct imputer *im, int n)
{
	(void)im;
	cores_given = n;
}
static const struct imputer_ops serial_ops = {
	.name = "serial", .fill = serial_fill, .set_threads = serial_set_threads, .free = copier_free
};

/* Windows of the imputer's length (imputer_window()), as many threads as the imputer allows. */
static void impute_windows_and_chunks(const struct imputer_ops *ops)
{
	int rd = sc("read");
	struct vocab v = { 0 };
	struct imputer im = { .ops = ops, .V = 3, .window = 50 };
	struct fill_ctx *c = fill_ctx_new(16);
	uint64_t lost[] = { 1, 6, 40, 250 };
	struct fill_gap *gaps[4];
	struct fill_impute_opts o;

	v.n = 3;
	v.nr[0] = -1;
	v.nr[1] = rd;
	v.nr[2] = rd;
	v.dir[2] = 1;
	uint64_t s = 0;
	for (int gi = 0; gi < 4; gi++) {
		for (int k = 0; k < 30; k++, s++)
			fill_ctx_event(c, 1, s, tok_make(rd, (uint8_t)(s & 1)));
		struct trz_gap g = mkgap((uint64_t)gi + 1, 1, s, lost[gi]);
		assert_int_equal(fill_ctx_gap(c, &g), gi);
		s += lost[gi];
	}
	for (int k = 0; k < 30; k++, s++)
		fill_ctx_event(c, 1, s, tok_make(rd, (uint8_t)(s & 1)));
	fill_ctx_finish(c);
	for (int gi = 0; gi < 4; gi++)
		gaps[gi] = fill_ctx_get(c, gi);
	fill_impute_opts_default(&o);
	o.threads = 2;
	o.batch = 2;
	max_L_seen = 0;
	assert_int_equal(fill_impute(gaps, 4, &im, &v, &o), 0);
	assert_true(max_L_seen <= 50);
	for (int gi = 0; gi < 4; gi++) {
		struct fill_gap *g = gaps[gi];
		assert_true(g->filled);
		assert_int_equal(g->nfixed, 0);
		for (uint64_t k = 0; k < g->gap.lost; k++) {
			uint64_t t = g->gap.seq_first + k;
			assert_int_equal(g->out[k], tok_make(rd, (uint8_t)(t & 1)));
			assert_true(g->conf[k] == 0.75f);
		}
	}
	fill_ctx_free(c);
}

static void test_fill_impute_windows_and_chunks(void **state)
{
	(void)state;
	impute_windows_and_chunks(&copier_ops);
}

static void test_fill_impute_serial_imputer(void **state)
{
	(void)state;
	overlapped = 0;
	cores_given = 0;
	impute_windows_and_chunks(&serial_ops);
	assert_false(overlapped);
	assert_int_equal(cores_given, 2);
}

/* tracerec-fill, tracerecd --fill and tracerec-eval share the factory's defaults. */
static void test_fill_opts_are_the_factory_defaults(void **state)
{
	struct fill_opts o;
	struct imputer_spec a, b;

	(void)state;
	fill_opts_default(&o);
	fill_opts_spec(&o, &a);
	imputer_spec_default(&b);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_fill_make_synth_times(void **state)
{
	(void)state;
	struct fill_gap g = { 0 };
	int32_t out[3] = { EN(0), EX(0), EN(1) };
	float conf[3] = { .5f, .6f, .7f };
	struct trz_synth s;

	g.gap = mkgap(9, 42, 100, 3);
	g.gap.t_start_ns = 1000;
	g.gap.t_end_ns = 1400;
	g.out = out;
	g.conf = conf;
	uint64_t prev = 1000;
	for (uint64_t k = 0; k < 3; k++) {
		fill_make_synth(&g, k, &s);
		assert_true(s.ev.ts_ns > prev && s.ev.ts_ns < 1400);
		prev = s.ev.ts_ns;
		assert_int_equal(s.ev.tseq, 100 + k);
		assert_int_equal(s.ev.tid, 42);
		assert_int_equal(s.gap_id, 9);
		assert_int_equal(s.ev.nr, tok_nr(out[k]));
		assert_int_equal(s.ev.dir, tok_dir(out[k]));
		assert_true(s.confidence == conf[k]);
	}
	/* end of life: no event after, the thread's exit bounds the span */
	g.gap.t_end_ns = UINT64_MAX;
	g.t_exit = 1300;
	fill_make_synth(&g, 2, &s);
	assert_true(s.ev.ts_ns > 1000 && s.ev.ts_ns < 1300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_tok_range),
		cmocka_unit_test(test_fill_fixup_keeps_consistent),
		cmocka_unit_test(test_fill_fixup_wrong_exit),
		cmocka_unit_test(test_fill_fixup_confidence_decides),
		cmocka_unit_test(test_fill_fixup_boundaries),
		cmocka_unit_test(test_fill_fixup_noreturn),
		cmocka_unit_test(test_fill_fixup_infeasible_ends),
		cmocka_unit_test(test_fill_fixup_random),
		cmocka_unit_test(test_fill_context_basic),
		cmocka_unit_test(test_fill_context_late_record),
		cmocka_unit_test(test_fill_context_exit_and_holes),
		cmocka_unit_test(test_fill_context_gap_after_exit),
		cmocka_unit_test(test_fill_context_exit_before_right),
		cmocka_unit_test(test_fill_impute_windows_and_chunks),
		cmocka_unit_test(test_fill_impute_serial_imputer),
		cmocka_unit_test(test_fill_opts_are_the_factory_defaults),
		cmocka_unit_test(test_fill_make_synth_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

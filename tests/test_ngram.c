/* test_ngram.c - the exact-context n-gram imputer on toy corpora (model/ngram.c, hybrid.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ngram/hybrid.h"
#include "ngram/ngram.h"

/* Corpus: three copies of A = 5 6 7 1 2 3 8 9 10 and one of A' = 5 6 7 1 4 3 8 9 10,
 * then two short sequences 11 12 13 / 14 15 16. */
static const int32_t toy_ids[] = {
	5, 6, 7, 1, 2, 3,  8, 9, 10, 5, 6, 7, 1, 2, 3,  8,  9,  10, 5,  6,  7,
	1, 4, 3, 8, 9, 10, 5, 6, 7,  1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};
static const int64_t toy_starts[] = { 0, 9, 18, 27, 36, 39, 42 };

static struct imputer *toy(int kmax)
{
	struct corpus c = { toy_ids, toy_starts, 6 };
	struct imputer *im = ngram_new(&c, 17, kmax);

	assert_non_null(im);
	return im;
}

static void test_ngram_counts(void **state)
{
	struct imputer *im = toy(8);
	const int32_t a[] = { 1, 2, 3 }, b[] = { 7, 1 }, c[] = { 3, 8, 9, 10, 5 }, d[] = { 13, 14 };

	(void)state;
	assert_int_equal(ngram_count(im, a, 3), 3);
	assert_int_equal(ngram_count(im, b, 2), 4);
	assert_int_equal(ngram_count(im, a, 1), 4);
	assert_int_equal(ngram_count(im, c, 5), 0); /* does not run across sequences */
	assert_int_equal(ngram_count(im, d, 2), 0);
	assert_int_equal(ngram_count(im, a, 9), 0); /* longer than kmax */
	imputer_free(im);
}

static void test_ngram_two_sided_span(void **state)
{
	struct imputer *im = toy(8);
	int32_t seq[9] = { 5, 6, 7, 0, 0, 0, 8, 9, 10 };
	const uint8_t known[9] = { 1, 1, 1, 0, 0, 0, 1, 1, 1 };
	float conf[9] = { 0 };
	struct ngram_info info[9];

	(void)state;
	assert_int_equal(ngram_fill_detail(im, seq, known, conf, 1, 9, info), 0);
	assert_int_equal(seq[3], 1);
	assert_int_equal(seq[4], 2);
	assert_int_equal(seq[5], 3);
	assert_int_equal(seq[0], 5);
	assert_int_equal(seq[8], 10);
	assert_float_equal(conf[3], 1.0, 1e-6);
	assert_float_equal(conf[4], 0.75, 1e-6); /* 3 of the 4 matches have 2 there */
	assert_float_equal(conf[5], 1.0, 1e-6);
	assert_int_equal(info[4].how, NGRAM_SPAN2);
	assert_int_equal(info[4].kl, 3);
	assert_int_equal(info[4].kr, 3);
	assert_int_equal(info[4].support, 4);
	assert_int_equal(info[0].how, NGRAM_KNOWN);
	imputer_free(im);
}

static void test_ngram_backoff(void **state)
{
	struct imputer *im = toy(8);
	/* "16 16 7" never occurs: the left context backs off to "7", the right to "8" */
	int32_t seq[9] = { 16, 16, 7, 0, 0, 0, 8, 16, 16 };
	const uint8_t known[9] = { 1, 1, 1, 0, 0, 0, 1, 1, 1 };
	struct ngram_info info[9];

	(void)state;
	assert_int_equal(ngram_fill_detail(im, seq, known, NULL, 1, 9, info), 0);
	assert_int_equal(seq[3], 1);
	assert_int_equal(seq[4], 2);
	assert_int_equal(seq[5], 3);
	assert_int_equal(info[3].how, NGRAM_SPAN2);
	assert_int_equal(info[3].kl, 1);
	assert_int_equal(info[3].kr, 1);
	imputer_free(im);
}

static void test_ngram_edges_and_breaks(void **state)
{
	struct imputer *im = toy(8);
	/* row 0: gap at the end; row 1: gap at the start; row 2: 13 _ 14 crosses a sequence
	 * break, so no span or next id exists: the most frequent id (one of 1, 3, 5..10: 4 each;
	 * the earliest, 1) */
	int32_t seq[3][5] = { { 5, 6, 7, 0, 0 }, { 0, 0, 8, 9, 10 }, { 12, 13, 0, 14, 15 } };
	const uint8_t known[3][5] = { { 1, 1, 1, 0, 0 }, { 0, 0, 1, 1, 1 }, { 1, 1, 0, 1, 1 } };
	float conf[3][5];
	struct ngram_info info[3][5];

	(void)state;
	assert_int_equal(
		ngram_fill_detail(im, &seq[0][0], &known[0][0], &conf[0][0], 3, 5, &info[0][0]), 0);
	assert_int_equal(seq[0][3], 1);
	assert_int_equal(seq[0][4], 2);
	assert_int_equal(info[0][3].how, NGRAM_SPAN1);
	assert_int_equal(info[0][3].kl, 3);
	assert_int_equal(info[0][3].kr, 0);
	assert_int_equal(seq[1][0], 2);
	assert_int_equal(seq[1][1], 3);
	assert_float_equal(conf[1][0], 0.75, 1e-6);
	assert_int_equal(info[1][1].how, NGRAM_SPAN1);
	assert_int_equal(info[1][1].kr, 3);
	assert_int_equal(seq[2][2], 1);
	assert_int_equal(info[2][2].how, NGRAM_PRIOR);
	assert_float_equal(conf[2][2], 0, 0);
	imputer_free(im);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Windows cut from a random corpus are reconstructed exactly: their contexts are unique. */
static void test_ngram_reconstructs_known_windows(void **state)
{
	enum { N = 20000, V = 40, L = 60, W = 50 };
	int32_t *ids = malloc(N * sizeof(*ids)), *seq = malloc(W * L * sizeof(*seq));
	uint8_t *known = malloc(W * L);
	int64_t starts[2] = { 0, N };
	uint64_t s = 42;
	struct corpus c = { ids, starts, 1 };
	struct imputer *im, *hy;

	(void)state;
	for (int i = 0; i < N; i++)
		ids[i] = 1 + rng_next(&s) % (V - 1);
	im = ngram_new(&c, V, 0);
	assert_non_null(im);
	for (int w = 0; w < W; w++) {
		int off = rng_next(&s) % (N - L), g0 = 10 + w % 20, glen = 1 + w % 25;

		memcpy(seq + w * L, ids + off, L * sizeof(*seq));
		for (int i = 0; i < L; i++) {
			known[w * L + i] = i < g0 || i >= g0 + glen;
			if (!known[w * L + i])
				seq[w * L + i] = 0;
		}
		if (w % 5 == 0) { /* some gaps at the end */
			for (int i = L - 7; i < L; i++) {
				known[w * L + i] = 0;
				seq[w * L + i] = 0;
			}
		}
	}
	/* through the hybrid without another imputer: the n-gram answer everywhere */
	hy = hybrid_new(im, NULL, 1, 4);
	assert_non_null(hy);
	assert_int_equal(imputer_fill(hy, seq, known, NULL, W, L, 1), 0);
	s = 42;
	for (int i = 0; i < N; i++)
		rng_next(&s);
	for (int w = 0; w < W; w++) {
		int off = rng_next(&s) % (N - L);

		assert_memory_equal(seq + w * L, ids + off, L * sizeof(*seq));
	}
	imputer_free(hy);
	imputer_free(im);
	free(ids);
	free(seq);
	free(known);
}

/* A constant imputer (fills 16 everywhere) to see which gaps the hybrid hands over. */
static int const_fill(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		      int L, uint64_t seed)
{
	(void)im;
	(void)seed;
	for (int i = 0; i < B * L; i++) {
		if (!known[i]) {
			seq[i] = 16;
			if (conf)
				conf[i] = 0.5f;
		}
	}
	return 0;
}

static void const_free(struct imputer *im)
{
	(void)im;
}

static void test_ngram_hybrid_routes_gaps(void **state)
{
	static const struct imputer_ops ops = { .name = "const",
						.fill = const_fill,
						.free = const_free };
	struct imputer other = { .ops = &ops, .V = 17 };
	struct imputer *im = toy(8), *hy;
	/* row 0: two-sided context of 3 (trusted with min_context 3); row 1: gap at the end after
	 * a one-sided context of 2 (< 2 * 3: other imputer); row 2: two-sided but only 1 id of
	 * left context; row 3: gap at the end after 7 matching ids (>= 6: trusted) */
	int32_t seq[4][9] = { { 5, 6, 7, 0, 0, 0, 8, 9, 10 },
			      { 16, 16, 16, 16, 16, 1, 2, 0, 0 },
			      { 16, 16, 7, 0, 0, 0, 8, 9, 10 },
			      { 5, 6, 7, 1, 2, 3, 8, 0, 0 } };
	uint8_t known[4][9];
	float conf[4][9];

	(void)state;
	for (int r = 0; r < 4; r++)
		for (int i = 0; i < 9; i++)
			known[r][i] = seq[r][i] != 0;
	known[2][3] = known[2][4] = known[2][5] = 0;
	hy = hybrid_new(im, &other, 1, 3);
	assert_non_null(hy);
	assert_int_equal(imputer_fill(hy, &seq[0][0], &known[0][0], &conf[0][0], 4, 9, 7), 0);
	assert_int_equal(seq[0][4], 2);
	assert_float_equal(conf[0][4], 0.75, 1e-6);
	assert_int_equal(seq[1][7], 16);
	assert_int_equal(seq[1][8], 16);
	assert_float_equal(conf[1][8], 0.5, 1e-6);
	assert_int_equal(seq[1][6], 2); /* observed ids untouched */
	assert_int_equal(seq[2][3], 16);
	assert_int_equal(seq[3][7], 9);
	assert_int_equal(seq[3][8], 10);
	imputer_free(hy);
	imputer_free(im);
}

/* The factory and the capabilities callers use instead of switching on the method. */
static int threads_given;
static void const_set_threads(struct imputer *im, int n)
{
	(void)im;
	threads_given = n;
}

static void test_imputer_factory_and_capabilities(void **state)
{
	static const struct imputer_ops ops = { .name = "const",
						.fill = const_fill,
						.set_threads = const_set_threads,
						.free = const_free };
	struct imputer other = { .ops = &ops, .V = 17, .window = 40 };
	struct corpus c = { toy_ids, toy_starts, 6 };
	struct imputer_spec s;
	struct imputer *im = NULL, *hy;

	(void)state;
	for (int m = IMPUTER_NGRAM; m <= IMPUTER_HYBRID; m++)
		assert_int_equal(imputer_method_parse(imputer_method_name(m)), m);
	assert_int_equal(imputer_method_parse("bogus"), -EINVAL);
	assert_int_equal(imputer_method_parse(NULL), -EINVAL);
	imputer_spec_default(&s);
	assert_int_equal(s.method, IMPUTER_NGRAM);
	s.V = 17;
	/* an n-gram index needs a corpus, SSSD-S4 and the hybrid a model */
	assert_int_equal(imputer_new(&im, &s), -EINVAL);
	assert_null(im);
	s.train = &c;
	s.method = IMPUTER_HYBRID;
	assert_int_equal(imputer_new(&im, &s), -EINVAL);
	assert_null(im);
	s.method = 7;
	assert_int_equal(imputer_new(&im, &s), -EINVAL);
	s.method = IMPUTER_NGRAM;
	assert_int_equal(imputer_new(&im, &s), 0);
	assert_string_equal(im->ops->name, "ngram");
	/* the n-gram imputer: reentrant, callers use as many threads as they have cores */
	assert_int_equal(imputer_window(im), NGRAM_WINDOW);
	assert_int_equal(imputer_use_threads(im, 3), 3);
	/* a hybrid with a non-reentrant other imputer: one caller, the cores go to the other;
	 * its window is the other's */
	hy = hybrid_new(im, &other, 1, 3);
	assert_non_null(hy);
	threads_given = 0;
	assert_int_equal(imputer_use_threads(hy, 3), 1);
	assert_int_equal(threads_given, 3);
	assert_int_equal(imputer_window(hy), 40);
	imputer_free(hy);
	other.window = 0;
	hy = hybrid_new(im, &other, 1, 3);
	assert_int_equal(imputer_window(hy), IMPUTER_WINDOW_DEFAULT);
	imputer_free(hy);
	/* without another imputer the hybrid is the n-gram's equal */
	hy = hybrid_new(im, NULL, 1, 3);
	assert_int_equal(imputer_use_threads(hy, 2), 2);
	assert_int_equal(imputer_window(hy), NGRAM_WINDOW);
	imputer_free(hy);
	imputer_free(im);
}

/* Leave-one-window-out: the window a row was cut from does not vote for it; other
 * occurrences still do. */
static void test_ngram_leave_window_out(void **state)
{
	/* sequence 0: 1 2 3 4 5; sequence 1: 5 1 2 7 4 9 9 ... (1 2 _ 4 occurs in both) */
	int32_t ids[13] = { 1, 2, 3, 4, 5, 5, 1, 2, 7, 4, 9, 9, 9 };
	int64_t starts[3] = { 0, 5, 13 };
	struct corpus c = { ids, starts, 2 };
	struct imputer *ng = ngram_new(&c, 10, 4);
	int32_t row[4] = { 1, 2, 0, 4 };
	uint8_t known[4] = { 1, 1, 0, 1 };
	int64_t excl;
	(void)state;
	assert_non_null(ng);
	assert_int_equal(ngram_text_pos(&c, 1, 1), 7); /* a break after each sequence */
	/* both occurrences vote: a tie, the earliest wins */
	assert_int_equal(ngram_fill_excl(ng, row, known, NULL, NULL, 1, 4, NULL, NULL), 0);
	assert_int_equal(row[2], 3);
	/* the row was cut from sequence 0 at 0: only sequence 1 votes */
	row[2] = 0;
	excl = ngram_text_pos(&c, 0, 0);
	assert_int_equal(ngram_fill_excl(ng, row, known, NULL, NULL, 1, 4, NULL, &excl), 0);
	assert_int_equal(row[2], 7);
	/* cut from sequence 1 at 1: sequence 0 votes */
	row[2] = 0;
	excl = ngram_text_pos(&c, 1, 1);
	assert_int_equal(ngram_fill_excl(ng, row, known, NULL, NULL, 1, 4, NULL, &excl), 0);
	assert_int_equal(row[2], 3);
	imputer_free(ng);
}

static void test_ngram_bad_arguments(void **state)
{
	struct corpus c = { toy_ids, toy_starts, 6 };
	int32_t seq[4] = { 0 };
	uint8_t known[4] = { 0 };

	(void)state;
	errno = 0;
	assert_null(ngram_new(&c, 1, 8));
	assert_int_equal(errno, EINVAL);
	assert_null(ngram_new(&c, 17, NGRAM_KMAX_LIMIT + 1));
	assert_null(ngram_new(NULL, 17, 8));
	assert_null(hybrid_new(NULL, NULL, 1, 1));
	{
		struct imputer *im = toy(4);

		assert_int_equal(ngram_fill_detail(im, NULL, known, NULL, 1, 4, NULL), -EINVAL);
		/* nothing observed at all: most frequent id everywhere */
		assert_int_equal(imputer_fill(im, seq, known, NULL, 1, 4, 0), 0);
		assert_int_equal(seq[0], 1);
		imputer_free(im);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ngram_counts),
		cmocka_unit_test(test_ngram_two_sided_span),
		cmocka_unit_test(test_ngram_backoff),
		cmocka_unit_test(test_ngram_edges_and_breaks),
		cmocka_unit_test(test_ngram_reconstructs_known_windows),
		cmocka_unit_test(test_ngram_hybrid_routes_gaps),
		cmocka_unit_test(test_imputer_factory_and_capabilities),
		cmocka_unit_test(test_ngram_leave_window_out),
		cmocka_unit_test(test_ngram_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

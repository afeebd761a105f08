/* test_fastmath.c - the vectorisable exp, erf, tanh and sigmoid of model/nn/fastmath.h against
 * libm over their working range, and the activations built on them (act.c) against the libm
 * formulas they replace. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include "nn/fastmath.h"
#include "nn/model.h"

#define NPTS 200001

static void test_fastmath_exp(void **state)
{
	double worst = 0;

	(void)state;
	for (int i = 0; i < NPTS; i++) {
		float x = -87.0f + 175.0f * (float)i / (NPTS - 1);
		double want = exp((double)x), err = fabs(fm_exp(x) - want) / want;

		worst = err > worst ? err : worst;
	}
	print_message("fm_exp: worst relative error %.3g\n", worst);
	assert_true(worst < 5e-7);
	assert_true(fm_exp(-1000.0f) > 0.0f && fm_exp(-1000.0f) < 1e-37f); /* clamped */
	assert_true(isfinite(fm_exp(1000.0f)));
	assert_true(fm_exp(0.0f) == 1.0f);
}

static void test_fastmath_erf_tanh_sigmoid(void **state)
{
	double we = 0, wt = 0, ws = 0;

	(void)state;
	for (int i = 0; i < NPTS; i++) {
		float x = -12.0f + 24.0f * (float)i / (NPTS - 1);
		double e = fabs(fm_erf(x) - erf((double)x)), t = fabs(fm_tanh(x) - tanh((double)x));
		double s = fabs(fm_sigmoid(x) - 1.0 / (1.0 + exp(-(double)x)));

		we = e > we ? e : we, wt = t > wt ? t : wt, ws = s > ws ? s : ws;
	}
	for (int i = 0; i < 1000; i++) { /* tanh near 0: relative error */
		float x = 1e-6f + 0.05f * (float)i / 1000;
		double r = fabs(fm_tanh(x) - tanh((double)x)) / tanh((double)x);

		assert_true(r < 2e-5);
		assert_true(fm_tanh(-x) == -fm_tanh(x));
	}
	print_message("worst absolute error: erf %.3g tanh %.3g sigmoid %.3g\n", we, wt, ws);
	assert_true(we < 6e-7); /* 1.5e-7 of the formula plus float rounding */
	assert_true(wt < 3e-7);
	assert_true(ws < 3e-7);
}

/* the activations agree with the libm formulas to float precision */
static void test_fastmath_activations(void **state)
{
	enum { N = 4096 };
	static float x[2 * N], y[N], g[2 * N], d[N];
	double wg = 0, wgate = 0, wgb = 0;

	(void)state;
	for (int i = 0; i < 2 * N; i++)
		x[i] = -8.0f + 16.0f * (float)((i * 7919) % (2 * N)) / (2 * N);
	for (int i = 0; i < N; i++)
		d[i] = 1.0f;
	gelu_forward(y, x, N);
	for (int i = 0; i < N; i++) {
		double want = 0.5 * x[i] * (1.0 + erf(x[i] / sqrt(2.0)));

		wg = fmax(wg, fabs(y[i] - want));
	}
	gate_forward(y, x, N);
	for (int i = 0; i < N; i++) {
		double want = tanh((double)x[i]) / (1.0 + exp(-(double)x[N + i]));

		wgate = fmax(wgate, fabs(y[i] - want));
	}
	for (int i = 0; i < 2 * N; i++)
		g[i] = 0;
	gelu_backward(g, d, x, N);
	for (int i = 0; i < N; i++) {
		double xi = x[i], want = 0.5 * (1 + erf(xi / sqrt(2.0))) +
					 xi * exp(-0.5 * xi * xi) / sqrt(2 * M_PI);

		wgb = fmax(wgb, fabs(g[i] - want));
	}
	print_message("activations, worst absolute error: gelu %.3g gate %.3g gelu' %.3g\n", wg,
		      wgate, wgb);
	assert_true(wg < 3e-6);
	assert_true(wgate < 1e-6);
	assert_true(wgb < 3e-6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fastmath_exp),
		cmocka_unit_test(test_fastmath_erf_tanh_sigmoid),
		cmocka_unit_test(test_fastmath_activations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

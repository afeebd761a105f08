/* tensor_check.c - see tensor_check.h */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <float.h>
#include <stdio.h>
#include "tensor_check.h"
#include "nn/model.h"

#define GRAD_ATOL 1e-4

void assert_tensor_close(const float *a, const float *b, size_t n, double rtol, double atol)
{
	size_t worst = 0;
	double wex = -1;

	for (size_t i = 0; i < n; i++) {
		double ex = fabs((double)a[i] - b[i]) - (atol + rtol * fabs((double)b[i]));

		if (ex > wex || isnan(a[i]) || isnan(b[i]))
			wex = isnan(a[i]) || isnan(b[i]) ? INFINITY : ex, worst = i;
	}
	if (wex > 0) {
		print_error("tensors differ at %zu: %.9g vs %.9g (rtol %g atol %g)\n", worst,
			    a[worst], b[worst], rtol, atol);
		fail();
	}
}

void fill_uniform(float *x, size_t n, float scale, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (2.0f * rng_uniform(rng) - 1.0f) * scale;
}

static double last_abs; /* sum |out r| of the last dot_loss(): the loss's rounding scale */

double dot_loss(const float *out, const float *r, size_t n)
{
	double s = 0, a = 0;

	for (size_t i = 0; i < n; i++) {
		s += (double)out[i] * r[i];
		a += fabs((double)out[i] * r[i]);
	}
	last_abs = a;
	return s;
}

void assert_grad_ok(loss_fn f, void *ctx, float *x, const float *grad, size_t n, size_t max_checks,
		    const char *what)
{
	uint64_t rng = 4242;
	size_t checks = n < max_checks ? n : max_checks, worst = 0;
	double wrel = 0, wa = 0, wn = 0;
	const float eps = 1e-3f;
	double atol;

	last_abs = 0;
	f(ctx);
	/* float outputs carry ~FLT_EPSILON relative rounding: a difference quotient cannot resolve
	 * gradients below ~4 FLT_EPSILON sum|out r| / (2 eps); never below GRAD_ATOL */
	atol = fmax(GRAD_ATOL, 4.0 * FLT_EPSILON * last_abs / (2.0 * eps));

	for (size_t c = 0; c < checks; c++) {
		size_t i = n <= max_checks ? c : (size_t)(rng_next(&rng) % n);
		float x0 = x[i];

		x[i] = x0 + eps;
		double lp = f(ctx);
		x[i] = x0 - eps;
		double lm = f(ctx);
		x[i] = x0;
		double num = (lp - lm) / (2.0 * ((double)(x0 + eps) - (double)(x0 - eps)) / 2.0);
		double a = grad[i], den = fabs(a) + fabs(num);
		double rel = fabs(a - num) / (den > 1e-6 ? den : 1e-6);

		if (fabs(a - num) < atol) /* float forward: loss noise floor */
			rel = 0;
		if (rel > wrel)
			wrel = rel, worst = i, wa = a, wn = num;
	}
	if (wrel >= 1e-2) {
		print_error("%s: gradient mismatch at %zu: analytic %.8g numeric %.8g (rel %.3g, "
			    "atol %.3g)\n",
			    what, worst, wa, wn, wrel, atol);
		fail();
	}
}

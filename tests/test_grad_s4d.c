/* test_grad_s4d.c - S4D kernel generation vs finite differences (design note 4, item 4):
 * a, theta, Re/Im C, log_dt (both directions) for L in {1, 2, 37, 200}, dt 0.001 and 0.1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include "nn/model.h"
#include "helpers/tensor_check.h"

#define H 4
#define M 2

struct ctx {
	float log_dt[H], a[H * M], theta[H * M], Cc[4 * H * M];
	float *K, *r;
	int L;
};

static double kernel_loss(void *p)
{
	struct ctx *c = p;

	s4d_kernel_forward(c->K, c->log_dt, c->a, c->theta, c->Cc, H, M, c->L);
	return dot_loss(c->K, c->r, (size_t)2 * H * c->L);
}

static void check(int L, float dt_lo, float dt_hi)
{
	struct ctx c = { .L = L };
	float dlog_dt[H] = { 0 }, da[H * M] = { 0 }, dth[H * M] = { 0 }, dC[4 * H * M] = { 0 };
	uint64_t rng = 5 + L;

	c.K = malloc(sizeof(float) * 2 * H * L);
	c.r = malloc(sizeof(float) * 2 * H * L);
	fill_uniform(c.r, 2 * H * L, 1.0f, &rng);
	for (int h = 0; h < H; h++) {
		c.log_dt[h] = logf(h % 2 ? dt_hi : dt_lo);
		for (int n = 0; n < M; n++) {
			c.a[h * M + n] = logf(0.5f) + 0.3f * rng_uniform(&rng);
			c.theta[h * M + n] = (float)M_PI * n + rng_uniform(&rng);
		}
	}
	fill_uniform(c.Cc, 4 * H * M, 1.0f, &rng);
	kernel_loss(&c);
	s4d_kernel_backward(dlog_dt, da, dth, dC, c.r, c.log_dt, c.a, c.theta, c.Cc, H, M, L);
	assert_grad_ok(kernel_loss, &c, c.log_dt, dlog_dt, H, H, "s4d log_dt");
	assert_grad_ok(kernel_loss, &c, c.a, da, H * M, H * M, "s4d a");
	assert_grad_ok(kernel_loss, &c, c.theta, dth, H * M, H * M, "s4d theta");
	assert_grad_ok(kernel_loss, &c, c.Cc, dC, 4 * H * M, 4 * H * M, "s4d C");
	free(c.K);
	free(c.r);
}

static void test_grad_s4d_lengths(void **state)
{
	(void)state;
	check(1, 0.001f, 0.1f);
	check(2, 0.001f, 0.1f);
	check(37, 0.001f, 0.1f);
	check(200, 0.001f, 0.1f);
}

/* forward against the closed form sum of C Phi E^l written with cpow */
static void test_s4d_forward_closed_form(void **state)
{
	struct ctx c = { .L = 9 };
	uint64_t rng = 3;
	float want[2 * H * 9];

	(void)state;
	c.K = malloc(sizeof(float) * 2 * H * 9);
	for (int h = 0; h < H; h++) {
		c.log_dt[h] = logf(0.05f);
		for (int n = 0; n < M; n++)
			c.a[h * M + n] = logf(0.5f), c.theta[h * M + n] = (float)M_PI * n;
	}
	fill_uniform(c.Cc, 4 * H * M, 1.0f, &rng);
	for (int d = 0; d < 2; d++)
		for (int h = 0; h < H; h++)
			for (int l = 0; l < 9; l++) {
				double complex s = 0;

				for (int n = 0; n < M; n++) {
					double complex A = -0.5 + I * M_PI * n;
					double complex E = cexp(0.05 * A);
					const float *cc = c.Cc + ((d * H + h) * M + n) * 2;

					s += (cc[0] + I * cc[1]) * (E - 1.0) / A * cpow(E, l);
				}
				want[(d * H + h) * 9 + l] = (float)(2 * creal(s));
			}
	s4d_kernel_forward(c.K, c.log_dt, c.a, c.theta, c.Cc, H, M, 9);
	assert_tensor_close(c.K, want, 2 * H * 9, 1e-5, 1e-6);
	free(c.K);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grad_s4d_lengths),
		cmocka_unit_test(test_s4d_forward_closed_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_grad_toeplitz.c - bidirectional Toeplitz convolution (design note 4, item 5): forward
 * against the naive double loop, dU, dK^f, dK^b, dD against finite differences, dK^b[L-1] = 0,
 * and with K^b = 0 the output at t does not depend on u[s > t]. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "nn/model.h"
#include "helpers/tensor_check.h"

#define H 4
#define B 2
#define L 8
#define N (H * B * L)

struct ctx {
	float u[N], K[2 * H * L], D[H], y[N], r[N], Mb[L * L + L];
};

static double conv_loss(void *p)
{
	struct ctx *c = p;

	toeplitz_forward(c->y, c->u, c->K, c->D, c->Mb, H, B, L);
	return dot_loss(c->y, c->r, N);
}

static void setup(struct ctx *c, uint64_t seed)
{
	uint64_t rng = seed;

	fill_uniform(c->u, N, 1.0f, &rng);
	fill_uniform(c->K, 2 * H * L, 1.0f, &rng);
	fill_uniform(c->D, H, 1.0f, &rng);
	fill_uniform(c->r, N, 1.0f, &rng);
}

static void test_toeplitz_vs_naive(void **state)
{
	struct ctx c;
	float want[N];

	(void)state;
	setup(&c, 1);
	toeplitz_forward(c.y, c.u, c.K, c.D, c.Mb, H, B, L);
	toeplitz_forward_naive(want, c.u, c.K, c.D, H, B, L);
	assert_tensor_close(c.y, want, N, 1e-5, 1e-6);
}

static void test_grad_toeplitz(void **state)
{
	struct ctx c;
	float du[N] = { 0 }, dK[2 * H * L] = { 0 }, dD[H] = { 0 }, dMb[L * L + L];

	(void)state;
	setup(&c, 2);
	conv_loss(&c);
	toeplitz_backward(du, dK, dD, c.r, c.u, c.K, c.D, c.Mb, dMb, H, B, L);
	assert_grad_ok(conv_loss, &c, c.u, du, N, N, "toeplitz du");
	assert_grad_ok(conv_loss, &c, c.K, dK, 2 * H * L, 2 * H * L, "toeplitz dK");
	assert_grad_ok(conv_loss, &c, c.D, dD, H, H, "toeplitz dD");
	for (int h = 0; h < H; h++)
		assert_true(dK[(H + h) * L + L - 1] == 0.0f);
}

static void test_toeplitz_causal_without_kb(void **state)
{
	struct ctx c;
	float y0[N];

	(void)state;
	setup(&c, 3);
	memset(c.K + H * L, 0, sizeof(float) * H * L);
	toeplitz_forward(y0, c.u, c.K, c.D, c.Mb, H, B, L);
	for (int h = 0; h < H; h++) /* change the future u[5..7] of every sequence */
		for (int b = 0; b < B; b++)
			for (int s = 5; s < L; s++)
				c.u[(h * B + b) * L + s] += 1.0f;
	toeplitz_forward(c.y, c.u, c.K, c.D, c.Mb, H, B, L);
	for (int h = 0; h < H; h++)
		for (int b = 0; b < B; b++)
			for (int t = 0; t < 5; t++)
				assert_true(c.y[(h * B + b) * L + t] == y0[(h * B + b) * L + t]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toeplitz_vs_naive),
		cmocka_unit_test(test_grad_toeplitz),
		cmocka_unit_test(test_toeplitz_causal_without_kb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

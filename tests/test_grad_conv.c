/* test_grad_conv.c - 1x1 conv (matmul), weight norm and the k=3 convolution vs finite
 * differences (design note 4, items 1-3), and no leakage across sequences in im2col. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "nn/model.h"
#include "helpers/tensor_check.h"

#define B 2
#define L 8
#define C 4
#define O 6
#define BL (B * L)

struct ctx {
	int which;
	float x[C * BL], W[O * 3 * C], v[O * 3 * C], g[O], b[O], out[O * BL], r[O * BL];
	float col[3 * C * BL];
};

static double conv_loss(void *p)
{
	struct ctx *c = p;

	if (c->which == 0) {
		matmul_forward(c->out, c->x, c->W, c->b, O, C, BL);
	} else if (c->which == 1) {
		conv3_forward(c->out, c->col, c->x, c->W, c->b, O, C, B, L);
	} else { /* weight norm feeding a 1x1 conv */
		weightnorm_forward(c->W, c->v, c->g, O, C);
		matmul_forward(c->out, c->x, c->W, c->b, O, C, BL);
	}
	return dot_loss(c->out, c->r, O * BL);
}

static void setup(struct ctx *c, int which, uint64_t seed)
{
	uint64_t rng = seed;

	memset(c, 0, sizeof(*c));
	c->which = which;
	fill_uniform(c->x, C * BL, 1.0f, &rng);
	fill_uniform(c->W, O * 3 * C, 1.0f, &rng);
	fill_uniform(c->v, O * 3 * C, 1.0f, &rng);
	fill_uniform(c->g, O, 1.0f, &rng);
	fill_uniform(c->b, O, 1.0f, &rng);
	fill_uniform(c->r, O * BL, 1.0f, &rng);
}

static void test_grad_conv1x1(void **state)
{
	struct ctx c;
	float dx[C * BL] = { 0 }, dW[O * C] = { 0 }, db[O] = { 0 };

	(void)state;
	setup(&c, 0, 1);
	conv_loss(&c);
	matmul_backward(dx, dW, db, c.r, c.x, c.W, O, C, BL);
	assert_grad_ok(conv_loss, &c, c.x, dx, C * BL, C * BL, "1x1 dx");
	assert_grad_ok(conv_loss, &c, c.W, dW, O * C, O * C, "1x1 dW");
	assert_grad_ok(conv_loss, &c, c.b, db, O, O, "1x1 db");
}

static void test_grad_conv3(void **state)
{
	struct ctx c;
	float dx[C * BL] = { 0 }, dW[O * 3 * C] = { 0 }, db[O] = { 0 }, dcol[3 * C * BL];

	(void)state;
	setup(&c, 1, 2);
	conv_loss(&c);
	conv3_backward(dx, dW, db, dcol, c.r, c.col, c.W, O, C, B, L);
	assert_grad_ok(conv_loss, &c, c.x, dx, C * BL, C * BL, "conv3 dx");
	assert_grad_ok(conv_loss, &c, c.W, dW, O * 3 * C, O * 3 * C, "conv3 dW");
	assert_grad_ok(conv_loss, &c, c.b, db, O, O, "conv3 db");
}

/* changing sequence 1 must not change any output of sequence 0, and vice versa */
static void test_conv3_no_leak(void **state)
{
	struct ctx c;
	float out0[O * BL];

	(void)state;
	setup(&c, 1, 3);
	conv_loss(&c);
	memcpy(out0, c.out, sizeof(out0));
	for (int i = 0; i < C; i++)
		c.x[i * BL + L] += 5.0f; /* first event of sequence 1 */
	conv_loss(&c);
	for (int o = 0; o < O; o++)
		for (int l = 0; l < L; l++)
			assert_true(c.out[o * BL + l] == out0[o * BL + l]);
	assert_true(memcmp(c.out, out0, sizeof(out0)) != 0);
}

static void test_grad_weightnorm(void **state)
{
	struct ctx c;
	float dW[O * C] = { 0 }, dv[O * C] = { 0 }, dg[O] = { 0 };

	(void)state;
	for (int kind = 0; kind < 3; kind++) {
		setup(&c, 2, 4 + kind);
		for (int i = 0; i < O * C; i++) { /* all-positive, mixed-sign, small-norm rows */
			if (kind == 0)
				c.v[i] = 0.1f + (c.v[i] > 0 ? c.v[i] : -c.v[i]);
			if (kind == 2)
				c.v[i] *= 0.05f;
		}
		memset(dW, 0, sizeof(dW)), memset(dv, 0, sizeof(dv)), memset(dg, 0, sizeof(dg));
		conv_loss(&c);
		matmul_backward(NULL, dW, NULL, c.r, c.x, c.W, O, C, BL);
		weightnorm_backward(dv, dg, dW, c.v, c.g, O, C);
		assert_grad_ok(conv_loss, &c, c.v, dv, O * C, O * C, "weightnorm dv");
		assert_grad_ok(conv_loss, &c, c.g, dg, O, O, "weightnorm dg");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grad_conv1x1),
		cmocka_unit_test(test_grad_conv3),
		cmocka_unit_test(test_conv3_no_leak),
		cmocka_unit_test(test_grad_weightnorm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

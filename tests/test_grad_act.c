/* test_grad_act.c - GELU, SiLU, ReLU and the tanh*sigmoid gate vs finite differences. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include "nn/model.h"
#include "helpers/tensor_check.h"

#define N 64 /* C = 4, B = 2, L = 8 */

struct ctx {
	int which;
	float x[2 * N], out[N], r[N];
};

static double act_loss(void *p)
{
	struct ctx *c = p;

	switch (c->which) {
	case 0: gelu_forward(c->out, c->x, N); break;
	case 1: silu_forward(c->out, c->x, N); break;
	case 2: relu_forward(c->out, c->x, N); break;
	default: gate_forward(c->out, c->x, N); break;
	}
	return dot_loss(c->out, c->r, N);
}

static void check(int which, const char *name)
{
	struct ctx c = { .which = which };
	float dx[2 * N] = { 0 };
	uint64_t rng = 31 + which;

	fill_uniform(c.x, 2 * N, 3.0f, &rng);
	for (int i = 0; i < 2 * N; i++) /* keep ReLU's kink out of the difference */
		if (fabsf(c.x[i]) < 0.01f)
			c.x[i] = 0.5f;
	fill_uniform(c.r, N, 1.0f, &rng);
	act_loss(&c);
	switch (which) {
	case 0: gelu_backward(dx, c.r, c.x, N); break;
	case 1: silu_backward(dx, c.r, c.x, N); break;
	case 2: relu_backward(dx, c.r, c.x, N); break;
	default: gate_backward(dx, c.r, c.x, N); break;
	}
	assert_grad_ok(act_loss, &c, c.x, dx, which == 3 ? 2 * N : N, 2 * N, name);
}

static void test_grad_act_all(void **state)
{
	(void)state;
	check(0, "gelu");
	check(1, "silu");
	check(2, "relu");
	check(3, "gate");
}

static void test_act_values(void **state)
{
	float x[3] = { -1.0f, 0.0f, 2.0f }, y[3];

	(void)state;
	gelu_forward(y, x, 3); /* x Phi(x): Phi(-1) = 0.158655, Phi(2) = 0.977250 */
	assert_true(fabsf(y[0] + 0.158655f) < 1e-5f && y[1] == 0.0f &&
		    fabsf(y[2] - 1.954500f) < 1e-5f);
	silu_forward(y, x, 3);
	assert_true(fabsf(y[0] + 0.268941f) < 1e-5f && fabsf(y[2] - 1.761594f) < 1e-5f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grad_act_all),
		cmocka_unit_test(test_act_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

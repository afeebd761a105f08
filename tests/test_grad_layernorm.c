/* test_grad_layernorm.c - LayerNorm over channels: dx, dgamma, dbeta vs finite differences. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "nn/model.h"
#include "helpers/tensor_check.h"

#define H 4
#define NC 16 /* columns: B = 2, L = 8 */

struct ctx {
	float x[H * NC], g[H], b[H], out[H * NC], xhat[H * NC], rstd[NC], r[H * NC];
};

static double ln_loss(void *p)
{
	struct ctx *c = p;

	layernorm_forward(c->out, c->xhat, c->rstd, c->x, c->g, c->b, H, NC);
	return dot_loss(c->out, c->r, H * NC);
}

static void test_grad_layernorm(void **state)
{
	struct ctx c;
	float dx[H * NC] = { 0 }, dg[H] = { 0 }, db[H] = { 0 };
	uint64_t rng = 21;

	(void)state;
	fill_uniform(c.x, H * NC, 2.0f, &rng);
	fill_uniform(c.g, H, 1.0f, &rng);
	fill_uniform(c.b, H, 1.0f, &rng);
	fill_uniform(c.r, H * NC, 1.0f, &rng);
	ln_loss(&c);
	layernorm_backward(dx, dg, db, c.r, c.xhat, c.rstd, c.g, H, NC);
	assert_grad_ok(ln_loss, &c, c.x, dx, H * NC, H * NC, "layernorm dx");
	assert_grad_ok(ln_loss, &c, c.g, dg, H, H, "layernorm dgamma");
	assert_grad_ok(ln_loss, &c, c.b, db, H, H, "layernorm dbeta");
}

static void test_layernorm_normalises(void **state)
{
	struct ctx c;
	uint64_t rng = 22;

	(void)state;
	fill_uniform(c.x, H * NC, 3.0f, &rng);
	for (int h = 0; h < H; h++)
		c.g[h] = 1.0f, c.b[h] = 0.0f;
	ln_loss(&c);
	for (int n = 0; n < NC; n++) {
		double s = 0, s2 = 0;

		for (int h = 0; h < H; h++)
			s += c.out[h * NC + n], s2 += (double)c.out[h * NC + n] * c.out[h * NC + n];
		assert_true(s / H < 1e-5 && s / H > -1e-5);
		assert_true(s2 / H > 0.99 && s2 / H < 1.0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grad_layernorm),
		cmocka_unit_test(test_layernorm_normalises),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

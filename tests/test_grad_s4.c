/* test_grad_s4.c - full S4 layer (kernel, convolution, D, GELU, linear, residual, LayerNorm)
 * against finite differences for the input and every parameter (design note 4, item 6). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nn/model.h"
#include "helpers/tensor_check.h"

#define H 4
#define M 2
#define B 2
#define L 8
#define N (H * B * L)

struct ctx {
	struct s4_params p;
	struct s4_cache c;
	float x[N], out[N], r[N];
	float *cache, *scratch;
};

static size_t nparams(void)
{
	return H + 2 * H * M + 4 * H * M + H + H * H + 3 * H;
}

static void bind(struct s4_params *p, float *m)
{
	p->log_dt = m, m += H;
	p->a = m, m += H * M;
	p->theta = m, m += H * M;
	p->Cc = m, m += 4 * H * M;
	p->D = m, m += H;
	p->Wo = m, m += H * H;
	p->bo = m, m += H;
	p->gamma = m, m += H;
	p->beta = m;
}

static double s4_loss(void *p)
{
	struct ctx *c = p;

	s4_forward(c->out, &c->c, c->x, &c->p, c->scratch, H, M, B, L, 0);
	return dot_loss(c->out, c->r, N);
}

static void test_grad_s4_layer(void **state)
{
	struct ctx c;
	struct s4_params dp;
	uint64_t rng = 11;
	float *pm = malloc(nparams() * sizeof(float)), *gm = calloc(nparams(), sizeof(float));
	float dx[N] = { 0 };

	(void)state;
	c.cache = malloc(s4_cache_floats(H, B, L) * sizeof(float));
	c.scratch = malloc(s4_scratch_floats(H, B, L) * sizeof(float));
	s4_cache_bind(&c.c, c.cache, H, B, L);
	bind(&c.p, pm);
	bind(&dp, gm);
	fill_uniform(pm, nparams(), 0.5f, &rng);
	for (int h = 0; h < H; h++) {
		c.p.log_dt[h] = logf(h % 2 ? 0.1f : 0.01f);
		c.p.gamma[h] = 1.0f + 0.2f * h;
		for (int n = 0; n < M; n++)
			c.p.a[h * M + n] = logf(0.5f), c.p.theta[h * M + n] = (float)M_PI * n;
	}
	fill_uniform(c.x, N, 1.0f, &rng);
	fill_uniform(c.r, N, 1.0f, &rng);
	s4_loss(&c);
	s4_backward(dx, &dp, c.r, &c.c, c.x, &c.p, c.scratch, H, M, B, L);
	assert_grad_ok(s4_loss, &c, c.x, dx, N, N, "s4 layer dx");
	assert_grad_ok(s4_loss, &c, pm, gm, nparams(), nparams(), "s4 layer params");
	free(pm);
	free(gm);
	free(c.cache);
	free(c.scratch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grad_s4_layer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

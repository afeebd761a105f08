/* test_grad_retr.c - the retrieval bias (model/nn/retr.c) vs finite differences, and its
 * forward against a direct computation: only the proposed id's logit moves, nothing where
 * there is no proposal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "nn/model.h"
#include "helpers/tensor_check.h"

#define K 6
#define BL 20
#define F 3

struct ctx {
	float out[K * BL], base[K * BL], feat[F * BL], w[F + 1], r[K * BL];
	int32_t prop[BL];
};

static double loss(void *p)
{
	struct ctx *c = p;

	memcpy(c->out, c->base, sizeof(c->out));
	retr_bias_forward(c->out, c->prop, c->feat, c->w, F, K, BL);
	return dot_loss(c->out, c->r, K * BL);
}

static void test_grad_retr(void **state)
{
	struct ctx c;
	float dw[F + 1] = { 0 };
	uint64_t rng = 11;

	(void)state;
	fill_uniform(c.base, K * BL, 1.0f, &rng);
	fill_uniform(c.feat, F * BL, 1.0f, &rng);
	fill_uniform(c.w, F + 1, 1.0f, &rng);
	fill_uniform(c.r, K * BL, 1.0f, &rng);
	for (int j = 0; j < BL; j++)
		c.prop[j] = j % 5 == 0 ? 0 : rng_int(&rng, K); /* some without a proposal */
	loss(&c);
	for (int k = 0; k < K; k++)
		for (int j = 0; j < BL; j++) {
			float want = c.base[k * BL + j];

			if (c.prop[j] > 0 && c.prop[j] == k) {
				want += c.w[F];
				for (int f = 0; f < F; f++)
					want += c.w[f] * c.feat[f * BL + j];
			}
			assert_float_equal(c.out[k * BL + j], want, 1e-5);
		}
	retr_bias_backward(dw, c.r, c.prop, c.feat, F, K, BL);
	assert_grad_ok(loss, &c, c.w, dw, F + 1, F + 1, "retrieval bias");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grad_retr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_adam.c - one Adam step on a 3-parameter toy against values computed by hand (bias
 * correction included), a second step, and the EMA update. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include "nn/model.h"
#include "helpers/tensor_check.h"

static void test_adam_by_hand(void **state)
{
	float p[3] = { 1.0f, -2.0f, 0.5f }, g[3] = { 0.1f, -0.4f, 0.0f };
	float m[3] = { 0 }, v[3] = { 0 };

	(void)state;
	/* step 1: m = 0.1 g, v = 0.001 g^2, mhat = g, vhat = g^2 -> p -= lr g/(|g| + eps) */
	adam_step(p, g, m, v, 3, 0.01f, 0.9f, 0.999f, 1e-8f, 1);
	const float want1[3] = { 1.0f - 0.01f * 0.1f / (0.1f + 1e-8f),
				 -2.0f + 0.01f * 0.4f / (0.4f + 1e-8f), 0.5f };
	assert_tensor_close(p, want1, 3, 1e-6, 1e-7);
	const float wm[3] = { 0.01f, -0.04f, 0.0f }, wv[3] = { 1e-5f, 1.6e-4f, 0.0f };
	assert_tensor_close(m, wm, 3, 1e-6, 1e-9);
	assert_tensor_close(v, wv, 3, 1e-4, 1e-10);
	/* step 2 with g' = (0.2, 0.2, 0): m = 0.9 m + 0.1 g', v = 0.999 v + 0.001 g'^2,
	 * mhat = m / (1 - 0.81), vhat = v / (1 - 0.998001) */
	float g2[3] = { 0.2f, 0.2f, 0.0f };
	double m0 = 0.9 * 0.01 + 0.02, v0 = 0.999 * 1e-5 + 0.001 * 0.04;
	double m1 = 0.9 * -0.04 + 0.02, v1 = 0.999 * 1.6e-4 + 0.001 * 0.04;
	const float want2[3] = {
		(float)(want1[0] - 0.01 * (m0 / 0.19) / (sqrt(v0 / 0.001999) + 1e-8)),
		(float)(want1[1] - 0.01 * (m1 / 0.19) / (sqrt(v1 / 0.001999) + 1e-8)), 0.5f
	};
	adam_step(p, g2, m, v, 3, 0.01f, 0.9f, 0.999f, 1e-8f, 2);
	assert_tensor_close(p, want2, 3, 1e-5, 1e-7);
}

static void test_ema(void **state)
{
	float e[2] = { 1.0f, 0.0f }, p[2] = { 3.0f, -1.0f };
	const float want[2] = { 1.2f, -0.1f };

	(void)state;
	ema_update(e, p, 2, 0.9f);
	assert_tensor_close(e, want, 2, 1e-6, 1e-7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adam_by_hand),
		cmocka_unit_test(test_ema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

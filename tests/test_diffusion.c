/* test_diffusion.c - schedule (alpha_bar_199 = 0.1322 for the reference schedule), x0 recovery
 * from the true epsilon, and the loss mask: epsilon and the inputs at observed positions do
 * not change the loss or the gradients (design note 4, items 9-10). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sssd/sssd_net.h"
#include "helpers/tensor_check.h"

static void test_schedule_reference(void **state)
{
	struct diff_schedule s;

	(void)state;
	assert_int_equal(diff_schedule_init(&s, 200, 1e-4, 0.02), 0);
	assert_true(fabsf(s.alpha_bar[199] - 0.1322f) < 5e-5f);
	assert_true(fabsf(s.beta[0] - 1e-4f) < 1e-9f && fabsf(s.beta[199] - 0.02f) < 1e-8f);
	assert_true(fabsf(s.alpha_bar[0] - (1 - 1e-4f)) < 1e-7f);
	assert_true(s.sigma[0] == 0.0f);
	/* sigma_t^2 = beta_t (1 - ab_{t-1}) / (1 - ab_t) */
	double want = 0.02 * (1 - s.alpha_bar[198]) / (1 - s.alpha_bar[199]);
	assert_true(fabs(s.sigma[199] * s.sigma[199] - want) < 1e-6);
	/* x0 estimate from the true epsilon returns x0 for every t */
	for (int t = 0; t < 200; t++) {
		double x0 = 0.7, eps = -1.3, ab = s.alpha_bar[t];
		double xt = sqrt(ab) * x0 + sqrt(1 - ab) * eps;
		double est = (xt - sqrt(1 - ab) * eps) / sqrt(ab);

		assert_true(fabs(est - x0) < 1e-6);
	}
	diff_schedule_free(&s);
}

static struct sssd_model *toy(int obj)
{
	struct sssd_config cf;
	struct vocab v;
	struct sssd_model *m;
	uint64_t rng = 5;

	sssd_config_default(&cf);
	cf.blocks = 1, cf.channels = 4, cf.skip_channels = 4, cf.state = 4, cf.T = 50;
	cf.embed_in = 8, cf.embed_mid = 8, cf.embed_out = 8, cf.objective = obj;
	memset(&v, 0, sizeof(v));
	v.n = 6;
	assert_int_equal(sssd_create(&m, &cf, &v, 3), 0);
	fill_uniform(m->p.Wz, (size_t)m->K * 4, 0.5f, &rng);
	return m;
}

static void loss_mask_case(int obj)
{
	enum { B = 2, L = 8 };
	struct sssd_model *m = toy(obj);
	int32_t ids[B * L];
	uint8_t known[B * L];
	int t[B] = { 10, 40 };
	size_t KBL = (size_t)m->K * B * L;
	float *eps = malloc(KBL * sizeof(float)), *g1 = malloc(m->np * sizeof(float));
	uint64_t rng = 8;

	for (int j = 0; j < B * L; j++)
		ids[j] = 1 + j % 5, known[j] = j % 4 != 1;
	for (size_t i = 0; i < KBL; i++)
		eps[i] = rng_normal(&rng);
	memset(m->grads, 0, m->np * sizeof(float));
	double l1 = sssd_batch_loss(m, ids, known, t, eps, B, L, 1, NULL);
	memcpy(g1, m->grads, m->np * sizeof(float));
	for (size_t i = 0; i < KBL; i++) /* change epsilon at observed positions only */
		if (known[i % (B * L)])
			eps[i] += 3.0f;
	memset(m->grads, 0, m->np * sizeof(float));
	double l2 = sssd_batch_loss(m, ids, known, t, eps, B, L, 1, NULL);
	assert_true(l1 == l2);
	assert_memory_equal(g1, m->grads, m->np * sizeof(float));
	for (size_t i = 0; i < KBL; i++) /* and at a missing one: the loss must move */
		if (!known[i % (B * L)]) {
			eps[i] += 1.0f;
			break;
		}
	double l3 = sssd_batch_loss(m, ids, known, t, eps, B, L, 0, NULL);
	assert_true(l3 != l1);
	free(eps);
	free(g1);
	sssd_free(m);
}

static void test_loss_mask_eps(void **state)
{
	(void)state;
	loss_mask_case(SSSD_OBJ_EPS);
}

static void test_loss_mask_x0ce(void **state)
{
	(void)state;
	loss_mask_case(SSSD_OBJ_X0CE);
}

/* observed positions come back unchanged from sampling, DDPM and DDIM alike */
static void test_sample_keeps_observed(void **state)
{
	enum { B = 2, L = 12 };
	struct sssd_model *m = toy(SSSD_OBJ_EPS);
	int32_t ids[B * L], orig[B * L];
	uint8_t known[B * L];
	uint64_t rng = 1;

	(void)state;
	for (int j = 0; j < B * L; j++)
		orig[j] = ids[j] = 1 + j % 5, known[j] = j % 5 != 2;
	for (int steps = 0; steps <= 7; steps += 7) {
		assert_int_equal(sssd_sample(m, &m->p, ids, known, NULL, B, L, steps, &rng), 0);
		for (int j = 0; j < B * L; j++) {
			if (known[j])
				assert_int_equal(ids[j], orig[j]);
			else
				assert_true(ids[j] >= 1 && ids[j] < 6);
		}
	}
	sssd_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedule_reference),
		cmocka_unit_test(test_loss_mask_eps),
		cmocka_unit_test(test_loss_mask_x0ce),
		cmocka_unit_test(test_sample_keeps_observed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

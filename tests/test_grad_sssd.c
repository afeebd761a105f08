/* test_grad_sssd.c - whole-network finite-difference check at a toy size (design note 4,
 * item 8): K = V = 5 (one-hot), C = S = 4, Nl = 2, N = 4, L = 8, B = 2, W_z random. */
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

#define B 2
#define L 8

struct ctx {
	struct sssd_model *m;
	float *r;
	int t[B];
};

static double net_loss(void *p)
{
	struct ctx *c = p;

	sssd_net_forward(c->m, &c->m->p, c->t, B, L);
	return dot_loss(c->m->out, c->r, (size_t)c->m->K * B * L);
}

static struct sssd_model *toy(int repr, uint64_t seed)
{
	struct sssd_config cf;
	struct vocab v;
	struct sssd_model *m;
	uint64_t rng = seed;

	sssd_config_default(&cf);
	cf.blocks = 2, cf.channels = 4, cf.skip_channels = 4, cf.state = 4, cf.T = 20;
	cf.embed_in = 8, cf.embed_mid = 6, cf.embed_out = 5, cf.repr = repr;
	cf.objective = repr == SSSD_REPR_ONEHOT ? SSSD_OBJ_X0CE : SSSD_OBJ_EPS;
	memset(&v, 0, sizeof(v));
	v.n = 5;
	assert_int_equal(sssd_create(&m, &cf, &v, seed), 0);
	/* W_z = 0 at init would make every upstream gradient 0: randomise it */
	fill_uniform(m->p.Wz, (size_t)m->K * cf.skip_channels, 0.5f, &rng);
	fill_uniform(m->p.bz, m->K, 0.5f, &rng);
	/* train the S4 frequencies, too: they are parameters like the others */
	assert_int_equal(sssd_workspace(m, B, L, 1), 0);
	return m;
}

static void check_network(int repr)
{
	struct ctx c;
	uint64_t rng = 99;
	struct sssd_model *m = toy(repr, 7);
	size_t KBL = (size_t)m->K * B * L;
	int32_t ids[B * L];
	uint8_t known[B * L];

	c.m = m;
	c.r = malloc(KBL * sizeof(float));
	fill_uniform(c.r, KBL, 1.0f, &rng);
	for (int j = 0; j < B * L; j++) {
		ids[j] = 1 + rng_int(&rng, 4);
		known[j] = j % 3 != 0;
	}
	sssd_encode(m, m->xt, ids, known, B, L);
	fill_uniform(m->xt, KBL, 1.0f, &rng); /* any x_t */
	c.t[0] = 3, c.t[1] = 17;
	memset(m->grads, 0, m->np * sizeof(float));
	net_loss(&c);
	sssd_net_backward(m, c.r, B, L);
	assert_grad_ok(net_loss, &c, m->params, m->grads, m->np, 300, "sssd network");
	/* and every block's S4 kernel parameters explicitly */
	for (int i = 0; i < 2; i++) {
		size_t n = (size_t)(m->p.blk[i].s4[1].D - m->p.blk[i].s4[1].log_dt);

		assert_grad_ok(net_loss, &c, m->p.blk[i].s4[1].log_dt, m->g.blk[i].s4[1].log_dt, n,
			       n, "s4 kernel params in network");
	}
	free(c.r);
	sssd_free(m);
}

/* Absorbing-state objective with retrieval channels: the cross-entropy at the positions not
 * shown, through the wider conditioner (proposal one-hot + features), against finite
 * differences of the loss itself. */
struct actx {
	struct sssd_model *m;
	int32_t ids[B * L];
	uint8_t known[B * L], shown[B * L];
	int t[B];
};

static double absorb_loss(void *p)
{
	struct actx *c = p;

	return sssd_absorb_loss(c->m, c->ids, c->known, c->shown, c->t, B, L, 0, NULL);
}

static void test_grad_sssd_absorb_retrieval(void **state)
{
	struct sssd_config cf;
	struct vocab v;
	struct actx c;
	uint64_t rng = 5;
	struct sssd_model *m;

	(void)state;
	sssd_config_default(&cf);
	cf.blocks = 2, cf.channels = 4, cf.skip_channels = 4, cf.state = 4, cf.T = 20;
	cf.embed_in = 8, cf.embed_mid = 6, cf.embed_out = 5;
	cf.objective = SSSD_OBJ_ABSORB, cf.retrieval = 1;
	memset(&v, 0, sizeof(v));
	v.n = 5;
	assert_int_equal(sssd_create(&m, &cf, &v, 3), 0);
	assert_int_equal(m->Kc, 5 + 1 + 5 + SSSD_RETR_FEATS);
	fill_uniform(m->p.Wz, (size_t)m->K * cf.skip_channels, 0.5f, &rng);
	fill_uniform(m->p.bz, m->K, 0.5f, &rng);
	m->rprop = malloc(B * L * sizeof(int32_t));
	m->rfeat = malloc(B * L * SSSD_RETR_FEATS * sizeof(float));
	m->rcap = B * L;
	m->retr_on = 1;
	c.m = m;
	for (int j = 0; j < B * L; j++) {
		c.ids[j] = 1 + rng_int(&rng, 4);
		c.known[j] = j % 4 != 1 && j % 4 != 2;
		c.shown[j] = c.known[j] || j % 8 == 1; /* some gap positions revealed */
		m->rprop[j] = rng_int(&rng, 5);
	}
	fill_uniform(m->rfeat, B * L * SSSD_RETR_FEATS, 1.0f, &rng);
	c.t[0] = 4, c.t[1] = 19;
	memset(m->grads, 0, m->np * sizeof(float));
	assert_true(sssd_absorb_loss(m, c.ids, c.known, c.shown, c.t, B, L, 1, NULL) > 0);
	assert_grad_ok(absorb_loss, &c, m->params, m->grads, m->np, 300, "absorb + retrieval");
	/* the conditioner conv of block 0 sees the retrieval rows: check all of its weights */
	size_t ncv = (size_t)2 * cf.channels * m->Kc;

	assert_grad_ok(absorb_loss, &c, m->p.blk[0].Wcv, m->g.blk[0].Wcv, ncv, ncv,
		       "conditioner weights incl. retrieval rows");
	sssd_free(m);
}

/* Timestamp / return channels (config.aux): the gradient through the wider conditioner, and
 * the channels' values: return one-hot and log time since the previous observed event at
 * observed positions, the gap's mean spacing at missing ones, all 0 when not known. */
static void test_grad_sssd_absorb_aux(void **state)
{
	struct sssd_config cf;
	struct vocab v;
	struct actx c;
	uint64_t rng = 6;
	struct sssd_model *m;
	int64_t ts[B * L];
	uint8_t rc[B * L];
	struct imputer_aux a = { ts, rc };
	size_t BL = B * L;

	(void)state;
	sssd_config_default(&cf);
	cf.blocks = 2, cf.channels = 4, cf.skip_channels = 4, cf.state = 4, cf.T = 20;
	cf.embed_in = 8, cf.embed_mid = 6, cf.embed_out = 5;
	cf.objective = SSSD_OBJ_ABSORB, cf.retrieval = 0, cf.aux = 1;
	memset(&v, 0, sizeof(v));
	v.n = 5;
	assert_int_equal(sssd_create(&m, &cf, &v, 3), 0);
	assert_int_equal(m->Kc, 5 + 1 + SSSD_AUX_CH);
	fill_uniform(m->p.Wz, (size_t)m->K * cf.skip_channels, 0.5f, &rng);
	fill_uniform(m->p.bz, m->K, 0.5f, &rng);
	c.m = m;
	for (int j = 0; j < B * L; j++) {
		c.ids[j] = 1 + rng_int(&rng, 4);
		c.known[j] = j % 8 < 3 || j % 8 > 5; /* a gap at 3..5 of each window */
		c.shown[j] = c.known[j] || j % 8 == 4;
		ts[j] = 1000000 + 2000 * (j % 8) + (j % 8 >= 6 ? 50000 : 0) + (j % 8 == 2);
		rc[j] = j % 5;
	}
	ts[1] = -1; /* one time not known */
	assert_int_equal(sssd_set_batch_aux(m, &a, B, L), 0);
	c.t[0] = 4, c.t[1] = 19;
	memset(m->grads, 0, m->np * sizeof(float));
	assert_true(sssd_absorb_loss(m, c.ids, c.known, c.shown, c.t, B, L, 1, NULL) > 0);
	assert_grad_ok(absorb_loss, &c, m->params, m->grads, m->np, 300, "absorb + aux");
	size_t ncv = (size_t)2 * cf.channels * m->Kc;

	assert_grad_ok(absorb_loss, &c, m->p.blk[0].Wcv, m->g.blk[0].Wcv, ncv, ncv,
		       "conditioner weights incl. aux rows");
	/* the channels' values (window 1: times 1000000 + 2000 l, +1 at l = 2, +50000 from 6) */
	const float *ac = m->cond + (size_t)(m->Kc - SSSD_AUX_CH) * BL;
	double lt = log1p(2.0) / log1p(1e7), lt1 = log1p(2.001) / log1p(1e7);
	double gap = log1p((4.0 * 2000 + 50000 - 1) / 4 / 1000.0) / log1p(1e7);

	for (int l = 0; l < L; l++) {
		size_t j = L + l;

		for (int k = 0; k < 4; k++) /* return one-hot at observed positions */
			assert_true(ac[k * BL + j] == (c.known[j] && rc[j] == k + 1 ? 1.0f : 0.0f));
	}
	assert_true(ac[4 * BL + L + 0] == 0.0f && ac[6 * BL + L + 0] == 0.0f); /* no previous */
	assert_true(fabs(ac[4 * BL + L + 1] - lt) < 1e-6 && ac[6 * BL + L + 1] == 1.0f);
	assert_true(fabs(ac[4 * BL + L + 2] - lt1) < 1e-6);
	for (int l = 3; l < 6; l++) { /* the gap: (ts[6] - ts[2]) / 4 per event */
		assert_true(ac[4 * BL + L + l] == 0.0f);
		assert_true(fabs(ac[5 * BL + L + l] - gap) < 1e-6);
		assert_true(ac[6 * BL + L + l] == 1.0f);
	}
	/* after the gap: the time since the last observed event before it */
	assert_true(fabs(ac[4 * BL + L + 6] - log1p(57.999) / log1p(1e7)) < 1e-6);
	/* window 0: position 1's time unknown, so position 2 measures from position 0 */
	assert_true(ac[6 * BL + 1] == 0.0f);
	assert_true(fabs(ac[4 * BL + 2] - log1p(4.001) / log1p(1e7)) < 1e-6);
	/* not known at all: every aux channel 0 (the masked channels of paper-format data) */
	assert_int_equal(sssd_set_batch_aux(m, NULL, B, L), 0);
	sssd_absorb_loss(m, c.ids, c.known, c.shown, c.t, B, L, 0, NULL);
	for (size_t i = 0; i < (size_t)SSSD_AUX_CH * BL; i++)
		assert_true(ac[i] == 0.0f);
	sssd_free(m);
}

static void test_grad_sssd_onehot(void **state)
{
	(void)state;
	check_network(SSSD_REPR_ONEHOT);
}

static void test_grad_sssd_scalar(void **state)
{
	(void)state;
	check_network(SSSD_REPR_SCALAR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grad_sssd_absorb_aux),
		cmocka_unit_test(test_grad_sssd_onehot),
		cmocka_unit_test(test_grad_sssd_scalar),
		cmocka_unit_test(test_grad_sssd_absorb_retrieval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

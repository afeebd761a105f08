/* test_grad_sssd.c - whole-network finite-difference check at a toy size (design note 4,
 * item 8): K = V = 5 (one-hot), C = S = 4, Nl = 2, N = 4, L = 8, B = 2, W_z random. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
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
	fill_uniform(m->xt, KBL, 1.0f, &rng);   /* any x_t */
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
		c.shown[j] = c.known[j] || j % 8 == 1;   /* some gap positions revealed */
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
		cmocka_unit_test(test_grad_sssd_onehot),
		cmocka_unit_test(test_grad_sssd_scalar),
		cmocka_unit_test(test_grad_sssd_absorb_retrieval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

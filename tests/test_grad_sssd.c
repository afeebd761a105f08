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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

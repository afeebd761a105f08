/* diffusion.c - input/conditioner encoding, the per-position
 * training loss of both objectives, and DDPM / DDIM sampling with the observed positions
 * re-imposed before every network call and in the result (2.2, 5.4). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sssd/sssd_net.h"

static float id_to_scalar(int id, int V)
{
	return V > 2 ? 2.0f * (id - 1) / (float)(V - 2) - 1.0f : 0.0f;
}

static int scalar_to_id(float x, int V)
{
	long id = lroundf((x + 1.0f) * 0.5f * (V - 2) + 1.0f);

	return id < 1 ? 1 : id > V - 1 ? V - 1 : (int)id;
}

void sssd_encode(const struct sssd_model *m, float *x0, const int32_t *ids, const uint8_t *known,
		 int B, int L)
{
	// x0: (K, BL) clean data; m->cond: (Kc, BL) = [x0 * known; known]
	size_t BL = (size_t)B * L;
	int K = m->K, V = m->c.V;

	for (size_t j = 0; j < BL; j++) {
		int id = ids[j] < 0 || ids[j] >= V ? 0 : ids[j];

		if (m->c.repr == SSSD_REPR_ONEHOT)
			for (int k = 0; k < K; k++)
				x0[k * BL + j] = k == id ? 1.0f : -1.0f;
		else
			x0[j] = id_to_scalar(id, V);
		for (int k = 0; k < K; k++)
			m->cond[k * BL + j] = known[j] ? x0[k * BL + j] : 0.0f;
		m->cond[K * BL + j] = known[j] ? 1.0f : 0.0f;
	}
}

/* softmax over the K channels of column j of logits (K, BL) into p (K) */
static void softmax_col(double *p, const float *logits, size_t j, size_t BL, int K)
{
	double mx = -INFINITY, s = 0;

	for (int k = 0; k < K; k++)
		if (logits[k * BL + j] > mx)
			mx = logits[k * BL + j];
	for (int k = 0; k < K; k++)
		s += p[k] = exp(logits[k * BL + j] - mx);
	for (int k = 0; k < K; k++)
		p[k] /= s;
}

/* x0-hat (K, BL) and eps-hat (K, BL) from the network output at step t (in m->out). */
static void predict(struct sssd_model *m, float *x0h, float *epsh, const float *x, int t,
		    size_t BL, double *pbuf)
{
	int K = m->K;
	double ab = m->sched.alpha_bar[t], sa = sqrt(ab), sb = sqrt(1.0 - ab);

	if (m->c.objective == SSSD_OBJ_X0CE) {
		for (size_t j = 0; j < BL; j++) {
			softmax_col(pbuf, m->out, j, BL, K);
			for (int k = 0; k < K; k++)
				x0h[k * BL + j] = (float)(2.0 * pbuf[k] - 1.0);
		}
		for (size_t i = 0; i < K * BL; i++)
			epsh[i] = (float)((x[i] - sa * x0h[i]) / sb);
	} else {
		for (size_t i = 0; i < K * BL; i++) {
			double v = (x[i] - sb * m->out[i]) / sa;

			epsh[i] = m->out[i];
			x0h[i] = (float)(v > 1 ? 1 : v < -1 ? -1 : v);  /* clip, 5.4 step 3 */
		}
	}
}

static void decode(struct sssd_model *m, int32_t *ids, const uint8_t *known, float *conf,
		   const float *x0h, size_t BL, double *pbuf)
{
	int K = m->K, V = m->c.V;

	for (size_t j = 0; j < BL; j++) {
		if (known[j])
			continue;
		if (m->c.repr == SSSD_REPR_SCALAR) {
			float x = x0h[j], d = (x + 1.0f) * 0.5f * (V - 2) + 1.0f;

			ids[j] = scalar_to_id(x, V);
			if (conf)
				conf[j] = 1.0f - 2.0f * fminf(0.5f, fabsf(d - (float)ids[j]));
			continue;
		}
		int best = 1;

		if (m->c.objective == SSSD_OBJ_X0CE)
			softmax_col(pbuf, m->out, j, BL, K);
		for (int k = 1; k < K; k++)
			if (x0h[k * BL + j] > x0h[best * BL + j])
				best = k;
		ids[j] = best;
		if (conf)
			conf[j] = m->c.objective == SSSD_OBJ_X0CE
					  ? (float)pbuf[best]
					  : fminf(1.0f, fmaxf(0.0f, (x0h[best * BL + j] + 1.0f) * 0.5f));
	}
}

int sssd_sample(struct sssd_model *m, const struct sssd_params *P, int32_t *ids,
		const uint8_t *known, float *conf, int B, int L, int steps, uint64_t *rng)
{
	size_t BL = (size_t)B * L, KBL = (size_t)m->K * BL;
	int T = m->c.T, S = steps <= 0 || steps >= T ? T : steps, ddim = S < T, err;
	float *buf = malloc(3 * KBL * sizeof(float));
	double *pbuf = malloc(m->K * sizeof(double));
	int *tv = malloc(B * sizeof(int));
	float *x0 = buf, *x0h = buf + KBL, *epsh = buf + 2 * KBL, *x;

	if (!buf || !pbuf || !tv) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = sssd_workspace(m, B, L, 0)))
		goto out;
	x = m->xt;
	m->reuse_kernels = 0;
	sssd_encode(m, x0, ids, known, B, L);
	for (size_t i = 0; i < KBL; i++)
		x[i] = rng_normal(rng);
	for (int k = S - 1; k >= 0; k--) {
		int t = ddim ? (int)lround((double)k * (T - 1) / (S - 1)) : k;
		int tn = ddim && k > 0 ? (int)lround((double)(k - 1) * (T - 1) / (S - 1)) : -1;

		for (size_t i = 0; i < KBL; i++)
			if (known[i % BL])
				x[i] = x0[i];
		for (int b = 0; b < B; b++)
			tv[b] = t;
		sssd_net_forward(m, P, tv, B, L);
		m->reuse_kernels = 1;   /* weights are fixed while sampling */
		predict(m, x0h, epsh, x, t, BL, pbuf);
		if (k == 0)
			break;
		if (ddim) {       /* 5.4: x = sqrt(ab') x0h + sqrt(1 - ab') epsh */
			double abn = m->sched.alpha_bar[tn];

			for (size_t i = 0; i < KBL; i++)
				x[i] = (float)(sqrt(abn) * x0h[i] + sqrt(1.0 - abn) * epsh[i]);
		} else {          /* 2.2 step 2.3-2.4 */
			double a = m->sched.alpha[t], ab = m->sched.alpha_bar[t];
			double c = (1.0 - a) / sqrt(1.0 - ab);

			for (size_t i = 0; i < KBL; i++)
				x[i] = (float)((x[i] - c * epsh[i]) / sqrt(a) +
					       m->sched.sigma[t] * rng_normal(rng));
		}
	}
	decode(m, ids, known, conf, x0h, BL, pbuf);
out:
	m->reuse_kernels = 0;
	if (err == -ENOMEM)
		sssd_set_error("out of memory while sampling");
	free(buf);
	free(pbuf);
	free(tv);
	return err;
}

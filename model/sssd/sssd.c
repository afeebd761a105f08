/* sssd.c - SSSD-S4 network: activation workspace and the forward/backward orchestration
 * (design note 1.1-1.3 and 4). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sssd/sssd_net.h"

/* ---- activations ---- */

static size_t ws_layout(struct sssd_model *m, float *base, int B, int L, int train)
{
	int C = m->c.channels, S = m->c.skip_channels, H = m->H, K = m->K;
	size_t BL = (size_t)B * L;
	struct walker w = { base, 0 };
	size_t s4s = s4_scratch_floats(H, B, L);

	m->xt = take(&w, K * BL), m->cond = take(&w, m->Kc * BL);
	m->e0 = take(&w, (size_t)m->c.embed_in * B);
	m->e1p = take(&w, (size_t)m->c.embed_mid * B), m->e1 = take(&w, (size_t)m->c.embed_mid * B);
	m->e2p = take(&w, (size_t)m->c.embed_out * B), m->emb = take(&w, (size_t)m->c.embed_out * B);
	m->hin = take(&w, C * BL);
	m->out = take(&w, K * BL);
	for (int i = 0; i <= m->c.blocks; i++)
		m->h[i] = take(&w, C * BL);
	for (int i = 0; i < m->c.blocks; i++) {
		struct block_act *a = &m->act[i];

		a->tau = take(&w, (size_t)C * B);
		a->a0 = take(&w, C * BL), a->col = take(&w, 3 * C * BL);
		a->a1 = take(&w, 2 * C * BL), a->a2 = take(&w, 2 * C * BL);
		a->a3 = take(&w, 2 * C * BL), a->a4 = take(&w, 2 * C * BL);
		a->g = take(&w, C * BL), a->cc = take(&w, 2 * C * BL);
		for (int j = 0; j < 2; j++) {
			float *mem = take(&w, s4_cache_floats(H, B, L));

			if (base)
				s4_cache_bind(&a->s4c[j], mem, H, B, L);
		}
	}
	m->skip = take(&w, S * BL), m->o = take(&w, S * BL);
	m->f = take(&w, S * BL), m->fr = take(&w, S * BL);
	m->scratch = take(&w, s4s > (size_t)(C + S) * BL ? s4s : (size_t)(C + S) * BL);
	if (train) {
		m->dfr = take(&w, S * BL), m->df = take(&w, S * BL), m->dskip = take(&w, S * BL);
		m->dh = take(&w, C * BL), m->dhn = take(&w, C * BL), m->dres = take(&w, C * BL);
		m->dg = take(&w, C * BL), m->da0 = take(&w, C * BL);
		m->da4 = take(&w, 2 * C * BL), m->da3 = take(&w, 2 * C * BL);
		m->da1 = take(&w, 2 * C * BL), m->dcol = take(&w, 3 * C * BL);
		m->dhin = take(&w, C * BL), m->dtau = take(&w, (size_t)C * B);
		m->de = take(&w, (size_t)m->c.embed_out * B);
		m->de2p = take(&w, (size_t)m->c.embed_out * B);
		m->de1 = take(&w, (size_t)m->c.embed_mid * B);
		m->de1p = take(&w, (size_t)m->c.embed_mid * B);
	}
	return w.off;
}

int sssd_workspace(struct sssd_model *m, int B, int L, int train)
{
	size_t need;

	if (m->amem && m->aB == B && m->aL == L && m->atrain >= train)
		return 0;
	if (!m->h) {
		m->h = calloc(m->c.blocks + 1, sizeof(float *));
		m->act = calloc(m->c.blocks, sizeof(struct block_act));
		if (!m->h || !m->act)
			return -ENOMEM;
	}
	need = ws_layout(m, NULL, B, L, train);
	if (need > m->acap) {
		float *p = realloc(m->amem, need * sizeof(float));

		if (!p) {
			err_set("out of memory for activations (B %d, L %d)", B, L);
			return -ENOMEM;
		}
		m->amem = p;
		m->acap = need;
	}
	ws_layout(m, m->amem, B, L, train);
	m->aB = B, m->aL = L, m->atrain = train;
	return 0;
}

/* ---- forward ---- */

static void effective_weights(struct sssd_model *m, const struct sssd_params *P)
{
	int C = m->c.channels, S = m->c.skip_channels;

	weightnorm_forward(m->we.Win, P->Winv, P->Wing, C, m->K);
	for (int i = 0; i < m->c.blocks; i++) {
		const struct block_params *b = &P->blk[i];
		struct block_eff *e = &m->we.blk[i];

		weightnorm_forward(e->W3, b->W3v, b->W3g, 2 * C, 3 * C);
		weightnorm_forward(e->Wc, b->Wcv, b->Wcg, 2 * C, m->Kc);
		weightnorm_forward(e->Wr, b->Wrv, b->Wrg, C, C);
		weightnorm_forward(e->Ws, b->Wsv, b->Wsg, S, C);
	}
	weightnorm_forward(m->we.Wf, P->Wfv, P->Wfg, S, S);
}

static void block_forward(struct sssd_model *m, const struct sssd_params *P, int i, int B, int L)
{
	// h[i], h[i+1]: (C, BL)  cond: (Kc, BL)  e: (Eo, B)  skip: (S, BL) accumulated
	const struct block_params *b = &P->blk[i];
	const struct block_eff *w = &m->we.blk[i];
	struct block_act *a = &m->act[i];
	int C = m->c.channels, S = m->c.skip_channels, H = m->H;
	size_t BL = (size_t)B * L;
	float *res = m->scratch, *sk = m->scratch + C * BL;
	const float r2 = (float)M_SQRT1_2;

	matmul_forward(a->tau, m->emb, b->Wt, b->bt, C, m->c.embed_out, B); /* 1.3 step 1 */
	for (int c = 0; c < C; c++)
		for (int bb = 0; bb < B; bb++)
			for (int l = 0; l < L; l++) {
				size_t j = (size_t)c * BL + (size_t)bb * L + l;

				a->a0[j] = m->h[i][j] + a->tau[(size_t)c * B + bb];
			}
	conv3_forward(a->a1, a->col, a->a0, w->W3, b->b3, 2 * C, C, B, L); /* step 2 */
	s4_forward(a->a2, &a->s4c[0], a->a1, &b->s4[0], m->scratch, H, m->M, B, L, m->reuse_kernels);
	if (!m->reuse_cond) /* step 4 */
		matmul_forward(a->cc, m->cond, w->Wc, b->bc, 2 * C, m->Kc, (int)BL);
	for (size_t j = 0; j < 2 * C * BL; j++)
		a->a3[j] = a->a2[j] + a->cc[j];
	s4_forward(a->a4, &a->s4c[1], a->a3, &b->s4[1], m->scratch, H, m->M, B, L, m->reuse_kernels);
	gate_forward(a->g, a->a4, C * BL);                      /* step 6 */
	matmul_forward(res, a->g, w->Wr, b->br, C, C, (int)BL); /* step 7 */
	for (size_t j = 0; j < C * BL; j++)
		m->h[i + 1][j] = (m->h[i][j] + res[j]) * r2; /* step 8 */
	matmul_forward(sk, a->g, w->Ws, b->bs, S, C, (int)BL);
	for (size_t j = 0; j < S * BL; j++)
		m->skip[j] += sk[j];
}

void sssd_net_forward(struct sssd_model *m, const struct sssd_params *P, const int *t, int B, int L)
{
	// xt: (K, BL)  cond: (Kc, BL)  t: (B)  out: (K, BL)
	const struct sssd_config *c = &m->c;
	int C = c->channels, S = c->skip_channels;
	size_t BL = (size_t)B * L;
	float so = 1.0f / sqrtf((float)c->blocks);

	effective_weights(m, P);
	step_embed_sinusoid(m->e0, t, c->embed_in, B); /* 1.2 */
	matmul_forward(m->e1p, m->e0, P->W1, P->b1, c->embed_mid, c->embed_in, B);
	silu_forward(m->e1, m->e1p, (size_t)c->embed_mid * B);
	matmul_forward(m->e2p, m->e1, P->W2, P->b2, c->embed_out, c->embed_mid, B);
	silu_forward(m->emb, m->e2p, (size_t)c->embed_out * B);
	matmul_forward(m->hin, m->xt, m->we.Win, P->bin, C, m->K, (int)BL); /* 1.1 step 2 */
	relu_forward(m->h[0], m->hin, C * BL);
	memset(m->skip, 0, S * BL * sizeof(float));
	for (int i = 0; i < c->blocks; i++)
		block_forward(m, P, i, B, L);
	for (size_t j = 0; j < S * BL; j++)
		m->o[j] = m->skip[j] * so;                          /* step 5 */
	matmul_forward(m->f, m->o, m->we.Wf, P->bf, S, S, (int)BL); /* step 6 */
	relu_forward(m->fr, m->f, S * BL);
	matmul_forward(m->out, m->fr, P->Wz, P->bz, m->K, S, (int)BL);
	if (c->retrieval && m->retr_on)
		retr_bias_forward(m->out, m->rprop, m->rfeat, P->wr, SSSD_RETR_FEATS, m->K, BL);
}

/* ---- backward (design note 4, block backward order) ---- */

static void block_backward(struct sssd_model *m, int i, int B, int L)
{
	// in: m->dh = dLoss/dh[i+1], m->dskip; out: m->dhn = dLoss/dh[i]; m->de += ...
	const struct block_params *b = &m->p.blk[i];
	const struct block_params *gb = &m->g.blk[i];
	const struct block_eff *w = &m->we.blk[i], *dw = &m->dwe.blk[i];
	struct block_act *a = &m->act[i];
	int C = m->c.channels, S = m->c.skip_channels, H = m->H;
	size_t BL = (size_t)B * L;
	const float r2 = (float)M_SQRT1_2;

	for (size_t j = 0; j < C * BL; j++)
		m->dres[j] = m->dhn[j] = r2 * m->dh[j];
	memset(m->dg, 0, C * BL * sizeof(float));
	matmul_backward(m->dg, dw->Wr, gb->br, m->dres, a->g, w->Wr, C, C, (int)BL);
	matmul_backward(m->dg, dw->Ws, gb->bs, m->dskip, a->g, w->Ws, S, C, (int)BL);
	memset(m->da4, 0, 2 * C * BL * sizeof(float));
	gate_backward(m->da4, m->dg, a->a4, C * BL);
	memset(m->da3, 0, 2 * C * BL * sizeof(float));
	s4_backward(m->da3, &gb->s4[1], m->da4, &a->s4c[1], a->a3, &b->s4[1], m->scratch, H, m->M,
		    B, L);
	matmul_backward(NULL, dw->Wc, gb->bc, m->da3, m->cond, w->Wc, 2 * C, m->Kc, (int)BL);
	memset(m->da1, 0, 2 * C * BL * sizeof(float));
	s4_backward(m->da1, &gb->s4[0], m->da3, &a->s4c[0], a->a1, &b->s4[0], m->scratch, H, m->M,
		    B, L);
	memset(m->da0, 0, C * BL * sizeof(float));
	conv3_backward(m->da0, dw->W3, gb->b3, m->dcol, m->da1, a->col, w->W3, 2 * C, C, B, L);
	for (int c = 0; c < C; c++)
		for (int bb = 0; bb < B; bb++) {
			double s = 0;

			for (int l = 0; l < L; l++) {
				size_t j = (size_t)c * BL + (size_t)bb * L + l;

				m->dhn[j] += m->da0[j];
				s += m->da0[j];
			}
			m->dtau[(size_t)c * B + bb] = (float)s;
		}
	matmul_backward(m->de, gb->Wt, gb->bt, m->dtau, m->emb, b->Wt, C, m->c.embed_out, B);
}

static void wn_backward_all(struct sssd_model *m)
{
	int C = m->c.channels, S = m->c.skip_channels;
	const struct sssd_params *p = &m->p, *g = &m->g;

	weightnorm_backward(g->Winv, g->Wing, m->dwe.Win, p->Winv, p->Wing, C, m->K);
	for (int i = 0; i < m->c.blocks; i++) {
		const struct block_params *b = &p->blk[i], *gb = &g->blk[i];
		const struct block_eff *d = &m->dwe.blk[i];

		weightnorm_backward(gb->W3v, gb->W3g, d->W3, b->W3v, b->W3g, 2 * C, 3 * C);
		weightnorm_backward(gb->Wcv, gb->Wcg, d->Wc, b->Wcv, b->Wcg, 2 * C, m->Kc);
		weightnorm_backward(gb->Wrv, gb->Wrg, d->Wr, b->Wrv, b->Wrg, C, C);
		weightnorm_backward(gb->Wsv, gb->Wsg, d->Ws, b->Wsv, b->Wsg, S, C);
	}
	weightnorm_backward(g->Wfv, g->Wfg, m->dwe.Wf, p->Wfv, p->Wfg, S, S);
}

void sssd_net_backward(struct sssd_model *m, const float *dout, int B, int L)
{
	// dout: (K, BL); must follow sssd_net_forward(m, &m->p, ...) on the same batch
	const struct sssd_config *c = &m->c;
	const struct sssd_params *p = &m->p, *g = &m->g;
	int C = c->channels, S = c->skip_channels;
	size_t BL = (size_t)B * L;
	float so = 1.0f / sqrtf((float)c->blocks);

	memset(m->dwe.Win, 0, m->nw * sizeof(float));
	if (c->retrieval && m->retr_on)
		retr_bias_backward(g->wr, dout, m->rprop, m->rfeat, SSSD_RETR_FEATS, m->K, BL);
	memset(m->dfr, 0, S * BL * sizeof(float));
	matmul_backward(m->dfr, g->Wz, g->bz, dout, m->fr, p->Wz, m->K, S, (int)BL);
	memset(m->df, 0, S * BL * sizeof(float));
	relu_backward(m->df, m->dfr, m->f, S * BL);
	memset(m->dskip, 0, S * BL * sizeof(float));
	matmul_backward(m->dskip, m->dwe.Wf, g->bf, m->df, m->o, m->we.Wf, S, S, (int)BL);
	for (size_t j = 0; j < S * BL; j++)
		m->dskip[j] *= so;
	memset(m->dh, 0, C * BL * sizeof(float));
	memset(m->de, 0, (size_t)c->embed_out * B * sizeof(float));
	for (int i = c->blocks - 1; i >= 0; i--) {
		float *t;

		block_backward(m, i, B, L);
		t = m->dh, m->dh = m->dhn, m->dhn = t;
	}
	memset(m->dhin, 0, C * BL * sizeof(float));
	relu_backward(m->dhin, m->dh, m->hin, C * BL);
	matmul_backward(NULL, m->dwe.Win, g->bin, m->dhin, m->xt, m->we.Win, C, m->K, (int)BL);
	memset(m->de2p, 0, (size_t)c->embed_out * B * sizeof(float));
	silu_backward(m->de2p, m->de, m->e2p, (size_t)c->embed_out * B);
	memset(m->de1, 0, (size_t)c->embed_mid * B * sizeof(float));
	matmul_backward(m->de1, g->W2, g->b2, m->de2p, m->e1, p->W2, c->embed_out, c->embed_mid, B);
	memset(m->de1p, 0, (size_t)c->embed_mid * B * sizeof(float));
	silu_backward(m->de1p, m->de1, m->e1p, (size_t)c->embed_mid * B);
	matmul_backward(NULL, g->W1, g->b1, m->de1p, m->e0, p->W1, c->embed_mid, c->embed_in, B);
	wn_backward_all(m);
}

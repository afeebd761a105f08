/* sssd.c - SSSD-S4 network: configuration, flat parameter memory with named pointers,
 * initialisation (design note 1.5) and the forward/backward orchestration (1.1-1.3, 4). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sssd_net.h"

static __thread char sssd_err[256];

void sssd_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sssd_err, sizeof(sssd_err), fmt, ap);
	va_end(ap);
}

const char *sssd_last_error(void)
{
	return sssd_err[0] ? sssd_err : "no error";
}

void sssd_config_default(struct sssd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->blocks = 4;
	c->channels = 48;
	c->skip_channels = 48;
	c->state = 64;
	c->T = 200;
	c->beta0 = 1e-4f;
	c->beta1 = 0.0f;        /* auto */
	c->repr = SSSD_REPR_ONEHOT;
	c->objective = SSSD_OBJ_AUTO;
	c->embed_in = 128;
	c->embed_mid = 512;
	c->embed_out = 512;
}

void sssd_train_opts_default(struct sssd_train_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->iters = 0;
	o->time_budget = 540;
	o->batch = 16;
	o->lr = 2e-3f;
	o->warmup = 20;
	o->ema = 0.999f;
	o->seed = 1;
	o->window = 100;
	o->heldout = 0.02f;
	o->eval_every = 200;
	o->eval_steps = 10;
	o->max_blackout = 40;
}

int sssd_repr_parse(const char *s)
{
	if (!strcmp(s, "onehot"))
		return SSSD_REPR_ONEHOT;
	if (!strcmp(s, "scalar"))
		return SSSD_REPR_SCALAR;
	return -EINVAL;
}

const char *sssd_repr_name(int repr)
{
	return repr == SSSD_REPR_SCALAR ? "scalar" : repr == SSSD_REPR_ONEHOT ? "onehot" : "?";
}

int sssd_objective_parse(const char *s)
{
	if (!strcmp(s, "auto"))
		return SSSD_OBJ_AUTO;
	if (!strcmp(s, "eps"))
		return SSSD_OBJ_EPS;
	if (!strcmp(s, "x0ce"))
		return SSSD_OBJ_X0CE;
	return -EINVAL;
}

const char *sssd_objective_name(int obj)
{
	return obj == SSSD_OBJ_EPS ? "eps" : obj == SSSD_OBJ_X0CE ? "x0ce"
	       : obj == SSSD_OBJ_AUTO ? "auto" : "?";
}

/* ---- parameter layout: one walk assigns the named pointers into a flat block ---- */

struct walker {
	float *base;
	size_t off;
};

static float *take(struct walker *w, size_t n)
{
	float *p = w->base ? w->base + w->off : NULL;

	w->off += n;
	return p;
}

static void layout_s4(struct walker *w, struct s4_params *s, int H, int M)
{
	s->log_dt = take(w, H);
	s->a = take(w, (size_t)H * M);
	s->theta = take(w, (size_t)H * M);
	s->Cc = take(w, (size_t)4 * H * M);
	s->D = take(w, H);
	s->Wo = take(w, (size_t)H * H);
	s->bo = take(w, H);
	s->gamma = take(w, H);
	s->beta = take(w, H);
}

static size_t layout(const struct sssd_model *m, struct sssd_params *p, float *base)
{
	const struct sssd_config *c = &m->c;
	int C = c->channels, S = c->skip_channels, K = m->K, Kc = m->Kc;
	int Ei = c->embed_in, Em = c->embed_mid, Eo = c->embed_out;
	struct walker w = { base, 0 };

	p->W1 = take(&w, (size_t)Em * Ei), p->b1 = take(&w, Em);
	p->W2 = take(&w, (size_t)Eo * Em), p->b2 = take(&w, Eo);
	p->Winv = take(&w, (size_t)C * K), p->Wing = take(&w, C), p->bin = take(&w, C);
	for (int i = 0; i < c->blocks; i++) {
		struct block_params *b = &p->blk[i];

		b->Wt = take(&w, (size_t)C * Eo), b->bt = take(&w, C);
		b->W3v = take(&w, (size_t)2 * C * 3 * C), b->W3g = take(&w, 2 * C);
		b->b3 = take(&w, 2 * C);
		layout_s4(&w, &b->s4[0], m->H, m->M);
		b->Wcv = take(&w, (size_t)2 * C * Kc), b->Wcg = take(&w, 2 * C);
		b->bc = take(&w, 2 * C);
		layout_s4(&w, &b->s4[1], m->H, m->M);
		b->Wrv = take(&w, (size_t)C * C), b->Wrg = take(&w, C), b->br = take(&w, C);
		b->Wsv = take(&w, (size_t)S * C), b->Wsg = take(&w, S), b->bs = take(&w, S);
	}
	p->Wfv = take(&w, (size_t)S * S), p->Wfg = take(&w, S), p->bf = take(&w, S);
	p->Wz = take(&w, (size_t)K * S), p->bz = take(&w, K);
	return w.off;
}

static size_t layout_eff(const struct sssd_model *m, struct sssd_eff *e, float *base)
{
	int C = m->c.channels, S = m->c.skip_channels;
	struct walker w = { base, 0 };

	e->Win = take(&w, (size_t)C * m->K);
	for (int i = 0; i < m->c.blocks; i++) {
		e->blk[i].W3 = take(&w, (size_t)2 * C * 3 * C);
		e->blk[i].Wc = take(&w, (size_t)2 * C * m->Kc);
		e->blk[i].Wr = take(&w, (size_t)C * C);
		e->blk[i].Ws = take(&w, (size_t)S * C);
	}
	e->Wf = take(&w, (size_t)S * S);
	return w.off;
}

static int config_check(const struct sssd_config *c)
{
	if (c->blocks < 1 || c->blocks > 256 || c->channels < 1 || c->channels > 4096 ||
	    c->skip_channels < 1 || c->skip_channels > 4096 || c->state < 2 || c->state > 1024 ||
	    c->state % 2 || c->T < 2 || c->T > 100000 || !(c->beta0 > 0) ||
	    !(c->beta1 >= c->beta0) || !(c->beta1 < 1) || c->embed_in < 2 || c->embed_in % 2 ||
	    c->embed_in > 65536 || c->embed_mid < 1 || c->embed_mid > 65536 ||
	    c->embed_out < 1 || c->embed_out > 65536 || c->V < 2 || c->V > VOCAB_MAX ||
	    c->window < 0 || c->window > 1000000) {
		sssd_set_error("invalid model configuration (sizes out of range)");
		return -EINVAL;
	}
	if (c->repr != SSSD_REPR_ONEHOT && c->repr != SSSD_REPR_SCALAR) {
		sssd_set_error("unknown representation %d", c->repr);
		return -EINVAL;
	}
	if (c->objective != SSSD_OBJ_EPS && c->objective != SSSD_OBJ_X0CE) {
		sssd_set_error("unknown objective %d", c->objective);
		return -EINVAL;
	}
	if (c->objective == SSSD_OBJ_X0CE && c->repr != SSSD_REPR_ONEHOT) {
		sssd_set_error("objective x0ce needs the onehot representation");
		return -EINVAL;
	}
	return 0;
}

int sssd_alloc(struct sssd_model **mp, const struct sssd_config *c, const struct vocab *v)
{
	struct sssd_model *m;
	int err;

	*mp = NULL;
	if ((err = config_check(c)))
		return err;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->c = *c;
	m->v = *v;
	m->K = c->repr == SSSD_REPR_ONEHOT ? c->V : 1;
	m->Kc = m->K + 1;
	m->H = 2 * c->channels;
	m->M = c->state / 2;
	m->p.blk = calloc(c->blocks, sizeof(struct block_params));
	m->g.blk = calloc(c->blocks, sizeof(struct block_params));
	m->e.blk = calloc(c->blocks, sizeof(struct block_params));
	m->we.blk = calloc(c->blocks, sizeof(struct block_eff));
	m->dwe.blk = calloc(c->blocks, sizeof(struct block_eff));
	if (!m->p.blk || !m->g.blk || !m->e.blk || !m->we.blk || !m->dwe.blk)
		goto nomem;
	m->np = layout(m, &m->p, NULL);
	m->mem = calloc(5 * m->np, sizeof(float));
	m->nw = layout_eff(m, &m->we, NULL);
	m->wmem = calloc(2 * m->nw, sizeof(float));
	if (!m->mem || !m->wmem)
		goto nomem;
	m->params = m->mem;
	m->grads = m->mem + m->np;
	m->adam_m = m->mem + 2 * m->np;
	m->adam_v = m->mem + 3 * m->np;
	m->ema = m->mem + 4 * m->np;
	layout(m, &m->p, m->params);
	layout(m, &m->g, m->grads);
	layout(m, &m->e, m->ema);
	layout_eff(m, &m->we, m->wmem);
	layout_eff(m, &m->dwe, m->wmem + m->nw);
	if ((err = diff_schedule_init(&m->sched, c->T, c->beta0, c->beta1)))
		goto fail;
	*mp = m;
	return 0;
nomem:
	err = -ENOMEM;
	sssd_set_error("out of memory");
fail:
	sssd_free(m);
	return err;
}

/* ---- initialisation (design note 1.5, S4D-Lin 3.3) ---- */

static void init_uniform(float *p, size_t n, float bound, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (2.0f * rng_uniform(rng) - 1.0f) * bound;
}

static void init_wn(float *v, float *g, float *b, int O, int In, uint64_t *rng)
{
	float bound = 1.0f / sqrtf((float)In);

	init_uniform(v, (size_t)O * In, bound, rng);
	for (int o = 0; o < O; o++) {
		double s = 0;

		for (int i = 0; i < In; i++)
			s += (double)v[(size_t)o * In + i] * v[(size_t)o * In + i];
		g[o] = (float)sqrt(s);
	}
	init_uniform(b, O, bound, rng);
}

static void init_s4(struct s4_params *s, int H, int M, uint64_t *rng)
{
	for (int h = 0; h < H; h++) {
		s->log_dt[h] = logf(0.001f) + rng_uniform(rng) * (logf(0.1f) - logf(0.001f));
		for (int n = 0; n < M; n++) {
			s->a[(size_t)h * M + n] = logf(0.5f);
			s->theta[(size_t)h * M + n] = (float)(M_PI * n);
		}
		s->D[h] = rng_normal(rng);
		s->gamma[h] = 1.0f;
		s->beta[h] = 0.0f;
	}
	for (size_t i = 0; i < (size_t)4 * H * M; i++)
		s->Cc[i] = rng_normal(rng) * (float)M_SQRT1_2;
	init_uniform(s->Wo, (size_t)H * H, 1.0f / sqrtf((float)H), rng);
	init_uniform(s->bo, H, 1.0f / sqrtf((float)H), rng);
}

static void init_params(struct sssd_model *m, uint64_t seed)
{
	const struct sssd_config *c = &m->c;
	struct sssd_params *p = &m->p;
	int C = c->channels, S = c->skip_channels;
	uint64_t rng = seed ^ 0x5353534453345ULL;

	init_uniform(p->W1, (size_t)c->embed_mid * c->embed_in, 1.0f / sqrtf(c->embed_in), &rng);
	init_uniform(p->b1, c->embed_mid, 1.0f / sqrtf(c->embed_in), &rng);
	init_uniform(p->W2, (size_t)c->embed_out * c->embed_mid, 1.0f / sqrtf(c->embed_mid), &rng);
	init_uniform(p->b2, c->embed_out, 1.0f / sqrtf(c->embed_mid), &rng);
	init_wn(p->Winv, p->Wing, p->bin, C, m->K, &rng);
	for (int i = 0; i < c->blocks; i++) {
		struct block_params *b = &p->blk[i];

		init_uniform(b->Wt, (size_t)C * c->embed_out, 1.0f / sqrtf(c->embed_out), &rng);
		init_uniform(b->bt, C, 1.0f / sqrtf(c->embed_out), &rng);
		init_wn(b->W3v, b->W3g, b->b3, 2 * C, 3 * C, &rng);
		init_s4(&b->s4[0], m->H, m->M, &rng);
		init_wn(b->Wcv, b->Wcg, b->bc, 2 * C, m->Kc, &rng);
		init_s4(&b->s4[1], m->H, m->M, &rng);
		init_wn(b->Wrv, b->Wrg, b->br, C, C, &rng);
		init_wn(b->Wsv, b->Wsg, b->bs, S, C, &rng);
	}
	init_wn(p->Wfv, p->Wfg, p->bf, S, S, &rng);
	/* Wz, bz stay 0 (ZeroConv) */
	memcpy(m->ema, m->params, m->np * sizeof(float));
}

int sssd_create(struct sssd_model **mp, const struct sssd_config *c, const struct vocab *v,
		uint64_t seed)
{
	struct sssd_config cc = *c;
	int err;

	cc.V = v->n;
	if (cc.objective == SSSD_OBJ_AUTO)
		cc.objective = cc.repr == SSSD_REPR_ONEHOT ? SSSD_OBJ_X0CE : SSSD_OBJ_EPS;
	if (cc.beta1 == 0.0f)
		cc.beta1 = cc.objective == SSSD_OBJ_X0CE ? SSSD_X0CE_BETA1 : 0.02f;
	if ((err = sssd_alloc(mp, &cc, v)))
		return err;
	init_params(*mp, seed);
	return 0;
}

void sssd_free(struct sssd_model *m)
{
	if (!m)
		return;
	free(m->mem);
	free(m->wmem);
	free(m->amem);
	free(m->h);
	free(m->act);
	free(m->p.blk);
	free(m->g.blk);
	free(m->e.blk);
	free(m->we.blk);
	free(m->dwe.blk);
	diff_schedule_free(&m->sched);
	free(m);
}

const struct vocab *sssd_vocab(const struct sssd_model *m)
{
	return &m->v;
}

const struct sssd_config *sssd_get_config(const struct sssd_model *m)
{
	return &m->c;
}

int64_t sssd_num_params(const struct sssd_model *m)
{
	return (int64_t)m->np;
}

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
			sssd_set_error("out of memory for activations (B %d, L %d)", B, L);
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

	matmul_forward(a->tau, m->emb, b->Wt, b->bt, C, m->c.embed_out, B);   /* 1.3 step 1 */
	for (int c = 0; c < C; c++)
		for (int bb = 0; bb < B; bb++)
			for (int l = 0; l < L; l++) {
				size_t j = (size_t)c * BL + (size_t)bb * L + l;

				a->a0[j] = m->h[i][j] + a->tau[(size_t)c * B + bb];
			}
	conv3_forward(a->a1, a->col, a->a0, w->W3, b->b3, 2 * C, C, B, L);   /* step 2 */
	s4_forward(a->a2, &a->s4c[0], a->a1, &b->s4[0], m->scratch, H, m->M, B, L,
		   m->reuse_kernels);
	if (!m->reuse_kernels)                                                /* step 4 */
		matmul_forward(a->cc, m->cond, w->Wc, b->bc, 2 * C, m->Kc, (int)BL);
	for (size_t j = 0; j < 2 * C * BL; j++)
		a->a3[j] = a->a2[j] + a->cc[j];
	s4_forward(a->a4, &a->s4c[1], a->a3, &b->s4[1], m->scratch, H, m->M, B, L,
		   m->reuse_kernels);
	gate_forward(a->g, a->a4, C * BL);                                    /* step 6 */
	matmul_forward(res, a->g, w->Wr, b->br, C, C, (int)BL);               /* step 7 */
	for (size_t j = 0; j < C * BL; j++)
		m->h[i + 1][j] = (m->h[i][j] + res[j]) * r2;                  /* step 8 */
	matmul_forward(sk, a->g, w->Ws, b->bs, S, C, (int)BL);
	for (size_t j = 0; j < S * BL; j++)
		m->skip[j] += sk[j];
}

void sssd_net_forward(struct sssd_model *m, const struct sssd_params *P, const int *t, int B,
		      int L)
{
	// xt: (K, BL)  cond: (Kc, BL)  t: (B)  out: (K, BL)
	const struct sssd_config *c = &m->c;
	int C = c->channels, S = c->skip_channels;
	size_t BL = (size_t)B * L;
	float so = 1.0f / sqrtf((float)c->blocks);

	effective_weights(m, P);
	step_embed_sinusoid(m->e0, t, c->embed_in, B);                        /* 1.2 */
	matmul_forward(m->e1p, m->e0, P->W1, P->b1, c->embed_mid, c->embed_in, B);
	silu_forward(m->e1, m->e1p, (size_t)c->embed_mid * B);
	matmul_forward(m->e2p, m->e1, P->W2, P->b2, c->embed_out, c->embed_mid, B);
	silu_forward(m->emb, m->e2p, (size_t)c->embed_out * B);
	matmul_forward(m->hin, m->xt, m->we.Win, P->bin, C, m->K, (int)BL);  /* 1.1 step 2 */
	relu_forward(m->h[0], m->hin, C * BL);
	memset(m->skip, 0, S * BL * sizeof(float));
	for (int i = 0; i < c->blocks; i++)
		block_forward(m, P, i, B, L);
	for (size_t j = 0; j < S * BL; j++)
		m->o[j] = m->skip[j] * so;                                     /* step 5 */
	matmul_forward(m->f, m->o, m->we.Wf, P->bf, S, S, (int)BL);           /* step 6 */
	relu_forward(m->fr, m->f, S * BL);
	matmul_forward(m->out, m->fr, P->Wz, P->bz, m->K, S, (int)BL);
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

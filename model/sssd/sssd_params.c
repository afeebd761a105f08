/* sssd_params.c - SSSD-S4 configuration, flat parameter memory with named pointers (one walk
 * of layout() assigns them for params, grads, Adam moments and the EMA alike), initialisation
 * (design note 1.5, S4D-Lin 3.3) and accessors. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sssd/sssd_net.h"

void sssd_config_default(struct sssd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->blocks = 4;
	c->channels = 48;
	c->skip_channels = 48;
	c->state = 64;
	c->T = 200;
	c->beta0 = 1e-4f;
	c->beta1 = 0.0f; /* auto */
	c->repr = SSSD_REPR_ONEHOT;
	c->objective = SSSD_OBJ_AUTO;
	c->retrieval = -1; /* auto */
	c->aux = -1;       /* auto */
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
	o->retrieval_loo = 1;
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
	if (!strcmp(s, "absorb"))
		return SSSD_OBJ_ABSORB;
	return -EINVAL;
}

const char *sssd_objective_name(int obj)
{
	return obj == SSSD_OBJ_EPS      ? "eps"
	       : obj == SSSD_OBJ_X0CE   ? "x0ce"
	       : obj == SSSD_OBJ_ABSORB ? "absorb"
	       : obj == SSSD_OBJ_AUTO   ? "auto"
					: "?";
}

/* ---- parameter layout: one walk assigns the named pointers into a flat block ---- */

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
	p->wr = c->retrieval ? take(&w, SSSD_RETR_FEATS + 1) : NULL;
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
	    c->state % 2 || c->T < 2 || c->T > 100000 || !(c->beta0 > 0) || !(c->beta1 >= c->beta0) ||
	    !(c->beta1 < 1) || c->embed_in < 2 || c->embed_in % 2 || c->embed_in > 65536 ||
	    c->embed_mid < 1 || c->embed_mid > 65536 || c->embed_out < 1 || c->embed_out > 65536 ||
	    c->V < 2 || c->V > VOCAB_MAX || c->window < 0 || c->window > 1000000) {
		err_set("invalid model configuration (sizes out of range)");
		return -EINVAL;
	}
	if (c->repr != SSSD_REPR_ONEHOT && c->repr != SSSD_REPR_SCALAR) {
		err_set("unknown representation %d", c->repr);
		return -EINVAL;
	}
	if (c->objective != SSSD_OBJ_EPS && c->objective != SSSD_OBJ_X0CE &&
	    c->objective != SSSD_OBJ_ABSORB) {
		err_set("unknown objective %d", c->objective);
		return -EINVAL;
	}
	if (c->objective != SSSD_OBJ_EPS && c->repr != SSSD_REPR_ONEHOT) {
		err_set("objective %s needs the onehot representation",
			sssd_objective_name(c->objective));
		return -EINVAL;
	}
	if (c->retrieval != 0 && c->retrieval != 1) {
		err_set("retrieval must be 0 or 1");
		return -EINVAL;
	}
	if (c->retrieval && c->repr != SSSD_REPR_ONEHOT) {
		err_set("retrieval conditioning needs the onehot representation");
		return -EINVAL;
	}
	if (c->aux != 0 && c->aux != 1) {
		err_set("aux must be 0 or 1");
		return -EINVAL;
	}
	return 0;
}

int sssd_config_params(const struct sssd_config *c, size_t *np)
{
	struct sssd_model m;
	int err;

	if ((err = config_check(c)))
		return err;
	memset(&m, 0, sizeof(m));
	m.c = *c;
	m.K = c->repr == SSSD_REPR_ONEHOT ? c->V : 1;
	m.Kc = m.K + 1 + (c->retrieval ? m.K + SSSD_RETR_FEATS : 0) + (c->aux ? SSSD_AUX_CH : 0);
	m.H = 2 * c->channels;
	m.M = c->state / 2;
	m.p.blk = calloc(c->blocks, sizeof(struct block_params));
	if (!m.p.blk)
		return -ENOMEM;
	*np = layout(&m, &m.p, NULL);
	free(m.p.blk);
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
	m->Kc = m->K + 1 + (c->retrieval ? m->K + SSSD_RETR_FEATS : 0) + (c->aux ? SSSD_AUX_CH : 0);
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
	err_set("out of memory");
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
	/* Wz, bz stay 0 (ZeroConv); the retrieval bias starts by trusting the proposal */
	if (p->wr)
		p->wr[SSSD_RETR_FEATS] = SSSD_RETR_BIAS0;
	memcpy(m->ema, m->params, m->np * sizeof(float));
}

int sssd_create(struct sssd_model **mp, const struct sssd_config *c, const struct vocab *v,
		uint64_t seed)
{
	struct sssd_config cc = *c;
	int err;

	cc.V = v->n;
	if (cc.objective == SSSD_OBJ_AUTO)
		cc.objective = cc.repr == SSSD_REPR_ONEHOT ? SSSD_OBJ_ABSORB : SSSD_OBJ_EPS;
	if (cc.retrieval < 0)
		cc.retrieval = cc.repr == SSSD_REPR_ONEHOT;
	if (cc.aux < 0)
		cc.aux = 0;
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
	free(m->rprop);
	free(m->rfeat);
	free(m->ats);
	free(m->arc);
	free(m->kc);
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

int sssd_uses_retrieval(const struct sssd_model *m)
{
	return m->c.retrieval;
}

const struct sssd_config *sssd_get_config(const struct sssd_model *m)
{
	return &m->c;
}

int64_t sssd_num_params(const struct sssd_model *m)
{
	return (int64_t)m->np;
}

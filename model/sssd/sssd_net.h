/* sssd_net.h - the SSSD-S4 network's internals shared by sssd.c, diffusion.c, train.c,
 * ckpt.c and sssd_imputer.c (not a public API). */
#ifndef TRC_SSSD_NET_H
#define TRC_SSSD_NET_H

#include "nn/model.h"
#include "sssd/sssd.h"

struct block_params {
	float *Wt, *bt;         /* (C, Eo), (C)     fc_t: step embedding -> channels */
	float *W3v, *W3g, *b3;  /* (2C, 3C), (2C), (2C)  k=3 conv, weight norm */
	struct s4_params s4[2]; /* H = 2C */
	float *Wcv, *Wcg, *bc;  /* (2C, Kc), (2C), (2C)  conditioner 1x1, weight norm */
	float *Wrv, *Wrg, *br;  /* (C, C), (C), (C)  residual 1x1, weight norm */
	float *Wsv, *Wsg, *bs;  /* (S, C), (S), (S)  skip 1x1, weight norm */
};

struct sssd_params {
	float *W1, *b1;           /* (Em, Ei), (Em)   embedding MLP layer 1 */
	float *W2, *b2;           /* (Eo, Em), (Eo)   layer 2 */
	float *Winv, *Wing, *bin; /* (C, K), (C), (C) input 1x1, weight norm */
	struct block_params *blk; /* Nl blocks */
	float *Wfv, *Wfg, *bf;    /* (S, S), (S), (S) head 1x1, weight norm */
	float *Wz, *bz;           /* (K, S), (K)      zero-initialised output 1x1 */
	float *wr;                /* (SSSD_RETR_FEATS + 1) retrieval bias (retrieval models) */
};

/* effective (weight-normed) weights, computed at each forward */
struct block_eff {
	float *W3, *Wc, *Wr, *Ws;
};
struct sssd_eff {
	float *Win, *Wf;
	struct block_eff *blk;
};

struct block_act {
	float *tau;                              /* (C, B) */
	float *a0, *col, *a1, *a2, *a3, *a4, *g; /* (C|3C|2C|2C|2C|2C|C, BL) */
	float *cc; /* (2C, BL) conditioner conv output (constant while sampling) */
	struct s4_cache s4c[2];
};

struct sssd_model {
	struct sssd_config c;
	struct vocab v;
	int K, Kc, H, M; /* data, conditioner channels, S4 width, modes */
	size_t np;       /* trainable parameters */
	float *mem;      /* params | grads | adam m | adam v | ema */
	float *params, *grads, *adam_m, *adam_v, *ema;
	struct sssd_params p, g, e; /* named views of params, grads, ema */
	size_t nw;                  /* weight-normed weights */
	float *wmem;                /* weff | dweff */
	struct sssd_eff we, dwe;
	struct diff_schedule sched;
	/* activations for the current (B, L) */
	int aB, aL, atrain;
	float *amem;
	size_t acap;
	float *xt, *cond, *e0, *e1p, *e1, *e2p, *emb, *hin, *out;
	float **h; /* Nl + 1 of (C, BL) */
	struct block_act *act;
	float *skip, *o, *f, *fr; /* (S, BL) */
	float *scratch;           /* max(s4 scratch, S*BL) */
	/* backward buffers */
	float *dfr, *df, *dskip, *dh, *dhn, *dres, *dg, *da4, *da3, *da1, *da0, *dcol;
	float *dtau, *de, *de2p, *de1, *de1p, *dhin;
	int64_t step;      /* Adam steps taken */
	int reuse_kernels; /* forward: the S4 kernels in the caches are current */
	int reuse_cond;    /* forward: the conditioner convs in the caches are
					  * current (sampling: the conditioner is fixed) */
	/* S4 kernels of the last sampling call, kept across calls (they depend only on the
	 * kernel parameters and L): blocks x 2 layers x (2, H, L), for the weights hashing to
	 * kc_hash at length kc_L */
	float *kc;
	size_t kccap;
	uint64_t kc_hash;
	int kc_L;
	/* retrieval channels of the current batch (config.retrieval): proposal ids (BL) and
	 * features (SSSD_RETR_FEATS, BL); retr_on = 0: channels left 0 */
	int32_t *rprop;
	float *rfeat;
	size_t rcap;
	int retr_on;
	const int64_t *retr_excl; /* training: per window, the n-gram text position it was cut
				     * from (left out of its retrieval), or NULL */
	/* timestamp / return-class channels of the current batch (config.aux): (BL) each;
	 * aux_on = 0: channels left 0 */
	int64_t *ats;
	uint8_t *arc;
	size_t auxcap;
	int aux_on;
};

/* Flat-memory walker: take() hands out consecutive slices of base (NULL base: just counts). */
struct walker {
	float *base;
	size_t off;
};

static inline float *take(struct walker *w, size_t n)
{
	float *p = w->base ? w->base + w->off : NULL;

	w->off += n;
	return p;
}

/* (Re)size the activation buffers for (B, L); train = also backward buffers.  0 or -ENOMEM. */
int sssd_workspace(struct sssd_model *m, int B, int L, int train);
/* out (K, BL) = net(xt (K, BL), cond (Kc, BL), t (B)) using weights P (m->p or m->e).
 * Inputs are read from m->xt and m->cond, the result is left in m->out. */
void sssd_net_forward(struct sssd_model *m, const struct sssd_params *P, const int *t, int B, int L);
/* Gradients of dout (K, BL) w.r.t. all of m->p into m->g (accumulating). */
void sssd_net_backward(struct sssd_model *m, const float *dout, int B, int L);
/* Encode ids (B, L) with known mask into m->cond and x0 (K, BL). */
void sssd_encode(const struct sssd_model *m, float *x0, const int32_t *ids, const uint8_t *known,
		 int B, int L);
/* Sample the missing positions of ids (B, L) in place with weights P; conf (B, L) may be NULL. */
int sssd_sample(struct sssd_model *m, const struct sssd_params *P, int32_t *ids,
		const uint8_t *known, float *conf, int B, int L, int steps, uint64_t *rng);
/* sssd_sample() that also scores: logp (B, L, V) rows at missing positions get the model's
 * log-probabilities there (absorbing state: the distribution of the round that revealed the
 * position; other objectives: derived from the answer, imputer_logp_from_answer()). */
int sssd_sample_scores(struct sssd_model *m, const struct sssd_params *P, int32_t *ids,
		       const uint8_t *known, float *conf, float *logp, int B, int L, int steps,
		       uint64_t *rng);
/* Loss of one batch (train.c): ids, known (B, L), t (B), eps (K, BL).  backward != 0 also
 * accumulates gradients into m->g.  *acc (may be NULL): argmax accuracy of the x0 prediction
 * at the missing positions.  Returns -1 when out of memory (err_text() says so). */
double sssd_batch_loss(struct sssd_model *m, const int32_t *ids, const uint8_t *known, const int *t,
		       const float *eps, int B, int L, int backward, double *acc);
/* Retrieval channels for ids (B, L) with known mask: runs ngram (ngram_new()) on a copy and
 * stores its proposals and features in m->rprop / m->rfeat, sets m->retr_on = 1 (ngram NULL:
 * retr_on = 0).  0 or -errno. */
int sssd_retrieve(struct sssd_model *m, struct imputer *ngram, const int32_t *ids,
		  const uint8_t *known, int B, int L);
/* Absorbing-state loss of one batch: cond from known (the gap), input from shown (known plus
 * revealed positions), cross-entropy at the positions not shown.  t: (B) step indices. */
double sssd_absorb_loss(struct sssd_model *m, const int32_t *ids, const uint8_t *known,
			const uint8_t *shown, const int *t, int B, int L, int backward, double *acc);
/* Copy the timestamps and return classes of B windows of L (a: aligned with them; NULL or
 * empty: none) into m->ats / m->arc and set m->aux_on for the next sssd_encode().  0 or
 * -ENOMEM. */
int sssd_set_batch_aux(struct sssd_model *m, const struct imputer_aux *a, int B, int L);
/* Allocate a model for config c (validated), params uninitialised.  0 or -errno. */
int sssd_alloc(struct sssd_model **mp, const struct sssd_config *c, const struct vocab *v);
/* The number of weights configuration c needs, without allocating them (a checkpoint's header
 * is checked against its size with this before sssd_alloc()).  0 or -EINVAL / -ENOMEM. */
int sssd_config_params(const struct sssd_config *c, size_t *np);

#endif /* TRC_SSSD_NET_H */

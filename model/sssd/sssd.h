/* sssd.h - the SSSD-S4 diffusion imputer (Alcaraz & Strodthoff 2022) in plain C + OpenBLAS.
 *
 * Architecture: diffusion-step embedding, Nl residual blocks (k=3 conv in, bidirectional S4D
 * layer, conditioner 1x1 conv added, second S4D layer, tanh*sigmoid gate, residual and skip 1x1
 * convs), output head (see ../shared/design/sssd-s4.md).  Events are categories: by default
 * one-hot channels in {-1,+1} decoded by argmax; SSSD_REPR_SCALAR is the paper's single channel
 * holding the id (scaled to [-1,1]) decoded to the nearest integer id.
 *
 * Training objectives (named honestly, see BENCHMARKS.md for the measured comparison):
 *   SSSD_OBJ_EPS   the reference: DDPM epsilon-prediction, MSE on the missing positions.
 *   SSSD_OBJ_X0CE  x0-prediction: the head emits per-position logits over the V ids, trained with
 *                  cross-entropy on the missing positions; sampling turns the predicted
 *                  distribution into x0-hat (expected one-hot) inside DDIM/DDPM.  One-hot only.
 *   SSSD_OBJ_ABSORB absorbing-state (masked) discrete diffusion on the same network: a missing
 *                  position is either still masked (input 0) or revealed (its one-hot); training
 *                  reveals a random share r of each gap and takes cross-entropy on the positions
 *                  still masked, the step index t = (T-1) * (share still masked); sampling starts
 *                  fully masked and reveals the most confident positions in at most
 *                  `steps` rounds (MaskGIT-style; 1 step = all at once); positions predicted
 *                  with probability >= SSSD_REVEAL_CONF are revealed at once and windows
 *                  with nothing left masked leave the batch.  One-hot only.
 *
 * Retrieval conditioning (config.retrieval = 1): the conditioner also carries, at every missing
 * position, the n-gram imputer's proposal (one-hot, V channels) and SSSD_RETR_FEATS features
 * (proposal present, two-sided span match, log context length matched, log support, share of
 * matches agreeing).  Training computes them with n-gram indexes of the other half of the
 * corpus (so a window never retrieves itself) and drops them for 10% of the windows; an imputer
 * without an n-gram (sssd_imputer_set_retrieval() not called) leaves them 0, the "missing
 * channel" the model was trained with.
 *
 * Sampling: DDPM with all T steps (steps <= 0 or >= T) or DDIM (eta 0) with `steps` evenly spaced
 * steps; observed positions are re-imposed at every step and in the result.
 *
 * Randomness comes only from explicit seeds: same seed, same threads -> same model.
 * All int functions return 0 or -errno; on failure err_text() (common/err.h) gives one line of
 * words (thread-local) describing the problem.  Nothing here prints or exits.
 */
#ifndef TRC_SSSD_H
#define TRC_SSSD_H

#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "imputer.h"
#include "vocab.h"

enum sssd_repr {
	SSSD_REPR_ONEHOT = 0, /* V channels in {-1,+1}, argmax decoding (default) */
	SSSD_REPR_SCALAR = 1, /* one channel, id scaled to [-1,1], nearest id (paper) */
};

enum sssd_objective {
	SSSD_OBJ_AUTO = -1,  /* absorb for onehot, eps for scalar (resolved by sssd_create) */
	SSSD_OBJ_EPS = 0,    /* reference epsilon-prediction MSE */
	SSSD_OBJ_X0CE = 1,   /* x0 logits + cross-entropy (one-hot only) */
	SSSD_OBJ_ABSORB = 2, /* absorbing (masked) discrete diffusion + cross-entropy */
};

#define SSSD_RETR_FEATS 5
#define SSSD_RETR_BIAS0 3.0f /* initial logit bonus of the proposed id */
/* Absorbing-state sampling reveals every masked position predicted with at least this
 * probability at once; only windows with less certain positions take further rounds. */
#define SSSD_REVEAL_CONF 0.9f

#define SSSD_X0CE_BETA1 0.05f

/* Timestamp and return-value channels (config.aux): at an observed position the one-hot of its
 * return class (error, zero, small, large: 4 channels) and the log time since the previous
 * observed event of the window; at a missing position the log mean spacing of the gap's events
 * (the time between the observed events around it over the positions between them); a flag
 * saying the time channel is known.  Times as log(1 + dt / 1 us) / log(1 + 1e7), clipped to 1. */
#define SSSD_AUX_CH 7

struct sssd_config {
	int blocks;         /* residual blocks Nl.  Default 4 */
	int channels;       /* residual channels C (S4 width H = 2C).  Default 48 */
	int skip_channels;  /* skip channels S.  Default = channels */
	int state;          /* S4 state size N (M = N/2 complex modes).  Default 64 */
	int T;              /* diffusion steps.  Default 200 */
	float beta0, beta1; /* linear beta schedule.  Default 1e-4 and 0 = auto: the reference
				 * 0.02 for eps, SSSD_X0CE_BETA1 for x0ce (alpha_bar_{T-1} near 0) */
	int repr;           /* enum sssd_repr.  Default SSSD_REPR_ONEHOT */
	int objective;      /* enum sssd_objective.  Default SSSD_OBJ_AUTO */
	int retrieval;      /* 1: n-gram proposal channels in the conditioner and the retrieval
				 * bias on the logits (one-hot only); -1 = auto: on for onehot
				 * (resolved by sssd_create).  Default -1 */
	int aux;            /* 1: the trace's timestamps and return values as conditioner
				 * channels (SSSD_AUX_CH; struct imputer_aux), masked (0) where
				 * not known; -1 = auto: off (measured across runs: not better,
				 * BENCHMARKS.md).  Default -1 */
	int embed_in, embed_mid, embed_out; /* step embedding 128 -> 512 -> 512 */
	int V;      /* ids 0..V-1; set from the vocabulary by sssd_create() */
	int window; /* training window length, set by sssd_train(); the imputer fills
				 * longer sequences through windows of this length around each gap
				 * (0: whole sequences) */
};

struct sssd_train_opts {
	int64_t iters;      /* iterations (0 = until time budget).  Default 0 */
	double time_budget; /* seconds (0 = none); training stops when either limit is hit.
				 * Default 540 (9 minutes) */
	int batch;          /* windows per iteration.  Default 16 */
	float lr;           /* Adam learning rate.  Default 2e-3 */
	int warmup;         /* linear LR warm-up iterations.  Default 20 */
	float ema;          /* EMA decay of weights used for sampling.  Default 0.999 */
	uint64_t seed;      /* all training randomness.  Default 1 */
	int threads;        /* OpenBLAS threads (0 = leave as is).  Default 0 */
	int window;         /* training window length L (cut from corpus sequences).  Default 100 */
	float heldout;      /* fraction of sequences held out for accuracy.  Default 0.02 */
	int eval_every;     /* iterations between held-out evaluations (0 = never).  Default 200 */
	int eval_steps;     /* DDIM steps used by those evaluations.  Default 10 */
	int max_blackout;   /* largest blackout drawn in training masks.  Default 40 */
	const int64_t *ts;  /* aux models: per id of the training corpus its timestamp in ns
				 * (< 0 unknown), or NULL (paper format: the channels masked).
				 * Default NULL */
	const uint8_t *rc;  /* ... and its return class (enum imputer_rc), or NULL */
	int retrieval_loo;  /* retrieval models: training proposals from an n-gram over the
				 * whole corpus that leaves out the window itself (1), as strong as
				 * the test-time n-gram's, or from one over the other half of the
				 * corpus (0).  Default 1 */
};

/* Fill in the defaults listed above. */
void sssd_config_default(struct sssd_config *c);
void sssd_train_opts_default(struct sssd_train_opts *o);
/* "onehot"/"scalar" and "auto"/"eps"/"x0ce"/"absorb" <-> enums; parse returns -EINVAL for unknown
 * words. */
int sssd_repr_parse(const char *s);
const char *sssd_repr_name(int repr);
int sssd_objective_parse(const char *s);
const char *sssd_objective_name(int obj);

struct sssd_model;

/* New model with freshly initialised weights; copies c (c->V is taken from v->n) and v.
 * Returns 0 or -EINVAL (bad config) / -ENOMEM.  Free with sssd_free(). */
int sssd_create(struct sssd_model **m, const struct sssd_config *c, const struct vocab *v,
		uint64_t seed);
/* Train on windows of o->window ids cut at random from the corpus sequences (shorter sequences
 * are skipped).  cb (may be NULL) is called about every second and after each held-out
 * evaluation with done/total iterations and "loss L acc A"; a non-zero return stops training.
 * Returns 0 (also when stopped by the time budget or cb), -EINVAL, -ENOMEM. */
int sssd_train(struct sssd_model *m, const struct corpus *train, const struct sssd_train_opts *o,
	       progress_fn cb, void *ctx);
/* Masked-position accuracy of the model on B windows (B*L ids) with known mask, DDIM `steps`. */
int sssd_eval_accuracy(struct sssd_model *m, const int32_t *seq, const uint8_t *known, int B, int L,
		       int steps, uint64_t seed, double *acc);
/* Checkpoint: versioned binary file (format in model/sssd/ckpt.c).  sssd_save_fd() writes it to
 * fd (left open; tools create it with user/common/outfile.h); sssd_save() creates path new
 * (O_EXCL|O_NOFOLLOW, mode 0600; -EEXIST if it exists). */
int sssd_save_fd(const struct sssd_model *m, int fd);
int sssd_save(const struct sssd_model *m, const char *path);
/* Load and validate (magic, version, configuration against the size, CRC) before allocating.
 * -EINVAL for foreign/corrupt files, -EIO for truncated ones, -errno for I/O errors;
 * err_text() names the problem.  sssd_load_mem(): the same from n bytes at buf. */
int sssd_load(struct sssd_model **m, const char *path);
int sssd_load_mem(struct sssd_model **m, const void *buf, size_t n);
const struct vocab *sssd_vocab(const struct sssd_model *m);
const struct sssd_config *sssd_get_config(const struct sssd_model *m);
int64_t sssd_num_params(const struct sssd_model *m);
/* An imputer using m (borrowed: m must outlive it).  The model holds the sampling workspace, so
 * use one model from one thread at a time (load a second copy for a second thread).  steps:
 * reveal rounds (absorbing state) or DDIM steps (0 or >= T: DDPM with all T steps; < 0:
 * sssd_default_steps()); samples: independent samples per gap (>= 1); the answer is the per-position
 * vote, and conf is the share of samples agreeing (samples > 1) or the decoded probability. */
struct imputer *sssd_imputer_new(struct sssd_model *m, int steps, int samples);
/* The sampling steps a model gets when the caller leaves them to it (steps SSSD_STEPS_AUTO):
 * 1 reveal round for an absorbing-state model (1, 4 and 20 rounds scored the same accuracy on
 * phpbench, git and sqlite, BENCHMARKS.md), 20 DDIM steps for the others. */
#define SSSD_STEPS_AUTO (-1)
int sssd_default_steps(const struct sssd_model *m);
/* Give an SSSD imputer (from sssd_imputer_new()) the n-gram imputer (ngram_new(), borrowed)
 * whose proposals feed a retrieval model's conditioner.  No-op for models without retrieval.
 * Returns 0 or -EINVAL when im is not an SSSD imputer. */
int sssd_imputer_set_retrieval(struct imputer *im, struct imputer *ngram);
/* The same, and ngram is freed with im. */
int sssd_imputer_own_retrieval(struct imputer *im, struct imputer *ngram);
/* 1 when the model conditions on retrieval (config.retrieval). */
int sssd_uses_retrieval(const struct sssd_model *m);
void sssd_free(struct sssd_model *m);

#endif /* TRC_SSSD_H */

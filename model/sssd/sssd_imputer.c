/* sssd_imputer.c - struct imputer adapter for the SSSD-S4 model.
 *
 * Sequences no longer than the training window are sampled whole.  Longer ones are filled
 * through windows of the training length W (the model never saw lags beyond W): each gap gets
 * a window centred on it; a gap longer than W/2 is filled W/2 events at a time, left to right,
 * each piece then counting as observed for the next.  All windows of a round are sampled in
 * batches with the EMA weights; with several samples per gap the answer is the per-position
 * majority and the confidence the share of agreeing samples, with one sample it is the decoded
 * probability. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cblas.h>
#include "sssd/sssd_net.h"

#define FILL_COLUMNS 3200 /* windows per batch = FILL_COLUMNS / W */

struct sssd_imp {
	struct imputer base;
	struct sssd_model *m;
	struct imputer *ngram; /* retrieval, or NULL */
	int own_ngram;         /* ngram is freed with the imputer */
	int steps, samples;
	struct imputer_aux aux; /* the next fill's timestamps / return classes (set_aux) */
};

struct job {
	int b, s;   /* sequence, window start */
	int g0, g1; /* target positions [g0, g1) */
};

struct fillstate {
	int32_t *cur;  /* (B, L) ids being filled */
	uint8_t *done; /* (B, L) observed or filled */
	float *conf;
	float *logp; /* (B, L, V) scores, or NULL */
	int B, L, W;
	const uint8_t *known;   /* (B, L) observed by the caller */
	struct imputer_aux aux; /* (B, L) the caller's, or none */
};

static void vote(int32_t *out, float *conf, const int32_t *draws, const float *dconf, size_t j,
		 size_t n, int S)
{
	int best = 0, bestc = 0;

	for (int s = 0; s < S; s++) {
		int c = 0;

		for (int r = 0; r < S; r++)
			c += draws[(size_t)r * n + j] == draws[(size_t)s * n + j];
		if (c > bestc)
			bestc = c, best = s;
	}
	*out = draws[(size_t)best * n + j];
	*conf = S > 1 ? (float)bestc / S : dconf[j];
}

/* Jobs of one round: every gap of length <= W/2 whole, the first W/2 of longer ones. */
static int plan(struct job *jobs, const struct fillstate *f)
{
	int nj = 0, half = f->W / 2 > 0 ? f->W / 2 : 1;

	for (int b = 0; b < f->B; b++) {
		const uint8_t *d = f->done + (size_t)b * f->L;

		if (f->W >= f->L) {
			for (int l = 0; l < f->L; l++)
				if (!d[l]) {
					jobs[nj++] = (struct job){ b, 0, 0, f->L };
					break;
				}
			continue;
		}
		for (int l = 0; l < f->L;) {
			if (d[l]) {
				l++;
				continue;
			}
			int g0 = l, g1 = l;

			while (g1 < f->L && !d[g1])
				g1++;
			l = g1;
			if (g1 - g0 > half)
				g1 = g0 + half;
			int s = (g0 + g1) / 2 - f->W / 2;

			s = s < 0 ? 0 : s > f->L - f->W ? f->L - f->W : s;
			jobs[nj++] = (struct job){ b, s, g0, g1 };
		}
	}
	return nj;
}

static int run_jobs(struct sssd_imp *im, struct fillstate *f, const struct job *jobs, int nj,
		    uint64_t seed)
{
	int W = f->W < f->L ? f->W : f->L, S = im->samples, err = 0;
	int chunk = FILL_COLUMNS / W > 0 ? FILL_COLUMNS / W : 1;
	size_t cn = (size_t)chunk * W;
	int32_t *draws = malloc(S * cn * sizeof(int32_t));
	uint8_t *kn = malloc(cn);
	float *dconf = malloc(cn * sizeof(float));
	size_t V = (size_t)im->base.V;
	float *lp = f->logp ? malloc(cn * V * sizeof(float)) : NULL;
	float *lsum = f->logp && S > 1 ? malloc(cn * V * sizeof(float)) : NULL;
	int has_aux = f->aux.ts || f->aux.rc;
	int64_t *ats = has_aux ? malloc(cn * sizeof(int64_t)) : NULL;
	uint8_t *arc = has_aux ? malloc(cn) : NULL;

	if (S < 1) { /* sssd_imputer_new() takes 1..1024 samples; vote() needs one at least */
		err = -EINVAL;
		goto out;
	}
	if (!draws || !kn || !dconf || (f->logp && (!lp || (S > 1 && !lsum))) ||
	    (has_aux && (!ats || !arc))) {
		err = -ENOMEM;
		goto out;
	}
	for (int j0 = 0; j0 < nj && !err; j0 += chunk) {
		int nb = nj - j0 < chunk ? nj - j0 : chunk;
		size_t n = (size_t)nb * W;

		for (int r = 0; r < S && !err; r++) {
			uint64_t rng = seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(j0 + 1)) ^
				       ((uint64_t)r << 48);

			for (int k = 0; k < nb; k++) {
				const struct job *jb = &jobs[j0 + k];
				size_t src = (size_t)jb->b * f->L + jb->s;

				memcpy(draws + r * n + (size_t)k * W, f->cur + src,
				       W * sizeof(int32_t));
				memcpy(kn + (size_t)k * W, f->done + src, W);
				for (int l = 0; has_aux && r == 0 && l < W; l++) {
					/* what earlier rounds filled has no time or return */
					int ok = f->known[src + l];

					ats[(size_t)k * W + l] =
						ok && f->aux.ts ? f->aux.ts[src + l] : -1;
					arc[(size_t)k * W + l] = ok && f->aux.rc ? f->aux.rc[src + l]
										 : IMPUTER_RC_NONE;
				}
			}
			if (r == 0) { /* the proposals do not depend on the sample */
				struct imputer_aux a = { ats, arc };

				err = sssd_retrieve(im->m, im->ngram, draws, kn, nb, W);
				if (!err)
					err = sssd_set_batch_aux(im->m, has_aux ? &a : NULL, nb, W);
			}
			if (!err)
				err = sssd_sample_scores(im->m, &im->m->e, draws + r * n, kn, dconf,
							 lp, nb, W, im->steps, &rng);
			for (size_t i = 0; lsum && !err && i < n * V; i++) /* mean over samples */
				lsum[i] = (r ? lsum[i] : 0.0f) + lp[i] / (float)S;
		}
		for (int k = 0; k < nb && !err; k++) {
			const struct job *jb = &jobs[j0 + k];

			for (int l = jb->g0; l < jb->g1; l++) {
				size_t dst = (size_t)jb->b * f->L + l;
				float c;

				if (f->logp && !f->done[dst])
					memcpy(f->logp + dst * V,
					       (lsum ? lsum : lp) + ((size_t)k * W + (l - jb->s)) * V,
					       V * sizeof(float));
				vote(&f->cur[dst], &c, draws, dconf, (size_t)k * W + (l - jb->s), n,
				     S);
				if (f->conf)
					f->conf[dst] = c;
				f->done[dst] = 1;
			}
		}
	}
out:
	free(draws);
	free(kn);
	free(dconf);
	free(lp);
	free(lsum);
	free(ats);
	free(arc);
	im->m->aux_on = 0;
	return err;
}

static int sssd_scores(struct imputer *imp, int32_t *seq, const uint8_t *known, float *conf,
		       float *logp, int B, int L, uint64_t seed)
{
	struct sssd_imp *im = (struct sssd_imp *)imp;
	struct fillstate f = {
		seq,   NULL,   conf, logp, B, L, im->m->c.window > 0 ? im->m->c.window : L,
		known, im->aux
	};
	struct job *jobs;
	int err = 0, nj;

	if (B < 0 || L < 1)
		return -EINVAL;
	f.done = malloc((size_t)B * L);
	jobs = malloc(((size_t)B * (L / 2 + 1) + 1) * sizeof(*jobs));
	if (!f.done || !jobs) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(f.done, known, (size_t)B * L);
	for (int round = 0; !err && (nj = plan(jobs, &f)) > 0; round++)
		err = run_jobs(im, &f, jobs, nj, seed + 0x632be59bd9b4e019ULL * (uint64_t)round);
out:
	im->aux = (struct imputer_aux){ NULL, NULL }; /* used once */
	free(f.done);
	free(jobs);
	return err;
}

static int sssd_fill(struct imputer *imp, int32_t *seq, const uint8_t *known, float *conf, int B,
		     int L, uint64_t seed)
{
	return sssd_scores(imp, seq, known, conf, NULL, B, L, seed);
}

static void sssd_imp_free(struct imputer *im)
{
	struct sssd_imp *s = (struct sssd_imp *)im;

	if (s->own_ngram)
		imputer_free(s->ngram);
	free(im);
}

/* The model's workspace is not shared: one caller at a time, n cores for OpenBLAS. */
static void sssd_imp_set_threads(struct imputer *im, int n)
{
	(void)im;
	openblas_set_num_threads(n);
}

static void sssd_imp_set_aux(struct imputer *im, const struct imputer_aux *aux)
{
	struct sssd_imp *s = (struct sssd_imp *)im;

	s->aux = aux && s->m->c.aux ? *aux : (struct imputer_aux){ NULL, NULL };
}

static const struct imputer_ops sssd_ops = {
	.name = "sssd",
	.fill = sssd_fill,
	.scores = sssd_scores,
	.set_threads = sssd_imp_set_threads,
	.set_aux = sssd_imp_set_aux,
	.free = sssd_imp_free,
};

int sssd_imputer_set_retrieval(struct imputer *im, struct imputer *ngram)
{
	if (!im || im->ops != &sssd_ops)
		return -EINVAL;
	((struct sssd_imp *)im)->ngram = ngram;
	return 0;
}

int sssd_imputer_own_retrieval(struct imputer *im, struct imputer *ngram)
{
	int rc = sssd_imputer_set_retrieval(im, ngram);

	if (!rc)
		((struct sssd_imp *)im)->own_ngram = 1;
	return rc;
}

int sssd_default_steps(const struct sssd_model *m)
{
	return m->c.objective == SSSD_OBJ_ABSORB ? 1 : 20;
}

struct imputer *sssd_imputer_new(struct sssd_model *m, int steps, int samples)
{
	struct sssd_imp *s;

	if (!m || samples < 1 || samples > 1024) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &sssd_ops;
	s->base.V = m->c.V;
	s->base.window = m->c.window;
	s->m = m;
	s->steps = steps < 0 ? sssd_default_steps(m) : steps;
	s->samples = samples;
	return &s->base;
}

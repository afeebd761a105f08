/* sssd_imputer.c - struct imputer adapter for the SSSD-S4 model: batched sampling with the EMA
 * weights, several samples per gap with a per-position majority vote, and a confidence that is
 * the share of agreeing samples (samples > 1) or the decoded probability (samples == 1). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sssd_net.h"

#define FILL_COLUMNS 3200   /* windows per chunk = FILL_COLUMNS / L */

struct sssd_imp {
	struct imputer base;
	struct sssd_model *m;
	int steps, samples;
};

static void vote(int32_t *seq, float *conf, const int32_t *draws, const float *dconf,
		 const uint8_t *known, size_t n, int S)
{
	for (size_t j = 0; j < n; j++) {
		int best = 0, bestc = 0;

		if (known[j])
			continue;
		for (int s = 0; s < S; s++) {
			int c = 0;

			for (int r = 0; r < S; r++)
				c += draws[(size_t)r * n + j] == draws[(size_t)s * n + j];
			if (c > bestc)
				bestc = c, best = s;
		}
		seq[j] = draws[(size_t)best * n + j];
		if (conf)
			conf[j] = S > 1 ? (float)bestc / S : dconf[j];
	}
}

static int sssd_fill(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		     int L, uint64_t seed)
{
	struct sssd_imp *s = (struct sssd_imp *)im;
	int chunk = L > 0 && FILL_COLUMNS / L > 0 ? FILL_COLUMNS / L : 1, S = s->samples, err = 0;
	size_t cn = (size_t)chunk * L;
	int32_t *draws = malloc(S * cn * sizeof(int32_t));
	float *dconf = malloc(cn * sizeof(float));

	if (B < 0 || L < 1) {
		free(draws);
		free(dconf);
		return -EINVAL;
	}
	if (!draws || !dconf) {
		err = -ENOMEM;
		goto out;
	}
	for (int b0 = 0; b0 < B && !err; b0 += chunk) {
		int nb = B - b0 < chunk ? B - b0 : chunk;
		size_t off = (size_t)b0 * L, n = (size_t)nb * L;

		for (int r = 0; r < S && !err; r++) {
			uint64_t rng = seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(b0 + 1)) ^
				       ((uint64_t)r << 48);

			memcpy(draws + r * n, seq + off, n * sizeof(int32_t));
			err = sssd_sample(s->m, &s->m->e, draws + r * n, known + off, dconf, nb, L,
					  s->steps, &rng);
		}
		if (!err)
			vote(seq + off, conf ? conf + off : NULL, draws, dconf, known + off, n, S);
	}
out:
	free(draws);
	free(dconf);
	return err;
}

static void sssd_imp_free(struct imputer *im)
{
	free(im);
}

static const struct imputer_ops sssd_ops = {
	.name = "sssd",
	.fill = sssd_fill,
	.free = sssd_imp_free,
};

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
	s->m = m;
	s->steps = steps;
	s->samples = samples;
	return &s->base;
}

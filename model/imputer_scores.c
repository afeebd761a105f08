/* imputer_scores.c - per-position scores of an imputer (imputer.h: imputer_fill_scores()). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "imputer.h"

void imputer_logp_from_answer(const int32_t *seq, const uint8_t *known, const float *conf,
			      float *logp, int B, int L, int V)
{
	for (size_t j = 0; j < (size_t)B * L; j++) {
		float *row = logp + j * (size_t)V;
		float c = conf ? conf[j] : 0.5f, rest;

		if (known[j])
			continue;
		c = c < 0.01f || !(c == c) ? 0.01f : c > 0.99f ? 0.99f : c;
		rest = V > 2 ? logf((1.0f - c) / (float)(V - 2)) : IMPUTER_LOGP_FLOOR;
		for (int v = 0; v < V; v++)
			row[v] = v == 0 ? IMPUTER_LOGP_FLOOR : rest;
		if (seq[j] > 0 && seq[j] < V)
			row[seq[j]] = logf(c);
	}
}

int imputer_fill_scores(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
			float *logp, int B, int L, uint64_t seed)
{
	float *c = conf;
	int err;

	if (!logp || B < 0 || L < 0)
		return -EINVAL;
	if (im->ops->scores)
		return im->ops->scores(im, seq, known, conf, logp, B, L, seed);
	if (!c && !(c = malloc(sizeof(float) * ((size_t)B * L + 1))))
		return -ENOMEM;
	err = imputer_fill(im, seq, known, c, B, L, seed);
	if (!err)
		imputer_logp_from_answer(seq, known, c, logp, B, L, im->V);
	if (c != conf)
		free(c);
	return err;
}

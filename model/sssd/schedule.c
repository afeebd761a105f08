/* schedule.c - the DDPM noise schedule (design note 2.1): linear betas, alphas, their running
 * product and the posterior standard deviations, one allocation. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "nn/model.h"

int diff_schedule_init(struct diff_schedule *s, int T, double beta0, double beta1)
{
	double ab = 1.0, abprev = 1.0;

	s->T = T;
	s->beta = calloc((size_t)4 * T, sizeof(float));
	if (!s->beta)
		return -ENOMEM;
	s->alpha = s->beta + T, s->alpha_bar = s->alpha + T, s->sigma = s->alpha_bar + T;
	for (int t = 0; t < T; t++) {
		double b = beta0 + (beta1 - beta0) * t / (T > 1 ? T - 1 : 1);

		abprev = ab;
		ab *= 1.0 - b;
		s->beta[t] = (float)b;
		s->alpha[t] = (float)(1.0 - b);
		s->alpha_bar[t] = (float)ab;
		s->sigma[t] = t ? (float)sqrt(b * (1.0 - abprev) / (1.0 - ab)) : 0.0f;
	}
	return 0;
}

void diff_schedule_free(struct diff_schedule *s)
{
	free(s->beta);
	s->beta = NULL;
}

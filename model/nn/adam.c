/* adam.c - Adam (Kingma & Ba, bias-corrected, no weight decay) and the EMA of weights. */
#include <math.h>
#include "nn/model.h"

void adam_step(float *p, const float *g, float *m, float *v, size_t n, float lr, float b1, float b2,
	       float eps, int64_t t)
{
	double c1 = 1.0 - pow(b1, (double)t), c2 = 1.0 - pow(b2, (double)t);

	for (size_t i = 0; i < n; i++) {
		m[i] = b1 * m[i] + (1.0f - b1) * g[i];
		v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
		double mh = m[i] / c1, vh = v[i] / c2;

		p[i] -= (float)(lr * mh / (sqrt(vh) + eps));
	}
}

void ema_update(float *ema, const float *p, size_t n, float d)
{
	for (size_t i = 0; i < n; i++)
		ema[i] = d * ema[i] + (1.0f - d) * p[i];
}

/* retr.c - the retrieval bias: a direct path from the n-gram proposal to the output logits.
 *
 * out: (K, BL) logits; prop: (BL) proposed ids (0 = none); feat: (F, BL) features of the
 * proposal; w: (F + 1) = per-feature gains and a bias.  Where prop[j] > 0:
 *   out[prop[j], j] += w[F] + sum_f w[f] feat[f, j]
 * so a model starts out agreeing with retrieval (w[F] initialised > 0) and learns from the
 * features how far to trust it; the rest of the network learns the corrections. */
#include <stddef.h>
#include "nn/model.h"

void retr_bias_forward(float *out, const int32_t *prop, const float *feat, const float *w, int F,
		       int K, size_t BL)
{
	for (size_t j = 0; j < BL; j++) {
		int p = prop[j];
		float z = w[F];

		if (p <= 0 || p >= K)
			continue;
		for (int f = 0; f < F; f++)
			z += w[f] * feat[f * BL + j];
		out[(size_t)p * BL + j] += z;
	}
}

void retr_bias_backward(float *dw, const float *dout, const int32_t *prop, const float *feat, int F,
			int K, size_t BL)
{
	for (size_t j = 0; j < BL; j++) {
		int p = prop[j];
		float d;

		if (p <= 0 || p >= K)
			continue;
		d = dout[(size_t)p * BL + j];
		for (int f = 0; f < F; f++)
			dw[f] += d * feat[f * BL + j];
		dw[F] += d;
	}
}

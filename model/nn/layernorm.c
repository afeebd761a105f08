/* layernorm.c - LayerNorm over the channels of every column (post-norm of the S4 layer).
 * Columns are processed in chunks of LN_CHUNK so the row-major sweeps stay cache friendly
 * without heap scratch. */
#include <math.h>
#include "nn/model.h"

#define LN_CHUNK 256

void layernorm_forward(float *out, float *xhat, float *rstd, const float *x, const float *gamma,
		       const float *beta, int H, int N)
{
	// x, out, xhat: (H, N)  rstd: (N)  gamma, beta: (H)
	for (int n0 = 0; n0 < N; n0 += LN_CHUNK) {
		int nc = N - n0 < LN_CHUNK ? N - n0 : LN_CHUNK;
		double mu[LN_CHUNK] = { 0 }, m2[LN_CHUNK] = { 0 };

		for (int h = 0; h < H; h++) {
			const float *r = x + (size_t)h * N + n0;

			for (int n = 0; n < nc; n++) {
				mu[n] += r[n];
				m2[n] += (double)r[n] * r[n];
			}
		}
		for (int n = 0; n < nc; n++) {
			mu[n] /= H;
			double var = m2[n] / H - mu[n] * mu[n];

			rstd[n0 + n] = (float)(1.0 / sqrt((var > 0 ? var : 0) + 1e-5));
		}
		for (int h = 0; h < H; h++)
			for (int n = 0; n < nc; n++) {
				size_t i = (size_t)h * N + n0 + n;

				xhat[i] = (float)((x[i] - mu[n]) * rstd[n0 + n]);
				out[i] = gamma[h] * xhat[i] + beta[h];
			}
	}
}

void layernorm_backward(float *dx, float *dgamma, float *dbeta, const float *dout,
			const float *xhat, const float *rstd, const float *gamma, int H, int N)
{
	// dx += rstd (g - mean_h(g) - xhat mean_h(g xhat)),  g = dout * gamma
	for (int h = 0; h < H; h++) {
		double sg = 0, sb = 0;
		const float *d = dout + (size_t)h * N, *xh = xhat + (size_t)h * N;

		for (int n = 0; n < N; n++) {
			sg += (double)d[n] * xh[n];
			sb += d[n];
		}
		if (dgamma)
			dgamma[h] += (float)sg;
		if (dbeta)
			dbeta[h] += (float)sb;
	}
	for (int n0 = 0; n0 < N; n0 += LN_CHUNK) {
		int nc = N - n0 < LN_CHUNK ? N - n0 : LN_CHUNK;
		double mg[LN_CHUNK] = { 0 }, mgx[LN_CHUNK] = { 0 };

		for (int h = 0; h < H; h++)
			for (int n = 0; n < nc; n++) {
				size_t i = (size_t)h * N + n0 + n;
				double g = (double)dout[i] * gamma[h];

				mg[n] += g;
				mgx[n] += g * xhat[i];
			}
		for (int h = 0; h < H; h++)
			for (int n = 0; n < nc; n++) {
				size_t i = (size_t)h * N + n0 + n;
				double g = (double)dout[i] * gamma[h];

				dx[i] += (float)(rstd[n0 + n] *
						 (g - mg[n] / H - xhat[i] * mgx[n] / H));
			}
	}
}

/* ref.c - naive reference twins of the BLAS paths (tests compare them to rtol 1e-5). */
#include "nn/model.h"

void matmul_forward_naive(float *out, const float *X, const float *W, const float *b, int O, int In,
			  int N)
{
	// out: (O, N)  X: (I, N)  W: (O, I)
	for (int o = 0; o < O; o++)
		for (int n = 0; n < N; n++) {
			double s = b ? b[o] : 0.0;

			for (int i = 0; i < In; i++)
				s += (double)W[(size_t)o * In + i] * X[(size_t)i * N + n];
			out[(size_t)o * N + n] = (float)s;
		}
}

void matmul_backward_naive(float *dX, float *dW, float *db, const float *dout, const float *X,
			   const float *W, int O, int In, int N)
{
	for (int o = 0; o < O; o++)
		for (int n = 0; n < N; n++) {
			float g = dout[(size_t)o * N + n];

			if (db)
				db[o] += g;
			for (int i = 0; i < In; i++) {
				if (dX)
					dX[(size_t)i * N + n] += W[(size_t)o * In + i] * g;
				if (dW)
					dW[(size_t)o * In + i] += g * X[(size_t)i * N + n];
			}
		}
}

void toeplitz_forward_naive(float *y, const float *u, const float *K, const float *D, int H, int B,
			    int L)
{
	// y, u: (H, B, L)  K: (2, H, L)  D: (H)
	for (int h = 0; h < H; h++) {
		const float *kf = K + (size_t)h * L, *kb = K + ((size_t)H + h) * L;

		for (int b = 0; b < B; b++) {
			const float *ub = u + ((size_t)h * B + b) * L;
			float *yb = y + ((size_t)h * B + b) * L;

			for (int t = 0; t < L; t++) {
				double s = (double)D[h] * ub[t];

				for (int s2 = 0; s2 <= t; s2++)
					s += (double)kf[t - s2] * ub[s2];
				for (int s2 = t + 1; s2 < L; s2++)
					s += (double)kb[s2 - t - 1] * ub[s2];
				yb[t] = (float)s;
			}
		}
	}
}

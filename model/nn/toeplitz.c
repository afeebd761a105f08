/* toeplitz.c - bidirectional depthwise long convolution as one sgemm per channel
 * (design note 3.2 and 3.5): Y_h (B, L) = U_h (B, L) . M_h (L, L) + D_h U_h with
 * M_h[s, t] = K^f[t - s] (t >= s) and K^b[s - t - 1] (t < s).  K^b[L-1] is never used. */
#include <cblas.h>
#include <string.h>
#include "nn/model.h"

/* Row s of M is [K^b[s-1], ..., K^b[0], K^f[0], ..., K^f[L-1-s]]: with rev[j] = K^b[L-1-j]
 * (stored after the L*L matrix) both parts are contiguous copies. */
static void build_m(float *Mb, const float *kf, const float *kb, int L)
{
	float *rev = Mb + (size_t)L * L;

	for (int j = 0; j < L; j++)
		rev[j] = kb[L - 1 - j];
	for (int s = 0; s < L; s++) {
		float *r = Mb + (size_t)s * L;

		memcpy(r, rev + L - s, s * sizeof(float));
		memcpy(r + s, kf, (L - s) * sizeof(float));
	}
}

void toeplitz_forward(float *y, const float *u, const float *K, const float *D, float *Mb, int H,
		      int B, int L)
{
	// y, u: (H, B, L)  K: (2, H, L)  D: (H)  Mb: L*L + L scratch
	size_t BL = (size_t)B * L;

	for (int h = 0; h < H; h++) {
		const float *uh = u + h * BL;
		float *yh = y + h * BL;

		build_m(Mb, K + (size_t)h * L, K + ((size_t)H + h) * L, L);
		for (size_t i = 0; i < BL; i++)
			yh[i] = D[h] * uh[i];
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, L, L, 1.0f, uh, L, Mb, L,
			    1.0f, yh, L);
	}
}

void toeplitz_backward(float *du, float *dK, float *dD, const float *dy, const float *u,
		       const float *K, const float *D, float *Mb, float *dMb, int H, int B, int L)
{
	// du (H, B, L) += dY M^T + D dY;  dM = U^T dY -> diagonal sums into dK;  dD += sum U dY
	size_t BL = (size_t)B * L;

	for (int h = 0; h < H; h++) {
		const float *uh = u + h * BL, *dyh = dy + h * BL;

		if (du) {
			float *duh = du + h * BL;

			build_m(Mb, K + (size_t)h * L, K + ((size_t)H + h) * L, L);
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, L, L, 1.0f, dyh, L,
				    Mb, L, 1.0f, duh, L);
			for (size_t i = 0; i < BL; i++)
				duh[i] += D[h] * dyh[i];
		}
		if (dD) {
			double s = 0;

			for (size_t i = 0; i < BL; i++)
				s += (double)uh[i] * dyh[i];
			dD[h] += (float)s;
		}
		if (dK) {
			float *dkf = dK + (size_t)h * L, *dkb = dK + ((size_t)H + h) * L;

			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, L, L, B, 1.0f, uh, L,
				    dyh, L, 0.0f, dMb, L);
			float *rev = dMb + (size_t)L * L; /* rev[L-s+t] sums into dK^b[s-t-1] */

			memset(rev, 0, L * sizeof(float));
			for (int s = 0; s < L; s++) {
				const float *r = dMb + (size_t)s * L;
				float *rv = rev + L - s;

				for (int t = 0; t < s; t++)
					rv[t] += r[t];
				for (int t = s; t < L; t++)
					dkf[t - s] += r[t];
			}
			for (int j = 0; j < L - 1; j++)
				dkb[j] += rev[L - 1 - j];
		}
	}
}

/* s4d.c - diagonal S4 (S4D, ZOH) kernel generation and its backward (design note 3.3-3.4).
 * Both directions share A = -exp(a) + i theta and dt = exp(log_dt); B is absorbed into C.
 * Everything is computed in double; powers E^l by repeated multiplication. */
#include <complex.h>
#include <math.h>
#include <string.h>
#include "model.h"

#define S4D_CHUNK 256

struct mode {
	double complex A, E, Phi;
	double dt;
};

static struct mode mode_of(const float *log_dt, const float *a, const float *theta, int h, int n,
			   int M)
{
	struct mode m;

	m.dt = exp(log_dt[h]);
	m.A = -exp(a[(size_t)h * M + n]) + I * theta[(size_t)h * M + n];
	m.E = cexp(m.dt * m.A);
	m.Phi = (m.E - 1.0) / m.A;
	return m;
}

static double complex c_of(const float *Cc, int d, int h, int n, int H, int M)
{
	const float *c = Cc + ((((size_t)d * H + h) * M + n) * 2);

	return c[0] + I * c[1];
}

void s4d_kernel_forward(float *K, const float *log_dt, const float *a, const float *theta,
			const float *Cc, int H, int M, int L)
{
	// K: (2, H, L)  log_dt: (H)  a, theta: (H, M)  Cc: (2, H, M, 2)
	for (int h = 0; h < H; h++) {
		for (int l0 = 0; l0 < L; l0 += S4D_CHUNK) {
			int lc = L - l0 < S4D_CHUNK ? L - l0 : S4D_CHUNK;
			double kf[S4D_CHUNK] = { 0 }, kb[S4D_CHUNK] = { 0 };

			for (int n = 0; n < M; n++) {
				struct mode m = mode_of(log_dt, a, theta, h, n, M);
				double complex p = l0 ? cpow(m.E, l0) : 1.0;
				double complex qf = c_of(Cc, 0, h, n, H, M) * m.Phi * p;
				double complex qb = c_of(Cc, 1, h, n, H, M) * m.Phi * p;

				for (int l = 0; l < lc; l++) {   /* q = C Phi E^l */
					kf[l] += 2.0 * creal(qf);
					kb[l] += 2.0 * creal(qb);
					qf *= m.E;
					qb *= m.E;
				}
			}
			for (int l = 0; l < lc; l++) {
				K[(size_t)h * L + l0 + l] = (float)kf[l];
				K[((size_t)H + h) * L + l0 + l] = (float)kb[l];
			}
		}
	}
}

void s4d_kernel_backward(float *dlog_dt, float *da, float *dtheta, float *dCc, const float *dK,
			 const float *log_dt, const float *a, const float *theta, const float *Cc,
			 int H, int M, int L)
{
	// dK: (2, H, L) = dLoss/dK; S^d = sum_l G^d[l] E^l, T^d = sum_l l G^d[l] E^l
	for (int h = 0; h < H; h++) {
		const float *gf = dK + (size_t)h * L, *gb = dK + ((size_t)H + h) * L;
		double complex dFdt = 0;
		double dt = exp(log_dt[h]);

		for (int n = 0; n < M; n++) {
			struct mode m = mode_of(log_dt, a, theta, h, n, M);
			double complex S[2] = { 0, 0 }, T[2] = { 0, 0 }, p = 1.0, dFdA = 0;

			for (int l = 0; l < L; l++) {
				S[0] += gf[l] * p;
				S[1] += gb[l] * p;
				T[0] += (double)l * gf[l] * p;
				T[1] += (double)l * gb[l] * p;
				p *= m.E;
			}
			double complex dPhi = (m.dt * m.E * m.A - (m.E - 1.0)) / (m.A * m.A);

			for (int d = 0; d < 2; d++) {
				double complex c = c_of(Cc, d, h, n, H, M);
				double complex dC = 2.0 * m.Phi * S[d];

				if (dCc) {
					float *o = dCc + ((((size_t)d * H + h) * M + n) * 2);

					o[0] += (float)creal(dC);
					o[1] += (float)-cimag(dC);
				}
				dFdA += 2.0 * c * (dPhi * S[d] + m.dt * m.Phi * T[d]);
				dFdt += 2.0 * c * (m.E * S[d] + (m.E - 1.0) * T[d]);
			}
			size_t i = (size_t)h * M + n;

			if (da)
				da[i] += (float)creal(dFdA * -exp(a[i]));
			if (dtheta)
				dtheta[i] += (float)-cimag(dFdA);
		}
		if (dlog_dt)
			dlog_dt[h] += (float)(dt * creal(dFdt));
	}
}

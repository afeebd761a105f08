/* s4d.c - diagonal S4 (S4D, ZOH) kernel generation and its backward (design note 3.3-3.4).
 * Both directions share A = -exp(a) + i theta and dt = exp(log_dt); B is absorbed into C.
 * Everything is computed in double; powers E^l by repeated multiplication, with the modes in
 * separate real/imaginary arrays so the inner loops over n vectorise. */
#include <complex.h>
#include <math.h>
#include <string.h>
#include "nn/model.h"

#define S4D_MAXM 512

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
	/* packed with stride M: arrays 4 KiB apart would alias in the store buffer */
	double buf[6 * S4D_MAXM], *er = buf, *ei = buf + M, *qr[2] = { buf + 2 * M, buf + 3 * M };
	double *qi[2] = { buf + 4 * M, buf + 5 * M };

	for (int h = 0; h < H; h++) {
		for (int n = 0; n < M; n++) { /* q^d_n = C^d_n Phi_n E_n^l, l = 0 */
			struct mode m = mode_of(log_dt, a, theta, h, n, M);

			er[n] = creal(m.E), ei[n] = cimag(m.E);
			for (int d = 0; d < 2; d++) {
				double complex q = c_of(Cc, d, h, n, H, M) * m.Phi;

				qr[d][n] = creal(q), qi[d][n] = cimag(q);
			}
		}
		for (int l = 0; l < L; l++)
			for (int d = 0; d < 2; d++) {
				double s = 0;

				for (int n = 0; n < M; n++) {
					double r = qr[d][n], i = qi[d][n];

					s += r;
					qr[d][n] = r * er[n] - i * ei[n];
					qi[d][n] = r * ei[n] + i * er[n];
				}
				K[((size_t)d * H + h) * L + l] = (float)(2.0 * s);
			}
	}
}

void s4d_kernel_backward(float *dlog_dt, float *da, float *dtheta, float *dCc, const float *dK,
			 const float *log_dt, const float *a, const float *theta, const float *Cc,
			 int H, int M, int L)
{
	// dK: (2, H, L) = dLoss/dK; S^d = sum_l G^d[l] E^l, T^d = sum_l l G^d[l] E^l
	/* packed with stride M: arrays 4 KiB apart would alias in the store buffer */
	double buf[12 * S4D_MAXM], *er = buf, *ei = buf + M, *pr = buf + 2 * M, *pi = buf + 3 * M;
	double *Sr[2] = { buf + 4 * M, buf + 5 * M }, *Si[2] = { buf + 6 * M, buf + 7 * M };
	double *Tr[2] = { buf + 8 * M, buf + 9 * M }, *Ti[2] = { buf + 10 * M, buf + 11 * M };

	for (int h = 0; h < H; h++) {
		const float *g[2] = { dK + (size_t)h * L, dK + ((size_t)H + h) * L };
		double complex dFdt = 0;
		double dt = exp(log_dt[h]);

		for (int n = 0; n < M; n++) {
			struct mode m = mode_of(log_dt, a, theta, h, n, M);

			er[n] = creal(m.E), ei[n] = cimag(m.E), pr[n] = 1.0, pi[n] = 0.0;
		}
		memset(buf + 4 * M, 0, 8 * M * sizeof(double));
		for (int l = 0; l < L; l++) {
			double g0 = g[0][l], g1 = g[1][l], l0 = l * g0, l1 = l * g1;

			for (int n = 0; n < M; n++) {
				double r = pr[n], i = pi[n];

				Sr[0][n] += g0 * r, Si[0][n] += g0 * i;
				Sr[1][n] += g1 * r, Si[1][n] += g1 * i;
				Tr[0][n] += l0 * r, Ti[0][n] += l0 * i;
				Tr[1][n] += l1 * r, Ti[1][n] += l1 * i;
				pr[n] = r * er[n] - i * ei[n];
				pi[n] = r * ei[n] + i * er[n];
			}
		}
		for (int n = 0; n < M; n++) {
			struct mode m = mode_of(log_dt, a, theta, h, n, M);
			double complex dPhi = (m.dt * m.E * m.A - (m.E - 1.0)) / (m.A * m.A),
				       dFdA = 0;

			for (int d = 0; d < 2; d++) {
				double complex S = Sr[d][n] + I * Si[d][n],
					       T = Tr[d][n] + I * Ti[d][n];
				double complex c = c_of(Cc, d, h, n, H, M);
				double complex dC = 2.0 * m.Phi * S;

				if (dCc) {
					float *o = dCc + ((((size_t)d * H + h) * M + n) * 2);

					o[0] += (float)creal(dC);
					o[1] += (float)-cimag(dC);
				}
				dFdA += 2.0 * c * (dPhi * S + m.dt * m.Phi * T);
				dFdt += 2.0 * c * (m.E * S + (m.E - 1.0) * T);
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

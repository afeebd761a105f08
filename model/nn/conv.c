/* conv.c - weight norm (w = g v/|v| per output row) and the k=3, pad-1 convolution as
 * im2col + sgemm.  Padding is per sequence: nothing leaks across the B sequences. */
#include <math.h>
#include <string.h>
#include "nn/model.h"

void weightnorm_forward(float *w, const float *v, const float *g, int O, int I)
{
	// w, v: (O, I)  g: (O)
	for (int o = 0; o < O; o++) {
		const float *vr = v + (size_t)o * I;
		double s = 0;

		for (int i = 0; i < I; i++)
			s += (double)vr[i] * vr[i];
		float k = (float)(g[o] / sqrt(s + 1e-12));

		for (int i = 0; i < I; i++)
			w[(size_t)o * I + i] = k * vr[i];
	}
}

void weightnorm_backward(float *dv, float *dg, const float *dw, const float *v, const float *g,
			 int O, int I)
{
	// dg = v.dw/|v|;  dv = (g/|v|) dw - (g dg/|v|^2) v
	for (int o = 0; o < O; o++) {
		const float *vr = v + (size_t)o * I, *dr = dw + (size_t)o * I;
		double s = 0, vd = 0;

		for (int i = 0; i < I; i++) {
			s += (double)vr[i] * vr[i];
			vd += (double)vr[i] * dr[i];
		}
		double nrm = sqrt(s + 1e-12), dgo = vd / nrm;

		if (dg)
			dg[o] += (float)dgo;
		if (dv)
			for (int i = 0; i < I; i++)
				dv[(size_t)o * I + i] += (float)(g[o] / nrm * dr[i] -
								 g[o] * dgo / (nrm * nrm) * vr[i]);
	}
}

void im2col3(float *col, const float *x, int Ci, int B, int L)
{
	// col: (3 Ci, B L)  x: (Ci, B L)
	size_t BL = (size_t)B * L;

	for (int i = 0; i < Ci; i++)
		for (int j = 0; j < 3; j++) {
			float *r = col + ((size_t)i * 3 + j) * BL;
			const float *xi = x + (size_t)i * BL;

			for (int b = 0; b < B; b++)
				for (int l = 0; l < L; l++) {
					int s = l + j - 1;

					r[(size_t)b * L + l] =
						(s >= 0 && s < L) ? xi[(size_t)b * L + s] : 0.0f;
				}
		}
}

void col2im3_add(float *dx, const float *dcol, int Ci, int B, int L)
{
	size_t BL = (size_t)B * L;

	for (int i = 0; i < Ci; i++)
		for (int j = 0; j < 3; j++) {
			const float *r = dcol + ((size_t)i * 3 + j) * BL;
			float *di = dx + (size_t)i * BL;

			for (int b = 0; b < B; b++)
				for (int l = 0; l < L; l++) {
					int s = l + j - 1;

					if (s >= 0 && s < L)
						di[(size_t)b * L + s] += r[(size_t)b * L + l];
				}
		}
}

void conv3_forward(float *out, float *col, const float *x, const float *W, const float *b, int O,
		   int Ci, int B, int L)
{
	// out: (O, BL)  col: (3Ci, BL)  x: (Ci, BL)  W: (O, 3Ci)  b: (O)
	im2col3(col, x, Ci, B, L);
	matmul_forward(out, col, W, b, O, 3 * Ci, B * L);
}

void conv3_backward(float *dx, float *dW, float *db, float *dcol, const float *dout,
		    const float *col, const float *W, int O, int Ci, int B, int L)
{
	if (dx)
		memset(dcol, 0, sizeof(float) * 3 * Ci * (size_t)B * L);
	matmul_backward(dx ? dcol : NULL, dW, db, dout, col, W, O, 3 * Ci, B * L);
	if (dx)
		col2im3_add(dx, dcol, Ci, B, L);
}

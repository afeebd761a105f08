/* matmul.c - dense layer / 1x1 convolution through cblas_sgemm (naive twins in ref.c). */
#include <cblas.h>
#include "nn/model.h"

void matmul_forward(float *out, const float *X, const float *W, const float *b, int O, int In, int N)
{
	// out: (O, N)  X: (I, N)  W: (O, I)  b: (O)
	float beta = 0.0f;

	if (b) {
		for (int o = 0; o < O; o++)
			for (int n = 0; n < N; n++)
				out[(size_t)o * N + n] = b[o];
		beta = 1.0f;
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, O, N, In, 1.0f, W, In, X, N, beta,
		    out, N);
}

void matmul_backward(float *dX, float *dW, float *db, const float *dout, const float *X,
		     const float *W, int O, int In, int N)
{
	// dout: (O, N)  X, dX: (I, N)  W, dW: (O, I)  db: (O)
	if (dX)
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, In, N, O, 1.0f, W, In, dout, N,
			    1.0f, dX, N);
	if (dW)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, O, In, N, 1.0f, dout, N, X, N,
			    1.0f, dW, In);
	if (db)
		for (int o = 0; o < O; o++) {
			const float *r = dout + (size_t)o * N;
			float s = 0.0f;

			for (int n = 0; n < N; n++)
				s += r[n];
			db[o] += s;
		}
}

/* act.c - elementwise activations: GELU (erf), SiLU, ReLU and the tanh*sigmoid gate, through
 * the vectorisable functions of fastmath.h. */
#include <math.h>
#include "nn/fastmath.h"
#include "nn/model.h"

#define sigmoidf fm_sigmoid

void gelu_forward(float *out, const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = 0.5f * x[i] * (1.0f + fm_erf(x[i] * (float)M_SQRT1_2));
}

void gelu_backward(float *dx, const float *dout, const float *x, size_t n)
{
	// dx = dout (Phi(x) + x phi(x))
	const float k = 0.3989422804014327f;

	for (size_t i = 0; i < n; i++) {
		float cdf = 0.5f * (1.0f + fm_erf(x[i] * (float)M_SQRT1_2));
		float pdf = k * fm_exp(-0.5f * x[i] * x[i]);

		dx[i] += dout[i] * (cdf + x[i] * pdf);
	}
}

void silu_forward(float *out, const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = x[i] * sigmoidf(x[i]);
}

void silu_backward(float *dx, const float *dout, const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float s = sigmoidf(x[i]);

		dx[i] += dout[i] * s * (1.0f + x[i] * (1.0f - s));
	}
}

void relu_forward(float *out, const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void relu_backward(float *dx, const float *dout, const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (x[i] > 0.0f)
			dx[i] += dout[i];
}

void gate_forward(float *out, const float *in, size_t n)
{
	// in: (2C, BL) as [p; q], out: (C, BL), n = C*BL
	for (size_t i = 0; i < n; i++)
		out[i] = fm_tanh(in[i]) * sigmoidf(in[n + i]);
}

void gate_backward(float *din, const float *dout, const float *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float th = fm_tanh(in[i]), s = sigmoidf(in[n + i]);

		din[i] += dout[i] * s * (1.0f - th * th);
		din[n + i] += dout[i] * th * s * (1.0f - s);
	}
}

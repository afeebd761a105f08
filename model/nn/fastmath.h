/* fastmath.h - branch-free float exp, erf, tanh and sigmoid that the compiler can vectorise
 * (the libm calls they replace in act.c were a third of the sampling time).
 *   fm_exp:  exp(x) = 2^n exp(r), n = round(x / ln 2), r reduced in two parts (Cody-Waite),
 *            exp(r) by its Taylor series to degree 7 (|r| <= ln2 / 2: error < 1e-8 relative);
 *            x clamped to [-87, 88] (no infinities, no denormals).
 *   fm_erf:  Abramowitz & Stegun 7.1.26 (absolute error <= 1.5e-7).
 *   fm_tanh: (1 - e) / (1 + e) with e = exp(-2|x|), sign restored; x - x^3/3 for |x| < 1e-2.
 *   fm_sigmoid: 1 / (1 + exp(-x)).
 * tests/test_fastmath.c checks each against libm. */
#ifndef TRC_FASTMATH_H
#define TRC_FASTMATH_H

#include <stdint.h>
#include <string.h>

static inline float fm_exp(float x)
{
	float t, r, p, s;
	int32_t n, bits;

	x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
	t = x * 1.44269504088896341f;
	n = (int32_t)(t + (t < 0.0f ? -0.5f : 0.5f));
	r = x - (float)n * 0.693359375f + (float)n * 2.12194440e-4f;
	p = 1.0f / 5040.0f;
	p = p * r + 1.0f / 720.0f;
	p = p * r + 1.0f / 120.0f;
	p = p * r + 1.0f / 24.0f;
	p = p * r + 1.0f / 6.0f;
	p = p * r + 0.5f;
	p = p * r + 1.0f;
	p = p * r + 1.0f;
	bits = (n + 127) << 23;
	memcpy(&s, &bits, sizeof(s));
	return p * s;
}

static inline float fm_erf(float x)
{
	float ax = x < 0.0f ? -x : x, t = 1.0f / (1.0f + 0.3275911f * ax), p, y;

	p = 1.061405429f;
	p = p * t - 1.453152027f;
	p = p * t + 1.421413741f;
	p = p * t - 0.284496736f;
	p = p * t + 0.254829592f;
	y = 1.0f - p * t * fm_exp(-ax * ax);
	return x < 0.0f ? -y : y;
}

static inline float fm_tanh(float x)
{
	float ax = x < 0.0f ? -x : x, e = fm_exp(-2.0f * ax), y = (1.0f - e) / (1.0f + e);

	y = ax < 1e-2f ? ax - ax * ax * ax * (1.0f / 3.0f) : y;
	return x < 0.0f ? -y : y;
}

static inline float fm_sigmoid(float x)
{
	return 1.0f / (1.0f + fm_exp(-x));
}

#endif /* TRC_FASTMATH_H */

/* rng.c - explicit-state random numbers (splitmix64); never rand(). */
#include <math.h>
#include "nn/model.h"

uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

float rng_uniform(uint64_t *s)
{
	return (float)(rng_next(s) >> 40) * (1.0f / 16777216.0f);
}

float rng_normal(uint64_t *s)
{
	double u1 = ((rng_next(s) >> 11) + 1.0) * (1.0 / 9007199254740993.0);
	double u2 = (rng_next(s) >> 11) * (1.0 / 9007199254740992.0);

	return (float)(sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
}

int rng_int(uint64_t *s, int n)
{
	return n <= 1 ? 0 : (int)((rng_next(s) >> 33) % (uint64_t)n);
}

/* embed.c - sinusoidal diffusion-step embedding (design note 1.2); the 128->512->512 SiLU MLP
 * on top of it is two matmul/silu pairs in sssd.c. */
#include <math.h>
#include "nn/model.h"

void step_embed_sinusoid(float *e0, const int *t, int D, int B)
{
	// e0: (D, B); rows 0..D/2-1 sin(t f_j), rows D/2..D-1 cos(t f_j)
	int half = D / 2;

	for (int j = 0; j < half; j++) {
		double f = exp(-j * log(10000.0) / (half > 1 ? half - 1 : 1));

		for (int b = 0; b < B; b++) {
			e0[(size_t)j * B + b] = (float)sin(t[b] * f);
			e0[(size_t)(half + j) * B + b] = (float)cos(t[b] * f);
		}
	}
}

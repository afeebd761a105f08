/* s4.c - one S4 layer (design note 1.4 with the S4D kernel of 3.3):
 *   v = K * x + D x;  y = Wo GELU(v) + bo;  out = LayerNorm(y + x). */
#include <string.h>
#include "nn/model.h"

size_t s4_cache_floats(int H, int B, int L)
{
	size_t BL = (size_t)B * L;

	return 2 * (size_t)H * L + 3 * (size_t)H * BL + BL;
}

void s4_cache_bind(struct s4_cache *c, float *mem, int H, int B, int L)
{
	size_t BL = (size_t)B * L;

	c->K = mem;
	c->v = c->K + 2 * (size_t)H * L;
	c->gv = c->v + (size_t)H * BL;
	c->xhat = c->gv + (size_t)H * BL;
	c->rstd = c->xhat + (size_t)H * BL;
}

size_t s4_scratch_floats(int H, int B, int L)
{
	return 3 * (size_t)H * B * L + 2 * (size_t)H * L + 2 * (size_t)L * (L + 1);
}

void s4_forward(float *out, struct s4_cache *c, const float *x, const struct s4_params *p,
		float *scratch, int H, int M, int B, int L, int reuse_kernel)
{
	// out, x: (H, BL)  cache: see s4_cache  scratch: s4_scratch_floats()
	size_t BL = (size_t)B * L, n = H * BL;
	float *z = scratch, *Mb = scratch + 3 * n + 2 * (size_t)H * L;

	if (!reuse_kernel)
		s4d_kernel_forward(c->K, p->log_dt, p->a, p->theta, p->Cc, H, M, L);
	toeplitz_forward(c->v, x, c->K, p->D, Mb, H, B, L);
	gelu_forward(c->gv, c->v, n);
	matmul_forward(z, c->gv, p->Wo, p->bo, H, H, (int)BL);
	for (size_t i = 0; i < n; i++)
		z[i] += x[i];
	layernorm_forward(out, c->xhat, c->rstd, z, p->gamma, p->beta, H, (int)BL);
}

void s4_backward(float *dx, const struct s4_params *dp, const float *dout, const struct s4_cache *c,
		 const float *x, const struct s4_params *p, float *scratch, int H, int M, int B,
		 int L)
{
	size_t BL = (size_t)B * L, n = H * BL;
	float *dz = scratch, *dgv = dz + n, *dv = dgv + n, *dK = dv + n;
	float *Mb = dK + 2 * (size_t)H * L, *dMb = Mb + (size_t)L * (L + 1);

	memset(scratch, 0, sizeof(float) * (3 * n + 2 * (size_t)H * L));
	layernorm_backward(dz, dp->gamma, dp->beta, dout, c->xhat, c->rstd, p->gamma, H, (int)BL);
	for (size_t i = 0; i < n; i++)
		dx[i] += dz[i];
	matmul_backward(dgv, dp->Wo, dp->bo, dz, c->gv, p->Wo, H, H, (int)BL);
	gelu_backward(dv, dgv, c->v, n);
	toeplitz_backward(dx, dK, dp->D, dv, x, c->K, p->D, Mb, dMb, H, B, L);
	s4d_kernel_backward(dp->log_dt, dp->a, dp->theta, dp->Cc, dK, p->log_dt, p->a, p->theta,
			    p->Cc, H, M, L);
}

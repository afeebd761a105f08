/* model.h - internals shared by the model/ files: the shape vocabulary, rng, and every layer's
 * forward/backward pair.  Not a public API (tools use sssd.h / imputer.h).
 *
 * Shape vocabulary (defined once):
 *   B  batch            L  sequence length      C  residual channels   S  skip channels
 *   H  S4 width (= 2C)  N  S4 state size (M = N/2 complex modes)       T  diffusion steps
 *   K  data channels    Kc conditioner channels (K + 1)                V  vocabulary size
 * Layout: a tensor with c channels is a row-major c x (B*L) matrix, column j = b*L + l, so
 * channel h is one contiguous (B, L) block.  Backward functions ACCUMULATE (+=) into every
 * gradient they are given (NULL = not wanted), except where a comment says "writes".
 */
#ifndef TRC_MODEL_H
#define TRC_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* ---- rng.c: all randomness through an explicit state ---- */
uint64_t rng_next(uint64_t *s);  /* splitmix64 */
float rng_uniform(uint64_t *s);  /* [0, 1) */
float rng_normal(uint64_t *s);   /* N(0, 1), Box-Muller */
int rng_int(uint64_t *s, int n); /* 0..n-1 */

/* ---- matmul.c: cblas_sgemm behind one call; ref.c: naive twins ---- */
/* out (O, N) = W (O, I) . X (I, N) + b (O) (b may be NULL).  Writes out. */
void matmul_forward(float *out, const float *X, const float *W, const float *b, int O, int In, int N);
/* dX (I, N) += W^T dout; dW (O, I) += dout X^T; db (O) += rowsum(dout). */
void matmul_backward(float *dX, float *dW, float *db, const float *dout, const float *X,
		     const float *W, int O, int In, int N);
void matmul_forward_naive(float *out, const float *X, const float *W, const float *b, int O, int In,
			  int N);
void matmul_backward_naive(float *dX, float *dW, float *db, const float *dout, const float *X,
			   const float *W, int O, int In, int N);

/* ---- act.c: elementwise activations over n values ---- */
void gelu_forward(float *out, const float *x, size_t n);
void gelu_backward(float *dx, const float *dout, const float *x, size_t n);
void silu_forward(float *out, const float *x, size_t n);
void silu_backward(float *dx, const float *dout, const float *x, size_t n);
void relu_forward(float *out, const float *x, size_t n);
void relu_backward(float *dx, const float *dout, const float *x, size_t n);
/* gate: in (2C, BL) -> out (C, BL) = tanh(in[0:C]) * sigmoid(in[C:2C]); n = C*BL */
void gate_forward(float *out, const float *in, size_t n);
void gate_backward(float *din, const float *dout, const float *in, size_t n);

/* ---- layernorm.c: over the H channels of each of the N columns, eps 1e-5 ---- */
/* out, xhat: (H, N); rstd: (N).  Writes out, xhat, rstd. */
void layernorm_forward(float *out, float *xhat, float *rstd, const float *x, const float *gamma,
		       const float *beta, int H, int N);
void layernorm_backward(float *dx, float *dgamma, float *dbeta, const float *dout,
			const float *xhat, const float *rstd, const float *gamma, int H, int N);

/* ---- conv.c: weight norm and the k=3 convolution (pad 1, per sequence) ---- */
/* w (O, I) = g_o v_o / |v_o|.  Writes w. */
void weightnorm_forward(float *w, const float *v, const float *g, int O, int In);
void weightnorm_backward(float *dv, float *dg, const float *dw, const float *v, const float *g,
			 int O, int In);
/* col (3*Ci, B*L): rows (i*3 + j) = x[i, l + j - 1] (0 outside the sequence).  Writes col. */
void im2col3(float *col, const float *x, int Ci, int B, int L);
/* dx (Ci, B*L) += scatter of dcol. */
void col2im3_add(float *dx, const float *dcol, int Ci, int B, int L);
/* out (O, BL) = conv3(x): W (O, Ci*3) w[o,i,j] at o*3Ci + 3i + j.  col: (3Ci, BL) cache. */
void conv3_forward(float *out, float *col, const float *x, const float *W, const float *b, int O,
		   int Ci, int B, int L);
/* dcol: (3Ci, BL) scratch. */
void conv3_backward(float *dx, float *dW, float *db, float *dcol, const float *dout,
		    const float *col, const float *W, int O, int Ci, int B, int L);

/* ---- embed.c: diffusion-step embedding ---- */
/* e0 (D, B): sinusoids of t[b] (D even; sines first, f_j = exp(-j ln(1e4)/(D/2 - 1))). */
void step_embed_sinusoid(float *e0, const int *t, int D, int B);

/* ---- s4d.c: diagonal S4 kernel (ZOH), two directions sharing A and dt ---- */
/* K: (2, H, L) = [K^f; K^b].  log_dt (H), a (H, M), theta (H, M), Cc (2, H, M, 2) re/im.
 * K^d[h, l] = 2 Re sum_n C^d_n Phi_n E_n^l,  A_n = -e^a + i theta,  E_n = e^{dt A_n},
 * Phi_n = (E_n - 1)/A_n  (design note 3.3).  Writes K. */
void s4d_kernel_forward(float *K, const float *log_dt, const float *a, const float *theta,
			const float *Cc, int H, int M, int L);
/* design note 3.4; accumulates into dlog_dt, da, dtheta, dCc (any may be NULL). */
void s4d_kernel_backward(float *dlog_dt, float *da, float *dtheta, float *dCc, const float *dK,
			 const float *log_dt, const float *a, const float *theta, const float *Cc,
			 int H, int M, int L);

/* ---- toeplitz.c: bidirectional depthwise long convolution (design note 3.2, 3.5) ---- */
/* y, u: (H, B, L); K: (2, H, L); D: (H); Mb: L*L + L scratch.
 * y[t] = sum_{s<=t} K^f[t-s] u[s] + sum_{s>t} K^b[s-t-1] u[s] + D u[t].  Writes y. */
void toeplitz_forward(float *y, const float *u, const float *K, const float *D, float *Mb, int H,
		      int B, int L);
/* du += ..., dK (2, H, L) += ..., dD += ...; Mb, dMb: L*L + L scratch each. */
void toeplitz_backward(float *du, float *dK, float *dD, const float *dy, const float *u,
		       const float *K, const float *D, float *Mb, float *dMb, int H, int B, int L);
void toeplitz_forward_naive(float *y, const float *u, const float *K, const float *D, int H, int B,
			    int L);

/* ---- s4.c: one S4 layer: v = K*x + D x; y = Wo GELU(v) + bo; out = LN(y + x) ---- */
struct s4_params {
	float *log_dt; /* (H) */
	float *a;      /* (H, M) Re A = -exp(a) */
	float *theta;  /* (H, M) Im A */
	float *Cc;     /* (2, H, M, 2) */
	float *D;      /* (H) */
	float *Wo;     /* (H, H) */
	float *bo;     /* (H) */
	float *gamma;  /* (H) */
	float *beta;   /* (H) */
};
struct s4_cache {
	float *K;    /* (2, H, L) kernel of this forward */
	float *v;    /* (H, BL) pre-GELU */
	float *gv;   /* (H, BL) GELU(v) */
	float *xhat; /* (H, BL) normalised LN input */
	float *rstd; /* (BL) */
};
size_t s4_cache_floats(int H, int B, int L);
void s4_cache_bind(struct s4_cache *c, float *mem, int H, int B, int L);
/* scratch: >= s4_scratch_floats() */
size_t s4_scratch_floats(int H, int B, int L);
/* reuse_kernel: c->K already holds the kernel of these parameters at this L (sampling). */
void s4_forward(float *out, struct s4_cache *c, const float *x, const struct s4_params *p,
		float *scratch, int H, int M, int B, int L, int reuse_kernel);
/* dx += ...; dp fields += ... */
void s4_backward(float *dx, const struct s4_params *dp, const float *dout, const struct s4_cache *c,
		 const float *x, const struct s4_params *p, float *scratch, int H, int M, int B,
		 int L);

/* ---- retr.c: retrieval bias, out (K, BL)[prop[j], j] += w[F] + w . feat[:, j] ---- */
void retr_bias_forward(float *out, const int32_t *prop, const float *feat, const float *w, int F,
		       int K, size_t BL);
/* dw (F + 1) += ... */
void retr_bias_backward(float *dw, const float *dout, const int32_t *prop, const float *feat, int F,
			int K, size_t BL);

/* ---- adam.c ---- */
/* One Adam step (bias-corrected, step t >= 1) over n parameters. */
void adam_step(float *p, const float *g, float *m, float *v, size_t n, float lr, float b1, float b2,
	       float eps, int64_t t);
/* ema = d ema + (1 - d) p */
void ema_update(float *ema, const float *p, size_t n, float d);

/* ---- sssd/schedule.c: the DDPM schedule ---- */
struct diff_schedule {
	int T;
	float *beta, *alpha, *alpha_bar, *sigma; /* (T) each */
};
int diff_schedule_init(struct diff_schedule *s, int T, double beta0, double beta1);
void diff_schedule_free(struct diff_schedule *s);

/* ---- crc32 of a buffer (ckpt.c, zlib) ---- */
uint32_t ckpt_crc32(uint32_t crc, const void *buf, size_t n);

#endif /* TRC_MODEL_H */

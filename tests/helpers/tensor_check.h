/* tensor_check.h - shared test helpers: tensor comparison and finite-difference grad checks. */
#ifndef TRC_TENSOR_CHECK_H
#define TRC_TENSOR_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* Fails the current CMocka test (printing the worst index) unless
 * |a - b| <= atol + rtol |b| everywhere. */
void assert_tensor_close(const float *a, const float *b, size_t n, double rtol, double atol);

/* Fill with uniform values in [-scale, scale) from an explicit rng state. */
void fill_uniform(float *x, size_t n, float scale, uint64_t *rng);

/* A scalar loss of the current parameter values (summed in double). */
typedef double (*loss_fn)(void *ctx);

/* Central differences (eps 1e-3) of f w.r.t. x[i] against grad[i] for up to max_checks indices
 * (all when n <= max_checks, else a seeded random subset).  Fails the test, naming `what` and the
 * worst index, unless |a - n| / max(|a| + |n|, 1e-6) < 1e-2 for every checked index, or
 * |a - n| < max(1e-4, 4 FLT_EPSILON sum|out r| / 2 eps): the rounding floor of a float forward
 * pass (sum|out r| is recorded by dot_loss(), so losses must be built with it). */
void assert_grad_ok(loss_fn f, void *ctx, float *x, const float *grad, size_t n, size_t max_checks,
		    const char *what);

/* sum_i out[i] * r[i] in double */
double dot_loss(const float *out, const float *r, size_t n);

#endif /* TRC_TENSOR_CHECK_H */

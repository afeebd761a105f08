/* test_ref.c - the BLAS paths against their naive twins (model/ref.c) to rtol 1e-5. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "nn/model.h"
#include "helpers/tensor_check.h"

static void test_matmul_vs_naive(void **state)
{
	enum { O = 37, I = 29, N = 53 };
	static float X[I * N], W[O * I], b[O], out[O * N], ref[O * N], dout[O * N];
	static float dX[I * N], dW[O * I], db[O], rX[I * N], rW[O * I], rb[O];
	uint64_t rng = 77;

	(void)state;
	fill_uniform(X, I * N, 1.0f, &rng);
	fill_uniform(W, O * I, 1.0f, &rng);
	fill_uniform(b, O, 1.0f, &rng);
	fill_uniform(dout, O * N, 1.0f, &rng);
	matmul_forward(out, X, W, b, O, I, N);
	matmul_forward_naive(ref, X, W, b, O, I, N);
	assert_tensor_close(out, ref, O * N, 1e-5, 1e-5);
	fill_uniform(dX, I * N, 1.0f, &rng); /* backward accumulates: start from equal values */
	memcpy(rX, dX, sizeof(dX));
	matmul_backward(dX, dW, db, dout, X, W, O, I, N);
	matmul_backward_naive(rX, rW, rb, dout, X, W, O, I, N);
	assert_tensor_close(dX, rX, I * N, 1e-5, 1e-5);
	assert_tensor_close(dW, rW, O * I, 1e-5, 1e-5);
	assert_tensor_close(db, rb, O, 1e-5, 1e-5);
}

static void test_toeplitz_vs_naive_long(void **state)
{
	enum { H = 3, B = 5, L = 150 };
	float *u = malloc(sizeof(float) * H * B * L), *y = malloc(sizeof(float) * H * B * L);
	float *r = malloc(sizeof(float) * H * B * L), *Mb = malloc(sizeof(float) * (L * L + L));
	float K[2 * H * L], D[H];
	uint64_t rng = 78;

	(void)state;
	fill_uniform(u, H * B * L, 1.0f, &rng);
	fill_uniform(K, 2 * H * L, 0.2f, &rng);
	fill_uniform(D, H, 1.0f, &rng);
	toeplitz_forward(y, u, K, D, Mb, H, B, L);
	toeplitz_forward_naive(r, u, K, D, H, B, L);
	assert_tensor_close(y, r, H * B * L, 1e-5, 1e-5);
	free(u), free(y), free(r), free(Mb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matmul_vs_naive),
		cmocka_unit_test(test_toeplitz_vs_naive_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

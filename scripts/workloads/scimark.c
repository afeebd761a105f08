/* scimark.c - tracerec's numerical kernel, the stand-in for pts/scimark2.
 *
 *   scimark [SCALE]
 *
 * Five kernels of the SciMark 2 kind, each run a fixed number of times (SCALE times a base count,
 * default SCALE 1), on data from a fixed linear congruential generator: a complex radix-2 FFT of
 * 1024 points (forward and inverse), Jacobi successive over-relaxation on a 100 x 100 grid, Monte
 * Carlo integration of a quarter circle, a sparse matrix-vector multiply (1000 rows, 5000
 * non-zeros, compressed rows) and an LU factorisation with partial pivoting of a 100 x 100
 * matrix.  Mflops use the usual operation counts: FFT (5n - 2) log2 n per transform, SOR 6 per
 * interior point, Monte Carlo 4 per sample, sparse 2 per non-zero, LU 2/3 n^3.  Prints each
 * kernel's Mflops and the composite (their mean) as the score line
 * "tracerec-score: MFLOPS Mflops" on stdout.  Exit 0, 1 when a kernel's self-check fails.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long long lcg = 12345;
static double rnd(void)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(lcg >> 11) / 9007199254740992.0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* In-place radix-2 FFT of n complex values (re, im interleaved); dir -1 forward, +1 inverse. */
static void fft(double *x, int n, int dir)
{
	for (int i = 1, j = 0; i < n; i++) {
		int bit = n >> 1;
		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			double tr = x[2 * i], ti = x[2 * i + 1];
			x[2 * i] = x[2 * j];
			x[2 * i + 1] = x[2 * j + 1];
			x[2 * j] = tr;
			x[2 * j + 1] = ti;
		}
	}
	for (int len = 2; len <= n; len <<= 1) {
		double ang = dir * 2 * M_PI / len, wr = cos(ang), wi = sin(ang);
		for (int i = 0; i < n; i += len) {
			double cr = 1, ci = 0;
			for (int k = 0; k < len / 2; k++) {
				double *u = x + 2 * (i + k), *v = x + 2 * (i + k + len / 2);
				double vr = v[0] * cr - v[1] * ci, vi = v[0] * ci + v[1] * cr;
				v[0] = u[0] - vr;
				v[1] = u[1] - vi;
				u[0] += vr;
				u[1] += vi;
				double t = cr * wr - ci * wi;
				ci = cr * wi + ci * wr;
				cr = t;
			}
		}
	}
}

static double k_fft(int cycles, int *ok)
{
	enum { N = 1024 };
	static double x[2 * N], orig[2 * N];
	for (int i = 0; i < 2 * N; i++)
		orig[i] = x[i] = rnd();
	double t0 = now();
	for (int c = 0; c < cycles; c++) {
		fft(x, N, -1);
		fft(x, N, 1);
		for (int i = 0; i < 2 * N; i++)
			x[i] /= N;
	}
	double dt = now() - t0;
	double err = 0;
	for (int i = 0; i < 2 * N; i++)
		err += fabs(x[i] - orig[i]);
	*ok = err / N < 1e-6;
	return 2.0 * cycles * (5.0 * N - 2) * 10 / dt / 1e6;
}

static double k_sor(int cycles, int *ok)
{
	enum { M = 100 };
	static double g[M][M];
	const double omega = 1.25;
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++)
			g[i][j] = rnd();
	double t0 = now();
	for (int c = 0; c < cycles; c++)
		for (int i = 1; i < M - 1; i++)
			for (int j = 1; j < M - 1; j++)
				g[i][j] = omega * 0.25 * (g[i - 1][j] + g[i + 1][j] + g[i][j - 1] + g[i][j + 1]) +
					  (1 - omega) * g[i][j];
	double dt = now() - t0;
	*ok = isfinite(g[M / 2][M / 2]);
	return 6.0 * (M - 2) * (M - 2) * cycles / dt / 1e6;
}

static double k_mc(int samples, int *ok)
{
	long under = 0;
	double t0 = now();
	for (int i = 0; i < samples; i++) {
		double x = rnd(), y = rnd();
		if (x * x + y * y <= 1.0)
			under++;
	}
	double dt = now() - t0;
	*ok = fabs(4.0 * under / samples - M_PI) < 0.05;
	return 4.0 * samples / dt / 1e6;
}

static double k_sparse(int cycles, int *ok)
{
	enum { N = 1000, NZ = 5000, PER = NZ / N };
	static double val[NZ], x[N], y[N];
	static int col[NZ], row[N + 1];
	for (int r = 0; r < N; r++) {
		row[r] = r * PER;
		for (int k = 0; k < PER; k++) {
			col[r * PER + k] = (r + k * (N / PER)) % N;
			val[r * PER + k] = rnd();
		}
		x[r] = rnd();
	}
	row[N] = NZ;
	double t0 = now();
	for (int c = 0; c < cycles; c++)
		for (int r = 0; r < N; r++) {
			double s = 0;
			for (int k = row[r]; k < row[r + 1]; k++)
				s += val[k] * x[col[k]];
			y[r] = s;
		}
	double dt = now() - t0;
	*ok = isfinite(y[N - 1]) && y[0] != 0;
	return 2.0 * NZ * cycles / dt / 1e6;
}

static double k_lu(int cycles, int *ok)
{
	enum { N = 100 };
	static double a0[N][N], a[N][N];
	int piv[N];
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			a0[i][j] = rnd() + (i == j ? N : 0);
	double t0 = now();
	for (int c = 0; c < cycles; c++) {
		memcpy(a, a0, sizeof a);
		for (int j = 0; j < N; j++) {
			int p = j;
			for (int i = j + 1; i < N; i++)
				if (fabs(a[i][j]) > fabs(a[p][j]))
					p = i;
			piv[j] = p;
			if (p != j)
				for (int k = 0; k < N; k++) {
					double t = a[p][k];
					a[p][k] = a[j][k];
					a[j][k] = t;
				}
			for (int i = j + 1; i < N; i++) {
				double m = a[i][j] /= a[j][j];
				for (int k = j + 1; k < N; k++)
					a[i][k] -= m * a[j][k];
			}
		}
	}
	double dt = now() - t0;
	/* diagonally dominant: no row swaps, a finite non-zero pivot product */
	int swaps = 0;
	for (int j = 0; j < N; j++)
		swaps += piv[j] != j;
	*ok = swaps == 0 && isfinite(a[N - 1][N - 1]) && a[N - 1][N - 1] != 0;
	return 2.0 / 3.0 * N * N * N * cycles / dt / 1e6;
}

int main(int argc, char **argv)
{
	int scale = argc > 1 ? atoi(argv[1]) : 1;
	if (scale < 1 || scale > 10000) {
		fprintf(stderr, "usage: scimark [SCALE 1..10000]\n");
		return 64;
	}
	static const char *names[5] = { "FFT", "SOR", "MonteCarlo", "Sparse", "LU" };
	double mf[5], sum = 0;
	int ok[5];
	mf[0] = k_fft(200 * scale, &ok[0]);
	mf[1] = k_sor(200 * scale, &ok[1]);
	mf[2] = k_mc(4000000 * scale, &ok[2]);
	mf[3] = k_sparse(2000 * scale, &ok[3]);
	mf[4] = k_lu(40 * scale, &ok[4]);
	for (int i = 0; i < 5; i++) {
		if (!ok[i]) {
			fprintf(stderr, "scimark: %s self-check failed\n", names[i]);
			return 1;
		}
		printf("%-10s %10.1f Mflops\n", names[i], mf[i]);
		sum += mf[i];
	}
	printf("tracerec-score: %.1f Mflops\n", sum / 5);
	return 0;
}

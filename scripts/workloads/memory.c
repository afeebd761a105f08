/* memory.c - tracerec's memory-bandwidth kernel, the stand-in for pts/stream and pts/ramspeed.
 *
 *   memory [MIB] [REPS]
 *
 * Three arrays of MIB MiB of doubles each (default 32) are swept REPS times (default 10) by the
 * four STREAM operations, copy c = a, scale b = s*c, add c = a+b and triad a = b+s*c, split over
 * one thread per online CPU that meet at a barrier after every operation (as an OpenMP build of
 * STREAM does).  Prints the best rate of each operation and the best triad rate as the
 * score line "tracerec-score: RATE MB/s" (MB = 10^6 bytes) on stdout.  Exit 0, or 1 on an
 * allocation or thread failure.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { OP_COPY, OP_SCALE, OP_ADD, OP_TRIAD, N_OPS };
static const char *op_name[N_OPS] = { "copy", "scale", "add", "triad" };
static const int op_arrays[N_OPS] = { 2, 2, 3, 3 }; /* arrays touched per element */

static double *a, *b, *c;
static size_t n;
static int nthreads, reps;
static pthread_barrier_t bar;
static double best[N_OPS];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *worker(void *arg)
{
	long id = (long)arg;
	size_t lo = n * id / nthreads, hi = n * (id + 1) / nthreads;
	const double s = 3.0;
	for (size_t i = lo; i < hi; i++) {
		a[i] = 1.0;
		b[i] = 2.0;
		c[i] = 0.0;
	}
	for (int r = 0; r < reps; r++) {
		for (int op = 0; op < N_OPS; op++) {
			double t0 = 0;
			pthread_barrier_wait(&bar);
			if (id == 0)
				t0 = now();
			switch (op) {
			case OP_COPY: for (size_t i = lo; i < hi; i++) c[i] = a[i]; break;
			case OP_SCALE: for (size_t i = lo; i < hi; i++) b[i] = s * c[i]; break;
			case OP_ADD: for (size_t i = lo; i < hi; i++) c[i] = a[i] + b[i]; break;
			default: for (size_t i = lo; i < hi; i++) a[i] = b[i] + s * c[i]; break;
			}
			pthread_barrier_wait(&bar);
			if (id == 0) {
				double dt = now() - t0;
				double rate = op_arrays[op] * sizeof(double) * (double)n / (dt > 0 ? dt : 1e-9) / 1e6;
				if (rate > best[op])
					best[op] = rate;
			}
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 32;
	reps = argc > 2 ? atoi(argv[2]) : 10;
	if (mib < 1 || mib > 4096 || reps < 1 || reps > 100000) {
		fprintf(stderr, "usage: memory [MIB 1..4096] [REPS 1..100000]\n");
		return 64;
	}
	n = (size_t)mib * 1048576 / sizeof(double);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	nthreads = cpus < 1 ? 1 : cpus > 64 ? 64 : (int)cpus;
	a = malloc(n * sizeof(double));
	b = malloc(n * sizeof(double));
	c = malloc(n * sizeof(double));
	if (!a || !b || !c) {
		fprintf(stderr, "memory: cannot allocate 3 x %ld MiB\n", mib);
		return 1;
	}
	pthread_t th[64];
	pthread_barrier_init(&bar, NULL, nthreads);
	for (long t = 1; t < nthreads; t++)
		if (pthread_create(&th[t], NULL, worker, (void *)t)) {
			fprintf(stderr, "memory: cannot start threads\n");
			return 1;
		}
	worker((void *)0);
	for (long t = 1; t < nthreads; t++)
		pthread_join(th[t], NULL);
	/* a check that the arrays hold what the operations computed */
	double ea = 1.0, eb = 2.0, ec = 0.0;
	for (int r = 0; r < reps; r++) {
		ec = ea;
		eb = 3.0 * ec;
		ec = ea + eb;
		ea = eb + 3.0 * ec;
	}
	if (a[n / 2] != ea || b[n - 1] != eb || c[0] != ec) {
		fprintf(stderr, "memory: wrong results\n");
		return 1;
	}
	for (int op = 0; op < N_OPS; op++)
		printf("%-6s %10.1f MB/s\n", op_name[op], best[op]);
	printf("tracerec-score: %.1f MB/s\n", best[OP_TRIAD]);
	free(a);
	free(b);
	free(c);
	return 0;
}

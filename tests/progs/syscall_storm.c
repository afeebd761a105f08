/* syscall_storm - THREADS threads each calling getppid() COUNT times, as fast as possible.
 * Usage: syscall_storm THREADS COUNT     (tracerecd overflow test, scripts/bench-collector.sh)
 * Prints the elapsed wall time and the process's CPU time (user + system), in seconds. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long count;

static void *storm(void *arg)
{
	(void)arg;
	for (long i = 0; i < count; i++)
		syscall(SYS_getppid);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	struct timespec a, b;
	pthread_t th[256];

	count = argc > 2 ? atol(argv[2]) : 1000000;
	if (n < 1 || n > 256 || count < 0) {
		fprintf(stderr, "usage: syscall_storm THREADS COUNT\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (n == 1) {
		storm(NULL);
	} else {
		for (int i = 0; i < n; i++)
			if (pthread_create(&th[i], NULL, storm, NULL))
				return 2;
		for (int i = 0; i < n; i++)
			pthread_join(th[i], NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("%.6f %.6f\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return 0;
}

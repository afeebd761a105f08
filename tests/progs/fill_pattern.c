/* fill_pattern - THREADS threads each running LOOPS iterations of a known syscall pattern:
 *   iteration i: getppid, getuid, getgid x (1 + i % 3), geteuid
 * (15 syscalls, 30 events, per 3 iterations), as fast as possible, so that a small ring buffer
 * overflows and the gaps can be checked against the known pattern after tracerec-fill.
 * Usage: fill_pattern THREADS LOOPS      (tests/fill_*.sh, scripts/demo.sh)
 * Prints one line per thread: "tid LOOPS". */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long loops;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void *run(void *arg)
{
	long tid = syscall(SYS_gettid);

	(void)arg;
	for (long i = 0; i < loops; i++) {
		syscall(SYS_getppid);
		syscall(SYS_getuid);
		for (long k = 0; k <= i % 3; k++)
			syscall(SYS_getgid);
		syscall(SYS_geteuid);
	}
	pthread_mutex_lock(&out_lock);
	printf("%ld %ld\n", tid, loops);
	pthread_mutex_unlock(&out_lock);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;
	pthread_t th[64];

	loops = argc > 2 ? atol(argv[2]) : 10000;
	if (n < 1 || n > 64 || loops < 0) {
		fprintf(stderr, "usage: fill_pattern THREADS LOOPS\n");
		return 2;
	}
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, run, NULL)) {
			perror("pthread_create");
			return 1;
		}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return 0;
}

/* sketch_gen - a 3-task program (main + 2 threads) whose syscalls are drawn by a seeded
 * generator, for the lost-syscall sketch test (tests/tracerecd_sketch.sh).
 *
 * Usage: sketch_gen N SEED
 * After a quiet start (a 300 ms sleep, so that a slowed tracer has drained the start-up),
 * every task makes N syscalls drawn from six cheap, side-effect-free ones by its own seeded
 * generator, then spins without syscalls; main waits (spinning) for the threads, prints one
 * "task tid" line per task in a single write, and exits the group.  Two runs with the same N and
 * SEED make the same syscalls in every task, whoever traces them. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NTASK 3

static const long calls[] = { SYS_getppid, SYS_getuid,  SYS_getgid,
			      SYS_geteuid, SYS_getegid, SYS_getpgrp };
static long n_calls;
static uint64_t seed0;
static pid_t tids[NTASK];
static int done[NTASK];

static void run(int task)
{
	uint64_t s = seed0 * 0x9E3779B97F4A7C15ull + (uint64_t)task + 1;

	tids[task] = (pid_t)syscall(SYS_gettid);
	for (long i = 0; i < n_calls; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		syscall(calls[s % (sizeof(calls) / sizeof(calls[0]))]);
	}
	__atomic_store_n(&done[task], 1, __ATOMIC_RELEASE);
}

static void *thread_main(void *arg)
{
	run((int)(intptr_t)arg);
	for (;;) /* no syscall from here on: main's exit_group ends the thread */
		__builtin_ia32_pause();
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec quiet = { 0, 300000000 };
	static char out[256];
	pthread_t th[NTASK];
	int len = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: sketch_gen N SEED\n");
		return 2;
	}
	n_calls = atol(argv[1]);
	seed0 = strtoull(argv[2], NULL, 0);
	nanosleep(&quiet, NULL);
	for (int t = 1; t < NTASK; t++)
		if (pthread_create(&th[t], NULL, thread_main, (void *)(intptr_t)t))
			return 1;
	run(0);
	for (int t = 1; t < NTASK; t++)
		while (!__atomic_load_n(&done[t], __ATOMIC_ACQUIRE))
			__builtin_ia32_pause();
	for (int t = 0; t < NTASK; t++)
		len += snprintf(out + len, sizeof(out) - (size_t)len, "%d %d\n", t, (int)tids[t]);
	if (write(1, out, (size_t)len) != len)
		return 1;
	syscall(SYS_exit_group, 0);
	return 0;
}

/* blocker - threads blocked in syscalls, for tracerecd's pending-entry tests.
 * Usage: blocker MODE
 *   read   a second thread calls getppid, prints its tid on stdout, then blocks in read(2) on
 *          a pipe nobody writes to; the process dies of SIGALRM after 3 s (a tracer stopped
 *          before then sees both threads blocked: the reader in read, main in its join)
 *   kill   the same, but the process dies of SIGALRM after 0.5 s: killed while blocked
 *   sleep  prints its tid, then nanosleep(2) for 300 ms, then exits 0
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int pfd[2];

static void say_tid(void)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)syscall(SYS_gettid));

	if (write(STDOUT_FILENO, buf, (size_t)n) != n)
		_exit(2);
}

static void *reader(void *arg)
{
	char c;

	(void)arg;
	syscall(SYS_getppid);
	say_tid();
	if (read(pfd[0], &c, 1) < 0)
		return NULL;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th;

	if (argc != 2)
		return 2;
	if (!strcmp(argv[1], "sleep")) {
		struct timespec ts = { 0, 300 * 1000 * 1000 };

		say_tid();
		return syscall(SYS_nanosleep, &ts, NULL) ? 1 : 0;
	}
	if (strcmp(argv[1], "read") && strcmp(argv[1], "kill"))
		return 2;
	if (pipe(pfd))
		return 1;
	if (!strcmp(argv[1], "kill"))
		ualarm(500 * 1000, 0);
	else
		alarm(3);
	if (pthread_create(&th, NULL, reader, NULL))
		return 1;
	pthread_join(th, NULL);
	return 0;
}

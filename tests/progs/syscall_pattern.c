/* syscall_pattern - a known syscall sequence for tracerecd's end-to-end tests.
 *
 * Usage: syscall_pattern N [FIFO]
 * With FIFO, first waits for one byte from it (so a tracer can attach to the running process).
 * Then forks a child and starts two threads; each of the three runs, with raw syscalls:
 *     3 x getppid                          start marker
 *     K x (openat /dev/zero, read 64, close)   K = N (thread 1), N+1 (thread 2), N+2 (child)
 *     3 x getppid                          end marker
 * so a trace holds, per actor, exactly 6 + 3K syscalls (entry and exit each) between the first
 * and last getppid.  Prints "tid K" for each actor on stdout when done.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void pattern(long k)
{
	char buf[64];

	for (int i = 0; i < 3; i++)
		syscall(SYS_getppid);
	for (long i = 0; i < k; i++) {
		long fd = syscall(SYS_openat, AT_FDCWD, "/dev/zero", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			_exit(3);
		if (syscall(SYS_read, fd, buf, sizeof(buf)) != (long)sizeof(buf))
			_exit(4);
		syscall(SYS_close, fd);
	}
	for (int i = 0; i < 3; i++)
		syscall(SYS_getppid);
}

struct job {
	long k;
	pid_t tid;
};

static void *thread_main(void *arg)
{
	struct job *j = arg;

	j->tid = gettid();
	pattern(j->k);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10;
	struct job jobs[2] = { { n, 0 }, { n + 1, 0 } };
	pthread_t th[2];
	int status;
	pid_t child;

	if (n < 1) {
		fprintf(stderr, "usage: syscall_pattern N [FIFO]\n");
		return 2;
	}
	if (argc > 2) {
		char c;
		int fd = open(argv[2], O_RDONLY);

		if (fd < 0 || read(fd, &c, 1) != 1) {
			perror("syscall_pattern: fifo");
			return 2;
		}
		close(fd);
	}
	fflush(stdout);
	child = fork();
	if (child < 0)
		return 2;
	if (child == 0) {
		pattern(n + 2);
		printf("%d %ld\n", (int)getpid(), n + 2);
		fflush(stdout);
		_exit(0);
	}
	for (int i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, thread_main, &jobs[i]))
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	for (int i = 0; i < 2; i++)
		printf("%d %ld\n", (int)jobs[i].tid, jobs[i].k);
	return 0;
}

/* dump_calls - a few syscalls with arguments tracerec-dump must decode like strace
 * (tests/dump_strace.sh): a failing openat, an anonymous mmap, a bad close, an lseek. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	int fd = openat(AT_FDCWD, "/nonexistent/tracerec-dump-test", O_RDONLY | O_CLOEXEC);
	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int c = close(-1);
	int d = open("/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0640);
	off_t o = lseek(d, 0, SEEK_END);
	usleep(20000); /* nanosleep/clock_nanosleep: a call that takes 20 ms */
	return fd == -1 && p != MAP_FAILED && c == -1 && d >= 0 && o == 0 ? 0 : 1;
}

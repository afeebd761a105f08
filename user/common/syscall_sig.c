/* syscall_sig.c - what the arguments of the common syscalls are (see syscall_sig.h): one
 * letter per argument, in the order of the kernel's prototypes.  x86_64 numbering is looked up
 * by name, so other architectures work too.  tracerec-dump prints arguments by these letters;
 * tracerecd --args reads the strings the 'p' and 'v' arguments point to. */
#include "common/syscall_sig.h"
#include "common/syscalls.h"

#include <stdlib.h>
#include <string.h>

/* Argument kinds:
 *   d fd (int)           D dirfd (AT_FDCWD)     p path / string pointer   x pointer (NULL, 0x..)
 *   u unsigned decimal   i int decimal          l long decimal            X hex number
 *   m mode (octal)       o open flags (with access mode)                  O open-style flags
 *   P mmap prot          M mmap flags           A AT_* flags              a access mode
 *   S signal             h sigprocmask how      w lseek whence            c clone flags
 *   F fcntl command      f futex op             k clock id                W wait options
 *   E epoll_ctl op       R arch_prctl code      V madvise advice          N address family
 *   T socket type        G MSG_* flags          Z statx flags            K statx mask
 *   I ioctl request      L rlimit resource      g getrandom flags
 *   v NULL-terminated array of string pointers (execve's argv)
 *   n RENAME_* flags */
/* clang-format off */
static const struct syscall_sig sigs[] = {
	{ "read", "dxu" }, { "write", "dxu" }, { "open", "pom" }, { "close", "d" },
	{ "stat", "px" }, { "fstat", "dx" }, { "lstat", "px" }, { "poll", "xui" },
	{ "lseek", "dlw" }, { "mmap", "xuPMdX" }, { "mprotect", "xuP" }, { "munmap", "xu" },
	{ "brk", "x" }, { "rt_sigaction", "Sxxu" }, { "rt_sigprocmask", "hxxu" },
	{ "rt_sigreturn", "" }, { "ioctl", "dIx" }, { "pread64", "dxul" }, { "pwrite64", "dxul" },
	{ "readv", "dxi" }, { "writev", "dxi" }, { "access", "pa" }, { "pipe", "x" },
	{ "select", "ixxxx" }, { "sched_yield", "" }, { "mremap", "xuuXx" },
	{ "msync", "xuX" }, { "mincore", "xux" }, { "madvise", "xuV" }, { "dup", "d" },
	{ "dup2", "dd" }, { "pause", "" }, { "nanosleep", "xx" }, { "getitimer", "ix" },
	{ "alarm", "u" }, { "setitimer", "ixx" }, { "getpid", "" }, { "sendfile", "ddxu" },
	{ "socket", "NTi" }, { "connect", "dxi" }, { "accept", "dxx" }, { "sendto", "dxuGxi" },
	{ "recvfrom", "dxuGxx" }, { "sendmsg", "dxG" }, { "recvmsg", "dxG" }, { "shutdown", "di" },
	{ "bind", "dxi" }, { "listen", "di" }, { "getsockname", "dxx" }, { "getpeername", "dxx" },
	{ "socketpair", "NTix" }, { "setsockopt", "diixi" }, { "getsockopt", "diixx" },
	{ "clone", "cxxxx" }, { "fork", "" }, { "vfork", "" }, { "execve", "pvx" },
	{ "exit", "i" }, { "wait4", "ixWx" }, { "kill", "iS" }, { "uname", "x" },
	{ "fcntl", "dFx" }, { "flock", "di" }, { "fsync", "d" }, { "fdatasync", "d" },
	{ "truncate", "pl" }, { "ftruncate", "dl" }, { "getdents", "dxu" }, { "getcwd", "xu" },
	{ "chdir", "p" }, { "fchdir", "d" }, { "rename", "pp" }, { "mkdir", "pm" },
	{ "rmdir", "p" }, { "creat", "pm" }, { "link", "pp" }, { "unlink", "p" },
	{ "symlink", "pp" }, { "readlink", "pxu" }, { "chmod", "pm" }, { "fchmod", "dm" },
	{ "chown", "pii" }, { "fchown", "dii" }, { "lchown", "pii" }, { "umask", "m" },
	{ "gettimeofday", "xx" }, { "getrlimit", "Lx" }, { "getrusage", "ix" }, { "sysinfo", "x" },
	{ "times", "x" }, { "getuid", "" }, { "getgid", "" }, { "setuid", "i" }, { "setgid", "i" },
	{ "geteuid", "" }, { "getegid", "" }, { "setpgid", "ii" }, { "getppid", "" },
	{ "getpgrp", "" }, { "setsid", "" }, { "setreuid", "ii" }, { "setregid", "ii" },
	{ "getgroups", "ix" }, { "setresuid", "iii" }, { "getresuid", "xxx" },
	{ "setresgid", "iii" }, { "getresgid", "xxx" }, { "getpgid", "i" }, { "getsid", "i" },
	{ "rt_sigsuspend", "xu" }, { "sigaltstack", "xx" }, { "statfs", "px" },
	{ "fstatfs", "dx" }, { "prctl", "iXXXX" }, { "arch_prctl", "Rx" }, { "chroot", "p" },
	{ "sync", "" }, { "mount", "ppxXx" }, { "umount2", "pX" }, { "gettid", "" },
	{ "getxattr", "ppxu" }, { "lgetxattr", "ppxu" }, { "fgetxattr", "dpxu" },
	{ "listxattr", "pxu" }, { "llistxattr", "pxu" }, { "flistxattr", "dxu" },
	{ "tkill", "iS" }, { "time", "x" }, { "futex", "xfixxX" }, { "sched_setaffinity", "iux" },
	{ "sched_getaffinity", "iux" }, { "set_tid_address", "x" }, { "getdents64", "dxu" },
	{ "fadvise64", "dlli" }, { "clock_gettime", "kx" }, { "clock_getres", "kx" },
	{ "clock_nanosleep", "kixx" }, { "exit_group", "i" }, { "epoll_wait", "dxii" },
	{ "epoll_ctl", "dEdx" }, { "tgkill", "iiS" }, { "waitid", "iixWx" },
	{ "inotify_add_watch", "dpX" }, { "inotify_rm_watch", "di" }, { "openat", "Dpom" },
	{ "mkdirat", "Dpm" }, { "fchownat", "DpiiA" }, { "newfstatat", "DpxA" },
	{ "unlinkat", "DpA" }, { "renameat", "DpDp" }, { "linkat", "DpDpA" },
	{ "symlinkat", "pDp" }, { "readlinkat", "Dpxu" }, { "fchmodat", "Dpm" },
	{ "faccessat", "Dpa" }, { "pselect6", "ixxxxx" }, { "ppoll", "xuxxu" },
	{ "set_robust_list", "xu" }, { "get_robust_list", "ixx" }, { "splice", "dxdxuX" },
	{ "tee", "dduX" }, { "utimensat", "DpxA" }, { "epoll_pwait", "dxiixu" },
	{ "timerfd_create", "kO" }, { "fallocate", "dill" }, { "timerfd_settime", "dixx" },
	{ "accept4", "dxxO" }, { "signalfd4", "dxuO" }, { "eventfd2", "uO" },
	{ "epoll_create1", "O" }, { "dup3", "ddO" }, { "pipe2", "xO" }, { "inotify_init1", "O" },
	{ "prlimit64", "iLxx" }, { "syncfs", "d" }, { "renameat2", "DpDpn" },
	{ "getrandom", "xug" }, { "memfd_create", "pX" }, { "execveat", "DpvxA" },
	{ "copy_file_range", "dxdxuX" }, { "statx", "DpZKx" }, { "rseq", "xXiX" },
	{ "pidfd_open", "iX" }, { "clone3", "xu" }, { "close_range", "uuX" },
	{ "openat2", "Dpxu" }, { "faccessat2", "DpaA" }, { "epoll_pwait2", "dxixxu" },
	{ "mlock", "xu" }, { "getpriority", "ii" }, { "setpriority", "iii" },
	{ "sched_getscheduler", "i" }, { "sched_get_priority_max", "i" }, { "personality", "X" },
	{ "rt_sigpending", "xu" }, { "rt_sigtimedwait", "xxxu" }, { "sched_getparam", "ix" },
	{ "pidfd_send_signal", "dSxX" }, { "unshare", "c" }, { "setns", "dc" }, { "fchmodat2", "DpmA" },
	{ "mknodat", "Dpmu" }, { "mknod", "pmu" }, { "utimes", "px" }, { "readahead", "dlu" },
	{ "epoll_create", "i" }, { "inotify_init", "" }, { "eventfd", "u" }, { "signalfd", "dxu" },
	{ "preadv", "dxil" }, { "pwritev", "dxil" }, { "preadv2", "dxilX" }, { "pwritev2", "dxilX" },
	{ "vmsplice", "dxuX" }, { "sync_file_range", "dllX" }, { "timerfd_gettime", "dx" },
	{ "mlockall", "X" }, { "munlockall", "" }, { "mlock2", "xuX" }, { "setgroups", "ix" },
	{ "setfsuid", "i" }, { "setfsgid", "i" }, { "capget", "xx" }, { "capset", "xx" }, { "munlock", "xu" }, { "sendmmsg", "dxuG" }, { "recvmmsg", "dxuGx" },
};
/* clang-format on */

/* Signature by syscall number, built on first use from the names above. */
static const struct syscall_sig **by_nr;
static int by_nr_count;

const struct syscall_sig *syscall_sig(int nr)
{
	if (!by_nr && trc_syscall_count > 0) {
		const struct syscall_sig **t = calloc((size_t)trc_syscall_count, sizeof(*t));
		if (!t)
			return NULL;
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
			int n = syscall_lookup(sigs[i].name);
			if (n >= 0 && n < trc_syscall_count)
				t[n] = &sigs[i];
		}
		by_nr = t;
		by_nr_count = trc_syscall_count;
	}
	return by_nr && nr >= 0 && nr < by_nr_count ? by_nr[nr] : NULL;
}

unsigned syscall_string_args(int nr, unsigned *arrays)
{
	const struct syscall_sig *s = syscall_sig(nr);
	unsigned str = 0, arr = 0;

	for (int i = 0; s && s->args[i]; i++) {
		if (s->args[i] == 'p')
			str |= 1u << i;
		else if (s->args[i] == 'v')
			arr |= 1u << i;
	}
	if (arrays)
		*arrays = arr;
	return str;
}

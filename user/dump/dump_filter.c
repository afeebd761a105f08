/* dump_filter.c - which records tracerec-dump shows: -e trace=SET (strace's syntax), --tid,
 * --pid, --comm and a time range (man/tracerec-dump.1, FILTERS). */
#define _GNU_SOURCE
#include "dump/dump.h"
#include "common/syscalls.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strace's syscall classes, by name (names unknown on this architecture are skipped). */
static const struct {
	const char *name, *members;
} classes[] = {
	{ "file",
	  "open openat openat2 creat stat lstat newfstatat statx access faccessat faccessat2 "
	  "execve execveat truncate chdir chroot rename renameat renameat2 mkdir mkdirat rmdir "
	  "link linkat unlink unlinkat symlink symlinkat readlink readlinkat chmod fchmodat "
	  "fchmodat2 chown lchown fchownat utime utimes futimesat utimensat mknod mknodat statfs "
	  "swapon swapoff mount umount2 pivot_root acct getxattr lgetxattr setxattr lsetxattr "
	  "listxattr llistxattr removexattr lremovexattr inotify_add_watch fanotify_mark "
	  "name_to_handle_at quotactl uselib open_tree move_mount mount_setattr" },
	{ "desc",
	  "read write open openat openat2 creat close fstat poll ppoll select pselect6 lseek mmap "
	  "ioctl pread64 pwrite64 readv writev preadv pwritev preadv2 pwritev2 pipe pipe2 dup "
	  "dup2 dup3 sendfile fcntl flock fsync fdatasync ftruncate getdents getdents64 fchdir "
	  "fchmod fchmodat fchown fchownat fstatfs readahead fsetxattr fgetxattr flistxattr "
	  "fremovexattr epoll_create epoll_create1 epoll_wait epoll_pwait epoll_pwait2 epoll_ctl "
	  "fadvise64 inotify_init inotify_init1 inotify_add_watch inotify_rm_watch mkdirat "
	  "mknodat futimesat newfstatat unlinkat renameat renameat2 linkat symlinkat readlinkat "
	  "faccessat faccessat2 splice tee vmsplice sync_file_range utimensat signalfd signalfd4 "
	  "timerfd_create timerfd_settime timerfd_gettime eventfd eventfd2 fallocate "
	  "perf_event_open fanotify_init fanotify_mark name_to_handle_at open_by_handle_at syncfs "
	  "setns finit_module memfd_create bpf execveat copy_file_range statx pidfd_open "
	  "close_range io_uring_setup io_uring_enter io_uring_register socket socketpair connect "
	  "accept accept4 bind listen getsockname getpeername sendto recvfrom sendmsg recvmsg "
	  "sendmmsg recvmmsg shutdown setsockopt getsockopt" },
#define NETWORK                                                                                \
	"socket socketpair connect accept accept4 bind listen getsockname getpeername sendto " \
	"recvfrom sendmsg recvmsg sendmmsg recvmmsg shutdown setsockopt getsockopt"
	{ "network", NETWORK },
	{ "net", NETWORK },
	{ "process",
	  "clone clone3 fork vfork execve execveat exit exit_group wait4 waitid kill tkill tgkill "
	  "rt_sigqueueinfo rt_tgsigqueueinfo pidfd_open pidfd_send_signal unshare" },
	{ "signal",
	  "rt_sigaction rt_sigprocmask rt_sigreturn rt_sigpending rt_sigtimedwait rt_sigqueueinfo "
	  "rt_sigsuspend rt_tgsigqueueinfo sigaltstack kill tkill tgkill pause signalfd signalfd4 "
	  "pidfd_send_signal" },
	{ "ipc",
	  "msgget msgsnd msgrcv msgctl semget semop semctl semtimedop shmget shmat shmctl shmdt" },
	{ "memory",
	  "brk mmap munmap mremap mprotect madvise mlock mlock2 munlock mlockall munlockall mincore "
	  "msync remap_file_pages mbind set_mempolicy get_mempolicy migrate_pages move_pages "
	  "pkey_mprotect pkey_alloc pkey_free process_madvise shmat shmdt" },
	{ "creds", "getuid geteuid getgid getegid setuid setgid setreuid setregid setresuid setresgid "
		   "getresuid getresgid setfsuid setfsgid getgroups setgroups capget capset prctl" },
	{ "clock", "clock_gettime clock_settime clock_getres clock_nanosleep clock_adjtime gettimeofday "
		   "settimeofday adjtimex time" },
	{ "stat", "stat statx" },
	{ "lstat", "lstat" },
	{ "fstat", "fstat newfstatat" },
	{ "%stat", "stat lstat fstat newfstatat statx" },
	{ "statfs", "statfs" },
	{ "fstatfs", "fstatfs" },
	{ "%statfs", "statfs fstatfs" },
	{ "pure", "getpid getppid gettid getuid geteuid getgid getegid getpgrp" },
};

/* Add (on = 1) the members of one item of a set to sel. */
static int add_item(uint8_t *sel, int n, const char *item)
{
	int quiet = 0;

	if (*item == '?') {
		quiet = 1;
		item++;
	}
	if (!*item) {
		err_set("empty name in the syscall set");
		return -EINVAL;
	}
	if (!strcmp(item, "all")) {
		memset(sel, 1, (size_t)n);
		return 0;
	}
	if (!strcmp(item, "none"))
		return 0;
	if (*item == '/') {
		regex_t re;
		if (regcomp(&re, item + 1, REG_EXTENDED | REG_NOSUB)) {
			err_set("bad regular expression '%s'", item + 1);
			return -EINVAL;
		}
		int hits = 0;
		for (int i = 0; i < n; i++)
			if (trc_syscall_names[i] && !regexec(&re, trc_syscall_names[i], 0, NULL, 0))
				sel[i] = 1, hits++;
		regfree(&re);
		if (!hits && !quiet) {
			err_set("no syscall matches '%s'", item);
			return -EINVAL;
		}
		return 0;
	}
	const char *cls = *item == '%' ? item + 1 : item;
	for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
		if (strcmp(cls, classes[c].name) || (*item != '%' && *cls == '%'))
			continue;
		/* a class without its % is strace's old spelling, but never shadows a syscall */
		if (*item != '%' && syscall_lookup(item) >= 0)
			break;
		char buf[32];
		for (const char *p = classes[c].members; *p;) {
			size_t len = strcspn(p, " ");
			if (len < sizeof(buf)) {
				memcpy(buf, p, len);
				buf[len] = '\0';
				int nr = syscall_lookup(buf);
				if (nr >= 0 && nr < n)
					sel[nr] = 1;
			}
			p += len + (p[len] == ' ');
		}
		return 0;
	}
	int nr = syscall_lookup(item);
	if (nr < 0 || nr >= n) {
		if (quiet)
			return 0;
		err_set("unknown syscall or class '%s'", item);
		return -EINVAL;
	}
	sel[nr] = 1;
	return 0;
}

int dump_filter_expr(struct dump_filter *f, const char *expr)
{
	const char *set = expr;
	int neg = 0, n = trc_syscall_count, rc = 0;

	if (!strncmp(expr, "trace=", 6) || !strncmp(expr, "t=", 2))
		set = strchr(expr, '=') + 1;
	else if (strchr(expr, '=')) {
		err_set("unsupported -e qualifier in '%s' (trace=SET)", expr);
		return -EINVAL;
	}
	if (*set == '!') {
		neg = 1;
		set++;
	}
	uint8_t *sel = calloc((size_t)n, 1);
	char *copy = strdup(set);
	if (!sel || !copy) {
		free(sel);
		free(copy);
		err_set("out of memory");
		return -ENOMEM;
	}
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save))
		rc = add_item(sel, n, item);
	free(copy);
	if (rc) {
		free(sel);
		return rc;
	}
	if (neg)
		for (int i = 0; i < n; i++)
			sel[i] = !sel[i];
	free(f->trace);
	f->trace = sel;
	f->ntrace = n;
	f->trace_neg = neg;
	return 0;
}

static int in_list(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

static int nr_shown(const struct dump_filter *f, int nr)
{
	if (!f->trace)
		return 1;
	if (nr >= 0 && nr < f->ntrace)
		return f->trace[nr];
	return f->trace_neg; /* numbers without a name: only in a negated set */
}

int dump_filter_string(const struct dump_filter *f, const struct trz_string *s)
{
	return nr_shown(f, s->nr) && (!f->ntids || in_list(f->tids, f->ntids, s->tid));
}

int dump_filter_keep(const struct dump_filter *f, const struct trz_record *rec,
		     const struct dump_comms *comms)
{
	uint32_t tid = 0, pid = 0;
	int nr = -1, has_thread = 1;

	switch (rec->kind) {
	case TRZ_REC_META:
	case TRZ_REC_STATE:
	case TRZ_REC_STRING: return 1;
	case TRZ_REC_EVENT: tid = rec->ev.tid, pid = rec->ev.pid, nr = rec->ev.nr; break;
	case TRZ_REC_SYNTH:
		tid = rec->syn.ev.tid, pid = rec->syn.ev.pid, nr = rec->syn.ev.nr;
		break;
	case TRZ_REC_THREAD: tid = rec->th.tid, pid = rec->th.pid; break;
	case TRZ_REC_GAP:
		has_thread = rec->gap.attributed;
		tid = rec->gap.tid, pid = rec->gap.pid;
		break;
	}
	if (nr >= 0 && !nr_shown(f, nr))
		return 0;
	if ((f->ntids || f->npids || f->comm) && !has_thread)
		return 0; /* an unattributed gap belongs to no thread */
	if (f->ntids && !in_list(f->tids, f->ntids, tid))
		return 0;
	if (f->npids && !in_list(f->pids, f->npids, pid))
		return 0;
	if (f->comm) {
		const char *c = rec->kind == TRZ_REC_THREAD && rec->th.comm[0]
					? rec->th.comm
					: dump_comms_get(comms, tid);
		if (strcmp(c, f->comm))
			return 0;
	}
	uint64_t ts = dump_record_ts(rec);
	if (ts && f->has_since && ts < f->since_ns + (f->since_rel ? f->base_ns : 0))
		return 0;
	if (ts && f->has_until && ts > f->until_ns + (f->until_rel ? f->base_ns : 0))
		return 0;
	return 1;
}

int dump_filter_add_id(uint32_t **v, size_t *n, uint32_t id)
{
	uint32_t *p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p)
		return -ENOMEM;
	p[(*n)++] = id;
	*v = p;
	return 0;
}

void dump_filter_free(struct dump_filter *f)
{
	free(f->trace);
	free(f->tids);
	free(f->pids);
	memset(f, 0, sizeof(*f));
}

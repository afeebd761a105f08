/* tracee.h - the processes tracerecd traces: running pids and their descendants, a command
 * started suspended, and /proc snapshots of their threads. */
#ifndef TRC_TRACEE_H
#define TRC_TRACEE_H

#include <stddef.h>
#include <sys/types.h>
#include "trz/trz.h"

/* Thread group of pid (pid may be a thread id): the tgid, or -ESRCH when there is no such
 * process. */
int tracee_tgid(pid_t pid);

/* Every process descending from one of roots[0..n) (roots excluded), found in /proc.
 * *out is malloc'ed (caller frees); returns the count or -errno. */
int tracee_descendants(const pid_t *roots, int n, pid_t **out);

/* Calls fn for a TRZ_THREAD_SNAPSHOT record of every thread of process pid (comm, exe path).
 * Returns 0, -ESRCH when the process is gone, or fn's error. */
int tracee_snapshot(pid_t pid, uint64_t ts_ns, int (*fn)(void *ctx, const struct trz_thread *th),
		    void *ctx);

/* tracee_snapshot() of every process in /proc but skip (tracerecd itself).  Processes that
 * vanish meanwhile are skipped.  Returns 0 or fn's error. */
int tracee_snapshot_all(pid_t skip, uint64_t ts_ns,
			int (*fn)(void *ctx, const struct trz_thread *th), void *ctx);

/* Find cmd like execvp would: a path with '/' is taken as is, else searched in $PATH.
 * Returns 0 with the path in buf, -ENOENT (not found) or -EACCES (not executable). */
int tracee_resolve(const char *cmd, char *buf, size_t size);

struct tracee_child {
	pid_t pid;
	int go_fd;  /* write end: one byte releases the child */
	int err_fd; /* read end: the child's exec errno, or EOF when exec succeeded */
};

/* Fork a child that waits (blocked on a pipe) before exec'ing path with argv.  The child
 * first sets its nice value to nice_value, and, with uid/gid not (uid_t)-1, switches to that
 * user (supplementary groups of user name).  Returns 0 or -errno. */
int tracee_spawn(struct tracee_child *ch, const char *path, char *const argv[], int nice_value,
		 uid_t uid, gid_t gid, const char *user);

/* Let the child exec.  Returns 0 once exec succeeded, or the exec error as -errno. */
int tracee_release(struct tracee_child *ch);

/* Kill a child that was never released and reap it. */
void tracee_abort(struct tracee_child *ch);

#endif /* TRC_TRACEE_H */

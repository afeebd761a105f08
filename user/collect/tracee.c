/* tracee.c - running processes, descendants, the suspended command (see tracee.h). */
#define _GNU_SOURCE
#include "collect/tracee.h"
#include "common/vec.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The pid a /proc name or field starts with (after blanks), or -1 when it is not one. */
static pid_t proc_num(const char *s, char **end)
{
	char *e;
	long v;

	errno = 0;
	v = strtol(s, &e, 10);
	if (end)
		*end = e;
	return e == s || errno || v <= 0 || v > INT32_MAX ? -1 : (pid_t)v;
}

int tracee_tgid(pid_t pid)
{
	char path[64], line[256];
	FILE *f;
	int tgid = -ESRCH;

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -ESRCH;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "Tgid:", 5) == 0) {
			tgid = proc_num(line + 5, NULL);
			break;
		}
	fclose(f);
	return tgid > 0 ? tgid : -ESRCH;
}

/* Parent pid of process pid from /proc/pid/stat, or -1. */
static pid_t proc_ppid(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* comm may contain spaces and parentheses */
	/* ") S PPID ...": the state, then the parent */
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	return proc_num(p + 4, NULL);
}

static int in_set(const pid_t *s, int n, pid_t p)
{
	for (int i = 0; i < n; i++)
		if (s[i] == p)
			return 1;
	return 0;
}

int tracee_descendants(const pid_t *roots, int n, pid_t **out)
{
	pid_t *pids = NULL, *ppids = NULL, *res = NULL;
	int np = 0, nres = 0, changed = 1;
	size_t cap = 0, capp = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");

	*out = NULL;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (VEC_RESERVE(pids, cap, (size_t)np + 1) ||
		    VEC_RESERVE(ppids, capp, (size_t)np + 1)) {
			closedir(d);
			free(pids);
			free(ppids);
			return -ENOMEM;
		}
		pids[np] = proc_num(de->d_name, NULL);
		ppids[np] = proc_ppid(pids[np]);
		np++;
	}
	closedir(d);
	res = malloc((np + 1) * sizeof(*res));
	if (!res) {
		free(pids);
		free(ppids);
		return -ENOMEM;
	}
	while (changed) { /* closure: children of roots or of already found descendants */
		changed = 0;
		for (int i = 0; i < np; i++)
			if (!in_set(res, nres, pids[i]) && !in_set(roots, n, pids[i]) &&
			    (in_set(roots, n, ppids[i]) || in_set(res, nres, ppids[i]))) {
				res[nres++] = pids[i];
				changed = 1;
			}
	}
	free(pids);
	free(ppids);
	*out = res;
	return nres;
}

static void read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

int tracee_snapshot(pid_t pid, uint64_t ts_ns, int (*fn)(void *ctx, const struct trz_thread *th),
		    void *ctx)
{
	char path[96];
	struct trz_thread *th;
	struct dirent *de;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -ESRCH;
	th = calloc(1, sizeof(*th));
	if (!th) {
		closedir(d);
		return -ENOMEM;
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(path, th->path, sizeof(th->path) - 1);
	th->path[n > 0 ? n : 0] = '\0';
	th->ts_ns = ts_ns;
	th->pid = pid;
	th->ppid = proc_ppid(pid) > 0 ? proc_ppid(pid) : 0;
	th->what = TRZ_THREAD_SNAPSHOT;
	while (!err && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		th->tid = (uint32_t)proc_num(de->d_name, NULL);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)th->tid);
		read_small(path, th->comm, sizeof(th->comm));
		err = fn(ctx, th);
	}
	closedir(d);
	free(th);
	return err;
}

int tracee_snapshot_all(pid_t skip, uint64_t ts_ns,
			int (*fn)(void *ctx, const struct trz_thread *th), void *ctx)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int err = 0;

	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		pid_t pid = proc_num(de->d_name, NULL);

		if (pid <= 0 || pid == skip)
			continue;
		if ((err = tracee_snapshot(pid, ts_ns, fn, ctx)) == -ESRCH)
			err = 0;
	}
	closedir(d);
	return err;
}

int tracee_resolve(const char *cmd, char *buf, size_t size)
{
	const char *path = getenv("PATH"), *p, *e;
	int saw_eacces = 0;

	if (!cmd || !*cmd)
		return -ENOENT;
	if (strchr(cmd, '/')) {
		if (snprintf(buf, size, "%s", cmd) >= (int)size)
			return -ENAMETOOLONG;
		if (access(buf, F_OK))
			return -ENOENT;
		return access(buf, X_OK) ? -EACCES : 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; p; p = e ? e + 1 : NULL) {
		struct stat st;

		e = strchr(p, ':');
		int len = e ? (int)(e - p) : (int)strlen(p);

		if (snprintf(buf, size, "%.*s%s%s", len, p, len ? "/" : "", cmd) >= (int)size)
			continue;
		if (stat(buf, &st) || !S_ISREG(st.st_mode))
			continue;
		if (access(buf, X_OK) == 0)
			return 0;
		saw_eacces = 1;
	}
	return saw_eacces ? -EACCES : -ENOENT;
}

/* In the child: become the invoking user, wait for the go byte, exec. Never returns. */
static void child_run(int go, int errw, const char *path, char *const argv[], int nice_value,
		      uid_t uid, gid_t gid, const char *user)
{
	sigset_t none;
	char c;
	int e = 0;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	setpriority(PRIO_PROCESS, 0, nice_value); /* tracerecd's consumer runs at a higher priority */
	if (uid != (uid_t)-1) {
		if ((user && initgroups(user, gid)) || (!user && setgroups(0, NULL)) ||
		    setgid(gid) || setuid(uid))
			e = errno;
	}
	if (!e && read(go, &c, 1) != 1)
		_exit(127); /* tracerecd gave up before releasing us */
	close(go);
	if (!e) {
		execv(path, argv);
		e = errno;
	}
	if (write(errw, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int tracee_spawn(struct tracee_child *ch, const char *path, char *const argv[], int nice_value,
		 uid_t uid, gid_t gid, const char *user)
{
	int go[2], er[2];

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(er, O_CLOEXEC)) {
		int e = -errno;

		close(go[0]);
		close(go[1]);
		return e;
	}
	ch->pid = fork();
	if (ch->pid < 0) {
		int e = -errno;

		close(go[0]);
		close(go[1]);
		close(er[0]);
		close(er[1]);
		return e;
	}
	if (ch->pid == 0) {
		close(go[1]);
		close(er[0]);
		child_run(go[0], er[1], path, argv, nice_value, uid, gid, user);
	}
	close(go[0]);
	close(er[1]);
	ch->go_fd = go[1];
	ch->err_fd = er[0];
	return 0;
}

int tracee_release(struct tracee_child *ch)
{
	char c = 'g';
	int e = 0;
	ssize_t n;

	if (write(ch->go_fd, &c, 1) != 1) {
		e = -errno;
		close(ch->go_fd);
		close(ch->err_fd);
		ch->go_fd = ch->err_fd = -1;
		return e ? e : -EIO;
	}
	close(ch->go_fd);
	ch->go_fd = -1;
	do
		n = read(ch->err_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(ch->err_fd);
	ch->err_fd = -1;
	if (n == (ssize_t)sizeof(e) && e > 0) {
		waitpid(ch->pid, NULL, 0);
		return -e;
	}
	return 0;
}

void tracee_abort(struct tracee_child *ch)
{
	if (ch->pid <= 0)
		return;
	if (ch->go_fd >= 0)
		close(ch->go_fd);
	if (ch->err_fd >= 0)
		close(ch->err_fd);
	ch->go_fd = ch->err_fd = -1;
	kill(ch->pid, SIGKILL);
	waitpid(ch->pid, NULL, 0);
	ch->pid = 0;
}

/* outfile.c - see outfile.h. */
#define _GNU_SOURCE /* mkostemp */
#include "common/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse_id(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= (unsigned long)(uid_t)-1)
		return -EINVAL;
	*out = v;
	return 0;
}

int invoker_ids(uid_t *uid, gid_t *gid)
{
	unsigned long u, g;

	if (getuid() != 0 || geteuid() != 0)
		return 0;
	if (parse_id(getenv("SUDO_UID"), &u) || parse_id(getenv("SUDO_GID"), &g) || u == 0)
		return 0;
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 1;
}

/* The file system ids of this thread while the module touches the file system. */
struct fsids {
	int active;
	uid_t old_uid;
	gid_t old_gid;
};

static void as_invoker(struct fsids *s)
{
	uid_t u;
	gid_t g;

	s->active = invoker_ids(&u, &g);
	if (!s->active)
		return;
	s->old_gid = (gid_t)setfsgid(g);
	s->old_uid = (uid_t)setfsuid(u); /* drops CAP_DAC_OVERRIDE & co. for file system calls */
}

static void as_self(struct fsids *s)
{
	if (!s->active)
		return;
	setfsuid(s->old_uid);
	setfsgid(s->old_gid);
	s->active = 0;
}

static int create_new(struct outfile *of)
{
	int fd = open(of->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	of->fd = fd;
	of->placed = 1;
	return 0;
}

/* FORCE: a temporary beside PATH, renamed over it by outfile_commit(). */
static int create_temp(struct outfile *of)
{
	struct stat st;
	int fd;

	if (lstat(of->path, &st) == 0) {
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
			return -EINVAL;
	} else if (errno != ENOENT) {
		return -errno;
	}
	if (snprintf(of->tmp, sizeof(of->tmp), "%s.XXXXXX", of->path) >= (int)sizeof(of->tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(of->tmp, O_CLOEXEC); /* O_CREAT|O_EXCL, mode 0600 */
	if (fd < 0) {
		int err = -errno;

		of->tmp[0] = '\0';
		return err;
	}
	of->fd = fd;
	return 0;
}

int outfile_open(struct outfile *of, const char *path, int flags)
{
	struct fsids ids = { 0 };
	struct stat st;
	int err;

	memset(of, 0, sizeof(*of));
	of->fd = -1;
	of->flags = flags;
	if (!path || !*path)
		return -ENOENT;
	if ((flags & OUTFILE_STDOUT_OK) && !strcmp(path, "-")) {
		of->fd = STDOUT_FILENO;
		of->is_stdout = 1;
		of->placed = 1;
		return 0;
	}
	if (strlen(path) >= sizeof(of->path))
		return -ENAMETOOLONG;
	memcpy(of->path, path, strlen(path) + 1);
	as_invoker(&ids);
	err = flags & OUTFILE_FORCE ? create_temp(of) : create_new(of);
	as_self(&ids);
	if (err)
		return err;
	if (fstat(of->fd, &st) < 0) {
		err = -errno;
		close(of->fd);
		outfile_discard(of);
		of->fd = -1;
		return err;
	}
	of->dev = st.st_dev;
	of->ino = st.st_ino;
	return 0;
}

int outfile_commit(struct outfile *of)
{
	struct fsids ids = { 0 };
	int err = 0;

	if (of->placed || !of->tmp[0])
		return 0;
	as_invoker(&ids);
	if (rename(of->tmp, of->path) < 0)
		err = -errno;
	as_self(&ids);
	if (err)
		return err;
	of->tmp[0] = '\0';
	of->placed = 1;
	return 0;
}

void outfile_discard(struct outfile *of)
{
	const char *name = of->tmp[0] ? of->tmp : of->placed && !of->is_stdout ? of->path : NULL;
	struct fsids ids = { 0 };
	struct stat st;

	if (!name || !name[0])
		return;
	as_invoker(&ids);
	/* only the file this run created: the name may have been replaced since */
	if (lstat(name, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == of->dev &&
	    st.st_ino == of->ino)
		unlink(name);
	as_self(&ids);
	of->tmp[0] = '\0';
	of->placed = 0;
	of->path[0] = '\0';
}

const char *outfile_strerror(int err)
{
	switch (err) {
	case -EEXIST: return "already exists (--force replaces it)";
	case -EINVAL:
		return "not a regular file: refusing to replace it (- writes to standard output)";
	default: return strerror(-err);
	}
}

/* outfile.h - create output files safely: new, 0600, with the invoking user's rights.
 *
 * Every file a tracerec tool writes (traces, models, exports) is opened here, so the rules hold
 * everywhere and cannot drift:
 *   - The file is created new: O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600.  An existing path is refused
 *     (-EEXIST) unless OUTFILE_FORCE.  Nothing is ever truncated in place, chmod-ed or chown-ed.
 *   - OUTFILE_FORCE: a temporary file is created beside PATH (mkstemp in the same directory) and
 *     renamed over PATH, so a symbolic link at PATH is replaced, never its target.  Only a regular
 *     file or a symbolic link may be replaced: a directory, device node, FIFO or socket is refused
 *     (-EINVAL); standard output ("-") is the way to stream.
 *   - Under sudo (real root with SUDO_UID/SUDO_GID set) every file system call of this module runs
 *     with the invoking user's file system ids (setfsuid/setfsgid, this thread only), so the user can
 *     only create or replace files where they could themselves, and owns what is created.
 *   - outfile_discard() removes only what this run created (the new file or the temporary), and
 *     only if the path still names the file it created.
 *
 * Lifecycle:  struct outfile of;  outfile_open(&of, path, flags) -> write to of.fd ->
 *             outfile_commit(&of) (or outfile_discard(&of) on failure).
 * of.fd belongs to the caller (close it, or hand it to a writer that closes it) before commit or
 * discard; commit and discard never close it.
 */
#ifndef TRC_OUTFILE_H
#define TRC_OUTFILE_H

#include <limits.h>
#include <sys/types.h>

enum {
	OUTFILE_FORCE = 1, /* replace an existing regular file or symbolic link (temp + rename) */
	OUTFILE_EARLY = 2, /* with FORCE: rename at open, not at commit (a trace that must be
			    * readable under its name while it grows, e.g. tracerecd) */
	OUTFILE_STDOUT_OK = 4, /* "-" means standard output (fd 1) */
};

struct outfile {
	int fd;        /* the descriptor to write to; -1 when closed */
	int flags;     /* OUTFILE_* */
	int is_stdout; /* path was "-" */
	int placed;    /* the file has its final name (created there, or renamed) */
	dev_t dev;     /* identity of the created file, checked before unlinking it */
	ino_t ino;
	char path[PATH_MAX]; /* final name */
	char tmp[PATH_MAX];  /* temporary name (FORCE), "" otherwise */
};

/* Create the output.  Returns 0, or -errno: -EEXIST (exists and no OUTFILE_FORCE), -EINVAL (FORCE
 * over something that is not a regular file or symbolic link), -ENAMETOOLONG, or what open/mkstemp
 * returned (-EACCES when the invoking user could not create it). */
int outfile_open(struct outfile *of, const char *path, int flags);

/* Give the file its final name (FORCE without EARLY: rename the temporary over PATH).  Call after
 * the data is written and the descriptor closed.  Returns 0 or -errno. */
int outfile_commit(struct outfile *of);

/* Remove what outfile_open created (never a file that existed before).  Safe to call twice and
 * after a failed open. */
void outfile_discard(struct outfile *of);

/* Why outfile_open refused: a phrase for the top level's message ("PATH: <phrase>"). */
const char *outfile_strerror(int err);

/* The invoking user's ids when running as root under sudo (SUDO_UID/SUDO_GID, validated); returns 1
 * and fills uid/gid, or 0 when not under sudo (or not root). */
int invoker_ids(uid_t *uid, gid_t *gid);

#endif /* TRC_OUTFILE_H */

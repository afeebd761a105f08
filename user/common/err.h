/* err.h - the one way a library reports words for its failures: the thread's error text.
 *
 *	if (bad_magic) {
 *		err_set("%s: not a trz file (bad magic)", path);
 *		return -EINVAL;            // the return value says that it failed, err_text() why
 *	}
 *	...
 *	if ((rc = trz_reader_open(&r, path, NULL)))
 *		p_err("%s", err_why(rc));  // only the top level prints
 *
 * Functions return 0 or -errno (or NULL); those that have more to say than strerror(errno)
 * set the text with err_set() before returning the failure.  A caller that adds context
 * rewrites it: err_set("cannot load model %s: %s", path, err_text()) is safe (the new text is
 * formatted before it replaces the old).  The text is per thread (a worker's failure does not
 * garble the main thread's) and lives until the thread's next err_set()/err_clear(); it is
 * only meaningful right after a call that failed.
 *
 * Used by every library: user/ (libtracerec) and model/ (libmodel; the one user/ header model/
 * may include, see scripts/check_layout.py).
 */
#ifndef TRC_ERR_H
#define TRC_ERR_H

/* Longest text kept (with its NUL); longer texts are cut. */
#define ERR_TEXT_MAX 1024

/* Set the thread's error text (printf-style). */
void err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The thread's error text, "" when none was set since the last err_clear(). */
const char *err_text(void);
/* Forget the thread's error text. */
void err_clear(void);
/* Words for failure rc (-errno): the thread's error text when there is one, else
 * strerror(-rc). */
const char *err_why(int rc);

#endif /* TRC_ERR_H */

/* progress.h - progress reporting on stderr for long operations (train, fill, import, eval).
 *
 * On a terminal (isatty(2)) a one-line bar with done/total, a status text and the ETA, redrawn
 * at most 10 times a second; otherwise (logs, pipes) a plain line every 5 seconds.  quiet = 1
 * prints nothing.  total <= 0 means "unknown": no bar, no ETA, just the count.
 *
 *   struct progress *p = progress_new("train", iters, quiet);
 *   for (...) progress_update(p, i, "loss 0.123 acc 0.91");
 *   progress_done(p);
 */
#ifndef TRC_PROGRESS_H
#define TRC_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct progress;

/* A new reporter writing to stderr.  Returns NULL with errno set on allocation failure (callers
 * may pass NULL to the other functions, which then do nothing).  Freed by progress_done(). */
struct progress *progress_new(const char *label, int64_t total, int quiet);
/* Same, writing to out; tty selects the bar (1) or plain periodic lines (0).  For tests and
 * tools that report elsewhere than stderr. */
struct progress *progress_new_stream(const char *label, int64_t total, int quiet, FILE *out, int tty);
/* Record that done units are finished; status (may be NULL) is shown beside the count. */
void progress_update(struct progress *p, int64_t done, const char *status);
/* Change the total (e.g. when it becomes known); <= 0 = unknown. */
void progress_set_total(struct progress *p, int64_t total);
/* Print the final line (count, status, elapsed time) and free p.  p may be NULL. */
void progress_done(struct progress *p);

/* An adapter with the progress_fn signature of model/imputer.h: ctx is a struct progress *.
 * Updates the total when it differs and never asks to stop (returns 0). */
int progress_cb(void *ctx, int64_t done, int64_t total, const char *status);

#endif /* TRC_PROGRESS_H */

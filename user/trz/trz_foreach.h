/* trz_foreach.h - the read-every-record loop over a .trz file, written once.
 */
#ifndef TRC_TRZ_FOREACH_H
#define TRC_TRZ_FOREACH_H

#include <stddef.h>
#include "trz/trz.h"

/* Called for each record in file order: return 0 to go on, -errno to stop with that error. */
typedef int (*trz_record_fn)(void *ctx, const struct trz_record *rec);

/* Open path, call fn(ctx, rec) for every record, close it.  Damaged blocks the reader skips
 * are passed over silently (use trz_reader_open() with a warn callback to hear about them).
 * Returns 0, or -errno with "PATH: why" in err_text() (a reader's words for a file it refuses,
 * else strerror(), fn's errors too). */
int trz_foreach(const char *path, trz_record_fn fn, void *ctx);

#endif /* TRC_TRZ_FOREACH_H */

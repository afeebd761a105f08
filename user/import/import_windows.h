/* import_windows.h - the paper's datasets (windows of syscall ids) into a trz trace.
 *
 * Every window becomes its own pseudo-thread: pid = tid = window index + 1, tseq 0..L-1,
 * synthetic timestamps (1 us apart, windows one after the other), cpu TRZ_NO_CPU, cseq 0.  Ids
 * are kept as they are in the event's nr field: they are dataset ids (1 = the benchmark's most
 * frequent syscall), not syscall numbers, and the metadata says so ("ids" = "dataset").  The
 * datasets do not say whether an id is an entry or an exit: every event is written with
 * dir = TRZ_ENTRY.
 *
 * Two input forms: NumPy .npy (user/npy.h) and comma-separated text, one window per line
 * ("3,4,3,4,12,..."; as numpy.savetxt(f, a.reshape(N, L), fmt="%d", delimiter=",") writes it),
 * where blank lines and lines starting with '#' are skipped and every window has the same length.
 */
#ifndef TRC_IMPORT_WINDOWS_H
#define TRC_IMPORT_WINDOWS_H

#include "common/npy.h"
#include "trz/trz.h"

#define IMPORT_NPY_TICK_NS 1000 /* synthetic time between two events */

/* Lines longer than this are refused (a window of some 1.5 million ids) */
#define CSV_MAX_LINE (16u << 20)
#define CSV_MAX_LINE_WORDS "16 MiB"

/* Read comma-separated windows from path into *w (free with npy_free()).  Returns 0, -EINVAL
 * for malformed text (err_text() names the line: not integer ids, a NUL byte, a line
 * longer than CSV_MAX_LINE), -ENOMEM, or -errno. */
int windows_csv_read(const char *path, struct npy_windows *w);
/* Same from the n bytes at buf (a whole file's text). */
int windows_csv_read_mem(const void *buf, size_t n, struct npy_windows *w);

/* Write the windows of nw to w as pseudo-threads, with metadata naming source (the input path)
 * and format ("npy" or "csv").  Returns 0 or the writer's -errno. */
int import_windows(const struct npy_windows *nw, const char *source, const char *format,
		   struct trz_writer *w);

#endif /* TRC_IMPORT_WINDOWS_H */

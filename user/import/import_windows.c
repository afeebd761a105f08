/* import_windows.c - dataset windows (.npy or comma-separated text) into a trz trace
 * (see import_windows.h). */
#include "import/import_windows.h"
#include "common/vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse one line of ids into *out (grown as needed); returns the count or -EINVAL/-ENOMEM. */
static long parse_line(const char *s, int32_t **out, size_t *cap, size_t used)
{
	long n = 0;

	for (;;) {
		char *end;
		long long v;

		while (*s == ' ' || *s == '\t')
			s++;
		errno = 0;
		v = strtoll(s, &end, 10);
		if (end == s || errno || v < INT32_MIN || v > INT32_MAX)
			return -EINVAL;
		if (VEC_RESERVE(*out, *cap, used + (size_t)n + 1))
			return -ENOMEM;
		(*out)[used + (size_t)n++] = (int32_t)v;
		s = end;
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s == '\0' || *s == '\n')
			return n;
		if (*s++ != ',')
			return -EINVAL;
	}
}

static int csv_fail(int err, const char *path, long line, const char *what)
{
	err_set("%s:%ld: %s", path, line, what);
	return err;
}

/* One line of f into *buf (NUL-terminated, newline kept): its length, 0 at the end of the
 * input, -E2BIG when longer than CSV_MAX_LINE, -EINVAL on a NUL byte, -ENOMEM, -EIO. */
static long read_line(FILE *f, char **buf, size_t *cap)
{
	size_t n = 0;
	int c;

	while ((c = getc_unlocked(f)) != EOF) {
		if (c == '\0')
			return -EINVAL;
		if (n + 2 > CSV_MAX_LINE + 2)
			return -E2BIG;
		if (VEC_RESERVE(*buf, *cap, n + 2))
			return -ENOMEM;
		(*buf)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (ferror(f))
		return -EIO;
	if (n)
		(*buf)[n] = '\0';
	return (long)n;
}

static int windows_csv_read_stream(FILE *f, const char *path, struct npy_windows *w)
{
	char *buf = NULL;
	size_t bufcap = 0, cap = 0, used = 0;
	long lineno = 0, n, got;
	int err = 0;

	while ((got = read_line(f, &buf, &bufcap)) > 0) {
		const char *s = buf + strspn(buf, " \t\r");

		lineno++;
		if (*s == '\n' || *s == '\0' || *s == '#')
			continue;
		n = parse_line(s, &w->data, &cap, used);
		if (n < 0) {
			err = csv_fail((int)n, path, lineno,
				       n == -ENOMEM ? "out of memory"
						    : "not a comma-separated list of integer ids");
			break;
		}
		if (w->n && n != w->len) {
			err = csv_fail(-EINVAL, path, lineno,
				       "window length differs from the first window's");
			break;
		}
		w->len = n;
		w->n++;
		used += (size_t)n;
	}
	if (!err && got < 0)
		err = csv_fail(got == -E2BIG ? -EINVAL : (int)got, path, lineno + 1,
			       got == -E2BIG    ? "line longer than " CSV_MAX_LINE_WORDS
			       : got == -EINVAL ? "NUL byte in text (binary file?)"
			       : got == -ENOMEM ? "out of memory"
						: "read error");
	if (!err && w->n == 0)
		err = csv_fail(-EINVAL, path, lineno, "no windows");
	free(buf);
	if (err)
		npy_free(w);
	return err;
}

int windows_csv_read(const char *path, struct npy_windows *w)
{
	FILE *f;
	int err;

	memset(w, 0, sizeof(*w));
	f = fopen(path, "r");
	if (!f) {
		err = -errno;
		err_set("%s: %s", path, strerror(errno));
		return err;
	}
	err = windows_csv_read_stream(f, path, w);
	fclose(f);
	return err;
}

int windows_csv_read_mem(const void *buf, size_t n, struct npy_windows *w)
{
	FILE *f;
	int err;

	memset(w, 0, sizeof(*w));
	if (n == 0)
		return csv_fail(-EINVAL, "(memory)", 0, "no windows");
	f = fmemopen((void *)buf, n, "r");
	if (!f)
		return csv_fail(-errno, "(memory)", 0, strerror(errno));
	err = windows_csv_read_stream(f, "(memory)", w);
	fclose(f);
	return err;
}

static int write_meta(struct trz_writer *w, const struct npy_windows *nw, const char *source,
		      const char *format)
{
	char buf[64];
	int err;

	err = trz_write_meta(w, "source", source);
	err = err ? err : trz_write_meta(w, "source_format", format);
	err = err ? err : trz_write_meta(w, "tool", "tracerec-import");
	err = err ? err : trz_write_meta(w, "ids", "dataset");
	err = err ? err
		  : trz_write_meta(
			    w, "note",
			    "ids are dataset ids, not syscall numbers; every window is its own pseudo-thread "
			    "(tid = window index + 1); timestamps are synthetic (1 us apart); entry/exit is "
			    "unknown (all events stored as entries)");
	snprintf(buf, sizeof(buf), "%lld", (long long)nw->n);
	err = err ? err : trz_write_meta(w, "windows", buf);
	snprintf(buf, sizeof(buf), "%lld", (long long)nw->len);
	err = err ? err : trz_write_meta(w, "window_len", buf);
	return err;
}

int import_windows(const struct npy_windows *nw, const char *source, const char *format,
		   struct trz_writer *w)
{
	struct trz_thread th;
	struct trz_event ev;
	int err = write_meta(w, nw, source, format);

	for (int64_t i = 0; i < nw->n && !err; i++) {
		uint64_t t0 = (uint64_t)(i * nw->len) * IMPORT_NPY_TICK_NS;

		memset(&th, 0, sizeof(th));
		th.ts_ns = t0;
		th.pid = th.tid = (uint32_t)(i + 1);
		th.what = TRZ_THREAD_SNAPSHOT;
		snprintf(th.comm, sizeof(th.comm), "win%u", (unsigned)i);
		err = trz_write_thread(w, &th);
		for (int64_t j = 0; j < nw->len && !err; j++) {
			memset(&ev, 0, sizeof(ev));
			ev.ts_ns = t0 + (uint64_t)j * IMPORT_NPY_TICK_NS;
			ev.tseq = (uint64_t)j;
			ev.pid = ev.tid = (uint32_t)(i + 1);
			ev.nr = nw->data[i * nw->len + j];
			ev.cpu = TRZ_NO_CPU;
			ev.dir = TRZ_ENTRY;
			err = trz_write_event(w, &ev);
		}
	}
	return err;
}

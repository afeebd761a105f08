/* progress.c - progress bar / periodic progress lines on stderr (see progress.h). */
#include "common/progress.h"
#include "common/monotime.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_TTY_PERIOD 0.1   /* s between redraws of the bar */
#define PROGRESS_PLAIN_PERIOD 5.0 /* s between plain lines */
#define PROGRESS_STATUS_MAX 160

struct progress {
	FILE *out;
	int quiet;
	int tty;
	int drawn; /* a bar line is on screen (tty) */
	int64_t total;
	int64_t done;
	double t0;
	double last; /* time of the last output */
	char label[48];
	char status[PROGRESS_STATUS_MAX];
};

/* "42s", "3m07s", "2h05m" into buf. */
static const char *fmt_secs(char *buf, size_t size, double s)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	if (t < 60)
		snprintf(buf, size, "%lds", t);
	else if (t < 3600)
		snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, size, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
	return buf;
}

struct progress *progress_new_stream(const char *label, int64_t total, int quiet, FILE *out, int tty)
{
	struct progress *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->out = out;
	p->quiet = quiet;
	p->tty = tty;
	p->total = total;
	p->t0 = monotonic_s();
	p->last = p->t0;
	snprintf(p->label, sizeof(p->label), "%s", label ? label : "");
	return p;
}

struct progress *progress_new(const char *label, int64_t total, int quiet)
{
	return progress_new_stream(label, total, quiet, stderr, isatty(2));
}

static int term_width(struct progress *p)
{
	struct winsize ws;

	if (p->out == stderr && ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* "label [#####.....] done/total pct status ETA x" (bar only when tty and total known). */
static void format_line(struct progress *p, char *buf, size_t size, int bar, int final)
{
	double el = monotonic_s() - p->t0;
	char t1[32], t2[32];
	size_t n = 0;

	n += snprintf(buf + n, size - n, "%s", p->label);
	if (p->total > 0) {
		double f = (double)p->done / p->total;

		if (f > 1)
			f = 1;
		if (f < 0)
			f = 0;
		if (bar && n < size) {
			int w = 20, k = (int)(f * w);

			n += snprintf(buf + n, size - n, " [");
			for (int i = 0; i < w && n + 2 < size; i++)
				buf[n++] = i < k ? '#' : '.';
			n += snprintf(buf + n, size - n, "]");
		}
		if (n < size)
			n += snprintf(buf + n, size - n, " %lld/%lld %3.0f%%", (long long)p->done,
				      (long long)p->total, 100 * f);
	} else if (n < size) {
		n += snprintf(buf + n, size - n, " %lld", (long long)p->done);
	}
	if (n >= size)
		return;
	/* times before the status, so that a narrow terminal cuts the status, not the ETA */
	if (final)
		n += snprintf(buf + n, size - n, " in %s", fmt_secs(t1, sizeof(t1), el));
	else if (p->total > 0 && p->done > 0 && p->done < p->total)
		n += snprintf(buf + n, size - n, " %s ETA %s", fmt_secs(t1, sizeof(t1), el),
			      fmt_secs(t2, sizeof(t2), el * (p->total - p->done) / p->done));
	else
		n += snprintf(buf + n, size - n, " %s", fmt_secs(t1, sizeof(t1), el));
	if (p->status[0] && n < size)
		snprintf(buf + n, size - n, "  %s", p->status);
}

static void draw(struct progress *p, int final)
{
	char line[512];

	if (p->tty) {
		int w = term_width(p) - 1;

		format_line(p, line, sizeof(line), 1, final);
		if ((int)strlen(line) > w)
			line[w] = 0;
		fprintf(p->out, "\r%s\033[K%s", line, final ? "\n" : "");
		p->drawn = !final;
	} else {
		format_line(p, line, sizeof(line), 0, final);
		fprintf(p->out, "%s\n", line);
	}
	fflush(p->out);
	p->last = monotonic_s();
}

void progress_update(struct progress *p, int64_t done, const char *status)
{
	double t;

	if (!p)
		return;
	p->done = done;
	if (status)
		snprintf(p->status, sizeof(p->status), "%s", status);
	if (p->quiet)
		return;
	t = monotonic_s();
	if (p->tty ? (!p->drawn || t - p->last >= PROGRESS_TTY_PERIOD)
		   : t - p->last >= PROGRESS_PLAIN_PERIOD)
		draw(p, 0);
}

void progress_set_total(struct progress *p, int64_t total)
{
	if (p)
		p->total = total;
}

void progress_done(struct progress *p)
{
	if (!p)
		return;
	if (!p->quiet)
		draw(p, 1);
	free(p);
}

int progress_cb(void *ctx, int64_t done, int64_t total, const char *status)
{
	struct progress *p = ctx;

	if (!p)
		return 0;
	if (total != p->total)
		p->total = total;
	progress_update(p, done, status);
	return 0;
}

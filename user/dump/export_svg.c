/* export_svg.c - tracerec-dump --svg: one self-contained SVG picture of a trace, readable in any
 * browser, no external tools.
 *
 *   top:    one row per thread ("comm tid"), time left to right: blue where the thread was in a
 *           syscall (darker = more of the time), red where it lost events that nothing repaired,
 *           green where lost events were repaired by synthetic events (tracerec-fill); hovering a
 *           mark shows its numbers (<title>)
 *   bottom: per CPU, recorded events/s (blue line) and lost events/s (red line) over time (an
 *           attributed gap that names no CPU counts on the CPU of its thread's last event)
 *
 * Streaming: every row holds NBINS time bins; when the trace outgrows them, neighbouring bins
 * are merged and the bin width doubles, so memory is O(threads x NBINS) whatever the length.
 * Rows: the first MAX_ROWS threads get their own row, the rest share one ("other threads").
 */
#include "dump/export.h"
#include "dump/dump.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NBINS 500
#define MAX_ROWS 48
#define MAX_CPUS 64
#define W 1200
#define LABEL_W 190
#define PLOT_X 200
#define PLOT_W (W - PLOT_X - 20)
#define ROW_H 16
#define CPU_H 56

struct svg_row {
	uint32_t pid, tid;
	char comm[TRZ_COMM_LEN];
	uint64_t events, lost, synthetic;
	uint16_t last_cpu; /* of its last event: where its attributed gaps are counted */
	double busy[NBINS], lost_ns[NBINS], rep_ns[NBINS];
	uint32_t nlost[NBINS], nrep[NBINS];
};

struct svg_cpu {
	uint32_t events[NBINS], lost[NBINS];
	uint64_t total_events, total_lost;
};

struct svg {
	FILE *out;
	struct export_counts *c;
	struct dump_map idx;                /* tid -> row index + 1 */
	struct svg_row *rows[MAX_ROWS + 1]; /* [MAX_ROWS] = other threads */
	int nrows;
	uint64_t other_threads;
	struct svg_cpu *cpus[MAX_CPUS + 1]; /* [MAX_CPUS] = unknown cpu */
	uint64_t t0, binw;
	int has_t0;
	uint64_t events, synthetic, lost, gaps, repaired_gaps;
};

void *svg_new(FILE *out, struct export_counts *c)
{
	struct svg *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->out = out;
	s->c = c;
	s->binw = 1000; /* 1 us; doubles as needed */
	return s;
}

void svg_free(void *be)
{
	struct svg *s = be;

	if (!s)
		return;
	dump_map_free(&s->idx);
	for (int i = 0; i <= MAX_ROWS; i++)
		free(s->rows[i]);
	for (int i = 0; i <= MAX_CPUS; i++)
		free(s->cpus[i]);
	free(s);
}

static void merge_d(double *a)
{
	for (int i = 0; i < NBINS / 2; i++)
		a[i] = a[2 * i] + a[2 * i + 1];
	memset(a + NBINS / 2, 0, sizeof(*a) * (NBINS - NBINS / 2));
}

static void merge_u(uint32_t *a)
{
	for (int i = 0; i < NBINS / 2; i++)
		a[i] = a[2 * i] + a[2 * i + 1];
	memset(a + NBINS / 2, 0, sizeof(*a) * (NBINS - NBINS / 2));
}

/* Make ts fit into the bins (merging as needed); returns its bin. */
static int bin_of(struct svg *s, uint64_t ts)
{
	if (!s->has_t0) {
		s->t0 = ts;
		s->has_t0 = 1;
	}
	if (ts < s->t0)
		return 0; /* slightly out of order: the first bin */
	while ((ts - s->t0) / s->binw >= NBINS) {
		for (int i = 0; i <= MAX_ROWS; i++) {
			struct svg_row *r = s->rows[i];
			if (!r)
				continue;
			merge_d(r->busy);
			merge_d(r->lost_ns);
			merge_d(r->rep_ns);
			merge_u(r->nlost);
			merge_u(r->nrep);
		}
		for (int i = 0; i <= MAX_CPUS; i++) {
			if (!s->cpus[i])
				continue;
			merge_u(s->cpus[i]->events);
			merge_u(s->cpus[i]->lost);
		}
		s->binw *= 2;
	}
	return (int)((ts - s->t0) / s->binw);
}

/* Add the time [a, b) to bins of arr (ns of overlap with each bin). */
static void cover(struct svg *s, double *arr, uint64_t a, uint64_t b)
{
	int ba, bb;

	if (b <= a)
		return;
	bb = bin_of(s, b - 1); /* first: may merge, which changes bin numbers */
	ba = bin_of(s, a);
	if (a < s->t0)
		a = s->t0;
	for (int i = ba; i <= bb; i++) {
		uint64_t lo = s->t0 + (uint64_t)i * s->binw, hi = lo + s->binw;
		uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
		if (y > x)
			arr[i] += (double)(y - x);
	}
}

static int row_of(struct svg *s, uint32_t tid, uint32_t pid, struct svg_row **out)
{
	uint64_t *v = dump_map_get(&s->idx, tid);

	if (!v)
		return -ENOMEM;
	if (!*v) {
		int i = s->nrows < MAX_ROWS ? s->nrows++ : MAX_ROWS;
		if (i == MAX_ROWS)
			s->other_threads++;
		if (!s->rows[i]) {
			s->rows[i] = calloc(1, sizeof(struct svg_row));
			if (!s->rows[i])
				return -ENOMEM;
			s->rows[i]->tid = tid;
			s->rows[i]->pid = pid;
		}
		*v = (uint64_t)i + 1;
	}
	*out = s->rows[*v - 1];
	return 0;
}

static struct svg_cpu *cpu_of(struct svg *s, uint16_t cpu)
{
	int i = cpu < MAX_CPUS ? cpu : MAX_CPUS;

	if (!s->cpus[i])
		s->cpus[i] = calloc(1, sizeof(struct svg_cpu));
	return s->cpus[i];
}

static int sv_record(void *be, const struct trz_record *rec)
{
	struct svg *s = be;
	struct svg_row *r;
	struct svg_cpu *c;
	int err, b;

	switch (rec->kind) {
	case TRZ_REC_EVENT:
		if ((err = row_of(s, rec->ev.tid, rec->ev.pid, &r)))
			return err;
		if (!(c = cpu_of(s, rec->ev.cpu)))
			return -ENOMEM;
		b = bin_of(s, rec->ev.ts_ns);
		c->events[b]++;
		c->total_events++;
		r->events++;
		r->last_cpu = rec->ev.cpu;
		s->events++;
		return 0;
	case TRZ_REC_SYNTH:
		s->synthetic++;
		if ((err = row_of(s, rec->syn.ev.tid, rec->syn.ev.pid, &r)))
			return err;
		r->synthetic++;
		return 0;
	case TRZ_REC_GAP: {
		uint16_t cpu = rec->gap.cpu;
		/* an attributed gap without a cpu: the cpu of its thread's last event */
		if (cpu == TRZ_NO_CPU && rec->gap.attributed) {
			uint64_t *v = dump_map_find(&s->idx, rec->gap.tid);
			if (v && s->rows[*v - 1]->tid == rec->gap.tid && s->rows[*v - 1]->events)
				cpu = s->rows[*v - 1]->last_cpu;
		}
		if (!(c = cpu_of(s, cpu)))
			return -ENOMEM;
		b = bin_of(s, rec->gap.t_start_ns ? rec->gap.t_start_ns : s->t0);
		c->lost[b] += (uint32_t)(rec->gap.lost > UINT32_MAX ? UINT32_MAX : rec->gap.lost);
		c->total_lost += rec->gap.lost;
		s->lost += rec->gap.lost;
		s->gaps++;
		return 0;
	}
	default: return 0;
	}
}

static int sv_thread(void *be, const struct tl_thread *t)
{
	struct svg *s = be;
	struct svg_row *r;
	int err = row_of(s, t->tid, t->pid, &r);

	if (err)
		return err;
	if (t->comm[0] && r->tid == t->tid)
		snprintf(r->comm, sizeof(r->comm), "%s", t->comm);
	return 0;
}

static int sv_slice(void *be, const struct tl_slice *sl)
{
	struct svg *s = be;
	struct svg_row *r;
	int err = row_of(s, sl->tid, sl->pid, &r);

	if (err)
		return err;
	cover(s, r->busy, sl->ts, sl->end);
	s->c->slices++;
	if (sl->entry == TL_SYNTHETIC || sl->exit == TL_SYNTHETIC)
		s->c->synthetic_slices++;
	return 0;
}

static int sv_gap_end(void *be, const struct tl_gap *g)
{
	struct svg *s = be;
	struct svg_row *r;
	int repaired = g->lost && g->synthetic >= g->lost;
	int err = row_of(s, g->tid, g->pid, &r);
	uint64_t end = g->end > g->ts ? g->end : g->ts + 1;

	if (err)
		return err;
	cover(s, repaired ? r->rep_ns : r->lost_ns, g->ts, end);
	int b = bin_of(s, g->ts);
	if (repaired) {
		r->nrep[b] += (uint32_t)g->lost;
		s->repaired_gaps++;
	} else {
		r->nlost[b] += (uint32_t)(g->lost > g->synthetic ? g->lost - g->synthetic : 0);
		r->nrep[b] += (uint32_t)g->synthetic;
	}
	r->lost += g->lost;
	s->c->gaps++;
	return 0;
}

static int sv_gap_cpu(void *be, const struct tl_gap *g)
{
	struct svg *s = be;

	(void)g;
	s->c->gaps++;
	return 0;
}

static void xml_str(FILE *f, const char *str)
{
	char buf[TRZ_PATH_MAX];

	for (const char *p = export_clean_str(str, buf, sizeof(buf)); *p; p++) {
		switch (*p) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*p, f);
		}
	}
}

static double nice_step(double span)
{
	double raw = span / 8, p = pow(10, floor(log10(raw)));

	return raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
}

static void axis(FILE *f, double y, double span_s, double px_per_s)
{
	double step = span_s > 0 ? nice_step(span_s) : 1;

	fprintf(f,
		"<g class=\"axis\"><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		"stroke=\"#888\"/>\n",
		PLOT_X, y, PLOT_X + PLOT_W, y);
	for (int i = 0; step > 0 && i * step <= span_s * 1.0001; i++) {
		double t = i * step, x = PLOT_X + t * px_per_s; /* no error summed over the ticks */
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g s</text>\n",
			x, y, x, y + 4, x, y + 15, t);
	}
	fputs("</g>\n", f);
}

static void row_label(FILE *f, const struct svg_row *r, int other, uint64_t nother)
{
	if (other)
		fprintf(f, "%" PRIu64 " other threads", nother);
	else {
		xml_str(f, r->comm[0] ? r->comm : "?");
		fprintf(f, " %u", r->tid);
	}
}

/* One thread row: activity runs, then gap marks. */
static void draw_row(struct svg *s, FILE *f, const struct svg_row *r, int other, double y, int nb,
		     double bw)
{
	fprintf(f,
		"<g class=\"thread\" data-tid=\"%u\"><text class=\"label\" x=\"%d\" y=\"%.1f\" "
		"text-anchor=\"end\">",
		other ? 0 : r->tid, LABEL_W, y + ROW_H - 4);
	row_label(f, r, other, s->other_threads);
	fputs("</text>\n", f);
	for (int i = 0; i < nb;) {
		int lvl =
			(int)ceil(8 * r->busy[i] / (double)s->binw / (other ? s->other_threads : 1));
		int j = i + 1;
		if (lvl > 8)
			lvl = 8;
		while (j < nb) {
			int l2 = (int)ceil(8 * r->busy[j] / (double)s->binw /
					   (other ? s->other_threads : 1));
			if ((l2 > 8 ? 8 : l2) != lvl)
				break;
			j++;
		}
		if (lvl > 0)
			fprintf(f,
				"<rect class=\"busy\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
				"height=\"%d\" fill=\"#3b6fb6\" fill-opacity=\"%.3f\"/>\n",
				PLOT_X + i * bw, y + 3, (j - i) * bw, ROW_H - 6,
				0.15 + 0.85 * lvl / 8.0);
		i = j;
	}
	for (int k = 0; k < 2; k++) {
		const double *ns = k ? r->rep_ns : r->lost_ns;
		for (int i = 0; i < nb;) {
			if (ns[i] <= 0) {
				i++;
				continue;
			}
			int j = i;
			uint64_t nl = 0, nr = 0;
			while (j < nb && ns[j] > 0) {
				nl += r->nlost[j];
				nr += r->nrep[j];
				j++;
			}
			double w = (j - i) * bw;
			fprintf(f,
				"<rect class=\"%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
				"fill=\"%s\"><title>",
				k ? "repaired" : "gap", PLOT_X + i * bw, y + 1, w < 3 ? 3 : w,
				ROW_H - 2, k ? "#2ca02c" : "#d62728");
			row_label(f, r, other, s->other_threads);
			fprintf(f, ": %.6f-%.6f s: ", (double)((uint64_t)i * s->binw) / 1e9,
				(double)((uint64_t)j * s->binw) / 1e9);
			if (k)
				fprintf(f, "%" PRIu64 " lost events repaired", nr);
			else
				fprintf(f, "%" PRIu64 " events lost, %" PRIu64 " repaired", nl, nr);
			fputs("</title></rect>\n", f);
			i = j;
		}
	}
	fputs("</g>\n", f);
}

static void polyline(FILE *f, const uint32_t *v, int nb, double bw, double y0, double h,
		     double vmax, const char *cls, const char *color)
{
	fprintf(f,
		"<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" "
		"points=\"",
		cls, color);
	for (int i = 0; i < nb; i++)
		fprintf(f, "%.1f,%.1f ", PLOT_X + (i + 0.5) * bw,
			y0 + h - (vmax > 0 ? h * v[i] / vmax : 0));
	fputs("\"/>\n", f);
}

static int sv_finish(void *be, uint64_t first_ts, uint64_t last_ts, const struct tl_meta *meta,
		     size_t nmeta)
{
	struct svg *s = be;
	FILE *f = s->out;
	uint64_t span = s->has_t0 && last_ts > s->t0 ? last_ts - s->t0 : 1;
	int nb = (int)((span + s->binw - 1) / s->binw);
	int ncpu = 0, nrow = s->nrows + (s->rows[MAX_ROWS] ? 1 : 0);
	const char *cmd = NULL, *host = NULL;

	(void)first_ts;
	if (nb < 1)
		nb = 1;
	if (nb > NBINS)
		nb = NBINS;
	double bw = (double)PLOT_W / nb, span_s = (double)nb * (double)s->binw / 1e9;
	for (int i = 0; i <= MAX_CPUS; i++)
		ncpu += s->cpus[i] != NULL;
	for (size_t i = 0; i < nmeta; i++) {
		if (!strcmp(meta[i].key, "cmdline") || !strcmp(meta[i].key, "command"))
			cmd = meta[i].value;
		if (!strcmp(meta[i].key, "host"))
			host = meta[i].value;
	}

	double y_rows = 92, y_axis1 = y_rows + nrow * ROW_H + 4;
	double y_cpu = y_axis1 + 44, h = y_cpu + ncpu * (CPU_H + 10) + 30;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		"viewBox=\"0 0 %d %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		W, h, W, h);
	fputs("<text class=\"title\" x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">"
	      "tracerec: ",
	      f);
	/* the traced command of a tracerecd command line ("tracerecd ... -- make -j2") */
	const char *dd = cmd ? strstr(cmd, " -- ") : NULL;
	xml_str(f, dd ? dd + 4 : cmd ? cmd : "trace");
	if (host) {
		fputs(" on ", f);
		xml_str(f, host);
	}
	fprintf(f,
		"</text>\n<text class=\"summary\" x=\"10\" y=\"38\">%" PRIu64 " events, %" PRIu64
		" threads, %.3f s; %" PRIu64 " events lost in %" PRIu64 " gaps, %" PRIu64
		" synthetic events (%" PRIu64 " gaps fully repaired)</text>\n",
		s->events, (uint64_t)s->idx.at.n, (double)span / 1e9, s->lost, s->gaps,
		s->synthetic, s->repaired_gaps);
	/* legend */
	fputs("<g class=\"legend\">"
	      "<rect x=\"10\" y=\"50\" width=\"14\" height=\"10\" fill=\"#3b6fb6\"/>"
	      "<text x=\"28\" y=\"59\">in a syscall (darker: more of the time)</text>"
	      "<rect x=\"260\" y=\"50\" width=\"14\" height=\"10\" fill=\"#d62728\"/>"
	      "<text x=\"278\" y=\"59\">lost events (gap, not repaired)</text>"
	      "<rect x=\"480\" y=\"50\" width=\"14\" height=\"10\" fill=\"#2ca02c\"/>"
	      "<text x=\"498\" y=\"59\">repaired (synthetic events fill the gap)</text>"
	      "<line x1=\"740\" y1=\"55\" x2=\"760\" y2=\"55\" stroke=\"#3b6fb6\" stroke-width=\"2\"/>"
	      "<text x=\"764\" y=\"59\">events/s per CPU</text>"
	      "<line x1=\"880\" y1=\"55\" x2=\"900\" y2=\"55\" stroke=\"#d62728\" stroke-width=\"2\"/>"
	      "<text x=\"904\" y=\"59\">lost/s per CPU</text></g>\n",
	      f);
	fprintf(f, "<text x=\"10\" y=\"%.1f\" font-weight=\"bold\">threads</text>\n", y_rows - 8);
	for (int i = 0; i < s->nrows; i++)
		draw_row(s, f, s->rows[i], 0, y_rows + i * ROW_H, nb, bw);
	if (s->rows[MAX_ROWS])
		draw_row(s, f, s->rows[MAX_ROWS], 1, y_rows + s->nrows * ROW_H, nb, bw);
	axis(f, y_axis1, span_s, PLOT_W / span_s);

	fprintf(f,
		"<text x=\"10\" y=\"%.1f\" font-weight=\"bold\">per CPU: events/s and lost/s"
		"</text>\n",
		y_cpu - 10);
	double y = y_cpu;
	for (int i = 0; i <= MAX_CPUS; i++) {
		struct svg_cpu *c = s->cpus[i];
		if (!c)
			continue;
		uint32_t vmax = 1;
		for (int k = 0; k < nb; k++) {
			if (c->events[k] > vmax)
				vmax = c->events[k];
			if (c->lost[k] > vmax)
				vmax = c->lost[k];
		}
		double per_s = 1e9 / (double)s->binw;
		char name[16];
		if (i == MAX_CPUS)
			snprintf(name, sizeof(name), "cpu ?");
		else
			snprintf(name, sizeof(name), "cpu %d", i);
		fprintf(f,
			"<g class=\"cpu\" data-cpu=\"%d\"><text class=\"label\" x=\"%d\" "
			"y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			i, LABEL_W, y + CPU_H / 2.0, name);
		fprintf(f,
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#666\">%.3g/s</text>\n",
			LABEL_W, y + 10, vmax * per_s);
		fprintf(f,
			"<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" "
			"stroke=\"#ddd\"/>\n",
			PLOT_X, y, PLOT_W, CPU_H);
		polyline(f, c->events, nb, bw, y, CPU_H, vmax, "events", "#3b6fb6");
		polyline(f, c->lost, nb, bw, y, CPU_H, vmax, "lost", "#d62728");
		fprintf(f, "<title>%s: %" PRIu64 " events, %" PRIu64 " lost</title></g>\n", name,
			c->total_events, c->total_lost);
		y += CPU_H + 10;
	}
	axis(f, y - 6, span_s, PLOT_W / span_s);
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}

const struct tl_ops svg_ops = {
	.record = sv_record,
	.thread = sv_thread,
	.slice = sv_slice,
	.gap_end = sv_gap_end,
	.gap_cpu = sv_gap_cpu,
	.finish = sv_finish,
};

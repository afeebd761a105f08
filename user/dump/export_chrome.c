/* export_chrome.c - tracerec-dump --export chrome-json: the Chrome trace-event JSON format
 * (the "JSON Object Format" of the Trace Event Format document), which Perfetto UI,
 * chrome://tracing and speedscope open.
 *
 *   thread_name / process_name "M" events   each thread is a track "comm tid" under its pid
 *   "X" events, cat "syscall"              one per syscall, entry to exit; args: ret, and
 *                                           entry/exit when not recorded (lost, not recorded,
 *                                           still open at the end of the trace)
 *   "X" events, cat "synthetic"            calls with a synthetic entry or exit (tracerec-fill),
 *                                           args confidence and gap
 *   "X" events, cat "lost"                 one per attributed gap, named "lost N events", on
 *                                           its thread's track, written when the gap ends (its
 *                                           calls are written before it); args gap, lost,
 *                                           tseq_first, tseq_last, cpu, the collector's
 *                                           lost-syscall sketch, repair, synthetic, unfilled.
 *                                           (Not a B/E pair: speedscope names a slice by its
 *                                           name and args, and an E with other args than its
 *                                           B ends "another" slice.)
 *   "C" events "lost"                      events lost so far, one series per thread
 *   pid 4194305 "lost events (unattributed)" one track per CPU with its unattributed gaps
 *   top-level "metadata"                   the trace's metadata records (host, kernel, cmdline..)
 * Events are written as they come (one per line); viewers sort them by time.
 */
#include "dump/export.h"
#include "dump/dump.h"
#include "common/syscalls.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define LOST_PID 4194305u /* above PID_MAX_LIMIT: never a real process */

struct chrome {
	FILE *out;
	struct export_counts *c;
	uint64_t nev;
	struct dump_map cpus; /* cpu -> 1 once its track is named */
};

void *chrome_json_new(FILE *out, struct export_counts *c)
{
	struct chrome *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->out = out;
	j->c = c;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", out);
	return j;
}

void chrome_json_free(void *be)
{
	struct chrome *j = be;

	if (!j)
		return;
	dump_map_free(&j->cpus);
	free(j);
}

/* Start one event: the separator, then '{'. */
static FILE *ev_start(struct chrome *j)
{
	if (j->nev++)
		fputs(",\n", j->out);
	fputc('{', j->out);
	return j->out;
}

/* ns as microseconds with three decimals, exactly. */
static void put_us(FILE *f, const char *key, uint64_t ns)
{
	fprintf(f, ",\"%s\":%" PRIu64 ".%03u", key, ns / 1000, (unsigned)(ns % 1000));
}

/* ,"args":{...} from the shared argument list (export_args.c) */
static void put_args(FILE *f, const struct export_arg *a, size_t n)
{
	fputs(",\"args\":{", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "", export_arg_names[a[i].id]);
		switch (a[i].type) {
		case XT_INT: fprintf(f, "%" PRId64, a[i].i); break;
		case XT_UINT: fprintf(f, "%" PRIu64, a[i].u); break;
		case XT_DOUBLE: fprintf(f, "%.3f", a[i].d); break;
		case XT_STR: dump_json_str(f, a[i].s); break;
		default: fputs("null", f); break;
		}
	}
	fputs("}}", f);
}

static int cj_thread(void *be, const struct tl_thread *t)
{
	struct chrome *j = be;
	FILE *f;

	if (!t->comm[0])
		return 0;
	f = ev_start(j);
	fprintf(f, "\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":",
		t->pid, t->tid);
	dump_json_str(f, t->comm);
	fputs("}}", f);
	if (t->tid == t->pid) {
		f = ev_start(j);
		fprintf(f, "\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"args\":{\"name\":",
			t->pid);
		dump_json_str(f, t->comm);
		fputs("}}", f);
	}
	return 0;
}

static int cj_slice(void *be, const struct tl_slice *s)
{
	struct chrome *j = be;
	int synth = s->entry == TL_SYNTHETIC || s->exit == TL_SYNTHETIC;
	struct export_arg a[EXPORT_ARGS_MAX];
	size_t na;
	char nbuf[32];
	FILE *f = ev_start(j);

	fprintf(f, "\"ph\":\"X\",\"cat\":\"%s\",\"name\":\"%s\",\"pid\":%u,\"tid\":%u",
		synth ? "synthetic" : "syscall", syscall_name_buf(s->nr, nbuf, sizeof(nbuf)),
		s->pid, s->tid);
	put_us(f, "ts", s->ts);
	put_us(f, "dur", s->end - s->ts);
	na = export_slice_args(s, a); /* a filled before put_args reads it */
	put_args(f, a, na);
	j->c->slices++;
	if (synth)
		j->c->synthetic_slices++;
	return 0;
}

static void gap_name(FILE *f, const struct tl_gap *g)
{
	char name[48];

	fprintf(f, "\"cat\":\"lost\",\"name\":\"%s\"", export_gap_name(g, name, sizeof(name)));
}

static int cj_gap_begin(void *be, const struct tl_gap *g)
{
	struct chrome *j = be;
	FILE *f = ev_start(j);

	fprintf(f, "\"ph\":\"C\",\"name\":\"lost\",\"pid\":%u,\"tid\":%u", g->pid, g->tid);
	put_us(f, "ts", g->ts);
	fprintf(f, ",\"args\":{\"tid %u\":%" PRIu64 "}}", g->tid, g->thread_lost);
	return 0;
}

/* The X slice of gap g on track pid/tid, with its arguments (export_gap_args' end: its repair). */
static void gap_slice(struct chrome *j, const struct tl_gap *g, uint32_t pid, uint32_t tid, int end)
{
	struct export_arg a[EXPORT_ARGS_MAX];
	size_t na = export_gap_args(g, 1, end, a);
	FILE *f = ev_start(j);

	fputs("\"ph\":\"X\",", f);
	gap_name(f, g);
	fprintf(f, ",\"pid\":%u,\"tid\":%u", pid, tid);
	put_us(f, "ts", g->ts);
	put_us(f, "dur", g->end - g->ts);
	put_args(f, a, na);
	j->c->gaps++;
}

static int cj_gap_end(void *be, const struct tl_gap *g)
{
	gap_slice(be, g, g->pid, g->tid, 1);
	return 0;
}

static int cj_gap_cpu(void *be, const struct tl_gap *g)
{
	struct chrome *j = be;
	uint32_t tid = LOST_PID + 1 + (g->cpu == TRZ_NO_CPU ? 65535u : g->cpu);
	uint64_t *named = dump_map_get(&j->cpus, g->cpu);
	FILE *f;

	if (!named)
		return -ENOMEM;
	if (!*named) {
		*named = 1;
		if (j->cpus.at.n == 1) {
			f = ev_start(j);
			fprintf(f,
				"\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"args\":"
				"{\"name\":\"lost events (unattributed)\"}}",
				LOST_PID);
		}
		f = ev_start(j);
		fprintf(f, "\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,\"args\":",
			LOST_PID, tid);
		if (g->cpu == TRZ_NO_CPU)
			fputs("{\"name\":\"cpu ?\"}}", f);
		else
			fprintf(f, "{\"name\":\"cpu %u\"}}", g->cpu);
	}
	gap_slice(j, g, LOST_PID, tid, 0);
	return 0;
}

static int cj_finish(void *be, uint64_t first_ts, uint64_t last_ts, const struct tl_meta *meta,
		     size_t nmeta)
{
	struct chrome *j = be;
	FILE *f = j->out;
	char key[TRZ_KEY_MAX + 24];

	fputs("\n],\n\"metadata\":{\"tracerec-export\":\"chrome-json\"", f);
	fprintf(f, ",\"first_ts_ns\":%" PRIu64 ",\"last_ts_ns\":%" PRIu64, first_ts, last_ts);
	for (size_t i = 0; i < nmeta; i++) {
		export_meta_key(meta, nmeta, i, key, sizeof(key));
		fputc(',', f);
		dump_json_str(f, key);
		fputc(':', f);
		dump_json_str(f, meta[i].value);
	}
	fputs("}}\n", f);
	return ferror(f) ? -EIO : 0;
}

const struct tl_ops chrome_json_ops = {
	.thread = cj_thread,
	.slice = cj_slice,
	.gap_begin = cj_gap_begin,
	.gap_end = cj_gap_end,
	.gap_cpu = cj_gap_cpu,
	.finish = cj_finish,
};

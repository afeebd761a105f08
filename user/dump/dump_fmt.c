/* dump_fmt.c - one line per trz record, as strace-like text, CSV or JSON lines
 * (formats documented in man/tracerec-dump.1, OUTPUT FORMATS). */
#define _GNU_SOURCE
#include "dump/dump.h"
#include "common/syscalls.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

static const char *const thread_what[] = { "snapshot", "fork", "exec", "exit" };

static const char *what_name(uint8_t w)
{
	return w <= TRZ_THREAD_EXIT ? thread_what[w] : "?";
}

/* Strings from a trace are arbitrary bytes: in text output, control characters become C-style
 * escapes so that every record stays on one line.  Returns buf. */
static const char *text_safe(const char *in, char *buf, size_t size)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p && o + 5 < size; p++) {
		if (*p == '\\' || *p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(buf + o, size - o,
					      *p == '\\'   ? "\\\\"
					      : *p == '\n' ? "\\n"
					      : *p == '\t' ? "\\t"
							   : "\\x%02x",
					      *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o] = '\0';
	return buf;
}

/* Room for the decoded arguments of one call: two escaped strings of TRZ_STRING_MAX and an
 * argv of DUMP_STRINGS_PER_EVENT short ones fit. */
#define ARGS_TEXT_MAX (16 * TRZ_STRING_MAX)

/* ---- text ---- */

static void when(struct dump_printer *p, uint64_t ts)
{
	static const int width[] = {
		[DUMP_TIME_TRACE] = 16, [DUMP_TIME_WALL] = 8, [DUMP_TIME_WALL_US] = 15, [DUMP_TIME_EPOCH] = 17, [DUMP_TIME_RELATIVE] = 13
	};
	FILE *out = p->out;
	enum dump_time t = p->time;

	if ((t == DUMP_TIME_WALL || t == DUMP_TIME_WALL_US || t == DUMP_TIME_EPOCH) && !p->has_wall)
		t = DUMP_TIME_TRACE; /* no wall-clock start in the trace: the caller said so */
	if (!ts) {
		fprintf(out, "%*s", width[t], "-");
		return;
	}
	if (t == DUMP_TIME_TRACE) {
		fprintf(out, "%6" PRIu64 ".%09" PRIu64, ts / 1000000000u, ts % 1000000000u);
	} else if (t == DUMP_TIME_RELATIVE) {
		int64_t d = p->last_ts ? (int64_t)(ts - p->last_ts) : 0;
		uint64_t a = d < 0 ? (uint64_t)-d : (uint64_t)d;
		fprintf(out, "%s%5" PRIu64 ".%06" PRIu64, d < 0 ? "-" : " ", a / 1000000000u,
			a % 1000000000u / 1000u);
	} else {
		int64_t w = (int64_t)ts + p->wall_offset_ns;
		time_t sec = (time_t)(w / 1000000000);
		uint64_t us = (uint64_t)(w % 1000000000) / 1000u;
		struct tm tm;
		char hms[16];

		if (t == DUMP_TIME_EPOCH) {
			fprintf(out, "%10lld.%06" PRIu64, (long long)sec, us);
		} else {
			localtime_r(&sec, &tm);
			strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
			if (t == DUMP_TIME_WALL)
				fputs(hms, out);
			else
				fprintf(out, "%s.%06" PRIu64, hms, us);
		}
	}
	p->last_ts = ts;
}

static void text_prefix(struct dump_printer *p, uint64_t ts, int has_tid, uint32_t tid,
			const char *comm)
{
	char safe[4 * TRZ_COMM_LEN + 8];

	comm = text_safe(comm, safe, sizeof(safe));
	when(p, ts);
	if (has_tid)
		fprintf(p->out, " %7u %-15s ", tid, comm);
	else
		fprintf(p->out, " %7s %-15s ", "-", "-");
}

static void synth_suffix(FILE *out, uint64_t gap, float conf)
{
	fprintf(out, " [synthetic gap %" PRIu64 " conf %.2f]", gap, conf);
}

/* An entry line still waiting for its exit is cut short by any other line, as in strace. */
static void close_open(struct dump_printer *p)
{
	if (!p->open)
		return;
	fputs(" <unfinished ...>", p->out);
	if (p->open_gap)
		synth_suffix(p->out, p->open_gap, p->open_conf);
	fputc('\n', p->out);
	p->open = 0;
}

static void duration(FILE *out, uint64_t ns)
{
	fprintf(out, " <%" PRIu64 ".%06" PRIu64 ">", ns / 1000000000u, ns % 1000000000u / 1000u);
}

/* One event; gap != 0 for a synthetic event (imputers predict the syscall, not its arguments or
 * return value: "= ?"). */
static int text_event(struct dump_printer *p, const struct trz_event *ev, uint64_t gap, float conf)
{
	static char buf[ARGS_TEXT_MAX];
	char name_buf[32];
	const char *name = syscall_name_buf(ev->nr, name_buf, sizeof(name_buf));
	struct dump_pending *pe = dump_pairs_get(&p->pairs, ev->tid);
	FILE *out = p->out;

	if (!pe)
		return -ENOMEM;
	if (ev->dir == TRZ_ENTRY) {
		close_open(p);
		text_prefix(p, ev->ts_ns, 1, ev->tid, dump_comms_get(p->comms, ev->tid));
		if (gap)
			fputs("~ ", out);
		fprintf(out, "%s(%s)", name,
			gap ? "..." : dump_args_format_strs(buf, sizeof(buf), ev, p->strs, p->nstrs));
		*pe = (struct dump_pending){ .ts = ev->ts_ns,
					     .tseq = ev->tseq,
					     .gap_id = gap,
					     .nr = ev->nr,
					     .valid = 1,
					     .synthetic = !!gap };
		p->open = 1;
		p->open_tid = ev->tid;
		p->open_gap = gap;
		p->open_conf = conf;
		return 0;
	}
	int matched = dump_pairs_match(pe, ev) && pe->gap_id == gap;
	if (!(p->open && p->open_tid == ev->tid && matched)) {
		close_open(p);
		text_prefix(p, ev->ts_ns, 1, ev->tid, dump_comms_get(p->comms, ev->tid));
		if (gap)
			fputs("~ ", out);
		fprintf(out, "<... %s resumed>", name);
	}
	p->open = 0;
	if (gap)
		fputs(" = ?", out);
	else
		fprintf(out, " = %s", dump_ret_format(buf, sizeof(buf), ev->nr, ev->ret));
	if (p->durations && matched && !gap)
		duration(out, ev->ts_ns - pe->ts);
	if (gap)
		synth_suffix(out, gap, conf);
	fputc('\n', out);
	pe->valid = 0;
	return 0;
}

static void text_gap(FILE *out, const struct trz_gap *g)
{
	char n[24];

	if (g->lost)
		snprintf(n, sizeof(n), "%" PRIu64, g->lost);
	else
		snprintf(n, sizeof(n), "?");
	if (g->attributed) {
		fprintf(out, "<<< lost %s events of tid %u", n, g->tid);
		dump_sketch_text(out, g); /* ": read x926 (entry+exit) ... exact" */
		fprintf(out, " >>> [gap %" PRIu64, g->id);
		if (g->lost)
			fprintf(out, ", tseq %" PRIu64 "..%" PRIu64, g->seq_first, g->seq_last);
	} else {
		if (g->cpu == TRZ_NO_CPU)
			fprintf(out, "<<< lost %s events on an unknown cpu (unattributed) >>>", n);
		else
			fprintf(out, "<<< lost %s events on cpu %u (unattributed) >>>", n, g->cpu);
		fprintf(out, " [gap %" PRIu64, g->id);
		if (g->seq_first || g->seq_last)
			fprintf(out, ", cseq %" PRIu64 "..%" PRIu64, g->seq_first, g->seq_last);
	}
	if (g->t_end_ns != UINT64_MAX)
		fprintf(out, ", until %" PRIu64 ".%09" PRIu64, g->t_end_ns / 1000000000u,
			g->t_end_ns % 1000000000u);
	fputs("]\n", out);
}

/* strace's words for a wait(2) status: "exited with 0", "killed by SIGSEGV (core dumped)". */
static void exit_status_text(FILE *out, int32_t st)
{
	if (WIFEXITED(st)) {
		fprintf(out, ": exited with %d", WEXITSTATUS(st));
	} else if (WIFSIGNALED(st)) {
		const char *n = sigabbrev_np(WTERMSIG(st));
		if (n)
			fprintf(out, ": killed by SIG%s", n);
		else
			fprintf(out, ": killed by signal %d", WTERMSIG(st));
		if (WCOREDUMP(st))
			fputs(" (core dumped)", out);
	} else {
		fprintf(out, ": status %#x", (unsigned)st);
	}
}

static int print_text(struct dump_printer *p, const struct trz_record *rec)
{
	static char big[4 * TRZ_PATH_MAX + 8];
	const struct trz_thread *th = &rec->th;
	FILE *out = p->out;

	switch (rec->kind) {
	case TRZ_REC_EVENT: return text_event(p, &rec->ev, 0, 0);
	case TRZ_REC_SYNTH:
		return text_event(p, &rec->syn.ev, rec->syn.gap_id ? rec->syn.gap_id : UINT64_MAX,
				  rec->syn.confidence);
	case TRZ_REC_GAP:
		close_open(p);
		text_prefix(p, rec->gap.t_start_ns, rec->gap.attributed, rec->gap.tid,
			    dump_comms_get(p->comms, rec->gap.tid));
		text_gap(out, &rec->gap);
		break;
	case TRZ_REC_THREAD:
		if (p->open && p->open_tid == th->tid && th->what == TRZ_THREAD_EXIT && !p->open_gap) {
			fputs(" = ?\n", out); /* exit, exit_group: the call never returns */
			p->open = 0;
		}
		close_open(p);
		text_prefix(p, th->ts_ns, 1, th->tid, th->comm[0] ? th->comm : "?");
		fprintf(out, "+++ %s pid %u ppid %u%s%s", what_name(th->what), th->pid, th->ppid,
			th->path[0] ? " " : "", text_safe(th->path, big, sizeof(big)));
		if (th->what == TRZ_THREAD_EXIT && th->has_status)
			exit_status_text(out, th->exit_status);
		fputs(" +++\n", out);
		break;
	case TRZ_REC_META:
		close_open(p);
		fprintf(out, "# %s: ", text_safe(rec->meta.key, big, sizeof(big)));
		fprintf(out, "%s\n", text_safe(rec->meta.value, big, sizeof(big)));
		break;
	case TRZ_REC_STATE:
		close_open(p);
		dump_state_text(out, &rec->state);
		break;
	case TRZ_REC_STRING: /* printed with its event */ break;
	}
	return 0;
}

/* ---- CSV ---- */

/* A CSV field: control characters escaped as in text (one line per record), quoted as in
 * RFC 4180 when it holds a comma or a quote. */
static void csv_str(FILE *out, const char *s)
{
	static char safe[4 * (TRZ_KEY_MAX + TRZ_PATH_MAX) + 8];

	s = text_safe(s, safe, sizeof(safe));
	if (!strpbrk(s, ",\"")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

#define CSV_HEADER                                                                              \
	"kind,ts_ns,cpu,pid,tid,comm,syscall,nr,dir,ret,tseq,cseq,args,gap_id,confidence,lost," \
	"seq_first,seq_last,t_end_ns,info"

static void csv_cpu(FILE *out, uint16_t cpu)
{
	if (cpu != TRZ_NO_CPU)
		fprintf(out, "%u", cpu);
}

static void csv_event(FILE *out, const char *kind, const struct trz_event *ev, const char *comm)
{
	char buf[32];

	fprintf(out, "%s,%" PRIu64 ",", kind, ev->ts_ns);
	csv_cpu(out, ev->cpu);
	fprintf(out, ",%u,%u,", ev->pid, ev->tid);
	csv_str(out, comm);
	fprintf(out, ",%s,%d,%s,", syscall_name_buf(ev->nr, buf, sizeof(buf)), ev->nr,
		ev->dir == TRZ_ENTRY ? "entry" : "exit");
	/* a synthetic event has no return value: empty, never a made-up 0 */
	if (strcmp(kind, "synthetic") && (ev->dir == TRZ_EXIT || ev->ret))
		fprintf(out, "%" PRId64, ev->ret);
	fprintf(out, ",%" PRIu64 ",%" PRIu64 ",", ev->tseq, ev->cseq);
	for (int i = 0; i < ev->nargs; i++)
		fprintf(out, "%s%#" PRIx64, i ? " " : "", ev->args[i]);
}

static void print_csv(struct dump_printer *p, const struct trz_record *rec)
{
	static char args[ARGS_TEXT_MAX];
	const struct dump_comms *c = p->comms;
	const struct trz_gap *g = &rec->gap;
	const struct trz_thread *th = &rec->th;
	FILE *out = p->out;

	switch (rec->kind) {
	case TRZ_REC_EVENT:
		csv_event(out, "event", &rec->ev, dump_comms_get(c, rec->ev.tid));
		fputs(",,,,,,,", out);
		if (p->nstrs) /* info: the decoded arguments, with the strings the collector read */
			csv_str(out, dump_args_format_strs(args, sizeof(args), &rec->ev, p->strs,
							   p->nstrs));
		fputc('\n', out);
		break;
	case TRZ_REC_SYNTH:
		csv_event(out, "synthetic", &rec->syn.ev, dump_comms_get(c, rec->syn.ev.tid));
		fprintf(out, ",%" PRIu64 ",%.4f,,,,,\n", rec->syn.gap_id, rec->syn.confidence);
		break;
	case TRZ_REC_GAP:
		fprintf(out, "gap,%" PRIu64 ",", g->t_start_ns);
		csv_cpu(out, g->cpu);
		if (g->attributed)
			fprintf(out, ",%u,%u,", g->pid, g->tid);
		else
			fputs(",,,", out);
		fprintf(out, ",,,,,,,,%" PRIu64 ",,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", g->id,
			g->lost, g->seq_first, g->seq_last);
		if (g->t_end_ns != UINT64_MAX)
			fprintf(out, "%" PRIu64, g->t_end_ns);
		fprintf(out, ",%s\n", g->attributed ? "attributed" : "unattributed");
		break;
	case TRZ_REC_THREAD:
		fprintf(out, "thread,%" PRIu64 ",,%u,%u,", th->ts_ns, th->pid, th->tid);
		csv_str(out, th->comm);
		fputs(",,,,,,,,,,,,,,", out);
		{
			char info[TRZ_PATH_MAX + 64];
			snprintf(info, sizeof(info), "%s ppid=%u path=%s", what_name(th->what),
				 th->ppid, th->path);
			csv_str(out, info);
		}
		fputc('\n', out);
		break;
	case TRZ_REC_META:
		fputs("meta", out);
		for (int i = 1; i < 20; i++)
			fputc(',', out);
		{
			char kv[TRZ_KEY_MAX + TRZ_PATH_MAX + 2];
			snprintf(kv, sizeof(kv), "%s=%s", rec->meta.key, rec->meta.value);
			csv_str(out, kv);
		}
		fputc('\n', out);
		break;
	case TRZ_REC_STATE: dump_state_csv(out, &rec->state); break;
	case TRZ_REC_STRING: /* printed with its event */ break;
	}
}

/* ---- JSON lines ---- */

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when p does not start one. */
static int utf8_len(const unsigned char *p)
{
	int n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;

	if (p[0] >= 0xf8)
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void dump_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int n = *p >= 0x80 ? utf8_len(p) : 1;
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || n == 0)
			fprintf(out, "\\u%04x", *p); /* invalid UTF-8 bytes read as Latin-1 */
		else {
			fwrite(p, 1, (size_t)n, out);
			p += n - 1;
		}
	}
	fputc('"', out);
}

/* "strings":[{"arg":1,"s":"/etc/passwd"},{"arg":1,"index":0,"s":"ls"},...] with "cut":true
 * on cut ones and "more":true on an array's last kept element when it had more. */
static void json_strings(FILE *out, const struct trz_string *const *strs, int n)
{
	fputs(",\"strings\":[", out);
	for (int i = 0; i < n; i++) {
		const struct trz_string *s = strs[i];

		fprintf(out, "%s{\"arg\":%u", i ? "," : "", s->arg);
		if (s->flags & TRZ_STR_ELEM)
			fprintf(out, ",\"index\":%u", s->index);
		fputs(",\"s\":", out);
		dump_json_str(out, s->s);
		if (s->flags & TRZ_STR_CUT)
			fputs(",\"cut\":true", out);
		if (s->flags & TRZ_STR_MORE)
			fputs(",\"more\":true", out);
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_event(FILE *out, const char *kind, const struct trz_event *ev, const char *comm,
		       int64_t dur_ns, const struct trz_string *const *strs, int nstrs)
{
	static char buf[ARGS_TEXT_MAX];

	fprintf(out, "{\"kind\":\"%s\",\"ts_ns\":%" PRIu64 ",\"cpu\":", kind, ev->ts_ns);
	if (ev->cpu == TRZ_NO_CPU)
		fputs("null", out);
	else
		fprintf(out, "%u", ev->cpu);
	fprintf(out, ",\"pid\":%u,\"tid\":%u,\"comm\":", ev->pid, ev->tid);
	dump_json_str(out, comm);
	fputs(",\"syscall\":", out);
	dump_json_str(out, syscall_name_buf(ev->nr, buf, sizeof(buf)));
	fprintf(out, ",\"nr\":%d,\"dir\":\"%s\"", ev->nr, ev->dir == TRZ_ENTRY ? "entry" : "exit");
	/* a synthetic event has no return value: no "ret" member, never a made-up 0 */
	if (strcmp(kind, "synthetic") && (ev->dir == TRZ_EXIT || ev->ret))
		fprintf(out, ",\"ret\":%" PRId64, ev->ret);
	if (dur_ns >= 0)
		fprintf(out, ",\"duration_ns\":%" PRId64, dur_ns);
	fprintf(out, ",\"tseq\":%" PRIu64 ",\"cseq\":%" PRIu64, ev->tseq, ev->cseq);
	if (ev->nargs) {
		fputs(",\"args\":[", out);
		for (int i = 0; i < ev->nargs; i++)
			fprintf(out, "%s%" PRIu64, i ? "," : "", ev->args[i]);
		fputs("],\"args_text\":", out);
		dump_json_str(out, dump_args_format_strs(buf, sizeof(buf), ev, strs, nstrs));
	}
	if (nstrs)
		json_strings(out, strs, nstrs);
}

static void json_gap(FILE *out, const struct trz_gap *g)
{
	fprintf(out, "{\"kind\":\"gap\",\"id\":%" PRIu64 ",\"attributed\":%s", g->id,
		g->attributed ? "true" : "false");
	if (g->attributed)
		fprintf(out, ",\"pid\":%u,\"tid\":%u", g->pid, g->tid);
	fputs(",\"cpu\":", out);
	if (g->cpu == TRZ_NO_CPU)
		fputs("null", out);
	else
		fprintf(out, "%u", g->cpu);
	fprintf(out,
		",\"lost\":%" PRIu64 ",\"seq_first\":%" PRIu64 ",\"seq_last\":%" PRIu64
		",\"t_start_ns\":%" PRIu64 ",\"t_end_ns\":",
		g->lost, g->seq_first, g->seq_last, g->t_start_ns);
	if (g->t_end_ns == UINT64_MAX)
		fputs("null", out);
	else
		fprintf(out, "%" PRIu64, g->t_end_ns);
	dump_sketch_json(out, g);
	fputs("}\n", out);
}

/* Time in the call for a recorded exit that completes its recorded entry, else -1. */
static int pair_duration(struct dump_printer *p, const struct trz_event *ev, int synthetic,
			 int64_t *dur)
{
	struct dump_pending *pe = dump_pairs_get(&p->pairs, ev->tid);

	*dur = -1;
	if (!pe)
		return -ENOMEM;
	if (ev->dir == TRZ_ENTRY) {
		*pe = (struct dump_pending){ .ts = ev->ts_ns,
					     .tseq = ev->tseq,
					     .nr = ev->nr,
					     .valid = 1,
					     .synthetic = (uint8_t)synthetic };
		return 0;
	}
	if (dump_pairs_match(pe, ev) && !synthetic && !pe->synthetic)
		*dur = (int64_t)(ev->ts_ns - pe->ts);
	pe->valid = 0;
	return 0;
}

static int print_jsonl(struct dump_printer *p, const struct trz_record *rec)
{
	const struct trz_thread *th = &rec->th;
	const struct dump_comms *c = p->comms;
	FILE *out = p->out;
	int64_t dur;
	int err;

	switch (rec->kind) {
	case TRZ_REC_EVENT:
		if ((err = pair_duration(p, &rec->ev, 0, &dur)))
			return err;
		json_event(out, "event", &rec->ev, dump_comms_get(c, rec->ev.tid), dur, p->strs,
			   p->nstrs);
		fputs("}\n", out);
		break;
	case TRZ_REC_SYNTH:
		if ((err = pair_duration(p, &rec->syn.ev, 1, &dur)))
			return err;
		json_event(out, "synthetic", &rec->syn.ev, dump_comms_get(c, rec->syn.ev.tid), -1,
			   NULL, 0);
		fprintf(out, ",\"gap_id\":%" PRIu64 ",\"confidence\":%.4f}\n", rec->syn.gap_id,
			rec->syn.confidence);
		break;
	case TRZ_REC_GAP: json_gap(out, &rec->gap); break;
	case TRZ_REC_THREAD:
		fprintf(out,
			"{\"kind\":\"thread\",\"ts_ns\":%" PRIu64 ",\"what\":\"%s\",\"pid\":%u,"
			"\"tid\":%u,\"ppid\":%u,\"comm\":",
			th->ts_ns, what_name(th->what), th->pid, th->tid, th->ppid);
		dump_json_str(out, th->comm);
		fputs(",\"path\":", out);
		dump_json_str(out, th->path);
		if (th->has_status)
			fprintf(out, ",\"exit_status\":%d", th->exit_status);
		fputs("}\n", out);
		break;
	case TRZ_REC_META:
		fputs("{\"kind\":\"meta\",\"key\":", out);
		dump_json_str(out, rec->meta.key);
		fputs(",\"value\":", out);
		dump_json_str(out, rec->meta.value);
		fputs("}\n", out);
		break;
	case TRZ_REC_STATE: dump_state_json(out, &rec->state); break;
	case TRZ_REC_STRING: /* printed with its event */ break;
	}
	return 0;
}

void dump_print_header(struct dump_printer *p)
{
	if (p->fmt == DUMP_CSV)
		fputs(CSV_HEADER "\n", p->out);
}

int dump_print_record(struct dump_printer *p, const struct trz_record *rec)
{
	p->strs = NULL;
	p->nstrs = 0;
	if (p->strings && rec->kind == TRZ_REC_EVENT && rec->ev.dir == TRZ_ENTRY)
		p->nstrs = dump_strings_take(p->strings, rec->ev.tid, rec->ev.tseq, &p->strs);
	if (p->fmt == DUMP_CSV) {
		print_csv(p, rec);
		return 0;
	}
	if (p->fmt == DUMP_JSONL)
		return print_jsonl(p, rec);
	return print_text(p, rec);
}

void dump_print_end(struct dump_printer *p)
{
	close_open(p);
	dump_pairs_free(&p->pairs);
}

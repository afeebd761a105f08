/* dump_fmt.c - one line per trz record, as strace-like text, CSV or JSON lines
 * (formats documented in man/tracerec-dump.1, OUTPUT FORMATS). */
#define _GNU_SOURCE
#include "dump/dump.h"
#include "common/syscalls.h"

#include <inttypes.h>
#include <string.h>

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
			o += (size_t)snprintf(buf + o, size - o, *p == '\\' ? "\\\\" : *p == '\n' ? "\\n"
					      : *p == '\t' ? "\\t" : "\\x%02x", *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o] = '\0';
	return buf;
}

static void print_time(FILE *out, uint64_t ts)
{
	fprintf(out, "%6" PRIu64 ".%09" PRIu64, ts / 1000000000u, ts % 1000000000u);
}

/* Small values and errors in decimal, the rest (pointers, flags) in hex. */
static void print_arg(FILE *out, uint64_t v)
{
	if (v <= 0xffff || ((int64_t)v >= -4095 && (int64_t)v < 0))
		fprintf(out, "%" PRId64, (int64_t)v);
	else
		fprintf(out, "%#" PRIx64, v);
}

static void print_ret(FILE *out, int64_t ret)
{
	const char *name = ret < 0 && ret >= -4095 ? strerrorname_np((int)-ret) : NULL;

	if (name)
		fprintf(out, "-1 %s (%s)", name, strerror((int)-ret));
	else
		print_arg(out, (uint64_t)ret);
}

/* synthetic: the imputer predicts syscalls, not return values, so exits show "= ?". */
static void text_syscall(FILE *out, const struct trz_event *ev, int synthetic)
{
	char buf[32];
	const char *name = syscall_name_buf(ev->nr, buf, sizeof(buf));

	if (ev->dir == TRZ_ENTRY) {
		fprintf(out, "-> %s", name);
		if (ev->nargs) {
			fputc('(', out);
			for (int i = 0; i < ev->nargs; i++) {
				if (i)
					fputs(", ", out);
				print_arg(out, ev->args[i]);
			}
			fputc(')', out);
		}
	} else {
		fprintf(out, "<- %s = ", name);
		if (synthetic)
			fputc('?', out);
		else
			print_ret(out, ev->ret);
	}
}

static void text_prefix(FILE *out, uint64_t ts, int has_tid, uint32_t tid, const char *comm)
{
	char safe[4 * TRZ_COMM_LEN + 8];

	comm = text_safe(comm, safe, sizeof(safe));
	if (ts)
		print_time(out, ts);
	else
		fputs("                -", out);
	if (has_tid)
		fprintf(out, " %7u %-15s ", tid, comm);
	else
		fprintf(out, " %7s %-15s ", "-", "-");
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

static void print_text(FILE *out, const struct trz_record *rec, const struct dump_comms *c)
{
	static char big[4 * TRZ_PATH_MAX + 8];
	const struct trz_thread *th = &rec->th;

	switch (rec->kind) {
	case TRZ_REC_EVENT:
		text_prefix(out, rec->ev.ts_ns, 1, rec->ev.tid, dump_comms_get(c, rec->ev.tid));
		text_syscall(out, &rec->ev, 0);
		fputc('\n', out);
		break;
	case TRZ_REC_SYNTH:
		text_prefix(out, rec->syn.ev.ts_ns, 1, rec->syn.ev.tid,
			    dump_comms_get(c, rec->syn.ev.tid));
		fputs("~ ", out);
		text_syscall(out, &rec->syn.ev, 1);
		fprintf(out, " [synthetic gap %" PRIu64 " conf %.2f]\n", rec->syn.gap_id,
			rec->syn.confidence);
		break;
	case TRZ_REC_GAP:
		text_prefix(out, rec->gap.t_start_ns, rec->gap.attributed, rec->gap.tid,
			    dump_comms_get(c, rec->gap.tid));
		text_gap(out, &rec->gap);
		break;
	case TRZ_REC_THREAD:
		text_prefix(out, th->ts_ns, 1, th->tid, th->comm[0] ? th->comm : "?");
		fprintf(out, "+++ %s pid %u ppid %u%s%s +++\n", what_name(th->what), th->pid,
			th->ppid, th->path[0] ? " " : "", text_safe(th->path, big, sizeof(big)));
		break;
	case TRZ_REC_META:
		fprintf(out, "# %s: ", text_safe(rec->meta.key, big, sizeof(big)));
		fprintf(out, "%s\n", text_safe(rec->meta.value, big, sizeof(big)));
		break;
	case TRZ_REC_STATE:
		dump_state_text(out, &rec->state);
		break;
	}
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

#define CSV_HEADER                                                                                \
	"kind,ts_ns,cpu,pid,tid,comm,syscall,nr,dir,ret,tseq,cseq,args,gap_id,confidence,lost,"   \
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
	if (ev->dir == TRZ_EXIT || ev->ret)
		fprintf(out, "%" PRId64, ev->ret);
	fprintf(out, ",%" PRIu64 ",%" PRIu64 ",", ev->tseq, ev->cseq);
	for (int i = 0; i < ev->nargs; i++)
		fprintf(out, "%s%#" PRIx64, i ? " " : "", ev->args[i]);
}

static void print_csv(FILE *out, const struct trz_record *rec, const struct dump_comms *c)
{
	const struct trz_gap *g = &rec->gap;
	const struct trz_thread *th = &rec->th;

	switch (rec->kind) {
	case TRZ_REC_EVENT:
		csv_event(out, "event", &rec->ev, dump_comms_get(c, rec->ev.tid));
		fputs(",,,,,,,\n", out);
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
	case TRZ_REC_STATE:
		dump_state_csv(out, &rec->state);
		break;
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

static void json_event(FILE *out, const char *kind, const struct trz_event *ev,
		       const char *comm)
{
	char buf[32];

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
	if (ev->dir == TRZ_EXIT || ev->ret)
		fprintf(out, ",\"ret\":%" PRId64, ev->ret);
	fprintf(out, ",\"tseq\":%" PRIu64 ",\"cseq\":%" PRIu64, ev->tseq, ev->cseq);
	if (ev->nargs) {
		fputs(",\"args\":[", out);
		for (int i = 0; i < ev->nargs; i++)
			fprintf(out, "%s%" PRIu64, i ? "," : "", ev->args[i]);
		fputc(']', out);
	}
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
	fprintf(out, ",\"lost\":%" PRIu64 ",\"seq_first\":%" PRIu64 ",\"seq_last\":%" PRIu64
		     ",\"t_start_ns\":%" PRIu64 ",\"t_end_ns\":",
		g->lost, g->seq_first, g->seq_last, g->t_start_ns);
	if (g->t_end_ns == UINT64_MAX)
		fputs("null", out);
	else
		fprintf(out, "%" PRIu64, g->t_end_ns);
	dump_sketch_json(out, g);
	fputs("}\n", out);
}

static void print_jsonl(FILE *out, const struct trz_record *rec, const struct dump_comms *c)
{
	const struct trz_thread *th = &rec->th;

	switch (rec->kind) {
	case TRZ_REC_EVENT:
		json_event(out, "event", &rec->ev, dump_comms_get(c, rec->ev.tid));
		fputs("}\n", out);
		break;
	case TRZ_REC_SYNTH:
		json_event(out, "synthetic", &rec->syn.ev, dump_comms_get(c, rec->syn.ev.tid));
		fprintf(out, ",\"gap_id\":%" PRIu64 ",\"confidence\":%.4f}\n", rec->syn.gap_id,
			rec->syn.confidence);
		break;
	case TRZ_REC_GAP:
		json_gap(out, &rec->gap);
		break;
	case TRZ_REC_THREAD:
		fprintf(out, "{\"kind\":\"thread\",\"ts_ns\":%" PRIu64 ",\"what\":\"%s\",\"pid\":%u,"
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
	case TRZ_REC_STATE:
		dump_state_json(out, &rec->state);
		break;
	}
}

void dump_print_header(FILE *out, enum dump_format fmt)
{
	if (fmt == DUMP_CSV)
		fputs(CSV_HEADER "\n", out);
}

void dump_print_record(FILE *out, enum dump_format fmt, const struct trz_record *rec,
		       const struct dump_comms *comms)
{
	if (fmt == DUMP_CSV)
		print_csv(out, rec, comms);
	else if (fmt == DUMP_JSONL)
		print_jsonl(out, rec, comms);
	else
		print_text(out, rec, comms);
}

/* dump_sketch.c - printing what the collector knows about lost events: a gap's lost-syscall
 * sketch and the recorder's STATE records (text, csv, jsonl; fields in tracerec-dump(1)). */
#include "dump/dump.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/syscalls.h"

#define TEXT_NAMES 6 /* syscalls named in a text gap line; the rest are summed */

struct nr_count {
	int32_t nr;
	uint64_t entry, exit;
};

static int by_total_desc(const void *a, const void *b)
{
	const struct nr_count *x = a, *y = b;
	uint64_t tx = x->entry + x->exit, ty = y->entry + y->exit;

	if (tx != ty)
		return tx < ty ? 1 : -1;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

/* The sketch's counts grouped by syscall, largest first; returns how many. */
static int group_by_nr(const struct trz_sketch *sk, struct nr_count *out)
{
	int n = 0;

	for (int i = 0; i < sk->ntoks; i++) {
		int j;

		for (j = 0; j < n && out[j].nr != sk->toks[i].tok.nr; j++)
			;
		if (j == n)
			out[n++] = (struct nr_count){ .nr = sk->toks[i].tok.nr };
		if (sk->toks[i].tok.dir == TRZ_EXIT)
			out[j].exit += sk->toks[i].count;
		else
			out[j].entry += sk->toks[i].count;
	}
	qsort(out, (size_t)n, sizeof(*out), by_total_desc);
	return n;
}

void dump_sketch_text(FILE *out, const struct trz_gap *g)
{
	const struct trz_sketch *sk = &g->sketch;
	struct nr_count c[TRZ_SKETCH_MAX_TOKS];
	uint64_t rest = 0;
	char buf[32];
	int n;

	if (!g->attributed || !sk->present)
		return;
	n = group_by_nr(sk, c);
	fputc(':', out);
	for (int i = 0; i < n; i++) {
		if (i >= TEXT_NAMES) {
			rest += c[i].entry + c[i].exit;
			continue;
		}
		fprintf(out, "%s %s", i ? "," : "", syscall_name_buf(c[i].nr, buf, sizeof(buf)));
		if (c[i].entry == c[i].exit)
			fprintf(out, " x%" PRIu64 " (entry+exit)", c[i].entry);
		else if (!c[i].exit)
			fprintf(out, " x%" PRIu64 " (entry)", c[i].entry);
		else if (!c[i].entry)
			fprintf(out, " x%" PRIu64 " (exit)", c[i].exit);
		else
			fprintf(out, " x%" PRIu64 " (entry) x%" PRIu64 " (exit)", c[i].entry,
				c[i].exit);
	}
	if (rest)
		fprintf(out, ", %" PRIu64 " more of %d other syscalls", rest, n - TEXT_NAMES);
	if (sk->other)
		fprintf(out, ", %" PRIu64 " unknown", sk->other);
	fputs(sk->other ? " ... partial" : " ... exact", out);
}

static void json_tokens(FILE *out, const char *name, const struct trz_token *t, int n)
{
	fprintf(out, ",\"%s\":[", name);
	for (int i = 0; i < n; i++)
		fprintf(out, "%s[%d,%u]", i ? "," : "", t[i].nr, t[i].dir);
	fputc(']', out);
}

void dump_sketch_json(FILE *out, const struct trz_gap *g)
{
	const struct trz_sketch *sk = &g->sketch;

	if (!sk->present)
		return;
	fprintf(out, ",\"sketch\":{\"exact\":%s,\"counts\":[",
		trz_sketch_exact(g) ? "true" : "false");
	for (int i = 0; i < sk->ntoks; i++)
		fprintf(out, "%s[%d,%u,%" PRIu64 "]", i ? "," : "", sk->toks[i].tok.nr,
			sk->toks[i].tok.dir, sk->toks[i].count);
	fprintf(out, "],\"other\":%" PRIu64, sk->other);
	json_tokens(out, "first", sk->first, sk->nfirst);
	json_tokens(out, "last", sk->last, sk->nlast);
	fprintf(out, ",\"t_first_ns\":%" PRIu64 ",\"t_last_ns\":%" PRIu64 "}", sk->t_first_ns,
		sk->t_last_ns);
}

static const char *state_name(const struct trz_state *st)
{
	return st->what == TRZ_STATE_END ? "end" : "snapshot";
}

void dump_state_text(FILE *out, const struct trz_state *st)
{
	uint64_t att = 0, con = 0, lost = 0;

	for (int i = 0; i < st->ncpus; i++) {
		att += st->cpus[i].attempted;
		con += st->cpus[i].consumed;
		lost += st->cpus[i].lost;
	}
	fprintf(out,
		"# %s %s: attempted %" PRIu64 ", consumed %" PRIu64 ", lost %" PRIu64 " (%" PRIu64
		" not in a gap record yet) at %" PRIu64 ".%09" PRIu64 "\n",
		st->what == TRZ_STATE_END ? "recording closed" : "accounting", state_name(st), att,
		con, lost, st->pending_lost, st->ts_ns / 1000000000u, st->ts_ns % 1000000000u);
}

void dump_state_json(FILE *out, const struct trz_state *st)
{
	fprintf(out,
		"{\"kind\":\"state\",\"what\":\"%s\",\"ts_ns\":%" PRIu64 ",\"wall_ns\":%" PRIu64
		",\"pending_lost\":%" PRIu64 ",\"other_lost\":%" PRIu64 ",\"cpus\":[",
		state_name(st), st->ts_ns, st->wall_ns, st->pending_lost, st->other_lost);
	for (int i = 0; i < st->ncpus; i++)
		fprintf(out, "%s[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]", i ? "," : "",
			st->cpus[i].attempted, st->cpus[i].consumed, st->cpus[i].lost);
	fputs("],\"threads\":[", out);
	for (int i = 0; i < st->nthreads; i++)
		fprintf(out, "%s[%u,%u,%" PRIu64 "]", i ? "," : "", st->threads[i].tid,
			st->threads[i].pid, st->threads[i].lost);
	fputs("]}\n", out);
}

void dump_state_csv(FILE *out, const struct trz_state *st)
{
	fprintf(out, "state,%" PRIu64 ",,,,,,,,,,,,,,,,,,%s pending_lost=%" PRIu64 "\n", st->ts_ns,
		state_name(st), st->pending_lost);
}

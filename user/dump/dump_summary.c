/* dump_summary.c - tracerec-dump -c: per syscall calls, errors and time in the call, like
 * strace -c -w, with what was lost and what an imputer added kept apart (tracerec-dump(1),
 * SUMMARY).
 *
 * A call is an entry and its exit (the thread's next event, same syscall), or an entry or exit
 * alone when the other half was not recorded (exit_group, a gap, the trace's edges).  Its time
 * is known only when both halves were recorded. */
#define _GNU_SOURCE
#include "dump/dump.h"
#include "common/syscalls.h"
#include "common/vec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct row {
	int32_t nr;
	uint64_t calls, errors, timed, total_ns, max_ns, synthetic, lost_known;
};

struct dump_summary {
	struct tidmap idx; /* nr -> index into rows (until they are sorted for printing) */
	struct row *rows;
	uint64_t n;
	size_t cap;
	struct dump_pairs pairs;
	uint64_t gaps, lost, lost_unknown_count, untimed, lost_events_known;
};

struct dump_summary *dump_summary_new(void)
{
	return calloc(1, sizeof(struct dump_summary));
}

static struct row *row_of(struct dump_summary *s, int32_t nr)
{
	int32_t i;

	if (VEC_RESERVE(s->rows, s->cap, s->n + 1) ||
	    (i = tidmap_index(&s->idx, (uint64_t)(uint32_t)nr)) < 0)
		return NULL;
	if ((uint64_t)i == s->n)
		s->rows[s->n++] = (struct row){ .nr = nr };
	return &s->rows[i];
}

/* A call that ended without (or before) its exit. */
static int count_unfinished(struct dump_summary *s, struct dump_pending *pe)
{
	if (!pe->valid)
		return 0;
	pe->valid = 0;
	struct row *r = row_of(s, pe->nr);
	if (!r)
		return -ENOMEM;
	if (pe->synthetic)
		r->synthetic++;
	else {
		r->calls++;
		s->untimed++;
	}
	return 0;
}

static int add_event(struct dump_summary *s, const struct trz_event *ev, int synthetic)
{
	struct dump_pending *pe = dump_pairs_get(&s->pairs, ev->tid);
	int err;

	if (!pe)
		return -ENOMEM;
	if (ev->dir == TRZ_ENTRY) {
		if ((err = count_unfinished(s, pe)))
			return err;
		*pe = (struct dump_pending){ .ts = ev->ts_ns,
					     .tseq = ev->tseq,
					     .nr = ev->nr,
					     .valid = 1,
					     .synthetic = (uint8_t)synthetic };
		return 0;
	}
	int matched = dump_pairs_match(pe, ev);
	if (!matched && (err = count_unfinished(s, pe)))
		return err;
	struct row *r = row_of(s, ev->nr);
	if (!r)
		return -ENOMEM;
	/* a call with a recorded half really happened; only wholly synthetic calls are synthetic */
	if (synthetic && (!matched || pe->synthetic)) {
		r->synthetic++;
	} else {
		r->calls++;
		if (!synthetic && ev->ret < 0 && ev->ret >= -4095)
			r->errors++;
		if (matched && !synthetic && !pe->synthetic) {
			uint64_t d = ev->ts_ns - pe->ts;
			r->timed++;
			r->total_ns += d;
			if (d > r->max_ns)
				r->max_ns = d;
		} else {
			s->untimed++;
		}
	}
	pe->valid = 0;
	return 0;
}

/* The calls a gap's lost-syscall sketch names: per syscall, the larger of its lost entries and
 * lost exits (a lost call is usually both). */
static int add_sketch(struct dump_summary *s, const struct trz_gap *g)
{
	const struct trz_sketch *sk = &g->sketch;

	if (!g->attributed || !sk->present)
		return 0;
	s->lost_events_known += trz_sketch_known(g);
	for (int i = 0; i < sk->ntoks && i < TRZ_SKETCH_MAX_TOKS; i++) {
		uint64_t entry = 0, exit = 0;
		int32_t nr = sk->toks[i].tok.nr;
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen |= sk->toks[j].tok.nr == nr;
		if (seen)
			continue;
		for (int j = i; j < sk->ntoks && j < TRZ_SKETCH_MAX_TOKS; j++) {
			if (sk->toks[j].tok.nr != nr)
				continue;
			if (sk->toks[j].tok.dir == TRZ_EXIT)
				exit += sk->toks[j].count;
			else
				entry += sk->toks[j].count;
		}
		struct row *r = row_of(s, nr);
		if (!r)
			return -ENOMEM;
		r->lost_known += entry > exit ? entry : exit;
	}
	return 0;
}

int dump_summary_add(struct dump_summary *s, const struct trz_record *rec)
{
	switch (rec->kind) {
	case TRZ_REC_EVENT: return add_event(s, &rec->ev, 0);
	case TRZ_REC_SYNTH: return add_event(s, &rec->syn.ev, 1);
	case TRZ_REC_GAP:
		s->gaps++;
		s->lost += rec->gap.lost;
		if (!rec->gap.lost)
			s->lost_unknown_count++;
		return add_sketch(s, &rec->gap);
	case TRZ_REC_THREAD:
		if (rec->th.what == TRZ_THREAD_EXIT) {
			struct dump_pending *pe = dump_pairs_get(&s->pairs, rec->th.tid);
			return pe ? count_unfinished(s, pe) : -ENOMEM;
		}
		return 0;
	case TRZ_REC_META:
	case TRZ_REC_STATE:
	case TRZ_REC_STRING: return 0;
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->total_ns != y->total_ns)
		return x->total_ns > y->total_ns ? -1 : 1;
	uint64_t cx = x->calls + x->synthetic, cy = y->calls + y->synthetic;
	if (cx != cy)
		return cx > cy ? -1 : 1;
	char bx[32], by[32];
	return strcmp(syscall_name_buf(x->nr, bx, sizeof(bx)),
		      syscall_name_buf(y->nr, by, sizeof(by)));
}

static void line(FILE *out)
{
	fputs("------ ----------- ----------- ----------- --------- --------- --------- --------- "
	      "----------------\n",
	      out);
}

/* A count, or blank for 0 (strace leaves the errors column blank). */
static void count_col(FILE *out, uint64_t v)
{
	if (v)
		fprintf(out, " %9" PRIu64, v);
	else
		fprintf(out, " %9s", "");
}

int dump_summary_print(struct dump_summary *s, FILE *out, int json)
{
	struct row tot = { .nr = -1 };
	int err;

	/* calls still open at the end of the trace */
	for (int32_t i = 0; i < s->pairs.idx.n; i++)
		if ((err = count_unfinished(s, &s->pairs.v[i])))
			return err;
	if (s->n) /* qsort(NULL, 0, ...) is undefined */
		qsort(s->rows, s->n, sizeof(*s->rows), by_time);
	for (uint64_t i = 0; i < s->n; i++) {
		struct row *r = &s->rows[i];
		tot.calls += r->calls, tot.errors += r->errors, tot.timed += r->timed;
		tot.total_ns += r->total_ns, tot.synthetic += r->synthetic;
		tot.lost_known += r->lost_known;
		if (r->max_ns > tot.max_ns)
			tot.max_ns = r->max_ns;
	}
	if (json) {
		fputc('[', out);
		for (uint64_t i = 0; i < s->n; i++) {
			struct row *r = &s->rows[i];
			char b[32];
			fprintf(out, "%s{\"syscall\":", i ? "," : "");
			dump_json_str(out, syscall_name_buf(r->nr, b, sizeof(b)));
			fprintf(out,
				",\"nr\":%d,\"calls\":%" PRIu64 ",\"errors\":%" PRIu64
				",\"seconds\":%.9f,\"timed_calls\":%" PRIu64
				",\"usecs_per_call\":%.3f,\"max_usecs\":%.3f,\"lost_known\":%" PRIu64
				",\"synthetic\":%" PRIu64 "}",
				r->nr, r->calls, r->errors, (double)r->total_ns / 1e9, r->timed,
				r->timed ? (double)r->total_ns / (double)r->timed / 1e3 : 0.0,
				(double)r->max_ns / 1e3, r->lost_known, r->synthetic);
		}
		fputs("]\n", out);
		return 0;
	}
	fprintf(out, "%6s %11s %11s %11s %9s %9s %9s %9s %s\n", "% time", "seconds", "usecs/call",
		"max usecs", "calls", "errors", "lost", "synthetic", "syscall");
	line(out);
	for (uint64_t i = 0; i <= s->n; i++) {
		struct row *r = i < s->n ? &s->rows[i] : &tot;
		char b[32];
		if (i == s->n)
			line(out);
		fprintf(out, "%6.2f %11.6f %11" PRIu64 " %11" PRIu64 " %9" PRIu64,
			tot.total_ns ? 100.0 * (double)r->total_ns / (double)tot.total_ns : 0.0,
			(double)r->total_ns / 1e9, r->timed ? r->total_ns / r->timed / 1000 : 0,
			r->max_ns / 1000, r->calls);
		count_col(out, r->errors);
		count_col(out, r->lost_known);
		count_col(out, r->synthetic);
		fprintf(out, " %s\n", i < s->n ? syscall_name_buf(r->nr, b, sizeof(b)) : "total");
	}
	if (s->untimed)
		fprintf(out,
			"%" PRIu64 " of the calls have no recorded entry/exit pair: counted, not "
			"timed\n",
			s->untimed);
	if (s->gaps) {
		fprintf(out, "%" PRIu64 " events lost in %" PRIu64 " gaps", s->lost, s->gaps);
		if (s->lost_unknown_count)
			fprintf(out, " (%" PRIu64 " gaps of unknown size)", s->lost_unknown_count);
		fprintf(out,
			"; the syscalls of %" PRIu64 " of them are known (lost column: %" PRIu64
			" calls)%s\n",
			s->lost_events_known, tot.lost_known,
			s->lost_events_known < s->lost || s->lost_unknown_count
				? ", the counts above are a lower bound"
				: "");
	}
	return 0;
}

void dump_summary_free(struct dump_summary *s)
{
	if (!s)
		return;
	tidmap_free(&s->idx);
	dump_pairs_free(&s->pairs);
	free(s->rows);
	free(s);
}

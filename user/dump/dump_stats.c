/* dump_stats.c - whole-trace counts for tracerec-dump --stats (fields: tracerec-dump(1)). */
#include "dump/dump.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

static int count(struct dump_map *m, uint64_t key, uint64_t add)
{
	uint64_t *v = dump_map_get(m, key);

	if (!v)
		return -ENOMEM;
	*v += add;
	return 0;
}

static void see_ts(struct dump_stats *s, uint64_t ts)
{
	if (!s->ts_first || ts < s->ts_first)
		s->ts_first = ts;
	if (ts > s->ts_last)
		s->ts_last = ts;
}

int dump_stats_add(struct dump_stats *s, const struct trz_record *rec)
{
	const struct trz_gap *g = &rec->gap;

	switch (rec->kind) {
	case TRZ_REC_EVENT:
		s->events++;
		if (rec->ev.dir == TRZ_ENTRY)
			s->entries++;
		else
			s->exits++;
		see_ts(s, rec->ev.ts_ns);
		if (count(&s->tids, rec->ev.tid, 1))
			return -ENOMEM;
		return count(&s->nrs, (uint64_t)(uint32_t)rec->ev.nr, 1);
	case TRZ_REC_SYNTH: s->synthetic++; return count(&s->synth_per_gap, rec->syn.gap_id, 1);
	case TRZ_REC_GAP:
		s->gaps++;
		s->lost += g->lost;
		if (g->attributed) {
			s->lost_known += trz_sketch_known(g);
			s->attributed_gaps++;
			s->attributed_lost += g->lost;
			/* remembered by id: unfilled_gaps compares with the synthetic count */
			return count(&s->gap_lost, g->id, g->lost ? g->lost : 1);
		}
		s->unattributed_gaps++;
		s->unattributed_lost += g->lost;
		return 0;
	case TRZ_REC_THREAD: s->thread_records++; return 0;
	case TRZ_REC_META:
		s->meta_records++;
		if (!strcmp(rec->meta.key, "tool") && !strncmp(rec->meta.value, "tracerecd", 9))
			s->recorder = 1;
		return 0;
	case TRZ_REC_STATE:
		s->state_seen = 1;
		s->end_seen |= rec->state.what == TRZ_STATE_END;
		s->lost_at_state = s->lost;
		memcpy(&s->last_state, &rec->state, offsetof(struct trz_state, cpus));
		return 0;
	case TRZ_REC_STRING:
		s->strings++;
		s->strings_cut += !!(rec->str.flags & TRZ_STR_CUT);
		return 0;
	}
	return 0;
}

/* Attributed gaps with fewer synthetic events than events lost. */
static uint64_t unfilled(const struct dump_stats *s)
{
	uint64_t n = 0;

	for (int32_t i = 0; i < s->gap_lost.at.n; i++) {
		const struct dump_kv *g = &s->gap_lost.kv[i];
		uint64_t *syn = dump_map_find(&s->synth_per_gap, g->key);

		if (!syn || *syn < g->val)
			n++;
	}
	return n;
}

/* A recording is complete when its recorder closed it (END record).  Version 1 files and
 * traces no recorder wrote (imports, fills of them) carry no such record: complete unless
 * truncated. */
static int complete(const struct dump_stats *s, const struct trz_reader_stats *rs)
{
	if (rs->truncated)
		return 0;
	if (rs->version >= 2 && (s->state_seen || s->recorder))
		return s->end_seen;
	return 1;
}

/* Events lost that no gap record accounts for: an incomplete recording's last STATE knew of
 * losses whose gap records never reached the file. */
static uint64_t pending(const struct dump_stats *s)
{
	uint64_t known;

	if (s->end_seen || !s->state_seen)
		return 0;
	known = s->lost_at_state + s->last_state.pending_lost;
	return known > s->lost ? known - s->lost : 0;
}

static void print_incomplete(FILE *out, const struct dump_stats *s, const struct trz_reader_stats *rs)
{
	char when[64] = "unknown";
	time_t t = (time_t)(s->last_state.wall_ns / 1000000000u);
	struct tm tm;

	if (!s->state_seen) {
		/* only a file that ends inside a block is truncated (the reader says so); a
		 * whole one without any STATE record just lacks them */
		fprintf(out, "incomplete: %s\n",
			rs->truncated ? "the file is truncated"
				      : "no END record, and no accounting (STATE) record at all");
		return;
	}
	if (s->last_state.wall_ns && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, "incomplete: tracer stopped without closing\n");
	fprintf(out, "last block         flushed at %s (trace clock %" PRIu64 ".%09" PRIu64 " s)\n",
		when, s->last_state.ts_ns / 1000000000u, s->last_state.ts_ns % 1000000000u);
}

void dump_stats_print(FILE *out, const struct dump_stats *s, const struct trz_reader_stats *rs,
		      int json)
{
	uint64_t pend = pending(s);
	double bpe = s->events ? (double)rs->file_bytes / (double)s->events : 0.0;
	double dur = s->ts_last > s->ts_first ? (double)(s->ts_last - s->ts_first) / 1e9 : 0.0;

	if (json) {
		fprintf(out,
			"{\"events\":%" PRIu64 ",\"threads\":%" PRIu64 ",\"gaps\":%" PRIu64
			",\"attributed_gaps\":%" PRIu64 ",\"unattributed_gaps\":%" PRIu64
			",\"lost_events\":%" PRIu64 ",\"attributed_lost_events\":%" PRIu64
			",\"unattributed_lost_events\":%" PRIu64 ",\"synthetic_events\":%" PRIu64
			",\"unfilled_gaps\":%" PRIu64 ",\"syscall_entries\":%" PRIu64
			",\"syscall_exits\":%" PRIu64 ",\"distinct_syscalls\":%" PRIu64
			",\"bytes_per_event\":%.4f,\"file_bytes\":%" PRIu64 ",\"blocks\":%" PRIu64
			",\"blocks_bad\":%" PRIu64 ",\"truncated\":%s,\"thread_records\":%" PRIu64
			",\"meta_records\":%" PRIu64 ",\"duration_s\":%.9f,\"version\":%u"
			",\"complete\":%s,\"lost_known_events\":%" PRIu64
			",\"lost_not_in_gaps\":%" PRIu64 ",\"strings\":%" PRIu64
			",\"strings_cut\":%" PRIu64 "}\n",
			s->events, (uint64_t)s->tids.at.n, s->gaps, s->attributed_gaps,
			s->unattributed_gaps, s->lost + pend, s->attributed_lost,
			s->unattributed_lost, s->synthetic, unfilled(s), s->entries, s->exits,
			(uint64_t)s->nrs.at.n, bpe, rs->file_bytes, rs->blocks_ok, rs->blocks_bad,
			rs->truncated ? "true" : "false", s->thread_records, s->meta_records, dur,
			rs->version, complete(s, rs) ? "true" : "false", s->lost_known, pend,
			s->strings, s->strings_cut);
		return;
	}
	if (!complete(s, rs))
		print_incomplete(out, s, rs);
	fprintf(out, "events             %" PRIu64 " (%" PRIu64 " entries, %" PRIu64 " exits)\n",
		s->events, s->entries, s->exits);
	fprintf(out, "threads            %" PRIu64 "\n", (uint64_t)s->tids.at.n);
	fprintf(out, "distinct syscalls  %" PRIu64 "\n", (uint64_t)s->nrs.at.n);
	fprintf(out, "duration           %.6f s\n", dur);
	fprintf(out,
		"gaps               %" PRIu64 " (%" PRIu64 " attributed, %" PRIu64 " unattributed)\n",
		s->gaps, s->attributed_gaps, s->unattributed_gaps);
	fprintf(out,
		"lost events        %" PRIu64 " (%" PRIu64 " attributed, %" PRIu64 " unattributed",
		s->lost + pend, s->attributed_lost, s->unattributed_lost);
	if (pend)
		fprintf(out, ", %" PRIu64 " not in a gap record when the tracer stopped", pend);
	fprintf(out, ")\n");
	fprintf(out, "lost, known        %" PRIu64 " (syscall known from the gaps' sketches)\n",
		s->lost_known);
	fprintf(out, "synthetic events   %" PRIu64 "\n", s->synthetic);
	fprintf(out, "unfilled gaps      %" PRIu64 "\n", unfilled(s));
	fprintf(out, "thread records     %" PRIu64 "\n", s->thread_records);
	if (s->strings)
		fprintf(out, "string arguments   %" PRIu64 " (%" PRIu64 " cut)\n", s->strings,
			s->strings_cut);
	fprintf(out, "file               %" PRIu64 " bytes, %" PRIu64 " blocks, trz version %u\n",
		rs->file_bytes, rs->blocks_ok, rs->version);
	fprintf(out, "bytes per event    %.3f\n", bpe);
	fprintf(out, "damage             %" PRIu64 " corrupt blocks skipped%s\n", rs->blocks_bad,
		rs->truncated ? ", truncated" : "");
}

void dump_stats_free(struct dump_stats *s)
{
	dump_map_free(&s->tids);
	dump_map_free(&s->nrs);
	dump_map_free(&s->gap_lost);
	dump_map_free(&s->synth_per_gap);
	memset(s, 0, sizeof(*s));
}

/* dump.h - pieces of tracerec-dump: record formatting, statistics, npy export.
 * Library code: returns 0 or -errno, never prints to stderr. */
#ifndef TRC_DUMP_H
#define TRC_DUMP_H

#include <stdint.h>
#include <stdio.h>

#include "trz/trz.h"

/* A small open-addressing map from uint64 keys to uint64 values (counts, indexes). */
struct dump_map {
	uint64_t *keys, *vals;
	uint8_t *used;
	uint64_t cap, n;
};

/* Pointer to the value of key, inserted as 0 when absent; NULL when out of memory. */
uint64_t *dump_map_get(struct dump_map *m, uint64_t key);
/* Pointer to the value of key, or NULL when absent. */
uint64_t *dump_map_find(const struct dump_map *m, uint64_t key);
void dump_map_free(struct dump_map *m);

enum dump_format { DUMP_TEXT, DUMP_CSV, DUMP_JSONL };

/* Thread names (comm) by tid, kept up to date while records stream by. */
struct dump_comms {
	struct dump_map idx;       /* tid -> index + 1 into names */
	char (*names)[TRZ_COMM_LEN];
	uint64_t n, cap;
};

/* Remember th's comm for its tid (first = 1: keep an existing name).  Returns 0 or -ENOMEM. */
int dump_comms_set(struct dump_comms *c, uint32_t tid, const char *comm, int first);
/* comm of tid, or "?" when unknown. */
const char *dump_comms_get(const struct dump_comms *c, uint32_t tid);
void dump_comms_free(struct dump_comms *c);

/* s as a JSON string literal (quotes, escapes). */
void dump_json_str(FILE *out, const char *s);

/* Print the header line of a format (csv only), then one line per record. */
void dump_print_header(FILE *out, enum dump_format fmt);
void dump_print_record(FILE *out, enum dump_format fmt, const struct trz_record *rec,
		       const struct dump_comms *comms);

/* The lost-syscall sketch of gap g (dump_sketch.c): text ": read x926 (entry+exit) ... exact"
 * inside the gap line, jsonl ",\"sketch\":{...}"; nothing without a sketch.  STATE records
 * (the recorder's loss accounting) in each format. */
void dump_sketch_text(FILE *out, const struct trz_gap *g);
void dump_sketch_json(FILE *out, const struct trz_gap *g);
void dump_state_text(FILE *out, const struct trz_state *st);
void dump_state_json(FILE *out, const struct trz_state *st);
void dump_state_csv(FILE *out, const struct trz_state *st);

/* Whole-trace statistics (the --stats fields documented in tracerec-dump(1)). */
struct dump_stats {
	uint64_t events, entries, exits, synthetic;
	uint64_t gaps, attributed_gaps, unattributed_gaps;
	uint64_t lost, attributed_lost, unattributed_lost;
	uint64_t thread_records, meta_records;
	uint64_t ts_first, ts_last;
	struct dump_map tids, nrs, gap_lost, synth_per_gap;
	uint64_t lost_known;       /* lost events whose syscall a gap's sketch names */
	int recorder, state_seen, end_seen; /* written by tracerecd; STATE records; an END */
	uint64_t lost_at_state;    /* lost (in gaps) when the last STATE record was read */
	struct trz_state last_state; /* the last STATE record (its cpus/threads not kept) */
};

int dump_stats_add(struct dump_stats *s, const struct trz_record *rec);
/* Print human-readable (json = 0) or one JSON object (json = 1). */
void dump_stats_print(FILE *out, const struct dump_stats *s, const struct trz_reader_stats *rs,
		      int json);
void dump_stats_free(struct dump_stats *s);

/* npy export: collect recorded events per thread, then write windows of len ids. */
struct dump_export;
struct dump_export *dump_export_new(void);
int dump_export_add(struct dump_export *x, const struct trz_record *rec);
/* Build the vocabulary, cut windows and write them as .npy to npy_fd and the vocabulary TSV to
 * vocab_fd (both created by the caller, left open).  *nwin gets the number of windows written.
 * Returns 0, -ENODATA (no thread has len events; nothing written) or -errno. */
int dump_export_write(struct dump_export *x, int npy_fd, int vocab_fd, int64_t len,
		      int64_t *nwin);
void dump_export_free(struct dump_export *x);

#endif /* TRC_DUMP_H */

/* dump.h - pieces of tracerec-dump: record formatting, statistics, npy export.
 * Library code: returns 0 or -errno, never prints to stderr. */
#ifndef TRC_DUMP_H
#define TRC_DUMP_H

#include <stdint.h>
#include <stdio.h>

#include "trz/trz.h"
#include "common/tidmap.h"

/* uint64 keys to uint64 values (counts, indexes): the values stand at common/tidmap's dense
 * indices, kv[i] for i < at.n in order of first appearance. */
struct dump_map {
	struct tidmap at;
	struct dump_kv {
		uint64_t key, val;
	} * kv;
	size_t cap;
};

/* Pointer to the value of key, inserted as 0 when absent; NULL when out of memory. */
uint64_t *dump_map_get(struct dump_map *m, uint64_t key);
/* Pointer to the value of key, or NULL when absent. */
uint64_t *dump_map_find(const struct dump_map *m, uint64_t key);
void dump_map_free(struct dump_map *m);

enum dump_format { DUMP_TEXT, DUMP_CSV, DUMP_JSONL };

/* Thread names (comm) by tid, kept up to date while records stream by. */
struct dump_comms {
	struct tidmap idx; /* tid -> index into names */
	char (*names)[TRZ_COMM_LEN];
	size_t cap;
};

/* Remember th's comm for its tid (first = 1: keep an existing name).  Returns 0 or -ENOMEM. */
int dump_comms_set(struct dump_comms *c, uint32_t tid, const char *comm, int first);
/* comm of tid, or "?" when unknown. */
const char *dump_comms_get(const struct dump_comms *c, uint32_t tid);
void dump_comms_free(struct dump_comms *c);

/* s as a JSON string literal (quotes, escapes). */
void dump_json_str(FILE *out, const char *s);

/* ---- syscall arguments and return values (dump_args.c) ---- */

/* The arguments of entry ev, strace-style ("AT_FDCWD, 0x7ffd..., O_RDONLY|O_CLOEXEC"), or "..."
 * when they were not recorded.  Returns buf. */
const char *dump_args_format(char *buf, size_t size, const struct trz_event *ev);
/* The same with the strings the collector read for ev (STRING records of its tid and tseq):
 * string arguments quoted and escaped as strace prints them ("/etc/passwd", "a\nb", cut ones
 * followed by ...), execve's argv as ["ls", "-l"]; arguments without a string stay pointers. */
const char *dump_args_format_strs(char *buf, size_t size, const struct trz_event *ev,
				  const struct trz_string *const *strs, int nstrs);
/* A return value of syscall nr: "3", "0x7f1c2000" (mmap, brk), "-1 ENOENT (No such file or
 * directory)".  Returns buf. */
const char *dump_ret_format(char *buf, size_t size, int nr, int64_t ret);
/* Number of arguments syscall nr takes, or -1 when tracerec-dump does not know it. */
int dump_syscall_nargs(int nr);

/* ---- string arguments waiting for their event (dump_strings.c) ---- */

#define DUMP_STRINGS_PER_EVENT 24   /* strings kept per event (execve: path + 16 argv + ...) */
#define DUMP_STRINGS_MAX (1u << 16) /* events whose strings wait at a time (oldest dropped) */

struct dump_strings;
struct dump_strings *dump_strings_new(void);
/* Keep a copy of s until its event is printed.  Returns 0 or -ENOMEM. */
int dump_strings_add(struct dump_strings *d, const struct trz_string *s);
/* The strings of event (tid, tseq) in file order: their count, *out set to them; they stay
 * valid until the next call (and are no longer kept for another one). */
int dump_strings_take(struct dump_strings *d, uint32_t tid, uint64_t tseq,
		      const struct trz_string *const **out);
/* Strings dropped because too many waited. */
uint64_t dump_strings_dropped(const struct dump_strings *d);
void dump_strings_free(struct dump_strings *d);

/* ---- entry/exit pairing (dump_pair.c) ---- */

/* The last entry of a thread that has not seen its exit yet. */
struct dump_pending {
	uint64_t ts, tseq, gap_id;
	int32_t nr;
	uint8_t valid, synthetic;
};

struct dump_pairs {
	struct tidmap idx; /* tid -> index into v (idx.n of them) */
	struct dump_pending *v;
	size_t cap;
};

/* The pending slot of tid (created empty); NULL when out of memory. */
struct dump_pending *dump_pairs_get(struct dump_pairs *p, uint32_t tid);
/* 1 when exit ev (of a recorded or synthetic event) completes the pending entry pe. */
int dump_pairs_match(const struct dump_pending *pe, const struct trz_event *ev);
void dump_pairs_free(struct dump_pairs *p);

/* ---- time order (dump_order.c) ---- */

/* Records come out of a trace in the order the collector wrote them, which across CPUs is
 * not time order.  dump_order re-sorts them with a bounded window: a record is held until a
 * record window_ns later has been seen, or until max_records are held.  Records that come later
 * than that are passed on at once and counted as late. */
typedef int (*dump_emit_fn)(void *ctx, const struct trz_record *rec);
struct dump_order;
struct dump_order *dump_order_new(uint64_t window_ns, uint64_t max_records);
/* Take a copy of rec; emit every record that is due.  Returns 0 or -errno (also the emitter's). */
int dump_order_push(struct dump_order *o, const struct trz_record *rec, dump_emit_fn emit, void *ctx);
/* Emit every held record. */
int dump_order_drain(struct dump_order *o, dump_emit_fn emit, void *ctx);
/* Records emitted after a record with a later time (max_late_ns: the worst such difference). */
uint64_t dump_order_late(const struct dump_order *o, uint64_t *max_late_ns);
void dump_order_free(struct dump_order *o);
/* The time a record is sorted by: its timestamp, a gap's t_start_ns; 0 for none (metadata). */
uint64_t dump_record_ts(const struct trz_record *rec);

/* ---- filters (dump_filter.c) ---- */

struct dump_filter {
	uint8_t *trace; /* -e trace=SET: 1 per shown syscall number (NULL: all) */
	int ntrace, trace_neg;
	uint32_t *tids, *pids; /* --tid, --pid lists (none: all) */
	size_t ntids, npids;
	const char *comm; /* --comm */
	int has_since, has_until, since_rel, until_rel;
	uint64_t since_ns, until_ns; /* trace clock, or relative to base_ns when *_rel */
	uint64_t base_ns;            /* the trace's start (metadata start_monotonic_ns) */
};

/* Parse one -e expression: [trace=][!]ITEM[,ITEM...] with ITEM a syscall name, %class, /regex,
 * all or none (?ITEM: no error when unknown).  Replaces an earlier -e.  -EINVAL with a reason
 * in err_text(). */
int dump_filter_expr(struct dump_filter *f, const char *expr);
/* 0 when string s belongs to an event the filters hide for sure (its syscall, its tid), so
 * that it need not wait for it. */
int dump_filter_string(const struct dump_filter *f, const struct trz_string *s);
int dump_filter_add_id(uint32_t **v, size_t *n, uint32_t id);
/* 1 when rec passes every filter (metadata always does). */
int dump_filter_keep(const struct dump_filter *f, const struct trz_record *rec,
		     const struct dump_comms *comms);
void dump_filter_free(struct dump_filter *f);

/* ---- per-syscall summary, -c (dump_summary.c) ---- */

struct dump_summary;
struct dump_summary *dump_summary_new(void);
/* Records in time order. */
int dump_summary_add(struct dump_summary *s, const struct trz_record *rec);
/* strace -c's table (json = 0) or a JSON list of per-syscall objects (json = 1). */
int dump_summary_print(struct dump_summary *s, FILE *out, int json);
void dump_summary_free(struct dump_summary *s);

/* ---- printing (dump_fmt.c) ---- */

enum dump_time {
	DUMP_TIME_TRACE,    /* the trace clock, seconds.nanoseconds (default) */
	DUMP_TIME_WALL,     /* -t: HH:MM:SS local time */
	DUMP_TIME_WALL_US,  /* -tt: HH:MM:SS.uuuuuu */
	DUMP_TIME_EPOCH,    /* -ttt: seconds.uuuuuu since the epoch */
	DUMP_TIME_RELATIVE, /* -r: seconds.uuuuuu since the previous line */
};

struct dump_printer {
	FILE *out;
	enum dump_format fmt;
	enum dump_time time;
	int durations;          /* -T: <seconds> after every completed call */
	int64_t wall_offset_ns; /* wall clock = trace clock + this (needs has_wall) */
	int has_wall;
	const struct dump_comms *comms;
	struct dump_strings *strings; /* string arguments of the entries (NULL: none) */
	/* state */
	struct dump_pairs pairs;
	uint64_t last_ts; /* -r */
	int open;         /* a text entry line waits for its exit */
	uint32_t open_tid;
	uint64_t open_gap; /* its synthetic gap id (0 = recorded) */
	float open_conf;
	const struct trz_string *const *strs; /* strings of the event being printed */
	int nstrs;
};

/* Print the header line of a format (csv only), then records with dump_print_record(), then
 * dump_print_end() (finishes a pending text line, frees the state). */
void dump_print_header(struct dump_printer *p);
int dump_print_record(struct dump_printer *p, const struct trz_record *rec);
void dump_print_end(struct dump_printer *p);

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
	uint64_t strings, strings_cut; /* STRING records (string arguments), cut ones */
	uint64_t ts_first, ts_last;
	struct dump_map tids, nrs, gap_lost, synth_per_gap;
	uint64_t lost_known;                /* lost events whose syscall a gap's sketch names */
	int recorder, state_seen, end_seen; /* written by tracerecd; STATE records; an END */
	uint64_t lost_at_state;             /* lost (in gaps) when the last STATE record was read */
	struct trz_state last_state;        /* the last STATE record (its cpus/threads not kept) */
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
int dump_export_write(struct dump_export *x, int npy_fd, int vocab_fd, int64_t len, int64_t *nwin);
void dump_export_free(struct dump_export *x);

#endif /* TRC_DUMP_H */

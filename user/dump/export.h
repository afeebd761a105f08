/* export.h - tracerec-dump's viewer exports: Chrome trace-event JSON (export_chrome.c), Perfetto
 * protobuf (export_perfetto.c) and an SVG picture (export_svg.c).
 *
 * All three consume the same record stream as the text printer (after tracerec-dump's filters)
 * and stream: memory grows with the number of threads, never with the number of events.
 * export.c picks the backend; export_timeline.c turns records into what a timeline shows -- one slice per syscall (entry to
 * exit), one slice per gap spanning its time window, synthetic slices, thread names -- and hands
 * them to a backend through struct tl_ops.  Library code: returns 0 or -errno, never prints.
 */
#ifndef TRC_DUMP_EXPORT_H
#define TRC_DUMP_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "trz/trz.h"

enum export_kind { EXPORT_CHROME_JSON, EXPORT_PERFETTO, EXPORT_SVG };

/* How a slice's entry or exit is known. */
enum tl_end {
	TL_RECORDED = 0, /* a recorded event */
	TL_SYNTHETIC,    /* a synthetic event (tracerec-fill) */
	TL_LOST,         /* lost in a gap that no synthetic event filled */
	TL_NOT_RECORDED, /* no gap either: the call began before tracing started, never
			       returned (exit_group, execve that failed the process...) or the
			       next call of the thread came first */
	TL_OPEN_AT_END,  /* exit: the call was still running when the trace ended */
};

/* One syscall, entry to exit. */
struct tl_slice {
	uint32_t pid, tid;
	uint64_t ts, end; /* ns, end >= ts */
	int32_t nr;
	uint8_t entry, exit; /* enum tl_end */
	uint8_t has_ret;
	int64_t ret;
	float confidence; /* lowest confidence of its synthetic ends (1 when none) */
	uint64_t gap_id;  /* gap a synthetic end fills, else 0 */
};

/* A gap: attributed ones go on their thread's track as a slice from gap_begin to gap_end;
 * unattributed ones (per CPU) come complete through gap_cpu. */
struct tl_gap {
	uint32_t pid, tid;
	uint16_t cpu; /* TRZ_NO_CPU when unknown */
	uint8_t attributed;
	uint64_t id, lost, seq_first, seq_last;
	uint64_t ts, end;     /* the slice's window (end valid in gap_end / gap_cpu) */
	uint64_t thread_lost; /* attributed: events this thread lost so far, this gap included */
	const char *sketch;   /* attributed: the record's lost-syscall sketch in words ("read x3
				 (entry+exit) ... exact"; "" when the collector knew nothing) */
	uint64_t synthetic;   /* gap_end: synthetic events that filled it */
	const char *repair;   /* gap_end: the synthetic calls in order, "(name)" for a call whose
				 exit alone was filled ("" when unfilled) */
};

struct tl_thread {
	uint32_t pid, tid;
	const char *comm; /* "" while unknown */
	uint64_t ts;      /* when it was seen with this name */
};

struct tl_meta {
	const char *key, *value;
};

/* A backend.  Every callback returns 0 or -errno; NULL callbacks are skipped. */
struct tl_ops {
	int (*record)(void *be, const struct trz_record *rec); /* every record, first */
	int (*thread)(void *be, const struct tl_thread *t);    /* first seen, or comm changed */
	int (*slice)(void *be, const struct tl_slice *s);
	int (*gap_begin)(void *be, const struct tl_gap *g);
	int (*gap_end)(void *be, const struct tl_gap *g);
	int (*gap_cpu)(void *be, const struct tl_gap *g);
	/* at the end: the time range and every metadata record, in file order */
	int (*finish)(void *be, uint64_t first_ts, uint64_t last_ts, const struct tl_meta *meta,
		      size_t nmeta);
};

struct timeline;
struct timeline *timeline_new(const struct tl_ops *ops, void *be);
int timeline_add(struct timeline *tl, const struct trz_record *rec);
/* Closes what is still open (slices, gaps) at the last timestamp and calls ops->finish. */
int timeline_finish(struct timeline *tl);
void timeline_free(struct timeline *tl);
/* Threads seen so far. */
uint64_t timeline_threads(const struct timeline *tl);

/* Counts of what an export wrote, for the tool's closing line. */
struct export_counts {
	uint64_t slices, synthetic_slices, gaps, threads, bytes;
};

/* An export to out (written with stdio; the caller opens, flushes and closes out). */
struct export;
struct export *export_new(enum export_kind kind, FILE *out);
int export_add(struct export *x, const struct trz_record *rec);
int export_finish(struct export *x, struct export_counts *counts);
void export_free(struct export *x);

/* Backends (export_chrome.c, export_perfetto.c, export_svg.c): state for ops, or NULL. */
void *chrome_json_new(FILE *out, struct export_counts *c);
void chrome_json_free(void *be);
extern const struct tl_ops chrome_json_ops;
void *perfetto_new(FILE *out, struct export_counts *c);
void perfetto_free(void *be);
extern const struct tl_ops perfetto_ops;
void *svg_new(FILE *out, struct export_counts *c);
void svg_free(void *be);
extern const struct tl_ops svg_ops;

/* s with every byte that is not part of valid UTF-8, or is a control character, replaced by
 * '?', into buf (size > 0); returns buf. */
const char *export_clean_str(const char *s, char *buf, size_t size);

/* The arguments of slices and gaps: one list, built here, that every encoder writes (JSON
 * object, Perfetto debug annotations).  Ids are Perfetto's interned annotation-name iids. */
enum export_arg_id {
	XA_RET = 1,
	XA_ENTRY,
	XA_EXIT,
	XA_CONF,
	XA_GAP,
	XA_LOST,
	XA_TSEQ_FIRST,
	XA_TSEQ_LAST,
	XA_CSEQ_FIRST,
	XA_CSEQ_LAST,
	XA_CPU,
	XA_SKETCH,
	XA_SYNTH,
	XA_UNFILLED,
	XA_REPAIR,
	XA_NARGS
};
enum export_arg_type { XT_INT, XT_UINT, XT_DOUBLE, XT_STR, XT_NULL /* unknown */ };
struct export_arg {
	uint8_t id, type;
	int64_t i;
	uint64_t u;
	double d;
	const char *s;
};
#define EXPORT_ARGS_MAX 12
extern const char *const export_arg_names[XA_NARGS]; /* [0] is NULL */
/* A syscall slice's arguments into a (EXPORT_ARGS_MAX): ret, entry/exit when not recorded,
 * confidence and gap when synthetic.  Returns their number. */
size_t export_slice_args(const struct tl_slice *s, struct export_arg *a);
/* A gap's arguments: with begin, what is known when it starts (gap, lost, the sequence range
 * -- tseq for an attributed gap, cseq for a CPU's --, cpu, sketch); with end, its repair
 * (repair, synthetic, unfilled).  Returns their number. */
size_t export_gap_args(const struct tl_gap *g, int begin, int end, struct export_arg *a);

/* A gap slice's name: "lost N events" ("lost 1 event"; "lost ? events" when the count is
 * unknown, as for LTTng's discarded packets). */
const char *export_gap_name(const struct tl_gap *g, char *buf, size_t size);

/* The key of meta[i] made unique: a key seen before gets "#2", "#3", ... (e.g. one "fill" per
 * repair). */
const char *export_meta_key(const struct tl_meta *meta, size_t nmeta, size_t i, char *buf,
			    size_t size);

#endif /* TRC_DUMP_EXPORT_H */

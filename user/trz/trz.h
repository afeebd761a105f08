/* trz.h - the .trz trace format (version 2; version 1 files are read too): records, writer
 * and reader.
 *
 * This header is the contract between every tool: the collector, the importers, the gap filler
 * and tracerec-dump all read and write traces only through it.  The on-disk layout is specified
 * in man/trz.5 and known only to user/trz_*.c.
 *
 * A file is a header followed by independently zlib-compressed blocks.  Within a block, records
 * keep the order in which they were written.  Record kinds:
 *   TRZ_REC_EVENT   a recorded syscall entry or exit
 *   TRZ_REC_GAP     events that were lost (attributed to a thread, or per-CPU "unattributed")
 *   TRZ_REC_SYNTH   a synthetic event produced by an imputer for a gap, with a confidence
 *   TRZ_REC_THREAD  process/thread information (fork, exec, exit, or a snapshot)
 *   TRZ_REC_META    one key/value string of trace metadata (host, kernel, arch, tool, ...)
 *   TRZ_REC_STATE   (version 2) the writer's loss accounting: a snapshot with every flushed
 *                   block of a live recording, and one END record when it closed cleanly
 *   TRZ_REC_STRING  (version 2) a string argument of a recorded entry (openat's path, execve's
 *                   argv[i]), keyed by the event's tid and tseq; written right before its event
 *                   in an extra column that readers which do not know it ignore
 *
 * Conventions: all functions return 0 or -errno (readers: 1 = a record, 0 = end); pointer
 * returning functions return NULL with errno set; words for a failure, where there are more
 * than strerror's, are in the thread's error text (err_text(), common/err.h).  Nothing here
 * prints or exits; problems the reader survives (corrupt block skipped, truncated tail) are
 * reported through trz_warn_fn.
 */
#ifndef TRC_TRZ_H
#define TRC_TRZ_H

#include <stdint.h>
#include <stddef.h>

#include "common/err.h"

#define TRZ_VERSION 2     /* written by default */
#define TRZ_VERSION_MIN 1 /* oldest version read (and written on request) */

enum trz_rec_kind {
	TRZ_REC_EVENT = 1,
	TRZ_REC_GAP = 2,
	TRZ_REC_SYNTH = 3,
	TRZ_REC_THREAD = 4,
	TRZ_REC_META = 5,
	TRZ_REC_STATE = 6,  /* version 2 */
	TRZ_REC_STRING = 7, /* version 2, column 14 (man/trz.5, STRINGS) */
};

enum trz_dir {
	TRZ_ENTRY = 0,
	TRZ_EXIT = 1,
};

#define TRZ_NO_CPU 0xffffu /* cpu unknown */
#define TRZ_MAX_ARGS 6
#define TRZ_COMM_LEN 16
#define TRZ_PATH_MAX 4096 /* exec path, metadata values: longer strings are cut */
#define TRZ_KEY_MAX 64

/* A recorded syscall entry or exit. */
struct trz_event {
	uint64_t ts_ns; /* CLOCK_MONOTONIC (collector) or the trace's clock (imports), ns */
	uint64_t tseq;  /* per-thread sequence number: consecutive events of a thread differ by 1 */
	uint64_t cseq;  /* per-CPU attempt sequence number (0 when the source has none) */
	int64_t ret;    /* return value; meaningful on exit only (0 on entry) */
	uint64_t args[TRZ_MAX_ARGS]; /* raw args on entry when nargs == 6, else zero */
	uint32_t pid;                /* thread group id */
	uint32_t tid;                /* thread id */
	int32_t nr;    /* syscall number (x86_64 numbering unless metadata says otherwise) */
	uint16_t cpu;  /* cpu, or TRZ_NO_CPU */
	uint8_t dir;   /* enum trz_dir */
	uint8_t nargs; /* 0 or TRZ_MAX_ARGS */
};

/* A syscall event token: (nr, dir). */
struct trz_token {
	int32_t nr;
	uint8_t dir;
	uint8_t _pad[3];
};

#define TRZ_SKETCH_MAX_TOKS 64 /* distinct (nr, dir) counts a sketch can hold */
#define TRZ_SKETCH_ENDS 8      /* first and last lost tokens kept in order */

/* What is known about the events of an attributed gap (version 2): the collector's lost-syscall
 * sketch.  toks[] counts lost events per token (distinct tokens, counts > 0); `other` events
 * had a token beyond the ones counted.  first[] are the gap's first nfirst lost tokens in order,
 * last[] its last nlast (both min(lost, 8) when the collector knew them).  When present,
 * sum(toks[].count) + other == the gap's lost; other == 0 makes the sketch exact: the gap's
 * multiset of events is known. */
struct trz_sketch {
	uint8_t present; /* 0: nothing is known about the lost events */
	uint8_t ntoks, nfirst, nlast;
	uint32_t _pad;
	uint64_t other;      /* lost events not counted in toks[] */
	uint64_t t_first_ns; /* time of the first lost event (0 = unknown) */
	uint64_t t_last_ns;  /* time of the last lost event (0 = unknown) */
	struct trz_sketch_cnt {
		struct trz_token tok;
		uint64_t count;
	} toks[TRZ_SKETCH_MAX_TOKS];
	struct trz_token first[TRZ_SKETCH_ENDS], last[TRZ_SKETCH_ENDS];
};

/* Events lost.  Attributed gaps name a thread and the missing range of its tseq; unattributed
 * gaps (per-CPU ring-buffer losses no later event revealed, LTTng discarded events) name a CPU
 * and, when known, the missing range of its cseq. */
struct trz_gap {
	uint64_t id;         /* unique within the file, > 0; synthetic events refer to it */
	uint64_t lost;       /* number of events lost (0 = unknown count, e.g. discarded packets) */
	uint64_t seq_first;  /* first missing sequence number (tseq if attributed, else cseq) */
	uint64_t seq_last;   /* last missing sequence number, inclusive (0/0 when unknown) */
	uint64_t t_start_ns; /* time of the last recorded event before the gap (0 = unknown) */
	uint64_t t_end_ns;   /* time of the first recorded event after it (UINT64_MAX = none) */
	uint32_t pid;        /* attributed: the thread's pid */
	uint32_t tid;        /* attributed: the thread */
	uint16_t cpu;        /* cpu of the loss, or TRZ_NO_CPU */
	uint8_t attributed;  /* 1 = tid/pid/tseq valid, 0 = unattributed */
	uint8_t _pad;
	struct trz_sketch sketch; /* version 2, attributed gaps: the lost events, when known */
};

/* Lost events of g whose token the sketch knows (0 without a sketch). */
uint64_t trz_sketch_known(const struct trz_gap *g);
/* 1 when g's sketch is exact: every lost event's token is known. */
int trz_sketch_exact(const struct trz_gap *g);

/* An event produced by an imputer for a gap. */
struct trz_synth {
	struct trz_event ev; /* same fields as a recorded event; ev.tseq is the filled tseq */
	uint64_t gap_id;     /* the gap it fills */
	float confidence;    /* in [0, 1] */
	uint32_t _pad;
};

enum trz_thread_what {
	TRZ_THREAD_SNAPSHOT = 0, /* existed when tracing started / first seen */
	TRZ_THREAD_FORK = 1,     /* created (ppid = creator's pid) */
	TRZ_THREAD_EXEC = 2,     /* exec'd (path set) */
	TRZ_THREAD_EXIT = 3,     /* exited */
};

struct trz_thread {
	uint64_t ts_ns;
	uint32_t pid, tid, ppid; /* ppid: parent process (0 = unknown) */
	uint8_t what;            /* enum trz_thread_what */
	uint8_t has_status;      /* version 2, EXIT: exit_status is known */
	uint8_t _pad[2];
	int32_t exit_status;     /* EXIT with has_status: wait(2) status (WIFEXITED/WIFSIGNALED) */
	char comm[TRZ_COMM_LEN]; /* NUL-terminated */
	char path[TRZ_PATH_MAX]; /* exec path, NUL-terminated, may be empty */
};

struct trz_meta {
	char key[TRZ_KEY_MAX]; /* NUL-terminated, e.g. "host", "kernel", "arch", "tool", "cmdline" */
	char value[TRZ_PATH_MAX];
};

#define TRZ_STATE_MAX_CPUS 256
#define TRZ_STATE_MAX_THREADS 64

enum trz_state_what {
	TRZ_STATE_SNAPSHOT = 1, /* accounting so far; the recording went on */
	TRZ_STATE_END = 2,      /* the recording stopped and the file was closed cleanly */
};

/* The recorder's loss accounting (version 2).  A live recorder writes a SNAPSHOT as the last
 * record of every block it flushes, so that a trace whose writer was killed still tells its
 * losses up to its last block; END is the last record of a cleanly closed recording.  A trace
 * with STATE records but no END is incomplete. */
struct trz_state {
	uint8_t what; /* enum trz_state_what */
	uint8_t _pad;
	uint16_t ncpus;    /* cpus[] entries (the rest are not stored) */
	uint16_t nthreads; /* threads[] entries */
	uint16_t _pad2;
	uint64_t ts_ns;        /* when (the trace's clock) */
	uint64_t wall_ns;      /* when (CLOCK_REALTIME, ns since the epoch; 0 = unknown) */
	uint64_t pending_lost; /* events lost that no gap record before this one accounts for */
	uint64_t other_lost;   /* part of pending_lost of threads not listed in threads[] */
	struct trz_state_cpu {
		uint64_t attempted; /* kernel: events attempted on this cpu */
		uint64_t consumed;  /* events taken from its ring (some may not be written yet) */
		uint64_t lost;      /* kernel: events lost on this cpu */
	} cpus[TRZ_STATE_MAX_CPUS];
	struct trz_state_thread {
		uint32_t tid, pid;
		uint64_t lost; /* its events lost that no gap record accounts for yet */
	} threads[TRZ_STATE_MAX_THREADS];
};

#define TRZ_STRING_MAX 4096 /* bytes of a string argument + NUL: longer ones are cut */
#define TRZ_STR_CUT 0x01    /* the argument was longer: s is its beginning */
#define TRZ_STR_ELEM 0x02   /* s is element `index` of a NULL-terminated array (execve's argv) */
#define TRZ_STR_MORE 0x04   /* ELEM: the array has elements after this one that were not kept */
#define TRZ_STR_FLAGS (TRZ_STR_CUT | TRZ_STR_ELEM | TRZ_STR_MORE)

/* A string the collector read from user memory at a syscall entry (tracerecd --args): the
 * pointer argument `arg` of the entry event (tid, tseq) pointed to s.  Readers return it right
 * before its event; an event without its strings (not captured, unreadable, lost) keeps only
 * the pointer. */
struct trz_string {
	uint64_t tseq; /* the entry event's */
	uint32_t tid;
	int32_t nr;     /* its syscall */
	uint8_t arg;    /* argument index, 0..5 */
	uint8_t flags;  /* TRZ_STR_* */
	uint16_t index; /* ELEM: element number (0 = argv[0]) */
	uint32_t len;   /* bytes in s before its NUL (< TRZ_STRING_MAX; no NUL inside) */
	char s[TRZ_STRING_MAX];
};

struct trz_record {
	enum trz_rec_kind kind;
	uint64_t offset; /* file offset of the block the record came from */
	union {
		struct trz_event ev;
		struct trz_gap gap;
		struct trz_synth syn;
		struct trz_thread th;
		struct trz_meta meta;
		struct trz_state state;
		struct trz_string str;
	};
};

/* ---- writer ---------------------------------------------------------------------------- */

struct trz_writer;

struct trz_writer_opts {
	uint32_t block_events; /* records per block before a flush (0 = default, 65536) */
	int zlevel;            /* zlib level (0 = default) */
	int append;            /* 1: open an existing trz file and append blocks (live fill) */
	int version;           /* format version to write (0 = TRZ_VERSION; append: the file's) */
};

/* Create (mode 0600, truncating) or, with opts->append, reopen path (created when missing;
 * an existing file must be a trz file: EINVAL otherwise).  opts may be NULL.  NULL with errno
 * set on failure (err_text() has the message).  The caller frees with trz_writer_close(). */
struct trz_writer *trz_writer_open(const char *path, const struct trz_writer_opts *opts);
/* Same on an already open file descriptor: ownership passes to the writer on success; on
 * failure (NULL, errno set) the caller still owns fd and closes it. */
struct trz_writer *trz_writer_fdopen(int fd, const struct trz_writer_opts *opts);

/* Append one record to the current block; a full block (block_events records, or 4 MiB of
 * encoded data) is flushed.  -EINVAL (nothing written) for a record the format cannot hold:
 * dir > 1, nargs other than 0 or 6, a synthetic event with gap_id 0 or a confidence outside
 * [0, 1] (or NaN), a gap with id 0 or attributed > 1, a gap whose sketch does not add up
 * (see struct trz_sketch; also: ntoks > 64, nfirst or nlast > 8, a dir > 1, a count of 0, a
 * token counted twice), a thread with what > 3, an empty or NULL metadata key.  A version 1
 * writer drops what version 1 cannot hold (sketches, exit status).  Strings longer than their field are cut.  Other errors (-ENOMEM, -EIO, write
 * errors) are sticky: every later call returns them. */
int trz_write_event(struct trz_writer *w, const struct trz_event *ev);
int trz_write_gap(struct trz_writer *w, const struct trz_gap *gap);
int trz_write_synth(struct trz_writer *w, const struct trz_synth *syn);
int trz_write_thread(struct trz_writer *w, const struct trz_thread *th);
int trz_write_meta(struct trz_writer *w, const char *key, const char *value);
/* Version 2 only (-EINVAL in a version 1 file, or for what/ncpus/nthreads out of range). */
int trz_write_state(struct trz_writer *w, const struct trz_state *st);
/* A string argument, placed right before the next record written (its event).  A version 1
 * writer drops it (returns 0).  -EINVAL for arg > 5, unknown flags, MORE without ELEM, len >=
 * TRZ_STRING_MAX or a NUL inside.  Strings do not count toward block_events. */
int trz_write_string(struct trz_writer *w, const struct trz_string *s);
int trz_write_record(struct trz_writer *w, const struct trz_record *rec);

/* Called by trz_writer_flush() (explicit or because the block is full) right before a
 * non-empty block is compressed: fn may append records (a live recorder's STATE snapshot) that
 * end up last in that block; they do not trigger another flush.  fn returns 0 or -errno (the
 * flush then fails with it). */
typedef int (*trz_flush_hook_fn)(void *ctx, struct trz_writer *w);
void trz_writer_set_flush_hook(struct trz_writer *w, trz_flush_hook_fn fn, void *ctx);

/* Compress and write the current block (no-op when empty).  Long-running writers call this at
 * least once per second so that a crash loses at most the unflushed block. */
int trz_writer_flush(struct trz_writer *w);
/* Bytes written to the file so far (header and flushed blocks). */
uint64_t trz_writer_bytes(const struct trz_writer *w);
/* Flush, fsync and close; frees w.  Returns the first error seen, if any.  w may be NULL. */
int trz_writer_close(struct trz_writer *w);

/* ---- reader ---------------------------------------------------------------------------- */

struct trz_reader;

/* Called for every problem the reader survives (corrupt block skipped, truncated tail);
 * msg names the problem and the file offset. */
typedef void (*trz_warn_fn)(void *ctx, const char *msg);

/* Open path; fails with EINVAL (errno) on an empty file, a file that is not a trz file or has
 * a future version, with the open(2) errno otherwise; err_text() says why in words ("not a trz
 * file (bad magic)", "unsupported trz version 7", ...).  warn may be NULL.  Caller frees with
 * trz_reader_close(). */
struct trz_reader *trz_reader_open(const char *path, trz_warn_fn warn, void *ctx);
/* The same on a whole file held in memory (buf must outlive the reader; nothing is copied). */
struct trz_reader *trz_reader_open_mem(const void *buf, size_t n, trz_warn_fn warn, void *ctx);

/* Next record: 1 = *rec filled, 0 = end of file, -errno = I/O error. */
int trz_read_next(struct trz_reader *r, struct trz_record *rec);

struct trz_reader_stats {
	uint64_t file_bytes;
	uint64_t blocks_ok;
	uint64_t blocks_bad; /* skipped: bad CRC, impossible lengths, undecodable */
	uint64_t truncated;  /* 1 when the file ended inside a block */
	uint32_t version;
};
void trz_reader_stats(const struct trz_reader *r, struct trz_reader_stats *st);

/* Follow a file that is still being written (on = 1): at its end, and at a block not yet
 * complete, trz_read_next() returns 0 without a warning and can be called again later to read
 * what was appended.  Turning it off makes the next end final (an incomplete block is then
 * reported as truncation). */
void trz_reader_set_follow(struct trz_reader *r, int on);

/* Rewind to the first block. */
int trz_reader_rewind(struct trz_reader *r);
/* A reader from trz_reader_open_mem() reads another whole file in memory from its start,
 * keeping its buffers (for readers of many small traces: the fuzzing harness).  Returns 0, or
 * -EINVAL when buf is not a trz file (r then reads nothing until the next good reset). */
int trz_reader_reset_mem(struct trz_reader *r, const void *buf, size_t n);
void trz_reader_close(struct trz_reader *r);

#endif /* TRC_TRZ_H */

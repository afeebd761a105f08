/* import_lttng_int.h - state shared by import_lttng.c (graph), import_lttng_msg.c (messages),
 * import_lttng_class.c (event classes) and import_lttng_sys.c (syscalls and threads).
 * Not a public interface. */
#ifndef TRC_IMPORT_LTTNG_INT_H
#define TRC_IMPORT_LTTNG_INT_H

#include <babeltrace2/babeltrace.h>

#include "import/import_lttng.h"
#include "import/import_names.h"
#include "import/import_threads.h"

#define LT_MAX_CPUS 4096

enum lt_kind {
	LT_OTHER = 0,
	LT_ENTRY,
	LT_EXIT,
	LT_SCHED_SWITCH,
	LT_STATEDUMP,
	LT_FORK,
	LT_EXEC,
	LT_PROC_EXIT,
	LT_STATEDUMP_END,
};

/* What an event class is, decided once from its name. */
struct lt_class {
	const bt_event_class *key;
	int32_t nr;       /* syscall number, when known from the name */
	uint8_t kind;     /* enum lt_kind */
	uint8_t compat;   /* compat_syscall_* / compat_sys_* */
	uint8_t by_id;    /* "unknown": number from the payload's id field */
	uint8_t by_entry; /* lttng 2.0-2.4 exit_syscall: number from the pending entry */
	uint8_t seen;     /* an event of this class was read (distinct_names) */
};

/* A syscall event read before its CPU had a known current thread. */
struct lt_pending_ev {
	struct trz_event ev;
	uint8_t by_entry; /* number still to take from the thread's pending entry */
};

struct lt_cpu {
	int64_t cur_tid; /* current thread (sched_switch), -1 = unknown */
	uint64_t cseq_next;
	struct lt_pending_ev *buf; /* events while cur_tid is unknown */
	size_t nbuf, capbuf;
};

struct lt_stream_cpu {
	const bt_stream *stream;
	int cpu;
};

struct importer {
	struct trz_writer *w;
	struct lttng_import_stats *st;
	const struct lttng_import_opts *opts;
	struct thread_table threads;
	struct name_table priv;  /* private syscall numbers */
	struct name_table names; /* distinct syscall names seen (for the stats) */
	struct lt_cpu cpus[LT_MAX_CPUS];
	struct tidmap cls_at; /* event class (its address) -> index into cls */
	struct lt_class *cls;
	size_t cls_cap;
	struct lt_stream_cpu *streams;
	size_t nstreams, capstreams;
	const bt_trace *traces[16]; /* traces whose environment was written */
	int ntraces;
	uint64_t gap_id;
	uint64_t range_begin, range_end; /* trace time span for progress, 0 = unknown */
	int nr_exit, nr_exit_group;
	int err;          /* first error from the writer, 0 */
	int prescan;      /* 1: first pass, only collecting the state dump */
	int prescan_done; /* the first pass saw lttng_statedump_end or gave up */
	int saw_statedump;
};

/* Events a CPU keeps waiting for its first sched_switch; later ones are unattributed (a trace
 * without sched_switch events would otherwise be held in memory whole). */
#define LT_MAX_WAITING (1u << 20)

/* First pass: stop after this many events when no state dump started. */
#define LT_PRESCAN_NO_DUMP 200000
#define LT_PRESCAN_MAX 5000000

/* ---- import_lttng_class.c ---- */
/* Member name of struct field s, or NULL. */
const bt_field *lt_field(const bt_field *s, const char *name);
/* Integer member of s in *v: 0, or -1 when absent or not an integer. */
int lt_get_int(const bt_field *s, const char *name, int64_t *v);
/* String member of s, or NULL. */
const char *lt_get_str(const bt_field *s, const char *name);
/* What ec is (decided on first sight and cached), or NULL on ENOMEM. */
struct lt_class *lt_class_of(struct importer *imp, const bt_event_class *ec);
/* First event of a syscall class: count its syscall name among the distinct names. */
int lt_count_name(struct importer *imp, const bt_event_class *ec, struct lt_class *c);

/* ---- import_lttng_sys.c ---- */
/* Thread tid (created when new), NULL with errno EINVAL (impossible tid) or ENOMEM. */
struct ithread *lt_get_thread(struct importer *imp, int64_t tid);
/* Write the events of c that waited for a thread as tid's (tid < 1: count them unattributed). */
int lt_flush_cpu(struct importer *imp, struct lt_cpu *c, int64_t tid);
/* A syscall entry/exit event; ev has ts and cpu set. */
int lt_on_syscall(struct importer *imp, const bt_event *e, const struct lt_class *c,
		  struct trz_event *ev);
int lt_on_sched_switch(struct importer *imp, const bt_field *pl, uint16_t cpu);
/* lttng_statedump_process_state, sched_process_fork/exec/exit. */
int lt_on_process(struct importer *imp, const struct lt_class *c, const bt_field *pl, uint64_t ts);

/* ---- import_lttng_msg.c ---- */
/* Handle one message; returns 0 or -errno (writer errors). */
int lt_handle_message(struct importer *imp, const bt_message *msg);
/* End of trace: flush CPUs' waiting events (unattributed), count open entries, write the
 * private syscall names and the import summary as metadata. */
int lt_finish(struct importer *imp);
void lt_free(struct importer *imp);
/* Handle one message of the first pass, which only learns the pids, parents and names of the
 * threads in the state dump (so that events before the dump get their pid), and sets
 * prescan_done at its end. */
int lt_prescan_message(struct importer *imp, const bt_message *msg);
/* Forget what belongs to one libbabeltrace2 graph (event classes, streams, traces). */
void lt_reset_graph_state(struct importer *imp);

#endif /* TRC_IMPORT_LTTNG_INT_H */

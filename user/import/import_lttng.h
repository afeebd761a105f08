/* import_lttng.h - import an LTTng kernel trace (CTF) into a trz trace through libbabeltrace2.
 *
 * The trace is read by a libbabeltrace2 graph: src.ctf.fs -> flt.utils.muxer -> our own simple
 * sink, so events arrive in time order across CPUs.  What becomes of it:
 *   syscall_entry_X / syscall_exit_X, compat_syscall_*, sys_X / exit_syscall (lttng 2.0-2.4)
 *       -> TRZ_REC_EVENT (number from import_names.h; "unknown" events use their id field, an
 *          exit whose id is -1 or that has no name takes the number of its thread's pending entry)
 *   discarded events / discarded packets messages
 *       -> unattributed TRZ_REC_GAP (cpu of the stream, count when known, the message's window)
 *   lttng_statedump_process_state, sched_process_fork/exec/exit
 *       -> TRZ_REC_THREAD, and the pid/name of later events
 *   trace environment -> TRZ_REC_META (host, kernel, tracer, ...)
 * Thread attribution: the event's tid/pid/procname context when the trace has one; otherwise the
 * thread sched_switch made current on the event's CPU.  Events on a CPU before its first
 * sched_switch belong to that switch's prev_tid.  Events still without a thread are counted
 * (unattributed_events) and not written.
 */
#ifndef TRC_IMPORT_LTTNG_H
#define TRC_IMPORT_LTTNG_H

#include <stdint.h>

#include "trz/trz.h"

struct lttng_import_stats {
	uint64_t events_read;    /* every event message */
	uint64_t syscall_events; /* syscall entries + exits written */
	uint64_t syscall_entries;
	uint64_t syscall_exits;
	uint64_t distinct_names; /* distinct syscall names seen ("unknown" once) */
	uint64_t threads;        /* threads known (state dump, fork, switch, context) */
	uint64_t threads_with_syscalls;
	uint64_t unattributed_events; /* syscall events no thread could be found for (not written) */
	uint64_t unnamed_events;      /* events whose syscall could not be known (not written) */
	uint64_t discarded_events;    /* sum of discarded-events counts */
	uint64_t discarded_packets;   /* sum of discarded-packets counts */
	uint64_t gaps;                /* gap records written */
	uint64_t exits_without_entry;  /* trace started mid-syscall, or entry lost */
	uint64_t clone_child_exits;    /* second exit of clone/fork/vfork/clone3, in the child */
	uint64_t entries_without_exit; /* exit/exit_group excluded; includes the trace's end */
	uint64_t context_attributed;   /* events attributed from a tid context */
	int64_t t_first_ns, t_last_ns; /* time of first / last event */
};

/* Progress callback: done and total in ns of trace time (total 0 when unknown). */
typedef void (*lttng_progress_fn)(void *ctx, uint64_t done, uint64_t total,
				  const struct lttng_import_stats *st);

struct lttng_import_opts {
	int verbose;                /* 1: libbabeltrace2 warnings on stderr */
	lttng_progress_fn progress; /* may be NULL; called about every 64k events */
	void *progress_ctx;
};

/* Import the CTF trace(s) under dir into w (records and metadata; w is not closed).  st is
 * filled (also on failure, with what was done).  Returns 0, or -EINVAL when libbabeltrace2
 * cannot read the trace, -ENOMEM, or the writer's error; err_text() says why. */
int lttng_import(const char *dir, struct trz_writer *w, const struct lttng_import_opts *o,
		 struct lttng_import_stats *st);

#endif /* TRC_IMPORT_LTTNG_H */

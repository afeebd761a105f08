/* trc_collector.h - loader and lifecycle of the collector BPF program (user/collector.c).
 *
 * open (rodata knobs) -> load -> per-CPU rings -> traced set -> attach -> poll ... -> detach.
 * Records are handed to the callbacks as they are consumed from the rings, cpu by cpu; the
 * callbacks run on the thread calling trc_collector_poll().
 */
#ifndef TRC_TRC_COLLECTOR_H
#define TRC_TRC_COLLECTOR_H

#include <stdint.h>
#include "collector.h"

struct trc_collector;

/* One syscall event from cpu's ring; args is NULL unless the record carries arguments.  A record
 * with TRC_EV_F_SKETCH in ev->kind is a whole struct trc_event_sketch; one of kind TRC_EV_PAIR
 * (without the flag) a whole struct trc_event_pair: the entry and the exit of one syscall.
 * Return 0, or -errno to stop the current poll (the error is returned by it). */
typedef int (*trc_event_cb)(void *ctx, int cpu, const struct trc_event *ev, const uint64_t *args);
/* One process record (fork / exec / exit) from the ctl ring. */
typedef int (*trc_task_cb)(void *ctx, const struct trc_task_rec *rec);
/* One string argument (--args), delivered right before the entry event it belongs to (same
 * cpu, tid, tseq); s->s is NUL-terminated after s->len bytes. */
typedef int (*trc_string_cb)(void *ctx, int cpu, const struct trc_string *s);

struct trc_collector_opts {
	int all;           /* trace every process but own_tgid */
	int args;          /* capture raw arguments on entry */
	uint32_t own_tgid; /* never traced (tracerecd) */
	int user_only;     /* no real root: a process that execs into credentials user_uid /
				 user_gid could not ptrace leaves the traced set (exec record
				 marked untraced) */
	uint32_t user_uid, user_gid;
	uint64_t ring_bytes; /* per-CPU ring size (rounded up to a power of two pages) */
	uint64_t ctl_bytes;  /* ctl ring size (0 = 1 MiB) */
	trc_event_cb on_event;
	trc_task_cb on_task;
	trc_string_cb on_string; /* NULL: string arguments are not read (with args too) */
	void *ctx;
};

/* Open and load the BPF object and create one ring per possible cpu; nothing is attached yet.
 * On failure returns -errno and *stage names the step that failed ("open", "load", ...).
 * The caller frees with trc_collector_free(). */
int trc_collector_open(struct trc_collector **out, const struct trc_collector_opts *o,
		       const char **stage);

/* Add a process (tgid) to the traced set. */
int trc_collector_trace_pid(struct trc_collector *c, uint32_t tgid);

/* Command mode: process tgid (a child held before its exec) becomes traced at the entry of
 * its execve, which is then its first recorded event.  Returns 0 or -ERANGE. */
int trc_collector_hold_exec(struct trc_collector *c, uint32_t tgid);

/* Number of processes in the traced set (0 once every traced process exited); processes that
 * no longer exist are dropped from it. */
int trc_collector_traced_count(struct trc_collector *c);

/* Attach the programs: events start flowing. */
int trc_collector_attach(struct trc_collector *c);

/* Detach every program (no new records), wait until none still runs, then record the entries
 * still waiting for their exit (pair mode, collector.h: threads blocked in a syscall).
 * Returns 0 or -errno (the programs are detached either way; a failure means entries of
 * threads blocked at stop may be missing). */
int trc_collector_detach(struct trc_collector *c);

/* Wait up to timeout_ms for a wake-up, then drain every ring fully.  Returns the number of
 * records consumed or -errno (-EINTR when a signal interrupted the wait). */
int trc_collector_poll(struct trc_collector *c, int timeout_ms);

/* Drain every ring without waiting. */
int trc_collector_drain(struct trc_collector *c);

int trc_collector_ncpus(const struct trc_collector *c);
/* Bytes of ring buffer per cpu, as actually created. */
uint64_t trc_collector_ring_bytes(const struct trc_collector *c);

/* Snapshot of cpu's counters. */
void trc_collector_cpu_stats(const struct trc_collector *c, int cpu, struct trc_cpu_stats *st);

/* Call fn for every thread the kernel remembers losing events (thread_loss map). */
typedef void (*trc_loss_cb)(void *ctx, uint32_t tid, const struct trc_thread_loss *tl);
int trc_collector_thread_losses(struct trc_collector *c, trc_loss_cb fn, void *ctx);

/* Forget tid's entry in thread_loss (its exit record carried the same information). */
void trc_collector_forget_loss(struct trc_collector *c, uint32_t tid);

/* Detach, free rings and the BPF object.  c may be NULL. */
void trc_collector_free(struct trc_collector *c);

#endif /* TRC_TRC_COLLECTOR_H */

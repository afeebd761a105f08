/* import_threads.h - what an importer knows about each thread of a trace.
 *
 * Keyed by tid through common/tidmap (v[i] is the thread of dense index i).  The importer keeps here the thread's pid and name (from the
 * trace's contexts, LTTng state dump, fork, exec and sched_switch events), the next per-thread
 * sequence number (tseq) to assign, and the syscall entry still waiting for its exit.
 */
#ifndef TRC_IMPORT_THREADS_H
#define TRC_IMPORT_THREADS_H

#include <stddef.h>
#include <stdint.h>

#include "trz/trz.h"
#include "common/tidmap.h"

struct ithread {
	uint32_t tid;
	uint32_t pid;            /* thread group id, 0 while unknown */
	uint32_t ppid;           /* 0 while unknown */
	char comm[TRZ_COMM_LEN]; /* "" while unknown */
	uint64_t tseq_next;      /* tseq of this thread's next imported event */
	uint64_t nsyscalls;      /* syscall events imported for it */
	int32_t pending_nr;      /* syscall number of the entry awaiting its exit */
	uint8_t pending;         /* 1 when pending_nr is valid */
	uint8_t recorded;        /* 1 once a TRZ_REC_THREAD record was written for it */
};

struct thread_table {
	struct tidmap at; /* tid -> index into v */
	struct ithread *v;
	size_t cap;
};

/* The thread tid, created (zeroed, tid set) when absent.  NULL with errno = ENOMEM on failure.
 * The pointer stays valid until the next thread_get() call (the table may grow). */
struct ithread *thread_get(struct thread_table *t, uint32_t tid);
/* The thread tid or NULL; never creates. */
struct ithread *thread_find(const struct thread_table *t, uint32_t tid);
/* Set comm from a possibly unterminated buffer of up to TRZ_COMM_LEN bytes. */
void thread_set_comm(struct ithread *th, const char *comm);
void thread_table_free(struct thread_table *t);

#endif /* TRC_IMPORT_THREADS_H */

/* gapdetect.h - per-thread ordering and exact gap detection for a live event stream.
 *
 * Input: events as they come out of per-CPU ring buffers (a thread that migrates has its events
 * in several rings, so they may arrive out of tseq order), each with the number of events of
 * its thread lost right before it (lost_before), plus the kernel's final counts for threads that
 * exited or lost their last events.  Output, through one emit callback: every event and one
 * attributed TRZ_REC_GAP record per run of lost events, per thread in tseq order; unattributed
 * per-CPU gaps when asked.  Nothing is guessed from timing: a tseq is either recorded or
 * announced lost by the kernel, so the output is exact once every ring is drained.
 *
 * Independent of BPF and of the file writer: tests feed it hand-made streams.
 */
#ifndef TRC_GAPDETECT_H
#define TRC_GAPDETECT_H

#include <stdint.h>
#include "trz/trz.h"

#define GAPDETECT_TOP 5

struct gapdetect;

/* Receives every record in output order; returns 0 or -errno (which stops and is returned). */
typedef int (*gapdetect_emit_fn)(void *ctx, const struct trz_record *rec);

struct gapdetect_thread_sum {
	uint32_t pid, tid;
	uint64_t recorded, lost;
};

struct gapdetect_stats {
	uint64_t events;     /* events emitted */
	uint64_t threads;    /* thread lifetimes seen */
	uint64_t gaps, lost; /* attributed gaps / events lost in them */
	uint64_t unattr_gaps, unattr_lost;
	uint64_t threads_checked; /* threads checked against the kernel's counts */
	uint64_t threads_bad;     /* recorded + lost != attempted, or lost != kernel's lost count */
	uint64_t unexplained;     /* tseqs neither recorded nor announced lost (written as gaps) */
	uint64_t duplicates;      /* events whose tseq was already done (written, not counted) */
	uint64_t sketched_gaps;   /* gaps written with a lost-syscall sketch */
	uint64_t lost_known;      /* lost events whose token those sketches know */
	uint64_t sketches_dropped; /* sketches that did not fit their gap (not written) */
	struct gapdetect_thread_sum top[GAPDETECT_TOP]; /* threads that lost most, most first */
	int ntop;
};

/* Per-CPU view of the recorded events (cseq side). */
struct gapdetect_cpu {
	uint64_t recorded;     /* events recorded from this cpu */
	uint64_t max_cseq;     /* highest cseq seen */
	uint64_t loss_t_first; /* time of the event before the first cseq jump (0 = none) */
	uint64_t loss_t_last;  /* time of the event after the last cseq jump (0 = none) */
};

/* New detector; caller frees with gapdetect_free(). NULL with errno on failure. */
struct gapdetect *gapdetect_new(gapdetect_emit_fn emit, void *ctx);
void gapdetect_free(struct gapdetect *g);

/* One recorded event (tseq, cpu, pid, tid set) and the count of its thread's events lost right
 * before it, with their sketch (NULL: unknown; copied).  May emit this and earlier-held events and gaps, or hold it until its thread's
 * earlier events arrive. */
int gapdetect_event(struct gapdetect *g, const struct trz_event *ev, uint64_t lost_before,
		    const struct trz_sketch *sk);

/* The thread ended (exit, or exec by a non-leader thread) after attempting final_tseq events,
 * the last lost_pending of which were lost (sk: their sketch, or NULL), lost_total in all.  The
 * trailing loss becomes a gap with no right neighbour; the thread is checked and forgotten
 * once all its events are in. */
int gapdetect_thread_final(struct gapdetect *g, uint32_t pid, uint32_t tid, uint64_t final_tseq,
			   uint64_t lost_pending, uint64_t lost_total, const struct trz_sketch *sk);

/* Losses the kernel remembers for a thread still alive at the end: its most recent lost tseq,
 * the total, and the sketch (or NULL) of its last loss run of `run` events.  Call after the
 * final drain, before gapdetect_finish(). */
int gapdetect_thread_losses(struct gapdetect *g, uint32_t pid, uint32_t tid, uint64_t last_lost_tseq,
			    uint64_t lost_total, uint64_t run, const struct trz_sketch *sk);

/* Events of tid written or announced as lost so far (0 for a thread not tracked). */
uint64_t gapdetect_thread_lost(const struct gapdetect *g, uint32_t tid);

/* Write an unattributed gap: lost events on cpu (TRZ_NO_CPU if unknown) in [t_start, t_end]. */
int gapdetect_unattributed(struct gapdetect *g, uint16_t cpu, uint64_t lost, uint64_t t_start,
			   uint64_t t_end);

/* End of stream: write every held record in order (holes become gaps, counted unexplained),
 * check and forget every thread. */
int gapdetect_finish(struct gapdetect *g);

void gapdetect_get_stats(const struct gapdetect *g, struct gapdetect_stats *st);
/* cpu's counters (zeros for a cpu never seen). */
void gapdetect_get_cpu(const struct gapdetect *g, unsigned cpu, struct gapdetect_cpu *out);
/* Threads currently tracked (alive or waiting for events). */
uint64_t gapdetect_live_threads(const struct gapdetect *g);

#endif /* TRC_GAPDETECT_H */

/* gapdetect_int.h - internals of the gap detector shared by gapdetect.c (ordering, output,
 * checks) and gapdetect_wait.c (thread table, waiting items).  Not a public header. */
#ifndef TRC_GAPDETECT_INT_H
#define TRC_GAPDETECT_INT_H

#include "collect/gapdetect.h"
#include "common/tidmap.h"

struct item {
	uint64_t first, last; /* tseq range */
	uint64_t t_end;       /* gap alone: time of the event after it (UINT64_MAX: none) */
	int is_event;
	struct trz_sketch *sk; /* the lost events first..(last or last-1): malloc'ed, owned, or NULL */
	struct trz_event ev;
};

/* The waiting events of a thread that came from one cpu's ring (tseq increasing). */
struct evq {
	struct item *v; /* circular, cap entries */
	uint32_t head, n, cap;
	uint16_t cpu;
};

struct thr {
	uint32_t pid, tid;
	uint64_t done;    /* every tseq <= done is written or declared lost */
	uint64_t last_ts; /* time of the last recorded event written (0: none yet) */
	uint64_t recorded, lost;
	uint64_t final; /* kernel: tseq attempted in all (valid with has_final) */
	uint64_t klost; /* kernel: events lost in all (valid with has_klost) */
	int has_final, has_klost;
	uint64_t npend;    /* items waiting in all queues and the heap */
	struct item *pend; /* min-heap on first: gaps alone, out-of-order fallbacks */
	uint32_t nheap, cap;
	struct evq *qs;
	uint32_t nq;
};

struct gapdetect {
	gapdetect_emit_fn emit;
	void *ctx;
	struct tidmap thr_at; /* tid -> index into thrs (dense: removal moves the last one) */
	struct thr **thrs;
	size_t capthr;
	struct gapdetect_cpu *cpus;
	uint64_t *cpu_last_ts;
	unsigned ncpus;
	uint64_t next_gap_id;
	struct gapdetect_stats st;
	struct trz_record rec; /* reused output record */
};

/* thread table (gapdetect_wait.c) */
struct thr *gapdetect_thr_find(const struct gapdetect *g, uint32_t tid);
/* find or create; NULL when out of memory */
struct thr *gapdetect_thr_get(struct gapdetect *g, uint32_t pid, uint32_t tid);
/* remove from the table and free */
void gapdetect_thr_remove(struct gapdetect *g, struct thr *t);
void gapdetect_thr_free(struct thr *t);

/* waiting items (gapdetect_wait.c): all return 0 or -ENOMEM */
int gapdetect_wait_event(struct thr *t, const struct item *it); /* an event from it->ev.cpu's ring */
int gapdetect_wait_gap(struct thr *t,
		       const struct item *it); /* a gap alone (or an event out of order) */
/* the waiting item with the smallest first (NULL if none); *src tells gapdetect_wait_take() where */
struct item *gapdetect_wait_min(const struct thr *t, int *src);
void gapdetect_wait_take(struct thr *t, int src, struct item *out);
/* highest tseq written or announced for t */
uint64_t gapdetect_thr_known(const struct thr *t);

#endif /* TRC_GAPDETECT_INT_H */

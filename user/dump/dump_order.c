/* dump_order.c - records in time order across CPUs, with a bounded window (see dump.h).
 *
 * A binary min-heap on (time, arrival number): equal times keep their file order.  Records
 * without a time of their own (metadata, STATE records, gaps of unknown time) are sorted at the latest time
 * seen so far, i.e. where they were in the file. */
#include "dump/dump.h"
#include "common/vec.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint64_t key, seq;
	struct trz_record *rec;
};

struct dump_order {
	uint64_t window_ns, max_records;
	struct entry *heap;
	uint64_t n, seq;
	size_t cap;
	uint64_t max_key, last_out;
	int have_out;
	uint64_t late, max_late;
	struct dump_map gap_keys; /* gap id -> its sort key: its synthetic events never go before it */
};

uint64_t dump_record_ts(const struct trz_record *rec)
{
	switch (rec->kind) {
	case TRZ_REC_EVENT: return rec->ev.ts_ns;
	case TRZ_REC_SYNTH: return rec->syn.ev.ts_ns;
	case TRZ_REC_THREAD: return rec->th.ts_ns;
	case TRZ_REC_GAP: return rec->gap.t_start_ns;
	case TRZ_REC_META:
	case TRZ_REC_STATE:
	case TRZ_REC_STRING: return 0;
	}
	return 0;
}

/* Bytes of a record of this kind: the union member only, so that held events stay small. */
static size_t rec_size(const struct trz_record *rec)
{
	size_t head = offsetof(struct trz_record, ev);

	switch (rec->kind) {
	case TRZ_REC_EVENT: return head + sizeof(rec->ev);
	case TRZ_REC_SYNTH: return head + sizeof(rec->syn);
	case TRZ_REC_GAP: return head + sizeof(rec->gap);
	default: return sizeof(*rec);
	}
}

struct dump_order *dump_order_new(uint64_t window_ns, uint64_t max_records)
{
	struct dump_order *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->window_ns = window_ns;
	o->max_records = max_records ? max_records : 1;
	return o;
}

static int less(const struct entry *a, const struct entry *b)
{
	return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static void sift_up(struct entry *h, uint64_t i)
{
	while (i) {
		uint64_t up = (i - 1) / 2;
		if (!less(&h[i], &h[up]))
			break;
		struct entry t = h[i];
		h[i] = h[up];
		h[up] = t;
		i = up;
	}
}

static void sift_down(struct entry *h, uint64_t n, uint64_t i)
{
	for (;;) {
		uint64_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && less(&h[l], &h[m]))
			m = l;
		if (r < n && less(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		struct entry t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Emit one record whose sort key is key (rec is freed by the caller). */
static int out(struct dump_order *o, uint64_t key, const struct trz_record *rec, dump_emit_fn emit,
	       void *ctx)
{
	if (o->have_out && key < o->last_out) {
		o->late++;
		if (o->last_out - key > o->max_late)
			o->max_late = o->last_out - key;
	} else {
		o->last_out = key;
		o->have_out = 1;
	}
	return emit(ctx, rec);
}

static int pop(struct dump_order *o, dump_emit_fn emit, void *ctx)
{
	struct entry e = o->heap[0];

	o->heap[0] = o->heap[--o->n];
	o->heap[o->n].rec = NULL; /* the slot left behind holds no record (and no stale pointer) */
	sift_down(o->heap, o->n, 0);
	int err = out(o, e.key, e.rec, emit, ctx);
	free(e.rec);
	return err;
}

int dump_order_push(struct dump_order *o, const struct trz_record *rec, dump_emit_fn emit, void *ctx)
{
	uint64_t key = dump_record_ts(rec);
	int err;

	if (rec->kind == TRZ_REC_GAP && !rec->gap.t_start_ns)
		/* a gap whose start is unknown (a thread's first events lost): where it is in the
		 * file, before its synthetic events and its thread's next event */
		key = o->have_out ? o->last_out : 1;
	else if (!key || rec->kind == TRZ_REC_META || rec->kind == TRZ_REC_STATE)
		key = o->max_key;
	if (rec->kind == TRZ_REC_GAP) {
		uint64_t *gk = dump_map_get(&o->gap_keys, rec->gap.id);
		if (!gk)
			return -ENOMEM;
		*gk = key;
	} else if (rec->kind == TRZ_REC_SYNTH) {
		/* whatever time a gap sorts at, its synthetic events never go before it */
		uint64_t *gk = dump_map_find(&o->gap_keys, rec->syn.gap_id);
		if (gk && *gk > key)
			key = *gk;
	}
	if (key > o->max_key)
		o->max_key = key;
	if (o->have_out && key < o->last_out) /* too late to sort: out at once */
		return out(o, key, rec, emit, ctx);
	if (VEC_RESERVE(o->heap, o->cap, o->n + 1))
		return -ENOMEM;
	size_t size = rec_size(rec);
	struct trz_record *copy = malloc(size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, rec, size);
	o->heap[o->n] = (struct entry){ key, o->seq++, copy };
	sift_up(o->heap, o->n++);
	while (o->n && (o->max_key - o->heap[0].key >= o->window_ns || o->n > o->max_records))
		if ((err = pop(o, emit, ctx)))
			return err;
	return 0;
}

int dump_order_drain(struct dump_order *o, dump_emit_fn emit, void *ctx)
{
	int err;

	while (o->n)
		if ((err = pop(o, emit, ctx)))
			return err;
	return 0;
}

uint64_t dump_order_late(const struct dump_order *o, uint64_t *max_late_ns)
{
	if (max_late_ns)
		*max_late_ns = o->max_late;
	return o->late;
}

void dump_order_free(struct dump_order *o)
{
	if (!o)
		return;
	for (uint64_t i = 0; i < o->n; i++)
		free(o->heap[i].rec);
	free(o->heap);
	dump_map_free(&o->gap_keys);
	free(o);
}

/* dump_strings.c - string arguments (STRING records) waiting for their entry event to be
 * printed (see dump.h).
 *
 * A trace has the strings of an entry right before the entry itself, but tracerec-dump prints
 * entries after a time-order window: the strings wait here, grouped per event (tid, tseq), in
 * a FIFO of at most DUMP_STRINGS_MAX groups (the oldest is dropped when it is full: its event
 * then shows pointers), found through a chained hash table. */
#include "dump/dump.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS (1u << 16)
#define NONE UINT32_MAX

struct group {
	uint64_t tseq;
	uint32_t tid;
	uint32_t next; /* next group in the same bucket, or NONE */
	int n;         /* strings held (0: taken or free) */
	int linked;    /* in a bucket chain */
	struct trz_string *s[DUMP_STRINGS_PER_EVENT];
};

struct dump_strings {
	struct group *g;           /* FIFO ring of groups */
	uint32_t cap, head, count; /* oldest at head, count in use */
	uint32_t last;             /* the group the last string went to, or NONE */
	uint32_t *bucket;          /* NBUCKETS heads */
	struct trz_string *taken[DUMP_STRINGS_PER_EVENT]; /* the last take(), owned here */
	int ntaken;
	uint64_t dropped; /* strings dropped (FIFO full, too many for one event) */
};

static uint32_t bucket_of(uint32_t tid, uint64_t tseq)
{
	uint64_t k = tseq * 0x9e3779b97f4a7c15ull ^ tid;

	k ^= k >> 29;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 32;
	return (uint32_t)k & (NBUCKETS - 1);
}

struct dump_strings *dump_strings_new(void)
{
	struct dump_strings *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->bucket = malloc(NBUCKETS * sizeof(*d->bucket));
	if (!d->bucket) {
		free(d);
		return NULL;
	}
	for (uint32_t i = 0; i < NBUCKETS; i++)
		d->bucket[i] = NONE;
	d->last = NONE;
	return d;
}

static void clear_group(struct group *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->s[i]);
	g->n = 0;
}

static void unlink_group(struct dump_strings *d, uint32_t idx)
{
	struct group *g = &d->g[idx];
	uint32_t *p = &d->bucket[bucket_of(g->tid, g->tseq)];

	if (!g->linked)
		return;
	while (*p != NONE && *p != idx)
		p = &d->g[*p].next;
	if (*p == idx)
		*p = g->next;
	g->linked = 0;
}

/* A new group at the tail of the FIFO (the oldest dropped when full). */
static int new_group(struct dump_strings *d, uint32_t tid, uint64_t tseq, uint32_t *out)
{
	while (d->count && !d->g[d->head].linked) { /* taken groups leave from the front */
		if (d->last == d->head)
			d->last = NONE;
		d->head = (d->head + 1) % d->cap;
		d->count--;
	}
	if (d->count == d->cap && d->cap < DUMP_STRINGS_MAX) { /* grow: unroll the ring */
		uint32_t cap = d->cap ? d->cap * 2 : 256;
		struct group *g = calloc(cap, sizeof(*g));

		if (!g)
			return -ENOMEM;
		for (uint32_t i = 0; i < d->count; i++)
			g[i] = d->g[(d->head + i) % d->cap];
		/* an empty ring (no room yet either) has no group for last to name */
		d->last = d->last != NONE && d->count ? (d->last + d->cap - d->head) % d->cap : NONE;
		free(d->g);
		d->g = g;
		d->cap = cap;
		d->head = 0;
		for (uint32_t i = 0; i < NBUCKETS; i++) /* indexes moved: rebuild the chains */
			d->bucket[i] = NONE;
		for (uint32_t i = 0; i < d->count; i++) {
			if (!g[i].linked)
				continue;
			uint32_t b = bucket_of(g[i].tid, g[i].tseq);
			g[i].next = d->bucket[b];
			d->bucket[b] = i;
		}
	}
	if (d->count == d->cap) { /* full: drop the oldest */
		struct group *old = &d->g[d->head];

		d->dropped += (uint64_t)old->n;
		clear_group(old);
		unlink_group(d, d->head);
		if (d->last == d->head)
			d->last = NONE;
		d->head = (d->head + 1) % d->cap;
		d->count--;
	}
	uint32_t idx = (d->head + d->count++) % d->cap;
	struct group *g = &d->g[idx];
	uint32_t b = bucket_of(tid, tseq);

	*g = (struct group){ .tseq = tseq, .tid = tid, .next = d->bucket[b], .linked = 1 };
	d->bucket[b] = idx;
	*out = idx;
	return 0;
}

int dump_strings_add(struct dump_strings *d, const struct trz_string *s)
{
	uint32_t idx = d->last;
	int err;

	if (idx == NONE || d->g[idx].tid != s->tid || d->g[idx].tseq != s->tseq) {
		if ((err = new_group(d, s->tid, s->tseq, &idx)))
			return err;
		d->last = idx;
	}
	struct group *g = &d->g[idx];
	if (g->n == DUMP_STRINGS_PER_EVENT) {
		d->dropped++;
		return 0;
	}
	size_t size = offsetof(struct trz_string, s) + s->len + 1;
	struct trz_string *c = malloc(size);
	if (!c)
		return -ENOMEM;
	memcpy(c, s, size - 1);
	c->s[s->len] = '\0';
	g->s[g->n++] = c;
	return 0;
}

int dump_strings_take(struct dump_strings *d, uint32_t tid, uint64_t tseq,
		      const struct trz_string *const **out)
{
	for (int i = 0; i < d->ntaken; i++)
		free(d->taken[i]);
	d->ntaken = 0;
	*out = (const struct trz_string *const *)d->taken;
	if (!d->cap)
		return 0;
	for (uint32_t i = d->bucket[bucket_of(tid, tseq)]; i != NONE; i = d->g[i].next) {
		struct group *g = &d->g[i];

		if (g->tid != tid || g->tseq != tseq)
			continue;
		memcpy(d->taken, g->s, (size_t)g->n * sizeof(g->s[0]));
		d->ntaken = g->n;
		g->n = 0;
		unlink_group(d, i);
		if (d->last == i)
			d->last = NONE;
		return d->ntaken;
	}
	return 0;
}

uint64_t dump_strings_dropped(const struct dump_strings *d)
{
	return d ? d->dropped : 0;
}

void dump_strings_free(struct dump_strings *d)
{
	if (!d)
		return;
	for (uint32_t i = 0; i < d->count; i++)
		clear_group(&d->g[(d->head + i) % d->cap]);
	for (int i = 0; i < d->ntaken; i++)
		free(d->taken[i]);
	free(d->g);
	free(d->bucket);
	free(d);
}

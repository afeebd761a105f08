/* tidmap.c - see tidmap.h. */
#include "common/tidmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void mark_empty(struct tidmap_slot *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s[i].idx = -1;
}

/* Rehash into twice the slots (an exception to vec.h: every key moves to a new place). */
static int grow(struct tidmap *m)
{
	size_t nc = m->cap ? 2 * m->cap : 64;
	struct tidmap_slot *s;

	if (nc > (size_t)INT32_MAX || !(s = malloc(nc * sizeof(*s))))
		return -ENOMEM;
	mark_empty(s, nc);
	for (size_t i = 0; i < m->cap; i++) {
		if (m->slot[i].idx < 0)
			continue;
		size_t h = tidmap_home(m->slot[i].key, nc);
		while (s[h].idx >= 0)
			h = (h + 1) & (nc - 1);
		s[h] = m->slot[i];
	}
	free(m->slot);
	m->slot = s;
	m->cap = nc;
	return 0;
}

int32_t tidmap_index(struct tidmap *m, uint64_t key)
{
	struct tidmap_slot *s;

	if ((size_t)(m->n + 1) * 2 > m->cap && grow(m))
		return -ENOMEM;
	s = tidmap_slot_of(m, key);
	if (s->idx < 0)
		*s = (struct tidmap_slot){ .key = key, .idx = m->n++ };
	return s->idx;
}

int32_t tidmap_remove(struct tidmap *m, uint64_t key, uint64_t last_key)
{
	size_t mask = m->cap - 1, h, j, k;
	struct tidmap_slot *s;
	int32_t i;

	if (!m->cap || (i = (s = tidmap_slot_of(m, key))->idx) < 0)
		return -1;
	/* backward-shift deletion: a later key of the probe run moves into the hole unless its
	 * home slot k lies cyclically in (h, j] (then the probe from k still reaches it) */
	h = (size_t)(s - m->slot);
	for (j = (h + 1) & mask; m->slot[j].idx >= 0; j = (j + 1) & mask) {
		k = tidmap_home(m->slot[j].key, m->cap);
		if (((j - k) & mask) >= ((j - h) & mask)) {
			m->slot[h] = m->slot[j];
			h = j;
		}
	}
	m->slot[h].idx = -1;
	if (i != --m->n && (s = tidmap_slot_of(m, last_key))->idx == m->n)
		s->idx = i;
	return i;
}

void tidmap_clear(struct tidmap *m)
{
	mark_empty(m->slot, m->cap);
	m->n = 0;
}

void tidmap_free(struct tidmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

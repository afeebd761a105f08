/* tidmap.c - see tidmap.h. */
#include "common/tidmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The high bits of a key (the tid of tid << 32 | pid) must reach the low ones the mask keeps:
 * the first half of the murmur3 finaliser. */
static size_t slot0(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

int32_t tidmap_find(const struct tidmap *m, uint64_t key)
{
	if (!m->cap)
		return -1;
	for (size_t h = slot0(key, m->cap);; h = (h + 1) & (m->cap - 1)) {
		if (m->idx[h] < 0)
			return -1;
		if (m->key[h] == key)
			return m->idx[h];
	}
}

/* Rehash into twice the slots (an exception to vec.h: every key moves to a new place). */
static int grow(struct tidmap *m)
{
	size_t nc = m->cap ? 2 * m->cap : 64;
	uint64_t *key = malloc(nc * sizeof(*key));
	int32_t *idx = malloc(nc * sizeof(*idx));

	if (!key || !idx || nc > (size_t)INT32_MAX) {
		free(key);
		free(idx);
		return -ENOMEM;
	}
	memset(idx, 0xff, nc * sizeof(*idx));
	for (size_t i = 0; i < m->cap; i++) {
		if (m->idx[i] < 0)
			continue;
		size_t h = slot0(m->key[i], nc);
		while (idx[h] >= 0)
			h = (h + 1) & (nc - 1);
		key[h] = m->key[i];
		idx[h] = m->idx[i];
	}
	free(m->key);
	free(m->idx);
	m->key = key;
	m->idx = idx;
	m->cap = nc;
	return 0;
}

int32_t tidmap_index(struct tidmap *m, uint64_t key)
{
	size_t h;

	if ((size_t)(m->n + 1) * 2 > m->cap && grow(m))
		return -ENOMEM;
	for (h = slot0(key, m->cap); m->idx[h] >= 0; h = (h + 1) & (m->cap - 1))
		if (m->key[h] == key)
			return m->idx[h];
	m->key[h] = key;
	m->idx[h] = m->n;
	return m->n++;
}

void tidmap_clear(struct tidmap *m)
{
	if (m->cap)
		memset(m->idx, 0xff, m->cap * sizeof(*m->idx));
	m->n = 0;
}

void tidmap_free(struct tidmap *m)
{
	free(m->key);
	free(m->idx);
	memset(m, 0, sizeof(*m));
}

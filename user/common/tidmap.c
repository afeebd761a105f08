/* tidmap.c - see tidmap.h. */
#include "common/tidmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t slot0(uint32_t key, size_t cap)
{
	return (size_t)(key * 2654435761u) & (cap - 1); /* Knuth's multiplicative hash */
}

int32_t tidmap_find(const struct tidmap *m, uint32_t key)
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

static int grow(struct tidmap *m)
{
	size_t nc = m->cap ? 2 * m->cap : 64;
	uint32_t *key = malloc(nc * sizeof(*key));
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

int32_t tidmap_index(struct tidmap *m, uint32_t key)
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

void tidmap_free(struct tidmap *m)
{
	free(m->key);
	free(m->idx);
	memset(m, 0, sizeof(*m));
}

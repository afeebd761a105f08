/* dump_map.c - the uint64 -> uint64 hash map and the tid -> comm table of tracerec-dump. */
#include "dump/dump.h"
#include "common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static uint64_t slot_of(uint64_t k, uint64_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k & (cap - 1);
}

static int map_grow(struct dump_map *m)
{
	struct dump_map g = { .cap = m->cap ? m->cap * 2 : 64 };

	g.keys = calloc(g.cap, sizeof(*g.keys));
	g.vals = calloc(g.cap, sizeof(*g.vals));
	g.used = calloc(g.cap, 1);
	if (!g.keys || !g.vals || !g.used) {
		dump_map_free(&g);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < m->cap; i++) {
		if (!m->used[i])
			continue;
		uint64_t h = slot_of(m->keys[i], g.cap);
		while (g.used[h])
			h = (h + 1) & (g.cap - 1);
		g.used[h] = 1;
		g.keys[h] = m->keys[i];
		g.vals[h] = m->vals[i];
	}
	g.n = m->n;
	dump_map_free(m);
	*m = g;
	return 0;
}

uint64_t *dump_map_find(const struct dump_map *m, uint64_t key)
{
	if (!m->cap)
		return NULL;
	for (uint64_t h = slot_of(key, m->cap);; h = (h + 1) & (m->cap - 1)) {
		if (!m->used[h])
			return NULL;
		if (m->keys[h] == key)
			return &m->vals[h];
	}
}

uint64_t *dump_map_get(struct dump_map *m, uint64_t key)
{
	uint64_t *v = dump_map_find(m, key);

	if (v)
		return v;
	if ((m->n + 1) * 2 > m->cap && map_grow(m))
		return NULL;
	uint64_t h = slot_of(key, m->cap);
	while (m->used[h])
		h = (h + 1) & (m->cap - 1);
	m->used[h] = 1;
	m->keys[h] = key;
	m->vals[h] = 0;
	m->n++;
	return &m->vals[h];
}

void dump_map_free(struct dump_map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

int dump_comms_set(struct dump_comms *c, uint32_t tid, const char *comm, int first)
{
	uint64_t *v = dump_map_get(&c->idx, tid);

	if (!v)
		return -ENOMEM;
	if (*v && first)
		return 0;
	if (!*v) {
		if (VEC_RESERVE(c->names, c->cap, c->n + 1))
			return -ENOMEM;
		*v = ++c->n;
	}
	snprintf(c->names[*v - 1], TRZ_COMM_LEN, "%s", comm);
	return 0;
}

const char *dump_comms_get(const struct dump_comms *c, uint32_t tid)
{
	uint64_t *v = dump_map_find(&c->idx, tid);

	return v && c->names[*v - 1][0] ? c->names[*v - 1] : "?";
}

void dump_comms_free(struct dump_comms *c)
{
	dump_map_free(&c->idx);
	free(c->names);
	memset(c, 0, sizeof(*c));
}

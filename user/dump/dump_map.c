/* dump_map.c - the uint64 -> uint64 map (values beside common/tidmap) and the tid -> comm
 * table of tracerec-dump. */
#include "dump/dump.h"
#include "common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

uint64_t *dump_map_find(const struct dump_map *m, uint64_t key)
{
	int32_t i = tidmap_find(&m->at, key);

	return i < 0 ? NULL : &m->kv[i].val;
}

uint64_t *dump_map_get(struct dump_map *m, uint64_t key)
{
	int32_t n = m->at.n, i;

	if (VEC_RESERVE(m->kv, m->cap, (size_t)n + 1) || (i = tidmap_index(&m->at, key)) < 0)
		return NULL;
	if (i == n)
		m->kv[i] = (struct dump_kv){ .key = key, .val = 0 };
	return &m->kv[i].val;
}

void dump_map_free(struct dump_map *m)
{
	tidmap_free(&m->at);
	free(m->kv);
	memset(m, 0, sizeof(*m));
}

int dump_comms_set(struct dump_comms *c, uint32_t tid, const char *comm, int first)
{
	int32_t n = c->idx.n, i;

	if (VEC_RESERVE(c->names, c->cap, (size_t)n + 1) || (i = tidmap_index(&c->idx, tid)) < 0)
		return -ENOMEM;
	if (i < n && first)
		return 0;
	snprintf(c->names[i], TRZ_COMM_LEN, "%s", comm);
	return 0;
}

const char *dump_comms_get(const struct dump_comms *c, uint32_t tid)
{
	int32_t i = tidmap_find(&c->idx, tid);

	return i >= 0 && c->names[i][0] ? c->names[i] : "?";
}

void dump_comms_free(struct dump_comms *c)
{
	tidmap_free(&c->idx);
	free(c->names);
	memset(c, 0, sizeof(*c));
}

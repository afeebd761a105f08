/* dump_pair.c - which syscall entry of a thread is still waiting for its exit (text lines,
 * -T durations and the -c summary pair entries with exits through this). */
#include "dump/dump.h"
#include "common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct dump_pending *dump_pairs_get(struct dump_pairs *p, uint32_t tid)
{
	int32_t n = p->idx.n, i;

	if (VEC_RESERVE(p->v, p->cap, (size_t)n + 1) || (i = tidmap_index(&p->idx, tid)) < 0)
		return NULL;
	if (i == n)
		memset(&p->v[i], 0, sizeof(p->v[i]));
	return &p->v[i];
}

/* Consecutive events of a thread differ by 1 in tseq: an exit completes the pending entry when
 * it is the same syscall and the very next event of the thread (nothing lost in between). */
int dump_pairs_match(const struct dump_pending *pe, const struct trz_event *ev)
{
	return pe && pe->valid && pe->nr == ev->nr && pe->tseq + 1 == ev->tseq;
}

void dump_pairs_free(struct dump_pairs *p)
{
	tidmap_free(&p->idx);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

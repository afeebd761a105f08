/* tidmap.h - 64-bit keys (thread ids, tid << 32 | pid, event tokens, syscall numbers, gap ids)
 * to dense indices 0, 1, 2, ... in order of first appearance: the state of each key itself
 * lives in the caller's array (see vec.h), indexed by what tidmap_index() returns.  Open
 * addressing with linear probing, grows at half load.  The one hash table of libtracerec.
 */
#ifndef TRC_TIDMAP_H
#define TRC_TIDMAP_H

#include <stddef.h>
#include <stdint.h>

struct tidmap {
	uint64_t *key;
	int32_t *idx; /* -1: empty slot */
	size_t cap;   /* slots, a power of two (0 before the first key) */
	int32_t n;    /* keys held; the next new key gets index n */
};

/* Index of key, or -1 when absent. */
int32_t tidmap_find(const struct tidmap *m, uint64_t key);
/* Index of key, giving it the next index (m->n before the call) when absent.  Returns the index
 * (>= 0) or -ENOMEM. */
int32_t tidmap_index(struct tidmap *m, uint64_t key);
/* Forget every key, keeping the memory: the next new key gets index 0 again. */
void tidmap_clear(struct tidmap *m);
/* Free the map's memory; it is empty again (and may be reused). */
void tidmap_free(struct tidmap *m);

#endif /* TRC_TIDMAP_H */

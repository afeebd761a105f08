/* tidmap.h - thread ids (or any 32-bit keys, e.g. event tokens) to dense indices 0, 1, 2, ...
 * in order of first appearance: the per-thread state itself lives in the caller's array (see
 * vec.h), indexed by what tidmap_index() returns.  Open addressing, grows at half load.
 */
#ifndef TRC_TIDMAP_H
#define TRC_TIDMAP_H

#include <stddef.h>
#include <stdint.h>

struct tidmap {
	uint32_t *key;
	int32_t *idx; /* -1: empty slot */
	size_t cap;   /* slots, a power of two (0 before the first key) */
	int32_t n;    /* keys held; the next new key gets index n */
};

/* Index of key, or -1 when absent. */
int32_t tidmap_find(const struct tidmap *m, uint32_t key);
/* Index of key, giving it the next index (m->n before the call) when absent.  Returns the index
 * (>= 0) or -ENOMEM. */
int32_t tidmap_index(struct tidmap *m, uint32_t key);
/* Free the map's memory; it is empty again (and may be reused). */
void tidmap_free(struct tidmap *m);

#endif /* TRC_TIDMAP_H */

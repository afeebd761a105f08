/* tidmap.h - 64-bit keys (thread ids, tid << 32 | pid, event tokens, syscall numbers, gap ids,
 * addresses) to dense indices 0, 1, 2, ... in order of first appearance: the state of each key
 * lives in the caller's array (see vec.h), indexed by what tidmap_index() returns.  Open
 * addressing with linear probing, grows at half load.  The one hash table of the project.
 */
#ifndef TRC_TIDMAP_H
#define TRC_TIDMAP_H

#include <stddef.h>
#include <stdint.h>

struct tidmap_slot {
	uint64_t key;
	int32_t idx; /* -1: empty slot */
};

struct tidmap {
	struct tidmap_slot *slot; /* key and index side by side: one cache line per probe */
	size_t cap;               /* slots, a power of two (0 before the first key) */
	int32_t n;                /* keys held; the next new key gets index n */
};

/* Home slot of key: Fibonacci hashing, the top bits of key times 2^64 / golden ratio, which
 * every bit of the key reaches (the tid of tid << 32 | pid, the low bits of an address) and
 * which spreads consecutive tids evenly over the slots. */
static inline size_t tidmap_home(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> (64 - __builtin_ctzll(cap)));
}

/* The slot holding key, or the empty slot where the probe for it ends (m->cap > 0). */
static inline struct tidmap_slot *tidmap_slot_of(const struct tidmap *m, uint64_t key)
{
	size_t h = tidmap_home(key, m->cap);

	while (m->slot[h].idx >= 0 && m->slot[h].key != key)
		h = (h + 1) & (m->cap - 1);
	return &m->slot[h];
}

/* Index of key, or -1 when absent.  Inline: it is on the recording and encoding paths. */
static inline int32_t tidmap_find(const struct tidmap *m, uint64_t key)
{
	return m->cap ? tidmap_slot_of(m, key)->idx : -1;
}

/* Index of key, giving it the next index (m->n before the call) when absent.  Returns the index
 * (>= 0) or -ENOMEM. */
int32_t tidmap_index(struct tidmap *m, uint64_t key);
/* Remove key; last_key, the key of index m->n - 1, takes over its index so that the indices stay
 * dense: the caller moves its element m->n - 1 (before the call) there.  Returns the index key
 * had, or -1 when it was absent (nothing changes). */
int32_t tidmap_remove(struct tidmap *m, uint64_t key, uint64_t last_key);
/* Forget every key, keeping the memory: the next new key gets index 0 again. */
void tidmap_clear(struct tidmap *m);
/* Free the map's memory; it is empty again (and may be reused). */
void tidmap_free(struct tidmap *m);

#endif /* TRC_TIDMAP_H */

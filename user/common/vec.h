/* vec.h - growable arrays without the hand-written grow-by-doubling block.
 *
 *	struct item *items = NULL;
 *	size_t n = 0, cap = 0;
 *	if (VEC_RESERVE(items, cap, n + 1))
 *		return -ENOMEM;          // items unchanged (and still owned by the caller)
 *	items[n++] = x;
 *	...
 *	free(items);
 */
#ifndef TRC_VEC_H
#define TRC_VEC_H

#include <stddef.h>

/* Make the array *pp of elements of elsz bytes, with room for *cap, hold at least need: its
 * room doubles (from 16) until it does.  Returns 0, or -ENOMEM leaving *pp and *cap as they
 * were.  pp is the address of the array pointer (any object pointer type). */
int vec_reserve(void *pp, size_t elsz, size_t *cap, size_t need);

/* VEC_RESERVE(p, cap, need): vec_reserve() for an array pointer p and its size_t capacity. */
#define VEC_RESERVE(p, cap, need) vec_reserve(&(p), sizeof(*(p)), &(cap), (need))

#endif /* TRC_VEC_H */

/* vocab.c - event tokens (syscall number, direction) <-> model ids (see vocab.h). */
#include "vocab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Sort key of a token: by syscall number (signed order), then direction. */
static uint64_t token_key(int32_t nr, uint8_t dir)
{
	return ((uint64_t)((uint32_t)nr ^ 0x80000000u) << 1) | (dir & 1);
}

static int32_t key_nr(uint64_t k)
{
	return (int32_t)((uint32_t)(k >> 1) ^ 0x80000000u);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct tok_count {
	uint64_t key;
	uint64_t count;
};

/* Most frequent first; ties by (nr, dir). */
static int cmp_count(const void *a, const void *b)
{
	const struct tok_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* The vocabulary of m distinct tokens with their counts: most frequent first, ties by
 * (nr, dir); tokens beyond VOCAB_MAX - 1 count as unseen (id 0).  Sorts tc. */
static void rank(struct vocab *v, struct tok_count *tc, int64_t m)
{
	qsort(tc, m, sizeof(*tc), cmp_count);
	memset(v, 0, sizeof(*v));
	v->n = 1;
	v->nr[0] = -1;
	for (int64_t i = 0; i < m; i++) {
		if (v->n >= VOCAB_MAX) {
			v->count[0] += tc[i].count; /* dropped tokens count as unseen */
			continue;
		}
		v->nr[v->n] = key_nr(tc[i].key);
		v->dir[v->n] = tc[i].key & 1;
		v->count[v->n] = tc[i].count;
		v->n++;
	}
}

int vocab_build(struct vocab *v, const int32_t *nr, const uint8_t *dir, int64_t n)
{
	uint64_t *keys;
	struct tok_count *tc;
	int64_t m = 0;

	if (!v || n < 0 || (n > 0 && (!nr || !dir)))
		return -EINVAL;
	keys = malloc((n ? n : 1) * sizeof(*keys));
	tc = malloc((n ? n : 1) * sizeof(*tc));
	if (!keys || !tc) {
		free(keys);
		free(tc);
		return -ENOMEM;
	}
	for (int64_t i = 0; i < n; i++)
		keys[i] = token_key(nr[i], dir[i]);
	qsort(keys, n, sizeof(*keys), cmp_u64);
	for (int64_t i = 0; i < n; i++) {
		if (m > 0 && tc[m - 1].key == keys[i]) {
			tc[m - 1].count++;
		} else {
			tc[m].key = keys[i];
			tc[m].count = 1;
			m++;
		}
	}
	rank(v, tc, m);
	free(keys);
	free(tc);
	return 0;
}

int vocab_from_counts(struct vocab *v, const int32_t *nr, const uint8_t *dir, const uint64_t *count,
		      int64_t k)
{
	struct tok_count *tc;

	if (!v || k < 0 || (k > 0 && (!nr || !dir || !count)))
		return -EINVAL;
	tc = malloc((k ? k : 1) * sizeof(*tc));
	if (!tc)
		return -ENOMEM;
	for (int64_t i = 0; i < k; i++) {
		tc[i].key = token_key(nr[i], dir[i]);
		tc[i].count = count[i];
	}
	rank(v, tc, k);
	free(tc);
	return 0;
}

void vocab_anonymous(struct vocab *v, int k)
{
	if (k < 0)
		k = 0;
	if (k > VOCAB_MAX - 1)
		k = VOCAB_MAX - 1;
	memset(v, 0, sizeof(*v));
	v->n = k + 1;
	for (int i = 0; i <= k; i++)
		v->nr[i] = -1;
}

int vocab_id(const struct vocab *v, int32_t nr, uint8_t dir)
{
	if (nr < 0)
		return 0;
	for (int i = 1; i < v->n; i++) /* ids are frequency-ranked: common tokens are found early */
		if (v->nr[i] == nr && v->dir[i] == dir)
			return i;
	return 0;
}

/* trz_buf.c - byte buffers, varint cursors and the index map used by the trz column codec. */
#include "trz/trz_codec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int trz_buf_put_grow(struct trz_buf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	if (n && d)
		memcpy(b->p + b->len, d, n);
	b->len += n;
	return 0;
}

int trz_buf_varint_grow(struct trz_buf *b, uint64_t v)
{
	uint8_t tmp[TRZ_VARINT_MAX];
	size_t n = 0;

	while (v >= 0x80) {
		tmp[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (uint8_t)v;
	return trz_buf_put_grow(b, tmp, n);
}

void trz_buf_free(struct trz_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* LEB128: at most 10 bytes, and the 10th may only carry the top bit of a u64. */
int trz_cur_varint(struct trz_cur *c, uint64_t *v)
{
	uint64_t x = 0;

	for (int i = 0; i < TRZ_VARINT_MAX; i++) {
		if (c->p >= c->end)
			return -EBADMSG;
		uint8_t b = *c->p++;
		if (i == TRZ_VARINT_MAX - 1 && b > 1)
			return -EBADMSG;
		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -EBADMSG;
}

int trz_cur_bytes(struct trz_cur *c, void *dst, size_t n)
{
	if ((size_t)(c->end - c->p) < n)
		return -EBADMSG;
	memcpy(dst, c->p, n);
	c->p += n;
	return 0;
}

static uint32_t map_hash(uint64_t k, uint32_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k & (cap - 1);
}

static int map_grow(struct trz_map *m)
{
	uint32_t cap = m->cap ? m->cap * 2 : 256;
	uint64_t *keys = malloc(cap * sizeof(*keys));
	int32_t *vals = malloc(cap * sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	memset(vals, 0xff, cap * sizeof(*vals));
	for (uint32_t i = 0; i < m->cap; i++) {
		if (m->vals[i] < 0)
			continue;
		uint32_t h = map_hash(m->keys[i], cap);
		while (vals[h] >= 0)
			h = (h + 1) & (cap - 1);
		keys[h] = m->keys[i];
		vals[h] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

/* Index stored for key, or -1. */
int32_t trz_map_get(const struct trz_map *m, uint64_t key)
{
	if (!m->cap)
		return -1;
	for (uint32_t h = map_hash(key, m->cap);; h = (h + 1) & (m->cap - 1)) {
		if (m->vals[h] < 0)
			return -1;
		if (m->keys[h] == key)
			return m->vals[h];
	}
}

/* Store key -> val (key must be absent).  Returns 0 or -ENOMEM. */
int trz_map_put(struct trz_map *m, uint64_t key, int32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		int err = map_grow(m);
		if (err)
			return err;
	}
	uint32_t h = map_hash(key, m->cap);
	while (m->vals[h] >= 0)
		h = (h + 1) & (m->cap - 1);
	m->keys[h] = key;
	m->vals[h] = val;
	m->n++;
	return 0;
}

void trz_map_clear(struct trz_map *m)
{
	if (m->cap)
		memset(m->vals, 0xff, m->cap * sizeof(*m->vals));
	m->n = 0;
}

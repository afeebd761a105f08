/* trz_buf.c - byte buffers, varint cursors used by the trz column codec. */
#include "trz/trz_codec.h"
#include "common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int trz_buf_put_grow(struct trz_buf *b, const void *d, size_t n)
{
	if (VEC_RESERVE(b->p, b->cap, b->len + n))
		return -ENOMEM;
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

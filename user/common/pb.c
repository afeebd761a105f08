/* pb.c - the protobuf encoder (pb.h). */
#include "common/pb.h"
#include "common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LEN_SLOT 5 /* a length slot holds any 32-bit length as a varint */

size_t pb_put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

static int reserve(struct pb *p, size_t more)
{
	if (p->err)
		return p->err;
	if (VEC_RESERVE(p->buf, p->cap, p->len + more))
		return p->err = -ENOMEM;
	return 0;
}

static void key(struct pb *p, uint32_t field, unsigned wire)
{
	p->len += pb_put_varint(p->buf + p->len, ((uint64_t)field << 3) | wire);
}

void pb_reset(struct pb *p)
{
	p->len = 0;
	p->depth = 0;
	p->err = 0;
}

void pb_free(struct pb *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

int pb_error(const struct pb *p)
{
	return p->err ? p->err : p->depth ? -EINVAL : 0;
}

void pb_varint(struct pb *p, uint32_t field, uint64_t v)
{
	if (reserve(p, 20))
		return;
	key(p, field, 0);
	p->len += pb_put_varint(p->buf + p->len, v);
}

void pb_double(struct pb *p, uint32_t field, double v)
{
	uint64_t u;

	if (reserve(p, 18))
		return;
	key(p, field, 1);
	memcpy(&u, &v, sizeof(u));
	for (int i = 0; i < 8; i++) /* little-endian on the wire */
		p->buf[p->len++] = (uint8_t)(u >> (8 * i));
}

void pb_bytes(struct pb *p, uint32_t field, const void *s, size_t len)
{
	if (reserve(p, 20 + len))
		return;
	key(p, field, 2);
	p->len += pb_put_varint(p->buf + p->len, len);
	if (len)
		memcpy(p->buf + p->len, s, len);
	p->len += len;
}

void pb_string(struct pb *p, uint32_t field, const char *s)
{
	pb_bytes(p, field, s, strlen(s));
}

void pb_begin(struct pb *p, uint32_t field)
{
	if (p->depth == PB_MAX_DEPTH) {
		p->err = -EINVAL;
		return;
	}
	if (reserve(p, 10 + LEN_SLOT))
		return;
	key(p, field, 2);
	p->open[p->depth++] = p->len;
	p->len += LEN_SLOT;
}

void pb_end(struct pb *p)
{
	if (p->err)
		return;
	if (!p->depth) {
		p->err = -EINVAL;
		return;
	}
	size_t slot = p->open[--p->depth];
	size_t body = p->len - slot - LEN_SLOT;
	uint8_t v[10];
	size_t n;

	if (body > UINT32_MAX) {
		p->err = -EFBIG;
		return;
	}
	n = pb_put_varint(v, body);
	/* the shortest encoding of the length, then the body moved up behind it */
	memcpy(p->buf + slot, v, n);
	memmove(p->buf + slot + n, p->buf + slot + LEN_SLOT, body);
	p->len -= LEN_SLOT - n;
}

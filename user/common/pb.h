/* pb.h - a small protobuf encoder: varint, fixed64 and length-delimited fields into a growing
 * buffer, with nested messages (pb_begin / pb_end).  Field numbers and wire types follow the
 * protobuf encoding documentation; nothing else is assumed.  Errors (out of memory, nesting
 * deeper than PB_MAX_DEPTH) are sticky and reported by pb_error(). */
#ifndef TRC_PB_H
#define TRC_PB_H

#include <stddef.h>
#include <stdint.h>

#define PB_MAX_DEPTH 8

struct pb {
	uint8_t *buf;
	size_t len, cap;
	size_t open[PB_MAX_DEPTH]; /* offsets of the length slots of open messages */
	int depth;
	int err; /* 0 or -errno */
};

/* Empty the buffer (keeps its memory). */
void pb_reset(struct pb *p);
void pb_free(struct pb *p);
int pb_error(const struct pb *p);

/* Wire type 0: uint64, int64 (two's complement, as protobuf does for int64/int32), bool, enum. */
void pb_varint(struct pb *p, uint32_t field, uint64_t v);
/* Wire type 1: double. */
void pb_double(struct pb *p, uint32_t field, double v);
/* Wire type 2: bytes or a string (len bytes of s). */
void pb_bytes(struct pb *p, uint32_t field, const void *s, size_t len);
void pb_string(struct pb *p, uint32_t field, const char *s);
/* A nested message: fields written between pb_begin and pb_end go into it. */
void pb_begin(struct pb *p, uint32_t field);
void pb_end(struct pb *p);

/* v as a varint into out (>= 10 bytes); returns its length. */
size_t pb_put_varint(uint8_t *out, uint64_t v);

#endif /* TRC_PB_H */

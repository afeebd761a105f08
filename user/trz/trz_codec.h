/* trz_codec.h - private: column encoding of trz records inside one block (see man/trz.5).
 *
 * The writer encodes records into TRZ_NCOLS growable byte buffers; the reader decodes them from
 * TRZ_NCOLS cursors.  Both keep the same per-block prediction state (struct trz_bstate), reset
 * at every block start, so blocks decode independently.
 */
#ifndef TRC_TRZ_CODEC_H
#define TRC_TRZ_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trz/trz.h"
#include "trz/trz_format.h"
#include "common/tidmap.h"

/* Return from the calling function when x (0 or -errno) fails. */
#define TRZ_TRY(x)                   \
	do {                         \
		int err_ = (x);      \
		if (err_)            \
			return err_; \
	} while (0)

/* Growable byte buffer. */
struct trz_buf {
	uint8_t *p;
	size_t len, cap;
};

/* The slow paths of the two below: grow the buffer first. */
int trz_buf_put_grow(struct trz_buf *b, const void *d, size_t n);
int trz_buf_varint_grow(struct trz_buf *b, uint64_t v);

/* Append n bytes of d (d == NULL: n uninitialised bytes).  Returns 0 or -ENOMEM.  Inline: the
 * writer appends a few bytes to several columns per event (tracerecd's hot path). */
static inline int trz_buf_put(struct trz_buf *b, const void *d, size_t n)
{
	if (b->cap - b->len < n)
		return trz_buf_put_grow(b, d, n);
	if (n == 1 && d)
		b->p[b->len] = *(const uint8_t *)d;
	else if (n && d)
		memcpy(b->p + b->len, d, n);
	b->len += n;
	return 0;
}

/* Append v as an LEB128 varint. */
static inline int trz_buf_varint(struct trz_buf *b, uint64_t v)
{
	uint8_t *q;

	if (b->cap - b->len < TRZ_VARINT_MAX)
		return trz_buf_varint_grow(b, v);
	q = b->p + b->len;
	while (v >= 0x80) {
		*q++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*q++ = (uint8_t)v;
	b->len = (size_t)(q - b->p);
	return 0;
}

void trz_buf_free(struct trz_buf *b);

/* Read cursor over one column: functions return 0 or -EBADMSG (past the end, bad varint). */
struct trz_cur {
	const uint8_t *p, *end;
};

int trz_cur_varint(struct trz_cur *c, uint64_t *v);
int trz_cur_bytes(struct trz_cur *c, void *dst, size_t n);

static inline uint64_t trz_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (0 - ((uint64_t)v >> 63)); /* all ones when v < 0 */
}

static inline int64_t trz_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

struct trz_tid_state {
	uint32_t tid, pid;
	uint64_t next_tseq; /* predicted tseq of the thread's next event */
	int32_t pending_nr; /* nr of the thread's last event if it was an entry */
	uint8_t pending;    /* 1: last event of the thread was an entry */
};

struct trz_tok_state {
	int32_t nr;
	uint8_t dir;
	int64_t last_ret;
	uint64_t last_args[TRZ_MAX_ARGS];
};

struct trz_cpu_state {
	int32_t tid_idx;    /* thread of the slot's last event, -1 = none */
	uint32_t gen;       /* the block (trz_bstate.gen) these values belong to */
	uint64_t next_cseq; /* predicted cseq of the slot's next event */
};

/* Per-block prediction state shared by encoder and decoder. */
struct trz_bstate {
	uint16_t version;      /* format version of the file (set once; not reset per block) */
	uint64_t prev_ts;      /* timestamp of the last event, synth or thread record */
	uint32_t prev_thr_tid; /* tid of the last thread record */
	struct trz_tid_state *tids;
	uint32_t ntid;
	size_t captid;
	struct trz_tok_state *toks;
	uint32_t ntok;
	size_t captok;
	struct tidmap tidmap, tokmap; /* trz_tid_key() -> tids index, trz_tok_key() -> toks */
	struct trz_cpu_state cpus[TRZ_CPU_SLOTS + 1]; /* through trz_cpu_of() */
	uint32_t gen; /* block generation: a slot of another one is reset on use */
};

/* Dictionary helpers (trz_state.c): CPU slot of a cpu, dictionary keys, appending entries
 * (return the new index, -ENOMEM or -EEXIST when the key is there), and lookup-or-append of a
 * token. */
uint32_t trz_cpu_slot(uint16_t cpu);
uint64_t trz_tid_key(uint32_t tid, uint32_t pid);
uint64_t trz_tok_key(int32_t nr, uint8_t dir);
int trz_tid_add(struct trz_bstate *s, uint32_t tid, uint32_t pid);
int trz_tok_add(struct trz_bstate *s, int32_t nr, uint8_t dir);
int trz_tok_find_or_add(struct trz_bstate *s, int32_t nr, uint8_t dir);

/* The state of cpu's slot in the current block (a slot last used in an earlier block starts
 * afresh: no thread, cseq 0), so that a reset need not touch all TRZ_CPU_SLOTS of them. */
static inline struct trz_cpu_state *trz_cpu_of(struct trz_bstate *s, uint16_t cpu)
{
	struct trz_cpu_state *c = &s->cpus[trz_cpu_slot(cpu)];

	if (c->gen != s->gen) {
		c->gen = s->gen;
		c->tid_idx = -1;
		c->next_cseq = 0;
	}
	return c;
}

/* Reset s for a new block (keeps allocations).  */
void trz_bstate_reset(struct trz_bstate *s);
void trz_bstate_free(struct trz_bstate *s);

/* Encode one record into col[TRZ_NCOLS]; returns 0, -EINVAL (invalid field) or -ENOMEM.
 * On error the columns may hold a partial record: the writer discards the block state. */
int trz_enc_event(struct trz_bstate *s, struct trz_buf *col, enum trz_rec_kind kind,
		  const struct trz_event *ev, const struct trz_synth *syn);
int trz_enc_gap(struct trz_bstate *s, struct trz_buf *col, const struct trz_gap *g);
int trz_enc_thread(struct trz_bstate *s, struct trz_buf *col, const struct trz_thread *th);
int trz_enc_meta(struct trz_bstate *s, struct trz_buf *col, const char *key, const char *value);
int trz_enc_state(struct trz_bstate *s, struct trz_buf *col, const struct trz_state *st);
/* A STRING record after its position delta in the strings column (TRZ_COL_XSTR; the caller
 * writes the delta).  -EINVAL when trz_string_check() fails. */
int trz_enc_string(struct trz_buf *col, const struct trz_string *s);
/* 0 when s is a valid STRING (arg <= 5, known flags, MORE only with ELEM, len < TRZ_STRING_MAX,
 * no NUL among its len bytes), else -EINVAL. */
int trz_string_check(const struct trz_string *s);
/* The mirror of trz_enc_string(): 0 or -EBADMSG. */
int trz_dec_string(struct trz_cur *c, struct trz_string *s);
/* 0 when sk adds up for a gap of lost events (see struct trz_sketch), else -EINVAL. */
int trz_sketch_check(const struct trz_sketch *sk, uint64_t lost);

/* Decode the next record from cur[TRZ_NCOLS] into *rec (offset untouched).  Returns 0,
 * -EBADMSG for malformed data, -ENOMEM.  maxdict bounds the dictionaries (the block's nrec). */
int trz_dec_record(struct trz_bstate *s, struct trz_cur *cur, struct trz_record *rec,
		   uint32_t maxdict);

#endif /* TRC_TRZ_CODEC_H */

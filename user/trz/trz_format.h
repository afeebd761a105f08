/* trz_format.h - private on-disk constants of the .trz format, version 1 (see man/trz.5).
 *
 * Every magic number, offset and limit of the format is named here once; only user/trz_*.c
 * include this file.  All integers on disk are little-endian.
 *
 *   file header (TRZ_FILE_HDR_LEN = 16 bytes)
 *     0  magic[8]   "\x89TRZ\r\n\x1a\n"
 *     8  u16        version (TRZ_VERSION)
 *    10  u16        header length (>= 16; readers skip the rest)
 *    12  u32        flags (0; readers ignore)
 *
 *   block header (TRZ_BLOCK_HDR_LEN = 40 bytes), then comp_len bytes of zlib data
 *     0  magic[4]   "TRZB"
 *     4  u32        comp_len      bytes of zlib stream that follow the header
 *     8  u32        raw_len       bytes of the decompressed payload
 *    12  u32        nrec          records in the block
 *    16  u64        ts_min        smallest timestamp of the block's event/synth/thread records
 *    24  u64        ts_max        largest one (both 0 when the block has none)
 *    32  u32        payload_crc   CRC-32 (zlib crc32) of the comp_len bytes
 *    36  u32        header_crc    CRC-32 of header bytes 0..35
 */
#ifndef TRC_TRZ_FORMAT_H
#define TRC_TRZ_FORMAT_H

#include <stdint.h>
#include <string.h>

#define TRZ_MAGIC "\x89TRZ\r\n\x1a\n"
#define TRZ_MAGIC_LEN 8
#define TRZ_FILE_HDR_LEN 16
#define TRZ_FILE_HDR_MAX 4096 /* a longer header length field is corrupt */

#define TRZ_BLOCK_MAGIC "TRZB"
#define TRZ_BLOCK_MAGIC_LEN 4
#define TRZ_BLOCK_HDR_LEN 40
#define TRZ_BH_COMP_LEN 4
#define TRZ_BH_RAW_LEN 8
#define TRZ_BH_NREC 12
#define TRZ_BH_TS_MIN 16
#define TRZ_BH_TS_MAX 24
#define TRZ_BH_PAYLOAD_CRC 32
#define TRZ_BH_HEADER_CRC 36

/* Limits every reader enforces (a block beyond them is corrupt) and writers stay under. */
#define TRZ_MAX_BLOCK_RECS (1u << 20)
#define TRZ_MAX_BLOCK_RAW (64u << 20)
#define TRZ_MAX_BLOCK_COMP (TRZ_MAX_BLOCK_RAW + (1u << 20))
#define TRZ_BLOCK_RAW_SOFT (4u << 20) /* writers flush once a block's payload reaches this */
#define TRZ_DEFAULT_BLOCK_EVENTS 65536u

/* Per-CPU prediction state: cpus 0..TRZ_CPU_SLOTS-1 have their own slot, all others
 * (including TRZ_NO_CPU) share slot TRZ_CPU_SLOTS. */
#define TRZ_CPU_SLOTS 4096

/* Columns of a block payload, in directory order. */
enum trz_col {
	TRZ_COL_KIND,             /* 1 byte per record: kind | flags */
	TRZ_COL_CPU,              /* event/synth: varint (0 = TRZ_NO_CPU, else cpu + 1) */
	TRZ_COL_TS,               /* event/synth/thread: low byte of zigzag(ts - previous ts) */
	TRZ_COL_TSHI,             /* event/synth/thread: varint of zigzag(ts - previous ts) >> 8 */
	TRZ_COL_TID,              /* event/synth: varint thread reference */
	TRZ_COL_TIDLIT,           /* new thread dictionary entries: varint tid, varint pid */
	TRZ_COL_TOK,              /* event/synth: varint token reference */
	TRZ_COL_TOKLIT,           /* new token dictionary entries: zigzag varint nr, varint dir */
	TRZ_COL_TSEQ,             /* event/synth: zigzag varint of tseq - predicted tseq */
	TRZ_COL_CSEQ,             /* event/synth: zigzag varint of cseq - predicted cseq */
	TRZ_COL_RET,              /* exit (or flagged entry): varint ret code (see trz_enc_ret) */
	TRZ_COL_ARGS,             /* flagged: 6 zigzag varints of arg - token's last arg */
	TRZ_COL_MISC,             /* gap and thread fields; synth gap id and confidence */
	TRZ_COL_STR,              /* strings: varint length + bytes (comm, path, meta key, value) */
	TRZ_NCOLS,                /* the columns every version-2 block has */
	TRZ_COL_XSTR = TRZ_NCOLS, /* optional 15th column: STRING records (string arguments) */
	TRZ_NCOLS_ALL
};
#define TRZ_MAX_COLS 64 /* a directory with more columns is corrupt */

#define TRZ_KIND_MASK 0x0f
#define TRZ_KF_ARGS 0x10      /* event/synth: ARGS holds 6 args (nargs = 6) */
#define TRZ_KF_ENTRY_RET 0x20 /* entry event with ret != 0: RET holds it */
#define TRZ_KF_ALL (TRZ_KIND_MASK | TRZ_KF_ARGS | TRZ_KF_ENTRY_RET)

#define TRZ_VARINT_MAX 10 /* bytes of a 64-bit LEB128 varint */

/* Return value codes (RET column): 0 = same as the token's last ret, odd = 1 + 2 * zigzag(ret),
 * even >= 4 = 2 + 2 * zigzag(ret - last ret), 2 = escape: a varint zigzag(ret) follows. */
#define TRZ_RET_SAME 0
#define TRZ_RET_ESCAPE 2
#define TRZ_RET_DIRECT_MAX (1ull << 62) /* raw/delta codes only below this */

static inline void trz_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void trz_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void trz_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t trz_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t trz_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t trz_get64(const uint8_t *p)
{
	return (uint64_t)trz_get32(p) | (uint64_t)trz_get32(p + 4) << 32;
}

#endif /* TRC_TRZ_FORMAT_H */

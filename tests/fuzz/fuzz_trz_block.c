/* fuzz_trz_block.c - the trz block decoder behind valid framing: the harness takes the fuzz
 * input as a block's decompressed payload (column directory + columns), compresses it, computes
 * both CRCs and the header's timestamp range, and reads the one-block file through the public
 * reader, so that every input reaches the column decoder.
 *
 * Input: byte 0 bit 0 = format version - 1; bytes 1-2 = record count (LE); the rest = payload.
 * Invariant: the reader accepts the block exactly when the payload decodes (the harness decodes
 * it first with the private codec), and then returns exactly its records.
 */
#include <string.h>
#include <zlib.h>

#include "fuzz/fuzz.h"
#include "dump/dump.h"
#include "trz/trz.h"
#include "trz/trz_codec.h"
#include "trz/trz_format.h"

/* Decode the payload as the reader does: 1 = all nrec records decode and use up every column,
 * with their timestamp range in *lo, *hi; 0 otherwise. */
static int predecode(const uint8_t *p, size_t n, uint32_t nrec, uint16_t version, uint64_t *lo,
		     uint64_t *hi)
{
	static struct trz_bstate st;
	static struct trz_record rec;
	struct trz_cur c = { p, p + n }, cols[TRZ_NCOLS];
	uint64_t ncols, len[TRZ_MAX_COLS], total = 0;
	int have = 0, ok = 1;

	*lo = *hi = 0;
	if (trz_cur_varint(&c, &ncols) || ncols < TRZ_NCOLS || ncols > TRZ_MAX_COLS)
		return 0;
	for (uint64_t i = 0; i < ncols; i++) {
		if (trz_cur_varint(&c, &len[i]) || len[i] > n)
			return 0;
		total += len[i];
	}
	if (total != (uint64_t)(c.end - c.p))
		return 0;
	for (int i = 0; i < TRZ_NCOLS; i++) {
		cols[i].p = c.p;
		cols[i].end = c.p + len[i];
		c.p += len[i];
	}
	trz_bstate_reset(&st);
	st.version = version;
	for (uint32_t i = 0; i < nrec && ok; i++) {
		if (trz_dec_record(&st, cols, &rec, nrec)) {
			ok = 0;
			break;
		}
		if (rec.kind == TRZ_REC_EVENT || rec.kind == TRZ_REC_SYNTH ||
		    rec.kind == TRZ_REC_THREAD) {
			uint64_t ts = rec.kind == TRZ_REC_EVENT   ? rec.ev.ts_ns
				      : rec.kind == TRZ_REC_SYNTH ? rec.syn.ev.ts_ns
								  : rec.th.ts_ns;
			*lo = !have || ts < *lo ? ts : *lo;
			*hi = !have || ts > *hi ? ts : *hi;
			have = 1;
		}
	}
	for (int i = 0; i < TRZ_NCOLS && ok; i++)
		if (cols[i].p != cols[i].end)
			ok = 0;
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trz_record rec;
	static struct dump_comms comms; /* empty: no names */
	struct trz_reader_stats rs;
	uint64_t lo, hi;

	if (size < 3 || size - 3 > (1u << 20))
		return 0;
	uint16_t version = (uint16_t)(1 + (data[0] & 1));
	const uint8_t *raw = data + 3;
	size_t rawlen = size - 3;
	uint32_t nrec = (uint32_t)data[1] | (uint32_t)data[2] << 8;
	if (nrec > rawlen)
		nrec = (uint32_t)rawlen;
	int good = predecode(raw, rawlen, nrec, version, &lo, &hi);

	uLongf clen = compressBound((uLong)rawlen);
	uint8_t *file = malloc(TRZ_FILE_HDR_LEN + TRZ_BLOCK_HDR_LEN + clen);
	if (!file)
		return 0;
	uint8_t *fh = file, *bh = file + TRZ_FILE_HDR_LEN, *z = bh + TRZ_BLOCK_HDR_LEN;
	fuzz_check(compress2(z, &clen, raw, (uLong)rawlen, 1) == Z_OK);
	memcpy(fh, TRZ_MAGIC, TRZ_MAGIC_LEN);
	trz_put16(fh + 8, version);
	trz_put16(fh + 10, TRZ_FILE_HDR_LEN);
	trz_put32(fh + 12, 0);
	memcpy(bh, TRZ_BLOCK_MAGIC, TRZ_BLOCK_MAGIC_LEN);
	trz_put32(bh + TRZ_BH_COMP_LEN, (uint32_t)clen);
	trz_put32(bh + TRZ_BH_RAW_LEN, (uint32_t)rawlen);
	trz_put32(bh + TRZ_BH_NREC, nrec);
	trz_put64(bh + TRZ_BH_TS_MIN, lo);
	trz_put64(bh + TRZ_BH_TS_MAX, hi);
	trz_put32(bh + TRZ_BH_PAYLOAD_CRC, (uint32_t)crc32(0, z, (uInt)clen));
	trz_put32(bh + TRZ_BH_HEADER_CRC, (uint32_t)crc32(0, bh, TRZ_BH_HEADER_CRC));

	struct trz_reader *r =
		trz_reader_open_mem(file, TRZ_FILE_HDR_LEN + TRZ_BLOCK_HDR_LEN + clen, NULL, NULL);
	fuzz_check(r != NULL);
	struct dump_printer p;
	memset(&p, 0, sizeof(p));
	p.out = fuzz_sink();
	p.fmt = (enum dump_format)(data[0] >> 1 & 3) % 3;
	p.comms = &comms;
	uint64_t n = 0;
	int rc;
	while ((rc = trz_read_next(r, &rec)) == 1) {
		dump_print_record(&p, &rec);
		n++;
	}
	fuzz_check(rc == 0);
	dump_print_end(&p);
	trz_reader_stats(r, &rs);
	if (good && nrec > 0)
		fuzz_check(n == nrec && rs.blocks_ok == 1 && rs.blocks_bad == 0);
	else if (!good)
		fuzz_check(n == 0 && rs.blocks_ok == 0 && rs.blocks_bad == 1);
	trz_reader_close(r);
	free(file);
	return 0;
}

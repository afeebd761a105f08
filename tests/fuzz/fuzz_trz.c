/* fuzz_trz.c - the trz reader on raw bytes (trz_reader_open_mem, then trz_reader_reset_mem:
 * one reader for every input, so that its buffers are not allocated and zeroed again each
 * time), every record printed as tracerec-dump does (format and time style chosen by the
 * input's size), counted by the statistics and the per-syscall summary (-c). */
#include <string.h>

#include "fuzz/fuzz.h"
#include "dump/dump.h"
#include "trz/trz.h"

static void on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	fuzz_check(msg && *msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trz_record rec;
	struct dump_stats st;
	struct dump_comms comms;
	struct dump_printer p;
	struct dump_summary *sum = dump_summary_new();
	struct trz_reader_stats rs;
	static struct trz_reader *r;
	uint64_t n = 0;
	int rc;

	if (r ? trz_reader_reset_mem(r, data, size) != 0
	      : !(r = trz_reader_open_mem(data, size, on_warn, NULL))) {
		dump_summary_free(sum);
		return 0;
	}
	memset(&st, 0, sizeof(st));
	memset(&comms, 0, sizeof(comms));
	memset(&p, 0, sizeof(p));
	p.out = fuzz_sink();
	p.fmt = (enum dump_format)(size % 3);
	p.time = (enum dump_time)(size / 3 % 5);
	p.durations = (int)(size / 15 % 2);
	p.comms = &comms;
	dump_print_header(&p);
	while ((rc = trz_read_next(r, &rec)) == 1) {
		fuzz_check(rec.kind >= TRZ_REC_EVENT);
		if (rec.kind == TRZ_REC_THREAD && rec.th.comm[0])
			dump_comms_set(&comms, rec.th.tid, rec.th.comm, 0);
		dump_print_record(&p, &rec);
		dump_stats_add(&st, &rec);
		if (sum)
			dump_summary_add(sum, &rec);
		n++;
	}
	fuzz_check(rc == 0); /* damage is skipped, never an error from memory */
	dump_print_end(&p);
	if (sum)
		dump_summary_print(sum, fuzz_sink(), (int)(n & 1));
	dump_summary_free(sum);
	trz_reader_stats(r, &rs);
	fuzz_check(rs.file_bytes == size);
	dump_stats_print(fuzz_sink(), &st, &rs, (int)(n & 1));
	/* a second pass gives the same records (on a quarter of the inputs: it doubles the
	 * decoding, and the fuzzer reaches the same code either way) */
	if ((size & 3) == 0) {
		fuzz_check(trz_reader_rewind(r) == 0);
		uint64_t again = 0;
		while (trz_read_next(r, &rec) == 1)
			again++;
		fuzz_check(again == n);
	}
	dump_stats_free(&st);
	dump_comms_free(&comms);
	return 0; /* r stays for the next input (freed at exit) */
}

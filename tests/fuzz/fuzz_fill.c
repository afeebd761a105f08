/* fuzz_fill.c - tracerec-fill on a fuzzed trace: fill_trace_fd() reads the input twice (it is
 * a memfd named by /proc/self/fd/N), imputes its gaps with the n-gram imputer on one thread
 * and writes the repaired trace to another memfd, which must then read back cleanly with every
 * record of the input and at most the capped number of synthetic events. */
#define _GNU_SOURCE /* memfd_create */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "fuzz/fuzz.h"
#include "fill/fill.h"
#include "trz/trz.h"

#define MAX_GAP 2048
#define MAX_SYNTH 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int in = -1;
	static char path[64];
	static struct trz_record rec;
	struct fill_opts o;
	struct fill_report r;
	struct trz_reader *rd;

	if (in < 0) {
		in = memfd_create("fuzz_fill_in", 0);
		fuzz_check(in >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", in);
	}
	fuzz_check(ftruncate(in, 0) == 0 && pwrite(in, data, size, 0) == (ssize_t)size);
	/* only inputs the reader opens get filled (the others fail before any work) */
	if (!(rd = trz_reader_open_mem(data, size, NULL, NULL)))
		return 0;
	uint64_t in_records = 0;
	while (trz_read_next(rd, &rec) == 1)
		in_records++;
	trz_reader_close(rd);

	int out = memfd_create("fuzz_fill_out", 0);
	fuzz_check(out >= 0);
	int keep = dup(out);
	fill_opts_default(&o);
	o.quiet = 1;
	o.threads = 1;
	o.method = IMPUTER_NGRAM;
	o.train_time = 0;
	o.max_gap = MAX_GAP;
	o.max_synth = MAX_SYNTH;
	int err = fill_trace_fd(path, out, "fuzz.trz", &o, &r); /* closes out */
	if (!err) {
		fuzz_check(r.synth_written <= MAX_SYNTH && r.records == in_records);
		off_t len = lseek(keep, 0, SEEK_END);
		uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
		fuzz_check(buf && pread(keep, buf, (size_t)len, 0) == len);
		rd = trz_reader_open_mem(buf, (size_t)len, NULL, NULL);
		fuzz_check(rd != NULL);
		uint64_t n = 0, synth = 0;
		struct trz_reader_stats rs;
		while (trz_read_next(rd, &rec) == 1) {
			n++;
			synth += rec.kind == TRZ_REC_SYNTH;
		}
		trz_reader_stats(rd, &rs);
		fuzz_check(rs.blocks_bad == 0 && !rs.truncated);
		fuzz_check(synth >= r.synth_written && n >= in_records + r.synth_written);
		trz_reader_close(rd);
		free(buf);
	}
	close(keep);
	return 0;
}

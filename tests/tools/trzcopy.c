/* trzcopy - rewrite a .trz trace record by record with given writer options (format tests and
 * scripts/bench-format.sh).  Usage: trzcopy IN.trz OUT.trz [ZLEVEL [BLOCK_EVENTS]] */
#include <stdio.h>
#include <stdlib.h>

#include "trz/trz.h"

int main(int argc, char **argv)
{
	struct trz_writer_opts o = { 0 };
	struct trz_record *rec = malloc(sizeof(*rec));
	int err = 0, rc;

	if (argc < 3 || !rec) {
		fprintf(stderr, "usage: trzcopy IN.trz OUT.trz [ZLEVEL [BLOCK_EVENTS]]\n");
		return 64;
	}
	o.zlevel = argc > 3 ? atoi(argv[3]) : 0;
	o.block_events = argc > 4 ? (uint32_t)atoi(argv[4]) : 0;
	struct trz_reader *r = trz_reader_open(argv[1], NULL, NULL);
	if (!r) {
		fprintf(stderr, "trzcopy: %s: %s\n", argv[1], err_text());
		return 1;
	}
	struct trz_writer *w = trz_writer_open(argv[2], &o);
	if (!w) {
		fprintf(stderr, "trzcopy: %s: %s\n", argv[2], err_text());
		return 1;
	}
	while (!err && (rc = trz_read_next(r, rec)) == 1)
		err = trz_write_record(w, rec);
	err = err ? err : rc < 0 ? rc : 0;
	int cerr = trz_writer_close(w);
	trz_reader_close(r);
	free(rec);
	if (err || cerr) {
		fprintf(stderr, "trzcopy: copy failed\n");
		return 1;
	}
	return 0;
}

/* trzgap - a tiny .trz trace whose gaps claim many lost events (tests of tracerec-fill's caps).
 *
 * Usage: trzgap OUT.trz LOST [NGAPS]
 * One thread (tid 7): 8 recorded events (read entry/exit pairs), then NGAPS (default 1)
 * attributed gaps of LOST events each, every one followed by 8 more recorded events, so that
 * each gap has context on both sides.  Created new (O_EXCL).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trz/trz.h"

static int events(struct trz_writer *w, uint64_t *tseq, uint64_t *ts, int n)
{
	int err = 0;

	for (int i = 0; i < n && !err; i++) {
		struct trz_event ev = { 0 };
		ev.ts_ns = (*ts += 1000);
		ev.tseq = (*tseq)++;
		ev.pid = ev.tid = 7;
		ev.nr = 0;
		ev.dir = (uint8_t)(ev.tseq & 1);
		ev.cpu = 0;
		err = trz_write_event(w, &ev);
	}
	return err;
}

int main(int argc, char **argv)
{
	uint64_t lost, tseq = 0, ts = 1000000, ngaps = 1;
	struct trz_writer *w;
	int fd, err;

	if (argc < 3) {
		fprintf(stderr, "usage: trzgap OUT.trz LOST [NGAPS]\n");
		return 64;
	}
	lost = strtoull(argv[2], NULL, 0);
	if (argc > 3)
		ngaps = strtoull(argv[3], NULL, 0);
	fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || !(w = trz_writer_fdopen(fd, NULL))) {
		fprintf(stderr, "trzgap: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = events(w, &tseq, &ts, 8);
	for (uint64_t g = 0; g < ngaps && !err; g++) {
		struct trz_gap gap = { 0 };
		gap.id = g + 1;
		gap.lost = lost;
		gap.seq_first = tseq;
		gap.seq_last = tseq + lost - 1;
		gap.t_start_ns = ts;
		gap.t_end_ns = ts + 1000 * (lost + 1);
		gap.pid = gap.tid = 7;
		gap.cpu = 0;
		gap.attributed = 1;
		err = trz_write_gap(w, &gap);
		tseq += lost;
		ts = gap.t_end_ns - 1000;
		if (!err)
			err = events(w, &tseq, &ts, 8);
	}
	int cerr = trz_writer_close(w);
	if (err || cerr) {
		fprintf(stderr, "trzgap: %s: %s\n", argv[1], strerror(-(err ? err : cerr)));
		return 1;
	}
	return 0;
}

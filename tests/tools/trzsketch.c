/* trzsketch - a seeded pair of traces for the lost-syscall sketch: a complete one and the same
 * with bursts of events lost, each loss recorded as an attributed gap with a sketch.
 *
 * Usage: trzsketch BASE.trz LOSSY.trz SEED [exact|partial|none] [EVENTS]
 * Three threads (tids 101-103) run a program of syscall blocks picked at random (open/fstat/
 * read.../close, write runs of random length, futex pairs, mmap/munmap, poll/recvfrom, ...), each
 * syscall an entry/exit pair; EVENTS (default 6000) events per thread.  LOSSY loses 14 bursts
 * of 1..90 events per thread (seeded).  Its gaps carry a sketch: exact (every lost token
 * counted, first/last 8 in order), partial (the first 4 distinct tokens counted, the rest
 * `other`, no ends) or none (a version 1 file: no sketches).  Both files are created new.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trz/trz.h"

#define NTHREADS 3
#define NBURSTS 14
#define MAXEV 100000

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* x86_64 numbers */
enum {
	RD = 0,
	WR = 1,
	CLOSE = 3,
	FSTAT = 5,
	POLL = 7,
	LSEEK = 8,
	MMAP = 9,
	MUNMAP = 11,
	BRK = 12,
	RECV = 45,
	FUTEX = 202,
	OPENAT = 257,
	GETPID = 39,
	NANOSLEEP = 35
};

/* One thread's syscall numbers, n of them. */
static int program(uint64_t *s, int32_t *nr, int max)
{
	int n = 0;

#define PUT(x)                         \
	do {                           \
		if (n < max)           \
			nr[n++] = (x); \
	} while (0)
	while (n < max) {
		switch (rng(s) % 7) {
		case 0:
			PUT(OPENAT);
			PUT(FSTAT);
			for (int k = 1 + (int)(rng(s) % 4); k > 0; k--)
				PUT(RD);
			PUT(CLOSE);
			break;
		case 1:
			for (int k = 1 + (int)(rng(s) % 6); k > 0; k--)
				PUT(WR);
			break;
		case 2:
			PUT(FUTEX);
			PUT(FUTEX);
			break;
		case 3:
			PUT(MMAP);
			if (rng(s) & 1)
				PUT(BRK);
			PUT(MUNMAP);
			break;
		case 4:
			PUT(POLL);
			PUT(RECV);
			if (rng(s) % 3 == 0)
				PUT(GETPID);
			break;
		case 5:
			PUT(LSEEK);
			PUT(RD);
			break;
		default: PUT(NANOSLEEP); break;
		}
	}
#undef PUT
	return n;
}

static void sketch_of(const struct trz_event *ev, int n, int mode, struct trz_sketch *sk)
{
	memset(sk, 0, sizeof(*sk));
	sk->present = 1;
	sk->t_first_ns = ev[0].ts_ns;
	sk->t_last_ns = ev[n - 1].ts_ns;
	for (int i = 0; i < n; i++) {
		int k = 0;
		while (k < sk->ntoks &&
		       (sk->toks[k].tok.nr != ev[i].nr || sk->toks[k].tok.dir != ev[i].dir))
			k++;
		if (k == sk->ntoks) {
			if (k >= (mode == 1 ? 4 : TRZ_SKETCH_MAX_TOKS)) {
				sk->other++;
				continue;
			}
			sk->ntoks++;
			sk->toks[k].tok.nr = ev[i].nr;
			sk->toks[k].tok.dir = ev[i].dir;
		}
		sk->toks[k].count++;
	}
	if (mode == 1)
		return;
	sk->nfirst = sk->nlast = (uint8_t)(n < TRZ_SKETCH_ENDS ? n : TRZ_SKETCH_ENDS);
	for (int i = 0; i < sk->nfirst; i++) {
		sk->first[i].nr = ev[i].nr;
		sk->first[i].dir = ev[i].dir;
		sk->last[i].nr = ev[n - sk->nlast + i].nr;
		sk->last[i].dir = ev[n - sk->nlast + i].dir;
	}
}

static struct trz_writer *create(const char *path, int version)
{
	struct trz_writer_opts o = { 0 };
	struct trz_writer *w;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	o.version = version;
	if (fd < 0 || !(w = trz_writer_fdopen(fd, &o))) {
		fprintf(stderr, "trzsketch: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return w;
}

int main(int argc, char **argv)
{
	static struct trz_event ev[MAXEV];
	static int32_t nr[MAXEV];
	static uint8_t lost[MAXEV];
	struct trz_writer *wb, *wl;
	uint64_t seed, s, gid = 0;
	int mode = 0, n = 6000, err = 0;

	if (argc < 4) {
		fprintf(stderr,
			"usage: trzsketch BASE.trz LOSSY.trz SEED [exact|partial|none] [EVENTS]\n");
		return 64;
	}
	seed = strtoull(argv[3], NULL, 0) | 1;
	if (argc > 4)
		mode = !strcmp(argv[4], "partial") ? 1 : !strcmp(argv[4], "none") ? 2 : 0;
	if (argc > 5)
		n = atoi(argv[5]);
	if (n < 1000 || n > MAXEV)
		return 64;
	if (!(wb = create(argv[1], 0)) || !(wl = create(argv[2], mode == 2 ? 1 : 0)))
		return 1;
	s = seed;
	for (int t = 0; t < NTHREADS && !err; t++) {
		uint32_t tid = 101 + (uint32_t)t;
		int nsys = program(&s, nr, n / 2);

		for (int i = 0; i < 2 * nsys; i++) {
			struct trz_event *e = &ev[i];
			memset(e, 0, sizeof(*e));
			e->ts_ns = 1000000000ull + (uint64_t)i * 2000 + (uint64_t)t * 333;
			e->tseq = (uint64_t)i;
			e->pid = 101;
			e->tid = tid;
			e->nr = nr[i / 2];
			e->dir = (uint8_t)(i & 1);
			e->cpu = (uint16_t)t;
			e->ret = e->dir ? 3 : 0;
		}
		memset(lost, 0, sizeof(lost));
		for (int b = 0; b < NBURSTS; b++) { /* bursts apart from each other and the ends */
			int len = 1 + (int)(rng(&s) % 90), slot = 2 * nsys / NBURSTS;
			int at = b * slot + 150 + (int)(rng(&s) % (uint64_t)(slot - 250));
			for (int i = at; i < at + len && i < 2 * nsys - 100; i++)
				lost[i] = 1;
		}
		for (int i = 0; i < 2 * nsys && !err; i++) {
			err = trz_write_event(wb, &ev[i]);
			if (err || !lost[i]) {
				if (!err)
					err = trz_write_event(wl, &ev[i]);
				continue;
			}
			int j = i;
			while (j < 2 * nsys && lost[j])
				j++;
			struct trz_gap g = { 0 };
			g.id = ++gid;
			g.lost = (uint64_t)(j - i);
			g.seq_first = ev[i].tseq;
			g.seq_last = ev[j - 1].tseq;
			g.t_start_ns = ev[i - 1].ts_ns;
			g.t_end_ns = ev[j].ts_ns;
			g.pid = 101;
			g.tid = tid;
			g.cpu = ev[i].cpu;
			g.attributed = 1;
			if (mode != 2)
				sketch_of(&ev[i], j - i, mode, &g.sketch);
			err = trz_write_gap(wl, &g);
			for (int k = i + 1; k < j && !err; k++)
				err = trz_write_event(wb, &ev[k]);
			i = j - 1;
		}
	}
	int e1 = trz_writer_close(wb), e2 = trz_writer_close(wl);
	if (err || e1 || e2) {
		fprintf(stderr, "trzsketch: %s\n", strerror(-(err ? err : e1 ? e1 : e2)));
		return 1;
	}
	return 0;
}

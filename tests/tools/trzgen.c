/* trzgen - write a small synthetic .trz trace for end-to-end tests of the readers.
 *
 * Usage: trzgen OUT.trz [EVENTS [BLOCK_EVENTS [SEED [STRINGS]]]]
 * Threads run a loop of syscalls (openat/read/write/close/futex/mmap) with entry/exit pairs,
 * realistic timestamps, per-thread and per-CPU sequence numbers; thread 2 loses a run of
 * events (an attributed gap, partly filled with synthetic events) and CPU 1 loses events no
 * later event revealed (an unattributed gap).  Metadata and thread records come first.
 * STRINGS = 1: openat entries carry their arguments and a STRING record with the path (odd
 * bytes, a cut one), and some execve entries an argv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trz/trz.h"

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(int argc, char **argv)
{
	static const int loop[] = { 257, 0, 0, 1, 3, 202, 9, 1, 0, 3 }; /* x86_64 numbers */
	const int nloop = sizeof(loop) / sizeof(loop[0]), nthreads = 4;
	struct trz_writer_opts o = { 0 };
	uint64_t seed, ts = 1000000000ull, tseq[4] = { 0 }, cseq[4] = { 0 };
	int64_t n;
	int pos[4] = { 0 }, err = 0, gap1 = 0, gap2 = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: trzgen OUT.trz [EVENTS [BLOCK_EVENTS [SEED]]]\n");
		return 64;
	}
	n = argc > 2 ? atoll(argv[2]) : 2000;
	o.block_events = argc > 3 ? (uint32_t)atoi(argv[3]) : 0;
	seed = argc > 4 ? strtoull(argv[4], NULL, 0) : 42;
	int strings = argc > 5 && atoi(argv[5]) == 1;
	struct trz_writer *w = trz_writer_open(argv[1], &o);
	if (!w) {
		fprintf(stderr, "trzgen: %s: %s\n", argv[1], err_text());
		return 1;
	}
	err |= trz_write_meta(w, "host", "testhost");
	err |= trz_write_meta(w, "tool", "trzgen");
	/* strings are arbitrary bytes: newline, tab, quote, backslash, bad and good UTF-8 */
	err |= trz_write_meta(w, "note", "line1\nline2\t\"q\" \\ \xff\xfe caf\xc3\xa9");
	struct trz_thread odd = { .ts_ns = ts,
				  .pid = 600,
				  .tid = 600,
				  .ppid = 1,
				  .comm = "bad\ncomm\x01",
				  .path = "/tmp/we ird,\"path\"" };
	err |= trz_write_thread(w, &odd);
	for (int t = 0; t < nthreads; t++) {
		struct trz_thread th = { .ts_ns = ts,
					 .pid = 500,
					 .tid = 500 + t,
					 .ppid = 1,
					 .what = t ? TRZ_THREAD_FORK : TRZ_THREAD_EXEC };
		snprintf(th.comm, sizeof(th.comm), t ? "worker%d" : "gen", t);
		snprintf(th.path, sizeof(th.path), "/usr/bin/gen");
		err |= trz_write_thread(w, &th);
	}
	for (int64_t i = 0; i < n && !err; i++) {
		int t = (int)(rng(&seed) % nthreads);
		uint16_t cpu = (uint16_t)t;
		int k = pos[t] / 2, dir = pos[t] % 2;
		struct trz_event ev = { .pid = 500,
					.tid = 500 + (uint32_t)t,
					.cpu = cpu,
					.nr = loop[k],
					.dir = (uint8_t)dir };
		ts += 200 + rng(&seed) % 3000;
		ev.ts_ns = ts;
		if (t == 2 && i >= n / 2 && !gap1++) { /* thread 2 loses 6 events */
			static struct trz_gap g = {
				.id = 1, .lost = 6, .pid = 500, .cpu = TRZ_NO_CPU, .attributed = 1
			};
			struct trz_sketch *sk = &g.sketch; /* version 2: what was lost */

			g.seq_first = tseq[t];
			g.seq_last = tseq[t] + 5;
			g.t_start_ns = ts - 100;
			g.t_end_ns = ts + 6000;
			g.tid = ev.tid;
			*sk = (struct trz_sketch){ .present = 1,
						   .ntoks = 3,
						   .other = 1,
						   .nfirst = 2,
						   .nlast = 1,
						   .t_first_ns = ts,
						   .t_last_ns = ts + 5000 };
			sk->toks[0] =
				(struct trz_sketch_cnt){ .tok = { .nr = 0, .dir = 0 }, .count = 2 };
			sk->toks[1] =
				(struct trz_sketch_cnt){ .tok = { .nr = 0, .dir = 1 }, .count = 2 };
			sk->toks[2] =
				(struct trz_sketch_cnt){ .tok = { .nr = -1, .dir = 1 }, .count = 1 };
			sk->first[0] = (struct trz_token){ .nr = 0, .dir = 0 };
			sk->first[1] = (struct trz_token){ .nr = 0, .dir = 1 };
			sk->last[0] = (struct trz_token){ .nr = 1, .dir = 1 };
			err |= trz_write_gap(w, &g);
			for (int s = 0; s < 4; s++) { /* filled partly: gap stays unfilled */
				struct trz_synth syn = { .gap_id = 1, .confidence = 0.87f };
				syn.ev = ev;
				syn.ev.tseq = tseq[t] + (uint64_t)s;
				syn.ev.ts_ns = ts + 1000 * (uint64_t)s;
				err |= trz_write_synth(w, &syn);
			}
			tseq[t] += 6;
			cseq[cpu] += 6;
			ts += 6000;
			ev.ts_ns = ts;
		}
		if (t == 1 && i >= n / 3 && !gap2++) {
			struct trz_gap g = { .id = 2,
					     .lost = 3,
					     .seq_first = cseq[cpu],
					     .seq_last = cseq[cpu] + 2,
					     .t_start_ns = ts - 50,
					     .t_end_ns = ts,
					     .cpu = cpu,
					     .attributed = 0 };
			err |= trz_write_gap(w, &g);
			cseq[cpu] += 3;
		}
		ev.tseq = tseq[t]++;
		ev.cseq = cseq[cpu]++;
		if (dir == TRZ_ENTRY && (k == 1 || k == 3)) {
			ev.nargs = TRZ_MAX_ARGS;
			ev.args[0] = 3;
			ev.args[1] = 0x7ffd12340000ull;
			ev.args[2] = 4096;
		}
		if (dir == TRZ_EXIT)
			ev.ret = k == 0 ? (rng(&seed) % 8 ? 3 : -2) : k == 2 ? 0 : 4096;
		if (strings && dir == TRZ_ENTRY && k == 0) { /* openat(AT_FDCWD, "path", flags) */
			static struct trz_string str;
			uint64_t r = rng(&seed);

			ev.nargs = TRZ_MAX_ARGS;
			ev.args[0] = (uint64_t)-100;
			ev.args[1] = 0x7ffd00000000ull + (r & 0xffff);
			ev.args[2] = 0x80000;
			str = (struct trz_string){
				.tseq = ev.tseq, .tid = ev.tid, .nr = ev.nr, .arg = 1
			};
			if (r % 7 == 0)
				str.len = (uint32_t)snprintf(str.s, sizeof(str.s),
							     "/tmp/odd \"q\"\t\\ %c%c\x1b"
							     "1 caf\xc3\xa9",
							     0xff, 0x80);
			else
				str.len = (uint32_t)snprintf(str.s, sizeof(str.s),
							     "/usr/lib/x86_64-linux-gnu/lib%u.so",
							     (unsigned)(r % 1000));
			if (r % 11 == 0)
				str.flags = TRZ_STR_CUT;
			if (r % 13 != 0) /* sometimes the string was lost: the event keeps its pointer */
				err |= trz_write_string(w, &str);
			if (r % 5 == 0) { /* and sometimes an argv array of two elements after it */
				str.arg = 2;
				str.flags = TRZ_STR_ELEM;
				str.index = 0;
				str.len = (uint32_t)snprintf(str.s, sizeof(str.s), "ls");
				err |= trz_write_string(w, &str);
				str.index = 1;
				str.flags = TRZ_STR_ELEM | TRZ_STR_MORE;
				str.len = (uint32_t)snprintf(str.s, sizeof(str.s), "-l");
				err |= trz_write_string(w, &str);
			}
		}
		err |= trz_write_event(w, &ev);
		pos[t] = (pos[t] + 1) % (2 * nloop);
	}
	/* version 2: an exit with its status, and the writer's accounting */
	static struct trz_state st = {
		.what = TRZ_STATE_END, .pending_lost = 0, .ncpus = 2, .nthreads = 1
	};
	struct trz_thread ex = { .ts_ns = ts + 1,
				 .pid = 500,
				 .tid = 501,
				 .ppid = 1,
				 .what = TRZ_THREAD_EXIT,
				 .has_status = 1,
				 .exit_status = 3 << 8 };
	snprintf(ex.comm, sizeof(ex.comm), "worker1");
	err |= trz_write_thread(w, &ex);
	st.ts_ns = ts + 2;
	st.wall_ns = 1764590400000000000ull;
	st.other_lost = 0;
	st.cpus[0] =
		(struct trz_state_cpu){ .attempted = tseq[0] + 3, .consumed = tseq[0], .lost = 3 };
	st.cpus[1] = (struct trz_state_cpu){ .attempted = 9, .consumed = 9, .lost = 0 };
	st.threads[0] = (struct trz_state_thread){ .tid = 502, .pid = 500, .lost = 0 };
	err |= trz_write_state(w, &st);
	int cerr = trz_writer_close(w);
	if (err || cerr) {
		fprintf(stderr, "trzgen: write failed\n");
		return 1;
	}
	return 0;
}

/* collector_sketch.h - adding one lost event to a thread's loss run (struct trc_sketch,
 * collector.h), and the wake-up cadence.  The BPF program calls these; tests/test_sketch.c calls
 * the very same code in user space.  Include collector.h first. */
#ifndef TRC_COLLECTOR_SKETCH_H
#define TRC_COLLECTOR_SKETCH_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifdef __clang__
#define TRC_UNROLL _Pragma("unroll")
#else
#define TRC_UNROLL
#endif

/* The token of a syscall number and direction (0 entry, 1 exit): nr as a __u16 (-1 = 0xffff). */
static __always_inline __u32 trc_token(long nr, __u8 dir)
{
	return (__u32)(__u16)nr << 1 | (dir & 1);
}

/* Add the lost event tok (at tseq, time now) to the loss run sk. */
static __always_inline void trc_sketch_add(struct trc_sketch *sk, __u32 tok, __u64 tseq, __u64 now)
{
	__u64 i = sk->lost;

	if (!i) {
		sk->first_tseq = tseq;
		sk->t_first_ns = now;
	}
	if (i < TRC_SKETCH_ENDS)
		sk->first[i & (TRC_SKETCH_ENDS - 1)] = tok;
	sk->last[i & (TRC_SKETCH_ENDS - 1)] = tok;
	sk->lost = i + 1;
	sk->t_last_ns = now;
	TRC_UNROLL
	for (int k = 0; k < TRC_SKETCH_TOKS; k++) {
		if (k == (int)sk->ntoks) { /* a new token */
			sk->tok[k] = tok;
			sk->cnt[k] = 1;
			sk->ntoks = k + 1;
			return;
		}
		if (sk->tok[k] == tok) {
			sk->cnt[k]++;
			return;
		}
	}
	sk->other++;
}

/* Does the record whose last event has per-CPU sequence number cseq, and which holds n events
 * (cseq - n + 1 .. cseq; a pair record holds 2), contain a multiple of TRC_WAKE_EVERY?  The
 * program looks at the ring's fill level only then.  (Testing cseq alone missed every multiple
 * once a one-event record had made the sequence odd between pairs: no wake-ups at all.) */
#define TRC_WAKE_EVERY 16 /* a power of two */
static __always_inline int trc_wake_due(__u64 cseq, __u32 n)
{
	return (cseq & (TRC_WAKE_EVERY - 1)) < n;
}

#endif /* TRC_COLLECTOR_SKETCH_H */

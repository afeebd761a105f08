// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* collector.bpf.c - tracerecd's kernel side: syscall entry/exit of the traced processes into
 * per-CPU ring buffers, with per-thread and per-CPU sequence counters (see collector.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "collector.h"
#include "collector_sketch.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Knobs, set by the loader before load. */
const volatile __u32 targ_all = 0;        /* trace every process but targ_own_tgid */
const volatile __u32 targ_args = 0;       /* capture raw syscall arguments on entry */
const volatile __u32 targ_own_tgid = 0;   /* tracerecd itself, never traced */
const volatile __u64 targ_wake_bytes = 0; /* wake the consumer once a ring holds this much */
const volatile __u32 targ_nr_execve = 0;  /* execve's number: a held command starts there */
/* Syscalls that do not return to their caller: their entry is recorded at once (pair mode) */
const volatile __u32 targ_nr_execveat = 0;
const volatile __u32 targ_nr_exit = 0;
const volatile __u32 targ_nr_exit_group = 0;
/* --args: which arguments of syscall nr are strings to read (collector.h, TRC_STR_*) */
const volatile __u16 targ_str_args[TRC_STR_NR];

/* Command mode: the tgid of the command held before its exec (0 = none); it becomes traced at
 * the entry of its execve, so that its own setup before that (done by tracerecd) is not
 * recorded.  Set by user space through the mmap'ed .bss, cleared here. */
__u32 trc_hold_tgid;

/* Without real root (file capabilities): the invoking user's real ids.  A traced process that
 * execs into other credentials (setuid/setgid, file capabilities, an unreadable image) is
 * one that user could not ptrace: it leaves the traced set, with its future children. */
const volatile __u32 targ_user_only = 0;
const volatile __u32 targ_uid = 0;
const volatile __u32 targ_gid = 0;

/* Set by the loader once every program is attached (and cleared before detaching), so that
 * no thread records an entry whose exit program is not attached yet. */
__u32 trc_on;

/* Per-CPU counters; user space reads them through the mmap'ed .bss. */
struct trc_cpu_stats cpu_stats[TRC_MAX_CPUS];

/* Per-thread state in task-local storage. */
struct tstate {
	__u64 tseq;         /* last tseq attempted */
	__u64 lost_total;   /* events lost so far */
	__u64 lost_pending; /* events lost since the last recorded one */
	__s64 entry_nr;     /* syscall of the last entry (-1: none yet) */
	__u64 pend_tseq;    /* pair mode: tseq of the entry waiting for its exit (0: none) */
	__u64 pend_ts;      /* and its time */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tstate);
} tstore SEC(".maps");

/* Traced set (unused with targ_all): one bit per tgid, in .bss so that the test is a plain
 * load and user space sets bits through the mmap'ed .bss with atomic ors. */
__u64 traced_bits[TRC_PID_LIMIT / 64];

#define TRACED_WORD(tgid) traced_bits[((tgid) / 64) & (TRC_PID_LIMIT / 64 - 1)]

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, TRC_MAX_LOSS_THREADS);
	__type(key, __u32);
	__type(value, struct trc_thread_loss);
} thread_loss SEC(".maps");

/* One event ring per CPU; the loader creates them and sizes the outer map to the cpu count. */
struct trc_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, TRC_MAX_CPUS);
	__type(key, __u32);
	__array(values, struct trc_ring);
} rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} ctl SEC(".maps");

static __always_inline int is_traced(__u32 tgid)
{
	if (!trc_on || tgid == targ_own_tgid)
		return 0;
	if (targ_all)
		return 1;
	/* tgid < PID_MAX_LIMIT == TRC_PID_LIMIT; the mask in TRACED_WORD bounds the index */
	return (TRACED_WORD(tgid) >> (tgid % 64)) & 1;
}

/* The held command's execve entry: from here on its process is traced (collector.h). */
static __always_inline int held_exec(__u32 tgid, long nr, __u8 kind)
{
	if (tgid != trc_hold_tgid || kind != TRC_EV_ENTER || nr != targ_nr_execve || !trc_on ||
	    tgid >= TRC_PID_LIMIT)
		return 0;
	__sync_fetch_and_or(&TRACED_WORD(tgid), 1ull << (tgid % 64));
	trc_hold_tgid = 0;
	return 1;
}

static __always_inline struct trc_cpu_stats *this_cpu_stats(__u32 *cpup)
{
	__u32 cpu = bpf_get_smp_processor_id();

	*cpup = cpu;
	if (cpu >= TRC_MAX_CPUS)
		return NULL;
	return &cpu_stats[cpu & (TRC_MAX_CPUS - 1)];
}

static __always_inline void sketch_reset(struct trc_sketch *sk)
{
	sk->lost = 0;
	sk->ntoks = 0;
	sk->other = 0;
}

/* A reservation failed: count it per CPU, per thread, and remember it (with its token) in
 * thread_loss.  A pair (entry_ts != 0) is two events: its entry (tseq - 1, nr, at entry_ts)
 * and its exit (tseq, tok). */
static __always_inline void note_loss(struct trc_cpu_stats *cs, struct tstate *st, __u32 cpu,
				      __u64 id, __u64 tseq, __u32 tok, __u64 entry_ts)
{
	__u32 tid = (__u32)id, n = entry_ts ? 2 : 1;
	struct trc_thread_loss *tl;
	__u64 now;

	__sync_fetch_and_add(&cs->drops, n);
	st->lost_total += n;
	st->lost_pending += n;
	tl = bpf_map_lookup_elem(&thread_loss, &tid);
	if (!tl) {
		static const struct trc_thread_loss z;

		bpf_map_update_elem(&thread_loss, &tid, &z, BPF_NOEXIST);
		tl = bpf_map_lookup_elem(&thread_loss, &tid);
		if (!tl) {
			__sync_fetch_and_add(&cs->loss_map_full, n);
			__sync_fetch_and_add(&cs->sketch_lost, n);
			return;
		}
	}
	now = bpf_ktime_get_ns();
	tl->lost_total = st->lost_total;
	tl->last_lost_tseq = tseq;
	tl->last_lost_ns = now;
	tl->pid = id >> 32;
	tl->last_cpu = cpu;
	if (entry_ts)
		trc_sketch_add(&tl->sk, tok & ~1u, tseq - 1, entry_ts);
	trc_sketch_add(&tl->sk, tok, tseq, now);
}

/* Adaptive wake-ups: none while the ring is below the mark (the consumer polls with a
 * timeout), one when it crosses the mark, none again until it has been drained below it. */
static __always_inline __u64 wake_flags(void *rb, struct trc_cpu_stats *cs, __u64 cseq, __u32 n)
{
	if (!trc_wake_due(cseq, n)) /* look at the fill level every 16th event only */
		return BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) < targ_wake_bytes) {
		if (cs->woken)
			cs->woken = 0;
		return BPF_RB_NO_WAKEUP;
	}
	if (cs->woken)
		return BPF_RB_NO_WAKEUP;
	cs->woken = 1;
	return BPF_RB_FORCE_WAKEUP;
}

static __always_inline void fill_args(struct trc_event_args *ea, struct pt_regs *regs)
{
	/* regs is a BTF pointer (tp_btf): direct, CO-RE relocated loads, no helper calls */
#if defined(__TARGET_ARCH_x86)
	ea->args[0] = regs->di;
	ea->args[1] = regs->si;
	ea->args[2] = regs->dx;
	ea->args[3] = regs->r10;
	ea->args[4] = regs->r8;
	ea->args[5] = regs->r9;
#else
	ea->args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
	ea->args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
	ea->args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
	ea->args[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
	ea->args[4] = PT_REGS_PARM5_CORE_SYSCALL(regs);
#endif
}

static __always_inline void fill_event(struct trc_event *e, __u64 ts, __u64 id, __u64 tseq,
				       __u64 cseq, long nr, long ret, __u8 kind, __u64 lost_before,
				       __u8 nargs)
{
	e->ts_ns = ts;
	e->tseq = tseq;
	e->cseq = cseq;
	e->ret = ret;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->lost_before = lost_before;
	e->nr = nr;
	e->kind = kind;
	e->nargs = nargs;
}

/* ---- string arguments (--args; collector.h) ---- */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct trc_string);
} str_scratch SEC(".maps");

/* A string argument that could not be read at the entry (its page was not in memory: the
 * program had not touched it yet) is read again at the syscall's exit, after the kernel itself
 * read it.  Never for syscalls with string arrays (execve: the memory is gone at the exit). */
struct str_retry {
	__u64 tseq;           /* the entry's */
	__u64 ptr[TRC_NARGS]; /* the arguments to read again */
	__u32 mask;           /* which */
	__u32 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct str_retry);
} str_retry SEC(".maps");

/* Read the string at p into s and output it; what = arg | flags << 8 | index << 16.  Returns 1
 * when a record was output, 0 when not (no pointer, ring full), -1 when p was not readable. */
static __noinline int emit_string(void *rb, struct trc_cpu_stats *cs, struct trc_string *s,
				  const char *p, __u32 what)
{
	__u8 flags = what >> 8;
	long n;
	char c;

	if (!p)
		return 0;
	n = bpf_probe_read_user_str(s->s, TRC_STR_LEN, p);
	if (n <= 0 || n > TRC_STR_LEN)
		return -1;
	/* TRC_STR_LEN - 1 bytes read: cut unless the string ends right there */
	if (n == TRC_STR_LEN && (bpf_probe_read_user(&c, 1, p + TRC_STR_LEN - 1) || c))
		flags |= TRC_STR_CUT;
	s->arg = what & 0xff;
	s->flags = flags;
	s->index = what >> 16;
	s->len = n - 1;
	if (bpf_ringbuf_output(rb, s, offsetof(struct trc_string, s) + n, BPF_RB_NO_WAKEUP)) {
		__sync_fetch_and_add(&cs->str_drops, 1);
		return 0;
	}
	__sync_fetch_and_add(&cs->str_recs, 1);
	return 1;
}

/* The elements of a NULL-terminated array of strings (execve's argv), up to TRC_ARGV_MAX. */
static __noinline int emit_array(void *rb, struct trc_cpu_stats *cs, struct trc_string *s,
				 const char *const *argv, __u32 arg)
{
	const char *p, *next;
	int n = 0, r;

	if (!argv || bpf_probe_read_user(&p, sizeof(p), &argv[0]))
		return 0;
	for (__u32 k = 0; k < TRC_ARGV_MAX && p; k++) {
		__u32 flags = TRC_STR_ELEM;

		if (bpf_probe_read_user(&next, sizeof(next), &argv[k + 1]))
			next = NULL;
		if (next && k == TRC_ARGV_MAX - 1)
			flags |= TRC_STR_MORE;
		r = emit_string(rb, cs, s, p, arg | flags << 8 | k << 16);
		if (r < 0)
			__sync_fetch_and_add(&cs->str_faults, 1);
		else
			n += r;
		p = next;
	}
	return n;
}

/* The strings of entry e (args: its arguments), output after it; returns how many. */
static __noinline int emit_strings(void *rb, struct trc_cpu_stats *cs, const struct trc_event *e,
				   const __u64 *args, __u32 mask)
{
	__u32 zero = 0;
	struct trc_string *s = bpf_map_lookup_elem(&str_scratch, &zero);
	struct str_retry *rt = NULL;
	int n = 0, r;

	if (!s)
		return 0;
	__builtin_memset(&s->ev, 0, sizeof(s->ev));
	s->ev.tseq = e->tseq;
	s->ev.pid = e->pid;
	s->ev.tid = e->tid;
	s->ev.nr = e->nr;
	s->ev.kind = TRC_EV_STRING;
	for (__u32 i = 0; i < TRC_NARGS; i++) {
		if (mask & (1u << i)) {
			r = emit_string(rb, cs, s, (const char *)args[i], i);
			if (r >= 0) {
				n += r;
			} else if (mask >> TRC_STR_ARRAY_SHIFT) { /* execve: no second chance */
				__sync_fetch_and_add(&cs->str_faults, 1);
			} else {
				if (!rt)
					rt = bpf_task_storage_get(&str_retry,
								  bpf_get_current_task_btf(), 0,
								  BPF_LOCAL_STORAGE_GET_F_CREATE);
				if (!rt) {
					__sync_fetch_and_add(&cs->str_faults, 1);
					continue;
				}
				if (rt->tseq != e->tseq || !rt->mask) {
					rt->tseq = e->tseq;
					rt->nr = e->nr;
					rt->mask = 0;
				}
				rt->ptr[i] = args[i];
				rt->mask |= 1u << i;
			}
		}
		if (mask & (1u << (TRC_STR_ARRAY_SHIFT + i)))
			n += emit_array(rb, cs, s, (const char *const *)args[i], i);
	}
	return n;
}

/* At the exit of the entry rt->tseq: the strings it could not read, read again (they go to
 * user space as strings of that entry, after it). */
static __noinline int emit_retry(void *rb, struct trc_cpu_stats *cs, struct str_retry *rt, __u64 id)
{
	__u32 zero = 0;
	struct trc_string *s = bpf_map_lookup_elem(&str_scratch, &zero);
	int n = 0, r;

	if (!s)
		return 0;
	__builtin_memset(&s->ev, 0, sizeof(s->ev));
	s->ev.tseq = rt->tseq;
	s->ev.pid = id >> 32;
	s->ev.tid = (__u32)id;
	s->ev.nr = rt->nr;
	s->ev.kind = TRC_EV_STRING;
	for (__u32 i = 0; i < TRC_NARGS; i++) {
		if (!(rt->mask & (1u << i)))
			continue;
		r = emit_string(rb, cs, s, (const char *)rt->ptr[i], i);
		if (r < 0)
			__sync_fetch_and_add(&cs->str_faults, 1);
		else
			n += r;
	}
	rt->mask = 0;
	return n;
}

/* --args, at the exit (tseq) of a syscall with string arguments: the second chance. */
static __always_inline void retry_strings(void *rb, struct trc_cpu_stats *cs,
					  struct task_struct *task, __u64 id, __u64 tseq, long nr)
{
	__u32 k = (__u32)nr;
	struct str_retry *rt;

	if (k >= TRC_STR_NR)
		return;
	asm volatile("" : "+r"(k));
	if (!targ_str_args[k & (TRC_STR_NR - 1)])
		return;
	rt = bpf_task_storage_get(&str_retry, task, 0, 0);
	if (rt && rt->mask) {
		if (rt->tseq + 1 == tseq)
			emit_retry(rb, cs, rt, id);
		rt->mask = 0;
	}
}

/* --args, at an entry: output the strings the syscall's arguments point to right after the
 * (reserved, not yet submitted) event e and return their count, the event's ret. */
static __always_inline __s64 record_strings(void *rb, struct trc_cpu_stats *cs,
					    const struct trc_event *e)
{
	__u32 nr = e->nr;
	__u16 mask;

	if (nr >= TRC_STR_NR)
		return 0;
	asm volatile("" : "+r"(nr)); /* keep the mask below where the verifier sees it */
	mask = targ_str_args[nr & (TRC_STR_NR - 1)];
	return mask ? emit_strings(rb, cs, e, (const __u64 *)(e + 1), mask) : 0;
}

/* The first event after a loss run whose sketch is in thread_loss: event and sketch in one
 * reservation.  Returns 0 when recorded, -1 when there is no sketch to send (the caller
 * records the event plainly), -2 when the ring is full (the event is lost).  n: events in the
 * record (2 for a pair). */
static __always_inline int record_with_sketch(void *rb, struct trc_cpu_stats *cs, struct tstate *st,
					      struct pt_regs *regs, __u64 ts, __u64 id, __u64 tseq,
					      __u64 cseq, __u32 n, long nr, long ret, __u8 kind,
					      __u64 entry_ts, int with_args)
{
	__u32 tid = (__u32)id;
	struct trc_thread_loss *tl = bpf_map_lookup_elem(&thread_loss, &tid);
	struct trc_event_sketch *es;

	if (!tl || !tl->sk.lost)
		return -1; /* no sketch (thread_loss was full): lost_before alone tells the gap */
	es = bpf_ringbuf_reserve(rb, sizeof(*es), 0);
	if (!es)
		return -2;
	if (with_args)
		fill_args((struct trc_event_args *)es, regs);
	else
		es->entry_ts_ns = entry_ts;
	fill_event(&es->ev, ts, id, tseq, cseq, nr, ret, kind | TRC_EV_F_SKETCH, st->lost_pending,
		   with_args ? TRC_NARGS : 0);
	if (with_args)
		es->ev.ret = record_strings(rb, cs, &es->ev);
	__builtin_memcpy(&es->sk, &tl->sk, sizeof(es->sk));
	sketch_reset(&tl->sk);
	st->lost_pending = 0;
	__sync_fetch_and_add(&cs->sketch_recs, 1);
	bpf_ringbuf_submit(es, wake_flags(rb, cs, cseq, n));
	return 0;
}

/* Count, reserve, fill and submit one record of thread id on this cpu: an entry or an exit
 * (tseq, at ts), or a pair (kind TRC_EV_PAIR: the entry tseq - 1 at entry_ts and the exit tseq
 * at ts, two attempts). */
static __always_inline void emit_rec(struct trc_cpu_stats *cs, __u32 cpu, struct tstate *st,
				     struct pt_regs *regs, struct task_struct *task, __u64 id,
				     __u64 ts, __u64 tseq, long nr, long ret, __u8 kind,
				     __u64 entry_ts, int with_args)
{
	__u32 n = kind == TRC_EV_PAIR ? 2 : 1;
	__u64 cseq = __sync_fetch_and_add(&cs->attempts, n) + n;
	struct trc_event *e;
	void *rb;

	rb = bpf_map_lookup_elem(&rings, &cpu);
	if (!rb)
		goto lost;
	if (targ_args && kind == TRC_EV_EXIT)
		retry_strings(rb, cs, task, id, tseq, nr);
	if (st->lost_pending) { /* the loss path: hand over the sketch with this event */
		int r = record_with_sketch(rb, cs, st, regs, ts, id, tseq, cseq, n, nr, ret, kind,
					   entry_ts, with_args);

		if (r == 0)
			return;
		if (r == -2)
			goto lost;
	}
	if (kind == TRC_EV_PAIR) {
		struct trc_event_pair *ep = bpf_ringbuf_reserve(rb, sizeof(*ep), 0);

		if (!ep)
			goto lost;
		ep->entry_ts_ns = entry_ts;
		e = &ep->ev;
	} else if (with_args) {
		struct trc_event_args *ea = bpf_ringbuf_reserve(rb, sizeof(*ea), 0);

		if (!ea)
			goto lost;
		fill_args(ea, regs);
		e = &ea->ev;
	} else {
		e = bpf_ringbuf_reserve(rb, sizeof(*e), 0);
		if (!e)
			goto lost;
	}
	fill_event(e, ts, id, tseq, cseq, nr, ret, kind, st->lost_pending, with_args ? TRC_NARGS : 0);
	st->lost_pending = 0;
	if (with_args)
		e->ret = record_strings(rb, cs, e);
	bpf_ringbuf_submit(e, wake_flags(rb, cs, cseq, n));
	return;
lost:
	note_loss(cs, st, cpu, id, tseq, trc_token(nr, kind != TRC_EV_ENTER),
		  kind == TRC_EV_PAIR ? entry_ts : 0);
}

/* Pair mode: the thread's pending entry (its exit not seen), recorded alone. */
static __always_inline void flush_entry(struct trc_cpu_stats *cs, __u32 cpu, struct tstate *st,
					__u64 id)
{
	__u64 tseq = st->pend_tseq;

	if (!tseq)
		return;
	st->pend_tseq = 0;
	emit_rec(cs, cpu, st, NULL, NULL, id, st->pend_ts, tseq, st->entry_nr, 0, TRC_EV_ENTER, 0, 0);
}

/* Syscalls that do not return to their caller (collector.h): recorded at their entry. */
static __always_inline int no_return(long nr)
{
	return nr == targ_nr_exit || nr == targ_nr_exit_group || nr == targ_nr_execve ||
	       nr == targ_nr_execveat;
}

/* The one syscall handler: filter, count, reserve, fill, submit.  Without --args an entry is
 * only kept (task storage) and recorded with its exit (collector.h). */
static __always_inline int record_sys(struct pt_regs *regs, long nr, long ret, __u8 kind)
{
	struct task_struct *task = bpf_get_current_task_btf();
	/* direct loads of the global pid/tgid: what bpf_get_current_pid_tgid() returns, cheaper */
	__u64 id = (__u64)task->tgid << 32 | (__u32)task->pid;
	struct trc_cpu_stats *cs;
	struct tstate *st;
	__u64 tseq;
	__u32 cpu;
	int with_args = targ_args && kind == TRC_EV_ENTER;

	if (!is_traced(id >> 32) && !held_exec(id >> 32, nr, kind))
		return 0;
	cs = this_cpu_stats(&cpu);
	if (!cs)
		return 0;
	st = bpf_task_storage_get(&tstore, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st) {
		__sync_fetch_and_add(&cs->no_storage, 1);
		return 0;
	}
	/* rt_sigreturn (and syscalls skipped by seccomp) leave orig_ax == -1 at exit: the exit
	 * belongs to the thread's last entry */
	if (!st->tseq)
		st->entry_nr = -1;
	if (kind == TRC_EV_ENTER) {
		if (st->pend_tseq) /* an entry whose exit never came */
			flush_entry(cs, cpu, st, id);
		st->entry_nr = nr;
		if (!targ_args && !no_return(nr)) { /* kept until its exit */
			st->pend_tseq = ++st->tseq;
			st->pend_ts = bpf_ktime_get_ns();
			return 0;
		}
	} else {
		if (nr == -1)
			nr = st->entry_nr;
		if (st->pend_tseq) {
			if (st->pend_tseq == st->tseq && nr == st->entry_nr) { /* the usual case */
				st->pend_tseq = 0;
				tseq = ++st->tseq;
				emit_rec(cs, cpu, st, regs, task, id, bpf_ktime_get_ns(), tseq, nr,
					 ret, TRC_EV_PAIR, st->pend_ts, 0);
				return 0;
			}
			flush_entry(cs, cpu, st, id); /* not this exit's entry */
		}
	}
	tseq = ++st->tseq;
	emit_rec(cs, cpu, st, regs, task, id, bpf_ktime_get_ns(), tseq, nr, ret, kind, 0, with_args);
	return 0;
}

static __always_inline long syscall_nr(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return regs->orig_ax; /* direct load from the BTF pointer */
#elif defined(__TARGET_ARCH_arm64)
	return BPF_CORE_READ((struct user_pt_regs *)regs, regs[8]);
#else
	return -1;
#endif
}

SEC("tp_btf/sys_enter")
int BPF_PROG(trc_sys_enter, struct pt_regs *regs, long id)
{
	return record_sys(regs, id, 0, TRC_EV_ENTER);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(trc_sys_exit, struct pt_regs *regs, long ret)
{
	return record_sys(regs, syscall_nr(regs), ret, TRC_EV_EXIT);
}

/* ---- process records (ctl ring) ---- */

static __always_inline struct trc_task_rec *ctl_reserve(__u8 kind)
{
	struct trc_task_rec *r;
	struct trc_cpu_stats *cs;
	__u32 cpu;

	cs = this_cpu_stats(&cpu);
	if (!cs)
		return NULL;
	__sync_fetch_and_add(&cs->ctl_attempts, 1);
	r = bpf_ringbuf_reserve(&ctl, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&cs->ctl_drops, 1);
		return NULL;
	}
	__builtin_memset(r, 0, sizeof(*r));
	r->ts_ns = bpf_ktime_get_ns();
	r->kind = kind;
	r->cpu = cpu;
	return r;
}

static __always_inline int on_fork(struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid = BPF_CORE_READ(child, tgid);
	struct trc_task_rec *r;
	if (!is_traced(ptgid) || ctgid == targ_own_tgid)
		return 0;
	if (!targ_all && ctgid != ptgid) {
		if (ctgid < TRC_PID_LIMIT) {
			__sync_fetch_and_or(&TRACED_WORD(ctgid), 1ull << (ctgid % 64));
		} else {
			__u32 cpu;
			struct trc_cpu_stats *cs = this_cpu_stats(&cpu);

			if (cs)
				__sync_fetch_and_add(&cs->traced_full, 1);
		}
	}
	r = ctl_reserve(TRC_TASK_FORK);
	if (!r)
		return 0;
	r->pid = ctgid;
	r->tid = BPF_CORE_READ(child, pid);
	r->ppid = ptgid;
	r->ptid = BPF_CORE_READ(parent, pid);
	BPF_CORE_READ_STR_INTO(&r->comm, child, comm);
	bpf_ringbuf_submit(r, 0);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(trc_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

/* 1 when the invoking user could ptrace p after its exec (the kernel's rule for a caller
 * without capabilities): every uid and gid of p is the user's, p holds no permitted
 * capability, and p is dumpable (SUID_DUMP_USER: an unreadable image or a credential change
 * makes it not).  mm->flags is read as its first word (an unsigned long, or the first word of
 * mm_flags_t since 6.17). */
static __always_inline int user_could_trace(struct task_struct *p)
{
	const struct cred *c = BPF_CORE_READ(p, cred);
	struct mm_struct *mm = BPF_CORE_READ(p, mm);
	unsigned long mmf = 0;

	if (!c || BPF_CORE_READ(c, uid.val) != targ_uid || BPF_CORE_READ(c, euid.val) != targ_uid ||
	    BPF_CORE_READ(c, suid.val) != targ_uid || BPF_CORE_READ(c, fsuid.val) != targ_uid ||
	    BPF_CORE_READ(c, gid.val) != targ_gid || BPF_CORE_READ(c, egid.val) != targ_gid ||
	    BPF_CORE_READ(c, sgid.val) != targ_gid || BPF_CORE_READ(c, fsgid.val) != targ_gid ||
	    BPF_CORE_READ(c, cap_permitted.val))
		return 0;
	if (!mm || bpf_core_read(&mmf, sizeof(mmf), &mm->flags))
		return 0;
	return (mmf & 3) == 1; /* MMF_DUMPABLE_MASK, SUID_DUMP_USER */
}

/* A non-leader thread that execs takes over the leader's tid: its counters restart. */
static __always_inline int on_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct trc_task_rec *r;
	struct tstate *st;
	const char *fn;
	__u32 tgid = id >> 32, untraced = 0;

	if (!is_traced(tgid))
		return 0;
	if (targ_user_only && !user_could_trace(p)) {
		/* out of the traced set before its first syscall in the new image */
		untraced = 1;
		if (tgid < TRC_PID_LIMIT)
			__sync_fetch_and_and(&TRACED_WORD(tgid), ~(1ull << (tgid % 64)));
	}
	r = ctl_reserve(TRC_TASK_EXEC);
	if (!r)
		return 0;
	r->untraced = untraced;
	r->pid = tgid;
	r->tid = (__u32)id;
	r->ppid = BPF_CORE_READ(p, real_parent, tgid);
	r->old_tid = old_pid;
	st = bpf_task_storage_get(&tstore, bpf_get_current_task_btf(), 0, 0);
	if (st && (__u32)old_pid != (__u32)id) {
		r->final_tseq = st->tseq;
		r->lost_total = st->lost_total;
		r->lost_pending = st->lost_pending;
		st->tseq = 0;
		st->pend_tseq = 0; /* none: execve is recorded at its entry */
		st->lost_total = 0;
		st->lost_pending = 0;
	}
	bpf_get_current_comm(&r->comm, sizeof(r->comm));
	fn = BPF_CORE_READ(bprm, filename);
	bpf_probe_read_kernel_str(&r->path, sizeof(r->path), fn);
	bpf_ringbuf_submit(r, 0);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(trc_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(p, old_pid, bprm);
}

/* The exit record carries the thread's trailing loss run; when it cannot be written, the
 * events of that run are counted as sketches lost. */
static __always_inline int on_exit(struct task_struct *p, __u8 group_dead)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct trc_thread_loss *tl;
	struct trc_task_rec *r;
	struct tstate *st;

	if (!is_traced(tgid))
		return 0;
	if (group_dead && !targ_all && tgid < TRC_PID_LIMIT)
		__sync_fetch_and_and(&TRACED_WORD(tgid), ~(1ull << (tgid % 64)));
	st = bpf_task_storage_get(&tstore, bpf_get_current_task_btf(), 0, 0);
	if (st && st->pend_tseq) { /* died in a syscall: its entry first, then the exit record */
		__u32 cpu;
		struct trc_cpu_stats *cs = this_cpu_stats(&cpu);

		if (cs)
			flush_entry(cs, cpu, st, id);
	}
	tl = st && st->lost_pending ? bpf_map_lookup_elem(&thread_loss, &tid) : NULL;
	r = ctl_reserve(TRC_TASK_EXIT);
	if (!r) {
		__u32 cpu;
		struct trc_cpu_stats *cs = this_cpu_stats(&cpu);

		if (cs && tl && tl->sk.lost)
			__sync_fetch_and_add(&cs->sketch_lost, tl->sk.lost);
		return 0;
	}
	r->pid = tgid;
	r->tid = tid;
	r->ppid = BPF_CORE_READ(p, real_parent, tgid);
	r->exit_code = BPF_CORE_READ(p, exit_code);
	r->group_dead = group_dead;
	if (st) {
		r->final_tseq = st->tseq;
		r->lost_total = st->lost_total;
		r->lost_pending = st->lost_pending;
	}
	if (tl && tl->sk.lost) {
		__builtin_memcpy(&r->sk, &tl->sk, sizeof(r->sk));
		r->has_sketch = 1;
	}
	bpf_get_current_comm(&r->comm, sizeof(r->comm));
	bpf_ringbuf_submit(r, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(trc_exit, struct task_struct *p, bool group_dead)
{
	return on_exit(p, group_dead);
}

/* At stop (pair mode): the entries still waiting for their exit, e.g. of threads blocked in a
 * syscall, are recorded alone.  Run by the loader through a task iterator once the syscall
 * programs are detached and done (collector.h). */
SEC("iter/task")
int trc_flush(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct trc_cpu_stats *cs;
	struct tstate *st;
	__u32 cpu;

	if (!task)
		return 0;
	st = bpf_task_storage_get(&tstore, task, 0, 0);
	if (!st || !st->pend_tseq)
		return 0;
	cs = this_cpu_stats(&cpu);
	if (cs)
		flush_entry(cs, cpu, st, (__u64)task->tgid << 32 | (__u32)task->pid);
	return 0;
}

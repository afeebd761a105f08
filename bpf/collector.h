/* collector.h - kernel/user ABI of the tracerecd syscall collector (bpf/collector.bpf.c).
 *
 * Included by the BPF program and by user space: fixed-width types only, explicit padding,
 * sizes pinned with _Static_assert.  No kernel or libc headers here.
 *
 * Two kinds of ring buffers carry records:
 *   - one BPF ring buffer per CPU (an ARRAY_OF_MAPS indexed by cpu) carries syscall events
 *     (struct trc_event, or struct trc_event_args with --args); the ring a record came from
 *     tells its cpu.
 *   - one shared "ctl" ring buffer carries the rare process records (struct trc_task_rec:
 *     fork, exec, exit).
 *
 * One record per completed syscall (default mode; not with --args, whose entries carry their
 * arguments and strings): the entry is not recorded at sys_enter but kept in the thread's
 * task storage (time, tseq, nr), and the exit records both as one struct trc_event_pair.  The
 * pair counts as two attempts on the cpu where the syscall completed (cseq += 2): in pair
 * mode an entry is attributed to that cpu.  When the reservation fails both events are lost
 * (drops += 2, lost_* += 2, both tokens in the sketch, entry first).  Entries go out alone,
 * as plain TRC_EV_ENTER records with their own time and tseq,
 *   - at sys_enter for syscalls that do not return to their caller: exit, exit_group,
 *     execve, execveat (execve's exit in the new image is then a plain exit record, as the
 *     exit of a syscall entered before tracing started is);
 *   - at sys_enter when an entry is still pending (its exit was never seen), before the new
 *     one, and at sys_exit when the exit is not that entry's (another syscall number);
 *   - at thread exit (sched_process_exit), before the exit record is written;
 *   - at stop: the loader runs the task iterator trc_flush over every thread, after the
 *     syscall programs are detached and no longer running, before the final drain (threads
 *     blocked in a syscall, e.g. a server in epoll_wait, keep their entry).
 * An entry's record is therefore older than records its cpu's ring holds before it.
 *
 * Loss accounting (exact):
 *   tseq         per-thread counter (task-local storage), +1 for every event attempt of the
 *                thread, starting at 1; written into every event.
 *   cseq         per-CPU attempt counter, +1 for every event before its ring-buffer reservation
 *                on that cpu (+2 before a pair's).
 *   lost_before  how many events of this thread were lost right before this one (tseq
 *                lost_before..tseq-1), so gaps are known without guessing.
 *   trc_cpu_stats  per-CPU attempts / drops counters, read by user space at any time.
 *   thread_loss  hash tid -> struct trc_thread_loss, written only when a reservation fails;
 *                tells the trailing losses of threads that never record another event.
 *
 * Lost-syscall sketch: when a reservation fails, the lost event's token (nr, entry|exit) goes
 * into the thread's struct trc_sketch (in thread_loss): exact counts of up to TRC_SKETCH_TOKS
 * distinct tokens (the rest counted in `other`), the first and last TRC_SKETCH_ENDS tokens in
 * order, the times of the first and last lost event.  Only the loss path pays for it.  The
 * sketch reaches user space
 *   - with the thread's next recorded event: that event is reserved as a struct
 *     trc_event_sketch (kind | TRC_EV_F_SKETCH) that carries the sketch of the run announced
 *     by its lost_before, in one reservation, so event and sketch arrive together or are
 *     lost together (a lost one joins the run, and the next event tries again);
 *   - in the thread's exit record (struct trc_task_rec);
 *   - at stop, from thread_loss, for threads that never recorded again.
 * Sketches that could not be delivered (exit record lost, thread_loss full) are counted in
 * trc_cpu_stats.sketch_lost (events).
 *
 * String arguments (--args only): at the entry of a syscall whose signature has string
 * arguments (targ_str_args[nr], filled by the loader from user/common/syscall_sig.c), the
 * strings are read from user memory into struct trc_string records that follow their entry
 * event in the same ring: the event is reserved first, each string is output after it, and
 * the event is submitted last with ret = the number of strings that follow it.  So a string
 * never exists without its event (no event: no string attempted), a lost string (ring full)
 * only lowers the count, and strings are no events: they take no tseq or cseq and do not
 * enter the loss accounting (counted apart in trc_cpu_stats str_*).  A string that is not
 * readable at the entry (its page not in memory yet) is read again at the syscall's exit,
 * after the kernel read it (not for execve-like calls): that record comes before the exit
 * event, with the entry's tseq, not counted in the entry's ret.
 *
 * Command mode (-- CMD): the command's child is held before exec; its syscalls until then are
 * tracerecd's own doing.  trc_hold_tgid names it: it becomes traced at the entry of its
 * execve (targ_nr_execve), which is then its first recorded event.
 */
#ifndef TRC_COLLECTOR_H
#define TRC_COLLECTOR_H

#ifndef __VMLINUX_H__
#include <linux/types.h> /* __u64 & co. (the BPF side gets them from vmlinux.h) */
#endif

#define TRC_MAX_CPUS 256 /* power of two: cpu index is masked with TRC_MAX_CPUS-1 */
#define TRC_NARGS 6
#define TRC_COMM_LEN 16
#define TRC_PATH_LEN 256           /* exec path kept by the kernel side (longer: cut) */
#define TRC_PID_LIMIT (1u << 22)   /* PID_MAX_LIMIT on 64-bit: bits in the traced-set bitmap */
#define TRC_MAX_LOSS_THREADS 65536 /* threads with losses remembered in thread_loss */
#define TRC_SKETCH_TOKS 32         /* distinct tokens counted exactly per loss run */
#define TRC_SKETCH_ENDS 8          /* first/last lost tokens kept in order (power of two) */
#define TRC_STR_LEN 256            /* bytes of a string argument kept, with its NUL */
#define TRC_STR_NR 1024            /* syscall numbers targ_str_args covers (power of two) */
#define TRC_ARGV_MAX 16            /* elements of a string array (execve's argv) kept */
#define TRC_STR_PER_EVENT (TRC_NARGS + TRC_ARGV_MAX) /* most strings one entry can have */

enum trc_ev_kind {
	TRC_EV_ENTER = 0,
	TRC_EV_EXIT = 1,
	TRC_EV_STRING = 2, /* the record is a struct trc_string */
	TRC_EV_PAIR = 3,   /* a completed syscall: a struct trc_event_pair (entry + exit) */
};
#define TRC_EV_KIND_MASK 0x0f
#define TRC_EV_F_SKETCH 0x10 /* kind flag: the record is a struct trc_event_sketch */

/* A syscall entry or exit (48 bytes). */
struct trc_event {
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 tseq;  /* per-thread attempt sequence, 1-based */
	__u64 cseq;  /* per-CPU attempt sequence, 1-based */
	__s64 ret;   /* return value (exit), 0 on entry */
	__u32 pid;   /* tgid */
	__u32 tid;
	__u32 lost_before; /* events of this thread lost right before this one */
	__u16 nr;          /* syscall number */
	__u8 kind;         /* enum trc_ev_kind, | TRC_EV_F_SKETCH */
	__u8 nargs;        /* 0, or TRC_NARGS when the record is a struct trc_event_args */
};

/* A completed syscall (default mode, without --args): its entry and its exit in one record.
 * ev is the exit (ts_ns, tseq, cseq, ret, nr); the entry is the event tseq - 1, cseq - 1 on the
 * same cpu, at entry_ts_ns, ret 0.  ev.lost_before counts the losses right before the entry
 * (none can fall between the two).  56 bytes: with the ring's 8-byte header, one cache line. */
struct trc_event_pair {
	struct trc_event ev;
	__u64 entry_ts_ns;
};

/* A thread's current loss run.  Tokens are (nr << 1 | dir) with nr as a __u16 (0xffff = -1). */
struct trc_sketch {
	__u64 lost;       /* events lost in this run (0: none since the last delivery) */
	__u64 first_tseq; /* tseq of its first lost event */
	__u64 t_first_ns; /* when the first and the last were lost */
	__u64 t_last_ns;
	__u32 other; /* lost events whose token did not fit in tok[] */
	__u32 ntoks; /* tok[0..ntoks) used */
	__u32 tok[TRC_SKETCH_TOKS];
	__u32 cnt[TRC_SKETCH_TOKS];
	__u32 first[TRC_SKETCH_ENDS]; /* first min(lost, 8) tokens */
	__u32 last[TRC_SKETCH_ENDS];  /* ring: the token lost as number i (0-based) is at i % 8 */
};

/* The first event a thread records after losing ev.lost_before events, with the sketch of
 * those (args valid when ev.nargs == TRC_NARGS; with kind TRC_EV_PAIR, entry_ts_ns is the
 * entry's time, as in struct trc_event_pair, and the sketch's run ends right before the
 * entry). */
struct trc_event_sketch {
	struct trc_event ev;
	union {
		__u64 args[TRC_NARGS];
		__u64 entry_ts_ns;
	};
	struct trc_sketch sk;
};

/* An entry with its raw arguments (--args). */
struct trc_event_args {
	struct trc_event ev;
	__u64 args[TRC_NARGS];
};

/* Bits of targ_str_args[nr]: bit i (0..5) argument i points to a NUL-terminated string; bit
 * 8 + i: argument i points to a NULL-terminated array of them (execve's argv). */
#define TRC_STR_ARRAY_SHIFT 8

#define TRC_STR_CUT 0x01  /* longer than TRC_STR_LEN - 1 bytes: s is its beginning */
#define TRC_STR_ELEM 0x02 /* s is element `index` of the array argument `arg` */
#define TRC_STR_MORE 0x04 /* ELEM: the array has elements after this one (not kept) */

/* A string argument of the entry event before it in the same ring (--args).  ev has the
 * event's tid, pid, tseq and nr, kind TRC_EV_STRING, all else 0.  The record is output with
 * len + 1 bytes of s (its NUL included), not the whole array. */
struct trc_string {
	struct trc_event ev;
	__u8 arg;    /* argument index, 0..5 */
	__u8 flags;  /* TRC_STR_* */
	__u16 index; /* ELEM: element number */
	__u16 len;   /* bytes of s before its NUL (< TRC_STR_LEN) */
	__u16 _pad;
	char s[TRC_STR_LEN];
};

enum trc_task_kind {
	TRC_TASK_FORK = 1, /* new process or thread: tid/pid = child, ppid/ptid = creator */
	TRC_TASK_EXEC = 2, /* exec: comm and path of the new image; old_tid = tid before exec */
	TRC_TASK_EXIT = 3, /* thread exit: final tseq and loss counts of the thread */
};

/* A process record on the ctl ring (fork / exec / exit), 696 bytes. */
struct trc_task_rec {
	__u64 ts_ns;
	__u64 final_tseq; /* EXIT (and EXEC with old_tid != tid): last tseq the thread attempted */
	__u64 lost_total; /* EXIT: events of the thread lost in total */
	__u64 lost_pending; /* EXIT: events lost after its last recorded event (trailing) */
	__u32 pid;
	__u32 tid;
	__u32 ppid;      /* FORK: creator's tgid; EXEC, EXIT: parent process (real_parent) */
	__u32 ptid;      /* FORK: creating thread */
	__u32 old_tid;   /* EXEC: thread id before exec (differs when a non-leader thread execs) */
	__u8 kind;       /* enum trc_task_kind */
	__u8 group_dead; /* EXIT: last thread of its process */
	__u16 cpu;
	char comm[TRC_COMM_LEN];
	char path[TRC_PATH_LEN]; /* EXEC: filename given to execve */
	__s32 exit_code;         /* EXIT: task->exit_code, a wait(2) status */
	__u16 has_sketch;        /* EXIT: sk holds the thread's trailing loss run */
	__u16 untraced; /* EXEC: the new image runs with credentials the invoking user could
			       not ptrace (file-capability mode): the process left the traced set */
	struct trc_sketch sk;
};

/* Per-CPU counters (two cache lines each, in the program's .bss, read by user space via mmap). */
struct trc_cpu_stats {
	__u64 attempts;      /* events attempted on this cpu (== last cseq; a pair is 2) */
	__u64 drops;         /* events whose reservation failed (ring full; a pair is 2) */
	__u64 ctl_attempts;  /* process records attempted on this cpu */
	__u64 ctl_drops;     /* process records lost (ctl ring full) */
	__u64 no_storage;    /* events not attempted: task storage unavailable (no tseq) */
	__u64 traced_full;   /* new processes not followed: traced set full */
	__u64 loss_map_full; /* losses not remembered in thread_loss (map full) */
	__u64 woken; /* 1 while this cpu's ring is above the wake-up mark (one wake-up sent) */
	__u64 sketch_lost; /* lost events whose sketch could not be delivered */
	__u64 sketch_recs; /* events delivered with a sketch */
	__u64 str_recs;    /* string records output (--args) */
	__u64 str_drops;   /* string records lost (ring full) */
	__u64 str_faults;  /* strings not readable at the entry (not in memory): not recorded */
	__u64 _spare[3];
};

/* Per-thread losses, written only on failed reservations. */
struct trc_thread_loss {
	__u64 lost_total;     /* events of this thread lost */
	__u64 last_lost_tseq; /* tseq of its most recent lost event */
	__u64 last_lost_ns;   /* when it was lost */
	__u32 pid;
	__u16 last_cpu;
	__u16 _pad;
	struct trc_sketch sk; /* the current loss run */
};

_Static_assert(sizeof(struct trc_event) == 48, "trc_event ABI");
_Static_assert(sizeof(struct trc_event_args) == 96, "trc_event_args ABI");
_Static_assert(sizeof(struct trc_event_pair) == 56, "trc_event_pair ABI");
_Static_assert(sizeof(struct trc_sketch) == 360, "trc_sketch ABI");
_Static_assert(sizeof(struct trc_event_sketch) == 456, "trc_event_sketch ABI");
_Static_assert(sizeof(struct trc_task_rec) == 696, "trc_task_rec ABI");
_Static_assert(sizeof(struct trc_string) == 56 + TRC_STR_LEN, "trc_string ABI");
_Static_assert(sizeof(struct trc_cpu_stats) == 128, "trc_cpu_stats ABI");
_Static_assert(sizeof(struct trc_thread_loss) == 392, "trc_thread_loss ABI");

#endif /* TRC_COLLECTOR_H */

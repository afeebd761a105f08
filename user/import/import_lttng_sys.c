/* import_lttng_sys.c - syscall events of an LTTng trace to threads: pairing entries and exits,
 * per-thread and per-CPU sequence numbers, the current thread of each CPU (sched_switch), and
 * what fork/exec/exit and the state dump say about threads. */
#include "import/import_lttng_int.h"
#include "common/vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- threads ---------------------------------------------------------------------------- */

static int write_thread(struct importer *imp, struct ithread *th, int what, uint64_t ts,
			const char *path)
{
	struct trz_thread t;

	memset(&t, 0, sizeof(t));
	t.ts_ns = ts;
	t.pid = th->pid;
	t.tid = th->tid;
	t.ppid = th->ppid;
	t.what = (uint8_t)what;
	memcpy(t.comm, th->comm, sizeof(t.comm));
	if (path)
		snprintf(t.path, sizeof(t.path), "%s", path);
	th->recorded = 1;
	return trz_write_thread(imp->w, &t);
}

struct ithread *lt_get_thread(struct importer *imp, int64_t tid)
{
	if (tid < 0 || tid > UINT32_MAX) {
		errno = EINVAL;
		return NULL;
	}
	return thread_get(&imp->threads, (uint32_t)tid);
}

static int is_clone_like(int nr)
{
	/* x86_64: clone 56, fork 57, vfork 58, clone3 435 */
	return nr == 56 || nr == 57 || nr == 58 || nr == 435;
}

/* Pair an exit with its thread's pending entry and count the quirks.  Returns 0 when the
 * event's number is known (ev->nr), 1 when it cannot be (event not written). */
static int pair_syscall(struct importer *imp, struct ithread *th, struct trz_event *ev, int by_entry)
{
	struct lttng_import_stats *st = imp->st;

	if (ev->dir == TRZ_ENTRY) {
		if (th->pending)
			st->entries_without_exit++;
		th->pending = ev->nr != imp->nr_exit && ev->nr != imp->nr_exit_group;
		th->pending_nr = ev->nr;
		return 0;
	}
	if (by_entry) {
		if (!th->pending)
			return 1;
		ev->nr = th->pending_nr;
	}
	if (th->pending && th->pending_nr == ev->nr) {
		th->pending = 0;
	} else if (th->pending) {
		st->entries_without_exit++;
		st->exits_without_entry++;
		th->pending = 0;
	} else if (is_clone_like(ev->nr) && ev->ret == 0) {
		st->clone_child_exits++;
	} else {
		st->exits_without_entry++;
	}
	return 0;
}

/* Write a syscall event of thread th (tid, pid and tseq are set here). */
static int emit(struct importer *imp, struct ithread *th, struct trz_event *ev, int by_entry)
{
	struct lttng_import_stats *st = imp->st;
	int err;

	if (pair_syscall(imp, th, ev, by_entry)) {
		st->unnamed_events++;
		return 0;
	}
	if (!th->recorded) {
		err = write_thread(imp, th, TRZ_THREAD_SNAPSHOT, ev->ts_ns, NULL);
		if (err)
			return err;
	}
	ev->tid = th->tid;
	ev->pid = th->pid;
	ev->tseq = th->tseq_next++;
	/* cseq counts the events written per CPU, so that it has no holes where nothing was lost
	 * (a CPU's waiting events are written before its later ones) */
	if (ev->cpu < LT_MAX_CPUS)
		ev->cseq = imp->cpus[ev->cpu].cseq_next++;
	if (th->nsyscalls++ == 0)
		st->threads_with_syscalls++;
	st->syscall_events++;
	if (ev->dir == TRZ_ENTRY)
		st->syscall_entries++;
	else
		st->syscall_exits++;
	return trz_write_event(imp->w, ev);
}

/* The CPU's events that waited for a thread go to tid (from the first sched_switch after
 * they happened: its prev_tid).  tid < 1 (unknown, idle): they stay unattributed. */
int lt_flush_cpu(struct importer *imp, struct lt_cpu *c, int64_t tid)
{
	int err = 0;

	for (size_t i = 0; i < c->nbuf && !err; i++) {
		struct ithread *th = tid > 0 ? lt_get_thread(imp, tid) : NULL;

		if (!th) {
			if (tid > 0)
				return -ENOMEM;
			imp->st->unattributed_events += c->nbuf - i;
			break;
		}
		err = emit(imp, th, &c->buf[i].ev, c->buf[i].by_entry);
	}
	c->nbuf = 0;
	return err;
}

static int buffer_event(struct lt_cpu *c, const struct trz_event *ev, int by_entry)
{
	if (VEC_RESERVE(c->buf, c->capbuf, c->nbuf + 1))
		return -ENOMEM;
	c->buf[c->nbuf].ev = *ev;
	c->buf[c->nbuf].by_entry = (uint8_t)by_entry;
	c->nbuf++;
	return 0;
}

/* ---- events ----------------------------------------------------------------------------- */

/* The thread named by the event's tid context (with pid/procname when present), or NULL with
 * errno 0 when the event has no tid context. */
static struct ithread *context_thread(struct importer *imp, const bt_event *e)
{
	const bt_field *ctx = bt_event_borrow_common_context_field_const(e);
	struct ithread *th;
	int64_t tid, pid;
	const char *comm;

	if (lt_get_int(ctx, "tid", &tid) && lt_get_int(ctx, "vtid", &tid)) {
		ctx = bt_event_borrow_specific_context_field_const(e);
		if (lt_get_int(ctx, "tid", &tid)) {
			errno = 0;
			return NULL;
		}
	}
	th = lt_get_thread(imp, tid);
	if (!th) {
		if (errno == EINVAL)
			errno = 0; /* impossible tid: as if there were no context */
		return NULL;
	}
	if (!lt_get_int(ctx, "pid", &pid) && pid > 0)
		th->pid = (uint32_t)pid;
	comm = lt_get_str(ctx, "procname");
	if (comm)
		thread_set_comm(th, comm);
	return th;
}

/* Decode the syscall number, return value and args of a syscall event into ev.  Returns 0,
 * 1 when the number must come from the pending entry, -1 when it cannot be known. */
static int decode_syscall(struct importer *imp, const struct lt_class *c, const bt_field *pl,
			  struct trz_event *ev)
{
	int by_entry = c->by_entry;
	int64_t v;

	ev->dir = c->kind == LT_ENTRY ? TRZ_ENTRY : TRZ_EXIT;
	ev->nr = c->nr;
	if (ev->dir == TRZ_EXIT && !lt_get_int(pl, "ret", &v))
		ev->ret = v;
	if (c->by_id) {
		if (lt_get_int(pl, "id", &v) || v < 0 || v > INT32_MAX) {
			by_entry = 1;
		} else if (c->compat) {
			char buf[64];

			snprintf(buf, sizeof(buf), "compat_syscall_%lld", (long long)v);
			if (import_private_nr(&imp->priv, buf, &ev->nr))
				return -2;
		} else {
			ev->nr = (int32_t)v;
		}
	}
	if (by_entry && ev->dir == TRZ_ENTRY)
		return -1;
	if (c->by_id && ev->dir == TRZ_ENTRY) {
		const bt_field *a = lt_field(pl, "args");

		if (a &&
		    bt_field_class_type_is(bt_field_get_class_type(a), BT_FIELD_CLASS_TYPE_ARRAY) &&
		    bt_field_array_get_length(a) == TRZ_MAX_ARGS) {
			for (int i = 0; i < TRZ_MAX_ARGS; i++) {
				const bt_field *f =
					bt_field_array_borrow_element_field_by_index_const(a, i);

				if (bt_field_class_type_is(bt_field_get_class_type(f),
							   BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
					ev->args[i] = bt_field_integer_unsigned_get_value(f);
			}
			ev->nargs = TRZ_MAX_ARGS;
		}
	}
	return by_entry;
}

int lt_on_syscall(struct importer *imp, const bt_event *e, const struct lt_class *c,
		  struct trz_event *ev)
{
	int by_entry = decode_syscall(imp, c, bt_event_borrow_payload_field_const(e), ev);
	struct lt_cpu *cpu;
	struct ithread *th;

	if (by_entry == -2)
		return -ENOMEM;
	if (by_entry < 0) {
		imp->st->unnamed_events++;
		return 0;
	}
	th = context_thread(imp, e);
	if (th) {
		imp->st->context_attributed++;
		return emit(imp, th, ev, by_entry);
	}
	if (errno)
		return -errno;
	if (ev->cpu >= LT_MAX_CPUS) { /* no CPU state to attribute it by */
		imp->st->unattributed_events++;
		return 0;
	}
	cpu = &imp->cpus[ev->cpu];
	if (cpu->cur_tid < 0) {
		if (cpu->nbuf >= LT_MAX_WAITING) {
			imp->st->unattributed_events++;
			return 0;
		}
		return buffer_event(cpu, ev, by_entry);
	}
	th = lt_get_thread(imp, cpu->cur_tid);
	if (!th)
		return -ENOMEM;
	return emit(imp, th, ev, by_entry);
}

int lt_on_sched_switch(struct importer *imp, const bt_field *pl, uint16_t cpu)
{
	struct lt_cpu *c = cpu < LT_MAX_CPUS ? &imp->cpus[cpu] : NULL;
	int64_t prev, next;
	const char *s;
	struct ithread *th;
	int err;

	if (!c || lt_get_int(pl, "prev_tid", &prev) || lt_get_int(pl, "next_tid", &next) ||
	    prev < 0 || next < 0)
		return 0;
	if (c->cur_tid < 0) {
		err = lt_flush_cpu(imp, c, prev);
		if (err)
			return err;
	}
	th = lt_get_thread(imp, prev);
	if (!th)
		return -ENOMEM;
	s = lt_get_str(pl, "prev_comm");
	if (s && !th->comm[0])
		thread_set_comm(th, s);
	th = lt_get_thread(imp, next);
	if (!th)
		return -ENOMEM;
	s = lt_get_str(pl, "next_comm");
	if (s)
		thread_set_comm(th, s);
	c->cur_tid = next;
	return 0;
}

/* lttng_statedump_process_state, sched_process_fork/exec/exit. */
int lt_on_process(struct importer *imp, const struct lt_class *c, const bt_field *pl, uint64_t ts)
{
	int64_t tid, pid = 0, ppid = 0;
	const char *s = NULL, *base;
	struct ithread *th;
	int what;

	if (c->kind == LT_FORK) {
		if (lt_get_int(pl, "child_tid", &tid))
			return 0;
		lt_get_int(pl, "child_pid", &pid);
		lt_get_int(pl, "parent_pid", &ppid);
		s = lt_get_str(pl, "child_comm");
		what = TRZ_THREAD_FORK;
	} else {
		if (lt_get_int(pl, "tid", &tid))
			return 0;
		lt_get_int(pl, "pid", &pid);
		lt_get_int(pl, "ppid", &ppid);
		s = lt_get_str(pl, c->kind == LT_STATEDUMP ? "name" : "comm");
		what = c->kind == LT_STATEDUMP ? TRZ_THREAD_SNAPSHOT
		       : c->kind == LT_EXEC    ? TRZ_THREAD_EXEC
					       : TRZ_THREAD_EXIT;
	}
	th = lt_get_thread(imp, tid);
	if (!th)
		return errno == ENOMEM ? -ENOMEM : 0; /* impossible tid: ignored */
	if (pid > 0)
		th->pid = (uint32_t)pid;
	if (ppid > 0)
		th->ppid = (uint32_t)ppid;
	if (what == TRZ_THREAD_FORK || what == TRZ_THREAD_EXIT)
		th->pending = 0;
	if (what == TRZ_THREAD_EXEC) {
		s = lt_get_str(pl, "filename");
		base = s ? strrchr(s, '/') : NULL;
		if (s)
			thread_set_comm(th, base ? base + 1 : s);
		return write_thread(imp, th, what, ts, s);
	}
	if (s)
		thread_set_comm(th, s);
	return write_thread(imp, th, what, ts, NULL);
}

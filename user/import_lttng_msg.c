/* import_lttng_msg.c - turn libbabeltrace2 messages of an LTTng kernel trace into trz records.
 * See import_lttng.h for what becomes of what. */
#include "import_lttng_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls.h"

/* ---- field access ---------------------------------------------------------------------- */

static const bt_field *member(const bt_field *s, const char *name)
{
	if (!s || bt_field_get_class_type(s) != BT_FIELD_CLASS_TYPE_STRUCTURE)
		return NULL;
	return bt_field_structure_borrow_member_field_by_name_const(s, name);
}

/* Integer member name of struct s in *v: 0, or -1 when absent or not an integer. */
static int get_int(const bt_field *s, const char *name, int64_t *v)
{
	const bt_field *f = member(s, name);
	bt_field_class_type t;

	if (!f)
		return -1;
	t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		*v = bt_field_integer_signed_get_value(f);
	else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		*v = (int64_t)bt_field_integer_unsigned_get_value(f);
	else
		return -1;
	return 0;
}

static const char *get_str(const bt_field *s, const char *name)
{
	const bt_field *f = member(s, name);

	if (!f || bt_field_get_class_type(f) != BT_FIELD_CLASS_TYPE_STRING)
		return NULL;
	return bt_field_string_get_value(f);
}

/* ---- event classes ---------------------------------------------------------------------- */

static int has_prefix(const char *s, const char *p, const char **rest)
{
	size_t n = strlen(p);

	if (strncmp(s, p, n) != 0)
		return 0;
	*rest = s + n;
	return 1;
}

/* Syscall name part of an event name: sets kind, compat, by_entry; NULL if not a syscall. */
static const char *syscall_part(const char *name, struct lt_class *c)
{
	const char *x;

	if (has_prefix(name, "compat_", &x)) {
		c->compat = 1;
		name = x;
	}
	if (has_prefix(name, "syscall_entry_", &x) || has_prefix(name, "sys_", &x)) {
		c->kind = LT_ENTRY;
		return x;
	}
	if (has_prefix(name, "syscall_exit_", &x)) {
		c->kind = LT_EXIT;
		return x;
	}
	if (strcmp(name, "exit_syscall") == 0) {
		c->kind = LT_EXIT;
		c->by_entry = 1;
		return "";
	}
	c->compat = 0;
	return NULL;
}

static int classify(struct importer *imp, const char *name, struct lt_class *c)
{
	static const struct { const char *name; enum lt_kind kind; } others[] = {
		{ "sched_switch", LT_SCHED_SWITCH },
		{ "lttng_statedump_process_state", LT_STATEDUMP },
		{ "sched_process_fork", LT_FORK },
		{ "sched_process_exec", LT_EXEC },
		{ "sched_process_exit", LT_PROC_EXIT },
		{ "lttng_statedump_end", LT_STATEDUMP_END },
	};
	const char *x = name ? syscall_part(name, c) : NULL;

	if (!x) {
		for (size_t i = 0; name && i < sizeof(others) / sizeof(others[0]); i++)
			if (strcmp(name, others[i].name) == 0)
				c->kind = others[i].kind;
		return 0;
	}
	if (c->by_entry)
		return 0;
	if (strcmp(x, "unknown") == 0) {
		c->by_id = 1;
		return 0;
	}
	if (c->compat) {
		char buf[128];

		/* compat syscalls are mapped by name to the x86_64 number of the same syscall */
		if (syscall_lookup(x) >= 0)
			return import_syscall_nr(&imp->priv, x, &c->nr);
		snprintf(buf, sizeof(buf), "compat_%s", x);
		return import_private_nr(&imp->priv, buf, &c->nr);
	}
	return import_syscall_nr(&imp->priv, x, &c->nr);
}

static size_t cls_slot(const void *key, size_t cap)
{
	return (size_t)(((uintptr_t)key >> 4) * 11400714819323198485ull >> 20) & (cap - 1);
}

static int cls_grow(struct importer *imp)
{
	size_t cap = imp->cls_cap ? 2 * imp->cls_cap : 512;
	struct lt_class *n = calloc(cap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < imp->cls_cap; i++) {
		if (!imp->cls[i].key)
			continue;
		size_t j = cls_slot(imp->cls[i].key, cap);
		while (n[j].key)
			j = (j + 1) & (cap - 1);
		n[j] = imp->cls[i];
	}
	free(imp->cls);
	imp->cls = n;
	imp->cls_cap = cap;
	return 0;
}

/* The class info of ec (decided on first sight), or NULL on ENOMEM. */
static struct lt_class *class_of(struct importer *imp, const bt_event_class *ec)
{
	size_t i;

	if (imp->cls_cap) {
		for (i = cls_slot(ec, imp->cls_cap); imp->cls[i].key; i = (i + 1) & (imp->cls_cap - 1))
			if (imp->cls[i].key == ec)
				return &imp->cls[i];
	}
	if ((imp->cls_n + 1) * 2 > imp->cls_cap && cls_grow(imp))
		return NULL;
	i = cls_slot(ec, imp->cls_cap);
	while (imp->cls[i].key)
		i = (i + 1) & (imp->cls_cap - 1);
	memset(&imp->cls[i], 0, sizeof(imp->cls[i]));
	imp->cls[i].key = ec;
	imp->cls[i].nr = -1;
	imp->cls_n++;
	if (classify(imp, bt_event_class_get_name(ec), &imp->cls[i]))
		return NULL;
	return &imp->cls[i];
}

/* First event of a syscall class: add its syscall name to the distinct names. */
static int count_name(struct importer *imp, const bt_event_class *ec, struct lt_class *c)
{
	struct lt_class tmp = { 0 };
	const char *x;
	char buf[160];
	int nr;

	c->seen = 1;
	if (c->by_entry)
		return 0;
	x = syscall_part(bt_event_class_get_name(ec), &tmp);
	snprintf(buf, sizeof(buf), "%s%s", c->compat ? "compat_" : "", x ? x : "");
	return import_private_nr(&imp->names, buf, &nr);
}

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

static struct ithread *get_thread(struct importer *imp, int64_t tid)
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
static int flush_cpu(struct importer *imp, struct lt_cpu *c, int64_t tid)
{
	int err = 0;

	for (size_t i = 0; i < c->nbuf && !err; i++) {
		struct ithread *th = tid > 0 ? get_thread(imp, tid) : NULL;

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
	if (c->nbuf == c->capbuf) {
		size_t cap = c->capbuf ? 2 * c->capbuf : 64;
		struct lt_pending_ev *b = realloc(c->buf, cap * sizeof(*b));

		if (!b)
			return -ENOMEM;
		c->buf = b;
		c->capbuf = cap;
	}
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

	if (get_int(ctx, "tid", &tid) && get_int(ctx, "vtid", &tid)) {
		ctx = bt_event_borrow_specific_context_field_const(e);
		if (get_int(ctx, "tid", &tid)) {
			errno = 0;
			return NULL;
		}
	}
	th = get_thread(imp, tid);
	if (!th) {
		if (errno == EINVAL)
			errno = 0; /* impossible tid: as if there were no context */
		return NULL;
	}
	if (!get_int(ctx, "pid", &pid) && pid > 0)
		th->pid = (uint32_t)pid;
	comm = get_str(ctx, "procname");
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
	if (ev->dir == TRZ_EXIT && !get_int(pl, "ret", &v))
		ev->ret = v;
	if (c->by_id) {
		if (get_int(pl, "id", &v) || v < 0 || v > INT32_MAX) {
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
		const bt_field *a = member(pl, "args");

		if (a && bt_field_class_type_is(bt_field_get_class_type(a), BT_FIELD_CLASS_TYPE_ARRAY) &&
		    bt_field_array_get_length(a) == TRZ_MAX_ARGS) {
			for (int i = 0; i < TRZ_MAX_ARGS; i++) {
				const bt_field *f = bt_field_array_borrow_element_field_by_index_const(a, i);

				if (bt_field_class_type_is(bt_field_get_class_type(f),
							   BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
					ev->args[i] = bt_field_integer_unsigned_get_value(f);
			}
			ev->nargs = TRZ_MAX_ARGS;
		}
	}
	return by_entry;
}

static int on_syscall(struct importer *imp, const bt_event *e, const struct lt_class *c,
		      struct trz_event *ev)
{
	int by_entry = decode_syscall(imp, c, bt_event_borrow_payload_field_const(e), ev);
	struct lt_cpu *cpu = ev->cpu < LT_MAX_CPUS ? &imp->cpus[ev->cpu] : NULL;
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
	if (!cpu) {
		imp->st->unattributed_events++;
		return 0;
	}
	if (cpu->cur_tid < 0) {
		if (cpu->nbuf >= LT_MAX_WAITING) {
			imp->st->unattributed_events++;
			return 0;
		}
		return buffer_event(cpu, ev, by_entry);
	}
	th = get_thread(imp, cpu->cur_tid);
	if (!th)
		return -ENOMEM;
	return emit(imp, th, ev, by_entry);
}

static int on_sched_switch(struct importer *imp, const bt_field *pl, uint16_t cpu)
{
	struct lt_cpu *c = cpu < LT_MAX_CPUS ? &imp->cpus[cpu] : NULL;
	int64_t prev, next;
	const char *s;
	struct ithread *th;
	int err;

	if (!c || get_int(pl, "prev_tid", &prev) || get_int(pl, "next_tid", &next) || prev < 0 ||
	    next < 0)
		return 0;
	if (c->cur_tid < 0) {
		err = flush_cpu(imp, c, prev);
		if (err)
			return err;
	}
	th = get_thread(imp, prev);
	if (!th)
		return -ENOMEM;
	s = get_str(pl, "prev_comm");
	if (s && !th->comm[0])
		thread_set_comm(th, s);
	th = get_thread(imp, next);
	if (!th)
		return -ENOMEM;
	s = get_str(pl, "next_comm");
	if (s)
		thread_set_comm(th, s);
	c->cur_tid = next;
	return 0;
}

/* lttng_statedump_process_state, sched_process_fork/exec/exit. */
static int on_process(struct importer *imp, const struct lt_class *c, const bt_field *pl,
		      uint64_t ts)
{
	int64_t tid, pid = 0, ppid = 0;
	const char *s = NULL, *base;
	struct ithread *th;
	int what;

	if (c->kind == LT_FORK) {
		if (get_int(pl, "child_tid", &tid))
			return 0;
		get_int(pl, "child_pid", &pid);
		get_int(pl, "parent_pid", &ppid);
		s = get_str(pl, "child_comm");
		what = TRZ_THREAD_FORK;
	} else {
		if (get_int(pl, "tid", &tid))
			return 0;
		get_int(pl, "pid", &pid);
		get_int(pl, "ppid", &ppid);
		s = get_str(pl, c->kind == LT_STATEDUMP ? "name" : "comm");
		what = c->kind == LT_STATEDUMP ? TRZ_THREAD_SNAPSHOT :
		       c->kind == LT_EXEC ? TRZ_THREAD_EXEC : TRZ_THREAD_EXIT;
	}
	th = get_thread(imp, tid);
	if (!th)
		return errno == ENOMEM ? -ENOMEM : 0; /* impossible tid: ignored */
	if (pid > 0)
		th->pid = (uint32_t)pid;
	if (ppid > 0)
		th->ppid = (uint32_t)ppid;
	if (what == TRZ_THREAD_FORK || what == TRZ_THREAD_EXIT)
		th->pending = 0;
	if (what == TRZ_THREAD_EXEC) {
		s = get_str(pl, "filename");
		base = s ? strrchr(s, '/') : NULL;
		if (s)
			thread_set_comm(th, base ? base + 1 : s);
		return write_thread(imp, th, what, ts, s);
	}
	if (s)
		thread_set_comm(th, s);
	return write_thread(imp, th, what, ts, NULL);
}

/* ---- streams, discards, metadata -------------------------------------------------------- */

static int stream_cpu(const struct importer *imp, const bt_stream *s)
{
	for (size_t i = 0; i < imp->nstreams; i++)
		if (imp->streams[i].stream == s)
			return imp->streams[i].cpu;
	return -1;
}

static int set_stream_cpu(struct importer *imp, const bt_stream *s, int cpu)
{
	for (size_t i = 0; i < imp->nstreams; i++) {
		if (imp->streams[i].stream == s) {
			imp->streams[i].cpu = cpu;
			return 0;
		}
	}
	if (imp->nstreams == imp->capstreams) {
		size_t cap = imp->capstreams ? 2 * imp->capstreams : 16;
		struct lt_stream_cpu *n = realloc(imp->streams, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		imp->streams = n;
		imp->capstreams = cap;
	}
	imp->streams[imp->nstreams].stream = s;
	imp->streams[imp->nstreams++].cpu = cpu;
	return 0;
}

static int packet_cpu(const bt_packet *p)
{
	int64_t v;

	if (!p || get_int(bt_packet_borrow_context_field_const(p), "cpu_id", &v) || v < 0 ||
	    v >= TRZ_NO_CPU)
		return -1;
	return (int)v;
}

static uint64_t snap_ns(const bt_clock_snapshot *cs, uint64_t dflt)
{
	int64_t ns;

	if (!cs || bt_clock_snapshot_get_ns_from_origin(cs, &ns) != BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK ||
	    ns < 0)
		return dflt;
	return (uint64_t)ns;
}

/* Discarded events (packets = 0) or packets (packets = 1) -> one unattributed gap.  The CPU's
 * current thread is forgotten: sched_switch events may be among the lost ones. */
static int on_discarded(struct importer *imp, const bt_message *m, int packets)
{
	const bt_stream *s = packets ? bt_message_discarded_packets_borrow_stream_const(m) :
				       bt_message_discarded_events_borrow_stream_const(m);
	const bt_stream_class *sc = bt_stream_borrow_class_const(s);
	struct trz_gap g;
	uint64_t count = 0;
	int cpu = stream_cpu(imp, s);

	memset(&g, 0, sizeof(g));
	g.t_end_ns = UINT64_MAX;
	if (!packets) {
		if (bt_message_discarded_events_get_count(m, &count) != BT_PROPERTY_AVAILABILITY_AVAILABLE)
			count = 0;
		if (bt_stream_class_discarded_events_have_default_clock_snapshots(sc)) {
			g.t_start_ns = snap_ns(bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(m), 0);
			g.t_end_ns = snap_ns(bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m), UINT64_MAX);
		}
		imp->st->discarded_events += count;
		g.lost = count;
	} else {
		if (bt_message_discarded_packets_get_count(m, &count) != BT_PROPERTY_AVAILABILITY_AVAILABLE)
			count = 0;
		if (bt_stream_class_discarded_packets_have_default_clock_snapshots(sc)) {
			g.t_start_ns = snap_ns(bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const(m), 0);
			g.t_end_ns = snap_ns(bt_message_discarded_packets_borrow_end_default_clock_snapshot_const(m), UINT64_MAX);
		}
		imp->st->discarded_packets += count;
		g.lost = 0; /* the number of events in lost packets is unknown */
	}
	g.id = ++imp->gap_id;
	g.cpu = cpu >= 0 ? (uint16_t)cpu : TRZ_NO_CPU;
	g.attributed = 0;
	if (cpu >= 0 && cpu < LT_MAX_CPUS)
		imp->cpus[cpu].cur_tid = -1;
	imp->st->gaps++;
	return trz_write_gap(imp->w, &g);
}

static void env_text(const bt_value *v, char *buf, size_t n)
{
	buf[0] = '\0';
	if (!v)
		return;
	if (bt_value_get_type(v) == BT_VALUE_TYPE_STRING)
		snprintf(buf, n, "%s", bt_value_string_get(v));
	else if (bt_value_get_type(v) == BT_VALUE_TYPE_SIGNED_INTEGER)
		snprintf(buf, n, "%lld", (long long)bt_value_integer_signed_get(v));
	else if (bt_value_get_type(v) == BT_VALUE_TYPE_UNSIGNED_INTEGER)
		snprintf(buf, n, "%llu", (unsigned long long)bt_value_integer_unsigned_get(v));
}

static const char *env(const bt_trace *t, const char *name, char *buf, size_t n)
{
	env_text(bt_trace_borrow_environment_entry_value_by_name_const(t, name), buf, n);
	return buf;
}

/* Metadata of a trace seen for the first time: host, kernel, tracer and every env entry. */
static int write_trace_meta(struct importer *imp, const bt_trace *t)
{
	char a[256], b[256], c[256], d[256], val[1024], key[TRZ_KEY_MAX];
	uint64_t n = bt_trace_get_environment_entry_count(t);
	int err;

	for (int i = 0; i < imp->ntraces; i++)
		if (imp->traces[i] == t)
			return 0;
	if (imp->ntraces < (int)(sizeof(imp->traces) / sizeof(imp->traces[0])))
		imp->traces[imp->ntraces++] = t;
	err = trz_write_meta(imp->w, "host", env(t, "hostname", a, sizeof(a)));
	snprintf(val, sizeof(val), "%s %s %s", env(t, "sysname", a, sizeof(a)),
		 env(t, "kernel_release", b, sizeof(b)), env(t, "kernel_version", c, sizeof(c)));
	err = err ? err : trz_write_meta(imp->w, "kernel", val);
	snprintf(val, sizeof(val), "%s %s.%s.%s", env(t, "tracer_name", a, sizeof(a)),
		 env(t, "tracer_major", b, sizeof(b)), env(t, "tracer_minor", c, sizeof(c)),
		 env(t, "tracer_patchlevel", d, sizeof(d)));
	err = err ? err : trz_write_meta(imp->w, "tracer", val);
	for (uint64_t i = 0; i < n && !err; i++) {
		const char *name;
		const bt_value *v;

		bt_trace_borrow_environment_entry_by_index_const(t, i, &name, &v);
		snprintf(key, sizeof(key), "lttng.env.%s", name);
		env_text(v, val, sizeof(val));
		err = trz_write_meta(imp->w, key, val);
	}
	return err;
}

/* ---- dispatch --------------------------------------------------------------------------- */

static int on_event(struct importer *imp, const bt_message *m)
{
	const bt_event *e = bt_message_event_borrow_event_const(m);
	const bt_event_class *ec = bt_event_borrow_class_const(e);
	struct lt_class *c = class_of(imp, ec);
	struct trz_event ev;
	uint64_t ts = 0;
	int cpu, err;

	if (!c)
		return -ENOMEM;
	if (bt_message_event_borrow_stream_class_default_clock_class_const(m))
		ts = snap_ns(bt_message_event_borrow_default_clock_snapshot_const(m), 0);
	if (imp->st->events_read++ == 0)
		imp->st->t_first_ns = (int64_t)ts;
	imp->st->t_last_ns = (int64_t)ts;
	if (c->kind == LT_OTHER)
		return 0;
	cpu = packet_cpu(bt_event_borrow_packet_const(e));
	switch (c->kind) {
	case LT_STATEDUMP_END:
		return 0;
	case LT_ENTRY:
	case LT_EXIT:
		if (!c->seen && (err = count_name(imp, ec, c)))
			return err;
		memset(&ev, 0, sizeof(ev));
		ev.ts_ns = ts;
		ev.cpu = cpu >= 0 ? (uint16_t)cpu : TRZ_NO_CPU;
		return on_syscall(imp, e, c, &ev);
	case LT_SCHED_SWITCH:
		return cpu >= 0 ? on_sched_switch(imp, bt_event_borrow_payload_field_const(e), (uint16_t)cpu) : 0;
	default:
		return on_process(imp, c, bt_event_borrow_payload_field_const(e), ts);
	}
}

int lt_handle_message(struct importer *imp, const bt_message *m)
{
	const bt_packet *p;

	switch (bt_message_get_type(m)) {
	case BT_MESSAGE_TYPE_EVENT:
		return on_event(imp, m);
	case BT_MESSAGE_TYPE_STREAM_BEGINNING:
		return write_trace_meta(imp, bt_stream_borrow_trace_const(
						     bt_message_stream_beginning_borrow_stream_const(m)));
	case BT_MESSAGE_TYPE_PACKET_BEGINNING:
		p = bt_message_packet_beginning_borrow_packet_const(m);
		return set_stream_cpu(imp, bt_packet_borrow_stream_const(p), packet_cpu(p));
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
		return on_discarded(imp, m, 0);
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		return on_discarded(imp, m, 1);
	default:
		return 0;
	}
}

static int write_meta_u64(struct importer *imp, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return trz_write_meta(imp->w, key, buf);
}

int lt_finish(struct importer *imp)
{
	struct lttng_import_stats *st = imp->st;
	char key[TRZ_KEY_MAX];
	int err = 0;

	for (int i = 0; i < LT_MAX_CPUS && !err; i++)
		err = flush_cpu(imp, &imp->cpus[i], -1);
	for (size_t i = 0; i < imp->threads.cap; i++)
		if (imp->threads.slots[i].used && imp->threads.slots[i].pending)
			st->entries_without_exit++;
	st->threads = imp->threads.n;
	st->distinct_names = (uint64_t)imp->names.n;
	for (int i = 0; i < imp->priv.n && !err; i++) {
		snprintf(key, sizeof(key), "syscall_nr.%d", IMPORT_PRIVATE_NR + i);
		err = trz_write_meta(imp->w, key, imp->priv.names[i]);
	}
	err = err ? err : write_meta_u64(imp, "import.events_read", st->events_read);
	err = err ? err : write_meta_u64(imp, "import.syscall_events", st->syscall_events);
	err = err ? err : write_meta_u64(imp, "import.unattributed_events", st->unattributed_events);
	err = err ? err : write_meta_u64(imp, "import.unnamed_events", st->unnamed_events);
	err = err ? err : write_meta_u64(imp, "import.discarded_events", st->discarded_events);
	err = err ? err : write_meta_u64(imp, "import.discarded_packets", st->discarded_packets);
	err = err ? err : write_meta_u64(imp, "import.exits_without_entry", st->exits_without_entry);
	err = err ? err : write_meta_u64(imp, "import.entries_without_exit", st->entries_without_exit);
	err = err ? err : write_meta_u64(imp, "import.clone_child_exits", st->clone_child_exits);
	return err;
}

void lt_free(struct importer *imp)
{
	for (int i = 0; i < LT_MAX_CPUS; i++)
		free(imp->cpus[i].buf);
	thread_table_free(&imp->threads);
	name_table_free(&imp->priv);
	name_table_free(&imp->names);
	free(imp->cls);
	free(imp->streams);
}

int lt_prescan_message(struct importer *imp, const bt_message *m)
{
	const bt_event *e;
	const bt_field *pl;
	struct lt_class *c;
	struct ithread *th;
	int64_t tid, pid, ppid;
	const char *s;

	if (bt_message_get_type(m) != BT_MESSAGE_TYPE_EVENT)
		return 0;
	e = bt_message_event_borrow_event_const(m);
	c = class_of(imp, bt_event_borrow_class_const(e));
	if (!c)
		return -ENOMEM;
	imp->st->events_read++;
	if (c->kind == LT_STATEDUMP_END || imp->st->events_read >= LT_PRESCAN_MAX ||
	    (!imp->saw_statedump && imp->st->events_read >= LT_PRESCAN_NO_DUMP))
		imp->prescan_done = 1;
	if (c->kind != LT_STATEDUMP)
		return 0;
	imp->saw_statedump = 1;
	pl = bt_event_borrow_payload_field_const(e);
	if (get_int(pl, "tid", &tid) || get_int(pl, "pid", &pid) || tid <= 0 || pid <= 0)
		return 0;
	th = get_thread(imp, tid);
	if (!th)
		return errno == ENOMEM ? -ENOMEM : 0;
	th->pid = (uint32_t)pid;
	if (!get_int(pl, "ppid", &ppid) && ppid > 0)
		th->ppid = (uint32_t)ppid;
	s = get_str(pl, "name");
	if (s)
		thread_set_comm(th, s);
	return 0;
}

void lt_reset_graph_state(struct importer *imp)
{
	free(imp->cls);
	imp->cls = NULL;
	imp->cls_cap = imp->cls_n = 0;
	imp->nstreams = 0;
	imp->ntraces = 0;
	name_table_free(&imp->names);
}

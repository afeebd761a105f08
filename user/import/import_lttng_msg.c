/* import_lttng_msg.c - turn libbabeltrace2 messages of an LTTng kernel trace into trz records.
 * See import_lttng.h for what becomes of what. */
#include "import/import_lttng_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/syscalls.h"
#include "common/vec.h"

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
	if (VEC_RESERVE(imp->streams, imp->capstreams, imp->nstreams + 1))
		return -ENOMEM;
	imp->streams[imp->nstreams].stream = s;
	imp->streams[imp->nstreams++].cpu = cpu;
	return 0;
}

static int packet_cpu(const bt_packet *p)
{
	int64_t v;

	if (!p || lt_get_int(bt_packet_borrow_context_field_const(p), "cpu_id", &v) || v < 0 ||
	    v >= TRZ_NO_CPU)
		return -1;
	return (int)v;
}

static uint64_t snap_ns(const bt_clock_snapshot *cs, uint64_t dflt)
{
	int64_t ns;

	if (!cs ||
	    bt_clock_snapshot_get_ns_from_origin(cs, &ns) !=
		    BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK ||
	    ns < 0)
		return dflt;
	return (uint64_t)ns;
}

/* Discarded events (packets = 0) or packets (packets = 1) -> one unattributed gap.  The CPU's
 * current thread is forgotten: sched_switch events may be among the lost ones. */
static int on_discarded(struct importer *imp, const bt_message *m, int packets)
{
	const bt_stream *s = packets ? bt_message_discarded_packets_borrow_stream_const(m)
				     : bt_message_discarded_events_borrow_stream_const(m);
	const bt_stream_class *sc = bt_stream_borrow_class_const(s);
	struct trz_gap g;
	uint64_t count = 0;
	int cpu = stream_cpu(imp, s);

	memset(&g, 0, sizeof(g));
	g.t_end_ns = UINT64_MAX;
	if (!packets) {
		if (bt_message_discarded_events_get_count(m, &count) !=
		    BT_PROPERTY_AVAILABILITY_AVAILABLE)
			count = 0;
		if (bt_stream_class_discarded_events_have_default_clock_snapshots(sc)) {
			g.t_start_ns = snap_ns(
				bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(
					m),
				0);
			g.t_end_ns = snap_ns(
				bt_message_discarded_events_borrow_end_default_clock_snapshot_const(m),
				UINT64_MAX);
		}
		imp->st->discarded_events += count;
		g.lost = count;
	} else {
		if (bt_message_discarded_packets_get_count(m, &count) !=
		    BT_PROPERTY_AVAILABILITY_AVAILABLE)
			count = 0;
		if (bt_stream_class_discarded_packets_have_default_clock_snapshots(sc)) {
			g.t_start_ns = snap_ns(
				bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const(
					m),
				0);
			g.t_end_ns = snap_ns(
				bt_message_discarded_packets_borrow_end_default_clock_snapshot_const(m),
				UINT64_MAX);
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
	struct lt_class *c = lt_class_of(imp, ec);
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
	case LT_STATEDUMP_END: return 0;
	case LT_ENTRY:
	case LT_EXIT:
		if (!c->seen && (err = lt_count_name(imp, ec, c)))
			return err;
		memset(&ev, 0, sizeof(ev));
		ev.ts_ns = ts;
		ev.cpu = cpu >= 0 ? (uint16_t)cpu : TRZ_NO_CPU;
		return lt_on_syscall(imp, e, c, &ev);
	case LT_SCHED_SWITCH:
		return cpu >= 0 ? lt_on_sched_switch(imp, bt_event_borrow_payload_field_const(e),
						     (uint16_t)cpu)
				: 0;
	default: return lt_on_process(imp, c, bt_event_borrow_payload_field_const(e), ts);
	}
}

int lt_handle_message(struct importer *imp, const bt_message *m)
{
	const bt_packet *p;

	switch (bt_message_get_type(m)) {
	case BT_MESSAGE_TYPE_EVENT: return on_event(imp, m);
	case BT_MESSAGE_TYPE_STREAM_BEGINNING:
		return write_trace_meta(imp,
					bt_stream_borrow_trace_const(
						bt_message_stream_beginning_borrow_stream_const(m)));
	case BT_MESSAGE_TYPE_PACKET_BEGINNING:
		p = bt_message_packet_beginning_borrow_packet_const(m);
		return set_stream_cpu(imp, bt_packet_borrow_stream_const(p), packet_cpu(p));
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS: return on_discarded(imp, m, 0);
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS: return on_discarded(imp, m, 1);
	default: return 0;
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
		err = lt_flush_cpu(imp, &imp->cpus[i], -1);
	for (int32_t i = 0; i < imp->threads.at.n; i++)
		st->entries_without_exit += imp->threads.v[i].pending;
	st->threads = (uint64_t)imp->threads.at.n;
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
	err = err ? err
		  : write_meta_u64(imp, "import.entries_without_exit", st->entries_without_exit);
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
	tidmap_free(&imp->cls_at);
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
	c = lt_class_of(imp, bt_event_borrow_class_const(e));
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
	if (lt_get_int(pl, "tid", &tid) || lt_get_int(pl, "pid", &pid) || tid <= 0 || pid <= 0)
		return 0;
	th = lt_get_thread(imp, tid);
	if (!th)
		return errno == ENOMEM ? -ENOMEM : 0;
	th->pid = (uint32_t)pid;
	if (!lt_get_int(pl, "ppid", &ppid) && ppid > 0)
		th->ppid = (uint32_t)ppid;
	s = lt_get_str(pl, "name");
	if (s)
		thread_set_comm(th, s);
	return 0;
}

void lt_reset_graph_state(struct importer *imp)
{
	tidmap_free(&imp->cls_at);
	free(imp->cls);
	imp->cls = NULL;
	imp->cls_cap = 0;
	imp->nstreams = 0;
	imp->ntraces = 0;
	name_table_free(&imp->names);
}

/* export_perfetto.c - tracerec-dump --export perfetto: Perfetto's native protobuf trace
 * (a perfetto.protos.Trace: TracePackets with TrackDescriptors and TrackEvents), written with
 * our own encoder (common/pb.h) from the field numbers of Perfetto's public protos:
 *
 *   Trace.packet = 1
 *   TracePacket: timestamp = 8, trusted_packet_sequence_id = 10, track_event = 11,
 *     interned_data = 12, sequence_flags = 13 (1 = incremental state cleared, 2 = needs it),
 *     track_descriptor = 60
 *   TrackEvent: category_iids = 3, debug_annotations = 4, type = 9 (1 slice begin, 2 slice end,
 *     3 instant, 4 counter), name_iid = 10, track_uuid = 11, name = 23, counter_value = 30
 *   DebugAnnotation: name_iid = 1, bool_value = 2, uint_value = 3, int_value = 4,
 *     double_value = 5, string_value = 6, name = 10
 *   TrackDescriptor: uuid = 1, name = 2, process = 3, thread = 4, parent_uuid = 5, counter = 8
 *   ProcessDescriptor: pid = 1, process_name = 6.  ThreadDescriptor: pid = 1, tid = 2,
 *     thread_name = 5.  CounterDescriptor: (empty: a plain counter)
 *   InternedData: event_categories = 1, event_names = 2, debug_annotation_names = 3, each
 *     { iid = 1, name = 2 }
 *
 * The same content as the JSON export: a track per thread (under its process), a slice per
 * syscall (categories syscall / synthetic), a slice per gap named "lost N events" whose begin
 * carries the collector's lost-syscall sketch and whose end carries its repair (arguments:
 * export_args.c, shared with the JSON), a counter track "lost events" under each thread that lost
 * any (events lost so far), a track per CPU for unattributed gaps, and an instant event
 * "trace metadata" carrying the metadata records.  Names, categories and argument names are
 * interned on one packet sequence, so a syscall costs two short packets.  Timestamps are the
 * trace's own (CLOCK_MONOTONIC for tracerecd), in ns.
 */
#include "dump/export.h"
#include "dump/dump.h"
#include "common/pb.h"
#include "common/syscalls.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* field numbers (see above) */
enum {
	TRACE_PACKET = 1,
	TP_TIMESTAMP = 8,
	TP_SEQ_ID = 10,
	TP_TRACK_EVENT = 11,
	TP_INTERNED = 12,
	TP_SEQ_FLAGS = 13,
	TP_TRACK_DESC = 60,
	TE_CATEGORY_IIDS = 3,
	TE_DEBUG = 4,
	TE_TYPE = 9,
	TE_NAME_IID = 10,
	TE_TRACK_UUID = 11,
	TE_NAME = 23,
	TE_COUNTER_VALUE = 30,
	DA_NAME_IID = 1,
	DA_UINT = 3,
	DA_INT = 4,
	DA_DOUBLE = 5,
	DA_STRING = 6,
	DA_NAME = 10,
	TD_UUID = 1,
	TD_NAME = 2,
	TD_PROCESS = 3,
	TD_THREAD = 4,
	TD_PARENT = 5,
	TD_COUNTER = 8,
	PD_PID = 1,
	PD_NAME = 6,
	THD_PID = 1,
	THD_TID = 2,
	THD_NAME = 5,
	ID_CATEGORIES = 1,
	ID_NAMES = 2,
	ID_ANN_NAMES = 3,
	IN_IID = 1,
	IN_NAME = 2,
};
enum { SEQ_CLEARED = 1, SEQ_NEEDS_STATE = 2 };
enum { T_BEGIN = 1, T_END = 2, T_INSTANT = 3, T_COUNTER = 4 };
#define SEQ_ID 1

/* interned categories and argument names */
enum { CAT_SYSCALL = 1, CAT_SYNTHETIC, CAT_LOST };
static const char *const cat_names[] = { NULL, "syscall", "synthetic", "lost" };

/* track uuids: pid / tid / cpu times 8 plus the kind, small so that their varints are short */
#define U_PROCESS(pid) (((uint64_t)(pid) << 3) | 1)
#define U_THREAD(tid) (((uint64_t)(tid) << 3) | 2)
#define U_COUNTER(tid) (((uint64_t)(tid) << 3) | 3)
#define U_CPU(cpu) (((uint64_t)(cpu) << 3) | 4)
#define U_CPUS 5ull
#define U_META 6ull

struct perfetto {
	FILE *out;
	struct export_counts *c;
	struct pb p;
	struct dump_map nr_iid;   /* syscall nr -> event name iid */
	struct dump_map lost_iid; /* N of "lost N events" -> iid */
	struct dump_map pids;     /* pid -> 1 once described */
	struct dump_map counters; /* tid -> 1 once its counter track is described */
	struct dump_map cpus;     /* cpu -> 1 once described */
	uint64_t next_iid;
	int err;
};

static void packet_start(struct perfetto *e, uint64_t ts, int needs_state)
{
	pb_reset(&e->p);
	if (ts)
		pb_varint(&e->p, TP_TIMESTAMP, ts);
	pb_varint(&e->p, TP_SEQ_ID, SEQ_ID);
	if (needs_state)
		pb_varint(&e->p, TP_SEQ_FLAGS, SEQ_NEEDS_STATE);
}

/* Write the packet in e->p as one Trace.packet. */
static int packet_write(struct perfetto *e)
{
	uint8_t head[12];
	size_t n;
	int err = pb_error(&e->p);

	if (err)
		return err;
	head[0] = (TRACE_PACKET << 3) | 2;
	n = 1 + pb_put_varint(head + 1, e->p.len);
	if (fwrite(head, 1, n, e->out) != n || fwrite(e->p.buf, 1, e->p.len, e->out) != e->p.len)
		return -EIO;
	return 0;
}

void *perfetto_new(FILE *out, struct export_counts *c)
{
	struct perfetto *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->out = out;
	e->c = c;
	e->next_iid = 1;
	/* the first packet clears the sequence's incremental state and interns the fixed names */
	packet_start(e, 0, 0);
	pb_varint(&e->p, TP_SEQ_FLAGS, SEQ_CLEARED);
	pb_begin(&e->p, TP_INTERNED);
	for (int i = 1; i < (int)(sizeof(cat_names) / sizeof(cat_names[0])); i++) {
		pb_begin(&e->p, ID_CATEGORIES);
		pb_varint(&e->p, IN_IID, (uint64_t)i);
		pb_string(&e->p, IN_NAME, cat_names[i]);
		pb_end(&e->p);
	}
	for (int i = 1; i < XA_NARGS; i++) { /* argument names: iid = enum export_arg_id */
		pb_begin(&e->p, ID_ANN_NAMES);
		pb_varint(&e->p, IN_IID, (uint64_t)i);
		pb_string(&e->p, IN_NAME, export_arg_names[i]);
		pb_end(&e->p);
	}
	pb_end(&e->p);
	e->err = packet_write(e);
	return e;
}

void perfetto_free(void *be)
{
	struct perfetto *e = be;

	if (!e)
		return;
	pb_free(&e->p);
	dump_map_free(&e->nr_iid);
	dump_map_free(&e->lost_iid);
	dump_map_free(&e->pids);
	dump_map_free(&e->counters);
	dump_map_free(&e->cpus);
	free(e);
}

/* The iid of an event name in map under key, interned into the packet being built when new
 * (the packet must be open, before its track_event).  0 when out of memory. */
static uint64_t name_iid(struct perfetto *e, struct dump_map *m, uint64_t key, const char *name)
{
	uint64_t *v = dump_map_get(m, key);

	if (!v)
		return 0;
	if (!*v) {
		*v = e->next_iid++;
		pb_begin(&e->p, TP_INTERNED);
		pb_begin(&e->p, ID_NAMES);
		pb_varint(&e->p, IN_IID, *v);
		pb_string(&e->p, IN_NAME, name);
		pb_end(&e->p);
		pb_end(&e->p);
	}
	return *v;
}

/* The shared argument list (export_args.c) as debug annotations (unknown ones left out). */
static void put_args(struct pb *p, const struct export_arg *a, size_t n)
{
	char buf[512];

	for (size_t i = 0; i < n; i++) {
		if (a[i].type == XT_NULL)
			continue;
		pb_begin(p, TE_DEBUG);
		pb_varint(p, DA_NAME_IID, a[i].id);
		switch (a[i].type) {
		case XT_INT: pb_varint(p, DA_INT, (uint64_t)a[i].i); break;
		case XT_UINT: pb_varint(p, DA_UINT, a[i].u); break;
		case XT_DOUBLE: pb_double(p, DA_DOUBLE, a[i].d); break;
		default: pb_string(p, DA_STRING, export_clean_str(a[i].s, buf, sizeof(buf))); break;
		}
		pb_end(p);
	}
}

static int describe_process(struct perfetto *e, uint32_t pid, const char *name)
{
	char buf[64];

	packet_start(e, 0, 0);
	pb_begin(&e->p, TP_TRACK_DESC);
	pb_varint(&e->p, TD_UUID, U_PROCESS(pid));
	pb_begin(&e->p, TD_PROCESS);
	pb_varint(&e->p, PD_PID, pid);
	if (name && name[0])
		pb_string(&e->p, PD_NAME, export_clean_str(name, buf, sizeof(buf)));
	pb_end(&e->p);
	pb_end(&e->p);
	return packet_write(e);
}

static int pf_thread(void *be, const struct tl_thread *t)
{
	struct perfetto *e = be;
	uint64_t *seen = dump_map_get(&e->pids, t->pid);
	char buf[64];
	int err;

	if (!seen)
		return -ENOMEM;
	if (!*seen || (t->tid == t->pid && t->comm[0])) {
		*seen = 1;
		if ((err = describe_process(e, t->pid, t->tid == t->pid ? t->comm : NULL)))
			return err;
	}
	packet_start(e, 0, 0);
	pb_begin(&e->p, TP_TRACK_DESC);
	pb_varint(&e->p, TD_UUID, U_THREAD(t->tid));
	pb_begin(&e->p, TD_THREAD);
	pb_varint(&e->p, THD_PID, t->pid);
	pb_varint(&e->p, THD_TID, t->tid);
	if (t->comm[0])
		pb_string(&e->p, THD_NAME, export_clean_str(t->comm, buf, sizeof(buf)));
	pb_end(&e->p);
	pb_end(&e->p);
	return packet_write(e);
}

static int pf_slice(void *be, const struct tl_slice *s)
{
	struct perfetto *e = be;
	int synth = s->entry == TL_SYNTHETIC || s->exit == TL_SYNTHETIC;
	struct export_arg a[EXPORT_ARGS_MAX];
	size_t na;
	char nbuf[32];
	uint64_t iid;
	int err;

	packet_start(e, s->ts, 1);
	iid = name_iid(e, &e->nr_iid, (uint32_t)s->nr, syscall_name_buf(s->nr, nbuf, sizeof(nbuf)));
	if (!iid)
		return -ENOMEM;
	pb_begin(&e->p, TP_TRACK_EVENT);
	pb_varint(&e->p, TE_TYPE, T_BEGIN);
	pb_varint(&e->p, TE_TRACK_UUID, U_THREAD(s->tid));
	pb_varint(&e->p, TE_CATEGORY_IIDS, synth ? CAT_SYNTHETIC : CAT_SYSCALL);
	pb_varint(&e->p, TE_NAME_IID, iid);
	na = export_slice_args(s, a); /* a filled before put_args reads it */
	put_args(&e->p, a, na);
	pb_end(&e->p);
	if ((err = packet_write(e)))
		return err;
	packet_start(e, s->end, 1);
	pb_begin(&e->p, TP_TRACK_EVENT);
	pb_varint(&e->p, TE_TYPE, T_END);
	pb_varint(&e->p, TE_TRACK_UUID, U_THREAD(s->tid));
	pb_end(&e->p);
	e->c->slices++;
	if (synth)
		e->c->synthetic_slices++;
	return packet_write(e);
}

static int gap_slice_begin(struct perfetto *e, const struct tl_gap *g, uint64_t track)
{
	struct export_arg a[EXPORT_ARGS_MAX];
	size_t na;
	char name[48];
	uint64_t iid;

	export_gap_name(g, name, sizeof(name));
	packet_start(e, g->ts, 1);
	if (!(iid = name_iid(e, &e->lost_iid, g->lost, name)))
		return -ENOMEM;
	pb_begin(&e->p, TP_TRACK_EVENT);
	pb_varint(&e->p, TE_TYPE, T_BEGIN);
	pb_varint(&e->p, TE_TRACK_UUID, track);
	pb_varint(&e->p, TE_CATEGORY_IIDS, CAT_LOST);
	pb_varint(&e->p, TE_NAME_IID, iid);
	na = export_gap_args(g, 1, 0, a); /* a filled before put_args reads it */
	put_args(&e->p, a, na);
	pb_end(&e->p);
	e->c->gaps++;
	return packet_write(e);
}

static int pf_gap_begin(void *be, const struct tl_gap *g)
{
	struct perfetto *e = be;
	uint64_t *described = dump_map_get(&e->counters, g->tid);
	int err;

	if (!described)
		return -ENOMEM;
	if ((err = gap_slice_begin(e, g, U_THREAD(g->tid))))
		return err;
	if (!*described) {
		*described = 1;
		packet_start(e, 0, 0);
		pb_begin(&e->p, TP_TRACK_DESC);
		pb_varint(&e->p, TD_UUID, U_COUNTER(g->tid));
		pb_varint(&e->p, TD_PARENT, U_THREAD(g->tid));
		pb_string(&e->p, TD_NAME, "lost events");
		pb_begin(&e->p, TD_COUNTER);
		pb_end(&e->p);
		pb_end(&e->p);
		if ((err = packet_write(e)))
			return err;
	}
	packet_start(e, g->ts, 1);
	pb_begin(&e->p, TP_TRACK_EVENT);
	pb_varint(&e->p, TE_TYPE, T_COUNTER);
	pb_varint(&e->p, TE_TRACK_UUID, U_COUNTER(g->tid));
	pb_varint(&e->p, TE_COUNTER_VALUE, g->thread_lost);
	pb_end(&e->p);
	return packet_write(e);
}

static int gap_slice_end(struct perfetto *e, const struct tl_gap *g, uint64_t track, int repair)
{
	struct export_arg a[EXPORT_ARGS_MAX];
	size_t na;

	packet_start(e, g->end, 1);
	pb_begin(&e->p, TP_TRACK_EVENT);
	pb_varint(&e->p, TE_TYPE, T_END);
	pb_varint(&e->p, TE_TRACK_UUID, track);
	if (repair) {
		na = export_gap_args(g, 0, 1, a); /* a filled before put_args reads it */
		put_args(&e->p, a, na);
	}
	pb_end(&e->p);
	return packet_write(e);
}

static int pf_gap_end(void *be, const struct tl_gap *g)
{
	return gap_slice_end(be, g, U_THREAD(g->tid), 1);
}

static int pf_gap_cpu(void *be, const struct tl_gap *g)
{
	struct perfetto *e = be;
	uint64_t *described = dump_map_get(&e->cpus, g->cpu);
	char name[32];
	int err;

	if (!described)
		return -ENOMEM;
	if (!*described) {
		*described = 1;
		if (e->cpus.at.n == 1) {
			packet_start(e, 0, 0);
			pb_begin(&e->p, TP_TRACK_DESC);
			pb_varint(&e->p, TD_UUID, U_CPUS);
			pb_string(&e->p, TD_NAME, "lost events (unattributed)");
			pb_end(&e->p);
			if ((err = packet_write(e)))
				return err;
		}
		if (g->cpu == TRZ_NO_CPU)
			snprintf(name, sizeof(name), "cpu ?");
		else
			snprintf(name, sizeof(name), "cpu %u", g->cpu);
		packet_start(e, 0, 0);
		pb_begin(&e->p, TP_TRACK_DESC);
		pb_varint(&e->p, TD_UUID, U_CPU(g->cpu));
		pb_varint(&e->p, TD_PARENT, U_CPUS);
		pb_string(&e->p, TD_NAME, name);
		pb_end(&e->p);
		if ((err = packet_write(e)))
			return err;
	}
	if ((err = gap_slice_begin(e, g, U_CPU(g->cpu))))
		return err;
	return gap_slice_end(e, g, U_CPU(g->cpu), 0);
}

static int pf_finish(void *be, uint64_t first_ts, uint64_t last_ts, const struct tl_meta *meta,
		     size_t nmeta)
{
	struct perfetto *e = be;
	char buf[TRZ_PATH_MAX], key[TRZ_KEY_MAX + 24];
	int err;

	(void)last_ts;
	if (e->err)
		return e->err;
	if (!nmeta)
		return ferror(e->out) ? -EIO : 0;
	packet_start(e, 0, 0);
	pb_begin(&e->p, TP_TRACK_DESC);
	pb_varint(&e->p, TD_UUID, U_META);
	pb_string(&e->p, TD_NAME, "trace metadata");
	pb_end(&e->p);
	if ((err = packet_write(e)))
		return err;
	packet_start(e, first_ts, 1);
	pb_begin(&e->p, TP_TRACK_EVENT);
	pb_varint(&e->p, TE_TYPE, T_INSTANT);
	pb_varint(&e->p, TE_TRACK_UUID, U_META);
	pb_string(&e->p, TE_NAME, "trace metadata");
	for (size_t i = 0; i < nmeta; i++) {
		pb_begin(&e->p, TE_DEBUG);
		export_meta_key(meta, nmeta, i, key, sizeof(key));
		pb_string(&e->p, DA_NAME, export_clean_str(key, buf, sizeof(buf)));
		pb_string(&e->p, DA_STRING, export_clean_str(meta[i].value, buf, sizeof(buf)));
		pb_end(&e->p);
	}
	pb_end(&e->p);
	if ((err = packet_write(e)))
		return err;
	return ferror(e->out) ? -EIO : 0;
}

const struct tl_ops perfetto_ops = {
	.thread = pf_thread,
	.slice = pf_slice,
	.gap_begin = pf_gap_begin,
	.gap_end = pf_gap_end,
	.gap_cpu = pf_gap_cpu,
	.finish = pf_finish,
};

/* export_timeline.c - records to timeline items (export.h): syscall slices, gap slices, thread
 * names.
 *
 * Per thread we keep one open call (a thread is in at most one syscall at a time) and the gap
 * being repaired, so memory is O(threads).  Records of a thread come in its order; across
 * threads the viewers sort by time themselves.  Nesting on a thread's track is kept proper, which
 * the viewers need:
 *   - a gap's slice runs from the last event before it (or the entry of the call still open
 *     then, if earlier) to the first event after it; the synthetic events that tracerec-fill
 *     wrote right after the gap record lie inside that window (fill_impute.c interpolates their
 *     times), so their slices nest under the gap's;
 *   - a call open when a gap starts lost its exit in that gap: the fill's first synthetic event
 *     closes it when it is that exit, otherwise the call ends where the gap begins ("exit lost");
 *   - slices are handed over when they close, before the gap that contains them ends;
 *   - slices on a track never touch or overlap unless one holds the other: each thread keeps
 *     the end of its last top-level slice or gap, and a pending gap the end of its last call;
 *     the next one starts at least 1 ns later (a call cut short by the next entry ends 1 ns
 *     before it, a gap after a finished call starts 1 ns after its exit, a gap ends 1 ns
 *     after the last call inside it), and no slice is zero-length.  Viewers that order
 *     equal-time ends and begins by name (speedscope) or add up start + duration in floating
 *     point would otherwise nest neighbours in each other.  A start moves only where times
 *     tie (interpolated synthetic events, a 1 ns widening): by nanoseconds.
 * Synthetic events that come later than right after their gap (tracerecd --fill writes them
 * when the lagging thread catches up) are paired among themselves on the same track.
 */
#include "dump/export.h"
#include "dump/dump.h"
#include "common/syscalls.h"
#include "common/vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SKETCH_MAX 240

struct tl_open {
	uint8_t valid, synth, entry_how; /* entry_how: enum tl_end of a recorded-side entry */
	uint8_t late;                    /* a late synthetic call (kept at its own times) */
	int32_t nr;
	uint64_t ts, gap_id;
	float conf;
};

struct tl_pend {
	uint8_t valid, decided; /* decided: the pre-gap open call was closed or kept */
	uint8_t begun;          /* gap_begin handed over (a gap whose start is unknown waits for
				   its first synthetic event, which may be earlier) */
	struct tl_gap g;
	uint64_t max_end;
	uint64_t cur; /* end of the last slice inside the gap (0: none yet) */
	size_t slen;
	uint64_t more; /* calls left out of the repair */
	char repair[SKETCH_MAX + 32];
	char sketch[512]; /* the gap record's lost-syscall sketch, in words */
};

struct tl_th {
	uint32_t pid, tid;
	char comm[TRZ_COMM_LEN];
	uint8_t has_last, announced;
	uint64_t last_ts, first_ts;
	uint64_t cur; /* end of the last slice or gap on the track's top level */
	uint64_t lost;
	struct tl_open open, late;
	struct tl_pend pend;
};

struct timeline {
	const struct tl_ops *ops;
	void *be;
	struct tidmap idx; /* tid -> index into th */
	struct tl_th *th;
	uint64_t n;
	size_t cap;
	struct dump_map cpu_end; /* cpu -> end of its last unattributed gap slice */
	uint64_t first_ts, last_ts;
	uint8_t has_ts;
	struct tl_meta *meta;
	size_t nmeta, capmeta;
};

struct timeline *timeline_new(const struct tl_ops *ops, void *be)
{
	struct timeline *tl = calloc(1, sizeof(*tl));

	if (tl) {
		tl->ops = ops;
		tl->be = be;
	}
	return tl;
}

void timeline_free(struct timeline *tl)
{
	if (!tl)
		return;
	tidmap_free(&tl->idx);
	dump_map_free(&tl->cpu_end);
	for (size_t i = 0; i < tl->nmeta; i++) {
		free((char *)tl->meta[i].key);
		free((char *)tl->meta[i].value);
	}
	free(tl->meta);
	free(tl->th);
	free(tl);
}

static void see(struct timeline *tl, uint64_t ts)
{
	if (!ts || ts == UINT64_MAX)
		return;
	if (!tl->has_ts || ts < tl->first_ts)
		tl->first_ts = ts;
	if (!tl->has_ts || ts > tl->last_ts)
		tl->last_ts = ts;
	tl->has_ts = 1;
}

static int announce(struct timeline *tl, struct tl_th *t, uint64_t ts)
{
	struct tl_thread info = { .pid = t->pid, .tid = t->tid, .comm = t->comm, .ts = ts };

	t->announced = 1;
	return tl->ops->thread ? tl->ops->thread(tl->be, &info) : 0;
}

/* The thread's state, created (and announced to the backend) on first sight. */
static int thread_of(struct timeline *tl, uint32_t tid, uint32_t pid, uint64_t ts, const char *comm,
		     struct tl_th **out)
{
	int32_t i;

	if (VEC_RESERVE(tl->th, tl->cap, tl->n + 1) || (i = tidmap_index(&tl->idx, tid)) < 0)
		return -ENOMEM;
	if ((uint64_t)i == tl->n) {
		tl->th[i] = (struct tl_th){ .tid = tid, .pid = pid, .first_ts = ts };
		if (comm)
			snprintf(tl->th[i].comm, TRZ_COMM_LEN, "%s", comm);
		tl->n++;
	}
	*out = &tl->th[i];
	if (!(*out)->pid && pid)
		(*out)->pid = pid;
	if (!(*out)->announced)
		return announce(tl, *out, ts);
	return 0;
}

static int emit_slice(struct timeline *tl, struct tl_th *t, const struct tl_open *o, uint64_t end,
		      uint8_t exit_how, const struct trz_event *ex, int ex_synth, float ex_conf,
		      uint64_t ex_gap)
{
	struct tl_slice s = {
		.pid = t->pid,
		.tid = t->tid,
		.ts = o->ts,
		.end = end < o->ts ? o->ts : end,
		.nr = o->nr,
		.entry = o->synth ? TL_SYNTHETIC : o->entry_how,
		.exit = exit_how,
		.confidence = 1.0f,
		.gap_id = o->synth ? o->gap_id : 0,
	};

	if (o->synth)
		s.confidence = o->conf;
	if (ex) {
		s.has_ret = 1;
		s.ret = ex->ret;
		if (ex_synth) {
			if (ex_conf < s.confidence)
				s.confidence = ex_conf;
			if (!s.gap_id)
				s.gap_id = ex_gap;
		}
	}
	int inside = !o->late && t->pend.valid && t->pend.begun;

	/* Place the slice on its track: a call (recorded or synthetic) handed over while a gap
	 * is being repaired lies inside the gap's window, after the gap's previous call; any
	 * other starts after the track's last slice or gap ended.  Calls are sequential on a
	 * thread, so this moves a start only where times tie or a neighbour was widened by the
	 * rules here (by a few ns). */
	if (inside) {
		uint64_t lo = t->pend.cur ? t->pend.cur + 1 : t->pend.g.ts;
		if (s.ts < lo)
			s.ts = lo;
	} else if (!o->late && t->cur && s.ts <= t->cur) {
		s.ts = t->cur + 1;
	}
	if (s.end <= s.ts) /* never zero-length: viewers order equal-time begin/end ambiguously */
		s.end = s.ts + 1;
	if (inside)
		t->pend.cur = s.end;
	else if (!o->late)
		t->cur = s.end;
	if (t->pend.valid && s.end > t->pend.max_end)
		t->pend.max_end = s.end;
	return tl->ops->slice ? tl->ops->slice(tl->be, &s) : 0;
}

/* An exit whose entry is not in the trace: a slice from start (how = entry's tl_end). */
static int emit_orphan_exit(struct timeline *tl, struct tl_th *t, const struct trz_event *ev,
			    uint64_t start, uint8_t how, int synth, float conf, uint64_t gap,
			    int late)
{
	struct tl_open o = {
		.valid = 1, .entry_how = how, .late = (uint8_t)late, .nr = ev->nr, .ts = start
	};

	return emit_slice(tl, t, &o, ev->ts_ns, synth ? TL_SYNTHETIC : TL_RECORDED, ev, synth, conf,
			  gap);
}

static void repair_add(struct tl_pend *p, const char *name, int paren)
{
	size_t need = strlen(name) + (paren ? 2 : 0) + (p->slen ? 1 : 0);

	if (p->more || p->slen + need > SKETCH_MAX) {
		p->more++;
		return;
	}
	p->slen += (size_t)snprintf(p->repair + p->slen, sizeof(p->repair) - p->slen, "%s%s%s%s",
				    p->slen ? " " : "", paren ? "(" : "", name, paren ? ")" : "");
}

/* Hand over the gap's begin, if it waited (start unknown): from its first synthetic event
 * when that is earlier than the guess. */
static int begin_gap(struct timeline *tl, struct tl_th *t, uint64_t first_synth_ts)
{
	struct tl_pend *p = &t->pend;

	if (!p->valid || p->begun)
		return 0;
	p->begun = 1;
	if (first_synth_ts && first_synth_ts < p->g.ts)
		p->g.ts = p->max_end = first_synth_ts;
	if (t->cur && p->g.ts <= t->cur)
		p->g.ts = p->max_end = t->cur + 1;
	p->g.sketch = p->sketch; /* here, not when the gap came: the thread array may have moved */
	return tl->ops->gap_begin ? tl->ops->gap_begin(tl->be, &p->g) : 0;
}

/* A call that was open when the gap began and that no synthetic exit closed lost its exit in
 * the gap: it ends where the gap begins. */
static int close_pre_gap(struct timeline *tl, struct tl_th *t)
{
	struct tl_pend *p = &t->pend;

	if (!p->valid || p->decided)
		return 0;
	p->decided = 1;
	if (!t->open.valid || t->open.ts > p->g.ts)
		return 0;
	struct tl_open o = t->open;
	t->open.valid = 0;
	return emit_slice(tl, t, &o, p->g.ts, TL_LOST, NULL, 0, 1.0f, 0);
}

/* The gap being repaired on t ends (end: the first event after it, or 0 = use its t_end). */
static int flush_gap(struct timeline *tl, struct tl_th *t, uint64_t end)
{
	struct tl_pend *p = &t->pend;
	int err = 0;

	if (!p->valid)
		return 0;
	if ((err = begin_gap(tl, t, 0)) || (err = close_pre_gap(tl, t)))
		return err;
	if (p->g.end != UINT64_MAX && p->g.end)
		end = p->g.end;
	if (end < p->g.ts)
		end = p->g.ts;
	if (end <= p->max_end && p->max_end > p->g.ts)
		end = p->max_end + 1;
	if (end <= p->g.ts) /* never zero-length: its begin and end carry different arguments */
		end = p->g.ts + 1;
	p->g.end = end;
	t->cur = end; /* what follows on the track starts after the gap */
	if (p->more)
		snprintf(p->repair + p->slen, sizeof(p->repair) - p->slen, "%s... +%llu",
			 p->slen ? " " : "", (unsigned long long)p->more);
	p->g.sketch = p->sketch; /* t may have moved since the gap came (tl->th grows) */
	p->g.repair = p->repair;
	p->valid = 0;
	return tl->ops->gap_end ? tl->ops->gap_end(tl->be, &p->g) : 0;
}

static int add_event(struct timeline *tl, const struct trz_event *ev, int synth, float conf,
		     uint64_t gap_id)
{
	struct tl_th *t;
	struct tl_open *o;
	int err = thread_of(tl, ev->tid, ev->pid, ev->ts_ns, NULL, &t);
	int in_gap = 0, late = 0, after_gap;
	char nbuf[32];

	if (err)
		return err;
	if (synth) {
		in_gap = t->pend.valid && t->pend.g.id == gap_id;
		late = !in_gap;
	}
	o = late ? &t->late : &t->open;
	if (!synth && (err = close_pre_gap(tl, t)))
		return err;

	if (in_gap && (err = begin_gap(tl, t, ev->ts_ns)))
		return err;
	if (in_gap) {
		struct tl_pend *p = &t->pend;
		const char *name = syscall_name_buf(ev->nr, nbuf, sizeof(nbuf));
		p->g.synthetic++;
		if (ev->dir == TRZ_ENTRY)
			repair_add(p, name, 0);
		else if (!(o->valid && o->synth && o->nr == ev->nr))
			repair_add(p, name, 1);
		if (!p->decided) {
			p->decided = 1;
			/* the pre-gap call goes on only if this synthetic event is its exit */
			if (o->valid && !o->synth && !(ev->dir == TRZ_EXIT && o->nr == ev->nr)) {
				struct tl_open c = *o;
				o->valid = 0;
				if ((err = emit_slice(tl, t, &c, p->g.ts, TL_LOST, NULL, 0, 1.0f, 0)))
					return err;
			}
		}
	}

	/* 1. what this event closes */
	if (ev->dir == TRZ_EXIT && o->valid && o->nr == ev->nr) {
		struct tl_open c = *o;
		o->valid = 0;
		err = emit_slice(tl, t, &c, ev->ts_ns, synth ? TL_SYNTHETIC : TL_RECORDED, ev,
				 synth, conf, gap_id);
		if (err)
			return err;
		goto done;
	}
	if (o->valid) { /* entry after entry, or the exit of another call */
		struct tl_open c = *o;
		o->valid = 0;
		err = emit_slice(tl, t, &c, ev->ts_ns > c.ts ? ev->ts_ns - 1 : ev->ts_ns,
				 TL_NOT_RECORDED, NULL, 0, 1.0f, 0);
		if (err)
			return err;
	}
	/* 2. a recorded event ends the gap being repaired */
	after_gap = t->pend.valid;
	if (!synth && t->pend.valid && (err = flush_gap(tl, t, ev->ts_ns)))
		return err;
	/* 3. what it opens */
	if (ev->dir == TRZ_ENTRY) {
		*o = (struct tl_open){ .valid = 1,
				       .synth = (uint8_t)synth,
				       .late = (uint8_t)late,
				       .nr = ev->nr,
				       .ts = ev->ts_ns,
				       .gap_id = gap_id,
				       .conf = conf };
	} else if (synth || after_gap) {
		/* the entry was lost in a gap (and, synthetic, is not among the fill) */
		err = emit_orphan_exit(tl, t, ev, ev->ts_ns, TL_LOST, synth, conf, gap_id, late);
	} else if (t->has_last) {
		err = emit_orphan_exit(tl, t, ev, ev->ts_ns, TL_NOT_RECORDED, 0, 1.0f, 0, 0);
	} else {
		/* first event of the thread: the call began before tracing (or at its fork) */
		uint64_t start = t->first_ts && t->first_ts < ev->ts_ns ? t->first_ts : tl->first_ts;
		err = emit_orphan_exit(tl, t, ev, start, TL_NOT_RECORDED, 0, 1.0f, 0, 0);
	}
	if (err)
		return err;
done:
	if (!synth) {
		t->has_last = 1;
		t->last_ts = ev->ts_ns;
	}
	return 0;
}

/* The gap's lost-syscall sketch as tracerec-dump prints it ("read x3 (entry+exit) ... exact"),
 * "" without one. */
static void sketch_words(const struct trz_gap *g, char *buf, size_t size)
{
	FILE *f = fmemopen(buf, size, "w");

	buf[0] = 0;
	if (!f)
		return;
	dump_sketch_text(f, g);
	fputc(0, f);
	fclose(f);
	buf[size - 1] = 0;
	size_t skip = buf[0] == ':' ? (buf[1] == ' ' ? 2 : 1) : 0; /* the text's ": " lead-in */
	memmove(buf, buf + skip, strlen(buf + skip) + 1);
}

static int add_gap(struct timeline *tl, const struct trz_gap *g)
{
	struct tl_gap x = { .pid = g->pid,
			    .tid = g->tid,
			    .cpu = g->cpu,
			    .attributed = g->attributed,
			    .id = g->id,
			    .lost = g->lost,
			    .seq_first = g->seq_first,
			    .seq_last = g->seq_last };
	int has_end = g->t_end_ns && g->t_end_ns != UINT64_MAX;
	struct tl_th *t;
	int err;

	if (!g->attributed) {
		uint64_t *ce = dump_map_get(&tl->cpu_end, g->cpu);
		if (!ce)
			return -ENOMEM;
		x.ts = g->t_start_ns ? g->t_start_ns : has_end ? g->t_end_ns : tl->last_ts;
		x.end = has_end && g->t_end_ns > x.ts ? g->t_end_ns : x.ts;
		if (*ce && x.ts <= *ce) { /* keep a CPU's gap slices apart */
			x.ts = *ce + 1;
			if (x.end < x.ts)
				x.end = x.ts;
		}
		*ce = x.end;
		return tl->ops->gap_cpu ? tl->ops->gap_cpu(tl->be, &x) : 0;
	}
	if ((err = thread_of(tl, g->tid, g->pid, g->t_start_ns, NULL, &t)))
		return err;
	if (t->pend.valid && (err = flush_gap(tl, t, g->t_start_ns)))
		return err;
	/* unknown start (the thread's first events lost): from when the thread was first seen,
	 * or the trace began */
	x.ts = g->t_start_ns ? g->t_start_ns
	       : t->has_last ? t->last_ts
	       : t->first_ts ? t->first_ts
			     : tl->first_ts;
	if (has_end && x.ts > g->t_end_ns)
		x.ts = g->t_end_ns;
	if (t->open.valid && t->open.ts < x.ts)
		x.ts = t->open.ts;
	else if (!t->open.valid && t->has_last && x.ts == t->last_ts)
		x.ts++; /* after the exit that ended the thread's last call */
	if (t->cur && x.ts <= t->cur)
		x.ts = t->cur + 1; /* after the track's last slice or gap */
	if (t->pid)
		x.pid = t->pid; /* on the thread's own track */
	x.end = g->t_end_ns ? g->t_end_ns : UINT64_MAX;
	t->lost += g->lost;
	x.thread_lost = t->lost;
	t->pend.valid = 1;
	t->pend.begun = g->t_start_ns || t->open.valid || t->has_last;
	t->pend.decided = !t->open.valid;
	t->pend.g = x;
	t->pend.max_end = x.ts;
	t->pend.cur = 0;
	t->pend.slen = 0;
	t->pend.more = 0;
	t->pend.repair[0] = 0;
	sketch_words(g, t->pend.sketch, sizeof(t->pend.sketch));
	t->pend.g.sketch = NULL; /* set where it is handed over: tl->th may move before */
	x.sketch = t->pend.sketch;
	if (!t->pend.begun)
		return 0;
	return tl->ops->gap_begin ? tl->ops->gap_begin(tl->be, &x) : 0;
}

static int add_thread(struct timeline *tl, const struct trz_thread *th)
{
	struct tl_th *t;
	int err = thread_of(tl, th->tid, th->pid, th->ts_ns, th->comm, &t);

	if (err)
		return err;
	if (th->comm[0] && strncmp(t->comm, th->comm, TRZ_COMM_LEN)) {
		memcpy(t->comm, th->comm, TRZ_COMM_LEN);
		t->comm[TRZ_COMM_LEN - 1] = 0;
		if ((err = announce(tl, t, th->ts_ns)))
			return err;
	}
	if (th->what == TRZ_THREAD_EXIT && t->open.valid && th->ts_ns >= t->open.ts &&
	    !t->pend.valid) {
		struct tl_open c = t->open;
		t->open.valid = 0;
		return emit_slice(tl, t, &c, th->ts_ns, TL_NOT_RECORDED, NULL, 0, 1.0f, 0);
	}
	return 0;
}

static int add_meta(struct timeline *tl, const char *key, const char *value)
{
	char *k, *v;

	if (VEC_RESERVE(tl->meta, tl->capmeta, tl->nmeta + 1))
		return -ENOMEM;
	k = strdup(key);
	v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	tl->meta[tl->nmeta++] = (struct tl_meta){ .key = k, .value = v };
	return 0;
}

int timeline_add(struct timeline *tl, const struct trz_record *rec)
{
	int err = tl->ops->record ? tl->ops->record(tl->be, rec) : 0;

	if (err)
		return err;
	switch (rec->kind) {
	case TRZ_REC_EVENT: see(tl, rec->ev.ts_ns); return add_event(tl, &rec->ev, 0, 1.0f, 0);
	case TRZ_REC_SYNTH:
		see(tl, rec->syn.ev.ts_ns);
		return add_event(tl, &rec->syn.ev, 1, rec->syn.confidence, rec->syn.gap_id);
	case TRZ_REC_GAP:
		see(tl, rec->gap.t_start_ns);
		see(tl, rec->gap.t_end_ns);
		return add_gap(tl, &rec->gap);
	case TRZ_REC_THREAD: see(tl, rec->th.ts_ns); return add_thread(tl, &rec->th);
	case TRZ_REC_META: return add_meta(tl, rec->meta.key, rec->meta.value);
	case TRZ_REC_STATE:
	case TRZ_REC_STRING: return 0;
	}
	return 0;
}

int timeline_finish(struct timeline *tl)
{
	uint64_t end = tl->last_ts;
	int err = 0;

	for (uint64_t i = 0; i < tl->n && !err; i++) {
		struct tl_th *t = &tl->th[i];
		struct tl_open *os[2] = { &t->late, &t->open };
		for (int k = 0; k < 2 && !err; k++) {
			if (!os[k]->valid)
				continue;
			struct tl_open c = *os[k];
			os[k]->valid = 0;
			/* the pre-gap call of a gap nothing followed lost its exit in that gap */
			int lost = k == 1 && t->pend.valid && !t->pend.decided &&
				   c.ts <= t->pend.g.ts;
			err = emit_slice(tl, t, &c, lost ? t->pend.g.ts : end,
					 lost ? TL_LOST : TL_OPEN_AT_END, NULL, 0, 1.0f, 0);
		}
		if (!err && t->pend.valid)
			err = flush_gap(tl, t, end);
	}
	if (!err && tl->ops->finish)
		err = tl->ops->finish(tl->be, tl->first_ts, tl->last_ts, tl->meta, tl->nmeta);
	return err;
}

uint64_t timeline_threads(const struct timeline *tl)
{
	return tl->n;
}

static int utf8_seq(const unsigned char *p)
{
	int n = *p >= 0xf5 ? 0 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

const char *export_clean_str(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && o + 1 < size;) {
		int n = *p < 0x80 ? 1 : utf8_seq(p);
		if (n == 0 || *p < 0x20 || *p == 0x7f) {
			buf[o++] = '?';
			p++;
			continue;
		}
		if (o + (size_t)n >= size)
			break;
		memcpy(buf + o, p, (size_t)n);
		o += (size_t)n;
		p += n;
	}
	buf[o] = 0;
	return buf;
}

const char *export_meta_key(const struct tl_meta *meta, size_t nmeta, size_t i, char *buf, size_t size)
{
	int dup = 1;

	for (size_t k = 0; k < i && k < nmeta; k++)
		dup += !strcmp(meta[k].key, meta[i].key);
	if (dup > 1)
		snprintf(buf, size, "%s#%d", meta[i].key, dup);
	else
		snprintf(buf, size, "%s", meta[i].key);
	return buf;
}

const char *export_gap_name(const struct tl_gap *g, char *buf, size_t size)
{
	if (!g->lost)
		snprintf(buf, size, "lost ? events");
	else
		snprintf(buf, size, "lost %llu event%s", (unsigned long long)g->lost,
			 g->lost == 1 ? "" : "s");
	return buf;
}

/* recorder.c - tracerecd's consumer: rings -> gap detector -> sink -> writer (see recorder.h). */
#include "collect/recorder.h"
#include "collect/sketch.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct recorder {
	struct trz_writer *w;
	struct gapdetect *gd;
	struct trc_collector *c;
	recorder_hook_fn hook;
	void *hook_ctx;
	int err;
	struct recorder_cpu_sum *cpus;
	struct trz_record *rec;  /* scratch for thread/meta records (large) */
	struct trz_sketch sk;    /* scratch: a converted kernel sketch */
	struct trz_state *state; /* scratch for STATE records */
	int ended;               /* the END record is written: no more snapshots */
};

int recorder_sink(struct recorder *r, const struct trz_record *rec)
{
	int err;

	if (r->err)
		return r->err;
	err = trz_write_record(r->w, rec);
	if (err) {
		r->err = err;
		return err;
	}
	if (r->hook)
		r->hook(r->hook_ctx, rec); /* the hook's problems are its own */
	return 0;
}

static int gapdetect_emit(void *ctx, const struct trz_record *rec)
{
	return recorder_sink(ctx, rec);
}

struct recorder *recorder_new(struct trz_writer *w)
{
	struct recorder *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->w = w;
	r->rec = calloc(1, sizeof(*r->rec));
	r->state = calloc(1, sizeof(*r->state));
	r->gd = gapdetect_new(gapdetect_emit, r);
	if (!r->rec || !r->state || !r->gd) {
		recorder_free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void recorder_free(struct recorder *r)
{
	if (!r)
		return;
	gapdetect_free(r->gd);
	free(r->rec);
	free(r->state);
	free(r->cpus);
	free(r);
}

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void add_pending_thread(void *ctx, uint32_t tid, const struct trc_thread_loss *tl)
{
	struct recorder *r = ctx;
	struct trz_state *st = r->state;
	uint64_t done = gapdetect_thread_lost(r->gd, tid);
	uint64_t n = tl->lost_total > done ? tl->lost_total - done : 0;

	if (!n)
		return;
	if (st->nthreads < TRZ_STATE_MAX_THREADS)
		st->threads[st->nthreads++] = (struct trz_state_thread){ tid, tl->pid, n };
	else
		st->other_lost += n;
}

/* The loss accounting so far as a STATE record of kind what (man/trz.5). */
static int write_state(struct recorder *r, struct trz_writer *w, int what)
{
	struct trz_state *st = r->state;
	uint64_t drops = 0, listed = 0;
	struct trc_cpu_stats cs;
	struct gapdetect_stats gs;
	struct gapdetect_cpu gc;

	memset(st, 0, offsetof(struct trz_state, cpus));
	st->what = (uint8_t)what;
	st->ts_ns = clock_ns(CLOCK_MONOTONIC);
	st->wall_ns = clock_ns(CLOCK_REALTIME);
	for (int c = 0; c < trc_collector_ncpus(r->c); c++) {
		trc_collector_cpu_stats(r->c, c, &cs);
		gapdetect_get_cpu(r->gd, c, &gc);
		drops += cs.drops;
		if (c < TRZ_STATE_MAX_CPUS)
			st->cpus[st->ncpus++] =
				(struct trz_state_cpu){ cs.attempts, gc.recorded, cs.drops };
	}
	gapdetect_get_stats(r->gd, &gs);
	st->pending_lost = drops > gs.lost + gs.unattr_lost ? drops - gs.lost - gs.unattr_lost : 0;
	if (st->pending_lost && what == TRZ_STATE_SNAPSHOT) {
		trc_collector_thread_losses(r->c, add_pending_thread, r);
		for (int i = 0; i < st->nthreads; i++)
			listed += st->threads[i].lost;
		st->other_lost = st->pending_lost > listed ? st->pending_lost - listed : 0;
	}
	return trz_write_state(w, st);
}

/* Flush hook: every block a live recording writes ends with a snapshot of its accounting. */
static int snapshot_hook(void *ctx, struct trz_writer *w)
{
	struct recorder *r = ctx;

	return r->ended || !r->c ? 0 : write_state(r, w, TRZ_STATE_SNAPSHOT);
}

void recorder_set_collector(struct recorder *r, struct trc_collector *c)
{
	r->c = c;
	trz_writer_set_flush_hook(r->w, snapshot_hook, r);
}

int recorder_end(struct recorder *r)
{
	int err;

	if (r->err)
		return r->err;
	if (!r->c)
		return 0;
	err = write_state(r, r->w, TRZ_STATE_END);
	r->ended = 1;
	if (err)
		r->err = err;
	return err;
}

void recorder_set_hook(struct recorder *r, recorder_hook_fn fn, void *ctx)
{
	r->hook = fn;
	r->hook_ctx = ctx;
}

int recorder_error(const struct recorder *r)
{
	return r->err;
}

uint64_t recorder_events(const struct recorder *r)
{
	struct gapdetect_stats st;

	gapdetect_get_stats(r->gd, &st);
	return st.events;
}

int recorder_meta(struct recorder *r, const char *key, const char *value)
{
	struct trz_meta *m = &r->rec->meta;

	r->rec->kind = TRZ_REC_META;
	r->rec->offset = 0;
	snprintf(m->key, sizeof(m->key), "%s", key);
	snprintf(m->value, sizeof(m->value), "%s", value);
	return recorder_sink(r, r->rec);
}

int recorder_thread(void *rp, const struct trz_thread *th)
{
	struct recorder *r = rp;

	r->rec->kind = TRZ_REC_THREAD;
	r->rec->offset = 0;
	r->rec->th = *th;
	return recorder_sink(r, r->rec);
}

/* A pair record (collector.h) is split here, before anything else sees it: the entry
 * (tseq - 1, cseq - 1, at the entry's time, with the losses and sketch before it), then the
 * exit. */
int recorder_on_event(void *rp, int cpu, const struct trc_event *e, const uint64_t *args)
{
	struct recorder *r = rp;
	struct trz_event ev;
	const struct trz_sketch *sk = NULL;
	uint8_t kind = e->kind & TRC_EV_KIND_MASK;
	int err;

	if (r->err)
		return r->err;
	if ((e->kind & TRC_EV_F_SKETCH) &&
	    trc_sketch_to_trz(&((const struct trc_event_sketch *)e)->sk, e->lost_before, &r->sk))
		sk = &r->sk;
	ev.ts_ns = e->ts_ns;
	ev.tseq = e->tseq;
	ev.cseq = e->cseq;
	ev.ret = kind == TRC_EV_ENTER ? 0 : e->ret;
	if (args) {
		memcpy(ev.args, args, sizeof(ev.args));
		ev.nargs = TRZ_MAX_ARGS;
	} else {
		memset(ev.args, 0, sizeof(ev.args));
		ev.nargs = 0;
	}
	ev.pid = e->pid;
	ev.tid = e->tid;
	ev.nr = e->nr == 0xffff ? -1 : e->nr;
	ev.cpu = cpu;
	ev.dir = kind == TRC_EV_ENTER ? TRZ_ENTRY : TRZ_EXIT;
	if (kind != TRC_EV_PAIR || e->tseq < 2 || e->cseq < 2)
		return gapdetect_event(r->gd, &ev, e->lost_before, sk);
	ev.ts_ns = e->kind & TRC_EV_F_SKETCH ? ((const struct trc_event_sketch *)e)->entry_ts_ns
					     : ((const struct trc_event_pair *)e)->entry_ts_ns;
	ev.tseq = e->tseq - 1;
	ev.cseq = e->cseq - 1;
	ev.ret = 0;
	ev.dir = TRZ_ENTRY;
	if ((err = gapdetect_event(r->gd, &ev, e->lost_before, sk)))
		return err;
	ev.ts_ns = e->ts_ns;
	ev.tseq = e->tseq;
	ev.cseq = e->cseq;
	ev.ret = e->ret;
	ev.dir = TRZ_EXIT;
	return gapdetect_event(r->gd, &ev, 0, NULL);
}

_Static_assert(TRC_STR_CUT == TRZ_STR_CUT && TRC_STR_ELEM == TRZ_STR_ELEM &&
		       TRC_STR_MORE == TRZ_STR_MORE && TRC_STR_LEN <= TRZ_STRING_MAX,
	       "string flags: collector ABI and trz format agree");

int recorder_on_string(void *rp, int cpu, const struct trc_string *k)
{
	struct recorder *r = rp;
	struct trz_string *s = &r->rec->str;

	(void)cpu;
	if (r->err)
		return r->err;
	r->rec->kind = TRZ_REC_STRING;
	r->rec->offset = 0;
	memset(s, 0, offsetof(struct trz_string, s));
	s->tseq = k->ev.tseq;
	s->tid = k->ev.tid;
	s->nr = k->ev.nr == 0xffff ? -1 : k->ev.nr;
	s->arg = k->arg < TRZ_MAX_ARGS ? k->arg : 0;
	s->flags = k->flags & TRZ_STR_FLAGS;
	if (!(s->flags & TRZ_STR_ELEM))
		s->flags &= ~TRZ_STR_MORE;
	s->index = s->flags & TRZ_STR_ELEM ? k->index : 0;
	s->len = (uint32_t)strnlen(k->s, k->len < TRC_STR_LEN ? k->len : TRC_STR_LEN - 1);
	memcpy(s->s, k->s, s->len);
	s->s[s->len] = '\0';
	return recorder_sink(r, r->rec);
}

int recorder_on_task(void *rp, const struct trc_task_rec *t)
{
	struct recorder *r = rp;
	struct trz_thread *th = &r->rec->th;
	uint32_t ended = 0;
	int err;

	memset(th, 0, sizeof(*th));
	th->ts_ns = t->ts_ns;
	th->pid = t->pid;
	th->tid = t->tid;
	th->ppid = t->ppid;
	if (t->kind == TRC_TASK_EXIT && t->exit_code >= 0 && t->exit_code <= 0xffff) {
		th->has_status = 1;
		th->exit_status = t->exit_code;
	}
	memcpy(th->comm, t->comm, TRC_COMM_LEN);
	th->comm[TRZ_COMM_LEN - 1] = '\0';
	switch (t->kind) {
	case TRC_TASK_FORK: th->what = TRZ_THREAD_FORK; break;
	case TRC_TASK_EXEC:
		th->what = TRZ_THREAD_EXEC;
		memcpy(th->path, t->path, TRC_PATH_LEN);
		th->path[TRC_PATH_LEN - 1] = '\0';
		if (t->old_tid != t->tid)
			ended = t->old_tid;
		break;
	case TRC_TASK_EXIT:
		th->what = TRZ_THREAD_EXIT;
		ended = t->tid;
		break;
	default: return 0;
	}
	if ((err = recorder_thread(r, th)))
		return err;
	if (t->kind == TRC_TASK_EXEC && t->untraced) {
		char v[TRC_PATH_LEN + 160];
		snprintf(v, sizeof(v),
			 "pid %u (%.16s) after exec of %.256s: credentials the invoking "
			 "user could not ptrace; not traced from then on",
			 t->pid, t->comm, t->path);
		if ((err = recorder_meta(r, "untraced", v)))
			return err;
	}
	if (!ended)
		return 0;
	if (t->lost_total && r->c)
		trc_collector_forget_loss(r->c, ended);
	if (!t->has_sketch || !trc_sketch_to_trz(&t->sk, t->lost_pending, &r->sk))
		r->sk.present = 0;
	return gapdetect_thread_final(r->gd, t->pid, ended, t->final_tseq, t->lost_pending,
				      t->lost_total, &r->sk);
}

static void on_loss(void *ctx, uint32_t tid, const struct trc_thread_loss *tl)
{
	struct recorder *r = ctx;
	int err;

	trc_sketch_to_trz(&tl->sk, tl->sk.lost, &r->sk);
	err = gapdetect_thread_losses(r->gd, tl->pid, tid, tl->last_lost_tseq, tl->lost_total,
				      tl->sk.lost, &r->sk);

	if (err && !r->err)
		r->err = err;
}

/* Sum of kernel attempts vs records consumed + drops, over every cpu. */
static int settled(struct recorder *r)
{
	uint64_t att = 0, rec = 0, drop = 0;
	struct trc_cpu_stats cs;
	struct gapdetect_cpu gc;

	for (int c = 0; c < trc_collector_ncpus(r->c); c++) {
		trc_collector_cpu_stats(r->c, c, &cs);
		gapdetect_get_cpu(r->gd, c, &gc);
		att += cs.attempts;
		drop += cs.drops;
		rec += gc.recorded;
	}
	return rec + drop >= att;
}

/* Losses no thread accounts for (only when thread_loss was full): per cpu where the kernel
 * counted map-full losses, the rest without a cpu. */
static int write_unattributed(struct recorder *r, uint64_t left)
{
	struct trc_cpu_stats cs;
	struct gapdetect_cpu gc;
	int err;

	for (int c = 0; c < trc_collector_ncpus(r->c) && left; c++) {
		trc_collector_cpu_stats(r->c, c, &cs);
		gapdetect_get_cpu(r->gd, c, &gc);
		uint64_t n = cs.loss_map_full < left ? cs.loss_map_full : left;
		uint64_t t_end = cs.attempts > gc.max_cseq ? UINT64_MAX : gc.loss_t_last;

		if (n && (err = gapdetect_unattributed(r->gd, c, n, gc.loss_t_first, t_end)))
			return err;
		left -= n;
	}
	return left ? gapdetect_unattributed(r->gd, TRZ_NO_CPU, left, 0, UINT64_MAX) : 0;
}

static void fill_summary(struct recorder *r, struct recorder_summary *s)
{
	struct gapdetect_stats st;
	struct trc_cpu_stats cs;
	struct gapdetect_cpu gc;

	gapdetect_get_stats(r->gd, &st);
	s->events = st.events;
	s->threads = st.threads;
	s->gaps = st.gaps;
	s->lost = st.lost;
	s->unattr_gaps = st.unattr_gaps;
	s->unattr_lost = st.unattr_lost;
	s->threads_checked = st.threads_checked;
	s->threads_bad = st.threads_bad;
	s->unexplained = st.unexplained;
	s->lost_known = st.lost_known;
	s->sketches_dropped = st.sketches_dropped;
	memcpy(s->top, st.top, sizeof(s->top));
	s->ntop = st.ntop;
	s->cpu_ok = 1;
	s->ncpus = trc_collector_ncpus(r->c);
	s->cpus = r->cpus;
	for (int c = 0; c < s->ncpus; c++) {
		trc_collector_cpu_stats(r->c, c, &cs);
		gapdetect_get_cpu(r->gd, c, &gc);
		r->cpus[c] = (struct recorder_cpu_sum){ cs.attempts, gc.recorded, cs.drops,
							gc.recorded + cs.drops == cs.attempts };
		s->cpu_ok &= r->cpus[c].ok;
		s->attempted += cs.attempts;
		s->kernel_lost += cs.drops;
		s->ctl_lost += cs.ctl_drops;
		s->no_storage += cs.no_storage;
		s->traced_full += cs.traced_full;
		s->sketch_lost += cs.sketch_lost;
		s->strings += cs.str_recs;
		s->strings_lost += cs.str_drops;
		s->strings_unreadable += cs.str_faults;
	}
}

int recorder_finish(struct recorder *r, struct recorder_summary *s)
{
	int err;
	uint64_t kernel_lost = 0;
	struct trc_cpu_stats cs;
	struct gapdetect_stats st;

	memset(s, 0, sizeof(*s));
	r->cpus = calloc(trc_collector_ncpus(r->c), sizeof(*r->cpus));
	if (!r->cpus)
		return -ENOMEM;
	/* Programs still running when they were detached finish within a few ms. */
	for (int i = 0; i < 200; i++) {
		if ((err = trc_collector_drain(r->c)) < 0)
			return err;
		if (r->err)
			return r->err;
		if (settled(r) && i >= 2)
			break;
		usleep(5000);
	}
	if ((err = trc_collector_thread_losses(r->c, on_loss, r)) || (err = r->err))
		return err;
	if ((err = gapdetect_finish(r->gd)))
		return err;
	for (int c = 0; c < trc_collector_ncpus(r->c); c++) {
		trc_collector_cpu_stats(r->c, c, &cs);
		kernel_lost += cs.drops;
	}
	gapdetect_get_stats(r->gd, &st);
	if (kernel_lost > st.lost && (err = write_unattributed(r, kernel_lost - st.lost)))
		return err;
	fill_summary(r, s);
	return r->err;
}

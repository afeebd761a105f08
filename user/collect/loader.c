/* collector.c - loader and lifecycle of the collector BPF program (see trc_collector.h). */
#include "collect/loader.h"
#include "common/syscall_sig.h"
#include "common/syscalls.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "collector.skel.h"

struct ring_ctx {
	struct trc_collector *c;
	int cpu;
};

/* An entry event of a cpu's ring waiting for the string records that follow it (ev.ret of
 * them, collector.h); copied, since the ring's space is given back after each record. */
struct pending {
	union {
		struct trc_event ev;
		struct trc_event_args ea;
		struct trc_event_sketch es;
	} e;
	int want, have;
	struct trc_string str[TRC_STR_PER_EVENT];
};

struct trc_collector {
	struct collector_bpf *skel;
	struct ring_buffer *rb;
	struct ring_ctx *rctx; /* ncpus + 1 (the last one is the ctl ring) */
	int *ring_fds;
	int ncpus;
	uint64_t ring_bytes;
	trc_event_cb on_event;
	trc_task_cb on_task;
	trc_string_cb on_string;
	struct pending *pend;   /* ncpus entries with strings on, else NULL */
	struct trc_string late; /* a string read at its syscall's exit */
	void *ctx;
};

#define TRC_WAKE_BYTES (128u << 10)

static uint64_t ring_size(uint64_t want)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), sz = page;

	while (sz < want && sz < (1ull << 40))
		sz <<= 1;
	return sz;
}

/* The arguments of a record that carries them, or NULL. */
static const uint64_t *event_args(const struct trc_event *ev, size_t size)
{
	if (ev->nargs != TRC_NARGS)
		return NULL;
	if (ev->kind & TRC_EV_F_SKETCH)
		return size >= sizeof(struct trc_event_sketch)
			       ? (const uint64_t *)((const struct trc_event_sketch *)ev)->args
			       : NULL;
	return size >= sizeof(struct trc_event_args)
		       ? (const uint64_t *)((const struct trc_event_args *)ev)->args
		       : NULL;
}

/* Hand over cpu's waiting entry: its strings (as many as arrived), then the event. */
static int flush_pending(struct trc_collector *c, int cpu)
{
	struct pending *p = c->pend ? &c->pend[cpu] : NULL;
	int err = 0;

	if (!p || !p->want)
		return 0;
	p->want = 0;
	for (int i = 0; i < p->have && !err; i++)
		err = c->on_string(c->ctx, cpu, &p->str[i]);
	if (!err)
		err = c->on_event(c->ctx, cpu, &p->e.ev, event_args(&p->e.ev, sizeof(p->e)));
	return err;
}

static int flush_all(struct trc_collector *c)
{
	int err = 0;

	for (int cpu = 0; cpu < c->ncpus && !err; cpu++)
		err = flush_pending(c, cpu);
	return err;
}

/* Copy string record s (size bytes from the ring) into d, its length bounded by what came. */
static int copy_string(struct trc_string *d, const struct trc_string *s, size_t size)
{
	size_t head = offsetof(struct trc_string, s), n;

	if (size <= head)
		return -1;
	n = size - head - 1; /* bytes before the NUL the kernel sent */
	memcpy(d, s, head);
	if (n > TRC_STR_LEN - 1)
		n = TRC_STR_LEN - 1;
	if (d->len > n)
		d->len = (__u16)n;
	memcpy(d->s, s->s, d->len);
	d->s[d->len] = '\0';
	return 0;
}

/* A string record: one of the entry waiting on its cpu (same tid, tseq), or one read again at
 * its syscall's exit (its entry was delivered already; collector.h): handed over at once. */
static int on_string_rec(struct trc_collector *c, int cpu, const struct trc_string *s, size_t size)
{
	struct pending *p = c->pend ? &c->pend[cpu] : NULL;

	if (!p)
		return 0;
	if (p->want && s->ev.tid == p->e.ev.tid && s->ev.tseq == p->e.ev.tseq) {
		if (copy_string(&p->str[p->have], s, size))
			return 0;
		p->have++;
		return p->have == p->want ? flush_pending(c, cpu) : 0;
	}
	if (copy_string(&c->late, s, size))
		return 0;
	return c->on_string(c->ctx, cpu, &c->late);
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct ring_ctx *rc = ctx;
	struct trc_collector *c = rc->c;
	int err;

	if (rc->cpu < 0) {
		if (size < sizeof(struct trc_task_rec) || !c->on_task)
			return 0;
		return c->on_task(c->ctx, data);
	}
	if (size < sizeof(struct trc_event) || !c->on_event)
		return 0;
	const struct trc_event *ev = data;
	const uint64_t *args = NULL;

	if ((ev->kind & TRC_EV_KIND_MASK) == TRC_EV_STRING)
		return on_string_rec(c, rc->cpu, data, size);
	if ((err = flush_pending(c, rc->cpu)))
		return err;
	if (c->pend && (ev->kind & TRC_EV_KIND_MASK) == TRC_EV_ENTER && ev->ret > 0 &&
	    event_args(ev, size)) { /* strings follow: wait for them */
		struct pending *p = &c->pend[rc->cpu];

		memcpy(&p->e, data, size < sizeof(p->e) ? size : sizeof(p->e));
		p->want = ev->ret < TRC_STR_PER_EVENT ? (int)ev->ret : TRC_STR_PER_EVENT;
		p->have = 0;
		return 0;
	}

	if (ev->kind & TRC_EV_F_SKETCH) {
		if (size < sizeof(struct trc_event_sketch))
			return 0; /* cannot happen: the kernel reserves the whole record */
		if (ev->nargs == TRC_NARGS)
			args = (const uint64_t *)((const struct trc_event_sketch *)data)->args;
		return c->on_event(c->ctx, rc->cpu, ev, args);
	}

	if ((ev->kind & TRC_EV_KIND_MASK) == TRC_EV_PAIR && size < sizeof(struct trc_event_pair))
		return 0; /* cannot happen either */
	if (ev->nargs == TRC_NARGS && size >= sizeof(struct trc_event_args))
		args = (const uint64_t *)((const struct trc_event_args *)data)->args;
	return c->on_event(c->ctx, rc->cpu, ev, args);
}

/* Create the per-CPU rings, put them in the outer map and register them with one consumer. */
static int create_rings(struct trc_collector *c)
{
	int outer = bpf_map__fd(c->skel->maps.rings), err;

	c->rctx[c->ncpus].c = c;
	c->rctx[c->ncpus].cpu = -1;
	c->rb = ring_buffer__new(bpf_map__fd(c->skel->maps.ctl), on_sample, &c->rctx[c->ncpus], NULL);
	if (!c->rb)
		return -errno;
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		__u32 key = cpu;
		int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "trc_ring", 0, 0, c->ring_bytes, NULL);

		if (fd < 0)
			return -errno;
		c->ring_fds[cpu] = fd;
		if (bpf_map_update_elem(outer, &key, &fd, BPF_ANY))
			return -errno;
		c->rctx[cpu].c = c;
		c->rctx[cpu].cpu = cpu;
		err = ring_buffer__add(c->rb, fd, on_sample, &c->rctx[cpu]);
		if (err)
			return err;
	}
	return 0;
}

int trc_collector_open(struct trc_collector **out, const struct trc_collector_opts *o,
		       const char **stage)
{
	struct trc_collector *c;
	int err;

	*out = NULL;
	*stage = "allocate";
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0 || c->ncpus > TRC_MAX_CPUS) {
		err = c->ncpus <= 0 ? c->ncpus : -E2BIG;
		goto fail;
	}
	c->ring_bytes = ring_size(o->ring_bytes ? o->ring_bytes : 8u << 20);
	c->on_event = o->on_event;
	c->on_task = o->on_task;
	c->on_string = o->args ? o->on_string : NULL;
	c->ctx = o->ctx;
	if (c->on_string && !(c->pend = calloc(c->ncpus, sizeof(*c->pend)))) {
		err = -ENOMEM;
		goto fail;
	}
	c->rctx = calloc(c->ncpus + 1, sizeof(*c->rctx));
	c->ring_fds = malloc(c->ncpus * sizeof(int));
	if (c->ring_fds) /* before any failure: trc_collector_free() closes the ones >= 0 */
		for (int i = 0; i < c->ncpus; i++)
			c->ring_fds[i] = -1;
	if (!c->rctx || !c->ring_fds) {
		err = -ENOMEM;
		goto fail;
	}

	*stage = "open";
	c->skel = collector_bpf__open();
	if (!c->skel) {
		err = -errno;
		goto fail;
	}
	c->skel->rodata->targ_all = !!o->all;
	c->skel->rodata->targ_args = !!o->args;
	c->skel->rodata->targ_own_tgid = o->own_tgid;
	c->skel->rodata->targ_user_only = !!o->user_only;
	c->skel->rodata->targ_uid = o->user_uid;
	c->skel->rodata->targ_gid = o->user_gid;
	/* wake when a ring holds 128 KiB (a quarter of smaller rings): measured on a loaded 2-CPU
	 * machine, 2 threads storming into 2 MiB rings lost 0-30k events per run with the mark at
	 * a quarter and none at 128 KiB, at the same consumer CPU per event (BENCHMARKS.md) */
	c->skel->rodata->targ_wake_bytes = c->ring_bytes / 4 < TRC_WAKE_BYTES ? c->ring_bytes / 4
									      : TRC_WAKE_BYTES;
	c->skel->rodata->targ_nr_execve = (__u32)syscall_lookup("execve");
	c->skel->rodata->targ_nr_execveat = (__u32)syscall_lookup("execveat");
	c->skel->rodata->targ_nr_exit = (__u32)syscall_lookup("exit");
	c->skel->rodata->targ_nr_exit_group = (__u32)syscall_lookup("exit_group");
	bpf_program__set_autoattach(c->skel->progs.trc_flush, false); /* run at stop */
	for (int nr = 0; c->on_string && nr < TRC_STR_NR; nr++) {
		unsigned arrays, strs = syscall_string_args(nr, &arrays);

		c->skel->rodata->targ_str_args[nr] = (__u16)(strs | arrays << TRC_STR_ARRAY_SHIFT);
	}
	bpf_map__set_max_entries(c->skel->maps.rings, c->ncpus);
	bpf_map__set_max_entries(c->skel->maps.ctl,
				 ring_size(o->ctl_bytes ? o->ctl_bytes : 1u << 20));

	*stage = "load";
	err = collector_bpf__load(c->skel);
	if (err)
		goto fail;
	*stage = "create ring buffers";
	err = create_rings(c);
	if (err)
		goto fail;
	*out = c;
	return 0;
fail:
	trc_collector_free(c);
	return err < 0 ? err : -EINVAL;
}

int trc_collector_trace_pid(struct trc_collector *c, uint32_t tgid)
{
	if (tgid >= TRC_PID_LIMIT)
		return -ERANGE;
	__atomic_fetch_or(&c->skel->bss->traced_bits[tgid / 64], 1ull << (tgid % 64),
			  __ATOMIC_SEQ_CST);
	return 0;
}

int trc_collector_hold_exec(struct trc_collector *c, uint32_t tgid)
{
	if (!tgid || tgid >= TRC_PID_LIMIT)
		return -ERANGE;
	__atomic_store_n(&c->skel->bss->trc_hold_tgid, tgid, __ATOMIC_SEQ_CST);
	return 0;
}

int trc_collector_traced_count(struct trc_collector *c)
{
	volatile __u64 *b = c->skel->bss->traced_bits;
	int n = 0;

	for (uint32_t i = 0; i < TRC_PID_LIMIT / 64; i++) {
		__u64 w = b[i];

		while (w) {
			int bit = __builtin_ctzll(w);
			pid_t pid = i * 64 + bit;

			w &= w - 1;
			if (kill(pid, 0) && errno == ESRCH) /* exited before its exit was seen */
				__atomic_fetch_and(&b[i], ~(1ull << bit), __ATOMIC_SEQ_CST);
			else
				n++;
		}
	}
	return n;
}

int trc_collector_attach(struct trc_collector *c)
{
	int err = collector_bpf__attach(c->skel);

	if (!err) /* every program is in place: start recording */
		__atomic_store_n(&c->skel->bss->trc_on, 1, __ATOMIC_SEQ_CST);
	return err;
}

/* Wait until no BPF program still runs: updating an ARRAY_OF_MAPS element makes the kernel
 * wait for every running (non-sleepable) program to finish (synchronize_rcu), so rings[0] is
 * set again to the same ring. */
static int wait_programs(struct trc_collector *c)
{
	__u32 key = 0;

	if (bpf_map_update_elem(bpf_map__fd(c->skel->maps.rings), &key, &c->ring_fds[0], BPF_ANY))
		return -errno;
	return 0;
}

/* Record the entries still waiting for their exit (pair mode: threads blocked in a syscall at
 * stop): one pass of the task iterator trc_flush over every thread. */
static int flush_entries(struct trc_collector *c)
{
	struct bpf_link *link;
	char buf[64];
	int fd, err = 0;
	ssize_t n;

	link = bpf_program__attach_iter(c->skel->progs.trc_flush, NULL);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0)
		err = -errno;
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) != 0)
		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	return err;
}

int trc_collector_detach(struct trc_collector *c)
{
	int err;

	__atomic_store_n(&c->skel->bss->trc_on, 0, __ATOMIC_SEQ_CST);
	collector_bpf__detach(c->skel);
	if (c->skel->rodata->targ_args)
		return 0; /* no pair mode: nothing waits */
	if ((err = wait_programs(c)))
		return err;
	return flush_entries(c);
}

int trc_collector_poll(struct trc_collector *c, int timeout_ms)
{
	int n = ring_buffer__poll(c->rb, timeout_ms), m, err;

	if (n < 0)
		return n;
	/* Producers submit with BPF_RB_NO_WAKEUP until a ring fills up: drain them all. */
	m = ring_buffer__consume(c->rb);
	if (m >= 0 && (err = flush_all(c)))
		return err;
	return m < 0 ? m : n + m;
}

int trc_collector_drain(struct trc_collector *c)
{
	int n = ring_buffer__consume(c->rb), err;

	if (n >= 0 && (err = flush_all(c)))
		return err;
	return n;
}

int trc_collector_ncpus(const struct trc_collector *c)
{
	return c->ncpus;
}

uint64_t trc_collector_ring_bytes(const struct trc_collector *c)
{
	return c->ring_bytes;
}

void trc_collector_cpu_stats(const struct trc_collector *c, int cpu, struct trc_cpu_stats *st)
{
	const volatile struct trc_cpu_stats *s = &c->skel->bss->cpu_stats[cpu];

	st->attempts = s->attempts;
	st->drops = s->drops;
	st->ctl_attempts = s->ctl_attempts;
	st->ctl_drops = s->ctl_drops;
	st->no_storage = s->no_storage;
	st->traced_full = s->traced_full;
	st->loss_map_full = s->loss_map_full;
	st->woken = s->woken;
	st->sketch_lost = s->sketch_lost;
	st->sketch_recs = s->sketch_recs;
	st->str_recs = s->str_recs;
	st->str_drops = s->str_drops;
	st->str_faults = s->str_faults;
}

int trc_collector_thread_losses(struct trc_collector *c, trc_loss_cb fn, void *ctx)
{
	int fd = bpf_map__fd(c->skel->maps.thread_loss);
	__u32 key, next;
	struct trc_thread_loss tl;
	int err = bpf_map_get_next_key(fd, NULL, &next);

	while (!err) {
		key = next;
		if (!bpf_map_lookup_elem(fd, &key, &tl))
			fn(ctx, key, &tl);
		err = bpf_map_get_next_key(fd, &key, &next);
	}
	return errno == ENOENT ? 0 : -errno;
}

void trc_collector_forget_loss(struct trc_collector *c, uint32_t tid)
{
	bpf_map_delete_elem(bpf_map__fd(c->skel->maps.thread_loss), &tid);
}

void trc_collector_free(struct trc_collector *c)
{
	if (!c)
		return;
	ring_buffer__free(c->rb);
	if (c->ring_fds)
		for (int i = 0; i < c->ncpus; i++)
			if (c->ring_fds[i] >= 0)
				close(c->ring_fds[i]);
	collector_bpf__destroy(c->skel);
	free(c->ring_fds);
	free(c->rctx);
	free(c->pend);
	free(c);
}

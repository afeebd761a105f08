/* recorder.h - tracerecd's consumer: rings -> gap detector -> one sink -> trz writer.
 *
 * Every record that reaches the file (events, gaps, process records, metadata) goes through
 * recorder_sink(), which writes it and then hands it to an optional hook (live filling attaches
 * there with recorder_set_hook(); the hook must not block).
 */
#ifndef TRC_RECORDER_H
#define TRC_RECORDER_H

#include <stdint.h>
#include "collect/gapdetect.h"
#include "collect/loader.h"
#include "trz/trz.h"

typedef int (*recorder_hook_fn)(void *ctx, const struct trz_record *rec);

struct recorder_cpu_sum {
	uint64_t attempted, recorded, lost; /* kernel attempts, records consumed, kernel drops */
	int ok;                             /* recorded + lost == attempted */
};

struct recorder_summary {
	uint64_t events, threads, gaps, lost, unattr_gaps, unattr_lost;
	uint64_t attempted, kernel_lost, ctl_lost, no_storage, traced_full;
	uint64_t threads_checked, threads_bad, unexplained;
	uint64_t lost_known;       /* lost events whose syscall the gaps' sketches name */
	uint64_t sketch_lost;      /* lost events whose sketch never reached user space */
	uint64_t sketches_dropped; /* sketches that did not fit their gap */
	uint64_t strings, strings_lost, strings_unreadable; /* --args string arguments: written,
				     * lost (ring full), not readable at the entry */
	int cpu_ok;                                         /* invariant holds on every cpu */
	int ncpus;
	struct recorder_cpu_sum *cpus; /* ncpus entries, owned by the recorder */
	struct gapdetect_thread_sum top[GAPDETECT_TOP];
	int ntop;
	uint64_t bytes; /* output size */
};

struct recorder;

/* A recorder writing to w (borrowed; the caller closes it after recorder_free()).
 * The caller frees with recorder_free(). */
struct recorder *recorder_new(struct trz_writer *w);
void recorder_free(struct recorder *r);

/* The collector callbacks (pass r as ctx in struct trc_collector_opts). */
int recorder_on_event(void *r, int cpu, const struct trc_event *ev, const uint64_t *args);
int recorder_on_task(void *r, const struct trc_task_rec *rec);
/* A string argument (--args): written as a STRING record right before its event. */
int recorder_on_string(void *r, int cpu, const struct trc_string *s);
/* The collector the recorder reads counters and thread losses from; from now on every block
 * the writer flushes ends with a STATE snapshot of the loss accounting. */
void recorder_set_collector(struct recorder *r, struct trc_collector *c);

/* THE way to the file: write rec, then pass it to the hook.  Returns 0 or -errno. */
int recorder_sink(struct recorder *r, const struct trz_record *rec);
void recorder_set_hook(struct recorder *r, recorder_hook_fn fn, void *ctx);

/* Convenience wrappers that go through recorder_sink(). */
int recorder_meta(struct recorder *r, const char *key, const char *value);
int recorder_thread(void *r, const struct trz_thread *th);

/* First error the sink hit (sticky), 0 if none. */
int recorder_error(const struct recorder *r);
/* Events written so far. */
uint64_t recorder_events(const struct recorder *r);

/* The last record of a cleanly closed recording: the END STATE record (trz(5)) with the final
 * accounting.  Until then every block the writer flushes ends with a SNAPSHOT.  Returns 0 or
 * -errno. */
int recorder_end(struct recorder *r);

/* End of tracing (programs detached): drain until the kernel counters settle, write trailing
 * and unattributed gaps, check the invariants, fill *s.  Returns 0 or -errno. */
int recorder_finish(struct recorder *r, struct recorder_summary *s);

#endif /* TRC_RECORDER_H */

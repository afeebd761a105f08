/* runs.h - the one builder from recorded events to training sequences and their vocabulary.
 *
 * Every thread's recorded events are cut into runs at each tseq jump (a gap, or events the
 * reader skipped), at a gap record of the thread and at an event no token can hold: runs
 * contain no loss, so they are what an imputer may learn from.  Runs shorter than min_len are
 * dropped; tokens are taken until the runs (closed and open) hold max_tokens, to bound memory.  The
 * token counts behind the vocabulary cover every recorded event, kept or not.
 *
 * Used by tracerec-train (.trz corpora, corpus_trz.c), tracerec-fill (the trace's own runs),
 * tracerecd --fill and tracerec-eval --trace.  0 or -errno; nothing prints.
 */
#ifndef TRC_RUNS_H
#define TRC_RUNS_H

#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "imputer.h"
#include "vocab.h"
#include "common/tidmap.h"

struct runs_thread;

struct runs {
	/* finished runs of tokens (common/token.h), laid end to end */
	int32_t *tok;
	size_t ntok, captok;
	int64_t *ts; /* per token: timestamp in ns (-1 unknown) */
	uint8_t *rc; /* per token: enum imputer_rc */
	size_t capts, caprc;
	int has_aux;     /* some event came with a timestamp (runs_event_aux()) */
	int64_t *starts; /* nseq + 1 entries (starts[0] = 0) */
	size_t nseq, capseq;
	int min_len;
	int64_t max_tokens; /* 0: no limit */
	uint64_t events;    /* recorded events seen */
	/* internal: each thread's open run; token counts */
	struct tidmap thread_of;
	struct runs_thread *th;
	size_t capth;
	size_t open; /* tokens in open runs */
	struct tidmap token_of;
	int32_t *tokens; /* distinct tokens, in order of first appearance */
	uint64_t *count; /* their counts */
	size_t captokens, capcount;
	int32_t *ids; /* after runs_ids(): tok mapped to vocabulary ids */
};

/* An empty builder: runs of at least min_len tokens (< 1: 1), up to max_tokens tokens
 * (<= 0: no limit). */
void runs_init(struct runs *r, int min_len, int64_t max_tokens);
/* One recorded event of thread tid (tok: tok_make(nr, dir); TOK_NONE breaks the run). */
int runs_event(struct runs *r, uint32_t tid, uint64_t tseq, int32_t tok);
/* The same with its timestamp (ns; < 0 unknown) and return class (enum imputer_rc): the
 * corpus of runs_ids() then carries them (SSSD-S4's timestamp / return channels). */
int runs_event_aux(struct runs *r, uint32_t tid, uint64_t tseq, int32_t tok, int64_t ts, uint8_t rc);
/* Thread tid lost events here (a gap record): its next event starts a new run. */
int runs_break(struct runs *r, uint32_t tid);
/* Close every open run; after this the sequences are final. */
int runs_finish(struct runs *r);
/* Add the events and gap records of the .trz at path (synthetic events are not recorded ones
 * and are skipped).  Returns 0 or -errno with words naming the file in err_text(). */
int runs_read_trz(struct runs *r, const char *path);
/* Vocabulary of every counted token, ranked by count (ties by nr, dir), at most VOCAB_MAX-1
 * (vocab_from_counts()).  Returns 0 or -ENOMEM. */
int runs_vocab(const struct runs *r, struct vocab *v);
/* Map the runs to ids of v (unseen: 0) and describe them as a struct corpus, valid until
 * runs_free() or the next runs_ids().  r->ts and r->rc hold each id's timestamp and return
 * class; they mean something when r->has_aux (runs_read_trz() gives them). */
int runs_ids(struct runs *r, const struct vocab *v, struct corpus *out);
void runs_free(struct runs *r);

#endif /* TRC_RUNS_H */

/* corpus_trz.c - per-thread event sequences from .trz traces (see corpus.h). */
#include "corpus/corpus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trz/trz.h"

/* One recorded event, tagged with the sequence (thread run) it belongs to. */
struct tev {
	int64_t seg;
	int32_t nr;
	uint8_t dir;
};

/* Open-addressing map tid -> current run; grows at half load. */
struct thr {
	uint32_t tid;
	uint8_t used;
	uint64_t last_tseq;
	int64_t seg;
};

struct collect {
	struct tev *ev;
	int64_t n, cap, nseg;
	struct thr *t;
	uint32_t tcap, tn;
};

static struct thr *thr_get(struct collect *c, uint32_t tid)
{
	uint32_t h;

	if (2 * (c->tn + 1) > c->tcap) {
		uint32_t ncap = c->tcap ? 2 * c->tcap : 1024;
		struct thr *nt = calloc(ncap, sizeof(*nt)), *old = c->t;

		if (!nt)
			return NULL;
		for (uint32_t i = 0; i < c->tcap; i++) {
			if (!old[i].used)
				continue;
			for (h = old[i].tid * 2654435761u & (ncap - 1); nt[h].used; h = (h + 1) & (ncap - 1))
				;
			nt[h] = old[i];
		}
		free(old);
		c->t = nt;
		c->tcap = ncap;
	}
	for (h = tid * 2654435761u & (c->tcap - 1); c->t[h].used; h = (h + 1) & (c->tcap - 1))
		if (c->t[h].tid == tid)
			return &c->t[h];
	c->t[h].used = 1;
	c->t[h].tid = tid;
	c->t[h].seg = -1;
	c->tn++;
	return &c->t[h];
}

static int add_event(struct collect *c, const struct trz_event *ev)
{
	struct thr *t = thr_get(c, ev->tid);

	if (!t)
		return -ENOMEM;
	if (t->seg < 0 || ev->tseq != t->last_tseq + 1)
		t->seg = c->nseg++;   /* a new run: first event or a hole in the sequence */
	t->last_tseq = ev->tseq;
	if (c->n == c->cap) {
		int64_t ncap = c->cap ? 2 * c->cap : 65536;
		struct tev *ne = realloc(c->ev, ncap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		c->ev = ne;
		c->cap = ncap;
	}
	c->ev[c->n].seg = t->seg;
	c->ev[c->n].nr = ev->nr;
	c->ev[c->n].dir = ev->dir;
	c->n++;
	return 0;
}

static int read_trace(struct collect *c, const char *path, char *err, size_t errsz)
{
	struct trz_reader *r = trz_reader_open(path, NULL, NULL);
	struct trz_record rec;
	int rc;

	if (!r) {
		rc = -errno;
		snprintf(err, errsz, "%s: %s", path, rc == -EINVAL ? trz_last_error() : strerror(-rc));
		return rc;
	}
	while ((rc = trz_read_next(r, &rec)) == 1) {
		if (rec.kind == TRZ_REC_EVENT) {
			rc = add_event(c, &rec.ev);
		} else if (rec.kind == TRZ_REC_GAP && rec.gap.attributed) {
			struct thr *t = thr_get(c, rec.gap.tid);

			rc = t ? 0 : -ENOMEM;
			if (t)
				t->seg = -1;  /* the thread's next event starts a new sequence */
		}
		if (rc < 0)
			break;
	}
	trz_reader_close(r);
	if (rc < 0)
		snprintf(err, errsz, "%s: %s", path, strerror(-rc));
	return rc < 0 ? rc : 0;
}

/* Group events by run (stable), keep runs of >= min_len, map tokens to vocabulary ids. */
static int build(struct corpus_buf *cb, struct collect *c, int min_len)
{
	int64_t *cnt = calloc(c->nseg + 1, sizeof(*cnt)), n = 0, keep = 0;
	int32_t *nr = malloc((c->n ? c->n : 1) * sizeof(*nr));
	uint8_t *dir = malloc(c->n ? c->n : 1);
	int rc = -ENOMEM;

	if (!cnt || !nr || !dir)
		goto out;
	for (int64_t i = 0; i < c->n; i++)
		cnt[c->ev[i].seg + 1]++;
	for (int64_t s = 0; s < c->nseg; s++) {
		if (cnt[s + 1] >= min_len) {
			n += cnt[s + 1];
			keep++;
		}
	}
	cb->ids = malloc((n ? n : 1) * sizeof(*cb->ids));
	cb->starts = malloc((keep + 1) * sizeof(*cb->starts));
	if (!cb->ids || !cb->starts)
		goto out;
	/* cnt[s] becomes the write offset of run s (or -1 when dropped) */
	for (int64_t s = 0, off = 0, k = 0; s < c->nseg; s++) {
		int64_t len = cnt[s + 1];

		cnt[s + 1] = 0;
		if (len >= min_len) {
			cb->starts[k++] = off;
			cnt[s] = off;
			off += len;
		} else {
			cnt[s] = -1;
		}
	}
	cb->starts[keep] = n;
	for (int64_t i = 0, w = 0; i < c->n; i++) {
		int64_t s = c->ev[i].seg;

		if (cnt[s] < 0)
			continue;
		nr[w] = c->ev[i].nr;
		dir[w] = c->ev[i].dir;
		cb->ids[cnt[s]] = (int32_t)w; /* remember which token goes here */
		cnt[s]++;
		w++;
	}
	rc = vocab_build(&cb->vocab, nr, dir, n);
	for (int64_t i = 0; !rc && i < n; i++) {
		int64_t w = cb->ids[i];

		cb->ids[i] = vocab_id(&cb->vocab, nr[w], dir[w]);
		if (cb->ids[i] > cb->max_id)
			cb->max_id = cb->ids[i];
	}
	cb->c.ids = cb->ids;
	cb->c.starts = cb->starts;
	cb->c.n = keep;
out:
	free(cnt);
	free(nr);
	free(dir);
	return rc;
}

int corpus_load_trz(struct corpus_buf *cb, char *const *paths, int npaths, int min_len,
		    char *err, size_t errsz)
{
	struct collect c = { 0 };
	int rc = 0;

	memset(cb, 0, sizeof(*cb));
	for (int i = 0; !rc && i < npaths; i++)
		rc = read_trace(&c, paths[i], err, errsz);
	if (!rc && c.n >= INT32_MAX) {
		snprintf(err, errsz, "too many events (%lld)", (long long)c.n);
		rc = -E2BIG;
	}
	if (!rc) {
		rc = build(cb, &c, min_len < 1 ? 1 : min_len);
		if (rc)
			snprintf(err, errsz, "%s", strerror(-rc));
	}
	if (!rc && cb->c.n == 0) {
		snprintf(err, errsz, "no thread has %d or more recorded events in a row", min_len);
		rc = -EINVAL;
	}
	free(c.ev);
	free(c.t);
	if (rc)
		corpus_buf_free(cb);
	return rc;
}

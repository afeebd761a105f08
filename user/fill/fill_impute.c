/* fill_impute.c - fill many gaps with one imputer: windows, waves, batches, worker threads.
 *
 * A gap of n missing events becomes a window of L = la + m + rb ids: la ids of left context,
 * m missing, rb ids of right context, with L <= window.  When n fits (n <= window - 2 * cs, cs =
 * 30% of the window) the gap is one window with context split evenly over both sides.  Longer
 * gaps are filled in waves: each wave fills the next chunk of m = window - 2 * cs ids with left
 * context only (the recorded run, then what earlier chunks produced), and the last chunk also
 * sees the right context.  Within a wave, windows of equal L are batched (o->batch per call) and
 * the batches are shared by o->threads workers.  Finally fill_fixup() checks each whole span.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "fill/fill.h"

void fill_impute_opts_default(struct fill_impute_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->window = 0;
	o->batch = 32;
	o->threads = 1;
	o->seed = 1;
}

struct fjob {
	struct fill_gap *g;
	int a, b;      /* recorded left / right run */
	int la, m, rb; /* this window */
	uint64_t done; /* ids filled before this window */
	int L;
	int last;               /* final chunk of its gap */
	struct fill_sketch *sk; /* the gap's sketch (scores wanted), or NULL */
};

struct fbatch {
	struct fjob *jobs;
	int n, L;
};

struct fwork {
	struct imputer *im;
	const struct vocab *v;
	struct fbatch *batches;
	int nbatches;
	int next; /* next batch to take (under lock) */
	int err;
	uint64_t seed;
	pthread_mutex_t lock;
};

static int32_t tok_to_id(const struct vocab *v, int32_t tok)
{
	if (tok == TOK_NONE)
		return 0;
	return vocab_id(v, tok_nr(tok), tok_dir(tok));
}

static int32_t id_to_tok(const struct vocab *v, int32_t id)
{
	if (id <= 0 || id >= v->n || id >= VOCAB_MAX || v->nr[id] < 0)
		return TOK_NONE;
	return tok_make(v->nr[id], v->dir[id]);
}

/* Token j of the left context seen by job j: the concatenation of the recorded run and the ids
 * filled so far, of which the job sees the last la. */
static int32_t left_tok(const struct fjob *j, int k)
{
	uint64_t idx = (uint64_t)j->a + j->done - (uint64_t)j->la + (uint64_t)k;

	if (idx < (uint64_t)j->a)
		return j->g->left[j->g->W - j->a + (int)idx];
	return j->g->out[idx - (uint64_t)j->a];
}

/* Timestamp and return class of left-context position k of job j (like left_tok(); what
 * earlier chunks filled has neither). */
static void left_aux(const struct fjob *j, int k, int64_t *ts, uint8_t *rc)
{
	uint64_t idx = (uint64_t)j->a + j->done - (uint64_t)j->la + (uint64_t)k;

	*ts = -1;
	*rc = IMPUTER_RC_NONE;
	if (idx < (uint64_t)j->a && j->g->lts) {
		*ts = j->g->lts[j->g->W - j->a + (int)idx];
		*rc = j->g->lrc[j->g->W - j->a + (int)idx];
	}
}

static int run_batch(struct fwork *w, struct fbatch *bt, uint64_t seed)
{
	int B = bt->n, L = bt->L;
	int32_t *seq = malloc(sizeof(int32_t) * (size_t)B * L);
	uint8_t *known = malloc((size_t)B * L);
	float *conf = malloc(sizeof(float) * (size_t)B * L);
	int64_t *ts = malloc(sizeof(int64_t) * (size_t)B * L);
	uint8_t *rc = malloc((size_t)B * L);
	float *logp = NULL;
	size_t V = (size_t)w->im->V;
	int err = -ENOMEM, has_aux = 0;

	if (!seq || !known || !conf || !ts || !rc)
		goto out;
	for (int b = 0; b < B && !logp; b++) /* a sketched gap here: scores too */
		if (bt->jobs[b].sk && !(logp = malloc(sizeof(float) * (size_t)B * L * V)))
			goto out;
	for (int b = 0; b < B; b++) {
		struct fjob *j = &bt->jobs[b];
		int32_t *s = seq + (size_t)b * L;
		uint8_t *k = known + (size_t)b * L;
		int64_t *t = ts + (size_t)b * L;
		uint8_t *r = rc + (size_t)b * L;
		for (int i = 0; i < j->la; i++) {
			s[i] = tok_to_id(w->v, left_tok(j, i));
			k[i] = 1;
			left_aux(j, i, &t[i], &r[i]);
			has_aux |= t[i] >= 0;
		}
		for (int i = 0; i < j->m; i++) { /* a sketch's recorded ends are known */
			int32_t et = fill_sketch_end(j->sk, j->done + (uint64_t)i);
			int32_t id = et == TOK_NONE ? 0 : tok_to_id(w->v, et);

			s[j->la + i] = id;
			k[j->la + i] = id > 0;
			t[j->la + i] = -1; /* no time or return known */
			r[j->la + i] = IMPUTER_RC_NONE;
		}
		for (int i = 0; i < j->rb; i++) {
			s[j->la + j->m + i] = tok_to_id(w->v, j->g->right[i]);
			k[j->la + j->m + i] = 1;
			t[j->la + j->m + i] = j->g->rts ? j->g->rts[i] : -1;
			r[j->la + j->m + i] = j->g->rrc ? j->g->rrc[i] : IMPUTER_RC_NONE;
			has_aux |= t[j->la + j->m + i] >= 0;
		}
	}
	if (has_aux) { /* for the imputers that condition on them (SSSD-S4 with aux) */
		struct imputer_aux a = { ts, rc };

		imputer_set_aux(w->im, &a);
	}
	for (size_t i = 0; i < (size_t)B * L; i++)
		conf[i] = 0;
	err = logp ? imputer_fill_scores(w->im, seq, known, conf, logp, B, L, seed)
		   : imputer_fill(w->im, seq, known, conf, B, L, seed);
	if (err)
		goto out;
	for (int b = 0; b < B; b++) {
		struct fjob *j = &bt->jobs[b];
		for (int i = 0; i < j->m; i++) {
			size_t p = (size_t)b * L + (size_t)j->la + (size_t)i;
			float c = conf[p];
			j->g->out[j->done + (uint64_t)i] = id_to_tok(w->v, seq[p]);
			j->g->conf[j->done + (uint64_t)i] = c < 0 ? 0 : c > 1 ? 1 : c;
			if (j->sk && !known[p]) /* known: a recorded end, placed as recorded */
				fill_sketch_take(j->sk, j->done + (uint64_t)i, logp + p * V, (int)V);
		}
	}
out:
	free(logp);
	free(seq);
	free(known);
	free(conf);
	free(ts);
	free(rc);
	return err;
}

static void *worker(void *arg)
{
	struct fwork *w = arg;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		int i = w->err ? w->nbatches : w->next++;
		pthread_mutex_unlock(&w->lock);
		if (i >= w->nbatches)
			return NULL;
		int err = run_batch(w, &w->batches[i], w->seed + (uint64_t)i * 7919);
		if (err) {
			pthread_mutex_lock(&w->lock);
			if (!w->err)
				w->err = err;
			pthread_mutex_unlock(&w->lock);
		}
	}
}

static int cmp_job_L(const void *a, const void *b)
{
	const struct fjob *x = a, *y = b;
	return x->L - y->L;
}

/* Plan the next window of every unfinished gap into jobs; returns how many. */
static int plan_wave(struct fill_gap **gaps, int n, uint64_t *done, const int *a, const int *b,
		     struct fill_sketch **sks, int window, struct fjob *jobs)
{
	int cs = window * 3 / 10, chunk = window - 2 * cs, nj = 0;

	for (int i = 0; i < n; i++) {
		struct fill_gap *g = gaps[i];
		uint64_t rem = g->gap.lost - done[i], avail = (uint64_t)a[i] + done[i];
		struct fjob *j = &jobs[nj++];

		if (rem == 0) {
			nj--;
			continue;
		}
		memset(j, 0, sizeof(*j));
		j->g = g;
		j->sk = sks[i];
		j->a = a[i];
		j->b = b[i];
		j->done = done[i];
		if (rem <= (uint64_t)chunk) {
			int m = (int)rem, free_ = window - m;
			int la = (int)(avail < (uint64_t)(free_ / 2) ? avail : (uint64_t)(free_ / 2));
			int rb = b[i] < free_ - la ? b[i] : free_ - la;
			la = (int)(avail < (uint64_t)(free_ - rb) ? avail : (uint64_t)(free_ - rb));
			j->la = la;
			j->m = m;
			j->rb = rb;
			j->last = 1;
		} else {
			int m = chunk, free_ = window - m;
			j->la = (int)(avail < (uint64_t)free_ ? avail : (uint64_t)free_);
			j->m = m;
			j->rb = 0;
		}
		j->L = j->la + j->m + j->rb;
		done[i] += (uint64_t)j->m;
	}
	return nj;
}

static int run_wave(struct fwork *w, struct fjob *jobs, int nj, int batch, int threads)
{
	int nb = 0;

	/* jobs come sorted by L; few windows: smaller batches, so that every worker gets some */
	if (threads > 1 && (nj + threads - 1) / threads < batch)
		batch = (nj + threads - 1) / threads;
	for (int i = 0; i < nj;) {
		int k = i;
		while (k < nj && k - i < batch && jobs[k].L == jobs[i].L)
			k++;
		w->batches[nb].jobs = jobs + i;
		w->batches[nb].n = k - i;
		w->batches[nb].L = jobs[i].L;
		nb++;
		i = k;
	}
	w->nbatches = nb;
	w->next = 0;
	if (threads > nb)
		threads = nb;
	if (threads <= 1) {
		worker(w);
		return w->err;
	}
	pthread_t *tid = calloc((size_t)threads, sizeof(*tid));
	if (!tid)
		return -ENOMEM;
	int started = 0;
	for (; started < threads; started++)
		if (pthread_create(&tid[started], NULL, worker, w))
			break;
	if (started == 0)
		worker(w);
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	free(tid);
	return w->err;
}

/* Memo of answered windows: traces repeat themselves (loops), and the windows of long gaps in
 * a loop repeat exactly, so a window identical to one already answered (same left context,
 * missing length and right context) gets the same answer without asking the imputer again. */
#define MEMO_SLOTS 8192

struct memo_ent {
	uint64_t key;
	int m;
	int32_t *tok;
	float *conf;
};

static uint64_t job_key(const struct fjob *j)
{
	uint64_t h = 1469598103934665603ull;

#define MIX(x) (h = (h ^ (uint64_t)(uint32_t)(x)) * 1099511628211ull)
	MIX(j->la);
	MIX(j->m);
	MIX(j->rb);
	for (int i = 0; i < j->la; i++)
		MIX(left_tok(j, i));
	for (int i = 0; i < j->rb; i++)
		MIX(j->g->right[i]);
#undef MIX
	return h | 1;
}

static void job_copy_from(struct fjob *j, const int32_t *tok, const float *conf)
{
	memcpy(j->g->out + j->done, tok, sizeof(int32_t) * (size_t)j->m);
	memcpy(j->g->conf + j->done, conf, sizeof(float) * (size_t)j->m);
}

static void memo_put(struct memo_ent *memo, uint64_t key, const struct fjob *j)
{
	struct memo_ent *e = &memo[key % MEMO_SLOTS];

	if (j->m < 1) /* (every window has a missing position) */
		return;
	if (e->m != j->m || !e->tok) {
		free(e->tok);
		free(e->conf);
		e->tok = malloc(sizeof(int32_t) * (size_t)j->m);
		e->conf = malloc(sizeof(float) * (size_t)j->m);
		e->key = 0;
		e->m = j->m;
		if (!e->tok || !e->conf) {
			free(e->tok);
			free(e->conf);
			e->tok = NULL;
			e->conf = NULL;
			e->m = 0;
			return;
		}
	}
	memcpy(e->tok, j->g->out + j->done, sizeof(int32_t) * (size_t)j->m);
	memcpy(e->conf, j->g->conf + j->done, sizeof(float) * (size_t)j->m);
	e->key = key;
}

static void memo_free(struct memo_ent *memo)
{
	for (int i = 0; memo && i < MEMO_SLOTS; i++) {
		free(memo[i].tok);
		free(memo[i].conf);
	}
	free(memo);
}

/* run_wave() on the windows not answered yet: memo hits are copied, windows repeated within
 * the wave are imputed once. */
static int run_wave_memo(struct fwork *w, struct fjob *jobs, int nj, int batch, int threads,
			 struct memo_ent *memo)
{
	uint64_t *key = malloc(sizeof(uint64_t) * (size_t)nj);
	int *lead_of = malloc(sizeof(int) * (size_t)nj);
	struct fjob *lead = malloc(sizeof(*lead) * (size_t)nj);
	uint64_t *lkey = malloc(sizeof(uint64_t) * (size_t)nj);
	int tsize = 1, nl = 0, err = -ENOMEM;
	int *table = NULL;

	while (tsize < 2 * nj)
		tsize *= 2;
	table = malloc(sizeof(int) * (size_t)tsize);
	if (!key || !lead_of || !lead || !lkey || !table)
		goto out;
	for (int i = 0; i < tsize; i++)
		table[i] = -1;
	/* sorted by L, so the leaders are too (run_wave() batches equal L) */
	qsort(jobs, (size_t)nj, sizeof(*jobs), cmp_job_L);
	for (int i = 0; i < nj; i++) {
		struct memo_ent *e = &memo[(key[i] = job_key(&jobs[i])) % MEMO_SLOTS];
		lead_of[i] = -1;
		if (jobs[i].sk) { /* its scores are wanted: imputed itself */
			lkey[nl] = key[i];
			lead_of[i] = nl;
			lead[nl++] = jobs[i];
			continue;
		}
		if (e->tok && e->key == key[i] && e->m == jobs[i].m) {
			job_copy_from(&jobs[i], e->tok, e->conf);
			continue;
		}
		uint32_t h = (uint32_t)(key[i] >> 32) & (uint32_t)(tsize - 1);
		while (table[h] >= 0 && (lkey[table[h]] != key[i] || lead[table[h]].m != jobs[i].m))
			h = (h + 1) & (uint32_t)(tsize - 1);
		if (table[h] < 0) {
			table[h] = nl;
			lkey[nl] = key[i];
			lead[nl++] = jobs[i];
		}
		lead_of[i] = table[h];
	}
	err = nl ? run_wave(w, lead, nl, batch, threads) : 0;
	if (err)
		goto out;
	for (int k = 0; k < nl; k++)
		memo_put(memo, lkey[k], &lead[k]);
	for (int i = 0; i < nj; i++) {
		const struct fjob *l = lead_of[i] >= 0 ? &lead[lead_of[i]] : NULL;
		/* lead_of[i] is -1 or a leader's index in lead[0..nl) (table[] starts all -1: the
		 * analyzer does not follow that loop) */
		// NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): see above
		if (l && (l->g != jobs[i].g || l->done != jobs[i].done))
			job_copy_from(&jobs[i], l->g->out + l->done, l->g->conf + l->done);
	}
out:
	free(key);
	free(lead_of);
	free(lead);
	free(lkey);
	free(table);
	return err;
}

int fill_impute(struct fill_gap **gaps, int n, struct imputer *im, const struct vocab *v,
		const struct fill_impute_opts *o)
{
	struct memo_ent *memo = calloc(MEMO_SLOTS, sizeof(*memo));
	struct fwork w = { .im = im, .v = v, .seed = o->seed };
	uint64_t *done = calloc((size_t)n + 1, sizeof(*done));
	int *a = calloc((size_t)n + 1, sizeof(int)), *b = calloc((size_t)n + 1, sizeof(int));
	struct fjob *jobs = calloc((size_t)n + 1, sizeof(*jobs));
	int err = -ENOMEM, wave = 0, window = o->window > 0 ? o->window : imputer_window(im);
	int threads = imputer_use_threads(im, o->threads);
	struct fill_sketch **sks = calloc((size_t)n + 1, sizeof(*sks));
	int64_t finished = 0;

	if (window < 8)
		window = 8;
	w.batches = calloc((size_t)n + 1, sizeof(*w.batches));
	pthread_mutex_init(&w.lock, NULL);
	if (!done || !a || !b || !jobs || !w.batches || !memo || !sks)
		goto out;
	for (int i = 0; i < n; i++) {
		struct fill_gap *g = gaps[i];
		free(g->out);
		free(g->conf);
		g->out = malloc(sizeof(int32_t) * g->gap.lost);
		g->conf = malloc(sizeof(float) * g->gap.lost);
		if (!g->out || !g->conf) {
			err = -ENOMEM;
			goto out;
		}
		a[i] = fill_gap_left_run(g);
		b[i] = fill_gap_right_run(g);
		if ((err = fill_sketch_new(&sks[i], &g->gap, v)))
			goto out;
	}
	for (;; wave++) {
		int nj = plan_wave(gaps, n, done, a, b, sks, window, jobs);
		if (nj == 0)
			break;
		w.seed = o->seed + (uint64_t)wave * 1000003;
		if ((err = run_wave_memo(&w, jobs, nj, o->batch > 0 ? o->batch : 32, threads, memo)))
			goto out;
		for (int i = 0; i < nj; i++)
			finished += jobs[i].last;
		if (o->cb)
			o->cb(o->cb_ctx, finished, n, "gaps");
	}
	for (int i = 0; i < n; i++) {
		struct fill_gap *g = gaps[i];
		int32_t left = a[i] ? g->left[g->W - 1] : TOK_NONE;
		int32_t right = b[i] ? g->right[0] : TOK_NONE;
		int r = sks[i] ? fill_sketch_decode(g, sks[i], v)
			       : fill_fixup(g->out, g->conf, (int)g->gap.lost, left, right);
		if (r < 0) {
			err = r;
			goto out;
		}
		g->nfixed = r;
		g->filled = 1;
	}
	err = 0;
out:
	pthread_mutex_destroy(&w.lock);
	for (int i = 0; sks && i < n; i++)
		fill_sketch_free(sks[i]);
	free(sks);
	memo_free(memo);
	free(done);
	free(a);
	free(b);
	free(jobs);
	free(w.batches);
	return err;
}

void fill_make_synth(const struct fill_gap *g, uint64_t k, struct trz_synth *s)
{
	uint64_t n = g->gap.lost, t0 = g->gap.t_start_ns, t1 = g->gap.t_end_ns;

	if (t1 == UINT64_MAX || t1 == 0 || t1 <= t0) {
		if (g->t_exit > t0)
			t1 = g->t_exit;
		else
			t1 = t0 + (n + 1) * 1000;
	}
	if (t0 == 0 && t1 > (n + 1) * 1000)
		t0 = t1 - (n + 1) * 1000;
	memset(s, 0, sizeof(*s));
	s->ev.ts_ns = t0 + (uint64_t)((unsigned __int128)(t1 - t0) * (k + 1) / (n + 1));
	s->ev.tseq = g->gap.seq_first + k;
	s->ev.pid = g->gap.pid;
	s->ev.tid = g->gap.tid;
	s->ev.cpu = g->gap.cpu;
	int32_t tok = g->out ? g->out[k] : TOK_NONE;
	s->ev.nr = tok_nr(tok);
	s->ev.dir = tok_dir(tok);
	s->gap_id = g->gap.id;
	s->confidence = g->conf ? g->conf[k] : 0;
}

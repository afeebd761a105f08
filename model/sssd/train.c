/* train.c - training of the SSSD-S4 imputer: windows cut from a corpus, masks per sample
 * (blackouts of 1..max_blackout at the centre, at the end and anywhere, plus random positions),
 * the loss of either objective, Adam with warm-up and gradient-norm clipping, EMA weights,
 * and periodic held-out masked-position accuracy. */
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ngram/ngram.h"
#include "sssd/sssd_net.h"

#define CLIP_NORM 1.0
#define EVAL_WINDOWS 48

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The start of a batch: the model's workspace for (B, L) and the x0 and dout buffers (K, BL
 * each, one allocation: free x0), x0 encoding ids with the conditioner set from known.  NULL
 * with the error text set (and *acc, when not NULL, 0) when out of memory. */
static float *batch_begin(struct sssd_model *m, const int32_t *ids, const uint8_t *known, int B,
			  int L, int backward, double *acc)
{
	size_t KBL = (size_t)m->K * B * L;
	float *x0 = malloc(2 * KBL * sizeof(float));

	if (!x0 || sssd_workspace(m, B, L, backward)) {
		free(x0);
		err_set("out of memory for a batch of %d windows of %d", B, L);
		if (acc)
			*acc = 0;
		return NULL;
	}
	sssd_encode(m, x0, ids, known, B, L);
	return x0;
}

/* Softmax cross-entropy of the K logits of column j of m->out (K, BL) against id: its gradient
 * divided by nmiss into column j of dout, the argmax into *best; returns the loss. */
static double softmax_ce(const struct sssd_model *m, size_t BL, size_t j, int id, double nmiss,
			 float *dout, int *best)
{
	const float *o = m->out + j;
	double mx = -INFINITY, s = 0;

	*best = 0;
	for (int k = 0; k < m->K; k++)
		if (o[k * BL] > mx)
			mx = o[k * BL], *best = k;
	for (int k = 0; k < m->K; k++)
		s += exp(o[k * BL] - mx); /* >= 1: the maximum's term is exp(0) */
	for (int k = 0; k < m->K; k++)
		dout[k * BL + j] = (float)((exp(o[k * BL] - mx) / s - (k == id)) / nmiss);
	// cppcheck-suppress invalidFunctionArg ; s >= 1: the maximum's term is exp(0)
	return log(s) + mx - o[(size_t)id * BL];
}

/* Training/eval loss of one batch.  ids, known: (B, L); t: (B); eps: (K, BL) noise.
 * Forms x_t = known ? x0 : sqrt(ab) x0 + sqrt(1-ab) eps (design note 2.3), runs the network
 * with the training weights and returns the loss; with backward != 0 also accumulates the
 * gradients into m->g; -1 when out of memory.  *acc (may be NULL) gets the argmax accuracy of the x0 prediction at the
 * missing positions (x0ce), or of the one-step x0 estimate (eps). */
double sssd_batch_loss(struct sssd_model *m, const int32_t *ids, const uint8_t *known, const int *t,
		       const float *eps, int B, int L, int backward, double *acc)
{
	size_t BL = (size_t)B * L, KBL = (size_t)m->K * BL;
	int K = m->K;
	float *x0 = batch_begin(m, ids, known, B, L, backward, acc), *dout;
	double loss = 0, nmiss = 0, ncorrect = 0;

	if (!x0)
		return -1.0;
	dout = x0 + KBL;
	for (size_t j = 0; j < BL; j++) {
		double ab = m->sched.alpha_bar[t[j / L]], sa = sqrt(ab), sb = sqrt(1.0 - ab);

		for (int k = 0; k < K; k++) {
			size_t i = k * BL + j;

			m->xt[i] = known[j] ? x0[i] : (float)(sa * x0[i] + sb * eps[i]);
		}
		nmiss += !known[j];
	}
	sssd_net_forward(m, &m->p, t, B, L);
	memset(dout, 0, KBL * sizeof(float));
	if (nmiss == 0)
		goto out;
	for (size_t j = 0; j < BL; j++) {
		if (known[j])
			continue;
		int id = ids[j] < 0 || ids[j] >= m->c.V ? 0 : ids[j], best = 0;

		if (m->c.objective == SSSD_OBJ_X0CE) { /* cross-entropy on the V logits */
			loss += softmax_ce(m, BL, j, id, nmiss, dout, &best);
		} else { /* MSE on epsilon (2.2 step 6) */
			double ab = m->sched.alpha_bar[t[j / L]], bv = -INFINITY;

			for (int k = 0; k < K; k++) {
				size_t i = k * BL + j;
				double d = m->out[i] - eps[i];
				double x0e = (m->xt[i] - sqrt(1 - ab) * m->out[i]) / sqrt(ab);

				loss += d * d;
				dout[i] = (float)(2.0 * d / (nmiss * K));
				if (x0e > bv)
					bv = x0e, best = k;
			}
			if (m->c.repr == SSSD_REPR_SCALAR) {
				double x0e = (m->xt[j] - sqrt(1 - ab) * m->out[j]) / sqrt(ab);
				long p = lround((x0e + 1) * 0.5 * (m->c.V - 2) + 1);

				best = (int)p;
			}
		}
		ncorrect += best == id;
	}
	loss /= m->c.objective == SSSD_OBJ_X0CE ? nmiss : nmiss * K;
	if (backward)
		sssd_net_backward(m, dout, B, L);
out:
	if (acc)
		*acc = nmiss ? ncorrect / nmiss : 0;
	free(x0);
	return loss;
}

double sssd_absorb_loss(struct sssd_model *m, const int32_t *ids, const uint8_t *known,
			const uint8_t *shown, const int *t, int B, int L, int backward, double *acc)
{
	size_t BL = (size_t)B * L, KBL = (size_t)m->K * BL;
	int K = m->K;
	float *x0 = batch_begin(m, ids, known, B, L, backward, acc), *dout; /* the gap as recorded */
	double loss = 0, nmiss = 0, ncorrect = 0;

	if (!x0)
		return -1.0;
	dout = x0 + KBL;
	for (size_t i = 0; i < KBL; i++) /* input: shown positions, masked ones 0 */
		m->xt[i] = shown[i % BL] ? x0[i] : 0.0f;
	for (size_t j = 0; j < BL; j++)
		nmiss += !shown[j];
	sssd_net_forward(m, &m->p, t, B, L);
	memset(dout, 0, KBL * sizeof(float));
	for (size_t j = 0; nmiss && j < BL; j++) {
		if (shown[j])
			continue;
		int id = ids[j] < 0 || ids[j] >= K ? 0 : ids[j], best;

		loss += softmax_ce(m, BL, j, id, nmiss, dout, &best);
		ncorrect += best == id;
	}
	if (nmiss) {
		loss /= nmiss;
		if (backward)
			sssd_net_backward(m, dout, B, L);
	}
	if (acc)
		*acc = nmiss ? ncorrect / nmiss : 0;
	free(x0);
	return loss;
}

/* One mask per sample (1 = observed).  Returns the number of missing positions. */
static int draw_mask(uint8_t *known, int L, int maxb, uint64_t *rng)
{
	float r = rng_uniform(rng);
	int len, start, miss = 0;

	if (maxb > L - 1)
		maxb = L - 1;
	if (maxb < 1)
		maxb = 1;
	memset(known, 1, L);
	len = 1 + rng_int(rng, maxb);
	if (r < 0.1f && L * 4 / 5 > maxb) { /* a long burst, as a ring overflow loses */
		len = maxb + rng_int(rng, L * 4 / 5 - maxb + 1);
		r = 0.7f; /* ... anywhere in the window */
	}
	if (r < 0.35f) { /* centre, as the paper's masks: start in [L/2 - len, L/2] */
		start = L / 2 - rng_int(rng, len + 1);
	} else if (r < 0.65f) { /* end */
		start = L - len;
	} else if (r < 0.85f) { /* anywhere */
		start = rng_int(rng, L - len + 1);
	} else { /* random positions */
		float rate = 0.05f + 0.45f * rng_uniform(rng);

		for (int l = 0; l < L; l++)
			if (rng_uniform(rng) < rate)
				known[l] = 0, miss++;
		if (!miss)
			known[rng_int(rng, L)] = 0, miss = 1;
		return miss;
	}
	if (start < 0)
		start = 0;
	if (start + len > L)
		start = L - len;
	memset(known + start, 0, len);
	return len;
}

/* The paper's centre blackout of b events in a window of L (datasets/README.md), scaled. */
static void paper_mask(uint8_t *known, int L, int b)
{
	int start = b <= 20 ? L / 2 : L / 2 + 20 - b;

	if (b > L - 1)
		b = L - 1;
	if (start < 0)
		start = 0;
	if (start + b > L)
		start = L - b;
	memset(known, 1, L);
	memset(known + start, 0, b);
}

static int eval_accuracy(struct sssd_model *m, struct imputer *ngram, const int64_t *excl,
			 const struct imputer_aux *aux, const int32_t *seq, const uint8_t *known,
			 int B, int L, int steps, uint64_t seed, double *acc);

int sssd_eval_accuracy(struct sssd_model *m, const int32_t *seq, const uint8_t *known, int B, int L,
		       int steps, uint64_t seed, double *acc)
{
	return eval_accuracy(m, NULL, NULL, NULL, seq, known, B, L, steps, seed, acc);
}

static int eval_accuracy(struct sssd_model *m, struct imputer *ngram, const int64_t *excl,
			 const struct imputer_aux *aux, const int32_t *seq, const uint8_t *known,
			 int B, int L, int steps, uint64_t seed, double *acc)
{
	int chunk = L > 0 && 3200 / L > 0 ? 3200 / L : 1, err = 0;
	int32_t *tmp = malloc((size_t)chunk * L * sizeof(int32_t));
	double miss = 0, ok = 0;
	uint64_t rng = seed;

	if (!tmp)
		return -ENOMEM;
	for (int b0 = 0; b0 < B && !err; b0 += chunk) {
		int nb = B - b0 < chunk ? B - b0 : chunk;
		size_t off = (size_t)b0 * L, n = (size_t)nb * L;

		memcpy(tmp, seq + off, n * sizeof(int32_t));
		m->retr_excl = excl ? excl + b0 : NULL;
		err = sssd_retrieve(m, ngram, tmp, known + off, nb, L);
		m->retr_excl = NULL;
		if (!err && aux) {
			struct imputer_aux a = { aux->ts ? aux->ts + off : NULL,
						 aux->rc ? aux->rc + off : NULL };

			err = sssd_set_batch_aux(m, &a, nb, L);
		}
		if (!err)
			err = sssd_sample(m, &m->e, tmp, known + off, NULL, nb, L, steps, &rng);
		m->aux_on = 0;
		for (size_t j = 0; j < n && !err; j++)
			if (!known[off + j]) {
				miss++;
				ok += tmp[j] == seq[off + j];
			}
	}
	free(tmp);
	*acc = miss ? ok / miss : 0;
	return err;
}

struct trainer {
	struct sssd_model *m;
	const struct corpus *cp;
	const struct sssd_train_opts *o;
	int64_t *train_seq, *held_seq; /* sequence indices long enough for a window */
	int64_t ntrain, nheld;
	int32_t *ids, *eval_ids;
	uint8_t *known, *eval_known;
	int64_t *ts, *eval_ts; /* aux models on corpora with times: (B + EVAL_WINDOWS, L) */
	uint8_t *rc, *eval_rc;
	int *t;
	float *eps;
	int neval;
	int neval0;            /* retrieval: the first neval0 eval windows come from half 0 */
	uint8_t *shown;        /* absorb: known plus revealed positions */
	int64_t half;          /* retrieval: sequences < half retrieve from ng[1], others ng[0] */
	struct imputer *ng[2]; /* n-gram over sequences [0, half) and [half, n); leave-one-
				  * window-out (o->retrieval_loo): ng[0] over all, half 0 */
	int64_t *rsrc;         /* sequence of each batch window */
	int64_t *xpos;         /* loo: n-gram text position of each batch window */
	int64_t eval_xpos[EVAL_WINDOWS];
};

static int64_t seq_len(const struct corpus *c, int64_t i)
{
	return c->starts[i + 1] - c->starts[i];
}

/* Times and return classes of the window of L ids at corpus offset off (drop: as not known). */
static void window_aux(const struct trainer *tr, int64_t *ts, uint8_t *rc, int64_t off, int L,
		       int drop)
{
	const struct sssd_train_opts *o = tr->o;

	for (int l = 0; l < L; l++) {
		ts[l] = !drop && o->ts ? o->ts[off + l] : -1;
		rc[l] = !drop && o->rc ? o->rc[off + l] : IMPUTER_RC_NONE;
	}
}

static int trainer_init(struct trainer *tr, uint64_t *rng)
{
	const struct corpus *c = tr->cp;
	int B = tr->o->batch, L = tr->o->window;
	int64_t n = 0;

	tr->train_seq = malloc((c->n + 1) * sizeof(int64_t));
	tr->ids = malloc((size_t)(B + EVAL_WINDOWS) * L * sizeof(int32_t));
	tr->known = malloc((size_t)(B + EVAL_WINDOWS) * L);
	tr->t = malloc(B * sizeof(int));
	/* eps and shown zeroed: trainer_batch() fills the one its objective uses */
	tr->eps = calloc((size_t)tr->m->K * B * L, sizeof(float));
	if (!tr->train_seq || !tr->ids || !tr->known || !tr->t || !tr->eps)
		return -ENOMEM;
	tr->shown = calloc((size_t)B * L, 1);
	tr->rsrc = malloc((size_t)B * sizeof(int64_t));
	tr->xpos = malloc((size_t)B * sizeof(int64_t));
	if (!tr->shown || !tr->rsrc || !tr->xpos)
		return -ENOMEM;
	if (tr->m->c.aux && (tr->o->ts || tr->o->rc)) {
		tr->ts = malloc((size_t)(B + EVAL_WINDOWS) * L * sizeof(int64_t));
		tr->rc = malloc((size_t)(B + EVAL_WINDOWS) * L);
		if (!tr->ts || !tr->rc)
			return -ENOMEM;
		tr->eval_ts = tr->ts + (size_t)B * L;
		tr->eval_rc = tr->rc + (size_t)B * L;
	}
	if (tr->m->c.retrieval && tr->o->retrieval_loo) {
		tr->half = 0;
		if (!(tr->ng[0] = ngram_new(c, tr->m->c.V, 0))) {
			int err = -errno;

			if (err >= 0) /* no errno: out of memory, as ngram_new() fails most */
				err = -ENOMEM;
			err_set("cannot index the corpus for retrieval: %s", strerror(-err));
			return err;
		}
	} else if (tr->m->c.retrieval) {
		struct corpus h0 = *c, h1 = *c;

		tr->half = c->n / 2;
		h0.n = tr->half;
		h1.starts = c->starts + tr->half;
		h1.n = c->n - tr->half;
		tr->ng[0] = ngram_new(&h0, tr->m->c.V, 0);
		tr->ng[1] = ngram_new(&h1, tr->m->c.V, 0);
		if (!tr->ng[0] || !tr->ng[1]) {
			int err = -errno;

			if (err >= 0) /* no errno: out of memory, as ngram_new() fails most */
				err = -ENOMEM;
			err_set("cannot index the corpus for retrieval: %s", strerror(-err));
			return err;
		}
	}
	tr->eval_ids = tr->ids + (size_t)B * L;
	tr->eval_known = tr->known + (size_t)B * L;
	for (int64_t i = 0; i < c->n; i++)
		if (seq_len(c, i) >= L)
			tr->train_seq[n++] = i;
	if (n == 0) {
		err_set("no training sequence holds a window of %d events", L);
		return -EINVAL;
	}
	for (int64_t i = n - 1; i > 0; i--) { /* seeded shuffle, then split off held-out */
		int64_t j = (int64_t)(rng_next(rng) % (uint64_t)(i + 1)), x = tr->train_seq[i];

		tr->train_seq[i] = tr->train_seq[j], tr->train_seq[j] = x;
	}
	tr->nheld = n >= 2 && tr->o->heldout > 0 ? (int64_t)ceil(tr->o->heldout * n) : 0;
	if (tr->nheld >= n)
		tr->nheld = n - 1;
	tr->ntrain = n - tr->nheld;
	tr->held_seq = tr->train_seq + tr->ntrain;
	tr->neval = tr->nheld ? EVAL_WINDOWS : 0;
	/* fixed held-out set, paper-style centre masks; windows of corpus half 0 first */
	for (int pass = 0, e = 0; pass < 2; pass++) {
		for (int i = 0; i < tr->neval; i++) {
			static const int sizes[] = { 1, 5, 10, 20, 30, 40 };
			int64_t s = tr->held_seq[i % tr->nheld];

			if ((s < tr->half) != (pass == 0))
				continue;
			memcpy(tr->eval_ids + (size_t)e * L, c->ids + c->starts[s],
			       L * sizeof(int32_t));
			if (tr->ts)
				window_aux(tr, tr->eval_ts + (size_t)e * L,
					   tr->eval_rc + (size_t)e * L, c->starts[s], L, 0);
			tr->eval_xpos[e] = ngram_text_pos(c, s, 0);
			paper_mask(tr->eval_known + (size_t)e * L, L, sizes[i % 6]);
			e++;
		}
		if (pass == 0)
			tr->neval0 = e;
	}
	return 0;
}

static void trainer_batch(struct trainer *tr, uint64_t *rng)
{
	const struct corpus *c = tr->cp;
	int B = tr->o->batch, L = tr->o->window;

	for (int b = 0; b < B; b++) {
		int64_t s = tr->train_seq[rng_next(rng) % (uint64_t)tr->ntrain];
		int64_t off = rng_next(rng) % (uint64_t)(seq_len(c, s) - L + 1);

		memcpy(tr->ids + (size_t)b * L, c->ids + c->starts[s] + off, L * sizeof(int32_t));
		if (tr->ts) /* 10% without: the masked channels of paper-format data */
			window_aux(tr, tr->ts + (size_t)b * L, tr->rc + (size_t)b * L,
				   c->starts[s] + off, L, rng_uniform(rng) < 0.1f);
		draw_mask(tr->known + (size_t)b * L, L, tr->o->max_blackout, rng);
		tr->t[b] = rng_int(rng, tr->m->c.T);
		tr->rsrc[b] = s;
		tr->xpos[b] = ngram_text_pos(c, s, off);
		if (tr->m->c.objective == SSSD_OBJ_ABSORB) {
			/* reveal a share r of the gap; t = (T-1) * share still masked */
			uint8_t *kn = tr->known + (size_t)b * L, *sh = tr->shown + (size_t)b * L;
			float r = rng_uniform(rng);
			int gap = 0, masked = 0, last = -1;

			for (int l = 0; l < L; l++) {
				sh[l] = kn[l] || rng_uniform(rng) < r;
				gap += !kn[l];
				masked += !sh[l];
				if (!kn[l])
					last = l;
			}
			if (!masked && last >= 0)
				sh[last] = 0, masked = 1;
			tr->t[b] = gap ? (int)lround((double)(tr->m->c.T - 1) * masked / gap) : 0;
		}
	}
	if (tr->m->c.objective != SSSD_OBJ_ABSORB)
		for (size_t i = 0; i < (size_t)tr->m->K * B * L; i++)
			tr->eps[i] = rng_normal(rng);
}

/* Retrieval channels of the batch: each window retrieves from the half of the corpus it does
 * not come from; 10% of the windows get none (the "missing channel" case). */
static int trainer_retrieve(struct trainer *tr, uint64_t *rng)
{
	struct sssd_model *m = tr->m;
	int B = tr->o->batch, L = tr->o->window, rc;
	size_t BL = (size_t)B * L;
	int32_t *p1;
	float *f1;

	if (!m->c.retrieval)
		return 0;
	if (tr->o->retrieval_loo) { /* the whole corpus but the window itself */
		m->retr_excl = tr->xpos;
		rc = sssd_retrieve(m, tr->ng[0], tr->ids, tr->known, B, L);
		m->retr_excl = NULL;
		for (int b = 0; !rc && b < B; b++)
			if (rng_uniform(rng) < 0.1f)
				memset(m->rprop + (size_t)b * L, 0, L * sizeof(*m->rprop));
		return rc;
	}
	if ((rc = sssd_retrieve(m, tr->ng[1], tr->ids, tr->known, B, L)))
		return rc;
	p1 = malloc(BL * sizeof(*p1));
	f1 = malloc(BL * SSSD_RETR_FEATS * sizeof(*f1));
	if (!p1 || !f1) {
		free(p1);
		free(f1);
		return -ENOMEM;
	}
	memcpy(p1, m->rprop, BL * sizeof(*p1));
	memcpy(f1, m->rfeat, BL * SSSD_RETR_FEATS * sizeof(*f1));
	rc = sssd_retrieve(m, tr->ng[0], tr->ids, tr->known, B, L);
	for (int b = 0; !rc && b < B; b++) {
		size_t o = (size_t)b * L;
		int drop = rng_uniform(rng) < 0.1f;

		if (tr->rsrc[b] < tr->half) { /* from half 0: use half 1's answers */
			memcpy(m->rprop + o, p1 + o, L * sizeof(*p1));
			for (int f = 0; f < SSSD_RETR_FEATS; f++)
				memcpy(m->rfeat + f * BL + o, f1 + f * BL + o, L * sizeof(*f1));
		}
		if (drop)
			memset(m->rprop + o, 0, L * sizeof(*p1));
	}
	free(p1);
	free(f1);
	return rc;
}

static void clip_grads(struct sssd_model *m)
{
	double s = 0;

	for (size_t i = 0; i < m->np; i++)
		s += (double)m->grads[i] * m->grads[i];
	s = sqrt(s);
	if (s > CLIP_NORM)
		for (size_t i = 0; i < m->np; i++)
			m->grads[i] *= (float)(CLIP_NORM / s);
}

static int check_opts(const struct sssd_train_opts *o)
{
	if (o->batch < 1 || o->batch > 4096 || o->window < 2 || o->window > 100000 ||
	    o->iters < 0 || !(o->time_budget >= 0) || !(o->lr > 0) || !(o->ema >= 0) ||
	    !(o->ema < 1) || !(o->heldout >= 0) || !(o->heldout < 1) || o->warmup < 0 ||
	    o->max_blackout < 1 || (o->iters == 0 && o->time_budget == 0)) {
		err_set("invalid training options");
		return -EINVAL;
	}
	return 0;
}

int sssd_train(struct sssd_model *m, const struct corpus *train, const struct sssd_train_opts *o,
	       progress_fn cb, void *ctx)
{
	struct trainer tr = { .m = m, .cp = train, .o = o };
	uint64_t rng = o->seed * 0x9e3779b97f4a7c15ULL + 12345;
	double t0 = now_s(), last_cb = t0, loss_avg = NAN, acc_tr = NAN, heldacc = NAN;
	char status[128];
	int err;

	if ((err = check_opts(o)))
		return err;
	if (o->threads > 0)
		openblas_set_num_threads(o->threads);
	if ((err = trainer_init(&tr, &rng)))
		goto out;
	m->c.window = o->window;
	for (int64_t it = 1; o->iters == 0 || it <= o->iters; it++) {
		double acc, el = now_s() - t0, lr = o->lr;
		int64_t total = o->iters;

		if (o->time_budget > 0 && el >= o->time_budget)
			break;
		if (o->warmup > 0 && it < o->warmup)
			lr *= (double)it / o->warmup;
		trainer_batch(&tr, &rng);
		if ((err = trainer_retrieve(&tr, &rng)))
			goto out;
		struct imputer_aux ba = { tr.ts, tr.rc };

		if ((err = sssd_set_batch_aux(m, tr.ts ? &ba : NULL, o->batch, o->window)))
			goto out;
		memset(m->grads, 0, m->np * sizeof(float));
		double loss = m->c.objective == SSSD_OBJ_ABSORB
				      ? sssd_absorb_loss(m, tr.ids, tr.known, tr.shown, tr.t,
							 o->batch, o->window, 1, &acc)
				      : sssd_batch_loss(m, tr.ids, tr.known, tr.t, tr.eps, o->batch,
							o->window, 1, &acc);
		if (loss < 0) {
			err = -ENOMEM;
			goto out;
		}
		if (!isfinite(loss)) {
			err_set("training diverged at iteration %lld (loss %g)", (long long)it, loss);
			err = -EDOM;
			goto out;
		}
		loss_avg = isnan(loss_avg) ? loss : 0.98 * loss_avg + 0.02 * loss;
		acc_tr = isnan(acc_tr) ? acc : 0.98 * acc_tr + 0.02 * acc;
		clip_grads(m);
		m->step++;
		adam_step(m->params, m->grads, m->adam_m, m->adam_v, m->np, (float)lr, 0.9f, 0.999f,
			  1e-8f, m->step);
		double d = fmin(o->ema, (1.0 + it) / (10.0 + it));

		ema_update(m->ema, m->params, m->np, (float)d);
		int evaluated = 0;

		if (tr.neval && o->eval_every > 0 && (it % o->eval_every == 0 || it == o->iters)) {
			struct imputer_aux ea = { tr.eval_ts, tr.eval_rc }, *eap = tr.ts ? &ea : NULL;

			if (m->c.retrieval) {
				double a0 = 0, a1 = 0;
				size_t off = (size_t)tr.neval0 * o->window;
				struct imputer_aux ea1 = { tr.eval_ts ? tr.eval_ts + off : NULL,
							   tr.eval_rc ? tr.eval_rc + off : NULL };

				if (tr.neval0 &&
				    (err = eval_accuracy(m, tr.ng[1], NULL, eap, tr.eval_ids,
							 tr.eval_known, tr.neval0, o->window,
							 o->eval_steps, 777, &a0)))
					goto out;
				if (tr.neval > tr.neval0 &&
				    (err = eval_accuracy(m, tr.ng[0],
							 o->retrieval_loo ? tr.eval_xpos : NULL,
							 eap ? &ea1 : NULL, tr.eval_ids + off,
							 tr.eval_known + off, tr.neval - tr.neval0,
							 o->window, o->eval_steps, 777, &a1)))
					goto out;
				heldacc = (a0 * tr.neval0 + a1 * (tr.neval - tr.neval0)) / tr.neval;
			} else if ((err = eval_accuracy(m, NULL, NULL, eap, tr.eval_ids,
							tr.eval_known, tr.neval, o->window,
							o->eval_steps, 777, &heldacc))) {
				goto out;
			}
			evaluated = 1;
		}
		if (cb && (evaluated || now_s() - last_cb >= 1.0)) {
			el = now_s() - t0;
			if (o->time_budget > 0 && (total == 0 || o->time_budget < el * total / it))
				total = (int64_t)(o->time_budget * it / (el > 0 ? el : 1e-9));
			snprintf(status, sizeof(status), "loss %.4f acc %.3f held-out acc %.3f",
				 loss_avg, acc_tr, heldacc);
			last_cb = now_s();
			if (cb(ctx, it, total > it ? total : it, status))
				break;
		}
	}
out:
	m->retr_on = 0;
	imputer_free(tr.ng[0]);
	imputer_free(tr.ng[1]);
	m->aux_on = 0;
	free(tr.ts);
	free(tr.rc);
	free(tr.shown);
	free(tr.rsrc);
	free(tr.xpos);
	free(tr.train_seq);
	free(tr.ids);
	free(tr.known);
	free(tr.t);
	free(tr.eps);
	return err;
}

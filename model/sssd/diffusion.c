/* diffusion.c - input/conditioner encoding, the per-position
 * training loss of both objectives, and DDPM / DDIM sampling with the observed positions
 * re-imposed before every network call and in the result (2.2, 5.4). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ngram/ngram.h"
#include "sssd/sssd_net.h"

static float id_to_scalar(int id, int V)
{
	return V > 2 ? 2.0f * (id - 1) / (float)(V - 2) - 1.0f : 0.0f;
}

static int scalar_to_id(float x, int V)
{
	long id = lroundf((x + 1.0f) * 0.5f * (V - 2) + 1.0f);

	return id < 1 ? 1 : id > V - 1 ? V - 1 : (int)id;
}

/* log(1 + dt / 1 us) / log(1 + 1e7), clipped to [0, 1] */
static float log_time(double dt_ns)
{
	double v = log1p((dt_ns > 0 ? dt_ns : 0) / 1000.0) / log1p(1e7);

	return (float)(v < 1 ? v : 1);
}

/* The SSSD_AUX_CH timestamp / return channels (sssd.h) of window b into ac (SSSD_AUX_CH, BL). */
static void encode_aux(const struct sssd_model *m, float *ac, const uint8_t *known, int b, int L,
		       size_t BL)
{
	const int64_t *ts = m->ats + (size_t)b * L;
	const uint8_t *rc = m->arc + (size_t)b * L, *kn = known + (size_t)b * L;
	int prev = -1; /* last observed position with a known time */

	for (int l = 0; l < L; l++) {
		size_t j = (size_t)b * L + l;
		float f[SSSD_AUX_CH] = { 0 };

		if (kn[l]) {
			if (rc[l] >= IMPUTER_RC_ERROR && rc[l] <= IMPUTER_RC_LARGE)
				f[rc[l] - IMPUTER_RC_ERROR] = 1.0f;
			if (ts[l] >= 0 && prev >= 0) {
				f[4] = log_time((double)(ts[l] - ts[prev]));
				f[6] = 1.0f;
			}
			if (ts[l] >= 0)
				prev = l;
		} else if (prev >= 0) { /* the gap's mean spacing: to the next observed time */
			int next = l + 1;

			while (next < L && (!kn[next] || ts[next] < 0))
				next++;
			if (next < L) {
				f[5] = log_time((double)(ts[next] - ts[prev]) / (next - prev));
				f[6] = 1.0f;
			}
		}
		for (int c = 0; c < SSSD_AUX_CH; c++)
			ac[c * BL + j] = f[c];
	}
}

int sssd_set_batch_aux(struct sssd_model *m, const struct imputer_aux *a, int B, int L)
{
	size_t BL = (size_t)B * L;

	m->aux_on = 0;
	if (!m->c.aux || !a || (!a->ts && !a->rc))
		return 0;
	if (BL > m->auxcap) {
		int64_t *t = realloc(m->ats, BL * sizeof(*t));

		if (!t)
			return -ENOMEM;
		m->ats = t;
		uint8_t *r = realloc(m->arc, BL);

		if (!r)
			return -ENOMEM;
		m->arc = r;
		m->auxcap = BL;
	}
	for (size_t j = 0; j < BL; j++) {
		m->ats[j] = a->ts ? a->ts[j] : -1;
		m->arc[j] = a->rc ? a->rc[j] : IMPUTER_RC_NONE;
	}
	m->aux_on = 1;
	return 0;
}

void sssd_encode(const struct sssd_model *m, float *x0, const int32_t *ids, const uint8_t *known,
		 int B, int L)
{
	// x0: (K, BL) clean data; m->cond: (Kc, BL) = [x0 * known; known]
	size_t BL = (size_t)B * L;
	int K = m->K, V = m->c.V;

	for (size_t j = 0; j < BL; j++) {
		int id = ids[j] < 0 || ids[j] >= V ? 0 : ids[j];

		if (m->c.repr == SSSD_REPR_ONEHOT)
			for (int k = 0; k < K; k++)
				x0[k * BL + j] = k == id ? 1.0f : -1.0f;
		else
			x0[j] = id_to_scalar(id, V);
		for (int k = 0; k < K; k++)
			m->cond[k * BL + j] = known[j] ? x0[k * BL + j] : 0.0f;
		m->cond[K * BL + j] = known[j] ? 1.0f : 0.0f;
		if (!m->c.retrieval)
			continue;
		/* retrieval: proposal one-hot (K rows) and features, at missing positions only */
		float *rc = m->cond + (size_t)(K + 1) * BL;
		int on = m->retr_on && !known[j] && m->rprop[j] > 0 && m->rprop[j] < K;

		for (int k = 0; k < K; k++)
			rc[k * BL + j] = on && k == m->rprop[j] ? 1.0f : 0.0f;
		for (int f = 0; f < SSSD_RETR_FEATS; f++)
			rc[(size_t)(K + f) * BL + j] = on ? m->rfeat[f * BL + j] : 0.0f;
	}
	if (!m->c.aux)
		return;
	/* timestamp / return channels after the data, mask and retrieval ones */
	float *ac = m->cond + (size_t)(m->Kc - SSSD_AUX_CH) * BL;

	if (!m->aux_on) { /* not known: the masked channels */
		memset(ac, 0, (size_t)SSSD_AUX_CH * BL * sizeof(float));
		return;
	}
	for (int b = 0; b < B; b++)
		encode_aux(m, ac, known, b, L, BL);
}

int sssd_retrieve(struct sssd_model *m, struct imputer *ngram, const int32_t *ids,
		  const uint8_t *known, int B, int L)
{
	size_t BL = (size_t)B * L;
	struct ngram_info *info;
	float *conf;
	int rc;

	m->retr_on = 0;
	if (!ngram || !m->c.retrieval)
		return 0;
	if (BL > m->rcap) {
		int32_t *p = realloc(m->rprop, BL * sizeof(*p));

		if (!p)
			return -ENOMEM;
		m->rprop = p;
		float *f = realloc(m->rfeat, BL * SSSD_RETR_FEATS * sizeof(*f));

		if (!f)
			return -ENOMEM;
		m->rfeat = f;
		m->rcap = BL;
	}
	info = malloc(BL * sizeof(*info));
	conf = malloc(BL * sizeof(*conf));
	if (!info || !conf) {
		free(info);
		free(conf);
		return -ENOMEM;
	}
	memcpy(m->rprop, ids, BL * sizeof(int32_t));
	rc = ngram_fill_excl(ngram, m->rprop, known, conf, NULL, B, L, info, m->retr_excl);
	for (size_t j = 0; !rc && j < BL; j++) {
		int how = info[j].how, has = !known[j] && how != NGRAM_KNOWN && how != NGRAM_PRIOR;
		double ctx = log1p((double)info[j].kl + info[j].kr) / log1p(2.0 * NGRAM_KMAX_LIMIT);
		double sup = log1p((double)info[j].support) / log1p(1024.0);

		m->rfeat[0 * BL + j] = has ? 1.0f : 0.0f;
		m->rfeat[1 * BL + j] = has && how == NGRAM_SPAN2 ? 1.0f : 0.0f;
		m->rfeat[2 * BL + j] = has ? (float)fmin(ctx, 1.0) : 0.0f;
		m->rfeat[3 * BL + j] = has ? (float)fmin(sup, 1.0) : 0.0f;
		m->rfeat[4 * BL + j] = has ? conf[j] : 0.0f;
		if (!has)
			m->rprop[j] = 0;
	}
	free(info);
	free(conf);
	if (!rc)
		m->retr_on = 1;
	return rc;
}

/* softmax over the K channels of column j of logits (K, BL) into p (K) */
static void softmax_col(double *p, const float *logits, size_t j, size_t BL, int K)
{
	double mx = -INFINITY, s = 0;

	for (int k = 0; k < K; k++)
		if (logits[k * BL + j] > mx)
			mx = logits[k * BL + j];
	for (int k = 0; k < K; k++)
		s += p[k] = exp(logits[k * BL + j] - mx);
	for (int k = 0; k < K; k++)
		p[k] /= s;
}

/* x0-hat (K, BL) and eps-hat (K, BL) from the network output at step t (in m->out). */
static void predict(struct sssd_model *m, float *x0h, float *epsh, const float *x, int t, size_t BL,
		    double *pbuf)
{
	int K = m->K;
	double ab = m->sched.alpha_bar[t], sa = sqrt(ab), sb = sqrt(1.0 - ab);

	if (m->c.objective == SSSD_OBJ_X0CE) {
		for (size_t j = 0; j < BL; j++) {
			softmax_col(pbuf, m->out, j, BL, K);
			for (int k = 0; k < K; k++)
				x0h[k * BL + j] = (float)(2.0 * pbuf[k] - 1.0);
		}
		for (size_t i = 0; i < K * BL; i++)
			epsh[i] = (float)((x[i] - sa * x0h[i]) / sb);
	} else {
		for (size_t i = 0; i < K * BL; i++) {
			double v = (x[i] - sb * m->out[i]) / sa;

			epsh[i] = m->out[i];
			x0h[i] = (float)(v > 1 ? 1 : v < -1 ? -1 : v); /* clip, 5.4 step 3 */
		}
	}
}

static void decode(struct sssd_model *m, int32_t *ids, const uint8_t *known, float *conf,
		   const float *x0h, size_t BL, double *pbuf)
{
	int K = m->K, V = m->c.V;

	for (size_t j = 0; j < BL; j++) {
		if (known[j])
			continue;
		if (m->c.repr == SSSD_REPR_SCALAR) {
			float x = x0h[j], d = (x + 1.0f) * 0.5f * (V - 2) + 1.0f;

			ids[j] = scalar_to_id(x, V);
			if (conf)
				conf[j] = 1.0f - 2.0f * fminf(0.5f, fabsf(d - (float)ids[j]));
			continue;
		}
		int best = 1;

		if (m->c.objective == SSSD_OBJ_X0CE)
			softmax_col(pbuf, m->out, j, BL, K);
		for (int k = 1; k < K; k++)
			if (x0h[k * BL + j] > x0h[best * BL + j])
				best = k;
		ids[j] = best;
		if (conf)
			conf[j] = m->c.objective == SSSD_OBJ_X0CE
					  ? (float)pbuf[best]
					  : fminf(1.0f,
						  fmaxf(0.0f, (x0h[best * BL + j] + 1.0f) * 0.5f));
	}
}

/* FNV-1a over the S4 kernel parameters of P: what the kernels depend on besides L. */
static uint64_t kernel_hash(const struct sssd_model *m, const struct sssd_params *P)
{
	size_t H = (size_t)m->H, M = (size_t)m->M;
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < m->c.blocks; i++)
		for (int j = 0; j < 2; j++) {
			const struct s4_params *s = &P->blk[i].s4[j];
			const float *a[4] = { s->log_dt, s->a, s->theta, s->Cc };
			size_t n[4] = { H, H * M, H * M, 4 * H * M };

			for (int k = 0; k < 4; k++)
				for (size_t e = 0; e < n[k]; e++) {
					uint32_t w;

					memcpy(&w, &a[k][e], sizeof(w));
					h = (h ^ w) * 1099511628211ULL;
				}
		}
	return h;
}

/* Before a sampling call's first forward: the S4 kernels of weights P at length L from the
 * cross-call cache into the workspace when they are there (returns 1), else 0 and *hash for
 * kernels_keep(). */
static int kernels_load(struct sssd_model *m, const struct sssd_params *P, int L, uint64_t *hash)
{
	size_t n = 2 * (size_t)m->H * L;

	*hash = kernel_hash(m, P);
	if (!m->kc || m->kc_L != L || m->kc_hash != *hash)
		return 0;
	for (int i = 0; i < m->c.blocks; i++)
		for (int j = 0; j < 2; j++)
			memcpy(m->act[i].s4c[j].K, m->kc + (2 * (size_t)i + j) * n,
			       n * sizeof(float));
	return 1;
}

/* After it: keep the kernels the forward computed (no cache when out of memory). */
static void kernels_keep(struct sssd_model *m, int L, uint64_t hash)
{
	size_t n = 2 * (size_t)m->H * L, need = 2 * (size_t)m->c.blocks * n;

	if (need > m->kccap) {
		float *p = realloc(m->kc, need * sizeof(float));

		if (!p)
			return;
		m->kc = p;
		m->kccap = need;
	}
	for (int i = 0; i < m->c.blocks; i++)
		for (int j = 0; j < 2; j++)
			memcpy(m->kc + (2 * (size_t)i + j) * n, m->act[i].s4c[j].K,
			       n * sizeof(float));
	m->kc_L = L;
	m->kc_hash = hash;
}

/* Move the columns of windows keep[0..nb) (increasing) of a (rows, ob * L) tensor of esz-byte
 * elements to the front, as a (rows, nb * L) tensor.  In place: every destination lies at or
 * before its source. */
static void gather_windows(void *buf, size_t esz, int rows, int L, int ob, const int *keep, int nb)
{
	char *p = buf;
	size_t w = (size_t)L * esz;

	for (int r = 0; r < rows; r++)
		for (int i = 0; i < nb; i++)
			memmove(p + ((size_t)r * nb + i) * w, p + ((size_t)r * ob + keep[i]) * w, w);
}

/* Drop the finished windows from the network's batch: the cached conditioner convolutions and
 * the retrieval channels the next forward reads (the S4 kernels do not depend on the batch). */
static void compact_batch(struct sssd_model *m, int L, int ob, const int *keep, int nb)
{
	for (int i = 0; i < m->c.blocks; i++)
		gather_windows(m->act[i].cc, sizeof(float), 2 * m->c.channels, L, ob, keep, nb);
	if (m->c.retrieval && m->retr_on) {
		gather_windows(m->rprop, sizeof(int32_t), 1, L, ob, keep, nb);
		gather_windows(m->rfeat, sizeof(float), SSSD_RETR_FEATS, L, ob, keep, nb);
	}
}

/* The same before the first forward: the conditioner itself and the retrieval channels. */
static void compact_inputs(struct sssd_model *m, int L, int ob, const int *keep, int nb)
{
	gather_windows(m->cond, sizeof(float), m->Kc, L, ob, keep, nb);
	if (m->c.retrieval && m->retr_on) {
		gather_windows(m->rprop, sizeof(int32_t), 1, L, ob, keep, nb);
		gather_windows(m->rfeat, sizeof(float), SSSD_RETR_FEATS, L, ob, keep, nb);
	}
}

/* Absorbing-state sampling: all missing positions start masked (input 0); each of at most S
 * rounds runs the network and reveals, in every window, the masked positions it predicts with
 * probability >= SSSD_REVEAL_CONF, and at least as many of the most confident ones as leave
 * gap * (1 - s/S) masked after round s; the last round reveals the rest.  Windows with nothing
 * left masked leave the batch, so a confident model needs one round, and later rounds cost
 * only the windows still uncertain. */
static int sample_absorb(struct sssd_model *m, const struct sssd_params *P, int32_t *ids,
			 const uint8_t *known, float *conf, float *logp, int B, int L, int steps)
{
	size_t BL = (size_t)B * L, KBL = (size_t)m->K * BL;
	int K = m->K, T = m->c.T, err;
	float *x0 = malloc(KBL * sizeof(float)), *best_p = malloc(BL * sizeof(float));
	double *pbuf = malloc(K * sizeof(double));
	int *tv = malloc(B * sizeof(int)), *gap = calloc(B, sizeof(int)),
	    *left = calloc(B, sizeof(int));
	int *act = malloc(B * sizeof(int)), *keepi = malloc(B * sizeof(int));
	int32_t *best = malloc(BL * sizeof(int32_t));
	uint8_t *shown = malloc(BL);

	if (!x0 || !best_p || !pbuf || !tv || !gap || !left || !act || !keepi || !best || !shown) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = sssd_workspace(m, B, L, 0)))
		goto out;
	uint64_t khash;

	m->reuse_kernels = kernels_load(m, P, L, &khash);
	m->reuse_cond = 0;
	sssd_encode(m, x0, ids, known, B, L);
	memcpy(shown, known, BL);
	for (size_t j = 0; j < BL; j++)
		gap[j / L] += !known[j];
	memcpy(left, gap, B * sizeof(int));
	int S = steps < 1 ? 1 : steps, maxgap = 0, na = B;

	for (int b = 0; b < B; b++) { /* more rounds than positions would reveal nothing */
		maxgap = gap[b] > maxgap ? gap[b] : maxgap;
		act[b] = b;
	}
	if (S > maxgap)
		S = maxgap > 0 ? maxgap : 1;

	for (int s = 0; s < S; s++) {
		int nk = 0;

		for (int i = 0; i < na; i++) /* windows still masked stay in the batch */
			if (left[act[i]] > 0)
				keepi[nk++] = i;
		if (nk == 0)
			break;
		if (nk < na) {
			if (m->reuse_cond)
				compact_batch(m, L, na, keepi, nk);
			else /* windows without a gap before the first round */
				compact_inputs(m, L, na, keepi, nk);
			for (int i = 0; i < nk; i++)
				act[i] = act[keepi[i]];
			na = nk;
		}
		size_t nBL = (size_t)na * L;

		for (int k = 0; k < K; k++)
			for (int i = 0; i < na; i++) {
				size_t o = (size_t)act[i] * L;
				float *dst = m->xt + k * nBL + (size_t)i * L;
				const float *src = x0 + k * BL + o;

				for (int l = 0; l < L; l++)
					dst[l] = shown[o + l] ? src[l] : 0.0f;
			}
		for (int i = 0; i < na; i++) {
			int b = act[i];

			tv[i] = (int)lround((double)(T - 1) * left[b] / gap[b]);
		}
		sssd_net_forward(m, P, tv, na, L);
		if (!m->reuse_kernels)
			kernels_keep(m, L, khash);
		m->reuse_kernels = m->reuse_cond = 1;
		for (int i = 0; i < na; i++) {
			int b = act[i],
			    keep = s == S - 1 ? 0 : (int)((double)gap[b] * (S - 1 - s) / S);
			int unsure = 0;

			for (int l = 0; l < L; l++) {
				size_t j = (size_t)b * L + l, c = (size_t)i * L + l;

				if (shown[j])
					continue;
				int bk = 1;

				softmax_col(pbuf, m->out, c, nBL, K);
				if (logp) { /* this round's distribution; kept by the round revealing j */
					float *row = logp + j * (size_t)m->c.V;
					double z = 0; /* over the ids it may propose: 1..K-1 */

					for (int k = 1; k < K; k++)
						z += pbuf[k];
					row[0] = IMPUTER_LOGP_FLOOR;
					for (int k = 1; k < m->c.V; k++) {
						float lv = k < K && z > 0 ? (float)log(pbuf[k] / z)
									  : IMPUTER_LOGP_FLOOR;
						row[k] = lv > IMPUTER_LOGP_FLOOR
								 ? lv
								 : IMPUTER_LOGP_FLOOR;
					}
				}
				for (int k = 2; k < K; k++) /* id 0 is "unseen": never proposed */
					if (pbuf[k] > pbuf[bk])
						bk = k;
				best[j] = bk;
				best_p[j] = (float)pbuf[bk];
				unsure += best_p[j] < SSSD_REVEAL_CONF;
			}
			if (keep > unsure) /* the confident ones need no further round */
				keep = unsure;
			/* reveal left[b] - keep positions of window b, most confident first */
			while (left[b] > keep) {
				size_t arg = 0;
				int found = 0;

				/* the first masked position, then any more confident one (a NaN
				 * probability from a diverged model still reveals a position of
				 * window b) */
				for (int l = 0; l < L; l++) {
					size_t j = (size_t)b * L + l;

					if (!shown[j] && (!found || best_p[j] > best_p[arg]))
						found = 1, arg = j;
				}
				if (!found) /* left[b] counts the masked positions: none is left */
					break;
				shown[arg] = 1;
				ids[arg] = best[arg];
				if (conf)
					conf[arg] = best_p[arg];
				for (int k = 0; k < K; k++)
					x0[k * BL + arg] = k == best[arg] ? 1.0f : -1.0f;
				left[b]--;
			}
		}
	}
out:
	m->reuse_kernels = m->reuse_cond = 0;
	if (err == -ENOMEM)
		err_set("out of memory while sampling");
	free(x0);
	free(best_p);
	free(pbuf);
	free(tv);
	free(gap);
	free(left);
	free(act);
	free(keepi);
	free(best);
	free(shown);
	return err;
}

int sssd_sample_scores(struct sssd_model *m, const struct sssd_params *P, int32_t *ids,
		       const uint8_t *known, float *conf, float *logp, int B, int L, int steps,
		       uint64_t *rng)
{
	float *c = conf;
	int err;

	if (m->c.objective == SSSD_OBJ_ABSORB || !logp)
		return m->c.objective == SSSD_OBJ_ABSORB
			       ? sample_absorb(m, P, ids, known, conf, logp, B, L, steps)
			       : sssd_sample(m, P, ids, known, conf, B, L, steps, rng);
	if (!c && !(c = malloc(sizeof(float) * ((size_t)B * L + 1))))
		return -ENOMEM;
	err = sssd_sample(m, P, ids, known, c, B, L, steps, rng);
	if (!err)
		imputer_logp_from_answer(ids, known, c, logp, B, L, m->c.V);
	if (c != conf)
		free(c);
	return err;
}

int sssd_sample(struct sssd_model *m, const struct sssd_params *P, int32_t *ids,
		const uint8_t *known, float *conf, int B, int L, int steps, uint64_t *rng)
{
	if (m->c.objective == SSSD_OBJ_ABSORB)
		return sample_absorb(m, P, ids, known, conf, NULL, B, L, steps);

	size_t BL = (size_t)B * L, KBL = (size_t)m->K * BL;
	int T = m->c.T, S = steps <= 0 || steps >= T ? T : steps, ddim = S < T, err;
	/* zeroed: sssd_encode() writes only row 0 of x0 for the scalar representation (K == 1),
	 * softmax_col() only the K entries of pbuf a one-hot model (K == V >= 2) has */
	float *buf = calloc(3 * KBL, sizeof(float));
	double *pbuf = calloc(m->K, sizeof(double));
	int *tv = malloc(B * sizeof(int));
	float *x0, *x0h, *epsh, *x;

	if (!buf || !pbuf || !tv) {
		err = -ENOMEM;
		goto out;
	}
	x0 = buf, x0h = buf + KBL, epsh = buf + 2 * KBL;
	if ((err = sssd_workspace(m, B, L, 0)))
		goto out;
	x = m->xt;
	uint64_t khash;

	m->reuse_kernels = kernels_load(m, P, L, &khash);
	m->reuse_cond = 0;
	sssd_encode(m, x0, ids, known, B, L);
	for (size_t i = 0; i < KBL; i++)
		x[i] = rng_normal(rng);
	for (int k = S - 1; k >= 0; k--) {
		/* one DDIM step: the x0 prediction at t = T-1 from pure noise */
		int t = !ddim ? k : S > 1 ? (int)lround((double)k * (T - 1) / (S - 1)) : T - 1;
		int tn = ddim && k > 0 ? (int)lround((double)(k - 1) * (T - 1) / (S - 1)) : -1;

		for (size_t i = 0; i < KBL; i++)
			if (known[i % BL])
				x[i] = x0[i];
		for (int b = 0; b < B; b++)
			tv[b] = t;
		sssd_net_forward(m, P, tv, B, L);
		if (!m->reuse_kernels)
			kernels_keep(m, L, khash);
		m->reuse_kernels = m->reuse_cond = 1; /* weights are fixed while sampling */
		predict(m, x0h, epsh, x, t, BL, pbuf);
		if (k == 0)
			break;
		if (ddim) { /* 5.4: x = sqrt(ab') x0h + sqrt(1 - ab') epsh */
			double abn = m->sched.alpha_bar[tn];

			for (size_t i = 0; i < KBL; i++)
				x[i] = (float)(sqrt(abn) * x0h[i] + sqrt(1.0 - abn) * epsh[i]);
		} else { /* 2.2 step 2.3-2.4 */
			double a = m->sched.alpha[t], ab = m->sched.alpha_bar[t];
			double c = (1.0 - a) / sqrt(1.0 - ab);

			for (size_t i = 0; i < KBL; i++)
				x[i] = (float)((x[i] - c * epsh[i]) / sqrt(a) +
					       m->sched.sigma[t] * rng_normal(rng));
		}
	}
	decode(m, ids, known, conf, x0h, BL, pbuf);
out:
	m->reuse_kernels = m->reuse_cond = 0;
	if (err == -ENOMEM)
		err_set("out of memory while sampling");
	free(buf);
	free(pbuf);
	free(tv);
	return err;
}

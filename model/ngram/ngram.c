/* ngram.c - bidirectional exact-context n-gram imputer over a suffix array (see ngram.h). */
#include "ngram/ngram.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NGRAM_CAP 20000 /* matches examined per query (evenly subsampled beyond) */

struct ngram {
	struct imputer base;
	int32_t *text; /* sequences laid end to end, each followed by a 0 break: (N) */
	int64_t N;
	int32_t *sa; /* positions of non-break ids, sorted on their next kmax ids: (nsa) */
	int64_t nsa;
	int kmax;
	int64_t maxlen; /* longest training sequence: longer patterns cannot match */
	int32_t top;    /* most frequent id */
	float *prior;   /* (V) unigram probabilities, add-one smoothed (scores) */
};

/* A match set: starts of the voted spans in text. */
struct matches {
	int64_t *q;  /* (cap) */
	uint64_t *h; /* (cap) span hashes */
	int n;
	int64_t total; /* matches before subsampling */
};

/* Scratch for one fill call. */
struct scratch {
	struct matches m;
	int64_t *votes;   /* (V) */
	int64_t xlo, xhi; /* matches touching text [xlo, xhi) do not count (xlo < 0: none) */
};

static inline int excluded(const struct scratch *sc, int64_t a, int64_t b)
{
	return sc->xlo >= 0 && a < sc->xhi && b > sc->xlo;
}

static inline int32_t at(const struct ngram *ng, int64_t i)
{
	return i < ng->N ? ng->text[i] : 0;
}

/* LSD radix sort of the suffix positions on their first ng->kmax ids. */
static int sort_suffixes(struct ngram *ng, int V)
{
	int32_t *tmp;
	int64_t *cnt;

	if (ng->nsa == 0) /* no known id in the corpus: nothing to sort (and malloc(0) may be NULL) */
		return 0;
	tmp = malloc(ng->nsa * sizeof(*tmp));
	cnt = calloc(V + 1, sizeof(*cnt));
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return -ENOMEM;
	}
	for (int d = ng->kmax - 1; d >= 0; d--) {
		int64_t sum = 0;

		memset(cnt, 0, (V + 1) * sizeof(*cnt));
		for (int64_t i = 0; i < ng->nsa; i++)
			cnt[at(ng, (int64_t)ng->sa[i] + d)]++;
		for (int v = 0; v <= V; v++) {
			int64_t c = cnt[v];

			cnt[v] = sum;
			sum += c;
		}
		for (int64_t i = 0; i < ng->nsa; i++)
			tmp[cnt[at(ng, (int64_t)ng->sa[i] + d)]++] = ng->sa[i];
		memcpy(ng->sa, tmp, ng->nsa * sizeof(*tmp));
	}
	free(tmp);
	free(cnt);
	return 0;
}

/* Compare the k ids at text position p with pat[0..k). */
static int cmp_at(const struct ngram *ng, int64_t p, const int32_t *pat, int k)
{
	for (int j = 0; j < k; j++) {
		int32_t a = at(ng, p + j);

		if (a != pat[j])
			return a < pat[j] ? -1 : 1;
	}
	return 0;
}

/* Suffix array range [*lo, *lo + count) of the occurrences of pat[0..k); returns count. */
static int64_t sa_range(const struct ngram *ng, const int32_t *pat, int k, int64_t *lo)
{
	int64_t a = 0, b = ng->nsa, l;

	while (a < b) { /* first suffix >= pat */
		int64_t m = a + (b - a) / 2;

		if (cmp_at(ng, ng->sa[m], pat, k) < 0)
			a = m + 1;
		else
			b = m;
	}
	l = a;
	b = ng->nsa;
	while (a < b) { /* first suffix > pat */
		int64_t m = a + (b - a) / 2;

		if (cmp_at(ng, ng->sa[m], pat, k) <= 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = l;
	return a - l;
}

int64_t ngram_count(const struct imputer *im, const int32_t *ids, int k)
{
	const struct ngram *ng = (const struct ngram *)im;
	int64_t lo;

	if (!im || k < 1 || k > ng->kmax)
		return 0;
	return sa_range(ng, ids, k, &lo);
}

static void ngram_free(struct imputer *im)
{
	struct ngram *ng = (struct ngram *)im;

	if (!ng)
		return;
	free(ng->text);
	free(ng->sa);
	free(ng->prior);
	free(ng);
}

static int ngram_fill(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		      int L, uint64_t seed)
{
	(void)seed; /* deterministic: ties go to the earliest match */
	return ngram_fill_detail(im, seq, known, conf, B, L, NULL);
}

static int ngram_scores(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
			float *logp, int B, int L, uint64_t seed)
{
	(void)seed;
	return ngram_fill_scores(im, seq, known, conf, logp, B, L, NULL);
}

static const struct imputer_ops ngram_ops = {
	.name = "ngram",
	.flags = IMPUTER_REENTRANT,
	.fill = ngram_fill,
	.scores = ngram_scores,
	.free = ngram_free,
};

/* Copy the corpus into text with breaks, count ids, list the suffix positions. */
static int load_text(struct ngram *ng, const struct corpus *c, int V)
{
	int64_t total = c->starts[c->n] - c->starts[0], *cnt;
	int64_t w = 0, s = 0;

	if (total < 0)
		return -EINVAL;
	if (total + c->n >= INT32_MAX)
		return -E2BIG;
	ng->N = total + c->n;
	ng->text = malloc((ng->N ? ng->N : 1) * sizeof(*ng->text));
	ng->sa = malloc((ng->N ? ng->N : 1) * sizeof(*ng->sa));
	cnt = calloc(V, sizeof(*cnt));
	if (!ng->text || !ng->sa || !cnt) {
		free(cnt);
		return -ENOMEM;
	}
	for (int64_t i = 0; i < c->n; i++) {
		if (c->starts[i + 1] < c->starts[i]) {
			free(cnt);
			return -EINVAL;
		}
		if (c->starts[i + 1] - c->starts[i] > ng->maxlen)
			ng->maxlen = c->starts[i + 1] - c->starts[i];
		for (int64_t j = c->starts[i]; j < c->starts[i + 1]; j++) {
			int32_t id = c->ids[j];

			if (id <= 0 || id >= V)
				id = 0;
			cnt[id]++;
			if (id)
				ng->sa[s++] = (int32_t)w;
			ng->text[w++] = id;
		}
		ng->text[w++] = 0;
	}
	ng->nsa = s;
	ng->top = V > 1 ? 1 : 0;
	for (int v = 1; v < V; v++)
		if (cnt[v] > cnt[ng->top])
			ng->top = v;
	for (int v = 1; v < V; v++)
		ng->prior[v] = (float)((double)(cnt[v] + 1) / (double)(total - cnt[0] + V - 1));
	free(cnt);
	return 0;
}

struct imputer *ngram_new(const struct corpus *train, int V, int kmax)
{
	struct ngram *ng;
	int err;

	if (!train || train->n < 0 || (train->n > 0 && (!train->ids || !train->starts)) || V < 2 ||
	    V > (1 << 20) || kmax > NGRAM_KMAX_LIMIT) {
		errno = EINVAL;
		return NULL;
	}
	ng = calloc(1, sizeof(*ng));
	if (!ng) {
		errno = ENOMEM;
		return NULL;
	}
	ng->base.ops = &ngram_ops;
	ng->base.V = V;
	ng->base.window = NGRAM_WINDOW;
	ng->kmax = kmax > 0 ? kmax : NGRAM_KMAX_DEFAULT;
	ng->prior = calloc(V, sizeof(*ng->prior));
	if (!ng->prior) {
		free(ng);
		errno = ENOMEM;
		return NULL;
	}
	for (int v = 1; v < V; v++)
		ng->prior[v] = 1.0f / (float)(V - 1);
	if (train->n == 0) {
		ng->top = 1;
		return &ng->base;
	}
	err = load_text(ng, train, V);
	if (!err)
		err = sort_suffixes(ng, V);
	if (err) {
		ngram_free(&ng->base);
		errno = -err;
		return NULL;
	}
	return &ng->base;
}

/* ---- filling ---------------------------------------------------------------------------- */

static uint64_t span_hash(const int32_t *p, int G)
{
	uint64_t h = 1469598103934665603ull;

	for (int i = 0; i < G; i++) {
		h ^= (uint32_t)p[i];
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

/* The G ids at q contain no break. */
static int span_ok(const struct ngram *ng, int64_t q, int G)
{
	if (q < 0 || q + G > ng->N)
		return 0;
	for (int i = 0; i < G; i++)
		if (!ng->text[q + i])
			return 0;
	return 1;
}

static void add_match(struct matches *m, int64_t q)
{
	if (m->n < NGRAM_CAP)
		m->q[m->n++] = q;
}

/* Spans of G ids between left[0..kl) and right[0..kr) (either may be empty, not both). */
static void find_spans(const struct ngram *ng, const struct scratch *sc, const int32_t *left,
		       int kl, const int32_t *right, int kr, int G, struct matches *m)
{
	int64_t lo_l = 0, lo_r = 0, n_l = -1, n_r = -1, lo, n, step;
	int use_left;

	m->n = 0;
	m->total = 0;
	if (kl > 0)
		n_l = sa_range(ng, left, kl, &lo_l);
	if (kr > 0)
		n_r = sa_range(ng, right, kr, &lo_r);
	if (n_l == 0 || n_r == 0)
		return;
	use_left = kl > 0 && (kr == 0 || n_l <= n_r);
	lo = use_left ? lo_l : lo_r;
	n = use_left ? n_l : n_r;
	/* verify the other side on at most ~4 * cap candidates */
	step = n > 4 * NGRAM_CAP ? n / (4 * NGRAM_CAP) : 1;
	for (int64_t i = 0; i < n; i += step) {
		int64_t p = ng->sa[lo + i];
		int64_t q = use_left ? p + kl : p - G;

		if (!span_ok(ng, q, G) || (sc && excluded(sc, q - kl, q + G + kr)))
			continue;
		if (use_left ? (kr > 0 && cmp_at(ng, q + G, right, kr) != 0)
			     : (kl > 0 && (q - kl < 0 || cmp_at(ng, q - kl, left, kl) != 0)))
			continue;
		m->total += step;
		add_match(m, q);
	}
}

static int cmp_match(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* The most frequent span among the matches (ties: earliest in the corpus); its start. */
static int64_t vote_span(const struct ngram *ng, struct matches *m, int G)
{
	uint64_t *pairs = (uint64_t *)m->h; /* 2 * cap words: (hash, q) */
	int64_t best_q = -1;
	int best_n = 0;

	for (int i = 0; i < m->n; i++) {
		pairs[2 * i] = span_hash(ng->text + m->q[i], G);
		pairs[2 * i + 1] = (uint64_t)m->q[i];
	}
	qsort(pairs, m->n, 2 * sizeof(uint64_t), cmp_match);
	for (int i = 0; i < m->n;) {
		int j = i;

		while (j < m->n && pairs[2 * j] == pairs[2 * i])
			j++;
		if (j - i > best_n || (j - i == best_n && (int64_t)pairs[2 * i + 1] < best_q)) {
			best_n = j - i;
			best_q = (int64_t)pairs[2 * i + 1];
		}
		i = j;
	}
	return best_q;
}

/* Scores of one position from its votes (V counts, tot their sum): the share of the votes
 * smoothed with one vote spread as the unigram prior, log; id 0 gets the floor. */
static void votes_logp(const struct ngram *ng, const int64_t *votes, int64_t tot, float *row)
{
	int V = ng->base.V;

	row[0] = IMPUTER_LOGP_FLOOR;
	for (int v = 1; v < V; v++) {
		float l = logf(((float)votes[v] + ng->prior[v]) / ((float)tot + 1.0f));
		row[v] = l > IMPUTER_LOGP_FLOOR ? l : IMPUTER_LOGP_FLOOR;
	}
}

/* Write the span at text q into out[0..G), with per-position agreement into conf and, when
 * logp is not NULL, per-position scores from the ids all matches have there (G rows of V). */
static void emit_span(const struct ngram *ng, struct scratch *sc, const struct matches *m,
		      int64_t q, int G, int32_t *out, float *conf, float *logp,
		      struct ngram_info *info, int how, int kl, int kr)
{
	for (int i = 0; i < G; i++) {
		int32_t id = ng->text[q + i];
		int agree = 0;

		if (logp) {
			memset(sc->votes, 0, ng->base.V * sizeof(*sc->votes));
			for (int j = 0; j < m->n; j++)
				sc->votes[ng->text[m->q[j] + i]]++;
			votes_logp(ng, sc->votes, m->n, logp + (size_t)i * ng->base.V);
		}
		out[i] = id;
		if (conf) {
			for (int j = 0; j < m->n; j++)
				agree += ng->text[m->q[j] + i] == id;
			conf[i] = (float)agree / m->n;
		}
		if (info) {
			info[i].how = how;
			info[i].kl = kl;
			info[i].kr = kr;
			info[i].support = m->total > UINT32_MAX ? UINT32_MAX : (uint32_t)m->total;
		}
	}
}

static int valid_id(const struct ngram *ng, int32_t id)
{
	return id > 0 && id < ng->base.V;
}

/* Most voted id following (dir = +1) or preceding (dir = -1) the k ids at row[pos..pos+k). */
static int32_t vote_next(const struct ngram *ng, struct scratch *sc, const int32_t *pat, int k,
			 int dir, float *share, uint32_t *support)
{
	int64_t lo, n = sa_range(ng, pat, k, &lo), step, tot = 0, best = 0;
	int32_t id = 0;

	if (n == 0)
		return 0;
	memset(sc->votes, 0, ng->base.V * sizeof(*sc->votes));
	step = n > NGRAM_CAP ? n / NGRAM_CAP : 1;
	for (int64_t i = 0; i < n; i += step) {
		int64_t p = ng->sa[lo + i] + (dir > 0 ? k : -1);
		int32_t v = p >= 0 ? at(ng, p) : 0;

		if (excluded(sc, ng->sa[lo + i] - 1, (int64_t)ng->sa[lo + i] + k + 1))
			continue;
		if (v) {
			sc->votes[v]++;
			tot++;
		}
	}
	for (int v = 1; v < ng->base.V; v++)
		if (sc->votes[v] > best) {
			best = sc->votes[v];
			id = v;
		}
	if (id) {
		*share = (float)best / tot;
		*support = tot * step > UINT32_MAX ? UINT32_MAX : (uint32_t)(tot * step);
	}
	return id;
}

/* Phase 3/4: position by position; ok[j] tells which row ids may serve as context. */
static void fill_steps(const struct ngram *ng, struct scratch *sc, int32_t *row, uint8_t *ok, int L,
		       int a, int b, float *conf, float *logp, struct ngram_info *info)
{
	int backward = (a == 0 || !ok[a - 1]) && b < L && ok[b];

	for (int t = 0; t < b - a; t++) {
		int i = backward ? b - 1 - t : a + t, avail = 0, k;
		int32_t id = 0;
		float share = 0;
		uint32_t support = 0;

		while (avail < ng->kmax && (backward ? i + 1 + avail < L && ok[i + 1 + avail]
						     : i - 1 - avail >= 0 && ok[i - 1 - avail]))
			avail++;
		for (k = avail; k > 0 && !id; k--)
			id = vote_next(ng, sc, backward ? row + i + 1 : row + i - k, k,
				       backward ? -1 : 1, &share, &support);
		row[i] = id ? id : ng->top;
		ok[i] = 1;
		if (logp) {
			float *lr = logp + (size_t)i * ng->base.V;
			int64_t tot = 0;

			for (int v = 1; id && v < ng->base.V; v++)
				tot += sc->votes[v];
			if (id)
				votes_logp(ng, sc->votes, tot, lr);
			for (int v = 0; !id && v < ng->base.V; v++)
				lr[v] = v ? logf(ng->prior[v]) : IMPUTER_LOGP_FLOOR;
		}
		if (conf)
			conf[i] = id ? share : 0;
		if (info) {
			info[i].how = id ? NGRAM_STEP : NGRAM_PRIOR;
			info[i].kl = id && !backward ? k + 1 : 0;
			info[i].kr = id && backward ? k + 1 : 0;
			info[i].support = support;
		}
	}
}

/* One gap [a, b) of a row: phases 1-4 of ngram.h. */
static void fill_gap(const struct ngram *ng, struct scratch *sc, int32_t *row, uint8_t *ok, int L,
		     int a, int b, float *conf, float *logp, struct ngram_info *info)
{
	int G = b - a, al = 0, ar = 0;
	struct matches *m = &sc->m;

	while (al < ng->kmax && a - 1 - al >= 0 && ok[a - 1 - al])
		al++;
	while (ar < ng->kmax && b + ar < L && ok[b + ar])
		ar++;
	if (ng->nsa == 0)
		goto steps;
	if (al > 0 && ar > 0) {
		for (int k = al > ar ? al : ar; k > 0; k--) {
			int kl = k < al ? k : al, kr = k < ar ? k : ar;

			if (kl + G + kr > ng->maxlen)
				continue;
			find_spans(ng, sc, row + a - kl, kl, row + b, kr, G, m);
			if (m->n > 0) {
				emit_span(ng, sc, m, vote_span(ng, m, G), G, row + a,
					  conf ? conf + a : NULL,
					  logp ? logp + (size_t)a * ng->base.V : NULL,
					  info ? info + a : NULL, NGRAM_SPAN2, kl, kr);
				goto done;
			}
		}
	}
	for (int side = 0; side < 2; side++) {
		int avail = side == 0 ? al : ar;

		for (int k = avail; k > 0; k--) {
			if (k + G > ng->maxlen)
				continue;
			find_spans(ng, sc, side == 0 ? row + a - k : NULL, side == 0 ? k : 0,
				   side == 1 ? row + b : NULL, side == 1 ? k : 0, G, m);
			if (m->n > 0) {
				emit_span(ng, sc, m, vote_span(ng, m, G), G, row + a,
					  conf ? conf + a : NULL,
					  logp ? logp + (size_t)a * ng->base.V : NULL,
					  info ? info + a : NULL, NGRAM_SPAN1, side == 0 ? k : 0,
					  side == 1 ? k : 0);
				goto done;
			}
		}
	}
steps:
	fill_steps(ng, sc, row, ok, L, a, b, conf, logp, info);
done:
	for (int i = a; i < b; i++)
		ok[i] = 0; /* imputed ids are not context for later gaps */
}

int ngram_fill_detail(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		      int L, struct ngram_info *info)
{
	return ngram_fill_scores(im, seq, known, conf, NULL, B, L, info);
}

int ngram_fill_scores(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
		      float *logp, int B, int L, struct ngram_info *info)
{
	return ngram_fill_excl(im, seq, known, conf, logp, B, L, info, NULL);
}

int64_t ngram_text_pos(const struct corpus *c, int64_t s, int64_t off)
{
	return c->starts[s] - c->starts[0] + s + off;
}

int ngram_fill_excl(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
		    float *logp, int B, int L, struct ngram_info *info, const int64_t *excl)
{
	struct ngram *ng = (struct ngram *)im;
	struct scratch sc = { 0 };
	uint8_t *ok = NULL;
	int err = 0;

	if (!im || im->ops != &ngram_ops || !seq || !known || B < 0 || L < 0)
		return -EINVAL;
	sc.m.q = malloc(NGRAM_CAP * sizeof(*sc.m.q));
	sc.m.h = malloc(2 * NGRAM_CAP * sizeof(*sc.m.h));
	sc.votes = malloc(im->V * sizeof(*sc.votes));
	ok = malloc(L ? L : 1);
	if (!sc.m.q || !sc.m.h || !sc.votes || !ok) {
		err = -ENOMEM;
		goto out;
	}
	for (int r = 0; r < B; r++) {
		int32_t *row = seq + (int64_t)r * L;
		const uint8_t *kn = known + (int64_t)r * L;
		float *cr = conf ? conf + (int64_t)r * L : NULL;
		struct ngram_info *ir = info ? info + (int64_t)r * L : NULL;
		float *lr = logp ? logp + (size_t)r * L * im->V : NULL;

		sc.xlo = excl ? excl[r] : -1;
		sc.xhi = excl ? excl[r] + L : -1;

		for (int i = 0; i < L; i++) {
			ok[i] = kn[i] && valid_id(ng, row[i]);
			if (ir && kn[i])
				memset(&ir[i], 0, sizeof(ir[i]));
		}
		for (int a = 0; a < L;) {
			int b = a;

			if (kn[a]) {
				a++;
				continue;
			}
			while (b < L && !kn[b])
				b++;
			fill_gap(ng, &sc, row, ok, L, a, b, cr, lr, ir);
			a = b;
		}
	}
out:
	free(sc.m.q);
	free(sc.m.h);
	free(sc.votes);
	free(ok);
	return err;
}

/* fill_sketch.c - a gap's lost-syscall sketch as a constraint on its synthetic events.
 *
 * The collector's sketch (trz/trz.h struct trz_sketch) says how many of a gap's lost events had
 * each of up to 64 tokens, how many had some other token, and the first and last up to 8 lost
 * tokens in order.  Filling then only has to order a known multiset: the imputer scores every
 * position over its vocabulary (imputer_fill_scores()), the scores are folded into one column
 * per sketched token plus one "other" column (the best id the sketch does not name), the ends
 * are placed as recorded, and model/constrain.h assigns the rest so that every column is used
 * exactly as often as the sketch counts, with the highest total log-probability.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "constrain.h"
#include "fill/fill.h"

struct fill_sketch {
	uint64_t n; /* positions (the gap's lost) */
	int C;      /* columns: ntoks tokens, then "other" when the sketch has any */
	int other;  /* column index of "other", or -1 */
	int32_t tok[TRZ_SKETCH_MAX_TOKS + 1]; /* token of each column (other: TOK_NONE) */
	int32_t id[TRZ_SKETCH_MAX_TOKS + 1];  /* model id of each column (0: unseen) */
	int32_t count[TRZ_SKETCH_MAX_TOKS + 1];
	float *lp;         /* (n, C) column scores */
	int32_t *oid;      /* (n) best id outside the sketch, for the "other" column */
	int nfirst, nlast; /* recorded ends usable as imputation context (0 when they are not) */
	int32_t first[TRZ_SKETCH_ENDS], last[TRZ_SKETCH_ENDS];
};

static int place_ends(const struct fill_sketch *sk, const struct trz_sketch *s, int *fixed,
		      int32_t *ftok, int32_t *rem);

/* Column of token t, or -1. */
static int sketch_col(const struct fill_sketch *sk, int32_t t)
{
	for (int c = 0; c < sk->C; c++)
		if (c != sk->other && sk->tok[c] == t)
			return c;
	return -1;
}

/* The recorded ends as context for the imputer, when they agree with the counts (the decoder
 * places them as recorded anyway).  0 or -ENOMEM. */
static int keep_ends(struct fill_sketch *sk, const struct trz_sketch *s)
{
	int *fixed = malloc(sizeof(int) * sk->n);
	int32_t *ftok = malloc(sizeof(int32_t) * sk->n), rem[TRZ_SKETCH_MAX_TOKS + 1];

	if (!fixed || !ftok) {
		free(fixed);
		free(ftok);
		return -ENOMEM;
	}
	if (!place_ends(sk, s, fixed, ftok, rem)) {
		sk->nfirst = s->nfirst;
		sk->nlast = s->nlast;
		for (int i = 0; i < s->nfirst; i++)
			sk->first[i] = tok_make(s->first[i].nr, s->first[i].dir);
		for (int i = 0; i < s->nlast; i++)
			sk->last[i] = tok_make(s->last[i].nr, s->last[i].dir);
	}
	free(fixed);
	free(ftok);
	return 0;
}

int32_t fill_sketch_end(const struct fill_sketch *sk, uint64_t pos)
{
	if (!sk || pos >= sk->n)
		return TOK_NONE;
	if (pos < (uint64_t)sk->nfirst)
		return sk->first[pos];
	if (pos >= sk->n - (uint64_t)sk->nlast)
		return sk->last[pos - (sk->n - (uint64_t)sk->nlast)];
	return TOK_NONE;
}

int fill_sketch_new(struct fill_sketch **out, const struct trz_gap *g, const struct vocab *v)
{
	const struct trz_sketch *s = &g->sketch;
	struct fill_sketch *sk;
	uint64_t sum = s->other;

	*out = NULL;
	if (!g->attributed || !s->present || g->lost == 0 || g->lost > FILL_SKETCH_MAX ||
	    s->ntoks > TRZ_SKETCH_MAX_TOKS)
		return 0;
	for (int i = 0; i < s->ntoks; i++)
		sum += s->toks[i].count;
	if (sum != g->lost || s->other == g->lost) /* nothing known, or it does not add up */
		return 0;
	if (!(sk = calloc(1, sizeof(*sk))))
		return -ENOMEM;
	sk->n = g->lost;
	sk->other = -1;
	for (int i = 0; i < s->ntoks; i++) {
		int32_t t = tok_make(s->toks[i].tok.nr, s->toks[i].tok.dir);
		int c = sketch_col(sk, t);

		if (t == TOK_NONE) /* a token we cannot write: treat as unknown */
			goto skip;
		if (c < 0) {
			c = sk->C++;
			sk->tok[c] = t;
			sk->id[c] = vocab_id(v, tok_nr(t), tok_dir(t));
		}
		sk->count[c] += (int32_t)s->toks[i].count;
	}
	if (s->other) {
		sk->other = sk->C++;
		sk->tok[sk->other] = TOK_NONE;
		sk->count[sk->other] = (int32_t)s->other;
	}
	sk->lp = malloc(sizeof(float) * (sk->n * (size_t)sk->C + 1));
	sk->oid = malloc(sizeof(int32_t) * sk->n);
	if (!sk->lp || !sk->oid) {
		fill_sketch_free(sk);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < sk->n * (uint64_t)sk->C; i++)
		sk->lp[i] = IMPUTER_LOGP_FLOOR;
	memset(sk->oid, 0, sizeof(int32_t) * sk->n);
	if (keep_ends(sk, s)) {
		fill_sketch_free(sk);
		return -ENOMEM;
	}
	*out = sk;
	return 0;
skip:
	free(sk);
	return 0;
}

void fill_sketch_free(struct fill_sketch *sk)
{
	if (!sk)
		return;
	free(sk->lp);
	free(sk->oid);
	free(sk);
}

void fill_sketch_take(struct fill_sketch *sk, uint64_t pos, const float *row, int V)
{
	float *lp = sk->lp + pos * (uint64_t)sk->C;

	if (pos >= sk->n)
		return;
	for (int c = 0; c < sk->C; c++)
		if (c != sk->other)
			lp[c] = sk->id[c] > 0 && sk->id[c] < V ? row[sk->id[c]] : IMPUTER_LOGP_FLOOR;
	if (sk->other >= 0) {
		float best = -INFINITY;
		int32_t arg = 0;

		for (int v = 1; v < V; v++) {
			int named = 0;
			for (int c = 0; c < sk->C && !named; c++)
				named = c != sk->other && sk->id[c] == v;
			if (!named && row[v] > best)
				best = row[v], arg = v;
		}
		lp[sk->other] = arg ? best : IMPUTER_LOGP_FLOOR;
		sk->oid[pos] = arg;
	}
}

/* Place the recorded ends: fixed[i] = column of position i or -1; the tokens of fixed "other"
 * positions are the recorded ones.  0, or -EINVAL when the ends disagree with the counts. */
static int place_ends(const struct fill_sketch *sk, const struct trz_sketch *s, int *fixed,
		      int32_t *ftok, int32_t *rem)
{
	uint64_t n = sk->n;

	for (uint64_t i = 0; i < n; i++)
		fixed[i] = -1;
	memcpy(rem, sk->count, sizeof(int32_t) * (size_t)sk->C);
	for (int e = 0; e < 2; e++) {
		int k = e ? s->nlast : s->nfirst;
		const struct trz_token *tk = e ? s->last : s->first;

		if (k > TRZ_SKETCH_ENDS || (uint64_t)k > n)
			return -EINVAL;
		for (int i = 0; i < k; i++) {
			uint64_t p = e ? n - (uint64_t)k + (uint64_t)i : (uint64_t)i;
			int32_t t = tok_make(tk[i].nr, tk[i].dir);
			int c = sketch_col(sk, t);

			if (t == TOK_NONE)
				return -EINVAL;
			if (c < 0)
				c = sk->other;
			if (c < 0)
				return -EINVAL;
			/* p < k <= n: fixed[p] was set above (the analyzer does not combine k <= n with
			 * the first loop's bound) */
			// NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): see above
			if (fixed[p] >= 0) { /* first and last overlap (short gaps) */
				if (ftok[p] != t)
					return -EINVAL;
				continue;
			}
			if (--rem[c] < 0)
				return -EINVAL;
			fixed[p] = c;
			ftok[p] = t;
		}
	}
	return 0;
}

static int never_returns(int32_t nr)
{
	return nr == 60 || nr == 231; /* exit, exit_group (x86_64) */
}

/* Take the first unused middle token k (in the assignment's order) with token t; -1 if none. */
static int64_t take_tok(const int32_t *tok, uint8_t *used, uint64_t a, uint64_t b, int32_t t)
{
	for (uint64_t k = a; k < b; k++)
		if (!used[k] && (t == TOK_NONE ? tok_dir(tok[k]) == TRZ_ENTRY : tok[k] == t))
			return (int64_t)k;
	return -1;
}

/* The assignment fixes which tokens, not a grammatical order: reorder the free middle
 * positions [a, b) (the same multiset, each token keeping its confidence) so that an entry is
 * followed by its exit and an exit by an entry wherever the multiset allows, in the order the
 * assignment preferred, ending "in" the syscall whose exit follows the span.  0 or -ENOMEM. */
static int order_middle(struct fill_gap *g, uint64_t a, uint64_t b)
{
	uint64_t m = b - a, o = 0;
	int32_t *tok = malloc(sizeof(int32_t) * (m + 1)), pend;
	float *conf = malloc(sizeof(float) * (m + 1));
	uint8_t *used = calloc(m + 1, 1);
	int32_t right = g->nright > 0 ? g->right[0] : TOK_NONE;
	int64_t keep = -1, k;

	if (!tok || !conf || !used) {
		free(tok), free(conf), free(used);
		return -ENOMEM;
	}
	memcpy(tok, g->out + a, sizeof(int32_t) * m);
	memcpy(conf, g->conf + a, sizeof(float) * m);
	pend = a ? g->out[a - 1] : g->W > 0 ? g->left[g->W - 1] : TOK_NONE;
	if (b < g->gap.lost)
		right = g->out[b];
	if (fill_span_consistent(g->out + a, (int)m, pend, right)) {
		/* already grammatical: the assignment's (the imputer's) order stands */
		free(tok), free(conf), free(used);
		return 0;
	}
	if (right != TOK_NONE && right >= 0 && tok_dir(right) == TRZ_EXIT &&
	    (keep = take_tok(tok, used, 0, m, tok_make(tok_nr(right), TRZ_ENTRY))) >= 0)
		used[keep] = 1; /* the span ends inside this call */
	while (o < m - (keep >= 0)) {
		if (pend >= 0 && tok_dir(pend) == TRZ_ENTRY && !never_returns(tok_nr(pend)))
			k = take_tok(tok, used, 0, m, tok_make(tok_nr(pend), TRZ_EXIT));
		else
			k = take_tok(tok, used, 0, m, TOK_NONE); /* the preferred next call */
		if (k < 0) /* the multiset allows no grammatical next token */
			for (k = 0; used[k]; k++)
				;
		used[k] = 1;
		g->out[a + o] = tok[k];
		g->conf[a + o] = conf[k];
		pend = tok[k];
		o++;
	}
	if (keep >= 0) {
		g->out[a + o] = tok[keep];
		g->conf[a + o] = conf[keep];
	}
	free(tok), free(conf), free(used);
	return 0;
}

int fill_sketch_decode(struct fill_gap *g, struct fill_sketch *sk, const struct vocab *v)
{
	const struct trz_sketch *s = &g->gap.sketch;
	uint64_t n = sk->n, M = 0;
	int C = sk->C, err = -ENOMEM;
	int *fixed = malloc(sizeof(int) * n);
	int32_t *ftok = malloc(sizeof(int32_t) * n), rem[TRZ_SKETCH_MAX_TOKS + 1];
	uint64_t *pos = malloc(sizeof(uint64_t) * n);
	float *lp = calloc(n * (size_t)C + 1, sizeof(float));
	int32_t *col = malloc(sizeof(int32_t) * n);

	if (!fixed || !ftok || !pos || !lp || !col || !g->out || !g->conf)
		goto out;
	if (place_ends(sk, s, fixed, ftok, rem)) { /* ends unusable: the counts alone */
		for (uint64_t i = 0; i < n; i++)
			fixed[i] = -1;
		memcpy(rem, sk->count, sizeof(int32_t) * (size_t)C);
	}
	for (uint64_t i = 0; i < n; i++) {
		if (fixed[i] >= 0) {
			g->out[i] = ftok[i];
			g->conf[i] = 1.0f;
			continue;
		}
		memcpy(lp + M * (uint64_t)C, sk->lp + i * (uint64_t)C, sizeof(float) * (size_t)C);
		pos[M++] = i;
	}
	if ((err = constrain_assign(lp, (int)M, C, rem, col)))
		goto out;
	for (uint64_t k = 0; k < M; k++) {
		const float *r = lp + k * (uint64_t)C;
		uint64_t i = pos[k];
		int c = col[k];
		double z = 0;

		if (c == sk->other) {
			int32_t id = sk->oid[i];
			g->out[i] = id > 0 && id < v->n && v->nr[id] >= 0
					    ? tok_make(v->nr[id], v->dir[id])
					    : TOK_NONE;
		} else {
			g->out[i] = sk->tok[c];
		}
		/* confidence: the chosen column's share among the columns still possible */
		for (int d = 0; d < C; d++)
			if (sk->count[d] > 0)
				z += exp((double)r[d] - r[c]);
		g->conf[i] = z > 0 ? (float)(1.0 / z) : 1.0f;
	}
	{ /* the free middle between the recorded ends, in a grammatical order */
		uint64_t a = 0, b = n;

		while (a < n && fixed[a] >= 0)
			a++;
		while (b > a && fixed[b - 1] >= 0)
			b--;
		err = b > a ? order_middle(g, a, b) : 0;
	}
out:
	free(fixed);
	free(ftok);
	free(pos);
	free(lp);
	free(col);
	return err;
}

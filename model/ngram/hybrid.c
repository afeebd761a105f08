/* hybrid.c - n-gram span retrieval where trusted, another imputer elsewhere (see hybrid.h). */
#include "ngram/hybrid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ngram/ngram.h"

struct hybrid {
	struct imputer base;
	struct imputer *ngram, *other;
	int min_support, min_context;
	int owns;               /* frees ngram and other */
	struct imputer_aux aux; /* the next fill's, handed on to other (set_aux) */
};

static int trusted(const struct hybrid *h, const struct ngram_info *in)
{
	if (in->support < (uint32_t)h->min_support)
		return 0;
	if (in->how == NGRAM_SPAN2)
		return in->kl >= h->min_context && in->kr >= h->min_context;
	/* a gap at a window edge: one side, twice as long */
	return in->how == NGRAM_SPAN1 && in->kl + in->kr >= 2 * h->min_context &&
	       (in->kl == 0 || in->kr == 0);
}

/* Rows with an untrusted position go through the other imputer, compacted into one batch. */
static int fill_other(struct hybrid *h, int32_t *seq, const uint8_t *known, float *conf, float *logp,
		      int B, int L, const struct ngram_info *info, const int32_t *orig, uint64_t seed)
{
	size_t V = (size_t)h->base.V, Vo = (size_t)h->other->V; /* Vo <= V */
	int32_t *s2 = malloc((size_t)B * L * sizeof(*s2));
	uint8_t *k2 = malloc((size_t)B * L);
	float *c2 = conf ? malloc((size_t)B * L * sizeof(*c2)) : NULL;
	float *l2 = logp ? malloc((size_t)B * L * Vo * sizeof(*l2)) : NULL;
	int *rows = malloc(B * sizeof(*rows)), n = 0, err = 0;
	int64_t *t2 = h->aux.ts ? malloc((size_t)B * L * sizeof(*t2)) : NULL;
	uint8_t *r2 = h->aux.rc ? malloc((size_t)B * L) : NULL;

	if (!s2 || !k2 || !rows || (conf && !c2) || (logp && !l2) || (h->aux.ts && !t2) ||
	    (h->aux.rc && !r2)) {
		err = -ENOMEM;
		goto out;
	}
	for (int r = 0; r < B; r++) {
		const size_t o = (size_t)r * L;
		int need = 0;

		for (int i = 0; i < L && !need; i++)
			need = !known[o + i] && !trusted(h, &info[o + i]);
		if (!need)
			continue;
		memcpy(s2 + (size_t)n * L, orig + o, L * sizeof(*s2));
		memcpy(k2 + (size_t)n * L, known + o, L);
		if (t2)
			memcpy(t2 + (size_t)n * L, h->aux.ts + o, L * sizeof(*t2));
		if (r2)
			memcpy(r2 + (size_t)n * L, h->aux.rc + o, L);
		rows[n++] = r;
	}
	if (n) {
		struct imputer_aux a = { t2, r2 };

		imputer_set_aux(h->other, &a);
	}
	if (n)
		err = logp ? imputer_fill_scores(h->other, s2, k2, c2, l2, n, L, seed)
			   : imputer_fill(h->other, s2, k2, c2, n, L, seed);
	for (int j = 0; !err && j < n; j++) {
		const size_t o = (size_t)rows[j] * L, o2 = (size_t)j * L;

		for (int i = 0; i < L; i++) {
			if (known[o + i] || trusted(h, &info[o + i]))
				continue;
			seq[o + i] = s2[o2 + i];
			if (conf)
				conf[o + i] = c2[o2 + i];
			for (size_t v = 0; logp && v < V; v++)
				logp[(o + i) * V + v] = v < Vo ? l2[(o2 + i) * Vo + v]
							       : IMPUTER_LOGP_FLOOR;
		}
	}
out:
	free(t2);
	free(r2);
	free(s2);
	free(k2);
	free(c2);
	free(l2);
	free(rows);
	return err;
}

/* Scores: the n-gram's where its answer is kept, the other imputer's elsewhere. */
static int hybrid_scores(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf,
			 float *logp, int B, int L, uint64_t seed)
{
	struct hybrid *h = (struct hybrid *)im;
	struct ngram_info *info = malloc((size_t)B * L * sizeof(*info) + 1);
	int32_t *orig = malloc((size_t)B * L * sizeof(*orig) + 1);
	int err;

	if (!info || !orig) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(orig, seq, (size_t)B * L * sizeof(*orig));
	err = ngram_fill_scores(h->ngram, seq, known, conf, logp, B, L, info);
	if (!err && h->other)
		err = fill_other(h, seq, known, conf, logp, B, L, info, orig, seed);
out:
	h->aux = (struct imputer_aux){ NULL, NULL }; /* used once */
	free(info);
	free(orig);
	return err;
}

static int hybrid_fill(struct imputer *im, int32_t *seq, const uint8_t *known, float *conf, int B,
		       int L, uint64_t seed)
{
	return hybrid_scores(im, seq, known, conf, NULL, B, L, seed);
}

static void hybrid_set_threads(struct imputer *im, int n)
{
	struct hybrid *h = (struct hybrid *)im;

	if (h->other && h->other->ops->set_threads)
		h->other->ops->set_threads(h->other, n);
}

static void hybrid_set_aux(struct imputer *im, const struct imputer_aux *aux)
{
	struct hybrid *h = (struct hybrid *)im;

	h->aux = aux ? *aux : (struct imputer_aux){ NULL, NULL };
}

static void hybrid_free(struct imputer *im)
{
	struct hybrid *h = (struct hybrid *)im;

	if (h->owns) {
		imputer_free(h->other);
		imputer_free(h->ngram);
	}
	free(im);
}

static const struct imputer_ops hybrid_ops = {
	.name = "hybrid",
	.fill = hybrid_fill,
	.scores = hybrid_scores,
	.set_threads = hybrid_set_threads,
	.set_aux = hybrid_set_aux,
	.free = hybrid_free,
};

/* The same, when both parts are reentrant (e.g. no other imputer). */
static const struct imputer_ops hybrid_ops_reentrant = {
	.name = "hybrid",
	.flags = IMPUTER_REENTRANT,
	.fill = hybrid_fill,
	.scores = hybrid_scores,
	.free = hybrid_free,
};

void hybrid_own_parts(struct imputer *im)
{
	((struct hybrid *)im)->owns = 1;
}

struct imputer *hybrid_new(struct imputer *ngram, struct imputer *other, int min_support,
			   int min_context)
{
	struct hybrid *h;

	if (!ngram || (other && other->V > ngram->V)) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->base.ops = ngram->ops->flags & (other ? other->ops->flags : ~0u) & IMPUTER_REENTRANT
			      ? &hybrid_ops_reentrant
			      : &hybrid_ops;
	h->base.V = ngram->V;
	h->base.window = imputer_window(other ? other : ngram);
	h->ngram = ngram;
	h->other = other;
	h->min_support = min_support;
	h->min_context = min_context;
	return &h->base;
}

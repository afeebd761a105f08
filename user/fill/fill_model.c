/* fill_model.c - the imputer behind a fill: a loaded SSSD-S4 checkpoint, a model trained on the
 * trace's own intact runs within a time budget, the n-gram imputer over those runs, or the
 * hybrid of both.  Traces too small to train on fall back to the n-gram imputer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fill/fill.h"
#include "common/monotime.h"
#include "ngram/ngram.h"
#include "common/progress.h"
#include "sssd/sssd.h"

void fill_opts_default(struct fill_opts *o)
{
	struct imputer_spec s;

	imputer_spec_default(&s);
	memset(o, 0, sizeof(*o));
	o->method = s.method;
	o->train_time = 60;
	o->context = 64;
	o->ngram_k = s.kmax;
	o->hybrid_support = s.min_support;
	o->hybrid_context = s.min_context;
	o->steps = s.steps;
	o->min_train_tokens = 20000;
	o->seed = 1;
	o->max_gap = FILL_MAX_GAP_DEFAULT;
	o->max_synth = FILL_MAX_SYNTH_DEFAULT;
}

void fill_opts_spec(const struct fill_opts *o, struct imputer_spec *s)
{
	imputer_spec_default(s);
	s->method = o->method;
	s->kmax = o->ngram_k;
	s->min_support = o->hybrid_support;
	s->min_context = o->hybrid_context;
	s->steps = o->steps;
}

/* 1 when v names syscalls (a model trained on traces, not on anonymous paper ids). */
static int vocab_has_syscalls(const struct vocab *v)
{
	for (int i = 1; i < v->n; i++)
		if (v->nr[i] >= 0)
			return 1;
	return 0;
}

static int64_t long_runs(const struct corpus *c, int window)
{
	int64_t n = 0;

	for (int64_t i = 0; i < c->n; i++)
		n += c->starts[i + 1] - c->starts[i] >= window;
	return n;
}

/* A failure that has no words but strerror's: set them (fill_model_build() always says why). */
static int fm_fail(int rc)
{
	err_set("%s", strerror(-rc));
	return rc;
}

/* Train SSSD-S4 on the corpus within the time budget (progress bar on stderr). */
static int self_train(struct fill_model *fm, const struct fill_opts *o, int threads)
{
	struct sssd_config c;
	struct sssd_train_opts to;
	struct progress *p;
	double t0 = monotonic_s();
	int rc;

	sssd_config_default(&c);
	if ((rc = sssd_create(&fm->model, &c, &fm->vocab, o->seed))) {
		err_set("cannot create a model: %s", err_text());
		return rc;
	}
	sssd_train_opts_default(&to);
	to.iters = 0;
	to.time_budget = o->train_time;
	to.threads = threads;
	to.seed = o->seed;
	p = progress_new("train", 0, o->quiet);
	rc = sssd_train(fm->model, &fm->train, &to, progress_cb, p);
	progress_done(p);
	fm->t_train = monotonic_s() - t0;
	if (rc)
		err_set("training failed: %s", err_text());
	return rc;
}

/* The n-gram model file's sequences followed by fc's runs (already ids of the file's vocabulary),
 * as one corpus owned by fm. */
static int concat_corpus(struct fill_model *fm, const struct corpus *a, const struct corpus *b)
{
	int64_t na = a->n ? a->starts[a->n] : 0, nb = b->n ? b->starts[b->n] : 0;

	fm->cat_ids = malloc(sizeof(int32_t) * (size_t)(na + nb + 1));
	fm->cat_starts = malloc(sizeof(int64_t) * (size_t)(a->n + b->n + 1));
	if (!fm->cat_ids || !fm->cat_starts)
		return -ENOMEM;
	if (na)
		memcpy(fm->cat_ids, a->ids, sizeof(int32_t) * (size_t)na);
	if (nb)
		memcpy(fm->cat_ids + na, b->ids, sizeof(int32_t) * (size_t)nb);
	fm->cat_starts[0] = 0;
	for (int64_t i = 0; i < a->n; i++)
		fm->cat_starts[i + 1] = a->starts[i + 1];
	for (int64_t i = 0; i < b->n; i++)
		fm->cat_starts[a->n + i + 1] = na + b->starts[i + 1];
	fm->train.ids = fm->cat_ids;
	fm->train.starts = fm->cat_starts;
	fm->train.n = a->n + b->n;
	return 0;
}

/* The imputer of the method over fm->train and fm->model, through the factory. */
static int make_imputer(struct fill_model *fm, const struct fill_opts *o, int method)
{
	struct imputer_spec s;
	int rc;

	fill_opts_spec(o, &s);
	s.method = method;
	s.V = fm->vocab.n;
	s.train = &fm->train;
	s.model = fm->model;
	if ((rc = imputer_new(&fm->use, &s))) {
		err_set("cannot build the %s imputer: %s", imputer_method_name(method),
			strerror(-rc));
		return rc;
	}
	fm->method = method;
	fm->method_used = imputer_method_name(method);
	return 0;
}

/* MODEL is an n-gram model file (tracerec-train --method ngram): its vocabulary, and its
 * sequences plus the trace's own runs indexed by the n-gram imputer. */
static int build_from_ngram_file(struct fill_model *fm, struct runs *fc, const struct fill_opts *o)
{
	struct ngram_file nf;
	struct corpus own;
	int rc;

	if ((rc = ngram_file_load(o->model, &nf))) {
		err_set("cannot load n-gram model %s: %s", o->model, err_text());
		return rc;
	}
	fm->vocab = nf.vocab;
	rc = vocab_has_syscalls(&fm->vocab) ? 0 : -EINVAL;
	if (rc)
		err_set("model %s has no syscall vocabulary (trained on anonymous ids); "
			"train it on .trz traces",
			o->model);
	if (!rc)
		rc = runs_ids(fc, &fm->vocab, &own);
	if (!rc)
		rc = concat_corpus(fm, &nf.c, &own);
	ngram_file_free(&nf);
	if (rc)
		return rc == -ENOMEM ? fm_fail(rc) : rc;
	if (o->method != IMPUTER_NGRAM)
		snprintf(fm->note, sizeof(fm->note), "%s is an n-gram model: method ngram used",
			 o->model);
	return make_imputer(fm, o, IMPUTER_NGRAM);
}

int fill_model_build(struct fill_model *fm, struct runs *fc, const struct fill_opts *o, int threads)
{
	int method = o->method, rc;

	memset(fm, 0, sizeof(*fm));
	if (o->model && ngram_file_probe(o->model) == 1)
		return build_from_ngram_file(fm, fc, o);
	if (o->model) {
		if ((rc = sssd_load(&fm->model, o->model))) {
			err_set("cannot load model %s: %s", o->model, err_text());
			return rc;
		}
		fm->vocab = *sssd_vocab(fm->model);
		if (!vocab_has_syscalls(&fm->vocab)) {
			err_set("model %s has no syscall vocabulary (trained on anonymous ids); "
				"train it on .trz traces",
				o->model);
			return -EINVAL;
		}
	} else if ((rc = runs_vocab(fc, &fm->vocab))) {
		return fm_fail(rc);
	}
	if ((rc = runs_ids(fc, &fm->vocab, &fm->train)))
		return fm_fail(rc);
	if (method != IMPUTER_NGRAM && !fm->model) {
		if ((int64_t)fc->ntok >= o->min_train_tokens && long_runs(&fm->train, 100) >= 4) {
			if (self_train(fm, o, threads)) {
				/* keep going with the n-gram imputer, and say why */
				snprintf(fm->note, sizeof(fm->note), "%s", err_text());
				err_clear();
				sssd_free(fm->model);
				fm->model = NULL;
				method = IMPUTER_NGRAM;
			} else {
				fm->self_trained = 1;
			}
		} else {
			method = IMPUTER_NGRAM; /* too little to train on: the n-gram imputer */
			snprintf(fm->note, sizeof(fm->note),
				 "%lld intact events: too few to train SSSD-S4, n-gram imputer used",
				 (long long)fc->ntok);
		}
	}
	return make_imputer(fm, o, method);
}

void fill_model_free(struct fill_model *fm)
{
	imputer_free(fm->use);
	sssd_free(fm->model);
	free(fm->cat_ids);
	free(fm->cat_starts);
	memset(fm, 0, sizeof(*fm));
}

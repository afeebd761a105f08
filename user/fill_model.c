/* fill_model.c - the imputer behind a fill: a loaded SSSD-S4 checkpoint, a model trained on the
 * trace's own intact runs within a time budget, the n-gram imputer over those runs, or the
 * hybrid of both.  Traces too small to train on fall back to the n-gram imputer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "fill.h"
#include "hybrid.h"
#include "ngram.h"
#include "progress.h"
#include "sssd.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
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

/* Train SSSD-S4 on the corpus within the time budget (progress bar on stderr). */
static int self_train(struct fill_model *fm, const struct fill_opts *o, int threads, char *err,
		      size_t errsz)
{
	struct sssd_config c;
	struct sssd_train_opts to;
	struct progress *p;
	double t0 = now_s();
	int rc;

	sssd_config_default(&c);
	if ((rc = sssd_create(&fm->model, &c, &fm->vocab, o->seed))) {
		snprintf(err, errsz, "cannot create a model: %s", sssd_last_error());
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
	fm->t_train = now_s() - t0;
	if (rc)
		snprintf(err, errsz, "training failed: %s", sssd_last_error());
	return rc;
}

int fill_model_build(struct fill_model *fm, struct fill_corpus *fc, const struct fill_opts *o,
		     int threads, char *err, size_t errsz)
{
	int method = o->method, rc;

	memset(fm, 0, sizeof(*fm));
	if (o->model) {
		if ((rc = sssd_load(&fm->model, o->model))) {
			snprintf(err, errsz, "cannot load model %s: %s", o->model, sssd_last_error());
			return rc;
		}
		fm->vocab = *sssd_vocab(fm->model);
		if (!vocab_has_syscalls(&fm->vocab)) {
			snprintf(err, errsz,
				 "model %s has no syscall vocabulary (trained on anonymous ids); "
				 "train it on .trz traces", o->model);
			return -EINVAL;
		}
	} else {
		fill_corpus_vocab(fc, &fm->vocab);
	}
	if ((rc = fill_corpus_ids(fc, &fm->vocab, &fm->train)))
		return rc;
	if (method != FILL_NGRAM && !fm->model) {
		if (fc->ntok >= o->min_train_tokens && long_runs(&fm->train, 100) >= 4) {
			if ((rc = self_train(fm, o, threads, fm->note, sizeof(fm->note)))) {
				/* keep going with the n-gram imputer, and say why */
				sssd_free(fm->model);
				fm->model = NULL;
				method = FILL_NGRAM;
			} else {
				fm->self_trained = 1;
			}
		} else {
			method = FILL_NGRAM; /* too little to train on: the n-gram imputer */
			snprintf(fm->note, sizeof(fm->note),
				 "%lld intact events: too few to train SSSD-S4, n-gram imputer used",
				 (long long)fc->ntok);
		}
	}
	if (method != FILL_SSSD) {
		fm->ngram = ngram_new(&fm->train, fm->vocab.n, o->ngram_k);
		if (!fm->ngram) {
			rc = errno ? -errno : -ENOMEM;
			snprintf(err, errsz, "cannot build the n-gram imputer: %s", strerror(-rc));
			return rc;
		}
	}
	if (method != FILL_NGRAM) {
		fm->sssd = sssd_imputer_new(fm->model, o->steps, 1);
		if (!fm->sssd) {
			rc = errno ? -errno : -ENOMEM;
			snprintf(err, errsz, "cannot use the SSSD-S4 model: %s", sssd_last_error());
			return rc;
		}
	}
	if (method == FILL_HYBRID) {
		fm->hybrid = hybrid_new(fm->ngram, fm->sssd, o->hybrid_support, o->hybrid_context);
		if (!fm->hybrid)
			return -ENOMEM;
	}
	fm->use = method == FILL_HYBRID ? fm->hybrid : method == FILL_SSSD ? fm->sssd : fm->ngram;
	fm->method = method;
	fm->method_used = fill_method_name(method);
	return 0;
}

void fill_model_free(struct fill_model *fm)
{
	imputer_free(fm->hybrid);
	imputer_free(fm->sssd);
	imputer_free(fm->ngram);
	sssd_free(fm->model);
	memset(fm, 0, sizeof(*fm));
}

/* sssd.c - SSSD-S4 model API.  Temporary stubs (-ENOSYS) until the implementation lands. */
#include <errno.h>
#include <string.h>
#include "sssd.h"

static __thread char sssd_err[256];

const char *sssd_last_error(void)
{
	return sssd_err[0] ? sssd_err : "no error";
}

static int nosys(void)
{
	strcpy(sssd_err, "SSSD model not implemented yet");
	return -ENOSYS;
}

void sssd_config_default(struct sssd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->blocks = 6;
	c->channels = 64;
	c->skip_channels = 64;
	c->state = 64;
	c->T = 200;
	c->beta0 = 1e-4f;
	c->beta1 = 0.02f;
	c->repr = SSSD_REPR_ONEHOT;
	c->objective = SSSD_OBJ_X0CE;
	c->embed_in = 128;
	c->embed_mid = 512;
	c->embed_out = 512;
}

void sssd_train_opts_default(struct sssd_train_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->iters = 2000;
	o->batch = 16;
	o->lr = 1e-3f;
	o->warmup = 100;
	o->ema = 0.999f;
	o->seed = 1;
	o->window = 100;
	o->heldout = 0.02f;
	o->eval_every = 250;
	o->eval_steps = 10;
	o->max_blackout = 40;
}

int sssd_repr_parse(const char *s)
{
	if (!strcmp(s, "onehot"))
		return SSSD_REPR_ONEHOT;
	if (!strcmp(s, "scalar"))
		return SSSD_REPR_SCALAR;
	return -EINVAL;
}

const char *sssd_repr_name(int repr)
{
	return repr == SSSD_REPR_SCALAR ? "scalar" : repr == SSSD_REPR_ONEHOT ? "onehot" : "?";
}

int sssd_objective_parse(const char *s)
{
	if (!strcmp(s, "eps"))
		return SSSD_OBJ_EPS;
	if (!strcmp(s, "x0ce"))
		return SSSD_OBJ_X0CE;
	return -EINVAL;
}

const char *sssd_objective_name(int obj)
{
	return obj == SSSD_OBJ_EPS ? "eps" : obj == SSSD_OBJ_X0CE ? "x0ce" : "?";
}

int sssd_create(struct sssd_model **m, const struct sssd_config *c, const struct vocab *v,
		uint64_t seed)
{
	(void)c, (void)v, (void)seed;
	*m = NULL;
	return nosys();
}

int sssd_train(struct sssd_model *m, const struct corpus *train, const struct sssd_train_opts *o,
	       progress_fn cb, void *ctx)
{
	(void)m, (void)train, (void)o, (void)cb, (void)ctx;
	return nosys();
}

int sssd_eval_accuracy(struct sssd_model *m, const int32_t *seq, const uint8_t *known, int B,
		       int L, int steps, uint64_t seed, double *acc)
{
	(void)m, (void)seq, (void)known, (void)B, (void)L, (void)steps, (void)seed, (void)acc;
	return nosys();
}

int sssd_save(const struct sssd_model *m, const char *path)
{
	(void)m, (void)path;
	return nosys();
}

int sssd_load(struct sssd_model **m, const char *path)
{
	(void)path;
	*m = NULL;
	return nosys();
}

const struct vocab *sssd_vocab(const struct sssd_model *m)
{
	(void)m;
	return NULL;
}

const struct sssd_config *sssd_get_config(const struct sssd_model *m)
{
	(void)m;
	return NULL;
}

int64_t sssd_num_params(const struct sssd_model *m)
{
	(void)m;
	return 0;
}

struct imputer *sssd_imputer_new(struct sssd_model *m, int steps, int samples)
{
	(void)m, (void)steps, (void)samples;
	nosys();
	errno = ENOSYS;
	return NULL;
}

void sssd_free(struct sssd_model *m)
{
	(void)m;
}

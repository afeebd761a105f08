/* imputer.c - the imputer factory: one place that turns a method name and its parts (a corpus
 * to index, a trained model) into a struct imputer, with one set of defaults (see imputer.h).
 */
#include <errno.h>
#include <string.h>
#include "imputer.h"
#include "ngram/hybrid.h"
#include "ngram/ngram.h"
#include "sssd/sssd.h"

static const char *const method_names[] = {
	[IMPUTER_NGRAM] = "ngram",
	[IMPUTER_SSSD] = "sssd",
	[IMPUTER_HYBRID] = "hybrid",
};

#define NMETHODS ((int)(sizeof(method_names) / sizeof(method_names[0])))

int imputer_method_parse(const char *s)
{
	for (int i = 0; s && i < NMETHODS; i++)
		if (!strcmp(s, method_names[i]))
			return i;
	return -EINVAL;
}

const char *imputer_method_name(int method)
{
	return method >= 0 && method < NMETHODS ? method_names[method] : "?";
}

void imputer_spec_default(struct imputer_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->method = IMPUTER_NGRAM;
	s->kmax = NGRAM_KMAX_DEFAULT;
	s->steps = SSSD_STEPS_AUTO;
	s->samples = 1;
	s->min_support = 2;
	s->min_context = 4;
}

static int new_ngram(struct imputer **im, const struct imputer_spec *s)
{
	if (!s->train)
		return -EINVAL;
	*im = ngram_new(s->train, s->V, s->kmax);
	return *im ? 0 : errno ? -errno : -ENOMEM;
}

/* ngram: the hybrid's n-gram (borrowed) for a retrieval model, or NULL: then a retrieval
 * model gets its own n-gram over s->train (owned), when there is one. */
static int new_sssd(struct imputer **im, const struct imputer_spec *s, struct imputer *ngram)
{
	int rc;

	if (!s->model)
		return -EINVAL;
	*im = sssd_imputer_new(s->model, s->steps, s->samples);
	if (!*im)
		return errno ? -errno : -ENOMEM;
	if (!sssd_uses_retrieval(s->model) || (!ngram && !s->train))
		return 0; /* a retrieval model without a corpus: channels masked */
	if (ngram)
		return sssd_imputer_set_retrieval(*im, ngram);
	if ((rc = new_ngram(&ngram, s)) || (rc = sssd_imputer_own_retrieval(*im, ngram))) {
		imputer_free(ngram);
		imputer_free(*im);
		*im = NULL;
	}
	return rc;
}

int imputer_new(struct imputer **out, const struct imputer_spec *s)
{
	struct imputer *ngram = NULL, *sssd = NULL;
	int rc = 0;

	*out = NULL;
	switch (s->method) {
	case IMPUTER_NGRAM: return new_ngram(out, s);
	case IMPUTER_SSSD: return new_sssd(out, s, NULL);
	case IMPUTER_HYBRID:
		if ((rc = new_ngram(&ngram, s)) || (rc = new_sssd(&sssd, s, ngram)))
			break;
		*out = hybrid_new(ngram, sssd, s->min_support, s->min_context);
		if (!*out) {
			rc = errno ? -errno : -ENOMEM;
			break;
		}
		hybrid_own_parts(*out);
		return 0;
	default: return -EINVAL;
	}
	imputer_free(sssd);
	imputer_free(ngram);
	return rc;
}

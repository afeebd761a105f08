/* corpus_trz.c - per-thread event sequences from .trz traces (see corpus.h), built by the
 * runs builder (runs.h) that tracerec-fill uses too. */
#include "corpus/corpus.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "corpus/runs.h"

int corpus_load_trz(struct corpus_buf *cb, char *const *paths, int npaths, int min_len)
{
	struct runs r;
	int rc = 0;

	memset(cb, 0, sizeof(*cb));
	runs_init(&r, min_len, 0);
	for (int i = 0; !rc && i < npaths; i++)
		rc = runs_read_trz(&r, paths[i]);
	if (!rc && (rc = runs_finish(&r)))
		err_set("%s", strerror(-rc));
	if (!rc && r.ntok >= INT32_MAX) {
		err_set("too many events (%zu)", r.ntok);
		rc = -E2BIG;
	}
	if (!rc && r.nseq == 0) {
		err_set("no thread has %d or more recorded events in a row", min_len);
		rc = -EINVAL;
	}
	if (!rc && ((rc = runs_vocab(&r, &cb->vocab)) || (rc = runs_ids(&r, &cb->vocab, &cb->c))))
		err_set("%s", strerror(-rc));
	if (!rc) {
		/* the corpus takes the runs' ids and starts */
		cb->ids = r.ids;
		cb->starts = r.starts;
		r.ids = NULL;
		r.starts = NULL;
		if (r.has_aux && r.ntok) { /* and their timestamps and return classes */
			cb->ts = r.ts;
			cb->rc = r.rc;
			r.ts = NULL;
			r.rc = NULL;
		}
		for (int64_t i = 0; i < cb->c.starts[cb->c.n]; i++)
			if (cb->ids[i] > cb->max_id)
				cb->max_id = cb->ids[i];
	}
	runs_free(&r);
	return rc;
}

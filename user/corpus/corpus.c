/* corpus.c - corpora from .npy windows (and .trz traces, corpus_trz.c). */
#include "corpus/corpus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/npy.h"

int corpus_load_npy(struct corpus_buf *cb, const char *path)
{
	struct npy_windows w;
	int rc;

	memset(cb, 0, sizeof(*cb));
	rc = npy_read(path, &w);
	if (rc) {
		if (rc != -EINVAL && rc != -EIO) /* the others have no words of npy_read()'s */
			err_set("%s", strerror(-rc));
		return rc;
	}
	if (w.n < 1 || w.len < 1) {
		npy_free(&w);
		err_set("no windows in file");
		return -EINVAL;
	}
	cb->starts = malloc((w.n + 1) * sizeof(*cb->starts));
	if (!cb->starts) {
		npy_free(&w);
		err_set("%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	cb->ids = w.data;
	cb->len = w.len;
	for (int64_t i = 0; i <= w.n; i++)
		cb->starts[i] = i * w.len;
	for (int64_t i = 0; i < w.n * w.len; i++) {
		if (w.data[i] < 0 || w.data[i] >= VOCAB_MAX) {
			err_set("id %d at window %lld is outside 0..%d", w.data[i],
				(long long)(i / w.len), VOCAB_MAX - 1);
			corpus_buf_free(cb);
			return -EINVAL;
		}
		if (w.data[i] > cb->max_id)
			cb->max_id = w.data[i];
	}
	cb->c.ids = cb->ids;
	cb->c.starts = cb->starts;
	cb->c.n = w.n;
	vocab_anonymous(&cb->vocab, cb->max_id);
	return 0;
}

void corpus_buf_free(struct corpus_buf *cb)
{
	if (!cb)
		return;
	free(cb->ids);
	free(cb->starts);
	free(cb->ts);
	free(cb->rc);
	memset(cb, 0, sizeof(*cb));
}

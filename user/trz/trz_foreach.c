/* trz_foreach.c - see trz_foreach.h. */
#include "trz/trz_foreach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int trz_foreach(const char *path, trz_record_fn fn, void *ctx)
{
	struct trz_reader *rd = trz_reader_open(path, NULL, NULL);
	struct trz_record *rec; /* large (names, payloads): not on the stack */
	int rc;

	if (!rd) {
		rc = -errno;
		err_set("%s: %s", path, rc == -EINVAL ? err_text() : strerror(-rc));
		return rc;
	}
	if (!(rec = malloc(sizeof(*rec)))) {
		trz_reader_close(rd);
		err_set("%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	while ((rc = trz_read_next(rd, rec)) == 1)
		if ((rc = fn(ctx, rec)) < 0)
			break;
	free(rec);
	trz_reader_close(rd);
	if (rc < 0)
		err_set("%s: %s", path, strerror(-rc));
	return rc < 0 ? rc : 0;
}

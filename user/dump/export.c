/* export.c - the viewer exports' front end (export.h): picks a backend, feeds it the timeline. */
#include "dump/export.h"

#include <errno.h>
#include <stdlib.h>

struct export
{
	enum export_kind kind;
	struct timeline *tl;
	void *be;
	struct export_counts counts;
};

struct export *export_new(enum export_kind kind, FILE *out)
{
	struct export *x = calloc(1, sizeof(*x));
	const struct tl_ops *ops;

	if (!x)
		return NULL;
	x->kind = kind;
	switch (kind) {
	case EXPORT_CHROME_JSON:
		x->be = chrome_json_new(out, &x->counts);
		ops = &chrome_json_ops;
		break;
	case EXPORT_PERFETTO:
		x->be = perfetto_new(out, &x->counts);
		ops = &perfetto_ops;
		break;
	case EXPORT_SVG:
		x->be = svg_new(out, &x->counts);
		ops = &svg_ops;
		break;
	default:
		free(x);
		errno = EINVAL;
		return NULL;
	}
	if (!x->be || !(x->tl = timeline_new(ops, x->be))) {
		export_free(x);
		errno = ENOMEM;
		return NULL;
	}
	return x;
}

int export_add(struct export *x, const struct trz_record *rec)
{
	return timeline_add(x->tl, rec);
}

int export_finish(struct export *x, struct export_counts *counts)
{
	int err = timeline_finish(x->tl);

	x->counts.threads = timeline_threads(x->tl);
	if (counts)
		*counts = x->counts;
	return err;
}

void export_free(struct export *x)
{
	if (!x)
		return;
	timeline_free(x->tl);
	if (x->be) {
		switch (x->kind) {
		case EXPORT_CHROME_JSON: chrome_json_free(x->be); break;
		case EXPORT_PERFETTO: perfetto_free(x->be); break;
		case EXPORT_SVG: svg_free(x->be); break;
		}
	}
	free(x);
}

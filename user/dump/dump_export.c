/* dump_export.c - tracerec-dump --export npy: recorded events of each thread as model ids
 * (model/vocab.h: ranked by frequency, 1 = most frequent), cut into non-overlapping windows.
 *
 * A trace imported from a dataset (metadata ids=dataset) keeps its ids as they are, so that
 * import then export gives back the same windows.
 *
 * A thread's sequence is split at each attributed gap of that thread, so no window spans
 * lost events; synthetic events are left out.  Windows are written as an (N, L, 1) int32 .npy
 * (common/npy.h) and the vocabulary as a TSV of id, syscall, entry|exit, count (tracerec-dump
 * names it PATH.vocab).
 */
#include "dump/dump.h"
#include "common/npy.h"
#include "common/syscalls.h"
#include "common/vec.h"
#include "vocab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct dump_export {
	int32_t *nr; /* recorded events in file order */
	uint8_t *dir;
	uint32_t *seg; /* segment (thread piece) of each event */
	int64_t n;
	size_t capnr, capdir, capseg;
	struct dump_map cur_seg; /* tid -> current segment + 1 */
	uint32_t nseg;
	int dataset_ids; /* metadata ids=dataset: nr already holds the dataset's ids */
};

struct dump_export *dump_export_new(void)
{
	return calloc(1, sizeof(struct dump_export));
}

int dump_export_add(struct dump_export *x, const struct trz_record *rec)
{
	uint64_t *s;

	if (rec->kind == TRZ_REC_GAP && rec->gap.attributed) {
		s = dump_map_find(&x->cur_seg, rec->gap.tid);
		if (s)
			*s = 0; /* the thread's next event starts a new segment */
		return 0;
	}
	if (rec->kind == TRZ_REC_META && strcmp(rec->meta.key, "ids") == 0)
		x->dataset_ids = strcmp(rec->meta.value, "dataset") == 0;
	if (rec->kind != TRZ_REC_EVENT)
		return 0;
	if (VEC_RESERVE(x->nr, x->capnr, (size_t)x->n + 1) ||
	    VEC_RESERVE(x->dir, x->capdir, (size_t)x->n + 1) ||
	    VEC_RESERVE(x->seg, x->capseg, (size_t)x->n + 1))
		return -ENOMEM;
	s = dump_map_get(&x->cur_seg, rec->ev.tid);
	if (!s)
		return -ENOMEM;
	if (!*s)
		*s = ++x->nseg;
	x->nr[x->n] = rec->ev.nr;
	x->dir[x->n] = rec->ev.dir;
	x->seg[x->n] = (uint32_t)(*s - 1);
	x->n++;
	return 0;
}

static int write_vocab(int vocab_fd, const struct vocab *v)
{
	char name[32];
	FILE *f;
	int fd = dup(vocab_fd); /* the stream closes its own descriptor */

	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		int err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	fprintf(f, "id\tsyscall\tdir\tcount\n");
	for (int i = 1; i < v->n; i++)
		fprintf(f, "%d\t%s\t%s\t%llu\n", i, syscall_name_buf(v->nr[i], name, sizeof(name)),
			v->dir[i] ? "exit" : "entry", (unsigned long long)v->count[i]);
	if (ferror(f)) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

/* Lay the events of each segment out contiguously (counting sort by segment), as ids. */
static int group_by_segment(const struct dump_export *x, const struct vocab *v, int32_t **ids,
			    int64_t **start)
{
	int64_t *st = calloc(x->nseg + 1, sizeof(*st));
	int32_t *out = malloc((size_t)(x->n ? x->n : 1) * sizeof(*out));

	if (!st || !out) {
		free(st);
		free(out);
		return -ENOMEM;
	}
	for (int64_t i = 0; i < x->n; i++)
		st[x->seg[i] + 1]++;
	for (uint32_t s = 0; s < x->nseg; s++)
		st[s + 1] += st[s];
	int64_t *pos = malloc((x->nseg + 1) * sizeof(*pos));
	if (!pos) {
		free(st);
		free(out);
		return -ENOMEM;
	}
	memcpy(pos, st, (x->nseg + 1) * sizeof(*pos));
	for (int64_t i = 0; i < x->n; i++)
		out[pos[x->seg[i]]++] = x->dataset_ids ? x->nr[i] : vocab_id(v, x->nr[i], x->dir[i]);
	free(pos);
	*ids = out;
	*start = st;
	return 0;
}

int dump_export_write(struct dump_export *x, int npy_fd, int vocab_fd, int64_t len, int64_t *nwin)
{
	struct vocab *v = calloc(1, sizeof(*v));
	int32_t *ids = NULL, *win = NULL;
	int64_t *st = NULL, nw = 0;
	int err;

	if (!v)
		return -ENOMEM;
	err = vocab_build(v, x->nr, x->dir, x->n);
	if (!err)
		err = group_by_segment(x, v, &ids, &st);
	if (err)
		goto out;
	for (uint32_t s = 0; s < x->nseg; s++)
		nw += (st[s + 1] - st[s]) / len;
	err = -ENODATA;
	if (!nw)
		goto out;
	err = -ENOMEM;
	win = malloc((size_t)(nw * len) * sizeof(*win));
	if (!win)
		goto out;
	nw = 0;
	for (uint32_t s = 0; s < x->nseg; s++)
		for (int64_t p = st[s]; p + len <= st[s + 1]; p += len)
			memcpy(win + (nw++) * len, ids + p, (size_t)len * sizeof(*win));
	err = npy_write_fd(npy_fd, win, nw, len);
	if (!err)
		err = write_vocab(vocab_fd, v);
	*nwin = nw;
out:
	free(v);
	free(ids);
	free(st);
	free(win);
	return err;
}

void dump_export_free(struct dump_export *x)
{
	if (!x)
		return;
	free(x->nr);
	free(x->dir);
	free(x->seg);
	dump_map_free(&x->cur_seg);
	free(x);
}

/* trzmix - rewrite a trace with its records in the order a per-CPU collector would write them:
 * each CPU's events queue up and the queues are written in turn, BATCH records of one queue at
 * a time (other records have a queue of their own, written first in each round).  A time-sorted input comes out with
 * timestamps going back and forth, as tracerecd's traces do; tracerec-dump must sort it back.
 * Usage: trzmix IN.trz OUT.trz BATCH */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trz/trz.h"

#define NQ 65

struct queue {
	struct trz_record *v;
	size_t n, cap, head;
};

static int push(struct queue *q, const struct trz_record *rec)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 256;
		void *p = realloc(q->v, cap * sizeof(*q->v));
		if (!p)
			return -1;
		q->v = p;
		q->cap = cap;
	}
	q->v[q->n++] = *rec;
	return 0;
}

int main(int argc, char **argv)
{
	static struct queue qs[NQ];
	struct trz_record *rec = malloc(sizeof(*rec));
	int err = 0, rc;

	if (argc != 4 || !rec) {
		fprintf(stderr, "usage: trzmix IN.trz OUT.trz BATCH\n");
		return 64;
	}
	size_t batch = (size_t)atol(argv[3]);
	struct trz_reader *r = trz_reader_open(argv[1], NULL, NULL);
	if (!r) {
		fprintf(stderr, "trzmix: %s: %s\n", argv[1], err_text());
		return 1;
	}
	while (!err && (rc = trz_read_next(r, rec)) == 1) {
		int q = NQ - 1;
		if (rec->kind == TRZ_REC_EVENT && rec->ev.cpu < NQ - 1)
			q = rec->ev.cpu;
		err = push(&qs[q], rec);
	}
	trz_reader_close(r);
	struct trz_writer *w = trz_writer_open(argv[2], NULL);
	if (!w || err) {
		fprintf(stderr, "trzmix: %s: cannot write\n", argv[2]);
		return 1;
	}
	for (int left = 1; left && !err;) {
		left = 0;
		for (int k = 0; k < NQ; k++) {
			int q = (k + NQ - 1) % NQ; /* the other records' queue first */
			for (size_t i = 0; i < batch && qs[q].head < qs[q].n && !err; i++)
				err = trz_write_record(w, &qs[q].v[qs[q].head++]);
			left |= qs[q].head < qs[q].n;
		}
	}
	if (trz_writer_close(w) || err) {
		fprintf(stderr, "trzmix: write failed\n");
		return 1;
	}
	for (int q = 0; q < NQ; q++)
		free(qs[q].v);
	free(rec);
	return 0;
}

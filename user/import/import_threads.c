/* import_threads.c - tid-keyed table of imported threads (see import_threads.h). */
#include "import/import_threads.h"
#include "common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ithread *thread_find(const struct thread_table *t, uint32_t tid)
{
	int32_t i = tidmap_find(&t->at, tid);

	return i < 0 ? NULL : &t->v[i];
}

struct ithread *thread_get(struct thread_table *t, uint32_t tid)
{
	int32_t n = t->at.n, i;

	if (VEC_RESERVE(t->v, t->cap, (size_t)n + 1) || (i = tidmap_index(&t->at, tid)) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	if (i == n)
		t->v[i] = (struct ithread){ .tid = tid };
	return &t->v[i];
}

void thread_set_comm(struct ithread *th, const char *comm)
{
	size_t n = strnlen(comm, TRZ_COMM_LEN - 1);

	memcpy(th->comm, comm, n);
	th->comm[n] = '\0';
}

void thread_table_free(struct thread_table *t)
{
	tidmap_free(&t->at);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

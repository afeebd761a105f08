/* import_threads.c - tid-keyed table of imported threads (see import_threads.h). */
#include "import/import_threads.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t slot_of(uint32_t tid, size_t cap)
{
	return (size_t)((tid * 2654435761u) & (cap - 1));
}

struct ithread *thread_find(const struct thread_table *t, uint32_t tid)
{
	if (!t->cap)
		return NULL;
	for (size_t i = slot_of(tid, t->cap);; i = (i + 1) & (t->cap - 1)) {
		if (!t->slots[i].used)
			return NULL;
		if (t->slots[i].tid == tid)
			return &t->slots[i];
	}
}

static int grow(struct thread_table *t)
{
	size_t cap = t->cap ? 2 * t->cap : 1024;
	struct ithread *s = calloc(cap, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].used)
			continue;
		size_t j = slot_of(t->slots[i].tid, cap);
		while (s[j].used)
			j = (j + 1) & (cap - 1);
		s[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = s;
	t->cap = cap;
	return 0;
}

struct ithread *thread_get(struct thread_table *t, uint32_t tid)
{
	struct ithread *th = thread_find(t, tid);
	size_t i;

	if (th)
		return th;
	if ((t->n + 1) * 2 > t->cap && grow(t)) {
		errno = ENOMEM;
		return NULL;
	}
	i = slot_of(tid, t->cap);
	while (t->slots[i].used)
		i = (i + 1) & (t->cap - 1);
	th = &t->slots[i];
	memset(th, 0, sizeof(*th));
	th->used = 1;
	th->tid = tid;
	t->n++;
	return th;
}

void thread_set_comm(struct ithread *th, const char *comm)
{
	size_t n = strnlen(comm, TRZ_COMM_LEN - 1);

	memcpy(th->comm, comm, n);
	th->comm[n] = '\0';
}

void thread_table_free(struct thread_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

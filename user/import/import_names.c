/* import_names.c - syscall names of imported traces -> numbers (see import_names.h). */
#include "import/import_names.h"
#include "common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/syscalls.h"

/* LTTng probe names that differ from the x86_64 unistd names of the same syscall. */
static const char *const aliases[][2] = {
	{ "newfstat", "fstat" },  { "newstat", "stat" },        { "newlstat", "lstat" },
	{ "newuname", "uname" },  { "sendfile64", "sendfile" }, { "umount", "umount2" },
	{ "mmap_pgoff", "mmap" },
};

int import_private_nr(struct name_table *t, const char *name, int *nr)
{
	for (int i = 0; i < t->n; i++) {
		if (strcmp(t->names[i], name) == 0) {
			*nr = IMPORT_PRIVATE_NR + i;
			return 0;
		}
	}
	if (VEC_RESERVE(t->names, t->cap, (size_t)t->n + 1))
		return -ENOMEM;
	t->names[t->n] = strdup(name);
	if (!t->names[t->n])
		return -ENOMEM;
	*nr = IMPORT_PRIVATE_NR + t->n++;
	return 0;
}

int import_syscall_nr(struct name_table *t, const char *name, int *nr)
{
	int v;

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(name, aliases[i][0]) == 0) {
			name = aliases[i][1];
			break;
		}
	}
	/* "syscall_123" is how user/syscalls.h spells unnamed numbers; an LTTng name never is */
	if (strncmp(name, "syscall_", 8) != 0) {
		v = syscall_lookup(name);
		if (v >= 0) {
			*nr = v;
			return 0;
		}
	}
	return import_private_nr(t, name, nr);
}

void name_table_free(struct name_table *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->names[i]);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

/* import_names.h - syscall names of imported traces -> syscall numbers.
 *
 * Imported traces name their syscalls (LTTng: "syscall_entry_openat").  A trz event stores a
 * number (x86_64 numbering, user/syscalls.h).  Names the x86_64 table knows map to their number,
 * after a few LTTng aliases (newfstat -> fstat, newuname -> uname, ...).  Names it does not know
 * (compat-only syscalls, ids of compat "unknown" events) get a private number from
 * IMPORT_PRIVATE_NR upward; the importer lists them in the trace metadata as
 * "syscall_nr.<NR>" = "<name>" so that readers can name them.
 */
#ifndef TRC_IMPORT_NAMES_H
#define TRC_IMPORT_NAMES_H

#include <stddef.h>

#define IMPORT_PRIVATE_NR 100000

struct name_table {
	char **names; /* names[i] has number IMPORT_PRIVATE_NR + i */
	int n;
	size_t cap;
};

/* Number of syscall name (without LTTng prefix) in *nr: the x86_64 number when known, else a
 * private number (added to t).  Returns 0 or -ENOMEM. */
int import_syscall_nr(struct name_table *t, const char *name, int *nr);
/* Private number for name (added to t when new).  Returns 0 or -ENOMEM. */
int import_private_nr(struct name_table *t, const char *name, int *nr);
/* Frees the names; t can be reused after. */
void name_table_free(struct name_table *t);

#endif /* TRC_IMPORT_NAMES_H */

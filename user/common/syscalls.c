/* syscalls.c - lookups in the generated syscall table. */
#include "common/syscalls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *syscall_name(int nr)
{
	if (nr < 0 || nr >= trc_syscall_count)
		return NULL;
	return trc_syscall_names[nr];
}

const char *syscall_name_buf(int nr, char *buf, unsigned size)
{
	const char *n = syscall_name(nr);

	if (n)
		return n;
	snprintf(buf, size, "syscall_%d", nr);
	return buf;
}

int syscall_lookup(const char *name)
{
	if (!name)
		return -EINVAL;
	for (int i = 0; i < trc_syscall_count; i++)
		if (trc_syscall_names[i] && strcmp(trc_syscall_names[i], name) == 0)
			return i;
	if (strncmp(name, "syscall_", 8) == 0 && name[8]) {
		char *end;
		long v = strtol(name + 8, &end, 10);
		if (*end == '\0' && v >= 0 && v < 1 << 20)
			return (int)v;
	}
	return -ENOENT;
}

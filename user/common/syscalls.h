/* syscalls.h - syscall number <-> name for the build machine's architecture.
 *
 * The table itself (trc_syscall_names) is generated at build time from the installed kernel
 * headers by scripts/gen_syscall_table.sh into build/gen/syscall_table.c.
 */
#ifndef TRC_SYSCALLS_H
#define TRC_SYSCALLS_H

extern const char *const trc_syscall_names[];
extern const int trc_syscall_count;

/* Name of syscall nr, or NULL when the number is unknown on this architecture. */
const char *syscall_name(int nr);

/* Like syscall_name(), but never NULL: unknown numbers come back as "syscall_<nr>" written into
 * buf (size >= 24), which is returned. */
const char *syscall_name_buf(int nr, char *buf, unsigned size);

/* Number of the syscall called name ("read", also "syscall_123"), or -ENOENT. */
int syscall_lookup(const char *name);

#endif /* TRC_SYSCALLS_H */

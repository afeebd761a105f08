/* syscall_sig.h - the kinds of the arguments of the common syscalls (user/common/syscall_sig.c):
 * shared by tracerec-dump (printing) and tracerecd --args (which arguments are strings to read
 * from user memory). */
#ifndef TRC_SYSCALL_SIG_H
#define TRC_SYSCALL_SIG_H

struct syscall_sig {
	const char *name; /* as in the syscall table */
	const char *args; /* one letter per argument, see syscall_sig.c ('p' string, 'v' string array) */
};

/* The signature of syscall nr (this architecture's numbering), or NULL when it is not known
 * (or out of memory on the first call). */
const struct syscall_sig *syscall_sig(int nr);

/* Bit mask of the arguments of nr that point to a NUL-terminated string ('p': paths, names);
 * *arrays (may be NULL) gets the mask of the NULL-terminated arrays of strings ('v': execve's
 * argv).  0 for unknown syscalls. */
unsigned syscall_string_args(int nr, unsigned *arrays);

#endif /* TRC_SYSCALL_SIG_H */

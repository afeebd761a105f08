/* dump_tables.h - named constants for decoding syscall arguments, generated at build time from
 * the installed kernel and libc headers by scripts/gen_dump_tables.sh (build/gen/dump_tables.c).
 * Each table ends with { 0, NULL }. */
#ifndef TRC_DUMP_TABLES_H
#define TRC_DUMP_TABLES_H

#include <stdint.h>

struct dump_const {
	uint64_t value;
	const char *name;
};

/* bit sets (printed A|B|0x...) */
extern const struct dump_const dump_tbl_open[], dump_tbl_at[], dump_tbl_prot[], dump_tbl_map[],
	dump_tbl_clone[], dump_tbl_sockflags[], dump_tbl_msg[], dump_tbl_access[], dump_tbl_wait[],
	dump_tbl_statx[], dump_tbl_grnd[], dump_tbl_rename[];
/* one of (printed by name, or as a number) */
extern const struct dump_const dump_tbl_maptype[], dump_tbl_madv[], dump_tbl_futex[], dump_tbl_af[],
	dump_tbl_socktype[], dump_tbl_seek[], dump_tbl_sighow[], dump_tbl_clock[],
	dump_tbl_epollctl[], dump_tbl_archprctl[], dump_tbl_fcntl[], dump_tbl_statxsync[],
	dump_tbl_ioctl[], dump_tbl_rlimit[];

#endif /* TRC_DUMP_TABLES_H */

/* dump_args.c - syscall arguments and return values, strace-style (man/tracerec-dump.1, TEXT).
 *
 * The constants (flag and value names) come from tables generated at build time from the
 * installed headers (scripts/gen_dump_tables.sh); which argument of which syscall is what comes
 * from the signatures in user/common/syscall_sig.c.  Strings the collector read (STRING
 * records) are printed quoted and escaped like strace does. */
#define _GNU_SOURCE
#include "dump/dump.h"
#include "dump/dump_tables.h"
#include "common/syscall_sig.h"
#include "common/syscalls.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int dump_syscall_nargs(int nr)
{
	const struct syscall_sig *s = syscall_sig(nr);

	return s ? (int)strlen(s->args) : -1;
}

/* ---- a bounded string builder ---- */

struct sb {
	char *p;
	size_t size, len;
};

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len + 1 >= b->size)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len = b->len + (size_t)n < b->size ? b->len + (size_t)n : b->size - 1;
}

static const char *const_name(const struct dump_const *t, uint64_t v)
{
	for (; t->name; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

static void put_value(struct sb *b, const struct dump_const *t, uint64_t v, int is_signed)
{
	const char *n = const_name(t, v);

	if (n)
		sb_printf(b, "%s", n);
	else if (is_signed)
		sb_printf(b, "%d", (int32_t)v);
	else
		sb_printf(b, "%#" PRIx64, v);
}

static int popcount64(uint64_t v)
{
	return __builtin_popcountll(v);
}

/* A|B|C in bit order, composite names (several bits, e.g. O_SYNC) first, the rest in hex; "0"
 * when nothing is set.  sep_first: a '|' is needed before the first name. */
static void put_flags(struct sb *b, const struct dump_const *t, uint64_t v, int sep_first)
{
	int sep = sep_first;

	for (const struct dump_const *c = t; c->name; c++) {
		if (popcount64(c->value) < 2 || (v & c->value) != c->value)
			continue;
		sb_printf(b, "%s%s", sep ? "|" : "", c->name);
		v &= ~c->value;
		sep = 1;
	}
	for (int bit = 0; bit < 64; bit++) {
		uint64_t m = 1ull << bit;
		if (!(v & m))
			continue;
		for (const struct dump_const *c = t; c->name; c++) {
			if (c->value == m) {
				sb_printf(b, "%s%s", sep ? "|" : "", c->name);
				v &= ~m;
				sep = 1;
				break;
			}
		}
	}
	if (v || !sep)
		sb_printf(b, "%s%#" PRIx64, sep ? "|" : "", v);
}

static void put_ptr(struct sb *b, uint64_t v)
{
	if (v)
		sb_printf(b, "%#" PRIx64, v);
	else
		sb_printf(b, "NULL");
}

static void put_signal(struct sb *b, uint64_t v)
{
	int s = (int32_t)v;
	const char *n = s > 0 && s < 32 ? sigabbrev_np(s) : NULL;

	if (n)
		sb_printf(b, "SIG%s", n);
	else if (s >= 32 && s < 65)
		sb_printf(b, "SIGRT_%d", s - 32);
	else
		sb_printf(b, "%d", s);
}

static void put_arg(struct sb *b, char kind, uint64_t v)
{
	int32_t i32 = (int32_t)(uint32_t)v;

	switch (kind) {
	case 'd': sb_printf(b, "%d", i32); break;
	case 'D':
		if (i32 == -100)
			sb_printf(b, "AT_FDCWD");
		else
			sb_printf(b, "%d", i32);
		break;
	case 'p':
	case 'v':
	case 'x': put_ptr(b, v); break;
	case 'u': sb_printf(b, "%" PRIu64, v); break;
	case 'i': sb_printf(b, "%d", i32); break;
	case 'l': sb_printf(b, "%" PRId64, (int64_t)v); break;
	case 'X': sb_printf(b, "%#" PRIx64, v); break;
	case 'm': sb_printf(b, "%#03" PRIo64, v & 07777); break;
	case 'o': {
		static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
		sb_printf(b, "%s", acc[v & 3]);
		if (v & ~3ull)
			put_flags(b, dump_tbl_open, v & ~3ull & 0xffffffffu, 1);
		break;
	}
	case 'O': put_flags(b, dump_tbl_open, v & 0xffffffffu, 0); break;
	case 'P':
		if (v)
			put_flags(b, dump_tbl_prot, v, 0);
		else
			sb_printf(b, "PROT_NONE");
		break;
	case 'M': {
		const char *type = const_name(dump_tbl_maptype, v & 0xf);
		if (type)
			sb_printf(b, "%s", type);
		else
			sb_printf(b, "%#" PRIx64, v & 0xf);
		if (v & ~0xfull)
			put_flags(b, dump_tbl_map, v & ~0xfull, 1);
		break;
	}
	case 'A':
		if (v)
			put_flags(b, dump_tbl_at, v & 0xffffffffu, 0);
		else
			sb_printf(b, "0");
		break;
	case 'a':
		if (v)
			put_flags(b, dump_tbl_access, v, 0);
		else
			sb_printf(b, "F_OK");
		break;
	case 'S': put_signal(b, v); break;
	case 'h': put_value(b, dump_tbl_sighow, v, 1); break;
	case 'w': put_value(b, dump_tbl_seek, v, 1); break;
	case 'c':
		/* the low byte is the exit signal */
		if (v & ~0xffull)
			put_flags(b, dump_tbl_clone, v & ~0xffull, 0);
		if (v & 0xff) {
			if (v & ~0xffull)
				sb_printf(b, "|");
			put_signal(b, v & 0xff);
		} else if (!(v & ~0xffull)) {
			sb_printf(b, "0");
		}
		break;
	case 'F': put_value(b, dump_tbl_fcntl, (uint32_t)v, 1); break;
	case 'f': {
		/* FUTEX_CLOCK_REALTIME (256) on top of the op (with its _PRIVATE variants) */
		uint32_t op = (uint32_t)v;
		put_value(b, dump_tbl_futex, op & ~256u, 0);
		if (op & 256u)
			sb_printf(b, "|FUTEX_CLOCK_REALTIME");
		break;
	}
	case 'k': put_value(b, dump_tbl_clock, (uint32_t)v, 1); break;
	case 'W':
		if (v)
			put_flags(b, dump_tbl_wait, v & 0xffffffffu, 0);
		else
			sb_printf(b, "0");
		break;
	case 'E': put_value(b, dump_tbl_epollctl, (uint32_t)v, 1); break;
	case 'R': put_value(b, dump_tbl_archprctl, (uint32_t)v, 0); break;
	case 'V': put_value(b, dump_tbl_madv, (uint32_t)v, 1); break;
	case 'N': put_value(b, dump_tbl_af, (uint32_t)v, 1); break;
	case 'T':
		put_value(b, dump_tbl_socktype, v & 0xf, 1);
		if (v & ~0xfull & 0xffffffffu)
			put_flags(b, dump_tbl_sockflags, v & ~0xfull & 0xffffffffu, 1);
		break;
	case 'G':
		if (v)
			put_flags(b, dump_tbl_msg, v & 0xffffffffu, 0);
		else
			sb_printf(b, "0");
		break;
	case 'Z': {
		/* the sync type (two bits, 0 = AT_STATX_SYNC_AS_STAT), then the AT_ flags */
		uint64_t type = 0;
		for (const struct dump_const *c = dump_tbl_statxsync; c->name; c++)
			type |= c->value;
		put_value(b, dump_tbl_statxsync, v & type, 0);
		if (v & ~type & 0xffffffffu)
			put_flags(b, dump_tbl_at, v & ~type & 0xffffffffu, 1);
		break;
	}
	case 'K': put_flags(b, dump_tbl_statx, v & 0xffffffffu, 0); break;
	case 'I': put_value(b, dump_tbl_ioctl, (uint32_t)v, 0); break;
	case 'L': put_value(b, dump_tbl_rlimit, (uint32_t)v, 1); break;
	case 'g':
		if (v)
			put_flags(b, dump_tbl_grnd, v & 0xffffffffu, 0);
		else
			sb_printf(b, "0");
		break;
	case 'n':
		if (v)
			put_flags(b, dump_tbl_rename, v & 0xffffffffu, 0);
		else
			sb_printf(b, "0");
		break;
	default: sb_printf(b, "%#" PRIx64, v); break;
	}
}

/* Syscalls without a signature: the six raw registers, small values and errors in decimal,
 * the rest (pointers, flags) in hex. */
static void put_raw(struct sb *b, uint64_t v)
{
	if (v <= 0xffff || ((int64_t)v >= -4095 && (int64_t)v < 0))
		sb_printf(b, "%" PRId64, (int64_t)v);
	else
		sb_printf(b, "%#" PRIx64, v);
}

/* FUTEX_WAKE takes 3 arguments, FUTEX_WAIT 4, the others all 6. */
static int futex_nargs(uint32_t op)
{
	const char *n = const_name(dump_tbl_futex, op & 127u);

	if (n && !strcmp(n, "FUTEX_WAKE"))
		return 3;
	if (n && !strcmp(n, "FUTEX_WAIT"))
		return 4;
	return 6;
}

/* O_CREAT and the bit of O_TMPFILE that is not O_DIRECTORY: flags that make open use its mode. */
static uint64_t open_creating_flags(void)
{
	uint64_t v = 0, dir = 0;

	for (const struct dump_const *c = dump_tbl_open; c->name; c++)
		if (!strcmp(c->name, "O_DIRECTORY"))
			dir = c->value;
	for (const struct dump_const *c = dump_tbl_open; c->name; c++)
		if (!strcmp(c->name, "O_CREAT") || !strcmp(c->name, "O_TMPFILE"))
			v |= c->value;
	return v & ~dir;
}

/* s as strace prints a string: in double quotes, with \" \\ \t \n \v \f \r, other bytes
 * outside printable ASCII in octal (three digits when a digit follows), "..." after the
 * closing quote when the string was cut. */
static void put_quoted(struct sb *b, const struct trz_string *s)
{
	sb_printf(b, "\"");
	for (uint32_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->s[i];
		const char *e = c == '"'    ? "\\\""
				: c == '\\' ? "\\\\"
				: c == '\t' ? "\\t"
				: c == '\n' ? "\\n"
				: c == '\v' ? "\\v"
				: c == '\f' ? "\\f"
				: c == '\r' ? "\\r"
					    : NULL;
		if (e)
			sb_printf(b, "%s", e);
		else if (c >= 0x20 && c < 0x7f)
			sb_printf(b, "%c", c);
		else if (i + 1 < s->len && s->s[i + 1] >= '0' && s->s[i + 1] <= '7')
			sb_printf(b, "\\%03o", c);
		else
			sb_printf(b, "\\%o", c);
	}
	sb_printf(b, "\"%s", s->flags & TRZ_STR_CUT ? "..." : "");
}

/* The string of argument i (not an array element), or NULL. */
static const struct trz_string *str_of(const struct trz_string *const *strs, int n, int i)
{
	for (int k = 0; k < n; k++)
		if (strs[k]->arg == i && !(strs[k]->flags & TRZ_STR_ELEM))
			return strs[k];
	return NULL;
}

/* An array argument (execve's argv) from its elements: ["ls", "-l"], [..., ...] when elements
 * were not kept; 0 when none was recorded (the caller prints the pointer). */
static int put_array(struct sb *b, const struct trz_string *const *strs, int n, int i)
{
	int next = 0, more = 0;

	for (int k = 0; k < n; k++) {
		const struct trz_string *s = strs[k];
		if (s->arg != i || !(s->flags & TRZ_STR_ELEM))
			continue;
		if (s->index != next) /* an element is missing: say so rather than shift the rest */
			return next ? (sb_printf(b, ", ...]"), 1) : 0;
		sb_printf(b, next ? ", " : "[");
		put_quoted(b, s);
		more = !!(s->flags & TRZ_STR_MORE);
		next++;
	}
	if (!next)
		return 0;
	sb_printf(b, "%s]", more ? ", ..." : "");
	return 1;
}

const char *dump_args_format(char *buf, size_t size, const struct trz_event *ev)
{
	return dump_args_format_strs(buf, size, ev, NULL, 0);
}

const char *dump_args_format_strs(char *buf, size_t size, const struct trz_event *ev,
				  const struct trz_string *const *strs, int nstrs)
{
	struct sb b = { buf, size, 0 };
	const struct syscall_sig *s = syscall_sig(ev->nr);
	const struct trz_string *str;

	if (!size)
		return buf;
	buf[0] = '\0';
	if (ev->nargs < TRZ_MAX_ARGS) {
		sb_printf(&b, "...");
		return buf;
	}
	int n = s ? (int)strlen(s->args) : TRZ_MAX_ARGS;
	if (s && !strcmp(s->name, "futex")) /* like strace: the arguments the operation uses */
		n = futex_nargs((uint32_t)ev->args[1]);
	for (int i = 0; i < n; i++) {
		/* like strace: open's mode only when the flags create a file */
		if (s && s->args[i] == 'm' && i > 0 && s->args[i - 1] == 'o' &&
		    !(ev->args[i - 1] & open_creating_flags()))
			break;
		if (i)
			sb_printf(&b, ", ");
		if (s && s->args[i] == 'p' && ev->args[i] && (str = str_of(strs, nstrs, i)))
			put_quoted(&b, str);
		else if (s && s->args[i] == 'v' && ev->args[i] && put_array(&b, strs, nstrs, i))
			;
		else if (s)
			put_arg(&b, s->args[i], ev->args[i]);
		else
			put_raw(&b, ev->args[i]);
	}
	return buf;
}

/* Kernel-internal restart codes that a tracer sees at syscall exit (not in the uapi headers). */
static const char *restart_name(int e)
{
	switch (e) {
	case 512: return "ERESTARTSYS";
	case 513: return "ERESTARTNOINTR";
	case 514: return "ERESTARTNOHAND";
	case 515: return "ENOIOCTLCMD";
	case 516: return "ERESTART_RESTARTBLOCK";
	}
	return NULL;
}

const char *dump_ret_format(char *buf, size_t size, int nr, int64_t ret)
{
	struct sb b = { buf, size, 0 };
	const struct syscall_sig *s = syscall_sig(nr);

	if (!size)
		return buf;
	buf[0] = '\0';
	if (ret < 0 && ret >= -4095) {
		int e = (int)-ret;
		const char *name = strerrorname_np(e), *rn = restart_name(e);
		if (name)
			sb_printf(&b, "-1 %s (%s)", name, strerror(e));
		else if (rn)
			sb_printf(&b, "? %s", rn);
		else
			sb_printf(&b, "-1 E%d", e);
	} else if (s && (!strcmp(s->name, "mmap") || !strcmp(s->name, "brk") ||
			 !strcmp(s->name, "mremap"))) { /* addresses */
		sb_printf(&b, "%#" PRIx64, (uint64_t)ret);
	} else {
		sb_printf(&b, "%" PRId64, ret);
	}
	return buf;
}

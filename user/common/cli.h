/* cli.h - the command line shared by the six tools: one error printer, the exit-code table,
 * the version string, option-error messages, and number parsers with ranges.
 *
 * Only the tools' mains (and their option parsing) use this module; library code returns
 * 0/-errno and never prints.  Messages go to stderr as "TOOL: message", TOOL being the name the
 * program was started as (program_invocation_short_name).
 */
#ifndef TRC_CLI_H
#define TRC_CLI_H

#include <getopt.h>
#include <stdint.h>

/* The one version string of all tools (tracerecd writes it into every trace it records). */
#define TRACEREC_VERSION "0.1.0"

/* The exit-code table of every tool: code, value, the label that begins its entry in each man
 * page's EXIT STATUS section (tests/check_man.sh reads this table from here).  In
 * "tracerecd -- COMMAND" mode tracerecd exits with the command's own status when tracing went
 * well, or 128+N when the command was killed by signal N (like a shell). */
#define CLI_EXIT_TABLE(X)                                                                          \
	X(CLI_EX_OK, 0, "Success")               /* done; also after --help, --version */          \
	X(CLI_EX_FAIL, 1, "Error")               /* cannot read or write a file, out of memory,  \
						     BPF load/attach failure, ... */ \
	X(CLI_EX_USAGE, 2, "Usage error")        /* unknown option, bad or out-of-range value */   \
	X(CLI_EX_DAMAGED, 3, "Damaged input")    /* corrupt/truncated input; the readable part   \
						     was processed */ \
	X(CLI_EX_PERM, 4, "Not permitted")       /* missing privileges (root, CAP_BPF) */          \
	X(CLI_EX_NOTARGET, 5, "No such process") /* --pid: a process that does not exist */        \
	X(CLI_EX_NOSUPPORT, 6, "Unsupported kernel") /* the kernel lacks BTF or BPF features */    \
	X(CLI_EX_DURATION, 124, "Duration expired")  /* --duration ended tracing while COMMAND   \
						       still ran (like timeout(1)) */ \
	X(CLI_EX_NOEXEC, 126, "Command not executable") /* like the shell */                       \
	X(CLI_EX_NOCMD, 127, "Command not found")       /* like the shell */

enum cli_exit {
#define CLI_EXIT_ENUM(name, value, label) name = (value),
	CLI_EXIT_TABLE(CLI_EXIT_ENUM)
#undef CLI_EXIT_ENUM
};

/* The label of an exit code ("Usage error"), or NULL for a code not in the table. */
const char *cli_exit_label(int code);

/* "TOOL: " + the formatted message + "\n" on stderr: the tools' one error printer. */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A usage problem: p_err(fmt, ...) + " (see --help)"; returns CLI_EX_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "TOOL (tracerec) VERSION" on stdout; returns CLI_EX_OK. */
int cli_version(void);

/* Long name of the option whose getopt_long value is val in opts, or "?" (for messages such as
 * "bad value for --lr"). */
const char *cli_long_name(const struct option *opts, int val);

/* After getopt_long() (with opterr = 0) returned '?' or ':': prints what was wrong (unknown
 * option, or an option missing its value) and returns CLI_EX_USAGE.  argv is getopt's. */
int cli_bad_option(const struct option *opts, const char *shortopts, char **argv);

/* Number parsers.  Each accepts the whole string or nothing, checks [min, max], and returns 0,
 * -EINVAL (not a number of that kind, NaN, infinite) or -ERANGE (outside [min, max]); *out is
 * only written on success.
 *   cli_parse_ll:      decimal integer
 *   cli_parse_u64:     decimal unsigned integer, exact over the whole 64 bits (seeds)
 *   cli_parse_double:  finite floating-point number
 *   cli_parse_size:    bytes, with an optional binary suffix K, M, G or T (also KiB, KB, k..)
 *   cli_parse_seconds: seconds, with an optional suffix ms, s, m, h or d ("1.5", "500ms", "2h") */
int cli_parse_ll(const char *s, long long min, long long max, long long *out);
int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int cli_parse_double(const char *s, double min, double max, double *out);
int cli_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int cli_parse_seconds(const char *s, double min, double max, double *out);

/* Option values: parse optarg for the option val of opts with the parser above; on a problem,
 * print "TOOL: invalid --NAME 'ARG' (want ... in MIN..MAX)" and return CLI_EX_USAGE, else 0. */
int cli_opt_int(const struct option *opts, int val, const char *arg, int min, int max, int *out);
int cli_opt_ll(const struct option *opts, int val, const char *arg, long long min, long long max,
	       long long *out);
int cli_opt_u64(const struct option *opts, int val, const char *arg, uint64_t min, uint64_t max,
		uint64_t *out);
int cli_opt_double(const struct option *opts, int val, const char *arg, double min, double max,
		   double *out);
int cli_opt_size(const struct option *opts, int val, const char *arg, uint64_t min, uint64_t max,
		 uint64_t *out);
int cli_opt_seconds(const struct option *opts, int val, const char *arg, double min, double max,
		    double *out);

/* A comma-separated list of integers in [min, max] ("1234,5678"): no empty element, at most
 * maxn elements.  Returns the count (>= 1) with *out malloc'ed (caller frees), or -EINVAL /
 * -ERANGE / -E2BIG / -ENOMEM with *bad pointing into s at the offending element (or s). */
int cli_parse_list(const char *s, long long min, long long max, int maxn, long long **out,
		   const char **bad);

#endif /* TRC_CLI_H */

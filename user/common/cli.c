/* cli.c - see cli.h. */
#include "common/cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char *program_invocation_short_name;

const char *cli_exit_label(int code)
{
	switch (code) {
#define CLI_EXIT_CASE(name, value, label) \
	case value: return label;
		CLI_EXIT_TABLE(CLI_EXIT_CASE)
#undef CLI_EXIT_CASE
	}
	return NULL;
}

static void vmsg(const char *suffix, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fputs(suffix, stderr);
	fputc('\n', stderr);
}

void p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(" (see --help)", fmt, ap);
	va_end(ap);
	return CLI_EX_USAGE;
}

int cli_version(void)
{
	printf("%s (tracerec) %s\n", program_invocation_short_name, TRACEREC_VERSION);
	return CLI_EX_OK;
}

const char *cli_long_name(const struct option *opts, int val)
{
	for (const struct option *l = opts; l->name; l++)
		if (l->val == val)
			return l->name;
	return "?";
}

int cli_bad_option(const struct option *opts, const char *shortopts, char **argv)
{
	const char *tok = optind > 0 ? argv[optind - 1] : "";
	const char *p = optopt > 0 && optopt != ':' ? strchr(shortopts, optopt) : NULL;
	int takes_arg = p && p[1] == ':';

	for (const struct option *l = opts; !takes_arg && optopt > 0 && l->name; l++)
		takes_arg = l->val == optopt && l->has_arg == required_argument;
	if (takes_arg)
		return cli_usage("option '%.*s' needs a value", (int)strcspn(tok, "="), tok);
	if (optopt > 0)
		return cli_usage("unknown option '-%c'", optopt);
	return cli_usage("unknown option '%.*s'", (int)strcspn(tok, "="), tok);
}

int cli_parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end || isspace((unsigned char)*s))
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s)) /* strtoull would take "-1" as 2^64-1 */
		return *s == '-' && isdigit((unsigned char)s[1]) ? -ERANGE : -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* A finite strtod() prefix of s; *end is where it stopped. */
static int finite_prefix(const char *s, double *v, char **end)
{
	const char *d = s + (*s == '-' || *s == '+');

	/* decimal only: strtod also takes hexadecimal ("0x10" = 16) and leading white space */
	if (isspace((unsigned char)*s) || (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')))
		return -EINVAL;
	errno = 0;
	*v = strtod(s, end);
	if (*end == s || isnan(*v) || isinf(*v))
		return errno == ERANGE ? -ERANGE : -EINVAL;
	return 0;
}

int cli_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;
	int err = finite_prefix(s, &v, &end);

	if (err)
		return err;
	if (*end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int cli_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	static const char units[] = "KMGT";
	const char *u;
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!isdigit((unsigned char)*s))
		return *s == '-' && isdigit((unsigned char)s[1]) ? -ERANGE : -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end && (u = strchr(units, toupper((unsigned char)*end)))) {
		shift = 10 * (int)(u - units + 1);
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
	} else if (*end == 'B') {
		end++;
	}
	if (*end)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	v <<= shift;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int cli_parse_seconds(const char *s, double min, double max, double *out)
{
	static const struct {
		const char *suffix;
		double scale;
	} units[] = {
		{ "", 1 },     { "s", 1 },    { "ms", 1e-3 }, { "m", 60 },
		{ "min", 60 }, { "h", 3600 }, { "d", 86400 },
	};
	char *end;
	double v;
	int err = finite_prefix(s, &v, &end);

	if (err)
		return err;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix))
			continue;
		v *= units[i].scale;
		if (!(v >= min && v <= max))
			return -ERANGE;
		*out = v;
		return 0;
	}
	return -EINVAL;
}

/* The message of a value that did not parse: what was wanted, with its range. */
static int bad_value(const struct option *opts, int val, const char *arg, const char *want)
{
	p_err("invalid --%s '%s' (want %s)", cli_long_name(opts, val), arg, want);
	return CLI_EX_USAGE;
}

int cli_opt_int(const struct option *opts, int val, const char *arg, int min, int max, int *out)
{
	long long v;
	int rc = cli_opt_ll(opts, val, arg, min, max, &v);

	if (!rc)
		*out = (int)v;
	return rc;
}

int cli_opt_ll(const struct option *opts, int val, const char *arg, long long min, long long max,
	       long long *out)
{
	char want[96];

	if (!cli_parse_ll(arg, min, max, out))
		return 0;
	snprintf(want, sizeof(want), "an integer in %lld..%lld", min, max);
	return bad_value(opts, val, arg, want);
}

int cli_opt_u64(const struct option *opts, int val, const char *arg, uint64_t min, uint64_t max,
		uint64_t *out)
{
	char want[96];

	if (!cli_parse_u64(arg, min, max, out))
		return 0;
	snprintf(want, sizeof(want), "an integer in %llu..%llu", (unsigned long long)min,
		 (unsigned long long)max);
	return bad_value(opts, val, arg, want);
}

int cli_opt_double(const struct option *opts, int val, const char *arg, double min, double max,
		   double *out)
{
	char want[96];

	if (!cli_parse_double(arg, min, max, out))
		return 0;
	snprintf(want, sizeof(want), "a number in %.10g..%.10g", min, max);
	return bad_value(opts, val, arg, want);
}

/* 4096 -> "4K", 3 << 30 -> "3G", 1000 -> "1000" */
static void size_str(char *buf, size_t n, uint64_t v)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v >= 1024 && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	snprintf(buf, n, "%llu%.*s", (unsigned long long)v, u >= 0, u >= 0 ? units + u : "");
}

int cli_opt_size(const struct option *opts, int val, const char *arg, uint64_t min, uint64_t max,
		 uint64_t *out)
{
	char want[96], lo[32], hi[32];

	if (!cli_parse_size(arg, min, max, out))
		return 0;
	size_str(lo, sizeof(lo), min);
	size_str(hi, sizeof(hi), max);
	snprintf(want, sizeof(want), "a size in %s..%s, suffix K, M or G", lo, hi);
	return bad_value(opts, val, arg, want);
}

int cli_opt_seconds(const struct option *opts, int val, const char *arg, double min, double max,
		    double *out)
{
	char want[96];

	if (!cli_parse_seconds(arg, min, max, out))
		return 0;
	snprintf(want, sizeof(want), "seconds in %.10g..%.10g, suffix ms, s, m, h or d", min, max);
	return bad_value(opts, val, arg, want);
}

int cli_parse_list(const char *s, long long min, long long max, int maxn, long long **out,
		   const char **bad)
{
	long long *v = malloc((strlen(s) / 2 + 1) * sizeof(*v));
	char tok[32];
	int n = 0, err = 0;

	*bad = s;
	*out = NULL;
	if (!v)
		return -ENOMEM;
	for (const char *p = s;; p++) {
		size_t len = strcspn(p, ",");

		*bad = p;
		if (n == maxn)
			err = -E2BIG;
		else if (len == 0 || len >= sizeof(tok))
			err = len && isdigit((unsigned char)*p) ? -ERANGE : -EINVAL;
		if (!err) {
			memcpy(tok, p, len);
			tok[len] = '\0';
			err = cli_parse_ll(tok, min, max, &v[n]);
		}
		if (err)
			break;
		n++;
		p += len;
		if (!*p)
			break;
	}
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	return n;
}

/* tracerec-dump - print, summarise or export a .trz trace (man/tracerec-dump.1). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>

#include "dump/dump.h"
#include "trz/trz.h"
#include "common/outfile.h"

#define TOOL "tracerec-dump"
#define TOOL_VERSION "0.1"

enum {
	EXIT_OK = 0,
	EXIT_FILE = 1,    /* file unreadable / not a trz file / I/O or output error */
	EXIT_DAMAGED = 2, /* trace read, but corrupt blocks were skipped or it was truncated */
	EXIT_USAGE = 64,
};

struct opts {
	const char *path, *output, *export_fmt;
	enum dump_format fmt;
	int stats, json, quiet, has_tid, force;
	uint32_t tid;
	int64_t window;
};

static const char usage_text[] =
	"Usage: " TOOL " [OPTION...] FILE\n"
	"Print the records of a .trz trace strace-style, summarise it, or export model windows.\n"
	"\n"
	"  -f, --format=FMT     output format: text, csv or jsonl (default: text)\n"
	"  -t, --tid=TID        only records of thread TID (events, synthetic events, gaps,\n"
	"                       thread records); metadata is kept (default: all threads)\n"
	"  -s, --stats          print statistics instead of records (default: off)\n"
	"  -j, --json           with --stats: one JSON object (default: human-readable)\n"
	"  -e, --export=npy     write windows of model ids to the -o file (default: off)\n"
	"  -w, --window=L       events per exported window (default: 100)\n"
	"  -o, --output=FILE    output file, created new (mode 0600); required with --export,\n"
	"                       which also writes FILE.vocab (default: stdout; - is stdout)\n"
	"      --force          replace existing output files (regular files or symbolic links)\n"
	"  -q, --quiet          do not report skipped corrupt blocks or truncation (default: off)\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 ok, 1 file cannot be read (missing, not a trz file, unsupported version,\n"
	"I/O error), 2 damaged trace (corrupt blocks skipped or truncated; the readable records\n"
	"were still printed), 64 usage error.\n"
	"\n"
	"Examples:\n"
	"  " TOOL " trace.trz | less\n"
	"  " TOOL " --tid 1234 --format jsonl trace.trz\n"
	"  " TOOL " --stats --json trace.trz\n"
	"  " TOOL " --export npy --window 100 -o windows.npy trace.trz\n";

static void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void p_err(const char *fmt, ...)
{
	va_list ap;

	fputs(TOOL ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, TOOL ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" TOOL " --help' for more information.\n");
	return EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_format(const char *s, enum dump_format *fmt)
{
	static const char *const names[] = { [DUMP_TEXT] = "text", [DUMP_CSV] = "csv",
					     [DUMP_JSONL] = "jsonl" };

	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		if (!strcmp(s, names[i])) {
			*fmt = (enum dump_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' }, { "tid", required_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 's' },        { "json", no_argument, NULL, 'j' },
		{ "export", required_argument, NULL, 'e' }, { "window", required_argument, NULL, 'w' },
		{ "output", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },         { "version", no_argument, NULL, 'V' },
		{ "force", no_argument, NULL, 'F' },        { NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:t:sje:w:o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_format(optarg, &o->fmt))
				return usage_error("unknown format '%s' (text, csv or jsonl)", optarg);
			break;
		case 't':
			if (parse_u64(optarg, UINT32_MAX, &v))
				return usage_error("invalid thread id '%s'", optarg);
			o->tid = (uint32_t)v;
			o->has_tid = 1;
			break;
		case 's': o->stats = 1; break;
		case 'j': o->json = 1; break;
		case 'e':
			if (strcmp(optarg, "npy"))
				return usage_error("unknown export format '%s' (npy)", optarg);
			o->export_fmt = optarg;
			break;
		case 'w':
			if (parse_u64(optarg, 1u << 20, &v) || v == 0)
				return usage_error("invalid window length '%s' (1..1048576)", optarg);
			o->window = (int64_t)v;
			break;
		case 'o': o->output = optarg; break;
		case 'F': o->force = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case 'V':
			printf(TOOL " (tracerec) " TOOL_VERSION ", trz format version %d\n", TRZ_VERSION);
			return EXIT_OK;
		case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error("%s", optind >= argc ? "missing FILE" : "only one FILE, please");
	o->path = argv[optind];
	if (o->json && !o->stats)
		return usage_error("%s", "--json goes with --stats");
	if (o->export_fmt && o->stats)
		return usage_error("%s", "--export and --stats cannot be combined");
	if (o->export_fmt && (!o->output || !strcmp(o->output, "-")))
		return usage_error("%s", "--export needs -o OUT.npy (a file)");
	return -1;
}

struct warn_ctx {
	const char *path;
	int quiet, mute;
};

static void on_warn(void *ctx, const char *msg)
{
	struct warn_ctx *w = ctx;

	if (!w->quiet && !w->mute)
		p_err("%s: %s", w->path, msg);
}

static int keep(const struct opts *o, const struct trz_record *r)
{
	if (!o->has_tid)
		return 1;
	switch (r->kind) {
	case TRZ_REC_EVENT: return r->ev.tid == o->tid;
	case TRZ_REC_SYNTH: return r->syn.ev.tid == o->tid;
	case TRZ_REC_GAP: return r->gap.attributed && r->gap.tid == o->tid;
	case TRZ_REC_THREAD: return r->th.tid == o->tid;
	case TRZ_REC_META: return 1;
	case TRZ_REC_STATE: return 1;
	}
	return 0;
}

/* First pass for printing: the first comm of every thread, so events before their thread
 * record get a name too.  Warnings are muted here and come in the printing pass. */
static int collect_comms(struct trz_reader *r, struct trz_record *rec, struct dump_comms *c)
{
	int err;

	while ((err = trz_read_next(r, rec)) == 1)
		if (rec->kind == TRZ_REC_THREAD && rec->th.comm[0] &&
		    dump_comms_set(c, rec->th.tid, rec->th.comm, 1))
			return -ENOMEM;
	return err ? err : trz_reader_rewind(r);
}

/* The record loop: print, count or collect.  Returns 0 or -errno. */
static int run(struct trz_reader *r, const struct opts *o, FILE *out, struct warn_ctx *wc,
	       struct dump_stats *st, struct dump_export *x)
{
	struct trz_record *rec = malloc(sizeof(*rec));
	struct dump_comms comms = { 0 };
	int err = 0, print = !st && !x;

	if (!rec)
		return -ENOMEM;
	if (print) {
		wc->mute = 1;
		err = collect_comms(r, rec, &comms);
		wc->mute = 0;
		dump_print_header(out, o->fmt);
	}
	while (!err && (err = trz_read_next(r, rec)) == 1) {
		err = 0;
		if (rec->kind == TRZ_REC_THREAD && rec->th.comm[0])
			err = dump_comms_set(&comms, rec->th.tid, rec->th.comm, 0);
		if (err || !keep(o, rec))
			continue;
		if (st)
			err = dump_stats_add(st, rec);
		else if (x)
			err = dump_export_add(x, rec);
		else
			dump_print_record(out, o->fmt, rec, &comms);
	}
	dump_comms_free(&comms);
	free(rec);
	return err;
}

/* -o FILE (and FILE.vocab with --export), or "-": standard output.  Prints the problem. */
static int open_outputs(const struct opts *o, struct outfile *of, struct outfile *vf, FILE **out)
{
	int flags = (o->force ? OUTFILE_FORCE : 0) | (o->export_fmt ? 0 : OUTFILE_STDOUT_OK);
	char vpath[PATH_MAX];
	int err;

	vf->fd = -1;
	if ((err = outfile_open(of, o->output, flags))) {
		p_err("cannot create %s: %s", o->output, outfile_strerror(err));
		return err;
	}
	if (o->export_fmt) {
		if (snprintf(vpath, sizeof(vpath), "%s.vocab", o->output) >= (int)sizeof(vpath))
			err = -ENAMETOOLONG;
		else
			err = outfile_open(vf, vpath, flags);
		if (err) {
			p_err("cannot create %s.vocab: %s", o->output, outfile_strerror(err));
			close(of->fd);
			outfile_discard(of);
			return err;
		}
	} else if (!of->is_stdout && !(*out = fdopen(of->fd, "w"))) {
		err = -errno;
		p_err("cannot create %s: %s", o->output, strerror(errno));
		close(of->fd);
		outfile_discard(of);
		return err;
	}
	return 0;
}

/* Close what open_outputs() opened; keep: give the files their names, else remove them (only
 * what this run created).  Returns 0 or -errno after printing the problem. */
static int close_outputs(const struct opts *o, struct outfile *of, struct outfile *vf, FILE *out,
			 int keep)
{
	int err = 0;

	if (of->is_stdout)
		return 0;
	if (out != stdout ? fclose(out) : close(of->fd))
		err = -errno;
	if (vf->fd >= 0 && close(vf->fd) && !err)
		err = -errno;
	if (!err && keep && !(err = outfile_commit(of)) && vf->fd >= 0)
		err = outfile_commit(vf);
	if (err)
		p_err("cannot write %s: %s", o->output, strerror(-err));
	if (err || !keep) {
		outfile_discard(of);
		if (vf->fd >= 0)
			outfile_discard(vf);
	}
	return err;
}

int main(int argc, char **argv)
{
	struct opts o = { .fmt = DUMP_TEXT, .window = 100 };
	struct warn_ctx wc = { 0 };
	struct trz_reader_stats rs;
	struct dump_stats st = { 0 };
	struct dump_export *x = NULL;
	struct trz_reader *r;
	struct outfile of, vf; /* -o FILE; FILE.vocab with --export */
	FILE *out = stdout;
	int rc, err;

	/* Options */
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	wc.path = o.path;
	wc.quiet = o.quiet;

	/* Open the trace (clear message for every kind of bad file) */
	r = trz_reader_open(o.path, on_warn, &wc);
	if (!r) {
		const char *why = trz_last_error();
		if (strstr(why, o.path))
			p_err("%s", why);
		else
			p_err("%s: %s", o.path, why);
		return EXIT_FILE;
	}
	/* Outputs: created new (or --force: temporaries renamed over them at the end) */
	if (o.output && (err = open_outputs(&o, &of, &vf, &out))) {
		trz_reader_close(r);
		return EXIT_FILE;
	}
	static char obuf[1 << 16];
	setvbuf(out, obuf, _IOFBF, sizeof(obuf));
	if (o.export_fmt && !(x = dump_export_new())) {
		p_err("out of memory");
		close_outputs(&o, &of, &vf, out, 0);
		trz_reader_close(r);
		return EXIT_FILE;
	}

	/* Read every record */
	err = run(r, &o, out, &wc, o.stats ? &st : NULL, x);
	trz_reader_stats(r, &rs);
	rc = EXIT_OK;
	if (err) {
		p_err("%s: %s", o.path, strerror(-err));
		rc = EXIT_FILE;
	}

	/* Results */
	if (!err && o.stats)
		dump_stats_print(out, &st, &rs, o.json);
	if (!err && x) {
		int64_t nwin = 0;
		err = dump_export_write(x, of.fd, vf.fd, o.window, &nwin);
		if (err == -ENODATA)
			p_err("%s: no thread has %lld recorded events in a row; nothing exported",
			      o.path, (long long)o.window);
		else if (err)
			p_err("cannot write %s: %s", o.output, strerror(-err));
		else if (!o.quiet)
			fprintf(stderr, TOOL ": wrote %lld windows of %lld events to %s\n",
				(long long)nwin, (long long)o.window, o.output);
		if (err)
			rc = EXIT_FILE;
	}
	if (fflush(out) || ferror(out)) {
		p_err("write error on %s: %s", o.output ? o.output : "standard output",
		      strerror(errno));
		rc = EXIT_FILE;
	}
	if (o.output && close_outputs(&o, &of, &vf, out, rc == EXIT_OK))
		rc = EXIT_FILE;
	if (rc == EXIT_OK && (rs.blocks_bad || rs.truncated))
		rc = EXIT_DAMAGED;
	dump_stats_free(&st);
	dump_export_free(x);
	trz_reader_close(r);
	return rc;
}

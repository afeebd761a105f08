/* tracerec-dump - print, summarise or export a .trz trace (man/tracerec-dump.1). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <limits.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cli.h"
#include "dump/dump.h"
#include "dump/export.h"
#include "trz/trz.h"
#include "common/outfile.h"

#define TOOL "tracerec-dump"

struct opts {
	const char *path, *output, *export_fmt, *svg;
	int view; /* a viewer export (chrome-json, perfetto, svg): 1 + enum export_kind */
	enum dump_format fmt;
	int stats, json, quiet, summary, durations, tflag, relative, follow, file_order, force;
	uint64_t reorder_ms;
	struct dump_filter filter;
	int64_t window;
};

/* Records held to put them in time order: at most this many (about 150 bytes each). */
#define REORDER_MAX_RECORDS (2u << 20)

static const char usage_text[] =
	"Usage: " TOOL " [OPTION...] FILE\n"
	"Print the records of a .trz trace strace-style in time order, summarise it, or export\n"
	"model windows.  FILE - reads standard input (a pipe).\n"
	"\n"
	"Output:\n"
	"  -f, --format=FMT     output format: text, csv or jsonl (default: text)\n"
	"  -c, --summary        per-syscall calls, errors and time, like strace -c (default: off)\n"
	"  -T                   time spent in each call, <seconds> (default: off)\n"
	"  -t                   wall-clock time of day; -tt with microseconds, -ttt seconds since\n"
	"                       the epoch (default: the trace clock, seconds.nanoseconds)\n"
	"  -r                   time relative to the previous line (default: off)\n"
	"  -s, --stats          print statistics instead of records (default: off)\n"
	"  -j, --json           with --stats or -c: JSON (default: human-readable)\n"
	"      --order=ORDER    time (sorted across CPUs) or file (as written) (default: time)\n"
	"      --reorder-window=MS  hold records up to MS milliseconds of trace time to sort\n"
	"                       them (default: 1000)\n"
	"\n"
	"Filters (records of other threads and syscalls are left out; metadata is kept):\n"
	"  -e trace=SET         syscalls as in strace: NAME[,NAME...], !SET, %file, %desc,\n"
	"                       %network, %process, %signal, %ipc, %memory, %creds, %clock,\n"
	"                       %stat, %%stat, /REGEX, all, none\n"
	"  -p, --pid=PID[,PID...]  only these processes (thread group ids)\n"
	"      --tid=TID[,TID...]  only these threads\n"
	"      --comm=NAME      only threads named NAME\n"
	"      --since=T, --until=T  only records from/until T: seconds of the trace clock as\n"
	"                       printed, or +SECONDS from the start of the trace\n"
	"\n"
	"Input:\n"
	"      --follow         follow a trace that is still being written, until Ctrl-C\n"
	"  -q, --quiet          do not report skipped corrupt blocks or truncation (default: off)\n"
	"\n"
	"Export:\n"
	"      --export=FMT     write the trace to the -o file as FMT: chrome-json (Perfetto UI,\n"
	"                       chrome://tracing, speedscope), perfetto (Perfetto protobuf) or\n"
	"                       npy (windows of model ids); filters apply (default: off)\n"
	"      --svg=FILE       draw the trace as an SVG picture into FILE (default: off)\n"
	"  -w, --window=L       events per exported window (default: 100)\n"
	"  -o, --output=FILE    output file, created new (mode 0600); required with --export,\n"
	"                       which also writes FILE.vocab (default: stdout; - is stdout)\n"
	"      --force          replace existing output files (regular files or symbolic links)\n"
	"\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 ok, 1 file cannot be read (missing, not a trz file, unsupported version,\n"
	"I/O error), 2 usage error, 3 damaged trace (corrupt blocks skipped or truncated; the\n"
	"readable records were still printed).\n"
	"\n"
	"Examples:\n"
	"  " TOOL " trace.trz | less\n"
	"  " TOOL " -e trace=%file -T -tt trace.trz\n"
	"  " TOOL " -c trace.trz\n"
	"  " TOOL " --tid 1234 --format jsonl trace.trz\n"
	"  " TOOL " --stats --json trace.trz\n"
	"  tracerecd -o - -- make | " TOOL " -\n"
	"  " TOOL " --export npy --window 100 -o windows.npy trace.trz\n"
	"  " TOOL " --export perfetto -o trace.pftrace trace.trz   # ui.perfetto.dev\n"
	"  " TOOL " --svg trace.svg trace.trz\n";

static int parse_format(const char *s, enum dump_format *fmt)
{
	static const char *const names[] = {
		[DUMP_TEXT] = "text", [DUMP_CSV] = "csv", [DUMP_JSONL] = "jsonl"
	};

	for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		if (!strcmp(s, names[i])) {
			*fmt = (enum dump_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* SECONDS[.FRACTION] (up to 9 decimals) as nanoseconds. */
static int parse_seconds(const char *s, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	int digits = 0, nd = 0;

	for (; *s >= '0' && *s <= '9'; s++, nd++) {
		if (sec > (UINT64_MAX / 1000000000u - 9) / 10)
			return -EINVAL;
		sec = sec * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, nd++)
			if (digits < 9)
				frac = frac * 10 + (uint64_t)(*s - '0'), digits++;
	if (*s || !nd)
		return -EINVAL;
	for (; digits < 9; digits++)
		frac *= 10;
	*ns = sec * 1000000000u + frac;
	return 0;
}

/* ID[,ID...] appended to *v: no empty element. */
static int parse_ids(const char *s, uint32_t **v, size_t *n)
{
	long long *ids;
	const char *bad;
	int k = cli_parse_list(s, 0, UINT32_MAX, 1 << 20, &ids, &bad), err = 0;

	if (k < 0)
		return k;
	for (int i = 0; i < k && !err; i++)
		err = dump_filter_add_id(v, n, (uint32_t)ids[i]);
	free(ids);
	return err;
}

enum {
	OPT_TID = 256,
	OPT_EXPORT,
	OPT_COMM,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_ORDER,
	OPT_REORDER,
	OPT_FOLLOW,
	OPT_FORCE,
	OPT_SVG,
};

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "tid", required_argument, NULL, OPT_TID },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "summary", no_argument, NULL, 'c' },
		{ "stats", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "export", required_argument, NULL, OPT_EXPORT },
		{ "window", required_argument, NULL, 'w' },
		{ "output", required_argument, NULL, 'o' },
		{ "order", required_argument, NULL, OPT_ORDER },
		{ "reorder-window", required_argument, NULL, OPT_REORDER },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char shortopts[] = ":f:e:p:cTtrsjw:o:qhV";
	uint64_t v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_format(optarg, &o->fmt))
				return cli_usage("unknown format '%s' (want text, csv or jsonl)",
						 optarg);
			break;
		case 'e':
			if (dump_filter_expr(&o->filter, optarg))
				return cli_usage("-e: %s", err_text());
			break;
		case OPT_TID:
			if (parse_ids(optarg, &o->filter.tids, &o->filter.ntids))
				return cli_usage(
					"invalid --tid '%s' (want TID[,TID...], each in 0..%u)",
					optarg, UINT32_MAX);
			break;
		case 'p':
			if (parse_ids(optarg, &o->filter.pids, &o->filter.npids))
				return cli_usage(
					"invalid --pid '%s' (want PID[,PID...], each in 0..%u)",
					optarg, UINT32_MAX);
			break;
		case OPT_COMM: o->filter.comm = optarg; break;
		case OPT_SINCE:
		case OPT_UNTIL: {
			int rel = optarg[0] == '+';
			if (parse_seconds(optarg + rel, &v))
				return cli_usage("invalid --%s '%s' (SECONDS or +SECONDS, digits and "
						 "one '.', below %llu)",
						 c == OPT_SINCE ? "since" : "until", optarg,
						 (unsigned long long)(UINT64_MAX / 1000000000u));
			if (c == OPT_SINCE)
				o->filter.has_since = 1, o->filter.since_rel = rel,
				o->filter.since_ns = v;
			else
				o->filter.has_until = 1, o->filter.until_rel = rel,
				o->filter.until_ns = v;
			break;
		}
		case 'c': o->summary = 1; break;
		case 'T': o->durations = 1; break;
		case 't': o->tflag++; break;
		case 'r': o->relative = 1; break;
		case 's': o->stats = 1; break;
		case 'j': o->json = 1; break;
		case OPT_EXPORT:
			if (!strcmp(optarg, "chrome-json"))
				o->view = 1 + EXPORT_CHROME_JSON;
			else if (!strcmp(optarg, "perfetto"))
				o->view = 1 + EXPORT_PERFETTO;
			else if (!strcmp(optarg, "npy"))
				o->export_fmt = optarg;
			else
				return cli_usage(
					"unknown export format '%s' (want chrome-json, perfetto or "
					"npy)",
					optarg);
			break;
		case OPT_SVG: o->svg = optarg; break;
		case 'w':
			if (cli_opt_u64(longopts, c, optarg, 1, 1u << 20, &v))
				return CLI_EX_USAGE;
			o->window = (int64_t)v;
			break;
		case 'o': o->output = optarg; break;
		case OPT_ORDER:
			if (strcmp(optarg, "time") && strcmp(optarg, "file"))
				return cli_usage("unknown order '%s' (time or file)", optarg);
			o->file_order = !strcmp(optarg, "file");
			break;
		case OPT_REORDER:
			if (cli_opt_u64(longopts, c, optarg, 0, 3600000, &v))
				return CLI_EX_USAGE;
			o->reorder_ms = v;
			break;
		case OPT_FOLLOW: o->follow = 1; break;
		case OPT_FORCE: o->force = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h': fputs(usage_text, stdout); return CLI_EX_OK;
		case 'V':
			cli_version();
			printf("trz format version %d\n", TRZ_VERSION);
			return CLI_EX_OK;
		default: return cli_bad_option(longopts, shortopts, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage("%s", optind >= argc ? "missing FILE" : "only one FILE, please");
	o->path = argv[optind];
	if (o->json && !o->stats && !o->summary)
		return cli_usage("%s", "--json goes with --stats or -c");
	if (o->svg && (o->view || o->output))
		return cli_usage("%s", "--svg cannot be combined with --export or -o");
	if (o->svg) {
		o->view = 1 + EXPORT_SVG;
		o->output = o->svg;
	}
	if (o->stats + o->summary + !!o->export_fmt + !!o->view > 1)
		return cli_usage("%s", "--stats, -c, --export and --svg cannot be combined");
	if (o->view && !o->output)
		return cli_usage("%s", "--export needs -o OUT (a file, or - for standard output)");
	if (o->export_fmt && (!o->output || !strcmp(o->output, "-")))
		return cli_usage("%s", "--export needs -o OUT.npy (a file)");
	if (o->tflag > 3)
		return cli_usage("%s", "-t at most three times (-ttt)");
	if (o->tflag && o->relative)
		return cli_usage("%s", "-t and -r cannot be combined");
	if ((o->tflag || o->relative || o->durations) &&
	    (o->fmt != DUMP_TEXT || o->stats || o->summary || o->export_fmt || o->view))
		return cli_usage("%s", "-t, -r and -T go with the text output");
	if (o->follow && !strcmp(o->path, "-"))
		return cli_usage("%s", "--follow needs a FILE (a pipe is followed anyway)");
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

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Where records come from: a regular file read in place (followed with --follow), or a pipe
 * copied into a memory file as it arrives, the part already read being given back. */
struct input {
	struct trz_reader *r;
	int in_fd;  /* the pipe, -1 when none or at its end */
	int mem_fd; /* its copy, -1 for a regular file */
	uint64_t mem_len, punched, last_off;
};

/* Copy what the pipe has into the memory file, waiting up to timeout_ms (-1: forever) for it.
 * Returns bytes copied, 0 at the end of the pipe, -EAGAIN (nothing yet), -EINTR or -errno. */
static ssize_t pump(struct input *in, int timeout_ms)
{
	static char buf[1 << 16];
	struct pollfd pfd = { .fd = in->in_fd, .events = POLLIN };
	int k = poll(&pfd, 1, timeout_ms);

	if (k < 0)
		return -errno;
	if (k == 0)
		return -EAGAIN;
	ssize_t n = read(in->in_fd, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	for (ssize_t done = 0; done < n;) {
		ssize_t w = pwrite(in->mem_fd, buf + done, (size_t)(n - done),
				   (off_t)(in->mem_len + (uint64_t)done));
		if (w < 0 && errno != EINTR)
			return -errno;
		if (w > 0)
			done += w;
	}
	in->mem_len += (uint64_t)n;
	return n;
}

/* Open FILE: a regular file directly; anything else (a pipe, "-") through a memory file. */
static int open_input(struct input *in, const struct opts *o, struct warn_ctx *wc)
{
	struct stat sb;
	char path[64];

	in->in_fd = in->mem_fd = -1;
	if (strcmp(o->path, "-") &&
	    (stat(o->path, &sb) || S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode))) {
		in->r = trz_reader_open(o->path, on_warn, wc);
		if (in->r && o->follow)
			trz_reader_set_follow(in->r, 1);
		return in->r ? 0 : -errno;
	}
	in->in_fd = strcmp(o->path, "-") ? open(o->path, O_RDONLY | O_CLOEXEC) : 0;
	if (in->in_fd < 0)
		return -errno;
	in->mem_fd = memfd_create("tracerec-dump-input", MFD_CLOEXEC);
	if (in->mem_fd < 0)
		return -errno;
	/* the reader starts with the file header */
	while (in->mem_len < 4096) {
		ssize_t n = pump(in, -1);
		if (n == -EINTR && !stop_requested)
			continue;
		if (n < 0)
			return (int)n;
		if (n == 0) {
			in->in_fd = -1;
			break;
		}
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", in->mem_fd);
	in->r = trz_reader_open(path, on_warn, wc);
	if (!in->r)
		return -errno;
	if (in->in_fd >= 0)
		trz_reader_set_follow(in->r, 1);
	return 0;
}

/* Give back the memory of the copied pipe up to the block being read. */
static void give_back(struct input *in)
{
	uint64_t upto = in->last_off & ~((1ull << 20) - 1);

	if (in->mem_fd >= 0 && upto > in->punched &&
	    !fallocate(in->mem_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)upto))
		in->punched = upto;
}

static void close_input(struct input *in)
{
	trz_reader_close(in->r);
	if (in->in_fd > 0)
		close(in->in_fd);
	if (in->mem_fd >= 0)
		close(in->mem_fd);
}

/* Everything a pass over the records needs. */
struct run {
	const struct opts *o;
	struct dump_filter *f;
	struct dump_comms comms;
	struct dump_printer pr;
	struct dump_order *ord;
	struct dump_summary *sum;
	struct dump_stats *st;
	struct dump_export *x;
	struct export *vx; /* --export chrome-json / perfetto, --svg */
	int64_t mono_start, real_start;
	int have_mono, have_real, wall_quality, base_set;
};

/* The wall clock at trace time 0, from the best source seen: 3 = metadata start_realtime_ns
 * (read right after start_monotonic_ns), 2 = a STATE record (both clocks), 1 = metadata
 * start_time (to the second). */
static void set_wall(struct run *c, int quality, int64_t offset)
{
	if (quality <= c->wall_quality)
		return;
	c->wall_quality = quality;
	c->pr.wall_offset_ns = offset;
	c->pr.has_wall = 1;
}

static void note_state(struct run *c, const struct trz_state *st)
{
	if (st->wall_ns && st->ts_ns)
		set_wall(c, 2, (int64_t)st->wall_ns - (int64_t)st->ts_ns);
}

/* Trace metadata the output needs: the trace's start in its clock and in wall-clock time. */
static void note_meta(struct run *c, const struct trz_meta *m)
{
	uint64_t v;

	if (!strcmp(m->key, "start_monotonic_ns") && !cli_parse_u64(m->value, 0, UINT64_MAX, &v)) {
		c->mono_start = (int64_t)v;
		c->have_mono = 1;
		if (!c->base_set)
			c->f->base_ns = v, c->base_set = 1;
	} else if (!strcmp(m->key, "start_realtime_ns") &&
		   !cli_parse_u64(m->value, 0, UINT64_MAX, &v)) {
		c->real_start = (int64_t)v;
		c->have_real = 3;
	} else if (!strcmp(m->key, "start_time") && !c->have_real) {
		struct tm tm = { 0 };
		const char *end = strptime(m->value, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (end && !*end) {
			c->real_start = (int64_t)timegm(&tm) * 1000000000;
			c->have_real = 1;
		}
	}
	if (c->have_mono && c->have_real)
		set_wall(c, c->have_real, c->real_start - c->mono_start);
}

/* A record in time order (or file order with --order=file): filter, then print or count. */
static int emit(void *ctx, const struct trz_record *rec)
{
	struct run *c = ctx;
	int err;

	if (rec->kind == TRZ_REC_THREAD && rec->th.comm[0] &&
	    (err = dump_comms_set(&c->comms, rec->th.tid, rec->th.comm, 0)))
		return err;
	if (!c->base_set && dump_record_ts(rec)) {
		c->f->base_ns = dump_record_ts(rec); /* no start in the metadata: the first record */
		c->base_set = 1;
	}
	if (!dump_filter_keep(c->f, rec, &c->comms))
		return 0;
	if (c->sum)
		return dump_summary_add(c->sum, rec);
	if (c->vx)
		return export_add(c->vx, rec);
	return dump_print_record(&c->pr, rec);
}

/* A record in file order. */
static int take(struct run *c, const struct trz_record *rec)
{
	int err;

	if (rec->kind == TRZ_REC_META)
		note_meta(c, &rec->meta);
	if (rec->kind == TRZ_REC_STATE)
		note_state(c, &rec->state);
	if (rec->kind == TRZ_REC_STRING && !c->st) /* a string argument waits for its event */
		return c->pr.strings && dump_filter_string(c->f, &rec->str)
			       ? dump_strings_add(c->pr.strings, &rec->str)
			       : 0;
	if (c->st || c->x) {
		if (rec->kind == TRZ_REC_THREAD && rec->th.comm[0] &&
		    (err = dump_comms_set(&c->comms, rec->th.tid, rec->th.comm, 0)))
			return err;
		if (!dump_filter_keep(c->f, rec, &c->comms))
			return 0;
		return c->st ? dump_stats_add(c->st, rec) : dump_export_add(c->x, rec);
	}
	if (c->ord)
		return dump_order_push(c->ord, rec, emit, c);
	return emit(c, rec);
}

/* First pass over a regular file: the first comm of every thread, so that events before their
 * thread record get a name too, and the metadata (wall-clock start).  Warnings are muted here
 * and come in the main pass. */
static int first_pass(struct run *c, struct trz_reader *r, struct trz_record *rec)
{
	int err;

	while ((err = trz_read_next(r, rec)) == 1) {
		if (rec->kind == TRZ_REC_THREAD && rec->th.comm[0] &&
		    dump_comms_set(&c->comms, rec->th.tid, rec->th.comm, 1))
			return -ENOMEM;
		if (rec->kind == TRZ_REC_META)
			note_meta(c, &rec->meta);
		if (rec->kind == TRZ_REC_STATE)
			note_state(c, &rec->state);
	}
	return err ? err : trz_reader_rewind(r);
}

/* Read every record (following a pipe or a growing file until its end or Ctrl-C). */
static int read_all(struct run *c, struct input *in, struct trz_record *rec)
{
	const struct timespec nap = { 0, 200 * 1000000 };
	int err;

	for (;;) {
		while ((err = trz_read_next(in->r, rec)) == 1) {
			in->last_off = rec->offset;
			if ((err = take(c, rec)))
				return err;
			if (stop_requested)
				return 0;
		}
		if (err < 0)
			return err;
		give_back(in);
		if (stop_requested || (in->mem_fd < 0 && !c->o->follow))
			return 0;
		if (in->mem_fd < 0) { /* --follow */
			fflush(c->pr.out);
			nanosleep(&nap, NULL);
			continue;
		}
		if (in->in_fd < 0) /* the pipe's end was read: the rest is final */
			return 0;
		fflush(c->pr.out);
		ssize_t n = pump(in, -1);
		if (n == 0) {
			in->in_fd = -1;
			trz_reader_set_follow(in->r, 0);
		} else if (n < 0 && n != -EINTR && n != -EAGAIN) {
			return (int)n;
		}
	}
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
	struct opts o = { .fmt = DUMP_TEXT, .window = 100, .reorder_ms = 1000 };
	struct warn_ctx wc = { 0 };
	struct trz_reader_stats rs;
	struct dump_stats st = { 0 };
	struct input in = { 0 };
	struct run c = { 0 };
	struct trz_record *rec = NULL;
	struct outfile of = { .fd = -1 }, vf = { .fd = -1 }; /* -o FILE; FILE.vocab with --export */
	FILE *out = stdout;
	int rc, err;

	/* Options */
	rc = parse_args(argc, argv, &o);
	if (rc >= 0) {
		dump_filter_free(&o.filter);
		return rc;
	}
	wc.path = o.path;
	wc.quiet = o.quiet;
	struct sigaction sa = { .sa_handler = on_stop };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Open the trace (clear message for every kind of bad file) */
	err = open_input(&in, &o, &wc);
	if (err) {
		const char *why = in.r || in.mem_fd < 0 || in.in_fd < 0 ? err_text() : strerror(-err);
		if (in.mem_fd >= 0 && !in.r)
			why = err_text();
		if (!strcmp(o.path, "-") || strstr(why, "/proc/self/fd/") || !strstr(why, o.path))
			p_err("%s: %s", strcmp(o.path, "-") ? o.path : "standard input",
			      strstr(why, "/proc/self/fd/") ? strerror(-err) : why);
		else
			p_err("%s", why);
		close_input(&in);
		dump_filter_free(&o.filter);
		return CLI_EX_FAIL;
	}
	/* Outputs: created new (or --force: temporaries renamed over them at the end) */
	if (o.output && open_outputs(&o, &of, &vf, &out)) {
		close_input(&in);
		dump_filter_free(&o.filter);
		return CLI_EX_FAIL;
	}
	static char obuf[1 << 16];
	setvbuf(out, obuf, _IOFBF, sizeof(obuf));
	c.o = &o;
	c.f = &o.filter;
	c.pr = (struct dump_printer){
		.out = out, .fmt = o.fmt, .durations = o.durations, .comms = &c.comms
	};
	c.pr.time = o.relative     ? DUMP_TIME_RELATIVE
		    : o.tflag == 1 ? DUMP_TIME_WALL
		    : o.tflag == 2 ? DUMP_TIME_WALL_US
		    : o.tflag == 3 ? DUMP_TIME_EPOCH
				   : DUMP_TIME_TRACE;
	rec = malloc(sizeof(*rec));
	err = rec ? 0 : -ENOMEM;
	if (!err && o.export_fmt && !(c.x = dump_export_new()))
		err = -ENOMEM;
	if (!err && o.stats)
		c.st = &st;
	if (!err && o.summary && !(c.sum = dump_summary_new()))
		err = -ENOMEM;
	if (!err && o.view && !(c.vx = export_new((enum export_kind)(o.view - 1), out)))
		err = -ENOMEM;
	if (!err && !o.stats && !o.export_fmt && !o.summary && !o.view &&
	    !(c.pr.strings = dump_strings_new()))
		err = -ENOMEM;
	if (!err && !o.stats && !o.export_fmt && !o.file_order &&
	    !(c.ord = dump_order_new(o.reorder_ms * 1000000u, REORDER_MAX_RECORDS)))
		err = -ENOMEM;
	if (err) {
		p_err("out of memory");
		rc = CLI_EX_FAIL;
		goto done;
	}

	/* A regular file is read twice when printing (an export: only for --comm): names and
	 * metadata first */
	if (!o.stats && !o.export_fmt && (!o.view || o.filter.comm) && in.mem_fd < 0 && !o.follow) {
		wc.mute = 1;
		err = first_pass(&c, in.r, rec);
		wc.mute = 0;
		if (!err && o.tflag && !c.pr.has_wall) {
			p_err("%s: the trace does not record its wall-clock start (metadata "
			      "start_realtime_ns or start_time): -t cannot be used",
			      o.path);
			rc = CLI_EX_FAIL;
			goto done;
		}
	}

	/* Read every record */
	if (!err && !o.summary && !o.stats && !o.export_fmt && !o.view)
		dump_print_header(&c.pr);
	err = err ?: read_all(&c, &in, rec);
	if (!err && c.ord)
		err = dump_order_drain(c.ord, emit, &c);
	trz_reader_stats(in.r, &rs);
	rc = CLI_EX_OK;
	if (err) {
		p_err("%s: %s", o.path, strerror(-err));
		rc = CLI_EX_FAIL;
	}

	/* Results */
	if (!o.summary && !o.stats && !o.export_fmt && !o.view)
		dump_print_end(&c.pr);
	if (!err && c.vx) {
		struct export_counts n;
		if ((err = export_finish(c.vx, &n))) {
			p_err("cannot write %s: %s", o.output, strerror(-err));
			rc = CLI_EX_FAIL;
		} else if (!o.quiet) {
			fprintf(stderr,
				TOOL ": wrote %s: %llu threads, %llu syscall slices (%llu "
				     "synthetic), %llu gaps\n",
				o.output, (unsigned long long)n.threads, (unsigned long long)n.slices,
				(unsigned long long)n.synthetic_slices, (unsigned long long)n.gaps);
		}
	}
	if (!err && c.sum && (err = dump_summary_print(c.sum, out, o.json))) {
		p_err("%s", strerror(-err));
		rc = CLI_EX_FAIL;
	}
	if (!err && o.stats)
		dump_stats_print(out, &st, &rs, o.json);
	if (!err && c.x) {
		int64_t nwin = 0;
		err = dump_export_write(c.x, of.fd, vf.fd, o.window, &nwin);
		if (err == -ENODATA)
			p_err("%s: no thread has %lld recorded events in a row; nothing exported",
			      o.path, (long long)o.window);
		else if (err)
			p_err("cannot write %s: %s", o.output, strerror(-err));
		else if (!o.quiet)
			fprintf(stderr, TOOL ": wrote %lld windows of %lld events to %s\n",
				(long long)nwin, (long long)o.window, o.output);
		if (err)
			rc = CLI_EX_FAIL;
	}
	if (fflush(out) || ferror(out)) {
		p_err("write error on %s: %s", o.output ? o.output : "standard output",
		      strerror(errno));
		rc = CLI_EX_FAIL;
	}
	if (!o.quiet && c.ord) {
		uint64_t worst, late = dump_order_late(c.ord, &worst);
		if (late)
			p_err("%s: %llu records came more than %llu ms late and are printed out of "
			      "time order (up to %.3f ms; see --reorder-window)",
			      o.path, (unsigned long long)late, (unsigned long long)o.reorder_ms,
			      (double)worst / 1e6);
	}
	if (!o.quiet && o.tflag && c.wall_quality == 1)
		p_err("%s: the trace records its wall-clock start to the second only: -t times "
		      "may be up to 1 s off",
		      o.path);
	if (!o.quiet && o.tflag && !c.pr.has_wall)
		p_err("%s: the trace does not record its wall-clock start: times are of the trace "
		      "clock",
		      o.path);
	if (o.output && close_outputs(&o, &of, &vf, out, rc == CLI_EX_OK))
		rc = CLI_EX_FAIL;
	if (rc == CLI_EX_OK && (rs.blocks_bad || rs.truncated))
		rc = CLI_EX_DAMAGED;
	if (0) {
done:
		if (o.output)
			close_outputs(&o, &of, &vf, out, 0);
	}
	dump_stats_free(&st);
	dump_export_free(c.x);
	export_free(c.vx);
	dump_summary_free(c.sum);
	dump_order_free(c.ord);
	dump_strings_free(c.pr.strings);
	dump_comms_free(&c.comms);
	dump_filter_free(&o.filter);
	free(rec);
	close_input(&in);
	return rc;
}

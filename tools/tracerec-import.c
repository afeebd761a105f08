/* tracerec-import - LTTng CTF kernel traces and the paper's datasets into .trz traces.
 *
 *   tracerec-import lttng TRACE_DIR -o OUT.trz
 *   tracerec-import npy FILE.npy -o OUT.trz
 *   tracerec-import csv FILE.csv -o OUT.trz
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "import/import_lttng.h"
#include "import/import_windows.h"
#include "common/cli.h"
#include "common/npy.h"
#include "common/progress.h"
#include "common/outfile.h"
#include "trz/trz.h"

static const char usage_text[] =
	"Usage: tracerec-import FORMAT INPUT -o OUT.trz [-q] [-v]\n"
	"Import a trace or a dataset into a .trz trace.\n"
	"\n"
	"Formats:\n"
	"  lttng TRACE_DIR   LTTng kernel trace(s) (CTF) in or under TRACE_DIR, via libbabeltrace2\n"
	"  npy FILE.npy      paper dataset windows, NumPy int32 (N, L) or (N, L, 1)\n"
	"  csv FILE          paper dataset windows as text, one comma-separated window per line\n"
	"\n"
	"Options:\n"
	"  -o, --output=FILE   the .trz file to write (created new, mode 0600; required)\n"
	"      --force         replace FILE if it exists (a regular file or symbolic link)\n"
	"  -q, --quiet         no progress and no summary on stderr (default: off)\n"
	"  -v, --verbose       also libbabeltrace2's warnings, and the import details (default: off)\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"Examples:\n"
	"  tracerec-import lttng ~/lttng-traces/s1-*/kernel -o s1.trz\n"
	"  tracerec-import npy Datasets/ffmpeg/sequence_length_200/test.npy -o ffmpeg-test.trz\n"
	"  tracerec-import csv windows.csv -o windows.trz\n";

struct opts {
	const char *format, *input, *output;
	int quiet, verbose, force;
};

/* Returns 0, -1 after --help/--version, or CLI_EX_USAGE after printing the problem. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	static const char shortopts[] = "o:qvhV";
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'v': o->verbose = 1; break;
		case 'F': o->force = 1; break;
		case 'h': fputs(usage_text, stdout); return -1;
		case 'V': cli_version(); return -1;
		default: return cli_bad_option(longopts, shortopts, argv);
		}
	}
	if (argc - optind != 2)
		return cli_usage("expected FORMAT and INPUT");
	o->format = argv[optind];
	o->input = argv[optind + 1];
	if (strcmp(o->format, "lttng") && strcmp(o->format, "npy") && strcmp(o->format, "csv"))
		return cli_usage("unknown format '%s' (want lttng, npy or csv)", o->format);
	if (!o->output)
		return cli_usage("no output file given (-o OUT.trz)");
	return 0;
}

/* The output (common/outfile.h): created new, or with --force a temporary beside it renamed
 * over it at the end, so that a failed import never replaces an existing file with a broken one.
 * A failed or interrupted import removes only what it created. */
struct output {
	struct outfile of;
	struct trz_writer *w;
};

/* The file being written, removed if we are interrupted. */
static struct outfile *volatile in_progress;

static void on_signal(int sig)
{
	struct outfile *of = in_progress;
	struct stat st;

	if (of) { /* async-signal-safe: lstat, unlink; only the file this run created */
		const char *name = of->tmp[0] ? of->tmp : of->path;
		if (lstat(name, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == of->dev &&
		    st.st_ino == of->ino)
			unlink(name);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static int output_open(struct output *out, const char *path, int force)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int err = outfile_open(&out->of, path, force ? OUTFILE_FORCE : 0);

	if (err)
		return err;
	out->w = trz_writer_fdopen(out->of.fd, NULL);
	if (!out->w) {
		err = -errno;
		close(out->of.fd); /* the writer leaves it to us on failure */
		outfile_discard(&out->of);
		return err;
	}
	in_progress = &out->of;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

/* keep: 1 = close and give the file its name, 0 = discard.  Returns 0 or -errno. */
static int output_close(struct output *out, int keep)
{
	int err = trz_writer_close(out->w); /* closes the descriptor */

	out->w = NULL;
	if (!err && keep)
		err = outfile_commit(&out->of);
	if (err || !keep)
		outfile_discard(&out->of);
	in_progress = NULL;
	return err;
}

/* Progress in ms of trace time.  The reporter is created at the first report (64k events), so
 * small traces and early failures print no progress line. */
struct lttng_progress_ctx {
	struct progress *p;
	int64_t total;
	int quiet;
};

static void lttng_progress(void *ctx, uint64_t done, uint64_t total,
			   const struct lttng_import_stats *st)
{
	struct lttng_progress_ctx *pc = ctx;
	char status[128];

	snprintf(status, sizeof(status), "%llu events, %llu syscall events",
		 (unsigned long long)st->events_read, (unsigned long long)st->syscall_events);
	if (!pc->p && !pc->quiet)
		pc->p = progress_new("import", 0, 0);
	if (!pc->p)
		return;
	if (total && (int64_t)(total / 1000000) != pc->total) {
		pc->total = (int64_t)(total / 1000000);
		progress_set_total(pc->p, pc->total);
	}
	progress_update(pc->p, done == UINT64_MAX ? pc->total : (int64_t)(done / 1000000), status);
}

static void lttng_summary(const struct opts *o, const struct lttng_import_stats *st)
{
	fprintf(stderr,
		"tracerec-import: %s -> %s\n"
		"  events read              %llu\n"
		"  syscall events imported  %llu (%llu entries, %llu exits, %llu distinct syscalls)\n"
		"  threads                  %llu (%llu with syscalls)\n"
		"  unattributed events      %llu (no thread known; not imported)\n"
		"  discarded events         %llu (%llu discarded packets; %llu unattributed gap records)\n",
		o->input, o->output, (unsigned long long)st->events_read,
		(unsigned long long)st->syscall_events, (unsigned long long)st->syscall_entries,
		(unsigned long long)st->syscall_exits, (unsigned long long)st->distinct_names,
		(unsigned long long)st->threads, (unsigned long long)st->threads_with_syscalls,
		(unsigned long long)st->unattributed_events, (unsigned long long)st->discarded_events,
		(unsigned long long)st->discarded_packets, (unsigned long long)st->gaps);
	if (!o->verbose)
		return;
	fprintf(stderr,
		"  exits without entry      %llu\n"
		"  entries without exit     %llu (exit/exit_group not counted)\n"
		"  clone child exits        %llu\n"
		"  unnamed syscall events   %llu (not imported)\n"
		"  attributed by context    %llu\n",
		(unsigned long long)st->exits_without_entry,
		(unsigned long long)st->entries_without_exit,
		(unsigned long long)st->clone_child_exits, (unsigned long long)st->unnamed_events,
		(unsigned long long)st->context_attributed);
}

/* Returns the exit status. */
static int run_lttng(const struct opts *o)
{
	struct lttng_import_opts io = { .verbose = o->verbose };
	struct lttng_import_stats st = { 0 };
	struct lttng_progress_ctx pc = { NULL, 0, o->quiet };
	struct output out;
	char src[PATH_MAX];
	int err, cerr;

	err = output_open(&out, o->output, o->force);
	if (err) {
		p_err("cannot create %s: %s", o->output, outfile_strerror(err));
		return CLI_EX_FAIL;
	}
	io.progress = o->quiet ? NULL : lttng_progress;
	io.progress_ctx = &pc;
	err = trz_write_meta(out.w, "source", realpath(o->input, src) ? src : o->input);
	err = err ? err : trz_write_meta(out.w, "source_format", "lttng-ctf");
	err = err ? err : trz_write_meta(out.w, "tool", "tracerec-import " TRACEREC_VERSION);
	err = err ? err : trz_write_meta(out.w, "arch", "x86_64");
	err = err ? err
		  : trz_write_meta(
			    out.w, "note",
			    "imported from LTTng; threads from sched_switch per CPU (or tid contexts); syscall "
			    "numbers x86_64, syscall_nr.N names private numbers; discarded events are "
			    "unattributed gaps");
	if (!err)
		err = lttng_import(o->input, out.w, &io, &st);
	if (!err && pc.p)
		lttng_progress(&pc, UINT64_MAX, 0, &st);
	progress_done(pc.p);
	if (err && st.syscall_events > 0) {
		/* keep what was read before the trace became unreadable */
		trz_write_meta(out.w, "import.incomplete", err_text());
		cerr = output_close(&out, 1);
		p_err("%s; kept the %llu syscall events read before it in %s", err_text(),
		      (unsigned long long)st.syscall_events,
		      cerr ? "(none: write failed)" : o->output);
		return cerr ? CLI_EX_FAIL : CLI_EX_DAMAGED;
	}
	cerr = output_close(&out, !err);
	if (err) {
		p_err("%s", err_why(err));
		return CLI_EX_FAIL;
	}
	if (cerr) {
		p_err("cannot write %s: %s", o->output, strerror(-cerr));
		return CLI_EX_FAIL;
	}
	if (!o->quiet)
		lttng_summary(o, &st);
	return CLI_EX_OK;
}

static int run_windows(const struct opts *o)
{
	int is_npy = strcmp(o->format, "npy") == 0;
	struct npy_windows nw;
	struct output out;
	char src[PATH_MAX];
	int err, cerr;

	err = is_npy ? npy_read(o->input, &nw) : windows_csv_read(o->input, &nw);
	if (err) {
		if (is_npy)
			p_err("%s: %s", o->input, err_text());
		else
			p_err("%s", err_text());
		return CLI_EX_FAIL;
	}
	err = output_open(&out, o->output, o->force);
	if (err) {
		npy_free(&nw);
		p_err("cannot create %s: %s", o->output, outfile_strerror(err));
		return CLI_EX_FAIL;
	}
	err = import_windows(&nw, realpath(o->input, src) ? src : o->input, o->format, out.w);
	cerr = output_close(&out, !err);
	err = cerr ? cerr : err;
	if (err) {
		npy_free(&nw);
		p_err("cannot write %s: %s", o->output, strerror(-err));
		return CLI_EX_FAIL;
	}
	if (!o->quiet)
		fprintf(stderr,
			"tracerec-import: %s -> %s\n  windows  %lld of %lld events (pseudo-threads 1..%lld)\n",
			o->input, o->output, (long long)nw.n, (long long)nw.len, (long long)nw.n);
	npy_free(&nw);
	return CLI_EX_OK;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };

	/* Parse the command line */
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc < 0 ? CLI_EX_OK : rc;
	/* Import (parse_args() returned 0: format and input are set; the analyzer cannot see that
	 * cli_usage() and cli_bad_option() never return 0) */
	// NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): see above
	if (strcmp(o.format, "lttng") == 0)
		return run_lttng(&o);
	return run_windows(&o);
}

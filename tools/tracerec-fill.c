/* tracerec-fill - repair the gaps of a trace with synthetic events (see man/tracerec-fill.1). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/cli.h"
#include "fill/fill.h"
#include "common/outfile.h"

#define TOOL "tracerec-fill"

static const char usage[] =
	"Usage: " TOOL " IN.trz -o OUT.trz [OPTIONS]\n"
	"Repair every gap of a trace whose thread and count are known: the lost events are\n"
	"imputed from the thread's events around the gap and written as synthetic events.\n"
	"\n"
	"  -o, --output FILE      the repaired trace (required; created new, mode 0600)\n"
	"      --force            replace FILE if it exists (a regular file or symbolic link)\n"
	"  -m, --model MODEL      SSSD-S4 checkpoint from tracerec-train (default: none, train on\n"
	"                         the trace's own intact sequences)\n"
	"  -M, --method METHOD    ngram, sssd or hybrid (default: ngram)\n"
	"  -t, --train-time S     self-training budget in seconds (default: 60)\n"
	"  -j, --threads N        threads (default: all cores)\n"
	"      --steps N          SSSD-S4 sampling steps: reveal rounds of the absorbing-state\n"
	"                         model, DDIM steps of older ones (default: 1 round, 20 DDIM)\n"
	"      --context N        context events kept on each side of a gap (default: 64)\n"
	"      --seed N           randomness of training and sampling (default: 1)\n"
	"      --max-gap N        leave gaps of more than N lost events unfilled (default: 1048576)\n"
	"      --max-synth N      synthesise at most N events in all; later gaps are left unfilled\n"
	"                         (default: 8388608)\n"
	"  -q, --quiet            no progress bars, no summary\n"
	"  -h, --help             this help\n"
	"  -V, --version          print the version\n"
	"\n"
	"Examples:\n"
	"  " TOOL " make.trz -o make-filled.trz\n"
	"  " TOOL " make.trz -o make-filled.trz --model gzip.model --method hybrid\n"
	"  tracerec-dump --stats make-filled.trz\n";

static void summary(const struct fill_report *r, const char *out)
{
	fprintf(stderr, TOOL ": %llu events, %llu gaps read\n", (unsigned long long)r->events,
		(unsigned long long)r->gaps);
	fprintf(stderr,
		TOOL ": filled %llu gaps with %llu synthetic events (method %s%s, %lld training "
		     "events), %llu positions fixed for entry/exit consistency\n",
		(unsigned long long)r->filled_gaps, (unsigned long long)r->synth_written,
		r->method_used ? r->method_used : "none", r->self_trained ? ", self-trained" : "",
		(long long)r->train_tokens, (unsigned long long)r->fixed_positions);
	if (r->note[0])
		fprintf(stderr, TOOL ": note: %s\n", r->note);
	if (r->prefilled_gaps)
		fprintf(stderr, TOOL ": %llu gaps were already filled in the input (kept)\n",
			(unsigned long long)r->prefilled_gaps);
	if (r->unfilled_gaps)
		fprintf(stderr,
			TOOL ": %llu attributed gaps of unknown or implausible size left "
			     "unfilled\n",
			(unsigned long long)r->unfilled_gaps);
	if (r->unattributed_gaps)
		fprintf(stderr,
			TOOL ": %llu unattributed gaps (%llu events, no thread known) left as "
			     "unfilled gap records\n",
			(unsigned long long)r->unattributed_gaps,
			(unsigned long long)r->unattributed_lost);
	fprintf(stderr, TOOL ": wrote %s (read %.1fs, train %.1fs, impute %.1fs, write %.1fs)\n",
		out, r->t_read, r->t_train, r->t_impute, r->t_write);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "model", required_argument, NULL, 'm' },
		{ "method", required_argument, NULL, 'M' },
		{ "train-time", required_argument, NULL, 't' },
		{ "threads", required_argument, NULL, 'j' },
		{ "steps", required_argument, NULL, 1 },
		{ "context", required_argument, NULL, 2 },
		{ "seed", required_argument, NULL, 3 },
		{ "max-gap", required_argument, NULL, 4 },
		{ "max-synth", required_argument, NULL, 5 },
		{ "force", no_argument, NULL, 6 },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char shortopts[] = "o:m:M:t:j:qhV";
	struct fill_opts o;
	struct fill_report r;
	const char *out = NULL;
	struct outfile of;
	int c, err, force = 0, rc = 0;

	fill_opts_default(&o);
	opterr = 0;
	while (!rc && (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'm': o.model = optarg; break;
		case 'M':
			if ((o.method = imputer_method_parse(optarg)) < 0)
				return cli_usage("unknown --method '%s' (want ngram, sssd or hybrid)",
						 optarg);
			break;
		case 't': rc = cli_opt_seconds(longopts, c, optarg, 0, 1e7, &o.train_time); break;
		case 'j': rc = cli_opt_int(longopts, c, optarg, 1, 1024, &o.threads); break;
		case 1: rc = cli_opt_int(longopts, c, optarg, 1, 10000, &o.steps); break;
		case 2: rc = cli_opt_int(longopts, c, optarg, 1, 4096, &o.context); break;
		case 3: rc = cli_opt_u64(longopts, c, optarg, 0, UINT64_MAX, &o.seed); break;
		case 4: rc = cli_opt_u64(longopts, c, optarg, 1, FILL_MAX_LOST, &o.max_gap); break;
		case 5:
			rc = cli_opt_u64(longopts, c, optarg, 1, FILL_MAX_LOST, &o.max_synth);
			break;
		case 6: force = 1; break;
		case 'q': o.quiet = 1; break;
		case 'h': fputs(usage, stdout); return CLI_EX_OK;
		case 'V': return cli_version();
		default: return cli_bad_option(longopts, shortopts, argv);
		}
	}
	if (rc)
		return rc;
	/* Arguments: exactly one input, an output */
	if (optind != argc - 1 || !out)
		return cli_usage("%s", optind >= argc ? "no input trace given"
				       : !out         ? "no output given (-o OUT.trz)"
						      : "more than one input trace given");
	struct stat si, so;
	if (!strcmp(argv[optind], out) || (!stat(argv[optind], &si) && !stat(out, &so) &&
					   si.st_dev == so.st_dev && si.st_ino == so.st_ino)) {
		return cli_usage("output %s would overwrite the input", out);
	}
	/* Create the output (new, or --force: a temporary renamed over it at the end) */
	err = outfile_open(&of, out, force ? OUTFILE_FORCE : 0);
	if (err) {
		p_err("cannot create %s: %s", out, outfile_strerror(err));
		return CLI_EX_FAIL;
	}
	/* Read, impute, write */
	err = fill_trace_fd(argv[optind], of.fd, out, &o, &r);
	if (!err && (err = outfile_commit(&of)))
		err_set("cannot rename the output to %s: %s", out, strerror(-err));
	if (err) {
		outfile_discard(&of); /* only what this run created */
		p_err("%s", err_why(err));
		return CLI_EX_FAIL;
	}
	if (r.warning[0]) /* a problem the reader survived: shown even with -q */
		p_err("warning: %s", r.warning);
	if (r.capped_gap) /* work refused: said even with -q */
		fprintf(stderr,
			TOOL ": warning: %llu gaps of more than %llu lost events (%llu in all) "
			     "left unfilled (raise --max-gap to fill them)\n",
			(unsigned long long)r.capped_gap, (unsigned long long)o.max_gap,
			(unsigned long long)r.capped_gap_lost);
	if (r.capped_run)
		fprintf(stderr,
			TOOL ": warning: %llu gaps (%llu lost events) left unfilled: this run "
			     "synthesises at most %llu events (raise --max-synth to fill them)\n",
			(unsigned long long)r.capped_run, (unsigned long long)r.capped_run_lost,
			(unsigned long long)o.max_synth);
	if (!o.quiet)
		summary(&r, out);
	return r.warning[0] ? CLI_EX_DAMAGED : CLI_EX_OK;
}

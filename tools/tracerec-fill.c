/* tracerec-fill - repair the gaps of a trace with synthetic events (see man/tracerec-fill.1). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	"      --steps N          SSSD-S4 DDIM sampling steps (default: 20)\n"
	"      --context N        context events kept on each side of a gap (default: 64)\n"
	"      --seed N           randomness of training and sampling (default: 1)\n"
	"      --max-gap N        leave gaps of more than N lost events unfilled (default: 1048576)\n"
	"      --max-synth N      synthesise at most N events in all; later gaps are left unfilled\n"
	"                         (default: 8388608)\n"
	"  -q, --quiet            no progress bars, no summary\n"
	"  -h, --help             this help\n"
	"\n"
	"Examples:\n"
	"  " TOOL " make.trz -o make-filled.trz\n"
	"  " TOOL " make.trz -o make-filled.trz --model gzip.model --method hybrid\n"
	"  tracerec-dump --stats make-filled.trz\n";

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

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
		fprintf(stderr, TOOL ": %llu attributed gaps of unknown or implausible size left "
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
		{ NULL, 0, NULL, 0 },
	};
	struct fill_opts o;
	struct fill_report r;
	const char *out = NULL;
	struct outfile of;
	double v;
	int c, err, force = 0;

	fill_opts_default(&o);
	while ((c = getopt_long(argc, argv, "o:m:M:t:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			o.model = optarg;
			break;
		case 'M':
			if ((o.method = imputer_method_parse(optarg)) < 0) {
				fprintf(stderr, TOOL ": unknown method '%s' (ngram, sssd, hybrid)\n",
					optarg);
				return 2;
			}
			break;
		case 't':
			if (parse_num(optarg, 0, 1e7, &v)) {
				fprintf(stderr, TOOL ": bad --train-time '%s' (seconds)\n", optarg);
				return 2;
			}
			o.train_time = v;
			break;
		case 'j':
			if (parse_num(optarg, 1, 1024, &v)) {
				fprintf(stderr, TOOL ": bad --threads '%s' (1..1024)\n", optarg);
				return 2;
			}
			o.threads = (int)v;
			break;
		case 1:
			if (parse_num(optarg, 1, 10000, &v)) {
				fprintf(stderr, TOOL ": bad --steps '%s' (1..10000)\n", optarg);
				return 2;
			}
			o.steps = (int)v;
			break;
		case 2:
			if (parse_num(optarg, 1, 4096, &v)) {
				fprintf(stderr, TOOL ": bad --context '%s' (1..4096)\n", optarg);
				return 2;
			}
			o.context = (int)v;
			break;
		case 3:
			if (parse_num(optarg, 0, 1.8e19, &v)) {
				fprintf(stderr, TOOL ": bad --seed '%s'\n", optarg);
				return 2;
			}
			o.seed = (uint64_t)v;
			break;
		case 4:
		case 5:
			if (parse_num(optarg, 1, (double)FILL_MAX_LOST, &v) || v != (double)(uint64_t)v) {
				fprintf(stderr, TOOL ": bad --%s '%s' (1..%llu)\n",
					c == 4 ? "max-gap" : "max-synth", optarg,
					(unsigned long long)FILL_MAX_LOST);
				return 2;
			}
			*(c == 4 ? &o.max_gap : &o.max_synth) = (uint64_t)v;
			break;
		case 6:
			force = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fprintf(stderr, "Try '" TOOL " --help'.\n");
			return 2;
		}
	}
	/* Arguments: exactly one input, an output */
	if (optind != argc - 1 || !out) {
		fprintf(stderr, TOOL ": %s\nTry '" TOOL " --help'.\n",
			optind >= argc ? "no input trace given" :
			!out ? "no output given (-o OUT.trz)" : "more than one input trace given");
		return 2;
	}
	struct stat si, so;
	if (!strcmp(argv[optind], out) ||
	    (!stat(argv[optind], &si) && !stat(out, &so) && si.st_dev == so.st_dev &&
	     si.st_ino == so.st_ino)) {
		fprintf(stderr, TOOL ": output %s would overwrite the input\n", out);
		return 2;
	}
	/* Create the output (new, or --force: a temporary renamed over it at the end) */
	err = outfile_open(&of, out, force ? OUTFILE_FORCE : 0);
	if (err) {
		fprintf(stderr, TOOL ": cannot create %s: %s\n", out, outfile_strerror(err));
		return 1;
	}
	/* Read, impute, write */
	err = fill_trace_fd(argv[optind], of.fd, out, &o, &r);
	if (!err && (err = outfile_commit(&of)))
		snprintf(r.error, sizeof(r.error), "cannot rename the output to %s: %s", out,
			 strerror(-err));
	if (err) {
		outfile_discard(&of); /* only what this run created */
		fprintf(stderr, TOOL ": %s\n", r.error[0] ? r.error : strerror(-err));
		return 1;
	}
	if (r.error[0]) /* a problem the reader survived: shown even with -q */
		fprintf(stderr, TOOL ": warning: %s\n", r.error);
	if (r.capped_gap) /* work refused: said even with -q */
		fprintf(stderr, TOOL ": warning: %llu gaps of more than %llu lost events (%llu in all) "
			"left unfilled (raise --max-gap to fill them)\n",
			(unsigned long long)r.capped_gap, (unsigned long long)o.max_gap,
			(unsigned long long)r.capped_gap_lost);
	if (r.capped_run)
		fprintf(stderr, TOOL ": warning: %llu gaps (%llu lost events) left unfilled: this run "
			"synthesises at most %llu events (raise --max-synth to fill them)\n",
			(unsigned long long)r.capped_run, (unsigned long long)r.capped_run_lost,
			(unsigned long long)o.max_synth);
	if (!o.quiet)
		summary(&r, out);
	return r.error[0] ? 3 : 0;
}

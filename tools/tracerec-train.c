/* tracerec-train - train a gap imputer on paper .npy windows or on .trz traces.
 *
 * --method sssd (default) trains the SSSD-S4 diffusion model and writes its checkpoint;
 * --method ngram writes an n-gram model file (the vocabulary and the training sequences,
 * model/ngram.h): the n-gram imputer needs its corpus at fill time, nothing else.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "corpus/corpus.h"
#include "common/cli.h"
#include "common/monotime.h"
#include "ngram/ngram.h"
#include "common/progress.h"
#include "common/outfile.h"
#include "sssd/sssd.h"

#define TOOL "tracerec-train"
#define EXIT_FAIL 1
#define EXIT_USAGE 2

struct train_opts {
	const char *method;
	const char *npy;
	char **traces;
	int ntraces;
	const char *out;
	int min_len;
	int kmax;
	int quiet;
	int force;
	int window_set;
	struct sssd_config cfg;
	struct sssd_train_opts t;
};

static void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void p_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, TOOL ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The help text; the SSSD-S4 defaults come from the model itself. */
static void usage(FILE *f)
{
	struct sssd_config c;
	struct sssd_train_opts t;

	sssd_config_default(&c);
	sssd_train_opts_default(&t);
	fprintf(f,
"Usage: " TOOL " --npy TRAIN.npy -o MODEL [OPTIONS]\n"
"       " TOOL " TRACE.trz... -o MODEL [OPTIONS]\n"
"Train a gap imputer on the paper's .npy windows or on the per-thread event sequences of .trz\n"
"traces (recorded events only; a gap starts a new sequence).\n"
"\n"
"  -o, --output=MODEL     file to write (required; created new, mode 0600)\n"
"      --force            replace MODEL if it exists (a regular file or symbolic link)\n"
"  -m, --method=NAME      sssd (SSSD-S4 checkpoint) or ngram (n-gram model file)\n"
"                         (default: sssd)\n"
"      --npy=FILE         training windows .npy, shape (N, L[, 1]) (instead of traces)\n"
"      --min-len=N        .trz: drop thread sequences shorter than N events (default: the\n"
"                         window length for sssd, 2 for ngram)\n"
"SSSD-S4 training:\n");
	fprintf(f,
"  -i, --iters=N          training iterations, 0 = until --time-budget (default: %lld)\n"
"      --time-budget=SEC  stop after SEC seconds, 0 = no limit (default: %g)\n"
"      --batch=N          windows per iteration (default: %d)\n"
"      --lr=F             Adam learning rate (default: %g)\n"
"      --warmup=N         learning-rate warm-up iterations (default: %d)\n"
"      --ema=F            EMA decay of the sampling weights (default: %g)\n"
"      --window=N         training window length (default: %d)\n"
"      --heldout=F        share of sequences held out for the accuracy shown (default: %g)\n"
"      --eval-every=N     iterations between held-out evaluations, 0 = never (default: %d)\n"
"      --eval-steps=N     DDIM steps of those evaluations (default: %d)\n"
"      --max-blackout=N   largest blackout drawn in training masks (default: %d)\n",
		(long long)t.iters, t.time_budget, t.batch, t.lr, t.warmup, t.ema, t.window,
		t.heldout, t.eval_every, t.eval_steps, t.max_blackout);
	fprintf(f,
"      --blocks=N         residual blocks (default: %d)\n"
"      --channels=N       residual channels (default: %d)\n"
"      --state=N          S4 state size (default: %d)\n"
"      --diffusion-steps=N  diffusion steps T (default: %d)\n"
"      --repr=NAME        onehot (argmax decoding) or scalar (the paper's one channel)\n"
"                         (default: %s)\n"
"      --objective=NAME   eps (epsilon MSE, the reference), x0ce (x0 logits +\n"
"                         cross-entropy, onehot only), absorb (absorbing-state discrete\n"
"                         diffusion, cross-entropy on the masked positions, onehot only)\n"
"                         or auto (absorb for onehot, eps for scalar) (default: %s)\n"
"      --retrieval=on|off condition on the n-gram imputer's proposal (one-hot) and its\n"
"                         match length and support, onehot only (default: %s)\n"
"      --seed=N           seed of all randomness (default: %llu)\n"
"  -j, --threads=N        OpenBLAS threads (default: OpenBLAS's own)\n",
		c.blocks, c.channels, c.state, c.T, sssd_repr_name(c.repr),
		c.objective == SSSD_OBJ_AUTO ? "auto" : sssd_objective_name(c.objective),
		c.retrieval < 0 ? "on for onehot" : c.retrieval ? "on" : "off",
		(unsigned long long)t.seed);
	fprintf(f,
"n-gram:\n"
"  -k, --kmax=N           longest context recorded in the model file (default: %d)\n"
"  -q, --quiet            no progress on stderr\n"
"  -h, --help             this help\n"
"\n"
"Examples:\n"
"  " TOOL " --npy len100/train.npy -o gzip.sssd --time-budget 600 --threads 2\n"
"  " TOOL " --method ngram make.trz -o make.ngram\n", NGRAM_KMAX_DEFAULT);
}

enum { OPT_NPY = 256, OPT_MIN_LEN, OPT_BUDGET, OPT_BATCH, OPT_LR, OPT_WARMUP, OPT_EMA,
       OPT_WINDOW, OPT_HELDOUT, OPT_EVAL_EVERY, OPT_EVAL_STEPS, OPT_MAX_BLACKOUT, OPT_BLOCKS,
       OPT_CHANNELS, OPT_STATE, OPT_T, OPT_REPR, OPT_OBJECTIVE, OPT_SEED, OPT_FORCE,
       OPT_RETRIEVAL };

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "method", required_argument, NULL, 'm' },
	{ "npy", required_argument, NULL, OPT_NPY },
	{ "min-len", required_argument, NULL, OPT_MIN_LEN },
	{ "iters", required_argument, NULL, 'i' },
	{ "time-budget", required_argument, NULL, OPT_BUDGET },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "lr", required_argument, NULL, OPT_LR },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "ema", required_argument, NULL, OPT_EMA },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "heldout", required_argument, NULL, OPT_HELDOUT },
	{ "eval-every", required_argument, NULL, OPT_EVAL_EVERY },
	{ "eval-steps", required_argument, NULL, OPT_EVAL_STEPS },
	{ "max-blackout", required_argument, NULL, OPT_MAX_BLACKOUT },
	{ "blocks", required_argument, NULL, OPT_BLOCKS },
	{ "channels", required_argument, NULL, OPT_CHANNELS },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "diffusion-steps", required_argument, NULL, OPT_T },
	{ "repr", required_argument, NULL, OPT_REPR },
	{ "objective", required_argument, NULL, OPT_OBJECTIVE },
	{ "retrieval", required_argument, NULL, OPT_RETRIEVAL },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "threads", required_argument, NULL, 'j' },
	{ "kmax", required_argument, NULL, 'k' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int parse_num(int c, const char *s, double lo, double hi, int integer, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi || (integer && v != (long long)v)) {
		if (integer)
			p_err("bad value '%s' for --%s (want an integer in %.0f..%.0f)", s,
			      cli_long_name(longopts, c), lo, hi);
		else
			p_err("bad value '%s' for --%s (want a number in %g..%g)", s, cli_long_name(longopts, c),
			      lo, hi);
		return EXIT_USAGE;
	}
	*out = v;
	return 0;
}

/* One numeric option into its field; returns 0 or EXIT_USAGE. */
static int set_number(struct train_opts *o, int c, const char *arg)
{
	struct { int c; double lo, hi; int integer; } lim[] = {
		{ OPT_MIN_LEN, 1, 1e9, 1 }, { 'i', 0, 1e12, 1 }, { OPT_BUDGET, 0, 1e9, 0 },
		{ OPT_BATCH, 1, 65536, 1 }, { OPT_LR, 1e-9, 10, 0 }, { OPT_WARMUP, 0, 1e9, 1 },
		{ OPT_EMA, 0, 1, 0 }, { OPT_WINDOW, 2, 1 << 20, 1 }, { OPT_HELDOUT, 0, 0.5, 0 },
		{ OPT_EVAL_EVERY, 0, 1e9, 1 }, { OPT_EVAL_STEPS, 1, 100000, 1 },
		{ OPT_MAX_BLACKOUT, 1, 1 << 20, 1 }, { OPT_BLOCKS, 1, 256, 1 },
		{ OPT_CHANNELS, 1, 4096, 1 }, { OPT_STATE, 2, 4096, 1 }, { OPT_T, 1, 100000, 1 },
		{ OPT_SEED, 0, 1.8e19, 1 }, { 'j', 1, 1024, 1 }, { 'k', 1, NGRAM_KMAX_LIMIT, 1 },
	};
	double v = 0;

	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		if (lim[i].c != c)
			continue;
		if (parse_num(c, arg, lim[i].lo, lim[i].hi, lim[i].integer, &v))
			return EXIT_USAGE;
		break;
	}
	switch (c) {
	case OPT_MIN_LEN: o->min_len = v; break;
	case 'i': o->t.iters = v; break;
	case OPT_BUDGET: o->t.time_budget = v; break;
	case OPT_BATCH: o->t.batch = v; break;
	case OPT_LR: o->t.lr = v; break;
	case OPT_WARMUP: o->t.warmup = v; break;
	case OPT_EMA: o->t.ema = v; break;
	case OPT_WINDOW: o->t.window = v; break;
	case OPT_HELDOUT: o->t.heldout = v; break;
	case OPT_EVAL_EVERY: o->t.eval_every = v; break;
	case OPT_EVAL_STEPS: o->t.eval_steps = v; break;
	case OPT_MAX_BLACKOUT: o->t.max_blackout = v; break;
	case OPT_BLOCKS: o->cfg.blocks = v; break;
	case OPT_CHANNELS: o->cfg.channels = o->cfg.skip_channels = v; break;
	case OPT_STATE: o->cfg.state = v; break;
	case OPT_T: o->cfg.T = v; break;
	case OPT_SEED: o->t.seed = (uint64_t)v; break;
	case 'j': o->t.threads = v; break;
	case 'k': o->kmax = v; break;
	}
	return 0;
}

/* Returns 0, EXIT_USAGE after printing the problem, or -1 after --help. */
static int parse_args(int argc, char **argv, struct train_opts *o)
{
	int c, window_set = 0;

	memset(o, 0, sizeof(*o));
	sssd_config_default(&o->cfg);
	sssd_train_opts_default(&o->t);
	o->method = "sssd";
	o->kmax = NGRAM_KMAX_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:m:i:j:k:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->out = optarg; break;
		case OPT_FORCE: o->force = 1; break;
		case 'm':
			if (strcmp(optarg, "sssd") && strcmp(optarg, "ngram")) {
				p_err("unknown --method '%s' (want sssd or ngram)", optarg);
				return EXIT_USAGE;
			}
			o->method = optarg;
			break;
		case OPT_NPY: o->npy = optarg; break;
		case OPT_REPR:
			if (sssd_repr_parse(optarg) < 0) {
				p_err("bad --repr '%s' (want onehot or scalar)", optarg);
				return EXIT_USAGE;
			}
			o->cfg.repr = sssd_repr_parse(optarg);
			break;
		case OPT_OBJECTIVE:
			if (sssd_objective_parse(optarg) == -EINVAL) {
				p_err("bad --objective '%s' (want auto, eps, x0ce or absorb)", optarg);
				return EXIT_USAGE;
			}
			o->cfg.objective = sssd_objective_parse(optarg);
			break;
		case OPT_RETRIEVAL:
			if (strcmp(optarg, "on") && strcmp(optarg, "off")) {
				p_err("bad --retrieval '%s' (want on or off)", optarg);
				return EXIT_USAGE;
			}
			o->cfg.retrieval = !strcmp(optarg, "on");
			break;
		case 'q': o->quiet = 1; break;
		case 'h': usage(stdout); return -1;
		case '?':
			if (optopt && strcmp(cli_long_name(longopts, optopt), "?"))
				p_err("option --%s needs a value", cli_long_name(longopts, optopt));
			else if (optopt)
				p_err("unknown option '-%c'", optopt);
			else
				p_err("unknown option '%s'", argv[optind - 1]);
			fprintf(stderr, "Try '" TOOL " --help' for more information.\n");
			return EXIT_USAGE;
		default:
			window_set |= c == OPT_WINDOW;
			if (set_number(o, c, optarg))
				return EXIT_USAGE;
		}
	}
	o->traces = argv + optind;
	o->ntraces = argc - optind;
	if (!o->out) {
		p_err("no output file: give -o MODEL");
		return EXIT_USAGE;
	}
	if (!o->npy == !o->ntraces) {
		p_err(o->npy ? "give either --npy or .trz traces, not both"
			     : "no training data: give --npy TRAIN.npy or .trz traces");
		return EXIT_USAGE;
	}
	o->window_set = window_set;
	return 0;
}

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Progress from sssd_train(); asks it to stop (and keep what it learnt) after Ctrl-C. */
static int train_progress(void *ctx, int64_t done, int64_t total, const char *status)
{
	progress_cb(ctx, done, total, status);
	return stop_requested;
}

static int load_data(struct train_opts *o, struct corpus_buf *cb)
{
	char err[512];
	int rc, min_len = o->min_len ? o->min_len : !strcmp(o->method, "ngram") ? 2 : o->t.window;

	if (o->npy) {
		rc = corpus_load_npy(cb, o->npy, err, sizeof(err));
		if (rc) {
			p_err("cannot load training windows %s: %s", o->npy, err);
			return rc;
		}
		if (!o->window_set && cb->len < o->t.window)
			o->t.window = (int)cb->len;
		return 0;
	}
	rc = corpus_load_trz(cb, o->traces, o->ntraces, min_len, err, sizeof(err));
	if (rc)
		p_err("cannot load traces: %s", err);
	return rc;
}

/* Close the written model and give it its name.  Returns 0 or EXIT_FAIL after the message. */
static int finish_output(const struct train_opts *o, struct outfile *of)
{
	int rc = close(of->fd) ? -errno : 0;

	of->fd = -1;
	if (!rc)
		rc = outfile_commit(of);
	if (rc) {
		p_err("cannot write %s: %s", o->out, strerror(-rc));
		return EXIT_FAIL;
	}
	return 0;
}

static int train_sssd(struct train_opts *o, struct corpus_buf *cb, struct outfile *of)
{
	struct sssd_model *m = NULL;
	struct progress *pg;
	struct sigaction sa = { .sa_handler = on_signal };
	double t0 = monotonic_s(), dt;
	int rc;

	rc = sssd_create(&m, &o->cfg, &cb->vocab, o->t.seed);
	if (rc) {
		p_err("cannot create the model: %s", sssd_last_error());
		return EXIT_FAIL;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pg = progress_new(TOOL, o->t.iters, o->quiet);
	rc = sssd_train(m, &cb->c, &o->t, train_progress, pg);
	progress_done(pg);
	dt = monotonic_s() - t0;
	if (rc) {
		p_err("training failed: %s", sssd_last_error());
		sssd_free(m);
		return EXIT_FAIL;
	}
	rc = sssd_save_fd(m, of->fd);
	if (rc) {
		p_err("cannot write %s: %s", o->out, sssd_last_error());
		sssd_free(m);
		return EXIT_FAIL;
	}
	if ((rc = finish_output(o, of))) {
		sssd_free(m);
		return rc;
	}
	printf("%s: SSSD-S4 %lld parameters, %lld sequences, %d ids, %.1f s%s\n", o->out,
	       (long long)sssd_num_params(m), (long long)cb->c.n, cb->vocab.n, dt,
	       stop_requested ? " (stopped early)" : "");
	sssd_free(m);
	return 0;
}

static int write_ngram(struct train_opts *o, struct corpus_buf *cb, struct outfile *of)
{
	int rc = ngram_file_save_fd(of->fd, &cb->c, &cb->vocab, o->kmax);

	if (rc) {
		p_err("cannot write %s: %s", o->out, ngram_last_error());
		return EXIT_FAIL;
	}
	if ((rc = finish_output(o, of)))
		return rc;
	printf("%s: n-gram model, %lld sequences, %lld events, %d ids\n", o->out,
	       (long long)cb->c.n, (long long)cb->c.starts[cb->c.n], cb->vocab.n);
	return 0;
}

int main(int argc, char **argv)
{
	struct train_opts o;
	struct corpus_buf cb;
	struct outfile of;
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc < 0 ? 0 : rc;
	/* The model file, created before a long training (new, or --force: a temporary renamed
	 * over MODEL once written) */
	rc = outfile_open(&of, o.out, o.force ? OUTFILE_FORCE : 0);
	if (rc) {
		p_err("cannot create %s: %s", o.out, outfile_strerror(rc));
		return EXIT_FAIL;
	}
	/* Training data: .npy windows or per-thread sequences of .trz traces */
	if (load_data(&o, &cb)) {
		close(of.fd);
		outfile_discard(&of);
		return EXIT_FAIL;
	}
	/* Train and write the model */
	rc = !strcmp(o.method, "ngram") ? write_ngram(&o, &cb, &of) : train_sssd(&o, &cb, &of);
	if (rc) {
		if (of.fd >= 0)
			close(of.fd);
		outfile_discard(&of); /* only what this run created */
	}
	corpus_buf_free(&cb);
	return rc;
}

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
		"      --retrieval-train=loo|half  training proposals from the whole corpus leaving\n"
		"                         out each window (loo) or from the other half (default: loo)\n"
		"      --aux=on|off       condition on the timestamps and return values of the events\n"
		"                         (.trz corpora; masked where not known; measured not to help\n"
		"                         across runs yet, BENCHMARKS.md) (default: %s)\n"
		"      --seed=N           seed of all randomness (default: %llu)\n"
		"  -j, --threads=N        OpenBLAS threads (default: OpenBLAS's own)\n",
		c.blocks, c.channels, c.state, c.T, sssd_repr_name(c.repr),
		c.objective == SSSD_OBJ_AUTO ? "auto" : sssd_objective_name(c.objective),
		c.retrieval < 0 ? "on for onehot"
		: c.retrieval   ? "on"
				: "off",
		c.aux > 0 ? "on" : "off", (unsigned long long)t.seed);
	fprintf(f,
		"n-gram:\n"
		"  -k, --kmax=N           longest context recorded in the model file (default: %d)\n"
		"  -q, --quiet            no progress on stderr\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n"
		"\n"
		"Examples:\n"
		"  " TOOL " --npy len100/train.npy -o gzip.sssd --time-budget 600 --threads 2\n"
		"  " TOOL " --method ngram make.trz -o make.ngram\n",
		NGRAM_KMAX_DEFAULT);
}

enum {
	OPT_NPY = 256,
	OPT_MIN_LEN,
	OPT_BUDGET,
	OPT_BATCH,
	OPT_LR,
	OPT_WARMUP,
	OPT_EMA,
	OPT_WINDOW,
	OPT_HELDOUT,
	OPT_EVAL_EVERY,
	OPT_EVAL_STEPS,
	OPT_MAX_BLACKOUT,
	OPT_RETR_TRAIN,
	OPT_BLOCKS,
	OPT_CHANNELS,
	OPT_STATE,
	OPT_T,
	OPT_REPR,
	OPT_OBJECTIVE,
	OPT_SEED,
	OPT_FORCE,
	OPT_RETRIEVAL,
	OPT_AUX
};

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
	{ "retrieval-train", required_argument, NULL, OPT_RETR_TRAIN },
	{ "aux", required_argument, NULL, OPT_AUX },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "threads", required_argument, NULL, 'j' },
	{ "kmax", required_argument, NULL, 'k' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

/* One numeric option into its field; returns 0 or CLI_EX_USAGE after printing the problem. */
static int set_number(struct train_opts *o, int c, const char *arg)
{
	const struct option *l = longopts;
	long long n = 0;
	double f = 0;
	int rc;

	switch (c) {
	case OPT_MIN_LEN: return cli_opt_int(l, c, arg, 1, 1000000000, &o->min_len);
	case 'i':
		rc = cli_opt_ll(l, c, arg, 0, 1000000000000LL, &n);
		o->t.iters = n;
		return rc;
	case OPT_BUDGET: return cli_opt_seconds(l, c, arg, 0, 1e9, &o->t.time_budget);
	case OPT_BATCH: return cli_opt_int(l, c, arg, 1, 65536, &o->t.batch);
	case OPT_LR:
		rc = cli_opt_double(l, c, arg, 1e-9, 10, &f);
		o->t.lr = (float)f;
		return rc;
	case OPT_WARMUP: return cli_opt_int(l, c, arg, 0, 1000000000, &o->t.warmup);
	case OPT_EMA:
		rc = cli_opt_double(l, c, arg, 0, 1, &f);
		o->t.ema = (float)f;
		return rc;
	case OPT_WINDOW: return cli_opt_int(l, c, arg, 2, 1 << 20, &o->t.window);
	case OPT_HELDOUT:
		rc = cli_opt_double(l, c, arg, 0, 0.5, &f);
		o->t.heldout = (float)f;
		return rc;
	case OPT_EVAL_EVERY: return cli_opt_int(l, c, arg, 0, 1000000000, &o->t.eval_every);
	case OPT_EVAL_STEPS: return cli_opt_int(l, c, arg, 1, 100000, &o->t.eval_steps);
	case OPT_MAX_BLACKOUT: return cli_opt_int(l, c, arg, 1, 1 << 20, &o->t.max_blackout);
	case OPT_BLOCKS: return cli_opt_int(l, c, arg, 1, 256, &o->cfg.blocks);
	case OPT_CHANNELS:
		rc = cli_opt_int(l, c, arg, 1, 4096, &o->cfg.channels);
		o->cfg.skip_channels = o->cfg.channels;
		return rc;
	case OPT_STATE: return cli_opt_int(l, c, arg, 2, 4096, &o->cfg.state);
	case OPT_T: return cli_opt_int(l, c, arg, 1, 100000, &o->cfg.T);
	case OPT_SEED: return cli_opt_u64(l, c, arg, 0, UINT64_MAX, &o->t.seed);
	case 'j': return cli_opt_int(l, c, arg, 1, 1024, &o->t.threads);
	case 'k': return cli_opt_int(l, c, arg, 1, NGRAM_KMAX_LIMIT, &o->kmax);
	}
	return CLI_EX_USAGE; /* not a numeric option: cannot happen */
}

/* Returns 0, CLI_EX_USAGE after printing the problem, or -1 after --help. */
static int parse_args(int argc, char **argv, struct train_opts *o)
{
	static const char shortopts[] = "o:m:i:j:k:qhV";
	int c, window_set = 0;

	memset(o, 0, sizeof(*o));
	sssd_config_default(&o->cfg);
	sssd_train_opts_default(&o->t);
	o->method = "sssd";
	o->kmax = NGRAM_KMAX_DEFAULT;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->out = optarg; break;
		case OPT_FORCE: o->force = 1; break;
		case 'm':
			if (strcmp(optarg, "sssd") && strcmp(optarg, "ngram")) {
				p_err("unknown --method '%s' (want sssd or ngram)", optarg);
				return CLI_EX_USAGE;
			}
			o->method = optarg;
			break;
		case OPT_NPY: o->npy = optarg; break;
		case OPT_REPR:
			if (sssd_repr_parse(optarg) < 0) {
				p_err("invalid --repr '%s' (want onehot or scalar)", optarg);
				return CLI_EX_USAGE;
			}
			o->cfg.repr = sssd_repr_parse(optarg);
			break;
		case OPT_OBJECTIVE:
			if (sssd_objective_parse(optarg) == -EINVAL) {
				p_err("invalid --objective '%s' (want auto, eps, x0ce or absorb)",
				      optarg);
				return CLI_EX_USAGE;
			}
			o->cfg.objective = sssd_objective_parse(optarg);
			break;
		case OPT_RETRIEVAL:
			if (strcmp(optarg, "on") && strcmp(optarg, "off")) {
				p_err("invalid --retrieval '%s' (want on or off)", optarg);
				return CLI_EX_USAGE;
			}
			o->cfg.retrieval = !strcmp(optarg, "on");
			break;
		case OPT_AUX:
			if (strcmp(optarg, "on") && strcmp(optarg, "off")) {
				p_err("invalid --aux '%s' (want on or off)", optarg);
				return CLI_EX_USAGE;
			}
			o->cfg.aux = !strcmp(optarg, "on");
			break;
		case OPT_RETR_TRAIN:
			if (strcmp(optarg, "loo") && strcmp(optarg, "half")) {
				p_err("invalid --retrieval-train '%s' (want loo or half)", optarg);
				return CLI_EX_USAGE;
			}
			o->t.retrieval_loo = !strcmp(optarg, "loo");
			break;
		case 'q': o->quiet = 1; break;
		case 'h': usage(stdout); return -1;
		case 'V': cli_version(); return -1;
		case '?': return cli_bad_option(longopts, shortopts, argv);
		default:
			window_set |= c == OPT_WINDOW;
			if (set_number(o, c, optarg))
				return CLI_EX_USAGE;
		}
	}
	o->traces = argv + optind;
	o->ntraces = argc - optind;
	if (!o->out) {
		p_err("no output file: give -o MODEL");
		return CLI_EX_USAGE;
	}
	if (!o->npy == !o->ntraces) {
		p_err(o->npy ? "give either --npy or .trz traces, not both"
			     : "no training data: give --npy TRAIN.npy or .trz traces");
		return CLI_EX_USAGE;
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
	int rc, min_len = o->min_len ? o->min_len : !strcmp(o->method, "ngram") ? 2 : o->t.window;

	if (o->npy) {
		rc = corpus_load_npy(cb, o->npy);
		if (rc) {
			p_err("cannot load training windows %s: %s", o->npy, err_text());
			return rc;
		}
		if (!o->window_set && cb->len < o->t.window)
			o->t.window = (int)cb->len;
		return 0;
	}
	rc = corpus_load_trz(cb, o->traces, o->ntraces, min_len);
	if (rc)
		p_err("cannot load traces: %s", err_text());
	return rc;
}

/* Close the written model and give it its name.  Returns 0 or CLI_EX_FAIL after the message. */
static int finish_output(const struct train_opts *o, struct outfile *of)
{
	int rc = close(of->fd) ? -errno : 0;

	of->fd = -1;
	if (!rc)
		rc = outfile_commit(of);
	if (rc) {
		p_err("cannot write %s: %s", o->out, strerror(-rc));
		return CLI_EX_FAIL;
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

	o->t.ts = cb->ts;
	o->t.rc = cb->rc;
	rc = sssd_create(&m, &o->cfg, &cb->vocab, o->t.seed);
	if (rc) {
		p_err("cannot create the model: %s", err_text());
		return CLI_EX_FAIL;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pg = progress_new(TOOL, o->t.iters, o->quiet);
	rc = sssd_train(m, &cb->c, &o->t, train_progress, pg);
	progress_done(pg);
	dt = monotonic_s() - t0;
	if (rc) {
		p_err("training failed: %s", err_text());
		sssd_free(m);
		return CLI_EX_FAIL;
	}
	rc = sssd_save_fd(m, of->fd);
	if (rc) {
		p_err("cannot write %s: %s", o->out, err_text());
		sssd_free(m);
		return CLI_EX_FAIL;
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
		p_err("cannot write %s: %s", o->out, err_text());
		return CLI_EX_FAIL;
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
		return CLI_EX_FAIL;
	}
	/* Training data: .npy windows or per-thread sequences of .trz traces */
	if (load_data(&o, &cb)) {
		close(of.fd);
		outfile_discard(&of);
		return CLI_EX_FAIL;
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

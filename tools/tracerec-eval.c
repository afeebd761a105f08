/* tracerec-eval - score an imputer with the paper's protocol (../shared/datasets/README.md).
 *
 * Mode "windows": mask each test window as the protocol says, fill the masked span with the
 * chosen imputer and report accuracy, perfect rate, ROUGE-L (and type accuracy when the
 * vocabulary names syscalls) per blackout size and position.
 * Mode "trace" (--trace, user/trace_eval.c): drop ring-buffer-like bursts from a complete trace,
 * fill them like tracerec-fill, score each thread's gap.
 * To add a mode (e.g. --trace), add its options to struct eval_opts / parse_args() and a
 * run_<mode>() called from main().
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corpus/corpus.h"
#include "common/cli.h"
#include "common/monotime.h"
#include "common/outfile.h"
#include "imputer.h"
#include "metrics/masks.h"
#include "metrics/metrics.h"
#include "ngram/ngram.h"
#include "common/progress.h"
#include "sssd/sssd.h"
#include "eval/trace_eval.h"

#define TOOL "tracerec-eval"
#define MAX_BLACKOUTS 64

struct eval_opts {
	const char *method; /* sssd | ngram | hybrid */
	const char *model;  /* sssd checkpoint */
	const char *train;  /* ngram training windows (.npy) */
	const char *test;   /* test windows (.npy) */
	const char *trace;  /* --trace: complete .trz to drop bursts from */
	const char *losses; /* --trace --losses: lossy .trz whose gaps are replayed */
	const char *svg;    /* --svg: accuracy vs blackout plot */
	int per_burst;      /* --trace: bursts per size */
	int self;           /* --trace --self */
	int sketch;         /* --trace --sketch */
	int blackouts[MAX_BLACKOUTS];
	int nblackouts;
	int positions[2];
	int npositions;
	int end_mode;
	struct imputer_spec spec; /* the imputer's knobs: steps, samples, kmax, min_support,
				     * min_context (imputer_spec_default(): what tracerec-fill ships) */
	int kmax_set;             /* -k given: overrides an n-gram model file's */
	int64_t limit;
	int batch;
	uint64_t seed;
	int threads;
	int json;
	int quiet;
};

/* A row of results. */
struct eval_row {
	const char *method;
	int blackout, position, masked;
	struct metrics m;
	double fill_s; /* wall time spent in the imputer */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " TOOL " --method ngram --train TRAIN.npy --test TEST.npy [OPTIONS]\n"
		"       " TOOL " --method sssd --model MODEL --test TEST.npy [OPTIONS]\n"
		"       " TOOL
		" --method hybrid --model MODEL --train TRAIN.npy --test TEST.npy [OPTIONS]\n"
		"       " TOOL " --trace COMPLETE.trz --train OTHER-RUN.trz [--method M] [OPTIONS]\n"
		"Score an imputer on test windows with the paper's protocol: one blackout of B events per\n"
		"window, at the centre or at the end; accuracy, perfect rate and ROUGE-L per blackout.\n"
		"\n"
		"  -m, --method=NAME      sssd, ngram or hybrid, or a comma list of them scored one after\n"
		"                         the other (default: sssd with --model, else ngram)\n"
		"  -M, --model=FILE       SSSD-S4 checkpoint written by tracerec-train (sssd, hybrid)\n"
		"  -t, --train=FILE       training windows .npy for the n-gram imputer (ngram, hybrid)\n"
		"  -T, --test=FILE        test windows .npy, shape (N, L[, 1]) (required without --trace)\n"
		"      --trace=FILE       trace mode: drop bursts of consecutive events of a CPU from this\n"
		"                         complete .trz (as an overflowing ring buffer does), fill them like\n"
		"                         tracerec-fill and score each thread's gap; --train is then a .trz\n"
		"                         of a different run and --blackout lists the burst sizes\n"
		"      --bursts=N         trace mode: bursts dropped per size (default: 200)\n"
		"      --losses=LOSSY     trace mode: instead of random bursts, replay the per-thread gaps\n"
		"                         (positions and lengths) of LOSSY.trz, a run of the same workload\n"
		"                         that lost events, onto --trace (thread k <-> thread k in order of\n"
		"                         first appearance); one row, burst 0\n"
		"      --self             trace mode, ngram: also index the test trace's own recorded runs\n"
		"                         minus the dropped events, as tracerec-fill does (default: off)\n"
		"      --sketch           trace mode: each gap carries the lost-syscall sketch a version 2\n"
		"                         recorder writes (counts of 32 tokens, first/last 8) and is filled\n"
		"                         under it (default: off; on with --losses when LOSSY has sketches)\n"
		"      --no-sketch        trace mode: never use sketches, not even LOSSY's\n"
		"  -b, --blackout=LIST    comma-separated blackout sizes (default: 1,5,10,20,30,40)\n"
		"  -p, --position=WHERE   center, end or both (default: both)\n"
		"      --end-mode=MODE    paper (B=30 at the end masks the last 20 events, as the paper did)\n"
		"                         or exact (always the last B) (default: paper)\n"
		"  -s, --steps=N          sampling steps for sssd: reveal rounds of the absorbing-state\n"
		"                         model, DDIM steps of the others, 0 = DDPM with all T (default:\n"
		"                         the model's: 1 round, 20 DDIM steps; as tracerec-fill)\n"
		"      --samples=N        samples per gap for sssd, voted per position (default: 1)\n"
		"  -k, --kmax=N           longest n-gram context (default: 64)\n"
		"      --min-support=N    hybrid: matches a two-sided context needs to be trusted (default: 2)\n"
		"      --min-context=N    hybrid: shortest context trusted, per side (twice that for a\n"
		"                         gap at a window edge) (default: 4)\n"
		"  -n, --limit=N          use only the first N test windows (default: all)\n"
		"      --batch=N          windows per imputer call (default: 50)\n"
		"      --seed=N           sampling seed (default: 1)\n"
		"  -j, --threads=N        OpenBLAS threads for sssd (default: OpenBLAS's own)\n"
		"      --svg=FILE         also draw accuracy against blackout size, one line per method\n"
		"                         and position, as an SVG image (created new, mode 0600)\n"
		"      --json             print a JSON list of result objects instead of a table\n"
		"  -q, --quiet            no progress on stderr\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n"
		"\n"
		"Examples:\n"
		"  " TOOL " --method ngram --train len100/train.npy --test len200/test.npy\n"
		"  " TOOL
		" --model gzip.sssd --test len200/test.npy --blackout 10 --position center --json\n"
		"  " TOOL " --trace gzip-2.trz --train gzip-1.trz --method ngram --blackout 1,10,40\n"
		"  " TOOL " --trace gzip-2.trz --train gzip-1.trz --losses gzip-lossy.trz\n");
}

static int parse_blackouts(struct eval_opts *o, const char *s)
{
	char buf[512], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", s);
	o->nblackouts = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long long v;

		if (cli_parse_ll(tok, 1, 100000, &v) || o->nblackouts == MAX_BLACKOUTS)
			return -EINVAL;
		o->blackouts[o->nblackouts++] = (int)v;
	}
	return o->nblackouts ? 0 : -EINVAL;
}

enum {
	OPT_END_MODE = 256,
	OPT_SAMPLES,
	OPT_MIN_SUPPORT,
	OPT_MIN_CONTEXT,
	OPT_BATCH,
	OPT_SEED,
	OPT_JSON,
	OPT_TRACE,
	OPT_BURSTS,
	OPT_SELF,
	OPT_LOSSES,
	OPT_SVG,
	OPT_SKETCH,
	OPT_NO_SKETCH
};

/* Options: parse_args() returns 0, or CLI_EX_USAGE after printing the problem; -1 after --help. */
static const struct option longopts[] = {
	{ "method", required_argument, NULL, 'm' },
	{ "model", required_argument, NULL, 'M' },
	{ "train", required_argument, NULL, 't' },
	{ "test", required_argument, NULL, 'T' },
	{ "blackout", required_argument, NULL, 'b' },
	{ "position", required_argument, NULL, 'p' },
	{ "end-mode", required_argument, NULL, OPT_END_MODE },
	{ "steps", required_argument, NULL, 's' },
	{ "samples", required_argument, NULL, OPT_SAMPLES },
	{ "kmax", required_argument, NULL, 'k' },
	{ "min-support", required_argument, NULL, OPT_MIN_SUPPORT },
	{ "min-context", required_argument, NULL, OPT_MIN_CONTEXT },
	{ "limit", required_argument, NULL, 'n' },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "threads", required_argument, NULL, 'j' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "bursts", required_argument, NULL, OPT_BURSTS },
	{ "self", no_argument, NULL, OPT_SELF },
	{ "losses", required_argument, NULL, OPT_LOSSES },
	{ "sketch", no_argument, NULL, OPT_SKETCH },
	{ "no-sketch", no_argument, NULL, OPT_NO_SKETCH },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

/* 1 when the comma list of methods names one other than `name`. */
static int list_has_other(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		size_t len = strcspn(p, ",");

		if (len != n || strncmp(p, name, n))
			return 1;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct eval_opts *o)
{
	static const char shortopts[] = "m:M:t:T:b:p:s:k:n:j:qhV";
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	parse_blackouts(o, "1,5,10,20,30,40");
	o->positions[0] = MASK_CENTER;
	o->positions[1] = MASK_END;
	o->npositions = 2;
	o->end_mode = MASK_END_PAPER;
	imputer_spec_default(&o->spec); /* the defaults tracerec-fill ships */
	o->batch = 50;
	o->seed = 1;
	o->per_burst = 200;
	while (!rc && (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'm': {
			char buf[64], *save = NULL, *tok;
			int n = 0;

			snprintf(buf, sizeof(buf), "%s", optarg);
			for (tok = strtok_r(buf, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save), n++)
				if (imputer_method_parse(tok) < 0 || n == 3)
					break;
			if (tok || !n || strlen(optarg) >= sizeof(buf)) {
				p_err("unknown --method '%s' (want sssd, ngram or hybrid, or a comma list "
				      "of them)",
				      optarg);
				return CLI_EX_USAGE;
			}
			o->method = optarg;
			break;
		}
		case 'M': o->model = optarg; break;
		case 't': o->train = optarg; break;
		case 'T': o->test = optarg; break;
		case OPT_TRACE: o->trace = optarg; break;
		case OPT_SELF: o->self = 1; break;
		case OPT_LOSSES: o->losses = optarg; break;
		case OPT_SKETCH: o->sketch = 1; break;
		case OPT_NO_SKETCH: o->sketch = -1; break;
		case OPT_SVG: o->svg = optarg; break;
		case 'b':
			if (parse_blackouts(o, optarg)) {
				p_err("invalid --blackout '%s' (want sizes >= 1 separated by commas, e.g. 1,5,10)",
				      optarg);
				return CLI_EX_USAGE;
			}
			break;
		case 'p':
			if (!strcmp(optarg, "both")) {
				o->npositions = 2;
			} else if (mask_position_parse(optarg) >= 0) {
				o->positions[0] = mask_position_parse(optarg);
				o->npositions = 1;
			} else {
				p_err("invalid --position '%s' (want center, end or both)", optarg);
				return CLI_EX_USAGE;
			}
			break;
		case OPT_END_MODE:
			if (mask_end_mode_parse(optarg) < 0) {
				p_err("invalid --end-mode '%s' (want paper or exact)", optarg);
				return CLI_EX_USAGE;
			}
			o->end_mode = mask_end_mode_parse(optarg);
			break;
		case 's': rc = cli_opt_int(longopts, c, optarg, 0, 1 << 30, &o->spec.steps); break;
		case OPT_SAMPLES:
			rc = cli_opt_int(longopts, c, optarg, 1, 1024, &o->spec.samples);
			break;
		case 'k':
			rc = cli_opt_int(longopts, c, optarg, 1, NGRAM_KMAX_LIMIT, &o->spec.kmax);
			o->kmax_set = 1;
			break;
		case OPT_MIN_SUPPORT:
			rc = cli_opt_int(longopts, c, optarg, 0, 1 << 30, &o->spec.min_support);
			break;
		case OPT_MIN_CONTEXT:
			rc = cli_opt_int(longopts, c, optarg, 0, 1 << 30, &o->spec.min_context);
			break;
		case 'n': {
			long long n = 0;

			rc = cli_opt_ll(longopts, c, optarg, 1, 1 << 30, &n);
			o->limit = n;
			break;
		}
		case OPT_BATCH: rc = cli_opt_int(longopts, c, optarg, 1, 65536, &o->batch); break;
		case OPT_SEED:
			rc = cli_opt_u64(longopts, c, optarg, 0, UINT64_MAX, &o->seed);
			break;
		case 'j': rc = cli_opt_int(longopts, c, optarg, 0, 1024, &o->threads); break;
		case OPT_BURSTS:
			rc = cli_opt_int(longopts, c, optarg, 1, 1 << 30, &o->per_burst);
			break;
		case OPT_JSON: o->json = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h': usage(stdout); return -1;
		case 'V': cli_version(); return -1;
		default: return cli_bad_option(longopts, shortopts, argv);
		}
	}
	if (rc)
		return rc;
	if (optind < argc) {
		p_err("unexpected argument '%s'", argv[optind]);
		return CLI_EX_USAGE;
	}
	/* an n-gram model file given as --model is the n-gram's corpus */
	if (o->model && ngram_file_probe(o->model) == 1 && !o->train &&
	    (!o->method || !strcmp(o->method, "ngram"))) {
		o->train = o->model;
		o->model = NULL;
		o->method = "ngram";
	}
	if (!o->method)
		o->method = o->model ? "sssd" : "ngram";
	if (o->sketch && !o->trace) { /* --sketch or --no-sketch */
		p_err("--sketch and --no-sketch are about a trace's gaps: use them with --trace");
		return CLI_EX_USAGE;
	}
	if (o->losses && !o->trace) {
		p_err("--losses LOSSY.trz replays losses onto a complete trace: give --trace COMPLETE.trz");
		return CLI_EX_USAGE;
	}
	if (o->trace && o->svg) {
		p_err("--svg plots window mode (--test); not with --trace");
		return CLI_EX_USAGE;
	}
	if (o->trace && strchr(o->method, ',')) {
		p_err("--trace scores one method at a time (got --method %s)", o->method);
		return CLI_EX_USAGE;
	}
	if (o->trace) {
		if (!o->train && strcmp(o->method, "sssd")) {
			p_err("--trace with --method %s needs --train OTHER-RUN.trz (a different run)",
			      o->method);
			return CLI_EX_USAGE;
		}
		return 0;
	}
	if (!o->test) {
		p_err("no test windows: give --test TEST.npy");
		return CLI_EX_USAGE;
	}
	if (list_has_other(o->method, "ngram") && !o->model) {
		p_err("--method %s needs --model MODEL (a checkpoint from tracerec-train)",
		      o->method);
		return CLI_EX_USAGE;
	}
	if (list_has_other(o->method, "sssd") && !o->train) {
		p_err("--method %s needs --train TRAIN.npy (or an n-gram model file)", o->method);
		return CLI_EX_USAGE;
	}
	return 0;
}

/* The imputer named by o (and the models it borrows, freed by free_method()). */
struct method {
	struct imputer *im;
	struct sssd_model *model;
	struct corpus_buf train;   /* --train as .npy windows */
	struct ngram_file nf;      /* --train as an n-gram model file */
	const struct vocab *vocab; /* for type accuracy; NULL when ids are anonymous */
};

static void free_method(struct method *me)
{
	imputer_free(me->im);
	sssd_free(me->model);
	corpus_buf_free(&me->train);
	ngram_file_free(&me->nf);
}

/* --train: an n-gram model file (tracerec-train --method ngram) or .npy windows. */
static int load_ngram_source(const char *path, struct corpus_buf *cb, struct ngram_file *nf)
{
	int rc;

	if (ngram_file_probe(path) == 1) {
		rc = ngram_file_load(path, nf);
		if (rc)
			p_err("cannot load n-gram model %s: %s", path, err_text());
		return rc;
	}
	rc = corpus_load_npy(cb, path);
	if (rc)
		p_err("cannot load training windows %s: %s", path, err_text());
	return rc;
}

static int vocab_named(const struct vocab *v)
{
	for (int i = 1; i < v->n; i++)
		if (v->nr[i] < 0)
			return 0;
	return v->n > 1;
}

/* Load what the method needs (--model, --train) and build its imputer with the factory. */
static int open_method(const struct eval_opts *o, int test_max_id, struct method *me)
{
	struct imputer_spec s = o->spec;
	int rc, V = test_max_id + 1;

	memset(me, 0, sizeof(*me));
	s.method = imputer_method_parse(o->method);
	if (o->model) {
		rc = sssd_load(&me->model, o->model);
		if (rc) {
			p_err("cannot load model %s: %s", o->model, err_text());
			return rc;
		}
		me->vocab = sssd_vocab(me->model);
		if (me->vocab->n > V)
			V = me->vocab->n;
		if (!vocab_named(me->vocab))
			me->vocab = NULL;
		s.model = me->model;
	}
	if (o->train) {
		rc = load_ngram_source(o->train, &me->train, &me->nf);
		if (rc)
			return rc;
		if (me->train.max_id + 1 > V)
			V = me->train.max_id + 1;
		if (me->nf.vocab.n > V)
			V = me->nf.vocab.n;
		if (me->nf.vocab.n && !me->vocab && vocab_named(&me->nf.vocab))
			me->vocab = &me->nf.vocab;
		s.train = me->nf.vocab.n ? &me->nf.c : &me->train.c;
		if (me->nf.vocab.n && !o->kmax_set)
			s.kmax = me->nf.kmax;
	}
	s.V = V;
	if ((rc = imputer_new(&me->im, &s)))
		p_err("cannot build the %s imputer: %s", o->method, strerror(-rc));
	if (!rc && o->threads > 0)
		imputer_use_threads(me->im, o->threads);
	return rc;
}

/* Score one (blackout, position) over the test windows; batch by batch through the imputer. */
static int eval_one(const struct eval_opts *o, struct method *me, const struct corpus_buf *test,
		    int64_t nwin, struct eval_row *row, struct progress *pg, int64_t *done,
		    int64_t total)
{
	int L = (int)test->len, first, count, rc;
	double t0;
	int32_t *seq = malloc((size_t)o->batch * L * sizeof(*seq));
	uint8_t *known = malloc((size_t)o->batch * L);
	char status[96];

	rc = !seq || !known
		     ? -ENOMEM
		     : mask_span(L, row->blackout, row->position, o->end_mode, &first, &count);
	if (!rc) /* first and count are set only then */
		row->masked = count;
	for (int64_t w0 = 0; !rc && w0 < nwin; w0 += o->batch) {
		int nb = nwin - w0 < o->batch ? (int)(nwin - w0) : o->batch;

		memcpy(seq, test->ids + w0 * L, (size_t)nb * L * sizeof(*seq));
		for (int i = 0; i < nb; i++)
			mask_fill(known + (size_t)i * L, L, row->blackout, row->position,
				  o->end_mode);
		t0 = monotonic_s();
		rc = imputer_fill(me->im, seq, known, NULL, nb, L,
				  o->seed + 1000003ull * row->blackout + w0);
		row->fill_s += monotonic_s() - t0;
		for (int i = 0; !rc && i < nb; i++)
			rc = metrics_add(&row->m, test->ids + (w0 + i) * L + first,
					 seq + (size_t)i * L + first, count, me->vocab);
		*done += nb;
		snprintf(status, sizeof(status), "B=%d %s acc %.4f", row->blackout,
			 mask_position_name(row->position), metrics_accuracy(&row->m));
		progress_update(pg, *done, status);
		(void)total;
	}
	free(seq);
	free(known);
	return rc;
}

static void print_rows(const struct eval_opts *o, const struct eval_row *rows, int n)
{
	if (o->json) {
		printf("[");
		for (int i = 0; i < n; i++) {
			const struct metrics *m = &rows[i].m;

			printf("%s\n  {\"method\": \"%s\", \"blackout\": %d, \"position\": \"%s\", "
			       "\"masked\": %d, \"accuracy\": %.6f, \"perfect_rate\": %.6f, "
			       "\"rouge_l\": %.6f, \"count_error\": %.6f",
			       i ? "," : "", rows[i].method, rows[i].blackout,
			       mask_position_name(rows[i].position), rows[i].masked,
			       metrics_accuracy(m), metrics_perfect_rate(m), metrics_rouge_l(m),
			       metrics_count_error(m));
			if (metrics_type_accuracy(m) >= 0)
				printf(", \"type_accuracy\": %.6f", metrics_type_accuracy(m));
			printf(", \"n\": %lld, \"fill_seconds\": %.4f, \"gaps_per_s\": %.2f}",
			       (long long)m->n, rows[i].fill_s,
			       rows[i].fill_s > 0 ? m->n / rows[i].fill_s : 0);
		}
		printf("\n]\n");
		return;
	}
	int list = strchr(o->method, ',') != NULL;

	printf("%-8s %-8s %6s %9s %9s %9s %9s %9s %6s%s\n", "blackout", "position", "masked",
	       "accuracy", "perfect", "rouge_l", "count_err", "type_acc", "n", list ? " method" : "");
	for (int i = 0; i < n; i++) {
		const struct metrics *m = &rows[i].m;
		char type[16] = "-";

		if (metrics_type_accuracy(m) >= 0)
			snprintf(type, sizeof(type), "%.4f", metrics_type_accuracy(m));
		printf("%-8d %-8s %6d %9.4f %9.4f %9.4f %9.4f %9s %6lld%s%s\n", rows[i].blackout,
		       mask_position_name(rows[i].position), rows[i].masked, metrics_accuracy(m),
		       metrics_perfect_rate(m), metrics_rouge_l(m), metrics_count_error(m), type,
		       (long long)m->n, list ? " " : "", list ? rows[i].method : "");
	}
}

/* Mode "windows": the paper's protocol on a .npy test set. */
/* --svg: accuracy against blackout size, one line per method and position, axes and a legend;
 * plain SVG 1.1 written here.  Returns 0 or -errno. */
static int write_svg(const char *path, const struct eval_row *rows, int n)
{
	static const char *const colour[] = { "#1f77b4", "#d62728", "#2ca02c",
					      "#9467bd", "#ff7f0e", "#8c564b" };
	const double W = 640, H = 400, X0 = 60, Y0 = 30, PW = 440, PH = 320;
	struct outfile of;
	FILE *f;
	int bmax = 1, nser = 0, rc;
	const char *sm[8];
	int sp[8];

	for (int i = 0; i < n; i++) {
		int k;

		bmax = rows[i].blackout > bmax ? rows[i].blackout : bmax;
		for (k = 0; k < nser; k++)
			if (!strcmp(sm[k], rows[i].method) && sp[k] == rows[i].position)
				break;
		if (k == nser && nser < 8)
			sm[nser] = rows[i].method, sp[nser++] = rows[i].position;
	}
	if ((rc = outfile_open(&of, path, 0)))
		return rc;
	if (!(f = fdopen(of.fd, "w"))) {
		rc = -errno;
		outfile_discard(&of);
		return rc;
	}
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<title>accuracy vs blackout</title>\n<rect width=\"100%%\" height=\"100%%\" "
		"fill=\"white\"/>\n",
		W, H, W, H);
	for (int t = 0; t <= 10; t++) { /* y grid: accuracy 0..1 */
		double y = Y0 + PH - PH * t / 10.0;

		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
			X0, y, X0 + PW, y, X0 - 6, y + 4, t / 10.0);
	}
	for (int i = 0; i < n; i++) { /* x ticks at the blackouts measured */
		double x = X0 + PW * rows[i].blackout / bmax;

		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", x,
			Y0 + PH + 16, rows[i].blackout);
	}
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n"
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n"
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">blackout (events)</text>\n"
		"<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" "
		"text-anchor=\"middle\">accuracy</text>\n",
		X0, Y0 + PH, X0 + PW, Y0 + PH, X0, Y0, X0, Y0 + PH, X0 + PW / 2, Y0 + PH + 34,
		Y0 + PH / 2, Y0 + PH / 2);
	for (int k = 0; k < nser; k++) {
		const char *c = colour[k % 6];
		int first = 1;

		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
			c, sp[k] == MASK_END ? " stroke-dasharray=\"6 3\"" : "");
		for (int i = 0; i < n; i++)
			if (!strcmp(rows[i].method, sm[k]) && rows[i].position == sp[k]) {
				fprintf(f, "%s%.1f,%.1f", first ? "" : " ",
					X0 + PW * rows[i].blackout / bmax,
					Y0 + PH - PH * metrics_accuracy(&rows[i].m));
				first = 0;
			}
		fprintf(f, "\"/>\n");
		for (int i = 0; i < n; i++)
			if (!strcmp(rows[i].method, sm[k]) && rows[i].position == sp[k])
				fprintf(f,
					"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
					"<title>%s %s B=%d: %.4f</title></circle>\n",
					X0 + PW * rows[i].blackout / bmax,
					Y0 + PH - PH * metrics_accuracy(&rows[i].m), c, sm[k],
					mask_position_name(sp[k]), rows[i].blackout,
					metrics_accuracy(&rows[i].m));
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"2\"%s/>\n<text x=\"%.1f\" y=\"%.1f\">%s, %s</text>\n",
			X0 + PW + 14, Y0 + 10 + 18.0 * k, X0 + PW + 38, Y0 + 10 + 18.0 * k, c,
			sp[k] == MASK_END ? " stroke-dasharray=\"6 3\"" : "", X0 + PW + 44,
			Y0 + 14 + 18.0 * k, sm[k], mask_position_name(sp[k]));
	}
	fprintf(f, "</svg>\n");
	rc = fflush(f) || ferror(f) ? -EIO : 0;
	if (fclose(f) && !rc)
		rc = -EIO;
	of.fd = -1; /* closed with f */
	if (!rc)
		rc = outfile_commit(&of);
	if (rc)
		outfile_discard(&of);
	return rc;
}

/* Mode "windows": the paper's protocol on a .npy test set, for each method of the list. */
static int run_windows(const struct eval_opts *o)
{
	struct corpus_buf test;
	struct eval_row rows[6 * MAX_BLACKOUTS];
	struct progress *pg = NULL;
	char names[64], *save = NULL, *name;
	int64_t nwin, done = 0, total;
	int nrows = 0, rc = 0, nmeth = 1;

	rc = corpus_load_npy(&test, o->test);
	if (rc) {
		p_err("cannot load test windows %s: %s", o->test, err_text());
		return CLI_EX_FAIL;
	}
	nwin = o->limit && o->limit < test.c.n ? o->limit : test.c.n;
	for (int b = 0; b < o->nblackouts; b++) {
		if (o->blackouts[b] >= test.len) {
			p_err("blackout %d does not fit in test windows of %lld events",
			      o->blackouts[b], (long long)test.len);
			corpus_buf_free(&test);
			return CLI_EX_USAGE;
		}
	}
	snprintf(names, sizeof(names), "%s", o->method);
	for (const char *p = o->method; *p; p++)
		nmeth += *p == ',';
	total = nwin * o->nblackouts * o->npositions * nmeth;
	pg = progress_new(TOOL, total, o->quiet);
	for (name = strtok_r(names, ",", &save); !rc && name; name = strtok_r(NULL, ",", &save)) {
		struct eval_opts mo = *o;
		struct method me;

		mo.method = name;
		if (open_method(&mo, test.max_id, &me)) {
			free_method(&me);
			rc = -EINVAL;
			break;
		}
		for (int p = 0; !rc && p < o->npositions; p++) {
			for (int b = 0; !rc && b < o->nblackouts; b++) {
				struct eval_row *row = &rows[nrows++];

				memset(row, 0, sizeof(*row));
				row->method = name;
				row->blackout = o->blackouts[b];
				row->position = o->positions[p];
				rc = eval_one(&mo, &me, &test, nwin, row, pg, &done, total);
			}
		}
		if (rc && rc != -EINVAL)
			p_err("imputing with %s failed: %s%s%s", name, strerror(-rc),
			      me.model ? ": " : "", me.model ? err_text() : "");
		free_method(&me);
	}
	progress_done(pg);
	if (!rc)
		print_rows(o, rows, nrows);
	if (!rc && o->svg && (rc = write_svg(o->svg, rows, nrows)))
		p_err("cannot write %s: %s", o->svg, outfile_strerror(rc));
	corpus_buf_free(&test);
	return rc ? CLI_EX_FAIL : 0;
}

/* Mode "trace": ring-buffer-like bursts dropped from a complete trace (user/trace_eval.c). */
static int run_trace(const struct eval_opts *o)
{
	struct trace_eval_opts to = { 0 };
	struct trace_eval_row rows[MAX_BLACKOUTS];
	const char *used = o->method;
	int rc;

	fill_opts_default(&to.fill);
	to.fill.method = imputer_method_parse(o->method);
	to.fill.model = o->model;
	to.fill.steps = o->spec.steps;
	to.fill.ngram_k = o->spec.kmax;
	to.fill.hybrid_support = o->spec.min_support;
	to.fill.hybrid_context = o->spec.min_context;
	to.fill.seed = o->seed;
	to.fill.threads = o->threads;
	to.fill.quiet = o->quiet;
	to.trace = o->trace;
	to.train = o->train;
	to.bursts = o->blackouts;
	to.nbursts = o->nblackouts;
	to.per_burst = o->per_burst;
	to.self = o->self;
	to.losses = o->losses;
	to.sketch = o->sketch;
	rc = trace_eval_run(&to, rows, &used);
	if (rc) {
		p_err("%s", err_why(rc));
		return CLI_EX_FAIL;
	}
	if (o->json)
		printf("[");
	else
		printf("%-8s %6s %6s %9s %9s %9s %9s %9s %10s\n", "burst", "gaps", "events",
		       "accuracy", "perfect", "rouge_l", "count_err", "type_acc", "gaps/s");
	for (int i = 0; i < (o->losses ? 1 : o->nblackouts); i++) {
		const struct trace_eval_row *r = &rows[i];
		double gps = r->fill_s > 0 ? r->gaps / r->fill_s : 0;
		char burst[24] = "replayed";

		if (!o->losses)
			snprintf(burst, sizeof(burst), "%d", r->burst);
		if (o->json)
			printf("%s\n  {\"method\": \"%s\", \"blackout\": %d, \"position\": \"trace\", "
			       "\"accuracy\": %.6f, \"perfect_rate\": %.6f, \"rouge_l\": %.6f, "
			       "\"count_error\": %.6f, \"type_accuracy\": %.6f, \"n\": %lld, "
			       "\"events\": %lld, \"gaps_per_s\": %.1f, \"sketch\": %s",
			       i ? "," : "", used, r->burst, metrics_accuracy(&r->m),
			       metrics_perfect_rate(&r->m), metrics_rouge_l(&r->m),
			       metrics_count_error(&r->m), metrics_type_accuracy(&r->m),
			       (long long)r->gaps, (long long)r->dropped, gps,
			       r->sketched ? "true" : "false");
		if (o->json && o->losses)
			printf(", \"replayed\": true, \"lossy_gaps\": %lld, \"lossy_events\": %lld, "
			       "\"unattributed_gaps\": %lld, \"unmapped_events\": %lld}",
			       (long long)r->loss_gaps, (long long)r->loss_events,
			       (long long)r->loss_unattributed, (long long)r->unmapped);
		else if (o->json)
			printf("}");
		else
			printf("%-8s %6lld %6lld %9.4f %9.4f %9.4f %9.4f %9.4f %10.1f\n", burst,
			       (long long)r->gaps, (long long)r->dropped, metrics_accuracy(&r->m),
			       metrics_perfect_rate(&r->m), metrics_rouge_l(&r->m),
			       metrics_count_error(&r->m), metrics_type_accuracy(&r->m), gps);
	}
	if (o->json)
		printf("\n]\n");
	else if (o->losses)
		fprintf(stderr,
			TOOL ": method %s; replayed %lld gaps (%lld events) of %s, %lld "
			     "events without a counterpart, %lld unattributed gaps not replayed\n",
			used, (long long)rows[0].loss_gaps, (long long)rows[0].loss_events,
			o->losses, (long long)rows[0].unmapped, (long long)rows[0].loss_unattributed);
	else
		fprintf(stderr, TOOL ": method %s\n", used);
	if (!o->json && rows[0].sketched)
		fprintf(stderr, TOOL ": gaps filled under their lost-syscall sketches\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct eval_opts o;
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc < 0 ? 0 : rc;
	return o.trace ? run_trace(&o) : run_windows(&o);
}

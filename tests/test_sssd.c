/* test_sssd.c - the SSSD-S4 imputer end to end at toy size: overfit a periodic dataset and
 * reconstruct its gaps exactly, determinism under the seed, checkpoint round trip, and
 * corrupt / truncated / foreign checkpoints rejected with a clear error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sssd/sssd.h"
#include "sssd/sssd_net.h"
#include "nn/model.h"
#include "helpers/memlimit.h"

#define NSEQ 32
#define SEQL 24
#define PERIOD 5

static int32_t ids[NSEQ * SEQL];
static int64_t starts[NSEQ + 1];
static struct corpus corp = { ids, starts, NSEQ };
static char dir[] = "/tmp/test_sssd.XXXXXX";

static void make_corpus(void)
{
	for (int s = 0; s < NSEQ; s++) {
		starts[s] = (int64_t)s * SEQL;
		for (int l = 0; l < SEQL; l++) /* period-5 pattern with a phase per sequence */
			ids[s * SEQL + l] = 1 + (l + s) % PERIOD;
	}
	starts[NSEQ] = NSEQ * SEQL;
}

static struct sssd_model *train_toy(int objective, uint64_t seed, int iters)
{
	struct sssd_config c;
	struct sssd_train_opts o;
	struct vocab v;
	struct sssd_model *m;

	make_corpus();
	sssd_config_default(&c);
	c.blocks = 2, c.channels = 16, c.skip_channels = 16, c.state = 8, c.T = 50;
	c.embed_in = 16, c.embed_mid = 32, c.embed_out = 32, c.objective = objective;
	c.retrieval = objective == SSSD_OBJ_ABSORB; /* x0ce and eps: the original recipe */
	c.beta1 = 0.2f; /* reach pure noise at t = T-1 (see BENCHMARKS.md) */
	memset(&v, 0, sizeof(v));
	v.n = PERIOD + 1;
	for (int i = 0; i < v.n; i++)
		v.nr[i] = 100 + i, v.dir[i] = i % 2, v.count[i] = 10 * i;
	assert_int_equal(sssd_create(&m, &c, &v, seed), 0);
	sssd_train_opts_default(&o);
	o.iters = iters, o.batch = 8, o.window = 16, o.lr = 3e-3f, o.warmup = 10, o.ema = 0.9f;
	o.seed = seed, o.heldout = 0, o.eval_every = 0, o.max_blackout = 4, o.threads = 1;
	assert_int_equal(sssd_train(m, &corp, &o, NULL, NULL), 0);
	return m;
}

/* fill a centre blackout of 3 and an end blackout of 2 in 8 windows of 16 events */
static int gaps_correct(struct sssd_model *m, int steps, int samples, float *minconf)
{
	enum { NW = 8, WL = 16 };
	int32_t seq[NW * WL];
	uint8_t known[NW * WL];
	float conf[NW * WL];
	struct imputer *im = sssd_imputer_new(m, steps, samples);
	int ok = 0;

	assert_non_null(im);
	for (int w = 0; w < NW; w++)
		for (int l = 0; l < WL; l++) {
			seq[w * WL + l] = (l >= 7 && l < 10) || l >= 14 ? 0 : 1 + (l + w) % PERIOD;
			known[w * WL + l] = seq[w * WL + l] != 0;
		}
	assert_int_equal(imputer_fill(im, seq, known, conf, NW, WL, 42), 0);
	*minconf = 1;
	for (int w = 0; w < NW; w++)
		for (int l = 0; l < WL; l++) {
			ok += seq[w * WL + l] == 1 + (l + w) % PERIOD;
			if (!known[w * WL + l] && conf[w * WL + l] < *minconf)
				*minconf = conf[w * WL + l];
		}
	imputer_free(im);
	if (ok != NW * WL)
		print_message("%d of %d events right\n", ok, NW * WL);
	return ok == NW * WL;
}

/* sequences longer than the training window (16): gaps are filled through windows, a gap
 * longer than half a window in pieces */
static int long_gaps_correct(struct sssd_model *m)
{
	enum { NW = 4, WL = 48 };
	int32_t seq[NW * WL];
	uint8_t known[NW * WL];
	int ok = 0;
	struct imputer *im = sssd_imputer_new(m, 10, 1);

	for (int w = 0; w < NW; w++)
		for (int l = 0; l < WL; l++) {
			int miss = (l >= 20 && l < 30) || l == 5 || l >= 45;

			seq[w * WL + l] = miss ? 0 : 1 + (l + w) % PERIOD;
			known[w * WL + l] = !miss;
		}
	assert_int_equal(imputer_fill(im, seq, known, NULL, NW, WL, 3), 0);
	for (int j = 0; j < NW * WL; j++)
		ok += seq[j] == 1 + (j % WL + j / WL) % PERIOD;
	imputer_free(im);
	if (ok != NW * WL)
		print_message("long sequences: %d of %d events right\n", ok, NW * WL);
	return ok == NW * WL;
}

/* The default recipe: absorbing-state diffusion with retrieval conditioning.  Learns the toy
 * both without an n-gram (retrieval channels masked, 4 reveal rounds) and through the factory,
 * where the model gets an n-gram over the corpus (1 round). */
static void test_sssd_absorb_retrieval(void **state)
{
	struct sssd_model *m = train_toy(SSSD_OBJ_ABSORB, 1, 300);
	struct imputer_spec s;
	struct imputer *im;
	float mc;

	(void)state;
	assert_int_equal(sssd_get_config(m)->objective, SSSD_OBJ_ABSORB);
	assert_true(sssd_uses_retrieval(m));
	assert_true(gaps_correct(m, 4, 1, &mc)); /* no n-gram: channels masked */
	assert_true(mc > 0.5f && mc <= 1.0f);
	imputer_spec_default(&s);
	s.method = IMPUTER_SSSD, s.model = m, s.train = &corp, s.V = PERIOD + 1, s.steps = 1;
	assert_int_equal(imputer_new(&im, &s), 0);
	for (int w = 0; w < 8; w++) { /* a centre gap of 5 in 8 windows of 16, retrieval on */
		int32_t seq[16];
		uint8_t known[16];

		for (int l = 0; l < 16; l++) {
			known[l] = l < 6 || l >= 11;
			seq[l] = known[l] ? 1 + (l + w) % PERIOD : 0;
		}
		assert_int_equal(imputer_fill(im, seq, known, NULL, 1, 16, 5), 0);
		for (int l = 0; l < 16; l++)
			assert_int_equal(seq[l], 1 + (l + w) % PERIOD);
	}
	imputer_free(im);
	sssd_free(m);
}

/* Absorbing-state sampling drops windows from the batch as they finish (after 1..6 rounds
 * here: gaps of 1..9 in 6 rounds): a window's answer and scores must not depend on the other
 * windows of its batch.  A briefly trained model (unsure, so rounds are taken), with retrieval
 * channels from an n-gram over the corpus; each window filled in a batch of 6 and alone. */
static void test_sssd_absorb_batch_independent(void **state)
{
	enum { NW = 6, WL = 16, V = PERIOD + 1 };
	static const int g0[NW] = { 7, 3, 0, 9, 6, 2 }, gl[NW] = { 1, 9, 4, 2, 7, 5 };
	struct sssd_model *m = train_toy(SSSD_OBJ_ABSORB, 4, 40);
	struct imputer_spec s;
	struct imputer *im;
	int32_t seq[NW * WL], one[WL];
	uint8_t known[NW * WL];
	float conf[NW * WL], c1[WL];
	static float lp[NW * WL * V], l1[WL * V];
	int rounds_differ = 0;

	(void)state;
	imputer_spec_default(&s);
	s.method = IMPUTER_SSSD, s.model = m, s.train = &corp, s.V = V, s.steps = 6;
	assert_int_equal(imputer_new(&im, &s), 0);
	for (int w = 0; w < NW; w++)
		for (int l = 0; l < WL; l++) {
			int miss = l >= g0[w] && l < g0[w] + gl[w];

			/* a phase the corpus does not hold, so retrieval is not always sure */
			seq[w * WL + l] = miss ? 0 : 1 + (l * (w % 2 ? 2 : 1) + w) % PERIOD;
			known[w * WL + l] = !miss;
		}
	memcpy(one, seq, sizeof(one));
	assert_int_equal(imputer_fill_scores(im, seq, known, conf, lp, NW, WL, 7), 0);
	for (int w = 0; w < NW; w++) {
		for (int l = 0; l < WL; l++)
			one[l] = known[w * WL + l] ? seq[w * WL + l] : 0;
		assert_int_equal(imputer_fill_scores(im, one, known + w * WL, c1, l1, 1, WL, 7), 0);
		for (int l = 0; l < WL; l++) {
			if (known[w * WL + l])
				continue;
			assert_int_equal(one[l], seq[w * WL + l]);
			assert_true(fabsf(c1[l] - conf[w * WL + l]) < 1e-4f);
			rounds_differ += conf[w * WL + l] < SSSD_REVEAL_CONF;
			for (int k = 1; k < V; k++)
				if (fabsf(l1[l * V + k] - lp[(w * WL + l) * V + k]) > 1e-3f)
					fail_msg("window %d position %d id %d: logp %g alone, %g in "
						 "the batch",
						 w, l, k, l1[l * V + k], lp[(w * WL + l) * V + k]);
		}
	}
	assert_true(rounds_differ > 0); /* some positions were unsure: several rounds ran */
	imputer_free(im);
	sssd_free(m);
}

/* A diverged model (NaN outputs) still answers every masked position of every window and
 * leaves the known ones alone.  Absorbing-state sampling used to pick, in each window, the
 * masked position with the highest probability above -1: with NaN probabilities none, so it
 * revealed the batch's position 0 (a known event, overwritten with an uninitialised id) and
 * left the gaps masked. */
static void test_sssd_absorb_nan_model(void **state)
{
	enum { NW = 3, WL = 16 };
	struct sssd_config c;
	struct vocab v;
	struct sssd_model *m;
	int32_t seq[NW * WL], in[NW * WL];
	uint8_t known[NW * WL];
	float conf[NW * WL];
	uint64_t rng = 1;

	(void)state;
	sssd_config_default(&c);
	c.blocks = 2, c.channels = 16, c.skip_channels = 16, c.state = 8, c.T = 50;
	c.embed_in = 16, c.embed_mid = 32, c.embed_out = 32;
	c.objective = SSSD_OBJ_ABSORB, c.retrieval = 0;
	memset(&v, 0, sizeof(v));
	v.n = PERIOD + 1;
	for (int i = 0; i < v.n; i++)
		v.nr[i] = 100 + i, v.dir[i] = i % 2, v.count[i] = 10 * i;
	assert_int_equal(sssd_create(&m, &c, &v, 1), 0);
	for (int k = 0; k < m->K; k++)
		m->p.bz[k] = NAN; /* every logit NaN */
	for (int w = 0; w < NW; w++)
		for (int l = 0; l < WL; l++) {
			int miss = l >= 5 && l < 9 + w;

			in[w * WL + l] = seq[w * WL + l] = miss ? 0 : 1 + (l + w) % PERIOD;
			known[w * WL + l] = !miss;
		}
	assert_int_equal(sssd_sample(m, &m->p, seq, known, conf, NW, WL, 4, &rng), 0);
	for (int j = 0; j < NW * WL; j++) {
		if (known[j] && seq[j] != in[j])
			fail_msg("known position %d changed: %d, was %d", j, seq[j], in[j]);
		if (!known[j] && (seq[j] < 1 || seq[j] >= v.n))
			fail_msg("masked position %d not answered: %d", j, seq[j]);
	}
	sssd_free(m);
}

/* Timestamp / return channels: a corpus where the event after a 1 is 2 when the 1 returned an
 * error and 3 otherwise (ids alone cannot tell).  A toy aux model learns it, and through the
 * imputer (imputer_set_aux) fills such gaps right; without the channels it can only guess. */
static void test_sssd_aux_return_class(void **state)
{
	enum { NS = 32, SL = 24, NW = 16, WL = 16, V = 5 };
	static int32_t cids[NS * SL];
	static int64_t cstarts[NS + 1], cts[NS * SL];
	static uint8_t crc[NS * SL];
	struct corpus cp = { cids, cstarts, NS };
	struct sssd_config c;
	struct sssd_train_opts o;
	struct vocab v;
	struct sssd_model *m;
	uint64_t rng = 11;
	int32_t seq[NW * WL], want[NW * WL];
	uint8_t known[NW * WL], rc[NW * WL];
	int64_t ts[NW * WL];
	int right_aux = 0, right_none = 0, n = 0;

	(void)state;
	for (int s = 0; s < NS; s++) { /* blocks of (1, 2 or 3, 4) */
		cstarts[s] = (int64_t)s * SL;
		for (int l = 0; l < SL; l += 3) {
			int err = rng_int(&rng, 2);
			size_t j = (size_t)s * SL + l;

			cids[j] = 1, cids[j + 1] = err ? 2 : 3, cids[j + 2] = 4;
			crc[j] = err ? IMPUTER_RC_ERROR : IMPUTER_RC_SMALL;
			crc[j + 1] = crc[j + 2] = IMPUTER_RC_NONE;
			for (int k = 0; k < 3; k++)
				cts[j + k] = 1000 * (int64_t)(j + k);
		}
	}
	cstarts[NS] = NS * SL;
	sssd_config_default(&c);
	c.blocks = 2, c.channels = 16, c.skip_channels = 16, c.state = 8, c.T = 50;
	c.embed_in = 16, c.embed_mid = 32, c.embed_out = 32;
	c.objective = SSSD_OBJ_ABSORB, c.retrieval = 0, c.aux = 1;
	memset(&v, 0, sizeof(v));
	v.n = V;
	assert_int_equal(sssd_create(&m, &c, &v, 3), 0);
	sssd_train_opts_default(&o);
	o.iters = 800, o.batch = 8, o.window = WL, o.lr = 3e-3f, o.warmup = 10, o.ema = 0.9f;
	o.seed = 3, o.heldout = 0, o.eval_every = 0, o.max_blackout = 2, o.threads = 1;
	o.ts = cts, o.rc = crc;
	assert_int_equal(sssd_train(m, &cp, &o, NULL, NULL), 0);
	for (int w = 0; w < NW; w++) /* windows from the corpus, the event after a 1 missing */
		for (int l = 0; l < WL; l++) {
			size_t j = (size_t)w * WL + l, src = (size_t)w * SL + l;

			want[j] = cids[src];
			rc[j] = crc[src];
			ts[j] = cts[src];
			known[j] = !(l == 7 || l == 10); /* positions 1 of two blocks */
		}
	for (int pass = 0; pass < 2; pass++) {
		struct imputer *im = sssd_imputer_new(m, 1, 1);
		struct imputer_aux a = { ts, rc };

		assert_non_null(im);
		for (int j = 0; j < NW * WL; j++)
			seq[j] = known[j] ? want[j] : 0;
		if (pass == 0)
			imputer_set_aux(im, &a);
		assert_int_equal(imputer_fill(im, seq, known, NULL, NW, WL, 1), 0);
		for (int j = 0; j < NW * WL; j++)
			if (!known[j]) {
				*(pass ? &right_none : &right_aux) += seq[j] == want[j];
				n += !pass;
			}
		imputer_free(im);
	}
	print_message("aux: %d of %d right with the return classes, %d without\n", right_aux, n,
		      right_none);
	assert_int_equal(right_aux, n);
	assert_true(right_none < n);
	sssd_free(m);
}

/* The S4 kernels are kept across sampling calls: a second call answers exactly like the first,
 * and after the kernel weights change the next call answers like a model that never sampled
 * (a stale cache would answer like before). */
static int fill_scores(struct sssd_model *m, float *lp, int32_t *seq)
{
	enum { NW = 4, WL = 16, V = PERIOD + 1 };
	uint8_t known[NW * WL];
	struct imputer *im = sssd_imputer_new(m, 3, 1);

	assert_non_null(im);
	for (int j = 0; j < NW * WL; j++) {
		known[j] = j % WL < 6 || j % WL > 9;
		seq[j] = known[j] ? 1 + (j % WL + j / WL) % PERIOD : 0;
	}
	assert_int_equal(imputer_fill_scores(im, seq, known, NULL, lp, NW, WL, 5), 0);
	imputer_free(im);
	return NW * WL * V;
}

static void test_sssd_kernel_cache(void **state)
{
	struct sssd_model *m = train_toy(SSSD_OBJ_ABSORB, 5, 30), *fresh;
	static float a[4 * 16 * 6], b[4 * 16 * 6], c[4 * 16 * 6];
	int32_t sa[64], sb[64];
	char p[64];
	int n;

	(void)state;
	snprintf(p, sizeof(p), "%s/kc.sssd", dir);
	assert_int_equal(sssd_save(m, p), 0);
	assert_int_equal(sssd_load(&fresh, p), 0);
	n = fill_scores(m, a, sa); /* computes and keeps the kernels */
	assert_non_null(m->kc);
	fill_scores(m, b, sb); /* from the cache */
	assert_memory_equal(a, b, n * sizeof(float));
	assert_memory_equal(sa, sb, sizeof(sa));
	for (int i = 0; i < 2; i++) { /* new kernel weights, in both models */
		for (int k = 0; k < m->H * m->M; k++) {
			m->e.blk[i].s4[0].theta[k] += 0.7f;
			fresh->e.blk[i].s4[0].theta[k] += 0.7f;
		}
	}
	fill_scores(m, b, sb);
	fill_scores(fresh, c, sb);
	assert_memory_equal(b, c, n * sizeof(float));
	assert_memory_not_equal(a, b, n * sizeof(float)); /* the change mattered */
	sssd_free(fresh);
	sssd_free(m);
}

static void test_sssd_overfit_x0ce(void **state)
{
	struct sssd_model *m = train_toy(SSSD_OBJ_X0CE, 1, 300);
	float mc;

	(void)state;
	assert_true(gaps_correct(m, 10, 1, &mc));
	assert_true(mc > 0.5f && mc <= 1.0f);
	assert_true(gaps_correct(m, 0, 3, &mc)); /* DDPM, 3 samples voting */
	assert_int_equal(sssd_get_config(m)->window, 16);
	assert_true(long_gaps_correct(m));
	sssd_free(m);
}

static void test_sssd_deterministic(void **state)
{
	struct sssd_model *a = train_toy(SSSD_OBJ_EPS, 9, 20), *b = train_toy(SSSD_OBJ_EPS, 9, 20);
	char pa[64], pb[64];
	FILE *fa, *fb;
	char ba[1 << 16], bb[1 << 16];
	size_t na, nb;

	(void)state;
	snprintf(pa, sizeof(pa), "%s/a.sssd", dir);
	snprintf(pb, sizeof(pb), "%s/b.sssd", dir);
	assert_int_equal(sssd_save(a, pa), 0);
	assert_int_equal(sssd_save(b, pb), 0);
	fa = fopen(pa, "rb"), fb = fopen(pb, "rb");
	na = fread(ba, 1, sizeof(ba), fa), nb = fread(bb, 1, sizeof(bb), fb);
	fclose(fa), fclose(fb);
	assert_true(na > 0 && na < sizeof(ba));
	assert_int_equal(na, nb);
	assert_memory_equal(ba, bb, na);
	sssd_free(a), sssd_free(b);
}

static void test_sssd_checkpoint_roundtrip(void **state)
{
	struct sssd_model *m = train_toy(SSSD_OBJ_X0CE, 1, 300), *l;
	char p[64];
	struct stat st;
	float mc;

	(void)state;
	snprintf(p, sizeof(p), "%s/m.sssd", dir);
	assert_int_equal(sssd_save(m, p), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(sssd_load(&l, p), 0);
	assert_int_equal(sssd_num_params(l), sssd_num_params(m));
	assert_memory_equal(sssd_get_config(l), sssd_get_config(m), sizeof(struct sssd_config));
	assert_int_equal(sssd_vocab(l)->n, PERIOD + 1);
	assert_int_equal(sssd_vocab(l)->nr[3], 103);
	assert_int_equal(sssd_vocab(l)->dir[3], 1);
	assert_true(sssd_vocab(l)->count[5] == 50);
	assert_true(gaps_correct(l, 10, 1, &mc));
	sssd_free(l);
	sssd_free(m);
}

static int load_err(const char *p, const char *want)
{
	struct sssd_model *l = (struct sssd_model *)1;
	int err = sssd_load(&l, p);

	assert_null(l);
	if (!strstr(err_text(), want)) {
		print_error("error '%s' does not mention '%s'\n", err_text(), want);
		fail();
	}
	return err;
}

static void test_sssd_checkpoint_rejects(void **state)
{
	struct sssd_model *m = train_toy(SSSD_OBJ_EPS, 2, 1);
	char p[64], q[64];
	FILE *f;
	static unsigned char buf[1 << 16];
	size_t n;

	(void)state;
	snprintf(p, sizeof(p), "%s/g.sssd", dir);
	snprintf(q, sizeof(q), "%s/bad.sssd", dir);
	assert_int_equal(sssd_save(m, p), 0);
	f = fopen(p, "rb");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* one flipped bit in the weights */
	buf[n / 2] ^= 0x10;
	f = fopen(q, "wb"), fwrite(buf, 1, n, f), fclose(f);
	assert_int_equal(load_err(q, "checksum"), -EINVAL);
	buf[n / 2] ^= 0x10;
	/* truncated */
	f = fopen(q, "wb"), fwrite(buf, 1, n - 100, f), fclose(f);
	assert_int_equal(load_err(q, "truncated"), -EIO);
	f = fopen(q, "wb"), fwrite(buf, 1, 40, f), fclose(f);
	assert_int_equal(load_err(q, "truncated"), -EIO);
	/* foreign file */
	f = fopen(q, "wb"), fputs("\x93NUMPY this is not a model at all, sorry", f), fclose(f);
	assert_int_equal(load_err(q, "not an SSSD-S4 model"), -EINVAL);
	/* future version */
	buf[8] = 9;
	f = fopen(q, "wb"), fwrite(buf, 1, n, f), fclose(f);
	assert_int_equal(load_err(q, "version"), -EINVAL);
	buf[8] = 1;
	/* trailing garbage */
	f = fopen(q, "wb"), fwrite(buf, 1, n, f), fputs("xx", f), fclose(f);
	assert_int_equal(load_err(q, "trailing"), -EINVAL);
	/* missing file */
	assert_int_equal(load_err("/nonexistent/m.sssd", "cannot open"), -ENOENT);
	/* a small file whose header asks for a huge model (8 blocks of 2048 channels, some 3 GB of
	 * weights and Adam state): refused from the header and the size alone, before allocating
	 * (it used to calloc first, which fails under a 256 MiB address-space cap) */
	int32_t blocks = 8, channels = 2048;
	memcpy(buf + 16, &blocks, 4);
	memcpy(buf + 20, &channels, 4);
	memcpy(buf + 24, &channels, 4); /* skip channels */
	uint32_t crc = ckpt_crc32(0, buf, n - 4);
	memcpy(buf + n - 4, &crc, 4);
	f = fopen(q, "wb"), fwrite(buf, 1, n, f), fclose(f);
	memlimit_push(256u << 20);
	struct sssd_model *l = NULL;
	int rc = sssd_load(&l, q);
	memlimit_pop();
	assert_null(l);
	assert_int_equal(rc, -EINVAL);
	if (!strstr(err_text(), "weights stored, the configuration needs"))
		fail_msg("huge config: '%s'", err_text());
	/* the same bytes from memory (the fuzzing entry point) */
	assert_int_equal(sssd_load_mem(&l, buf, n), -EINVAL);
	/* sssd_save() never replaces a file */
	assert_int_equal(sssd_save(m, p), -EEXIST);
	sssd_free(m);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sssd_overfit_x0ce),
		cmocka_unit_test(test_sssd_absorb_retrieval),
		cmocka_unit_test(test_sssd_absorb_batch_independent),
		cmocka_unit_test(test_sssd_absorb_nan_model),
		cmocka_unit_test(test_sssd_aux_return_class),
		cmocka_unit_test(test_sssd_kernel_cache),
		cmocka_unit_test(test_sssd_deterministic),
		cmocka_unit_test(test_sssd_checkpoint_roundtrip),
		cmocka_unit_test(test_sssd_checkpoint_rejects),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

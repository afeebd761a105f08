/* fill_fixup.c - make an imputed span obey the per-thread syscall grammar.
 *
 * A thread's events alternate: entry of X, exit of X, entry of Y, exit of Y, ...  An imputer
 * proposes each missing position on its own and can break this (two entries in a row, an exit
 * of the wrong syscall).  fill_fixup() finds, by dynamic programming over the states
 *   OUT         between syscalls (after an exit)
 *   IN(c)       inside syscall c (after its entry)
 *   DEAD(c)     after the entry of a syscall that never returns (exit, exit_group)
 * the span of the same length with the lowest total cost of changed positions, starting in the
 * state the left neighbour leaves and ending in the state the right neighbour needs.  Candidate
 * syscalls are those proposed in the span and the two neighbours.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fill/fill.h"
#include "common/syscalls.h"

#define FIXUP_MAX_CAND 255

struct fixup {
	int K; /* candidate syscalls */
	int32_t cand[FIXUP_MAX_CAND];
	uint8_t noret[FIXUP_MAX_CAND];
	int S; /* states: 0 OUT, 1..K IN(k-1), K+1..2K DEAD(k-1-K) */
};

static int noreturn_nr(int32_t nr)
{
	static int exit_nr = -2, exit_group_nr = -2;

	if (exit_nr == -2) {
		exit_nr = syscall_lookup("exit");
		exit_group_nr = syscall_lookup("exit_group");
	}
	return nr >= 0 && (nr == exit_nr || nr == exit_group_nr);
}

static int cand_index(const struct fixup *f, int32_t nr)
{
	for (int k = 0; k < f->K; k++)
		if (f->cand[k] == nr)
			return k;
	return -1;
}

static void cand_add(struct fixup *f, int32_t nr)
{
	if (nr < 0 || f->K >= FIXUP_MAX_CAND || cand_index(f, nr) >= 0)
		return;
	f->noret[f->K] = (uint8_t)noreturn_nr(nr);
	f->cand[f->K++] = nr;
}

/* Allowed start states for left neighbour `left` (cost 0), others +inf. */
static void start_costs(const struct fixup *f, int32_t left, double *cost)
{
	for (int s = 0; s < f->S; s++)
		cost[s] = INFINITY;
	if (left == TOK_NONE) {
		for (int s = 0; s <= f->K; s++)
			cost[s] = 0;
	} else if (tok_dir(left) == TRZ_EXIT) {
		cost[0] = 0;
	} else {
		int k = cand_index(f, tok_nr(left));
		cost[k + 1] = 0;
	}
}

static int end_ok(const struct fixup *f, int32_t right, int s)
{
	if (right == TOK_NONE)
		return 1;
	if (tok_dir(right) == TRZ_ENTRY)
		return s == 0;
	return s >= 1 && s <= f->K && f->cand[s - 1] == tok_nr(right);
}

/* Viterbi over the states; writes the best span into best[] and returns 1, or 0 when no span
 * satisfies both ends.  bp: n * S scratch; bp[i*S + b] is the state before b at
 * position i (only the OUT column needs it: IN and DEAD are always entered from OUT). */
static int viterbi(const struct fixup *f, const int32_t *tok, const float *conf, int n,
		   int32_t left, int32_t right, uint8_t *bp, int32_t *best)
{
	double cur[2 * FIXUP_MAX_CAND + 1], nxt[2 * FIXUP_MAX_CAND + 1];
	int S = f->S, K = f->K;

	start_costs(f, left, cur);
	for (int i = 0; i < n; i++) {
		double w = 0.5 + (conf ? conf[i] : 0.5);
		uint8_t *row = bp + (size_t)i * S;

		for (int b = 0; b < S; b++)
			nxt[b] = INFINITY;
		/* into OUT: from IN(k), emitting exit(k) */
		for (int a = 1; a <= K; a++) {
			if (cur[a] == INFINITY)
				continue;
			double c = cur[a] + (tok_make(f->cand[a - 1], TRZ_EXIT) == tok[i] ? 0 : w);
			if (c < nxt[0]) {
				nxt[0] = c;
				row[0] = (uint8_t)a;
			}
		}
		/* into IN(k)/DEAD(k): from OUT, emitting entry(k) */
		if (cur[0] < INFINITY) {
			for (int k = 0; k < K; k++) {
				int b = f->noret[k] ? K + 1 + k : 1 + k;
				double c = cur[0] +
					   (tok_make(f->cand[k], TRZ_ENTRY) == tok[i] ? 0 : w);
				if (c < nxt[b]) {
					nxt[b] = c;
					row[b] = 0;
				}
			}
		}
		memcpy(cur, nxt, sizeof(double) * S);
	}
	int bs = -1;
	for (int s = 0; s < S; s++)
		if (cur[s] < INFINITY && end_ok(f, right, s) && (bs < 0 || cur[s] < cur[bs]))
			bs = s;
	if (bs < 0)
		return 0;
	int s = bs;
	for (int i = n - 1; i >= 0; i--) {
		if (s != 0) {
			int k = s <= K ? s - 1 : s - 1 - K;
			best[i] = tok_make(f->cand[k], TRZ_ENTRY);
			s = 0;
		} else {
			s = bp[(size_t)i * S];
			best[i] = tok_make(f->cand[s - 1], TRZ_EXIT);
		}
	}
	return 1;
}

int fill_fixup(int32_t *tok, float *conf, int n, int32_t left, int32_t right)
{
	struct fixup f = { 0 };
	int32_t *best;
	uint8_t *bp;
	int changed = 0;

	if (n <= 0)
		return n < 0 ? -EINVAL : 0;
	cand_add(&f, tok_nr(left));
	cand_add(&f, tok_nr(right));
	for (int i = 0; i < n; i++)
		cand_add(&f, tok_nr(tok[i]));
	if (f.K == 0)
		return 0; /* nothing known to build a span from */
	f.S = 1 + 2 * f.K;
	best = malloc(sizeof(*best) * (size_t)n);
	/* zeroed: the backtrack reads bp[i*S] only in state OUT, which the forward pass entered
	 * (and wrote) on the best path */
	bp = calloc((size_t)n, (size_t)f.S);
	if (!best || !bp) {
		free(best);
		free(bp);
		return -ENOMEM;
	}
	if (viterbi(&f, tok, conf, n, left, right, bp, best) ||
	    viterbi(&f, tok, conf, n, left, TOK_NONE, bp, best) ||
	    viterbi(&f, tok, conf, n, TOK_NONE, TOK_NONE, bp, best)) {
		for (int i = 0; i < n; i++) {
			if (best[i] == tok[i])
				continue;
			tok[i] = best[i];
			if (conf)
				conf[i] *= 0.5f;
			changed++;
		}
	}
	free(best);
	free(bp);
	return changed;
}

int fill_span_consistent(const int32_t *tok, int n, int32_t left, int32_t right)
{
	int32_t state = -1; /* -1 OUT, -2 unknown, >= 0 IN(nr) */
	int dead = 0;

	if (left == TOK_NONE)
		state = -2;
	else if (tok_dir(left) == TRZ_ENTRY)
		state = tok_nr(left);
	for (int i = 0; i <= n; i++) {
		int32_t t = i < n ? tok[i] : right;

		if (t == TOK_NONE) {
			if (i < n)
				return 0; /* a hole inside the span */
			break;
		}
		if (dead)
			return 0;
		if (tok_dir(t) == TRZ_ENTRY) {
			if (state >= 0)
				return 0;
			state = tok_nr(t);
			if (i < n && noreturn_nr(state))
				dead = 1;
		} else {
			if (state == -1 || (state >= 0 && state != tok_nr(t)))
				return 0;
			state = -1;
		}
	}
	return 1;
}

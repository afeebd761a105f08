/* metrics.c - accuracy, perfect rate, ROUGE-L and type accuracy (see metrics.h). */
#include "metrics/metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int lcs_length(const int32_t *a, int na, const int32_t *b, int nb)
{
	int stack[256], *row = stack;
	int best;

	if (na <= 0 || nb <= 0)
		return 0;
	if (nb + 1 > (int)(sizeof(stack) / sizeof(stack[0]))) {
		row = calloc(nb + 1, sizeof(*row));
		if (!row)
			return -ENOMEM;
	} else {
		memset(stack, 0, (nb + 1) * sizeof(*row));
	}
	/* one DP row: row[j] = LCS(a[0..i), b[0..j)) */
	for (int i = 0; i < na; i++) {
		int diag = 0;

		for (int j = 1; j <= nb; j++) {
			int up = row[j];

			if (a[i] == b[j - 1])
				row[j] = diag + 1;
			else if (row[j - 1] > row[j])
				row[j] = row[j - 1];
			diag = up;
		}
	}
	best = row[nb];
	if (row != stack)
		free(row);
	return best;
}

/* Syscall number of id, or -1 when the vocabulary does not know it. */
static int32_t id_type(const struct vocab *v, int32_t id)
{
	if (id <= 0 || id >= v->n)
		return -1;
	return v->nr[id];
}

int metrics_add(struct metrics *m, const int32_t *truth, const int32_t *pred, int B,
		const struct vocab *v)
{
	int correct = 0, typed = 0, type_ok = 1, lcs;

	if (!m || !truth || !pred || B < 1)
		return -EINVAL;
	lcs = lcs_length(truth, B, pred, B);
	if (lcs < 0)
		return lcs;
	for (int i = 0; i < B; i++) {
		correct += truth[i] == pred[i];
		if (v) {
			int32_t t = id_type(v, truth[i]);

			if (t < 0)
				type_ok = 0;
			typed += t >= 0 && id_type(v, pred[i]) == t;
		}
	}
	m->sum_acc += (double)correct / B;
	m->sum_rouge += (double)lcs / B;
	m->perfect += correct == B;
	m->n++;
	if (v && type_ok) {
		m->sum_type += (double)typed / B;
		m->n_type++;
	}
	return 0;
}

double metrics_accuracy(const struct metrics *m)
{
	return m->n ? m->sum_acc / m->n : 0;
}

double metrics_perfect_rate(const struct metrics *m)
{
	return m->n ? (double)m->perfect / m->n : 0;
}

double metrics_rouge_l(const struct metrics *m)
{
	return m->n ? m->sum_rouge / m->n : 0;
}

double metrics_type_accuracy(const struct metrics *m)
{
	return m->n_type && m->n_type == m->n ? m->sum_type / m->n_type : -1;
}

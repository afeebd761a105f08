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
		// cppcheck-suppress autovarInvalidDeallocation ; row is the stack buffer only when small
		free(row);
	return best;
}

static int cmp_i32(const void *x, const void *y)
{
	int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;

	return a < b ? -1 : a > b;
}

int64_t histogram_l1(const int32_t *a, const int32_t *b, int n)
{
	int32_t stack[512], *sa = stack, *sb;
	int64_t d = 0;
	int i = 0, j = 0;

	if (n <= 0)
		return 0;
	if (2 * n > (int)(sizeof(stack) / sizeof(stack[0]))) {
		sa = malloc(2 * (size_t)n * sizeof(*sa));
		if (!sa)
			return -ENOMEM;
	}
	sb = sa + n;
	memcpy(sa, a, n * sizeof(*sa));
	memcpy(sb, b, n * sizeof(*sb));
	qsort(sa, n, sizeof(*sa), cmp_i32);
	qsort(sb, n, sizeof(*sb), cmp_i32);
	/* merge: every element present on one side only counts once */
	while (i < n || j < n) {
		if (j == n || (i < n && sa[i] < sb[j]))
			d++, i++;
		else if (i == n || sb[j] < sa[i])
			d++, j++;
		else
			i++, j++;
	}
	if (sa != stack)
		// cppcheck-suppress autovarInvalidDeallocation ; sa is the stack buffer only when small
		free(sa);
	return d;
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
	int64_t l1;

	if (!m || !truth || !pred || B < 1)
		return -EINVAL;
	lcs = lcs_length(truth, B, pred, B);
	if (lcs < 0)
		return lcs;
	l1 = histogram_l1(truth, pred, B);
	if (l1 < 0)
		return (int)l1;
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
	m->sum_count += (double)l1 / B;
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

double metrics_count_error(const struct metrics *m)
{
	return m->n ? m->sum_count / m->n : 0;
}

double metrics_type_accuracy(const struct metrics *m)
{
	return m->n_type && m->n_type == m->n ? m->sum_type / m->n_type : -1;
}

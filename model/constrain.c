/* constrain.c - exact-multiset decoding of a span (constrain.h). */
#include "constrain.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

static int check(const float *logp, int n, int V, const int32_t *counts, const int32_t *out)
{
	int64_t sum = 0;

	if (!logp || !counts || !out || n < 0 || V < 1 || (int64_t)n * V > (1LL << 31))
		return -EINVAL;
	for (int v = 0; v < V; v++) {
		if (counts[v] < 0)
			return -EINVAL;
		sum += counts[v];
	}
	if (sum != n)
		return -EINVAL;
	for (int64_t i = 0; i < (int64_t)n * V; i++)
		if (isnan(logp[i]) || logp[i] == INFINITY) /* -inf: "impossible", allowed */
			return -EINVAL;
	return 0;
}

struct pair {
	float lp;
	int32_t i, v;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->lp != y->lp)
		return x->lp > y->lp ? -1 : 1;
	if (x->i != y->i) /* deterministic ties: earlier position, lower id */
		return x->i < y->i ? -1 : 1;
	return (x->v > y->v) - (x->v < y->v);
}

int constrain_assign_greedy(const float *logp, int n, int V, const int32_t *counts, int32_t *out)
{
	struct pair *p;
	int32_t *left;
	size_t np = 0;
	int rc = check(logp, n, V, counts, out), todo = n;

	if (rc || n == 0)
		return rc;
	left = malloc(sizeof(*left) * (size_t)V);
	p = malloc(sizeof(*p) * (size_t)n * V);
	if (!left || !p) {
		free(left);
		free(p);
		return -ENOMEM;
	}
	for (int v = 0; v < V; v++)
		left[v] = counts[v];
	for (int i = 0; i < n; i++) {
		out[i] = -1;
		for (int v = 0; v < V; v++)
			if (counts[v])
				p[np++] = (struct pair){ logp[(size_t)i * V + v], i, v };
	}
	qsort(p, np, sizeof(*p), cmp_pair);
	for (size_t k = 0; k < np && todo; k++)
		if (out[p[k].i] < 0 && left[p[k].v] > 0) {
			out[p[k].i] = p[k].v;
			left[p[k].v]--;
			todo--;
		}
	free(left);
	free(p);
	return 0;
}

/* Minimum-cost perfect assignment of an n x n cost matrix a (1-based rows/cols in the
 * potentials, the usual shortest-augmenting-path formulation).  col_of_row gets each row's
 * column (0-based). */
static int hungarian(const double *a, int n, int *col_of_row)
{
	double *u = calloc((size_t)n + 1, sizeof(double)), *w = calloc((size_t)n + 1, sizeof(double));
	double *minv = malloc(sizeof(double) * ((size_t)n + 1));
	/* way zeroed: way[c] is read only for columns the tree reached (which set it), and a 0
	 * ends the augmenting path in any case */
	int *row_of = calloc((size_t)n + 1, sizeof(int)), *way = calloc((size_t)n + 1, sizeof(int));
	char *used = malloc((size_t)n + 1);
	int rc = 0;

	if (!u || !w || !minv || !row_of || !way || !used) {
		rc = -ENOMEM;
		goto out;
	}
	for (int r = 1; r <= n; r++) {
		int c0 = 0;

		row_of[0] = r;
		for (int c = 0; c <= n; c++)
			minv[c] = INFINITY, used[c] = 0;
		do { /* grow the alternating tree from row r until a free column is reached */
			int r0 = row_of[c0], c1 = 0;
			double delta = INFINITY;

			used[c0] = 1;
			for (int c = 1; c <= n; c++) {
				if (used[c])
					continue;
				double cur = a[(size_t)(r0 - 1) * n + (c - 1)] - u[r0] - w[c];

				if (cur < minv[c])
					minv[c] = cur, way[c] = c0;
				if (minv[c] < delta)
					delta = minv[c], c1 = c;
			}
			for (int c = 0; c <= n; c++) {
				if (used[c])
					u[row_of[c]] += delta, w[c] -= delta;
				else
					minv[c] -= delta;
			}
			c0 = c1;
		} while (row_of[c0] != 0);
		do { /* augment along the path */
			int c1 = way[c0];

			row_of[c0] = row_of[c1];
			c0 = c1;
		} while (c0);
	}
	for (int c = 1; c <= n; c++)
		col_of_row[row_of[c] - 1] = c - 1;
out:
	free(u);
	free(w);
	free(minv);
	free(row_of);
	free(way);
	free(used);
	return rc;
}

int constrain_assign(const float *logp, int n, int V, const int32_t *counts, int32_t *out)
{
	int rc = check(logp, n, V, counts, out);
	int32_t *id_of_col;
	double *cost;
	int *col;

	if (rc || n == 0)
		return rc;
	if (n > CONSTRAIN_EXACT_MAX)
		return constrain_assign_greedy(logp, n, V, counts, out);
	/* columns: counts[v] copies of id v; cost = -logp, clamped at 1e6 (-inf would poison the
	 * potentials' sums; a log-probability below -1e6 is "impossible" all the same) */
	id_of_col = calloc((size_t)n, sizeof(*id_of_col)); /* all n set: check() made sum == n */
	cost = malloc(sizeof(*cost) * (size_t)n * n);
	col = malloc(sizeof(*col) * (size_t)n);
	if (!id_of_col || !cost || !col) {
		rc = -ENOMEM;
		goto out;
	}
	for (int v = 0, c = 0; v < V; v++)
		for (int k = 0; k < counts[v]; k++)
			id_of_col[c++] = v;
	for (int i = 0; i < n; i++)
		for (int c = 0; c < n; c++) {
			double lp = logp[(size_t)i * V + id_of_col[c]];

			cost[(size_t)i * n + c] = lp < -1e6 ? 1e6 : -lp;
		}
	if (!(rc = hungarian(cost, n, col)))
		for (int i = 0; i < n; i++)
			out[i] = id_of_col[col[i]];
out:
	free(id_of_col);
	free(cost);
	free(col);
	return rc;
}

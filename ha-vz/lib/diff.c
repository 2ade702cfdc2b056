// SPDX-License-Identifier: GPL-2.0-only
#include "havz/diff.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DIFF_LINES_MAX 20000
#define LCS_CELLS_MAX (4u << 20) /* the middle part's table; past it, replace it whole */
#define CONTEXT 3

struct line {
	const char *s;
	size_t n;
};

enum op { OP_SAME, OP_DEL, OP_ADD };

struct edit {
	enum op op;
	size_t old_i, new_i; /* index into each side (meaningful for the side it touches) */
};

static int split(const char *text, struct line **out, size_t *count)
{
	size_t n = 0, cap = 0;
	struct line *v = NULL;

	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) + 1 : strlen(s);

		if (n == cap) {
			struct line *g;

			if (cap >= DIFF_LINES_MAX) {
				free(v);
				return -E2BIG;
			}
			cap = cap ? cap * 2 : 64;
			g = realloc(v, cap * sizeof(*v));
			if (!g) {
				free(v);
				return -ENOMEM;
			}
			v = g;
		}
		v[n].s = s;
		v[n++].n = len;
		s += len;
	}
	*out = v;
	*count = n;
	return 0;
}

static int same(const struct line *a, const struct line *b)
{
	return a->n == b->n && !memcmp(a->s, b->s, a->n);
}

/* Edit script for a[lo_a..hi_a) -> b[lo_b..hi_b) by longest common subsequence. */
static int middle_script(const struct line *a, size_t na, const struct line *b, size_t nb,
			 size_t off_a, size_t off_b, struct edit *ed, size_t *ne)
{
	uint16_t *t;
	size_t i, j;

	if ((na + 1) * (nb + 1) > LCS_CELLS_MAX || na >= UINT16_MAX || nb >= UINT16_MAX) {
		for (i = 0; i < na; i++)
			ed[(*ne)++] = (struct edit){ OP_DEL, off_a + i, off_b };
		for (j = 0; j < nb; j++)
			ed[(*ne)++] = (struct edit){ OP_ADD, off_a + na, off_b + j };
		return 0;
	}
	t = calloc((na + 1) * (nb + 1), sizeof(*t));
	if (!t)
		return -ENOMEM;
#define T(x, y) t[(x) * (nb + 1) + (y)]
	for (i = na; i-- > 0;)
		for (j = nb; j-- > 0;)
			T(i, j) = same(&a[i], &b[j])	       ? (uint16_t)(T(i + 1, j + 1) + 1)
				  : T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j)
							       : T(i, j + 1);
	for (i = 0, j = 0; i < na || j < nb;) {
		if (i < na && j < nb && same(&a[i], &b[j])) {
			ed[(*ne)++] = (struct edit){ OP_SAME, off_a + i++, off_b + j++ };
		} else if (i < na && (j == nb || T(i + 1, j) >= T(i, j + 1))) {
			ed[(*ne)++] = (struct edit){ OP_DEL, off_a + i++, off_b + j };
		} else {
			ed[(*ne)++] = (struct edit){ OP_ADD, off_a + i, off_b + j++ };
		}
	}
#undef T
	free(t);
	return 0;
}

static void emit_line(struct havz_buf *out, char mark, const struct line *l)
{
	havz_buf_append(out, &mark, 1);
	havz_buf_append(out, l->s, l->n);
	if (!l->n || l->s[l->n - 1] != '\n')
		havz_buf_printf(out, "\n\\ No newline at end of file\n");
}

static void emit_hunks(const struct edit *ed, size_t ne, const struct line *a, const struct line *b,
		       struct havz_buf *out)
{
	size_t k = 0;

	while (k < ne) {
		size_t first, last, end, start, old_n = 0, new_n = 0;

		while (k < ne && ed[k].op == OP_SAME)
			k++;
		if (k == ne)
			break;
		first = k;
		/* Extend the hunk while changes are closer than 2*CONTEXT lines apart. */
		last = k;
		for (size_t m = k; m < ne; m++) {
			if (ed[m].op != OP_SAME) {
				last = m;
			} else if (m - last > 2 * CONTEXT) {
				break;
			}
		}
		start = first > CONTEXT ? first - CONTEXT : 0;
		end = last + CONTEXT + 1 < ne ? last + CONTEXT + 1 : ne;
		for (size_t m = start; m < end; m++) {
			old_n += ed[m].op != OP_ADD;
			new_n += ed[m].op != OP_DEL;
		}
		havz_buf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ed[start].old_i + (old_n ? 1 : 0),
				old_n, ed[start].new_i + (new_n ? 1 : 0), new_n);
		for (size_t m = start; m < end; m++) {
			if (ed[m].op == OP_SAME)
				emit_line(out, ' ', &a[ed[m].old_i]);
			else if (ed[m].op == OP_DEL)
				emit_line(out, '-', &a[ed[m].old_i]);
			else
				emit_line(out, '+', &b[ed[m].new_i]);
		}
		k = end;
	}
}

int havz_diff(const char *old_label, const char *old_text, const char *new_label,
	      const char *new_text, struct havz_buf *out)
{
	struct line *a = NULL, *b = NULL;
	struct edit *ed = NULL;
	size_t na, nb, pre = 0, suf = 0, ne = 0;
	int rc;

	if (!strcmp(old_text, new_text))
		return 0;
	rc = split(old_text, &a, &na);
	if (!rc)
		rc = split(new_text, &b, &nb);
	if (rc)
		goto out;
	while (pre < na && pre < nb && same(&a[pre], &b[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre && same(&a[na - 1 - suf], &b[nb - 1 - suf]))
		suf++;
	ed = malloc((na + nb + 1) * sizeof(*ed));
	if (!ed) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < pre; i++)
		ed[ne++] = (struct edit){ OP_SAME, i, i };
	rc = middle_script(a + pre, na - pre - suf, b + pre, nb - pre - suf, pre, pre, ed, &ne);
	if (rc)
		goto out;
	for (size_t i = suf; i > 0; i--)
		ed[ne++] = (struct edit){ OP_SAME, na - i, nb - i };
	havz_buf_printf(out, "--- %s\n+++ %s\n", old_label, new_label);
	emit_hunks(ed, ne, a, b, out);
	rc = out->err ? out->err : 1;
out:
	free(a);
	free(b);
	free(ed);
	return rc;
}

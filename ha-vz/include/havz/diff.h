/* SPDX-License-Identifier: GPL-2.0-only */
/* A unified line diff of two small texts, for `render --dry-run`. */
#ifndef HAVZ_DIFF_H
#define HAVZ_DIFF_H

#include "havz/buf.h"

/*
 * Appends a unified diff (3 lines of context) turning old_text into
 * new_text, under "--- old_label" / "+++ new_label" headers. Returns 0 when
 * the texts are equal (nothing appended), 1 when a diff was appended, or
 * -errno.
 */
int havz_diff(const char *old_label, const char *old_text, const char *new_label,
	      const char *new_text, struct havz_buf *out);

#endif

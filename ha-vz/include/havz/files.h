/* SPDX-License-Identifier: GPL-2.0-only */
/* Small, careful file helpers: bounded reads, atomic writes with a fixed mode. */
#ifndef HAVZ_FILES_H
#define HAVZ_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include "havz/buf.h"

/* Reads a whole regular file of at most limit bytes into out. -ENOENT when absent. */
int havz_file_read(const char *path, size_t limit, struct havz_buf *out);

/*
 * Writes data to path atomically: a temporary file in the same directory,
 * created with mode (never wider, whatever the umask), fsync'd, then
 * renamed over path. Parent directories are created with mode 0755.
 */
int havz_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode);

/* mkdir -p with mode for each new component. */
int havz_mkdir_parents(const char *path, mode_t mode);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* SHA-256 digests as lowercase hex: what `sha256sum` prints, so that an admin can compare. */
#ifndef HAVZ_DIGEST_H
#define HAVZ_DIGEST_H

#include <stddef.h>

#define HAVZ_SHA256_HEX 64 /* characters, without the NUL */

/* The digest of len bytes of data into hex (HAVZ_SHA256_HEX + 1 bytes). 0 or -errno. */
int havz_sha256_hex(const void *data, size_t len, char *hex);

/* The digest of a regular file of at most limit bytes. -ENOENT when absent, -EFBIG past limit. */
int havz_file_sha256_hex(const char *path, size_t limit, char *hex);

/* Whether s is exactly HAVZ_SHA256_HEX lowercase hex digits. */
int havz_sha256_hex_valid(const char *s);

#endif

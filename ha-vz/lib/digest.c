// SPDX-License-Identifier: GPL-2.0-only
#include "havz/digest.h"
#include "havz/buf.h"
#include "havz/files.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

int havz_sha256_hex(const void *data, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n * 2 != HAVZ_SHA256_HEX)
		return -EIO;
	for (unsigned int i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[HAVZ_SHA256_HEX] = '\0';
	return 0;
}

int havz_file_sha256_hex(const char *path, size_t limit, char *hex)
{
	struct havz_buf b = { 0 };
	int rc = havz_file_read(path, limit, &b);

	if (!rc)
		rc = havz_sha256_hex(b.data, b.len, hex);
	havz_buf_wipe_free(&b); /* the file may be the cluster key */
	return rc;
}

int havz_sha256_hex_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return 0;
	return n == HAVZ_SHA256_HEX;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Strict parsers for the value types of ha-vz.conf. Each returns 0 or -EINVAL/-ERANGE. */
#ifndef HAVZ_PARSE_H
#define HAVZ_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* A whole decimal number in [min, max]. */
int havz_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		    unsigned long long *out);
/* "500ms", "3s", "2m" or a plain number of seconds; result in milliseconds. */
int havz_parse_duration_ms(const char *s, unsigned *out_ms);
/* "512", "64K", "256M", "2G", "1T" (binary units); result in bytes. */
int havz_parse_size(const char *s, uint64_t *out);
/* "0.3", "2", "1.125": a decimal with up to three decimals, at most max_whole, in thousandths. */
int havz_parse_milli(const char *s, unsigned long long max_whole, unsigned *out_millis);
/* "1", "0.5", "1.25": a CPU count with up to three decimals, in thousandths. */
int havz_parse_cpus(const char *s, unsigned *out_millis);
/* "on"/"off", "yes"/"no", "true"/"false". */
int havz_parse_bool(const char *s, int *out);
/* A name: starts with a letter, then letters, digits, '-' or '_', at most max chars. */
int havz_check_name(const char *s, size_t max);
/* An IPv4 or IPv6 address without prefix. */
int havz_check_address(const char *s);
/* address/prefix with a prefix valid for the family. */
int havz_check_cidr(const char *s);
/* A network interface name the kernel would accept. */
int havz_check_ifname(const char *s);
/* An absolute path without "..", "//" or control characters. */
int havz_check_abs_path(const char *s);

#endif

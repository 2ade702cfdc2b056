// SPDX-License-Identifier: GPL-2.0-only
#include "havz/parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

/* Digits only: strtoull would accept "+1", " 1" and "-1" (as a huge value). */
static int parse_digits(const char *s, const char **end, unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (~0ULL - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*end = p;
	*out = v;
	return 0;
}

int havz_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		    unsigned long long *out)
{
	const char *end;
	unsigned long long v;
	int rc = parse_digits(s, &end, &v);

	if (rc)
		return rc;
	if (*end)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int havz_parse_duration_ms(const char *s, unsigned *out_ms)
{
	const char *end;
	unsigned long long v, scale;
	int rc = parse_digits(s, &end, &v);

	if (rc)
		return rc;
	if (!strcmp(end, "ms"))
		scale = 1;
	else if (!*end || !strcmp(end, "s"))
		scale = 1000;
	else if (!strcmp(end, "m"))
		scale = 60000;
	else
		return -EINVAL;
	if (v > 0xffffffffULL / scale)
		return -ERANGE;
	*out_ms = (unsigned)(v * scale);
	return 0;
}

int havz_parse_size(const char *s, uint64_t *out)
{
	const char *end;
	unsigned long long v, scale;
	int rc = parse_digits(s, &end, &v);

	if (rc)
		return rc;
	switch (toupper((unsigned char)*end)) {
	case '\0': scale = 1; break;
	case 'K': scale = 1ULL << 10; break;
	case 'M': scale = 1ULL << 20; break;
	case 'G': scale = 1ULL << 30; break;
	case 'T': scale = 1ULL << 40; break;
	default: return -EINVAL;
	}
	if (*end && end[1] && strcasecmp(end + 1, "iB") && strcasecmp(end + 1, "B"))
		return -EINVAL;
	if (v > UINT64_MAX / scale)
		return -ERANGE;
	*out = v * scale;
	return 0;
}

int havz_parse_milli(const char *s, unsigned long long max_whole, unsigned *out_millis)
{
	const char *end;
	unsigned long long whole, frac = 0;
	int rc = parse_digits(s, &end, &whole), digits = 0;

	if (rc)
		return rc;
	if (*end == '.') {
		const char *p = end + 1;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++, digits++) {
			if (digits == 3)
				return -EINVAL;
			frac = frac * 10 + (unsigned)(*p - '0');
		}
		end = p;
	}
	if (*end)
		return -EINVAL;
	for (; digits < 3; digits++)
		frac *= 10;
	if (whole > max_whole || (whole == max_whole && frac))
		return -ERANGE;
	*out_millis = (unsigned)(whole * 1000 + frac);
	return 0;
}

int havz_parse_cpus(const char *s, unsigned *out_millis)
{
	return havz_parse_milli(s, 4096, out_millis);
}

int havz_parse_bool(const char *s, int *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false")) {
		*out = 0;
		return 0;
	}
	return -EINVAL;
}

int havz_check_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return -ERANGE;
	if (!isalpha((unsigned char)s[0]))
		return -EINVAL;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return -EINVAL;
	return 0;
}

int havz_check_address(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
		return 0;
	return -EINVAL;
}

int havz_check_cidr(const char *s)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	unsigned long long prefix;
	unsigned char buf[sizeof(struct in6_addr)];
	size_t n;

	if (!slash)
		return -EINVAL;
	n = (size_t)(slash - s);
	if (n >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, buf) == 1)
		return havz_parse_uint(slash + 1, 1, 32, &prefix);
	if (inet_pton(AF_INET6, addr, buf) == 1)
		return havz_parse_uint(slash + 1, 1, 128, &prefix);
	return -EINVAL;
}

int havz_check_ifname(const char *s)
{
	size_t n = strlen(s);

	/* IFNAMSIZ is 16 with the terminator; "." and ".." are refused by the kernel. */
	if (n == 0 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return -EINVAL;
	for (const char *p = s; *p; p++)
		if (!isgraph((unsigned char)*p) || *p == '/' || *p == ':')
			return -EINVAL;
	return 0;
}

int havz_check_abs_path(const char *s)
{
	if (s[0] != '/')
		return -EINVAL;
	if (strstr(s, "//") || strstr(s, "/../") || strstr(s, "/./"))
		return -EINVAL;
	size_t n = strlen(s);
	if ((n >= 3 && !strcmp(s + n - 3, "/..")) || (n >= 2 && !strcmp(s + n - 2, "/.")))
		return -EINVAL;
	for (const char *p = s; *p; p++)
		if (!isgraph((unsigned char)*p))
			return -EINVAL;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/* The checkpoint manifest, the filesystem identity it carries, and the single-use claim. */
#include "havz/buf.h"
#include "havz/files.h"
#include "havz/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#define SCAN_DEPTH_MAX 8
#define ROUND_SUMS_HEAD "ha-vz-round-sums 1"

/* What a file looked like when its sum was taken: a write or a metadata change moves it. */
struct stamp {
	uint64_t size, ino;
	int64_t mtime_s, ctime_s;
	long mtime_ns, ctime_ns;
};

struct round_sum {
	char name[HAVZ_MANIFEST_PATH_MAX];
	struct stamp at;
	unsigned char sha256[32];
};

/* A round's SUMS, sorted by name. */
struct round_sums {
	struct round_sum *e;
	size_t n;
};

enum scan_mode {
	SCAN_HASH_ALL, /* havz_manifest_scan: read and hash every file */
	SCAN_REUSE,    /* the seal: a round's files from its SUMS while they are unchanged */
	SCAN_RESTORE,  /* verify: read only what havz_manifest_hash_checked asks for */
};

struct scan_ctx {
	enum scan_mode mode;
	struct havz_manifest *m;
	struct havz_scan_stats *stats;
	char *why;
	size_t why_size;
};

static void sums_load(int dfd, struct round_sums *rs);
static const struct round_sum *sums_find(const struct round_sums *rs, const char *name,
					 const struct stat *st);

void havz_manifest_free(struct havz_manifest *m)
{
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

static struct havz_manifest_entry *entry_add(struct havz_manifest *m)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 32;
		struct havz_manifest_entry *e;

		if (cap > HAVZ_MANIFEST_ENTRIES_MAX)
			return NULL;
		e = realloc(m->entries, cap * sizeof(*e));
		if (!e)
			return NULL;
		m->entries = e;
		m->cap = cap;
	}
	memset(&m->entries[m->n], 0, sizeof(m->entries[0]));
	return &m->entries[m->n++];
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-' || c == '+';
}

/* A relative path of safe components: no "", ".", "..", no leading '/'. */
static bool path_ok(const char *p)
{
	const char *c = p;

	if (!*p || strlen(p) >= HAVZ_MANIFEST_PATH_MAX)
		return false;
	while (*c) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!name_char_ok(c[i]))
				return false;
		if (!end)
			break;
		c = end + 1;
		if (!*c)
			return false;
	}
	return true;
}

/* A symlink target, resolved against the link's directory, must stay inside the tree. */
static bool link_target_ok(const char *link, const char *target)
{
	int depth = 0;
	const char *c;

	if (!*target || target[0] == '/' || strlen(target) >= HAVZ_MANIFEST_PATH_MAX)
		return false;
	for (c = link; (c = strchr(c, '/')); c++)
		depth++;
	c = target;
	while (*c) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);

		if (n == 2 && c[0] == '.' && c[1] == '.') {
			if (--depth < 0)
				return false;
		} else if (n == 0 || (n == 1 && c[0] == '.')) {
			/* "a//b" or "./a": harmless */
		} else {
			for (size_t i = 0; i < n; i++)
				if (!name_char_ok(c[i]))
					return false;
			depth++;
		}
		if (!end)
			break;
		c = end + 1;
	}
	return true;
}

static bool skipped(const char *rel, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(rel, HAVZ_MANIFEST_NAME) || !strcmp(rel, HAVZ_MANIFEST_USED))
		return true;
	if (n >= 4 && !strcmp(name + n - 4, ".log"))
		return true;
	return strstr(name, ".havz-tmp.") != NULL;
}

/* "pre/N" (n bytes of p): a pre-dump round's directory, N from 1 without a leading zero. */
static bool round_dir(const char *p, size_t n)
{
	if (n < 5 || strncmp(p, "pre/", 4) || p[4] < '1' || p[4] > '9')
		return false;
	for (size_t i = 5; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/*
 * The one rule of what a restore re-hashes. A round's page images hold the
 * container's memory as it was while it still ran, nearly all of the image:
 * hashing them at the restore would put the whole memory size back into the
 * freeze. They are checked by size; that they are the bytes the dump wrote
 * rests on the freshness check (same filesystem state, same DRBD data
 * generation) and on DRBD protocol C. Everything else, small and written in
 * the freeze or describing the image (pagemaps, cores, SUMS), is hashed.
 */
bool havz_manifest_hash_checked(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	size_t n = strlen(name);

	if (!slash || n <= 10 || strncmp(name, "pages-", 6) || strcmp(name + n - 4, ".img"))
		return true;
	return !round_dir(path, (size_t)(slash - path));
}

static struct stamp stamp_of(const struct stat *st)
{
	struct stamp s = {
		.size = (uint64_t)st->st_size,
		.ino = (uint64_t)st->st_ino,
		.mtime_s = (int64_t)st->st_mtim.tv_sec,
		.ctime_s = (int64_t)st->st_ctim.tv_sec,
		.mtime_ns = st->st_mtim.tv_nsec,
		.ctime_ns = st->st_ctim.tv_nsec,
	};

	return s;
}

static bool stamp_eq(const struct stamp *a, const struct stamp *b)
{
	return a->size == b->size && a->ino == b->ino && a->mtime_s == b->mtime_s &&
	       a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns;
}

static int hash_fd(int fd, unsigned char out[32], uint64_t *size)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[65536];
	unsigned len = 0;
	int rc = 0;

	*size = 0;
	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		rc = -EIO;
	while (!rc) {
		ssize_t got = read(fd, buf, sizeof(buf));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			break;
		}
		if (got == 0)
			break;
		*size += (uint64_t)got;
		if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1)
			rc = -EIO;
	}
	if (!rc && (EVP_DigestFinal_ex(ctx, out, &len) != 1 || len != 32))
		rc = -EIO;
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* One regular file's entry: hashed, taken from its round's sums, or (restore) only sized. */
static int scan_file(int dfd, const char *name, const char *rel, const struct stat *st,
		     const struct round_sums *sums, struct scan_ctx *c)
{
	struct havz_manifest_entry *e = entry_add(c->m);
	const struct round_sum *s;
	int fd, rc;

	if (!e)
		return -ENOMEM;
	memcpy(e->path, rel, strlen(rel) + 1); /* path_ok: it fits */
	if (c->mode == SCAN_RESTORE && !havz_manifest_hash_checked(rel)) {
		e->size = (uint64_t)st->st_size;
		return 0;
	}
	s = sums ? sums_find(sums, name, st) : NULL;
	if (s) {
		memcpy(e->sha256, s->sha256, sizeof(e->sha256));
		e->size = s->at.size;
		if (c->stats) {
			c->stats->reused_bytes += e->size;
			c->stats->reused_files++;
		}
		return 0;
	}
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		havz_why_set(c->why, c->why_size, "%s: %s", rel, strerror(errno));
		return rc;
	}
	rc = hash_fd(fd, e->sha256, &e->size);
	close(fd);
	if (rc) {
		havz_why_set(c->why, c->why_size, "%s: cannot read: %s", rel, strerror(-rc));
	} else if (c->stats) {
		c->stats->hashed_bytes += e->size;
		c->stats->hashed_files++;
	}
	return rc;
}

static int scan_dir(int dfd, const char *prefix, int depth, struct scan_ctx *c)
{
	struct round_sums sums = { 0 };
	char *why = c->why;
	size_t why_size = c->why_size;
	struct havz_manifest *m = c->m;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > SCAN_DEPTH_MAX) {
		havz_why_set(why, why_size, "%s: directories nested too deep", prefix);
		close(dfd);
		return -EINVAL;
	}
	d = fdopendir(dfd);
	if (!d) {
		rc = -errno;
		close(dfd);
		return rc;
	}
	if (c->mode == SCAN_REUSE && round_dir(prefix, strlen(prefix)))
		sums_load(dirfd(d), &sums);
	while (!rc && (errno = 0, de = readdir(d))) {
		char rel[HAVZ_MANIFEST_PATH_MAX + 2];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(rel, sizeof(rel), "%s%s%s", prefix, *prefix ? "/" : "", de->d_name) >=
		    HAVZ_MANIFEST_PATH_MAX) {
			havz_why_set(why, why_size, "%s%s: path too long", prefix, de->d_name);
			rc = -EINVAL;
			break;
		}
		if (skipped(rel, de->d_name))
			continue;
		if (!path_ok(rel)) {
			havz_why_set(why, why_size, "%s: unexpected characters in the name", rel);
			rc = -EINVAL;
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			rc = -errno;
			havz_why_set(why, why_size, "%s: %s", rel, strerror(errno));
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0) {
				rc = -errno;
				havz_why_set(why, why_size, "%s: %s", rel, strerror(errno));
				break;
			}
			rc = scan_dir(sub, rel, depth + 1, c);
		} else if (S_ISLNK(st.st_mode)) {
			struct havz_manifest_entry *e = entry_add(m);
			ssize_t n;

			if (!e) {
				rc = -ENOMEM;
				break;
			}
			memcpy(e->path, rel, strlen(rel) + 1); /* path_ok: it fits */
			e->is_link = true;
			n = readlinkat(dirfd(d), de->d_name, e->target, sizeof(e->target) - 1);
			if (n < 0 || (size_t)n >= sizeof(e->target) - 1) {
				havz_why_set(why, why_size, "%s: unreadable symlink", rel);
				rc = n < 0 ? -errno : -EINVAL;
				break;
			}
			e->target[n] = '\0';
			if (!link_target_ok(rel, e->target)) {
				havz_why_set(why, why_size,
					     "%s: symlink to '%s' leaves the image directory", rel,
					     e->target);
				rc = -EINVAL;
			}
		} else if (S_ISREG(st.st_mode)) {
			rc = scan_file(dirfd(d), de->d_name, rel, &st, sums.n ? &sums : NULL, c);
		} else {
			havz_why_set(why, why_size, "%s: not a regular file, directory or symlink",
				     rel);
			rc = -EINVAL;
		}
	}
	if (!rc && errno)
		rc = -errno;
	closedir(d);
	free(sums.e);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct havz_manifest_entry *)a)->path,
		      ((const struct havz_manifest_entry *)b)->path);
}

static int scan(const char *dir, struct scan_ctx *c)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (dfd < 0) {
		rc = -errno;
		havz_why_set(c->why, c->why_size, "%s: %s", dir, strerror(errno));
		return rc;
	}
	rc = scan_dir(dfd, "", 0, c);
	if (!rc && c->m->n)
		qsort(c->m->entries, c->m->n, sizeof(c->m->entries[0]), entry_cmp);
	return rc;
}

int havz_manifest_scan(const char *dir, struct havz_manifest *m, char *why, size_t why_size)
{
	struct scan_ctx c = { .mode = SCAN_HASH_ALL, .m = m, .why = why, .why_size = why_size };

	return scan(dir, &c);
}

int havz_manifest_scan_reuse(const char *dir, struct havz_manifest *m,
			     struct havz_scan_stats *stats, char *why, size_t why_size)
{
	struct scan_ctx c = {
		.mode = SCAN_REUSE, .m = m, .stats = stats, .why = why, .why_size = why_size
	};

	return scan(dir, &c);
}

static void hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void havz_fs_identity_format(const struct havz_fs_identity *id, char *out, size_t size)
{
	snprintf(out, size, "uuid=%s mounts=%u mounted=%" PRId64 " drbd=%s", id->uuid,
		 id->mount_count, id->mount_time, id->drbd[0] ? id->drbd : "-");
}

int havz_manifest_format(const struct havz_manifest *m, struct havz_buf *out)
{
	char id[160], h[65];

	havz_fs_identity_format(&m->id, id, sizeof(id));
	havz_buf_printf(out,
			"ha-vz-checkpoint %u\ncontainer %s\ncreated %" PRId64 "\nidentity %s\n",
			HAVZ_MANIFEST_VERSION, m->container, m->created, id);
	for (size_t i = 0; i < m->n; i++) {
		const struct havz_manifest_entry *e = &m->entries[i];

		if (e->is_link) {
			havz_buf_printf(out, "symlink %s %s\n", e->target, e->path);
		} else {
			hex(e->sha256, 32, h);
			havz_buf_printf(out, "%s %" PRIu64 " %s\n", h, e->size, e->path);
		}
	}
	return havz_buf_printf(out, "end\n");
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool sha_parse(const char *a, unsigned char out[32])
{
	if (strlen(a) != 64)
		return false;
	for (int i = 0; i < 32; i++) {
		int hi = hexval(a[2 * i]), lo = hexval(a[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static bool parse_i64(const char *s, int64_t *out)
{
	uint64_t v;
	bool neg = *s == '-';

	if (!parse_u64(s + neg, &v) || v > INT64_MAX)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static bool uuid_ok(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (hexval(s[i]) < 0) {
			return false;
		}
	}
	return true;
}

static bool drbd_ok(const char *s)
{
	if (!strcmp(s, "-"))
		return true;
	if (strlen(s) != 16)
		return false;
	for (int i = 0; i < 16; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

int havz_fs_identity_parse(const char *text, struct havz_fs_identity *id)
{
	char copy[256], *save = NULL, *tok;
	unsigned seen = 0;

	if (strlen(text) >= sizeof(copy))
		return -EINVAL;
	memset(id, 0, sizeof(*id));
	strcpy(copy, text);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		uint64_t u;

		if (!strncmp(tok, "uuid=", 5) && !(seen & 1) && uuid_ok(tok + 5)) {
			strcpy(id->uuid, tok + 5);
			seen |= 1;
		} else if (!strncmp(tok, "mounts=", 7) && !(seen & 2) && parse_u64(tok + 7, &u) &&
			   u <= 65535) {
			id->mount_count = (unsigned)u;
			seen |= 2;
		} else if (!strncmp(tok, "mounted=", 8) && !(seen & 4) &&
			   parse_i64(tok + 8, &id->mount_time)) {
			seen |= 4;
		} else if (!strncmp(tok, "drbd=", 5) && !(seen & 8) && drbd_ok(tok + 5)) {
			strcpy(id->drbd, tok + 5);
			seen |= 8;
		} else {
			return -EINVAL;
		}
	}
	return seen == 15 ? 0 : -EINVAL;
}

/* One line of the text, NUL-terminated in a copy; advances *p past it. */
static bool next_line(const char **p, char *line, size_t size, bool *too_long)
{
	const char *nl;
	size_t n;

	*too_long = false;
	if (!**p)
		return false;
	nl = strchr(*p, '\n');
	n = nl ? (size_t)(nl - *p) : strlen(*p);
	if (n >= size) {
		*too_long = true;
		n = size - 1;
	}
	memcpy(line, *p, n);
	line[n] = '\0';
	*p += nl ? (size_t)(nl - *p) + 1 : strlen(*p);
	return true;
}

static int parse_entry(char *line, struct havz_manifest *m, char *err, size_t err_size)
{
	struct havz_manifest_entry *e;
	char *a = line, *b, *c;

	b = strchr(a, ' ');
	if (!b) {
		snprintf(err, err_size,
			 "expected 'SHA256 SIZE PATH', 'symlink TARGET PATH' or 'end'");
		return -EINVAL;
	}
	*b++ = '\0';
	c = strchr(b, ' ');
	if (!c || strchr(c + 1, ' ')) {
		snprintf(err, err_size, "expected three fields");
		return -EINVAL;
	}
	*c++ = '\0';
	if (!path_ok(c)) {
		snprintf(err, err_size, "bad path '%.80s'", c);
		return -EINVAL;
	}
	if (m->n && strcmp(m->entries[m->n - 1].path, c) >= 0) {
		snprintf(err, err_size, "'%.80s' out of order or listed twice", c);
		return -EINVAL;
	}
	e = entry_add(m);
	if (!e) {
		snprintf(err, err_size, "too many entries");
		return -E2BIG;
	}
	strcpy(e->path, c);
	if (!strcmp(a, "symlink")) {
		if (!link_target_ok(c, b)) {
			snprintf(err, err_size, "symlink '%.80s' leaves the image directory", b);
			return -EINVAL;
		}
		e->is_link = true;
		strcpy(e->target, b);
		return 0;
	}
	if (!sha_parse(a, e->sha256)) {
		snprintf(err, err_size, "bad sha256 '%.70s'", a);
		return -EINVAL;
	}
	if (!parse_u64(b, &e->size)) {
		snprintf(err, err_size, "bad size '%.40s'", b);
		return -EINVAL;
	}
	return 0;
}

int havz_manifest_parse(const char *text, struct havz_manifest *m, char *why, size_t why_size)
{
	char line[HAVZ_MANIFEST_PATH_MAX * 2 + 80], err[200] = "";
	const char *p = text;
	int lineno = 0, rc = 0;
	bool too_long, ended = false;

	memset(m, 0, sizeof(*m));
	while (!rc && next_line(&p, line, sizeof(line), &too_long)) {
		lineno++;
		if (too_long) {
			snprintf(err, sizeof(err), "line too long");
			rc = -EINVAL;
		} else if (ended) {
			snprintf(err, sizeof(err), "text after 'end'");
			rc = -EINVAL;
		} else if (lineno == 1) {
			uint64_t v;

			if (strncmp(line, "ha-vz-checkpoint ", 17) || !parse_u64(line + 17, &v)) {
				snprintf(err, sizeof(err), "not a ha-vz checkpoint manifest");
				rc = -EINVAL;
			} else if (v != HAVZ_MANIFEST_VERSION) {
				snprintf(err, sizeof(err),
					 "format version %" PRIu64 ", expected %d", v,
					 HAVZ_MANIFEST_VERSION);
				rc = -EINVAL;
			} else {
				m->version = (unsigned)v;
			}
		} else if (lineno == 2) {
			if (strncmp(line, "container ", 10) || !line[10] ||
			    strlen(line + 10) >= sizeof(m->container) || strchr(line + 10, ' ')) {
				snprintf(err, sizeof(err), "expected 'container NAME'");
				rc = -EINVAL;
			} else {
				strcpy(m->container, line + 10);
			}
		} else if (lineno == 3) {
			if (strncmp(line, "created ", 8) || !parse_i64(line + 8, &m->created)) {
				snprintf(err, sizeof(err), "expected 'created SECONDS'");
				rc = -EINVAL;
			}
		} else if (lineno == 4) {
			if (strncmp(line, "identity ", 9) ||
			    havz_fs_identity_parse(line + 9, &m->id)) {
				snprintf(
					err, sizeof(err),
					"expected 'identity uuid=UUID mounts=N mounted=T drbd=GI'");
				rc = -EINVAL;
			}
		} else if (!strcmp(line, "end")) {
			ended = true;
		} else {
			rc = parse_entry(line, m, err, sizeof(err));
		}
	}
	if (!rc && lineno < 4) {
		lineno++;
		snprintf(err, sizeof(err), "truncated header");
		rc = -EINVAL;
	} else if (!rc && !ended) {
		lineno++;
		snprintf(err, sizeof(err), "no 'end' line: the manifest is truncated");
		rc = -EINVAL;
	}
	if (rc) {
		havz_why_set(why, why_size, "MANIFEST line %d: %s", lineno, err);
		havz_manifest_free(m);
	}
	return rc;
}

/* ---- a pre-dump round's sums (pre/N/SUMS) ---- */

/* "SECONDS.NANOSECONDS", nine digits after the dot. */
static bool parse_time(const char *s, int64_t *sec, long *ns)
{
	const char *dot = strchr(s, '.');
	char head[24];

	if (!dot || (size_t)(dot - s) >= sizeof(head) || strlen(dot + 1) != 9)
		return false;
	memcpy(head, s, (size_t)(dot - s));
	head[dot - s] = '\0';
	if (!parse_i64(head, sec))
		return false;
	*ns = 0;
	for (int i = 1; i <= 9; i++) {
		if (dot[i] < '0' || dot[i] > '9')
			return false;
		*ns = *ns * 10 + (dot[i] - '0');
	}
	return true;
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= HAVZ_MANIFEST_PATH_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char_ok(name[i]))
			return false;
	return true;
}

/* "SHA256 SIZE INODE MTIME CTIME NAME" */
static bool sums_parse_line(char *line, struct round_sum *e)
{
	char *f[6], *p = line;
	size_t nf = 0;

	for (;;) {
		if (nf == 6)
			return false;
		f[nf++] = p;
		p = strchr(p, ' ');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (nf != 6 || !name_ok(f[5]))
		return false;
	strcpy(e->name, f[5]);
	return sha_parse(f[0], e->sha256) && parse_u64(f[1], &e->at.size) &&
	       parse_u64(f[2], &e->at.ino) && parse_time(f[3], &e->at.mtime_s, &e->at.mtime_ns) &&
	       parse_time(f[4], &e->at.ctime_s, &e->at.ctime_ns);
}

/*
 * Reads the SUMS of the round directory dfd. Missing, unreadable or with any
 * defect: no sums at all, and the seal hashes every file of the round (slower,
 * never wrong).
 */
static void sums_load(int dfd, struct round_sums *rs)
{
	char line[HAVZ_MANIFEST_PATH_MAX + 200];
	struct havz_buf b = { 0 };
	struct stat st;
	const char *p;
	size_t cap = 0;
	bool too_long, ended = false, ok = true;
	int lineno = 0;
	/* O_NONBLOCK: a FIFO in its place must not hang the seal (the scan refuses it). */
	int fd = openat(dfd, HAVZ_ROUND_SUMS,
			O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	memset(rs, 0, sizeof(*rs));
	if (fd < 0)
		return;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		ok = false;
	while (ok) {
		char chunk[4096];
		ssize_t got = read(fd, chunk, sizeof(chunk));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			ok = got == 0 && b.data;
			break;
		}
		ok = havz_buf_append(&b, chunk, (size_t)got) == 0;
	}
	close(fd);
	for (p = ok ? b.data : ""; *p; p++)
		cap += *p == '\n';
	if (ok && cap <= HAVZ_ROUND_SUMS_MAX + 2)
		rs->e = calloc(cap, sizeof(*rs->e));
	ok = ok && rs->e;
	p = ok ? b.data : "";
	while (ok && next_line(&p, line, sizeof(line), &too_long)) {
		lineno++;
		if (too_long || ended) {
			ok = false;
		} else if (lineno == 1) {
			ok = !strcmp(line, ROUND_SUMS_HEAD);
		} else if (!strcmp(line, "end")) {
			ended = true;
		} else if (rs->n == cap || !sums_parse_line(line, &rs->e[rs->n])) {
			ok = false;
		} else {
			/* Strictly sorted: sums_find searches by halves, and no name twice. */
			ok = !rs->n || strcmp(rs->e[rs->n - 1].name, rs->e[rs->n].name) < 0;
			rs->n++;
		}
	}
	havz_buf_free(&b);
	if (!ok || !ended) {
		free(rs->e);
		memset(rs, 0, sizeof(*rs));
	}
}

/* The sum of the file name in the round, if it was taken of the file as it is now (st). */
static const struct round_sum *sums_find(const struct round_sums *rs, const char *name,
					 const struct stat *st)
{
	struct stamp now = stamp_of(st);
	size_t lo = 0, hi = rs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, rs->e[mid].name);

		if (!cmp)
			return stamp_eq(&rs->e[mid].at, &now) ? &rs->e[mid] : NULL;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int sum_cmp(const void *a, const void *b)
{
	return strcmp(((const struct round_sum *)a)->name, ((const struct round_sum *)b)->name);
}

/* Hashes one entry of the round directory dfd into rs, or leaves it to the seal. */
static int sum_one(int dfd, const char *name, struct round_sums *rs, struct havz_scan_stats *stats,
		   char *why, size_t why_size)
{
	struct round_sum *e = &rs->e[rs->n];
	struct stat before, after;
	struct stamp then;
	uint64_t size = 0;
	int fd, rc = 0;

	if (!strcmp(name, HAVZ_ROUND_SUMS) || skipped(name, name) || !name_ok(name))
		return 0;
	if (fstatat(dfd, name, &before, AT_SYMLINK_NOFOLLOW)) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		havz_why_set(why, why_size, "%s: %s", name, strerror(errno));
		return rc;
	}
	if (!S_ISREG(before.st_mode) || rs->n == HAVZ_ROUND_SUMS_MAX)
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		havz_why_set(why, why_size, "%s: %s", name, strerror(errno));
		return rc;
	}
	if (fstat(fd, &before))
		rc = -errno;
	if (!rc)
		rc = hash_fd(fd, e->sha256, &size);
	if (!rc && fstat(fd, &after))
		rc = -errno;
	close(fd);
	if (rc) {
		havz_why_set(why, why_size, "%s: cannot read: %s", name, strerror(-rc));
		return rc;
	}
	e->at = stamp_of(&before);
	then = stamp_of(&after);
	/* Written to while it was read: no sum rather than a wrong one. */
	if (size != e->at.size || !stamp_eq(&e->at, &then))
		return 0;
	strcpy(e->name, name); /* name_ok: it fits */
	rs->n++;
	if (stats) {
		stats->hashed_bytes += size;
		stats->hashed_files++;
	}
	return 0;
}

int havz_round_sums_write(const char *round, struct havz_scan_stats *stats, char *why,
			  size_t why_size)
{
	struct round_sums rs = { 0 };
	struct havz_buf text = { 0 };
	char path[PATH_MAX], h[65];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (snprintf(path, sizeof(path), "%s/%s", round, HAVZ_ROUND_SUMS) >= (int)sizeof(path)) {
		havz_why_set(why, why_size, "%s: path too long", round);
		return -ENAMETOOLONG;
	}
	rs.e = calloc(HAVZ_ROUND_SUMS_MAX, sizeof(*rs.e));
	if (!rs.e)
		return -ENOMEM;
	d = opendir(round);
	if (!d) {
		rc = -errno;
		havz_why_set(why, why_size, "%s: %s", round, strerror(errno));
		free(rs.e);
		return rc;
	}
	while (!rc && (errno = 0, de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			rc = sum_one(dirfd(d), de->d_name, &rs, stats, why, why_size);
	if (!rc && errno) {
		rc = -errno;
		havz_why_set(why, why_size, "%s: %s", round, strerror(errno));
	}
	closedir(d);
	if (!rc) {
		if (rs.n)
			qsort(rs.e, rs.n, sizeof(rs.e[0]), sum_cmp);
		havz_buf_printf(&text, "%s\n", ROUND_SUMS_HEAD);
		for (size_t i = 0; i < rs.n; i++) {
			const struct round_sum *e = &rs.e[i];

			hex(e->sha256, 32, h);
			havz_buf_printf(&text,
					"%s %" PRIu64 " %" PRIu64 " %" PRId64 ".%09ld %" PRId64
					".%09ld %s\n",
					h, e->at.size, e->at.ino, e->at.mtime_s, e->at.mtime_ns,
					e->at.ctime_s, e->at.ctime_ns, e->name);
		}
		rc = havz_buf_printf(&text, "end\n");
		if (rc)
			havz_why_set(why, why_size, "%s: %s", path, strerror(-rc));
	}
	if (!rc) {
		rc = havz_file_write_atomic(path, text.data, text.len, 0600);
		if (rc)
			havz_why_set(why, why_size, "cannot write %s: %s", path, strerror(-rc));
	}
	havz_buf_free(&text);
	free(rs.e);
	return rc;
}

/* ---- verification ---- */

int havz_manifest_verify(const struct havz_manifest *want, const char *ct, const char *dir,
			 char *why, size_t why_size)
{
	struct scan_ctx c = { .mode = SCAN_RESTORE, .why = why, .why_size = why_size };
	struct havz_manifest have = { 0 };
	size_t i = 0, j = 0;
	int rc;

	if (strcmp(want->container, ct)) {
		havz_why_set(why, why_size, "the image belongs to container '%s', not '%s'",
			     want->container, ct);
		return -ESTALE;
	}
	c.m = &have;
	rc = scan(dir, &c);
	if (rc) {
		havz_manifest_free(&have);
		return rc == -ENOMEM ? rc : -ESTALE;
	}
	rc = -ESTALE;
	while (i < want->n || j < have.n) {
		const struct havz_manifest_entry *w = i < want->n ? &want->entries[i] : NULL;
		const struct havz_manifest_entry *h = j < have.n ? &have.entries[j] : NULL;
		int cmp = !w ? 1 : !h ? -1 : strcmp(w->path, h->path);

		if (cmp < 0) {
			havz_why_set(why, why_size, "missing file %s", w->path);
			goto out;
		}
		if (cmp > 0) {
			havz_why_set(why, why_size, "extra file %s (not in the manifest)", h->path);
			goto out;
		}
		if (w->is_link != h->is_link) {
			havz_why_set(why, why_size, "%s: %s in the manifest, %s on disk", w->path,
				     w->is_link ? "symlink" : "file",
				     h->is_link ? "symlink" : "file");
			goto out;
		}
		if (w->is_link && strcmp(w->target, h->target)) {
			havz_why_set(why, why_size, "%s: symlink to '%s', manifest says '%s'",
				     w->path, h->target, w->target);
			goto out;
		}
		if (!w->is_link && w->size != h->size) {
			havz_why_set(why, why_size, "%s: size %" PRIu64 ", manifest says %" PRIu64,
				     w->path, h->size, w->size);
			goto out;
		}
		if (!w->is_link && havz_manifest_hash_checked(w->path) &&
		    memcmp(w->sha256, h->sha256, 32)) {
			havz_why_set(why, why_size, "%s: sha256 mismatch", w->path);
			goto out;
		}
		i++;
		j++;
	}
	rc = 0;
out:
	havz_manifest_free(&have);
	return rc;
}

int havz_manifest_claim(const char *dir, char *why, size_t why_size)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	int rc = 0;

	if (dfd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			havz_why_set(why, why_size, "no checkpoint image (%s does not exist)", dir);
		else
			havz_why_set(why, why_size, "%s: %s", dir, strerror(errno));
		return rc;
	}
	/* The rename is the claim: of two racing restores exactly one wins. */
	if (renameat(dfd, HAVZ_MANIFEST_NAME, dfd, HAVZ_MANIFEST_USED)) {
		rc = -errno;
		if (rc == -ENOENT && !fstatat(dfd, HAVZ_MANIFEST_USED, &st, AT_SYMLINK_NOFOLLOW)) {
			havz_why_set(why, why_size, "the image was used already (%s/%s)", dir,
				     HAVZ_MANIFEST_USED);
			rc = -ESTALE;
		} else if (rc == -ENOENT) {
			havz_why_set(why, why_size, "no checkpoint image (no %s/%s)", dir,
				     HAVZ_MANIFEST_NAME);
		} else {
			havz_why_set(why, why_size, "cannot mark the image used: %s",
				     strerror(-rc));
		}
	} else if (fsync(dfd)) {
		/* Claimed in memory but maybe not on disk: refuse rather than risk a second use. */
		rc = -errno;
		havz_why_set(why, why_size, "cannot sync the used-mark: %s", strerror(-rc));
	}
	close(dfd);
	return rc;
}

int havz_dir_bytes(const char *dir, uint64_t *bytes)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	*bytes = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;

		if (skipped(de->d_name, de->d_name))
			continue;
		if (!fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISREG(st.st_mode))
			*bytes += (uint64_t)st.st_size;
	}
	closedir(d);
	return 0;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int havz_fs_identity_from_sb(const unsigned char *sb, size_t len, struct havz_fs_identity *id)
{
	char h[33];

	if (len < HAVZ_EXT4_SB_SIZE || (sb[0x38] | sb[0x39] << 8) != 0xEF53)
		return -EINVAL;
	memset(id, 0, sizeof(*id));
	hex(sb + 0x68, 16, h);
	snprintf(id->uuid, sizeof(id->uuid), "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16,
		 h + 20);
	id->mount_count = (unsigned)(sb[0x34] | sb[0x35] << 8);
	id->mount_time = (int64_t)((uint64_t)le32(sb + 0x2C) | (uint64_t)sb[0x275] << 32);
	strcpy(id->drbd, "-");
	return 0;
}

int havz_drbd_parse_gi(const char *text, char out[17])
{
	unsigned long long v = 0;
	int i;

	while (*text == ' ' || *text == '\n' || *text == '\t')
		text++;
	for (i = 0; i < 16; i++) {
		char c = text[i];
		int d = (c >= 'A' && c <= 'F') ? c - 'A' + 10 : hexval(c);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (unsigned)d;
	}
	if (text[16] != ':')
		return -EINVAL;
	v &= ~1ULL; /* bit 0 flags "was primary", not the generation */
	snprintf(out, 17, "%016llX", v);
	return 0;
}

int havz_fs_identity_check(const struct havz_fs_identity *rec, const struct havz_fs_identity *cur,
			   char *why, size_t why_size)
{
	unsigned next = (rec->mount_count + 1) & 0xFFFF;
	bool rec_drbd = rec->drbd[0] && strcmp(rec->drbd, "-");
	bool cur_drbd = cur->drbd[0] && strcmp(cur->drbd, "-");

	if (strcmp(rec->uuid, cur->uuid)) {
		havz_why_set(why, why_size, "another filesystem: UUID %s, the image is for %s",
			     cur->uuid, rec->uuid);
		return -ESTALE;
	}
	if (rec_drbd != cur_drbd) {
		havz_why_set(why, why_size, "DRBD data generation %s at the dump, %s now",
			     rec_drbd ? rec->drbd : "unknown", cur_drbd ? cur->drbd : "unknown");
		return -ESTALE;
	}
	if (rec_drbd && strcmp(rec->drbd, cur->drbd)) {
		havz_why_set(
			why, why_size,
			"DRBD data generation changed from %s to %s: the data forked after the "
			"dump",
			rec->drbd, cur->drbd);
		return -ESTALE;
	}
	if (cur->mount_count == rec->mount_count) {
		if (cur->mount_time == rec->mount_time)
			return 0; /* still the mount the dump was taken in */
		havz_why_set(why, why_size,
			     "mounted again since the dump (mount time %" PRId64 ", was %" PRId64
			     ")",
			     cur->mount_time, rec->mount_time);
		return -ESTALE;
	}
	if (cur->mount_count == next)
		return 0; /* one unmount there, one mount here */
	if (((cur->mount_count - rec->mount_count) & 0xFFFF) < 0x8000)
		havz_why_set(
			why, why_size,
			"the filesystem was mounted %u times since the dump (mount count %u, was "
			"%u)",
			(cur->mount_count - rec->mount_count) & 0xFFFF, cur->mount_count,
			rec->mount_count);
	else
		havz_why_set(why, why_size,
			     "mount count went back from %u to %u (fsck reset or an older copy)",
			     rec->mount_count, cur->mount_count);
	return -ESTALE;
}

/* Undoes the octal escapes of /proc/self/mountinfo (\040 for a space, ...). */
static void unescape(const char *in, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size; i++) {
		if (in[i] == '\\' && i + 3 < n && in[i + 1] >= '0' && in[i + 1] <= '3' &&
		    in[i + 2] >= '0' && in[i + 2] <= '7' && in[i + 3] >= '0' && in[i + 3] <= '7') {
			out[o++] = (char)((in[i + 1] - '0') << 6 | (in[i + 2] - '0') << 3 |
					  (in[i + 3] - '0'));
			i += 3;
			continue;
		}
		out[o++] = in[i];
	}
	out[o] = '\0';
}

int havz_mountinfo_source(const char *mountinfo, const char *mountpoint, char *dev, size_t size)
{
	const char *line = mountinfo;
	int rc = -ENOENT;

	while (line && *line) {
		const char *end = strchr(line, '\n'), *f[12] = { 0 };
		size_t flen[12] = { 0 }, nf = 0;
		const char *p = line, *stop = end ? end : line + strlen(line);
		char mp[PATH_MAX];
		size_t sep = 0;

		while (p < stop && nf < 12) {
			const char *q = p;

			while (q < stop && *q != ' ')
				q++;
			f[nf] = p;
			flen[nf] = (size_t)(q - p);
			if (!sep && nf >= 6 && flen[nf] == 1 && *p == '-')
				sep = nf;
			nf++;
			p = q < stop ? q + 1 : q;
		}
		if (nf > 5 && sep && sep + 2 < nf) {
			unescape(f[4], flen[4], mp, sizeof(mp));
			if (!strcmp(mp, mountpoint)) {
				/* The last match wins: it is the mount on top. */
				unescape(f[sep + 2], flen[sep + 2], dev, size);
				rc = 0;
			}
		}
		line = end ? end + 1 : NULL;
	}
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-only
/* The checkpoint manifest: scan, text form, parse errors, verification reasons, single use. */
#include "helpers.h"

#include <errno.h>

#include "havz/buf.h"
#include "havz/files.h"
#include "havz/manifest.h"

#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static const struct havz_fs_identity ID = {
	.uuid = "18c0e527-bb48-41fd-844d-5cc52d7bc9e3",
	.mount_count = 7,
	.mount_time = 1795655220,
	.drbd = "B5A8C0FFEE000000",
};

/* An image directory like CRIU leaves it, with a pre-dump and its parent link. */
static char *image_make(void)
{
	char *dir = tmpdir_make(), path[512];

	free(file_make(dir, "core-1.img", "abc", 0600));
	free(file_make(dir, "empty.img", "", 0600));
	free(file_make(dir, "dump.log", "logs are not images", 0600));
	snprintf(path, sizeof(path), "%s/pre", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/pre/1", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	free(file_make(path, "pages-1.img", "abc", 0600));
	snprintf(path, sizeof(path), "%s/parent", dir);
	assert_int_equal(symlink("pre/1", path), 0);
	return dir;
}

static void manifest_of(const char *dir, struct havz_manifest *m)
{
	char why[256] = "";

	memset(m, 0, sizeof(*m));
	assert_int_equal(havz_manifest_scan(dir, m, why, sizeof(why)), 0);
	strcpy(m->container, "web");
	m->created = 1700000000;
	m->id = ID;
}

static char *text_of(const struct havz_manifest *m)
{
	struct havz_buf b = { 0 };
	char *s;

	assert_int_equal(havz_manifest_format(m, &b), 0);
	s = strdup(b.data);
	havz_buf_free(&b);
	return s;
}

static void test_scan_format(void **state)
{
	struct havz_manifest m;
	char *dir = image_make(), *text;

	(void)state;
	manifest_of(dir, &m);
	assert_int_equal(m.n, 4); /* dump.log skipped */
	text = text_of(&m);
	assert_string_equal(text, "ha-vz-checkpoint 1\n"
				  "container web\n"
				  "created 1700000000\n"
				  "identity uuid=18c0e527-bb48-41fd-844d-5cc52d7bc9e3 mounts=7 "
				  "mounted=1795655220 drbd=B5A8C0FFEE000000\n" SHA_ABC
				  " 3 core-1.img\n" SHA_EMPTY " 0 empty.img\n"
				  "symlink pre/1 parent\n" SHA_ABC " 3 pre/1/pages-1.img\n"
				  "end\n");
	free(text);
	havz_manifest_free(&m);
	tmpdir_remove(dir);
}

static void test_parse_roundtrip_and_verify(void **state)
{
	struct havz_manifest m, back;
	char *dir = image_make(), *text, why[256] = "";

	(void)state;
	manifest_of(dir, &m);
	text = text_of(&m);
	assert_int_equal(havz_manifest_parse(text, &back, why, sizeof(why)), 0);
	assert_int_equal(back.n, m.n);
	assert_string_equal(back.container, "web");
	assert_int_equal(back.created, 1700000000);
	assert_int_equal(back.id.mount_count, 7);
	assert_string_equal(back.id.drbd, "B5A8C0FFEE000000");
	assert_int_equal(havz_manifest_verify(&back, "web", dir, why, sizeof(why)), 0);
	/* The manifest itself and logs written later do not count. */
	free(file_make(dir, "MANIFEST", text, 0600));
	free(file_make(dir, "restore.log", "x", 0600));
	assert_int_equal(havz_manifest_verify(&back, "web", dir, why, sizeof(why)), 0);
	free(text);
	havz_manifest_free(&m);
	havz_manifest_free(&back);
	tmpdir_remove(dir);
}

/* Changes dir after the manifest was taken, then expects verify to name it. */
static void expect_verify(const char *change, const char *want)
{
	struct havz_manifest m;
	char *dir = image_make(), why[256] = "", path[512];

	manifest_of(dir, &m);
	if (!strcmp(change, "missing")) {
		snprintf(path, sizeof(path), "%s/pre/1/pages-1.img", dir);
		assert_int_equal(unlink(path), 0);
	} else if (!strcmp(change, "extra")) {
		free(file_make(dir, "zzz.img", "x", 0600));
	} else if (!strcmp(change, "size")) {
		free(file_make(dir, "core-1.img", "abcd", 0600));
	} else if (!strcmp(change, "hash")) {
		free(file_make(dir, "core-1.img", "abd", 0600));
	} else if (!strcmp(change, "link")) {
		snprintf(path, sizeof(path), "%s/parent", dir);
		assert_int_equal(unlink(path), 0);
		assert_int_equal(symlink("pre", path), 0);
	} else if (!strcmp(change, "type")) {
		snprintf(path, sizeof(path), "%s/parent", dir);
		assert_int_equal(unlink(path), 0);
		free(file_make(dir, "parent", "", 0600));
	}
	assert_int_equal(havz_manifest_verify(&m, "web", dir, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, want);
	havz_manifest_free(&m);
	tmpdir_remove(dir);
}

static void test_verify_reasons(void **state)
{
	(void)state;
	expect_verify("missing", "missing file pre/1/pages-1.img");
	expect_verify("extra", "extra file zzz.img (not in the manifest)");
	expect_verify("size", "core-1.img: size 4, manifest says 3");
	expect_verify("hash", "core-1.img: sha256 mismatch");
	expect_verify("link", "parent: symlink to 'pre', manifest says 'pre/1'");
	expect_verify("type", "parent: symlink in the manifest, file on disk");
}

static void test_verify_wrong_container(void **state)
{
	struct havz_manifest m;
	char *dir = image_make(), why[256] = "";

	(void)state;
	manifest_of(dir, &m);
	assert_int_equal(havz_manifest_verify(&m, "db", dir, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, "the image belongs to container 'web', not 'db'");
	havz_manifest_free(&m);
	tmpdir_remove(dir);
}

static void test_scan_refuses_escaping_link_and_odd_files(void **state)
{
	struct havz_manifest m = { 0 };
	char *dir = tmpdir_make(), path[512], why[256] = "";

	(void)state;
	snprintf(path, sizeof(path), "%s/parent", dir);
	assert_int_equal(symlink("../../etc", path), 0);
	assert_int_equal(havz_manifest_scan(dir, &m, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "parent: symlink to '../../etc' leaves the image directory");
	havz_manifest_free(&m);
	unlink(path);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(havz_manifest_scan(dir, &m, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "fifo: not a regular file, directory or symlink");
	havz_manifest_free(&m);
	unlink(path);
	free(file_make(dir, "a b", "", 0600));
	assert_int_equal(havz_manifest_scan(dir, &m, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "a b: unexpected characters in the name");
	havz_manifest_free(&m);
	tmpdir_remove(dir);
}

static void expect_parse_error(const char *text, const char *want)
{
	struct havz_manifest m;
	char why[256] = "";

	assert_int_equal(havz_manifest_parse(text, &m, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, want);
	assert_null(m.entries);
}

#define HEAD                                                                                       \
	"ha-vz-checkpoint 1\ncontainer web\ncreated 1\nidentity "                                  \
	"uuid=18c0e527-bb48-41fd-844d-5cc52d7bc9e3 mounts=7 mounted=5 drbd=-\n"

static void test_parse_errors(void **state)
{
	(void)state;
	expect_parse_error("", "MANIFEST line 1: truncated header");
	expect_parse_error("hello\n", "MANIFEST line 1: not a ha-vz checkpoint manifest");
	expect_parse_error("ha-vz-checkpoint 2\n", "MANIFEST line 1: format version 2, expected 1");
	expect_parse_error("ha-vz-checkpoint 1\nname web\n",
			   "MANIFEST line 2: expected 'container NAME'");
	expect_parse_error("ha-vz-checkpoint 1\ncontainer web\ncreated x\n",
			   "MANIFEST line 3: expected 'created SECONDS'");
	expect_parse_error(
		"ha-vz-checkpoint 1\ncontainer web\ncreated 1\nidentity uuid=x\n",
		"MANIFEST line 4: expected 'identity uuid=UUID mounts=N mounted=T drbd=GI'");
	expect_parse_error(HEAD, "MANIFEST line 5: no 'end' line: the manifest is truncated");
	expect_parse_error(HEAD SHA_ABC " 3 a.img\n",
			   "MANIFEST line 6: no 'end' line: the manifest is truncated");
	expect_parse_error(HEAD "end\nx\n", "MANIFEST line 6: text after 'end'");
	expect_parse_error(HEAD "abc 3 a.img\nend\n", "MANIFEST line 5: bad sha256 'abc'");
	expect_parse_error(HEAD SHA_ABC " -3 a.img\nend\n", "MANIFEST line 5: bad size '-3'");
	expect_parse_error(HEAD SHA_ABC " 3 ../a.img\nend\n",
			   "MANIFEST line 5: bad path '../a.img'");
	expect_parse_error(HEAD SHA_ABC " 3 /a.img\nend\n", "MANIFEST line 5: bad path '/a.img'");
	expect_parse_error(HEAD SHA_ABC " 3 b.img\n" SHA_ABC " 3 a.img\nend\n",
			   "MANIFEST line 6: 'a.img' out of order or listed twice");
	expect_parse_error(HEAD "symlink /etc parent\nend\n",
			   "MANIFEST line 5: symlink '/etc' leaves the image directory");
	expect_parse_error(HEAD SHA_ABC " 3\nend\n", "MANIFEST line 5: expected three fields");
	expect_parse_error(
		HEAD "garbage\nend\n",
		"MANIFEST line 5: expected 'SHA256 SIZE PATH', 'symlink TARGET PATH' or 'end'");
}

static void test_claim_single_use(void **state)
{
	char *dir = tmpdir_make(), why[256] = "", path[512];
	struct stat st;

	(void)state;
	assert_int_equal(havz_manifest_claim(dir, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "no checkpoint image"));
	free(file_make(dir, "MANIFEST", "x", 0600));
	assert_int_equal(havz_manifest_claim(dir, why, sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/MANIFEST.used", dir);
	assert_int_equal(stat(path, &st), 0);
	/* A second start, or one after a crash mid-restore, finds it used. */
	assert_int_equal(havz_manifest_claim(dir, why, sizeof(why)), -ESTALE);
	assert_non_null(strstr(why, "the image was used already"));
	assert_int_equal(havz_manifest_claim("/nonexistent/ha-vz", why, sizeof(why)), -ENOENT);
	tmpdir_remove(dir);
}

static void test_dir_bytes(void **state)
{
	char *dir = image_make();
	uint64_t bytes = 0;

	(void)state;
	free(file_make(dir, "MANIFEST", "not counted", 0600));
	assert_int_equal(havz_dir_bytes(dir, &bytes), 0);
	assert_int_equal(bytes, 3); /* core-1.img; not pre/, logs, the manifest */
	tmpdir_remove(dir);
}

/* ---- hashing outside the freeze: a round's sums, the restore's rule ---- */

static void test_hash_checked_rule(void **state)
{
	(void)state;
	/* The pre-dump rounds' page images: size only. */
	assert_false(havz_manifest_hash_checked("pre/1/pages-1.img"));
	assert_false(havz_manifest_hash_checked("pre/12/pages-34.img"));
	/* Everything else is hashed: the final dump, the rounds' other files, look-alikes. */
	assert_true(havz_manifest_hash_checked("pages-1.img"));
	assert_true(havz_manifest_hash_checked("pre/1/pagemap-1.img"));
	assert_true(havz_manifest_hash_checked("pre/1/SUMS"));
	assert_true(havz_manifest_hash_checked("pre/1/stats-dump"));
	assert_true(havz_manifest_hash_checked("pre/pages-1.img"));
	assert_true(havz_manifest_hash_checked("pre/01/pages-1.img"));
	assert_true(havz_manifest_hash_checked("pre/x/pages-1.img"));
	assert_true(havz_manifest_hash_checked("pre/1/sub/pages-1.img"));
	assert_true(havz_manifest_hash_checked("x/pre/1/pages-1.img"));
	assert_true(havz_manifest_hash_checked("pre/1/pages-.img"));
	assert_true(havz_manifest_hash_checked("pre/1/pages-1.img.bak"));
}

static const struct havz_manifest_entry *entry_of(const struct havz_manifest *m, const char *path)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->entries[i].path, path))
			return &m->entries[i];
	fail_msg("%s not in the manifest", path);
	return NULL;
}

/* The seal's scan of dir: stats, and the text with the test's header. */
static char *reuse_text(const char *dir, struct havz_scan_stats *st)
{
	struct havz_manifest m = { 0 };
	char why[256] = "", *text;

	memset(st, 0, sizeof(*st));
	assert_int_equal(havz_manifest_scan_reuse(dir, &m, st, why, sizeof(why)), 0);
	strcpy(m.container, "web");
	m.created = 1700000000;
	m.id = ID;
	text = text_of(&m);
	havz_manifest_free(&m);
	return text;
}

/* What havz_manifest_scan, reading every file, says of dir. */
static char *full_text(const char *dir)
{
	struct havz_manifest m;
	char *text;

	manifest_of(dir, &m);
	text = text_of(&m);
	havz_manifest_free(&m);
	return text;
}

static uint64_t size_of(const char *dir, const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}

static void test_round_sums_reused_by_seal(void **state)
{
	struct havz_scan_stats st;
	struct havz_buf sums = { 0 };
	char *dir = image_make(), round[512], path[600], *text, *full, *forged;
	char why[256] = "";

	(void)state;
	snprintf(round, sizeof(round), "%s/pre/1", dir);
	free(file_make(round, "pagemap-1.img", "map", 0600));
	free(file_make(round, "pre-dump.log", "not an image", 0600));
	memset(&st, 0, sizeof(st));
	assert_int_equal(havz_round_sums_write(round, &st, why, sizeof(why)), 0);
	assert_int_equal(st.hashed_files, 2); /* pages-1.img, pagemap-1.img: not the log */
	assert_int_equal(st.hashed_bytes, 6);
	snprintf(path, sizeof(path), "%s/SUMS", round);
	assert_int_equal(havz_file_read(path, 65536, &sums), 0);
	/* Sorted by name: pagemap-1.img, then pages-1.img ("abc"). */
	assert_int_equal(strncmp(sums.data, "ha-vz-round-sums 1\n", 19), 0);
	assert_non_null(strstr(sums.data, " pagemap-1.img\n" SHA_ABC " 3 "));
	assert_non_null(strstr(sums.data, " pages-1.img\nend\n"));
	assert_null(strstr(sums.data, "pre-dump.log"));

	/* The same manifest as reading everything; the round's files were not read again. */
	text = reuse_text(dir, &st);
	full = full_text(dir);
	assert_string_equal(text, full);
	assert_int_equal(st.reused_files, 2);
	assert_int_equal(st.reused_bytes, 6);
	assert_int_equal(st.hashed_files, 3); /* core-1.img, empty.img, pre/1/SUMS */
	assert_int_equal(st.hashed_bytes, 3 + size_of(dir, "pre/1/SUMS"));
	free(text);

	/* Proof that the sum comes from SUMS: a forged one there ends up in the manifest. */
	forged = subst(sums.data, SHA_ABC " 3 ", SHA_EMPTY " 3 ");
	free(file_make(round, "SUMS", forged, 0600));
	text = reuse_text(dir, &st);
	assert_non_null(strstr(text, SHA_EMPTY " 3 pre/1/pages-1.img\n"));
	assert_int_equal(st.reused_files, 2);
	free(text);

	/* Another size: read and hashed again, the forged sum is not used. */
	free(file_make(round, "pages-1.img", "abcd", 0600));
	text = reuse_text(dir, &st);
	free(full);
	full = full_text(dir);
	assert_string_equal(text, full);
	assert_int_equal(st.reused_files, 1); /* pagemap-1.img only */
	assert_int_equal(st.hashed_files, 4);
	free(text);
	free(full);
	free(forged);
	havz_buf_free(&sums);
	tmpdir_remove(dir);
}

/* The same size, but another mtime or another inode: hashed again. */
static void test_round_sums_stale_stamp(void **state)
{
	struct havz_scan_stats st;
	struct havz_manifest m;
	char *dir = image_make(), round[512], path[600], tmp[600], *text, why[256] = "";
	const struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	unsigned char abc[32];

	(void)state;
	snprintf(round, sizeof(round), "%s/pre/1", dir);
	manifest_of(dir, &m);
	memcpy(abc, entry_of(&m, "pre/1/pages-1.img")->sha256, 32);
	havz_manifest_free(&m);
	assert_int_equal(havz_round_sums_write(round, NULL, why, sizeof(why)), 0);

	/* Same size and inode, content changed, mtime moved. */
	free(file_make(round, "pages-1.img", "xyz", 0600));
	snprintf(path, sizeof(path), "%s/pages-1.img", round);
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	text = reuse_text(dir, &st);
	assert_int_equal(st.reused_files, 0);
	assert_null(strstr(text, SHA_ABC " 3 pre/1/pages-1.img"));
	free(text);

	/* Same size and content as summed, but a new file (inode) in its place. */
	assert_int_equal(havz_round_sums_write(round, NULL, why, sizeof(why)), 0);
	free(file_make(round, "pages-1.new", "abc", 0600));
	snprintf(tmp, sizeof(tmp), "%s/pages-1.new", round);
	assert_int_equal(rename(tmp, path), 0);
	text = reuse_text(dir, &st);
	assert_int_equal(st.reused_files, 0);
	manifest_of(dir, &m);
	assert_memory_equal(entry_of(&m, "pre/1/pages-1.img")->sha256, abc, 32);
	assert_non_null(strstr(text, SHA_ABC " 3 pre/1/pages-1.img"));
	havz_manifest_free(&m);
	free(text);
	tmpdir_remove(dir);
}

/* A SUMS with a defect is no SUMS: everything hashed, the manifest still right. */
static void test_round_sums_defects(void **state)
{
	static const char *const bad[] = {
		"",
		"ha-vz-round-sums 2\nend\n",
		"ha-vz-round-sums 1\n", /* no end */
		"ha-vz-round-sums 1\n" SHA_EMPTY " 3 1 1.000000000 1.000000000 pages-1.img\n",
		"ha-vz-round-sums 1\n" SHA_EMPTY " 3 1 1.0 1.000000000 pages-1.img\nend\n",
		"ha-vz-round-sums 1\n" SHA_EMPTY " 3 1 1.000000000 1.000000000 ../x\nend\n",
		"ha-vz-round-sums 1\nend\nmore\n",
	};
	struct havz_scan_stats st;
	char *dir = image_make(), round[512], *full, *text;

	(void)state;
	snprintf(round, sizeof(round), "%s/pre/1", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		free(file_make(round, "SUMS", bad[i], 0600));
		full = full_text(dir);
		text = reuse_text(dir, &st);
		assert_string_equal(text, full);
		assert_int_equal(st.reused_files, 0);
		free(text);
		free(full);
	}
	tmpdir_remove(dir);
}

/* Only in a round directory: a SUMS elsewhere is an ordinary file and never a cache. */
static void test_round_sums_only_in_rounds(void **state)
{
	struct havz_scan_stats st;
	char *dir = image_make(), why[256] = "", *text, *full;

	(void)state;
	assert_int_equal(havz_round_sums_write(dir, NULL, why, sizeof(why)), 0);
	text = reuse_text(dir, &st);
	full = full_text(dir);
	assert_string_equal(text, full);
	assert_int_equal(st.reused_files, 0);
	free(text);
	free(full);
	tmpdir_remove(dir);
}

/* The restore's rule: round page images by size, every other file by sha256. */
static void test_verify_round_pages_by_size(void **state)
{
	struct havz_manifest m;
	char *dir = image_make(), round[512], why[256] = "";

	(void)state;
	snprintf(round, sizeof(round), "%s/pre/1", dir);
	free(file_make(round, "pagemap-1.img", "map", 0600));
	free(file_make(dir, "pages-1.img", "final", 0600));
	assert_int_equal(havz_round_sums_write(round, NULL, why, sizeof(why)), 0);
	manifest_of(dir, &m);

	/* Content changed, size kept: accepted (documented: size only). */
	free(file_make(round, "pages-1.img", "xyz", 0600));
	assert_int_equal(havz_manifest_verify(&m, "web", dir, why, sizeof(why)), 0);
	/* Size changed: refused. */
	free(file_make(round, "pages-1.img", "abcd", 0600));
	assert_int_equal(havz_manifest_verify(&m, "web", dir, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, "pre/1/pages-1.img: size 4, manifest says 3");
	free(file_make(round, "pages-1.img", "abc", 0600));
	assert_int_equal(havz_manifest_verify(&m, "web", dir, why, sizeof(why)), 0);

	/* The final dump's pages, a round's pagemap and its SUMS are still hashed. */
	free(file_make(dir, "pages-1.img", "FINAL", 0600));
	assert_int_equal(havz_manifest_verify(&m, "web", dir, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, "pages-1.img: sha256 mismatch");
	free(file_make(dir, "pages-1.img", "final", 0600));
	free(file_make(round, "pagemap-1.img", "MAP", 0600));
	assert_int_equal(havz_manifest_verify(&m, "web", dir, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, "pre/1/pagemap-1.img: sha256 mismatch");
	free(file_make(round, "pagemap-1.img", "map", 0600));
	assert_int_equal(havz_manifest_verify(&m, "web", dir, why, sizeof(why)), 0);
	free(file_make(dir, "core-1.img", "abd", 0600));
	assert_int_equal(havz_manifest_verify(&m, "web", dir, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, "core-1.img: sha256 mismatch");
	havz_manifest_free(&m);
	tmpdir_remove(dir);
}

/* SUMS is an image file: one written after the seal is an extra file. */
static void test_verify_sums_not_skipped(void **state)
{
	struct havz_manifest m;
	char *dir = image_make(), round[512], why[256] = "";

	(void)state;
	snprintf(round, sizeof(round), "%s/pre/1", dir);
	manifest_of(dir, &m);
	assert_int_equal(havz_round_sums_write(round, NULL, why, sizeof(why)), 0);
	assert_int_equal(havz_manifest_verify(&m, "web", dir, why, sizeof(why)), -ESTALE);
	assert_string_equal(why, "extra file pre/1/SUMS (not in the manifest)");
	havz_manifest_free(&m);
	tmpdir_remove(dir);
}

/* ---- freshness ---- */

static void sb_make(unsigned char *sb, unsigned mounts, uint32_t mtime)
{
	static const unsigned char uuid[16] = { 0x18, 0xc0, 0xe5, 0x27, 0xbb, 0x48, 0x41, 0xfd,
						0x84, 0x4d, 0x5c, 0xc5, 0x2d, 0x7b, 0xc9, 0xe3 };

	memset(sb, 0, HAVZ_EXT4_SB_SIZE);
	sb[0x38] = 0x53;
	sb[0x39] = 0xEF;
	sb[0x34] = (unsigned char)(mounts & 0xff);
	sb[0x35] = (unsigned char)(mounts >> 8);
	for (int i = 0; i < 4; i++)
		sb[0x2C + i] = (unsigned char)(mtime >> (8 * i));
	memcpy(sb + 0x68, uuid, 16);
}

static void test_identity_from_sb(void **state)
{
	unsigned char sb[HAVZ_EXT4_SB_SIZE];
	struct havz_fs_identity id;

	(void)state;
	sb_make(sb, 258, 1795655220);
	sb[0x275] = 1; /* s_mtime_hi */
	assert_int_equal(havz_fs_identity_from_sb(sb, sizeof(sb), &id), 0);
	assert_string_equal(id.uuid, "18c0e527-bb48-41fd-844d-5cc52d7bc9e3");
	assert_int_equal(id.mount_count, 258);
	assert_true(id.mount_time == 1795655220LL + (1LL << 32));
	assert_string_equal(id.drbd, "-");
	sb[0x38] = 0;
	assert_int_equal(havz_fs_identity_from_sb(sb, sizeof(sb), &id), -EINVAL);
	assert_int_equal(havz_fs_identity_from_sb(sb, 100, &id), -EINVAL);
}

/* The superblock of a real mkfs.ext4 image, when mke2fs is installed. */
static void test_identity_real_ext4(void **state)
{
	char *dir = tmpdir_make(), cmd[1024], img[300];
	unsigned char sb[HAVZ_EXT4_SB_SIZE];
	struct havz_fs_identity id;
	FILE *f;

	(void)state;
	snprintf(img, sizeof(img), "%s/fs.img", dir);
	snprintf(cmd, sizeof(cmd),
		 "truncate -s 8M '%s' && mkfs.ext4 -q -F -U 0ccd0c2d-3c4e-4c1f-9f3a-a4b2c5d6e7f8 "
		 "'%s' "
		 ">/dev/null 2>&1",
		 img, img);
	if (system(cmd) != 0) {
		tmpdir_remove(dir);
		skip();
	}
	f = fopen(img, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, HAVZ_EXT4_SB_OFFSET, SEEK_SET), 0);
	assert_int_equal(fread(sb, 1, sizeof(sb), f), sizeof(sb));
	fclose(f);
	assert_int_equal(havz_fs_identity_from_sb(sb, sizeof(sb), &id), 0);
	assert_string_equal(id.uuid, "0ccd0c2d-3c4e-4c1f-9f3a-a4b2c5d6e7f8");
	assert_int_equal(id.mount_count, 0);
	tmpdir_remove(dir);
}

static void expect_fresh(const struct havz_fs_identity *cur, int rc, const char *want)
{
	char why[256] = "";

	assert_int_equal(havz_fs_identity_check(&ID, cur, why, sizeof(why)), rc);
	assert_string_equal(why, want);
}

static void test_identity_check(void **state)
{
	struct havz_fs_identity cur = ID;

	(void)state;
	expect_fresh(&cur, 0, ""); /* same mount: checkpoint then restore in place */
	cur.mount_count = 8;
	cur.mount_time = 1795659999;
	expect_fresh(&cur, 0, ""); /* unmounted there, mounted here: a switchover */
	cur.mount_count = 9;
	expect_fresh(&cur, -ESTALE,
		     "the filesystem was mounted 2 times since the dump (mount count 9, was 7)");
	cur.mount_count = 3;
	expect_fresh(&cur, -ESTALE,
		     "mount count went back from 7 to 3 (fsck reset or an older copy)");
	cur.mount_count = 7;
	expect_fresh(&cur, -ESTALE,
		     "mounted again since the dump (mount time 1795659999, was 1795655220)");
	cur = ID;
	strcpy(cur.uuid, "00000000-bb48-41fd-844d-5cc52d7bc9e3");
	expect_fresh(&cur, -ESTALE,
		     "another filesystem: UUID 00000000-bb48-41fd-844d-5cc52d7bc9e3, the image is "
		     "for 18c0e527-bb48-41fd-844d-5cc52d7bc9e3");
	cur = ID;
	strcpy(cur.drbd, "1234000000000000");
	expect_fresh(&cur, -ESTALE,
		     "DRBD data generation changed from B5A8C0FFEE000000 to 1234000000000000: the "
		     "data forked after the dump");
	strcpy(cur.drbd, "-");
	expect_fresh(&cur, -ESTALE,
		     "DRBD data generation B5A8C0FFEE000000 at the dump, unknown now");
}

static void test_identity_mount_count_wraps(void **state)
{
	struct havz_fs_identity rec = ID, cur = ID;
	char why[256];

	(void)state;
	rec.mount_count = 65535;
	cur.mount_count = 0;
	assert_int_equal(havz_fs_identity_check(&rec, &cur, why, sizeof(why)), 0);
}

static void test_identity_text(void **state)
{
	struct havz_fs_identity back;
	char text[200];

	(void)state;
	havz_fs_identity_format(&ID, text, sizeof(text));
	assert_string_equal(text, "uuid=18c0e527-bb48-41fd-844d-5cc52d7bc9e3 mounts=7 "
				  "mounted=1795655220 drbd=B5A8C0FFEE000000");
	assert_int_equal(havz_fs_identity_parse(text, &back), 0);
	assert_memory_equal(&back, &ID, sizeof(ID));
	assert_int_equal(havz_fs_identity_parse("uuid=18c0e527-bb48-41fd-844d-5cc52d7bc9e3 "
						"mounts=7 mounted=1",
						&back),
			 -EINVAL);
	assert_int_equal(havz_fs_identity_parse("uuid=18c0e527-bb48-41fd-844d-5cc52d7bc9e3 "
						"mounts=70000 mounted=1 drbd=-",
						&back),
			 -EINVAL);
	assert_int_equal(havz_fs_identity_parse("uuid=18c0e527-bb48-41fd-844d-5cc52d7bc9e3 "
						"mounts=7 mounted=1 drbd=-  extra=1",
						&back),
			 -EINVAL);
}

static void test_drbd_gi(void **state)
{
	char gi[17];

	(void)state;
	assert_int_equal(havz_drbd_parse_gi("B5A8C0FFEE000001:0000000000000000:4B8A4C7EC1EFD6A4:"
					    "4B894C7EC1EFD6A5:1:1:1:1:0:0:0\n",
					    gi),
			 0);
	assert_string_equal(gi, "B5A8C0FFEE000000"); /* the primary flag bit cleared */
	assert_int_equal(havz_drbd_parse_gi("\nb5a8c0ffee000000:0:0:0:1:1:0:0:0:0:0\n", gi), 0);
	assert_string_equal(gi, "B5A8C0FFEE000000");
	assert_int_equal(havz_drbd_parse_gi("No such resource\n", gi), -EINVAL);
	assert_int_equal(havz_drbd_parse_gi("B5A8C0FFEE00000:x", gi), -EINVAL);
}

static void test_mountinfo(void **state)
{
	static const char mi[] =
		"22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
		"43 22 147:0 / /srv/ha-vz/web rw,relatime shared:30 - ext4 /dev/drbd0 rw\n"
		"44 22 7:0 / /srv/ha-vz/my\\040ct rw - ext4 /dev/loop0 rw\n"
		"45 43 0:50 / /srv/ha-vz/web rw - tmpfs tmpfs rw\n";
	char dev[64];

	(void)state;
	assert_int_equal(havz_mountinfo_source(mi, "/srv/ha-vz/my ct", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/loop0");
	/* Stacked mounts: the one on top counts. */
	assert_int_equal(havz_mountinfo_source(mi, "/srv/ha-vz/web", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "tmpfs");
	assert_int_equal(havz_mountinfo_source(mi, "/srv/ha-vz/db", dev, sizeof(dev)), -ENOENT);
	assert_int_equal(havz_mountinfo_source(mi, "/", dev, sizeof(dev)), 0);
	assert_string_equal(dev, "/dev/vda1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_format),
		cmocka_unit_test(test_parse_roundtrip_and_verify),
		cmocka_unit_test(test_verify_reasons),
		cmocka_unit_test(test_verify_wrong_container),
		cmocka_unit_test(test_scan_refuses_escaping_link_and_odd_files),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_claim_single_use),
		cmocka_unit_test(test_dir_bytes),
		cmocka_unit_test(test_hash_checked_rule),
		cmocka_unit_test(test_round_sums_reused_by_seal),
		cmocka_unit_test(test_round_sums_stale_stamp),
		cmocka_unit_test(test_round_sums_defects),
		cmocka_unit_test(test_round_sums_only_in_rounds),
		cmocka_unit_test(test_verify_round_pages_by_size),
		cmocka_unit_test(test_verify_sums_not_skipped),
		cmocka_unit_test(test_identity_from_sb),
		cmocka_unit_test(test_identity_real_ext4),
		cmocka_unit_test(test_identity_check),
		cmocka_unit_test(test_identity_mount_count_wraps),
		cmocka_unit_test(test_identity_text),
		cmocka_unit_test(test_drbd_gi),
		cmocka_unit_test(test_mountinfo),
	};

	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}

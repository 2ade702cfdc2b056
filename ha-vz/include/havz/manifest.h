/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The checkpoint MANIFEST: what a dump wrote, tied to the filesystem state it
 * belongs to, and used at most once.
 *
 *   ha-vz-checkpoint 1
 *   container web
 *   created 1732579200
 *   identity uuid=18c0e527-bb48-41fd-844d-5cc52d7bc9e3 mounts=7 mounted=1732579100 drbd=B5A8...
 *   5f2b...e1 4096 core-1.img                  (sha256 size path, one per image file)
 *   symlink pre/2 parent                       (symlinks CRIU made: target path)
 *   end
 *
 * Paths are relative to the image directory, sorted, and may contain only
 * [A-Za-z0-9._+-] and '/'. The "end" line proves the file is whole.
 *
 * Hashing outside the freeze: a pre-dump round (pre/N) is written while the
 * container still runs and never changes afterwards, so its files are hashed
 * right then into pre/N/SUMS (havz_round_sums_write: sha256, size, inode,
 * mtime, ctime per file). The seal (havz_manifest_scan_reuse) takes a round
 * file's sum from there while the file's size, inode, mtime and ctime are
 * unchanged, and hashes only the rest: the final dump's own files, inside the
 * freeze. SUMS is an image file like any other (listed, hashed, checked).
 *
 * What a restore re-reads (havz_manifest_hash_checked): every file's
 * presence, type, symlink target and size, and the sha256 of every file but
 * the rounds' page images, pre/N/pages-*.img. Those hold the container's
 * whole memory: re-reading them would put it all back into the freeze. Their
 * integrity rests on the freshness check below (no other mount, no forked
 * DRBD data generation since the dump) and on DRBD protocol C, which acked
 * every write on both nodes; a torn or swapped page file still has to keep
 * its exact size to pass.
 *
 * Freshness (see ha-vz-hooks(7) and checkpoint-hooks/README): the identity is
 * the ext4 mount generation (UUID, mount count, last mount time) plus the
 * DRBD current data-generation UUID. Our own writes after the dump (images,
 * manifest, the used-mark) cannot change it; a mount anywhere else, a forked
 * data generation or a new filesystem does.
 */
#ifndef HAVZ_MANIFEST_H
#define HAVZ_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "havz/buf.h"

#define HAVZ_MANIFEST_VERSION 1
#define HAVZ_MANIFEST_NAME "MANIFEST"
#define HAVZ_MANIFEST_USED "MANIFEST.used"
#define HAVZ_MANIFEST_PATH_MAX 200
#define HAVZ_MANIFEST_ENTRIES_MAX 65536
#define HAVZ_ROUND_SUMS "SUMS"	 /* in each pre-dump round directory pre/N */
#define HAVZ_ROUND_SUMS_MAX 2048 /* files per round; more are hashed at the seal */
#define HAVZ_EXT4_SB_OFFSET 1024
#define HAVZ_EXT4_SB_SIZE 1024

struct havz_fs_identity {
	char uuid[37];	      /* the filesystem's UUID, lower-case text */
	unsigned mount_count; /* ext4 s_mnt_count: +1 on every read-write mount */
	int64_t mount_time;   /* ext4 s_mtime: when the current mount began */
	char drbd[17];	      /* DRBD current data-generation UUID (hex), "-": none */
};

struct havz_manifest_entry {
	char path[HAVZ_MANIFEST_PATH_MAX];
	bool is_link;
	uint64_t size;
	unsigned char sha256[32];
	char target[HAVZ_MANIFEST_PATH_MAX]; /* symlinks only */
};

struct havz_manifest {
	unsigned version;
	char container[64];
	int64_t created;
	struct havz_fs_identity id;
	struct havz_manifest_entry *entries;
	size_t n, cap;
};

void havz_manifest_free(struct havz_manifest *m);

/*
 * Walks dir (not following symlinks) and records every image file with its
 * SHA-256 and size, and every symlink with its target. Skipped: the
 * MANIFEST files themselves, "*.log", temporaries of havz_file_write_atomic.
 * Other file types, unsafe names or links leaving dir: -EINVAL, why set.
 */
int havz_manifest_scan(const char *dir, struct havz_manifest *m, char *why, size_t why_size);

struct havz_scan_stats {
	uint64_t hashed_bytes; /* read and hashed by the scan */
	uint64_t reused_bytes; /* taken from a round's SUMS, not read again */
	unsigned hashed_files;
	unsigned reused_files;
};

/*
 * havz_manifest_scan for the seal: the same manifest, but a file directly in
 * a round directory pre/N takes its sum from pre/N/SUMS when an entry of the
 * same name has the file's size, inode, mtime and ctime; any other file (or
 * a SUMS that is missing or unreadable) is hashed. stats may be NULL.
 */
int havz_manifest_scan_reuse(const char *dir, struct havz_manifest *m,
			     struct havz_scan_stats *stats, char *why, size_t why_size);

/*
 * Hashes every regular file of the finished pre-dump round directory round
 * (not *.log, not SUMS itself) and writes round/SUMS atomically. A file that
 * changes while it is hashed is left out (the seal hashes it). stats may be
 * NULL. 0 or -errno with why.
 */
int havz_round_sums_write(const char *round, struct havz_scan_stats *stats, char *why,
			  size_t why_size);

/*
 * The rule of what a restore re-hashes: false for a pre-dump round's page
 * image ("pre/N/pages-*.img", checked by size only), true for every other
 * path.
 */
bool havz_manifest_hash_checked(const char *path);

/* Appends the text form to out. */
int havz_manifest_format(const struct havz_manifest *m, struct havz_buf *out);

/* Parses the text form. -EINVAL with why ("line 3: ...") on any defect. */
int havz_manifest_parse(const char *text, struct havz_manifest *m, char *why, size_t why_size);

/*
 * Checks that dir holds exactly what want lists, for container ct:
 * 0, or -ESTALE with why naming the first difference (wrong container,
 * missing file, extra file, size or hash mismatch, symlink changed).
 * Hashes are compared, and files read, only where havz_manifest_hash_checked
 * says so; the other files are checked by size.
 */
int havz_manifest_verify(const struct havz_manifest *want, const char *ct, const char *dir,
			 char *why, size_t why_size);

/*
 * Claims the image in dir for one restore: renames MANIFEST to MANIFEST.used
 * and syncs the directory, so a second start (even after a crash mid-restore)
 * never uses it again. 0: claimed; -ENOENT: no image; -ESTALE: used already.
 */
int havz_manifest_claim(const char *dir, char *why, size_t why_size);

/* Reads a whole directory tree's regular files: sum of their sizes, skipping the manifest. */
int havz_dir_bytes(const char *dir, uint64_t *bytes);

/* --- Freshness: the identity of the filesystem state --- */

/* From the 1024-byte ext4 superblock. -EINVAL when it is not ext2/3/4. */
int havz_fs_identity_from_sb(const unsigned char *sb, size_t len, struct havz_fs_identity *id);

/*
 * From `drbdadm get-gi` output "CURRENT:BITMAP:HIST1:HIST2:flags...": the
 * current UUID with bit 0 (the "was primary" flag) cleared. -EINVAL otherwise.
 */
int havz_drbd_parse_gi(const char *text, char out[17]);

/*
 * Is the filesystem now (cur) still in the state the image was taken from
 * (rec)? Accepted: the same mount (count and time equal), or exactly one
 * mount later (the switchover's unmount here and mount there). Refused with
 * -ESTALE and why: another filesystem, more mounts in between (used
 * elsewhere), a mount count going back (fsck reset, older copy), a different
 * DRBD data generation, or DRBD state known at dump but unknown now.
 */
int havz_fs_identity_check(const struct havz_fs_identity *rec, const struct havz_fs_identity *cur,
			   char *why, size_t why_size);

/* "uuid=... mounts=N mounted=T drbd=X" and back. */
void havz_fs_identity_format(const struct havz_fs_identity *id, char *out, size_t size);
int havz_fs_identity_parse(const char *text, struct havz_fs_identity *id);

/* The source device of the mount at mountpoint, from /proc/self/mountinfo text. */
int havz_mountinfo_source(const char *mountinfo, const char *mountpoint, char *dev, size_t size);

#endif

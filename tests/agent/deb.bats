#!/usr/bin/env bats
# The Debian package: `make deb` builds it, lintian finds no error or warning, and, the
# way piuparts does it, it installs, upgrades from the previous version, is removed and
# purged in a Debian 12 chroot (tests/deb/chroot-base: a cached minbase root that holds
# the package's dependencies) with the real dpkg and maintainer scripts. "The previous
# version" is this tree built again as VERSION 0.0.99 (tests/deb/build-as-version: the
# same files under a lower version; what an upgrade changes is dpkg's handling and the
# maintainer scripts, which is what this checks). cluster.bats upgrades a running lab.
# The package builds skip dh_auto_test (DEB_BUILD_OPTIONS=nocheck): the unit tier runs
# those tests. HAVZ_DEB_CACHE overrides the chroot cache directory.
# shellcheck disable=SC2154 # status and output are set by bats' run

HAVZ_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
PREV_VERSION=0.0.99

fail() {
	printf '%s\n' "$*" >&2
	return 1
}

# The tree's own version, as `make deb` names the package.
tree_version() { sed -n 's/^VERSION *:= *//p' "$HAVZ_TOP/Makefile"; }

# build_deb SRC OUT: make deb in SRC, the package into OUT.
build_deb() {
	DEB_BUILD_OPTIONS=nocheck make -s -C "$1" deb DEB_DIR="$2" >"$2.log" 2>&1 ||
		{
			tail -30 "$2.log" >&2
			return 1
		}
}

# Every path of the root R, minus what dpkg and apt keep for themselves.
snapshot() {
	(cd "$1" && find . -xdev \
		-path ./proc -prune -o -path ./tmp -prune -o -path ./var/lib/dpkg -prune -o \
		-path ./var/log -prune -o -path ./var/cache -prune -o -print | sort)
}

in_root() { chroot "$R" "$@" </dev/null; }
# dpkg's view of ha-vz in the chroot: "STATUS VERSION".
# shellcheck disable=SC2016 # dpkg-query's own ${field} syntax
pkg_state() { in_root dpkg-query -W -f='${Status} ${Version}' ha-vz; }

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (chroot, dpkg in it)"
	for t in dpkg-buildpackage dh lintian debootstrap; do
		command -v "$t" >/dev/null || fail "missing $t: run tests/install-deps"
	done
	V=$(tree_version)
	D=$BATS_FILE_TMPDIR
	export V D
	mkdir -p "$D/new"
	build_deb "$HAVZ_TOP" "$D/new"
	# The previous version: the same tree, VERSION and changelog one step lower.
	"$HAVZ_TOP/tests/deb/build-as-version" "$PREV_VERSION" "$D/prev" >/dev/null
	NEW_DEB=$D/new/ha-vz_${V}_amd64.deb
	PREV_DEB=$D/prev/ha-vz_${PREV_VERSION}_amd64.deb
	export NEW_DEB PREV_DEB
	base=$("$HAVZ_TOP/tests/deb/chroot-base" "$NEW_DEB")
	R=$D/root
	cp -a "$base" "$R"
	cp "$NEW_DEB" "$PREV_DEB" "$R/tmp/"
	snapshot "$R" >"$D/before"
	export R
}

teardown_file() {
	[ -n "${R:-}" ] && [ -d "$R" ] && rm -rf "$R"
	return 0
}

@test "make deb: ha-vz_VERSION_amd64.deb with the daemon, agents, handlers, unit and man pages" {
	[ -f "$NEW_DEB" ] || fail "no $NEW_DEB"
	[ "$(dpkg-deb -f "$NEW_DEB" Version)" = "$V" ]
	[ "$(dpkg-deb -f "$NEW_DEB" Architecture)" = amd64 ]
	run dpkg-deb -c "$NEW_DEB"
	[ "$status" -eq 0 ]
	for f in ./usr/sbin/ha-vz ./usr/sbin/ha-vzd ./usr/lib/ocf/resource.d/ha-vz/container \
		./usr/lib/ha-vz/ocf-container ./usr/lib/ha-vz/drbd-fence-peer \
		./usr/lib/ha-vz/drbd-unfence-peer ./usr/lib/ha-vz/drbd-split-brain \
		./etc/ha.d/resource.d/ha-vz-container \
		./etc/ha.d/resource.d/ha-vz-drbd ./etc/ha.d/resource.d/ha-vz-mount \
		./etc/ha-vz/ha-vz.conf.example ./etc/ha-vz/hooks/post-restore.d/50-gratuitous-arp \
		./etc/ha-vz/alerts.d/10-syslog ./etc/ha-vz/alerts.d/50-mail \
		./usr/share/man/man7/ha-vz-alerts.7.gz \
		./lib/systemd/system/ha-vzd.service ./usr/share/man/man8/ha-vzd.8.gz \
		./usr/share/man/man5/ha-vz.conf.5.gz ./usr/share/man/man7/ha-vz-hooks.7.gz; do
		grep -q " $f\$" <<<"$output" || fail "$f is not in the package"
	done
	run dpkg-deb -f "$NEW_DEB" Depends
	for p in drbd-utils heartbeat lxc libqb100 libssl3; do
		grep -qw "$p" <<<"$output" || fail "Depends lacks $p: $output"
	done
	# Every file under /etc is a conffile: dpkg keeps the admin's edits.
	dpkg-deb --ctrl-tarfile "$NEW_DEB" | tar -xO ./conffiles >"$D/conffiles"
	grep -qx /etc/ha-vz/ha-vz.conf.example "$D/conffiles"
	grep -qx /etc/ha.d/resource.d/ha-vz-drbd "$D/conffiles"
	grep -qx /etc/ha-vz/alerts.d/50-mail "$D/conffiles"
}

@test "lintian: no error and no warning (overrides are justified in debian/)" {
	run lintian --fail-on error,warning "$D/new/ha-vz_${V}_amd64.changes"
	printf '# %s\n' "${lines[@]}" >&3
	[ "$status" -eq 0 ] || fail "lintian exited $status: $output"
	if grep -E '^[EW]: ' <<<"$output"; then fail "lintian: $output"; fi
}

@test "chroot: the previous version installs; the admin edits a conffile and writes ha-vz.conf" {
	run in_root dpkg -i "/tmp/${PREV_DEB##*/}"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(pkg_state)" = "install ok installed $PREV_VERSION" ]
	run in_root /usr/sbin/ha-vz --version
	[ "$output" = "ha-vz $PREV_VERSION" ]
	echo "# edited by the admin" >>"$R/etc/ha-vz/ha-vz.conf.example"
	cp "$HAVZ_TOP/conf/ha-vz.conf" "$R/etc/ha-vz/ha-vz.conf"
	in_root systemctl is-enabled ha-vzd.service >/dev/null 2>&1 && fail "ha-vzd.service is enabled"
	[ ! -e "$R/etc/systemd/system/multi-user.target.wants/ha-vzd.service" ]
}

@test "chroot: the upgrade keeps the edited conffile and the admin's ha-vz.conf" {
	run in_root dpkg -i "/tmp/${NEW_DEB##*/}"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(pkg_state)" = "install ok installed $V" ]
	run in_root /usr/sbin/ha-vz --version
	[ "$output" = "ha-vz $V" ]
	[ "$(tail -1 "$R/etc/ha-vz/ha-vz.conf.example")" = "# edited by the admin" ]
	cmp "$HAVZ_TOP/conf/ha-vz.conf" "$R/etc/ha-vz/ha-vz.conf"
	[ -x "$R/usr/lib/ocf/resource.d/ha-vz/container" ]
	grep -qx 'HAVZ_OCF_BIN_DEFAULT=/usr/lib/ha-vz/ocf-container' \
		"$R/usr/lib/ocf/resource.d/ha-vz/container"
}

@test "chroot: remove keeps the conffiles, purge takes them and leaves nothing of the package" {
	run in_root dpkg -r ha-vz
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(pkg_state)" = "deinstall ok config-files $V" ]
	[ ! -e "$R/usr/sbin/ha-vzd" ]
	[ -f "$R/etc/ha-vz/ha-vz.conf.example" ]
	[ -f "$R/etc/ha.d/resource.d/ha-vz-drbd" ]
	run in_root dpkg -P ha-vz
	[ "$status" -eq 0 ] || fail "$output"
	run pkg_state
	[ "$status" -ne 0 ] || [ "$output" = "unknown ok not-installed " ] || fail "still known: $output"
	[ ! -e "$R/etc/ha-vz/ha-vz.conf.example" ]
	[ ! -e "$R/etc/ha-vz/hooks" ]
	[ ! -e "$R/etc/ha.d/resource.d/ha-vz-drbd" ]
	# What is left is what the admin made (ha-vz.conf, its directory), and nothing was taken.
	snapshot "$R" >"$D/after"
	run comm -13 "$D/before" "$D/after"
	[ "$output" = $'./etc/ha-vz\n./etc/ha-vz/ha-vz.conf' ] || fail "left behind: $output"
	run comm -23 "$D/before" "$D/after"
	[ -z "$output" ] || fail "the purge took: $output"
}

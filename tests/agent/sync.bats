#!/usr/bin/env bats
# ha-vz sync end to end on this host, no VM: the "peer" (beta) is a real sshd on 127.0.0.1
# in a mount namespace of its own, and the "local" node (alpha) another. In each, /etc,
# /var/lib and /run are overlays (tests/agent/ns-overlay), so each node has its own
# /etc/ha-vz, /var/lib/ha-vz/sync and rendered /etc/ha.d, /etc/drbd.d, /etc/corosync, while
# the host's own files are never written (the last test checks that). ha-vz there is the
# build's, bind-mounted over /usr/local/sbin; ssh and rsync are the real ones.
# shellcheck disable=SC2154 # status and output are set by bats' run

HAVZ_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HAVZ=${HAVZ:-$HAVZ_TOP/build/ha-vz}
NS_OVERLAY=$BATS_TEST_DIRNAME/ns-overlay
HOST_DIRS=(/etc/ha.d /etc/drbd.d /etc/corosync /etc/ha-vz /var/lib/ha-vz)

load ../assert

# Commands on beta (the sshd's mount namespace) and on alpha (a sleep's).
on_beta() {
	nsenter --target "$(cat "$D/sshd.pid")" --mount -- "$@"
}
on_alpha() {
	nsenter --target "$(cat "$D/alpha.pid")" --mount -- "$@"
}

hash_of() {
	sha256sum | cut -d' ' -f1
}

# ha-vz sync on alpha, to beta's sshd.
sync_alpha() {
	run on_alpha "$HAVZ" sync -n alpha --peer-address 127.0.0.1 --ssh-port "$PORT" \
		--ssh-option "IdentityFile=$D/ssh/id" --ssh-option IdentitiesOnly=yes \
		--ssh-option "UserKnownHostsFile=$D/ssh/known_hosts" \
		--ssh-option GlobalKnownHostsFile=/dev/null --ssh-option StrictHostKeyChecking=yes \
		"$@"
}

# Every file below the host's directories that sync and render write, with its hash and
# mode, and which of the directories exist.
host_state() {
	local d present=()
	for d in "${HOST_DIRS[@]}"; do
		if [ -d "$d" ]; then
			echo "directory $d"
			present+=("$d")
		else
			echo "no directory $d"
		fi
	done
	find "${present[@]}" -type f -printf '%m %p\n' -exec sha256sum {} \;
}

free_port() {
	local p
	for p in $(shuf -i 20000-60000 -n 50); do
		[ -n "$(ss -Hltn "sport = :$p")" ] || {
			echo "$p"
			return 0
		}
	done
	return 1
}

wait_listening() {
	local n=100
	while [ "$n" -gt 0 ]; do
		[ -z "$(ss -Hltn "sport = :$PORT")" ] || return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

setup_file() {
	[ -x "$HAVZ" ] || fail "$HAVZ is missing: run make first"
	[ -x /usr/sbin/sshd ] || fail "no /usr/sbin/sshd: run tests/install-deps (openssh-server)"
	D=$BATS_FILE_TMPDIR
	PORT=$(free_port)
	export D PORT
	host_state >"$D/host-before"
	mkdir -p "$D/ssh" "$D/bin" "$D/alpha" "$D/beta"
	cp "$HAVZ" "$D/bin/ha-vz"
	ssh-keygen -q -t ed25519 -N '' -C "ha-vz sync test host" -f "$D/ssh/host"
	ssh-keygen -q -t ed25519 -N '' -C "ha-vz sync test" -f "$D/ssh/id"
	cp "$D/ssh/id.pub" "$D/ssh/authorized_keys"
	echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$D/ssh/host.pub")" >"$D/ssh/known_hosts"
	cat >"$D/ssh/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $D/ssh/host
PidFile none
AuthorizedKeysFile $D/ssh/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
EOF
	# Both exec'd by ns-overlay: $! is the sshd, the sleep. fd 3 closed, or bats waits.
	"$NS_OVERLAY" "$D/beta" "$D/bin" /usr/sbin/sshd -D -e -f "$D/ssh/sshd_config" \
		>"$D/sshd.log" 2>&1 3>&- &
	echo $! >"$D/sshd.pid"
	"$NS_OVERLAY" "$D/alpha" "$D/bin" sleep infinity >/dev/null 2>&1 3>&- &
	echo $! >"$D/alpha.pid"
	wait_listening || fail "sshd did not listen on $PORT:" "$(cat "$D/sshd.log")"
	# Neither node starts with records (a host's own would show through the overlays).
	on_alpha rm -rf /var/lib/ha-vz/sync
	on_beta rm -rf /var/lib/ha-vz/sync
	# The same key on both nodes; beta's config differs from alpha's (keepalive).
	on_alpha "$HAVZ" keygen -o /etc/ha-vz/authkey >/dev/null 2>&1
	on_alpha cp "$HAVZ_TOP/conf/ha-vz.conf" /etc/ha-vz/ha-vz.conf
	on_alpha cat /etc/ha-vz/authkey | on_beta sh -c 'umask 077; cat >/etc/ha-vz/authkey'
	sed 's/^keepalive = 500ms/keepalive = 1s/' "$HAVZ_TOP/conf/ha-vz.conf" |
		on_beta sh -c 'cat >/etc/ha-vz/ha-vz.conf'
}

teardown_file() {
	[ -n "${D:-}" ] || return 0
	local p
	for p in sshd alpha; do
		[ -f "$D/$p.pid" ] && kill "$(cat "$D/$p.pid")" 2>/dev/null
	done
	return 0
}

@test "sync: the first sync sends alpha's config; beta installs it byte for byte and renders" {
	! on_beta grep -qx 'keepalive 500ms' /etc/ha.d/ha.cf 2>/dev/null ||
		fail "beta rendered alpha's config before the sync"
	sync_alpha
	assert_status 0
	assert_output_has "sync: fetching beta's ha-vz.conf (127.0.0.1)"
	assert_output_has "sync: ha-vz.conf: no sync recorded on beta: first sync, replacing its copy"
	assert_output_has "-keepalive = 1s"
	assert_output_has "+keepalive = 500ms"
	assert_output_has "beta: sync: installed /etc/ha-vz/ha-vz.conf"
	on_alpha cat /etc/ha-vz/ha-vz.conf >"$D/alpha.conf"
	on_beta cat /etc/ha-vz/ha-vz.conf >"$D/beta.conf"
	cmp "$D/alpha.conf" "$D/beta.conf" || fail "beta's ha-vz.conf is not alpha's"
	[ "$(on_beta stat -c '%a %U' /etc/ha-vz/ha-vz.conf)" = "644 root" ]
	local h
	h=$(hash_of <"$D/alpha.conf")
	[ "$(on_alpha cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$h" ]
	[ "$(on_beta cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$h" ]
	[ "$(on_beta stat -c %a /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = 600 ]
	on_beta grep -qx 'keepalive 500ms' /etc/ha.d/ha.cf || fail "beta's ha.cf not rendered"
	on_alpha grep -qx 'keepalive 500ms' /etc/ha.d/ha.cf || fail "alpha's ha.cf not rendered"
	on_beta test -f /etc/drbd.d/ct-web.res
	on_beta test ! -e /etc/ha-vz/.ha-vz.conf.sync
}

@test "sync: with nothing changed, nothing is sent" {
	local before
	before=$(on_beta stat -c '%i %Y' /etc/ha-vz/ha-vz.conf)
	sync_alpha
	assert_status 0
	assert_output_has "ha-vz.conf: equal on both nodes"
	assert_output_has "sync: beta already has this configuration: nothing to send"
	refute_output_has "sending"
	[ "$(on_beta stat -c '%i %Y' /etc/ha-vz/ha-vz.conf)" = "$before" ]
}

@test "sync --dry-run shows the diff and changes nothing on beta; then sync sends it" {
	on_alpha sed -i 's/^deadtime = 3s/deadtime = 4s/' /etc/ha-vz/ha-vz.conf
	local conf record
	conf=$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)
	record=$(on_beta cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)
	sync_alpha --dry-run
	assert_status 0
	assert_output_has "--- beta:/etc/ha-vz/ha-vz.conf"
	assert_output_has "+++ alpha:/etc/ha-vz/ha-vz.conf"
	assert_output_has "-deadtime = 3s"
	assert_output_has "+deadtime = 4s"
	assert_output_has "sync --dry-run: would send ha-vz.conf to beta"
	refute_output_has "sending"
	[ "$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)" = "$conf" ]
	[ "$(on_beta cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$record" ]
	[ "$(on_alpha cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$record" ]
	on_beta grep -qx 'deadtime 3' /etc/ha.d/ha.cf
	on_alpha grep -qx 'deadtime 3' /etc/ha.d/ha.cf

	sync_alpha
	assert_status 0
	assert_output_has "ha-vz.conf: beta's copy is the one synced last ($record): replacing it"
	on_beta grep -qx 'deadtime 4' /etc/ha.d/ha.cf
	on_alpha grep -qx 'deadtime 4' /etc/ha.d/ha.cf
	[ "$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)" = "$(on_alpha cat /etc/ha-vz/ha-vz.conf | hash_of)" ]
}

@test "sync: a copy edited on beta since the last sync is refused (exit 5); --force overwrites it" {
	on_beta sh -c 'echo "# edited on beta" >>/etc/ha-vz/ha-vz.conf'
	on_alpha sed -i 's/^warntime = 2s/warntime = 1s/' /etc/ha-vz/ha-vz.conf
	local edited recorded
	edited=$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)
	recorded=$(on_beta cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)
	sync_alpha
	assert_status 5
	assert_output_has "sync: ha-vz.conf: beta's copy changed since the last sync (it has $edited, the sync recorded $recorded): someone edited it there; merge that change into this node's file, or use --force to overwrite"
	assert_output_has "-# edited on beta"
	assert_output_has "sync: refused: nothing was sent to beta"
	[ "$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)" = "$edited" ]
	[ "$(on_alpha cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$recorded" ]
	on_beta grep -qx 'warntime 2' /etc/ha.d/ha.cf

	sync_alpha --force
	assert_status 0
	assert_output_has "overwriting it (--force)"
	on_alpha cat /etc/ha-vz/ha-vz.conf >"$D/alpha.conf"
	on_beta cat /etc/ha-vz/ha-vz.conf >"$D/beta.conf"
	cmp "$D/alpha.conf" "$D/beta.conf" || fail "--force did not overwrite beta's copy"
	on_beta grep -qx 'warntime 1' /etc/ha.d/ha.cf
	[ "$(on_beta cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$(hash_of <"$D/alpha.conf")" ]
}

@test "sync --key sends a new cluster key, mode 600 kept, and never prints it" {
	on_alpha "$HAVZ" keygen --force -o /etc/ha-vz/authkey >/dev/null 2>&1
	local key authkeys
	key=$(on_alpha cat /etc/ha-vz/authkey)
	authkeys=$(on_beta cat /etc/ha.d/authkeys)
	[ "$(on_beta cat /etc/ha-vz/authkey)" != "$key" ] || fail "the keys were equal already"
	sync_alpha --key
	assert_status 0
	assert_output_has "cluster key (/etc/ha-vz/authkey): differs between the nodes"
	assert_output_has "beta: sync: installed /etc/ha-vz/authkey"
	refute_output_has "$key"
	[ "$(on_beta cat /etc/ha-vz/authkey)" = "$key" ]
	[ "$(on_beta stat -c '%a %U' /etc/ha-vz/authkey)" = "600 root" ]
	[ "$(on_beta cat /var/lib/ha-vz/sync/authkey.sha256)" = "$(printf '%s\n' "$key" | hash_of)" ]
	[ "$(on_alpha cat /var/lib/ha-vz/sync/authkey.sha256)" = "$(printf '%s\n' "$key" | hash_of)" ]
	# heartbeat's authkeys, rendered from the key, changed on beta and match alpha's
	[ "$(on_beta cat /etc/ha.d/authkeys)" != "$authkeys" ]
	[ "$(on_beta cat /etc/ha.d/authkeys)" = "$(on_alpha cat /etc/ha.d/authkeys)" ]
	on_beta test ! -e /etc/ha-vz/.authkey.sync
}

@test "sync: a config valid on alpha but refused by beta's check leaves beta's files alone (exit 3)" {
	# alpha has a second key file that beta lacks: beta's validation refuses the config.
	on_alpha cp -p /etc/ha-vz/authkey /etc/ha-vz/otherkey
	on_alpha sed -i 's|^auth_key_file = .*|auth_key_file = /etc/ha-vz/otherkey|' \
		/etc/ha-vz/ha-vz.conf
	local conf record line
	line=$(on_alpha grep -n '^auth_key_file' /etc/ha-vz/ha-vz.conf | cut -d: -f1)
	conf=$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)
	record=$(on_alpha cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)
	sync_alpha
	assert_status 3
	assert_output_has "beta: /etc/ha-vz/.ha-vz.conf.sync:$line: auth_key_file: /etc/ha-vz/otherkey: No such file or directory"
	assert_output_has "sync: beta refused the configuration; its own is unchanged"
	[ "$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)" = "$conf" ]
	[ "$(on_beta cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$record" ]
	[ "$(on_alpha cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$record" ]
	on_beta test ! -e /etc/ha-vz/.ha-vz.conf.sync
	on_alpha sed -i 's|^auth_key_file = .*|auth_key_file = /etc/ha-vz/authkey|' \
		/etc/ha-vz/ha-vz.conf
}

@test "sync --receive refuses a staged copy whose hash is not the one sent" {
	local conf staged
	conf=$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)
	sed 's/^deadtime = .*/deadtime = 9s/' "$HAVZ_TOP/conf/ha-vz.conf" |
		on_beta sh -c 'cat >/etc/ha-vz/.ha-vz.conf.sync'
	staged=$(on_beta cat /etc/ha-vz/.ha-vz.conf.sync | hash_of)
	run on_beta ha-vz sync --receive "$conf"
	assert_status 1
	assert_output_has "sync: /etc/ha-vz/.ha-vz.conf.sync has SHA-256 $staged, but the sender sent ha-vz.conf $conf"
	on_beta test ! -e /etc/ha-vz/.ha-vz.conf.sync
	[ "$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)" = "$conf" ]
	on_beta grep -qx 'deadtime 4' /etc/ha.d/ha.cf
}

@test "sync --receive refuses an invalid staged config with check-config's errors (exit 3)" {
	local conf staged line
	conf=$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)
	sed 's/^protocol = C/protocol = Z/' "$HAVZ_TOP/conf/ha-vz.conf" |
		on_beta sh -c 'cat >/etc/ha-vz/.ha-vz.conf.sync'
	line=$(grep -n '^protocol = C' "$HAVZ_TOP/conf/ha-vz.conf" | cut -d: -f1)
	staged=$(on_beta cat /etc/ha-vz/.ha-vz.conf.sync | hash_of)
	run on_beta ha-vz sync --receive "$staged"
	assert_status 3
	assert_output_has "/etc/ha-vz/.ha-vz.conf.sync:$line: protocol:"
	assert_output_has "sync: the configuration sent has errors: /etc/ha-vz/ha-vz.conf left unchanged"
	on_beta test ! -e /etc/ha-vz/.ha-vz.conf.sync
	[ "$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)" = "$conf" ]
}

@test "sync: a malformed record on beta is an error naming it; nothing is sent" {
	local record
	record=$(on_beta cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)
	printf '%s \n' "$record" | on_beta sh -c 'cat >/var/lib/ha-vz/sync/ha-vz.conf.sha256'
	on_alpha sed -i 's/^initdead = 20s/initdead = 30s/' /etc/ha-vz/ha-vz.conf
	sync_alpha
	assert_status 1
	assert_output_has "not a sync record (one line of 64 lowercase hex digits expected)"
	assert_output_has "(that is beta's /var/lib/ha-vz/sync/ha-vz.conf.sha256)"
	refute_output_has "sending"
	on_beta grep -qx 'initdead 20' /etc/ha.d/ha.cf
	printf '%s\n' "$record" | on_beta sh -c 'cat >/var/lib/ha-vz/sync/ha-vz.conf.sha256'
}

@test "sync: records that disagree between the nodes are refused (exit 5) naming both" {
	local record other
	record=$(on_beta cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)
	[ "$(on_alpha cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$record" ]
	other=$(printf 'another sync\n' | hash_of)
	printf '%s\n' "$other" | on_alpha sh -c 'cat >/var/lib/ha-vz/sync/ha-vz.conf.sha256'
	sync_alpha
	assert_status 5
	assert_output_has "sync: ha-vz.conf: the nodes' sync records disagree (beta recorded $record, this node $other)"
	assert_output_has "sync: refused: nothing was sent to beta"
	on_beta grep -qx 'initdead 20' /etc/ha.d/ha.cf
	[ "$(on_beta cat /var/lib/ha-vz/sync/ha-vz.conf.sha256)" = "$record" ]
	printf '%s\n' "$record" | on_alpha sh -c 'cat >/var/lib/ha-vz/sync/ha-vz.conf.sha256'
}

# Holds NODE's sync lock from a process of its own that writes its pid into the lock file, as
# ha-vz does; prints that pid once the lock is held.
hold_sync_lock() {
	# Emptied first: a pid an earlier holder left there is not this holder's.
	"on_$1" sh -c 'mkdir -p /run/ha-vz && : >/run/ha-vz/sync.lock'
	# flock -w, not -n: the poll below takes the lock for an instant too, and a holder that
	# met it there gave up at once (the test then failed, twice in CI-like runs).
	"on_$1" sh -c 'exec 9>>/run/ha-vz/sync.lock; flock -w 20 9 || exit 1
		echo $$ >/run/ha-vz/sync.lock; exec sleep 60' >/dev/null 2>&1 3>&- &
	# Up to 30 s. The pid is written after the lock is taken: wait for both.
	local n=300 holder
	while [ "$n" -gt 0 ]; do
		if ! "on_$1" flock -n /run/ha-vz/sync.lock true 2>/dev/null; then
			holder=$("on_$1" cat /run/ha-vz/sync.lock)
			if [ -n "$holder" ]; then
				echo "$holder"
				return 0
			fi
		fi
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

@test "sync: one sync at a time per node: a sync running on beta or on alpha refuses another (exit 5), nothing sent" {
	local pid beta_before
	on_alpha sh -c "echo '# one at a time' >>/etc/ha-vz/ha-vz.conf"
	beta_before=$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)
	pid=$(hold_sync_lock beta) || fail "could not hold beta's sync lock"
	sync_alpha
	kill "$pid"
	assert_status 5
	assert_output_has "beta: sync: refused: another ha-vz sync runs on this node (pid $pid, lock /run/ha-vz/sync.lock)"
	assert_output_has "sync: beta refused: its files are unchanged"
	[ "$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)" = "$beta_before" ] || fail "beta's file changed"
	# What alpha staged on beta went with the refusal.
	run on_beta ls -A /etc/ha-vz
	refute_output_has ".sync"
	pid=$(hold_sync_lock alpha) || fail "could not hold alpha's sync lock"
	sync_alpha
	kill "$pid"
	assert_status 5
	assert_output_has "sync: refused: another ha-vz sync runs on this node (pid $pid"
	refute_output_has "beta: sync: refused"
	refute_output_has "fetching beta's"
	[ "$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)" = "$beta_before" ] || fail "beta's file changed"
	# Both locks released (their holders gone): the sync goes through.
	sync_alpha
	assert_status 0
	[ "$(on_beta cat /etc/ha-vz/ha-vz.conf | hash_of)" = "$(on_alpha cat /etc/ha-vz/ha-vz.conf | hash_of)" ]
}

@test "sync: the host's own /etc and /var/lib were never written, no temporary directory is left" {
	host_state >"$D/host-after"
	grep -qx 'directory /etc/ha.d' "$D/host-after" || fail "host_state saw no /etc/ha.d"
	diff -u "$D/host-before" "$D/host-after" || fail "the host's files changed"
	[ -z "$(find /tmp -maxdepth 1 -name 'ha-vz-sync.*' -newer "$D/host-before")" ] ||
		fail "a sync left its temporary directory behind"
}

#!/usr/bin/env bats
# ha-vz sync on its own, without a peer: bad options, and everything that must be refused
# before any contact with the peer. tests/agent/sync.bats syncs with a real sshd.

load helpers

# A TCP port on 127.0.0.1 where nothing listens.
free_port() {
	local p
	for p in $(shuf -i 20000-60000 -n 50); do
		if [ -z "$(ss -Hltn "sport = :$p")" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

setup() {
	havz_setup
	PORT=$(free_port)
	# Whatever a test refuses, it would otherwise ssh to 127.0.0.1 where nothing listens.
	PEER=(-n alpha --peer-address 127.0.0.1 --ssh-port "$PORT")
}

@test "sync --help names every option and the exit codes; ha-vz --help lists sync" {
	run "$HAVZ" sync --help
	assert_status 0
	for o in --config --node --key --dry-run --force --peer-address --ssh-port --ssh-option; do
		assert_output_has "$o"
	done
	assert_output_has "Exit status: 0 synced"
	run "$HAVZ" --help
	assert_output_has "  sync "
}

@test "sync: bad options exit 2 naming the option" {
	run "$HAVZ" sync -c "$CONF" --bogus
	assert_status 2
	assert_output_has "unrecognized option '--bogus'"
	run "$HAVZ" sync -c "$CONF" --ssh-port 0
	assert_status 2
	assert_line_exact "sync: --ssh-port '0': not a port (1 to 65535)"
	run "$HAVZ" sync -c "$CONF" --ssh-port 22x
	assert_status 2
	assert_output_has "--ssh-port '22x'"
	run "$HAVZ" sync -c "$CONF" --ssh-option "ProxyCommand=nc 1 2"
	assert_status 2
	assert_output_has "sync: --ssh-option 'ProxyCommand=nc 1 2': one ssh option as KEY=VALUE"
	run "$HAVZ" sync -c "$CONF" --ssh-option "User='x'"
	assert_status 2
	assert_output_has "--ssh-option 'User='x''"
	run "$HAVZ" sync -c "$CONF" --ssh-option "-oProxyCommand=x"
	assert_status 2
	run "$HAVZ" sync -c "$CONF" --peer-address beta.example
	assert_status 2
	assert_line_exact "sync: --peer-address 'beta.example': not an IPv4 or IPv6 address"
	run "$HAVZ" sync -c "$CONF" extra
	assert_status 2
	assert_line_exact "sync: unexpected argument 'extra'"
}

@test "sync --receive takes exactly 64 lowercase hex digits, and no other option" {
	local h
	h=$(printf x | sha256sum | cut -d' ' -f1)
	run "$HAVZ" sync --receive "${h^^}"
	assert_status 2
	assert_output_has "sync: --receive '${h^^}': not 64 lowercase hex digits"
	run "$HAVZ" sync --receive "$h" --key-sha256 "${h:1}"
	assert_status 2
	assert_output_has "sync: --key-sha256 '${h:1}': not 64 lowercase hex digits"
	run "$HAVZ" sync --receive "$h" --force
	assert_status 2
	assert_output_has "--receive with no other option"
	run "$HAVZ" sync --key-sha256 "$h"
	assert_status 2
	assert_output_has "--key-sha256 goes only with --receive"
}

@test "sync: a broken local config exits 3 naming file:line, before any ssh" {
	sed -i 's/^protocol = C/protocol = Z/' "$CONF"
	local line
	line=$(grep -n '^protocol = Z' "$CONF" | cut -d: -f1)
	run "$HAVZ" sync -c "$CONF" "${PEER[@]}"
	assert_status 3
	assert_output_has "$CONF:$line: protocol:"
	refute_output_has "logging in"
	refute_output_has "fetching"
	refute_output_has "ssh"
}

@test "sync: this node must be one of the configuration's" {
	run "$HAVZ" sync -c "$CONF" -n gamma --peer-address 127.0.0.1 --ssh-port "$PORT"
	assert_status 2
	assert_line_exact "sync: this node 'gamma' is not in $CONF (use -n NAME)"
	refute_output_has "logging in"
}

@test "sync --key: a key of mode 644 is refused naming the file, before any ssh" {
	chmod 644 "$KEY"
	run "$HAVZ" sync -c "$CONF" --key "${PEER[@]}"
	assert_status 3
	assert_output_has "$KEY is accessible by group or others (mode 0644)"
	refute_output_has "logging in"
}

@test "sync --key: a key behind a symlink is refused naming it, before any ssh" {
	ln -s "$KEY" "$T/keylink"
	sed -i "s|^auth_key_file = .*|auth_key_file = $T/keylink|" "$CONF"
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	run "$HAVZ" sync -c "$CONF" --key "${PEER[@]}"
	assert_status 3
	assert_line_exact "sync: --key: $T/keylink is not a regular file"
	refute_output_has "logging in"
}

@test "sync: an unreachable peer is a clear ssh error that says how to fix it" {
	[ -z "$(ss -Hltn "sport = :$PORT")" ] || fail "port $PORT is in use"
	run "$HAVZ" sync -c "$CONF" "${PEER[@]}"
	assert_status 1
	assert_line_exact "sync: logging in to beta as root@127.0.0.1"
	assert_output_has "port $PORT: Connection refused"
	assert_output_has "sync: cannot log in to beta as root@127.0.0.1 with ssh (exit status 255)"
	assert_output_has "'ssh-copy-id root@127.0.0.1'"
	refute_output_has "fetching"
	[ -z "$(find /tmp -maxdepth 1 -name 'ha-vz-sync.*' -newer "$CONF")" ] ||
		fail "a temporary directory was left behind"
}

#!/usr/bin/env bats
# ha-vz render with fencing = resource-and-stonith, ping and watchdog: golden
# files, checked again by DRBD 8.4's drbdadm and by heartbeat 3 itself.

load helpers

# The example with an ipmi fence for both nodes (password files in T, mode
# 600), two ping addresses, a watchdog and resource-and-stonith.
setup() {
	havz_setup
	printf 's3cret\n' >"$T/alpha.pw"
	printf 's3cret\n' >"$T/beta.pw"
	chmod 600 "$T/alpha.pw" "$T/beta.pw"
	local b
	sed -i -e "s/^fencing = resource-only .*/fencing = resource-and-stonith/" \
		-e "s|^#ping = .*|ping = 192.0.2.1 192.0.2.254|" \
		-e "s|^#watchdog = .*|watchdog = /dev/watchdog|" \
		-e "s|^#fence = ipmi .*|fence = ipmi|" -e "s|^#fence_address = .*|fence_address = 203.0.113.11|" \
		-e "s|^#fence_user = .*|fence_user = admin|" \
		-e "s|^#fence_password_file = .*|fence_password_file = $T/alpha.pw|" \
		-e "s|^#fence_cipher = .*|fence_cipher = 3|" "$CONF"
	b=$(grep -n '^replication = 198\.51\.100\.12$' "$CONF" | cut -d: -f1)
	sed -i "${b}a fence = ipmi\nfence_address = 203.0.113.12\nfence_port = 9623\nfence_user = admin\nfence_password_file = $T/beta.pw" "$CONF"
	run "$HAVZ" check-config -c "$CONF"
	[ "$output" = "configuration OK" ] || fail "the fencing variant is not valid:" "$output"
}

@test "resource-and-stonith renders DRBD's and heartbeat's files as the goldens" {
	render_ok
	local f
	for f in etc/drbd.d/global_common.conf etc/ha.d/ha.cf; do
		cmp "$GOLDEN/stonith/${f##*/}" "$ROOT/$f" || {
			diff -u "$GOLDEN/stonith/${f##*/}" "$ROOT/$f" >&2
			fail "$f differs from its golden"
		}
	done
	# The resources and haresources do not change with fencing.
	for f in ct-web.res ct-db.res; do
		cmp "$GOLDEN/$f" "$ROOT/etc/drbd.d/$f"
	done
	cmp "$GOLDEN/haresources" "$ROOT/etc/ha.d/haresources"
}

@test "no password, user or BMC address appears in any rendered file" {
	render_ok
	run grep -rlE 's3cret|203\.0\.113\.|fence_user|admin' "$ROOT"
	[ "$status" -eq 1 ] || fail "found in:" "$output"
}

@test "drbdadm 8.4 accepts the resource-and-stonith configuration" {
	[ -x "$DRBDADM" ] || fail "$DRBDADM is missing (drbd-utils)"
	render_ok
	local d=$ROOT/etc/drbd.d
	write_drbd_conf "$T/drbd.conf" "$d/global_common.conf" "$d/ct-*.res"
	run "$DRBDADM" -c "$T/drbd.conf" dump
	assert_status 0
	grep -Eq '^ +fencing +resource-and-stonith;' <<<"$output"
	grep -Eq '^ +fence-peer +"?/usr/lib/ha-vz/drbd-fence-peer"?;' <<<"$output"
	grep -Eq '^ +after-resync-target +"?/usr/lib/ha-vz/drbd-unfence-peer"?;' <<<"$output"
	grep -Eq '^ +wfc-timeout +60;' <<<"$output"
	grep -Eq '^ +degr-wfc-timeout +30;' <<<"$output"
	grep -Eq '^ +outdated-wfc-timeout +30;' <<<"$output"
	grep -Eq '^ +after-sb-1pri +consensus;' <<<"$output"
}

@test "heartbeat 3 itself validates the ha.cf with ping nodes and a watchdog" {
	[ "$(id -u)" -eq 0 ] || skip "heartbeat's own check needs root (namespaces)"
	render_ok
	grep -qx 'ping 192.0.2.1' "$ROOT/etc/ha.d/ha.cf"
	grep -qx 'watchdog /dev/watchdog' "$ROOT/etc/ha.d/ha.cf"
	if grep -q '^stonith' "$ROOT/etc/ha.d/ha.cf"; then fail "ha.cf has a stonith line"; fi
	local node
	for node in alpha beta; do
		run "$BATS_TEST_DIRNAME/heartbeat-check" "$ROOT/etc/ha.d" "$node" "$HAVZ_TOP/build/ha-vzd"
		assert_output_has "Configuration validated. Starting heartbeat"
		refute_output_has "onfiguration error"
		refute_output_has "ERROR:"
	done
}

@test "control: heartbeat's check rejects a bad ping line (the check is not vacuous)" {
	[ "$(id -u)" -eq 0 ] || skip "heartbeat's own check needs root (namespaces)"
	render_ok
	sed -i 's/^ping 192.0.2.1$/ping 192.0.2.1.5/' "$ROOT/etc/ha.d/ha.cf"
	run "$BATS_TEST_DIRNAME/heartbeat-check" "$ROOT/etc/ha.d" alpha "$HAVZ_TOP/build/ha-vzd"
	assert_output_has "Illegal ping [ping membership] in config file [192.0.2.1.5]"
	assert_output_has "Configuration error, heartbeat not started"
}

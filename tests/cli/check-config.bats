#!/usr/bin/env bats
# ha-vz check-config on valid configurations.

load helpers

@test "the example configuration with a real key is valid" {
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	[ "$output" = "configuration OK" ]
}

@test "the example as shipped fails only on its key file, which does not exist here" {
	[ ! -e /etc/ha-vz/authkey ] || skip "/etc/ha-vz/authkey exists on this host"
	local l
	l=$(grep -n '^auth_key_file = ' "$EXAMPLE_CONF" | cut -d: -f1)
	run "$HAVZ" check-config -c "$EXAMPLE_CONF"
	assert_status 3
	[ "$output" = "$EXAMPLE_CONF:$l: auth_key_file: /etc/ha-vz/authkey: No such file or directory (create it with 'ha-vz keygen')" ]
}

@test "a minimal configuration (only required keys) is valid" {
	cat >"$T/min.conf" <<-CONF
		[cluster]
		name = mini
		auth_key_file = $KEY
		[node a]
		management = 10.0.0.1
		replication = 10.1.0.1
		[node b]
		management = 10.0.0.2
		replication = 10.1.0.2
		[link one]
		interface = eth0
		[link two]
		interface = eth1
		network = replication
		[container c1]
		minor = 7
		port = 7800
		disk = /dev/vg/c1
		size = 1G
		memory = 64M
		preferred_node = b
	CONF
	run "$HAVZ" check-config -c "$T/min.conf"
	assert_status 0
	[ "$output" = "configuration OK" ]
	run "$HAVZ" render -c "$T/min.conf" --root "$ROOT"
	assert_status 0
	assert_line_exact "render: 5 written, 0 unchanged, 0 removed"
	# Defaults: ext4, mounted on /srv/ha-vz/NAME.
	grep -qx 'b ha-vz-drbd::ct-c1 ha-vz-mount::/dev/drbd7::/srv/ha-vz/c1::ext4 ha-vz-container::c1' "$ROOT/etc/ha.d/haresources"
	write_drbd_conf "$T/drbd.conf" "$ROOT/etc/drbd.d/global_common.conf" "$ROOT/etc/drbd.d/ct-c1.res"
	run "$DRBDADM" -c "$T/drbd.conf" dump
	assert_status 0
	grep -Eq 'address +ipv4 10\.1\.0\.2:7800;' <<<"$output"
}

@test "a configuration with no containers is valid and renders no resource" {
	sed -i '/^\[container web\]/,$d' "$CONF"
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	render_ok
	assert_line_exact "render: 4 written, 0 unchanged, 0 removed"
	[ -z "$(find "$ROOT/etc/drbd.d" -name 'ct-*')" ]
}

@test "IPv6 replication addresses render as DRBD ipv6 addresses that drbdadm accepts" {
	# bcast links: heartbeat's ucast is IPv4 only.
	sed -i 's/^replication = 198.51.100.11$/replication = 2001:db8::11/; s/^replication = 198.51.100.12$/replication = 2001:db8::12/; s/^network = replication$/network = replication\nmode = bcast/' "$CONF"
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	render_ok
	grep -qx '		address ipv6 \[2001:db8::11\]:7789;' "$ROOT/etc/drbd.d/ct-web.res"
	grep -qx 'bcast eth1' "$ROOT/etc/ha.d/ha.cf"
	write_drbd_conf "$T/drbd.conf" "$ROOT/etc/drbd.d/global_common.conf" "$ROOT/etc/drbd.d/ct-web.res"
	run "$DRBDADM" -c "$T/drbd.conf" dump
	assert_status 0
	grep -Eq 'address +ipv6 \[2001:db8::12\]:7789;' <<<"$output"
}

@test "check-config reads the file only: nothing is written next to it" {
	local before
	before=$(tree_state "$T")
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	[ "$before" = "$(tree_state "$T")" ]
}

@test "comments, blank lines and spacing are accepted" {
	sed -i 's/^udpport = 694$/   udpport   =   694    # spaced\n; a semicolon comment\n\n/' "$CONF"
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	[ "$output" = "configuration OK" ]
	render_ok
	cmp "$GOLDEN/ha.cf" "$ROOT/etc/ha.d/ha.cf"
}

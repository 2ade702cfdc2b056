#!/usr/bin/env bats
# Broken configurations: each case is a small variant of the example (a sed
# script or an appended text) and the exact "FILE:LINE: KEY: message" line it
# must give. For every case, check-config exits 3 and does not say OK, and
# render with the same file exits 3 and writes nothing to its --root.

load helpers

# Applies a sed script to the test configuration, and checks that it changed it.
mutate() {
	cp "$CONF" "$T/orig.conf"
	sed -i -e "$1" "$CONF"
	if cmp -s "$CONF" "$T/orig.conf"; then
		fail "the mutation '$1' changed nothing"
	fi
}

# Prints the number of the one line of CONF that matches the extended regular
# expression $1 (line numbers are looked up, so the example may grow).
lineof() {
	local n
	n=$(grep -nE -- "$1" "$CONF" | cut -d: -f1)
	if [ -z "$n" ] || [ "$(wc -l <<<"$n")" -ne 1 ]; then
		fail "'$1' does not match exactly one line of $CONF"
		return 1
	fi
	echo "$n"
}

# The error line, exactly; then the same with render, which must write nothing.
expect_error() {
	local line=$1
	run "$HAVZ" check-config -c "$CONF"
	assert_status 3
	assert_line_exact "$line"
	refute_output_has "configuration OK"
	mkdir -p "$T/out"
	run "$HAVZ" render -c "$CONF" --root "$T/out"
	assert_status 3
	assert_line_exact "$line"
	refute_output_has "written"
	[ -z "$(find "$T/out" -mindepth 1)" ] || fail "render wrote:" "$(find "$T/out")"
	# --dry-run too: no diff, no files.
	run "$HAVZ" render -c "$CONF" --root "$T/out" --dry-run
	assert_status 3
	refute_output_has "+++"
	[ -z "$(find "$T/out" -mindepth 1)" ]
}

# The unmodified test configuration is valid: every case below breaks it.
@test "baseline: the test configuration is valid" {
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	[ "$output" = "configuration OK" ]
}

@test "unknown key" {
	L=$(lineof '^name = demo$')
	mutate "${L}a colour = blue"
	expect_error "$CONF:$((L + 1)): colour: unknown key in [cluster]"
}

@test "key of another section" {
	L=$(lineof '^management = 192\.0\.2\.11$')
	mutate "${L}a minor = 3"
	expect_error "$CONF:$((L + 1)): minor: unknown key in [node alpha]"
}

@test "unknown section" {
	L=$(lineof '^\[drbd\]$')
	mutate 's/^\[drbd\]$/[storage]/'
	expect_error "$CONF:$L: [storage]: unknown section (expected cluster, node, link, drbd or container)"
}

@test "duplicate container" {
	F=$(lineof '^\[container web\]$')
	L=$(lineof '^\[container db\]$')
	mutate 's/^\[container db\]$/[container web]/'
	expect_error "$CONF:$L: [container web]: duplicate container (first at line $F)"
}

@test "duplicate minor" {
	F=$(lineof '^minor = 0$')
	L=$(lineof '^minor = 1$')
	mutate 's/^minor = 1$/minor = 0/'
	expect_error "$CONF:$L: minor: 0 is also container web's (line $F)"
}

@test "duplicate port" {
	F=$(lineof '^port = 7789$')
	L=$(lineof '^port = 7790$')
	mutate 's/^port = 7790$/port = 7789/'
	expect_error "$CONF:$L: port: 7789 is also container web's (line $F)"
}

@test "duplicate disk" {
	F=$(lineof '^disk = /dev/havz/web$')
	L=$(lineof '^disk = /dev/havz/db$')
	mutate 's|^disk = /dev/havz/db$|disk = /dev/havz/web|'
	expect_error "$CONF:$L: disk: /dev/havz/web is also container web's (line $F)"
}

@test "duplicate service_ip" {
	F=$(lineof '^service_ip = 192\.0\.2\.50/24$')
	L=$(lineof '^service_ip = 192\.0\.2\.51/24$')
	mutate 's|^service_ip = 192.0.2.51/24$|service_ip = 192.0.2.50/24|'
	expect_error "$CONF:$L: service_ip: 192.0.2.50/24 is also container web's (line $F)"
}

@test "bad IPv4 address" {
	L=$(lineof '^management = 192\.0\.2\.11$')
	mutate 's/^management = 192.0.2.11$/management = 192.0.2.311/'
	expect_error "$CONF:$L: management: '192.0.2.311' is not an IPv4 or IPv6 address"
}

@test "both nodes with the same management address" {
	L=$(lineof '^management = 192\.0\.2\.12$')
	mutate 's/^management = 192.0.2.12$/management = 192.0.2.11/'
	expect_error "$CONF:$L: management: 192.0.2.11 is also node alpha's address"
}

@test "bad CIDR service_ip: prefix out of range" {
	L=$(lineof '^service_ip = 192\.0\.2\.50/24$')
	mutate 's|^service_ip = 192.0.2.50/24$|service_ip = 192.0.2.50/33|'
	expect_error "$CONF:$L: service_ip: '192.0.2.50/33' is not an address with a prefix length (e.g. 192.0.2.50/24)"
}

@test "bad CIDR service_ip: no prefix" {
	L=$(lineof '^service_ip = 192\.0\.2\.50/24$')
	mutate 's|^service_ip = 192.0.2.50/24$|service_ip = 192.0.2.50|'
	expect_error "$CONF:$L: service_ip: '192.0.2.50' is not an address with a prefix length (e.g. 192.0.2.50/24)"
}

@test "service_ip that is a node's address" {
	L=$(lineof '^service_ip = 192\.0\.2\.50/24$')
	mutate 's|^service_ip = 192.0.2.50/24$|service_ip = 192.0.2.12/24|'
	expect_error "$CONF:$L: service_ip: 192.0.2.12 is an address of node beta"
}

@test "port out of range" {
	L=$(lineof '^port = 7789$')
	mutate 's/^port = 7789$/port = 70000/'
	expect_error "$CONF:$L: port: 70000 is out of range (1..65535)"
}

@test "negative port is not a number" {
	L=$(lineof '^port = 7789$')
	mutate 's/^port = 7789$/port = -1/'
	expect_error "$CONF:$L: port: '-1' is not a whole number"
}

@test "udpport out of range" {
	L=$(lineof '^udpport = 694$')
	mutate 's/^udpport = 694$/udpport = 0/'
	expect_error "$CONF:$L: udpport: 0 is out of range (1..65535)"
}

@test "memory with a bad unit" {
	L=$(lineof '^memory = 256M$')
	mutate 's/^memory = 256M$/memory = 256Q/'
	expect_error "$CONF:$L: memory: '256Q' is not a size (e.g. 512M, 2G)"
}

@test "memory too small" {
	L=$(lineof '^memory = 256M$')
	mutate 's/^memory = 256M$/memory = 1M/'
	expect_error "$CONF:$L: memory: 1M is out of range (16M..1048576M)"
}

@test "bad duration" {
	L=$(lineof '^keepalive = 500ms$')
	mutate 's/^keepalive = 500ms$/keepalive = 500 ms/'
	expect_error "$CONF:$L: keepalive: '500 ms' is not a duration (e.g. 500ms, 3s, 1m)"
}

@test "one node only" {
	L=$(lineof '^\[node alpha\]$')
	mutate '/^\[node beta\]$/,/^replication = 198.51.100.12$/d'
	expect_error "$CONF:$L: a cluster has exactly two [node] sections; found 1"
}

@test "three nodes" {
	L=$(lineof '^replication = 198\.51\.100\.12$')
	mutate "${L}a [node gamma]\\nmanagement = 192.0.2.13\\nreplication = 198.51.100.13"
	expect_error "$CONF:$((L + 1)): [node gamma]: a cluster has exactly two nodes; this is a third"
}

@test "duplicate node" {
	F=$(lineof '^\[node alpha\]$')
	L=$(lineof '^\[node beta\]$')
	mutate 's/^\[node beta\]$/[node alpha]/'
	expect_error "$CONF:$L: [node alpha]: duplicate node (first at line $F)"
}

@test "one link only" {
	L=$(lineof '^\[link lan\]$')
	mutate '/^\[link repl\]$/,/^network = replication$/d'
	expect_error "$CONF:$L: heartbeat needs at least two [link] sections for redundancy; found 1"
}

@test "two links on the same interface" {
	L=$(lineof '^interface = eth1$')
	mutate 's/^interface = eth1$/interface = eth0/'
	expect_error "$CONF:$L: interface: link repl uses eth0 like link lan: not redundant"
}

@test "ucast link over IPv6 addresses" {
	L=$(lineof '^network = replication$')
	mutate 's/^replication = 198.51.100.11$/replication = 2001:db8::11/'
	expect_error "$CONF:$L: network: link repl would send heartbeat ucast to 2001:db8::11, an IPv6 address; ha-vz renders ucast links for IPv4 only"
}

@test "auth key file with mode 0644" {
	L=$(lineof '^auth_key_file = ')
	chmod 0644 "$KEY"
	expect_error "$CONF:$L: auth_key_file: $KEY is accessible by group or others (mode 0644); run chmod 600"
}

@test "auth key file with mode 0640 (group)" {
	L=$(lineof '^auth_key_file = ')
	chmod 0640 "$KEY"
	expect_error "$CONF:$L: auth_key_file: $KEY is accessible by group or others (mode 0640); run chmod 600"
}

@test "missing auth key file" {
	L=$(lineof '^auth_key_file = ')
	rm "$KEY"
	expect_error "$CONF:$L: auth_key_file: $KEY: No such file or directory (create it with 'ha-vz keygen')"
}

@test "auth key file that is a directory" {
	L=$(lineof '^auth_key_file = ')
	rm "$KEY"
	mkdir -m 700 "$KEY"
	expect_error "$CONF:$L: auth_key_file: $KEY is not a regular file"
}

@test "auth key file with a bad key: too short" {
	L=$(lineof '^auth_key_file = ')
	printf 'short\n' >"$KEY"
	expect_error "$CONF:$L: auth_key_file: $KEY does not hold a key (16 to 256 printable characters on one line)"
}

@test "auth key file with a bad key: two words" {
	L=$(lineof '^auth_key_file = ')
	printf '0123456789abcdef 0123456789abcdef\n' >"$KEY"
	expect_error "$CONF:$L: auth_key_file: $KEY does not hold a key (16 to 256 printable characters on one line)"
}

@test "auth key file with a bad key: empty" {
	L=$(lineof '^auth_key_file = ')
	: >"$KEY"
	expect_error "$CONF:$L: auth_key_file: $KEY does not hold a key (16 to 256 printable characters on one line)"
}

@test "relative auth_key_file" {
	L=$(lineof '^auth_key_file = ')
	mutate 's|^auth_key_file = .*|auth_key_file = authkey|'
	expect_error "$CONF:$L: auth_key_file: 'authkey' is not a clean absolute path"
}

@test "pacemaker stack (reserved)" {
	L=$(lineof '^stack = heartbeat ')
	mutate 's/^stack = heartbeat /stack = pacemaker /'
	expect_error "$CONF:$L: stack: 'pacemaker' is reserved for a later release; use 'heartbeat'"
}

@test "unknown stack" {
	L=$(lineof '^stack = heartbeat ')
	mutate 's/^stack = heartbeat /stack = corosync /'
	expect_error "$CONF:$L: stack: 'corosync' is not one of: heartbeat, pacemaker"
}

@test "deadtime shorter than warntime" {
	L=$(lineof '^deadtime = 3s$')
	mutate 's/^deadtime = 3s$/deadtime = 1s/'
	expect_error "$CONF:$L: deadtime: 1000ms must be longer than warntime (2000ms)"
}

@test "warntime not longer than keepalive" {
	L=$(lineof '^warntime = 2s$')
	mutate 's/^keepalive = 500ms$/keepalive = 2s/'
	expect_error "$CONF:$L: warntime: 2000ms must be longer than keepalive (2000ms)"
}

@test "initdead too short" {
	L=$(lineof '^initdead = 20s$')
	mutate 's/^initdead = 20s$/initdead = 5s/'
	expect_error "$CONF:$L: initdead: 5000ms must be at least twice deadtime (3000ms)"
}

@test "preferred_node not a node" {
	L=$(lineof '^preferred_node = beta$')
	mutate 's/^preferred_node = beta$/preferred_node = gamma/'
	expect_error "$CONF:$L: preferred_node: 'gamma' is not a [node] of this cluster"
}

@test "missing required key, reported at the section header" {
	L=$(lineof '^\[container web\]$')
	mutate '/^disk = \/dev\/havz\/web$/d'
	expect_error "$CONF:$L: [container web]: missing key 'disk'"
}

@test "missing required key in [cluster]" {
	L=$(lineof '^\[cluster\]$')
	mutate '/^name = demo$/d'
	expect_error "$CONF:$L: [cluster]: missing key 'name'"
}

@test "missing [cluster] section" {
	mutate '/^\[cluster\]$/,/^$/d'
	run "$HAVZ" check-config -c "$CONF"
	assert_status 3
	grep -Eq "^$CONF:[0-9]+: missing \[cluster\] section$" <<<"$output" ||
		fail "no 'missing [cluster] section' line:" "$output"
}

@test "key outside any section" {
	L=$(lineof '^\[cluster\]$')
	mutate "${L}i name = demo"
	expect_error "$CONF:$L: name: key outside any section"
}

@test "key set twice" {
	L=$(lineof '^port = 7789$')
	mutate "${L}a port = 7791"
	expect_error "$CONF:$((L + 1)): port: set twice in [container web]"
}

@test "empty value" {
	L=$(lineof '^size = 2G$')
	mutate 's/^size = 2G$/size =/'
	expect_error "$CONF:$L: size: empty value"
}

@test "cpus 0" {
	L=$(lineof '^cpus = 1$')
	mutate 's/^cpus = 1$/cpus = 0/'
	expect_error "$CONF:$L: cpus: '0' is not a CPU count from 0.01 to 4096 (e.g. 1, 0.5)"
}

@test "cpus with too many decimals" {
	L=$(lineof '^cpus = 1\.5$')
	mutate 's/^cpus = 1.5$/cpus = 1.5005/'
	expect_error "$CONF:$L: cpus: '1.5005' is not a CPU count from 0.01 to 4096 (e.g. 1, 0.5)"
}

@test "malformed section header" {
	L=$(lineof '^\[drbd\]$')
	mutate 's/^\[drbd\]$/[drbd/'
	expect_error "$CONF:$L: [drbd: malformed section header (expected [kind name])"
}

@test "section header without its name" {
	L=$(lineof '^\[container db\]$')
	mutate 's/^\[container db\]$/[container]/'
	expect_error "$CONF:$L: [container]: section needs a name, as in [container NAME]"
}

@test "bad container name" {
	L=$(lineof '^\[container db\]$')
	mutate 's/^\[container db\]$/[container 9db]/'
	expect_error "$CONF:$L: [container 9db]: '9db' is not a name (a letter, then letters, digits, '-', '_'; at most 32)"
}

@test "line without '='" {
	L=$(lineof '^protocol = C$')
	mutate "${L}a protocol C"
	expect_error "$CONF:$((L + 1)): 'protocol C': expected 'key = value'"
}

@test "unknown DRBD protocol" {
	L=$(lineof '^protocol = C$')
	mutate 's/^protocol = C$/protocol = D/'
	expect_error "$CONF:$L: protocol: 'D' is not one of: A, B, C"
}

@test "container mounted on /" {
	L=$(lineof '^mount = /srv/ha-vz/web$')
	mutate 's|^mount = /srv/ha-vz/web$|mount = /|'
	expect_error "$CONF:$L: mount: a container cannot be mounted on /"
}

@test "non-existent configuration file: exit 3 naming the file" {
	run "$HAVZ" check-config -c "$T/no-such.conf"
	assert_status 3
	[ "$output" = "$T/no-such.conf: No such file or directory" ]
	run "$HAVZ" render -c "$T/no-such.conf" --root "$T/out"
	assert_status 3
	assert_line_exact "$T/no-such.conf: No such file or directory"
	[ ! -e "$T/out" ]
}

@test "configuration that is a directory: exit 3" {
	run "$HAVZ" check-config -c "$T"
	assert_status 3
	[ "$output" = "$T: not a regular file of at most 1 MiB" ]
}

@test "several errors are all reported, each with its line" {
	A=$(lineof '^udpport = 694$')
	B=$(lineof '^port = 7790$')
	C=$(lineof '^memory = 512M$')
	mutate 's/^udpport = 694$/udpport = 0/; s/^port = 7790$/port = 99999/; s/^memory = 512M$/memory = lots/'
	run "$HAVZ" check-config -c "$CONF"
	assert_status 3
	assert_line_exact "$CONF:$A: udpport: 0 is out of range (1..65535)"
	assert_line_exact "$CONF:$B: port: 99999 is out of range (1..65535)"
	assert_line_exact "$CONF:$C: memory: 'lots' is not a size (e.g. 512M, 2G)"
	[ "${#lines[@]}" -eq 3 ] || fail "expected 3 lines:" "$output"
}

# Fencing: the example turned into resource-and-stonith with an ipmi fence
# for alpha (its password file in T, mode 600) and beta's `fence` as $1.
stonith_conf() {
	printf 's3cret\n' >"$T/alpha.pw"
	chmod 600 "$T/alpha.pw"
	mutate "s/^fencing = resource-only .*/fencing = resource-and-stonith/;
		s|^#fence = ipmi .*|fence = ipmi|; s|^#fence_address = .*|fence_address = 203.0.113.11|;
		s|^#fence_user = .*|fence_user = admin|; s|^#fence_password_file = .*|fence_password_file = $T/alpha.pw|"
	if [ -n "$1" ]; then
		local b
		b=$(lineof '^replication = 198\.51\.100\.12$')
		sed -i "${b}a $1" "$CONF"
	fi
}

@test "fencing: resource-and-stonith with an ipmi and a none node is valid" {
	stonith_conf "fence = none"
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	[ "$output" = "configuration OK" ]
}

@test "fencing: resource-and-stonith with a node lacking 'fence'" {
	stonith_conf ""
	N=$(lineof '^\[node beta\]$')
	F=$(lineof '^fencing = resource-and-stonith$')
	expect_error "$CONF:$N: [node beta]: missing key 'fence' (fencing = resource-and-stonith, line $F: ipmi, or none spelled out)"
}

@test "fencing: every node fence = none under resource-and-stonith" {
	stonith_conf "fence = none"
	sed -i 's/^fence = ipmi$/fence = none/; /^fence_\(address\|user\|password_file\) = /d' "$CONF"
	F=$(lineof '^fencing = resource-and-stonith$')
	expect_error "$CONF:$F: fencing: resource-and-stonith, but every node has fence = none: no node could ever be fenced"
}

@test "fencing: a BMC password file readable by others is refused" {
	stonith_conf "fence = none"
	chmod 644 "$T/alpha.pw"
	L=$(lineof '^fence_password_file = ')
	expect_error "$CONF:$L: fence_password_file: $T/alpha.pw is accessible by group or others (mode 0644); run chmod 600"
}

@test "fencing: ipmi without a password file names the missing key" {
	stonith_conf "fence = none"
	sed -i '/^fence_password_file = /d' "$CONF"
	L=$(lineof '^fence = ipmi$')
	expect_error "$CONF:$L: fence: ipmi needs fence_password_file in [node alpha]"
}

@test "fencing: fence_address on a node with fence = none" {
	stonith_conf "fence = none"
	b=$(lineof '^fence = none$')
	sed -i "${b}a fence_address = 203.0.113.12" "$CONF"
	expect_error "$CONF:$((b + 1)): fence_address: only with fence = ipmi (node beta has fence = none)"
}

@test "after-sb: discard-secondary is refused (it discards a former Primary's writes)" {
	L=$(lineof '^after_sb_1pri = ')
	mutate "s/^after_sb_1pri = .*/after_sb_1pri = discard-secondary/"
	expect_error "$CONF:$L: after_sb_1pri: discard-secondary can discard writes a Primary acknowledged; use disconnect, consensus"
}

@test "after-sb: discard-least-changes is refused" {
	L=$(lineof '^after_sb_0pri = ')
	mutate "s/^after_sb_0pri = .*/after_sb_0pri = discard-least-changes/"
	expect_error "$CONF:$L: after_sb_0pri: discard-least-changes can discard writes a Primary acknowledged; use disconnect, discard-zero-changes"
}

@test "ping: a node's own address is refused" {
	L=$(lineof '^#ping = ')
	mutate "s/^#ping = .*/ping = 192.0.2.254 192.0.2.12/"
	expect_error "$CONF:$L: ping: 192.0.2.12 is an address of node beta; ping the clients' gateway instead"
}

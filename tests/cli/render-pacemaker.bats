#!/usr/bin/env bats
# ha-vz render with stack = pacemaker (conf/ha-vz-pacemaker.conf): corosync.conf, its authkey and
# the CIB, byte for byte against goldens, then checked by the real tools: corosync -t (in a
# namespace of our own that looks like node alpha), crm_verify, and Pacemaker's own scheduler
# (crm_simulate) placing the resources and fencing a failed node.

load helpers

PCMK_EXAMPLE=$HAVZ_TOP/conf/ha-vz-pacemaker.conf
PCMK_GOLDEN=$BATS_TEST_DIRNAME/golden/pacemaker

setup() {
	havz_setup
	mkdir -p "$T/fence"
	printf 's3cret\n' >"$T/fence/alpha.pw"
	printf 's3cret\n' >"$T/fence/beta.pw"
	chmod 600 "$T/fence/alpha.pw" "$T/fence/beta.pw"
	sed -e "s|^auth_key_file = [^ ]*|auth_key_file = $KEY|" \
		-e "s|/etc/ha-vz/fence/|$T/fence/|" "$PCMK_EXAMPLE" >"$CONF"
}

need_tool() {
	command -v "$1" >/dev/null || skip "$1 is not installed (tests/install-deps)"
}

# The rendered CIB with a status section in which both nodes are online members, as the
# scheduler sees a healthy cluster.
cib_live() {
	sed -e 's|<cib |<cib have-quorum="1" dc-uuid="1" |' \
		-e 's|  <status/>|  <status>\n    <node_state id="1" uname="alpha" in_ccm="true" crmd="online" join="member" expected="member"/>\n    <node_state id="2" uname="beta" in_ccm="true" crmd="online" join="member" expected="member"/>\n  </status>|' \
		"$ROOT/etc/ha-vz/cib.xml" >"$1"
}

# corosync -t on FILE as node alpha: its host name and addresses in namespaces of our own.
corosync_test() {
	# shellcheck disable=SC2016 # $1 is the inner shell's own argument, not interpolated
	unshare -m -n -u sh -c 'hostname alpha && ip link set lo up &&
		ip addr add 192.0.2.11/32 dev lo && ip addr add 198.51.100.11/32 dev lo &&
		mount --bind "$1" /etc/corosync && corosync -t' sh "$1"
}

@test "pacemaker: check-config accepts the example" {
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
}

@test "pacemaker: render writes corosync.conf, its authkey, the CIB and the DRBD files, no heartbeat files" {
	render_ok
	assert_line_exact "render: 6 written, 0 unchanged, 0 removed"
	[ "$(file_mode "$ROOT/etc/corosync/authkey")" = 400 ]
	[ "$(file_mode "$ROOT/etc/ha-vz/cib.xml")" = 640 ]
	[ "$(file_mode "$ROOT/etc/corosync/corosync.conf")" = 644 ]
	[ -f "$ROOT/etc/drbd.d/ct-web.res" ] && [ -f "$ROOT/etc/drbd.d/ct-db.res" ]
	[ ! -e "$ROOT/etc/ha.d" ] || fail "heartbeat files rendered for stack = pacemaker"
}

@test "pacemaker: corosync.conf and the CIB equal the goldens byte for byte" {
	render_ok
	local f
	# The goldens say @T@ for this test's directory (the fence password files are in it).
	for f in corosync/corosync.conf ha-vz/cib.xml; do
		sed "s|$T|@T@|g" "$ROOT/etc/$f" >"$T/${f#*/}"
		cmp "$PCMK_GOLDEN/${f#*/}" "$T/${f#*/}" || {
			diff -u "$PCMK_GOLDEN/${f#*/}" "$T/${f#*/}" >&2
			fail "$f differs from its golden"
		}
	done
}

@test "pacemaker: the authkey is 128 bytes derived from the cluster key: the same on both nodes, new with a new key" {
	render_ok
	local first
	first=$(cat "$ROOT/etc/corosync/authkey")
	[[ "$first" =~ ^[0-9a-f]{256}$ ]] || fail "authkey is not 256 hex digits: $first"
	# The other node renders from its copy of the same key: the same authkey.
	cp "$KEY" "$T/authkey-copy"
	sed "s|^auth_key_file = .*|auth_key_file = $T/authkey-copy|" "$CONF" >"$T/peer.conf"
	run "$HAVZ" render -c "$T/peer.conf" --root "$T/peer"
	assert_status 0
	[ "$(cat "$T/peer/etc/corosync/authkey")" = "$first" ]
	# A new cluster key gives another authkey, and the key never shows in --dry-run.
	"$HAVZ" keygen -o "$KEY" --force >/dev/null 2>&1
	run "$HAVZ" render -c "$CONF" --root "$ROOT" --dry-run
	assert_status 0
	assert_output_has "$ROOT/etc/corosync/authkey: would be changed (contents not shown: secret)"
	refute_output_has "$first"
}

@test "pacemaker: corosync -t accepts the rendered corosync.conf and authkey (and refuses a broken one)" {
	need_tool corosync
	render_ok
	run corosync_test "$ROOT/etc/corosync"
	assert_status 0
	mkdir -p "$T/broken"
	cp -p "$ROOT/etc/corosync/authkey" "$T/broken/"
	sed 's/transport: knet/transport: carrier-pigeon/' "$ROOT/etc/corosync/corosync.conf" >"$T/broken/corosync.conf"
	run corosync_test "$T/broken"
	[ "$status" -ne 0 ] || fail "corosync -t accepted transport: carrier-pigeon"
}

@test "pacemaker: crm_verify accepts the CIB of a healthy two-node cluster" {
	need_tool crm_verify
	render_ok
	cib_live "$T/live.xml"
	run crm_verify --xml-file "$T/live.xml" -V
	assert_status 0
	# And it can fail: an order constraint naming a resource that does not exist.
	sed 's|then="ct-web"|then="ct-nothing"|' "$T/live.xml" >"$T/bad.xml"
	run crm_verify --xml-file "$T/bad.xml"
	[ "$status" -ne 0 ] || fail "crm_verify accepted a constraint on a missing resource"
}

@test "pacemaker: the scheduler places each container on its preferred node with its DRBD Promoted there" {
	need_tool crm_simulate
	render_ok
	cib_live "$T/live.xml"
	run crm_simulate -x "$T/live.xml" -S
	assert_status 0
	assert_output_has "Promote    drbd-web:0     ( Stopped -> Promoted alpha )"
	assert_output_has "Promote    drbd-db:0      (  Stopped -> Promoted beta )"
	[[ "$output" == *"Start      ct-web         ("*"alpha )"* ]] || fail "ct-web not started on alpha:" "$output"
	[[ "$output" == *"Start      ct-db          ("*"beta )"* ]] || fail "ct-db not started on beta:" "$output"
	[[ "$output" == *"Start      fs-web         ("*"alpha )"* ]] || fail "fs-web not on alpha"
	# Each node's fence device runs on the other node, never on the node it fences.
	[[ "$output" == *"Start      fence-alpha    ("*"beta )"* ]] || fail "fence-alpha not on beta"
	[[ "$output" == *"Start      fence-beta     ("*"alpha )"* ]] || fail "fence-beta not on alpha"
}

@test "pacemaker: the scheduler fences a failed node through its device before anything moves" {
	need_tool crm_simulate
	render_ok
	cib_live "$T/live.xml"
	crm_simulate -x "$T/live.xml" -S -O "$T/running.xml" >/dev/null
	run crm_simulate -x "$T/running.xml" --node-fail alpha -S
	assert_status 0
	assert_output_has "Fence (off) alpha 'peer is no longer part of the cluster'"
	assert_output_has "Fencing alpha (off)"
}

@test "pacemaker: switchover's move (the DRBD clone's Promoted role) moves fs and ct with it; its clear moves nothing back" {
	need_tool crm_simulate
	need_tool crm_resource
	render_ok
	cib_live "$T/live.xml"
	crm_simulate -x "$T/live.xml" -S -O "$T/running.xml" >/dev/null
	# A preference on ct-web alone moves nothing: the colocations do not pull DRBD along.
	cp "$T/running.xml" "$T/ct.xml"
	CIB_file="$T/ct.xml" crm_resource --move --resource ct-web --node beta
	run crm_simulate -x "$T/ct.xml" -S
	[[ "$output" != *"ct-web "*"alpha -> beta"* ]] || fail "moving ct-web alone now moves it:" "$output"
	# What ha-vz switchover web runs under Pacemaker (common/stack.c): the whole chain moves,
	# stop (the final dump) before the demote, the promote before the start (the restore).
	cp "$T/running.xml" "$T/moved.xml"
	CIB_file="$T/moved.xml" crm_resource --move --promoted --resource drbd-web-clone --node beta
	run crm_simulate -x "$T/moved.xml" -S -O "$T/after.xml"
	assert_status 0
	[[ "$output" == *"Move       ct-web         ("*"alpha -> beta )"* ]] || fail "ct-web not moved:" "$output"
	[[ "$output" == *"Move       fs-web         ("*"alpha -> beta )"* ]] || fail "fs-web not moved"
	assert_output_has "Promote    drbd-web:1     (  Unpromoted -> Promoted beta )"
	[[ "$output" != *"ct-db "*"->"* ]] || fail "ct-db moved with web:" "$output"
	# Its clear removes only that constraint on beta: an admin's own ban stays.
	CIB_file="$T/after.xml" crm_resource --ban --resource drbd-web-clone --node alpha 2>/dev/null
	CIB_file="$T/after.xml" crm_resource --clear --promoted --resource drbd-web-clone --node beta
	run grep -c 'id="cli-' "$T/after.xml"
	[ "$output" = 1 ] || fail "the clear left $output cli constraints"
	grep -q 'id="cli-ban-drbd-web-clone-on-alpha"' "$T/after.xml"
	# With the ban gone too and both disks UpToDate (our agent's promotion score 10000 on
	# each), stickiness keeps web on beta against its preference for alpha: no failback.
	CIB_file="$T/after.xml" crm_resource --clear --resource drbd-web-clone --node alpha
	for n in alpha beta; do
		CIB_file="$T/after.xml" crm_attribute --node "$n" --promotion=drbd-web -v 10000 -l reboot
	done
	run crm_simulate -x "$T/after.xml" -S
	assert_status 0
	[[ "$output" != *"beta -> alpha"* ]] || fail "web went back to alpha after the clear:" "$output"
}

@test "pacemaker: a container without checkpoint = switchover may not migrate; priority-fencing-delay is fence_delay" {
	render_ok
	local cib=$ROOT/etc/ha-vz/cib.xml
	grep -q '<nvpair id="ct-web-meta-allow-migrate" name="allow-migrate" value="true"/>' "$cib"
	grep -q '<nvpair id="ct-db-meta-allow-migrate" name="allow-migrate" value="false"/>' "$cib"
	grep -q 'name="priority-fencing-delay" value="5s"' "$cib"
	# The fence password stays in its file: the CIB names the file only.
	refute_grep s3cret "$cib"
	grep -q "name=\"password_script\" value=\"cat $T/fence/alpha.pw\"" "$cib"
}

@test "pacemaker: without fence devices stonith is off and no fence device is rendered" {
	sed -i -e '/^fence/d' -e 's/^fencing = resource-and-stonith/fencing = resource-only/' "$CONF"
	render_ok
	grep -q 'name="stonith-enabled" value="false"' "$ROOT/etc/ha-vz/cib.xml"
	refute_grep fence_ipmilan "$ROOT/etc/ha-vz/cib.xml"
	refute_grep priority-fencing-delay "$ROOT/etc/ha-vz/cib.xml"
}

@test "pacemaker: token and consensus reach corosync.conf; a consensus under 1.2 x token is refused" {
	sed -i 's/^token = 1000ms .*/token = 2s\nconsensus = 3s/' "$CONF"
	render_ok
	grep -qx $'\ttoken: 2000' "$ROOT/etc/corosync/corosync.conf"
	grep -qx $'\tconsensus: 3000' "$ROOT/etc/corosync/corosync.conf"
	sed -i 's/^consensus = 3s/consensus = 2s/' "$CONF"
	run "$HAVZ" check-config -c "$CONF"
	assert_status 3
	assert_output_has "consensus: 2000ms must be at least 1.2 x token (2400ms)"
}

@test "pacemaker: links that are all on one network are refused (knet links are address pairs)" {
	sed -i 's/^network = replication/network = management/' "$CONF"
	run "$HAVZ" check-config -c "$CONF"
	assert_status 3
	assert_output_has "stack: pacemaker needs links on both networks"
}

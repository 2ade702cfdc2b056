#!/usr/bin/env bats
# Lab tier on the second stack: the same two VMs, DRBD and container as cluster.bats, under
# Corosync 3 + Pacemaker 2, configured only from `ha-vz render` of tests/lab/lab-pacemaker.conf
# (corosync.conf, its authkey and the CIB). One cluster for the whole file, the tests run in
# order: cold start, node-loss failover with fencing, rejoin and resync.
# Timings are printed as TAP comments, never asserted.

load helpers
load ../assert

setup_file() {
	export HAVZ_LAB_RUN=${HAVZ_LAB_PCMK_RUN:-/run/ha-vz-lab-pcmk}
	export HAVZ_LAB_PORT=${HAVZ_LAB_PCMK_PORT:-47900}
	export HAVZ_LAB_CONF="$BATS_TEST_DIRNAME/lab-pacemaker.conf"
	lab_setup_file
}

teardown_file() {
	lab_down
}

@test "pacemaker lab: cold start (corosync with both nodes, the rendered CIB, DRBD Promoted and ct1 on alpha)" {
	need_lab
	lab_cold_start "corosync and pacemaker"
	for n in alpha beta; do
		on "$n" "drbdadm cstate ct-ct1"
		[ "$output" = Connected ]
		on "$n" "drbdadm dstate ct-ct1"
		[ "$output" = UpToDate/UpToDate ]
		# Both nodes are members, and the cluster is quorate (two_node).
		on "$n" "corosync-quorumtool -s"
		[[ "$output" == *"Quorate:          Yes"* ]]
		[[ "$output" == *"Total votes:      2"* ]]
		# Rendered, and no heartbeat file: one stack per node.
		on "$n" "head -1 /etc/corosync/corosync.conf; test ! -e /etc/ha.d/ha.cf && stat -c %a /etc/corosync/authkey"
		[[ "$output" == *"ha-vz render"* ]]
		[[ "$output" == *400 ]]
		on "$n" "pidof heartbeat || echo none"
		[ "$output" = none ]
	done
	# Pacemaker placed ct1 where the config prefers it, with its DRBD Promoted there.
	on alpha "crm_resource --locate --resource ct-ct1"
	[[ "$output" == *"running on: alpha"* ]]
	on alpha "crm_resource --locate --resource drbd-ct1-clone"
	[[ "$output" == *"alpha Promoted"* ]] || [[ "$output" == *"alpha Master"* ]]
	on alpha "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	on alpha "mountpoint -q /srv/ha-vz/ct1 && /etc/ha.d/resource.d/ha-vz-container ct1 status"
	[ "$output" = running ]
	# The CIB the cluster runs is the rendered one: both fence devices, stonith on.
	on alpha "crm_attribute --type crm_config --name stonith-enabled --query --quiet"
	[ "$output" = true ]
	# Each node holds the device that fences its peer (never its own: rsc_location -INFINITY).
	on alpha "stonith_admin --list-registered"
	[[ "$output" == *fence-beta* ]]
	[[ "$output" != *fence-alpha* ]]
	on beta "stonith_admin --list-registered"
	[[ "$output" == *fence-alpha* ]]
	touch "$BATS_FILE_TMPDIR/cluster-up"
}

@test "pacemaker lab: node-loss failover with RPO 0 (kill -9 alpha: beta fences it, runs ct1, no acknowledged write lost)" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/cluster-up" ] || skip "the cold start test did not pass"
	lab_node_loss_rpo0 pcmk1
	# Where the seconds went: beta's Pacemaker actions, the fence and the agents, in order.
	on beta "grep -E 'pacemaker-controld.*(Node alpha state is now lost|Requesting fencing|Peer alpha was terminated|Initiating (promote|start))|pacemaker-controld.*Result of (promote|start)|pacemaker-fenced.*(Delaying|Operation .off.)|ha-vz-drbd-ocf|ha-vz-container.*started|drbd ct-ct1: (PingAck|peer\\( Primary|fence-peer helper returned)' /var/log/messages | awk '{ t = \$3; \$1 = \$2 = \$3 = \$4 = \$5 = \"\"; print t \$0 }' | cut -c1-170 | tail -25"
	printf '%s\n' "$output" | log_to_tap
	# Pacemaker fenced alpha through its BMC before it moved anything (stonith-enabled).
	on beta "stonith_admin --history alpha"
	note "fence history: $(printf '%s\n' "$output" | head -3 | tr '\n' ' ')"
	[[ "$output" == *"off of alpha successful"* ]]
	# DRBD's fence-peer handler did not wait for alpha's ha-vzd (corosync had lost alpha),
	# and found alpha already off: Pacemaker's fence counts, no second power-off.
	on beta "grep -E 'fence-peer: ct-ct1: (corosync|the device)' /var/log/messages | tail -3 || true"
	note "fence-peer: $output"
	on beta "grep -c \"fence-peer: ct-ct1: corosync's membership lost alpha on every link\" /var/log/messages"
	[ "$output" -ge 1 ]
}

@test "pacemaker lab: old primary rejoins as Secondary and resyncs (no failback)" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/sum" ] || skip "the failover test did not pass"
	on beta "dd if=/dev/urandom of=/srv/ha-vz/ct1/after-kill bs=1M count=4 conv=fsync 2>/dev/null"
	run "$LAB" rejoin alpha
	echo "$output"
	[ "$status" -eq 0 ]
	note "rejoin of alpha (s): ${output##*$'\n'}"
	# Pacemaker starts the DRBD clone on alpha as it joins: wait for it to be Unpromoted there.
	wait_on alpha 180 "[ \"\$(drbdadm role ct-ct1 2>/dev/null)\" = Secondary/Primary ] &&
		[ \"\$(drbdadm dstate ct-ct1 2>/dev/null)\" = UpToDate/UpToDate ]" "crm_mon -1 -r | head -30"
	run "$LAB" exec alpha "mountpoint -q /srv/ha-vz/ct1"
	[ "$status" -ne 0 ]
	on beta "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	on beta "sha256sum /srv/ha-vz/ct1/before-kill | cut -d' ' -f1"
	[ "$output" = "$(cat "$BATS_FILE_TMPDIR/sum")" ]
	on beta "crm_resource --locate --resource ct-ct1"
	[[ "$output" == *"running on: beta"* ]]
	on beta "corosync-quorumtool -s"
	[[ "$output" == *"Total votes:      2"* ]]
}

#!/usr/bin/env bats
# Lab tier on the second stack: the same two VMs, DRBD and container as cluster.bats, under
# Corosync 3 + Pacemaker 2, configured only from `ha-vz render` of tests/lab/lab-pacemaker.conf
# (corosync.conf, its authkey and the CIB). One cluster for the whole file, the tests run in
# order: cold start, live switchover of ct1 and back, node-loss failover with fencing, rejoin and
# resync, full partition of the primary. A sampler (lab sampler) records both nodes' DRBD role
# and ct1's state every second during the moves and faults: never two Primaries, never two
# running copies. Timings are printed as TAP comments, never asserted.

load helpers
load ct-helpers
load ../assert

setup_file() {
	export HAVZ_LAB_RUN=${HAVZ_LAB_PCMK_RUN:-/run/ha-vz-lab-pcmk}
	export HAVZ_LAB_PORT=${HAVZ_LAB_PCMK_PORT:-47900}
	export HAVZ_LAB_CONF="$BATS_TEST_DIRNAME/lab-pacemaker.conf"
	export MNT=/srv/ha-vz/ct1 AGENT=/etc/ha.d/resource.d/ha-vz-container
	lab_setup_file
}

teardown_file() {
	sampler_stop
	lab_down
}

# No move constraint left behind: ha-vz switchover clears what it asked of Pacemaker.
no_move_constraint() {
	on "$1" "cibadmin --query --scope constraints"
	[[ "$output" != *'id="cli-'* ]] || fail "a move constraint stayed:" "$output"
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
	# The CIB the cluster runs is the rendered one, to Pacemaker's own comparison (ha-vz cib
	# diff: cibadmin --query against the rendering, through crm_diff); applying it again is a
	# no-op.
	on alpha "ha-vz cib diff"
	[[ "$output" == *"cib: the live configuration is up to date with ha-vz.conf"* ]]
	on beta "ha-vz cib apply"
	[[ "$output" == *"up to date"* ]]
	on beta "test -s /var/lib/ha-vz/cib-applied.xml"
	# Both fence devices, stonith on.
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

@test "pacemaker lab: switchover ct1 alpha -> beta alone and live (memory counter, the stack moves DRBD, fs and ct)" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/cluster-up" ] || skip "the cold start test did not pass"
	start_counter alpha
	counter alpha
	counter alpha
	local before=$output
	[ "$before" -ge 2 ]
	run "$LAB" probe-start alpha pcsw
	[ "$status" -eq 0 ]
	sampler_start pcsw
	switchover alpha ct1
	[ "$status" -eq 0 ]
	[[ "$output" == *"handing over: crm_resource --move --promoted"* ]]
	[[ "$output" == *"pacemaker stops it (agent stop)"* ]]
	[[ "$output" == *"LIVE on beta"* ]]
	[ "$(holder)" = beta ]
	# Its memory came along: the counter goes on from where it was.
	counter beta
	note "counter before $before, after $output"
	[ "$output" -gt "$before" ]
	on beta "crm_resource --locate --resource ct-ct1"
	[[ "$output" == *"running on: beta"* ]]
	on beta "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	no_move_constraint beta
	# Where the handover went: Pacemaker's actions, from the stop to the start (the DC logs
	# what it initiates, each node the results of its own).
	local n
	for n in alpha beta; do
		on "$n" "grep -E 'pacemaker-controld.*(Initiating|Result of) (stop|demote|promote|start) operation' /var/log/messages | awk '{ t = \$3; \$1 = \$2 = \$3 = \$4 = \$5 = \"\"; print t \" $n\" \$0 }' | cut -c1-150 | tail -8"
		printf '%s\n' "$output" | log_to_tap
	done
	# ha-vz status shows the move the same way under both stacks (switchover.bats: heartbeat).
	run "$LAB" exec beta "ha-vz status"
	printf '%s\n' "$output" | log_to_tap
	[[ "$output" == *"ct1"*"here"*"beta"*"running"* ]]
	[[ "$output" == *"alpha->beta: dumped"*"restored"* ]]
	# Pacemaker saw a clean stop and start, no failure to recover from.
	on beta "crm_mon -1 -r"
	[[ "$output" != *"Failed Resource Actions"* ]] || fail "Pacemaker recorded failures:" "$output"
	assert_samples
	touch "$BATS_FILE_TMPDIR/moved"
}

@test "pacemaker lab: switchover beta -> alpha --all, live; no acknowledged record lost, nothing moves back after the clear" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/moved" ] || skip "the first switchover did not pass"
	sampler_start pcswback
	switch_back_live_rpo0 beta alpha pcsw
	no_move_constraint alpha
	# Stickiness holds ct1 where it was moved: the scheduler, asked now on the live cluster,
	# plans no action at all.
	on alpha "crm_simulate --live-check --simulate"
	[[ "$output" != *"ct-ct1 "*"->"* ]] || fail "the scheduler would move ct1:" "$output"
	[[ "$output" != *"Promote "* ]] || fail "the scheduler would promote elsewhere:" "$output"
	assert_samples
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
	# And it took Pacemaker's fence history for the fence (stonith_admin --history): no second
	# round of ping and ipmitool before DRBD promotes.
	on beta "grep -c \"fence-peer.*Pacemaker's fencer powered alpha off at\" /var/log/messages"
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
	touch "$BATS_FILE_TMPDIR/rejoined"
}

@test "pacemaker lab: full partition, the primary cut off: the peer fences it and takes over (RPO 0, one Primary in every sample)" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/rejoined" ] || skip "the rejoin test did not pass"
	local fault
	[ "$(holder)" = beta ]
	run "$LAB" probe-start alpha pcpart
	[ "$status" -eq 0 ]
	sampler_start pcpart
	mark_fault
	# beta loses its four links: clients, replication, management and its fence link.
	"$LAB" cut-link beta all
	# The probe's fault: once the cut is in place (a record acknowledged while the command
	# ran is no outage).
	fault=$(uptime_of alpha)
	wait_power_off beta 300
	wait_on alpha 300 "drbdadm role ct-ct1 | grep -q ^Primary/ && [ \"\$($AGENT ct1 status)\" = running ]" \
		"crm_mon -1 -r | head -30; tail -30 /var/log/messages"
	note "beta cut off: ct1 runs on alpha $output s after beta's power went off (off_beta below: the fence, from the cut)"
	probe_finish alpha pcpart "$fault"
	assert_samples
	on alpha "stonith_admin --history beta"
	note "fence history: $(printf '%s\n' "$output" | head -2 | tr '\n' ' ')"
	[[ "$output" == *"off of beta successful"* ]]
	# The fenced node comes back as Secondary and resyncs; ct1 stays on alpha.
	"$LAB" heal-link beta all
	run "$LAB" rejoin beta
	echo "$output"
	[ "$status" -eq 0 ]
	note "rejoin of beta (s): ${output##*$'\n'}"
	wait_on beta 180 "[ \"\$(drbdadm role ct-ct1 2>/dev/null)\" = Secondary/Primary ] &&
		[ \"\$(drbdadm dstate ct-ct1 2>/dev/null)\" = UpToDate/UpToDate ]" "crm_mon -1 -r | head -30"
	[ "$(holder)" = alpha ]
}

#!/usr/bin/env bats
# Lab tier: faults with both nodes alive, on one two-VM cluster (tests/lab/lab) for the whole
# file, configured only from `ha-vz render` of tests/lab/lab.conf. In order: cold start with
# ha-vzd running under heartbeat; a container crash recovered by ha-vzd on the same node; a
# replication-link cut fenced through the management link (never two primaries); a container
# that keeps failing handed over to the peer by ha-vzd (hb_standby); a split brain made by hand,
# which DRBD keeps (both sides) and the split-brain alert reports on each node.
# Timings are printed as TAP comments, never asserted.

load helpers

setup_file() {
	export HAVZ_LAB_RUN=${HAVZ_LAB_FAULTS_RUN:-/run/ha-vz-lab-faults}
	export HAVZ_LAB_PORT=${HAVZ_LAB_FAULTS_PORT:-47400}
	lab_setup_file
}

teardown_file() {
	lab_down
}

need_cluster() {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/cluster-up" ] || skip "the cold start test did not pass"
}

# The PID of ct1's init on NODE (empty when it does not run).
ct_init_pid() {
	"$LAB" exec "$1" "lxc-info -P /srv/ha-vz/ct1 -n ct1 -pH 2>/dev/null || true"
}

# The lines ha-vzd logged on NODE since line FROM of the guest's syslog (busybox syslogd).
havzd_log() {
	"$LAB" exec "$1" "tail -n +$(($2 + 1)) /var/log/messages | grep 'ha-vzd' || true"
}

# Stops probe clients that a failed test left running on either node (the probe service in
# the container serves one client at a time).
probe_reset() {
	local n
	for n in alpha beta; do
		"$LAB" exec "$n" "kill \$(cat /root/probe.pid 2>/dev/null) 2>/dev/null; rm -f /root/probe.pid; true" ||
			true
	done
}

log_lines() {
	"$LAB" exec "$1" "wc -l </var/log/messages"
}

@test "faults: cluster cold start; ha-vzd runs on both nodes and heartbeat respawns it" {
	need_lab
	local t0=$SECONDS rc=0 n pid
	"$LAB" up >"$BATS_FILE_TMPDIR/up.log" 2>&1 || rc=$?
	log_to_tap <"$BATS_FILE_TMPDIR/up.log"
	[ "$rc" -eq 0 ]
	"$LAB" cluster-init >"$BATS_FILE_TMPDIR/init.log" 2>&1 || rc=$?
	grep -v '^render: wrote' "$BATS_FILE_TMPDIR/init.log" | log_to_tap
	[ "$rc" -eq 0 ]
	note "lab up and cluster init: $((SECONDS - t0)) s"
	on alpha "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	on alpha "/etc/ha.d/resource.d/ha-vz-container ct1 status"
	[ "$output" = running ]
	for n in alpha beta; do
		on "$n" "grep -x 'respawn root /usr/sbin/ha-vzd' /etc/ha.d/ha.cf"
		wait_on "$n" 60 "pidof ha-vzd >/dev/null"
		on "$n" "pidof ha-vzd"
		pid=$output
		# A crashed ha-vzd comes back: heartbeat respawns it.
		on "$n" "kill -9 $pid"
		wait_on "$n" 90 "p=\$(pidof ha-vzd) && [ \"\$p\" != $pid ]" "ps -ef | grep -e heartbeat -e ha-vzd"
		note "$n: ha-vzd (pid $pid) killed, respawned by heartbeat after $output s"
	done
	touch "$BATS_FILE_TMPDIR/cluster-up"
}

@test "faults: container crash on a live node: ha-vzd restarts ct1 there, no acknowledged write lost" {
	need_cluster
	local old new fault from
	probe_reset
	# Client and volume on the same node: probe-stop verifies the records on the client's node.
	run "$LAB" probe-start alpha crash1
	echo "$output"
	[ "$status" -eq 0 ]
	old=$(ct_init_pid alpha)
	[ -n "$old" ]
	from=$(log_lines alpha)
	# The fault in alpha's clock (the probe client's), taken at the kill itself.
	on alpha "kill -9 $old && cut -d' ' -f1 /proc/uptime"
	fault=$output
	wait_on alpha 180 "p=\$(lxc-info -P /srv/ha-vz/ct1 -n ct1 -pH 2>/dev/null) && [ -n \"\$p\" ] &&
		[ \"\$p\" != $old ] && [ \"\$(/etc/ha.d/resource.d/ha-vz-container ct1 status)\" = running ]" \
		"tail -20 /var/log/messages"
	note "ct1 init (pid $old) killed: running again on alpha after $output s"
	new=$(ct_init_pid alpha)
	[ -n "$new" ] && [ "$new" != "$old" ]
	run havzd_log alpha "$from"
	echo "$output"
	[[ "$output" == *"container ct1: restarting"* ]]
	[[ "$output" == *"restarted"* ]]
	printf '%s\n' "$output" | grep 'container ct1' | log_to_tap
	run "$LAB" probe-wait alpha "$fault"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$LAB" probe-stop alpha crash1 "$fault"
	echo "$output"
	note "probe: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" lost=0 "* ]]
	# Still where it was: heartbeat did not move anything.
	on alpha "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	run "$LAB" exec beta "mountpoint -q /srv/ha-vz/ct1"
	[ "$status" -ne 0 ]
	touch "$BATS_FILE_TMPDIR/crash-ok"
}

@test "faults: replication link cut with both nodes alive: peer Outdated via fencing, one Primary" {
	need_cluster
	local fault t_out from
	probe_reset
	run "$LAB" probe-start alpha cut1
	echo "$output"
	[ "$status" -eq 0 ]
	from=$(log_lines alpha)
	fault=$(uptime_of alpha)
	run "$LAB" cut-link beta replication
	[ "$status" -eq 0 ]
	# alpha's DRBD loses beta, its fence-peer handler asks beta's ha-vzd (management link) to
	# outdate its disk; alpha resumes I/O.
	wait_on beta 120 "drbdadm dstate ct-ct1 2>/dev/null | grep -q ^Outdated/" "drbdadm cstate ct-ct1; drbdadm dstate ct-ct1; cat /proc/drbd"
	t_out=$output
	note "replication link cut on beta: beta's disk Outdated after ${t_out} s"
	# alpha takes beta's disk as Outdated when its fence-peer handler returns (exit 4).
	wait_on alpha 60 "[ \"\$(drbdadm dstate ct-ct1 2>/dev/null)\" = UpToDate/Outdated ]" "drbdadm dstate ct-ct1"
	on alpha "drbdadm role ct-ct1"
	[ "$output" = Primary/Unknown ]
	# The primary keeps writing: acknowledged records after beta was outdated.
	run "$LAB" probe-wait alpha "$(uptime_of alpha)"
	echo "$output"
	[ "$status" -eq 0 ]
	# An Outdated disk cannot be promoted.
	run "$LAB" exec beta "drbdadm primary ct-ct1"
	echo "$output"
	[ "$status" -ne 0 ]
	on beta "drbdadm role ct-ct1"
	[[ "$output" == Secondary/* ]]
	# The management link is up: heartbeat sees alpha and moves nothing.
	sleep 10
	on beta "cl_status nodestatus alpha"
	[ "$output" = active ]
	run "$LAB" exec beta "mountpoint -q /srv/ha-vz/ct1"
	[ "$status" -ne 0 ]
	on beta "drbdadm role ct-ct1"
	[[ "$output" == Secondary/* ]]
	on alpha "mountpoint -q /srv/ha-vz/ct1 && /etc/ha.d/resource.d/ha-vz-container ct1 status"
	[ "$output" = running ]
	run "$LAB" exec alpha "tail -n +$((from + 1)) /var/log/messages | grep -i -e fence -e 'helper' || true"
	printf '%s\n' "$output" | log_to_tap
	# Heal: beta resyncs from alpha; still one Primary.
	run "$LAB" heal-link beta replication
	[ "$status" -eq 0 ]
	run "$LAB" wait-sync alpha 180
	echo "$output"
	[ "$status" -eq 0 ]
	note "link healed: UpToDate/UpToDate again after $output s"
	on alpha "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	on beta "drbdadm role ct-ct1"
	[ "$output" = Secondary/Primary ]
	on beta "drbdadm dstate ct-ct1"
	[ "$output" = UpToDate/UpToDate ]
	run "$LAB" probe-stop alpha cut1 "$fault"
	echo "$output"
	note "probe: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" lost=0 "* ]]
}

@test "faults: ct1 keeps failing on alpha: ha-vzd runs hb_standby, heartbeat moves ct1 to beta" {
	need_cluster
	local from fault i old t0=$SECONDS handed=0
	probe_reset
	# A link an earlier failed test left cut.
	"$LAB" heal-link beta replication || true
	# A small restart budget on alpha (ha-vzd reloads on SIGHUP).
	on alpha "sed -i '/^\[cluster\]/a max_restarts = 1' /etc/ha-vz/ha-vz.conf &&
		ha-vz check-config -c /etc/ha-vz/ha-vz.conf >/dev/null && kill -HUP \$(pidof ha-vzd)"
	wait_on alpha 30 "grep -q 'ha-vzd.*configuration reloaded' /var/log/messages"
	run "$LAB" probe-start beta hand1
	echo "$output"
	[ "$status" -eq 0 ]
	from=$(log_lines alpha)
	fault=$(uptime_of beta)
	# Kill ct1's init each time ha-vzd has restarted it, until ha-vzd hands over.
	for i in 1 2 3 4 5; do
		old=$(ct_init_pid alpha)
		if [ -n "$old" ]; then
			on alpha "kill -9 $old"
			note "kill $i: ct1 init pid $old on alpha"
		fi
		if wait_on alpha 150 "grep -q 'handing this node' /var/log/messages ||
			{ p=\$(lxc-info -P /srv/ha-vz/ct1 -n ct1 -pH 2>/dev/null) && [ -n \"\$p\" ] && [ \"\$p\" != '$old' ]; }"; then
			if "$LAB" exec alpha "tail -n +$((from + 1)) /var/log/messages | grep -q 'handing this node'"; then
				handed=1
				break
			fi
		fi
	done
	run havzd_log alpha "$from"
	echo "$output"
	printf '%s\n' "$output" | grep -e 'container ct1' -e standby | log_to_tap
	[ "$handed" -eq 1 ]
	[[ "$output" == *"handing this node's resources to the peer"* ]]
	[[ "$output" != *"all failed"* ]]
	wait_on beta 240 "mountpoint -q /srv/ha-vz/ct1 && drbdadm role ct-ct1 | grep -q ^Primary &&
		[ \"\$(/etc/ha.d/resource.d/ha-vz-container ct1 status 2>/dev/null)\" = running ]" \
		"drbdadm role ct-ct1; tail -20 /var/log/messages"
	note "ct1 runs on beta (${output} s after the handover was seen; $((SECONDS - t0)) s in all)"
	on beta "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	run "$LAB" exec alpha "mountpoint -q /srv/ha-vz/ct1"
	[ "$status" -ne 0 ]
	run "$LAB" probe-wait beta "$fault"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$LAB" probe-stop beta hand1 "$fault"
	echo "$output"
	note "probe: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" lost=0 "* ]]
}

@test "faults: a split brain made by hand (alpha forced Primary while apart): DRBD keeps both sides, each node's alert fires, status warns; split-brain resolve saves alpha's side, then resyncs it from beta" {
	need_cluster
	probe_reset
	"$LAB" heal-link alpha replication || true
	on beta "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ] || skip "ct1 is not on beta (the handover test did not pass)"
	on beta "dd if=/dev/urandom of=/srv/ha-vz/ct1/before-split bs=1M count=2 conv=fsync 2>/dev/null &&
		sha256sum /srv/ha-vz/ct1/before-split | cut -d' ' -f1"
	local sum=$output
	[ "${#sum}" -eq 64 ]
	run "$LAB" cut-link alpha replication
	[ "$status" -eq 0 ]
	# beta's fence-peer handler outdates alpha's disk through alpha's ha-vzd.
	wait_on alpha 120 "drbdadm dstate ct-ct1 2>/dev/null | grep -q ^Outdated/" "drbdadm cstate ct-ct1; drbdadm dstate ct-ct1"
	# What ha-vz never does and an admin can: fencing off by hand, alpha forced Primary, and
	# a file written there (alpha's side is the one to be given up, and saved first).
	on alpha "dev=\$(drbdadm sh-dev ct-ct1) && drbdsetup disk-options \$dev --fencing=dont-care &&
		drbdadm primary --force ct-ct1 && drbdadm role ct-ct1 && mkdir -p /mnt/sb &&
		mount \$dev /mnt/sb && echo 'written on alpha while apart' >/mnt/sb/written-on-alpha &&
		sync && umount /mnt/sb"
	[[ "$output" == Primary/* ]]
	on beta "dd if=/dev/urandom of=/srv/ha-vz/ct1/after-split bs=1M count=1 conv=fsync 2>/dev/null"
	local fa fb
	fa=$(log_lines alpha)
	fb=$(log_lines beta)
	run "$LAB" heal-link alpha replication
	[ "$status" -eq 0 ]
	# Both Primary at the handshake: after-sb-2pri disconnect; DRBD runs the split-brain
	# handler on each node, which runs the alert hooks (the stock 10-syslog one logs it).
	local n from
	for n in alpha beta; do
		[ "$n" = alpha ] && from=$fa || from=$fb
		wait_on "$n" 120 "tail -n +$((from + 1)) /var/log/messages | grep -q 'ha-vz-alert.*split-brain container ct1 on $n .*DRBD split brain on ct-ct1'" \
			"drbdadm cstate ct-ct1; tail -n +$((from + 1)) /var/log/messages | grep -i -e split -e drbd | tail -8"
		note "$n: the split-brain alert fired ${output} s after the heal"
		on "$n" "drbdadm cstate ct-ct1"
		[ "$output" = StandAlone ]
		on "$n" "ha-vz status | grep WARNING; ha-vz status --json | grep -o '\"drbd_standalone\":\[[^]]*\]'"
		[[ "$output" == *"WARNING: ct1: its DRBD resource ct-ct1 is StandAlone on this node"* ]]
		[[ "$output" == *'"drbd_standalone":["ct1"]'* ]]
	done
	on alpha "tail -n +$((fa + 1)) /var/log/messages | grep 'ha-vz-alert.*split-brain' | tail -1"
	note "alpha: ${output#*ha-vz-alert}"
	# Nothing was discarded: beta still runs ct1 on its data, alpha is still Primary (unmounted).
	on beta "/etc/ha.d/resource.d/ha-vz-container ct1 status; sha256sum /srv/ha-vz/ct1/before-split | cut -d' ' -f1; test -f /srv/ha-vz/ct1/after-split"
	[ "$output" = "running"$'\n'"$sum" ]
	on alpha "drbdadm role ct-ct1"
	[[ "$output" == Primary/* ]]

	# The way back: on alpha, the side given up, keeping beta's. It logs in to beta by ssh.
	lab_ssh_setup alpha beta 10.99.4.12
	run "$LAB" exec alpha "ha-vz split-brain resolve ct1 --keep alpha 2>&1"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--keep alpha names this node: run it on beta"* ]]
	run "$LAB" exec alpha "ha-vz split-brain resolve ct1 --keep beta --dry-run 2>&1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"of alpha's side differ from beta's"* ]]
	on alpha "drbdadm cstate ct-ct1; ls /var/lib/ha-vz/split-brain | grep -c 'tar.gz\$' || true"
	[ "$output" = $'StandAlone\n0' ]
	local t0=$SECONDS
	run "$LAB" exec -t 400 alpha "ha-vz split-brain resolve ct1 --keep beta 2>&1"
	echo "$output"
	printf '%s\n' "$output" | grep -e 'differ' -e 'saved' -e 'kept' | log_to_tap
	[ "$status" -eq 0 ]
	note "split-brain resolve on alpha: $((SECONDS - t0)) s"
	# alpha's side is in the tarball (mode 600): its file, not beta's files.
	on alpha "f=\$(ls /var/lib/ha-vz/split-brain/ct1-*-alpha.tar.gz) && stat -c %a \$f &&
		tar -xzOf \$f written-on-alpha && { tar -tzf \$f | grep -c after-split || true; }"
	[ "$output" = $'600\nwritten on alpha while apart\n0' ]
	run "$LAB" wait-sync beta 180
	echo "$output"
	[ "$status" -eq 0 ]
	note "resynced from beta $output s after the resolve"
	on alpha "drbdadm role ct-ct1; drbdadm dstate ct-ct1"
	[ "$output" = $'Secondary/Primary\nUpToDate/UpToDate' ]
	on beta "/etc/ha.d/resource.d/ha-vz-container ct1 status; sha256sum /srv/ha-vz/ct1/before-split | cut -d' ' -f1; test ! -e /srv/ha-vz/ct1/written-on-alpha"
	[ "$output" = "running"$'\n'"$sum" ]
	run "$LAB" exec alpha "ha-vz status 2>&1"
	[[ "$output" != *"StandAlone"* ]]
}

#!/usr/bin/env bats
# Lab tier: `ha-vz switchover` on two qemu VMs (tests/lab/lab) with real DRBD, heartbeat, LXC and
# CRIU. tests/lab/lab-switchover.conf (ct1 with checkpoint = switchover) is pushed over the
# guests' /etc/ha-vz/ha-vz.conf before `lab cluster-init`. One cluster for the whole file, the
# tests run in order; timings are printed as TAP comments, never asserted.

setup_file() {
	export LAB="$BATS_TEST_DIRNAME/lab"
	export HAVZ_LAB_RUN=${HAVZ_LAB_SW_RUN:-/run/ha-vz-lab-sw}
	export HAVZ_LAB_PORT=${HAVZ_LAB_SW_PORT:-47600}
	export HAVZ_LAB_DISK=640M HAVZ_LAB_MEM=${HAVZ_LAB_MEM:-1024}
	export LAB_SKIP=""
	export MNT=/srv/ha-vz/ct1 AGENT=/etc/ha.d/resource.d/ha-vz-container
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		LAB_SKIP="qemu-system-x86_64 is not installed (tests/install-deps)"
	elif [ "$(id -u)" -ne 0 ]; then
		LAB_SKIP="the lab needs root (debootstrap, image build)"
	fi
	if [ -z "$LAB_SKIP" ] && [ -z "${HAVZ_LAB_SW_REUSE:-}" ]; then
		"$LAB" down >/dev/null 2>&1 || true
	fi
}

teardown_file() {
	if [ -z "$LAB_SKIP" ] && [ -z "${HAVZ_LAB_SW_KEEP:-}" ]; then
		"$LAB" down >/dev/null 2>&1 || true
	fi
}

load ct-helpers

note() { printf '# %s\n' "$@" >&3; }
log_to_tap() { sed 's/^/# /' >&3; }

need_lab() {
	[ -z "$LAB_SKIP" ] || skip "$LAB_SKIP"
	[ ! -f "$BATS_FILE_TMPDIR/broken" ] || skip "the switchover cluster did not come up"
}

on() {
	local node=$1
	shift
	run "$LAB" exec -t 400 "$node" "$*"
	if [ "$status" -ne 0 ]; then
		echo "on $node: '$*' exited $status: $output" >&2
		return 1
	fi
}

@test "switchover lab: cluster with ct1 checkpoint = switchover, ha-vzd on both nodes" {
	[ -z "$LAB_SKIP" ] || skip "$LAB_SKIP"
	local rc=0 n
	if [ -z "${HAVZ_LAB_SW_REUSE:-}" ]; then
		"$LAB" up >"$BATS_FILE_TMPDIR/up.log" 2>&1 || rc=$?
		if [ "$rc" -eq 0 ]; then
			for n in alpha beta; do
				"$LAB" push "$n" "$BATS_TEST_DIRNAME/lab-switchover.conf" \
					/etc/ha-vz/ha-vz.conf >>"$BATS_FILE_TMPDIR/up.log" 2>&1 || rc=$?
			done
		fi
		[ "$rc" -ne 0 ] || "$LAB" cluster-init >>"$BATS_FILE_TMPDIR/up.log" 2>&1 || rc=$?
		grep -v '^render: wrote' "$BATS_FILE_TMPDIR/up.log" | log_to_tap
	fi
	[ "$rc" -eq 0 ] || touch "$BATS_FILE_TMPDIR/broken"
	[ "$rc" -eq 0 ]
	# heartbeat respawns ha-vzd; it must answer before a switchover can ask the peer.
	for n in alpha beta; do
		on "$n" "for i in \$(seq 60); do pgrep -x ha-vzd >/dev/null && exit 0; sleep 1; done; exit 1"
	done
	on alpha "grep -A20 'container ct1' /etc/ha-vz/ha-vz.conf | grep -x 'checkpoint = switchover'"
	# heartbeat ignores a standby while it still negotiates the resources after its start.
	for n in alpha beta; do
		on "$n" "for i in \$(seq 60); do [ \"\$(cl_status rscstatus)\" != transition ] && exit 0; sleep 1; done; exit 1"
	done
	[ "$(holder)" = alpha ]
}

@test "switchover: refused for a container this node does not hold, nothing stopped" {
	need_lab
	switchover beta ct1
	[ "$status" -eq 5 ]
	[[ "$output" == *"holds no container"* ]]
	switchover alpha nosuch
	[ "$status" -eq 5 ]
	[[ "$output" == *"nosuch does not run on this node"* ]]
	[ "$(holder)" = alpha ]
}

@test "switchover alpha -> beta: live; memory counter, TCP connection and probe continue" {
	need_lab
	# A counter in a shell's memory, and an echo server, inside ct1 on alpha.
	start_counter alpha
	ct_daemon alpha echo 'exec nc -ll -p 7100 -e /bin/cat'
	counter alpha
	counter alpha
	local before=$output
	[ "$before" -ge 2 ]
	note "counter before: $before"
	# A TCP client outside the container: beta's host side of the bridge, one line per 0.2 s.
	on beta "rm -f /root/echo.out; nohup setsid /bin/sh -c 'i=0; while :; do i=\$((i+1)); echo line\$i; sleep 0.2; done | busybox nc 10.99.1.50 7100 >/root/echo.out 2>/root/echo.err' </dev/null >/dev/null 2>&1 & sleep 3; wc -l </root/echo.out"
	note "echo lines before: $output"
	[ "$output" -gt 0 ]
	# The probe from the lab issue: its client on alpha (outside the container).
	run "$LAB" probe-start alpha sw1
	[ "$status" -eq 0 ]

	switchover alpha ct1
	[ "$status" -eq 0 ]
	[[ "$output" == *"beta: preflight: can restore lazily"* ]]
	[[ "$output" == *"preflight: live switchover possible"* ]]
	[[ "$output" == *"LIVE on beta"* ]]
	[[ "$output" == *"freeze "*" ms"* ]]
	[ "$(holder)" = beta ]

	# The counter went on from where it was: no reset, and its process still answers.
	counter beta
	note "counter after: $output"
	[ "$output" -gt "$before" ]
	# The same TCP connection: the client never reconnected and its lines keep coming back.
	# (after a long freeze the client's TCP retransmission backs off: up to a minute or two).
	on beta "a=\$(wc -l </root/echo.out); t=0
		while [ \$(wc -l </root/echo.out) -le \$a ] && [ \$t -lt 120 ]; do sleep 1; t=\$((t + 1)); done
		b=\$(wc -l </root/echo.out); sleep 3; c=\$(wc -l </root/echo.out)
		echo \$a \$b \$c after \$t s; [ \$c -gt \$b ] && [ \$b -gt \$a ]"
	note "echo lines at the end of the switchover, when they came again, 3 s later: $output"
	on beta "pgrep -f 'busybox nc 10.99.1.50' >/dev/null"
	run "$LAB" exec beta "ha-vz status"
	printf '%s\n' "$output" | log_to_tap
	[[ "$output" == *"ct1"*"here"*"beta"*"running"* ]]
	[[ "$output" == *"alpha->beta: dumped"*"restored"* ]]
	# The same in JSON: beta holds ct1 and its last switchover; alpha ran it (freeze, outcome).
	run "$LAB" exec beta "ha-vz status --json"
	python3 -c 'import json,sys
d = json.loads(sys.argv[1])
ct = [c for c in d["containers"] if c["name"] == "ct1"][0]
assert ct["where"] == "here" and ct["state"] == "running", ct
assert ct["last_switchover"]["from"] == "alpha" and ct["last_switchover"]["to"] == "beta", ct
assert ct["last_switchover"]["start"].startswith("restored"), ct' "$output"
	run "$LAB" exec alpha "ha-vz status --json"
	python3 -c 'import json,sys
d = json.loads(sys.argv[1])
s = [x for x in d["switchovers_from_here"] if x["container"] == "ct1"][0]
assert s["to"] == "beta" and s["outcome"].startswith("live") and s["freeze_ms"] > 0, s' "$output"
}

@test "switchover beta -> alpha and probe: no acknowledged record lost across both moves" {
	need_lab
	# A container lxc restored is dumped with criu itself (lxc 5.0.2 cannot, LAB-NOTES).
	switch_back_live_rpo0 beta alpha sw1
}

@test "fallback: a container holding what CRIU cannot dump moves cold, with the reason" {
	need_lab
	local n
	n=$(holder)
	# The memory counter (moved live twice) answers before the move; a cold move restarts ct1
	# without it.
	counter "$n"
	# A process of ct1 (under its init) whose stdout is a pipe to a process outside ct1.
	on "$n" "setsid /bin/sh -c \"lxc-attach -P $MNT -n ct1 -- /bin/sh -c 'setsid sleep 100000 &' | cat >/dev/null\" </dev/null >/dev/null 2>&1 & sleep 3"
	switchover "$n" --all
	[ "$status" -eq 0 ]
	[[ "$output" == *"COLD on "*" (down "*" ms)"* ]]
	[[ "$output" == *"checkpoint failed"* ]]
	[ "$(holder)" != "$n" ]
	# What proves the live tests: after a cold move the counter is gone.
	n=$(holder)
	if counter "$n"; then
		echo "the memory counter answered $output after a cold move" >&2
		return 1
	fi
}

@test "a restore is refused for a stale image (the filesystem changed after the dump)" {
	need_lab
	local n
	n=$(holder)
	on "$n" "touch $MNT/.ha-vz/unmanaged && ha-vz checkpoint ct1"
	on "$n" "echo changed >$MNT/ct1/rootfs/after-dump && umount $MNT && mount /dev/drbd0 $MNT &&
		umount $MNT && mount /dev/drbd0 $MNT"
	run "$LAB" exec "$n" "ha-vz restore ct1"
	printf '%s\n' "$output" | log_to_tap
	[ "$status" -eq 1 ]
	[[ "$output" == *"stale image"* ]]
	on "$n" "$AGENT ct1 start && rm -f $MNT/.ha-vz/unmanaged"
	[ "$(holder)" = "$n" ]
}

@test "after switchovers, a node failure still moves ct1 (heartbeat agrees on its place)" {
	need_lab
	local n survivor
	n=$(holder)
	survivor=alpha
	[ "$n" = beta ] || survivor=beta
	run "$LAB" failover "$n"
	note "failover of $n: $output"
	[ "$status" -eq 0 ]
	[ "$(holder)" = "$survivor" ]
}

# shellcheck shell=bash
# shellcheck disable=SC2154 # status and output are set by bats' run
# The container ct1 in the lab, for the files that move it (switchover.bats, pacemaker.bats):
# commands inside it, daemons in its tree, its memory counter, where it runs, ha-vz switchover.
# Needs LAB, MNT (ct1's mount point), AGENT (the heartbeat resource script) and `on`.

# A command inside ct1 on NODE.
in_ct() {
	local node=$1
	shift
	on "$node" "lxc-attach -P $MNT -n ct1 -- /bin/sh -c '$*'"
}

# Starts the script text $2 as /NAME.sh in ct1 on NODE: a child of the container's init (the
# children of lxc-attach itself are outside the tree CRIU dumps), its own /dev/null as stdio.
ct_daemon() {
	local node=$1 name=$2 script=$3
	printf '%s\n' "$script" >"$BATS_FILE_TMPDIR/$name.sh"
	run "$LAB" push "$node" "$BATS_FILE_TMPDIR/$name.sh" "$MNT/ct1/rootfs/$name.sh" 755
	[ "$status" -eq 0 ]
	on "$node" "lxc-attach -P $MNT -n ct1 -- /bin/sh -c 'setsid /bin/sh /$name.sh </dev/null >/dev/null 2>&1 &'"
}

# The memory counter in ct1 on NODE (started by start_counter): one TCP request, one answer,
# retried while its shell starts the next listener. Fails when nothing answers: nothing on the
# container's rootfs keeps the count, so only a live move (its memory restored) lets it go on.
counter() {
	local node=$1
	in_ct "$node" "for t in \$(seq 50); do v=\$(nc -w 5 127.0.0.1 7200 </dev/null 2>/dev/null) && [ -n \"\$v\" ] && echo \$v && exit 0; sleep 0.2; done; exit 1"
}

# A counter only in a shell's memory, in ct1 on NODE: each request gets the next number.
start_counter() {
	# shellcheck disable=SC2016 # expanded inside the container
	ct_daemon "$1" counter 'i=0; while :; do i=$((i + 1)); echo $i | nc -l -p 7200 >/dev/null; done'
}

# Where ct1 runs: the node whose agent says running.
holder() {
	local n
	for n in alpha beta; do
		if "$LAB" exec "$n" "$AGENT ct1 status" 2>/dev/null | grep -qx running; then
			echo "$n"
			return 0
		fi
	done
	return 1
}

# ha-vz switchover on NODE; its output as TAP comments; $output and $status as `run` sets them.
switchover() {
	local node=$1
	shift
	run "$LAB" exec -t 600 "$node" "ha-vz switchover $*"
	printf '%s\n' "$output" | log_to_tap
}

# ha-vz switchover FROM --all must move ct1 live to TO, and the probe run PROBE_RUN on TO must
# have lost no acknowledged record across the moves (switchover.bats and pacemaker.bats: the same
# assertions on both stacks).
switch_back_live_rpo0() {
	local from=$1 to=$2 probe_run=$3
	switchover "$from" --all
	[ "$status" -eq 0 ]
	[[ "$output" == *"LIVE on $to"* ]]
	[ "$(holder)" = "$to" ]
	run "$LAB" probe-stop "$to" "$probe_run"
	note "probe: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"lost=0"* ]]
}

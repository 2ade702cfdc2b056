# shellcheck shell=bash
# shellcheck disable=SC2154 # status and output are set by bats' run
# Shared by the lab's bats files: one two-VM cluster (tests/lab/lab) for the whole
# file. Each file's setup_file exports its own HAVZ_LAB_RUN and HAVZ_LAB_PORT, then calls
# lab_setup_file; its teardown_file calls lab_down.

# LAB, and LAB_SKIP (why the lab cannot run here, else empty); takes down what an earlier
# run of the same cluster left.
lab_setup_file() {
	export LAB="$BATS_TEST_DIRNAME/lab"
	export LAB_SKIP=""
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		LAB_SKIP="qemu-system-x86_64 is not installed (tests/install-deps)"
	elif [ "$(id -u)" -ne 0 ]; then
		LAB_SKIP="the lab needs root (debootstrap, image build)"
	fi
	lab_down
}

lab_down() {
	[ -n "$LAB_SKIP" ] || "$LAB" down >/dev/null 2>&1 || true
}

# Prints lines as TAP comments (to the TAP stream, fd 3).
note() { printf '# %s\n' "$@" >&3; }
log_to_tap() { sed 's/^/# /' >&3; }

need_lab() {
	[ -z "$LAB_SKIP" ] || skip "$LAB_SKIP"
}

# Runs a shell command line in a node; fails the test with its output if it fails.
on() {
	local node=$1
	shift
	run "$LAB" exec "$node" "$*"
	if [ "$status" -ne 0 ]; then
		echo "on $node: '$*' exited $status: $output" >&2
		return 1
	fi
}

# Waits in NODE up to SECS seconds for the shell condition COND; prints the seconds waited
# (in NODE's clock) on success, else COND's last state via DEBUG (a shell command line).
wait_on() {
	local node=$1 secs=$2 cond=$3 debug=${4:-true}
	run "$LAB" exec -t "$((secs + 30))" "$node" "t0=\$(cut -d' ' -f1 /proc/uptime)
		end=\$(awk '{ printf \"%d\", \$1 + $secs }' /proc/uptime)
		while [ \$(cut -d. -f1 /proc/uptime) -lt \$end ]; do
			if $cond; then awk -v a=\$t0 '{ printf \"%.1f\n\", \$1 - a }' /proc/uptime; exit 0; fi
			sleep 0.2
		done
		echo 'timed out after ${secs}s: $node: $cond'; $debug; exit 1"
	if [ "$status" -ne 0 ]; then
		echo "$output" >&2
		return 1
	fi
}

# NODE's CLOCK_MONOTONIC seconds (the probe's clock there).
uptime_of() {
	"$LAB" exec "$1" "cut -d' ' -f1 /proc/uptime"
}

# Lets root on FROM log in to root on TO by ssh (FROM's own key, TO's sshd started with its
# host keys made now, TO's key in FROM's known_hosts), as an admin sets up ha-vz sync and
# ha-vz split-brain. TO_ADDR is TO's management address.
lab_ssh_setup() {
	local from=$1 to=$2 to_addr=$3 pub
	on "$to" "ssh-keygen -A >/dev/null && sed -i 's/^root:![^:]*:/root:*:/' /etc/shadow &&
		mkdir -p -m 755 /run/sshd && { pgrep -x sshd >/dev/null || /usr/sbin/sshd; }" || return 1
	on "$from" "install -d -m 700 /root/.ssh && rm -f /root/.ssh/id_ed25519* &&
		ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519 && cat /root/.ssh/id_ed25519.pub" ||
		return 1
	pub=$output
	on "$to" "install -d -m 700 /root/.ssh && printf '%s\n' '$pub' >/root/.ssh/authorized_keys &&
		chmod 600 /root/.ssh/authorized_keys" || return 1
	on "$from" "for i in \$(seq 1 40); do ssh-keyscan -t ed25519 $to_addr >/root/.ssh/known_hosts 2>/dev/null &&
		[ -s /root/.ssh/known_hosts ] && exit 0; sleep 0.5; done; exit 1"
}

# Boots both VMs and runs cluster-init, their logs as TAP comments; STACK names what the
# init starts (for the note). Fails when either fails.
lab_cold_start() {
	local stack=$1 t0=$SECONDS rc=0
	"$LAB" up >"$BATS_FILE_TMPDIR/up.log" 2>&1 || rc=$?
	log_to_tap <"$BATS_FILE_TMPDIR/up.log"
	[ "$rc" -eq 0 ] || return 1
	note "boot of both VMs (with image check): $((SECONDS - t0)) s"
	t0=$SECONDS
	"$LAB" cluster-init >"$BATS_FILE_TMPDIR/init.log" 2>&1 || rc=$?
	grep -v '^render: wrote' "$BATS_FILE_TMPDIR/init.log" | log_to_tap
	[ "$rc" -eq 0 ] || return 1
	note "cluster init (render, DRBD sync, mkfs, container, $stack): $((SECONDS - t0)) s"
}

# kill -9 of alpha while the probe client on beta (run PROBE_RUN) writes to the probe service
# in ct1, fsync'd per record: beta must be Primary with alpha's last file intact and run ct1,
# and no acknowledged write may be lost. The file's SHA-256 is left in $BATS_FILE_TMPDIR/sum.
lab_node_loss_rpo0() {
	local probe_run=$1 sum timings fault
	run "$LAB" probe-start beta "$probe_run"
	echo "$output"
	[ "$status" -eq 0 ] || return 1
	on alpha "dd if=/dev/urandom of=/srv/ha-vz/ct1/before-kill bs=1M count=8 conv=fsync 2>/dev/null &&
		sha256sum /srv/ha-vz/ct1/before-kill | cut -d' ' -f1" || return 1
	sum=$output
	[ "${#sum}" -eq 64 ] || return 1
	run "$LAB" failover alpha
	echo "$output"
	[ "$status" -eq 0 ] || return 1
	timings=${output##*$'\n'}
	note "failover after kill -9 of alpha (s after the kill): $timings"
	fault=$(printf '%s\n' "$timings" | tr ' ' '\n' | sed -n 's/^fault=//p')
	run "$LAB" probe-wait beta "$fault"
	echo "$output"
	[ "$status" -eq 0 ] || return 1
	run "$LAB" probe-stop beta "$probe_run" "$fault"
	echo "$output"
	note "probe: $output"
	[ "$status" -eq 0 ] || return 1
	[[ "$output" == *" lost=0 "* ]] || return 1
	on beta "drbdadm role ct-ct1" || return 1
	[[ "$output" == Primary/* ]] || return 1
	on beta "mountpoint -q /srv/ha-vz/ct1 && sha256sum /srv/ha-vz/ct1/before-kill | cut -d' ' -f1" || return 1
	[ "$output" = "$sum" ] || return 1
	on beta "/etc/ha.d/resource.d/ha-vz-container ct1 status" || return 1
	[ "$output" = running ] || return 1
	echo "$sum" >"$BATS_FILE_TMPDIR/sum"
}

# The sampler (lab sampler) for scenario NAME, in the background; its file is $SAMPLES.
sampler_start() {
	# One that a failed test left running.
	sampler_stop
	SAMPLES=$BATS_FILE_TMPDIR/samples-$1
	export SAMPLES
	: >"$SAMPLES"
	# A process group of its own (its readers are subshells and lab-ctl): stopped as a whole.
	setsid "$LAB" sampler "$SAMPLES" 3>&- </dev/null >/dev/null 2>&1 &
	echo $! >"$BATS_FILE_TMPDIR/sampler.pid"
	date +%s.%N >"$SAMPLES.fault"
}

sampler_stop() {
	local pid
	[ -f "$BATS_FILE_TMPDIR/sampler.pid" ] || return 0
	pid=$(cat "$BATS_FILE_TMPDIR/sampler.pid")
	kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
	rm -f "$BATS_FILE_TMPDIR/sampler.pid"
	# Let a round in flight write its line.
	sleep 5
}

# The fault's time on the host's clock (what the sampler's lines count from).
mark_fault() { date +%s.%N >"$SAMPLES.fault"; }

# Reads $SAMPLES (lab sampler: each node's own line a second, its qemu's power) in time order
# and prints: samples=N (pairs compared) max_primaries=N max_running=N, and per node its
# first power-off after the fault in seconds (off_NODE=S). At each node's sample the other
# node's latest state counts when its qemu runs and that sample is at most 1.5 s older; a
# powered-off node counts as neither Primary nor running.
samples_summary() {
	sort -n -s -k1,1 "$SAMPLES" | awk -v f="$(cat "$SAMPLES.fault")" '
		function isprim(x) { return x ~ /^ro=Primary\// }
		function isrun(x) { return x ~ /,ct=(RUNNING|FROZEN)/ }
		$2 == "power" {
			power[$3] = $4
			if ($4 == "off") { st[$3] = ""; if ($1 >= f && !($3 in off)) off[$3] = $1 - f }
			next
		}
		$2 == "sample" {
			st[$3] = $4; t[$3] = $1; seen++
			p = isprim($4); r = isrun($4)
			o = ($3 == "alpha") ? "beta" : "alpha"
			if (power[o] != "off" && st[o] != "" && $1 - t[o] <= 1.5) {
				n++; p += isprim(st[o]); r += isrun(st[o])
			}
			if (p > maxp) maxp = p
			if (r > maxr) maxr = r
		}
		END {
			printf "samples=%d pairs=%d max_primaries=%d max_running=%d", seen, n, maxp, maxr
			for (x in off) printf " off_%s=%.1f", x, off[x]
			printf "\n"
		}'
}

# Stops the sampler and asserts on every sample of the scenario; prints the summary.
assert_samples() {
	local sum
	sampler_stop
	sum=$(samples_summary)
	echo "$sum"
	note "samples: $sum"
	[ "$(val "$sum" samples)" -ge 5 ]
	[ "$(val "$sum" pairs)" -ge 1 ]
	[ "$(val "$sum" max_primaries)" -le 1 ]
	[ "$(val "$sum" max_running)" -le 1 ]
}

# A value from a key=value line.
val() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# Waits on the host up to SECS seconds until NODE's qemu is gone (a fence powered it off).
wait_power_off() {
	local node=$1 secs=$2 i=0
	while "$LAB" status | grep -qx "$node: running (pid [0-9]*)"; do
		i=$((i + 1))
		[ "$i" -lt $((secs * 2)) ] || {
			echo "$node still runs after ${secs}s" >&2
			return 1
		}
		sleep 0.5
	done
}

powered() { "$LAB" status | grep -qx "$1: running (pid [0-9]*)"; }

# The probe's result line on NODE (lost=0 asserted) as a TAP note.
probe_finish() {
	local node=$1 runid=$2 fault=$3
	run "$LAB" probe-wait "$node" "$fault"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$LAB" probe-stop "$node" "$runid" "$fault"
	echo "$output"
	note "probe: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" lost=0 "* ]]
	[[ "$output" == *" corrupt=0"* ]]
}

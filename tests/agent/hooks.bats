#!/usr/bin/env bats
# The checkpoint hook contract (ha-vz-hooks(7)), driven through `ha-vz hooks-run`:
# order, environment, failure of pre-* aborts, timeout, refusal of unsafe hooks.

load helpers

setup_file() {
	export TESTDIR="$BATS_FILE_TMPDIR/hooks"
	export CT="hvhk$$"
	export CONF="$TESTDIR/ha-vz.conf"
	make_config "$TESTDIR" "$CT" "bridge = havzbr0
service_ip = 192.0.2.50/24"
}

setup() {
	HOOKS="$BATS_TEST_TMPDIR/hooks"
	LOG="$BATS_TEST_TMPDIR/log"
	for p in pre-dump post-dump pre-restore post-restore; do
		mkdir -p "$HOOKS/$p.d"
	done
	chmod -R 755 "$HOOKS"
	: >"$LOG"
}

# hook PHASE NAME [BODY]: an executable hook that logs its name, then runs BODY.
hook() {
	local f="$HOOKS/$1.d/$2"
	printf '#!/bin/sh\necho "%s" >>"%s"\n%s\n' "$2" "$LOG" "${3:-}" >"$f"
	chmod 755 "$f"
}

hooks_run() {
	run "$HAVZ" hooks-run "$1" "$CT" -c "$CONF" --hooks-dir "$HOOKS" "${@:2}"
}

@test "hooks run in lexical order; non-hooks are skipped" {
	hook pre-dump 20-second
	hook pre-dump 10-first
	hook pre-dump 30-third
	hook pre-dump B-upper
	hook pre-dump a-lower
	hook pre-dump 15-disabled
	chmod 644 "$HOOKS/pre-dump.d/15-disabled"
	hook pre-dump 12-backup.dpkg-old
	hook pre-dump .hidden
	mkdir "$HOOKS/pre-dump.d/13-subdir"
	hooks_run pre-dump
	[ "$status" -eq 0 ]
	[ "$(cat "$LOG")" = "10-first
20-second
30-third
B-upper
a-lower" ]
}

@test "each phase runs only its own directory" {
	for p in pre-dump post-dump pre-restore post-restore; do
		hook "$p" "10-$p"
	done
	for p in pre-dump post-dump pre-restore post-restore; do
		: >"$LOG"
		hooks_run "$p"
		[ "$status" -eq 0 ]
		[ "$(cat "$LOG")" = "10-$p" ]
	done
}

@test "the environment is fixed: the HAVZ_ variables, PATH and LC_ALL, nothing inherited" {
	hook post-restore 10-env "env | grep -v '^PWD=' | sort >\"$LOG.env\""
	SECRET_FROM_CALLER=1 hooks_run post-restore --image-dir /img
	[ "$status" -eq 0 ]
	cat "$LOG.env"
	[ "$(cat "$LOG.env")" = "HAVZ_ACTION=post-restore
HAVZ_BRIDGE=havzbr0
HAVZ_CT=$CT
HAVZ_CT_PID=
HAVZ_IMAGE_DIR=/img
HAVZ_MOUNT=$TESTDIR/mnt
HAVZ_NODE=$(uname -n)
HAVZ_RESULT=ok
HAVZ_SERVICE_IP=192.0.2.50/24
LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ]
}

# shellcheck disable=SC2016 # the hook bodies expand in the hook, not here
@test "pre-* phases have an empty HAVZ_RESULT; the image dir defaults to MOUNT/.ha-vz/checkpoint" {
	hook pre-restore 10-env 'echo "[$HAVZ_ACTION][$HAVZ_RESULT][$HAVZ_IMAGE_DIR]" >"'"$LOG.out"'"'
	hooks_run pre-restore
	[ "$status" -eq 0 ]
	[ "$(cat "$LOG.out")" = "[pre-restore][][$TESTDIR/mnt/.ha-vz/checkpoint]" ]
}

# shellcheck disable=SC2016 # the hook body expands in the hook, not here
@test "post-* phases get HAVZ_RESULT=failed after a failure" {
	hook post-dump 10-env 'echo "result=$HAVZ_RESULT"'
	run "$HAVZ" -v hooks-run post-dump "$CT" -c "$CONF" --hooks-dir "$HOOKS" --result failed
	[ "$status" -eq 0 ]
	# a successful hook's output is logged at INFO (shown with -v)
	[[ "$output" == *"hook post-dump.d/10-env: result=failed"* ]]
}

@test "a failing pre-* hook aborts: later hooks do not run, its output is logged" {
	hook pre-dump 10-ok
	hook pre-dump 20-fail 'echo "first line"; echo "cannot quiesce the database" >&2; exit 3'
	hook pre-dump 30-never
	hooks_run pre-dump
	[ "$status" -eq 1 ]
	[ "$(cat "$LOG")" = "10-ok
20-fail" ]
	[[ "$output" == *"hook pre-dump.d/20-fail: first line"* ]]
	[[ "$output" == *"hook pre-dump.d/20-fail failed with status 3: cannot quiesce the database"* ]]
	[[ "$output" == *"dump aborted"* ]]
}

@test "a failing pre-restore hook aborts the restore" {
	hook pre-restore 10-fail 'exit 1'
	hooks_run pre-restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"hook pre-restore.d/10-fail failed with status 1"* ]]
	[[ "$output" == *"restore aborted"* ]]
}

@test "a failing post-* hook is logged, and the others still run" {
	hook post-restore 10-fail 'echo "arp failed"; exit 2'
	hook post-restore 20-after
	hooks_run post-restore
	[ "$status" -eq 0 ]
	[ "$(cat "$LOG")" = "10-fail
20-after" ]
	[[ "$output" == *"hook post-restore.d/10-fail failed with status 2: arp failed"* ]]
}

@test "a hook that runs too long is killed with its children and counts as failed" {
	hook pre-dump 10-slow 'sleep 30.25 & sleep 30.5; echo never >>"'"$LOG"'"'
	hook pre-dump 20-never
	SECONDS=0
	hooks_run pre-dump --hook-timeout 1
	elapsed=$SECONDS
	[ "$status" -eq 1 ]
	[ "$elapsed" -lt 5 ]
	[[ "$output" == *"hook pre-dump.d/10-slow timed out after 1000 ms"* ]]
	[ "$(cat "$LOG")" = "10-slow" ]
	# The whole process group went, the background child too.
	sleep 0.3
	run pgrep -f "sleep 30.25"
	[ "$status" -ne 0 ]
}

@test "a hook that times out in a post-* phase does not stop the others" {
	hook post-dump 10-slow 'sleep 30.75'
	hook post-dump 20-after
	hooks_run post-dump --hook-timeout 1
	[ "$status" -eq 0 ]
	[ "$(cat "$LOG")" = "10-slow
20-after" ]
	[[ "$output" == *"timed out"* ]]
}

@test "a group-writable hook is refused, and refusing a pre-* hook aborts" {
	hook pre-dump 10-gw
	chmod 775 "$HOOKS/pre-dump.d/10-gw"
	hooks_run pre-dump
	[ "$status" -eq 1 ]
	[ ! -s "$LOG" ]
	[[ "$output" == *"refusing hook pre-dump.d/10-gw:"*"10-gw is writable by its group"* ]]
}

@test "a world-writable hook is refused" {
	hook pre-restore 10-ww
	chmod 757 "$HOOKS/pre-restore.d/10-ww"
	hooks_run pre-restore
	[ "$status" -eq 1 ]
	[ ! -s "$LOG" ]
	[[ "$output" == *"10-ww is writable by others"* ]]
}

@test "a hook not owned by root is refused" {
	hook pre-dump 10-nobody
	chown 65534 "$HOOKS/pre-dump.d/10-nobody"
	hooks_run pre-dump
	[ "$status" -eq 1 ]
	[ ! -s "$LOG" ]
	[[ "$output" == *"10-nobody is owned by uid 65534, not root"* ]]
}

@test "a writable hook directory refuses all of its hooks" {
	hook pre-dump 10-ok
	chmod 777 "$HOOKS/pre-dump.d"
	hooks_run pre-dump
	[ "$status" -eq 1 ]
	[ ! -s "$LOG" ]
	[[ "$output" == *"refusing the pre-dump hooks:"*"pre-dump.d is writable by others"* ]]
	# even with the sticky bit: the hook directory itself gets no exception
	chmod 1777 "$HOOKS/pre-dump.d"
	hooks_run pre-dump
	[ "$status" -eq 1 ]
}

@test "a directory above owned by another user refuses the hooks" {
	hook pre-dump 10-ok
	chown 65534 "$HOOKS"
	hooks_run pre-dump
	[ "$status" -eq 1 ]
	[ ! -s "$LOG" ]
	[[ "$output" == *"hooks is owned by uid 65534, not root"* ]]
}

@test "an unsafe post-* hook is not run, the safe ones are" {
	hook post-restore 10-gw
	chmod 775 "$HOOKS/post-restore.d/10-gw"
	hook post-restore 20-ok
	hooks_run post-restore
	[ "$status" -eq 0 ]
	[ "$(cat "$LOG")" = "20-ok" ]
	[[ "$output" == *"refusing hook post-restore.d/10-gw"* ]]
}

@test "a symlinked hook is judged by its target" {
	target="$BATS_TEST_TMPDIR/real-hook"
	printf '#!/bin/sh\necho linked >>"%s"\n' "$LOG" >"$target"
	chmod 755 "$target"
	ln -s "$target" "$HOOKS/pre-dump.d/10-link"
	hooks_run pre-dump
	[ "$status" -eq 0 ]
	[ "$(cat "$LOG")" = "linked" ]
	chmod 777 "$target"
	: >"$LOG"
	hooks_run pre-dump
	[ "$status" -eq 1 ]
	[ ! -s "$LOG" ]
}

@test "no hook directory, or an empty one, is fine" {
	rm -rf "$HOOKS/pre-dump.d"
	hooks_run pre-dump
	[ "$status" -eq 0 ]
	hooks_run pre-restore
	[ "$status" -eq 0 ]
	run "$HAVZ" hooks-run pre-dump "$CT" -c "$CONF" --hooks-dir "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 0 ]
}

@test "hooks-run: bad phase, unknown container, bad timeout are usage errors" {
	hooks_run during-dump
	[ "$status" -eq 2 ]
	run "$HAVZ" hooks-run pre-dump nosuchct -c "$CONF"
	[ "$status" -eq 2 ]
	[[ "$output" == *"nosuchct: not in"* ]]
	hooks_run pre-dump --hook-timeout 0
	[ "$status" -eq 2 ]
	run "$HAVZ" hooks-run --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: ha-vz hooks-run PHASE NAME"* ]]
}

@test "stock hook 50-gratuitous-arp: nothing to do without a service IP or after a failure" {
	garp="$ROOT/checkpoint-hooks/post-restore.d/50-gratuitous-arp"
	run env -i PATH=/usr/bin:/bin HAVZ_CT=x HAVZ_SERVICE_IP= "$garp"
	[ "$status" -eq 0 ]
	run env -i PATH=/usr/bin:/bin HAVZ_CT=x HAVZ_SERVICE_IP=192.0.2.50/24 HAVZ_RESULT=failed "$garp"
	[ "$status" -eq 0 ]
	run env -i PATH=/usr/bin:/bin HAVZ_CT=x HAVZ_SERVICE_IP=2001:db8::5/64 HAVZ_RESULT=ok "$garp"
	[ "$status" -eq 0 ]
	run env -i PATH=/usr/bin:/bin HAVZ_CT=x HAVZ_SERVICE_IP=192.0.2.50/24 HAVZ_RESULT=ok "$garp"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no init PID"* ]]
}

@test "stock hook 50-gratuitous-arp announces the address inside the container's netns" {
	command -v arping >/dev/null || skip "arping (iputils-arping) not installed"
	command -v unshare >/dev/null || skip "unshare not installed"
	unshare -n sleep 60 &
	ns_pid=$!
	sleep 0.3
	nsenter -t "$ns_pid" -n sh -c 'ip link add v0 type veth peer name v1 &&
		ip link set v0 up && ip link set v1 up && ip addr add 192.0.2.50/24 dev v0'
	garp="$ROOT/checkpoint-hooks/post-restore.d/50-gratuitous-arp"
	run env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HAVZ_CT=x HAVZ_CT_PID="$ns_pid" \
		HAVZ_SERVICE_IP=192.0.2.50/24 HAVZ_RESULT=ok "$garp"
	out_ok=$output st_ok=$status
	run env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HAVZ_CT=x HAVZ_CT_PID="$ns_pid" \
		HAVZ_SERVICE_IP=192.0.2.99/24 HAVZ_RESULT=ok "$garp"
	kill "$ns_pid"
	[ "$st_ok" -eq 0 ]
	[[ "$out_ok" == *"announced 192.0.2.50 on v0"* ]]
	[ "$status" -eq 1 ]
	[[ "$output" == *"192.0.2.99 is not configured inside it"* ]]
}

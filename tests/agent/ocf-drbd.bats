#!/usr/bin/env bats
# resource-agents/drbd (ocf:ha-vz:drbd, the promotable DRBD agent under Pacemaker): its
# interface and its reading of /proc/drbd's format (a fixture through HAVZ_PROC_DRBD; this
# host has no DRBD). Start, promote, demote and stop against real DRBD run in the lab
# (tests/lab/pacemaker.bats).

load helpers

DRBD_OCF=$ROOT/resource-agents/drbd

setup() {
	T=$BATS_TEST_TMPDIR
	cat >"$T/proc-drbd" <<'PROC'
version: 8.4.11 (api:1/proto:86-101)
srcversion: 211FB288A383ED945B83420
 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----
    ns:1052 nr:0 dw:1052 dr:2389 al:9 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0
 1: cs:WFConnection ro:Secondary/Unknown ds:Outdated/DUnknown C r-----
    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0
 2: cs:Unconfigured
11: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----
PROC
}

# drbd_ocf ACTION [VAR=VALUE...]: the agent with the fixture, its score records in $T.
drbd_ocf() {
	local action=$1
	shift
	run env HAVZ_PROC_DRBD="$T/proc-drbd" HAVZ_RUN_DIR="$T/run" OCF_RESOURCE_INSTANCE=drbd-web:0 \
		"$@" "$DRBD_OCF" "$action"
}

@test "ocf:ha-vz:drbd: meta-data is well-formed: both parameters, both role monitors" {
	run "$DRBD_OCF" meta-data
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | xmllint --noout -
	[[ "$output" == *'<parameter name="drbd_resource" required="1" unique="1">'* ]]
	[[ "$output" == *'<parameter name="minor" required="1" unique="1">'* ]]
	[[ "$output" == *'interval="29s" role="Promoted"'* ]]
	[[ "$output" == *'interval="31s" role="Unpromoted"'* ]]
}

@test "ocf:ha-vz:drbd: a bad parameter is OCF_ERR_CONFIGURED naming it; an unknown action 3; notify 0" {
	drbd_ocf monitor OCF_RESKEY_minor=0
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:parameter drbd_resource '' is not a DRBD resource name"* ]]
	drbd_ocf monitor OCF_RESKEY_drbd_resource='ct-web;x' OCF_RESKEY_minor=0
	[ "$status" -eq 6 ]
	drbd_ocf start OCF_RESKEY_drbd_resource=ct-web OCF_RESKEY_minor=zero
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:parameter minor 'zero' is not a number"* ]]
	drbd_ocf migrate_to OCF_RESKEY_drbd_resource=ct-web OCF_RESKEY_minor=0
	[ "$status" -eq 3 ]
	drbd_ocf notify OCF_RESKEY_drbd_resource=ct-web OCF_RESKEY_minor=0
	[ "$status" -eq 0 ]
	drbd_ocf validate-all OCF_RESKEY_drbd_resource=ct-web OCF_RESKEY_minor=0
	[ "$status" -eq 0 ]
}

@test "ocf:ha-vz:drbd: monitor reads the minor's role: 8 Primary, 0 Secondary, 7 unconfigured or absent" {
	drbd_ocf monitor OCF_RESKEY_drbd_resource=ct-web OCF_RESKEY_minor=0
	[ "$status" -eq 8 ]
	drbd_ocf monitor OCF_RESKEY_drbd_resource=ct-db OCF_RESKEY_minor=1
	[ "$status" -eq 0 ]
	drbd_ocf monitor OCF_RESKEY_drbd_resource=ct-x OCF_RESKEY_minor=11
	[ "$status" -eq 0 ]
	drbd_ocf monitor OCF_RESKEY_drbd_resource=ct-old OCF_RESKEY_minor=2
	[ "$status" -eq 7 ]
	# A minor /proc/drbd does not list (not "1:" of "11:" either: matched whole).
	drbd_ocf monitor OCF_RESKEY_drbd_resource=ct-y OCF_RESKEY_minor=3
	[ "$status" -eq 7 ]
	run env HAVZ_PROC_DRBD="$T/none" OCF_RESKEY_drbd_resource=ct-web OCF_RESKEY_minor=0 "$DRBD_OCF" monitor
	[ "$status" -eq 7 ]
}

@test "ocf:ha-vz:drbd: promote and demote of a minor that is not configured fail or are done, without drbdadm" {
	# Not configured: promote is an error (Pacemaker starts before it promotes), demote is done.
	drbd_ocf promote OCF_RESKEY_drbd_resource=ct-old OCF_RESKEY_minor=2
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:ct-old is not configured here (not started)"* ]]
	drbd_ocf demote OCF_RESKEY_drbd_resource=ct-old OCF_RESKEY_minor=2
	[ "$status" -eq 0 ]
	# Already Primary: promote is done; Secondary: demote is done.
	drbd_ocf promote OCF_RESKEY_drbd_resource=ct-web OCF_RESKEY_minor=0
	[ "$status" -eq 0 ]
	drbd_ocf demote OCF_RESKEY_drbd_resource=ct-db OCF_RESKEY_minor=1
	[ "$status" -eq 0 ]
}

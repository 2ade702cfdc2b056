#!/usr/bin/env bats
# ha-vz cib diff|apply: the rendered configuration (conf/ha-vz-pacemaker.conf) against a live
# CIB, through Pacemaker's own cibadmin and crm_diff. CIB_file points both tools at a CIB file
# of the test's own, as Pacemaker's tools allow; HAVZ_CIB_APPLIED keeps what ha-vz applied in
# the test's directory.

load helpers

setup() {
	havz_setup
	if ! command -v cibadmin >/dev/null || ! command -v crm_diff >/dev/null; then
		skip "cibadmin and crm_diff are not installed (tests/install-deps)"
	fi
	mkdir -p "$T/fence"
	printf 's3cret\n' >"$T/fence/alpha.pw"
	printf 's3cret\n' >"$T/fence/beta.pw"
	chmod 600 "$T/fence/alpha.pw" "$T/fence/beta.pw"
	sed -e "s|^auth_key_file = [^ ]*|auth_key_file = $KEY|" \
		-e "s|/etc/ha-vz/fence/|$T/fence/|" "$HAVZ_TOP/conf/ha-vz-pacemaker.conf" >"$CONF"
	# A new cluster's CIB, with the bootstrap set Pacemaker's DC writes into every one.
	cibadmin --empty >"$T/cib.xml"
	export CIB_file=$T/cib.xml HAVZ_CIB_APPLIED=$T/applied.xml
	cibadmin --create --scope crm_config --xml-text '<cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-dc-version" name="dc-version" value="2.1.5-a3f44794f94"/></cluster_property_set>'
}

epoch() { sed -n 's/^<cib .* epoch="\([0-9]*\)".*/\1/p' "$CIB_file"; }

@test "cib diff on a new cluster shows what apply would add, and changes nothing" {
	local before
	before=$(sha256sum <"$CIB_file")
	run "$HAVZ" cib diff -c "$CONF"
	assert_status 0
	assert_output_has "cib: ha-vz cib apply would change:"
	assert_output_has 'primitive id="ct-web"'
	[ "$(sha256sum <"$CIB_file")" = "$before" ] || fail "diff changed the CIB"
	[ ! -e "$HAVZ_CIB_APPLIED" ]
}

@test "cib apply loads the rendered configuration, keeps the cluster's bootstrap set, and is idempotent" {
	run "$HAVZ" cib apply -c "$CONF"
	assert_status 0
	assert_output_has "cib: applied to the live configuration"
	# What the cluster now holds is what render writes, to Pacemaker's own comparison.
	"$HAVZ" render -c "$CONF" --root "$T/root" >/dev/null
	cibadmin --query --scope configuration >"$T/live.xml"
	sed -n '/<configuration>/,/<\/configuration>/p' "$T/root/etc/ha-vz/cib.xml" >"$T/ours.xml"
	run crm_diff --original "$T/ours.xml" --new "$T/live.xml" --no-version
	[ "$status" -eq 1 ] # the bootstrap set is the one difference
	[[ "$output" == *"cib-bootstrap-options-dc-version"* ]] || fail "not only the bootstrap set differs:" "$output"
	[[ "$output" != *"havz-"* ]] || fail "one of ours differs:" "$output"
	grep -q 'name="dc-version" value="2.1.5-a3f44794f94"' "$CIB_file" || fail "the bootstrap set was lost"
	[ -s "$HAVZ_CIB_APPLIED" ]
	# Again: nothing to do, nothing written.
	local e
	e=$(epoch)
	run "$HAVZ" cib apply -c "$CONF"
	assert_status 0
	assert_output_has "cib: the live configuration is up to date with ha-vz.conf"
	[ "$(epoch)" = "$e" ] || fail "an up-to-date apply replaced the configuration (epoch $e -> $(epoch))"
}

@test "cib apply refuses to replace a change made by hand since, names it, and --force replaces it" {
	"$HAVZ" cib apply -c "$CONF" >/dev/null
	# The admin raises the stickiness and bans web's DRBD from beta (pcs/crm would do the same).
	cibadmin --modify --xml-text '<nvpair id="havz-rsc-defaults-resource-stickiness" name="resource-stickiness" value="200"/>'
	crm_resource --ban --resource drbd-web-clone --node beta >/dev/null 2>&1
	local before
	before=$(sha256sum <"$CIB_file")
	run "$HAVZ" cib diff -c "$CONF"
	assert_status 0
	assert_output_has "since ha-vz last applied it (by hand?)"
	assert_output_has 'name="resource-stickiness" value="200"'
	assert_output_has "cli-ban-drbd-web-clone-on-beta"
	run "$HAVZ" cib apply -c "$CONF"
	assert_status 5
	assert_output_has "cib: refused: applying would replace the changes shown above; nothing applied"
	[ "$(sha256sum <"$CIB_file")" = "$before" ] || fail "a refused apply changed the CIB"
	run "$HAVZ" cib apply --force -c "$CONF"
	assert_status 0
	assert_output_has "cib: applied to the live configuration"
	grep -q 'name="resource-stickiness" value="100"' "$CIB_file"
	refute_grep "cli-ban-drbd-web-clone-on-beta" "$CIB_file"
}

@test "cib apply refuses a cluster that holds resources ha-vz never applied" {
	cibadmin --create --scope resources --xml-text '<primitive id="admins-ip" class="ocf" provider="heartbeat" type="IPaddr2"><instance_attributes id="admins-ip-params"><nvpair id="admins-ip-ip" name="ip" value="192.0.2.99"/></instance_attributes></primitive>'
	run "$HAVZ" cib apply -c "$CONF"
	assert_status 5
	assert_output_has "holds resources or constraints that ha-vz never applied"
	grep -q 'id="admins-ip"' "$CIB_file"
	refute_grep 'id="ct-web"' "$CIB_file"
}

@test "cib: usage errors, heartbeat configurations and a cluster that does not answer are named" {
	run "$HAVZ" cib -c "$CONF"
	assert_status 2
	assert_output_has "give diff or apply"
	run "$HAVZ" cib diff --force -c "$CONF"
	assert_status 2
	assert_output_has "--force goes with apply"
	sed -e "s|^stack = pacemaker|stack = heartbeat|" "$CONF" >"$T/hb.conf"
	run "$HAVZ" cib diff -c "$T/hb.conf"
	assert_status 3
	assert_output_has "hb.conf: stack is not pacemaker: there is no CIB to render"
	export CIB_file=$T/no-such-cib.xml
	run "$HAVZ" cib diff -c "$CONF"
	assert_status 1
	assert_output_has "cibadmin --query (is the cluster running here?)"
}

#!/usr/bin/env bats
# Lab tier: two qemu VMs (tests/lab/lab) with Debian 12's kernel, real DRBD 8.4 and heartbeat,
# configured only from `ha-vz render` of tests/lab/lab.conf. One cluster for the whole file,
# the tests run in order: cold start, Prometheus, ha-vz sync, a package upgrade of the running
# cluster, node-loss failover, rejoin and resync.
# Timings are printed as TAP comments, never asserted.

load helpers
load ../assert

setup_file() {
	export HAVZ_LAB_RUN=${HAVZ_LAB_TEST_RUN:-/run/ha-vz-lab-test}
	export HAVZ_LAB_PORT=${HAVZ_LAB_TEST_PORT:-47200}
	lab_setup_file
}

teardown_file() {
	lab_down
}

@test "lab: cluster cold start (both VMs, DRBD UpToDate/UpToDate, heartbeat, ct1 on alpha)" {
	need_lab
	lab_cold_start heartbeat
	for n in alpha beta; do
		on "$n" "drbdadm cstate ct-ct1"
		[ "$output" = Connected ]
		on "$n" "drbdadm dstate ct-ct1"
		[ "$output" = UpToDate/UpToDate ]
		on "$n" "cl_status hbstatus"
		[[ "$output" == *"is running"* ]]
		on "$n" "test -f /etc/drbd.d/ct-ct1.res && test -f /etc/ha.d/ha.cf && head -1 /etc/ha.d/ha.cf"
		[[ "$output" == *"ha-vz render"* ]]
	done
	on alpha "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	on alpha "mountpoint -q /srv/ha-vz/ct1"
	on alpha "/etc/ha.d/resource.d/ha-vz-container ct1 status"
	[ "$output" = running ]
	on beta "cl_status nodestatus alpha"
	[ "$output" = active ]
	touch "$BATS_FILE_TMPDIR/cluster-up"
}

@test "lab: a real Prometheus on beta scrapes both nodes' ha-vzd; promtool checks each live scrape" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/cluster-up" ] || skip "the cold start test did not pass"
	# lab.conf: metrics_port = 9664, served on each node's management address only.
	local port=9664 a=10.99.4.11 b=10.99.4.12
	# (busybox's wget, as bookworm builds it, crashes with -T: timeout(1) bounds it instead.)
	for addr in $a $b; do
		on beta "timeout 20 busybox wget -q -O /tmp/scrape-$addr http://$addr:$port/metrics &&
			promtool check metrics </tmp/scrape-$addr && grep -c '^havz_' /tmp/scrape-$addr"
		note "promtool check metrics: the live scrape of $addr:$port passes ($output havz_ samples)"
		[ "$output" -gt 10 ]
		on beta "grep -E '^havz_(drbd_resources|drbd_connections|container_up|node_info)' /tmp/scrape-$addr"
		printf '%s\n' "$output" | log_to_tap
	done
	# Not served on the clients' network: alpha's address there refuses the connection.
	run "$LAB" exec beta "timeout 20 bash -c 'exec 3<>/dev/tcp/10.99.1.11/$port' 2>&1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Connection refused"* ]]
	on beta "mkdir -p /tmp/prom && printf '%s\n' 'global:' '  scrape_interval: 2s' \
		'scrape_configs:' '  - job_name: havz' '    static_configs:' \
		\"      - targets: ['$a:$port', '$b:$port']\" >/tmp/prom/prometheus.yml &&
		promtool check config /tmp/prom/prometheus.yml >/dev/null &&
		{ setsid prometheus --config.file=/tmp/prom/prometheus.yml --storage.tsdb.path=/tmp/prom/data \
			--web.listen-address=127.0.0.1:9090 </dev/null >/tmp/prom/log 2>&1 & }"
	local t0=$SECONDS q='promtool query instant http://127.0.0.1:9090'
	# Both targets scraped by Prometheus itself (up is its own verdict on each scrape).
	on beta "for i in \$(seq 1 240); do
			$q 'sum(up{job=\"havz\"})' 2>/dev/null | grep -q '^{} => 2 @' && exit 0; sleep 0.5
		done; tail -5 /tmp/prom/log; exit 1"
	note "Prometheus on beta: both targets up $((SECONDS - t0)) s after its start"
	on beta "$q 'havz_container_up{container=\"ct1\"}'"
	note "havz_container_up: $(printf '%s' "$output" | tr '\n' ';')"
	[[ "$output" == *'havz_container_up{container="ct1", instance="'$a:$port'", job="havz"} => 1 @'* ]]
	[[ "$output" == *'havz_container_up{container="ct1", instance="'$b:$port'", job="havz"} => 0 @'* ]]
	on beta "$q 'havz_node_info'"
	[[ "$output" == *'instance="'$a:$port'", job="havz", node="alpha"'* ]]
	[[ "$output" == *'instance="'$b:$port'", job="havz", node="beta"'* ]]
	for m in havz_peer_up havz_config_in_sync; do
		on beta "$q '$m'"
		[ "$(grep -c "^$m{.*} => 1 @" <<<"$output")" -eq 2 ]
	done
	on beta "pkill -x prometheus; for i in \$(seq 1 40); do pgrep -x prometheus >/dev/null || exit 0; sleep 0.5; done; exit 1"
}

@test "lab: ha-vz sync over ssh: a change reaches beta, one beta refuses leaves its file, a diverged beta is refused and status warns" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/cluster-up" ] || skip "the cold start test did not pass"
	local conf=/etc/ha-vz/ha-vz.conf b=10.99.4.12 sum0 sum1
	# The admin's set-up: root's key on alpha authorized on beta, beta's own host keys, its sshd.
	lab_ssh_setup alpha beta "$b"
	on beta "sha256sum $conf | cut -d' ' -f1"
	sum0=$output

	# A change on alpha: --dry-run shows it and leaves beta alone.
	on alpha "cp $conf /root/ha-vz.conf.orig && echo '# synced by cluster.bats' >>$conf"
	run "$LAB" exec alpha "ha-vz sync --dry-run 2>&1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"+# synced by cluster.bats"* ]]
	on beta "sha256sum $conf | cut -d' ' -f1"
	[ "$output" = "$sum0" ]
	# The sync: beta's file is alpha's, the record on both nodes is its digest.
	local t0=$SECONDS
	run "$LAB" exec alpha "ha-vz sync 2>&1"
	echo "$output"
	[ "$status" -eq 0 ]
	note "ha-vz sync alpha -> beta: $((SECONDS - t0)) s"
	on alpha "sha256sum $conf | cut -d' ' -f1"
	sum1=$output
	[ "$sum1" != "$sum0" ]
	for n in alpha beta; do
		on "$n" "sha256sum $conf | cut -d' ' -f1; cat /var/lib/ha-vz/sync/ha-vz.conf.sha256"
		[ "$output" = "$sum1"$'\n'"$sum1" ]
	done

	# Valid here, refused there: alpha's BMC password file moved to one that only alpha has.
	on alpha "install -m 600 /etc/ha-vz/fence/alpha.pw /etc/ha-vz/fence/alpha-sync.pw &&
		cp $conf /root/ha-vz.conf.synced &&
		sed -i 's|^fence_password_file = /etc/ha-vz/fence/alpha.pw\$|fence_password_file = /etc/ha-vz/fence/alpha-sync.pw|' $conf &&
		grep -q alpha-sync.pw $conf && ha-vz check-config"
	run "$LAB" exec alpha "ha-vz sync 2>&1"
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"beta: "*"alpha-sync.pw"* ]]
	on beta "sha256sum $conf | cut -d' ' -f1; ls -A /etc/ha-vz | grep -c '\.sync\$' || true"
	[ "$output" = "$sum1"$'\n'0 ]
	on alpha "cp /root/ha-vz.conf.synced $conf && rm /etc/ha-vz/fence/alpha-sync.pw"

	# Edited on beta since the last sync: status warns on both nodes, sync refuses, --force wins.
	on beta "echo '# edited on beta' >>$conf"
	on alpha "for i in \$(seq 1 120); do ha-vz status | grep -q 'WARNING: ha-vz.conf differs between' && exit 0; sleep 0.5; done; ha-vz status; exit 1"
	on alpha "ha-vz status | grep WARNING"
	note "alpha's status: $output"
	run "$LAB" exec alpha "ha-vz sync 2>&1"
	echo "$output"
	[ "$status" -eq 5 ]
	[[ "$output" == *"beta's copy changed since the last sync"*"--force"* ]]
	on beta "tail -1 $conf"
	[ "$output" = "# edited on beta" ]
	run "$LAB" exec alpha "ha-vz sync --force 2>&1"
	echo "$output"
	[ "$status" -eq 0 ]
	on beta "sha256sum $conf | cut -d' ' -f1"
	[ "$output" = "$sum1" ]
	on alpha "for i in \$(seq 1 120); do ha-vz status --json | grep -q '\"same\":true' && exit 0; sleep 0.5; done; exit 1"
}

@test "lab: dpkg -i of the next version on both nodes while ct1 runs: config and key kept, ct1 not restarted, the new ha-vzd answers" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/cluster-up" ] || skip "the cold start test did not pass"
	# The image holds the package it was installed from and the same tree as the next version.
	local debs=/var/lib/ha-vz-lab/debs ver next
	on alpha "dpkg-query -W -f='\${Status} \${Version}' ha-vz"
	[[ "$output" == "install ok installed "* ]] || fail "ha-vz is not installed from its package: $output"
	ver=${output##* }
	next=$ver+next
	on alpha "test -f $debs/ha-vz_${next}_amd64.deb"
	local files="/etc/ha-vz/ha-vz.conf /etc/ha-vz/authkey /var/lib/ha-vz/sync/ha-vz.conf.sha256"
	local -A sums pid_d
	for n in alpha beta; do
		on "$n" "sha256sum $files; stat -c '%a %U' /etc/ha-vz/authkey"
		sums[$n]=$output
		on "$n" "pgrep -x ha-vzd"
		pid_d[$n]=$output
	done
	on alpha "lxc-info -P /srv/ha-vz/ct1 -n ct1 -pH"
	local ct_pid=$output
	[ -n "$ct_pid" ]
	# The secondary first, then the primary, the way an admin rolls an upgrade.
	local t0=$SECONDS
	for n in beta alpha; do
		run "$LAB" exec "$n" "dpkg -i $debs/ha-vz_${next}_amd64.deb 2>&1"
		echo "$output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"heartbeat respawns it as the new version"* ]]
		on "$n" "dpkg-query -W -f='\${Status} \${Version}' ha-vz"
		[ "$output" = "install ok installed $next" ]
	done
	note "dpkg -i $next on beta, then alpha: $((SECONDS - t0)) s"
	local addr
	for n in alpha beta; do
		# heartbeat respawned ha-vzd from the new binary: a new pid, serving the new version.
		[ "$n" = alpha ] && addr=10.99.4.11 || addr=10.99.4.12
		wait_on "$n" 60 "p=\$(pgrep -x ha-vzd) && [ \"\$p\" != '${pid_d[$n]}' ] &&
			timeout 10 busybox wget -q -O - http://$addr:9664/metrics 2>/dev/null |
			grep -q '^havz_node_info{.*version=\"$next\"'" "pgrep -a ha-vzd"
		note "$n: the new ha-vzd served $next ${output}s after the poll began"
		on "$n" "sha256sum $files; stat -c '%a %U' /etc/ha-vz/authkey"
		[ "$output" = "${sums[$n]}" ]
		on "$n" "cl_status hbstatus"
		[[ "$output" == *"is running"* ]]
	done
	# ct1 kept running through both upgrades: the same init, its volume still Primary here.
	on alpha "lxc-info -P /srv/ha-vz/ct1 -n ct1 -pH"
	[ "$output" = "$ct_pid" ]
	on alpha "/etc/ha.d/resource.d/ha-vz-container ct1 status; drbdadm role ct-ct1; drbdadm cstate ct-ct1"
	[ "$output" = $'running\nPrimary/Secondary\nConnected' ]
	on beta "/etc/ha.d/resource.d/ha-vz-container ct1 status || true"
	[ "$output" != running ]
	# Both new daemons exchanged their status: no warning (configs equal, peer answering).
	wait_on alpha 60 "s=\$(ha-vz status 2>&1) && ! printf '%s' \"\$s\" | grep -q WARNING" "ha-vz status"
}

@test "lab: node-loss failover with RPO 0 (kill -9 alpha: beta runs ct1, no acknowledged write lost)" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/cluster-up" ] || skip "the cold start test did not pass"
	lab_node_loss_rpo0 lab1
}

@test "lab: old primary rejoins as Secondary and resyncs (no failback)" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/sum" ] || skip "the failover test did not pass"
	on beta "dd if=/dev/urandom of=/srv/ha-vz/ct1/after-kill bs=1M count=4 conv=fsync 2>/dev/null"
	run "$LAB" rejoin alpha
	echo "$output"
	[ "$status" -eq 0 ]
	note "rejoin of alpha (s): ${output##*$'\n'}"
	on alpha "drbdadm role ct-ct1"
	[ "$output" = Secondary/Primary ]
	on alpha "drbdadm dstate ct-ct1"
	[ "$output" = UpToDate/UpToDate ]
	run "$LAB" exec alpha "mountpoint -q /srv/ha-vz/ct1"
	[ "$status" -ne 0 ]
	on beta "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	on beta "sha256sum /srv/ha-vz/ct1/before-kill | cut -d' ' -f1"
	[ "$output" = "$(cat "$BATS_FILE_TMPDIR/sum")" ]
	on beta "cl_status nodestatus alpha"
	[ "$output" = active ]
}

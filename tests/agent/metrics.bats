#!/usr/bin/env bats
# ha-vzd's Prometheus endpoint ([cluster] metrics_port), scraped live from the real
# daemons of two "nodes" in network namespaces (tests/agent/netns.bash) with a real LXC
# container: promtool (Debian's prometheus package) checks the exposition, the values
# follow what the daemons did (a restart, a fence request), and the HTTP side holds:
# management address only, GET /metrics only, bounded requests.
# shellcheck disable=SC2154 # status and output are set by bats' run

load netns

PORT=9664

setup() {
	pair_setup "metrics_port = $PORT"
}

teardown() {
	pair_teardown
}

scrape() { # NODE [PATH]: the body of GET PATH (default /metrics) on NODE's management address
	local addr=10.250.0.1
	[ "$1" = alpha ] || addr=10.250.0.2
	in_ns "$(ns_of "$1")" curl -sS --max-time 10 "http://$addr:$PORT${2:-/metrics}"
}

has_sample() { # NODE LINE: the scrape holds this exact sample line
	scrape "$1" | grep -qxF -- "$2"
}

@test "metrics: a live scrape passes promtool and shows the node, the peer and the container" {
	hold alpha "$WEB"
	start_daemon alpha
	start_daemon beta
	grep -q "metrics: serving http://10.250.0.1:$PORT/metrics" "$T/alpha.log"
	wait_for 100 has_sample alpha "havz_container_up{container=\"$WEB\"} 1" ||
		fail "$(scrape alpha)" "$(cat "$T/alpha.log")"
	wait_for 100 has_sample alpha "havz_peer_up 1" || fail "$(scrape alpha)"
	# The two nodes' files differ here (each has its own mount points): out of sync.
	wait_for 50 has_sample alpha "havz_config_in_sync 0" || fail "$(scrape alpha)"
	run scrape alpha
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$T/scrape"
	sed 's/^/# /' "$T/scrape" >&3
	run promtool check metrics <"$T/scrape"
	[ "$status" -eq 0 ] || fail "promtool: $output"
	[ -z "$output" ] || fail "promtool: $output"
	grep -qxF "havz_node_info{node=\"alpha\",version=\"$("$HAVZ" --version | cut -d' ' -f2)\"} 1" "$T/scrape"
	grep -qxF "havz_container_state{container=\"$WEB\",state=\"running\"} 1" "$T/scrape"
	grep -qxF "havz_container_restarts_total{container=\"$WEB\"} 0" "$T/scrape"
	grep -qxF "havz_failovers_total 0" "$T/scrape"
	grep -qxF "havz_switchover_freeze_seconds_count 0" "$T/scrape"
	grep -qxF "# TYPE havz_switchover_freeze_seconds histogram" "$T/scrape"
	grep -qxF "# TYPE havz_config_in_sync gauge" "$T/scrape"
	# beta does not hold it.
	wait_for 50 has_sample beta "havz_container_up{container=\"$WEB\"} 0" || fail "$(scrape beta)"
	has_sample beta "havz_container_state{container=\"$WEB\",state=\"absent\"} 1"
	scrape beta | promtool check metrics
}

@test "metrics: a restart by ha-vzd and a fence request are counted" {
	hold alpha "$WEB"
	start_daemon alpha
	start_daemon beta
	wait_for 100 has_sample alpha "havz_container_up{container=\"$WEB\"} 1" || fail "$(scrape alpha)"
	kill -KILL "$(init_pid alpha "$WEB")"
	wait_for 150 has_sample alpha "havz_container_restarts_total{container=\"$WEB\"} 1" ||
		fail "$(scrape alpha)" "$(cat "$T/alpha.log")"
	wait_for 100 has_sample alpha "havz_container_up{container=\"$WEB\"} 1"
	# An OUTDATE from alpha that beta's drbdadm cannot carry out (no such DRBD resource here).
	if /usr/sbin/drbdadm role "ct-$WEB" >/dev/null 2>&1; then skip "drbdadm knows ct-$WEB here"; fi
	has_sample beta 'havz_fences_total{answer="failed"} 0'
	run in_a "$HAVZ" fence-peer -c "$T/alpha.conf" -n alpha --resource "ct-$WEB"
	[ "$status" -eq 1 ] || fail "fence-peer: $status: $output"
	has_sample beta 'havz_fences_total{answer="failed"} 1' || fail "$(scrape beta)"
	has_sample beta 'havz_fences_total{answer="outdated"} 0'
}

@test "metrics: management address only, GET /metrics only, bounded requests" {
	start_daemon alpha
	# Not on loopback (nor any other address of the node).
	run in_a curl -sS --max-time 5 "http://127.0.0.1:$PORT/metrics"
	[ "$status" -ne 0 ]
	run in_a curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://10.250.0.1:$PORT/"
	[ "$output" = 404 ]
	run in_a curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "http://10.250.0.1:$PORT/metrics"
	[ "$output" = 405 ]
	run in_a curl -s -o /dev/null -w '%{http_code}' --max-time 5 -I "http://10.250.0.1:$PORT/metrics"
	[ "$output" = 200 ]
	# A request head past 4 KiB is answered 431 and closed.
	run in_a curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "X-Big: $(head -c 5000 /dev/zero | tr '\0' a)" \
		"http://10.250.0.1:$PORT/metrics"
	[ "$output" = 431 ]
	# A client that connects and says nothing does not hold up the next scrape.
	in_a bash -c "exec 3<>/dev/tcp/10.250.0.1/$PORT; sleep 8" &
	local idle=$!
	sleep 0.5
	run in_a curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://10.250.0.1:$PORT/metrics"
	kill "$idle" 2>/dev/null || true
	wait "$idle" 2>/dev/null || true
	[ "$output" = 200 ]
}

@test "metrics: metrics_port equal to control_port is a configuration error" {
	write_conf "$T/clash.conf" "$T/alpha" "metrics_port = 7799"
	run "$HAVZ" check-config -c "$T/clash.conf"
	[ "$status" -ne 0 ]
	[[ "$output" == *"clash.conf:8: metrics_port: 7799 is also the control_port"* ]] || fail "$output"
	# And ha-vzd refuses to start with it.
	run "$HAVZD" -c "$T/clash.conf" -n alpha -t
	[ "$status" -eq 3 ] || fail "ha-vzd -t: $status: $output"
}

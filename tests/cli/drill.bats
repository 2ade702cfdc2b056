#!/usr/bin/env bats
# ha-vz drill check|list|report on recorded drill records (tests/cli/drills), and the report
# page rendered by a real headless browser.

load helpers

DRILLS=$BATS_TEST_DIRNAME/drills

setup() {
	havz_setup
	D=$T/drills
	mkdir -p "$D"
	cp "$DRILLS"/node-loss-pass.json "$DRILLS"/switchover-pass.json \
		"$DRILLS"/fence-unreachable-reported.json "$D/"
}

# Headless Chromium with the flags this closed network needs (no background connections).
chromium_run() {
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/chromium-profile" "$@" 2>"$T/chromium.err"
}

# Width and height of a PNG from its IHDR chunk.
png_size() {
	od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d %d\n", ($1*2^24)+($2*2^16)+($3*2^8)+$4, ($5*2^24)+($6*2^16)+($7*2^8)+$8 }'
}

@test "check passes a clean node loss and says what it saw" {
	run "$HAVZ" drill check "$DRILLS/node-loss-pass.json"
	assert_status 0
	assert_output_has "node-loss heartbeat on alpha: pass (most Primaries 1, most running 1, 0 of 120 lost)"
}

@test "check fails two Primaries, two running copies and lost writes, each at its sample" {
	run "$HAVZ" drill check "$DRILLS/partition-two-primaries.json"
	assert_status 1
	assert_output_has "partition heartbeat on alpha: FAIL (most Primaries 2, most running 2, 2 of 90 lost)"
	assert_line_exact "  t=9.0 s: two Primaries (alpha and beta)"
	assert_line_exact "  t=11.0 s: ct1 running on both alpha and beta"
	assert_line_exact "  RPO: 2 acknowledged writes lost"
}

@test "check accepts a fault not recovered when its reason is reported" {
	run "$HAVZ" drill check "$DRILLS/fence-unreachable-reported.json"
	assert_status 0
	assert_output_has ": reported ("
}

@test "check names the file, line and member of a broken record and reads the others" {
	sed 's/"lost": 0/"lost": "none"/' "$DRILLS/node-loss-pass.json" >"$T/broken.json"
	run "$HAVZ" drill check "$T/broken.json" "$DRILLS/switchover-pass.json"
	assert_status 1
	assert_line_exact "ha-vz: $T/broken.json: line 14: lost: expected a number"
	assert_output_has "switchover heartbeat on alpha: pass"
}

@test "check refuses a record with an unknown member or a drill kind it does not know" {
	sed 's/"kind": "node-loss"/"kind": "meteor"/' "$DRILLS/node-loss-pass.json" >"$T/k.json"
	sed 's/"acked": 120,/"acked": 120, "color": "red",/' "$DRILLS/node-loss-pass.json" >"$T/m.json"
	run "$HAVZ" drill check "$T/k.json"
	assert_status 1
	assert_line_exact "ha-vz: $T/k.json: line 4: kind: unknown drill kind"
	run "$HAVZ" drill check "$T/m.json"
	assert_status 1
	assert_line_exact "ha-vz: $T/m.json: line 13: color: unknown member"
}

@test "check without a file is a usage error" {
	run "$HAVZ" drill check
	assert_status 2
	assert_output_has "name at least one record file"
}

@test "list shows every drill oldest first, with its verdict and RTO" {
	run "$HAVZ" drill list -d "$D"
	assert_status 0
	[ "${#lines[@]}" -eq 4 ] || fail "expected a header and 3 drills:" "$output"
	[[ ${lines[1]} == "2026-12-01 20:00:00 "*" node-loss "*" pass "*" 4.2s "*" 0/120 "* ]] || fail "line 1: ${lines[1]}"
	[[ ${lines[2]} == "2026-12-01 20:10:00 "*" switchover "*" pass "*" 9.8s "* ]] || fail "line 2: ${lines[2]}"
	[[ ${lines[3]} == "2026-12-01 20:30:00 "*" partition "*" reported "*" - "* ]] || fail "line 3: ${lines[3]}"
}

@test "list --json is valid JSON with one summary per drill" {
	run "$HAVZ" drill list -d "$D" --json
	assert_status 0
	[ "$(jq length <<<"$output")" -eq 3 ]
	[ "$(jq -r '.[0].kind + " " + .[0].verdict + " " + (.[0].rto_ms|tostring)' <<<"$output")" = "node-loss pass 4200" ]
	[ "$(jq -r '.[2].rto_ms' <<<"$output")" = "null" ]
}

@test "list and report fail when a drill broke an invariant" {
	cp "$DRILLS/partition-two-primaries.json" "$D/"
	run "$HAVZ" drill list -d "$D"
	assert_status 1
	assert_output_has " FAIL "
	run "$HAVZ" drill report -d "$D"
	assert_status 1
	[ -s "$D/report.html" ] || fail "the report was not written"
	grep -q "4 drills, 1 with a broken invariant" "$D/report.html"
}

@test "report of a directory with a broken record: the rest is reported, the file named" {
	printf '{"format": 1,\n"kind": \n' >"$D/zz-truncated.json"
	run "$HAVZ" drill report -d "$D" -o "$T/page.html"
	assert_status 1
	assert_output_has "$D/zz-truncated.json: line 3: expected a value"
	grep -q "3 drills, 0 with a broken invariant" "$T/page.html"
}

@test "report with no records says so and draws no plots" {
	run "$HAVZ" drill report -d "$T/none" -o "$T/empty.html"
	assert_status 0
	assert_line_exact "$T/empty.html"
	grep -q "No drills recorded yet" "$T/empty.html"
	if grep -q "<svg" "$T/empty.html"; then fail "the empty report draws a plot"; fi
}

@test "unknown subcommands and options are usage errors; drill kinds are not run" {
	run "$HAVZ" drill frobnicate
	assert_status 2
	assert_output_has "unknown subcommand or drill kind 'frobnicate'"
	run "$HAVZ" drill list --bogus
	assert_status 2
	run "$HAVZ" drill report --json
	assert_status 2
	run "$HAVZ" drill node-loss --yes
	assert_status 1
	assert_output_has "injecting faults is not built yet"
}

@test "the report renders in headless Chromium with its three plots drawn" {
	command -v chromium >/dev/null || skip "chromium is not installed (tests/install-deps)"
	run "$HAVZ" drill report -d "$D" -o "$T/report.html"
	assert_status 0
	"$HAVZ" drill report -d "$T/none" -o "$T/empty.html"
	# The DOM as the browser parsed it: the plots are SVG elements with their marks.
	chromium_run --dump-dom "file://$T/report.html" >"$T/dom.html" || fail "chromium: $(cat "$T/chromium.err")"
	local svg pts segs rpo
	svg=$(grep -o '<svg id="plot-[a-z]*"' "$T/dom.html" | sort | tr '\n' ' ')
	[ "$svg" = '<svg id="plot-phases" <svg id="plot-rpo" <svg id="plot-rto" ' ] || fail "plots in the DOM: $svg"
	pts=$(grep -o '<circle class="pt"' "$T/dom.html" | wc -l)
	segs=$(grep -o '<rect class="seg"' "$T/dom.html" | wc -l)
	rpo=$(grep -o '<rect class="rpo [a-zA-Z]*"' "$T/dom.html" | wc -l)
	# Two drills measured an RTO; 5 + 3 + 1 phases measured; one RPO bar per drill.
	[ "$pts" -eq 2 ] || fail "RTO points: $pts"
	[ "$segs" -eq 9 ] || fail "phase segments: $segs"
	[ "$rpo" -eq 3 ] || fail "RPO bars: $rpo"
	# A screenshot of each page: the report's pixels must differ from a page without plots.
	chromium_run --screenshot="$T/report.png" --window-size=1200,1800 "file://$T/report.html" ||
		fail "chromium: $(cat "$T/chromium.err")"
	chromium_run --screenshot="$T/empty.png" --window-size=1200,1800 "file://$T/empty.html" ||
		fail "chromium: $(cat "$T/chromium.err")"
	[ "$(png_size "$T/report.png")" = "1200 1800" ] || fail "screenshot size: $(png_size "$T/report.png")"
	local full empty
	full=$(stat -c %s "$T/report.png")
	empty=$(stat -c %s "$T/empty.png")
	[ "$full" -gt $((empty * 3)) ] || fail "the report's screenshot ($full bytes) is hardly more than an empty page's ($empty)"
	if [ -n "${HAVZ_DRILL_SCREENSHOT:-}" ]; then cp "$T/report.png" "$HAVZ_DRILL_SCREENSHOT"; fi
}

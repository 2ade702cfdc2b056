#!/usr/bin/env bats
# The ha-vz command line: help, version, usage errors, exit codes.

load helpers

@test "ha-vz --help lists every command and exits 0" {
	run "$HAVZ" --help
	assert_status 0
	assert_output_has "Usage: ha-vz"
	local c
	for c in check-config render keygen; do
		grep -Eq "^  $c +[a-z]" <<<"$output" || fail "--help does not list $c:" "$output"
	done
	run "$HAVZ" -h
	assert_status 0
	run "$HAVZ" help
	assert_status 0
	assert_output_has "check-config"
}

@test "check-config --help exits 0 and names its options and exit codes" {
	run "$HAVZ" check-config --help
	assert_status 0
	assert_output_has "Usage: ha-vz check-config"
	assert_output_has "-c, --config FILE"
	assert_output_has "-h, --help"
	assert_output_has "configuration OK"
	assert_output_has "3 the configuration has errors"
}

@test "render --help exits 0 and names its options" {
	run "$HAVZ" render --help
	assert_status 0
	assert_output_has "Usage: ha-vz render"
	assert_output_has "-c, --config FILE"
	assert_output_has "-r, --root DIR"
	assert_output_has "-n, --dry-run"
	assert_output_has "-h, --help"
}

@test "keygen --help exits 0 and names its options" {
	run "$HAVZ" keygen --help
	assert_status 0
	assert_output_has "Usage: ha-vz keygen"
	assert_output_has "-o, --output FILE"
	assert_output_has "-f, --force"
	assert_output_has "-h, --help"
}

@test "ha-vz help COMMAND prints the same text as COMMAND --help" {
	local c a b
	for c in check-config render keygen; do
		a=$("$HAVZ" help "$c")
		b=$("$HAVZ" "$c" --help)
		[ -n "$a" ] && [ "$a" = "$b" ] || fail "help $c differs from $c --help"
	done
	run "$HAVZ" help frobnicate
	assert_status 2
	assert_output_has "unknown command 'frobnicate'"
}

@test "--help writes nothing anywhere" {
	cd "$T"
	run "$HAVZ" render --help
	assert_status 0
	run "$HAVZ" keygen --help
	assert_status 0
	[ -z "$(find "$T" -newer "$CONF" -type f)" ]
}

@test "unknown command: exit 2" {
	run "$HAVZ" frobnicate
	assert_status 2
	assert_line_exact "ha-vz: unknown command 'frobnicate'; see 'ha-vz --help'"
}

@test "no command: exit 2 with the usage" {
	run "$HAVZ"
	assert_status 2
	assert_output_has "Usage: ha-vz"
}

@test "unknown global option: exit 2" {
	run "$HAVZ" --frobnicate
	assert_status 2
	assert_output_has "unknown option '--frobnicate'"
}

@test "unknown option of a command: exit 2" {
	local c
	for c in check-config render keygen; do
		run "$HAVZ" "$c" --frobnicate
		assert_status 2
		assert_output_has "Usage: ha-vz $c"
	done
}

@test "missing option argument: exit 2" {
	run "$HAVZ" check-config -c
	assert_status 2
	run "$HAVZ" render --root
	assert_status 2
}

@test "extra arguments: exit 2" {
	run "$HAVZ" check-config -c "$CONF" extra
	assert_status 2
	assert_output_has "unexpected argument 'extra'"
	run "$HAVZ" render -c "$CONF" --root "$T/r" extra
	assert_status 2
	[ ! -e "$T/r" ]
}

@test "ha-vz --version prints the Makefile's version" {
	local v
	v=$(sed -n 's/^VERSION *:= *//p' "$HAVZ_TOP/Makefile")
	[ -n "$v" ]
	run "$HAVZ" --version
	assert_status 0
	[ "$output" = "ha-vz $v" ]
	run "$HAVZ" -V
	[ "$output" = "ha-vz $v" ]
}

@test "check-config prints exactly 'configuration OK' on success, with -c and --config" {
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	[ "$output" = "configuration OK" ]
	run "$HAVZ" check-config --config "$CONF"
	assert_status 0
	[ "$output" = "configuration OK" ]
	run "$HAVZ" check-config --config="$CONF"
	assert_status 0
	[ "$output" = "configuration OK" ]
}

@test "check-config prints nothing on stderr on success" {
	"$HAVZ" check-config -c "$CONF" 2>"$T/err" >"$T/out"
	[ ! -s "$T/err" ]
	[ "$(cat "$T/out")" = "configuration OK" ]
}

@test "config errors go to stderr, not stdout" {
	sed -i 's/^udpport = 694$/udpport = 0/' "$CONF"
	run "$HAVZ" check-config -c "$CONF"
	assert_status 3
	"$HAVZ" check-config -c "$CONF" >"$T/out" 2>"$T/err" || true
	[ ! -s "$T/out" ]
	grep -q "udpport: 0 is out of range" "$T/err"
}

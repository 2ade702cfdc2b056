#!/usr/bin/env bats
# The exit codes of ha-vz: the one enum that defines them (ha-vz/src/cli/commands.h), the
# EXIT STATUS table of ha-vz(8) and every command's --help agree.

load helpers

COMMANDS_H=$HAVZ_TOP/ha-vz/src/cli/commands.h
MAN8=$HAVZ_TOP/ha-vz/man/ha-vz.8

# The codes of the HAVZ_EXIT_* enum, one a line, sorted.
enum_codes() {
	sed -n 's/^[[:space:]]*HAVZ_EXIT_[A-Z_]* = \([0-9][0-9]*\),.*/\1/p' "$COMMANDS_H" | sort -n
}

# The codes listed in ha-vz(8)'s EXIT STATUS section (".TP" then ".B N"), sorted.
man_codes() {
	sed -n '/^\.SH "EXIT STATUS"/,/^\.SH [^"]/p' "$MAN8" |
		awk 'prev == ".TP" && $1 == ".B" && $2 ~ /^[0-9]+$/ { print $2 } { prev = $0 }' | sort -n
}

# The codes a --help text names after "Exit status:": numbers that start a line or follow
# ": " or ", ".
help_codes() {
	sed -n '/^Exit status/,$p' <<<"$1" | grep -oE '(^|: |, )[0-9]+ ' | grep -oE '[0-9]+' | sort -nu
}

@test "exit codes: ha-vz(8) lists exactly the codes of the HAVZ_EXIT_* enum" {
	local enum man
	enum=$(enum_codes)
	man=$(man_codes)
	[ -n "$enum" ] || fail "no HAVZ_EXIT_* codes found in $COMMANDS_H"
	[ "$(wc -l <<<"$enum")" -ge 4 ] || fail "too few codes parsed from $COMMANDS_H: $enum"
	[ "$enum" = "$man" ] ||
		fail "commands.h defines: ${enum//$'\n'/ }; ha-vz(8) EXIT STATUS lists: ${man//$'\n'/ }"
}

@test "exit codes: defined only in commands.h (fence-peer's DRBD codes aside)" {
	local stray
	stray=$(grep -nE '#define [A-Z_]*EXIT|EXIT_[A-Z_]+ = [0-9]' "$HAVZ_TOP"/ha-vz/src/cli/*.c || true)
	[ -z "$stray" ] || fail "exit codes defined outside commands.h:" "$stray"
	stray=$(grep -nE 'return [1-9][0-9]*;|rc = [1-9][0-9]*;' "$HAVZ_TOP"/ha-vz/src/cli/main.c \
		"$HAVZ_TOP"/ha-vz/src/cli/cmd_*.c | grep -v '/cmd_fence.c:' || true)
	[ -z "$stray" ] || fail "literal exit codes instead of HAVZ_EXIT_*:" "$stray"
}

@test "exit codes: every command's --help names its exit status, only codes of the enum" {
	local enum cmd help codes c
	enum=$(enum_codes)
	run "$HAVZ" --help
	assert_status 0
	local cmds
	cmds=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' <<<"$output")
	[ "$(wc -l <<<"$cmds")" -ge 10 ] || fail "too few commands in --help: $cmds"
	for cmd in $cmds; do
		[ "$cmd" != fence-peer ] || continue # DRBD's codes, documented in its own help
		run "$HAVZ" "$cmd" --help
		assert_status 0
		help=$output
		codes=$(help_codes "$help")
		[ -n "$codes" ] || fail "ha-vz $cmd --help names no exit status:" "$help"
		for c in $codes; do
			grep -qx "$c" <<<"$enum" ||
				fail "ha-vz $cmd --help names exit code $c, not in commands.h:" "$help"
		done
	done
}

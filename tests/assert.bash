# shellcheck shell=bash
# shellcheck disable=SC2154 # status and output are set by bats' run
# Assertions on the last `run`, shared by the bats tiers.

# Fails the test with a message.
fail() {
	printf '%s\n' "$*" >&2
	return 1
}

# Fails unless the last `run` exited with status $1.
assert_status() {
	[ "$status" -eq "$1" ] || fail "exit status $status, expected $1; output:" "$output"
}

# Fails unless the last `run` printed the exact line $1 (stdout and stderr).
assert_line_exact() {
	grep -qxF -- "$1" <<<"$output" || fail "no line '$1' in output:" "$output"
}

# Fails if the last `run` printed anything containing $1.
refute_output_has() {
	if grep -qF -- "$1" <<<"$output"; then
		fail "output contains '$1':" "$output"
	fi
}

# Fails unless the last `run` printed something containing $1.
assert_output_has() {
	grep -qF -- "$1" <<<"$output" || fail "output lacks '$1':" "$output"
}

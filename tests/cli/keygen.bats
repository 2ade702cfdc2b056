#!/usr/bin/env bats
# ha-vz keygen: a random key, mode 600, never readable by others.

load helpers

@test "keygen writes 64 hex characters and a newline, mode 600" {
	run "$HAVZ" keygen -o "$T/k"
	assert_status 0
	assert_output_has "wrote a new cluster key to $T/k (mode 600)"
	[ "$(file_mode "$T/k")" = 600 ]
	[ "$(stat -c %s "$T/k")" -eq 65 ]
	[ "$(wc -l <"$T/k")" -eq 1 ]
	grep -Eqx '[0-9a-f]{64}' "$T/k"
}

@test "the key is never printed" {
	run "$HAVZ" -v keygen -o "$T/k"
	assert_status 0
	refute_output_has "$(cat "$T/k")"
}

@test "two keys differ" {
	"$HAVZ" keygen -o "$T/k1" 2>/dev/null
	"$HAVZ" keygen -o "$T/k2" 2>/dev/null
	! cmp -s "$T/k1" "$T/k2" || fail "two keys are equal"
}

@test "keygen refuses to overwrite without --force and leaves the key alone" {
	local before
	before=$(cat "$KEY")
	run "$HAVZ" keygen -o "$KEY"
	assert_status 1
	assert_line_exact "keygen: $KEY exists; keeping it (use --force to replace it)"
	[ "$(cat "$KEY")" = "$before" ]
	[ "$(file_mode "$KEY")" = 600 ]
}

@test "keygen refuses to overwrite any existing file, even an empty one or a symlink" {
	: >"$T/empty"
	run "$HAVZ" keygen -o "$T/empty"
	assert_status 1
	[ ! -s "$T/empty" ]
	ln -s "$T/nowhere" "$T/link"
	run "$HAVZ" keygen -o "$T/link"
	assert_status 1
	[ ! -e "$T/nowhere" ]
}

@test "--force replaces the key, still mode 600" {
	local before
	before=$(cat "$KEY")
	chmod 644 "$KEY"
	run "$HAVZ" keygen -o "$KEY" --force
	assert_status 0
	[ "$(cat "$KEY")" != "$before" ]
	grep -Eqx '[0-9a-f]{64}' "$KEY"
	[ "$(file_mode "$KEY")" = 600 ]
	run "$HAVZ" keygen -f -o "$KEY"
	assert_status 0
}

@test "with umask 000 the key is still mode 600" {
	run bash -c 'umask 000 && "$HAVZ" keygen -o "$T/k"'
	assert_status 0
	[ "$(file_mode "$T/k")" = 600 ]
	# The directories keygen makes are not world-writable either.
	run bash -c 'umask 000 && "$HAVZ" keygen -o "$T/new/dir/k"'
	assert_status 0
	[ "$(file_mode "$T/new/dir/k")" = 600 ]
	[ "$(file_mode "$T/new/dir")" = 755 ]
}

@test "the key is never world-readable, not even while it is written (strace)" {
	command -v strace >/dev/null || skip "strace is not installed"
	run bash -c 'umask 000 && strace -f -e trace=openat,open,creat,fchmod,chmod,rename -o "$T/trace" "$HAVZ" keygen -o "$T/k"'
	assert_status 0
	# The one file created is created with at most 0600 ...
	run grep -E 'O_CREAT' "$T/trace"
	[ "${#lines[@]}" -eq 1 ] || fail "expected one O_CREAT open:" "$output"
	grep -Eq 'O_CREAT.*O_EXCL.*, 0600\) = [0-9]+$' <<<"$output" || fail "created with a wider mode:" "$output"
	# ... chmod-ed only to 0600 and renamed into place.
	run grep -E 'chmod' "$T/trace"
	if grep -qv ', 0600)' <<<"$output"; then
		fail "a chmod to another mode:" "$output"
	fi
	grep -Eq "rename\\(.*\"$T/k\"\\) = 0" "$T/trace"
	[ "$(file_mode "$T/k")" = 600 ]
}

@test "keygen with an unexpected argument is a usage error" {
	run "$HAVZ" keygen -o "$T/k" extra
	assert_status 2
	[ ! -e "$T/k" ]
	run "$HAVZ" keygen --bogus
	assert_status 2
}

@test "a fresh key is accepted by check-config" {
	rm "$KEY"
	"$HAVZ" keygen -o "$KEY" 2>/dev/null
	run "$HAVZ" check-config -c "$CONF"
	assert_status 0
	[ "$output" = "configuration OK" ]
}

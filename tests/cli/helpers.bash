# shellcheck shell=bash
# shellcheck disable=SC2154 # status and output are set by bats' run
# Shared set-up for the ha-vz CLI tests: a fresh temporary directory with a
# cluster key from `ha-vz keygen` and a copy of conf/ha-vz.conf that uses it.

HAVZ_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HAVZ=${HAVZ:-$HAVZ_TOP/build/ha-vz}
EXAMPLE_CONF=$HAVZ_TOP/conf/ha-vz.conf
GOLDEN=$BATS_TEST_DIRNAME/golden
DRBDADM=${DRBDADM:-/usr/lib/drbd/drbdadm-84}
export HAVZ HAVZ_TOP EXAMPLE_CONF GOLDEN DRBDADM
# shellcheck source=tests/assert.bash
source "$HAVZ_TOP/tests/assert.bash"

# Creates T (scratch dir), KEY, CONF (named ha-vz.conf, as the goldens'
# headers expect) and ROOT (an empty --root that does not exist yet).
havz_setup() {
	[ -x "$HAVZ" ] || {
		echo "$HAVZ is missing: run make first" >&2
		return 1
	}
	T=$BATS_TEST_TMPDIR
	KEY=$T/authkey
	CONF=$T/ha-vz.conf
	ROOT=$T/root
	export T KEY CONF ROOT
	"$HAVZ" keygen -o "$KEY" >/dev/null 2>&1 || return 1
	sed "s|^auth_key_file = .*|auth_key_file = $KEY|" "$EXAMPLE_CONF" >"$CONF"
	grep -qx "auth_key_file = $KEY" "$CONF"
}

setup() {
	havz_setup
}

# Prints the octal permission bits of a file.
file_mode() {
	stat -c '%a' "$1"
}

# Prints "inode mtime size name" for every file below a directory, sorted.
tree_state() {
	find "$1" -type f -printf '%i %T@ %s %P\n' | sort -k4
}

# Renders the test configuration into ROOT (or $1), failing on a non-zero exit.
render_ok() {
	run "$HAVZ" render -c "$CONF" --root "${1:-$ROOT}"
	assert_status 0
}

# Writes a drbd.conf for DRBD 8.4's drbdadm that includes the given files.
write_drbd_conf() {
	local out=$1 f
	shift
	: >"$out"
	for f in "$@"; do
		printf 'include "%s";\n' "$f" >>"$out"
	done
}

# Fails if FILE has a line matching the basic regular expression PATTERN.
# (A bare `! grep` would not fail a bats test.)
refute_grep() {
	if grep -q -- "$1" "$2"; then
		fail "$2 matches '$1'"
	fi
}

# shellcheck shell=bash
# ha-vz installer library: answer file parsing, validation, disk checks and the one install code
# path shared by the unattended and the interactive mode. Sourced by ha-vz-install.

# Every key the answer file may hold, with its default ("" = no default; "!" = required).
declare -gA HAVZ_KEYS=(
	[hostname]='!' [disk]=auto [force]=no [root_size]=8G
	[cluster_name]='!' [cluster_key]='!'
	[node_a]='!' [node_a_management]='!' [node_a_replication]='!'
	[node_b]='!' [node_b_management]='!' [node_b_replication]='!'
	[mgmt_interface]='!' [repl_interface]='!' [gateway]='' [dns]=''
	[root_password]='' [root_password_hash]='' [ssh_authorized_key]=''
	[keepalive]='' [deadtime]='' [initdead]='' [reboot]=yes
)
# Answers: key -> value.
declare -gA A=()
# Errors found by the parser and the validator, one message each.
declare -ga ERRORS=()

err() { ERRORS+=("$*"); }

trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	s=${s%"${s##*[![:space:]]}"}
	printf '%s' "$s"
}

# parse_answer FILE: key = value lines; '#' starts a comment line; unknown keys are errors.
parse_answer() {
	local file=$1 line key value n=0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=$(trim "$line")
		[ -z "$line" ] && continue
		[ "${line:0:1}" = "#" ] && continue
		if [[ "$line" != *=* ]]; then
			err "$file:$n: expected 'key = value'"
			continue
		fi
		key=$(trim "${line%%=*}")
		value=$(trim "${line#*=}")
		if [ -z "${HAVZ_KEYS[$key]+x}" ]; then
			err "$file:$n: $key: unknown key"
			continue
		fi
		A[$key]=$value
	done <"$file"
}

apply_defaults() {
	local k
	for k in "${!HAVZ_KEYS[@]}"; do
		if [ -z "${A[$k]+x}" ] && [ "${HAVZ_KEYS[$k]}" != '!' ]; then
			A[$k]=${HAVZ_KEYS[$k]}
		fi
	done
}

# Validators: status 0 when the value is acceptable.
valid_hostname() { [[ "$1" =~ ^[a-z][a-z0-9-]{0,30}$ ]] && [[ "$1" != *- ]]; }
valid_cluster_name() { [[ "$1" =~ ^[A-Za-z][A-Za-z0-9_-]{0,31}$ ]]; }
valid_ipv4() {
	local ip=$1 o
	[[ "$ip" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
	for o in "${BASH_REMATCH[@]:1}"; do
		[ "$((10#$o))" -le 255 ] || return 1
	done
	[ "${BASH_REMATCH[1]}" != 0 ] && [ "$((10#${BASH_REMATCH[1]}))" -lt 224 ]
}
valid_cidr() {
	local a=${1%/*} p=${1##*/}
	[[ "$1" == */* ]] && valid_ipv4 "$a" && [[ "$p" =~ ^[0-9]{1,2}$ ]] && [ "$p" -ge 1 ] &&
		[ "$p" -le 32 ]
}
valid_mac() { [[ "${1,,}" =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]]; }
valid_ifname() { [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$ ]]; }
valid_key() { [[ "$1" =~ ^[[:graph:]]{16,256}$ ]]; }
valid_yesno() { [[ "$1" =~ ^(yes|no)$ ]]; }
valid_size() { [[ "$1" =~ ^[1-9][0-9]*[MGT]$ ]]; }
valid_time() { [[ "$1" =~ ^[0-9]+(ms|s)$ ]]; }
# Same /prefix network for two CIDR addresses.
same_network() {
	local a b p=${1##*/}
	a=$(ip_to_int "${1%/*}")
	b=$(ip_to_int "${2%/*}")
	local mask=$(((0xffffffff << (32 - p)) & 0xffffffff))
	[ "$((a & mask))" -eq "$((b & mask))" ] && [ "$p" = "${2##*/}" ]
}
ip_to_int() {
	local IFS=.
	# shellcheck disable=SC2086
	set -- $1
	echo $(((10#$1 << 24) | (10#$2 << 16) | (10#$3 << 8) | 10#$4))
}
# Size like 8G in MiB.
size_mib() {
	local n=${1%?}
	case "${1: -1}" in
	M) echo "$n" ;;
	G) echo $((n * 1024)) ;;
	T) echo $((n * 1024 * 1024)) ;;
	esac
}

# validate_answers: every key checked; errors collected in ERRORS.
validate_answers() {
	local k v
	for k in "${!HAVZ_KEYS[@]}"; do
		if [ "${HAVZ_KEYS[$k]}" = '!' ] && [ -z "${A[$k]:-}" ]; then
			err "$k: required"
		fi
	done
	for k in hostname node_a node_b; do
		v=${A[$k]:-}
		[ -z "$v" ] || valid_hostname "$v" ||
			err "$k: '$v' is not a host name (a-z, then a-z 0-9 -; at most 31)"
	done
	v=${A[cluster_name]:-}
	[ -z "$v" ] || valid_cluster_name "$v" || err "cluster_name: '$v' is not a name"
	for k in node_a_management node_a_replication node_b_management node_b_replication; do
		v=${A[$k]:-}
		[ -z "$v" ] || valid_cidr "$v" || err "$k: '$v' is not an IPv4 address/prefix (10.0.0.1/24)"
	done
	if [ -n "${A[node_a]:-}" ] && [ "${A[node_a]}" = "${A[node_b]:-}" ]; then
		err "node_b: same name as node_a"
	fi
	if [ -n "${A[hostname]:-}" ] && [ "${A[hostname]}" != "${A[node_a]:-}" ] &&
		[ "${A[hostname]}" != "${A[node_b]:-}" ]; then
		err "hostname: '${A[hostname]}' is neither node_a nor node_b"
	fi
	local net
	for net in management replication; do
		local x=${A[node_a_$net]:-} y=${A[node_b_$net]:-}
		if valid_cidr "$x" && valid_cidr "$y"; then
			[ "${x%/*}" != "${y%/*}" ] || err "node_b_$net: same address as node_a_$net"
			same_network "$x" "$y" || err "node_b_$net: not in the network of node_a_$net ($x)"
		fi
	done
	if valid_cidr "${A[node_a_management]:-}" && valid_cidr "${A[node_a_replication]:-}" &&
		same_network "${A[node_a_management]}" "${A[node_a_replication]}"; then
		err "node_a_replication: the replication network must differ from the management network"
	fi
	for k in mgmt_interface repl_interface; do
		v=${A[$k]:-}
		[ -z "$v" ] || valid_mac "$v" || valid_ifname "$v" ||
			err "$k: '$v' is neither an interface name nor a MAC address"
	done
	local mi=${A[mgmt_interface]:-} ri=${A[repl_interface]:-}
	if [ -n "$mi" ] && [ "${mi,,}" = "${ri,,}" ]; then
		err "repl_interface: the same interface as mgmt_interface (the links must be redundant)"
	fi
	v=${A[gateway]:-}
	[ -z "$v" ] || valid_ipv4 "$v" || err "gateway: '$v' is not an IPv4 address"
	for v in ${A[dns]:-}; do
		valid_ipv4 "$v" || err "dns: '$v' is not an IPv4 address"
	done
	v=${A[cluster_key]:-}
	[ -z "$v" ] || valid_key "$v" ||
		err "cluster_key: 16 to 256 printable characters without spaces"
	for k in force reboot; do
		valid_yesno "${A[$k]:-}" || err "$k: yes or no, not '${A[$k]:-}'"
	done
	valid_size "${A[root_size]:-}" || err "root_size: '${A[root_size]:-}' is not a size (8G, 4096M)"
	for k in keepalive deadtime initdead; do
		v=${A[$k]:-}
		[ -z "$v" ] || valid_time "$v" || err "$k: '$v' is not a time (500ms, 3s)"
	done
	v=${A[disk]:-}
	[ "$v" = auto ] || [[ "$v" == /dev/* ]] || err "disk: '$v' is not auto or a /dev path"
}

# The device the live system booted from (the ISO), as a whole disk name, if any.
medium_disk() {
	local dev
	dev=$(cat /run/havz/medium-device 2>/dev/null || true)
	[ -n "$dev" ] || return 0
	whole_disk "$dev"
}
whole_disk() {
	local d
	d=$(lsblk -no PKNAME "$1" 2>/dev/null | head -1)
	if [ -n "$d" ]; then echo "/dev/$d"; else echo "$1"; fi
}

# Candidate target disks: whole disks, writable, not the boot medium, not an answer disk.
candidate_disks() {
	local name type ro medium answer
	medium=$(medium_disk)
	answer=$(cat /run/havz/answer-disk 2>/dev/null || true)
	while read -r name type ro; do
		[ "$type" = disk ] || continue
		[ "$ro" = 0 ] || continue
		[ "/dev/$name" = "$medium" ] && continue
		[ "/dev/$name" = "$answer" ] && continue
		case "$name" in zram* | loop* | sr* | fd*) continue ;; esac
		echo "/dev/$name"
	done < <(lsblk -dn -o NAME,TYPE,RO 2>/dev/null)
}

# disk_signatures DISK: one line per signature found on the disk or its partitions. A device
# that cannot be probed counts as holding data: never erase what could not be looked at.
disk_signatures() {
	local disk=$1 dev out
	while read -r dev; do
		if ! out=$(wipefs --no-act --noheadings --output DEVICE,TYPE,LABEL "$dev" 2>&1); then
			out="$dev (cannot be probed: ${out:-wipefs failed})"
		fi
		if [ -n "$out" ]; then printf '%s\n' "$out"; fi
	done < <(lsblk -lnpo NAME "$disk" 2>/dev/null || echo "$disk")
}

# part DISK N: the device name of partition N.
part() {
	case "$1" in
	*[0-9]) echo "${1}p$2" ;;
	*) echo "$1$2" ;;
	esac
}

# resolve_iface NAME|MAC: the interface name in this (live) system, which the installed system
# sees the same way (same kernel and udev); the installer pins it by MAC anyway.
resolve_iface() {
	local want=${1,,} dev mac
	for dev in /sys/class/net/*; do
		dev=${dev##*/}
		[ "$dev" = lo ] && continue
		mac=$(cat "/sys/class/net/$dev/address" 2>/dev/null || true)
		if [ "$dev" = "$1" ] || [ "$mac" = "$want" ]; then
			echo "$dev $mac"
			return 0
		fi
	done
	return 1
}

# answer_without_secrets FILE: the answer file with its secrets replaced, for the record.
answer_without_secrets() {
	sed -E 's/^([[:space:]]*(cluster_key|root_password|root_password_hash)[[:space:]]*=).*/\1 (removed by the installer)/' "$1"
}

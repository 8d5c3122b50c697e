# SPDX-License-Identifier: GPL-2.0
# Shell library for macvx selftests. Source it from a test_*.sh script:
#
#   . "$(dirname "$0")/lib.sh"
#   module_load
#   ns_create a
#   tap_check "module.sysfs_present" test -d /sys/module/macvx
#   tap_done
#
# Output is TAP 13: one "ok N name" or "not ok N name" line per check, the
# plan "1..N" at the end. The environment comes from selftests/run_guest:
#   MACVX_REPO  checkout path       MACVX_KO  macvx.ko for this kernel
#   IP          patched ip binary   MACVX_KERNEL  running kernel release
#   MACVX_OUT   writable results directory, kept on the host
#   MACVX_TEST_BIN  directory of the built C selftests

set -eu

MACVX_REPO=${MACVX_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
MACVX_KERNEL=${MACVX_KERNEL:-$(uname -r)}
MACVX_KO=${MACVX_KO:-$MACVX_REPO/build/$MACVX_KERNEL/src/macvx.ko}
IP=${IP:-$MACVX_REPO/build/iproute2/ip/ip}
MACVX_OUT=${MACVX_OUT:-/tmp}

TAP_COUNT=0
TAP_FAILED=0
TAP_DONE=0
TAP_LAST_STATUS=0
# Network namespaces get this prefix, so parallel runs and leftovers of a
# killed test never collide with the names of another test.
NS_PREFIX="mvx$$-"
_ns_list=""
_cleanup_cmds=()

echo "TAP version 13"

# Print each argument line as a TAP diagnostic comment.
tap_diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

tap_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	echo "ok $TAP_COUNT $1"
}

# tap_fail NAME [REASON]
tap_fail() {
	TAP_COUNT=$((TAP_COUNT + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_COUNT $1"
	[ $# -lt 2 ] || tap_diag "$2"
}

# tap_skip NAME REASON
tap_skip() {
	TAP_COUNT=$((TAP_COUNT + 1))
	echo "ok $TAP_COUNT $1 # SKIP $2"
}

# tap_check NAME COMMAND [ARG...]: one check. The command's output is shown
# only when it fails. It returns 0 either way, so a failed check does not
# end a script under "set -e". Use tap_require when later checks depend on
# this one.
tap_check() {
	local name=$1 output status=0
	shift
	output=$("$@" 2>&1) || status=$?
	if [ "$status" -eq 0 ]; then
		tap_ok "$name"
	else
		tap_fail "$name" "'$*' exited with status $status"
		[ -z "$output" ] || tap_diag "$output"
	fi
	TAP_LAST_STATUS=$status
}

# tap_check_fails NAME COMMAND [ARG...]: passes when COMMAND fails.
tap_check_fails() {
	local name=$1 output status=0
	shift
	output=$("$@" 2>&1) || status=$?
	if [ "$status" -ne 0 ]; then
		tap_ok "$name"
		TAP_LAST_STATUS=0
		return 0
	fi
	tap_fail "$name" "'$*' succeeded but was expected to fail"
	[ -z "$output" ] || tap_diag "$output"
	TAP_LAST_STATUS=1
}

# tap_require NAME COMMAND [ARG...]: like tap_check, but a failure ends the
# script (with the plan), because the checks after it would only repeat it.
tap_require() {
	tap_check "$@"
	[ "$TAP_LAST_STATUS" -eq 0 ] || tap_done
}

# Print the plan and exit: status 1 when any check failed.
tap_done() {
	TAP_DONE=1
	echo "1..$TAP_COUNT"
	[ "$TAP_FAILED" -eq 0 ] || exit 1
	exit 0
}

# cleanup_add COMMAND [ARG...]: run at exit, last added first.
cleanup_add() {
	_cleanup_cmds+=("$(printf '%q ' "$@")")
}

_lib_cleanup() {
	local status=$? i ns
	set +e
	for ((i = ${#_cleanup_cmds[@]} - 1; i >= 0; i--)); do
		eval "${_cleanup_cmds[i]}" >/dev/null 2>&1
	done
	for ns in $_ns_list; do
		ip netns delete "$ns" 2>/dev/null
	done
	if [ "$TAP_DONE" -eq 0 ]; then
		tap_fail "${0##*/}.finished" \
			"the script exited with status $status before tap_done"
		echo "1..$TAP_COUNT"
		[ "$status" -ne 0 ] || status=1
	fi
	exit "$status"
}
trap _lib_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Stop the script with one failed check when a requirement is missing.
# Failing (not skipping) keeps a missing build step visible in the totals.
require_fail() {
	tap_fail "$1" "$2"
	tap_done
}

require_ip() {
	[ -x "$IP" ] || require_fail "${0##*/}.patched_ip" \
		"patched ip not found at $IP (build it with 'make ip')"
}

require_module_file() {
	[ -f "$MACVX_KO" ] || require_fail "${0##*/}.module_file" \
		"macvx.ko not found at $MACVX_KO (build it with 'make')"
}

module_loaded() {
	[ -d /sys/module/macvx ]
}

# Load the modules macvx.ko depends on (its modinfo "depends" field):
# insmod, unlike modprobe, does not load them.
module_load_deps() {
	local deps dep
	require_module_file
	deps=$(modinfo -F depends "$MACVX_KO")
	for dep in ${deps//,/ }; do
		modprobe "$dep"
	done
}

# Load macvx.ko if it is not loaded yet. Tests must not rely on what an
# earlier test left behind, so each test calls this itself.
module_load() {
	require_module_file
	module_loaded && return 0
	module_load_deps
	insmod "$MACVX_KO"
}

# Unload macvx, waiting while the last references drop.
module_unload() {
	module_loaded || return 0
	wait_for 10 rmmod macvx
}

# wait_for SECONDS COMMAND [ARG...]: poll COMMAND every 0.1 s until it
# succeeds. Returns 1 when it still fails after SECONDS.
wait_for() {
	local tries=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

# ns_create SHORT: create namespace $NS_PREFIX$SHORT with lo up. The full
# name is in $NS_PREFIX$SHORT; it is deleted at exit.
ns_create() {
	local ns=$NS_PREFIX$1
	ip netns add "$ns"
	_ns_list="$_ns_list $ns"
	ip -n "$ns" link set lo up
}

# ns_exec SHORT COMMAND [ARG...]: run COMMAND in namespace $NS_PREFIX$SHORT.
ns_exec() {
	local ns=$NS_PREFIX$1
	shift
	ip netns exec "$ns" "$@"
}

# ipn SHORT ARG...: the patched ip ($IP) in namespace $NS_PREFIX$SHORT.
ipn() {
	local ns=$NS_PREFIX$1
	shift
	"$IP" -n "$ns" "$@"
}

# mac SHORT DEV: the MAC address of DEV in namespace $NS_PREFIX$SHORT.
# "ip -n" is cheaper than "ip netns exec", which mounts a sysfs.
mac() {
	ip -n "$NS_PREFIX$1" -br link show dev "$2" | awk '{ print $3 }'
}

# veth_pair NS_A DEV_A NS_B DEV_B: a veth pair between two namespaces
# created with ns_create, both ends up.
veth_pair() {
	ip -n "$NS_PREFIX$1" link add "$2" type veth peer name "$4" \
		netns "$NS_PREFIX$3"
	ip -n "$NS_PREFIX$1" link set "$2" up
	ip -n "$NS_PREFIX$3" link set "$4" up
}

# two_hosts: namespaces a and b joined by the veth pair va and vb, with
# 10.0.0.1/24 and fd00::1/64 on va and 10.0.0.2/24 and fd00::2/64 on vb.
two_hosts() {
	ns_create a
	ns_create b
	veth_pair a va b vb
	ns_exec a ip addr add 10.0.0.1/24 dev va
	ns_exec b ip addr add 10.0.0.2/24 dev vb
	ns_exec a ip addr add fd00::1/64 dev va nodad
	ns_exec b ip addr add fd00::2/64 dev vb nodad
}

# capture_start NS DEV FILE [TCPDUMP_ARG...]: capture the UDP packets on
# DEV in namespace $NS_PREFIX$NS to FILE, and return once tcpdump listens.
# Its messages go to FILE.log.
capture_start() {
	local ns=$1 dev=$2 file=$3
	shift 3
	: >"$file.log"
	# Not through ns_exec: $! must be tcpdump itself, not a subshell.
	ip netns exec "$NS_PREFIX$ns" tcpdump -Z root -n -U -s 0 -i "$dev" \
		"$@" -w "$file" udp 2>"$file.log" &
	capture_pid=$!
	capture_file=$file
	wait_for 10 grep -q "listening on" "$file.log"
}

# capture_stop: end the capture that capture_start began, once its file
# has stopped growing. Under emulation tcpdump can lag a second behind.
capture_stop() {
	local size last=-1 tries=20

	while [ "$tries" -gt 0 ]; do
		sleep 0.3
		size=$(stat -c %s "$capture_file" 2>/dev/null || echo 0)
		[ "$size" = "$last" ] && break
		last=$size
		tries=$((tries - 1))
	done
	kill -TERM "$capture_pid" 2>/dev/null || true
	wait "$capture_pid" 2>/dev/null || true
}

# wait_until SECONDS COMMAND [ARG...]: poll COMMAND until it succeeds, for
# at most SECONDS of wall-clock time. Unlike wait_for, the limit holds when
# COMMAND itself takes a good part of a second, as it can under emulation.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

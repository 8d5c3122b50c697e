#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# macvx-timeout: 900
# Teardown under load. Namespaces a and b each hold a macvx device mvx0 on
# a veth underlay, with iperf3 TCP running through the tunnel both ways,
# while one of these happens:
#
#   link_del     the macvx device in a is deleted
#   underlay_del a's veth is deleted (and with it b's end)
#   netns_del    namespace a is deleted
#   down_up      a's mvx0 goes down and up again; traffic resumes
#   underlay_mtu a's veth MTU goes down and up again; mvx0 follows it and
#                traffic resumes
#   rmmod        "rmmod macvx" runs with both devices up; it is either
#                rejected or removes the devices, and the module loads and
#                works again afterwards
#
# The module is loaded with its lifecycle debug lines on ("dyndbg=+p"). The
# lines "macvx: KIND %p created ..." and "macvx: KIND %p destroyed" are
# paired by teardown_lifecycle.py: after each case no object of the case is
# left, and after the final "rmmod macvx" (which waits for RCU callbacks)
# every object ever created was destroyed. No kernel warning may appear.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
LIFECYCLE=$MACVX_REPO/selftests/teardown_lifecycle.py
KEY_A=5465617264776e204b65792041203031
KEY_B=5465617264776e204b65792042203032
VNI=4400
UL_A=10.0.0.1
UL_B=10.0.0.2
IN_A=192.168.90.1
IN_B=192.168.90.2
# iperf3 servers: a client in a sends to b on PORT_B, one in b to a on
# PORT_A. The rate leaves room for the pings that check the tunnel.
PORT_A=5202
PORT_B=5201
RATE=20M
# Both MTUs hold for a 1500-byte IPv4 underlay: VXLAN 50, SecTAG 16, ICV 16.
MTU_DEFAULT=1418
MTU_LOW=1318
# Markers of kernel reports, as in selftests/kmsg_check.
KMSG_PATTERNS='BUG:|WARNING:|Oops|general protection fault|refcount_t:|KFENCE:|UBSAN:|Call Trace|kernel BUG at|Kernel panic|blocked for more than'

require_ip
[ -x "$PY" ] || require_fail "teardown.python3" "$PY not found"
for tool in iperf3 ping ss dmesg; do
	command -v "$tool" >/dev/null ||
		require_fail "teardown.tool_$tool" "$tool not found; install it"
done
module_unload || require_fail "teardown.unload_leftover" \
	"macvx was loaded before the test and could not be unloaded"

# Lines from earlier tests of the same boot are ignored: the log is read
# from this marker on.
MARKER="macvx-selftest-teardown-$$-start"
echo "$MARKER" >/dev/kmsg

# load_module: insmod with the lifecycle debug lines on.
load_module() {
	module_load_deps || return 1
	insmod "$MACVX_KO" dyndbg=+p
}
tap_require "teardown.insmod_dyndbg" load_module

ns_create a
ns_create b

lifecycle() {
	dmesg | "$PY" "$LIFECYCLE" "$@" "$MARKER"
}

# live_is EXPECTED: the objects alive, as "teardown_lifecycle.py live"
# prints them.
live_is() {
	local got
	got=$(lifecycle live)
	[ "$got" = "$1" ] && return 0
	echo "alive: $got, expected $1"
	return 1
}

LIVE_NONE="device=0 tx_sa=0 rx_sc=0 rx_sa=0 socket=0"
LIVE_ONE="device=1 tx_sa=1 rx_sc=1 rx_sa=1 socket=1"

# wait_live NAME EXPECTED: pass once the objects alive are EXPECTED, within
# 30 s, because objects are freed after an RCU grace period and a device
# only once every reference on it is gone.
wait_live() {
	if wait_until 30 live_is "$2"; then
		tap_ok "$1"
		TAP_LAST_STATUS=0
	else
		tap_fail "$1" "$(live_is "$2")"
		TAP_LAST_STATUS=1
	fi
}

# ---- setup ----

# pair_setup: veth va-vb, mvx0 in a and b with one SA each way, addresses,
# links up.
pair_setup() {
	local mac_a mac_b

	veth_pair a va b vb || return 1
	ns_exec a ip addr add "$UL_A/24" dev va
	ns_exec b ip addr add "$UL_B/24" dev vb
	ns_exec a "$IP" link add mvx0 type macvx id "$VNI" remote "$UL_B" \
		local "$UL_A" dev va &&
	ns_exec b "$IP" link add mvx0 type macvx id "$VNI" remote "$UL_A" \
		local "$UL_B" dev vb || return 1
	mac_a=$(mac a mvx0)
	mac_b=$(mac b mvx0)
	ns_exec a "$IP" macvx add mvx0 tx sa 0 pn 1 on key 01 "$KEY_A" &&
	ns_exec a "$IP" macvx add mvx0 rx port 1 address "$mac_b" &&
	ns_exec a "$IP" macvx add mvx0 rx port 1 address "$mac_b" sa 0 \
		pn 1 on key 02 "$KEY_B" &&
	ns_exec b "$IP" macvx add mvx0 tx sa 0 pn 1 on key 02 "$KEY_B" &&
	ns_exec b "$IP" macvx add mvx0 rx port 1 address "$mac_a" &&
	ns_exec b "$IP" macvx add mvx0 rx port 1 address "$mac_a" sa 0 \
		pn 1 on key 01 "$KEY_A" || return 1
	ns_exec a sysctl -qw net.ipv6.conf.mvx0.disable_ipv6=1
	ns_exec b sysctl -qw net.ipv6.conf.mvx0.disable_ipv6=1
	ns_exec a ip addr add "$IN_A/24" dev mvx0 &&
	ns_exec b ip addr add "$IN_B/24" dev mvx0 &&
	ns_exec a ip link set mvx0 up &&
	ns_exec b ip link set mvx0 up
}

# pair_teardown: whatever is left of pair_setup, in both namespaces.
pair_teardown() {
	local ns
	for ns in a b; do
		ip netns exec "$NS_PREFIX$ns" ip link del mvx0 2>/dev/null || true
	done
	ip netns exec "${NS_PREFIX}a" ip link del va 2>/dev/null || true
}

# ---- load ----

load_pids=()

# bg NS COMMAND...: start COMMAND in NS in the background; its PID (the
# command itself, because "ip netns exec" execs it) joins load_pids.
bg() {
	local ns=$1
	shift
	ip netns exec "$NS_PREFIX$ns" "$@" >/dev/null 2>&1 &
	load_pids+=("$!")
}

listening() {
	ns_exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

established() {
	ns_exec "$1" ss -Htn state established "dport = :$2" | grep -q .
}

rx_bytes() {
	ns_exec "$1" cat /sys/class/net/mvx0/statistics/rx_bytes
}

# traffic_flows: mvx0 received more than 10000 bytes in a second, in both
# namespaces.
traffic_flows() {
	local a0 b0 a1 b1
	a0=$(rx_bytes a) && b0=$(rx_bytes b) || return 1
	sleep 1
	a1=$(rx_bytes a) && b1=$(rx_bytes b) || return 1
	echo "rx bytes in one second: a $((a1 - a0)), b $((b1 - b0))"
	[ $((a1 - a0)) -gt 10000 ] && [ $((b1 - b0)) -gt 10000 ]
}

# load_start: iperf3 servers, then clients both ways. The clients stop by
# themselves after 300 s, or die with the tunnel; load_stop kills them.
load_start() {
	bg b iperf3 -s -B "$IN_B" -p "$PORT_B"
	bg a iperf3 -s -B "$IN_A" -p "$PORT_A"
	wait_until 20 listening b "$PORT_B" &&
		wait_until 20 listening a "$PORT_A" || return 1
	bg a iperf3 -c "$IN_B" -p "$PORT_B" -t 300 -b "$RATE" \
		--connect-timeout 5000
	bg b iperf3 -c "$IN_A" -p "$PORT_A" -t 300 -b "$RATE" \
		--connect-timeout 5000
	wait_until 30 established a "$PORT_B" &&
		wait_until 30 established b "$PORT_A" || return 1
	wait_until 20 traffic_flows
}

load_stop() {
	local pid
	for pid in "${load_pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	for pid in "${load_pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	load_pids=()
}
cleanup_add load_stop

# ping_ok FROM DEST [ARG...]: three replies within 15 s.
ping_ok() {
	local ns=$1 dest=$2
	shift 2
	ns_exec "$ns" ping -n -q -c 3 -i 0.3 -w 15 "$@" "$dest"
}

has_mvx0() {
	ns_exec "$1" ip link show mvx0 >/dev/null 2>&1
}

# case_start NAME: pair and load for one case. Returns 1, with a failed
# check, when either fails.
case_start() {
	local log=$MACVX_OUT/teardown-load.log
	tap_check "$1.setup" pair_setup
	if [ "$TAP_LAST_STATUS" -eq 0 ]; then
		# Not through tap_check, whose subshell would lose load_pids.
		if load_start >"$log" 2>&1; then
			tap_ok "$1.load_running"
			return 0
		fi
		tap_fail "$1.load_running" "$(cat "$log")"
	fi
	load_stop
	pair_teardown
	return 1
}

# case_end NAME: stop the load, delete what is left and check that every
# object was freed.
case_end() {
	load_stop
	pair_teardown
	wait_live "$1.all_freed" "$LIVE_NONE"
}

# ---- cases ----

if case_start teardown.link_del; then
	tap_check "teardown.link_del.del" ns_exec a ip link del mvx0
	tap_check_fails "teardown.link_del.gone" has_mvx0 a
	tap_check "teardown.link_del.peer_kept" has_mvx0 b
	load_stop
	wait_live "teardown.link_del.objects_freed" "$LIVE_ONE"
	case_end teardown.link_del
fi

if case_start teardown.underlay_del; then
	tap_check "teardown.underlay_del.del" ns_exec a ip link del va
	# Each macvx device goes with its underlay, as vxlan does.
	tap_check "teardown.underlay_del.gone" wait_until 10 \
		eval '! has_mvx0 a'
	tap_check "teardown.underlay_del.peer_gone" wait_until 10 \
		eval '! has_mvx0 b'
	case_end teardown.underlay_del
fi

# processes_in NETNS_INODE: the processes in the network namespace with
# that inode number.
processes_in() {
	local link
	for link in /proc/[0-9]*/ns/net; do
		[ "$(readlink "$link" 2>/dev/null)" = "net:[$1]" ] || continue
		link=${link#/proc/}
		echo "${link%%/*} $(tr '\0' ' ' <"/proc/${link%%/*}/cmdline")"
	done
}

if case_start teardown.netns_del; then
	netns_inode=$(stat -L -c %i "/run/netns/${NS_PREFIX}a")
	tap_check "teardown.netns_del.del" ip netns delete "${NS_PREFIX}a"
	# The iperf3 processes in a keep the namespace alive; b's keep
	# sending into the tunnel while it is dismantled.
	for pid in "${load_pids[@]}"; do
		if [ "$(ip netns identify "$pid" 2>/dev/null)" = "" ]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	# The veth goes with the namespace, b's mvx0 with its underlay.
	wait_live "teardown.netns_del.objects_freed" "$LIVE_NONE"
	[ "$TAP_LAST_STATUS" -eq 0 ] || tap_diag "processes left in the" \
		"deleted namespace: $(processes_in "$netns_inode")"
	tap_check "teardown.netns_del.peer_gone" wait_until 10 \
		eval '! has_mvx0 b'
	load_stop
	ns_create a
	case_end teardown.netns_del
fi

if case_start teardown.down_up; then
	tap_check "teardown.down_up.down" ns_exec a ip link set mvx0 down
	sleep 1
	tap_check "teardown.down_up.up" ns_exec a ip link set mvx0 up
	tap_check "teardown.down_up.ping_a_to_b" ping_ok a "$IN_B"
	tap_check "teardown.down_up.ping_b_to_a" ping_ok b "$IN_A"
	tap_check "teardown.down_up.traffic_resumes" wait_until 60 traffic_flows
	case_end teardown.down_up
fi

mtu_is() {
	[ "$(ns_exec "$1" cat /sys/class/net/mvx0/mtu)" = "$2" ]
}

if case_start teardown.underlay_mtu; then
	tap_check "teardown.underlay_mtu.lower" ns_exec a ip link set va mtu 1400
	tap_check "teardown.underlay_mtu.follows_lower" mtu_is a "$MTU_LOW"
	tap_check "teardown.underlay_mtu.ping_lower" ping_ok a "$IN_B"
	tap_check "teardown.underlay_mtu.raise" ns_exec a ip link set va mtu 1500
	tap_check "teardown.underlay_mtu.follows_raise" mtu_is a "$MTU_DEFAULT"
	tap_check "teardown.underlay_mtu.ping_a_to_b" ping_ok a "$IN_B"
	tap_check "teardown.underlay_mtu.ping_b_to_a" ping_ok b "$IN_A"
	tap_check "teardown.underlay_mtu.ping_full_mtu" ping_ok a "$IN_B" \
		-M "do" -s $((MTU_DEFAULT - 28))
	tap_check "teardown.underlay_mtu.traffic_resumes" \
		wait_until 60 traffic_flows
	case_end teardown.underlay_mtu
fi

# rmmod_result: "removed" when rmmod succeeded and took the devices with
# it, "rejected" when it failed and left both working; anything else is
# printed and fails.
rmmod_result() {
	if rmmod macvx; then
		if ! wait_until 30 eval '! module_loaded'; then
			echo "rmmod succeeded but /sys/module/macvx remains"
			return 1
		fi
		if has_mvx0 a || has_mvx0 b; then
			echo "the module is gone but a mvx0 remains"
			return 1
		fi
		echo removed
		return 0
	fi
	if ! has_mvx0 a || ! has_mvx0 b; then
		echo "rmmod failed but a mvx0 disappeared"
		return 1
	fi
	ping_ok a "$IN_B" >/dev/null || {
		echo "rmmod failed and the tunnel no longer works"
		return 1
	}
	echo rejected
}

if case_start teardown.rmmod; then
	if result=$(rmmod_result 2>&1); then
		tap_ok "teardown.rmmod.rejected_or_clean"
		tap_diag "rmmod under load: $result"
	else
		tap_fail "teardown.rmmod.rejected_or_clean" "$result"
	fi
	load_stop
	pair_teardown
	wait_live "teardown.rmmod.objects_freed" "$LIVE_NONE"
	tap_check "teardown.rmmod.unload" module_unload
	tap_check "teardown.rmmod.insmod_again" load_module
	if case_start teardown.rmmod.reload; then
		tap_check "teardown.rmmod.reload.ping" ping_ok a "$IN_B"
		case_end teardown.rmmod.reload
	fi
fi

# ---- final ----

load_stop
pair_teardown
tap_check "teardown.final_rmmod" module_unload
tap_check "teardown.final_gone" wait_until 10 eval '! module_loaded'
tap_check "teardown.lifecycle_pairs" lifecycle check
if dmesg | sed -n "/$MARKER/,\$p" | grep -E "$KMSG_PATTERNS" >"$MACVX_OUT/teardown-kmsg.txt"; then
	tap_fail "teardown.kmsg_clean" \
		"kernel reports after the start: $(cat "$MACVX_OUT/teardown-kmsg.txt")"
else
	tap_ok "teardown.kmsg_clean"
fi

tap_diag "run time ${SECONDS}s"
tap_done

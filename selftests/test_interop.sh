#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Interoperability of macvx with macvx and with the stock Linux stack (a
# "macsec" device on a "vxlan" device), over IPv4 and IPv6 underlays.
#
# Two network namespaces, a and b, are joined by veth. Host a always runs
# macvx; host b runs macvx or the stock pair. Each cell of the matrix below
# pings both ways (short frames, a payload pattern, full MTU with DF) while
# the underlay is captured. wire_check.py then checks the capture (headers,
# SecTAG, PN, SCI, lengths, ICV and plaintext). Each cell also runs iperf3
# TCP for a second and checks the 802.1AE counters on both ends.
#
# The full product of the axes (peer 2, underlay 2, cipher 4, encrypt 2,
# send_sci 2, icvlen 2) has 128 cells; at about 30 s per cell under TCG
# (measured on a 2-core host) that is over an hour. The 8 rows of
# CELLS cover every pair of values of the cipher, underlay, encrypt,
# send_sci and icvlen axes once (each cipher with both values of every
# two-valued axis, and each pair of two-valued axes in all four
# combinations); every row runs against both peer kinds, 16 cells in all.
#
# XPN SAs start 3 below 2^32, so their PNs cross into the upper half during
# the pings and both ends must carry the upper 32 bits into the IV.
#
# Environment, besides lib.sh's: INTEROP_CELLS selects cells by number
# (1..16, space-separated; default all). STOCK_IP is the stock ip binary
# (default /usr/sbin/ip).
# macvx-timeout: 1500
. "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3
WIRE_CHECK=$MACVX_REPO/selftests/wire_check.py
STOCK_IP=${STOCK_IP:-/usr/sbin/ip}
XPN_START=4294967293

# underlay cipher encrypt send_sci icvlen; each runs against macvx and stock
CELLS=(
	"4 gcm-aes-128 on on 16"
	"6 gcm-aes-128 off off 8"
	"4 gcm-aes-256 off on 8"
	"6 gcm-aes-256 on off 16"
	"4 gcm-aes-xpn-128 on off 8"
	"6 gcm-aes-xpn-128 off on 16"
	"4 gcm-aes-xpn-256 off off 16"
	"6 gcm-aes-xpn-256 on on 8"
)

# Keys and salts per direction: a sends with KEY_A, b with KEY_B.
KEY_A128=4d61637658204b657920412031323821
KEY_B128=4d61637658204b657920422031323821
KEY_A256=${KEY_A128}00112233445566778899aabbccddeeff
KEY_B256=${KEY_B128}ffeeddccbbaa99887766554433221100
SALT_A=0a0b0c0d0e0f101112131415
SALT_B=1a1b1c1d1e1f202122232425
SSCI_A=1
SSCI_B=2

require_ip
[ -x "$PYTHON" ] || require_fail "interop.python" "$PYTHON not found"
for tool in tcpdump iperf3 ping; do
	command -v "$tool" >/dev/null ||
		require_fail "interop.tool_$tool" "$tool not found; install it"
done

modprobe -a vxlan macsec
module_load
two_hosts

# mtu NS DEV
mtu() {
	ns_exec "$1" cat "/sys/class/net/$2/mtu"
}

# Settings of the running cell, set by cell_settings.
peer="" family="" cipher="" encrypt="" send_sci="" icvlen="" vni=0
dev_b="" sa_cmd_b=() ul_a="" ul_b="" in_a="" in_b=""

# secy_options: the SecY part of "ip link add ... type macvx|macsec".
secy_options() {
	echo "port 1 cipher $cipher icvlen $icvlen encrypt $encrypt" \
		"send_sci $send_sci"
}

# key_of SIDE: the key side a or b sends with.
key_of() {
	case $cipher in
	*256) [ "$1" = a ] && echo "$KEY_A256" || echo "$KEY_B256" ;;
	*) [ "$1" = a ] && echo "$KEY_A128" || echo "$KEY_B128" ;;
	esac
}

# sa_options SIDE: PN and, for XPN, salt and SSCI of the SA that SIDE sends
# on (the receiving end configures the same).
sa_options() {
	case $cipher in
	*xpn*)
		if [ "$1" = a ]; then
			echo "xpn $XPN_START on salt $SALT_A ssci $SSCI_A"
		else
			echo "xpn $XPN_START on salt $SALT_B ssci $SSCI_B"
		fi ;;
	*) echo "pn 1 on" ;;
	esac
}

# sa_setup NS TOOL... DEV SELF PEER PEER_MAC: TX SA of SELF, RX SC and SA
# for PEER. TOOL is "$IP macvx" or "ip macsec".
sa_setup() {
	local ns=$1 dev=$2 self=$3 other=$4 peer_mac=$5
	shift 5
	# shellcheck disable=SC2046 # the options are several words
	ns_exec "$ns" "$@" add "$dev" tx sa 0 $(sa_options "$self") \
		key 01 "$(key_of "$self")" &&
	ns_exec "$ns" "$@" add "$dev" rx port 1 address "$peer_mac" &&
	ns_exec "$ns" "$@" add "$dev" rx port 1 address "$peer_mac" sa 0 \
		$(sa_options "$other") key 02 "$(key_of "$other")"
}

# cell_settings NUMBER PEER FAMILY CIPHER ENCRYPT SEND_SCI ICVLEN: set the
# variables of a cell. It runs in the test's shell, cell_setup in a subshell.
cell_settings() {
	vni=$((100 + $1))
	peer=$2 family=$3 cipher=$4 encrypt=$5 send_sci=$6 icvlen=$7
	if [ "$family" = 4 ]; then
		ul_a=10.0.0.1 ul_b=10.0.0.2
	else
		ul_a=fd00::1 ul_b=fd00::2
	fi
	in_a=192.168.$1.1 in_b=192.168.$1.2
	if [ "$peer" = macvx ]; then
		dev_b=mvx0
		sa_cmd_b=("$IP" macvx)
	else
		dev_b=msec0
		sa_cmd_b=("$STOCK_IP" macsec)
	fi
}

# cell_setup: devices, SAs and addresses on both hosts, inner links down.
cell_setup() {
	local mac_a mac_b

	# shellcheck disable=SC2046 # the options are several words
	ns_exec a "$IP" link add mvx0 type macvx id "$vni" remote "$ul_b" \
		local "$ul_a" dev va $(secy_options) || return 1
	if [ "$peer" = macvx ]; then
		# shellcheck disable=SC2046
		ns_exec b "$IP" link add mvx0 type macvx id "$vni" \
			remote "$ul_a" local "$ul_b" dev vb \
			$(secy_options) || return 1
	else
		ns_exec b "$STOCK_IP" link add vx0 type vxlan id "$vni" \
			remote "$ul_a" local "$ul_b" dev vb dstport 4789 ||
			return 1
		# The lower vxlan would send router solicitations and MLD
		# reports in clear next to the protected frames.
		ns_exec b sysctl -qw net.ipv6.conf.vx0.disable_ipv6=1
		ns_exec b ip link set vx0 up
		# shellcheck disable=SC2046
		ns_exec b "$STOCK_IP" link add link vx0 msec0 type macsec \
			$(secy_options) || return 1
	fi
	mac_a=$(mac a mvx0)
	mac_b=$(mac b "$dev_b")
	sa_setup a mvx0 a b "$mac_b" "$IP" macvx || return 1
	sa_setup b "$dev_b" b a "$mac_a" "${sa_cmd_b[@]}" || return 1

	# No IPv6 on the inner links: the capture then holds only what the
	# test sends, starting at the first PN of each SA.
	ns_exec a sysctl -qw net.ipv6.conf.mvx0.disable_ipv6=1
	ns_exec b sysctl -qw "net.ipv6.conf.$dev_b.disable_ipv6=1"
	ns_exec a ip addr add "$in_a/24" dev mvx0
	ns_exec b ip addr add "$in_b/24" dev "$dev_b"
}

# cell_teardown: delete what cell_setup created. Every command may fail,
# because lib.sh runs "set -e".
cell_teardown() {
	ns_exec a ip link del mvx0 2>/dev/null || true
	ns_exec b ip link del "$dev_b" 2>/dev/null || true
	ns_exec b ip link del vx0 2>/dev/null || true
}

# check_mtu: the default MTU leaves room for the VXLAN headers, a SecTAG
# with SCI and the ICV in a 1500-byte underlay, as the stock stack does.
check_mtu() {
	local expected got_a got_b overhead=50

	[ "$family" = 4 ] || overhead=70
	expected=$((1500 - overhead - 16 - icvlen))
	got_a=$(mtu a mvx0)
	got_b=$(mtu b "$dev_b")
	if [ "$got_a" != "$expected" ]; then
		echo "macvx MTU $got_a, expected $expected"
		return 1
	fi
	if [ "$got_b" != "$expected" ]; then
		echo "$peer MTU on b is $got_b, expected $expected"
		return 1
	fi
}

# ping_from NS DEST [ARG...]: three replies within 10 s.
ping_from() {
	local ns=$1 dest=$2
	shift 2
	ns_exec "$ns" ping -q -c 3 -i 0.2 -w 10 "$@" "$dest"
}

# ping_full_mtu NS DEST: the largest IPv4 packet the MTU allows, with DF.
ping_full_mtu() {
	local size=$(($(mtu a mvx0) - 28))
	ping_from "$1" "$2" -M "do" -s "$size"
}

# wire_check_add NAME PCAP: queue the capture for wire_check.py, which
# checks all of them at the end in one process.
wire_check_add() {
	local args=(--vni "$vni" --dport 4789 --cipher "$cipher"
		--icvlen "$icvlen" --pattern a5 --short --min-frames 6
		--encrypt "$([ "$encrypt" = on ] && echo 1 || echo 0)"
		--send-sci "$([ "$send_sci" = on ] && echo 1 || echo 0)")
	local mac_a mac_b

	mac_a=$(mac a mvx0)
	mac_b=$(mac b "$dev_b")
	case $cipher in
	*xpn*)
		args+=(--xpn-start "$XPN_START"
		       --sender "$mac_a,$(key_of a),$SALT_A,$SSCI_A"
		       --sender "$mac_b,$(key_of b),$SALT_B,$SSCI_B") ;;
	*)
		args+=(--sender "$mac_a,$(key_of a)"
		       --sender "$mac_b,$(key_of b)") ;;
	esac
	echo "$1 $2 ${args[*]}" >>"$wire_batch"
}

# wire_check_all: relay the TAP lines of wire_check.py --batch.
wire_check_all() {
	local line status=0 results=$MACVX_OUT/interop-wire.tap

	[ -s "$wire_batch" ] || return 0
	"$PYTHON" "$WIRE_CHECK" --batch "$wire_batch" >"$results" 2>&1 ||
		status=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) tap_ok "${line#ok }" ;;
		"not ok "*) tap_fail "${line#not ok }" ;;
		*) echo "$line" ;;
		esac
	done <"$results"
	if [ "$status" -gt 1 ]; then
		tap_fail "interop.wire_check_ran" \
			"wire_check.py exited with status $status"
	fi
}

iperf3_listening() {
	ns_exec b ss -Hltn "sport = :5201" | grep -q .
}

# iperf3_run: one second of TCP from a to b; prints the rate in Mbit/s.
iperf3_run() {
	local out rate last=""

	ip netns exec "${NS_PREFIX}b" timeout 30 iperf3 -s -1 -B "$in_b" \
		>/dev/null 2>&1 &
	iperf3_pid=$!
	wait_for 10 iperf3_listening || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		# A stalled data path would keep iperf3 waiting for ever.
		# iperf3 3.12 can exit with 0 after "Connection refused".
		if out=$(ns_exec a timeout 15 iperf3 -c "$in_b" -t 1 -J \
			--connect-timeout 2000 2>&1) &&
		   ! echo "$out" | grep -q '"error"'; then
			break
		fi
		last=$out out=""
		sleep 0.3
	done
	kill "$iperf3_pid" 2>/dev/null || true
	wait "$iperf3_pid" 2>/dev/null || true
	if [ -z "$out" ]; then
		echo "iperf3 to $in_b failed or timed out: $last"
		return 1
	fi
	rate=$(echo "$out" | "$PYTHON" -c '
import json, sys
end = json.load(sys.stdin)["end"]
print(round(end["sum_received"]["bits_per_second"] / 1e6, 1))')
	if [ -z "$rate" ] || [ "$rate" = 0.0 ]; then
		echo "iperf3 moved no data: $out"
		return 1
	fi
	echo "$rate Mbit/s"
}

# check_counters NS IP OBJECT: 802.1AE counters of the single device that
# "IP -j -s OBJECT show" lists.
check_counters() {
	ns_exec "$1" "$2" -j -s "$3" show |
		"$PYTHON" -c '
import json, sys
encrypt = sys.argv[1] == "on"
devs = json.load(sys.stdin)
problems = []
if len(devs) != 1:
    sys.exit(f"expected one device, got {len(devs)}")
dev = devs[0]
tx_used, tx_unused = ("OutPktsEncrypted", "OutPktsProtected") \
    if encrypt else ("OutPktsProtected", "OutPktsEncrypted")
if not dev.get(tx_used):
    problems.append(f"{tx_used} is {dev.get(tx_used)}")
if dev.get(tx_unused):
    problems.append(f"{tx_unused} is {dev.get(tx_unused)}")
for name in ("InPktsBadTag", "InPktsNoSCI", "InPktsUnknownSCI",
             "InPktsNoTag", "OutPktsTooLong"):
    if dev.get(name):
        problems.append(f"{name} is {dev[name]}")
rx_sc = dev.get("rx_sc", [])
if len(rx_sc) != 1:
    problems.append(f"{len(rx_sc)} RX SCs")
for sc in rx_sc:
    if not sc.get("InPktsOK"):
        problems.append("InPktsOK of the RX SC is 0")
    for name in ("InPktsNotValid", "InPktsInvalid", "InPktsLate",
                 "InPktsNotUsingSA", "InPktsUnusedSA", "InPktsUnchecked"):
        if sc.get(name):
            problems.append(f"{name} is {sc[name]}")
if problems:
    print(json.dumps(dev, indent=1))
    sys.exit("; ".join(problems))
ok = rx_sc[0]["InPktsOK"]
print(f"{tx_used} {dev[tx_used]}, InPktsOK {ok}")
' "$encrypt"
}

selected() {
	[ -z "${INTEROP_CELLS:-}" ] && return 0
	case " $INTEROP_CELLS " in *" $1 "*) return 0 ;; esac
	return 1
}

run_cell() {
	local name=$1 pcap=$MACVX_OUT/interop-$2.pcap out
	shift 2

	cell_settings "$@"
	tap_check "$name.setup" cell_setup
	if [ "$TAP_LAST_STATUS" -ne 0 ]; then
		cell_teardown
		return
	fi
	tap_check "$name.mtu" check_mtu

	capture_start a va "$pcap" || tap_diag "tcpdump did not start listening"
	ns_exec a ip link set mvx0 up || tap_diag "mvx0 on a did not come up"
	ns_exec b ip link set "$dev_b" up || tap_diag "$dev_b on b did not come up"
	tap_check "$name.ping_short_a_to_b" \
		ping_from a "$in_b" -s 12 -p a5
	tap_check "$name.ping_short_b_to_a" \
		ping_from b "$in_a" -s 12 -p a5
	tap_check "$name.ping_a_to_b" ping_from a "$in_b" -s 200 -p a5
	tap_check "$name.ping_b_to_a" ping_from b "$in_a" -s 200 -p a5
	tap_check "$name.ping_full_mtu_a_to_b" ping_full_mtu a "$in_b"
	tap_check "$name.ping_full_mtu_b_to_a" ping_full_mtu b "$in_a"
	capture_stop
	wire_check_add "$name.wire" "$pcap"

	if out=$(iperf3_run 2>&1); then
		tap_ok "$name.iperf3"
		tap_diag "$name iperf3: $out"
	else
		tap_fail "$name.iperf3" "$out"
	fi
	tap_check "$name.counters_a" check_counters a "$IP" macvx
	tap_check "$name.counters_b" check_counters b "${sa_cmd_b[@]}"
	cell_teardown
}

wire_batch=$MACVX_OUT/interop-wire.batch
: >"$wire_batch"
number=0
for peer_kind in macvx stock; do
	for row in "${CELLS[@]}"; do
		number=$((number + 1))
		selected "$number" || continue
		# shellcheck disable=SC2086 # one row, several fields
		set -- $row
		name="interop.$peer_kind.ipv$1.$2.enc_$3.sci_$4.icv_$5"
		run_cell "$name" "$number" "$number" "$peer_kind" "$@"
	done
done
wire_check_all

tap_done

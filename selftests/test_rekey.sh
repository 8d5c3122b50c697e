#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# macvx-timeout: 900
# Rekeying without loss, against a macvx peer and against the stock stack
# (a "macsec" device on a "vxlan" device).
#
# Namespaces a (always macvx) and b (macvx or stock) are joined by veth. A
# UDP stream of sequence numbers (rekey_stream.py, $RATE datagrams/s) runs
# each way through the tunnel while four rounds rotate both directions
# through all four ANs (0, 1, 2, 3 and back to 0), each with a new key:
#
#   1. the receiver adds the RX SA on the new AN, PN 1;
#   2. the sender adds the TX SA on the new AN and sets encodingsa to it;
#   3. the sender turns the old TX SA off and deletes it;
#   4. once the old frames have drained, the receiver turns its old RX SA
#      off and deletes it.
#
# Each step runs for both directions before the next one starts.
#
# The checks: no datagram is lost or duplicated either way, and the SecTAG
# AN on the underlay (tcpdump on a's veth) steps through every new AN. The
# InPktsOK counter of every new RX SA moves, and no key appears in any dump
# of a macvx device.
#
# Environment, besides lib.sh's: REKEY_PEERS (the peer kinds, default
# "macvx stock").
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
STREAM=$MACVX_REPO/selftests/rekey_stream.py
WIRE=$MACVX_REPO/selftests/rekey_wire.py
STOCK_IP=${STOCK_IP:-/usr/sbin/ip}
RATE=200
ROUNDS=4
# The peer kinds to rekey against, in this order.
REKEY_PEERS=${REKEY_PEERS:-"macvx stock"}
VNI=4300
UL_A=10.0.0.1
UL_B=10.0.0.2
IN_A=192.168.80.1
IN_B=192.168.80.2
PORT_TO_B=5000
PORT_TO_A=5001

require_ip
[ -x "$PY" ] || require_fail "rekey.python3" "$PY not found"
for tool in tcpdump timeout; do
	command -v "$tool" >/dev/null ||
		require_fail "rekey.tool_$tool" "$tool not found; install it"
done
module_load_deps
modprobe -a vxlan macsec
module_load

ns_create a
ns_create b
veth_pair a va b vb
ns_exec a ip addr add "$UL_A/24" dev va
ns_exec b ip addr add "$UL_B/24" dev vb

work=$MACVX_OUT/rekey
rm -rf "$work"
mkdir -p "$work"

# key_of SENDER ROUND: the 128-bit key that SENDER (a or b) sends with in
# ROUND (0 for the initial SA). Every key differs from every other.
key_of() {
	local side=61
	[ "$1" = a ] || side=62
	printf '52656b6579%s%02x5d1e2f3a4b5c6d7e8f\n' "$side" "$2"
}

# Per-host settings of the running peer kind, set by peer_settings:
# dev_X the device, sa_X the SA command ("ip macvx" or "ip macsec"),
# link_X the link command, kind_X the link kind.
dev_a=mvx0 sa_a=("$IP" macvx) link_a=("$IP" link) kind_a=macvx
dev_b="" sa_b=() link_b=() kind_b="" peer_name=""

peer_settings() {
	peer_name=$1
	if [ "$1" = macvx ]; then
		dev_b=mvx0 sa_b=("$IP" macvx) link_b=("$IP" link) kind_b=macvx
	else
		dev_b=msec0 sa_b=("$STOCK_IP" macsec) link_b=("$STOCK_IP" link)
		kind_b=macsec
	fi
}

# sa_cmd HOST ARG...: the SA command of HOST in its namespace.
sa_cmd() {
	local host=$1
	shift
	sa_cmd_opts "$host" -- "$@"
}

# sa_cmd_opts HOST OPTION... -- ARG...: the same with ip options, which
# go before the object ("macvx" or "macsec").
sa_cmd_opts() {
	local host=$1 tool opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -eq 0 ] || shift
	if [ "$host" = a ]; then
		tool=("${sa_a[@]}")
	else
		tool=("${sa_b[@]}")
	fi
	# "ip -n" costs less than "ip netns exec", which also mounts sysfs.
	"${tool[0]}" -n "$NS_PREFIX$host" "${opts[@]}" "${tool[1]}" "$@"
}

# set_encodingsa HOST AN
set_encodingsa() {
	if [ "$1" = a ]; then
		"${link_a[0]}" -n "${NS_PREFIX}a" "${link_a[1]}" set "$dev_a" \
			type "$kind_a" encodingsa "$2"
	else
		"${link_b[0]}" -n "${NS_PREFIX}b" "${link_b[1]}" set "$dev_b" \
			type "$kind_b" encodingsa "$2"
	fi
}

# mac_of HOST: the MAC address of HOST's device, read once after setup.
mac_a="" mac_b=""
mac_of() {
	[ "$1" = a ] && echo "$mac_a" || echo "$mac_b"
}

dev_of() {
	[ "$1" = a ] && echo "$dev_a" || echo "$dev_b"
}

other() {
	[ "$1" = a ] && echo b || echo a
}

# pair_setup PEER: devices, SAs on AN 0 and addresses; links up.
pair_setup() {
	local mac_a mac_b

	ns_exec a "$IP" link add mvx0 type macvx id "$VNI" remote "$UL_B" \
		local "$UL_A" dev va || return 1
	if [ "$1" = macvx ]; then
		ns_exec b "$IP" link add mvx0 type macvx id "$VNI" \
			remote "$UL_A" local "$UL_B" dev vb || return 1
	else
		ns_exec b "$STOCK_IP" link add vx0 type vxlan id "$VNI" \
			remote "$UL_A" local "$UL_B" dev vb dstport 4789 ||
			return 1
		# The lower vxlan would send IPv6 frames in clear.
		ns_exec b sysctl -qw net.ipv6.conf.vx0.disable_ipv6=1
		ns_exec b ip link set vx0 up
		ns_exec b "$STOCK_IP" link add link vx0 msec0 type macsec \
			encrypt on || return 1
	fi
	mac_a=$(mac a "$dev_a")
	mac_b=$(mac b "$dev_b")
	sa_cmd a add "$dev_a" tx sa 0 pn 1 on key 00 "$(key_of a 0)" &&
	sa_cmd a add "$dev_a" rx port 1 address "$mac_b" &&
	sa_cmd a add "$dev_a" rx port 1 address "$mac_b" sa 0 pn 1 on \
		key 00 "$(key_of b 0)" &&
	sa_cmd b add "$dev_b" tx sa 0 pn 1 on key 00 "$(key_of b 0)" &&
	sa_cmd b add "$dev_b" rx port 1 address "$mac_a" &&
	sa_cmd b add "$dev_b" rx port 1 address "$mac_a" sa 0 pn 1 on \
		key 00 "$(key_of a 0)" || return 1

	# Only the stream crosses the tunnel: no IPv6, no ARP.
	ns_exec a sysctl -qw "net.ipv6.conf.$dev_a.disable_ipv6=1"
	ns_exec b sysctl -qw "net.ipv6.conf.$dev_b.disable_ipv6=1"
	ns_exec a ip addr add "$IN_A/24" dev "$dev_a"
	ns_exec b ip addr add "$IN_B/24" dev "$dev_b"
	ns_exec a ip link set "$dev_a" up
	ns_exec b ip link set "$dev_b" up
	ns_exec a ip neigh replace "$IN_B" lladdr "$mac_b" dev "$dev_a" \
		nud permanent &&
	ns_exec b ip neigh replace "$IN_A" lladdr "$mac_a" dev "$dev_b" \
		nud permanent
}

pair_teardown() {
	ns_exec a ip link del mvx0 2>/dev/null || true
	ns_exec b ip link del "$dev_b" 2>/dev/null || true
	ns_exec b ip link del vx0 2>/dev/null || true
}

# Steps of one rotation of SENDER's direction from AN OLD to AN NEW, with
# the key of ROUND, in the order given at the top. Each takes SENDER OLD
# NEW ROUND.

# rotate_install: the receiver's new RX SA, then the sender's new TX SA.
rotate_install() {
	local tx=$1 new=$3 round=$4 rx key
	rx=$(other "$tx")
	key=$(key_of "$tx" "$round")
	sa_cmd "$rx" add "$(dev_of "$rx")" rx port 1 \
		address "$(mac_of "$tx")" \
		sa "$new" pn 1 on key "0$round" "$key" &&
	sa_cmd "$tx" add "$(dev_of "$tx")" tx sa "$new" pn 1 on \
		key "0$round" "$key"
}

rotate_switch() {
	set_encodingsa "$1" "$3"
}

rotate_tx_del() {
	sa_cmd "$1" set "$(dev_of "$1")" tx sa "$2" off &&
	sa_cmd "$1" del "$(dev_of "$1")" tx sa "$2"
}

rotate_rx_del() {
	local tx=$1 old=$2 rx tx_mac
	rx=$(other "$tx")
	tx_mac=$(mac_of "$tx")
	sa_cmd "$rx" set "$(dev_of "$rx")" rx port 1 address "$tx_mac" \
		sa "$old" off &&
	sa_cmd "$rx" del "$(dev_of "$rx")" rx port 1 address "$tx_mac" \
		sa "$old"
}

# rotate_step NAME STEP OLD NEW ROUND: one step, both directions, one
# check each.
rotate_step() {
	local name=$1 step=$2
	shift 2
	tap_check "$name.a_to_b.$step" "rotate_$step" a "$@"
	tap_check "$name.b_to_a.$step" "rotate_$step" b "$@"
}

# dumps_save NAME: every dump of each macvx device into
# $work/$peer_name-dump-NAME-HOST.txt.
dumps_save() {
	local host
	for host in a b; do
		[ "$host" = a ] || [ "$kind_b" = macvx ] || continue
		{
			"$IP" -n "$NS_PREFIX$host" macvx show
			"$IP" -n "$NS_PREFIX$host" -j macvx show
			ip -n "$NS_PREFIX$host" -d link show
			"$IP" -n "$NS_PREFIX$host" -d -j link show
		} >"$work/$peer_name-dump-$1-$host.txt" 2>&1
	done
}

# keys_absent: no key of any round, in any case, in any saved dump.
keys_absent() {
	local round side key found=0
	for round in $(seq 0 "$ROUNDS"); do
		for side in a b; do
			key=$(key_of "$side" "$round")
			if grep -il "$key" "$work/$peer_name"-dump-*.txt; then
				echo "key $key of $side, round $round, found above"
				found=1
			fi
		done
	done
	[ "$found" -eq 0 ]
}

# rx_sa_in_ok RECEIVER AN: InPktsOK of the RX SA on AN in the single RX SC
# of RECEIVER's device.
rx_sa_in_ok() {
	sa_cmd_opts "$1" -j -s -- show "$(dev_of "$1")" | "$PY" -c '
import json, sys
an = int(sys.argv[1])
devs = json.load(sys.stdin)
if len(devs) != 1 or len(devs[0].get("rx_sc", [])) != 1:
    sys.exit("expected one device with one RX SC: %s" % json.dumps(devs))
for sa in devs[0]["rx_sc"][0].get("sa_list", []):
    if sa.get("an") == an:
        print(sa.get("InPktsOK", 0))
        break
else:
    sys.exit("no RX SA on AN %d: %s" % (an, json.dumps(devs)))
' "$2"
}

# in_ok_at_least RECEIVER AN COUNT: the RX SA on AN has taken COUNT frames.
in_ok_at_least() {
	local got
	got=$(rx_sa_in_ok "$1" "$2" 2>/dev/null) && [ "$got" -ge "$3" ]
}

# in_ok_moved NAME RECEIVER AN BEFORE
in_ok_moved() {
	local got
	if ! got=$(rx_sa_in_ok "$2" "$3" 2>&1); then
		tap_fail "$1" "$got"
	elif [ "$got" -gt "$4" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "InPktsOK of the RX SA on AN $3 is $got, expected more than $4"
	fi
}

# ---- stream and capture ----

stream_pids=()

# stream_start NAME NS ARG...: rekey_stream.py in NS, output in
# $work/NAME.json and $work/NAME.err.
stream_start() {
	local name=$1 ns=$2
	shift 2
	# Not through ns_exec: $! must be the Python process itself.
	ip netns exec "$NS_PREFIX$ns" "$PY" "$STREAM" "$@" \
		>"$work/$name.json" 2>"$work/$name.err" &
	stream_pids+=("$!")
}

# stream_stop PID: SIGTERM, then wait for its report.
stream_stop() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

streams_kill() {
	local pid
	for pid in "${stream_pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
	done
}
cleanup_add streams_kill

# capture_start TAG: this test's own version of lib.sh's, with the
# sampling filter below; lib.sh's capture_stop ends it.
capture_start() {
	capture_file=$work/$1.pcap
	: >"$work/$1.tcpdump.log"
	# Under emulation tcpdump cannot keep up with the stream, so it
	# records one MACsec frame in 16 (by the last byte of the SecTAG PN,
	# at offset 35 of the UDP datagram) and every frame that is not
	# MACsec (inner EtherType at offset 28).
	ip netns exec "${NS_PREFIX}a" tcpdump -Z root -n -U -s 80 -i va \
		-w "$capture_file" "udp dst port 4789 and
		(udp[28:2] != 0x88e5 or udp[35] & 0x0f = 0)" \
		2>"$work/$1.tcpdump.log" &
	capture_pid=$!
	cleanup_add kill -KILL "$capture_pid"
	wait_for 10 grep -q "listening on" "$work/$1.tcpdump.log" ||
		tap_diag "tcpdump did not report listening"
}

# json_field FILE KEY
json_field() {
	"$PY" -c 'import json, sys
print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2" 2>/dev/null ||
		echo "missing"
}

# stream_checks NAME SENDER_JSON RECEIVER_JSON
stream_checks() {
	local name=$1 sent received dups errors
	sent=$(json_field "$2" sent)
	errors=$(json_field "$2" errors)
	received=$(json_field "$3" received)
	dups=$(json_field "$3" duplicates)
	tap_diag "$name: sent $sent, received $received, duplicates $dups," \
		"send errors $errors"
	if [ "$sent" = missing ] || [ "$received" = missing ]; then
		tap_fail "$name.lost_zero" "no report: $(cat "$2" "$3" \
			"${2%.json}.err" "${3%.json}.err" 2>&1)"
		tap_fail "$name.duplicates_zero" "no report from the receiver"
		return
	fi
	if [ "$sent" -gt 0 ] && [ "$received" -eq "$sent" ]; then
		tap_ok "$name.lost_zero"
	else
		tap_fail "$name.lost_zero" \
			"$((sent - received)) of $sent datagrams lost, $errors send errors"
	fi
	if [ "$dups" -eq 0 ]; then
		tap_ok "$name.duplicates_zero"
	else
		tap_fail "$name.duplicates_zero" "$dups duplicate datagrams"
	fi
}

# wire_check NAME SRC EXPECTED: the merged AN sequence from SRC and no
# clear frames.
wire_check() {
	local name=$1 src=$2 expected=$3 line ans clear
	line=$("$PY" "$WIRE" "$capture_file" 4789 | awk -v src="$src" \
		'$1 == src')
	ans=$(echo "$line" | awk '{ print $2 }')
	clear=$(echo "$line" | awk '{ print $3 }')
	if [ "$ans" = "$expected" ]; then
		tap_ok "$name.wire_an_sequence"
	else
		tap_fail "$name.wire_an_sequence" \
			"ANs on the wire from $src: '${ans:-none}', expected $expected"
	fi
	if [ "${clear:-missing}" = 0 ]; then
		tap_ok "$name.wire_no_clear"
	else
		tap_fail "$name.wire_no_clear" \
			"${clear:-no} frames in clear from $src"
	fi
}

# ---- one peer kind ----

run_peer() {
	local peer=$1 name=rekey.$1 round old new pid_recv_a pid_recv_b
	local pid_send_a pid_send_b expected=0

	peer_settings "$peer"
	tap_check "$name.setup" pair_setup "$peer"
	if [ "$TAP_LAST_STATUS" -ne 0 ]; then
		pair_teardown
		return
	fi
	mac_a=$(mac a "$dev_a")
	mac_b=$(mac b "$dev_b")
	dumps_save "0-initial"

	capture_start "$peer"
	stream_start "$peer-recv-b" b recv "$IN_B" "$PORT_TO_B"
	pid_recv_b=${stream_pids[-1]}
	stream_start "$peer-recv-a" a recv "$IN_A" "$PORT_TO_A"
	pid_recv_a=${stream_pids[-1]}
	wait_for 20 grep -q listening "$work/$peer-recv-b.err" ||
		tap_diag "the receiver in b did not start"
	wait_for 20 grep -q listening "$work/$peer-recv-a.err" ||
		tap_diag "the receiver in a did not start"
	stream_start "$peer-send-a" a send "$IN_B" "$PORT_TO_B" "$RATE"
	pid_send_a=${stream_pids[-1]}
	stream_start "$peer-send-b" b send "$IN_A" "$PORT_TO_A" "$RATE"
	pid_send_b=${stream_pids[-1]}
	# The capture keeps one frame in 16, so AN 0 shows on the wire only
	# after 16 frames in each direction. A loaded host can take more than
	# a second for that.
	sleep 1
	wait_until 30 in_ok_at_least b 0 32 ||
		tap_diag "b took fewer than 32 frames on AN 0 in 30 s"
	wait_until 30 in_ok_at_least a 0 32 ||
		tap_diag "a took fewer than 32 frames on AN 0 in 30 s"

	old=0
	for round in $(seq 1 "$ROUNDS"); do
		new=$(((old + 1) % 4))
		expected="$expected,$new"
		rotate_step "$name.round$round" install "$old" "$new" "$round"
		rotate_step "$name.round$round" switch "$old" "$new" "$round"
		# All four SAs of both directions exist now.
		dumps_save "$round"
		rotate_step "$name.round$round" tx_del "$old" "$new" "$round"
		# Frames sent on the old SAs may still be on the way.
		sleep 0.5
		rotate_step "$name.round$round" rx_del "$old" "$new" "$round"
		# An AN comes back in round 4 with a new RX SA, whose counter
		# starts again from 0.
		in_ok_moved "$name.round$round.a_to_b.rx_sa_in_ok" b "$new" 0
		in_ok_moved "$name.round$round.b_to_a.rx_sa_in_ok" a "$new" 0
		old=$new
	done

	sleep 0.5
	stream_stop "$pid_send_a"
	stream_stop "$pid_send_b"
	# The last datagrams still cross the tunnel.
	sleep 1
	stream_stop "$pid_recv_a"
	stream_stop "$pid_recv_b"
	capture_stop

	stream_checks "$name.a_to_b" "$work/$peer-send-a.json" \
		"$work/$peer-recv-b.json"
	stream_checks "$name.b_to_a" "$work/$peer-send-b.json" \
		"$work/$peer-recv-a.json"
	wire_check "$name.a_to_b" "$UL_A" "$expected"
	wire_check "$name.b_to_a" "$UL_B" "$expected"
	tap_check "$name.keys_absent_from_dumps" keys_absent
	pair_teardown
	stream_pids=()
}

for peer in $REKEY_PEERS; do
	run_peer "$peer"
done

tap_diag "run time ${SECONDS}s"
tap_done

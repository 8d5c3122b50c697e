#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# macvx-timeout: 600
# Replay protection (802.1AE 10.6.2 to 10.6.5) with reordering and
# duplication from netem on the underlay, macvx to macvx:
#
#   replay.dup_on       replay on: every duplicate of an accepted PN is
#                       dropped and counted late, even inside the window
#   replay.dup_off      replay off: duplicates are delivered
#   replay.reorder_win  replay on, window larger than the reordering: every
#                       frame is accepted, none counted late or delayed
#   replay.reorder_w0   replay on, window 0: frames that arrive after a
#                       higher PN are dropped and counted late
#   replay.late_off     replay off, window 0: the same frames are delivered
#                       and counted delayed
#
# netem on a's end of the veth delays or duplicates what a sends. Host a
# pings b; b's RX SC counters are compared with a's TX count. Static
# neighbour entries and no IPv6 keep other frames off the tunnel.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
KEY_A=5265706c617920746573742061203031
KEY_B=5265706c617920746573742062203032
VNI=4300
IN_A=192.168.71.1
IN_B=192.168.71.2
COUNT=60

require_ip
[ -x "$PY" ] || require_fail "replay.python3" "$PY not found"
for tool in tc tcpdump ping; do
	command -v "$tool" >/dev/null ||
		require_fail "replay.tool_$tool" "$tool not found; install it"
done
module_load_deps
modprobe sch_netem 2>/dev/null || true
module_load

ns_create a
ns_create b
veth_pair a va b vb
ns_exec a ip addr add 10.0.1.1/24 dev va
ns_exec b ip addr add 10.0.1.2/24 dev vb

work=$MACVX_OUT/replay
rm -rf "$work"
mkdir -p "$work"

dev_add() {
	local ns=$1 self=$2 peer=$3 ul=$4 inner=$5

	ipn "$ns" link add mvx0 type macvx id "$VNI" remote "$peer" \
		local "$self" dev "$ul" || return 1
	ns_exec "$ns" sysctl -qw net.ipv6.conf.mvx0.disable_ipv6=1
	ns_exec "$ns" ip addr add "$inner/24" dev mvx0
	ns_exec "$ns" ip link set mvx0 up
}

setup() {
	local mac_a mac_b

	dev_add a 10.0.1.1 10.0.1.2 va "$IN_A" &&
		dev_add b 10.0.1.2 10.0.1.1 vb "$IN_B" || return 1
	mac_a=$(mac a mvx0)
	mac_b=$(mac b mvx0)
	ipn a macvx add mvx0 tx sa 0 pn 1 on key 01 "$KEY_A" &&
	ipn a macvx add mvx0 rx port 1 address "$mac_b" &&
	ipn a macvx add mvx0 rx port 1 address "$mac_b" sa 0 pn 1 on \
		key 02 "$KEY_B" &&
	ipn b macvx add mvx0 tx sa 0 pn 1 on key 02 "$KEY_B" &&
	ipn b macvx add mvx0 rx port 1 address "$mac_a" &&
	ipn b macvx add mvx0 rx port 1 address "$mac_a" sa 0 pn 1 on \
		key 01 "$KEY_A" || return 1
	ns_exec a ip neigh replace "$IN_B" lladdr "$mac_b" dev mvx0 \
		nud permanent &&
	ns_exec b ip neigh replace "$IN_A" lladdr "$mac_a" dev mvx0 \
		nud permanent
}

# stats: "TX OK LATE DELAYED" where TX is what a encrypted and the rest
# are b's RX SC counters.
stats() {
	{
		ipn a -j -s macvx show mvx0
		echo
		ipn b -j -s macvx show mvx0
	} | "$PY" -c '
import json, sys
a, b = [json.loads(p)[0] for p in sys.stdin.read().split("\n\n") if p.strip()]
sc = b["rx_sc"][0]
print(a.get("OutPktsEncrypted", 0), sc.get("InPktsOK", 0),
      sc.get("InPktsLate", 0), sc.get("InPktsDelayed", 0))'
}

# ping_run NAME: COUNT pings from a to b at 100 per second; prints
# "RECEIVED DUPLICATES" from ping's summary.
ping_run() {
	ns_exec a ping -n -q -c "$COUNT" -i 0.01 -W 2 "$IN_B" \
		>"$work/$1.ping" 2>&1 || true
	"$PY" - "$work/$1.ping" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"(\d+) received(?:, \+(\d+) duplicates)?", text)
print(m.group(1), m.group(2) or 0) if m else print("0 0")
EOF
}

# reordered PCAP: number of frames whose SecTAG PN is lower than one seen
# before, from a capture of b's end of the veth.
reordered() {
	"$PY" - "$1" <<'EOF'
import struct, sys
data = open(sys.argv[1], "rb").read()
off, high, late = 24, 0, 0
while off + 16 <= len(data):
    caplen = struct.unpack_from("<I", data, off + 8)[0]
    frame = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    # outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8, inner MACs 12
    inner = 14 + 20 + 8 + 8
    if len(frame) < inner + 20 or frame[inner + 12:inner + 14] != b"\x88\xe5":
        continue
    pn = struct.unpack_from(">I", frame, inner + 16)[0]
    if pn < high:
        late += 1
    high = max(high, pn)
print(late)
EOF
}

# netem ARGS...: replace the qdisc on a's underlay end.
netem() {
	ns_exec a tc qdisc replace dev va root netem "$@"
}

# replay ON|OFF WINDOW: b's replay setting.
replay() {
	ipn b link set mvx0 type macvx replay "$1" window "$2"
}

# run NAME: ping and capture; sets d_tx d_ok d_late d_delayed (counter
# deltas), got, dups (from ping) and inversions (from the capture).
run() {
	local before after pid

	before=$(stats)
	ip netns exec "${NS_PREFIX}b" tcpdump -Z root -n -U -s 128 -i vb \
		-w "$work/$1.pcap" udp port 4789 and src host 10.0.1.1 \
		2>"$work/$1.tcpdump" &
	pid=$!
	wait_for 10 grep -q "listening on" "$work/$1.tcpdump" || true
	read -r got dups < <(ping_run "$1")
	sleep 1
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	after=$(stats)
	read -r tx0 ok0 late0 del0 <<<"$before"
	read -r tx1 ok1 late1 del1 <<<"$after"
	d_tx=$((tx1 - tx0))
	d_ok=$((ok1 - ok0))
	d_late=$((late1 - late0))
	d_delayed=$((del1 - del0))
	inversions=$(reordered "$work/$1.pcap")
	tap_diag "$1: sent $d_tx, InPktsOK +$d_ok, InPktsLate +$d_late, $(
		)InPktsDelayed +$d_delayed, ping received $got +$dups $(
		)duplicates, $inversions reordered on the wire"
}

# expect NAME CONDITION...: one check on the values run set.
expect() {
	local name=$1
	shift
	if (("$@")); then
		tap_ok "$name"
	else
		tap_fail "$name" "expected $*"
	fi
}

tap_require "replay.setup" setup
tap_require "replay.path" ns_exec a ping -n -q -c 3 -i 0.2 -W 5 "$IN_B"

# ---- duplication ----

netem duplicate 100%
replay on 32
run dup_on
expect "replay.dup_on.all_sent" "d_tx == COUNT"
expect "replay.dup_on.each_once" "d_ok == d_tx"
expect "replay.dup_on.copies_late" "d_late == d_tx"
expect "replay.dup_on.no_ping_duplicates" "got == COUNT && dups == 0"

replay off 32
run dup_off
expect "replay.dup_off.all_accepted" "d_ok == 2 * d_tx && d_late == 0"
# The copy of the last reply may come after ping has stopped listening.
expect "replay.dup_off.ping_duplicates" \
	"got == COUNT && dups >= COUNT - 1 && dups <= COUNT"

# ---- reordering ----

# Half the frames wait 40 ms while the others overtake them.
netem delay 40ms reorder 50%
replay on 10000
run reorder_win
expect "replay.reorder_win.reordered" "inversions > 0"
expect "replay.reorder_win.all_accepted" \
	"d_ok == d_tx && d_late == 0 && d_delayed == 0"
expect "replay.reorder_win.no_loss" "got == COUNT"

replay on 0
run reorder_w0
expect "replay.reorder_w0.reordered" "inversions > 0"
expect "replay.reorder_w0.late_dropped" \
	"d_late > 0 && d_ok + d_late == d_tx && d_delayed == 0"
expect "replay.reorder_w0.loss" "got < COUNT"

replay off 0
run late_off
expect "replay.late_off.reordered" "inversions > 0"
expect "replay.late_off.delayed" \
	"d_delayed > 0 && d_ok + d_delayed == d_tx && d_late == 0"
expect "replay.late_off.no_loss" "got == COUNT"

ns_exec a tc qdisc del dev va root
tap_check "replay.path_after" ns_exec a ping -n -q -c 3 -i 0.2 -W 5 "$IN_B"

tap_done

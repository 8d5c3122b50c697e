#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# macvx-timeout: 900
# The end of a TX SA's packet number (PN) space, macvx to macvx over veth:
#
#   pn.exhaust  a GCM-AES-128 SA that starts 3 below 2^32 sends exactly 3
#               frames, then nothing (not even in clear) until it gets a new
#               PN; switching it off and on does not reset its PN.
#   pn.xpn      a GCM-AES-XPN-128 SA crosses 2^32 and keeps working both
#               ways, and the SecTAG carries the low 32 bits of the PN.
#   pn.notify   "ip macvx monitor" prints one event when the device's
#               pn_threshold PN is used and one when the SA is exhausted,
#               as text and as JSON lines.
#
# Namespaces a and b each hold a macvx device mvx0 on a veth underlay. Host
# a sends on the SA under test, b runs an ordinary SA from PN 1. Static
# neighbour entries and no IPv6 on mvx0 keep ARP and IPv6 from spending
# PNs, so every frame on the wire is one the test sent. tcpdump on a's end
# of the veth records what leaves.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
KEY_A=4d61637658205041204b657920412031
KEY_B=4d61637658205041204b657920422032
SALT_A=0a0b0c0d0e0f101112131415
SALT_B=1a1b1c1d1e1f202122232425
U32_MAX=4294967295
VNI=4200
IN_A=192.168.70.1
IN_B=192.168.70.2

require_ip
[ -x "$PY" ] || require_fail "pn.python3" "$PY not found"
for tool in tcpdump ping timeout; do
	command -v "$tool" >/dev/null ||
		require_fail "pn.tool_$tool" "$tool not found; install it"
done
module_load_deps
modprobe macsec
module_load

ns_create a
ns_create b
veth_pair a va b vb
ns_exec a ip addr add 10.0.0.1/24 dev va
ns_exec b ip addr add 10.0.0.2/24 dev vb

work=$MACVX_OUT/pn
rm -rf "$work"
mkdir -p "$work"

# ---- setup ----

# dev_add NS SELF PEER UNDERLAY DEV VNI INNER CIPHER: a macvx device with
# address INNER/24, up, without IPv6.
dev_add() {
	local ns=$1 self=$2 peer=$3 ul=$4 dev=$5 vni=$6 inner=$7 cipher=$8

	ipn "$ns" link add "$dev" type macvx id "$vni" remote "$peer" \
		local "$self" dev "$ul" cipher "$cipher" || return 1
	ns_exec "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
	ns_exec "$ns" ip addr add "$inner/24" dev "$dev"
	ns_exec "$ns" ip link set "$dev" up
}

# pair_setup CIPHER SA_A SA_B: mvx0 on both hosts. SA_A and SA_B are the
# PN options of the SA that a and b send on, with salt and ssci for XPN.
# The receiving end's RX SA gets the same options.
pair_setup() {
	local cipher=$1 sa_a=$2 sa_b=$3 mac_a mac_b

	dev_add a 10.0.0.1 10.0.0.2 va mvx0 "$VNI" "$IN_A" "$cipher" &&
		dev_add b 10.0.0.2 10.0.0.1 vb mvx0 "$VNI" "$IN_B" \
			"$cipher" || return 1
	mac_a=$(mac a mvx0)
	mac_b=$(mac b mvx0)
	# shellcheck disable=SC2086 # the SA options are several words
	ipn a macvx add mvx0 tx sa 0 $sa_a on key 01 "$KEY_A" &&
	ipn a macvx add mvx0 rx port 1 address "$mac_b" &&
	ipn a macvx add mvx0 rx port 1 address "$mac_b" sa 0 $sa_b on \
		key 02 "$KEY_B" &&
	ipn b macvx add mvx0 tx sa 0 $sa_b on key 02 "$KEY_B" &&
	ipn b macvx add mvx0 rx port 1 address "$mac_a" &&
	ipn b macvx add mvx0 rx port 1 address "$mac_a" sa 0 $sa_a on \
		key 01 "$KEY_A" || return 1
	ns_exec a ip neigh replace "$IN_B" lladdr "$mac_b" dev mvx0 \
		nud permanent &&
	ns_exec b ip neigh replace "$IN_A" lladdr "$mac_a" dev mvx0 \
		nud permanent
}

pair_teardown() {
	ns_exec a ip link del mvx0 2>/dev/null || true
	ns_exec b ip link del mvx0 2>/dev/null || true
}

# ---- counters and state ----

# sa_stat NS PATH: one value of "ip -j -s macvx show mvx0", by a
# dot-separated path of keys and list indexes (for example
# "rx_sc.0.InPktsOK"). A missing last key prints 0, because ip's JSON
# leaves out the counters that the kernel does not send. A missing SA or
# SC fails.
sa_stat() {
	ipn "$1" -j -s macvx show mvx0 | "$PY" -c '
import json, sys
node = json.load(sys.stdin)
if len(node) != 1:
    sys.exit("expected one device, got %d" % len(node))
node = node[0]
parts = sys.argv[1].split(".")
for i, part in enumerate(parts):
    if isinstance(node, list):
        node = node[int(part)]
    elif part in node:
        node = node[part]
    elif i == len(parts) - 1:
        node = 0
    else:
        sys.exit("no %r in %s" % (part, json.dumps(node)))
print(json.dumps(node) if isinstance(node, bool) else node)
' "$2"
}

tx_dropped() {
	ns_exec "$1" ip -j -s link show mvx0 | "$PY" -c '
import json, sys
print(json.load(sys.stdin)[0]["stats64"]["tx"]["dropped"])'
}

# expect_eq NAME EXPECTED GOT [WHAT]
expect_eq() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1" "expected ${4:+$4 }$2, got $3"
	fi
}

# txsa_state NS: "on" or "off", as "ip macvx show" prints TX SA 0.
txsa_state() {
	ipn "$1" macvx show mvx0 |
		sed -n 's/^ *0: PN [0-9]*,.* state \(on\|off\),.*/\1/p' |
		head -n 1
}

# txsa_active_json NS: the "active" key of TX SA 0 in JSON.
txsa_active_json() {
	sa_stat "$1" sa_list.0.active
}

# ---- capture ----

# capture_start NAME: record UDP port 4789 on va into $work/NAME.pcap.
capture_start() {
	local log=$work/$1.tcpdump.log
	: >"$log"
	# Not through ns_exec: $! must be tcpdump itself.
	capture_file=$work/$1.pcap
	ip netns exec "${NS_PREFIX}a" tcpdump -Z root -n -U -s 0 -i va \
		-w "$capture_file" udp port 4789 2>"$log" &
	capture_pid=$!
	wait_for 10 grep -q "listening on" "$log" ||
		tap_diag "tcpdump did not report listening: $(cat "$log")"
}

# capture_stop: stop tcpdump once its file has stopped growing, because
# under emulation it may still be reading the last frames from the kernel.
capture_stop() {
	local size last=-1 tries=20

	sleep 0.5
	while [ "$tries" -gt 0 ]; do
		size=$(stat -c %s "$capture_file" 2>/dev/null || echo 0)
		[ "$size" = "$last" ] && break
		last=$size
		tries=$((tries - 1))
		sleep 0.5
	done
	kill -TERM "$capture_pid" 2>/dev/null || true
	wait "$capture_pid" 2>/dev/null || true
}

# wire NAME: one line per captured VXLAN frame, "SRC KIND AN PN":
# SRC is a or b (outer source address), KIND "macsec" (inner EtherType
# 0x88e5) or "clear", AN and PN those of the SecTAG ("-" in clear).
wire() {
	"$PY" - "$work/$1.pcap" <<'EOF'
import struct, sys
from scapy.all import IP, UDP, rdpcap

for pkt in rdpcap(sys.argv[1]):
    if IP not in pkt or UDP not in pkt or pkt[UDP].dport != 4789:
        continue
    src = {"10.0.0.1": "a", "10.0.0.2": "b"}.get(pkt[IP].src, pkt[IP].src)
    payload = bytes(pkt[UDP].payload)
    inner = payload[8:]                 # after the VXLAN header
    ethertype = struct.unpack("!H", inner[12:14])[0]
    if ethertype != 0x88E5:
        print(src, "clear - -")
        continue
    tci_an, _sl, pn = struct.unpack("!BBI", inner[14:20])
    print(src, "macsec", tci_an & 3, pn)
EOF
}

# wire_pns NAME SRC: the SecTAG PNs that SRC sent, space-separated.
wire_pns() {
	wire "$1" | awk -v src="$2" '$1 == src && $2 == "macsec" { print $4 }' |
		tr '\n' ' ' | sed 's/ $//'
}

# wire_count NAME SRC KIND
wire_count() {
	wire "$1" | awk -v src="$2" -v kind="$3" \
		'$1 == src && $2 == kind { n++ } END { print n + 0 }'
}

# ping_count NS DEST COUNT: the number of replies to COUNT pings, 0.2 s
# apart. Loss is expected in some steps, so ping's status is ignored.
ping_count() {
	ns_exec "$1" ping -n -q -c "$3" -i 0.2 -W 1 "$2" 2>&1 |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# ---- pn.exhaust ----

# A GCM-AES-128 SA from 2^32 - 3 has exactly three PNs left.
EXHAUST_START=$((U32_MAX - 2))
tap_check "pn.exhaust.setup" pair_setup gcm-aes-128 "pn $EXHAUST_START" "pn 1"
if [ "$TAP_LAST_STATUS" -eq 0 ]; then
	enc0=$(sa_stat a OutPktsEncrypted)
	drop0=$(tx_dropped a)
	capture_start exhaust
	replies=$(ping_count a "$IN_B" 10)
	capture_stop

	expect_eq "pn.exhaust.replies" 3 "$replies" "ping replies"
	expect_eq "pn.exhaust.wire_protected" 3 "$(wire_count exhaust a macsec)" \
		"protected frames from a"
	expect_eq "pn.exhaust.wire_clear" 0 "$(wire_count exhaust a clear)" \
		"clear frames from a"
	expect_eq "pn.exhaust.wire_pns" \
		"$EXHAUST_START $((U32_MAX - 1)) $U32_MAX" \
		"$(wire_pns exhaust a)" "PNs"
	expect_eq "pn.exhaust.out_encrypted" $((enc0 + 3)) \
		"$(sa_stat a OutPktsEncrypted)" "OutPktsEncrypted"
	expect_eq "pn.exhaust.txsa_encrypted" 3 \
		"$(sa_stat a sa_list.0.OutPktsEncrypted)" \
		"TX SA OutPktsEncrypted"
	expect_eq "pn.exhaust.peer_in_ok" 3 "$(sa_stat b rx_sc.0.InPktsOK)" \
		"InPktsOK on b"
	expect_eq "pn.exhaust.peer_rxsa_ok" 3 \
		"$(sa_stat b rx_sc.0.sa_list.0.InPktsOK)" "RX SA InPktsOK on b"
	expect_eq "pn.exhaust.txsa_off" off "$(txsa_state a)" "TX SA state"
	expect_eq "pn.exhaust.txsa_off_json" false "$(txsa_active_json a)" \
		"TX SA active"
	expect_eq "pn.exhaust.tx_dropped" $((drop0 + 7)) "$(tx_dropped a)" \
		"tx_dropped"

	# Off and on again: the SA still has no PN left.
	tap_check "pn.exhaust.set_off" ipn a macvx set mvx0 tx sa 0 off
	tap_check "pn.exhaust.set_on" ipn a macvx set mvx0 tx sa 0 on
	expect_eq "pn.exhaust.on_still_off" off "$(txsa_state a)" \
		"TX SA state after off, on"
	enc1=$(sa_stat a OutPktsEncrypted)
	drop1=$(tx_dropped a)
	capture_start reenable
	replies=$(ping_count a "$IN_B" 3)
	capture_stop
	expect_eq "pn.exhaust.on_no_replies" 0 "$replies" "ping replies"
	expect_eq "pn.exhaust.on_wire_protected" 0 \
		"$(wire_count reenable a macsec)" "protected frames from a"
	expect_eq "pn.exhaust.on_wire_clear" 0 \
		"$(wire_count reenable a clear)" "clear frames from a"
	expect_eq "pn.exhaust.on_out_encrypted" "$enc1" \
		"$(sa_stat a OutPktsEncrypted)" "OutPktsEncrypted"
	expect_eq "pn.exhaust.on_tx_dropped" $((drop1 + 3)) "$(tx_dropped a)" \
		"tx_dropped"

	# A new PN alone clears the exhaustion but leaves the SA off.
	tap_check "pn.exhaust.set_pn" ipn a macvx set mvx0 tx sa 0 pn 200
	expect_eq "pn.exhaust.new_pn_off" off "$(txsa_state a)" \
		"TX SA state after a new PN without on"
	capture_start newpn_off
	replies=$(ping_count a "$IN_B" 2)
	capture_stop
	expect_eq "pn.exhaust.new_pn_off_replies" 0 "$replies" "ping replies"
	expect_eq "pn.exhaust.new_pn_off_wire" 0 "$(wire_count newpn_off a macsec)" \
		"protected frames from a"

	# A new PN with "on" sends again, from that PN.
	tap_check "pn.exhaust.set_pn_on" ipn a macvx set mvx0 tx sa 0 pn 100 on
	expect_eq "pn.exhaust.new_pn_on" on "$(txsa_state a)" \
		"TX SA state after pn 100 on"
	capture_start newpn
	replies=$(ping_count a "$IN_B" 3)
	capture_stop
	expect_eq "pn.exhaust.new_pn_replies" 3 "$replies" "ping replies"
	expect_eq "pn.exhaust.new_pn_wire" "100 101 102" "$(wire_pns newpn a)" \
		"PNs"
	expect_eq "pn.exhaust.new_pn_dump" 103 "$(sa_stat a sa_list.0.pn)" \
		"next PN in the dump"
fi
pair_teardown

# ---- pn.xpn ----

# Both directions start 2 below 2^32, so each sends ...fffe, ...ffff and
# then continues in the upper half, where the low 32 bits restart at 0.
XPN_START=$((U32_MAX - 1))
tap_check "pn.xpn.setup" pair_setup gcm-aes-xpn-128 \
	"xpn $XPN_START salt $SALT_A ssci 1" \
	"xpn $XPN_START salt $SALT_B ssci 2"
if [ "$TAP_LAST_STATUS" -eq 0 ]; then
	tap_check "pn.xpn.default_threshold" sh -c \
		"'$IP' -n '${NS_PREFIX}a' -d link show mvx0 |
		 grep -q 'pn_threshold 13835058055282163712 '"
	capture_start xpn
	expect_eq "pn.xpn.ping_a_to_b" 3 "$(ping_count a "$IN_B" 3)" \
		"ping replies"
	expect_eq "pn.xpn.ping_b_to_a" 3 "$(ping_count b "$IN_A" 3)" \
		"ping replies"
	capture_stop
	# a sends 3 requests, then 3 replies; so does b.
	low="4294967294 4294967295 0 1 2 3"
	expect_eq "pn.xpn.wire_pns_a" "$low" "$(wire_pns xpn a)" "PNs from a"
	expect_eq "pn.xpn.wire_pns_b" "$low" "$(wire_pns xpn b)" "PNs from b"
	expect_eq "pn.xpn.wire_clear" 0 "$(wire_count xpn a clear)" \
		"clear frames from a"
	expect_eq "pn.xpn.in_ok_a" 6 "$(sa_stat a rx_sc.0.InPktsOK)" \
		"InPktsOK on a"
	expect_eq "pn.xpn.in_ok_b" 6 "$(sa_stat b rx_sc.0.InPktsOK)" \
		"InPktsOK on b"
	expect_eq "pn.xpn.txsa_on" on "$(txsa_state a)" "TX SA state"
	expect_eq "pn.xpn.dump_pn" $((XPN_START + 6)) \
		"$(sa_stat a sa_list.0.pn)" "next PN in the dump"
	tap_check "pn.xpn.threshold_above_u32" ipn a link set mvx0 type macvx \
		pn_threshold 4294967296
fi
pair_teardown

# ---- pn.notify ----

# monitor_start NAME [IP_OPTION...]: "ip macvx monitor" in a, output in
# $work/NAME.out; its PID is appended to monitor_pids.
monitor_pids=()
monitor_start() {
	local name=$1
	shift
	ip netns exec "${NS_PREFIX}a" "$IP" "$@" macvx monitor \
		>"$work/$name.out" 2>"$work/$name.err" &
	monitor_pids+=("$!")
}

monitor_stop() {
	local pid
	for pid in "${monitor_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	monitor_pids=()
}

# Events of mvx0 only: the readiness probe below runs on mvx1.
events() {
	grep "^mvx0: " "$work/monitor.out" || true
}

# probe_seen: send one frame on mvx1, whose pn_threshold is its first PN,
# and report whether both monitors printed its event. The TX SA is reset
# to PN 1 first, so each try produces a new event.
probe_seen() {
	ipn a macvx set mvx1 tx sa 0 pn 1 on || return 1
	ns_exec a ping -n -q -c 1 -W 0.2 192.168.71.2 >/dev/null 2>&1 || true
	grep -q "^mvx1: tx sa 0 pn 1 reached pn_threshold$" \
		"$work/monitor.out" &&
		grep -q '"ifname":"mvx1"' "$work/monitor-json.out"
}

NOTIFY_START=$((U32_MAX - 10))
THRESHOLD=$((NOTIFY_START + 3))
tap_check "pn.notify.setup" pair_setup gcm-aes-128 "pn $NOTIFY_START" "pn 1"
if [ "$TAP_LAST_STATUS" -eq 0 ]; then
	tap_check "pn.notify.default_threshold" sh -c \
		"'$IP' -n '${NS_PREFIX}a' -d link show mvx0 |
		 grep -q 'pn_threshold 3221225472 '"
	tap_check_fails "pn.notify.threshold_above_u32" ipn a link set mvx0 \
		type macvx pn_threshold 4294967296
	tap_check "pn.notify.set_threshold" ipn a link set mvx0 type macvx \
		pn_threshold "$THRESHOLD"
	tap_check "pn.notify.show_threshold" sh -c \
		"'$IP' -n '${NS_PREFIX}a' -d link show mvx0 |
		 grep -q 'pn_threshold $THRESHOLD '"
	expect_eq "pn.notify.json_threshold" "$THRESHOLD" "$(ipn a -j -d link \
		show mvx0 | "$PY" -c 'import json, sys
print(json.load(sys.stdin)[0]["linkinfo"]["info_data"]["pn_threshold"])')" \
		"pn_threshold in JSON"

	# The probe device: its frames go to a VNI that b does not have.
	dev_add a 10.0.0.1 10.0.0.2 va mvx1 4201 192.168.71.1 gcm-aes-128
	ipn a link set mvx1 type macvx pn_threshold 1
	ipn a macvx add mvx1 tx sa 0 pn 1 on key 01 "$KEY_A"
	ns_exec a ip neigh replace 192.168.71.2 lladdr 02:00:00:00:47:02 \
		dev mvx1 nud permanent

	monitor_start monitor
	monitor_start monitor-json -j
	cleanup_add monitor_stop
	tap_require "pn.notify.monitor_ready" wait_for 30 probe_seen

	# PNs NOTIFY_START..+5, the fourth is the threshold.
	replies=$(ping_count a "$IN_B" 6)
	expect_eq "pn.notify.replies_before" 6 "$replies" "ping replies"
	wait_for 5 grep -q "^mvx0: " "$work/monitor.out" || true
	expect_eq "pn.notify.threshold_event" \
		"mvx0: tx sa 0 pn $THRESHOLD reached pn_threshold" "$(events)" \
		"monitor output"

	# Exhaust the SA: 5 PNs are left, the last is 2^32 - 1.
	replies=$(ping_count a "$IN_B" 8)
	expect_eq "pn.notify.replies_exhaust" 5 "$replies" "ping replies"
	ipn a macvx set mvx0 tx sa 0 off
	ipn a macvx set mvx0 tx sa 0 on
	ping_count a "$IN_B" 2 >/dev/null
	sleep 1
	expect_eq "pn.notify.exhausted_event" \
		"mvx0: tx sa 0 exhausted at pn $U32_MAX" \
		"$(events | grep -v "reached pn_threshold")" "monitor output"
	expect_eq "pn.notify.threshold_once" 1 \
		"$(events | grep -c "reached pn_threshold")" "threshold events"
	expect_eq "pn.notify.event_count" 2 "$(events | wc -l)" "mvx0 events"

	monitor_stop
	tap_check "pn.notify.monitor_no_errors" test ! -s "$work/monitor.err"
	tap_check "pn.notify.json_events" "$PY" - "$work/monitor-json.out" \
		"$(ns_exec a cat /sys/class/net/mvx0/ifindex)" "$THRESHOLD" \
		"$U32_MAX" <<'EOF'
import json, sys
path, ifindex, threshold, last = sys.argv[1:]
events = []
for number, line in enumerate(open(path), 1):
    try:
        event = json.loads(line)
    except ValueError as err:
        sys.exit("line %d is not JSON (%s): %r" % (number, err, line))
    if event.get("ifname") == "mvx0":
        events.append(event)
expected = [
    {"event": "pn_threshold", "ifindex": int(ifindex), "ifname": "mvx0",
     "an": 0, "pn": int(threshold)},
    {"event": "exhausted", "ifindex": int(ifindex), "ifname": "mvx0",
     "an": 0, "pn": int(last)},
]
if events != expected:
    sys.exit("expected %s\ngot      %s" % (expected, events))
EOF
	ns_exec a ip link del mvx1
fi
pair_teardown

# "monitor" belongs to macvx only.
tap_check "pn.macsec_monitor_unknown" sh -c \
	"'$IP' macsec monitor 2>&1 | grep -q 'Command \"monitor\" is unknown'"

tap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Protected segments of a GSO frame leave as UDP GSO batches.
#
# macvx sends the protected segments of one GSO frame as one UDP GSO
# packet: the first datagram is the head, the others hang from its
# frag_list with their own outer headers. The underlay veth takes the
# packet whole, and the receiving UDP socket segments it back into
# datagrams. Where the device cannot take it, the stack segments it before
# the wire.
#
# Two network namespaces, a and b, are joined by veth. a runs macvx, and b
# runs macvx or the stock pair (macsec over vxlan). For IPv4 and IPv6
# underlays, each with and without the UDP checksum, a sends a known
# stream over TCP to b twice:
#   batched    default veth features: b gets the stream intact, and the
#              underlay carries at most half as many packets as macvx
#              sends frames;
#   segmented  tx-gso-list and tx checksumming off on a's veth, so the
#              stack segments each batch before the wire. b gets the
#              stream intact. wire_check.py checks a capture of what a
#              sent, one datagram per frame: IP and UDP lengths and
#              checksums, VXLAN, SecTAG, PN order, ICV and plaintext.
# Both ends' 802.1AE counters must show no error.
#
# Segmentation of a batch copies the head's outer headers in front of
# every frame, and a tunnel below macvx makes room in the head only. So
# macvx must send frame by frame when its route to the peer runs through
# a stock vxlan device (IPv4 and IPv6) whose veth segments in software:
#   stream     a local TCP stream arrives intact, in about one packet per
#              frame on the vxlan device;
#   injected   TCP GSO frames written to a packet socket with a
#              virtio_net_hdr, whose segments have little headroom, arrive
#              (this wrote before the skb heads when they were batched).
# A route with a lightweight tunnel also pushes headers on the way out. So
# over an IPv6 underlay whose route to the peer has a seg6 encap, the
# stream must arrive and go out unbatched.
#
# Environment, besides lib.sh's: STOCK_IP is the stock ip binary (default
# /usr/sbin/ip).
# macvx-timeout: 900
. "$(dirname "$0")/lib.sh"

PYTHON=/usr/bin/python3
WIRE_CHECK=$MACVX_REPO/selftests/wire_check.py
STOCK_IP=${STOCK_IP:-/usr/sbin/ip}
KEY_A=4d61637658204b657920412031323821
KEY_B=4d61637658204b657920422031323821
PORT=5001
# The batched stream is long enough for full-size GSO frames. The
# captured one is short, because wire_check.py decrypts every frame.
BATCH_BYTES=2000000
CAPTURE_BYTES=150000

require_ip
[ -x "$PYTHON" ] || require_fail "batch.python" "$PYTHON not found"
for tool in tcpdump ethtool; do
	command -v "$tool" >/dev/null ||
		require_fail "batch.tool_$tool" "$tool not found; install it"
done

modprobe -a vxlan macsec
# The virtio_net_hdr's flags and GSO type, and the packet socket level and
# option (Python's socket module names neither).
VNET_NEEDS_CSUM=1 VNET_GSO_TCPV4=1 SOL_PACKET=263 PACKET_VNET_HDR=15
INJECT_FRAMES=300
module_load
two_hosts

# Settings of the running cell, set by cell_settings.
peer="" family="" csum="" dev_b="" sa_cmd_b=() ul_a="" ul_b="" vni=0
in_b=""

# cell_settings NUMBER PEER FAMILY CSUM
cell_settings() {
	vni=$((200 + $1))
	peer=$2 family=$3 csum=$4
	if [ "$family" = 4 ]; then
		ul_a=10.0.0.1 ul_b=10.0.0.2
	else
		ul_a=fd00::1 ul_b=fd00::2
	fi
	in_b=192.168.$1.2
	if [ "$peer" = macvx ]; then
		dev_b=mvx0
		sa_cmd_b=("$IP" macvx)
	else
		dev_b=msec0
		sa_cmd_b=("$STOCK_IP" macsec)
	fi
}

# csum_options: the UDP checksum words of "ip link add ... type
# macvx|vxlan" for the cell; both kinds take the same ones.
csum_options() {
	case $family/$csum in
	4/on) echo "udpcsum" ;;
	4/off) echo "noudpcsum" ;;
	6/on) echo "noudp6zerocsumtx noudp6zerocsumrx" ;;
	6/off) echo "udp6zerocsumtx udp6zerocsumrx" ;;
	esac
}

secy_options="port 1 cipher gcm-aes-128 encrypt on send_sci on"

# sa_setup NS DEV KEY_TX KEY_RX PEER_MAC TOOL...
sa_setup() {
	local ns=$1 dev=$2 key_tx=$3 key_rx=$4 peer_mac=$5
	shift 5
	ns_exec "$ns" "$@" add "$dev" tx sa 0 pn 1 on key 01 "$key_tx" &&
	ns_exec "$ns" "$@" add "$dev" rx port 1 address "$peer_mac" &&
	ns_exec "$ns" "$@" add "$dev" rx port 1 address "$peer_mac" sa 0 \
		pn 1 on key 02 "$key_rx"
}

cell_setup() {
	local n=$1

	# shellcheck disable=SC2046,SC2086 # the options are several words
	ns_exec a "$IP" link add mvx0 type macvx id "$vni" remote "$ul_b" \
		local "$ul_a" dev va $(csum_options) $secy_options || return 1
	if [ "$peer" = macvx ]; then
		# shellcheck disable=SC2046,SC2086
		ns_exec b "$IP" link add mvx0 type macvx id "$vni" \
			remote "$ul_a" local "$ul_b" dev vb $(csum_options) \
			$secy_options || return 1
	else
		# shellcheck disable=SC2046
		ns_exec b "$STOCK_IP" link add vx0 type vxlan id "$vni" \
			remote "$ul_a" local "$ul_b" dev vb dstport 4789 \
			$(csum_options) || return 1
		ns_exec b sysctl -qw net.ipv6.conf.vx0.disable_ipv6=1
		ns_exec b ip link set vx0 up
		# shellcheck disable=SC2086
		ns_exec b "$STOCK_IP" link add link vx0 msec0 type macsec \
			$secy_options || return 1
	fi
	sa_setup a mvx0 "$KEY_A" "$KEY_B" "$(mac b "$dev_b")" \
		"$IP" macvx || return 1
	sa_setup b "$dev_b" "$KEY_B" "$KEY_A" "$(mac a mvx0)" \
		"${sa_cmd_b[@]}" || return 1
	ns_exec a sysctl -qw net.ipv6.conf.mvx0.disable_ipv6=1
	ns_exec b sysctl -qw "net.ipv6.conf.$dev_b.disable_ipv6=1"
	ns_exec a ip addr add "192.168.$n.1/24" dev mvx0
	ns_exec b ip addr add "$in_b/24" dev "$dev_b"
	ns_exec a ip link set mvx0 up
	ns_exec b ip link set "$dev_b" up
}

cell_teardown() {
	ns_exec a ip link del mvx0 2>/dev/null || true
	ns_exec b ip link del "$dev_b" 2>/dev/null || true
	ns_exec b ip link del vx0 2>/dev/null || true
	ns_exec a ethtool -K va tx on tx-gso-list on >/dev/null 2>&1 || true
}

# checked NAME COMMAND [ARG...]: tap_check that shows the output of a pass
# too.
checked() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$name"
		tap_diag "$out"
	else
		tap_fail "$name" "$out"
	fi
}

# stream_sha BYTES: print the length and SHA-256 digest of the first BYTES
# bytes of the stream, which repeats the bytes 0 to 255.
stream_sha() {
	"$PYTHON" -c '
import hashlib, sys
n = int(sys.argv[1])
data = bytes(range(256)) * (n // 256 + 1)
print(n, hashlib.sha256(data[:n]).hexdigest())' "$1"
}

server_listening() {
	ns_exec b ss -Hltn "sport = :$PORT" | grep -q .
}

# transfer BYTES: send the stream from a to b over TCP; fails unless b
# receives exactly it.
transfer() {
	local bytes=$1 out=$MACVX_OUT/batch-server.out expected got

	: >"$out"
	ip netns exec "${NS_PREFIX}b" timeout 120 "$PYTHON" -c '
import hashlib, socket, sys
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((sys.argv[1], int(sys.argv[2])))
srv.listen(1)
conn, _ = srv.accept()
digest, n = hashlib.sha256(), 0
while True:
    data = conn.recv(1 << 16)
    if not data:
        break
    digest.update(data)
    n += len(data)
print(n, digest.hexdigest())' "$in_b" "$PORT" >"$out" 2>&1 &
	local server=$!
	wait_for 10 server_listening || true
	if ! ns_exec a timeout 120 "$PYTHON" -c '
import socket, sys
n = int(sys.argv[3])
data = bytes(range(256)) * (n // 256 + 1)
conn = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
conn.sendall(data[:n])
conn.close()' "$in_b" "$PORT" "$bytes"; then
		kill "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
		echo "the sender failed"
		return 1
	fi
	wait "$server" || true
	expected=$(stream_sha "$bytes")
	got=$(cat "$out")
	if [ "$got" != "$expected" ]; then
		echo "b received \"$got\", expected \"$expected\""
		return 1
	fi
}

# dev_stat NS DEV NAME
dev_stat() {
	ns_exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

# stream_frames DEV: send the batched stream, and set frames and pkts to
# the packets that a's mvx0 and DEV sent meanwhile.
stream_frames() {
	local frames0 pkts0

	frames0=$(dev_stat a mvx0 tx_packets)
	pkts0=$(dev_stat a "$1" tx_packets)
	transfer "$BATCH_BYTES" || return 1
	frames=$(($(dev_stat a mvx0 tx_packets) - frames0))
	pkts=$(($(dev_stat a "$1" tx_packets) - pkts0))
	echo "$frames frames in $pkts packets on $1"
}

# batched: the stream arrives, in at most half as many underlay packets as
# protected frames. Without batching there are as many; with it, 10 to 20
# times fewer on an idle host. A loaded host makes TCP's GSO frames
# smaller (one CI run had 3.5 frames per packet), hence the wide margin.
batched() {
	local frames pkts

	stream_frames va || return 1
	if [ "$frames" -lt $((BATCH_BYTES / 1500)) ]; then
		echo "too few frames for the stream"
		return 1
	fi
	if [ $((pkts * 2)) -gt "$frames" ]; then
		echo "the frames were not batched"
		return 1
	fi
}

# one_per_frame FRAMES PACKETS: the underlay carried about one packet per
# frame, at least nine in ten, while batches make three or more times
# fewer. A strict count once came out one packet short of 130 frames on a
# loaded host, for a cause not traced.
one_per_frame() {
	[ $(($2 * 10)) -ge $(($1 * 9)) ]
}

# segmented PCAP: the stream arrives with the underlay segmenting; the
# capture goes to wire_check.py.
segmented() {
	local pcap=$1 frames0 pkts0 frames pkts

	ns_exec a ethtool -K va tx off tx-gso-list off >/dev/null || return 1
	# Only what a sends: the capture checks one sender.
	capture_start a va "$pcap" -Q out ||
		echo "tcpdump did not start listening"
	frames0=$(dev_stat a mvx0 tx_packets)
	pkts0=$(dev_stat a va tx_packets)
	transfer "$CAPTURE_BYTES" || { capture_stop; return 1; }
	frames=$(($(dev_stat a mvx0 tx_packets) - frames0))
	pkts=$(($(dev_stat a va tx_packets) - pkts0))
	capture_stop
	echo "$frames frames in $pkts underlay packets"
	if ! one_per_frame "$frames" "$pkts"; then
		echo "fewer underlay packets than frames"
		return 1
	fi
	"$PYTHON" "$WIRE_CHECK" "$pcap" --vni "$vni" --cipher gcm-aes-128 \
		--icvlen 16 --encrypt 1 --send-sci 1 \
		--udp-csum "$([ "$csum" = on ] && echo 1 || echo 0)" \
		--min-frames $((CAPTURE_BYTES / 1500)) \
		--sender "$(mac a mvx0),$KEY_A"
}

# counters NS IP OBJECT: no 802.1AE error counter is set.
counters() {
	ns_exec "$1" "$2" -j -s "$3" show | "$PYTHON" -c '
import json, sys
dev = json.load(sys.stdin)[0]
bad = [f"{k} {v}" for k, v in dev.items()
       if k.startswith(("InPktsBad", "InPktsNo", "InPktsUnknown",
                        "OutPktsTooLong")) and v]
for sc in dev.get("rx_sc", []):
    bad += [f"{k} {v}" for k, v in sc.items()
            if k in ("InPktsNotValid", "InPktsInvalid", "InPktsLate",
                     "InPktsNotUsingSA", "InPktsUnusedSA") and v]
    if not sc.get("InPktsOK"):
        bad.append("InPktsOK 0")
if bad:
    sys.exit(", ".join(bad))'
}

# nested_setup FAMILY: macvx without a lower device, whose route to the
# peer runs through vxlan u0 on the veth; a's veth segments everything in
# software. The MTU of 1300 keeps macvx's datagrams within u0's.
nested_setup() {
	local ua=10.0.0.1 ub=10.0.0.2 ia=172.17.0.1 ib=172.17.0.2 plen=30

	if [ "$1" = 6 ]; then
		ua=fd00::1 ub=fd00::2 ia=fd60::1 ib=fd60::2 plen=64
	fi
	ns_exec a ip link add u0 type vxlan id 9 remote "$ub" local "$ua" \
		dstport 4790 || return 1
	ns_exec b ip link add u0 type vxlan id 9 remote "$ua" local "$ub" \
		dstport 4790 || return 1
	ns_exec a ip addr add "$ia/$plen" dev u0 nodad
	ns_exec b ip addr add "$ib/$plen" dev u0 nodad
	ns_exec a ip link set u0 up
	ns_exec b ip link set u0 up
	# shellcheck disable=SC2086 # the options are several words
	ns_exec a "$IP" link add mvx0 mtu 1300 type macvx id "$vni" \
		remote "$ib" local "$ia" $secy_options || return 1
	# shellcheck disable=SC2086
	ns_exec b "$IP" link add mvx0 mtu 1300 type macvx id "$vni" \
		remote "$ia" local "$ib" $secy_options || return 1
	sa_setup a mvx0 "$KEY_A" "$KEY_B" "$(mac b mvx0)" "$IP" macvx &&
	sa_setup b mvx0 "$KEY_B" "$KEY_A" "$(mac a mvx0)" "$IP" macvx ||
		return 1
	ns_exec a sysctl -qw net.ipv6.conf.mvx0.disable_ipv6=1
	ns_exec b sysctl -qw net.ipv6.conf.mvx0.disable_ipv6=1
	ns_exec a ip addr add "192.168.$number.1/24" dev mvx0
	ns_exec b ip addr add "$in_b/24" dev mvx0
	ns_exec a ip link set mvx0 up
	ns_exec b ip link set mvx0 up
	ns_exec a ethtool -K va tx off tx-gso-list off \
		tx-udp_tnl-segmentation off \
		tx-udp_tnl-csum-segmentation off >/dev/null
}

nested_teardown() {
	cell_teardown
	ns_exec a ip link del u0 2>/dev/null || true
	ns_exec b ip link del u0 2>/dev/null || true
	ns_exec a ethtool -K va tx-udp_tnl-segmentation on \
		tx-udp_tnl-csum-segmentation on >/dev/null 2>&1 || true
}

# unbatched DEV: the stream arrives, and DEV sends about one packet per
# frame that macvx sends (a batch would count once there).
unbatched() {
	local frames pkts

	stream_frames "$1" || return 1
	if ! one_per_frame "$frames" "$pkts"; then
		echo "the frames were batched"
		return 1
	fi
}

# rx_at_least PACKETS: b's mvx0 has received at least PACKETS.
rx_at_least() {
	[ "$(dev_stat b mvx0 rx_packets)" -ge "$1" ]
}

# injected: TCP GSO frames of 20,480 bytes with an MSS of 1,200 (18
# segments each) written to a's mvx0 through a packet socket arrive at b,
# at least nine segments in ten.
injected() {
	local rx0 rx want

	rx0=$(dev_stat b mvx0 rx_packets)
	ns_exec a "$PYTHON" -c '
import socket, struct, sys
dev, dst_mac, src_mac, src, dst = sys.argv[1:6]
count, needs_csum, gso_tcpv4, sol_packet, vnet_opt = map(int, sys.argv[6:11])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.setsockopt(sol_packet, vnet_opt, 1)
s.bind((dev, 0))
payload = bytes(range(256)) * 80
tcp = struct.pack("!HHIIBBHHH", 40000, 9, 1, 0, 5 << 4, 0x18, 65535, 0, 0)
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0,
                 0x4000, 64, 6, 0, socket.inet_aton(src),
                 socket.inet_aton(dst))
eth = bytes.fromhex(dst_mac.replace(":", "") + src_mac.replace(":", ""))
eth += b"\x08\x00"
# flags, gso_type, hdr_len, gso_size, csum_start, csum_offset (TCP check)
vnet = struct.pack("<BBHHHH", needs_csum, gso_tcpv4,
                   len(eth) + len(ip) + len(tcp), 1200, len(eth) + len(ip), 16)
for _ in range(count):
    s.send(vnet + eth + ip + tcp + payload)' mvx0 "$(mac b mvx0)" \
		"$(mac a mvx0)" "192.168.$number.1" "$in_b" "$INJECT_FRAMES" \
		"$VNET_NEEDS_CSUM" "$VNET_GSO_TCPV4" "$SOL_PACKET" \
		"$PACKET_VNET_HDR" ||
		return 1
	want=$((INJECT_FRAMES * 18))
	wait_for 10 rx_at_least $((rx0 + want)) || true
	rx=$(($(dev_stat b mvx0 rx_packets) - rx0))
	echo "b received $rx of $want segments"
	if [ $((rx * 10)) -lt $((want * 9)) ]; then
		echo "too few segments arrived"
		return 1
	fi
}

number=0
for family in 4 6; do
	number=$((number + 1))
	name=batch.nested.ipv$family
	cell_settings "$number" macvx "$family" on
	tap_check "$name.setup" nested_setup "$family"
	if [ "$TAP_LAST_STATUS" -eq 0 ]; then
		checked "$name.stream" unbatched u0
		checked "$name.injected" injected
		tap_check "$name.counters_a" counters a "$IP" macvx
		tap_check "$name.counters_b" counters b "$IP" macvx
	fi
	nested_teardown
done

# seg6_setup: an IPv6 cell whose route to b's underlay address adds an
# SRv6 header with b's fd00::a as the only segment; b decapsulates it.
# The MTU of 1300 leaves room for the 64 bytes of the encapsulation.
seg6_setup() {
	cell_setup "$number" || return 1
	ns_exec a ip link set mvx0 mtu 1300
	ns_exec b ip link set mvx0 mtu 1300
	ns_exec b ip addr add fd00::a/128 dev vb nodad
	ns_exec b sysctl -qw net.ipv6.conf.all.seg6_enabled=1 \
		net.ipv6.conf.vb.seg6_enabled=1
	ns_exec a ip -6 route add fd00::2/128 encap seg6 mode encap \
		segs fd00::a dev va
}

seg6_teardown() {
	ns_exec a ip -6 route del fd00::2/128 2>/dev/null || true
	ns_exec b ip addr del fd00::a/128 dev vb 2>/dev/null || true
	cell_teardown
}

# seg6_supported: succeed when the kernel takes seg6 encap routes, which
# need CONFIG_LWTUNNEL and CONFIG_IPV6_SEG6_LWTUNNEL. The debug kernel has
# neither.
seg6_supported() {
	ns_exec a ip -6 route add fd61::/64 encap seg6 mode encap \
		segs fd00::a dev va 2>/dev/null || return 1
	ns_exec a ip -6 route del fd61::/64
}

number=$((number + 1))
if seg6_supported; then
	cell_settings "$number" macvx 6 on
	tap_check batch.seg6.setup seg6_setup
	if [ "$TAP_LAST_STATUS" -eq 0 ]; then
		checked batch.seg6.stream unbatched va
		tap_check batch.seg6.counters_a counters a "$IP" macvx
		tap_check batch.seg6.counters_b counters b "$IP" macvx
	fi
	seg6_teardown
else
	tap_skip batch.seg6 "the kernel has no seg6 encap routes"
fi

for peer_kind in macvx stock; do
	for family in 4 6; do
		for csum in off on; do
			number=$((number + 1))
			name=batch.$peer_kind.ipv$family.csum_$csum
			cell_settings "$number" "$peer_kind" "$family" "$csum"
			tap_check "$name.setup" cell_setup "$number"
			if [ "$TAP_LAST_STATUS" -ne 0 ]; then
				cell_teardown
				continue
			fi
			checked "$name.batched" batched
			checked "$name.segmented" segmented \
				"$MACVX_OUT/batch-$number.pcap"
			tap_check "$name.counters_a" counters a "$IP" macvx
			tap_check "$name.counters_b" counters b \
				"${sa_cmd_b[@]}"
			cell_teardown
		done
	done
done

tap_done

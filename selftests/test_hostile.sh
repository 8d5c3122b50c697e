#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# macvx-timeout: 3600
# macvx-slow
# NOTE: each helper call starts /usr/bin/python3 and imports scapy, about
# 13 s under TCG, so this test takes most of an hour per kernel and is
# left out of the default make check; MACVX_SLOW=1 runs it.
# Hostile frames against the macvx receive path: malformed VXLAN headers,
# SecTAGs, ICVs and lengths, then a randomized pass of mutated frames.
#
#   ns a                     ns c                      ns b
#   mvx0 192.168.77.1/24                               mvx0 192.168.77.2/24
#   va 10.0.0.1/24 ---- ca - br0 10.0.0.3/24 - cb ---- vb 10.0.0.2/24
#                            ^
#                            hostile.py sends raw frames on br0 to a's
#                            VXLAN port, with b's underlay IP as source
#
# Each case sends one frame, checks that exactly the expected counters of
# a moved (ip -j -s macvx show, ip -j -s -s link show) and that nothing
# reached a's UDP listener that should not. It then sends the frame 100
# more times, checks the counters again, that the kernel logged nothing,
# and that a and b still ping each other.
#
# Environment, besides lib.sh's: HOSTILE_FUZZ_COUNT (mutants in the
# randomized pass, default 100000), HOSTILE_FUZZ_SECONDS (time limit of
# that pass, default 150), HOSTILE_SEED (its random seed, default 1).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
HOSTILE=$MACVX_REPO/selftests/hostile.py
FUZZ_COUNT=${HOSTILE_FUZZ_COUNT:-100000}
FUZZ_SECONDS=${HOSTILE_FUZZ_SECONDS:-150}
SEED=${HOSTILE_SEED:-1}
VNI=77
KEY_A=4d61637658206b65792066726f6d2041
KEY_B=4d61637658206b65792066726f6d2042
# Injected valid frames use PNs from here on, above what b sends.
PN_BASE=1000000

require_ip
[ -x "$PY" ] || require_fail "hostile.python" "$PY not found"
"$PY" -c "import scapy.contrib.macsec, cryptography" 2>/dev/null ||
	require_fail "hostile.scapy" "$PY cannot import scapy and cryptography"
command -v ping >/dev/null || require_fail "hostile.ping" "ping not found"

for dep in $(modinfo -F depends "$MACVX_KO" | tr , ' '); do
	modprobe "$dep"
done
module_load

tmp=$(mktemp -d)
cleanup_add rm -rf "$tmp"

ns_create a
ns_create b
ns_create c
ip -n "${NS_PREFIX}c" link add br0 type bridge
ip -n "${NS_PREFIX}c" link set br0 up
veth_pair a va c ca
veth_pair b vb c cb
ip -n "${NS_PREFIX}c" link set ca master br0
ip -n "${NS_PREFIX}c" link set cb master br0
ns_exec a ip addr add 10.0.0.1/24 dev va
ns_exec b ip addr add 10.0.0.2/24 dev vb
ns_exec c ip addr add 10.0.0.3/24 dev br0

mac() {
	ns_exec "$1" cat "/sys/class/net/$2/address"
}

# Static neighbours on both layers: no ARP moves a counter during a case.
ns_exec a ip neigh replace 10.0.0.2 lladdr "$(mac b vb)" dev va nud permanent
ns_exec b ip neigh replace 10.0.0.1 lladdr "$(mac a va)" dev vb nud permanent

for side in a b; do
	if [ "$side" = a ]; then
		local_ip=10.0.0.1 remote_ip=10.0.0.2 ul=va
	else
		local_ip=10.0.0.2 remote_ip=10.0.0.1 ul=vb
	fi
	tap_require "hostile.setup_link_$side" ns_exec "$side" "$IP" link add \
		mvx0 type macvx id "$VNI" remote "$remote_ip" local "$local_ip" \
		dev "$ul" port 1 cipher gcm-aes-128 icvlen 16 encrypt on \
		send_sci on validate strict
	ns_exec "$side" sysctl -qw net.ipv6.conf.mvx0.disable_ipv6=1
done
A_MAC=$(mac a mvx0)
B_MAC=$(mac b mvx0)

# sa_setup SIDE OWN_KEY PEER_KEY PEER_MAC
sa_setup() {
	ns_exec "$1" "$IP" macvx add mvx0 tx sa 0 pn 1 on key 01 "$2" &&
	ns_exec "$1" "$IP" macvx add mvx0 rx port 1 address "$4" &&
	ns_exec "$1" "$IP" macvx add mvx0 rx port 1 address "$4" sa 0 pn 1 on \
		key 02 "$3"
}
tap_require "hostile.setup_sa_a" sa_setup a "$KEY_A" "$KEY_B" "$B_MAC"
tap_require "hostile.setup_sa_b" sa_setup b "$KEY_B" "$KEY_A" "$A_MAC"
ns_exec a ip addr add 192.168.77.1/24 dev mvx0
ns_exec b ip addr add 192.168.77.2/24 dev mvx0
ns_exec a ip neigh replace 192.168.77.2 lladdr "$B_MAC" dev mvx0 nud permanent
ns_exec b ip neigh replace 192.168.77.1 lladdr "$A_MAC" dev mvx0 nud permanent
ns_exec a ip link set mvx0 up
ns_exec b ip link set mvx0 up

export HOSTILE_NS=${NS_PREFIX}a IP VNI KEY_B PN_BASE A_MAC B_MAC
export A_UL_MAC=$(mac a va) C_MAC=$(mac c br0)
export A_UL_IP=10.0.0.1 B_UL_IP=10.0.0.2 A_IN=192.168.77.1 B_IN=192.168.77.2

hp() {
	"$PY" "$HOSTILE" "$@"
}

# inject CASE COUNT: send the frames of CASE COUNT times from c.
inject() {
	ns_exec c "$PY" "$HOSTILE" send "$tmp/frames/$1.frames" br0 "$2"
}

ping_both() {
	ns_exec a ping -c 1 -W 3 -q "$B_IN" &&
	ns_exec b ping -c 1 -W 3 -q "$A_IN"
}

# kmsg_quiet SEQ: the kernel logged nothing after record SEQ.
kmsg_quiet() {
	local lines
	lines=$(hp kmsg_since "$1")
	[ -z "$lines" ] && return 0
	echo "the kernel logged:"
	echo "$lines"
	return 1
}

# validate MODE: set a's validateFrames.
validate() {
	ns_exec a "$IP" link set mvx0 type macvx validate "$1"
}

tap_require "hostile.setup_ping" ping_both
tap_require "hostile.frames_dir" mkdir -p "$tmp/frames"
tap_require "hostile.build_frames" hp build "$tmp/frames"

ns_exec a "$PY" "$HOSTILE" listen "$A_IN" 5555 "$tmp/tokens" &
listener=$!
cleanup_add kill "$listener"
# Datagrams that reached a's listener so far, over all cases.
delivered_total=0

# run_case NAME DELIVERED [COUNTER=DELTA...]: the checks of one case.
# DELIVERED is 1 when the frame must reach a's listener, else 0.
run_case() {
	local name=$1 delivered=$2 seq
	shift 2
	hp snap "$tmp/before.json"
	seq=$(hp kmsg_seq)
	inject "$name" 1
	tap_check "hostile.$name.counters" hp check "$tmp/before.json" 1 "$@"
	delivered_total=$((delivered_total + delivered))
	tap_check "hostile.$name.delivery" hp tokens "$tmp/tokens" \
		"$delivered_total" "$name" "$delivered"
	inject "$name" 100
	# BURST, when set, lists the counters after all 101 copies, for
	# frames whose copies are counted unlike the first one.
	if [ -n "${BURST:-}" ]; then
		# shellcheck disable=SC2086 # BURST holds several words
		tap_check "hostile.$name.burst" hp check "$tmp/before.json" 1 \
			$BURST
	else
		tap_check "hostile.$name.burst" hp check "$tmp/before.json" \
			101 "$@"
	fi
	delivered_total=$((delivered_total + 100 * delivered))
	tap_check "hostile.$name.burst_delivery" hp tokens "$tmp/tokens" \
		"$delivered_total" "$name" $((101 * delivered))
	tap_check "hostile.$name.kmsg_quiet" kmsg_quiet "$seq"
	tap_check "hostile.$name.ping" ping_both
}

OK="rxsc.InPktsOK=1 rxsa0.InPktsOK=1 link.rx_packets=1"
BAD_TAG="secy.InPktsBadTag=1 link.rx_errors=1"
FRAME_ERR="link.rx_frame_errors=1 link.rx_errors=1"
NOT_VALID="rxsc.InPktsNotValid=1 rxsa0.InPktsNotValid=1 link.rx_errors=1"

# Positive controls: the injection path delivers valid frames.
# shellcheck disable=SC2086 # the counter lists are several words
{
# With replay off, copies of an accepted PN are delivered as delayed.
REPLAYED="rxsc.InPktsOK=1 rxsa0.InPktsOK=1 rxsc.InPktsDelayed=100"
REPLAYED="$REPLAYED link.rx_packets=101"
BURST=$REPLAYED run_case valid 1 $OK
BURST=$REPLAYED run_case integrity_ok 1 $OK

# VXLAN header. Without a device (header cut short, unknown VNI) no
# device counter can move.
run_case vxlan_truncated 0
run_case vxlan_no_i_flag 0 $FRAME_ERR
run_case vxlan_flag_bits 0 $FRAME_ERR
run_case vxlan_reserved 0 $FRAME_ERR
run_case vxlan_vni_low 0 $FRAME_ERR
run_case vxlan_unknown_vni 0
run_case inner_truncated 0 link.rx_length_errors=1 link.rx_errors=1

# SecTAG validation (802.1AE 10.6, as Linux's macsec orders it)
run_case tag_truncated 0 $BAD_TAG
run_case tag_sci_truncated 0 $BAD_TAG
run_case tci_v 0 $BAD_TAG
run_case tci_es_sc 0 $BAD_TAG
run_case tci_sc_scb 0 $BAD_TAG
run_case sl_on_long 0 $BAD_TAG
run_case sl_off_by_one 0 $BAD_TAG
run_case sl_zero_short 0 $BAD_TAG
run_case sl_reserved_bits 0 $BAD_TAG
run_case pn_zero 0 $BAD_TAG
run_case icv_truncated 0 $BAD_TAG
# E without C: a frame not for the controlled port; no 802.1AE counter.
run_case tci_e_no_c 0 link.rx_dropped=1
run_case own_source 0 link.rx_dropped=1

# Channel and association lookup, ICV check, under validate strict
run_case untagged_strict 0 secy.InPktsNoTag=1 link.rx_dropped=1
run_case sci_unknown 0 secy.InPktsNoSCI=1 link.rx_errors=1
run_case an_unused 0 rxsc.InPktsNotUsingSA=1 link.rx_errors=1
run_case icv_bad 0 $NOT_VALID
run_case data_bad 0 $NOT_VALID
run_case integrity_bad_strict 0 $NOT_VALID
run_case msdu_one_octet 0 rxsc.InPktsOK=1 rxsa0.InPktsOK=1 \
	link.rx_length_errors=1 link.rx_errors=1

# validate check: frames without protection are counted and delivered,
# frames with C set are still dropped.
tap_check "hostile.validate_check" validate check
run_case untagged_check 1 secy.InPktsUntagged=1 link.rx_packets=1
run_case sci_unknown_check 1 secy.InPktsUnknownSCI=1 link.rx_packets=1
run_case sci_unknown_c_check 0 secy.InPktsNoSCI=1 link.rx_errors=1
run_case an_unused_check 1 rxsc.InPktsUnusedSA=1 link.rx_packets=1
run_case integrity_bad_check 1 rxsc.InPktsInvalid=1 rxsa0.InPktsInvalid=1 \
	link.rx_packets=1

tap_check "hostile.validate_disabled" validate disabled
run_case untagged_disabled 1 secy.InPktsUntagged=1 link.rx_packets=1
tap_check "hostile.validate_strict" validate strict
}

# Replay with window 0: the first copy is accepted, every later one is
# late. b's own PN then moves past the injected one so that ping works.
tap_check "hostile.replay_on" ns_exec a "$IP" link set mvx0 type macvx \
	replay on window 0
hp snap "$tmp/before.json"
inject replay 1
# shellcheck disable=SC2086
tap_check "hostile.replay.first" hp check "$tmp/before.json" 1 $OK
delivered_total=$((delivered_total + 1))
tap_check "hostile.replay.first_delivery" hp tokens "$tmp/tokens" \
	"$delivered_total" replay 1
tap_check "hostile.replay.peer_pn" ns_exec b "$IP" macvx set mvx0 tx sa 0 \
	pn $((PN_BASE * 3)) on
cp "$tmp/frames/replay.frames" "$tmp/frames/replay_again.frames"
run_case replay_again 0 rxsc.InPktsLate=1 link.rx_dropped=1
tap_check "hostile.replay_off" ns_exec a "$IP" link set mvx0 type macvx \
	replay off

# Oversized frames in fragmented outer datagrams: no exact counters, but
# no crash, no log line and a working link afterwards.
for name in oversized_valid oversized_garbage; do
	hp snap "$tmp/before.json"
	seq=$(hp kmsg_seq)
	inject "$name" 10
	sleep 1
	tap_diag "$name moved: $(hp show "$tmp/before.json" | tr '\n' ' ')"
	tap_check "hostile.$name.kmsg_quiet" kmsg_quiet "$seq"
	tap_check "hostile.$name.ping" ping_both
done
# The valid oversized frame may reach the listener.
delivered_total=$(wc -l <"$tmp/tokens")

# ---- randomized pass ----
fuzz_send() {
	ns_exec c "$PY" "$HOSTILE" fuzz "$tmp/frames" br0 "$FUZZ_COUNT" \
		"$FUZZ_SECONDS" "$SEED" >"$tmp/fuzz.json"
}

hp snap "$tmp/before.json"
seq=$(hp kmsg_seq)
tokens_before=$(wc -l <"$tmp/tokens")
start=$SECONDS
tap_require "hostile.fuzz.send" fuzz_send
sleep 2
tap_diag "randomized pass: $(cat "$tmp/fuzz.json"), $((SECONDS - start)) s"
tap_diag "moved: $(hp show "$tmp/before.json" | tr '\n' ' ')"
tap_check "hostile.fuzz.count" "$PY" -c '
import json, sys
sent = json.load(open(sys.argv[1]))["sent"]
sys.exit(0 if sent >= int(sys.argv[2]) else
         f"only {sent} mutants sent within the time limit")
' "$tmp/fuzz.json" "$FUZZ_COUNT"
for what in drops delivered accounted; do
	tap_check "hostile.fuzz.$what" hp fuzz_check "$tmp/before.json" \
		"$tmp/fuzz.json" "$what"
done
tap_check "hostile.fuzz.listener" "$PY" -c '
import json, sys
seen = sum(1 for _ in open(sys.argv[1])) - int(sys.argv[2])
unchanged = json.load(open(sys.argv[3]))["unchanged"]
sys.exit(0 if seen <= unchanged else
         f"{seen} datagrams reached the listener, {unchanged} mutants valid")
' "$tmp/tokens" "$tokens_before" "$tmp/fuzz.json"
# A few lines at most, and no kernel warning among them.
fuzz_kmsg() {
	local lines
	lines=$(hp kmsg_since "$1")
	if [ "$(printf '%s' "$lines" | grep -c .)" -gt 3 ] ||
	   printf '%s' "$lines" | grep -qE 'WARNING|BUG|Call Trace|Oops'; then
		echo "the kernel logged:"
		echo "$lines" | head -n 20
		return 1
	fi
}
tap_check "hostile.fuzz.kmsg" fuzz_kmsg "$seq"
tap_check "hostile.fuzz.ping" ping_both

tap_done

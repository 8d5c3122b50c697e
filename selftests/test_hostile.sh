#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# macvx-timeout: 900
# Hostile frames against the macvx receive path: malformed VXLAN headers,
# SecTAGs, ICVs and lengths, validateFrames modes and replays, then a
# randomized pass of mutated valid frames.
#
#   ns a                                                ns b
#   mvx0 192.168.77.1/24                                mvx0 192.168.77.2/24
#   va 10.0.0.1/24 --- ca - br0 (ns c) - cb --- vb 10.0.0.2/24
#                      ^
#                      hostile.py sends raw frames on ca to a's VXLAN
#                      port, with b's underlay IP as source
#
# a's mvx0 has two RX SCs: b's, and one of a made-up station (INJ_MAC)
# whose frames hostile.py builds with the key KEY_INJ. This script sets
# up the namespaces and devices; hostile.py, one Python process, sends
# every case, reads the counters and prints one result per case.
#
# Environment, besides lib.sh's: HOSTILE_FUZZ_COUNT (mutants in the
# randomized pass, default 100000), HOSTILE_SEED (its random seed,
# default: chosen at random and printed).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
HOSTILE=$MACVX_REPO/selftests/hostile.py
VNI=77
KEY_A=4d61637658206b65792066726f6d2041
KEY_B=4d61637658206b65792066726f6d2042
KEY_INJ=4d61637658206b65792066726f6d2043
INJ_MAC=02:00:00:00:77:03

require_ip
[ -x "$PY" ] || require_fail "hostile.python" "$PY not found"
module_load

ns_create a
ns_create b
ns_create c
ip -n "${NS_PREFIX}c" link add br0 type bridge
ip -n "${NS_PREFIX}c" link set br0 up
veth_pair a va c ca
veth_pair b vb c cb
ip -n "${NS_PREFIX}c" link set ca master br0
ip -n "${NS_PREFIX}c" link set cb master br0
ip -n "${NS_PREFIX}a" addr add 10.0.0.1/24 dev va
ip -n "${NS_PREFIX}b" addr add 10.0.0.2/24 dev vb

# Static neighbours on both layers: no ARP moves a counter during a case.
ipn a neigh replace 10.0.0.2 lladdr "$(mac b vb)" dev va nud permanent
ipn b neigh replace 10.0.0.1 lladdr "$(mac a va)" dev vb nud permanent

for side in a b; do
	if [ "$side" = a ]; then
		local_ip=10.0.0.1 remote_ip=10.0.0.2 ul=va
	else
		local_ip=10.0.0.2 remote_ip=10.0.0.1 ul=vb
	fi
	tap_require "hostile.setup_link_$side" ipn "$side" link add \
		mvx0 type macvx id "$VNI" remote "$remote_ip" local "$local_ip" \
		dev "$ul" port 1 cipher gcm-aes-128 icvlen 16 encrypt on \
		send_sci on validate strict
	ns_exec "$side" sysctl -qw net.ipv6.conf.mvx0.disable_ipv6=1
done
A_MAC=$(mac a mvx0)
B_MAC=$(mac b mvx0)

# rx_add SIDE PEER_MAC KEY_ID KEY: an RX SC for PEER_MAC with SA 0.
rx_add() {
	ipn "$1" macvx add mvx0 rx port 1 address "$2" &&
	ipn "$1" macvx add mvx0 rx port 1 address "$2" sa 0 pn 1 on \
		key "$3" "$4"
}
tap_require "hostile.setup_sa_a" ipn a macvx add mvx0 tx sa 0 pn 1 on \
	key 01 "$KEY_A"
tap_require "hostile.setup_sa_b" ipn b macvx add mvx0 tx sa 0 pn 1 on \
	key 01 "$KEY_B"
tap_require "hostile.setup_rx_a" rx_add a "$B_MAC" 02 "$KEY_B"
tap_require "hostile.setup_rx_b" rx_add b "$A_MAC" 02 "$KEY_A"
tap_require "hostile.setup_rx_inj" rx_add a "$INJ_MAC" 03 "$KEY_INJ"
ipn a addr add 192.168.77.1/24 dev mvx0
ipn b addr add 192.168.77.2/24 dev mvx0
ipn a neigh replace 192.168.77.2 lladdr "$B_MAC" dev mvx0 nud permanent
ipn b neigh replace 192.168.77.1 lladdr "$A_MAC" dev mvx0 nud permanent
ipn a neigh replace 192.168.77.3 lladdr "$INJ_MAC" dev mvx0 nud permanent
ipn a link set mvx0 up
ipn b link set mvx0 up

export NS_A=${NS_PREFIX}a NS_B=${NS_PREFIX}b NS_C=${NS_PREFIX}c
export IP VNI KEY_INJ A_MAC B_MAC INJ_MAC
export A_IN=192.168.77.1 B_IN=192.168.77.2 INJ_IN=192.168.77.3
export A_UL_MAC=$(mac a va) C_UL_MAC=$(mac c ca)
export A_UL_IP=10.0.0.1 B_UL_IP=10.0.0.2
export FUZZ_COUNT=${HOSTILE_FUZZ_COUNT:-100000}
export FUZZ_SEED=${HOSTILE_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

tap_diag "setup took $SECONDS s"
# hostile.py prints "ok NAME", "not ok NAME", "# ..." and a last "done".
finished=0
while IFS= read -r line; do
	case $line in
	"ok "*) tap_ok "${line#ok }" ;;
	"not ok "*) tap_fail "${line#not ok }" ;;
	done) finished=1 ;;
	*) echo "$line" ;;
	esac
done < <(HOSTILE_LAUNCHED=$(date +%s.%N) "$PY" "$HOSTILE" 2>&1)
[ "$finished" -eq 1 ] ||
	tap_fail "hostile.finished" "hostile.py stopped before its last check"
tap_diag "setup and checks took $SECONDS s"

tap_done

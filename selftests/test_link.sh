#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# macvx-timeout: 900
# "ip link ... type macvx" and "ip macvx" with the patched ip: options are
# sent, shown in text and JSON, changed, rejected without side effects,
# and the SA keys never appear in any "ip macvx show" output.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
TX_KEYID=6b657969642d6d616376782d74657374
TX_KEY=c0ffee0123456789abcdef02468ace113579bdf1224466880aacce33557799bb
RX_KEYID=0102030405060708090a0b0c0d0e0f10
RX_KEY=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf
RX_SCI=0a0b0c0d0e0f0001

require_ip
[ -x "$PY" ] || require_fail "link.python3" "$PY not found"
# insmod does not load dependencies, so the UDP tunnel modules that
# macvx.ko needs are loaded first.
modprobe -a -q udp_tunnel ip6_udp_tunnel ||
	tap_diag "modprobe udp_tunnel ip6_udp_tunnel failed"
module_load
ns_create a

ipa() {
	ns_exec a "$IP" "$@"
}

tmp=$(mktemp -d)
cleanup_add rm -rf "$tmp"

# snapshot DEV FILE: store the IFLA_INFO_DATA of DEV as JSON, plus mtu.
snapshot() {
	ipa -j -d link show "$1" | "$PY" -c '
import json, sys
link = json.load(sys.stdin)[0]
data = dict(link["linkinfo"]["info_data"])
data["mtu"] = link["mtu"]
json.dump(data, open(sys.argv[1], "w"), sort_keys=True)
' "$2"
}

# json_expect NAME FILE KEY=JSON...: one check per key of a snapshot.
json_expect() {
	local name=$1 file=$2 status key detail
	shift 2
	while IFS=$'\t' read -r status key detail; do
		if [ "$status" = ok ]; then
			tap_ok "$name.$key"
		else
			tap_fail "$name.$key" "$detail"
		fi
	done < <("$PY" -c '
import json, sys
data = json.load(open(sys.argv[1]))
for pair in sys.argv[2:]:
    key, _, text = pair.partition("=")
    want = json.loads(text)
    if key not in data:
        print("fail\t%s\tmissing, keys: %s" % (key, sorted(data)))
    elif data[key] != want:
        print("fail\t%s\texpected %r, got %r" % (key, want, data[key]))
    else:
        print("ok\t%s\t" % key)
' "$file" "$@")
}

# json_same BEFORE AFTER [KEY...]: the snapshots differ only in KEYs.
json_same() {
	"$PY" - "$@" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
allowed = set(sys.argv[3:])
diff = sorted(k for k in set(a) | set(b)
              if k not in allowed and a.get(k) != b.get(k))
for k in diff:
    print("%s: %r -> %r" % (k, a.get(k), b.get(k)))
sys.exit(1 if diff else 0)
EOF
}

# shows DEV WORDS: "ip -d link show DEV" contains WORDS, space-separated.
shows() {
	local out
	out=$(ipa -d link show "$1")
	# Unquoted on purpose: collapse newlines and runs of blanks.
	# shellcheck disable=SC2086
	out=" $(echo $out) "
	case $out in
	*" $2 "*) return 0 ;;
	esac
	echo "expected \"$2\" in: $out"
	return 1
}

ipa link add ul0 type dummy
ipa link set ul0 up

# ---- creation with every option ----

tap_require "link.add_full" ipa link add mvx0 type macvx id 4242 \
	remote 192.0.2.2 local 192.0.2.1 dev ul0 dstport 4790 \
	srcport 40000 40100 ttl 32 tos 0x28 df inherit noudpcsum \
	sci 5254001234560007 cipher gcm-aes-256 icvlen 12 encrypt off \
	send_sci on end_station off scb off protect on \
	replay on window 64 validate check encodingsa 2

for words in "macvx id 4242" "remote 192.0.2.2" "local 192.0.2.1" \
	"dev ul0" "srcport 40000 40100" "dstport 4790" "tos 0x28" "ttl 32" \
	"df inherit" "noudpcsum" "sci 5254001234560007" "protect on" \
	"cipher GCM-AES-256" "icvlen 12" "encodingsa 2" "validate check" \
	"encrypt off" "send_sci on" "end_station off" "scb off" "replay on" \
	"window 64"; do
	tap_check "link.show_${words// /_}" shows mvx0 "$words"
done

tap_require "link.json_parses" snapshot mvx0 "$tmp/full"
json_expect link.json "$tmp/full" id=4242 'remote="192.0.2.2"' \
	'local="192.0.2.1"' 'link="ul0"' 'port_range={"low":40000,"high":40100}' \
	port=4790 'tos="0x28"' ttl=32 'df="inherit"' udp_csum=false \
	'sci="5254001234560007"' protect=true 'cipher_suite="GCM-AES-256"' \
	icv_len=12 encoding_sa=2 'validation="check"' encrypt=false \
	inc_sci=true es=false scb=false replay_protect=true window=64 \
	mtu=1422

# ---- defaults and IPv6 ----

tap_check "link.add_defaults" ipa link add mvx1 type macvx id 1
snapshot mvx1 "$tmp/defaults"
json_expect link.defaults "$tmp/defaults" id=1 encrypt=true port=4789 \
	icv_len=16 protect=true inc_sci=true 'validation="strict"' \
	udp_csum=true 'cipher_suite="GCM-AES-128"' es=false scb=false \
	replay_protect=false encoding_sa=0 'df="unset"' mtu=1418
tap_check "link.del_defaults" ipa link del mvx1
tap_check_fails "link.deleted" ipa link show mvx1

tap_check "link.add_ipv6" ipa link add mvx6 type macvx id 6 \
	remote 2001:db8::2 local 2001:db8::1 dev ul0 flowlabel 0x12345 \
	udp6zerocsumtx udp6zerocsumrx
tap_check "link.show_flowlabel" shows mvx6 "flowlabel 0x12345"
tap_check "link.show_udp6zerocsumtx" shows mvx6 "udp6zerocsumtx"
tap_check "link.show_udp6zerocsumrx" shows mvx6 "udp6zerocsumrx"
snapshot mvx6 "$tmp/ipv6"
json_expect link.ipv6 "$tmp/ipv6" 'remote6="2001:db8::2"' \
	'local6="2001:db8::1"' 'label="0x12345"' udp_zero_csum6_tx=true \
	udp_zero_csum6_rx=true mtu=1398

# ---- changes ----

# change NAME KEYS... -- IP_LINK_SET_ARGS: the set succeeds, and only KEYS
# change in the JSON.
change() {
	local name=$1 keys=()
	shift
	while [ "$1" != -- ]; do
		keys+=("$1")
		shift
	done
	shift
	snapshot mvx0 "$tmp/before"
	tap_check "link.set_$name" ipa link set mvx0 type macvx "$@"
	snapshot mvx0 "$tmp/after"
	tap_check "link.set_${name}_only" json_same "$tmp/before" \
		"$tmp/after" "${keys[@]}"
}

change encrypt encrypt -- encrypt on
json_expect link.set "$tmp/after" encrypt=true
change protect protect -- protect off
json_expect link.set "$tmp/after" protect=false
change validate validation -- validate strict
json_expect link.set "$tmp/after" 'validation="strict"'
change encodingsa encoding_sa -- encodingsa 3
json_expect link.set "$tmp/after" encoding_sa=3
change window window -- replay on window 1024
json_expect link.set "$tmp/after" window=1024
change ttl ttl -- ttl 64
json_expect link.set "$tmp/after" ttl=64
change tos tos -- tos inherit
json_expect link.set "$tmp/after" 'tos="0x1"'
tap_check "link.show_tos_inherit" shows mvx0 "tos inherit"
change df df -- df set
json_expect link.set "$tmp/after" 'df="set"'
change remote remote -- remote 198.51.100.7
json_expect link.set "$tmp/after" 'remote="198.51.100.7"'
change local local -- local 198.51.100.8
json_expect link.set "$tmp/after" 'local="198.51.100.8"'
change replay_off replay_protect window -- replay off
json_expect link.set "$tmp/after" replay_protect=false

# ---- rejected ----

# reject NAME PATTERN COMMAND...: COMMAND fails, its output matches
# PATTERN (grep -E), and mvx0 is unchanged.
reject() {
	local name=$1 pattern=$2 out status=0
	shift 2
	snapshot mvx0 "$tmp/before"
	out=$("$@" 2>&1) || status=$?
	if [ "$status" -eq 0 ]; then
		tap_fail "link.reject_$name" "'$*' succeeded; output: $out"
	elif ! grep -qE -- "$pattern" <<<"$out"; then
		tap_fail "link.reject_$name" \
			"'$*' failed, but its output does not match /$pattern/: $out"
	else
		tap_ok "link.reject_$name"
	fi
	snapshot mvx0 "$tmp/after"
	tap_check "link.reject_${name}_unchanged" json_same "$tmp/before" \
		"$tmp/after"
}

reject id "IFLA_MACVX_ID" ipa link set mvx0 type macvx id 5
reject dstport "IFLA_MACVX_PORT_DST" ipa link set mvx0 type macvx dstport 9999
reject cipher "IFLA_MACVX_CIPHER_SUITE" \
	ipa link set mvx0 type macvx cipher gcm-aes-128
reject icvlen "IFLA_MACVX_ICV_LEN" ipa link set mvx0 type macvx icvlen 8
reject sci "IFLA_MACVX_SCI" \
	ipa link set mvx0 type macvx sci 0102030405060708
reject srcport "IFLA_MACVX_PORT_RANGE" \
	ipa link set mvx0 type macvx srcport 1000 2000
reject udpcsum "IFLA_MACVX_UDP_CSUM" ipa link set mvx0 type macvx udpcsum
reject flowlabel_ipv4 "IFLA_MACVX_LABEL" \
	ipa link set mvx0 type macvx flowlabel 5
reject remote_family "IFLA_MACVX_REMOTE6" \
	ipa link set mvx0 type macvx remote 2001:db8::9
reject encrypt_with_bad_flowlabel "IFLA_MACVX_LABEL" \
	ipa link set mvx0 type macvx encrypt off flowlabel 7
reject icvlen_17 "icvlen|ICV" ipa link set mvx0 type macvx icvlen 17
reject encodingsa_4 "encodingsa|an" ipa link set mvx0 type macvx encodingsa 4
reject validate_word "strict|validate" \
	ipa link set mvx0 type macvx validate sometimes
reject remote_multicast "remote|unicast" \
	ipa link set mvx0 type macvx remote 239.1.1.1
reject replay_no_window "window" ipa link set mvx0 type macvx replay on
reject es_with_send_sci "send_sci|end_station" \
	ipa link set mvx0 type macvx send_sci on end_station on
reject add_duplicate_vni "IFLA_MACVX_ID" \
	ipa link add mvx9 type macvx id 4242 dstport 4790
tap_check_fails "link.reject_add_duplicate_vni_absent" ipa link show mvx9
reject add_no_id "id" ipa link add mvx9 type macvx
reject add_id_too_large "id" ipa link add mvx9 type macvx id 16777216
tap_check_fails "link.reject_add_absent" ipa link show mvx9

# ---- ip macvx ----

# no_key COMMAND...: the output of COMMAND contains none of the key bytes.
no_key() {
	local out
	out=$("$@" 2>&1) || { echo "'$*' failed: $out"; return 1; }
	if grep -qiE -- "$TX_KEY|$RX_KEY|${TX_KEY:0:16}|${RX_KEY:0:16}" \
		<<<"$out"; then
		echo "key bytes in the output of '$*':"
		echo "$out"
		return 1
	fi
}

# has TEXT COMMAND...: the output of COMMAND contains TEXT.
has() {
	local text=$1 out
	shift
	out=$("$@" 2>&1) || { echo "'$*' failed: $out"; return 1; }
	grep -qiF -- "$text" <<<"$out" && return 0
	echo "expected \"$text\" in the output of '$*':"
	echo "$out"
	return 1
}

tap_check "macvx.add_txsa" ipa macvx add mvx0 tx sa 0 pn 1 on \
	key "$TX_KEYID" "$TX_KEY"
tap_check "macvx.add_rxsc" ipa macvx add mvx0 rx sci "$RX_SCI" on
tap_check "macvx.add_rxsa" ipa macvx add mvx0 rx sci "$RX_SCI" sa 1 pn 5 on \
	key "$RX_KEYID" "$RX_KEY"
tap_check_fails "macvx.add_rxsc_again" ipa macvx add mvx0 rx sci "$RX_SCI"
tap_check_fails "macvx.add_txsa_short_key" ipa macvx add mvx0 tx sa 1 pn 1 \
	key "$TX_KEYID" 00112233445566778899aabbccddeeff
tap_check_fails "macvx.add_txsa_pn_0" ipa macvx add mvx0 tx sa 2 pn 0 \
	key "$TX_KEYID" "$TX_KEY"

tap_check "macvx.show_txsa" has "$TX_KEYID" ipa macvx show
tap_check "macvx.show_rxsc" has "$RX_SCI" ipa macvx show mvx0
tap_check "macvx.show_rxsa" has "$RX_KEYID" ipa macvx show mvx0
tap_check "macvx.show_no_key" no_key ipa macvx show
tap_check "macvx.show_dev_no_key" no_key ipa macvx show mvx0
tap_check "macvx.show_json_no_key" no_key ipa -j macvx show
tap_check "macvx.show_stats_no_key" no_key ipa -s macvx show
tap_check "macvx.show_details_no_key" no_key ipa -d -s macvx show
tap_check "macvx.show_json_parses" sh -c \
	"'$IP' -n '${NS_PREFIX}a' -j macvx show | '$PY' -c 'import json, sys; json.load(sys.stdin)'"

tap_check_fails "macvx.del_active_txsa" ipa macvx del mvx0 tx sa 0
tap_check "macvx.set_txsa_off" ipa macvx set mvx0 tx sa 0 off
tap_check "macvx.del_txsa" ipa macvx del mvx0 tx sa 0
tap_check_fails "macvx.txsa_gone" has "$TX_KEYID" ipa macvx show mvx0
tap_check "macvx.set_rxsa_off" ipa macvx set mvx0 rx sci "$RX_SCI" sa 1 off
tap_check "macvx.del_rxsa" ipa macvx del mvx0 rx sci "$RX_SCI" sa 1
tap_check "macvx.del_rxsc" ipa macvx del mvx0 rx sci "$RX_SCI"
tap_check_fails "macvx.rxsc_gone" has "$RX_SCI" ipa macvx show mvx0

tap_check "link.del" ipa link del mvx0
tap_check "link.del_ipv6" ipa link del mvx6
tap_done

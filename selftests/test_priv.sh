#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Privilege checks. A macvx device mvxp0 in the initial network namespace
# has TX SAs, an RX SC and RX SAs. Then:
#
#   priv.nonroot   user nobody (65534, no capabilities) tries every add,
#                  change and delete of "ip macvx" and "ip link" on it. Each
#                  fails with "Operation not permitted" and leaves the dumps
#                  as they were. nobody may dump, and no key appears there.
#   priv.userns    nobody in a user namespace of its own ("unshare -Ur"),
#                  where it holds CAP_NET_ADMIN over that namespace only,
#                  is rejected the same way, because the initial network
#                  namespace belongs to the initial user namespace.
#   priv.userns_netns  nobody in its own user and network namespace
#                  ("unshare -Urn") neither sees mvxp0 nor reaches it, and
#                  cannot enter the initial network namespace.
#
# The device stays down, so it opens no UDP socket in the guest's initial
# namespace. The user namespace cases are skipped when the kernel does not
# let nobody create a user namespace.
. "$(dirname "$0")/lib.sh"

KEY_TX0=507269762054582053412030204b6579
KEY_TX2=507269762054582053412032204b6579
KEY_RX0=507269762052582053412030204b6579
KEY_RX3=507269762052582053412033204b6579
KEY_NEW=507269762074726965642061646420ff
PEER_MAC=02:00:00:00:50:02
OTHER_MAC=02:00:00:00:50:03
DEV=mvxp0
NOBODY=65534
# Run a command as nobody, with no capabilities at all.
AS_NOBODY=(setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups
	--inh-caps=-all)

require_ip
for tool in setpriv unshare nsenter; do
	command -v "$tool" >/dev/null ||
		require_fail "priv.tool_$tool" "$tool not found; install it"
done
module_load

work=$MACVX_OUT/priv
rm -rf "$work"
mkdir -p "$work"

# The device lives in the initial namespace, which lib.sh does not clean.
"$IP" link del "$DEV" 2>/dev/null || true
cleanup_add "$IP" link del "$DEV"

# setup: TX SA 0 (active) and 2 (off), one RX SC with SA 0 (active) and
# 3 (off), so that the inactive ones could be deleted by root.
setup() {
	"$IP" link add "$DEV" type macvx id 4500 remote 10.255.0.2 &&
	"$IP" macvx add "$DEV" tx sa 0 pn 1 on key 00 "$KEY_TX0" &&
	"$IP" macvx add "$DEV" tx sa 2 pn 1 off key 02 "$KEY_TX2" &&
	"$IP" macvx add "$DEV" rx port 1 address "$PEER_MAC" &&
	"$IP" macvx add "$DEV" rx port 1 address "$PEER_MAC" sa 0 pn 1 on \
		key 10 "$KEY_RX0" &&
	"$IP" macvx add "$DEV" rx port 1 address "$PEER_MAC" sa 3 pn 1 off \
		key 13 "$KEY_RX3"
}
tap_require "priv.setup" setup

# config_dump: print the configuration as root dumps it, without counters.
config_dump() {
	"$IP" -d -j link show "$DEV" &&
	"$IP" -j macvx show "$DEV" &&
	"$IP" macvx show "$DEV"
}
config_dump >"$work/config.before" 2>&1

config_unchanged() {
	config_dump >"$work/config.now" 2>&1
	diff "$work/config.before" "$work/config.now"
}

# denied WRAPPER... -- COMMAND...: run COMMAND under the wrapper and pass
# when it fails with "Operation not permitted".
denied() {
	local wrapper=() output status=0
	while [ "$1" != -- ]; do
		wrapper+=("$1")
		shift
	done
	shift
	output=$("${wrapper[@]}" "$@" 2>&1) || status=$?
	echo "$output"
	if [ "$status" -eq 0 ]; then
		echo "the command succeeded"
		return 1
	fi
	echo "$output" | grep -q "Operation not permitted"
}

# attempts PREFIX WRAPPER...: every change, each as two checks: denied,
# and the configuration unchanged afterwards.
attempts() {
	local prefix=$1 name
	shift
	local cases=(
		"txsa_add:$IP macvx add $DEV tx sa 1 pn 1 on key 01 $KEY_NEW"
		"txsa_set_off:$IP macvx set $DEV tx sa 0 off"
		"txsa_set_pn:$IP macvx set $DEV tx sa 0 pn 1000"
		"txsa_del:$IP macvx del $DEV tx sa 2"
		"rxsc_add:$IP macvx add $DEV rx port 1 address $OTHER_MAC"
		"rxsc_set_off:$IP macvx set $DEV rx port 1 address $PEER_MAC off"
		"rxsc_del:$IP macvx del $DEV rx port 1 address $PEER_MAC"
		"rxsa_add:$IP macvx add $DEV rx port 1 address $PEER_MAC sa 1 pn 1 on key 11 $KEY_NEW"
		"rxsa_set_off:$IP macvx set $DEV rx port 1 address $PEER_MAC sa 0 off"
		"rxsa_set_pn:$IP macvx set $DEV rx port 1 address $PEER_MAC sa 0 pn 1000"
		"rxsa_del:$IP macvx del $DEV rx port 1 address $PEER_MAC sa 3"
		"link_add:$IP link add mvxp1 type macvx id 4501"
		"link_set_encodingsa:$IP link set $DEV type macvx encodingsa 2"
		"link_set_encrypt:$IP link set $DEV type macvx encrypt off"
		"link_set_mtu:$IP link set $DEV mtu 1300"
		"link_set_up:$IP link set $DEV up"
		"link_rename:$IP link set $DEV name mvxp9"
		"link_del:$IP link del $DEV"
	)
	for entry in "${cases[@]}"; do
		name=${entry%%:*}
		# shellcheck disable=SC2086 # the command is several words
		tap_check "$prefix.$name.denied" denied "$@" -- ${entry#*:}
		tap_check "$prefix.$name.unchanged" config_unchanged
	done
}

# dumps WRAPPER...: every dump of the device, as the wrapper runs them.
dumps() {
	"$@" "$IP" macvx show &&
	"$@" "$IP" -s macvx show &&
	"$@" "$IP" -j macvx show &&
	"$@" "$IP" -j -s macvx show &&
	"$@" ip -d link show &&
	"$@" "$IP" -d link show &&
	"$@" "$IP" -d -j link show &&
	"$@" "$IP" -d -s -j link show
}

# keys_absent FILE: no key of the device in FILE, in any case.
keys_absent() {
	local key found=0
	for key in "$KEY_TX0" "$KEY_TX2" "$KEY_RX0" "$KEY_RX3"; do
		if grep -qi "$key" "$1"; then
			echo "key $key found in $1"
			found=1
		fi
	done
	[ "$found" -eq 0 ]
}

# ---- nobody in the initial namespaces ----

no_capabilities() {
	"${AS_NOBODY[@]}" grep -qx 'CapEff:[[:space:]]*0*' /proc/self/status
}
tap_require "priv.nonroot.no_capabilities" no_capabilities

attempts priv.nonroot "${AS_NOBODY[@]}"

dump_nobody() {
	dumps "${AS_NOBODY[@]}" >"$work/dump.nobody" 2>&1 || {
		cat "$work/dump.nobody"
		return 1
	}
	grep -q "$DEV" "$work/dump.nobody"
}
tap_check "priv.nonroot.dump_allowed" dump_nobody
tap_check "priv.nonroot.dump_has_sas" grep -q "key 13" "$work/dump.nobody"
tap_check "priv.nonroot.keys_absent" keys_absent "$work/dump.nobody"

# ---- nobody in user namespaces of its own ----

userns_reason=""
if ! out=$("${AS_NOBODY[@]}" unshare -Urn true 2>&1); then
	userns_reason="nobody cannot create a user namespace: $out"
fi

if [ -n "$userns_reason" ]; then
	tap_skip "priv.userns" "$userns_reason"
	tap_skip "priv.userns_netns" "$userns_reason"
else
	# Inside "unshare -Ur" nobody is root of its own user namespace,
	# with every capability there, in the initial network namespace.
	userns_caps() {
		"${AS_NOBODY[@]}" unshare -Ur grep -qx \
			'CapEff:[[:space:]]*0*1ffffffffff' /proc/self/status
	}
	tap_check "priv.userns.has_own_capabilities" userns_caps
	attempts priv.userns "${AS_NOBODY[@]}" unshare -Ur
	dump_userns() {
		dumps "${AS_NOBODY[@]}" unshare -Ur >"$work/dump.userns" 2>&1
	}
	tap_check "priv.userns.dump_allowed" dump_userns
	tap_check "priv.userns.keys_absent" keys_absent "$work/dump.userns"

	# In a network namespace of its own, mvxp0 does not exist.
	in_own_netns() {
		"${AS_NOBODY[@]}" unshare -Urn "$@"
	}
	tap_check_fails "priv.userns_netns.link_invisible" \
		in_own_netns "$IP" link show "$DEV"
	macvx_dump_empty() {
		local out
		out=$(in_own_netns "$IP" macvx show 2>&1) || return 1
		echo "$out"
		! echo "$out" | grep -q "$DEV"
	}
	tap_check "priv.userns_netns.macvx_dump_empty" macvx_dump_empty
	tap_check_fails "priv.userns_netns.txsa_add" in_own_netns \
		"$IP" macvx add "$DEV" tx sa 1 pn 1 on key 01 "$KEY_NEW"
	tap_check_fails "priv.userns_netns.link_del" in_own_netns \
		"$IP" link del "$DEV"
	tap_check "priv.userns_netns.unchanged" config_unchanged
	# Root of a user namespace cannot join a network namespace that
	# belongs to the initial user namespace.
	tap_check_fails "priv.userns_netns.setns_initial_rejected" \
		in_own_netns nsenter --net=/proc/1/ns/net "$IP" link del "$DEV"
	tap_check "priv.userns_netns.still_unchanged" config_unchanged

	# NOTE: not a check. macvx accepts SA changes from a process with
	# CAP_NET_ADMIN in the user namespace that owns the device's network
	# namespace, so root of a user namespace may configure a device in its
	# own namespace. Linux 6.1 macsec requires CAP_NET_ADMIN in the
	# initial user namespace.
	own=$(in_own_netns sh -c "'$IP' link add mvxu0 type macvx id 1 &&
		'$IP' macvx add mvxu0 tx sa 0 pn 1 on key 01 $KEY_NEW &&
		echo 'device and TX SA added'" 2>&1) || true
	tap_diag "nobody in its own user and network namespace: $own"
fi

# Root can still change it: the rejections above came from the missing
# privilege, not from the requests.
tap_check "priv.root.txsa_del" "$IP" macvx del "$DEV" tx sa 2
tap_check "priv.root.rxsa_del" "$IP" macvx del "$DEV" rx port 1 \
	address "$PEER_MAC" sa 3
tap_check "priv.root.link_del" "$IP" link del "$DEV"

tap_diag "run time ${SECONDS}s"
tap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load and unload macvx; check that the module and its link kind appear
# and go away again.
. "$(dirname "$0")/lib.sh"

require_module_file
module_unload || require_fail "module.unload_leftover" \
	"macvx was loaded before the test and could not be unloaded"

tap_require "module.deps_load" module_load_deps
tap_require "module.insmod" insmod "$MACVX_KO"
tap_check "module.sysfs_present" test -d /sys/module/macvx
tap_check "module.refcount_zero" \
	grep -qx 0 /sys/module/macvx/refcnt

# With the patched ip, "ip -d link" prints the link kind in its details.
link_shows_kind() {
	ns_exec a "$IP" -d link show mvx0 | grep -qw macvx
}

# The stock ip sends only the kind when it has no helper for it, so the
# kernel's reply shows whether the kind is registered.
kind_registered() {
	local output
	output=$(ns_exec a ip link add mvx0 type macvx 2>&1) || true
	ns_exec a ip link del mvx0 2>/dev/null || true
	echo "$output"
	! echo "$output" | grep -q 'Unknown device type'
}

ns_create a
tap_check "module.kind_registered" kind_registered
if [ -x "$IP" ]; then
	tap_check "module.link_add" \
		ns_exec a "$IP" link add mvx0 type macvx id 42
	tap_check "module.link_kind" link_shows_kind
	tap_check "module.link_del" ns_exec a "$IP" link del mvx0
else
	tap_fail "module.link_add" "patched ip not found at $IP (make ip)"
fi

tap_check "module.rmmod" rmmod macvx
tap_check "module.sysfs_gone" wait_for 5 test ! -d /sys/module/macvx
# NOTE: the kernel tries to autoload the kind with modprobe first, so
# this check fails when macvx is also installed for the running kernel
# (for example with make dkms-install).
tap_check_fails "module.kind_unregistered" \
	ns_exec a ip link add mvx1 type macvx

tap_check "module.insmod_again" insmod "$MACVX_KO"
tap_check "module.rmmod_again" rmmod macvx
tap_done

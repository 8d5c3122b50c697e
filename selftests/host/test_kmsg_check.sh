#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check that kmsg_check fails on kernel bug reports and passes clean logs.
set -eu

kmsg_check=$(cd "$(dirname "$0")/.." && pwd)/kmsg_check
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count=0
failed=0

result() {
	count=$((count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $count $2"
	else
		echo "not ok $count $2"
		failed=$((failed + 1))
	fi
}

# expect STATUS NAME LOG: kmsg_check LOG must exit with STATUS.
expect() {
	local status=0
	"$kmsg_check" "$3" >"$work/output" 2>&1 || status=$?
	[ "$status" -eq "$1" ]
	result $? "$2"
}

echo "TAP version 13"

cat >"$work/clean" <<'EOT'
[    0.000000] Linux version 6.1.0-57-amd64 (debian-kernel@lists.debian.org)
[    5.582738] macvx: loading out-of-tree module taints kernel.
[    5.583015] macvx: module verification failed: signature and/or required key missing - tainting kernel
[    5.600979] ACPI: PM: Preparing to enter system sleep state S5
[    5.600980] reboot: Power down
EOT
expect 0 "kmsg_check.clean_log_passes" "$work/clean"

cp "$work/clean" "$work/warning"
cat >>"$work/warning" <<'EOT'
[    6.101000] ------------[ cut here ]------------
[    6.101001] WARNING: CPU: 0 PID: 120 at drivers/net/macvx/device.c:10 macvx_open+0x10/0x20 [macvx]
[    6.101002] Call Trace:
EOT
expect 1 "kmsg_check.warning_fails" "$work/warning"
grep -q 'macvx_open' "$work/output"
result $? "kmsg_check.warning_printed"

while IFS='|' read -r name marker; do
	cp "$work/clean" "$work/marker"
	echo "[    7.000000] $marker" >>"$work/marker"
	expect 1 "kmsg_check.${name}_fails" "$work/marker"
done <<'EOT'
null_deref|BUG: kernel NULL pointer dereference, address: 0000000000000000
gpf|general protection fault, probably for non-canonical address
refcount|refcount_t: underflow; use-after-free.
kfence|BUG: KFENCE: use-after-free read in macvx_xmit+0x1/0x2 [macvx]
ubsan|UBSAN: shift-out-of-bounds in drivers/net/macvx/sa.c:1:1
oops|Oops: 0000 [#1] PREEMPT SMP NOPTI
EOT

expect 2 "kmsg_check.missing_log_is_error" "$work/does-not-exist"

echo "1..$count"
[ "$failed" -eq 0 ]

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
	local status=0 ok=0
	"$kmsg_check" "$3" >"$work/output" 2>&1 || status=$?
	[ "$status" -eq "$1" ] || ok=1
	result "$ok" "$2"
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
printed=0
grep -q 'macvx_open' "$work/output" || printed=1
result "$printed" "kmsg_check.warning_printed"

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
kasan|BUG: KASAN: use-after-free in macvx_rx_sa_put+0x1/0x2 [macvx]
kasan_bare|KASAN: slab-out-of-bounds in macvx_decrypt+0x1/0x2 [macvx]
circular|WARNING: possible circular locking dependency detected
circular_bare|possible circular locking dependency detected
recursive|WARNING: possible recursive locking detected
recursive_bare|possible recursive locking detected
irq_inversion_bare|possible irq lock inversion dependency detected
rcu|WARNING: suspicious RCU usage
rcu_bare|suspicious RCU usage.
inconsistent|WARNING: inconsistent lock state
inconsistent_bare|inconsistent lock state
locks_warn|DEBUG_LOCKS_WARN_ON(lock->magic != lock)
non_static_key|INFO: trying to register non-static key.
lockdep_off|turning off the locking correctness validator.
unlock_balance_bare|bad unlock balance detected!
held_lock_freed_bare|held lock freed!
odebug|ODEBUG: free active (active state 0) object: 00000000a1b2c3d4 object type: timer_list hint: macvx_timer+0x0/0x10 [macvx]
odebug_oom|ODEBUG: Out of memory. ODEBUG disabled
list_add|list_add corruption. prev->next should be next (ffff888004c1e0a8), but was 0000000000000000. (prev=ffff888004c1e0a8).
list_del|list_del corruption, ffff888004c1e0a8->next is LIST_POISON1 (dead000000000100)
EOT

# What the debug kernel prints when its checkers start must pass.
cp "$work/clean" "$work/debug_boot"
cat >>"$work/debug_boot" <<'EOT'
[    0.000000] kasan: KernelAddressSanitizer initialized
[    0.000000] Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar
[    0.000000] ... MAX_LOCKDEP_SUBCLASSES:  8
[    0.000000] ... MAX_LOCK_DEPTH:          48
[    0.000000] ... MAX_LOCKDEP_KEYS:        8192
[    0.000000] ... CLASSHASH_SIZE:          4096
[    0.000000] ... MAX_LOCKDEP_ENTRIES:     65536
[    0.000000] ... MAX_LOCKDEP_CHAINS:      131072
[    0.000000] ... CHAINHASH_SIZE:          65536
[    0.000000]  memory used by lock dependency info: 11641 kB
[    0.000000]  memory used for stack traces: 4224 kB
[    0.000000]  per task-struct memory footprint: 1920 bytes
[    0.000000] kfence: initialized - using 2097152 bytes for 255 objects at 0x(____ptrval____)-0x(____ptrval____)
[   83.886375] kmemleak: Kernel memory leak detector initialized (mem pool available: 14411)
[    3.056937] rcu: 	RCU lockdep checking is enabled.
EOT
expect 0 "kmsg_check.debug_boot_passes" "$work/debug_boot"

expect 2 "kmsg_check.missing_log_is_error" "$work/does-not-exist"

echo "1..$count"
[ "$failed" -eq 0 ]

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Pair the macvx lifecycle debug lines of a kernel log.

    teardown_lifecycle.py live MARKER < LOG
    teardown_lifecycle.py check MARKER < LOG

Reads the lines after the last line that contains MARKER and follows each
object, by kind and %p value, through its "macvx: KIND %p created ..." and
"macvx: KIND %p destroyed" lines. A value may come back after its object
was freed, so each value must alternate: created, destroyed, created...

"live" prints the number of objects of each kind that were created and
not yet destroyed, as "device=N tx_sa=N rx_sc=N rx_sa=N socket=N".

"check" prints every object still alive and every line out of order, and
the number of objects created per kind. It exits 1 when one was found or
when no line was found at all (the debug lines were not enabled).
"""

import re
import sys

KINDS = ("device", "tx sa", "rx sc", "rx sa", "socket")
LINE = re.compile(r"macvx: (device|tx sa|rx sc|rx sa|socket) "
                  r"([0-9a-f]+) (created|destroyed)\b")


def read_after(marker):
    lines = sys.stdin.read().splitlines()
    start = 0
    for number, line in enumerate(lines):
        if marker in line:
            start = number + 1
    return lines[start:]


def follow(lines):
    """Return (alive, created, problems): alive maps (kind, value) to the
    creation line, created counts creations per kind."""
    alive = {}
    created = dict.fromkeys(KINDS, 0)
    problems = []
    for line in lines:
        match = LINE.search(line)
        if not match:
            continue
        kind, value, event = match.groups()
        key = (kind, value)
        if event == "created":
            created[kind] += 1
            if key in alive:
                problems.append(f"created twice without destroyed: {line}")
            alive[key] = line
        elif key in alive:
            del alive[key]
        else:
            problems.append(f"destroyed without created: {line}")
    return alive, created, problems


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("live", "check"):
        sys.exit(__doc__)
    alive, created, problems = follow(read_after(sys.argv[2]))
    if sys.argv[1] == "live":
        counts = dict.fromkeys(KINDS, 0)
        for kind, _value in alive:
            counts[kind] += 1
        print(" ".join(f"{kind.replace(' ', '_')}={counts[kind]}"
                       for kind in KINDS))
        return
    print("created: " + ", ".join(f"{kind} {created[kind]}"
                                  for kind in KINDS))
    for line in alive.values():
        problems.append(f"never destroyed: {line}")
    if not any(created.values()):
        problems.append("no lifecycle line found; is pr_debug enabled?")
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send or receive a fixed-rate UDP stream of sequence numbers.

    rekey_stream.py send ADDR PORT RATE   send until SIGTERM
    rekey_stream.py recv ADDR PORT        receive until SIGTERM

Each datagram carries a 64-bit big-endian sequence number, starting at 0,
padded to 64 bytes. On SIGTERM both modes print one JSON object and exit:
the sender {"sent": N, "errors": E}, where N counts every attempt (a failed
sendto is counted, so it shows as lost on the receiving end) and E the
failed ones; the receiver {"received": U, "duplicates": D, "highest": H,
"missing_below_highest": M}, where U counts distinct sequence numbers.
"""

import json
import signal
import socket
import struct
import sys
import time

PAYLOAD_LEN = 64


# Set by SIGTERM. The loops poll it, so a signal never interrupts the
# bookkeeping of a datagram half way.
stopping = False


def request_stop(_signum, _frame):
    global stopping
    stopping = True


def send(addr, port, rate):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    interval = 1.0 / rate
    sent = errors = 0
    start = time.monotonic()
    while not stopping:
        # A fixed schedule keeps the mean rate when a send is late.
        delay = start + sent * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        data = struct.pack("!Q", sent).ljust(PAYLOAD_LEN, b"\0")
        try:
            sock.sendto(data, (addr, port))
        except OSError as err:
            errors += 1
            print(f"sendto {sent} failed: {err}", file=sys.stderr)
        sent += 1
    print(json.dumps({"sent": sent, "errors": errors}), flush=True)


def receive(addr, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((addr, port))
    sock.settimeout(0.2)
    seen = set()
    duplicates = 0
    # The shell waits for this line before it starts the sender.
    print("listening", file=sys.stderr, flush=True)
    while not stopping:
        try:
            data = sock.recv(2048)
        except socket.timeout:
            continue
        (seq,) = struct.unpack("!Q", data[:8])
        if seq in seen:
            duplicates += 1
        else:
            seen.add(seq)
    highest = max(seen) if seen else -1
    print(json.dumps({
        "received": len(seen),
        "duplicates": duplicates,
        "highest": highest,
        "missing_below_highest": highest + 1 - len(seen),
    }), flush=True)


def main():
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    if len(sys.argv) == 5 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == "recv":
        receive(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

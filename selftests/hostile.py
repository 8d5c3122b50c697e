#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Craft, send and account for hostile VXLAN/MACsec frames (test_hostile.sh).

Subcommands:
  build DIR          write one file of underlay frames per case into DIR
  send FILE IFACE N  send the frames of FILE N times on IFACE (AF_PACKET)
  fuzz DIR IFACE N SECONDS SEED
                     send up to N mutants of the valid frames in DIR
  listen ADDR PORT FILE
                     append each UDP payload received on ADDR:PORT to FILE
  snap FILE          store the receive counters of the macvx device
  check BEFORE MULT [KEY=DELTA...]
                     wait until every counter moved by MULT * DELTA and
                     every other counter did not move
  tokens FILE TOTAL [TOKEN N]
                     check that TOTAL datagrams arrived, N of them TOKEN
  show BEFORE        print the counters that moved since BEFORE
  fuzz_check BEFORE SUMMARY drops|delivered|accounted
                     check the counters after the randomized pass
  kmsg_seq           print the sequence number of the last kernel record
  kmsg_since SEQ     print the kernel records after SEQ

The device settings come from the environment, set by test_hostile.sh:
HOSTILE_NS (namespace of the device under test), IP (patched ip),
A_UL_MAC A_UL_IP B_UL_IP C_MAC (underlay), A_MAC B_MAC A_IN B_IN (inner),
VNI, KEY_B (hex key of the RX SA, AN 0) and PN_BASE.

Scapy (with scapy.contrib.macsec) and cryptography are needed only by
build. The other subcommands import neither, because importing scapy
takes seconds in an emulated guest.
"""

import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

ETH_P_MACSEC = 0x88E5
VXLAN_PORT = 4789
TCI_V = 0x80
TCI_ES = 0x40
TCI_SC = 0x20
TCI_SCB = 0x10
TCI_E = 0x08
TCI_C = 0x04
ICV_LEN = 16
UDP_PORT = 5555


def mac_bytes(text):
    return bytes.fromhex(text.replace(":", ""))


def env(name):
    value = os.environ.get(name)
    if value is None:
        sys.exit(f"hostile.py: environment variable {name} is not set")
    return value


def ip_checksum(header):
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


class Underlay:
    """Outer Ethernet/IPv4/UDP headers from C towards A, spoofing B's IP."""

    def __init__(self):
        self.dst = mac_bytes(env("A_UL_MAC"))
        self.src = mac_bytes(env("C_MAC"))
        self.saddr = socket.inet_aton(env("B_UL_IP"))
        self.daddr = socket.inet_aton(env("A_UL_IP"))
        self.ip_id = 0

    def wrap(self, udp_payload, sport=49152):
        """Return an underlay frame carrying udp_payload to port 4789.

        The UDP checksum is 0 ("none"), which IPv4 receivers accept.
        """
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        udp = struct.pack("!HHHH", sport, VXLAN_PORT, 8 + len(udp_payload), 0)
        total = 20 + len(udp) + len(udp_payload)
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, total,
                                   self.ip_id, 0, 64, 17, 0,
                                   self.saddr, self.daddr))
        struct.pack_into("!H", ip, 10, ip_checksum(bytes(ip)))
        return self.dst + self.src + b"\x08\x00" + bytes(ip) + udp + \
            udp_payload


def vxlan_header(vni, flags=0x08, reserved=b"\0\0\0", low=0):
    return bytes([flags]) + reserved + struct.pack("!I", (vni << 8) | low)[:4]


def write_frames(path, frames):
    with open(path, "wb") as f:
        for frame in frames:
            f.write(struct.pack("!I", len(frame)))
            f.write(frame)


def read_frames(path):
    frames = []
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        (length,) = struct.unpack_from("!I", data, pos)
        frames.append(data[pos + 4:pos + 4 + length])
        pos += 4 + length
    return frames


# ---- build: scapy and cryptography ----

class Builder:
    def __init__(self):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from scapy.contrib import macsec
        from scapy.layers.inet import IP, UDP
        from scapy.layers.l2 import Ether
        from scapy.packet import Raw

        self.AESGCM = AESGCM
        self.macsec = macsec
        self.IP, self.UDP, self.Ether, self.Raw = IP, UDP, Ether, Raw
        self.a_mac = env("A_MAC")
        self.b_mac = env("B_MAC")
        self.a_in = env("A_IN")
        self.b_in = env("B_IN")
        self.vni = int(env("VNI"))
        self.key = bytes.fromhex(env("KEY_B"))
        # 802.1AE 9.9: an end station's SCI is its MAC address and port 1.
        self.sci = mac_bytes(self.b_mac) + b"\x00\x01"
        self.pn = int(env("PN_BASE"))

    def next_pn(self):
        self.pn += 1
        return self.pn

    def plain(self, token, pad=0, src=None):
        """Inner Ethernet/IPv4/UDP frame from B to A's listener."""
        payload = token.encode() + b"." * pad
        pkt = self.Ether(dst=self.a_mac, src=src or self.b_mac) / \
            self.IP(src=self.b_in, dst=self.a_in, ttl=64) / \
            self.UDP(sport=40000, dport=UDP_PORT) / self.Raw(payload)
        return pkt

    def scapy_protect(self, plain, pn, encrypt=True, an=0):
        """Protect plain with scapy's MACsec implementation."""
        sa = self.macsec.MACsecSA(sci=self.sci, an=an, pn=pn, key=self.key,
                                  icvlen=ICV_LEN, encrypt=encrypt,
                                  send_sci=True)
        return bytes(sa.encrypt(sa.encap(plain)))

    def seal(self, dst, src, tci_an, sl, pn, msdu, sci=None, key=None):
        """Protect msdu with a SecTAG given field by field.

        The ICV is correct for exactly these header bytes, so header
        checks, not the ICV, decide what happens to the frame.
        """
        sci = self.sci if sci is None else sci
        key = self.key if key is None else key
        tag = struct.pack("!HBBI", ETH_P_MACSEC, tci_an, sl, pn)
        if tci_an & TCI_SC:
            tag += sci
        aad = dst + src + tag
        iv = sci + struct.pack("!I", pn)
        gcm = self.AESGCM(key)
        if tci_an & TCI_E:
            return aad + gcm.encrypt(iv, msdu, aad)
        return aad + msdu + gcm.encrypt(iv, b"", aad + msdu)

    def valid(self, token, pad=0, encrypt=True, pn=None, an=0):
        """A frame A accepts, built by scapy and checked against seal()."""
        plain = self.plain(token, pad)
        pn = self.next_pn() if pn is None else pn
        frame = self.scapy_protect(plain, pn, encrypt, an)
        raw = bytes(plain)
        msdu = raw[12:]
        sl = len(msdu) if len(msdu) < 48 else 0
        tci = TCI_SC | (TCI_E | TCI_C if encrypt else 0) | an
        mine = self.seal(raw[:6], raw[6:12], tci, sl, pn, msdu)
        if mine != frame:
            sys.exit("hostile.py: scapy's MACsec frame differs from the "
                     f"locally built one for {token}")
        return frame

    def vxlan(self, inner, **kwargs):
        return vxlan_header(self.vni, **kwargs) + inner


def set_byte(frame, offset, value):
    frame = bytearray(frame)
    frame[offset] = value
    return bytes(frame)


def build(out_dir):
    b = Builder()
    ul = Underlay()
    cases = {}
    # Offsets in the inner frame: MAC addresses 0-11, EtherType 12-13,
    # TCI/AN 14, SL 15, PN 16-19, SCI 20-27, secure data from 28.
    long_frame = b.valid("valid", pad=40)
    short_frame = b.valid("short")     # secure data below 48: SL set
    cases["valid"] = b.vxlan(long_frame)
    cases["integrity_ok"] = b.vxlan(b.valid("integrity_ok", pad=40,
                                            encrypt=False))

    # VXLAN header (RFC 7348 5)
    cases["vxlan_truncated"] = vxlan_header(b.vni)[:6]
    cases["vxlan_no_i_flag"] = b.vxlan(b.valid("vxlan_no_i_flag", 40),
                                       flags=0x00)
    cases["vxlan_flag_bits"] = b.vxlan(b.valid("vxlan_flag_bits", 40),
                                       flags=0x0C)
    cases["vxlan_reserved"] = b.vxlan(b.valid("vxlan_reserved", 40),
                                      reserved=b"\0\0\x01")
    cases["vxlan_vni_low"] = b.vxlan(b.valid("vxlan_vni_low", 40), low=0x5A)
    cases["vxlan_unknown_vni"] = vxlan_header(b.vni + 1) + \
        b.valid("vxlan_unknown_vni", 40)
    cases["inner_truncated"] = b.vxlan(long_frame[:10])

    # Frames without a SecTAG
    for mode in ("strict", "check", "disabled"):
        name = "untagged_" + mode
        cases[name] = b.vxlan(bytes(b.plain(name, 20)))

    # SecTAG (802.1AE 9.3 and 10.6)
    cases["tag_truncated"] = b.vxlan(short_frame[:17])
    cases["tag_sci_truncated"] = b.vxlan(short_frame[:24])
    cases["tci_v"] = b.vxlan(set_byte(long_frame, 14, long_frame[14] | TCI_V))
    cases["tci_es_sc"] = b.vxlan(set_byte(long_frame, 14,
                                          long_frame[14] | TCI_ES))
    cases["tci_sc_scb"] = b.vxlan(set_byte(long_frame, 14,
                                           long_frame[14] | TCI_SCB))
    cases["tci_e_no_c"] = b.vxlan(set_byte(long_frame, 14,
                                           TCI_SC | TCI_E))
    cases["sl_on_long"] = b.vxlan(set_byte(long_frame, 15, 20))
    cases["sl_off_by_one"] = b.vxlan(set_byte(short_frame, 15,
                                              short_frame[15] + 1))
    cases["sl_zero_short"] = b.vxlan(set_byte(short_frame, 15, 0))
    cases["sl_reserved_bits"] = b.vxlan(set_byte(short_frame, 15,
                                                 short_frame[15] | 0x40))
    cases["pn_zero"] = b.vxlan(long_frame[:16] + b"\0\0\0\0" +
                               long_frame[20:])
    cases["icv_truncated"] = b.vxlan(long_frame[:28 + 4])

    # Channel and association lookup (802.1AE 10.6.1)
    other_sci = mac_bytes(b.b_mac) + b"\x00\x02"
    cases["sci_unknown"] = b.vxlan(long_frame[:20] + other_sci +
                                   long_frame[28:])
    raw = bytes(b.plain("sci_unknown_check", 40))
    cases["sci_unknown_check"] = b.vxlan(b.seal(raw[:6], raw[6:12], TCI_SC,
                                                0, b.next_pn(), raw[12:],
                                                sci=other_sci))
    cases["sci_unknown_c_check"] = b.vxlan(long_frame[:20] + other_sci +
                                           long_frame[28:])
    cases["an_unused"] = b.vxlan(b.valid("an_unused", 40, an=1))
    cases["an_unused_check"] = b.vxlan(b.valid("an_unused_check", 40,
                                               encrypt=False, an=1))
    own = bytes(b.plain("own_source", 40, src=b.a_mac))
    cases["own_source"] = b.vxlan(b.seal(own[:6], own[6:12],
                                         TCI_SC | TCI_E | TCI_C, 0,
                                         b.next_pn(), own[12:]))

    # ICV and ciphertext (802.1AE 10.6.5)
    icv_bad = b.valid("icv_bad", 40)
    cases["icv_bad"] = b.vxlan(set_byte(icv_bad, len(icv_bad) - 1,
                                        icv_bad[-1] ^ 0x01))
    data_bad = b.valid("data_bad", 40)
    cases["data_bad"] = b.vxlan(set_byte(data_bad, 40, data_bad[40] ^ 0x80))
    for mode in ("strict", "check"):
        name = "integrity_bad_" + mode
        frame = b.valid(name, 40, encrypt=False)
        cases[name] = b.vxlan(set_byte(frame, len(frame) - 1,
                                       frame[-1] ^ 0x01))

    # An MSDU of one octet: too short to hold an EtherType.
    cases["msdu_one_octet"] = b.vxlan(b.seal(
        mac_bytes(b.a_mac), mac_bytes(b.b_mac), TCI_SC | TCI_E | TCI_C, 1,
        b.next_pn(), b"\x08"))

    # Replay: sent once (accepted), then again (late).
    cases["replay"] = b.vxlan(b.valid("replay", 40, pn=b.pn + 1000000))

    frames = {name: [ul.wrap(payload)] for name, payload in cases.items()}

    # Oversized: valid and garbage frames larger than the inner MTU, in
    # fragmented outer IPv4 datagrams that A reassembles.
    big_valid = b.vxlan(b.valid("oversized_valid", pad=8000))
    big_garbage = b.vxlan(long_frame[:28] + os.urandom(64000))
    frames["oversized_valid"] = fragment(b, ul, big_valid)
    frames["oversized_garbage"] = fragment(b, ul, big_garbage)

    for name, case_frames in frames.items():
        write_frames(os.path.join(out_dir, name + ".frames"), case_frames)

    # Seeds for the randomized pass, valid as built.
    seeds = [b.vxlan(b.valid(f"seed{i}", pad=pad, encrypt=encrypt))
             for i, (pad, encrypt) in enumerate(
                 [(0, True), (10, True), (40, True), (200, True),
                  (5, False), (120, False)])]
    write_frames(os.path.join(out_dir, "seeds.frames"), seeds)
    print(f"built {len(frames)} cases and {len(seeds)} seeds in {out_dir}")


def fragment(b, ul, vxlan_payload):
    """Split one UDP datagram into IPv4 fragments with scapy."""
    from scapy.layers.inet import fragment as ip_fragment

    whole = b.IP(src=env("B_UL_IP"), dst=env("A_UL_IP"), id=0x4242) / \
        b.UDP(sport=49152, dport=VXLAN_PORT, chksum=0) / b.Raw(vxlan_payload)
    header = ul.dst + ul.src + b"\x08\x00"
    return [header + bytes(frag) for frag in ip_fragment(whole, 1400)]


# ---- sending ----

def open_packet_socket(iface):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    return sock


def send_frame(sock, frame):
    while True:
        try:
            sock.send(frame)
            return
        except BlockingIOError:
            time.sleep(0.001)
        except OSError as err:
            if err.errno != 105:  # ENOBUFS: the queue is full
                raise
            time.sleep(0.001)


def send(path, iface, count):
    frames = read_frames(path)
    sock = open_packet_socket(iface)
    for _ in range(count):
        for frame in frames:
            send_frame(sock, frame)


def mutate(rng, payload):
    """Return a changed copy of a VXLAN payload (header, SecTAG, data, ICV).

    One to three edits, each a bit flip, a random byte, a cut or an
    insertion of 1 to 16 random bytes, in one region of the frame.
    """
    data = bytearray(payload)
    for _ in range(rng.randint(1, 3)):
        if not data:
            data += rng.randbytes(rng.randint(1, 16))
            continue
        region = rng.choice(("vxlan", "sectag", "data", "icv"))
        if region == "vxlan":
            lo, hi = 0, 8
        elif region == "sectag":
            lo, hi = 8 + 12, 8 + 28
        elif region == "data":
            lo, hi = 8 + 28, max(8 + 29, len(data) - ICV_LEN)
        else:
            lo, hi = max(0, len(data) - ICV_LEN), len(data)
        hi = min(hi, len(data))
        if lo >= hi:
            lo, hi = 0, len(data)
        pos = rng.randrange(lo, hi)
        op = rng.randrange(4)
        if op == 0:
            data[pos] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[pos] = rng.randrange(256)
        elif op == 2:
            del data[pos:]
        else:
            data[pos:pos] = rng.randbytes(rng.randint(1, 16))
    return bytes(data)


def fuzz(seed_dir, iface, count, seconds, seed):
    """Send mutants of the seeds; print a JSON summary on stdout.

    "uncounted" is the number of mutants that cannot reach a device
    (VXLAN header cut short or VNI changed), so no device counter moves
    for them. "unchanged" counts mutants equal to their seed, which are
    still valid; every other mutant changes authenticated bytes or the
    VXLAN header.
    """
    seeds = read_frames(os.path.join(seed_dir, "seeds.frames"))
    ul = Underlay()
    vni = int(env("VNI"))
    rng = random.Random(seed)
    sock = open_packet_socket(iface)
    sent = uncounted = unchanged = 0
    softnet_before = softnet_dropped()
    start = time.monotonic()
    deadline = start + seconds
    while sent < count and time.monotonic() < deadline:
        for _ in range(100):
            base = rng.choice(seeds)
            mutant = mutate(rng, base)
            if mutant == base:
                unchanged += 1
            if len(mutant) < 8 or \
                    struct.unpack_from("!I", mutant, 4)[0] >> 8 != vni:
                uncounted += 1
            send_frame(sock, ul.wrap(mutant, sport=49152 + sent % 1024))
            sent += 1
    elapsed = time.monotonic() - start
    print(json.dumps({"sent": sent, "softnet_dropped": softnet_before,
                      "uncounted": uncounted,
                      "unchanged": unchanged,
                      "seconds": round(elapsed, 1),
                      "per_second": round(sent / elapsed)}))


def listen(addr, port, path):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, int(port)))
    with open(path, "a") as out:
        while True:
            data = sock.recv(65535)
            token = data.split(b".")[0].decode(errors="replace")
            out.write(token + "\n")
            out.flush()


# ---- counters ----

def run_ip(*args):
    cmd = ["ip", "netns", "exec", env("HOSTILE_NS"), env("IP")] + list(args)
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"'{' '.join(cmd)}' failed with status "
                 f"{result.returncode}: {result.stderr.strip()}")
    return json.loads(result.stdout)


def add_counters(out, prefix, obj):
    for key, value in obj.items():
        if not key.startswith("In") or key.startswith("InOctets"):
            continue
        out[prefix + key] = 0 if value == "-" else int(value)


def snapshot():
    """Receive counters of the one macvx device in HOSTILE_NS.

    InOctets* counters are left out: 802.1AE counts the octets of frames
    that then fail validation, so they move with NotValid too.
    """
    counters = {}
    devs = run_ip("-j", "-s", "macvx", "show")
    if len(devs) != 1:
        sys.exit(f"hostile.py: expected one macvx device, found {len(devs)}")
    dev = devs[0]
    add_counters(counters, "secy.", dev)
    for sc in dev.get("rx_sc", []):
        add_counters(counters, "rxsc.", sc)
        for sa in sc.get("sa_list", []):
            add_counters(counters, f"rxsa{sa['an']}.", sa)
    link = run_ip("-j", "-s", "-s", "link", "show", "dev", "mvx0")[0]
    for key, value in link["stats64"]["rx"].items():
        if key != "bytes":
            counters["link.rx_" + key] = value
    return counters


def parse_expect(pairs, mult):
    want = {}
    for pair in pairs:
        key, _, delta = pair.partition("=")
        want[key] = int(delta) * mult
    return want


def deltas(before, after):
    return {k: after.get(k, 0) - before.get(k, 0)
            for k in set(before) | set(after)
            if after.get(k, 0) != before.get(k, 0)}


def check(before_path, mult, pairs, timeout=5.0):
    with open(before_path) as f:
        before = json.load(f)
    want = parse_expect(pairs, int(mult))
    for key in want:
        if key not in before:
            sys.exit(f"unknown counter {key}; known: {sorted(before)}")
    deadline = time.monotonic() + timeout
    time.sleep(0.2)
    while True:
        moved = deltas(before, snapshot())
        if moved == want:
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    lines = [f"{k}: expected +{want.get(k, 0)}, got +{moved.get(k, 0)}"
             for k in sorted(set(want) | set(moved))
             if want.get(k, 0) != moved.get(k, 0)]
    sys.exit("counters differ:\n" + "\n".join(lines))


def read_tokens(path):
    try:
        with open(path) as f:
            return [line.strip() for line in f]
    except FileNotFoundError:
        return []


def tokens(path, total, token=None, count=0):
    """Check that TOTAL datagrams arrived in all, COUNT of them TOKEN."""
    total, count = int(total), int(count)
    deadline = time.monotonic() + 3.0
    time.sleep(0.3)
    while True:
        seen = read_tokens(path)
        if len(seen) >= total or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    problems = []
    if len(seen) != total:
        problems.append(f"expected {total} datagrams in all at "
                        f"{env('A_IN')}:{UDP_PORT}, got {len(seen)}; "
                        f"last: {seen[-5:]}")
    if token is not None and seen.count(token) != count:
        problems.append(f"expected {count} datagrams {token}, "
                        f"got {seen.count(token)}")
    if problems:
        sys.exit("\n".join(problems))


def show(before_path):
    """Print the counters that moved since BEFORE."""
    with open(before_path) as f:
        before = json.load(f)
    for key, delta in sorted(deltas(before, snapshot()).items()):
        print(f"{key} +{delta}")


def softnet_dropped():
    total = 0
    with open("/proc/net/softnet_stat") as f:
        for line in f:
            total += int(line.split()[1], 16)
    return total


def fuzz_check(before_path, summary_path, what):
    """Check the randomized pass: WHAT is drops, delivered or accounted."""
    with open(before_path) as f:
        before = json.load(f)
    with open(summary_path) as f:
        summary = json.load(f)
    moved = deltas(before, snapshot())
    drops = moved.get("link.rx_errors", 0) + moved.get("link.rx_dropped", 0)
    delivered = moved.get("link.rx_packets", 0)
    print(json.dumps(moved, sort_keys=True))
    if what == "drops":
        if drops <= 0:
            sys.exit(f"rx_errors + rx_dropped did not grow: {moved}")
    elif what == "delivered":
        if delivered > summary["unchanged"]:
            sys.exit(f"{delivered} frames delivered, but only "
                     f"{summary['unchanged']} mutants were left valid")
    elif what == "accounted":
        # Each frame that reaches the device moves exactly one of
        # rx_errors and rx_dropped, unless the backlog dropped it first.
        lost = softnet_dropped() - summary["softnet_dropped"]
        expected = summary["sent"] - summary["uncounted"] - \
            summary["unchanged"]
        if not expected - lost <= drops <= expected:
            sys.exit(f"{drops} drops counted, expected {expected} "
                     f"({summary['sent']} sent, {summary['uncounted']} "
                     f"for no device, {summary['unchanged']} unchanged, "
                     f"{lost} lost in the backlog)")


# ---- kernel log ----

def kmsg_records():
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    records = []
    try:
        while True:
            try:
                data = os.read(fd, 8192)
            except BlockingIOError:
                break
            except BrokenPipeError:
                continue  # a record was overwritten; read on
            head, _, text = data.decode(errors="replace").partition(";")
            records.append((int(head.split(",")[1]), text.split("\n")[0]))
    finally:
        os.close(fd)
    return records


def kmsg_seq():
    records = kmsg_records()
    print(records[-1][0] if records else -1)


def kmsg_since(seq):
    for number, text in kmsg_records():
        if number > int(seq):
            print(text)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "build":
        build(*args)
    elif cmd == "send":
        send(args[0], args[1], int(args[2]))
    elif cmd == "fuzz":
        fuzz(args[0], args[1], int(args[2]), float(args[3]), int(args[4]))
    elif cmd == "listen":
        listen(*args)
    elif cmd == "snap":
        with open(args[0], "w") as f:
            json.dump(snapshot(), f)
    elif cmd == "check":
        check(args[0], args[1], args[2:])
    elif cmd == "tokens":
        tokens(*args)
    elif cmd == "show":
        show(args[0])
    elif cmd == "fuzz_check":
        fuzz_check(*args)
    elif cmd == "kmsg_seq":
        kmsg_seq()
    elif cmd == "kmsg_since":
        kmsg_since(args[0])
    else:
        sys.exit(f"hostile.py: unknown subcommand {cmd}\n{__doc__}")


if __name__ == "__main__":
    main(sys.argv)

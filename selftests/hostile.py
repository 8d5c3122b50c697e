#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send hostile VXLAN/MACsec frames to a macvx device and check its counters.

test_hostile.sh sets up the namespaces and devices and then runs this
script once. One process does all the work, because starting Python under
an emulated CPU takes seconds. It opens its sockets in three network
namespaces and then stays in the namespace of the device under test:

  injector   AF_PACKET socket on ca (namespace c); ca's peer va carries
             the underlay of the device under test
  tap        AF_PACKET socket on mvx0 (namespace a): every frame the
             device delivers
  sink       UDP socket on A_IN port 5555 (namespace a) for the
             datagrams inside injected frames
  traffic    UDP sockets on port 5556 in namespaces a and b for ordinary
             traffic between the two macvx devices

The injected frames come from a made-up station INJ_MAC on the far side
of the tunnel, which has an RX SC of its own on the device under test, so
that injected PNs never mix with the peer's. Each case sends one frame,
or the fragments of one datagram. It then checks that exactly the
expected counters moved, by exactly the expected amount, and that the
device delivered exactly the expected frames. It also checks that the
kernel logged nothing and that ordinary traffic still passes both ways.
A randomized pass then sends mutated copies of valid frames with the
same checks, summed.

Output: one "ok NAME" or "not ok NAME" line per check and "# " comment
lines; test_hostile.sh numbers the results. The last line is "done".

Environment (set by test_hostile.sh): NS_A NS_B NS_C (namespace names),
IP (patched ip), VNI, KEY_INJ (hex key of the injector's SA, AN 0),
A_MAC B_MAC INJ_MAC (inner MAC addresses), A_IN B_IN INJ_IN (inner IPv4
addresses), A_UL_MAC A_UL_IP B_UL_IP C_UL_MAC (underlay), FUZZ_COUNT,
FUZZ_SEED.
"""

import ctypes
import json
import os
import random
import select
import socket
import struct
import subprocess
import sys
import time

try:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError as err:
    print(f"not ok hostile.cryptography\n# {sys.executable} cannot import "
          f"cryptography ({err}); install python3-cryptography\ndone")
    sys.exit(1)

CLONE_NEWNET = 0x40000000
SO_RCVBUFFORCE = 33
PACKET_OUTGOING = 4
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_MACSEC = 0x88E5
VXLAN_PORT = 4789
VXLAN_FLAG_I = 0x08
TCI_V = 0x80
TCI_ES = 0x40
TCI_SC = 0x20
TCI_SCB = 0x10
TCI_E = 0x08
TCI_C = 0x04
ICV_LEN = 16
# The secure data of a frame with SL 0 is at least this long (802.1AE 9.7).
SHORT_LEN_LIMIT = 48
SINK_PORT = 5555
TRAFFIC_PORT = 5556
# Counters settle within this many seconds, or the check fails. Generous,
# because the guest runs under an emulated CPU on a shared machine.
SETTLE_SECONDS = 10.0
# The UDP counters of /proc/net/snmp that a case compares. Out* counters
# are left out: the sockets of this script send ordinary traffic.
# Kernel log lines that an emulated CPU on a loaded host causes: clock and
# interrupt timing reports, not reports about the frames.
KMSG_TIMING = ("clocksource: ", "hrtimer: interrupt took ",
               "perf: interrupt took too long ",
               "sched: RT throttling activated")
# Mutants built before each burst of sends.
FUZZ_BATCH = 500
# From the kernel's asm-generic/socket.h and linux/filter.h; Python's
# socket module has neither.
SO_ATTACH_FILTER = 26
BPF_RET_K = 0x06            # BPF_RET | BPF_K: return a constant
UDP_COUNTERS = ("InDatagrams", "NoPorts", "InErrors", "RcvbufErrors",
                "InCsumErrors", "IgnoredMulti", "MemErrors")


def env(name):
    value = os.environ.get(name)
    if value is None:
        sys.exit(f"hostile.py: environment variable {name} is not set")
    return value


def mac_bytes(text):
    return bytes.fromhex(text.replace(":", ""))


def ip_checksum(header):
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def udp_checksum(src, dst, datagram):
    """Return the RFC 768 checksum of a UDP datagram with its field at 0."""
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(datagram))
    data = pseudo + datagram + b"\0" * (len(datagram) % 2)
    return ip_checksum(data) or 0xFFFF


def ipv4_header(src, dst, payload_len, proto=17, ident=0, frag=0):
    """Build an IPv4 header without options.

    frag is the 16-bit field of the flags and the fragment offset.
    """
    header = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0,
                                   20 + payload_len, ident, frag, 64, proto,
                                   0, src, dst))
    struct.pack_into("!H", header, 10, ip_checksum(header))
    return bytes(header)


# ---- namespaces ----

_libc = ctypes.CDLL(None, use_errno=True)


def enter_netns(name):
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns into {name} failed: "
                          f"{os.strerror(err)}")
    finally:
        os.close(fd)


# ---- frames ----

class Frames:
    """Builder of underlay frames from the injector to the device."""

    def __init__(self):
        self.vni = int(env("VNI"))
        self.a_mac = mac_bytes(env("A_MAC"))
        self.inj_mac = mac_bytes(env("INJ_MAC"))
        self.a_in = socket.inet_aton(env("A_IN"))
        self.inj_in = socket.inet_aton(env("INJ_IN"))
        self.ul_dst = mac_bytes(env("A_UL_MAC"))
        self.ul_src = mac_bytes(env("C_UL_MAC"))
        # The frames claim to come from the peer's underlay address, as
        # an attacker on the path would send them.
        self.ul_saddr = socket.inet_aton(env("B_UL_IP"))
        self.ul_daddr = socket.inet_aton(env("A_UL_IP"))
        self.gcm = AESGCM(bytes.fromhex(env("KEY_INJ")))
        # 802.1AE 9.9: an end station's SCI is its MAC address and port 1.
        self.sci = self.inj_mac + b"\x00\x01"
        self.pn = 0
        self.ip_ident = 0x1000
        self.outer_cache = {}

    def next_pn(self):
        self.pn += 1
        return self.pn

    def plain(self, token, pad=0, src=None, csum=None):
        """Build an inner Ethernet/IPv4/UDP frame to the sink socket.

        Without csum the UDP checksum is 0 (none); csum "good" computes
        it, a number is written as it is.
        """
        payload = token.encode() + b"." * pad
        udp = struct.pack("!HHHH", 40000, SINK_PORT, 8 + len(payload), 0)
        if csum == "good":
            csum = udp_checksum(self.inj_in, self.a_in, udp + payload)
        if csum is not None:
            udp = udp[:6] + struct.pack("!H", csum)
        ip = ipv4_header(self.inj_in, self.a_in, len(udp) + len(payload))
        return self.a_mac + (src or self.inj_mac) + \
            struct.pack("!H", ETH_P_IP) + ip + udp + payload

    def seal(self, frame, tci_an, pn=None, sl=None, sci=None, gcm=None):
        """Protect an Ethernet frame with a SecTAG given field by field.

        The ICV is correct for exactly these SecTAG bytes, so the header
        checks, not the ICV, decide what happens to a malformed frame.
        Without sl, SL is the length of the secure data when that is below
        48 octets, else 0.
        """
        pn = self.next_pn() if pn is None else pn
        sci = self.sci if sci is None else sci
        gcm = self.gcm if gcm is None else gcm
        msdu = frame[12:]
        if sl is None:
            sl = len(msdu) if len(msdu) < SHORT_LEN_LIMIT else 0
        tag = struct.pack("!HBBI", ETH_P_MACSEC, tci_an, sl, pn)
        if tci_an & TCI_SC:
            tag += sci
        aad = frame[:12] + tag
        iv = sci + struct.pack("!I", pn)
        if tci_an & TCI_E:
            return aad + gcm.encrypt(iv, msdu, aad)
        return aad + msdu + gcm.encrypt(iv, b"", aad + msdu)

    def valid(self, token, pad=40, encrypt=True, an=0, pn=None, csum=None):
        """Return (protected frame, plain frame) that the device accepts."""
        frame = self.plain(token, pad, csum=csum)
        tci = TCI_SC | (TCI_E | TCI_C if encrypt else 0) | an
        return self.seal(frame, tci, pn=pn), frame

    def vxlan(self, inner, flags=VXLAN_FLAG_I, reserved=b"\0\0\0",
              vni=None, low=0):
        vni = self.vni if vni is None else vni
        return bytes([flags]) + reserved + \
            struct.pack("!I", (vni << 8) | low) + inner

    def outer(self, payload):
        """Wrap a VXLAN payload in one underlay frame.

        The UDP checksum is 0 ("none"), which an IPv4 receiver accepts.
        The IPv4 ID is always 0: these datagrams are never fragmented, so
        the headers depend only on the length and are cached.
        """
        header = self.outer_cache.get(len(payload))
        if header is None:
            udp = struct.pack("!HHHH", 49152, VXLAN_PORT, 8 + len(payload), 0)
            ip = ipv4_header(self.ul_saddr, self.ul_daddr, len(udp) +
                             len(payload), frag=0x4000)
            header = self.ul_dst + self.ul_src + \
                struct.pack("!H", ETH_P_IP) + ip + udp
            self.outer_cache[len(payload)] = header
        return header + payload

    def fragments(self, payload, chunk=1480):
        """Wrap a VXLAN payload in one UDP datagram split into fragments."""
        self.ip_ident += 1
        datagram = struct.pack("!HHHH", 49152, VXLAN_PORT, 8 + len(payload),
                               0) + payload
        frames = []
        for offset in range(0, len(datagram), chunk):
            piece = datagram[offset:offset + chunk]
            more = 0x2000 if offset + chunk < len(datagram) else 0
            ip = ipv4_header(self.ul_saddr, self.ul_daddr, len(piece),
                             ident=self.ip_ident, frag=more | offset // 8)
            frames.append(self.ul_dst + self.ul_src +
                          struct.pack("!H", ETH_P_IP) + ip + piece)
        return frames


def set_byte(frame, offset, value):
    frame = bytearray(frame)
    frame[offset] = value
    return bytes(frame)


def flip(frame, offset, mask=0x01):
    return set_byte(frame, offset, frame[offset] ^ mask)


# ---- counters ----

def sci_label(value, labels):
    number = int(value, 16) if isinstance(value, str) else int(value)
    return labels.get(number, f"sci{number:016x}")


def add_counters(out, prefix, obj):
    """Store the In* packet counters of obj; InOctets* are left out.

    802.1AE counts the octets of frames that then fail validation, so
    those move with InPktsNotValid and would only repeat it.
    """
    for key, value in obj.items():
        if key.startswith("In") and not key.startswith("InOctets"):
            out[prefix + key] = 0 if value == "-" else int(value)


class Counters:
    def __init__(self, ip, sci_labels):
        self.ip = ip
        self.sci_labels = sci_labels

    def snapshot(self):
        """Read the counters of mvx0 and the namespace's UDP counters.

        Keys: secy.*, <sc>.* and <sc>.sa<AN>.* (802.1AE counters of the
        SecY, each RX SC and its SAs), link.rx_* (the device's standard
        receive counters) and udp.*.
        """
        commands = ([self.ip, "-j", "-s", "macvx", "show"],
                    [self.ip, "-j", "-s", "-s", "link", "show", "dev", "mvx0"])
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for cmd in commands]
        outputs = []
        for cmd, proc in zip(commands, procs):
            out, err = proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"'{' '.join(cmd)}' failed with status "
                                   f"{proc.returncode}: {err.strip()}")
            outputs.append(json.loads(out))
        devs, links = outputs
        if len(devs) != 1:
            raise RuntimeError(f"expected one macvx device, found {len(devs)}")
        counters = {}
        add_counters(counters, "secy.", devs[0])
        for sc in devs[0].get("rx_sc", []):
            label = sci_label(sc["sci"], self.sci_labels)
            add_counters(counters, label + ".", sc)
            for sa in sc.get("sa_list", []):
                add_counters(counters, f"{label}.sa{sa['an']}.", sa)
        for key, value in links[0]["stats64"]["rx"].items():
            if key != "bytes":
                counters["link.rx_" + key] = value
        counters.update(udp_counters())
        return counters


def udp_counters():
    with open("/proc/net/snmp") as f:
        lines = [line.split() for line in f if line.startswith("Udp:")]
    names, values = lines[0][1:], lines[1][1:]
    return {"udp." + name: int(value) for name, value in zip(names, values)
            if name in UDP_COUNTERS}


def deltas(before, after):
    return {key: after.get(key, 0) - before.get(key, 0)
            for key in set(before) | set(after)
            if after.get(key, 0) != before.get(key, 0)}


def describe_difference(want, moved):
    return [f"{key}: expected +{want.get(key, 0)}, got +{moved.get(key, 0)}"
            for key in sorted(set(want) | set(moved))
            if want.get(key, 0) != moved.get(key, 0)]


# ---- the test ----

class Hostile:
    def __init__(self):
        self.frames = Frames()
        self.a_in = env("A_IN")
        self.b_in = env("B_IN")
        self.results = 0
        self.failures = 0

        enter_netns(env("NS_C"))
        self.injector = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.injector.bind(("ca", 0))

        enter_netns(env("NS_B"))
        self.traffic_b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.traffic_b.bind((self.b_in, TRAFFIC_PORT))

        # The rest runs in a: ip, /proc/net/snmp and the sockets below.
        enter_netns(env("NS_A"))
        self.traffic_a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.traffic_a.bind((self.a_in, TRAFFIC_PORT))
        self.sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sink.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        self.sink.bind((self.a_in, SINK_PORT))
        # With a socket filter attached, UDP verifies a datagram's checksum
        # before queueing it rather than when it is read, so InCsumErrors
        # moves before the sink is drained. This one accepts everything.
        self.sink_filter = ctypes.create_string_buffer(
            struct.pack("HBBI", BPF_RET_K, 0, 0, 0xFFFFFFFF))
        self.sink.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, struct.pack(
            "HP", 1, ctypes.addressof(self.sink_filter)))
        self.sink.setblocking(False)
        self.tap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                 socket.htons(ETH_P_ALL))
        self.tap.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        self.tap.bind(("mvx0", ETH_P_ALL))
        self.tap.setblocking(False)

        b_sci = mac_bytes(env("B_MAC")) + b"\x00\x01"
        labels = {int.from_bytes(b_sci, "big"): "peer",
                  int.from_bytes(self.frames.sci, "big"): "inj"}
        self.counters = Counters(env("IP"), labels)
        self.kmsg = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.kmsg, 0, os.SEEK_END)
        self.traffic_seq = 0
        self.sink_reads = 0
        self.timing_lines = 0
        self.b_mac = mac_bytes(env("B_MAC"))
        self.current = self.counters.snapshot()

    # -- output --

    def result(self, name, problems):
        self.results += 1
        if problems:
            self.failures += 1
            print(f"not ok hostile.{name}")
            for line in problems:
                print(f"# {line}")
        else:
            print(f"ok hostile.{name}")
        sys.stdout.flush()

    def diag(self, text):
        print(f"# {text}", flush=True)

    # -- observation --

    def kmsg_lines(self):
        """Return the kernel log records written since the last call."""
        lines = []
        while True:
            try:
                data = os.read(self.kmsg, 8192)
            except BlockingIOError:
                return lines
            except BrokenPipeError:
                continue  # records were overwritten; read on
            text = data.decode(errors="replace").partition(";")[2]
            lines.append(text.split("\n")[0])

    def kmsg_problems(self):
        """Return the new kernel log lines, but for emulator timing noise."""
        problems = []
        for line in self.kmsg_lines():
            if line.startswith(KMSG_TIMING):
                self.timing_lines += 1
            else:
                problems.append(f"kernel log: {line}")
        return problems

    def drain(self, sock, limit=None):
        """Return the frames or datagrams waiting on a non-blocking socket."""
        items = []
        while limit is None or len(items) < limit:
            try:
                data, addr = sock.recvfrom(65535)
            except BlockingIOError:
                break
            if sock is self.tap and addr[2] == PACKET_OUTGOING:
                continue
            items.append(data)
        return items

    def collect(self, sock, expected):
        """Drain sock, waiting up to SETTLE_SECONDS for expected items.

        The device counts a frame before a tap or socket sees it.
        """
        items = self.drain(sock)
        deadline = time.monotonic() + SETTLE_SECONDS
        while len(items) < expected:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                break
            items += self.drain(sock)
        return items

    def wait_counters(self, want, settled=None):
        """Poll the counters until they moved by want from self.current.

        Returns the counters and what moved. settled, when given, replaces
        the exact match: a function of the moved counters that returns
        True when the wait is over.
        """
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            now = self.counters.snapshot()
            moved = deltas(self.current, now)
            done = settled(moved) if settled else moved == want
            if done or time.monotonic() > deadline:
                return now, moved
            time.sleep(0.1)

    def send_traffic(self):
        """Send one datagram from b to a and one back; return problems."""
        self.traffic_seq += 1
        token = f"traffic{self.traffic_seq}".encode()
        for src, dst, addr in ((self.traffic_b, self.traffic_a, self.a_in),
                               (self.traffic_a, self.traffic_b, self.b_in)):
            src.sendto(token, (addr, TRAFFIC_PORT))
            ready, _, _ = select.select([dst], [], [], SETTLE_SECONDS)
            data = dst.recv(65535) if ready else None
            if data != token:
                where = "b to a" if dst is self.traffic_a else "a to b"
                return [f"ordinary traffic from {where} failed: expected "
                        f"{token!r}, got {data!r}"]
        return []

    def with_traffic(self, expect, datagrams):
        """Add what send_traffic moves on a to the deltas of expect.

        The datagram from b moves the peer's SC and SA, rx_packets and
        udp.InDatagrams twice: Linux counts a VXLAN datagram when the
        tunnel takes it and any other when it is read. datagrams is the
        number of injected datagrams that reach the VXLAN socket, and
        self.sink_reads the datagrams read from the sink since the last
        snapshot.
        """
        want = dict(expect)
        for key in ("peer.InPktsOK", "peer.sa0.InPktsOK", "link.rx_packets"):
            want[key] = want.get(key, 0) + 1
        want["udp.InDatagrams"] = datagrams + 2 + self.sink_reads
        self.sink_reads = 0
        return want

    def delivered_frames(self, expected):
        """Return the frames mvx0 delivered, but for ordinary traffic."""
        frames = self.collect(self.tap, expected)
        return [frame for frame in frames if frame[6:12] != self.b_mac]

    # -- cases --

    def case(self, name, frames, expect, delivered=(), datagrams=1,
             sink_expected=None):
        """Inject frames, then ordinary traffic, and check the result.

        frames: underlay frames, or one VXLAN payload as bytes.
        expect: counter deltas but for udp.InDatagrams (see with_traffic)
        and ordinary traffic. delivered: the plain frames that mvx0 must
        deliver, in order. Each of them carries one datagram to the sink,
        unless sink_expected gives the number that the sink must read.
        """
        if sink_expected is None:
            sink_expected = len(delivered)
        if isinstance(frames, bytes):
            frames = [self.frames.outer(frames)]
        want = self.with_traffic(expect, datagrams)
        self.kmsg_lines()
        for frame in frames:
            self.injector.send(frame)
        problems = self.send_traffic()
        now, moved = self.wait_counters(want)
        problems += describe_difference(want, moved)
        self.current = now

        seen = self.delivered_frames(len(delivered) + 1)
        if seen != list(delivered):
            problems.append(f"mvx0 delivered {len(seen)} frames, expected "
                            f"{len(delivered)}")
            for frame in seen[:3]:
                if frame not in delivered:
                    problems.append(f"unexpected frame {frame[:64].hex()}")
        received = self.collect(self.sink, sink_expected)
        self.sink_reads = len(received)
        if len(received) != sink_expected:
            problems.append(f"the sink received {len(received)} datagrams, "
                            f"expected {sink_expected}")
        problems += self.kmsg_problems()
        self.result(name, problems)

    def case_csum_error(self, name, frames, expect, delivered):
        """Run case() for frames that mvx0 delivers and UDP then drops.

        Each delivered datagram fails UDP's checksum, so the sink reads
        none of them and InCsumErrors and InErrors count each one.
        """
        want = {"udp.InCsumErrors": len(delivered),
                "udp.InErrors": len(delivered), **expect}
        self.case(name, frames, want, delivered, sink_expected=0)

    def set_link(self, name, *args):
        cmd = [self.counters.ip, "link", "set", "mvx0", "type", "macvx"] + \
            list(args)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        problems = []
        if proc.returncode != 0:
            problems.append(f"'{' '.join(cmd)}' failed with status "
                            f"{proc.returncode}: {proc.stderr.strip()}")
        self.result(name, problems)

    def run_cases(self):
        f = self.frames
        ok = {"inj.InPktsOK": 1, "inj.sa0.InPktsOK": 1, "link.rx_packets": 1}
        bad_tag = {"secy.InPktsBadTag": 1, "link.rx_errors": 1}
        frame_err = {"link.rx_frame_errors": 1, "link.rx_errors": 1}
        not_valid = {"inj.InPktsNotValid": 1, "inj.sa0.InPktsNotValid": 1,
                     "link.rx_errors": 1}

        # Positive controls: the injection path delivers valid frames.
        prot, plain = f.valid("valid_encrypted")
        self.case("valid_encrypted", f.vxlan(prot), ok, [plain])
        prot, plain = f.valid("valid_integrity", encrypt=False)
        self.case("valid_integrity", f.vxlan(prot), ok, [plain])
        prot, plain = f.valid("valid_short", pad=0)
        self.case("valid_short_sl", f.vxlan(prot), ok, [plain])
        # Once the ICV checks out the stack skips the inner checksums: a
        # datagram sealed with a wrong UDP checksum reaches the socket.
        # Frames delivered without a valid ICV keep theirs checked (the
        # cases ending in _csum below).
        prot, plain = f.valid("valid_udp_csum_wrong", csum=0x1234)
        self.case("valid_udp_csum_wrong", f.vxlan(prot), ok, [plain])

        # VXLAN header (RFC 7348 5). A frame without a usable VNI has no
        # device whose counter could move.
        prot, _ = f.valid("vxlan")
        self.case("vxlan_truncated", f.vxlan(b"")[:6], {})
        self.case("vxlan_unknown_vni", f.vxlan(prot, vni=f.vni + 1), {})
        self.case("vxlan_no_i_flag", f.vxlan(prot, flags=0), frame_err)
        self.case("vxlan_flag_reserved",
                  f.vxlan(prot, flags=VXLAN_FLAG_I | 0x01), frame_err)
        self.case("vxlan_word_reserved",
                  f.vxlan(prot, reserved=b"\0\x80\0"), frame_err)
        self.case("vxlan_vni_reserved", f.vxlan(prot, low=0x01), frame_err)
        self.case("inner_truncated", f.vxlan(prot[:13]),
                  {"link.rx_length_errors": 1, "link.rx_errors": 1})

        # A frame without a SecTAG under validateFrames strict.
        self.case("untagged_strict", f.vxlan(f.plain("untagged_strict")),
                  {"secy.InPktsNoTag": 1, "link.rx_dropped": 1})

        # SecTAG (802.1AE 9.3, 9.7 and 10.6). Offsets in the inner frame:
        # MAC addresses 0-11, EtherType 12-13, TCI/AN 14, SL 15, PN 16-19,
        # SCI 20-27, secure data from 28.
        plain = f.plain("tag", pad=40)
        short = f.plain("tag")
        sc_e_c = TCI_SC | TCI_E | TCI_C
        self.case("tag_missing", f.vxlan(f.seal(plain, sc_e_c)[:14]),
                  bad_tag)
        self.case("tag_truncated_pn", f.vxlan(f.seal(plain, sc_e_c)[:18]),
                  bad_tag)
        self.case("tag_truncated_sci", f.vxlan(f.seal(plain, sc_e_c)[:25]),
                  bad_tag)
        self.case("tci_v", f.vxlan(f.seal(plain, sc_e_c | TCI_V)), bad_tag)
        self.case("tci_es_with_sc", f.vxlan(f.seal(plain, sc_e_c | TCI_ES)),
                  bad_tag)
        self.case("tci_sc_with_scb",
                  f.vxlan(f.seal(plain, sc_e_c | TCI_SCB)), bad_tag)
        short_sl = len(short) - 12
        self.case("sl_above_length",
                  f.vxlan(f.seal(short, sc_e_c, sl=short_sl + 1)), bad_tag)
        self.case("sl_below_length",
                  f.vxlan(f.seal(short, sc_e_c, sl=short_sl - 1)), bad_tag)
        self.case("sl_on_long_frame", f.vxlan(f.seal(plain, sc_e_c, sl=20)),
                  bad_tag)
        self.case("sl_zero_short_frame",
                  f.vxlan(f.seal(short, sc_e_c, sl=0)), bad_tag)
        self.case("sl_reserved_bits",
                  f.vxlan(f.seal(short, sc_e_c, sl=short_sl | 0x40)),
                  bad_tag)
        self.case("pn_zero", f.vxlan(f.seal(plain, sc_e_c, pn=0)), bad_tag)
        # A SecTAG followed by fewer octets than one ICV.
        self.case("shorter_than_icv",
                  f.vxlan(f.seal(plain, sc_e_c)[:28 + ICV_LEN - 1]), bad_tag)
        self.case("shorter_than_icv_sl",
                  f.vxlan(f.seal(plain, sc_e_c, sl=8)[:28 + 8]), bad_tag)

        # Channel and association lookup (802.1AE 10.6.1). With ES and
        # without SC, the SCI is the source MAC address and port 1.
        plain_es = f.plain("es_without_sc", pad=40)
        self.case("tci_es_without_sc",
                  f.vxlan(f.seal(plain_es, TCI_ES | TCI_E | TCI_C)), ok,
                  [plain_es])
        # Without SC and ES, only a device with a single RX SC can tell
        # the channel, and this one has two. Linux's macsec drops such a
        # frame without counting it, macvx counts InPktsNoSCI.
        self.case("sci_absent_two_channels",
                  f.vxlan(f.seal(plain, TCI_E | TCI_C)),
                  {"secy.InPktsNoSCI": 1, "link.rx_errors": 1})
        other_sci = f.inj_mac + b"\x00\x02"
        self.case("sci_unknown", f.vxlan(f.seal(plain, sc_e_c,
                                                sci=other_sci)),
                  {"secy.InPktsNoSCI": 1, "link.rx_errors": 1})
        self.case("an_without_sa", f.vxlan(f.seal(plain, sc_e_c | 1)),
                  {"inj.InPktsNotUsingSA": 1, "link.rx_errors": 1})
        # E without C: a frame not meant for the controlled port.
        self.case("tci_e_without_c", f.vxlan(f.seal(plain, TCI_SC | TCI_E)),
                  {"link.rx_dropped": 1})
        own = f.plain("own_source", src=f.a_mac)
        self.case("own_source_mac", f.vxlan(f.seal(own, sc_e_c)),
                  {"link.rx_dropped": 1})

        # ICV and ciphertext (802.1AE 10.6.5).
        prot, _ = f.valid("icv_corrupt")
        self.case("icv_corrupt", f.vxlan(flip(prot, len(prot) - 1)),
                  not_valid)
        prot, _ = f.valid("data_corrupt")
        self.case("ciphertext_corrupt", f.vxlan(flip(prot, 40, 0x80)),
                  not_valid)
        prot, _ = f.valid("integrity_corrupt", encrypt=False)
        self.case("plaintext_corrupt", f.vxlan(flip(prot, 60)), not_valid)
        prot, _ = f.valid("pn_changed")
        self.case("pn_changed", f.vxlan(flip(prot, 19)), not_valid)

        # Frames larger than the device MTU, in fragmented datagrams that
        # the underlay reassembles. Like Linux's macsec and vxlan, macvx
        # sets no MTU limit on receive.
        prot, plain = f.valid("oversized", pad=8000)
        self.case("oversized_valid", f.fragments(f.vxlan(prot)), ok, [plain])
        prot, _ = f.valid("oversized_corrupt", pad=60000)
        self.case("oversized_corrupt",
                  f.fragments(f.vxlan(flip(prot, len(prot) - 100))),
                  not_valid)

        # validateFrames check: frames without protection are counted and
        # delivered, frames with C set are still dropped.
        self.set_link("validate_check", "validate", "check")
        plain = f.plain("untagged_check")
        self.case("untagged_check", f.vxlan(plain),
                  {"secy.InPktsUntagged": 1, "link.rx_packets": 1}, [plain])
        # A correct checksum on an unchecked path reaches the sink, which
        # also shows that udp_checksum() computes what the kernel checks.
        plain = f.plain("untagged_check_good_csum", csum="good")
        self.case("untagged_check_good_csum", f.vxlan(plain),
                  {"secy.InPktsUntagged": 1, "link.rx_packets": 1}, [plain])
        plain = f.plain("untagged_check_csum", csum=0x1234)
        self.case_csum_error("untagged_check_csum", f.vxlan(plain),
                             {"secy.InPktsUntagged": 1,
                              "link.rx_packets": 1}, [plain])
        plain = f.plain("sci_unknown_check")
        self.case("sci_unknown_check",
                  f.vxlan(f.seal(plain, TCI_SC, sci=other_sci)),
                  {"secy.InPktsUnknownSCI": 1, "link.rx_packets": 1},
                  [plain])
        plain = f.plain("sci_unknown_check_csum", csum=0x1234)
        self.case_csum_error("sci_unknown_check_csum",
                             f.vxlan(f.seal(plain, TCI_SC, sci=other_sci)),
                             {"secy.InPktsUnknownSCI": 1,
                              "link.rx_packets": 1}, [plain])
        self.case("sci_unknown_c_check",
                  f.vxlan(f.seal(plain, sc_e_c, sci=other_sci)),
                  {"secy.InPktsNoSCI": 1, "link.rx_errors": 1})
        plain = f.plain("an_without_sa_check")
        self.case("an_without_sa_check", f.vxlan(f.seal(plain, TCI_SC | 1)),
                  {"inj.InPktsUnusedSA": 1, "link.rx_packets": 1}, [plain])
        plain = f.plain("an_without_sa_check_csum", csum=0x1234)
        self.case_csum_error("an_without_sa_check_csum",
                             f.vxlan(f.seal(plain, TCI_SC | 1)),
                             {"inj.InPktsUnusedSA": 1,
                              "link.rx_packets": 1}, [plain])
        prot, plain = f.valid("integrity_corrupt_check", encrypt=False)
        self.case("plaintext_corrupt_check", f.vxlan(flip(prot, 60)),
                  {"inj.InPktsInvalid": 1, "inj.sa0.InPktsInvalid": 1,
                   "link.rx_packets": 1}, [flip(plain, 60 - 16)])
        # A frame delivered with a bad ICV keeps its checksums checked:
        # the corrupted datagram fails UDP's and never reaches the sink.
        prot, plain = f.valid("integrity_corrupt_csum_check", encrypt=False,
                              csum="good")
        self.case_csum_error("plaintext_corrupt_check_csum",
                             f.vxlan(flip(prot, 60)),
                             {"inj.InPktsInvalid": 1,
                              "inj.sa0.InPktsInvalid": 1,
                              "link.rx_packets": 1}, [flip(plain, 60 - 16)])
        prot, _ = f.valid("data_corrupt_check")
        self.case("ciphertext_corrupt_check", f.vxlan(flip(prot, 40, 0x80)),
                  not_valid)

        # validateFrames disabled: nothing is checked unless C is set.
        self.set_link("validate_disabled", "validate", "disabled")
        plain = f.plain("untagged_disabled")
        self.case("untagged_disabled", f.vxlan(plain),
                  {"secy.InPktsUntagged": 1, "link.rx_packets": 1}, [plain])
        prot, plain = f.valid("integrity_corrupt_disabled", encrypt=False)
        self.case("plaintext_corrupt_disabled", f.vxlan(flip(prot, 60)),
                  {"inj.InPktsUnchecked": 1, "link.rx_packets": 1},
                  [flip(plain, 60 - 16)])
        prot, plain = f.valid("integrity_corrupt_disabled_csum",
                              encrypt=False, csum="good")
        self.case_csum_error("plaintext_corrupt_disabled_csum",
                             f.vxlan(flip(prot, 60)),
                             {"inj.InPktsUnchecked": 1,
                              "link.rx_packets": 1}, [flip(plain, 60 - 16)])
        self.set_link("validate_strict", "validate", "strict")

        # Replay protection (802.1AE 10.6.2). The injector's PNs so far
        # are all below the one used here.
        late = {"inj.InPktsLate": 1, "link.rx_dropped": 1}
        for window in (0, 32):
            self.set_link(f"replay_on_window_{window}", "replay", "on",
                          "window", str(window))
            name = f"replay_window_{window}"
            prot, plain = f.valid(name, pn=f.pn + 100)
            f.pn += 100
            self.case(f"{name}_first", f.vxlan(prot), ok, [plain])
            self.case(f"{name}_replayed", f.vxlan(prot), late)
            if window:
                prot, plain = f.valid(name + "_old", pn=f.pn - window - 1)
                self.case(f"{name}_below_window", f.vxlan(prot), late)
        self.set_link("replay_off", "replay", "off")

    # -- randomized pass --

    def fuzz_seeds(self):
        """Return (VXLAN payload, plain frame) pairs that the device accepts.

        Short (SL set) and long frames, encrypted and integrity-only. All
        of them fit one underlay frame after the largest extension.
        """
        seeds = []
        for i, (pad, encrypt) in enumerate(((0, True), (20, True),
                                            (60, True), (300, True),
                                            (5, False), (150, False))):
            prot, plain = self.frames.valid(f"seed{i}", pad=pad,
                                            encrypt=encrypt)
            seeds.append((self.frames.vxlan(prot), plain))
        return seeds

    def fuzz(self, count, seed):
        f = self.frames
        seeds = self.fuzz_seeds()
        plains = {plain for _, plain in seeds}
        payloads = [payload for payload, _ in seeds]
        rng = random.Random(seed)
        self.diag(f"randomized pass: {count} mutants, seed {seed}")

        self.kmsg_lines()
        sent = uncounted = unchanged = 0
        delivered = []
        build_seconds = send_seconds = 0.0
        while sent < count:
            start = time.monotonic()
            batch = []
            for _ in range(min(FUZZ_BATCH, count - sent)):
                base = payloads[rng.randrange(len(payloads))]
                mutant = mutate(rng, base)
                if mutant == base:
                    unchanged += 1
                elif len(mutant) < 8 or mutant[4:7] != base[4:7]:
                    # No VNI, or another one: no device sees the frame.
                    uncounted += 1
                batch.append(f.outer(mutant))
            middle = time.monotonic()
            for frame in batch:
                self.injector.send(frame)
            sent += len(batch)
            build_seconds += middle - start
            send_seconds += time.monotonic() - middle
            delivered += self.drain(self.tap)

        # The sink is read only after this, so udp.InDatagrams counts the
        # mutants and the reads of the last case alone.
        want_drops = sent - uncounted - unchanged
        want_in = sent + self.sink_reads
        self.sink_reads = 0

        def settled(moved):
            drops = moved.get("link.rx_errors", 0) + \
                moved.get("link.rx_dropped", 0)
            return drops >= want_drops and \
                moved.get("udp.InDatagrams", 0) >= want_in

        now, moved = self.wait_counters(None, settled)
        self.current = now
        delivered += self.collect(self.tap, unchanged - len(delivered))
        received = self.collect(self.sink, unchanged)
        self.diag(f"{sent} mutants built in {build_seconds:.1f} s, sent in "
                  f"{send_seconds:.1f} s; {unchanged} unchanged, "
                  f"{uncounted} without the device's VNI")
        self.diag("moved: " + " ".join(
            f"{key}+{value}" for key, value in sorted(moved.items())
            if not key.startswith("udp.")))

        drops = moved.get("link.rx_errors", 0) + \
            moved.get("link.rx_dropped", 0)
        problems = []
        if drops != want_drops:
            problems.append(f"rx_errors + rx_dropped moved by {drops}, "
                            f"expected {want_drops} (every changed mutant "
                            f"with the device's VNI)")
        if moved.get("udp.InDatagrams", 0) != want_in:
            problems.append(f"udp.InDatagrams moved by "
                            f"{moved.get('udp.InDatagrams', 0)}, expected "
                            f"{want_in}, one per mutant")
        self.sink_reads = len(received)
        for key in ("udp.InErrors", "udp.RcvbufErrors", "udp.NoPorts"):
            if moved.get(key, 0):
                problems.append(f"{key} moved by {moved[key]}")
        self.result("fuzz.accounted", problems)

        problems = []
        if moved.get("link.rx_packets", 0) != unchanged:
            problems.append(f"rx_packets moved by "
                            f"{moved.get('link.rx_packets', 0)}, but only "
                            f"{unchanged} mutants were left valid")
        if len(delivered) != unchanged:
            problems.append(f"mvx0 delivered {len(delivered)} frames, "
                            f"expected {unchanged}")
        if len(received) != unchanged:
            problems.append(f"the sink received {len(received)} datagrams, "
                            f"expected {unchanged}")
        strangers = [frame for frame in delivered if frame not in plains]
        if strangers:
            problems.append(f"{len(strangers)} delivered frames are not "
                            f"seeds, first: {strangers[0][:64].hex()}")
        self.result("fuzz.delivered", problems)

        problems = self.kmsg_problems()
        self.result("fuzz.kmsg_quiet", [f"{len(problems)} lines"] +
                    problems[:5] if problems else [])

        want = self.with_traffic({}, 0)
        problems = self.send_traffic()
        now, moved = self.wait_counters(want)
        self.current = now
        problems += describe_difference(want, moved)
        self.delivered_frames(0)
        self.result("fuzz.traffic", problems)


# Regions of a VXLAN payload that mutations aim at: VXLAN header, inner
# MAC addresses and EtherType, SecTAG, secure data, ICV. Offsets past the
# end of a short frame fall back to the whole frame.
REGIONS = ((0, 8), (8, 22), (22, 36), (36, -ICV_LEN), (-ICV_LEN, 0))


def mutate(rng, payload):
    """Return a changed copy of a VXLAN payload.

    One to three edits, each a bit flip, a random byte value, a cut or an
    insertion of 1 to 16 random bytes, each in a random region. Each edit
    takes its choices from the bit fields of one 64-bit random number,
    which is faster than a call of the random module per choice.
    """
    data = bytearray(payload)
    for _ in range(1 + rng.randrange(3)):
        bits = rng.getrandbits(64)
        op = bits & 3
        bit = (bits >> 2) & 7
        value = (bits >> 5) & 0xFF
        length = 1 + ((bits >> 13) & 15)
        region = ((bits >> 17) & 0xFFFF) % len(REGIONS)
        bits >>= 33
        size = len(data)
        if not size:
            data += rng.randbytes(length)
            continue
        lo, hi = REGIONS[region]
        lo = lo if lo >= 0 else size + lo
        hi = hi if hi > 0 else size + hi
        if lo < 0 or hi > size or lo >= hi:
            lo, hi = 0, size
        pos = lo + bits % (hi - lo)
        if op == 0:
            data[pos] ^= 1 << bit
        elif op == 1:
            data[pos] = value
        elif op == 2:
            del data[pos:]
        else:
            data[pos:pos] = rng.randbytes(length)
    return bytes(data)


def main():
    start = time.monotonic()
    launched = os.environ.get("HOSTILE_LAUNCHED")
    if launched:
        print(f"# Python started and imported its modules in "
              f"{time.time() - float(launched):.0f} s", flush=True)
    try:
        test = Hostile()
        test.run_cases()
        cases_seconds = time.monotonic() - start
        test.fuzz(int(env("FUZZ_COUNT")), int(env("FUZZ_SEED")))
    except (OSError, RuntimeError) as err:
        print("not ok hostile.run")
        print(f"# {type(err).__name__}: {err}")
        print("done", flush=True)
        return 1
    if test.timing_lines:
        test.diag(f"{test.timing_lines} kernel log lines about emulator "
                  f"timing ignored")
    test.diag(f"{test.results} checks, {test.failures} failed; cases "
              f"{cases_seconds:.0f} s, all {time.monotonic() - start:.0f} s")
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

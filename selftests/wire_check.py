#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check a capture of MACsec-in-VXLAN frames taken on the underlay.

Every UDP datagram in PCAP must be VXLAN to the given port and VNI and carry
a MACsec frame (IEEE 802.1AE) from one of the --sender stations. For each
frame the script checks the outer IP and UDP lengths, the IPv4 header
checksum and, with --udp-csum, the UDP checksum, the VXLAN header, the
SecTAG (TCI bits, AN, SL, PN, SCI) and the lengths, then verifies the ICV
and decrypts the secure data with the sender's key. It verifies with the
"cryptography" package for every ICV length, and again with scapy's MACsec
layer (scapy.contrib.macsec) when the ICV has the default 16 bytes, since
scapy cannot check shorter ones. The decrypted frame must be the unpadded Ethernet frame that was sent.

Prints one line per problem and a summary; exits 1 when a check failed and
2 on a usage error. With "--batch FILE" it checks one capture per line of
FILE ("NAME ARG...", the arguments as above) and prints TAP lines
"ok NAME" or "not ok NAME", the details as "#" comments. Needs /usr/bin/python3 with python3-scapy and
python3-cryptography (Debian packages).

Example:
  wire_check.py cap.pcap --vni 42 --cipher gcm-aes-128 --icvlen 16 \\
      --encrypt 1 --send-sci 1 --pattern a5 --min-frames 4 \\
      --sender 02:00:00:00:00:01,KEYHEX --sender 02:00:00:00:00:02,KEYHEX
"""

import argparse
import contextlib
import io
import struct
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from scapy.all import IP, UDP, Ether, IPv6, rdpcap
from scapy.error import Scapy_Exception
from scapy.contrib.macsec import MACsec, MACsecSA

ETH_P_MACSEC = 0x88E5
TCI_V = 0x80
TCI_ES = 0x40
TCI_SC = 0x20
TCI_SCB = 0x10
TCI_E = 0x08
TCI_C = 0x04
AN_MASK = 0x03
# SecTAG length with the MACsec EtherType: 2 + TCI/AN 1 + SL 1 + PN 4 (+ SCI 8)
SECTAG_LEN_NOSCI = 8
SECTAG_LEN_SCI = 16
SHORT_LEN_LIMIT = 48
DEFAULT_ICV_LEN = 16
VXLAN_FLAG_I = 0x08


def inet_sum(data):
    """One's complement sum of @data (RFC 1071); 0xFFFF when it verifies."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


class Sender:
    """A station whose frames the capture may hold, with its SA."""

    def __init__(self, spec, port, xpn):
        parts = spec.split(",")
        if len(parts) != (4 if xpn else 2):
            raise ValueError(
                f"invalid --sender '{spec}': expected MAC,KEY"
                + (",SALT,SSCI for an XPN cipher" if xpn else ""))
        self.mac = parts[0].lower()
        self.key = bytes.fromhex(parts[1])
        self.sci = bytes.fromhex(self.mac.replace(":", "")) + \
            struct.pack("!H", port)
        self.salt = bytes.fromhex(parts[2]) if xpn else None
        self.ssci = int(parts[3], 0) if xpn else None
        if xpn and len(self.salt) != 12:
            raise ValueError(f"invalid salt in '{spec}': must be 96 bits")
        self.frames = 0
        self.pattern_frames = 0
        self.last_pn = None
        # First-seen layout per inner frame length, for comparing senders
        self.layouts = {}


def gcm_open(key, iv, aad, data, icv):
    """Verify @icv over @aad and @data and return the decrypted @data."""
    decryptor = Cipher(algorithms.AES(key),
                       modes.GCM(iv, icv, min_tag_length=len(icv))).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(data) + decryptor.finalize()


class Checker:
    def __init__(self, args):
        self.args = args
        self.xpn = "xpn" in args.cipher
        key_len = 32 if args.cipher.endswith("256") else 16
        self.senders = {}
        for spec in args.sender:
            sender = Sender(spec, args.sci_port, self.xpn)
            if len(sender.key) != key_len:
                raise ValueError(
                    f"key of {sender.mac} has {len(sender.key)} bytes, "
                    f"{args.cipher} needs {key_len}")
            self.senders[sender.mac] = sender
        self.pattern = bytes.fromhex(args.pattern) if args.pattern else None
        self.errors = 0
        self.short_frames = 0
        self.frame_no = 0

    def fail(self, message):
        self.errors += 1
        if self.errors <= 30:
            print(f"FAIL frame {self.frame_no}: {message}")

    def check_udp_csum(self, udp, pseudo, datagram):
        """Check the UDP checksum against --udp-csum."""
        if self.args.udp_csum is None:
            return
        if not self.args.udp_csum:
            if udp.chksum:
                self.fail(f"UDP checksum 0x{udp.chksum:04x}, expected none")
        elif not udp.chksum:
            self.fail("UDP checksum is 0, expected one")
        elif inet_sum(pseudo + datagram) != 0xFFFF:
            self.fail(f"UDP checksum 0x{udp.chksum:04x} does not verify")

    def check_outer(self, pkt):
        """Return the VXLAN payload of @pkt, or None when it is no UDP."""
        if UDP not in pkt:
            return None
        udp = pkt[UDP]
        payload = bytes(udp.payload)
        if IP in pkt:
            ip_len = pkt[IP].len
            header = pkt[IP].ihl * 4
            raw = bytes(pkt[IP])
            if ip_len != header + udp.len:
                self.fail(f"IPv4 total length {ip_len} != {header} + "
                          f"UDP length {udp.len}")
            if pkt[IP].flags.MF or pkt[IP].frag:
                self.fail("outer IPv4 packet is a fragment")
            if inet_sum(raw[:header]) != 0xFFFF:
                self.fail(f"IPv4 header checksum 0x{pkt[IP].chksum:04x} "
                          "does not verify")
            pseudo = raw[12:20] + struct.pack("!BBH", 0, 17, udp.len)
            self.check_udp_csum(udp, pseudo, raw[header:header + udp.len])
        elif IPv6 in pkt:
            raw = bytes(pkt[IPv6])
            if pkt[IPv6].plen != udp.len:
                self.fail(f"IPv6 payload length {pkt[IPv6].plen} != "
                          f"UDP length {udp.len}")
            if pkt[IPv6].nh == 17:
                pseudo = raw[8:40] + struct.pack("!I3xB", udp.len, 17)
                self.check_udp_csum(udp, pseudo, raw[40:40 + udp.len])
        if udp.dport != self.args.dport:
            self.fail(f"UDP destination port {udp.dport}, expected "
                      f"{self.args.dport}")
            return None
        if udp.len != 8 + len(payload):
            self.fail(f"UDP length {udp.len} but {len(payload)} bytes of "
                      "payload were captured")
        if len(payload) < 8 + 14:
            self.fail(f"VXLAN payload of {len(payload)} bytes is too short")
            return None
        flags, vni_word = struct.unpack("!B3xI", payload[:8])
        if flags != VXLAN_FLAG_I:
            self.fail(f"VXLAN flags 0x{flags:02x}, expected 0x08 (I only)")
        if vni_word >> 8 != self.args.vni or vni_word & 0xFF:
            self.fail(f"VXLAN VNI word 0x{vni_word:08x}, expected VNI "
                      f"{self.args.vni} and a zero reserved byte")
        return payload[8:]

    def expected_tci(self):
        tci = 0
        if self.args.send_sci:
            tci |= TCI_SC
        if self.args.encrypt:
            tci |= TCI_E | TCI_C
        elif self.args.icvlen != DEFAULT_ICV_LEN:
            tci |= TCI_C
        return tci

    def full_pn(self, sender, pn):
        """Recover the 64-bit XPN from the 32 bits on the wire."""
        if not self.xpn:
            return pn
        if sender.last_pn is None:
            upper = self.args.xpn_start >> 32
        else:
            upper = sender.last_pn >> 32
            if pn < (sender.last_pn & 0xFFFFFFFF) and \
               (sender.last_pn & 0xFFFFFFFF) - pn > 1 << 31:
                upper += 1
        return (upper << 32) | pn

    def make_iv(self, sender, pn):
        if not self.xpn:
            return sender.sci + struct.pack("!I", pn)
        raw_iv = struct.pack("!IQ", sender.ssci, pn)
        return bytes(a ^ b for a, b in zip(raw_iv, sender.salt))

    def check_scapy(self, sender, frame, pn, plain):
        """Decrypt @frame again with scapy's MACsec layer (16-byte ICV)."""
        sa = MACsecSA(sci=sender.sci, an=self.args.an, pn=pn,
                      key=sender.key, icvlen=self.args.icvlen,
                      encrypt=bool(self.args.encrypt),
                      send_sci=bool(self.args.send_sci), xpn_en=self.xpn,
                      ssci=sender.ssci, salt=sender.salt)
        try:
            decrypted = sa.decap(sa.decrypt(Ether(frame)))
        except InvalidTag:
            self.fail(f"scapy rejects the ICV of PN {pn}")
            return
        if bytes(decrypted) != plain:
            self.fail(f"scapy decrypts PN {pn} to other bytes")

    def check_plaintext(self, sender, plain):
        """Check the decrypted frame: no padding, the ping pattern."""
        ethertype = struct.unpack("!H", plain[12:14])[0]
        body = plain[14:]
        if ethertype == 0x0800:
            total = struct.unpack("!H", body[2:4])[0]
            if total != len(body):
                self.fail(f"inner IPv4 length {total} != {len(body)} bytes "
                          "of secure data (padding?)")
            proto = body[9]
            header = (body[0] & 0xF) * 4
            # ICMP echo request or reply carrying the pattern
            if proto == 1 and body[header] in (0, 8) and self.pattern:
                data = body[header + 8:]
                tail = data[-min(len(data), 4):]
                if tail and tail == self.pattern * len(tail):
                    sender.pattern_frames += 1
        elif ethertype == 0x0806:
            if len(body) != 28:
                self.fail(f"inner ARP frame has {len(body)} bytes, expected "
                          "28 (padding?)")
        elif ethertype == 0x86DD:
            payload_len = struct.unpack("!H", body[4:6])[0]
            if payload_len + 40 != len(body):
                self.fail(f"inner IPv6 length {payload_len} + 40 != "
                          f"{len(body)} (padding?)")
        return ethertype

    def check_frame(self, frame):
        if len(frame) < 14 + SECTAG_LEN_NOSCI - 2 + self.args.icvlen:
            self.fail(f"inner frame of {len(frame)} bytes is too short")
            return
        src = ":".join(f"{b:02x}" for b in frame[6:12])
        ethertype = struct.unpack("!H", frame[12:14])[0]
        if ethertype != ETH_P_MACSEC:
            self.fail(f"frame from {src} in clear (EtherType "
                      f"0x{ethertype:04x})")
            return
        sender = self.senders.get(src)
        if sender is None:
            self.fail(f"MACsec frame from unknown station {src}")
            return
        sender.frames += 1

        tci_an = frame[14]
        short_len = frame[15]
        pn = struct.unpack("!I", frame[16:20])[0]
        tci = tci_an & ~AN_MASK
        an = tci_an & AN_MASK
        tag_len = SECTAG_LEN_SCI if tci & TCI_SC else SECTAG_LEN_NOSCI
        header_len = 12 + tag_len
        secure_len = len(frame) - header_len - self.args.icvlen

        if tci != self.expected_tci():
            self.fail(f"{src} PN {pn}: TCI 0x{tci:02x}, expected "
                      f"0x{self.expected_tci():02x}")
        if an != self.args.an:
            self.fail(f"{src} PN {pn}: AN {an}, expected {self.args.an}")
        if tci & TCI_SC and frame[20:28] != sender.sci:
            self.fail(f"{src} PN {pn}: SCI {frame[20:28].hex()}, expected "
                      f"{sender.sci.hex()} (MAC address + port)")
        expected_sl = secure_len if secure_len < SHORT_LEN_LIMIT else 0
        if short_len != expected_sl:
            self.fail(f"{src} PN {pn}: SL {short_len}, expected "
                      f"{expected_sl} for {secure_len} bytes of secure data")
        if short_len:
            self.short_frames += 1
        if secure_len < 2:
            self.fail(f"{src} PN {pn}: {secure_len} bytes of secure data")
            return

        if pn == 0 and not self.xpn:
            self.fail(f"{src}: PN 0 is invalid without XPN")
        full_pn = self.full_pn(sender, pn)
        if sender.last_pn is not None and full_pn != sender.last_pn + 1:
            self.fail(f"{src}: PN {full_pn} follows {sender.last_pn}, "
                      "expected an increase by one")
        sender.last_pn = full_pn

        icv = frame[len(frame) - self.args.icvlen:]
        iv = self.make_iv(sender, full_pn)
        secure = frame[header_len:len(frame) - self.args.icvlen]
        try:
            if tci & TCI_E:
                data = gcm_open(sender.key, iv, frame[:header_len], secure,
                                icv)
            else:
                gcm_open(sender.key, iv, frame[:len(frame) - len(icv)],
                         b"", icv)
                data = secure
        except InvalidTag:
            self.fail(f"{src} PN {full_pn}: ICV does not verify with the "
                      "configured key")
            return
        plain = frame[:12] + data
        if self.args.icvlen == DEFAULT_ICV_LEN:
            self.check_scapy(sender, frame, full_pn, plain)
        inner_type = self.check_plaintext(sender, plain)

        layout = (tag_len, tci_an, short_len, len(frame))
        sender.layouts.setdefault((inner_type, len(plain)), layout)

    def compare_layouts(self):
        """Frames of one length must look alike from every sender."""
        senders = list(self.senders.values())
        for first in senders:
            for other in senders:
                if other is first:
                    continue
                for key, layout in first.layouts.items():
                    peer = other.layouts.get(key)
                    if peer is not None and peer != layout:
                        self.fail(
                            f"layout of a {key[1]}-byte frame (EtherType "
                            f"0x{key[0]:04x}) differs: {first.mac} sends "
                            f"(SecTAG, TCI|AN, SL, length) {layout}, "
                            f"{other.mac} sends {peer}")
        return sum(1 for key in senders[0].layouts
                   if all(key in s.layouts for s in senders[1:]))

    def run(self):
        for pkt in rdpcap(self.args.pcap):
            self.frame_no += 1
            if Ether in pkt and pkt[Ether].type not in (0x0800, 0x86DD):
                continue
            vxlan_payload = self.check_outer(pkt)
            if vxlan_payload is not None:
                self.check_frame(vxlan_payload)

        for sender in self.senders.values():
            if sender.frames < self.args.min_frames:
                self.frame_no = "-"
                self.fail(f"{sender.frames} MACsec frames from "
                          f"{sender.mac}, expected at least "
                          f"{self.args.min_frames}")
            if self.pattern and sender.pattern_frames == 0:
                self.frame_no = "-"
                self.fail(f"no ICMP echo with the payload pattern "
                          f"{self.args.pattern} from {sender.mac}")
        if self.args.short and self.short_frames == 0:
            self.frame_no = "-"
            self.fail("no frame with a short length (SL) was captured")
        common = self.compare_layouts() if len(self.senders) > 1 else 0

        counts = ", ".join(f"{s.mac}: {s.frames} frames, "
                           f"{s.pattern_frames} with the pattern"
                           for s in self.senders.values())
        print(f"{'FAILED' if self.errors else 'passed'}: {counts}; "
              f"{self.short_frames} short; {common} frame lengths "
              "compared between senders")
        return 1 if self.errors else 0


def make_parser():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pcap")
    parser.add_argument("--vni", type=int, required=True)
    parser.add_argument("--dport", type=int, default=4789)
    parser.add_argument("--cipher", default="gcm-aes-128",
                        choices=["gcm-aes-128", "gcm-aes-256",
                                 "gcm-aes-xpn-128", "gcm-aes-xpn-256"])
    parser.add_argument("--icvlen", type=int, default=16)
    parser.add_argument("--encrypt", type=int, choices=[0, 1], default=1)
    parser.add_argument("--send-sci", type=int, choices=[0, 1], default=1)
    parser.add_argument("--an", type=int, default=0)
    parser.add_argument("--sci-port", type=int, default=1)
    parser.add_argument("--xpn-start", type=lambda s: int(s, 0), default=1,
                        help="first PN of each XPN SA (recovers the upper "
                        "32 bits)")
    parser.add_argument("--sender", action="append", required=True,
                        help="MAC,KEY or MAC,KEY,SALT,SSCI (XPN), hex")
    parser.add_argument("--pattern", help="ICMP payload byte (ping -p), "
                        "two hex digits")
    parser.add_argument("--short", action="store_true",
                        help="require a frame with a short length")
    parser.add_argument("--udp-csum", type=int, choices=[0, 1],
                        help="every UDP checksum is 0 (0) or verifies (1)")
    parser.add_argument("--min-frames", type=int, default=1,
                        help="MACsec frames required from each sender")
    return parser


def check_one(argv):
    """Run the checks for one capture; returns the exit status."""
    args = make_parser().parse_args(argv)
    try:
        checker = Checker(args)
    except ValueError as err:
        print(f"wire_check: {err}")
        return 2
    return checker.run()


def run_batch(path):
    """Check one capture per line of @path ("NAME ARG..."), print TAP.

    Importing scapy takes seconds in an emulated guest, so a test with many
    captures checks them all in one process.
    """
    failed = 0
    with open(path) as batch:
        lines = [line.split() for line in batch if line.strip()]
    for name, *argv in lines:
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output):
                status = check_one(argv)
        except (OSError, Scapy_Exception, struct.error, IndexError,
                SystemExit) as err:
            status = 1
            output.write(f"wire_check: {type(err).__name__}: {err}\n")
        if status == 0:
            print(f"ok {name}")
        else:
            failed += 1
            print(f"not ok {name}")
        for line in output.getvalue().splitlines():
            print(f"# {line}")
    return 1 if failed else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--batch":
        return run_batch(sys.argv[2])
    return check_one(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

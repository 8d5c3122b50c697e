#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Print the SecTAG association numbers of a VXLAN capture, per sender.

    rekey_wire.py PCAP PORT

Reads a classic pcap file of Ethernet frames (tcpdump -w) and, for each
IPv4 UDP datagram to PORT, looks at the inner frame after the 8-byte VXLAN
header. Prints one line per outer source address:

    SRC ANS CLEAR

ANS is the sequence of ANs with consecutive repeats merged (for example
"0,1,2,3,0"), CLEAR the number of inner frames that were not MACsec
(EtherType other than 0x88E5). The file is parsed by hand, because scapy
takes minutes for a few thousand frames under emulation.
"""

import ipaddress
import struct
import sys

ETH_HLEN = 14
VXLAN_HLEN = 8
ETH_P_IP = 0x0800
ETH_P_MACSEC = 0x88E5


def frames(path):
    with open(path, "rb") as f:
        header = f.read(24)
        magic = header[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            sys.exit(f"{path}: not a pcap file (magic {magic.hex()})")
        linktype = struct.unpack(endian + "I", header[20:24])[0]
        if linktype != 1:
            sys.exit(f"{path}: link type {linktype}, expected Ethernet (1)")
        while True:
            record = f.read(16)
            if len(record) < 16:
                return
            caplen = struct.unpack(endian + "I", record[8:12])[0]
            yield f.read(caplen)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    port = int(sys.argv[2])
    ans = {}
    clear = {}
    for frame in frames(sys.argv[1]):
        if len(frame) < ETH_HLEN + 20:
            continue
        if struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
            continue
        ip = frame[ETH_HLEN:]
        ihl = (ip[0] & 0x0F) * 4
        if ip[9] != 17:
            continue
        src = str(ipaddress.IPv4Address(ip[12:16]))
        udp = ip[ihl:]
        if struct.unpack("!H", udp[2:4])[0] != port:
            continue
        inner = udp[8 + VXLAN_HLEN:]
        if len(inner) < ETH_HLEN + 1:
            continue
        ans.setdefault(src, [])
        clear.setdefault(src, 0)
        if struct.unpack("!H", inner[12:14])[0] != ETH_P_MACSEC:
            clear[src] += 1
            continue
        an = inner[14] & 0x03
        if not ans[src] or ans[src][-1] != an:
            ans[src].append(an)
    for src in sorted(ans):
        merged = ",".join(str(an) for an in ans[src]) or "-"
        print(src, merged, clear[src])


if __name__ == "__main__":
    main()

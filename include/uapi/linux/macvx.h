/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * macvx: Ethernet protected by IEEE 802.1AE MACsec (GCM-AES), carried in
 * VXLAN (RFC 7348) over UDP/IPv4 or UDP/IPv6, by one network device.
 *
 * A macvx device puts on the wire the same bytes as a Linux "macsec" device
 * stacked on a "vxlan" device, so either end may be the stock pair.
 *
 * Two netlink interfaces configure it.
 *
 * 1. rtnetlink, link kind "macvx" (RTM_NEWLINK, RTM_GETLINK, RTM_DELLINK).
 *    IFLA_INFO_DATA carries the IFLA_MACVX_* attributes below. Attributes
 *    1 to 15 have the numbers, types and meaning of IFLA_MACSEC_* in
 *    <linux/if_link.h>, so a message for a macsec device differs from one
 *    for a macvx device only in IFLA_INFO_KIND. The VXLAN attributes that
 *    follow have the types and meaning of the IFLA_VXLAN_* attribute named
 *    next to each.
 *
 *    Defaults differ from the stock devices in two places:
 *    IFLA_MACVX_ENCRYPT defaults to 1 (macsec: 0) and IFLA_MACVX_PORT_DST
 *    defaults to 4789, the IANA port (vxlan: 8472).
 *
 *    RTM_NEWLINK without NLM_F_CREATE changes an existing device. It
 *    accepts the attributes that macsec and vxlan allow to change (marked
 *    "changeable" below) and rejects the others with an extack message.
 *    A rejected request changes nothing.
 *
 * 2. Generic netlink, family MACVX_GENL_NAME, version MACVX_GENL_VERSION,
 *    for the secure channels (SC) and secure associations (SA). Its
 *    commands, attributes, nesting and rules are those of the "macsec"
 *    family in <linux/if_macsec.h>: MACSEC_CMD_*, MACSEC_ATTR_*,
 *    MACSEC_RXSC_ATTR_*, MACSEC_SA_ATTR_*, MACSEC_SECY_ATTR_* and the
 *    statistics attribute sets, so that a tool written for "macsec" only
 *    has to resolve another family name. MACSEC_ATTR_IFINDEX names a macvx
 *    device.
 *
 *    MACSEC_CMD_GET_TXSC (dump, unprivileged), one message per device:
 *      MACSEC_ATTR_IFINDEX
 *      MACSEC_ATTR_SECY        { MACSEC_SECY_ATTR_* }
 *      MACSEC_ATTR_TXSC_STATS  { MACSEC_TXSC_STATS_ATTR_* }
 *      MACSEC_ATTR_SECY_STATS  { MACSEC_SECY_STATS_ATTR_* }
 *      MACSEC_ATTR_TXSA_LIST   { [AN + 1] { MACSEC_SA_ATTR_AN, _PN, _KEYID,
 *                                            _SSCI (XPN), _ACTIVE,
 *                                            _STATS { MACSEC_SA_STATS_ATTR_* } } }
 *      MACSEC_ATTR_RXSC_LIST   { [n] { MACSEC_RXSC_ATTR_SCI, _ACTIVE,
 *                                       _STATS { MACSEC_RXSC_STATS_ATTR_* },
 *                                       _SA_LIST { as TXSA_LIST } } }
 *
 *    MACSEC_CMD_ADD_RXSC, _DEL_RXSC, _UPD_RXSC:
 *      MACSEC_ATTR_IFINDEX, MACSEC_ATTR_RXSC_CONFIG { _SCI, _ACTIVE? }
 *    MACSEC_CMD_ADD_TXSA, _DEL_TXSA, _UPD_TXSA:
 *      MACSEC_ATTR_IFINDEX, MACSEC_ATTR_SA_CONFIG { _AN, _PN, _ACTIVE,
 *                                                   _KEY, _KEYID,
 *                                                   _SSCI, _SALT }
 *    MACSEC_CMD_ADD_RXSA, _DEL_RXSA, _UPD_RXSA:
 *      the same plus MACSEC_ATTR_RXSC_CONFIG { _SCI }
 *
 *    Notifications beyond macsec, sent to the multicast group
 *    MACVX_GENL_MCGRP_EVENTS, one message per event:
 *      MACVX_CMD_TXSA_PN_THRESHOLD: a TX SA handed out the PN equal to the
 *        device's IFLA_MACVX_PN_THRESHOLD, so its key agent should rekey.
 *      MACVX_CMD_TXSA_EXHAUSTED: a TX SA sent its last PN (2^32 - 1, or
 *        2^64 - 1 with XPN) and sends nothing more.
 *    Both carry MACSEC_ATTR_IFINDEX and MACSEC_ATTR_SA_CONFIG
 *    { MACSEC_SA_ATTR_AN, MACSEC_SA_ATTR_PN (u32, or u64 with XPN) }.
 *
 *    Every command except the dump needs CAP_NET_ADMIN in the device's
 *    network namespace. Keys are write-only: no dump or reply carries
 *    MACSEC_SA_ATTR_KEY or MACSEC_SA_ATTR_SALT, and a key is wiped from
 *    memory when its SA is freed.
 */
#ifndef _UAPI_LINUX_MACVX_H
#define _UAPI_LINUX_MACVX_H

#include <linux/types.h>

#define MACVX_GENL_NAME		"macvx"
#define MACVX_GENL_VERSION	1

#define MACVX_GENL_MCGRP_EVENTS	"events"

/* Notification commands; the macsec family's commands stay below 64. */
enum {
	MACVX_CMD_TXSA_PN_THRESHOLD = 64,
	MACVX_CMD_TXSA_EXHAUSTED,
};

/* Default IFLA_MACVX_PN_THRESHOLD: three quarters of the PN space, the
 * point at which wpa_supplicant's MKA starts a rekey.
 */
#define MACVX_DEFAULT_PN_THRESHOLD	0xc0000000ULL
#define MACVX_DEFAULT_XPN_THRESHOLD	0xc000000000000000ULL

/* UDP destination port used when IFLA_MACVX_PORT_DST is absent (IANA). */
#define MACVX_DEFAULT_PORT	4789

enum {
	IFLA_MACVX_UNSPEC,
	/* MACsec SecY, as IFLA_MACSEC_* */
	IFLA_MACVX_SCI,			/* u64, SCI in network byte order */
	IFLA_MACVX_PORT,		/* be16, SCI port (default 1) */
	IFLA_MACVX_ICV_LEN,		/* u8, 8..16 (default 16) */
	IFLA_MACVX_CIPHER_SUITE,	/* u64, MACSEC_CIPHER_ID_* */
	IFLA_MACVX_WINDOW,		/* u32, replay window; changeable */
	IFLA_MACVX_ENCODING_SA,		/* u8, 0..3; changeable */
	IFLA_MACVX_ENCRYPT,		/* u8, 0/1 (default 1); changeable */
	IFLA_MACVX_PROTECT,		/* u8, 0/1 (default 1); changeable */
	IFLA_MACVX_INC_SCI,		/* u8, send_sci (default 1); changeable */
	IFLA_MACVX_ES,			/* u8, end_station; changeable */
	IFLA_MACVX_SCB,			/* u8, scb; changeable */
	IFLA_MACVX_REPLAY_PROTECT,	/* u8, needs WINDOW; changeable */
	IFLA_MACVX_VALIDATION,		/* u8, enum macsec_validation_type;
					 * changeable
					 */
	IFLA_MACVX_PAD,
	IFLA_MACVX_OFFLOAD,		/* u8, only MACSEC_OFFLOAD_OFF */
	/* VXLAN, as the IFLA_VXLAN_* named */
	IFLA_MACVX_ID,			/* u32 VNI, required (IFLA_VXLAN_ID) */
	IFLA_MACVX_REMOTE,		/* in_addr (GROUP, unicast only);
					 * changeable
					 */
	IFLA_MACVX_REMOTE6,		/* in6_addr (GROUP6); changeable */
	IFLA_MACVX_LOCAL,		/* in_addr (LOCAL); changeable */
	IFLA_MACVX_LOCAL6,		/* in6_addr (LOCAL6); changeable */
	IFLA_MACVX_LINK,		/* u32 underlay ifindex (LINK);
					 * changeable
					 */
	IFLA_MACVX_PORT_DST,		/* be16 (PORT), default 4789 */
	IFLA_MACVX_PORT_RANGE,		/* struct ifla_vxlan_port_range */
	IFLA_MACVX_TTL,			/* u8, 0 = auto (TTL); changeable */
	IFLA_MACVX_TOS,			/* u8, 1 = inherit (TOS); changeable */
	IFLA_MACVX_DF,			/* u8, enum ifla_vxlan_df (DF);
					 * changeable
					 */
	IFLA_MACVX_LABEL,		/* be32, IPv6 flow label (LABEL);
					 * changeable
					 */
	IFLA_MACVX_UDP_CSUM,		/* u8 (UDP_CSUM), default 1 */
	IFLA_MACVX_UDP_ZERO_CSUM6_TX,	/* u8 (UDP_ZERO_CSUM6_TX) */
	IFLA_MACVX_UDP_ZERO_CSUM6_RX,	/* u8 (UDP_ZERO_CSUM6_RX) */
	/* macvx only */
	IFLA_MACVX_PN_THRESHOLD,	/* u64, TX PN that triggers
					 * MACVX_CMD_TXSA_PN_THRESHOLD, 0 for
					 * none; changeable
					 */
	__IFLA_MACVX_MAX,
};

#define IFLA_MACVX_MAX (__IFLA_MACVX_MAX - 1)

#endif /* _UAPI_LINUX_MACVX_H */

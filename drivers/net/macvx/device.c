// SPDX-License-Identifier: GPL-2.0
/*
 * The macvx net_device and its rtnetlink link kind "macvx".
 *
 * Attribute meanings, defaults and the rules on what may change after
 * creation follow the macsec and vxlan link kinds, except that encryption
 * is on and the UDP port is 4789 unless configured otherwise.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>
#include <net/vxlan.h>

#include "macvx.h"

/* Everything newlink and changelink may set, staged so that a request is
 * checked completely before any of it takes effect.
 */
struct macvx_params {
	struct macvx_cfg cfg;
	sci_t sci;
	bool sci_set;
	__be16 port;
	u64 csid;
	u8 icv_len;
	bool encrypt;
	bool protect;
	bool send_sci;
	bool end_station;
	bool scb;
	bool replay_protect;
	u32 replay_window;
	u64 pn_threshold;
	bool pn_threshold_set;
	enum macsec_validation_type validate;
	u8 encoding_sa;
};

/**
 * struct macvx_attr_rule - what an IFLA_MACVX_* attribute may contain
 * @len: exact payload length
 * @ranged: the attribute is an integer from @min to @max
 * @min: smallest value
 * @max: largest value
 * @msg: error message, naming the attribute and its ip(8) keyword
 */
struct macvx_attr_rule {
	u8 len;
	bool ranged;
	u8 min;
	u32 max;
	const char *msg;
};

/* RULE() checks only the length, RANGE() the value too. */
#define RULE(attr, l, text) \
	[IFLA_MACVX_##attr] = { .len = l, .msg = text }
#define RANGE(attr, l, lo, hi, text) \
	[IFLA_MACVX_##attr] = { .len = l, .ranged = true, .min = lo, \
				.max = hi, .msg = text }

static const struct macvx_attr_rule macvx_rules[IFLA_MACVX_MAX + 1] = {
	RULE(SCI, 8, "IFLA_MACVX_SCI (sci) must be a u64"),
	RULE(PORT, 2, "IFLA_MACVX_PORT (port) must be a be16"),
	RANGE(ICV_LEN, 1, MACSEC_MIN_ICV_LEN, MACSEC_STD_ICV_LEN,
	      "IFLA_MACVX_ICV_LEN (icvlen) must be a u8 from 8 to 16"),
	RULE(CIPHER_SUITE, 8,
	     "IFLA_MACVX_CIPHER_SUITE (cipher) must be a u64"),
	RULE(WINDOW, 4, "IFLA_MACVX_WINDOW (window) must be a u32"),
	RANGE(ENCODING_SA, 1, 0, MACSEC_NUM_AN - 1,
	      "IFLA_MACVX_ENCODING_SA (encodingsa) must be a u8 from 0 to 3"),
	RANGE(ENCRYPT, 1, 0, 1, "IFLA_MACVX_ENCRYPT (encrypt) must be 0 or 1"),
	RANGE(PROTECT, 1, 0, 1, "IFLA_MACVX_PROTECT (protect) must be 0 or 1"),
	RANGE(INC_SCI, 1, 0, 1, "IFLA_MACVX_INC_SCI (send_sci) must be 0 or 1"),
	RANGE(ES, 1, 0, 1, "IFLA_MACVX_ES (end_station) must be 0 or 1"),
	RANGE(SCB, 1, 0, 1, "IFLA_MACVX_SCB (scb) must be 0 or 1"),
	RANGE(REPLAY_PROTECT, 1, 0, 1,
	      "IFLA_MACVX_REPLAY_PROTECT (replay) must be 0 or 1"),
	RANGE(VALIDATION, 1, 0, MACSEC_VALIDATE_MAX,
	      "IFLA_MACVX_VALIDATION (validate) must be 0 (disabled), 1 (check) or 2 (strict)"),
	RANGE(OFFLOAD, 1, 0, MACSEC_OFFLOAD_OFF,
	      "IFLA_MACVX_OFFLOAD (offload) is not supported: only 0 (off) is accepted"),
	RANGE(ID, 4, 0, VXLAN_N_VID - 1,
	      "IFLA_MACVX_ID (id) must be a u32 below 16777216"),
	RULE(REMOTE, 4, "IFLA_MACVX_REMOTE (remote) must be an IPv4 address"),
	RULE(REMOTE6, 16,
	     "IFLA_MACVX_REMOTE6 (remote) must be an IPv6 address"),
	RULE(LOCAL, 4, "IFLA_MACVX_LOCAL (local) must be an IPv4 address"),
	RULE(LOCAL6, 16, "IFLA_MACVX_LOCAL6 (local) must be an IPv6 address"),
	RULE(LINK, 4, "IFLA_MACVX_LINK (dev) must be a u32 ifindex"),
	RULE(PORT_DST, 2, "IFLA_MACVX_PORT_DST (dstport) must be a be16"),
	RULE(PORT_RANGE, sizeof(struct ifla_vxlan_port_range),
	     "IFLA_MACVX_PORT_RANGE (srcport) must be two be16 ports"),
	RANGE(TTL, 1, 0, 255, "IFLA_MACVX_TTL (ttl) must be a u8"),
	RANGE(TOS, 1, 0, 255, "IFLA_MACVX_TOS (tos) must be a u8"),
	RANGE(DF, 1, 0, VXLAN_DF_MAX,
	      "IFLA_MACVX_DF (df) must be 0 (unset), 1 (set) or 2 (inherit)"),
	RULE(LABEL, 4, "IFLA_MACVX_LABEL (flowlabel) must be a be32"),
	RANGE(UDP_CSUM, 1, 0, 1, "IFLA_MACVX_UDP_CSUM (udpcsum) must be 0 or 1"),
	RANGE(UDP_ZERO_CSUM6_TX, 1, 0, 1,
	      "IFLA_MACVX_UDP_ZERO_CSUM6_TX (udp6zerocsumtx) must be 0 or 1"),
	RULE(PN_THRESHOLD, 8,
	     "IFLA_MACVX_PN_THRESHOLD (pn_threshold) must be a u64"),
	RANGE(UDP_ZERO_CSUM6_RX, 1, 0, 1,
	      "IFLA_MACVX_UDP_ZERO_CSUM6_RX (udp6zerocsumrx) must be 0 or 1"),
};

#undef RULE
#undef RANGE

/* Attributes that only newlink accepts, as for macsec and vxlan. */
static const char * const macvx_fixed[IFLA_MACVX_MAX + 1] = {
	[IFLA_MACVX_SCI] = "IFLA_MACVX_SCI (sci) cannot be changed",
	[IFLA_MACVX_PORT] = "IFLA_MACVX_PORT (port) cannot be changed",
	[IFLA_MACVX_ICV_LEN] = "IFLA_MACVX_ICV_LEN (icvlen) cannot be changed",
	[IFLA_MACVX_CIPHER_SUITE] =
		"IFLA_MACVX_CIPHER_SUITE (cipher) cannot be changed",
	[IFLA_MACVX_OFFLOAD] = "IFLA_MACVX_OFFLOAD (offload) cannot be changed",
	[IFLA_MACVX_ID] = "IFLA_MACVX_ID (id) cannot be changed",
	[IFLA_MACVX_PORT_DST] =
		"IFLA_MACVX_PORT_DST (dstport) cannot be changed",
	[IFLA_MACVX_PORT_RANGE] =
		"IFLA_MACVX_PORT_RANGE (srcport) cannot be changed",
	[IFLA_MACVX_UDP_CSUM] =
		"IFLA_MACVX_UDP_CSUM (udpcsum) cannot be changed",
	[IFLA_MACVX_UDP_ZERO_CSUM6_TX] =
		"IFLA_MACVX_UDP_ZERO_CSUM6_TX (udp6zerocsumtx) cannot be changed",
	[IFLA_MACVX_UDP_ZERO_CSUM6_RX] =
		"IFLA_MACVX_UDP_ZERO_CSUM6_RX (udp6zerocsumrx) cannot be changed",
};

static struct device_type macvx_type = {
	.name = "macvx",
};

bool netif_is_macvx(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &macvx_link_ops;
}

/* Bytes a frame grows by: outer IP, UDP, VXLAN, inner Ethernet, SecTAG
 * with SCI (sized for it whether sent or not, as macsec does) and ICV.
 */
unsigned int macvx_overhead(const struct macvx_cfg *cfg, u8 icv_len)
{
	return (macvx_cfg_ipv6(cfg) ? MACVX_VXLAN_OVERHEAD6 :
				      MACVX_VXLAN_OVERHEAD4) +
	       MACVX_SECTAG_LEN + icv_len;
}

/* The config's underlay device, looked up in the underlay namespace. */
static struct net_device *macvx_lower(struct net *net,
				      const struct macvx_cfg *cfg)
{
	return cfg->link ? __dev_get_by_index(net, cfg->link) : NULL;
}

/* Set MTU limits and headroom from the underlay; RTNL held. */
static void macvx_update_mtu(struct macvx_dev *mvx, struct macvx_cfg *cfg,
			     struct net_device *lower)
{
	unsigned int overhead = macvx_overhead(cfg, mvx->secy.icv_len);
	struct net_device *dev = mvx->dev;
	int max_mtu = ETH_MAX_MTU - overhead;
	unsigned int headroom = ETH_HLEN;

	if (lower) {
		max_mtu = lower->mtu - overhead;
		headroom = lower->hard_header_len + lower->needed_headroom;
		dev->needed_tailroom = lower->needed_tailroom +
				       mvx->secy.icv_len;
		netif_inherit_tso_max(dev, lower);
	} else {
		dev->needed_tailroom = mvx->secy.icv_len;
	}
	max_mtu = max(max_mtu, ETH_MIN_MTU);

	dev->max_mtu = max_mtu;
	if (mvx->mtu_auto) {
		dev_set_mtu(dev, lower ? max_mtu : ETH_DATA_LEN - overhead);
		/* ndo_change_mtu took that for a setting by hand. */
		mvx->mtu_auto = true;
	} else if (dev->mtu > max_mtu) {
		dev_set_mtu(dev, max_mtu);
	}

	/* Outer IPv6 is the largest case; the SecTAG is pushed first. */
	dev->needed_headroom = headroom + MACVX_VXLAN_OVERHEAD6 - ETH_HLEN +
			       MACVX_SECTAG_LEN;
}

/* Check the form of every attribute present; semantics come later. */
static int macvx_validate(struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	int i;

	if (!data)
		return 0;

	for (i = 1; i <= IFLA_MACVX_MAX; i++) {
		const struct macvx_attr_rule *rule = &macvx_rules[i];
		struct nlattr *attr = data[i];
		u32 value;

		if (!attr || !rule->msg)
			continue;
		if (nla_len(attr) != rule->len) {
			macvx_set_err_attr(extack, attr, rule->msg);
			return -EINVAL;
		}
		if (!rule->ranged)
			continue;
		value = rule->len == 1 ? nla_get_u8(attr) : nla_get_u32(attr);
		if (value < rule->min || value > rule->max) {
			macvx_set_err_attr(extack, attr, rule->msg);
			return -EINVAL;
		}
	}
	return 0;
}

static int macvx_csid_key_len(u64 csid, bool *xpn)
{
	switch (csid) {
	case MACSEC_DEFAULT_CIPHER_ID:
	case MACSEC_CIPHER_ID_GCM_AES_128:
		*xpn = false;
		return 16;
	case MACSEC_CIPHER_ID_GCM_AES_256:
		*xpn = false;
		return 32;
	case MACSEC_CIPHER_ID_GCM_AES_XPN_128:
		*xpn = true;
		return 16;
	case MACSEC_CIPHER_ID_GCM_AES_XPN_256:
		*xpn = true;
		return 32;
	}
	return -EINVAL;
}

static int macvx_get_addr(struct nlattr *attr4, struct nlattr *attr6,
			  union macvx_addr *addr)
{
	if (attr4) {
		addr->sin.sin_family = AF_INET;
		addr->sin.sin_addr.s_addr = nla_get_in_addr(attr4);
		return 0;
	}
	if (attr6) {
		if (!IS_ENABLED(CONFIG_IPV6))
			return -EPFNOSUPPORT;
		addr->sin6.sin6_family = AF_INET6;
		addr->sin6.sin6_addr = nla_get_in6_addr(attr6);
	}
	return 0;
}

static bool macvx_addr_is_multicast(const union macvx_addr *addr)
{
	if (addr->sa.sa_family == AF_INET)
		return ipv4_is_multicast(addr->sin.sin_addr.s_addr) ||
		       ipv4_is_lbcast(addr->sin.sin_addr.s_addr);
	if (addr->sa.sa_family == AF_INET6)
		return ipv6_addr_is_multicast(&addr->sin6.sin6_addr);
	return false;
}

/* Stage the VXLAN attributes of @data on top of @p. */
static int macvx_parse_vxlan(struct macvx_params *p, struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	struct macvx_cfg *cfg = &p->cfg;
	int err;

	if (data[IFLA_MACVX_REMOTE] && data[IFLA_MACVX_REMOTE6]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_REMOTE6],
				    "IFLA_MACVX_REMOTE and IFLA_MACVX_REMOTE6 (remote) are exclusive");
		return -EINVAL;
	}
	if (data[IFLA_MACVX_LOCAL] && data[IFLA_MACVX_LOCAL6]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_LOCAL6],
				    "IFLA_MACVX_LOCAL and IFLA_MACVX_LOCAL6 (local) are exclusive");
		return -EINVAL;
	}

	if (data[IFLA_MACVX_ID])
		cfg->vni = nla_get_u32(data[IFLA_MACVX_ID]);
	if (data[IFLA_MACVX_REMOTE] || data[IFLA_MACVX_REMOTE6]) {
		memset(&cfg->remote, 0, sizeof(cfg->remote));
		err = macvx_get_addr(data[IFLA_MACVX_REMOTE],
				     data[IFLA_MACVX_REMOTE6], &cfg->remote);
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_REMOTE6],
					    "IFLA_MACVX_REMOTE6 (remote): IPv6 is not available");
			return err;
		}
		if (macvx_addr_is_multicast(&cfg->remote)) {
			if (data[IFLA_MACVX_REMOTE6])
				NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_REMOTE6],
						    "IFLA_MACVX_REMOTE6 (remote) must be the peer's unicast address: multicast is not supported");
			else
				NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_REMOTE],
						    "IFLA_MACVX_REMOTE (remote) must be the peer's unicast address: multicast and broadcast are not supported");
			return -EINVAL;
		}
	}
	if (data[IFLA_MACVX_LOCAL] || data[IFLA_MACVX_LOCAL6]) {
		memset(&cfg->local, 0, sizeof(cfg->local));
		err = macvx_get_addr(data[IFLA_MACVX_LOCAL],
				     data[IFLA_MACVX_LOCAL6], &cfg->local);
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_LOCAL6],
					    "IFLA_MACVX_LOCAL6 (local): IPv6 is not available");
			return err;
		}
		if (macvx_addr_is_multicast(&cfg->local)) {
			if (data[IFLA_MACVX_LOCAL6])
				NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_LOCAL6],
						    "IFLA_MACVX_LOCAL6 (local) must be a unicast address");
			else
				NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_LOCAL],
						    "IFLA_MACVX_LOCAL (local) must be a unicast address");
			return -EINVAL;
		}
	}
	if (data[IFLA_MACVX_LINK])
		cfg->link = nla_get_u32(data[IFLA_MACVX_LINK]);
	if (data[IFLA_MACVX_PORT_DST]) {
		cfg->dst_port = nla_get_be16(data[IFLA_MACVX_PORT_DST]);
		if (!cfg->dst_port) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_PORT_DST],
					    "IFLA_MACVX_PORT_DST (dstport) must not be 0");
			return -EINVAL;
		}
	}
	if (data[IFLA_MACVX_PORT_RANGE]) {
		const struct ifla_vxlan_port_range *range =
			nla_data(data[IFLA_MACVX_PORT_RANGE]);

		cfg->port_min = ntohs(range->low);
		cfg->port_max = ntohs(range->high);
		if (cfg->port_max < cfg->port_min) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_PORT_RANGE],
					    "IFLA_MACVX_PORT_RANGE (srcport): the maximum is below the minimum");
			return -EINVAL;
		}
	}
	if (data[IFLA_MACVX_TTL])
		cfg->ttl = nla_get_u8(data[IFLA_MACVX_TTL]);
	if (data[IFLA_MACVX_TOS])
		cfg->tos = nla_get_u8(data[IFLA_MACVX_TOS]);
	if (data[IFLA_MACVX_DF])
		cfg->df = nla_get_u8(data[IFLA_MACVX_DF]);
	if (data[IFLA_MACVX_LABEL]) {
		cfg->label = nla_get_be32(data[IFLA_MACVX_LABEL]);
		if (cfg->label & ~IPV6_FLOWLABEL_MASK) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_LABEL],
					    "IFLA_MACVX_LABEL (flowlabel) must fit in 20 bits");
			return -EINVAL;
		}
	}
	if (data[IFLA_MACVX_UDP_CSUM])
		cfg->udp_csum = nla_get_u8(data[IFLA_MACVX_UDP_CSUM]);
	if (data[IFLA_MACVX_UDP_ZERO_CSUM6_TX])
		cfg->udp_zero_csum6_tx =
			nla_get_u8(data[IFLA_MACVX_UDP_ZERO_CSUM6_TX]);
	if (data[IFLA_MACVX_UDP_ZERO_CSUM6_RX])
		cfg->udp_zero_csum6_rx =
			nla_get_u8(data[IFLA_MACVX_UDP_ZERO_CSUM6_RX]);
	return 0;
}

/* Stage the MACsec SecY attributes of @data on top of @p. */
static int macvx_parse_secy(struct macvx_params *p, struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	bool xpn;

	if (data[IFLA_MACVX_SCI]) {
		p->sci = macvx_nla_get_sci(data[IFLA_MACVX_SCI]);
		p->sci_set = true;
	}
	if (data[IFLA_MACVX_PORT])
		p->port = nla_get_be16(data[IFLA_MACVX_PORT]);
	if (data[IFLA_MACVX_ICV_LEN])
		p->icv_len = nla_get_u8(data[IFLA_MACVX_ICV_LEN]);
	if (data[IFLA_MACVX_CIPHER_SUITE]) {
		p->csid = nla_get_u64(data[IFLA_MACVX_CIPHER_SUITE]);
		if (macvx_csid_key_len(p->csid, &xpn) < 0) {
			NL_SET_ERR_MSG_ATTR(extack,
					    data[IFLA_MACVX_CIPHER_SUITE],
					    "IFLA_MACVX_CIPHER_SUITE (cipher): unknown cipher suite, use gcm-aes-128, gcm-aes-256, gcm-aes-xpn-128 or gcm-aes-xpn-256");
			return -EINVAL;
		}
		if (p->csid == MACSEC_DEFAULT_CIPHER_ID)
			p->csid = MACSEC_CIPHER_ID_GCM_AES_128;
	}

	/* Like macsec, these combinations are checked within one request. */
	if (data[IFLA_MACVX_INC_SCI] && nla_get_u8(data[IFLA_MACVX_INC_SCI]) &&
	    ((data[IFLA_MACVX_ES] && nla_get_u8(data[IFLA_MACVX_ES])) ||
	     (data[IFLA_MACVX_SCB] && nla_get_u8(data[IFLA_MACVX_SCB])))) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_INC_SCI],
				    "IFLA_MACVX_INC_SCI (send_sci) cannot be on with end_station or scb");
		return -EINVAL;
	}
	if (data[IFLA_MACVX_ES] && nla_get_u8(data[IFLA_MACVX_ES]) &&
	    data[IFLA_MACVX_SCB] && nla_get_u8(data[IFLA_MACVX_SCB])) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_SCB],
				    "IFLA_MACVX_SCB (scb) cannot be on with end_station");
		return -EINVAL;
	}
	if (data[IFLA_MACVX_REPLAY_PROTECT] &&
	    nla_get_u8(data[IFLA_MACVX_REPLAY_PROTECT]) &&
	    !data[IFLA_MACVX_WINDOW]) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_REPLAY_PROTECT],
				    "IFLA_MACVX_REPLAY_PROTECT (replay) on needs IFLA_MACVX_WINDOW (window)");
		return -EINVAL;
	}

	if (data[IFLA_MACVX_ENCRYPT])
		p->encrypt = nla_get_u8(data[IFLA_MACVX_ENCRYPT]);
	if (data[IFLA_MACVX_PROTECT])
		p->protect = nla_get_u8(data[IFLA_MACVX_PROTECT]);
	if (data[IFLA_MACVX_INC_SCI])
		p->send_sci = nla_get_u8(data[IFLA_MACVX_INC_SCI]);
	if (data[IFLA_MACVX_ES])
		p->end_station = nla_get_u8(data[IFLA_MACVX_ES]);
	if (data[IFLA_MACVX_SCB])
		p->scb = nla_get_u8(data[IFLA_MACVX_SCB]);
	if (data[IFLA_MACVX_REPLAY_PROTECT])
		p->replay_protect = nla_get_u8(data[IFLA_MACVX_REPLAY_PROTECT]);
	if (data[IFLA_MACVX_WINDOW])
		p->replay_window = nla_get_u32(data[IFLA_MACVX_WINDOW]);
	if (data[IFLA_MACVX_VALIDATION])
		p->validate = nla_get_u8(data[IFLA_MACVX_VALIDATION]);
	if (data[IFLA_MACVX_ENCODING_SA])
		p->encoding_sa = nla_get_u8(data[IFLA_MACVX_ENCODING_SA]);
	if (data[IFLA_MACVX_PN_THRESHOLD]) {
		p->pn_threshold = nla_get_u64(data[IFLA_MACVX_PN_THRESHOLD]);
		p->pn_threshold_set = true;
	}

	macvx_csid_key_len(p->csid, &xpn);
	if (!p->pn_threshold_set)
		p->pn_threshold = xpn ? MACVX_DEFAULT_XPN_THRESHOLD :
					MACVX_DEFAULT_PN_THRESHOLD;
	if (!xpn && p->pn_threshold > U32_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_PN_THRESHOLD],
				    "IFLA_MACVX_PN_THRESHOLD (pn_threshold) must be below 2^32 without an XPN cipher suite");
		return -EINVAL;
	}
	if (xpn && p->replay_window > MACVX_XPN_MAX_WINDOW) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_WINDOW],
				    "IFLA_MACVX_WINDOW (window) must be below 2^30 with an XPN cipher suite");
		return -EINVAL;
	}
	return 0;
}

/* Name, of the address attributes in @data, the one that set a family
 * the other address does not have.
 */
static const int macvx_addr_attrs[] = {
	IFLA_MACVX_LOCAL6, IFLA_MACVX_LOCAL, IFLA_MACVX_REMOTE6,
	IFLA_MACVX_REMOTE,
};

static const char * const macvx_family_msgs[] = {
	"IFLA_MACVX_LOCAL6 (local) must be of the address family of remote",
	"IFLA_MACVX_LOCAL (local) must be of the address family of remote",
	"IFLA_MACVX_REMOTE6 (remote) must be of the address family of local",
	"IFLA_MACVX_REMOTE (remote) must be of the address family of local",
};

static void macvx_family_error(struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(macvx_addr_attrs); i++) {
		if (data[macvx_addr_attrs[i]]) {
			macvx_set_err_attr(extack, data[macvx_addr_attrs[i]],
					   macvx_family_msgs[i]);
			return;
		}
	}
}

/* Checks that need the whole staged configuration. */
static int macvx_check_params(struct net *net, struct macvx_dev *self,
			      struct macvx_params *p, struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	struct macvx_net *mn = net_generic(net, macvx_net_id);
	struct macvx_cfg *cfg = &p->cfg;
	struct macvx_dev *other;

	if (cfg->remote.sa.sa_family && cfg->local.sa.sa_family &&
	    cfg->remote.sa.sa_family != cfg->local.sa.sa_family) {
		macvx_family_error(data, extack);
		return -EINVAL;
	}
	if (cfg->label && !macvx_cfg_ipv6(cfg)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_LABEL],
				    "IFLA_MACVX_LABEL (flowlabel) needs an IPv6 remote or local address");
		return -EINVAL;
	}
	if (cfg->link && !__dev_get_by_index(net, cfg->link)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_LINK],
				    "IFLA_MACVX_LINK (dev): underlay device not found");
		return -ENODEV;
	}

	list_for_each_entry(other, &mn->dev_list, list) {
		struct macvx_cfg *ocfg = rtnl_dereference(other->cfg);

		if (other == self || ocfg->vni != cfg->vni ||
		    ocfg->dst_port != cfg->dst_port ||
		    macvx_cfg_ipv6(ocfg) != macvx_cfg_ipv6(cfg))
			continue;
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_ID],
				    "IFLA_MACVX_ID (id): a macvx device with this VNI already uses this UDP port");
		return -EEXIST;
	}
	return 0;
}

static void macvx_params_from_dev(struct macvx_params *p,
				  struct macvx_dev *mvx)
{
	struct macvx_secy *secy = &mvx->secy;

	memset(p, 0, sizeof(*p));
	p->cfg = *rtnl_dereference(mvx->cfg);
	p->sci = secy->sci;
	p->csid = secy->csid;
	p->icv_len = secy->icv_len;
	p->encrypt = secy->tx_sc.encrypt;
	p->protect = secy->protect;
	p->send_sci = secy->tx_sc.send_sci;
	p->end_station = secy->tx_sc.end_station;
	p->scb = secy->tx_sc.scb;
	p->replay_protect = secy->replay_protect;
	p->replay_window = secy->replay_window;
	p->validate = secy->validate_frames;
	p->encoding_sa = secy->tx_sc.encoding_sa;
	p->pn_threshold = secy->pn_threshold;
	p->pn_threshold_set = true;
}

/* Make the SecY settings of @p current; data path readers see each field
 * change on its own, as with macsec.
 */
static void macvx_apply_secy(struct macvx_secy *secy,
			     const struct macvx_params *p)
{
	WRITE_ONCE(secy->tx_sc.encrypt, p->encrypt);
	WRITE_ONCE(secy->tx_sc.send_sci, p->send_sci);
	WRITE_ONCE(secy->tx_sc.end_station, p->end_station);
	WRITE_ONCE(secy->tx_sc.scb, p->scb);
	WRITE_ONCE(secy->protect, p->protect);
	WRITE_ONCE(secy->replay_window, p->replay_window);
	WRITE_ONCE(secy->replay_protect, p->replay_protect);
	WRITE_ONCE(secy->validate_frames, p->validate);
	WRITE_ONCE(secy->tx_sc.encoding_sa, p->encoding_sa);
	WRITE_ONCE(secy->pn_threshold, p->pn_threshold);
	macvx_secy_update_operational(secy);
}

static struct macvx_cfg *macvx_cfg_alloc(const struct macvx_cfg *from)
{
	struct macvx_cfg *cfg;

	cfg = kmemdup(from, sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return NULL;
	if (dst_cache_init(&cfg->dst_cache, GFP_KERNEL)) {
		kfree(cfg);
		return NULL;
	}
	return cfg;
}

static void macvx_cfg_free_rcu(struct rcu_head *head)
{
	struct macvx_cfg *cfg = container_of(head, struct macvx_cfg, rcu);

	dst_cache_destroy(&cfg->dst_cache);
	kfree(cfg);
}

static void macvx_cfg_free(struct macvx_cfg *cfg)
{
	if (cfg)
		call_rcu(&cfg->rcu, macvx_cfg_free_rcu);
}

static int macvx_newlink(struct net *src_net, struct net_device *dev,
			 struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	struct macvx_net *mn = net_generic(src_net, macvx_net_id);
	struct macvx_dev *mvx = macvx_priv(dev);
	struct macvx_secy *secy = &mvx->secy;
	struct macvx_params p = {
		.cfg = {
			.dst_port = htons(MACVX_DEFAULT_PORT),
			.udp_csum = true,
		},
		.port = MACVX_PORT_ES,
		.csid = MACSEC_CIPHER_ID_GCM_AES_128,
		.icv_len = MACSEC_DEFAULT_ICV_LEN,
		.encrypt = true,
		.protect = true,
		.send_sci = true,
		.validate = MACSEC_VALIDATE_STRICT,
	};
	struct macvx_cfg *cfg;
	bool xpn;
	int err;

	if (!data || !data[IFLA_MACVX_ID]) {
		NL_SET_ERR_MSG(extack, "IFLA_MACVX_ID (id) is required");
		return -EINVAL;
	}

	err = macvx_parse_vxlan(&p, data, extack);
	if (!err)
		err = macvx_parse_secy(&p, data, extack);
	if (!err)
		err = macvx_check_params(src_net, NULL, &p, data, extack);
	if (err)
		return err;

	err = macvx_csid_key_len(p.csid, &xpn);
	if (macvx_crypto_check(err, p.icv_len)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_MACVX_ICV_LEN],
				    "IFLA_MACVX_ICV_LEN (icvlen): the gcm(aes) implementation rejects this ICV length");
		return -EINVAL;
	}

	secy->csid = p.csid;
	secy->key_len = err;
	secy->xpn = xpn;
	secy->icv_len = p.icv_len;
	secy->sci = p.sci_set ? p.sci : macvx_make_sci(dev->dev_addr, p.port);

	cfg = macvx_cfg_alloc(&p.cfg);
	if (!cfg)
		return -ENOMEM;

	err = macvx_secy_init(secy);
	if (err) {
		macvx_cfg_free(cfg);
		return err;
	}
	macvx_apply_secy(secy, &p);

	mvx->dev = dev;
	mvx->net = src_net;
	mvx->mtu_auto = !tb[IFLA_MTU];
	WRITE_ONCE(mvx->link, cfg->link);
	RCU_INIT_POINTER(mvx->cfg, cfg);

	err = register_netdevice(dev);
	if (err)
		goto err_free;

	macvx_update_mtu(mvx, cfg, macvx_lower(src_net, cfg));
	if (tb[IFLA_MTU] && dev->mtu != nla_get_u32(tb[IFLA_MTU])) {
		NL_SET_ERR_MSG(extack,
			       "mtu is larger than the underlay allows with the macvx overhead");
		err = -EINVAL;
		goto err_unregister;
	}

	list_add(&mvx->list, &mn->dev_list);
	return 0;

err_unregister:
	/* ndo_uninit and the destructor free the SecY and configuration. */
	unregister_netdevice(dev);
	return err;
err_free:
	/* When register_netdevice() failed after ndo_init, it already ran
	 * ndo_uninit and the destructor, and the steps below skip what is
	 * gone. When it failed before, they free the SecY, the statistics
	 * and the configuration here.
	 */
	macvx_secy_free(secy);
	macvx_secy_free_stats(secy);
	macvx_cfg_free(rtnl_dereference(mvx->cfg));
	RCU_INIT_POINTER(mvx->cfg, NULL);
	return err;
}

static int macvx_changelink(struct net_device *dev, struct nlattr *tb[],
			    struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	struct macvx_dev *mvx = macvx_priv(dev);
	struct macvx_cfg *old, *cfg;
	struct macvx_params p;
	bool link_changed;
	int err, i;

	if (!data)
		return 0;

	for (i = 1; i <= IFLA_MACVX_MAX; i++) {
		if (data[i] && macvx_fixed[i]) {
			macvx_set_err_attr(extack, data[i], macvx_fixed[i]);
			return -EOPNOTSUPP;
		}
	}

	old = rtnl_dereference(mvx->cfg);
	macvx_params_from_dev(&p, mvx);
	err = macvx_parse_vxlan(&p, data, extack);
	if (!err)
		err = macvx_parse_secy(&p, data, extack);
	if (!err)
		err = macvx_check_params(mvx->net, mvx, &p, data, extack);
	if (err)
		return err;

	/* The UDP socket was chosen by address family. */
	if (macvx_cfg_ipv6(&p.cfg) != macvx_cfg_ipv6(old)) {
		macvx_family_error(data, extack);
		return -EINVAL;
	}

	cfg = macvx_cfg_alloc(&p.cfg);
	if (!cfg)
		return -ENOMEM;

	link_changed = cfg->link != old->link;
	macvx_apply_secy(&mvx->secy, &p);
	rcu_assign_pointer(mvx->cfg, cfg);
	WRITE_ONCE(mvx->link, cfg->link);
	macvx_cfg_free(old);

	if (link_changed)
		macvx_update_mtu(mvx, cfg, macvx_lower(mvx->net, cfg));
	return 0;
}

static void macvx_dellink(struct net_device *dev, struct list_head *head)
{
	struct macvx_dev *mvx = macvx_priv(dev);

	list_del(&mvx->list);
	unregister_netdevice_queue(dev, head);
}

static size_t macvx_get_size(const struct net_device *dev)
{
	return nla_total_size_64bit(8) +	/* SCI */
	       nla_total_size(1) +		/* ICV_LEN */
	       nla_total_size_64bit(8) +	/* CIPHER_SUITE */
	       nla_total_size(4) +		/* WINDOW */
	       nla_total_size_64bit(8) +	/* PN_THRESHOLD */
	       nla_total_size(1) * 8 +		/* the SecY flags */
	       nla_total_size(4) +		/* ID */
	       nla_total_size(16) * 2 +		/* REMOTE(6), LOCAL(6) */
	       nla_total_size(4) +		/* LINK */
	       nla_total_size(2) +		/* PORT_DST */
	       nla_total_size(sizeof(struct ifla_vxlan_port_range)) +
	       nla_total_size(1) * 3 +		/* TTL, TOS, DF */
	       nla_total_size(4) +		/* LABEL */
	       nla_total_size(1) * 3;		/* the checksum flags */
}

static int macvx_fill_addr(struct sk_buff *skb, int attr4, int attr6,
			   const union macvx_addr *addr)
{
	if (addr->sa.sa_family == AF_INET)
		return nla_put_in_addr(skb, attr4, addr->sin.sin_addr.s_addr);
	if (addr->sa.sa_family == AF_INET6)
		return nla_put_in6_addr(skb, attr6, &addr->sin6.sin6_addr);
	return 0;
}

static int macvx_fill_secy(struct sk_buff *skb, const struct macvx_secy *secy)
{
	u64 csid = secy->csid;

	/* Reported like macsec does, for tools that compare the two. */
	if (csid == MACSEC_CIPHER_ID_GCM_AES_128)
		csid = MACSEC_DEFAULT_CIPHER_ID;

	if (macvx_nla_put_sci(skb, IFLA_MACVX_SCI, secy->sci, IFLA_MACVX_PAD) ||
	    nla_put_u8(skb, IFLA_MACVX_ICV_LEN, secy->icv_len) ||
	    nla_put_u64_64bit(skb, IFLA_MACVX_CIPHER_SUITE, csid,
			      IFLA_MACVX_PAD) ||
	    nla_put_u8(skb, IFLA_MACVX_ENCODING_SA, secy->tx_sc.encoding_sa) ||
	    nla_put_u8(skb, IFLA_MACVX_ENCRYPT, secy->tx_sc.encrypt) ||
	    nla_put_u8(skb, IFLA_MACVX_PROTECT, secy->protect) ||
	    nla_put_u8(skb, IFLA_MACVX_INC_SCI, secy->tx_sc.send_sci) ||
	    nla_put_u8(skb, IFLA_MACVX_ES, secy->tx_sc.end_station) ||
	    nla_put_u8(skb, IFLA_MACVX_SCB, secy->tx_sc.scb) ||
	    nla_put_u8(skb, IFLA_MACVX_REPLAY_PROTECT, secy->replay_protect) ||
	    nla_put_u8(skb, IFLA_MACVX_VALIDATION, secy->validate_frames))
		return -EMSGSIZE;
	if (secy->replay_protect &&
	    nla_put_u32(skb, IFLA_MACVX_WINDOW, secy->replay_window))
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, IFLA_MACVX_PN_THRESHOLD, secy->pn_threshold,
			      IFLA_MACVX_PAD))
		return -EMSGSIZE;
	return 0;
}

static int macvx_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct macvx_dev *mvx = macvx_priv(dev);
	struct macvx_cfg *cfg = rtnl_dereference(mvx->cfg);
	struct ifla_vxlan_port_range range = {
		.low = htons(cfg->port_min),
		.high = htons(cfg->port_max),
	};

	if (macvx_fill_secy(skb, &mvx->secy) ||
	    nla_put_u32(skb, IFLA_MACVX_ID, cfg->vni) ||
	    macvx_fill_addr(skb, IFLA_MACVX_REMOTE, IFLA_MACVX_REMOTE6,
			    &cfg->remote) ||
	    macvx_fill_addr(skb, IFLA_MACVX_LOCAL, IFLA_MACVX_LOCAL6,
			    &cfg->local) ||
	    (cfg->link && nla_put_u32(skb, IFLA_MACVX_LINK, cfg->link)) ||
	    nla_put_be16(skb, IFLA_MACVX_PORT_DST, cfg->dst_port) ||
	    nla_put(skb, IFLA_MACVX_PORT_RANGE, sizeof(range), &range) ||
	    nla_put_u8(skb, IFLA_MACVX_TTL, cfg->ttl) ||
	    nla_put_u8(skb, IFLA_MACVX_TOS, cfg->tos) ||
	    nla_put_u8(skb, IFLA_MACVX_DF, cfg->df) ||
	    nla_put_be32(skb, IFLA_MACVX_LABEL, cfg->label) ||
	    nla_put_u8(skb, IFLA_MACVX_UDP_CSUM, cfg->udp_csum) ||
	    nla_put_u8(skb, IFLA_MACVX_UDP_ZERO_CSUM6_TX,
		       cfg->udp_zero_csum6_tx) ||
	    nla_put_u8(skb, IFLA_MACVX_UDP_ZERO_CSUM6_RX,
		       cfg->udp_zero_csum6_rx))
		return -EMSGSIZE;
	return 0;
}

static struct net *macvx_get_link_net(const struct net_device *dev)
{
	return macvx_priv(dev)->net;
}

/* The device exists from here to its destructor, which every later
 * failure of register_netdevice() runs too.
 */
static int macvx_init(struct net_device *dev)
{
	int err;

	err = gro_cells_init(&macvx_priv(dev)->gro_cells, dev);
	if (err)
		return err;
	pr_debug("device %p created as %s\n", dev, dev->name);
	return 0;
}

/* Runs when the device is unregistered. Asynchronous crypto operations
 * may still complete afterwards: they hold a reference on the device and
 * their SA, find no configuration and drop the frame, so the statistics
 * they touch are freed only by the destructor.
 */
static void macvx_uninit(struct net_device *dev)
{
	struct macvx_dev *mvx = macvx_priv(dev);

	gro_cells_destroy(&mvx->gro_cells);
	macvx_secy_free(&mvx->secy);
	macvx_cfg_free(rtnl_dereference(mvx->cfg));
	RCU_INIT_POINTER(mvx->cfg, NULL);
}

/* Runs after the last reference on the device is gone. */
static void macvx_destructor(struct net_device *dev)
{
	macvx_secy_free_stats(&macvx_priv(dev)->secy);
	pr_debug("device %p destroyed\n", dev);
}

static int macvx_open(struct net_device *dev)
{
	return macvx_sock_open(macvx_priv(dev));
}

static int macvx_stop(struct net_device *dev)
{
	macvx_sock_close(macvx_priv(dev));
	return 0;
}

static int macvx_change_mtu(struct net_device *dev, int mtu)
{
	macvx_priv(dev)->mtu_auto = false;
	dev->mtu = mtu;
	return 0;
}

/* Without an underlay device the device is its own link, as for vxlan
 * devices without "dev", so that ip(8) prints no "@NONE".
 */
static int macvx_get_iflink(const struct net_device *dev)
{
	int link = READ_ONCE(macvx_priv(dev)->link);

	return link ? : dev->ifindex;
}

static const struct net_device_ops macvx_netdev_ops = {
	.ndo_init		= macvx_init,
	.ndo_uninit		= macvx_uninit,
	.ndo_open		= macvx_open,
	.ndo_stop		= macvx_stop,
	.ndo_start_xmit		= macvx_start_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_change_mtu		= macvx_change_mtu,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_iflink		= macvx_get_iflink,
};

#define MACVX_FEATURES (NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
			NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE)

static void macvx_setup(struct net_device *dev)
{
	ether_setup(dev);
	eth_hw_addr_random(dev);

	dev->netdev_ops = &macvx_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = macvx_destructor;
	SET_NETDEV_DEVTYPE(dev, &macvx_type);

	dev->features |= MACVX_FEATURES;
	dev->hw_features |= MACVX_FEATURES;
	dev->vlan_features = dev->features;
	macvx_set_lltx(dev);
	netif_keep_dst(dev);
	/* netpoll may transmit from hard interrupt context, where the per-CPU
	 * cipher requests, owned by BH context, could be in use.
	 */
	dev->priv_flags |= IFF_NO_QUEUE | IFF_DISABLE_NETPOLL;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;

	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	dev->mtu = ETH_DATA_LEN - MACVX_VXLAN_OVERHEAD4 - MACVX_SECTAG_LEN -
		   MACSEC_DEFAULT_ICV_LEN;
}

struct rtnl_link_ops macvx_link_ops __read_mostly = {
	.kind		= "macvx",
	.maxtype	= IFLA_MACVX_MAX,
	/* No policy: macvx_validate() checks each attribute itself, so that
	 * its error messages can name the attribute.
	 */
	.priv_size	= sizeof(struct macvx_dev),
	.setup		= macvx_setup,
	.validate	= macvx_validate,
	.newlink	= macvx_newlink,
	.changelink	= macvx_changelink,
	.dellink	= macvx_dellink,
	.get_size	= macvx_get_size,
	.fill_info	= macvx_fill_info,
	.get_link_net	= macvx_get_link_net,
};

/* Follow the underlay's MTU, and go away with it, as vxlan does. */
void macvx_underlay_event(struct net_device *lower, unsigned long event,
			  struct list_head *kill)
{
	struct macvx_net *mn = net_generic(dev_net(lower), macvx_net_id);
	struct macvx_dev *mvx, *next;

	list_for_each_entry_safe(mvx, next, &mn->dev_list, list) {
		struct macvx_cfg *cfg = rtnl_dereference(mvx->cfg);

		if (cfg->link != lower->ifindex)
			continue;
		if (event == NETDEV_UNREGISTER)
			macvx_dellink(mvx->dev, kill);
		else
			macvx_update_mtu(mvx, cfg, lower);
	}
}

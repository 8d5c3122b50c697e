/* SPDX-License-Identifier: GPL-2.0 */
/*
 * macvx private definitions: the device, its SecY (one per device), the
 * TX secure channel, the RX secure channels and their secure associations.
 *
 * Locking: every configuration change runs under RTNL. The data path reads
 * configuration under RCU (BH) and never takes a lock per packet: TX packet
 * numbers come from an atomic64, RX replay state moves forward by cmpxchg.
 */
#ifndef _MACVX_H
#define _MACVX_H

#include <linux/netdevice.h>
#include <net/netlink.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include <net/macsec.h>
#include <linux/if_macsec.h>
#include <linux/if_link.h>
#include <linux/macvx.h>

#include "compat.h"

/* 802.1AE 9.3: SecTAG = EtherType (2) + TCI/AN (1) + SL (1) + PN (4), plus
 * an optional 8-byte SCI.
 */
#define MACVX_SECTAG_LEN_NOSCI	8
#define MACVX_SECTAG_LEN	16
#define MACVX_PN_LEN		4

/* TCI bits, 802.1AE 9.5 */
#define MACVX_TCI_VERSION	0x80
#define MACVX_TCI_ES		0x40
#define MACVX_TCI_SC		0x20
#define MACVX_TCI_SCB		0x10
#define MACVX_TCI_E		0x08
#define MACVX_TCI_C		0x04
#define MACVX_AN_MASK		0x03
#define MACVX_TCI_CONFID	(MACVX_TCI_E | MACVX_TCI_C)

/* 802.1AE 9.7: SL is the secure data length when it is below 48. */
#define MACVX_SHORT_LEN_LIMIT	48

/* SCI port of an end station (802.1AE 9.9) and the default port */
#define MACVX_PORT_ES		htons(1)

/* Largest replay window with XPN: half the 32-bit PN space, less one bit
 * of margin, as macsec allows (802.1AEbw 10.7.8).
 */
#define MACVX_XPN_MAX_WINDOW	((1U << 30) - 1)

/* Outer headers: IP + UDP (8) + VXLAN (8) + inner Ethernet (14) */
#define MACVX_VXLAN_OVERHEAD4	(20 + 8 + 8 + ETH_HLEN)
#define MACVX_VXLAN_OVERHEAD6	(40 + 8 + 8 + ETH_HLEN)

/* Frames are made linear before the cipher runs over them, in place, so a
 * request needs one scatterlist entry.
 */
#define MACVX_MAX_SG		1

struct macvx_sectag {
	u8 tci_an;
	u8 short_length;
	__be32 packet_number;
	u8 secure_channel_id[8];	/* only when TCI.SC is set */
} __packed;

/**
 * struct macvx_key - one SAK with its cipher state
 * @tfm: gcm(aes) transform holding the expanded key; the raw key is not kept
 * @id: key identifier (KEYID), the only part of the key that is ever dumped
 * @salt: XPN salt (802.1AEbw 10.7.8), unused otherwise
 * @ssci: XPN short SCI, unused otherwise
 * @reqs: per-CPU preallocated crypto requests for this transform
 */
struct macvx_key {
	struct crypto_aead *tfm;
	u8 id[MACSEC_KEYID_LEN];
	salt_t salt;
	ssci_t ssci;
	struct macvx_req __percpu *reqs;
	unsigned int req_size;
};

enum macvx_sa_flag {
	/* The SA sent its last PN and must not send again (802.1AE 10.6.2). */
	MACVX_SA_EXHAUSTED,
};

/**
 * struct macvx_tx_sa - transmit secure association
 * @next_pn: next packet number to send; the full 64 bits with XPN
 */
struct macvx_tx_sa {
	struct macvx_key key;
	atomic64_t next_pn;
	unsigned long flags;
	bool active;
	struct macsec_tx_sa_stats __percpu *stats;
	refcount_t refcnt;
	struct rcu_head rcu;
};

/* PNs remembered per RX SA to reject duplicates inside the replay window. */
#define MACVX_REPLAY_SLOTS	64

/* RX SA flags */
#define MACVX_RX_SA_LAST_PN	0	/* the last XPN PN was accepted */

/**
 * struct macvx_rx_sa - receive secure association
 * @next_pn: highest PN seen valid plus one, as macsec's next_pn
 * @accepted: for each residue of the PN modulo MACVX_REPLAY_SLOTS, the
 *	highest PN of that residue accepted, plus one; 0 when none was
 * @flags: MACVX_RX_SA_* bits
 * @sc: the channel this SA belongs to; the SA holds a reference on it
 */
struct macvx_rx_sa {
	struct macvx_key key;
	atomic64_t next_pn;
	atomic64_t accepted[MACVX_REPLAY_SLOTS];
	unsigned long flags;
	bool active;
	struct macsec_rx_sa_stats __percpu *stats;
	struct macvx_rx_sc *sc;
	refcount_t refcnt;
	struct rcu_head rcu;
};

struct macvx_rx_sc_stats {
	struct macsec_rx_sc_stats stats;
	struct u64_stats_sync syncp;
};

struct macvx_tx_sc_stats {
	struct macsec_tx_sc_stats stats;
	struct u64_stats_sync syncp;
};

struct macvx_secy_stats {
	struct macsec_dev_stats stats;
	struct u64_stats_sync syncp;
};

/**
 * struct macvx_rx_sc - receive secure channel, one per peer SCI
 * @node: entry in &macvx_secy.rx_scs, keyed by @sci
 * @list: entry in &macvx_secy.rx_sc_list, for dumps in creation order
 *
 * A later peer endpoint (underlay address learnt from authenticated
 * frames) belongs here, so that several peers can share one device.
 */
struct macvx_rx_sc {
	struct rhash_head node;
	struct list_head list;
	sci_t sci;
	bool active;
	struct macvx_rx_sa __rcu *sa[MACSEC_NUM_AN];
	struct macvx_rx_sc_stats __percpu *stats;
	refcount_t refcnt;
	struct rcu_head rcu;
};

struct macvx_tx_sc {
	bool encrypt;
	bool send_sci;
	bool end_station;
	bool scb;
	u8 encoding_sa;
	struct macvx_tx_sa __rcu *sa[MACSEC_NUM_AN];
	struct macvx_tx_sc_stats __percpu *stats;
};

/**
 * struct macvx_secy - the SecY of a device (802.1AE 10.7)
 * @csid: cipher suite, MACSEC_CIPHER_ID_*, never the deprecated alias
 * @pn_threshold: TX PN whose use is announced to key agents, 0 for none
 * @n_rx_sc: number of active RX SCs
 * @rx_sc_single: the RX SC while it is the only one and active, else NULL
 * @rx_scs: RX SCs by SCI
 * @rx_sc_list: all RX SCs, RTNL protected
 */
struct macvx_secy {
	sci_t sci;
	u64 csid;
	u16 key_len;
	bool xpn;
	u8 icv_len;
	bool protect;
	bool replay_protect;
	bool operational;
	u32 replay_window;
	u64 pn_threshold;
	enum macsec_validation_type validate_frames;
	struct macvx_tx_sc tx_sc;
	unsigned int n_rx_sc;
	struct macvx_rx_sc __rcu *rx_sc_single;
	struct rhashtable rx_scs;
	struct list_head rx_sc_list;
	struct macvx_secy_stats __percpu *stats;
};

union macvx_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/**
 * struct macvx_cfg - VXLAN side of the configuration
 * @dst_cache: route to @remote, valid for this configuration only
 *
 * Changes replace the whole structure under RTNL, and readers on the data
 * path see either the old or the new one through RCU, never a mix.
 */
struct macvx_cfg {
	struct rcu_head rcu;
	struct dst_cache dst_cache;
	u32 vni;
	union macvx_addr remote;
	union macvx_addr local;
	int link;
	__be16 dst_port;
	u16 port_min;
	u16 port_max;
	u8 ttl;
	u8 tos;
	enum ifla_vxlan_df df;
	__be32 label;
	bool udp_csum;
	bool udp_zero_csum6_tx;
	bool udp_zero_csum6_rx;
};

/**
 * struct macvx_sock - a UDP encapsulation socket shared by devices
 * @vni_hash: devices using this socket, by VNI
 * @users: devices that are up on it, RTNL protected
 */
#define MACVX_VNI_HASH_BITS	8

struct macvx_sock {
	struct list_head list;
	struct rcu_head rcu;
	struct socket *sock;
	struct hlist_head vni_hash[1 << MACVX_VNI_HASH_BITS];
	unsigned int users;
	__be16 port;
	bool ipv6;
	bool zero_csum6_rx;
};

/* Per network namespace state, RTNL protected */
struct macvx_net {
	struct list_head dev_list;
	struct list_head sock_list;
};

extern unsigned int macvx_net_id;

/**
 * struct macvx_dev - private data of a macvx net_device
 * @net: network namespace of the underlay (sockets and routes)
 * @list: entry in the per-netns device list
 * @vni_node: entry in the socket's VNI table
 * @link: ifindex of the underlay device, 0 for none; a copy of
 *	&macvx_cfg.link readable without RTNL or RCU
 * @mtu_auto: the MTU follows the underlay because none was configured
 */
struct macvx_dev {
	struct net_device *dev;
	struct net *net;
	struct list_head list;
	struct hlist_node vni_node;
	struct macvx_sock __rcu *sock;
	struct macvx_cfg __rcu *cfg;
	struct macvx_secy secy;
	struct gro_cells gro_cells;
	int link;
	bool mtu_auto;
};

static inline struct macvx_dev *macvx_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

static inline bool macvx_cfg_ipv6(const struct macvx_cfg *cfg)
{
	return cfg->remote.sa.sa_family == AF_INET6 ||
	       cfg->local.sa.sa_family == AF_INET6;
}

/* SCI = MAC address followed by the port, in network byte order */
static inline sci_t macvx_make_sci(const u8 *addr, __be16 port)
{
	sci_t sci;

	memcpy(&sci, addr, ETH_ALEN);
	memcpy(((char *)&sci) + ETH_ALEN, &port, sizeof(port));
	return sci;
}

static inline sci_t macvx_nla_get_sci(const struct nlattr *nla)
{
	return (__force sci_t)nla_get_u64(nla);
}

static inline int macvx_nla_put_sci(struct sk_buff *skb, int attrtype,
				    sci_t value, int padattr)
{
	return nla_put_u64_64bit(skb, attrtype, (__force u64)value, padattr);
}

/* NL_SET_ERR_MSG_ATTR() for a message chosen at run time from a table of
 * static strings.
 */
static inline void macvx_set_err_attr(struct netlink_ext_ack *extack,
				      const struct nlattr *attr,
				      const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
}

/* device.c */
extern struct rtnl_link_ops macvx_link_ops;
bool netif_is_macvx(const struct net_device *dev);
unsigned int macvx_overhead(const struct macvx_cfg *cfg, u8 icv_len);
void macvx_underlay_event(struct net_device *lower, unsigned long event,
			  struct list_head *kill);

/* crypto.c */
int macvx_key_init(struct macvx_key *key, const u8 *bytes,
		   unsigned int len, unsigned int icv_len);
void macvx_key_free(struct macvx_key *key);
int macvx_crypto_check(unsigned int key_len, unsigned int icv_len);

/* sa.c: SC and SA objects. All of these run under RTNL. */
int macvx_secy_init(struct macvx_secy *secy);
void macvx_secy_free(struct macvx_secy *secy);
void macvx_secy_free_stats(struct macvx_secy *secy);
void macvx_secy_update_operational(struct macvx_secy *secy);
bool macvx_secy_operational(const struct macvx_secy *secy);
struct macvx_rx_sc *macvx_rx_sc_find(struct macvx_secy *secy, sci_t sci);
struct macvx_rx_sc *macvx_rx_sc_find_rcu(struct macvx_secy *secy, sci_t sci);
struct macvx_rx_sc *macvx_rx_sc_single_rcu(struct macvx_secy *secy);
void macvx_tx_sa_put(struct macvx_tx_sa *sa);
void macvx_rx_sa_put(struct macvx_rx_sa *sa);

/* netlink.c */
void macvx_genl_notify_txsa(struct macvx_dev *mvx, u8 cmd, u8 an, u64 pn);
int macvx_genl_init(void);
void macvx_genl_exit(void);

/* socket.c */
int macvx_sock_open(struct macvx_dev *mvx);
void macvx_sock_close(struct macvx_dev *mvx);
struct macvx_dev *macvx_sock_find_dev(struct macvx_sock *ms, u32 vni);

/* send.c */
netdev_tx_t macvx_start_xmit(struct sk_buff *skb, struct net_device *dev);

/* receive.c */
int macvx_udp_encap_recv(struct sock *sk, struct sk_buff *skb);

#endif /* _MACVX_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: protect each Ethernet frame with a SecTAG and ICV (802.1AE
 * 10.5), then encapsulate it in VXLAN (RFC 7348) over UDP.
 *
 * GSO frames from the stack are segmented here, before protection,
 * because every segment needs its own PN and ICV. Segments and frames are
 * made linear and writable once, with room for the SecTAG, the outer
 * headers and the ICV, and the cipher runs in place.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/ip6_checksum.h>
#include <net/ip_tunnels.h>
#include <net/ip6_tunnel.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "crypto.h"
#include "macvx.h"
#include "sa.h"

/* Outer header fields worked out from the plaintext before protection. */
struct macvx_tx_cb {
	struct macvx_tx_sa *sa;
	struct macvx_req *req;
	unsigned int len;
	unsigned int msdu_len;
	__be16 src_port;
	__be16 df;
	u8 tos;
	bool encrypt;
};

static struct macvx_tx_cb *macvx_tx_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct macvx_tx_cb) > sizeof(skb->cb));
	return (struct macvx_tx_cb *)skb->cb;
}

static void macvx_tx_drop(struct net_device *dev, struct sk_buff *skb)
{
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
}

static struct rtable *macvx_route4(struct macvx_dev *mvx,
				   struct macvx_cfg *cfg, struct sock *sk,
				   struct sk_buff *skb, u8 tos, __be32 *saddr)
{
	bool use_cache = !skb->mark && cfg->tos != 1;
	struct flowi4 fl4 = {};
	struct rtable *rt;

	if (use_cache) {
		rt = dst_cache_get_ip4(&cfg->dst_cache, saddr);
		if (rt)
			return rt;
	}

	fl4.flowi4_oif = cfg->link;
	fl4.flowi4_tos = RT_TOS(tos);
	fl4.flowi4_mark = skb->mark;
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.daddr = cfg->remote.sin.sin_addr.s_addr;
	fl4.saddr = cfg->local.sin.sin_addr.s_addr;
	fl4.fl4_dport = cfg->dst_port;

	rt = ip_route_output_key(mvx->net, &fl4);
	if (IS_ERR(rt))
		return rt;
	if (rt->dst.dev == mvx->dev) {
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl4.saddr;
	if (use_cache)
		dst_cache_set_ip4(&cfg->dst_cache, &rt->dst, fl4.saddr);
	return rt;
}

static struct dst_entry *macvx_route6(struct macvx_dev *mvx,
				      struct macvx_cfg *cfg, struct sock *sk,
				      struct sk_buff *skb, u8 tos,
				      struct in6_addr *saddr)
{
	bool use_cache = !skb->mark && cfg->tos != 1;
	struct dst_entry *dst;
	struct flowi6 fl6 = {};

	if (use_cache) {
		dst = dst_cache_get_ip6(&cfg->dst_cache, saddr);
		if (dst)
			return dst;
	}

	fl6.flowi6_oif = cfg->link;
	fl6.daddr = cfg->remote.sin6.sin6_addr;
	fl6.saddr = cfg->local.sin6.sin6_addr;
	fl6.flowlabel = ip6_make_flowinfo(RT_TOS(tos), cfg->label);
	fl6.flowi6_mark = skb->mark;
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.fl6_dport = cfg->dst_port;

	dst = ipv6_stub->ipv6_dst_lookup_flow(mvx->net, sk, &fl6, NULL);
	if (IS_ERR(dst))
		return dst;
	if (dst->dev == mvx->dev) {
		dst_release(dst);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl6.saddr;
	if (use_cache)
		dst_cache_set_ip6(&cfg->dst_cache, dst, &fl6.saddr);
	return dst;
}

static void macvx_route_error(struct net_device *dev, long err,
			      unsigned int count)
{
	if (err == -ELOOP)
		DEV_STATS_ADD(dev, collisions, count);
	else
		DEV_STATS_ADD(dev, tx_carrier_errors, count);
}

/* A batch is one IP datagram until it is segmented, and it has to stay
 * below the 64 KB that the IP length field and the legacy GSO size limit
 * of the underlay allow, with a link header in front.
 */
#define MACVX_BATCH_MAX		(IP_MAX_MTU - ETH_HLEN - \
				 sizeof(struct ipv6hdr) - sizeof(struct udphdr))

/* Protected frames of one GSO frame, in order, waiting to be sent as one
 * UDP GSO packet. The first frame is the head, the others hang from its
 * next pointer until the packet is built.
 */
struct macvx_batch {
	struct sk_buff *head;
	struct sk_buff *tail;
	unsigned int payload;	/* UDP payload of all frames */
	unsigned int len;	/* their length before protection */
	unsigned int count;
};

/* Headroom a batched frame keeps beyond its link and outer headers, for a
 * host that forwards the batch into a tunnel before segmenting it. It is
 * the NET_SKB_PAD that the frames of a fraglist GRO packet usually have,
 * and VXLAN over IPv4 needs 64 bytes with its own link header. It must
 * stay small, because frames of local TCP sockets have only about 166
 * bytes left on kernels with a small MAX_HEADER.
 * NOTE: VXLAN over IPv6 or nested tunnels on such a host need more.
 */
#define MACVX_BATCH_SLACK	NET_SKB_PAD

/* Decide whether the frames in the list at @skb may leave over @dst as one
 * batch. Segmentation of a batch (skb_segment_list()) copies the head's
 * outer headers in front of every other frame, but each layer below
 * macvx makes room only in the head. So a batch goes only to a device
 * that adds nothing but its link header. The route must carry no
 * transform and no lightweight tunnel, because seg6, BPF, MPLS and other
 * encaps push their headers on the way out. And every frame needs room
 * for the link header, its outer IP and UDP headers and
 * MACVX_BATCH_SLACK. Frames from local sockets have that much. Frames
 * from a tap device or a packet socket often do not, and go out one by
 * one.
 */
static bool macvx_batch_ok(const struct sk_buff *skb,
			   const struct dst_entry *dst, unsigned int nh_len)
{
	unsigned int room = LL_RESERVED_SPACE(dst->dev) + MACVX_BATCH_SLACK +
			    nh_len + sizeof(struct udphdr);

	if (dst->dev->needed_headroom || dst->header_len || dst->lwtstate)
		return false;
	for (; skb; skb = skb->next)
		if (skb_headroom(skb) < room)
			return false;
	return true;
}

/* Compute the complete UDP checksum of the linear datagram at @uh, of
 * @len bytes, below the IP header template @nh. Segmentation of a UDP GSO
 * fraglist packet computes no checksum, so each datagram brings its own.
 */
static __sum16 macvx_batch_csum(struct udphdr *uh, unsigned int len,
				const void *nh, unsigned int nh_len)
{
	__wsum csum = csum_partial(uh, len, 0);
	__sum16 check;

	if (nh_len == sizeof(struct iphdr)) {
		const struct iphdr *iph = nh;

		check = udp_v4_check(len, iph->saddr, iph->daddr, csum);
	} else {
		const struct ipv6hdr *ip6h = nh;

		check = udp_v6_check(len, &ip6h->saddr, &ip6h->daddr, csum);
	}
	return check ? : CSUM_MANGLED_0;
}

/* Push the UDP header of a datagram of @len bytes, with its complete
 * checksum when @csum is set.
 */
static struct udphdr *macvx_batch_push_udp(struct sk_buff *skb,
					   unsigned int len, const void *nh,
					   unsigned int nh_len, __be16 sport,
					   __be16 dport, bool csum)
{
	struct udphdr *uh;

	uh = __skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sport;
	uh->dest = dport;
	uh->len = htons(len);
	uh->check = 0;
	if (csum)
		uh->check = macvx_batch_csum(uh, len, nh, nh_len);
	return uh;
}

/* Write the UDP and IP headers that a single send of @skb would carry in
 * front of its VXLAN header, and leave the data at the VXLAN header, as
 * in the frames that UDP GRO chains. Segmentation rewrites the IPv4 ID,
 * length and checksum, or the IPv6 payload length, of each frame.
 */
static void macvx_batch_hdrs(struct sk_buff *skb, const void *nh,
			     unsigned int nh_len, __be16 sport, __be16 dport,
			     bool csum)
{
	unsigned int len = skb->len + sizeof(struct udphdr);

	macvx_batch_push_udp(skb, len, nh, nh_len, sport, dport, csum);
	__skb_push(skb, nh_len);
	skb_reset_network_header(skb);
	memcpy(skb->data, nh, nh_len);
	if (nh_len == sizeof(struct iphdr)) {
		struct iphdr *iph = ip_hdr(skb);

		skb->protocol = htons(ETH_P_IP);
		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
	} else {
		skb->protocol = htons(ETH_P_IPV6);
		ipv6_hdr(skb)->payload_len = htons(len);
	}
	__skb_pull(skb, nh_len + sizeof(struct udphdr));
}

/* Chain the frames after @head to its frag_list with their own outer
 * headers, and mark it a UDP GSO packet (SKB_GSO_UDP_L4 |
 * SKB_GSO_FRAGLIST), the form UDP GRO gives a run of datagrams. Where the
 * underlay device cannot take the packet whole, the stack segments it
 * back into those datagrams, and a receiving UDP socket does the same.
 * So each wire and each peer's socket gets the datagrams that single
 * sends would give. Returns the UDP length of the head's own datagram.
 */
static unsigned int macvx_batch_chain(struct sk_buff *head, const void *nh,
				      unsigned int nh_len, __be16 sport,
				      __be16 dport, bool csum, bool xnet)
{
	unsigned int own_len = head->len + sizeof(struct udphdr);
	struct sk_buff **link = &skb_shinfo(head)->frag_list;
	struct sk_buff *skb, *next = head->next;
	u16 count = 1;

	head->next = NULL;
	while ((skb = next)) {
		next = skb->next;
		skb->next = NULL;

		skb_scrub_packet(skb, xnet);
		/* The socket's charge moves to the head, as UDP GRO moves
		 * it, and segmentation leaves it there.
		 */
		if (skb->sk == head->sk && skb->destructor == head->destructor) {
			head->truesize += skb->truesize;
			skb->destructor = NULL;
			skb->sk = NULL;
		} else {
			skb_orphan(skb);
		}
		/* Segmentation gives each frame the head's device. */
		skb->dev = NULL;
		macvx_batch_hdrs(skb, nh, nh_len, sport, dport, csum);
		head->len += skb->len;
		head->data_len += skb->len;
		*link = skb;
		link = &skb->next;
		count++;
	}

	skb_shinfo(head)->gso_size = own_len - sizeof(struct udphdr);
	skb_shinfo(head)->gso_type = SKB_GSO_UDP_L4 | SKB_GSO_FRAGLIST;
	skb_shinfo(head)->gso_segs = count;
	return own_len;
}

/* Push the head's UDP header, with the checksum of the head's own
 * datagram and a length that covers the whole batch until segmentation
 * sets it to the head's own.
 *
 * Every checksum is complete, so the batch is CHECKSUM_UNNECESSARY, which
 * on transmit means the same as CHECKSUM_NONE. Its level is one so that
 * a receiving socket still finds it so after checking the outer header,
 * and segments it without complaint. Every frame is an 802.1AE frame,
 * whose receiver resets the state after the ICV check.
 */
static void macvx_batch_udp(struct sk_buff *head, unsigned int own_len,
			    const void *nh, unsigned int nh_len, __be16 sport,
			    __be16 dport, bool csum)
{
	struct udphdr *uh;

	uh = macvx_batch_push_udp(head, own_len, nh, nh_len, sport, dport,
				  csum);
	uh->len = htons(head->len);
	head->ip_summed = CHECKSUM_UNNECESSARY;
	head->csum_level = 1;
}

static void macvx_batch_xmit4(struct rtable *rt, struct sock *sk,
			      struct sk_buff *head, __be32 saddr,
			      __be32 daddr, u8 tos, u8 ttl, __be16 df,
			      __be16 sport, __be16 dport, bool xnet,
			      bool csum)
{
	const struct iphdr iph = {
		.version = 4,
		.ihl = sizeof(struct iphdr) >> 2,
		.tos = tos,
		.frag_off = ip_mtu_locked(&rt->dst) ? 0 : df,
		.ttl = ttl,
		.protocol = IPPROTO_UDP,
		.saddr = saddr,
		.daddr = daddr,
	};
	unsigned int own_len;

	own_len = macvx_batch_chain(head, &iph, sizeof(iph), sport, dport,
				    csum, xnet);
	macvx_batch_udp(head, own_len, &iph, sizeof(iph), sport, dport, csum);
	/* This reserves an IP ID per frame, and segmentation numbers them. */
	iptunnel_xmit(sk, rt, head, saddr, daddr, IPPROTO_UDP, tos, ttl, df,
		      xnet);
}

#if IS_ENABLED(CONFIG_IPV6)
static void macvx_batch_xmit6(struct dst_entry *dst, struct sock *sk,
			      struct sk_buff *head,
			      const struct in6_addr *saddr,
			      const struct in6_addr *daddr, u8 tos, u8 ttl,
			      __be32 label, __be16 sport, __be16 dport,
			      bool xnet, bool csum)
{
	struct ipv6hdr ip6h = {
		.nexthdr = IPPROTO_UDP,
		.hop_limit = ttl,
		.saddr = *saddr,
		.daddr = *daddr,
	};
	unsigned int own_len;

	ip6_flow_hdr(&ip6h, tos, label);
	skb_scrub_packet(head, xnet);
	own_len = macvx_batch_chain(head, &ip6h, sizeof(ip6h), sport, dport,
				    csum, xnet);
	macvx_batch_udp(head, own_len, &ip6h, sizeof(ip6h), sport, dport,
			csum);
	skb_dst_set(head, dst);

	__skb_push(head, sizeof(ip6h));
	skb_reset_network_header(head);
	memcpy(head->data, &ip6h, sizeof(ip6h));
	ipv6_hdr(head)->payload_len = htons(head->len - sizeof(ip6h));
	ip6tunnel_xmit(sk, head, NULL);
}
#endif

/* Send the frames of the list at @skb one by one, each with a reference
 * to @rt.
 */
static void macvx_send_each4(struct rtable *rt, struct sock *sk,
			     struct sk_buff *skb, __be32 saddr, __be32 daddr,
			     u8 tos, u8 ttl, __be16 df, __be16 sport,
			     __be16 dport, bool xnet, bool csum)
{
	struct sk_buff *next;

	skb_list_walk_safe(skb, skb, next) {
		skb_mark_not_on_list(skb);
		if (next)
			dst_hold(&rt->dst);
		skb->dev = NULL;
		udp_tunnel_xmit_skb(rt, sk, skb, saddr, daddr, tos, ttl, df,
				    sport, dport, xnet, !csum);
	}
}

#if IS_ENABLED(CONFIG_IPV6)
static void macvx_send_each6(struct dst_entry *dst, struct sock *sk,
			     struct sk_buff *skb, struct in6_addr *saddr,
			     struct in6_addr *daddr, u8 tos, u8 ttl,
			     __be32 label, __be16 sport, __be16 dport,
			     bool xnet, bool zero_csum)
{
	struct sk_buff *next;

	skb_list_walk_safe(skb, skb, next) {
		skb_mark_not_on_list(skb);
		if (next)
			dst_hold(dst);
		skb_scrub_packet(skb, xnet);
		udp_tunnel6_xmit_skb(dst, sk, skb, NULL, saddr, daddr, tos, ttl,
				     label, sport, dport, zero_csum);
	}
}
#endif

/* Push the VXLAN header of every frame in the list at @skb and send them:
 * as one batch where macvx_batch_ok() allows, else one by one. Consumes
 * the list.
 *
 * The device counts the frames it was given, with their length before
 * protection, as macsec does. So the tunnel helpers get no device to
 * count outer packets on.
 */
static void macvx_encap_send(struct macvx_dev *mvx, struct sk_buff *skb,
			     unsigned int count, unsigned int len)
{
	struct macvx_tx_cb *cb = macvx_tx_cb(skb);
	struct net_device *dev = mvx->dev;
	struct macvx_sock *ms;
	struct macvx_cfg *cfg;
	struct sk_buff *nskb;
	struct vxlanhdr *vxh;
	bool xnet;
	u8 ttl;

	cfg = rcu_dereference_bh(mvx->cfg);
	ms = rcu_dereference_bh(mvx->sock);
	/* An asynchronous completion may find the device stopped. */
	if (unlikely(!ms || !cfg || !cfg->remote.sa.sa_family)) {
		DEV_STATS_ADD(dev, tx_dropped, count);
		kfree_skb_list(skb);
		return;
	}
	xnet = !net_eq(mvx->net, dev_net(dev));

	for (nskb = skb; nskb; nskb = nskb->next) {
		/* A frame sent alone leaves its outer checksum to the
		 * underlay. A batch computes its own.
		 */
		nskb->ip_summed = CHECKSUM_NONE;
		nskb->encapsulation = 0;
		skb_set_inner_protocol(nskb, htons(ETH_P_TEB));

		/* RFC 7348 5: the I flag and the VNI, every reserved bit 0 */
		vxh = __skb_push(nskb, sizeof(*vxh));
		vxh->vx_flags = VXLAN_HF_VNI;
		vxh->vx_vni = cpu_to_be32(cfg->vni << 8);
	}

	if (cfg->remote.sa.sa_family == AF_INET) {
		__be32 daddr = cfg->remote.sin.sin_addr.s_addr;
		__be32 saddr = 0;
		struct rtable *rt;

		rt = macvx_route4(mvx, cfg, ms->sock->sk, skb, cb->tos, &saddr);
		if (IS_ERR(rt)) {
			macvx_route_error(dev, PTR_ERR(rt), count);
			kfree_skb_list(skb);
			return;
		}
		ttl = cfg->ttl ? : ip4_dst_hoplimit(&rt->dst);
		if (skb->next &&
		    macvx_batch_ok(skb, &rt->dst, sizeof(struct iphdr))) {
			skb->dev = NULL;
			macvx_batch_xmit4(rt, ms->sock->sk, skb, saddr, daddr,
					  cb->tos, ttl, cb->df, cb->src_port,
					  cfg->dst_port, xnet, cfg->udp_csum);
		} else {
			macvx_send_each4(rt, ms->sock->sk, skb, saddr, daddr,
					 cb->tos, ttl, cb->df, cb->src_port,
					 cfg->dst_port, xnet, cfg->udp_csum);
		}
#if IS_ENABLED(CONFIG_IPV6)
	} else {
		struct in6_addr *daddr = &cfg->remote.sin6.sin6_addr;
		struct in6_addr saddr = {};
		struct dst_entry *dst;

		dst = macvx_route6(mvx, cfg, ms->sock->sk, skb, cb->tos, &saddr);
		if (IS_ERR(dst)) {
			macvx_route_error(dev, PTR_ERR(dst), count);
			kfree_skb_list(skb);
			return;
		}
		ttl = cfg->ttl ? : ip6_dst_hoplimit(dst);
		if (skb->next &&
		    macvx_batch_ok(skb, dst, sizeof(struct ipv6hdr))) {
			macvx_batch_xmit6(dst, ms->sock->sk, skb, &saddr, daddr,
					  cb->tos, ttl, cfg->label,
					  cb->src_port, cfg->dst_port, xnet,
					  !cfg->udp_zero_csum6_tx);
		} else {
			macvx_send_each6(dst, ms->sock->sk, skb, &saddr, daddr,
					 cb->tos, ttl, cfg->label,
					 cb->src_port, cfg->dst_port, xnet,
					 cfg->udp_zero_csum6_tx);
		}
#endif
	}
	dev_sw_netstats_tx_add(dev, count, len);
}

/* Send the frames batched so far. */
static void macvx_batch_flush(struct macvx_dev *mvx, struct macvx_batch *b)
{
	struct sk_buff *head = b->head;

	if (!head)
		return;
	b->head = NULL;
	macvx_encap_send(mvx, head, b->count, b->len);
}

/* Add a protected frame to @b. The frames of a batch share the outer
 * header fields, and none is longer than the head, whose length becomes
 * the segment size. A frame that does not fit sends the batch first.
 */
static void macvx_batch_add(struct macvx_dev *mvx, struct macvx_batch *b,
			    struct sk_buff *skb)
{
	unsigned int payload = skb->len + sizeof(struct vxlanhdr);
	struct macvx_tx_cb *cb = macvx_tx_cb(skb);

	if (b->head) {
		struct macvx_tx_cb *hcb = macvx_tx_cb(b->head);

		if (cb->src_port != hcb->src_port || cb->tos != hcb->tos ||
		    cb->df != hcb->df || skb->len > b->head->len ||
		    b->payload + payload > MACVX_BATCH_MAX)
			macvx_batch_flush(mvx, b);
	}
	if (!b->head) {
		b->head = skb;
		b->payload = 0;
		b->len = 0;
		b->count = 0;
	} else {
		b->tail->next = skb;
	}
	b->tail = skb;
	skb->next = NULL;
	b->payload += payload;
	b->len += cb->len;
	b->count++;
}

static void macvx_count_tx(struct macvx_secy *secy, struct macvx_tx_sa *sa,
			   unsigned int msdu_len, bool encrypt)
{
	struct macvx_tx_sc_stats *stats = this_cpu_ptr(secy->tx_sc.stats);

	u64_stats_update_begin(&stats->syncp);
	if (encrypt) {
		stats->stats.OutPktsEncrypted++;
		stats->stats.OutOctetsEncrypted += msdu_len;
		this_cpu_inc(sa->stats->OutPktsEncrypted);
	} else {
		stats->stats.OutPktsProtected++;
		stats->stats.OutOctetsProtected += msdu_len;
		this_cpu_inc(sa->stats->OutPktsProtected);
	}
	u64_stats_update_end(&stats->syncp);
}

/* Finish a frame once the cipher is done, whether inline or later. A
 * frame done inline joins the batch @b of its GSO frame, if it has one.
 */
static void macvx_encrypt_finish(struct sk_buff *skb, int err,
				 struct macvx_batch *b)
{
	struct macvx_tx_cb *cb = macvx_tx_cb(skb);
	struct net_device *dev = skb->dev;
	struct macvx_dev *mvx = macvx_priv(dev);
	struct macvx_tx_sa *sa = cb->sa;

	macvx_req_put(cb->req);

	rcu_read_lock_bh();
	if (err) {
		macvx_tx_drop(dev, skb);
	} else {
		macvx_count_tx(&mvx->secy, sa, cb->msdu_len, cb->encrypt);
		if (b)
			macvx_batch_add(mvx, b, skb);
		else
			macvx_encap_send(mvx, skb, 1, cb->len);
	}
	rcu_read_unlock_bh();

	macvx_tx_sa_put(sa);
	dev_put(dev);
}

static void macvx_encrypt_done(MACVX_CRYPTO_CB_ARG arg, int err)
{
	/* A backlogged request reports that it started; the result follows. */
	if (err == -EINPROGRESS)
		return;
	macvx_encrypt_finish(macvx_crypto_cb_data(arg), err, NULL);
}

/* Take the next PN of @sa. The last PN of an SA (2^32 - 1, or 2^64 - 1
 * with XPN) is sent exactly once. Then the SA is marked exhausted, which
 * makes it unusable until a new PN is set, and nothing is sent on it
 * (802.1AE 10.6.2, 10.7.22). Only the mark changes here: the active flag
 * and operational belong to configuration changes under RTNL. Each PN is
 * handed out once, so the frame that gets the threshold PN or the last PN
 * is the one that tells key agents.
 */
static bool macvx_next_pn(struct macvx_dev *mvx, struct macvx_tx_sa *sa,
			  u8 an, u64 *pn)
{
	struct macvx_secy *secy = &mvx->secy;
	s64 last = secy->xpn ? (s64)U64_MAX : (s64)U32_MAX;
	s64 next;

	next = atomic64_fetch_add_unless(&sa->next_pn, 1, last);
	if (likely(next != last)) {
		if (unlikely(next == READ_ONCE(secy->pn_threshold)))
			macvx_genl_notify_txsa(mvx, MACVX_CMD_TXSA_PN_THRESHOLD,
					       an, next);
		*pn = next;
		return true;
	}
	/* NOTE: a new PN that RTNL sets between the fetch above and the mark
	 * below is lost: the SA ends exhausted and needs its PN set again.
	 * No PN is reused.
	 */
	if (test_and_set_bit(MACVX_SA_EXHAUSTED, &sa->flags))
		return false;

	macvx_genl_notify_txsa(mvx, MACVX_CMD_TXSA_EXHAUSTED, an, last);
	*pn = last;
	return true;
}

/* Make @skb linear and writable with @head bytes of headroom and @tail
 * bytes of tailroom, copying its data at most once.
 */
static int macvx_make_writable(struct sk_buff *skb, unsigned int head,
			       unsigned int tail)
{
	int dhead = max_t(int, head - skb_headroom(skb), 0);
	int dtail = max_t(int, tail - skb_tailroom(skb), 0);

	if (skb_is_nonlinear(skb))
		dtail += skb->data_len;
	if (dhead || dtail || skb_cloned(skb)) {
		if (pskb_expand_head(skb, ALIGN(dhead, NET_SKB_PAD), dtail,
				     GFP_ATOMIC))
			return -ENOMEM;
	}
	if (skb_is_nonlinear(skb) && !__pskb_pull_tail(skb, skb->data_len))
		return -ENOMEM;
	return 0;
}

/* Fill the SecTAG (802.1AE 9.3 to 9.9, 10.5.3) in front of the data. */
static unsigned int macvx_push_sectag(struct sk_buff *skb,
				      struct macvx_secy *secy, u64 pn, u8 an,
				      bool encrypt)
{
	struct macvx_tx_sc *tx_sc = &secy->tx_sc;
	unsigned int secure_len = skb->len - 2 * ETH_ALEN;
	struct macvx_sectag *tag;
	bool sci_present;
	unsigned int len;
	__be16 *ethertype;
	u8 tci = an;

	/* A SecY with several peers includes its SCI, unless ES or SCB
	 * tell the receiver how to derive it (802.1AE 10.5.3).
	 */
	sci_present = READ_ONCE(tx_sc->send_sci) ||
		      (READ_ONCE(secy->n_rx_sc) > 1 &&
		       !READ_ONCE(tx_sc->end_station) &&
		       !READ_ONCE(tx_sc->scb));
	len = sci_present ? MACVX_SECTAG_LEN : MACVX_SECTAG_LEN_NOSCI;

	__skb_push(skb, len);
	memmove(skb->data, skb->data + len, 2 * ETH_ALEN);

	if (sci_present) {
		tci |= MACVX_TCI_SC;
	} else {
		if (READ_ONCE(tx_sc->end_station))
			tci |= MACVX_TCI_ES;
		if (READ_ONCE(tx_sc->scb))
			tci |= MACVX_TCI_SCB;
	}
	if (encrypt)
		tci |= MACVX_TCI_CONFID;
	else if (secy->icv_len != MACSEC_DEFAULT_ICV_LEN)
		tci |= MACVX_TCI_C;

	ethertype = (__be16 *)(skb->data + 2 * ETH_ALEN);
	*ethertype = htons(ETH_P_MACSEC);
	tag = (struct macvx_sectag *)(ethertype + 1);
	tag->tci_an = tci;
	tag->short_length = secure_len < MACVX_SHORT_LEN_LIMIT ? secure_len : 0;
	tag->packet_number = htonl(lower_32_bits(pn));
	if (sci_present)
		memcpy(tag->secure_channel_id, &secy->sci, sizeof(secy->sci));

	return 2 * ETH_ALEN + len;
}

/* Protect and send one frame that is no larger than the MTU. Returns
 * after the frame was handed to the underlay, added to @b, dropped, or
 * queued to an asynchronous cipher.
 */
static void macvx_xmit_one(struct macvx_dev *mvx, struct sk_buff *skb,
			   struct macvx_batch *b)
{
	struct macvx_tx_cb *cb = macvx_tx_cb(skb);
	struct macvx_secy *secy = &mvx->secy;
	struct net_device *dev = mvx->dev;
	struct aead_request *aead;
	struct macvx_tx_sa *sa;
	unsigned int hdr_len;
	struct macvx_req *req;
	struct macvx_cfg *cfg;
	u8 an;
	u64 pn;
	int err;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop;

	/* Outer header fields come from the plaintext, as the stock vxlan
	 * device below a macsec device cannot see them.
	 */
	cfg = rcu_dereference_bh(mvx->cfg);
	memset(cb, 0, sizeof(*cb));
	cb->len = skb->len;
	cb->src_port = udp_flow_src_port(dev_net(dev), skb, cfg->port_min,
					 cfg->port_max, true);
	/* The outer header is Not-ECT, as the stock stack sends it: the
	 * receive path does no ECN decapsulation (RFC 6040), so a CE mark
	 * on the outer header would be lost.
	 */
	cb->tos = cfg->tos;
	if (cfg->tos == 1)
		cb->tos = ip_tunnel_get_dsfield(ip_hdr(skb), skb);
	cb->tos &= ~INET_ECN_MASK;
	if (cfg->df == VXLAN_DF_SET ||
	    (cfg->df == VXLAN_DF_INHERIT && skb->protocol == htons(ETH_P_IP) &&
	     ip_hdr(skb)->frag_off & htons(IP_DF)))
		cb->df = htons(IP_DF);

	if (!READ_ONCE(secy->protect)) {
		struct macvx_secy_stats *stats = this_cpu_ptr(secy->stats);

		u64_stats_update_begin(&stats->syncp);
		stats->stats.OutPktsUntagged++;
		u64_stats_update_end(&stats->syncp);
		if (skb_cow_head(skb, dev->needed_headroom))
			goto drop;
		macvx_encap_send(mvx, skb, 1, cb->len);
		return;
	}

	if (unlikely(!READ_ONCE(secy->operational)))
		goto drop;

	an = READ_ONCE(secy->tx_sc.encoding_sa);
	sa = rcu_dereference_bh(secy->tx_sc.sa[an]);
	if (unlikely(!sa || !macvx_tx_sa_usable(sa)))
		goto drop;

	if (unlikely(skb->len - ETH_HLEN > dev->mtu)) {
		struct macvx_secy_stats *stats = this_cpu_ptr(secy->stats);

		u64_stats_update_begin(&stats->syncp);
		stats->stats.OutPktsTooLong++;
		u64_stats_update_end(&stats->syncp);
		goto drop;
	}

	if (unlikely(!macvx_next_pn(mvx, sa, an, &pn)))
		goto drop;

	/* needed_headroom covers the SecTAG and every outer header. */
	if (macvx_make_writable(skb, dev->needed_headroom, secy->icv_len))
		goto drop;

	/* The MSDU as 802.1AE counts it: EtherType and payload */
	cb->msdu_len = skb->len - 2 * ETH_ALEN;
	cb->encrypt = READ_ONCE(secy->tx_sc.encrypt);
	hdr_len = macvx_push_sectag(skb, secy, pn, an, cb->encrypt);
	__skb_put(skb, secy->icv_len);

	/* An SA deleted under traffic may be dropping its last reference. */
	if (unlikely(!refcount_inc_not_zero(&sa->refcnt)))
		goto drop;
	req = macvx_req_get(&sa->key);
	if (unlikely(!req)) {
		macvx_tx_sa_put(sa);
		goto drop;
	}
	macvx_build_iv(req->iv, &sa->key, secy->sci, pn, secy->xpn);
	sg_set_buf(req->sg, skb->data, skb->len);

	aead = macvx_req_aead(req);
	if (cb->encrypt) {
		aead_request_set_crypt(aead, req->sg, req->sg,
				       skb->len - hdr_len - secy->icv_len,
				       req->iv);
		aead_request_set_ad(aead, hdr_len);
	} else {
		/* Integrity only: everything is authenticated (GMAC). */
		aead_request_set_crypt(aead, req->sg, req->sg, 0, req->iv);
		aead_request_set_ad(aead, skb->len - secy->icv_len);
	}

	dev_hold(dev);
	cb->sa = sa;
	cb->req = req;
	skb->dev = dev;
	aead_request_set_callback(aead, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  macvx_encrypt_done, skb);

	err = crypto_aead_encrypt(aead);
	if (err == -EINPROGRESS || err == -EBUSY)
		return;
	macvx_encrypt_finish(skb, err, b);
	return;

drop:
	macvx_tx_drop(dev, skb);
}

netdev_tx_t macvx_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct macvx_dev *mvx = macvx_priv(dev);
	struct macvx_batch batch = {};
	struct sk_buff *segs, *next;

	if (!skb_is_gso(skb)) {
		macvx_xmit_one(mvx, skb, NULL);
		return NETDEV_TX_OK;
	}

	/* Linear segments with complete checksums, copied once. */
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		macvx_tx_drop(dev, skb);
		return NETDEV_TX_OK;
	}
	consume_skb(skb);

	/* The protected segments go to the underlay together, so that it
	 * pays its per-packet cost, from IP output to the receiving socket
	 * lookup, once per batch instead of once per segment.
	 */
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		macvx_xmit_one(mvx, skb, &batch);
	}
	macvx_batch_flush(mvx, &batch);
	return NETDEV_TX_OK;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: strip VXLAN (RFC 7348), validate the SecTAG and verify or
 * decrypt the frame (802.1AE 10.6), then deliver it through GRO cells.
 *
 * The order of the checks and the counter each one moves follow Linux's
 * macsec driver, so a macvx peer and a stock peer count the same frames
 * the same way. Where that driver drops a malformed frame without counting
 * it, macvx counts InPktsBadTag or InPktsNoSCI.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <net/ip_tunnels.h>
#include <net/udp_tunnel.h>
#include <net/vxlan.h>

#include "crypto.h"
#include "macvx.h"

struct macvx_rx_cb {
	struct macvx_rx_sa *sa;
	struct macvx_req *req;
	u64 pn;			/* with XPN, recovered to 64 bits */
	u8 hdr_len;		/* MAC addresses and SecTAG */
	bool valid;
};

static struct macvx_rx_cb *macvx_rx_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct macvx_rx_cb) > sizeof(skb->cb));
	return (struct macvx_rx_cb *)skb->cb;
}

/* Add one to the counter at @offset of this CPU's RX SC statistics. */
static void macvx_count_sc(struct macvx_rx_sc *sc, size_t offset)
{
	struct macvx_rx_sc_stats *stats = this_cpu_ptr(sc->stats);

	u64_stats_update_begin(&stats->syncp);
	(*(u64 *)((u8 *)&stats->stats + offset))++;
	u64_stats_update_end(&stats->syncp);
}

/* Add one to the counter at @offset of this CPU's SecY statistics. */
static void macvx_count_secy(struct macvx_secy *secy, size_t offset)
{
	struct macvx_secy_stats *stats = this_cpu_ptr(secy->stats);

	u64_stats_update_begin(&stats->syncp);
	(*(u64 *)((u8 *)&stats->stats + offset))++;
	u64_stats_update_end(&stats->syncp);
}

#define SC_STAT(name)	offsetof(struct macsec_rx_sc_stats, name)
#define SECY_STAT(name)	offsetof(struct macsec_dev_stats, name)

static struct macvx_sectag *macvx_sectag(struct sk_buff *skb)
{
	return (struct macvx_sectag *)(skb->data + ETH_HLEN);
}

static bool pn_same_half(u32 a, u32 b)
{
	return !((a ^ b) & BIT(31));
}

/* Lowest acceptable PN (802.1AE 10.6.2). PNs are compared as 64-bit
 * numbers, the recovered ones with XPN, so that next_pn can reach 2^32
 * without XPN and a frame with PN 2^32 - 1 cannot be replayed after it.
 */
static u64 macvx_lowest_pn(const struct macvx_secy *secy, u64 next_pn)
{
	u32 window = READ_ONCE(secy->replay_window);

	return next_pn >= window ? next_pn - window : 0;
}

/* Duplicate detection goes beyond 802.1AE 10.6.2, which only bounds the
 * window. Slot pn % MACVX_REPLAY_SLOTS contains the highest accepted PN of
 * that residue plus one, and it only grows. So a PN whose slot equals it
 * plus one was accepted before. A lower slot value means the PN was never
 * accepted. A higher one means a PN at least MACVX_REPLAY_SLOTS above it
 * was accepted; inside a larger window such a PN is accepted, as macsec
 * would. The last XPN PN, whose successor does not fit, has a flag.
 */
static bool macvx_pn_was_accepted(struct macvx_rx_sa *sa, u64 pn)
{
	if (unlikely(pn == U64_MAX))
		return test_bit(MACVX_RX_SA_LAST_PN, &sa->flags);
	return atomic64_read(&sa->accepted[pn % MACVX_REPLAY_SLOTS]) == pn + 1;
}

/* Record @pn of an authenticated frame. Returns false when it was recorded
 * before. @above gets a higher PN of the same residue, plus one, that was
 * accepted already and that next_pn may not show yet, or 0. The cmpxchg
 * makes two copies decrypted on two CPUs at once resolve to one winner
 * without a lock.
 */
static bool macvx_pn_accept(struct macvx_rx_sa *sa, u64 pn, u64 *above)
{
	atomic64_t *slot = &sa->accepted[pn % MACVX_REPLAY_SLOTS];
	s64 seen = atomic64_read(slot);

	*above = 0;
	if (unlikely(pn == U64_MAX))
		return !test_and_set_bit(MACVX_RX_SA_LAST_PN, &sa->flags);
	do {
		if ((u64)seen == pn + 1)
			return false;
		if ((u64)seen > pn + 1) {
			*above = seen;
			return true;
		}
	} while (!atomic64_try_cmpxchg(slot, &seen, pn + 1));
	return true;
}

/* Recover the 64-bit PN of an XPN frame from the SA's next_pn, as macsec
 * does: a low half below next_pn's and in the other half of the 32-bit
 * space belongs to the next epoch.
 */
static u64 macvx_recover_pn(u64 next_pn, u32 pn)
{
	u32 lower = lower_32_bits(next_pn);
	u64 upper = upper_32_bits(next_pn);

	if (pn < lower && !pn_same_half(pn, lower))
		upper++;
	return (upper << 32) | pn;
}

/* 802.1AE 9.12 and the XPN rule that PN 0 is invalid without XPN. */
static bool macvx_sectag_valid(struct sk_buff *skb, const struct macvx_secy *secy)
{
	struct macvx_sectag *tag = macvx_sectag(skb);
	unsigned int len = skb->len - 2 * ETH_ALEN;
	unsigned int extra;
	u8 tci = tag->tci_an;

	extra = (tci & MACVX_TCI_SC ? MACVX_SECTAG_LEN : MACVX_SECTAG_LEN_NOSCI) +
		secy->icv_len;

	if (skb->len <= 16)
		return false;
	if (tci & MACVX_TCI_VERSION)
		return false;
	if ((tci & (MACVX_TCI_ES | MACVX_TCI_SCB)) && (tci & MACVX_TCI_SC))
		return false;
	if (tag->short_length & 0xc0)
		return false;
	if (!tag->packet_number && !secy->xpn)
		return false;
	if (tag->short_length)
		return len == extra + tag->short_length;
	return len >= extra + MACVX_SHORT_LEN_LIMIT;
}

/* Remove the SecTAG and ICV, leaving the original frame. The skb may be
 * shared with a packet tap, so the bytes moved are made private first.
 *
 * A frame whose ICV checked out is, byte for byte, what the peer's SecY
 * sealed, so it is marked CHECKSUM_UNNECESSARY and the stack skips its
 * TCP, UDP and other transport checksums, up to four nested headers. A
 * frame damaged before the peer sealed it is therefore delivered, where
 * Linux's macsec leaves the check to the stack. Frames delivered without
 * a valid ICV (validateFrames check or disabled, unknown SCI, unused SA)
 * keep their checksums checked.
 */
static int macvx_strip(struct sk_buff *skb, unsigned int hdr_len,
		       unsigned int icv_len, bool verified)
{
	unsigned int tag_len = hdr_len - 2 * ETH_ALEN;

	if (skb_ensure_writable(skb, hdr_len))
		return -ENOMEM;
	if (verified) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		skb->csum_level = SKB_MAX_CSUM_LEVEL;
	} else {
		skb->ip_summed = CHECKSUM_NONE;
	}
	memmove(skb->data + tag_len, skb->data, 2 * ETH_ALEN);
	__skb_pull(skb, tag_len);
	return pskb_trim(skb, skb->len - icv_len);
}

static void macvx_deliver(struct macvx_dev *mvx, struct sk_buff *skb)
{
	struct net_device *dev = mvx->dev;
	unsigned int len;

	skb->pkt_type = PACKET_HOST;
	skb->protocol = eth_type_trans(skb, dev);
	/* An untagged frame may still carry the outer CHECKSUM_COMPLETE. */
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	skb_reset_network_header(skb);
	if (!skb_transport_header_was_set(skb))
		skb_reset_transport_header(skb);
	skb_reset_mac_len(skb);

	len = skb->len;
	if (gro_cells_receive(&mvx->gro_cells, skb) == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, len);
	else
		DEV_STATS_INC(dev, rx_dropped);
}

/* Strip the SecTAG and ICV and deliver; consumes @skb. */
static void macvx_strip_deliver(struct macvx_dev *mvx, struct sk_buff *skb,
				unsigned int hdr_len, unsigned int icv_len,
				bool verified)
{
	if (unlikely(macvx_strip(skb, hdr_len, icv_len, verified))) {
		DEV_STATS_INC(mvx->dev, rx_dropped);
		kfree_skb(skb);
		return;
	}
	macvx_deliver(mvx, skb);
}

/* Replay check and accounting after the cipher ran (802.1AE 10.6.2 to
 * 10.6.5). Returns false when the frame must be dropped. next_pn only
 * moves forward, by cmpxchg, so receivers on several CPUs need no lock.
 */
static bool macvx_post_decrypt(struct macvx_dev *mvx, struct sk_buff *skb)
{
	struct macvx_rx_cb *cb = macvx_rx_cb(skb);
	struct macvx_secy *secy = &mvx->secy;
	struct macvx_rx_sa *sa = cb->sa;
	struct macvx_rx_sc_stats *stats = this_cpu_ptr(sa->sc->stats);
	u8 tci = macvx_sectag(skb)->tci_an;
	u64 pn = cb->pn, lowest, bound = 0;
	bool duplicate = false;
	s64 next;

	next = atomic64_read(&sa->next_pn);
	/* Authenticated PNs are recorded with replay protection off too, so
	 * that switching it on finds the PNs already accepted.
	 */
	if (cb->valid)
		duplicate = !macvx_pn_accept(sa, pn, &bound);
	/* Another CPU may have recorded a higher PN of this residue and not
	 * moved next_pn yet, so the window starts from that PN too.
	 */
	lowest = macvx_lowest_pn(secy, max_t(u64, next, bound));

	if (READ_ONCE(secy->replay_protect) && (duplicate || pn < lowest)) {
		macvx_count_sc(sa->sc, SC_STAT(InPktsLate));
		DEV_STATS_INC(mvx->dev, rx_dropped);
		return false;
	}

	if (READ_ONCE(secy->validate_frames) != MACSEC_VALIDATE_DISABLED) {
		unsigned int msdu_len = skb->len - cb->hdr_len - secy->icv_len;

		u64_stats_update_begin(&stats->syncp);
		if (tci & MACVX_TCI_E)
			stats->stats.InOctetsDecrypted += msdu_len;
		else
			stats->stats.InOctetsValidated += msdu_len;
		u64_stats_update_end(&stats->syncp);
	}

	if (!cb->valid) {
		enum macsec_validation_type mode = READ_ONCE(secy->validate_frames);

		if ((tci & MACVX_TCI_C) || mode == MACSEC_VALIDATE_STRICT) {
			macvx_count_sc(sa->sc, SC_STAT(InPktsNotValid));
			this_cpu_inc(sa->stats->InPktsNotValid);
			DEV_STATS_INC(mvx->dev, rx_errors);
			return false;
		}
		if (mode == MACSEC_VALIDATE_CHECK) {
			macvx_count_sc(sa->sc, SC_STAT(InPktsInvalid));
			this_cpu_inc(sa->stats->InPktsInvalid);
		} else if (pn < lowest) {
			macvx_count_sc(sa->sc, SC_STAT(InPktsDelayed));
		} else {
			macvx_count_sc(sa->sc, SC_STAT(InPktsUnchecked));
		}
		return true;
	}

	if (pn < lowest) {
		macvx_count_sc(sa->sc, SC_STAT(InPktsDelayed));
	} else {
		macvx_count_sc(sa->sc, SC_STAT(InPktsOK));
		this_cpu_inc(sa->stats->InPktsOK);
	}

	/* next_pn = max(next_pn, pn + 1); the last XPN PN stays the limit. */
	if (pn != U64_MAX)
		pn++;
	while ((u64)next < pn &&
	       !atomic64_try_cmpxchg(&sa->next_pn, &next, pn))
		;
	return true;
}

static void macvx_rx_finish(struct macvx_dev *mvx, struct sk_buff *skb)
{
	struct macvx_rx_cb *cb = macvx_rx_cb(skb);

	if (!macvx_post_decrypt(mvx, skb)) {
		kfree_skb(skb);
		return;
	}
	macvx_strip_deliver(mvx, skb, cb->hdr_len, mvx->secy.icv_len,
			    cb->valid);
}

/* Finish a frame once the cipher is done, whether inline or later. */
static void macvx_decrypt_finish(struct sk_buff *skb, int err)
{
	struct macvx_rx_cb *cb = macvx_rx_cb(skb);
	struct net_device *dev = skb->dev;
	struct macvx_rx_sa *sa = cb->sa;

	macvx_req_put(cb->req);
	cb->valid = !err;

	rcu_read_lock_bh();
	if ((err && err != -EBADMSG) || unlikely(!netif_running(dev))) {
		/* The cipher failed for a reason other than a bad tag (out of
		 * memory, for example), or the device went down meanwhile.
		 * The frame is neither valid nor invalid, so only rx_dropped
		 * counts it.
		 */
		DEV_STATS_INC(dev, rx_dropped);
		kfree_skb(skb);
	} else {
		macvx_rx_finish(macvx_priv(dev), skb);
	}
	rcu_read_unlock_bh();

	macvx_rx_sa_put(sa);
	dev_put(dev);
}

static void macvx_decrypt_done(MACVX_CRYPTO_CB_ARG arg, int err)
{
	/* A backlogged request reports that it started; the result follows. */
	if (err == -EINPROGRESS)
		return;
	macvx_decrypt_finish(macvx_crypto_cb_data(arg), err);
}

/* Verify, and decrypt when E is set, in place. Consumes @skb. */
static void macvx_decrypt(struct macvx_dev *mvx, struct sk_buff *skb,
			  struct macvx_rx_sa *sa, sci_t sci)
{
	struct macvx_rx_cb *cb = macvx_rx_cb(skb);
	struct macvx_secy *secy = &mvx->secy;
	unsigned int icv_len = secy->icv_len;
	struct aead_request *aead;
	struct macvx_req *req;
	int err;

	if (skb_linearize_cow(skb))
		goto drop;

	/* A channel deleted under traffic may be dropping its last reference. */
	if (unlikely(!refcount_inc_not_zero(&sa->refcnt)))
		goto drop;
	req = macvx_req_get(&sa->key);
	if (unlikely(!req)) {
		macvx_rx_sa_put(sa);
		goto drop;
	}

	macvx_build_iv(req->iv, &sa->key, sci, cb->pn, secy->xpn);
	sg_set_buf(req->sg, skb->data, skb->len);

	aead = macvx_req_aead(req);
	if (macvx_sectag(skb)->tci_an & MACVX_TCI_E) {
		aead_request_set_crypt(aead, req->sg, req->sg,
				       skb->len - cb->hdr_len, req->iv);
		aead_request_set_ad(aead, cb->hdr_len);
	} else {
		aead_request_set_crypt(aead, req->sg, req->sg, icv_len, req->iv);
		aead_request_set_ad(aead, skb->len - icv_len);
	}

	dev_hold(mvx->dev);
	cb->sa = sa;
	cb->req = req;
	skb->dev = mvx->dev;
	aead_request_set_callback(aead, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  macvx_decrypt_done, skb);

	err = crypto_aead_decrypt(aead);
	if (err == -EINPROGRESS || err == -EBUSY)
		return;
	macvx_decrypt_finish(skb, err);
	return;

drop:
	DEV_STATS_INC(mvx->dev, rx_dropped);
	kfree_skb(skb);
}

/* 802.1AE 10.6.1 for frames from a channel without an RX SC. */
static void macvx_rx_unknown_sci(struct macvx_dev *mvx, struct sk_buff *skb,
				 unsigned int hdr_len)
{
	struct macvx_secy *secy = &mvx->secy;
	u8 tci = macvx_sectag(skb)->tci_an;

	if ((tci & MACVX_TCI_C) ||
	    READ_ONCE(secy->validate_frames) == MACSEC_VALIDATE_STRICT) {
		macvx_count_secy(secy, SECY_STAT(InPktsNoSCI));
		DEV_STATS_INC(mvx->dev, rx_errors);
		kfree_skb(skb);
		return;
	}

	/* Like macsec, assume the default ICV length: the SecY's own may
	 * not be the one the unknown sender uses.
	 */
	if (skb->len < hdr_len + MACSEC_DEFAULT_ICV_LEN) {
		macvx_count_secy(secy, SECY_STAT(InPktsBadTag));
		DEV_STATS_INC(mvx->dev, rx_errors);
		kfree_skb(skb);
		return;
	}
	macvx_count_secy(secy, SECY_STAT(InPktsUnknownSCI));
	macvx_strip_deliver(mvx, skb, hdr_len, MACSEC_DEFAULT_ICV_LEN, false);
}

/* The channel's SCI: from the SecTAG, or derived as 802.1AE 9.9 allows. */
static struct macvx_rx_sc *macvx_find_sc(struct macvx_secy *secy,
					 struct sk_buff *skb, sci_t *sci)
{
	struct macvx_rx_sc *single = macvx_rx_sc_single_rcu(secy);
	struct macvx_sectag *tag = macvx_sectag(skb);

	if (!(tag->tci_an & (MACVX_TCI_SC | MACVX_TCI_ES))) {
		*sci = single ? single->sci : 0;
		return single;
	}

	if (tag->tci_an & MACVX_TCI_SC)
		memcpy(sci, tag->secure_channel_id, sizeof(*sci));
	else
		*sci = macvx_make_sci(eth_hdr(skb)->h_source, MACVX_PORT_ES);
	/* The only active RX SC is also in the table: a match spares the
	 * hash of every frame from a single peer.
	 */
	if (single && single->sci == *sci)
		return single;
	return macvx_rx_sc_find_rcu(secy, *sci);
}

/* Handle the MACsec frame at skb->data. Consumes @skb. */
static void macvx_rx_macsec(struct macvx_dev *mvx, struct sk_buff *skb)
{
	struct macvx_rx_cb *cb = macvx_rx_cb(skb);
	struct macvx_secy *secy = &mvx->secy;
	struct macvx_rx_sc *sc;
	struct macvx_rx_sa *sa;
	struct macvx_sectag *tag;
	unsigned int hdr_len;
	sci_t sci;
	u8 tci;

	if (!pskb_may_pull(skb, ETH_HLEN + MACVX_SECTAG_LEN_NOSCI - 2))
		goto bad_tag;
	tci = macvx_sectag(skb)->tci_an;

	/* E without C marks a frame not meant for the controlled port. */
	if ((tci & MACVX_TCI_CONFID) == MACVX_TCI_E) {
		DEV_STATS_INC(mvx->dev, rx_dropped);
		kfree_skb(skb);
		return;
	}

	hdr_len = 2 * ETH_ALEN +
		  (tci & MACVX_TCI_SC ? MACVX_SECTAG_LEN : MACVX_SECTAG_LEN_NOSCI);
	if (!pskb_may_pull(skb, hdr_len))
		goto bad_tag;
	tag = macvx_sectag(skb);

	memset(cb, 0, sizeof(*cb));
	cb->hdr_len = hdr_len;
	cb->pn = ntohl(tag->packet_number);

	sc = macvx_find_sc(secy, skb, &sci);
	if (!sc || !sci) {
		macvx_rx_unknown_sci(mvx, skb, hdr_len);
		return;
	}

	if (!macvx_sectag_valid(skb, secy))
		goto bad_tag;

	sa = rcu_dereference(sc->sa[tci & MACVX_AN_MASK]);
	if (!sa || !READ_ONCE(sa->active)) {
		/* 10.6.1: no SA in use for this AN */
		if ((tci & MACVX_TCI_C) ||
		    READ_ONCE(secy->validate_frames) == MACSEC_VALIDATE_STRICT) {
			macvx_count_sc(sc, SC_STAT(InPktsNotUsingSA));
			DEV_STATS_INC(mvx->dev, rx_errors);
			kfree_skb(skb);
			return;
		}
		macvx_count_sc(sc, SC_STAT(InPktsUnusedSA));
		macvx_strip_deliver(mvx, skb, hdr_len, secy->icv_len, false);
		return;
	}

	if (secy->xpn)
		cb->pn = macvx_recover_pn(atomic64_read(&sa->next_pn), cb->pn);

	/* Drop frames that are already too old before paying for them. */
	if (READ_ONCE(secy->replay_protect)) {
		u64 lowest = macvx_lowest_pn(secy, atomic64_read(&sa->next_pn));

		if (cb->pn < lowest || macvx_pn_was_accepted(sa, cb->pn)) {
			macvx_count_sc(sc, SC_STAT(InPktsLate));
			DEV_STATS_INC(mvx->dev, rx_dropped);
			kfree_skb(skb);
			return;
		}
	}

	cb->sa = sa;
	if ((tci & MACVX_TCI_C) ||
	    READ_ONCE(secy->validate_frames) != MACSEC_VALIDATE_DISABLED) {
		macvx_decrypt(mvx, skb, sa, sci);
		return;
	}

	/* validate disabled and the data in clear: nothing to check */
	macvx_rx_finish(mvx, skb);
	return;

bad_tag:
	macvx_count_secy(secy, SECY_STAT(InPktsBadTag));
	DEV_STATS_INC(mvx->dev, rx_errors);
	kfree_skb(skb);
}

/* Frames without a SecTAG (802.1AE 10.6: validateFrames decides). */
static void macvx_rx_untagged(struct macvx_dev *mvx, struct sk_buff *skb)
{
	struct macvx_secy *secy = &mvx->secy;

	if (READ_ONCE(secy->validate_frames) == MACSEC_VALIDATE_STRICT) {
		macvx_count_secy(secy, SECY_STAT(InPktsNoTag));
		DEV_STATS_INC(mvx->dev, rx_dropped);
		kfree_skb(skb);
		return;
	}
	macvx_count_secy(secy, SECY_STAT(InPktsUntagged));
	macvx_deliver(mvx, skb);
}

/* UDP encapsulation receive hook
 *
 * Called under rcu_read_lock() with skb->data at the UDP header. Returns
 * 0 when the frame was consumed, which is always.
 */
int macvx_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct macvx_sock *ms;
	struct macvx_dev *mvx;
	struct vxlanhdr *vxh;
	struct ethhdr *eth;
	u32 vni;

	if (!pskb_may_pull(skb, VXLAN_HLEN))
		goto drop;

	ms = rcu_dereference_sk_user_data(sk);
	if (!ms)
		goto drop;

	vxh = (struct vxlanhdr *)(udp_hdr(skb) + 1);
	vni = be32_to_cpu(vxh->vx_vni) >> 8;
	mvx = macvx_sock_find_dev(ms, vni);
	if (!mvx)
		goto drop;

	/* RFC 7348 5: I must be set; like vxlan, every other flag bit and
	 * the reserved low byte of the VNI word must be zero.
	 */
	if (vxh->vx_flags != VXLAN_HF_VNI || (vxh->vx_vni & htonl(0xff))) {
		DEV_STATS_INC(mvx->dev, rx_frame_errors);
		DEV_STATS_INC(mvx->dev, rx_errors);
		goto drop;
	}

	/* This also pulls the inner Ethernet header, so it fails for a frame
	 * too short to carry one.
	 */
	if (__iptunnel_pull_header(skb, VXLAN_HLEN, htons(ETH_P_TEB), false,
				   !net_eq(mvx->net, dev_net(mvx->dev)))) {
		DEV_STATS_INC(mvx->dev, rx_length_errors);
		DEV_STATS_INC(mvx->dev, rx_errors);
		goto drop;
	}
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);

	/* Our own frame looped back, as vxlan drops it */
	if (ether_addr_equal(eth->h_source, mvx->dev->dev_addr))
		goto drop_dev;
	if (!(mvx->dev->flags & IFF_UP))
		goto drop_dev;

	if (eth->h_proto == htons(ETH_P_MACSEC))
		macvx_rx_macsec(mvx, skb);
	else
		macvx_rx_untagged(mvx, skb);
	return 0;

drop_dev:
	DEV_STATS_INC(mvx->dev, rx_dropped);
drop:
	kfree_skb(skb);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * UDP encapsulation sockets. As with vxlan, one kernel socket per network
 * namespace, UDP port, address family and receive checksum policy is
 * bound to the wildcard address and shared by every device that uses
 * them. Received frames find their device by VNI.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <net/udp_tunnel.h>

#include "macvx.h"

static struct hlist_head *macvx_vni_head(struct macvx_sock *ms, u32 vni)
{
	return &ms->vni_hash[hash_32(vni, MACVX_VNI_HASH_BITS)];
}

/* Called under rcu_read_lock() from the receive path. */
struct macvx_dev *macvx_sock_find_dev(struct macvx_sock *ms, u32 vni)
{
	struct macvx_dev *mvx;

	hlist_for_each_entry_rcu(mvx, macvx_vni_head(ms, vni), vni_node) {
		if (rcu_dereference(mvx->cfg)->vni == vni)
			return mvx;
	}
	return NULL;
}

static struct macvx_sock *macvx_sock_create(struct net *net,
					    const struct macvx_cfg *cfg)
{
	struct udp_tunnel_sock_cfg tunnel_cfg = {};
	struct udp_port_cfg udp_conf = {};
	struct macvx_sock *ms;
	struct socket *sock;
	int err;

	ms = kzalloc(sizeof(*ms), GFP_KERNEL);
	if (!ms)
		return ERR_PTR(-ENOMEM);

	ms->ipv6 = macvx_cfg_ipv6(cfg);
	ms->port = cfg->dst_port;
	ms->zero_csum6_rx = cfg->udp_zero_csum6_rx;

	if (ms->ipv6) {
		udp_conf.family = AF_INET6;
		udp_conf.ipv6_v6only = 1;
		udp_conf.use_udp6_rx_checksums = !cfg->udp_zero_csum6_rx;
	} else {
		udp_conf.family = AF_INET;
		udp_conf.local_ip.s_addr = htonl(INADDR_ANY);
	}
	udp_conf.local_udp_port = cfg->dst_port;

	err = udp_sock_create(net, &udp_conf, &sock);
	if (err < 0) {
		kfree(ms);
		return ERR_PTR(err);
	}
	ms->sock = sock;
	pr_debug("socket %p created for port %u\n", ms, ntohs(ms->port));

	tunnel_cfg.sk_user_data = ms;
	tunnel_cfg.encap_type = 1;	/* UDP_ENCAP_ESPINUDP_NON_IKE is 1 too */
	tunnel_cfg.encap_rcv = macvx_udp_encap_recv;
	setup_udp_tunnel_sock(net, sock, &tunnel_cfg);
	return ms;
}

/* Attach a device that goes up to its UDP socket
 *
 * Returns -EADDRINUSE when another owner (a vxlan device, a user space
 * program) has bound the port.
 */
int macvx_sock_open(struct macvx_dev *mvx)
{
	struct macvx_net *mn = net_generic(mvx->net, macvx_net_id);
	struct macvx_cfg *cfg = rtnl_dereference(mvx->cfg);
	bool ipv6 = macvx_cfg_ipv6(cfg);
	struct macvx_sock *ms;

	ASSERT_RTNL();
	list_for_each_entry(ms, &mn->sock_list, list) {
		if (ms->port == cfg->dst_port && ms->ipv6 == ipv6 &&
		    (!ipv6 || ms->zero_csum6_rx == cfg->udp_zero_csum6_rx))
			goto attach;
	}

	ms = macvx_sock_create(mvx->net, cfg);
	if (IS_ERR(ms))
		return PTR_ERR(ms);
	list_add(&ms->list, &mn->sock_list);

attach:
	ms->users++;
	hlist_add_head_rcu(&mvx->vni_node, macvx_vni_head(ms, cfg->vni));
	rcu_assign_pointer(mvx->sock, ms);
	return 0;
}

void macvx_sock_close(struct macvx_dev *mvx)
{
	struct macvx_sock *ms = rtnl_dereference(mvx->sock);

	ASSERT_RTNL();
	if (!ms)
		return;

	hlist_del_init_rcu(&mvx->vni_node);
	RCU_INIT_POINTER(mvx->sock, NULL);
	if (--ms->users)
		return;

	list_del(&ms->list);
	/* No transmit path may still be using the socket when it goes, and
	 * a receiver that found @ms just before the release may still be
	 * walking its VNI table.
	 */
	synchronize_net();
	udp_tunnel_sock_release(ms->sock);
	pr_debug("socket %p destroyed\n", ms);
	kfree_rcu(ms, rcu);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * macvx: Ethernet protected by IEEE 802.1AE MACsec and carried in VXLAN,
 * in one network device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "macvx.h"

unsigned int macvx_net_id __read_mostly;

static int macvx_netdevice_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	LIST_HEAD(kill);

	if (event != NETDEV_UNREGISTER && event != NETDEV_CHANGEMTU)
		return NOTIFY_DONE;
	if (netif_is_macvx(dev))
		return NOTIFY_DONE;

	macvx_underlay_event(dev, event, &kill);
	unregister_netdevice_many(&kill);
	return NOTIFY_DONE;
}

static struct notifier_block macvx_notifier = {
	.notifier_call = macvx_netdevice_event,
};

static int __net_init macvx_net_init(struct net *net)
{
	struct macvx_net *mn = net_generic(net, macvx_net_id);

	INIT_LIST_HEAD(&mn->dev_list);
	INIT_LIST_HEAD(&mn->sock_list);
	return 0;
}

/* Devices whose underlay namespace goes away go with it, wherever they
 * live, because their sockets and routes were there.
 */
static void __net_exit macvx_net_exit_batch(struct list_head *net_list)
{
	struct macvx_dev *mvx, *next;
	struct net *net;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list) {
		struct macvx_net *mn = net_generic(net, macvx_net_id);

		list_for_each_entry_safe(mvx, next, &mn->dev_list, list) {
			list_del(&mvx->list);
			unregister_netdevice_queue(mvx->dev, &kill);
		}
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

static struct pernet_operations macvx_net_ops = {
	.init = macvx_net_init,
	.exit_batch = macvx_net_exit_batch,
	.id = &macvx_net_id,
	.size = sizeof(struct macvx_net),
};

static int __init macvx_module_init(void)
{
	int err;

	err = register_pernet_subsys(&macvx_net_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&macvx_notifier);
	if (err)
		goto err_unregister_pernet;
	err = rtnl_link_register(&macvx_link_ops);
	if (err)
		goto err_unregister_notifier;
	err = macvx_genl_init();
	if (err)
		goto err_unregister_link;
	return 0;

err_unregister_link:
	rtnl_link_unregister(&macvx_link_ops);
err_unregister_notifier:
	unregister_netdevice_notifier(&macvx_notifier);
err_unregister_pernet:
	unregister_pernet_subsys(&macvx_net_ops);
	return err;
}

static void __exit macvx_module_exit(void)
{
	macvx_genl_exit();
	rtnl_link_unregister(&macvx_link_ops);
	unregister_netdevice_notifier(&macvx_notifier);
	unregister_pernet_subsys(&macvx_net_ops);
	/* SAs and configurations are freed by RCU callbacks, and an RX SA's
	 * callback queues its channel's, so wait for two generations.
	 */
	rcu_barrier();
	rcu_barrier();
}

module_init(macvx_module_init);
module_exit(macvx_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("MACsec (IEEE 802.1AE) protected VXLAN tunnel device");
MODULE_ALIAS_RTNL_LINK("macvx");
MODULE_ALIAS_GENL_FAMILY(MACVX_GENL_NAME);

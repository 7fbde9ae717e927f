// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovnmig.ko: instant Open vSwitch VIF events over generic netlink.
 *
 * Tells the ovnmig agent within microseconds that a VIF attached to Open
 * vSwitch went down, lost its carrier, left the datapath or went away.
 * It only reads device state from a netdevice notifier; it never touches
 * OVS's rx handler or datapath.
 */
#include <linux/module.h>
#include <net/net_namespace.h>

#include "ovnmig.h"

unsigned int ovnmig_net_id __read_mostly;

static struct pernet_operations ovnmig_net_ops = {
	.id = &ovnmig_net_id,
	.size = sizeof(struct ovnmig_net),
};

/*
 * Order: per-netns state first (the family and the notifier use it),
 * then the family (the notifier sends to it), the notifier last so that
 * no event can be generated before everything it needs exists.  Exit
 * undoes it in exact reverse order.
 */
static int __init ovnmig_init(void)
{
	int err;

	err = register_pernet_subsys(&ovnmig_net_ops);
	if (err)
		return err;
	err = ovnmig_genl_init();
	if (err)
		goto err_pernet;
	err = ovnmig_notify_init();
	if (err)
		goto err_genl;
	pr_info("ovnmig: version %s loaded\n", OVNMIG_MODULE_VERSION);
	return 0;

err_genl:
	ovnmig_genl_exit();
err_pernet:
	unregister_pernet_subsys(&ovnmig_net_ops);
	return err;
}

static void __exit ovnmig_exit(void)
{
	ovnmig_notify_exit();
	ovnmig_genl_exit();
	unregister_pernet_subsys(&ovnmig_net_ops);
}

module_init(ovnmig_init);
module_exit(ovnmig_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The ovnmig authors");
MODULE_DESCRIPTION("Open vSwitch VIF state events over generic netlink for ovnmig");
MODULE_VERSION(OVNMIG_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(OVNMIG_GENL_NAME);

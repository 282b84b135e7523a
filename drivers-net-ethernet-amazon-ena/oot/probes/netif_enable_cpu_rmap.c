// SPDX-License-Identifier: GPL-2.0
/* the core keeps the aRFS CPU rmap of a netdev */
#include <linux/netdevice.h>

int ena_probe(struct net_device *dev);
int ena_probe(struct net_device *dev)
{
	return netif_enable_cpu_rmap(dev, 1);
}

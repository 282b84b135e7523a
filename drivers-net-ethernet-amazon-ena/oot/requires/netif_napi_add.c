// SPDX-License-Identifier: GPL-2.0
/* netif_napi_add() without a weight (Linux 6.1) */
#include <linux/netdevice.h>

void ena_probe(struct net_device *dev, struct napi_struct *napi,
	       int (*poll)(struct napi_struct *, int));
void ena_probe(struct net_device *dev, struct napi_struct *napi,
	       int (*poll)(struct napi_struct *, int))
{
	netif_napi_add(dev, napi, poll);
}

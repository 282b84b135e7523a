// SPDX-License-Identifier: GPL-2.0
/* NAPI instances with persistent per-index config */
#include <linux/netdevice.h>

void ena_probe(struct net_device *dev, struct napi_struct *napi,
	       int (*poll)(struct napi_struct *, int));
void ena_probe(struct net_device *dev, struct napi_struct *napi,
	       int (*poll)(struct napi_struct *, int))
{
	netif_napi_add_config(dev, napi, poll, 0);
}

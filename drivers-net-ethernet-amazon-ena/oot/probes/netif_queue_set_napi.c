// SPDX-License-Identifier: GPL-2.0
/* netif_queue_set_napi(): the NAPI instance of a queue, for netlink */
#include <linux/netdevice.h>

void ena_probe(struct net_device *dev, struct napi_struct *napi);
void ena_probe(struct net_device *dev, struct napi_struct *napi)
{
	netif_queue_set_napi(dev, 0, NETDEV_QUEUE_TYPE_RX, napi);
}

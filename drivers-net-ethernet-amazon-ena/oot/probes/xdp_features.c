// SPDX-License-Identifier: GPL-2.0
/* XDP features a netdev advertises (netdev->xdp_features and helpers) */
#include <linux/netdevice.h>
#include <net/xdp.h>

void ena_probe(struct net_device *dev);
void ena_probe(struct net_device *dev)
{
	dev->xdp_features = NETDEV_XDP_ACT_BASIC;
	xdp_set_features_flag(dev, NETDEV_XDP_ACT_REDIRECT);
	xdp_clear_features_flag(dev);
	xdp_features_set_redirect_target(dev, false);
	xdp_features_clear_redirect_target(dev);
}

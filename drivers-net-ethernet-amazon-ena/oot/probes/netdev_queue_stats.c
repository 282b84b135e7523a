// SPDX-License-Identifier: GPL-2.0
/* per-queue stats through netdev_stat_ops */
#include <net/netdev_queues.h>

void ena_probe(struct net_device *dev, const struct netdev_stat_ops *ops,
	       struct netdev_queue_stats_rx *rx);
void ena_probe(struct net_device *dev, const struct netdev_stat_ops *ops,
	       struct netdev_queue_stats_rx *rx)
{
	dev->stat_ops = ops;
	rx->csum_bad = 0;
}

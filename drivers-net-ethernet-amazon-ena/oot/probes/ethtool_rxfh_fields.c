// SPDX-License-Identifier: GPL-2.0
/* ethtool_ops::get_rxfh_fields instead of get_rxnfc(ETHTOOL_GRXFH) */
#include <linux/ethtool.h>

int ena_probe_get(struct net_device *dev, struct ethtool_rxfh_fields *f);

const struct ethtool_ops ena_probe = {
	.get_rxfh_fields = ena_probe_get,
};

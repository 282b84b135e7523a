// SPDX-License-Identifier: GPL-2.0
/* get_rxfh()/set_rxfh() take the RSS config as struct ethtool_rxfh_param */
#include <linux/ethtool.h>

int ena_probe_get(struct net_device *dev, struct ethtool_rxfh_param *p);

const struct ethtool_ops ena_probe = {
	.get_rxfh = ena_probe_get,
};

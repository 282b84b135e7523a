// SPDX-License-Identifier: GPL-2.0
/* ethtool_ops::get_rx_ring_count instead of ETHTOOL_GRXRINGS */
#include <linux/ethtool.h>

const struct ethtool_ops ena_probe = {
	.get_rx_ring_count = NULL,
};

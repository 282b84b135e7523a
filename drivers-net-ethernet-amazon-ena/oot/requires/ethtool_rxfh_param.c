// SPDX-License-Identifier: GPL-2.0
/* RSS configuration through struct ethtool_rxfh_param and its fields ops */
#include <linux/ethtool.h>

const struct ethtool_ops ena_probe = {
	.get_rxfh_fields = NULL,
};

void ena_probe_param(struct ethtool_rxfh_param *p);
void ena_probe_param(struct ethtool_rxfh_param *p)
{
	p->hfunc = 0;
}

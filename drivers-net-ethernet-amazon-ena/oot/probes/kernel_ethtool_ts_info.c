// SPDX-License-Identifier: GPL-2.0
/* timestamping info through struct kernel_ethtool_ts_info */
#include <linux/ethtool.h>

void ena_probe(struct kernel_ethtool_ts_info *info);
void ena_probe(struct kernel_ethtool_ts_info *info)
{
	info->phc_index = -1;
}

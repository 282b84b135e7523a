// SPDX-License-Identifier: GPL-2.0
/* the TX push buffer length in ethtool's ring parameters */
#include <linux/ethtool.h>

int ena_probe_flag = ETHTOOL_RING_USE_TX_PUSH_BUF_LEN;

void ena_probe(struct kernel_ethtool_ringparam *kr);
void ena_probe(struct kernel_ethtool_ringparam *kr)
{
	kr->tx_push_buf_len = kr->tx_push_buf_max_len;
}

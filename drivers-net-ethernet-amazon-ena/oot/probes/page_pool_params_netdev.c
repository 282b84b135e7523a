// SPDX-License-Identifier: GPL-2.0
/* page_pool_params::netdev, to list the pool in the netdev's netlink info */
#include <net/page_pool/types.h>

const struct page_pool_params ena_probe = {
	.netdev = NULL,
};

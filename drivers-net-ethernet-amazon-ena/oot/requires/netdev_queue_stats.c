// SPDX-License-Identifier: GPL-2.0
/* per-queue stats through netdev_stat_ops */
#include <net/netdev_queues.h>

const struct netdev_stat_ops ena_probe;

// SPDX-License-Identifier: GPL-2.0
/* netif_napi_set_irq(): the IRQ of a NAPI instance, for netlink */
#include <linux/netdevice.h>

void ena_probe(struct napi_struct *napi);
void ena_probe(struct napi_struct *napi)
{
	netif_napi_set_irq(napi, -1);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-tree builds only: lets the in-tree sources build on kernels whose
 * APIs are older. Included before every source file (-include); the
 * ENA_HAVE_* answers come from compat-probe, which compiles one test per API
 * against the kernel being built for. Each shim below gives the newer API's
 * meaning in terms of the older one; where the older kernel cannot do the
 * same, the comment says what is lost.
 */
#ifndef ENA_COMPAT_H
#define ENA_COMPAT_H

#include "ena_compat_gen.h"

/*
 * The message prefix the driver's sources define (ena_netdev.c, ena_com.h),
 * set before the headers below would set the default one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * The kernel headers a shim touches come first, so that their include
 * guards keep the macros below from rewriting the headers themselves.
 */
#include <linux/dim.h>
#include <linux/netdevice.h>
#include <linux/timer.h>
#include <net/devlink.h>

#ifndef ENA_OOT_VERSION
#error "ENA_OOT_VERSION is not set: build with the package's Makefile"
#endif

#ifndef ENA_HAVE_NET_DIM_SAMPLE_PTR
/* net_dim() used to take the sample by value. */
static inline void ena_compat_net_dim(struct dim *dim,
				      const struct dim_sample *sample)
{
	net_dim(dim, *sample);
}

#define net_dim ena_compat_net_dim
#endif

#ifndef ENA_HAVE_NETIF_ENABLE_CPU_RMAP
/*
 * The core's CPU rmap serves accelerated RFS, which ENA does not offer
 * (no ndo_rx_flow_steer): without it the driver loses nothing.
 */
static inline int netif_enable_cpu_rmap(struct net_device *dev, u32 num_irqs)
{
	return 0;
}
#endif

#ifndef ENA_HAVE_NETIF_NAPI_ADD_CONFIG
/* No per-index NAPI config to keep across channel changes. */
static inline void netif_napi_add_config(struct net_device *dev,
					 struct napi_struct *napi,
					 int (*poll)(struct napi_struct *, int),
					 int index)
{
	netif_napi_add(dev, napi, poll);
}
#endif

#ifndef ENA_HAVE_TIMER_CONTAINER_OF
#define timer_container_of(var, timer, field) from_timer(var, timer, field)
#endif

#ifndef ENA_HAVE_DEVL_PARAM_DRIVERINIT_VALUE_SET_PTR
/* The value used to be passed by value. */
static inline void
ena_compat_devl_param_driverinit_value_set(struct devlink *devlink, u32 id,
					   union devlink_param_value *val)
{
	devl_param_driverinit_value_set(devlink, id, *val);
}

#define devl_param_driverinit_value_set ena_compat_devl_param_driverinit_value_set
#endif

#ifndef ENA_HAVE_DEVLINK_PARAM_ENABLE_PHC
/* enable_phc as a driver parameter: any ID above the generic ones */
#define DEVLINK_PARAM_GENERIC_ID_ENABLE_PHC (DEVLINK_PARAM_GENERIC_ID_MAX + 1)
#endif

#endif /* ENA_COMPAT_H */

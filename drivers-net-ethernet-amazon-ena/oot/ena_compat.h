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
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/timer.h>
#include <net/devlink.h>
#ifdef ENA_HAVE_PAGE_POOL_HELPERS
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

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

#ifndef ENA_HAVE_NETIF_NAPI_SET_IRQ
/* The NAPI instance's IRQ is not shown through netlink (netdev napi-get). */
static inline void netif_napi_set_irq(struct napi_struct *napi, int irq)
{
}
#endif

#ifndef ENA_HAVE_NETIF_QUEUE_SET_NAPI
/*
 * The queues' NAPI instances are not shown through netlink (netdev
 * queue-get). A macro: the queue types are not defined either.
 */
#define netif_queue_set_napi(dev, queue_index, type, napi) do { } while (0)
#endif

#ifndef ENA_HAVE_TIMER_CONTAINER_OF
#define timer_container_of(var, timer, field) from_timer(var, timer, field)
#endif

#ifndef ENA_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(timer) del_timer_sync(timer)
#define timer_delete(timer) del_timer(timer)
#endif

#ifndef ENA_HAVE_DEVL_PARAM_DRIVERINIT_VALUE_GET
/*
 * Before the devl_ variants, the driverinit values took no instance lock
 * (and setting one was allowed only before devlink_register()).
 */
#define devl_param_driverinit_value_get devlink_param_driverinit_value_get
#endif

#ifndef ENA_HAVE_DEVL_PARAM_DRIVERINIT_VALUE_SET_PTR
/* The value used to be passed by value. */
static inline void
ena_compat_devl_param_driverinit_value_set(struct devlink *devlink, u32 id,
					   union devlink_param_value *val)
{
#ifdef ENA_HAVE_DEVL_PARAM_DRIVERINIT_VALUE_GET
	devl_param_driverinit_value_set(devlink, id, *val);
#else
	devlink_param_driverinit_value_set(devlink, id, *val);
#endif
}

#define devl_param_driverinit_value_set ena_compat_devl_param_driverinit_value_set
#endif

#ifndef ENA_HAVE_DEVLINK_PARAM_ENABLE_PHC
/* enable_phc as a driver parameter: any ID above the generic ones */
#define DEVLINK_PARAM_GENERIC_ID_ENABLE_PHC (DEVLINK_PARAM_GENERIC_ID_MAX + 1)
#endif

#ifndef ENA_HAVE_NETDEV_QUEUE_STATS
/*
 * No netdev_stat_ops (netdev qstats-get): the driver still sums its
 * counters in these (ndo_get_stats64, the totals that survive ring
 * resets); see patches/ for what is compiled out.
 */
struct netdev_queue_stats_rx {
	u64 bytes;
	u64 packets;
	u64 alloc_fail;
	u64 csum_unnecessary;
	u64 csum_bad;
};

struct netdev_queue_stats_tx {
	u64 bytes;
	u64 packets;
	u64 stop;
	u64 wake;
};
#endif

#ifndef ENA_HAVE_PAGE_POOL_DEV_ALLOC
/*
 * page_pool_dev_alloc(): a fragment of *size bytes, or the whole page
 * when two of them would not fit in it. Older pools hand out fragments
 * only with PP_FLAG_PAGE_FRAG (see patches/), and then count the users
 * of each page, whole ones too: a page given out whole has one.
 */
static inline struct page *
ena_compat_page_pool_dev_alloc(struct page_pool *pool, unsigned int *offset,
			       unsigned int *size)
{
	unsigned int max_size = PAGE_SIZE << pool->p.order;
	struct page *page;

	if (*size > max_size / 2) {
		page = page_pool_dev_alloc_pages(pool);
		if (page)
			page_pool_fragment_page(page, 1);
		*offset = 0;
		*size = max_size;
		return page;
	}

	return page_pool_dev_alloc_frag(pool, offset, *size);
}

#define page_pool_dev_alloc ena_compat_page_pool_dev_alloc
#endif

#ifndef ENA_HAVE_ETHTOOL_PUTS
static inline void ethtool_puts(u8 **data, const char *str)
{
	ethtool_sprintf(data, "%s", str);
}
#endif

#ifndef ENA_HAVE_KERNEL_ETHTOOL_TS_INFO
/* The same fields, in the struct the ioctl copies out (see patches/). */
#define kernel_ethtool_ts_info ethtool_ts_info
#endif

#ifndef ENA_HAVE_ETHTOOL_RXFH_PARAM
/*
 * The RSS configuration that get_rxfh() and set_rxfh() used to take as
 * separate arguments (see patches/): the fields the driver uses.
 */
struct ethtool_rxfh_param {
	u8	hfunc;
	u32	*indir;
	u8	*key;
};
#endif

#ifndef ENA_HAVE_ETHTOOL_RXFH_FIELDS
/*
 * The flow hash fields of one flow type, which used to come through
 * get_rxnfc(ETHTOOL_GRXFH) and set_rxnfc(ETHTOOL_SRXFH) (see patches/):
 * the fields the driver uses.
 */
struct ethtool_rxfh_fields {
	u32	data;
	u32	flow_type;
};
#endif

#endif /* ENA_COMPAT_H */

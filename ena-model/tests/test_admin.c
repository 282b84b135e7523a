// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Admin commands: every feature the driver uses, IO queue create/destroy
 * as ena_up/ena_down do it, statistics, and the error statuses for
 * unknown or malformed commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "drv.h"
#include "harness.h"

#define NOWHERE	0x00007f0000000000ull	/* guest address outside every mapping */

static int setup(struct drv *d, const char *const *args, unsigned int nvec)
{
	if (drv_bringup(d, args, nvec))
		return -1;
	return drv_probe(d, NULL);
}

static void t_get_features(void)
{
	struct eif_acq_entry r;
	struct drv d;

	REQUIRE(!setup(&d, NULL, 9));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_MAX_QUEUES_EXT, 1, 0, 0, &r), 0);
	CHECK_EQ(r.u.max_queues_ext.version, 1);
	CHECK_EQ(r.u.max_queues_ext.max_tx_sq_num, 8);
	CHECK_EQ(r.u.max_queues_ext.max_rx_cq_num, 8);
	CHECK_EQ(r.u.max_queues_ext.max_tx_sq_depth, 1024);
	CHECK_EQ(r.u.max_queues_ext.max_rx_cq_depth, 1024);
	CHECK_EQ(r.u.max_queues_ext.max_tx_descs_per_pkt, 19);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_MAX_QUEUES_EXT, 5, 0, 0, &r), 0);
	CHECK_EQ(r.u.max_queues_ext.version, 1);	/* device answers with its version */
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_STATELESS_OFFLOAD, 0, 0, 0, &r), 0);
	CHECK(r.u.offload.tx & EIF_OFF_TX_L4_IPV4_PART);
	CHECK(r.u.offload.rx_supported & EIF_OFF_RX_HASH);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_HW_HINTS, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.hints.max_rx_sgl_size, 19);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_LINK_CONFIG, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.link.speed_mbps, 100000);
	CHECK(r.u.link.flags & EIF_LINK_FULL_DUPLEX);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_INTERRUPT_MODERATION, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.intr_moder.delay_resolution_us, 1);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_AENQ_CONFIG, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.aenq.supported_groups, 0xff);	/* the eight groups of the interface */
	CHECK_EQ(r.u.aenq.enabled_groups, 0xff);	/* set by drv_probe */
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, 0, 0, 0, &r), 0);
	CHECK(r.u.ind_table.min_log <= 7 && r.u.ind_table.max_log >= 7);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_MTU, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.raw[0], 1500);
out:
	drv_close(&d);
}

static void t_unknown_opcode(void)
{
	struct eif_aq_entry c;
	struct drv d;
	static const uint8_t ops[] = { 0, 5, 6, 7, 10, 12, 0x7f, 0xff };
	unsigned int i;

	REQUIRE(!setup(&d, NULL, 1));
	for (i = 0; i < sizeof(ops); i++) {
		memset(&c, 0, sizeof(c));
		c.hdr.opcode = ops[i];
		CHECK_EQ(drv_cmd(&d, &c, NULL), EIF_ST_BAD_OPCODE);
	}
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, NULL), 0);
out:
	drv_close(&d);
}

static void t_unknown_feature(void)
{
	struct eif_acq_entry r;
	struct eif_aq_entry c;
	uint32_t zero[4] = { 0 };
	struct drv d;

	REQUIRE(!setup(&d, NULL, 1));
	CHECK_EQ(drv_get_feature(&d, 31, 0, 0, 0, &r), EIF_ST_UNSUPPORTED);
	CHECK_EQ(drv_get_feature(&d, 0, 0, 0, 0, &r), EIF_ST_UNSUPPORTED);
	CHECK_EQ(drv_get_feature(&d, 200, 0, 0, 0, &r), EIF_ST_UNSUPPORTED);
	/* LLQ is advertised by default (as Nitro devices do) */
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_LLQ, 0, 0, 0, &r), 0);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_MAX_QUEUES_NUM, 0, 0, 0, &r), EIF_ST_UNSUPPORTED);
	CHECK_EQ(drv_set_feature(&d, 31, zero, sizeof(zero), 0, 0), EIF_ST_UNSUPPORTED);
	/* advertised, so an all-zero LLQ configuration is a bad value */
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_LLQ, zero, sizeof(zero), 0, 0), EIF_ST_ILLEGAL_PARAM);
	/* get-only features cannot be set */
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, zero, sizeof(zero), 0, 0),
		 EIF_ST_UNSUPPORTED);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_STATELESS_OFFLOAD, zero, sizeof(zero), 0, 0),
		 EIF_ST_UNSUPPORTED);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_INTERRUPT_MODERATION, zero, sizeof(zero), 0, 0),
		 EIF_ST_UNSUPPORTED);
	/* bad version: max queues ext needs version >= 1 */
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_MAX_QUEUES_EXT, 0, 0, 0, &r), EIF_ST_ILLEGAL_PARAM);
	/* undefined "select" value */
	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_FEATURE;
	c.u.feature.feat.feature_id = EIF_FEAT_LINK_CONFIG;
	c.u.feature.feat.flags = 2;
	CHECK_EQ(drv_cmd(&d, &c, NULL), EIF_ST_ILLEGAL_PARAM);
	c.u.feature.feat.flags = 3;			/* default value */
	CHECK_EQ(drv_cmd(&d, &c, NULL), 0);
out:
	drv_close(&d);
}

static void t_set_mtu(void)
{
	struct eif_acq_entry r;
	struct drv d;
	uint32_t mtu;

	REQUIRE(!setup(&d, NULL, 1));
	mtu = 1500;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_MTU, &mtu, 4, 0, 0), 0);
	mtu = 9216;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_MTU, &mtu, 4, 0, 0), 0);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_MTU, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.raw[0], 9216);
	mtu = 9217;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_MTU, &mtu, 4, 0, 0), EIF_ST_ILLEGAL_PARAM);
	mtu = 10;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_MTU, &mtu, 4, 0, 0), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_MTU, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.raw[0], 9216);
out:
	drv_close(&d);
}

static void t_aenq_config(void)
{
	static const char *const args[] = { "--set", "aenq_groups=0,4", NULL };
	struct eif_f_aenq a = { 0, 0 };
	struct eif_acq_entry r;
	struct drv d;

	REQUIRE(!drv_bringup(&d, args, 1));
	REQUIRE(!drv_reset(&d));
	REQUIRE(!drv_admin_init(&d));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_AENQ_CONFIG, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.aenq.supported_groups, 0x11);
	a.enabled_groups = 0x11;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_AENQ_CONFIG, &a, sizeof(a), 0, 0), 0);
	a.enabled_groups = 0x19;			/* notification is not supported here */
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_AENQ_CONFIG, &a, sizeof(a), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);
	a.enabled_groups = 0x80;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_AENQ_CONFIG, &a, sizeof(a), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_AENQ_CONFIG, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.aenq.enabled_groups, 0x11);
out:
	drv_close(&d);
}

static void t_host_attr(void)
{
	struct eif_f_host_attr ha;
	struct eif_host_info *hi;
	struct drv d;

	REQUIRE(!setup(&d, NULL, 1));
	hi = drv_mem(&d, DRV_HOST_INFO);
	hi->os_type = 1;
	memcpy(hi->kernel_ver_str, "#1 SMP test", 12);
	memcpy(hi->os_dist_str, "7.3.4-test", 11);
	hi->driver_version = 2 | (1 << 8) | ('K' << 24);
	hi->ena_spec_version = 0x200;
	memset(&ha, 0, sizeof(ha));
	ha.os_info.lo = (uint32_t)drv_iova(DRV_HOST_INFO);
	ha.debug_area.lo = (uint32_t)drv_iova(DRV_DEBUG);
	ha.debug_area_size = 4096;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_HOST_ATTR_CONFIG, &ha, sizeof(ha), 0, 0), 0);
	/* host info page that is not (entirely) guest memory */
	ha.os_info.lo = 0x1000;
	ha.os_info.hi = 0x7f00;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_HOST_ATTR_CONFIG, &ha, sizeof(ha), 0, 0),
		 EIF_ST_MALFORMED);
	ha.os_info.hi = 0;
	ha.os_info.lo = (uint32_t)(DRV_IOVA + DRV_MEM_SIZE - 2048);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_HOST_ATTR_CONFIG, &ha, sizeof(ha), 0, 0),
		 EIF_ST_MALFORMED);
	/* debug area running off the end of guest memory */
	ha.os_info.lo = (uint32_t)drv_iova(DRV_HOST_INFO);
	ha.debug_area.lo = (uint32_t)(DRV_IOVA + DRV_MEM_SIZE - 100);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_HOST_ATTR_CONFIG, &ha, sizeof(ha), 0, 0),
		 EIF_ST_MALFORMED);
	/* the probe-time form: no debug area yet */
	ha.debug_area.lo = 0;
	ha.debug_area_size = 0;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_HOST_ATTR_CONFIG, &ha, sizeof(ha), 0, 0), 0);
out:
	drv_close(&d);
}

static void t_rss(void)
{
	struct eif_rss_key_buf *key;
	struct eif_rss_hash_ctrl_buf *hc;
	struct eif_rss_ind_entry *tbl;
	struct eif_f_hash_func hf;
	struct eif_f_hash_input hin;
	struct eif_f_ind_table it;
	struct eif_acq_entry r;
	uint64_t cb = drv_iova(DRV_CTRL);
	struct drv d;
	unsigned int i;

	REQUIRE(!setup(&d, NULL, 1));
	key = drv_mem(&d, DRV_CTRL);
	hc = drv_mem(&d, DRV_CTRL);
	tbl = drv_mem(&d, DRV_CTRL);

	/* hash function: the current key lands in the control buffer */
	memset(key, 0, sizeof(*key));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, 0, cb, sizeof(*key), &r), 0);
	CHECK(r.u.hash_func.supported & EIF_BIT(EIF_HASH_TOEPLITZ));
	CHECK_EQ(r.u.hash_func.selected, EIF_BIT(EIF_HASH_TOEPLITZ));
	CHECK_EQ(key->key_parts, 10);
	CHECK(key->key[0] != 0);
	/* the driver's ena_com_set_hash_function: new key, toeplitz, init value */
	for (i = 0; i < 10; i++)
		key->key[i] = 0x01010101u * (i + 1);
	memset(&hf, 0, sizeof(hf));
	hf.selected = EIF_BIT(EIF_HASH_TOEPLITZ);
	hf.init_val = 0xffffffff;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf), cb,
				 sizeof(*key)), 0);
	memset(key, 0, sizeof(*key));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, 0, cb, sizeof(*key), &r), 0);
	CHECK_EQ(key->key[9], 0x0a0a0a0a);
	CHECK_EQ(r.u.hash_func.init_val, 0xffffffff);
	hf.selected = EIF_BIT(EIF_HASH_CRC32);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf), 0, 0), 0);
	hf.selected = EIF_BIT(EIF_HASH_CRC32) | EIF_BIT(EIF_HASH_TOEPLITZ);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);
	hf.selected = EIF_BIT(5);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);
	hf.selected = EIF_BIT(EIF_HASH_TOEPLITZ);
	key->key_parts = 11;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf), cb,
				 sizeof(*key)), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf), cb, 8),
		 EIF_ST_MALFORMED);			/* buffer too short */
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, 0, NOWHERE, 48, &r),
		 EIF_ST_MALFORMED);			/* buffer outside guest memory */

	/* hash input: supported fields come back, the driver's defaults are accepted */
	memset(hc, 0, sizeof(*hc));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_HASH_INPUT, 0, cb, sizeof(*hc), &r), 0);
	CHECK_EQ(r.u.hash_input.supported_sort & (EIF_RSS_SORT_L3 | EIF_RSS_SORT_L4),
		 EIF_RSS_SORT_L3 | EIF_RSS_SORT_L4);
	CHECK_EQ(hc->supported[EIF_RSS_TCP4].fields & 0x3c, 0x3c);
	CHECK_EQ(hc->supported[EIF_RSS_NOT_IP].fields & 0x3, 0x3);
	CHECK_EQ(hc->selected[EIF_RSS_TCP4].fields, 0x3c);
	hc->selected[EIF_RSS_UDP6].fields = EIF_RSS_F_L3_SA | EIF_RSS_F_L3_DA;
	memset(&hin, 0, sizeof(hin));
	hin.enabled_sort = EIF_RSS_SORT_L3 | EIF_RSS_SORT_L4;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_INPUT, &hin, sizeof(hin), cb,
				 sizeof(*hc)), 0);
	memset(hc, 0, sizeof(*hc));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_HASH_INPUT, 0, cb, sizeof(*hc), &r), 0);
	CHECK_EQ(hc->selected[EIF_RSS_UDP6].fields, 0x0c);
	CHECK_EQ(r.u.hash_input.enabled_sort, EIF_RSS_SORT_L3 | EIF_RSS_SORT_L4);
	hc->selected[12].fields = 1;			/* undefined protocol */
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_INPUT, &hin, sizeof(hin), cb,
				 sizeof(*hc)), EIF_ST_ILLEGAL_PARAM);
	hin.enabled_sort = 0x8;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_INPUT, &hin, sizeof(hin), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);

	/* indirection table: full table through the control buffer */
	for (i = 0; i < 128; i++) {
		tbl[i].queue = (uint16_t)(i % 8);
		tbl[i].rsvd = 0;
	}
	memset(&it, 0, sizeof(it));
	it.log_size = 7;
	it.inline_index = EIF_RSS_INLINE_INDEX_NONE;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it), cb,
				 128 * 4), 0);
	memset(tbl, 0xff, 512);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, 0, cb, 512, &r), 0);
	CHECK_EQ(tbl[9].queue, 1);
	CHECK_EQ(r.u.ind_table.log_size, 7);
	tbl[5].queue = 8;				/* no such queue */
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it), cb,
				 128 * 4), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it), cb, 64),
		 EIF_ST_MALFORMED);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it), 0, 0),
		 EIF_ST_MALFORMED);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it), NOWHERE,
				 512), EIF_ST_MALFORMED);
	it.log_size = 8;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it), cb, 1024),
		 EIF_ST_ILLEGAL_PARAM);
	/* single inline entry, and the update register */
	it.log_size = 7;
	it.inline_index = 3;
	it.inline_queue = 6;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it), 0, 0), 0);
	it.inline_index = 128;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);
	drv_reg_write(&d, EIF_REG_RSS_IND_UPDATE, (5u << 16) | 4);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, 0, cb, 512, &r), 0);
	CHECK_EQ(tbl[3].queue, 6);
	CHECK_EQ(tbl[4].queue, 5);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, 0, cb, 100, &r),
		 EIF_ST_MALFORMED);
out:
	drv_close(&d);
}

static void t_stats(void)
{
	static const char *const args[] = { "--set", "rx_drops=11", "--set", "tx_drops=22",
					    "--set", "rx_overruns=33", NULL };
	struct eif_aq_entry c;
	struct eif_acq_entry r;
	struct drv d;
	char *text;

	REQUIRE(!setup(&d, args, 1));
	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_STATS;
	c.u.stats.type = EIF_STATS_BASIC;
	c.u.stats.scope = EIF_SCOPE_ETH;
	c.u.stats.device_id = 0xffff;
	CHECK_EQ(drv_cmd(&d, &c, &r), 0);
	CHECK_EQ(r.u.basic.rx_drops_lo, 11);
	CHECK_EQ(r.u.basic.tx_drops_lo, 22);
	CHECK_EQ(r.u.basic.rx_overruns_lo, 33);
	/* the command as drivers send it (queue scope, queue 0): still totals */
	c.u.stats.scope = EIF_SCOPE_QUEUE;
	c.u.stats.queue_idx = 0;
	CHECK_EQ(drv_cmd(&d, &c, &r), 0);
	CHECK_EQ(r.u.basic.rx_drops_lo, 11);
	CHECK_EQ(r.u.basic.tx_drops_lo, 22);
	c.u.stats.queue_idx = 3;
	CHECK_EQ(drv_cmd(&d, &c, &r), 0);
	CHECK_EQ(r.u.basic.tx_drops_lo, 22);
	c.u.stats.queue_idx = 999;			/* bad queue index */
	CHECK_EQ(drv_cmd(&d, &c, &r), EIF_ST_ILLEGAL_PARAM);
	c.u.stats.queue_idx = 0;
	c.u.stats.scope = 9;
	CHECK_EQ(drv_cmd(&d, &c, &r), EIF_ST_ILLEGAL_PARAM);
	c.u.stats.scope = EIF_SCOPE_ETH;
	c.u.stats.device_id = 7;			/* another function's stats */
	CHECK_EQ(drv_cmd(&d, &c, &r), EIF_ST_ILLEGAL_PARAM);
	/* ENI stats exactly as the driver asks: everything zero but the type */
	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_STATS;
	c.u.stats.type = EIF_STATS_ENI;
	CHECK_EQ(drv_cmd(&d, &c, &r), 0);
	c.u.stats.type = EIF_STATS_ENA_SRD;		/* capability not advertised */
	CHECK_EQ(drv_cmd(&d, &c, &r), EIF_ST_UNSUPPORTED);
	c.u.stats.type = EIF_STATS_CUSTOMER_METRICS;
	CHECK_EQ(drv_cmd(&d, &c, &r), EIF_ST_UNSUPPORTED);
	c.u.stats.type = 9;
	CHECK_EQ(drv_cmd(&d, &c, &r), EIF_ST_ILLEGAL_PARAM);
	/* extended stats: text into the control buffer */
	c.u.stats.type = EIF_STATS_EXTENDED;
	CHECK_EQ(drv_cmd(&d, &c, &r), EIF_ST_MALFORMED);
	text = drv_mem(&d, DRV_CTRL);
	memset(text, 'x', 64);
	/* drivers name the buffer with flags 0 */
	c.u.stats.cb.length = 64;
	c.u.stats.cb.addr.lo = (uint32_t)drv_iova(DRV_CTRL);
	CHECK_EQ(drv_cmd(&d, &c, &r), 0);
	CHECK(!strncmp(text, "tx_pkts 0\n", 10));
	memset(text, 'x', 64);
	c.hdr.flags = EIF_AQ_FLAG_CTRL_DATA;
	CHECK_EQ(drv_cmd(&d, &c, &r), 0);
	CHECK(!strncmp(text, "tx_pkts 0\n", 10));
	CHECK_EQ(text[63], 0);
	c.u.stats.cb.addr.hi = 0x7f00;
	CHECK_EQ(drv_cmd(&d, &c, &r), EIF_ST_MALFORMED);
out:
	drv_close(&d);
}

static void t_customer_metrics(void)
{
	static const char *const args[] = { "--set", "capabilities=0,2", NULL };
	struct eif_acq_entry attr, r;
	struct eif_aq_entry c;
	uint64_t *vals;
	struct drv d;

	REQUIRE(!drv_bringup(&d, args, 1));
	REQUIRE(!drv_probe(&d, &attr));
	CHECK_EQ(attr.u.dev_attr.capabilities, 0x5);
	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_STATS;
	c.u.stats.type = EIF_STATS_CUSTOMER_METRICS;
	c.u.stats.requested_metrics_lo = 0x3f;
	CHECK_EQ(drv_cmd(&d, &c, &r), 0);
	CHECK_EQ(r.u.reported_metrics, 0x3f);
	vals = drv_mem(&d, DRV_CTRL);
	memset(vals, 0xff, 64);
	/* as drivers ask: the buffer named, flags 0 */
	c.u.stats.cb.length = 48;
	c.u.stats.cb.addr.lo = (uint32_t)drv_iova(DRV_CTRL);
	CHECK_EQ(drv_cmd(&d, &c, &r), 0);
	CHECK_EQ(vals[0], 0);
	CHECK_EQ(vals[5], 0);
	CHECK_EQ(vals[6], ~0ull);			/* nothing past the 6 metrics */
	c.u.stats.cb.length = 16;
	CHECK_EQ(drv_cmd(&d, &c, &r), EIF_ST_MALFORMED);
out:
	drv_close(&d);
}

/* ---- IO queues ---- */

static int create_cq(struct drv *d, unsigned int dwords, uint16_t depth, uint32_t vec,
		     uint64_t ring, struct eif_acq_entry *r)
{
	struct eif_aq_entry c;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_CREATE_CQ;
	c.u.create_cq.caps1 = EIF_CQ_INTR_MODE;
	c.u.create_cq.caps2 = (uint8_t)dwords;
	c.u.create_cq.depth = depth;
	c.u.create_cq.msix_vector = vec;
	c.u.create_cq.ring.lo = (uint32_t)ring;
	c.u.create_cq.ring.hi = (uint16_t)(ring >> 32);
	return drv_cmd(d, &c, r);
}

static int create_sq(struct drv *d, unsigned int dir, uint16_t cq, uint16_t depth,
		     uint64_t ring, uint8_t caps2, uint8_t caps3, struct eif_acq_entry *r)
{
	struct eif_aq_entry c;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_CREATE_SQ;
	c.u.create_sq.identity = EIF_SQ_IDENTITY(dir);
	c.u.create_sq.caps2 = caps2;
	c.u.create_sq.caps3 = caps3;
	c.u.create_sq.cq_idx = cq;
	c.u.create_sq.depth = depth;
	c.u.create_sq.ring.lo = (uint32_t)ring;
	c.u.create_sq.ring.hi = (uint16_t)(ring >> 32);
	return drv_cmd(d, &c, r);
}

static int destroy_sq(struct drv *d, unsigned int dir, uint16_t idx)
{
	struct eif_aq_entry c;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_DESTROY_SQ;
	c.u.destroy_sq.identity = EIF_SQ_IDENTITY(dir);
	c.u.destroy_sq.sq_idx = idx;
	return drv_cmd(d, &c, NULL);
}

static int destroy_cq(struct drv *d, uint16_t idx)
{
	struct eif_aq_entry c;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_DESTROY_CQ;
	c.u.destroy_cq.cq_idx = idx;
	return drv_cmd(d, &c, NULL);
}

#define HOST_DESC	(EIF_PLACEMENT_HOST | (EIF_COMPLETION_DESC << 4))

static uint64_t ring_addr(unsigned int n)
{
	return drv_iova(DRV_RINGS + n * 0x10000u);
}

/*
 * What "ip link set up" makes the driver do (ena_up): per queue pair a TX
 * CQ + SQ, then per pair an RX CQ + SQ, the RSS table, hash function and
 * input, MTU, interrupt unmask; then ena_down destroys SQ before CQ.
 */
static void t_link_up_sequence(void)
{
	struct eif_acq_entry r;
	struct drv d;
	uint16_t txsq[8], txcq[8], rxsq[8], rxcq[8];
	uint32_t txdb[8], rxdb[8], unmask[8], q;
	struct eif_rss_ind_entry *tbl;
	struct eif_f_ind_table it;
	struct eif_f_hash_func hf;
	struct eif_f_hash_input hin;
	uint32_t mtu = 1500, i, j;

	REQUIRE(!setup(&d, NULL, 9));
	drv_reg_write(&d, EIF_REG_INTR_MASK, 0);
	for (q = 0; q < 8; q++) {
		REQUIRE(create_cq(&d, 2, 1024, 1 + q, ring_addr(2 * q), &r) == 0);
		txcq[q] = r.u.create_cq.cq_idx;
		unmask[q] = r.u.create_cq.unmask_offset;
		CHECK_EQ(r.u.create_cq.actual_depth, 1024);
		CHECK_EQ(r.u.create_cq.numa_reg_offset, 0);
		REQUIRE(create_sq(&d, EIF_DIR_TX, txcq[q], 1024, ring_addr(2 * q) + 0x8000,
				  HOST_DESC, EIF_SQ_CONTIGUOUS, &r) == 0);
		txsq[q] = r.u.create_sq.sq_idx;
		txdb[q] = r.u.create_sq.db_offset;
		CHECK_EQ(r.u.create_sq.llq_desc_offset, 0);
	}
	for (q = 0; q < 8; q++) {
		REQUIRE(create_cq(&d, 4, 1024, 1 + q, ring_addr(2 * q + 1), &r) == 0);
		rxcq[q] = r.u.create_cq.cq_idx;
		REQUIRE(create_sq(&d, EIF_DIR_RX, rxcq[q], 1024, ring_addr(16 + q),
				  HOST_DESC, EIF_SQ_CONTIGUOUS, &r) == 0);
		rxsq[q] = r.u.create_sq.sq_idx;
		rxdb[q] = r.u.create_sq.db_offset;
	}
	/* doorbells: distinct, 4-aligned, inside BAR0 and clear of registers and MSI-X */
	for (i = 0; i < 8; i++) {
		CHECK(txdb[i] >= 0x1000 && txdb[i] < 0x2000 && !(txdb[i] & 3));
		CHECK(rxdb[i] >= 0x1000 && rxdb[i] < 0x2000 && !(rxdb[i] & 3));
		CHECK(unmask[i] >= 0x1000 && unmask[i] < 0x2000 && !(unmask[i] & 3));
		for (j = 0; j < 8; j++) {
			CHECK(txdb[i] != rxdb[j]);
			CHECK(txdb[i] != unmask[j] && rxdb[i] != unmask[j]);
			if (i != j)
				CHECK(txdb[i] != txdb[j] && rxcq[i] != rxcq[j] && txcq[i] != rxcq[j]);
		}
	}
	/* ena_rss_configure */
	tbl = drv_mem(&d, DRV_CTRL);
	for (i = 0; i < 128; i++)
		tbl[i].queue = rxsq[i % 8];
	memset(&it, 0, sizeof(it));
	it.log_size = 7;
	it.inline_index = EIF_RSS_INLINE_INDEX_NONE;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it),
				 drv_iova(DRV_CTRL), 512), 0);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, 0, drv_iova(DRV_CTRL), 48, &r), 0);
	memset(&hf, 0, sizeof(hf));
	hf.selected = EIF_BIT(EIF_HASH_TOEPLITZ);
	hf.init_val = 0xffffffff;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf),
				 drv_iova(DRV_CTRL), 48), 0);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_RSS_HASH_INPUT, 0, drv_iova(DRV_CTRL), 256, &r), 0);
	memset(&hin, 0, sizeof(hin));
	hin.enabled_sort = EIF_RSS_SORT_L3 | EIF_RSS_SORT_L4;
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_RSS_HASH_INPUT, &hin, sizeof(hin),
				 drv_iova(DRV_CTRL), 256), 0);
	CHECK_EQ(drv_set_feature(&d, EIF_FEAT_MTU, &mtu, 4, 0, 0), 0);
	for (q = 0; q < 8; q++) {
		drv_reg_write(&d, unmask[q], EIF_INTR_REG_UNMASK | 64);
		drv_reg_write(&d, rxdb[q], 1023);	/* refill doorbell */
	}
	vuc_sync(&d.c);
	CHECK(!(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL));
	/* a CQ still used by an SQ cannot go first */
	CHECK_EQ(destroy_cq(&d, txcq[0]), EIF_ST_BUSY);
	/* ena_down: SQ then CQ for each */
	for (q = 0; q < 8; q++) {
		CHECK_EQ(destroy_sq(&d, EIF_DIR_TX, txsq[q]), 0);
		CHECK_EQ(destroy_cq(&d, txcq[q]), 0);
	}
	for (q = 0; q < 8; q++) {
		CHECK_EQ(destroy_sq(&d, EIF_DIR_RX, rxsq[q]), 0);
		CHECK_EQ(destroy_cq(&d, rxcq[q]), 0);
	}
	CHECK_EQ(destroy_sq(&d, EIF_DIR_RX, rxsq[0]), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(destroy_cq(&d, rxcq[0]), EIF_ST_ILLEGAL_PARAM);
	/* and up again */
	CHECK_EQ(create_cq(&d, 2, 1024, 1, ring_addr(0), &r), 0);
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, r.u.create_cq.cq_idx, 1024, ring_addr(0) + 0x8000,
			   HOST_DESC, EIF_SQ_CONTIGUOUS, &r), 0);
out:
	drv_close(&d);
}

static void t_queue_errors(void)
{
	struct eif_acq_entry r;
	struct drv d;
	uint16_t cq;
	unsigned int i;

	REQUIRE(!setup(&d, NULL, 9));
	/* CQ: depth not a power of 2 / too deep, bad entry size, bad vector, bad ring */
	CHECK_EQ(create_cq(&d, 4, 1000, 1, ring_addr(0), &r), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_cq(&d, 4, 0, 1, ring_addr(0), &r), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_cq(&d, 4, 2048, 1, ring_addr(0), &r), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_cq(&d, 3, 1024, 1, ring_addr(0), &r), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_cq(&d, 4, 1024, 9, ring_addr(0), &r), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_cq(&d, 4, 1024, 1, NOWHERE, &r), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_cq(&d, 4, 1024, 1, 0, &r), EIF_ST_ILLEGAL_PARAM);
	/* ring running off the end of guest memory */
	CHECK_EQ(create_cq(&d, 4, 1024, 1, DRV_IOVA + DRV_MEM_SIZE - 0x1000, &r),
		 EIF_ST_ILLEGAL_PARAM);
	/* interrupt mode with vector all ones: valid, a CQ without an interrupt */
	CHECK_EQ(create_cq(&d, 4, 1024, EIF_MSIX_NONE, ring_addr(0), &r), 0);
	CHECK_EQ(destroy_cq(&d, r.u.create_cq.cq_idx), 0);
	REQUIRE(create_cq(&d, 4, 1024, 1, ring_addr(0), &r) == 0);
	cq = r.u.create_cq.cq_idx;
	/* SQ: bad direction, LLQ placement, head completion policy, not contiguous,
	 * missing CQ, bad depth, bad ring */
	CHECK_EQ(create_sq(&d, 3, cq, 1024, ring_addr(1), HOST_DESC, 1, &r), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_sq(&d, 0, cq, 1024, ring_addr(1), HOST_DESC, 1, &r), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_sq(&d, EIF_DIR_RX, cq, 1024, ring_addr(1), EIF_PLACEMENT_DEV, 1, &r),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, cq, 1024, ring_addr(1),
			   EIF_PLACEMENT_HOST | (EIF_COMPLETION_HEAD << 4), 1, &r),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, cq, 1024, ring_addr(1), HOST_DESC, 0, &r),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, 77, 1024, ring_addr(1), HOST_DESC, 1, &r),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, 0xffff, 1024, ring_addr(1), HOST_DESC, 1, &r),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, cq, 100, ring_addr(1), HOST_DESC, 1, &r),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, cq, 1024, NOWHERE, HOST_DESC, 1, &r),
		 EIF_ST_ILLEGAL_PARAM);
	REQUIRE(create_sq(&d, EIF_DIR_RX, cq, 1024, ring_addr(1), HOST_DESC, 1, &r) == 0);
	/* one SQ per CQ */
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, cq, 1024, ring_addr(2), HOST_DESC, 1, &r),
		 EIF_ST_ILLEGAL_PARAM);
	/* destroy with bad indexes / direction */
	CHECK_EQ(destroy_sq(&d, EIF_DIR_TX, 0), EIF_ST_ILLEGAL_PARAM);	/* only RX 0 exists */
	CHECK_EQ(destroy_sq(&d, EIF_DIR_RX, 200), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(destroy_sq(&d, 0, 0), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(destroy_cq(&d, 0xffff), EIF_ST_ILLEGAL_PARAM);
	/* running out: 16 CQs and 8 SQs per direction with queues = 8 */
	for (i = 1; i < 16; i++)
		CHECK_EQ(create_cq(&d, 2, 256, 0, ring_addr(2 + i), &r), 0);
	CHECK_EQ(create_cq(&d, 2, 256, 0, ring_addr(20), &r), EIF_ST_NO_RESOURCES);
	/* doorbell of a queue that does not exist: logged, harmless */
	drv_reg_write(&d, 0x1000 + 8 * 7, 5);
	drv_reg_write(&d, 0x1802, 5);
	vuc_sync(&d.c);
	CHECK(!(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL));
	/* a reset drops every queue */
	REQUIRE(!drv_reset(&d));
	REQUIRE(!drv_admin_init(&d));
	CHECK_EQ(destroy_sq(&d, EIF_DIR_RX, 0), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_cq(&d, 2, 256, 0, ring_addr(20), &r), 0);
	CHECK_EQ(r.u.create_cq.cq_idx, 0);
out:
	drv_close(&d);
}

static void t_aq_wrap(void)
{
	struct eif_acq_entry r;
	struct drv d;
	int i, bad = 0;

	REQUIRE(!setup(&d, NULL, 1));
	/* many commands: the AQ and ACQ wrap several times, phases flip */
	for (i = 0; i < 100; i++) {
		if (drv_get_feature(&d, EIF_FEAT_LINK_CONFIG, 0, 0, 0, &r) != 0)
			bad++;
		else if (r.hdr.sq_head != d.sq_tail)
			bad++;
	}
	CHECK_EQ(bad, 0);
	/* a batch: several commands before collecting completions */
	for (i = 0; i < 20; i++) {
		struct eif_aq_entry c;

		memset(&c, 0, sizeof(c));
		c.hdr.opcode = EIF_OP_GET_FEATURE;
		c.u.feature.feat.feature_id = (uint8_t)(i % 3 ? EIF_FEAT_LINK_CONFIG : 31);
		drv_submit(&d, &c);
	}
	for (i = 0; i < 20; i++) {
		int st = drv_complete(&d, &r, 2000);

		CHECK_EQ(st, i % 3 ? 0 : EIF_ST_UNSUPPORTED);
	}
out:
	drv_close(&d);
}

/* LLQ configuration as upstream Linux's driver writes it, entry size esz */
static int set_llq(struct drv *d, uint16_t esz_bit)
{
	struct eif_acq_entry r;
	struct eif_f_llq l;

	if (drv_get_feature(d, EIF_FEAT_LLQ, 0, 0, 0, &r))
		return -1;
	l = r.u.llq;
	l.header_location_enabled = EIF_LLQ_HEADER_INLINE;
	l.entry_size_enabled = esz_bit;
	l.descs_before_header_enabled = 2;
	l.stride_enabled = EIF_LLQ_STRIDE_MULTI;
	return drv_set_feature(d, EIF_FEAT_LLQ, &l, sizeof(l), 0, 0);
}

/*
 * LLQ version 1: a driver that asks for it gets the recommended entry size
 * and the depth of 256-byte ("wide") queues; one that asks for version 0
 * gets zeros there. The depths follow the BAR2 slot of each queue (1 MiB
 * over 8 queues: 1024 x 128 or 512 x 256 bytes), and creating a queue
 * deeper than its entries fit is refused. With llq=off nothing of LLQ is
 * offered and an LLQ queue is refused.
 */
static void t_llq_versions(void)
{
	static const char *const wide[] = { "--set", "llq_entry_recommended=256", NULL };
	static const char *const off[] = { "--set", "llq=off", NULL };
	struct eif_acq_entry r;
	uint16_t cq;
	struct drv d;

	REQUIRE(!setup(&d, NULL, 2));
	REQUIRE(!drv_get_feature(&d, EIF_FEAT_LLQ, 0, 0, 0, &r));
	CHECK_EQ(r.u.llq.max_llq_depth, 1024);
	CHECK_EQ(r.u.llq.version, 0);
	CHECK_EQ(r.u.llq.entry_size_recommended, 0);
	CHECK_EQ(r.u.llq.max_wide_depth, 0);
	REQUIRE(!drv_get_feature(&d, EIF_FEAT_LLQ, 1, 0, 0, &r));
	CHECK_EQ(r.u.llq.version, 1);
	CHECK_EQ(r.u.llq.entry_size_recommended, EIF_LLQ_ENTRY_128);
	CHECK_EQ(r.u.llq.max_wide_depth, 512);
	/* a driver newer than the device gets the device's version */
	REQUIRE(!drv_get_feature(&d, EIF_FEAT_LLQ, 7, 0, 0, &r));
	CHECK_EQ(r.u.llq.version, 1);
	/* 256-byte entries: 512 deep at most */
	CHECK_EQ(set_llq(&d, EIF_LLQ_ENTRY_256), 0);
	REQUIRE(create_cq(&d, 2, 1024, 1, ring_addr(0), &r) == 0);
	cq = r.u.create_cq.cq_idx;
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, cq, 1024, 0, EIF_PLACEMENT_DEV, 1, &r),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, cq, 512, 0, EIF_PLACEMENT_DEV, 1, &r), 0);
	CHECK_EQ(destroy_sq(&d, EIF_DIR_TX, r.u.create_sq.sq_idx), 0);
	/* 128-byte entries: 1024 */
	CHECK_EQ(set_llq(&d, EIF_LLQ_ENTRY_128), 0);
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, cq, 1024, 0, EIF_PLACEMENT_DEV, 1, &r), 0);
	drv_close(&d);

	REQUIRE(!setup(&d, wide, 1));
	REQUIRE(!drv_get_feature(&d, EIF_FEAT_LLQ, 1, 0, 0, &r));
	CHECK_EQ(r.u.llq.entry_size_recommended, EIF_LLQ_ENTRY_256);
	drv_close(&d);

	REQUIRE(!setup(&d, off, 2));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_LLQ, 1, 0, 0, &r), EIF_ST_UNSUPPORTED);
	CHECK_EQ(set_llq(&d, EIF_LLQ_ENTRY_128), -1);
	REQUIRE(create_cq(&d, 2, 1024, 1, ring_addr(0), &r) == 0);
	cq = r.u.create_cq.cq_idx;
	CHECK_EQ(create_sq(&d, EIF_DIR_TX, cq, 512, 0, EIF_PLACEMENT_DEV, 1, &r),
		 EIF_ST_ILLEGAL_PARAM);
out:
	drv_close(&d);
}

static void t_hidden_features(void)
{
	static const char *const args[] = { "--set", "hide_features=3,20,12", NULL };
	struct eif_acq_entry attr;
	struct drv d;
	uint32_t f;

	REQUIRE(!drv_bringup(&d, args, 1));
	REQUIRE(!drv_probe(&d, &attr));
	f = attr.u.dev_attr.supported_features;
	CHECK(!(f & EIF_BIT(EIF_FEAT_HW_HINTS)));
	CHECK(!(f & EIF_BIT(EIF_FEAT_INTERRUPT_MODERATION)));
	CHECK(!(f & EIF_BIT(EIF_FEAT_RSS_INDIRECTION_TABLE)));
	CHECK(f & EIF_BIT(EIF_FEAT_RSS_HASH_FUNCTION));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_HW_HINTS, 0, 0, 0, NULL), EIF_ST_UNSUPPORTED);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_INTERRUPT_MODERATION, 0, 0, 0, NULL),
		 EIF_ST_UNSUPPORTED);
	drv_close(&d);
	/* hiding a mandatory feature makes the driver's probe fail (step 8: AENQ) */
	{
		static const char *const args2[] = { "--set", "hide_features=26", NULL };

		REQUIRE(!drv_bringup(&d, args2, 1));
		CHECK_EQ(drv_probe(&d, NULL), 8);
	}
out:
	drv_close(&d);
}

/*
 * Extra properties (features 5 and 6): offered only when the profile names
 * some; the names go to the control buffer, 32 bytes each, with their
 * count inline; the flags answer inline. A missing or short control
 * buffer is a malformed request.
 */
static void t_extra_properties(void)
{
	static const char *const args[] = { "--set", "extra_properties=alpha,bb,gamma",
					    "--set", "extra_properties_flags=5", NULL };
	const char *names;
	struct eif_acq_entry attr, r;
	struct drv d;

	REQUIRE(!setup(&d, NULL, 1));
	REQUIRE(!drv_get_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &attr));
	CHECK(!(attr.u.dev_attr.supported_features & EIF_BIT(EIF_FEAT_EXTRA_PROPS_STRINGS)));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_EXTRA_PROPS_STRINGS, 0, drv_iova(DRV_CTRL), 1024,
				 &r), EIF_ST_UNSUPPORTED);
	drv_close(&d);

	REQUIRE(!setup(&d, args, 1));
	REQUIRE(!drv_get_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &attr));
	CHECK(attr.u.dev_attr.supported_features & EIF_BIT(EIF_FEAT_EXTRA_PROPS_STRINGS));
	CHECK(attr.u.dev_attr.supported_features & EIF_BIT(EIF_FEAT_EXTRA_PROPS_FLAGS));
	memset(drv_mem(&d, DRV_CTRL), 0xaa, 1024);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_EXTRA_PROPS_STRINGS, 0, drv_iova(DRV_CTRL), 1024,
				 &r), 0);
	CHECK_EQ(r.u.raw[0], 3);
	names = drv_mem(&d, DRV_CTRL);
	CHECK(!strcmp(names, "alpha") && !strcmp(names + 32, "bb") && !strcmp(names + 64, "gamma"));
	CHECK_EQ((uint8_t)names[96], 0xaa);		/* nothing past the third name */
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_EXTRA_PROPS_FLAGS, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.raw[0], 5);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_EXTRA_PROPS_STRINGS, 0, 0, 0, &r),
		 EIF_ST_MALFORMED);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_EXTRA_PROPS_STRINGS, 0, drv_iova(DRV_CTRL), 64,
				 &r), EIF_ST_MALFORMED);
out:
	drv_close(&d);
}

static void t_legacy_max_queues(void)
{
	static const char *const args[] = { "--set", "max_queues_ext=off", "--queues", "4", NULL };
	struct eif_acq_entry attr, r;
	struct drv d;

	REQUIRE(!drv_bringup(&d, args, 5));
	REQUIRE(!drv_probe(&d, &attr));
	CHECK(attr.u.dev_attr.supported_features & EIF_BIT(EIF_FEAT_MAX_QUEUES_NUM));
	CHECK(!(attr.u.dev_attr.supported_features & EIF_BIT(EIF_FEAT_MAX_QUEUES_EXT)));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_MAX_QUEUES_NUM, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.max_queues.max_sq_num, 4);
	CHECK_EQ(r.u.max_queues.max_cq_depth, 1024);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_MAX_QUEUES_EXT, 1, 0, 0, &r), EIF_ST_UNSUPPORTED);
out:
	drv_close(&d);
}

static void t_second_function_mac(void)
{
	char path2[100];
	const char *args[] = { "--socket", path2, NULL };
	struct eif_acq_entry attr;
	struct drv d, d2;

	memset(&d2, 0, sizeof(d2));
	d2.c.sock = -1;
	d2.c.memfd = -1;
	snprintf(path2, sizeof(path2), "/tmp/ena-model-mac2-%d.sock", (int)getpid());
	REQUIRE(!drv_bringup(&d, args, 1));
	CHECK_EQ(drv_probe(&d, &attr), 0);
	CHECK_EQ(attr.u.dev_attr.mac[5], 0x01);
	/* second function through its own socket */
	strcpy(d2.c.sockpath, path2);
	REQUIRE(!vuc_connect(&d2.c));
	REQUIRE(!vuc_version(&d2.c));
	REQUIRE(!vuc_map_memory(&d2.c, DRV_IOVA, DRV_MEM_SIZE));
	vuc_cfg_write(&d2.c, 4, 0x6, 2);
	d2.readless = true;
	CHECK_EQ(drv_probe(&d2, &attr), 0);
	CHECK_EQ(attr.u.dev_attr.mac[5], 0x02);
out:
	if (d2.c.sock >= 0)
		close(d2.c.sock);
	if (d2.c.mem)
		munmap(d2.c.mem, d2.c.mem_size);
	if (d2.c.memfd >= 0)
		close(d2.c.memfd);
	unlink(path2);
	drv_close(&d);
}

/*
 * Random admin commands (random opcodes among the defined ones and random
 * bodies): each gets a completion, none is fatal, the queue keeps working.
 * Control buffers point at the scratch area, nowhere, or address 0.
 */
static void t_fuzz_admin(void)
{
	static const uint8_t ops[] = { 1, 2, 3, 4, 8, 9, 11, 0x55 };
	struct eif_acq_entry r;
	struct drv d;
	unsigned int i, j, done = 0;
	unsigned int hist[8] = { 0 };

	srand(4242);
	REQUIRE(!setup(&d, NULL, 9));
	for (i = 0; i < 1500; i++) {
		struct eif_aq_entry c;
		uint8_t *b = (uint8_t *)&c;
		uint64_t addr;
		int st;

		for (j = 0; j < sizeof(c); j++)
			b[j] = (uint8_t)rand();
		c.hdr.opcode = ops[rand() % (int)sizeof(ops)];
		c.hdr.flags &= (uint8_t)~(EIF_AQ_FLAG_CTRL_DATA | EIF_AQ_FLAG_CTRL_INDIRECT);
		switch (rand() % 4) {
		case 0:
			addr = drv_iova(DRV_CTRL);
			c.hdr.flags |= EIF_AQ_FLAG_CTRL_INDIRECT;
			c.u.feature.cb.length = (uint32_t)(rand() % 4097);
			break;
		case 1:
			addr = NOWHERE + (uint64_t)rand();
			c.hdr.flags |= EIF_AQ_FLAG_CTRL_DATA;
			break;
		default:
			addr = 0;
			break;
		}
		c.u.feature.cb.addr.lo = (uint32_t)addr;
		c.u.feature.cb.addr.hi = (uint16_t)(addr >> 32);
		/* host attribute pages only get read; keep IO rings out of the admin area */
		if (c.hdr.opcode == EIF_OP_CREATE_CQ || c.hdr.opcode == EIF_OP_CREATE_SQ) {
			addr = rand() % 2 ? ring_addr((unsigned int)rand() % 8) : NOWHERE;
			if (c.hdr.opcode == EIF_OP_CREATE_CQ) {
				c.u.create_cq.ring.lo = (uint32_t)addr;
				c.u.create_cq.ring.hi = (uint16_t)(addr >> 32);
				c.u.create_cq.depth = (uint16_t)(1u << (rand() % 12));
			} else {
				c.u.create_sq.ring.lo = (uint32_t)addr;
				c.u.create_sq.ring.hi = (uint16_t)(addr >> 32);
				c.u.create_sq.depth = (uint16_t)(1u << (rand() % 12));
			}
		}
		st = drv_cmd(&d, &c, &r);
		REQUIRE(st >= 0);
		hist[st & 7]++;
		done++;
	}
	CHECK_EQ(done, 1500);
	CHECK(hist[EIF_ST_SUCCESS] > 0);
	CHECK(hist[EIF_ST_ILLEGAL_PARAM] > 0);
	CHECK(!(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &r), 0);
	CHECK(!memcmp(r.u.dev_attr.mac, "\x02\x00\x00\xe0\xa0\x01", 6));
out:
	drv_close(&d);
}

int main(void)
{
	RUN(t_get_features);
	RUN(t_unknown_opcode);
	RUN(t_unknown_feature);
	RUN(t_set_mtu);
	RUN(t_aenq_config);
	RUN(t_host_attr);
	RUN(t_rss);
	RUN(t_stats);
	RUN(t_customer_metrics);
	RUN(t_link_up_sequence);
	RUN(t_queue_errors);
	RUN(t_aq_wrap);
	RUN(t_hidden_features);
	RUN(t_llq_versions);
	RUN(t_extra_properties);
	RUN(t_legacy_max_queues);
	RUN(t_second_function_mac);
	RUN(t_fuzz_admin);
	return h_finish();
}

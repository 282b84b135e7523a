// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Admin queue: the driver writes 64-byte commands into its AQ ring and
 * rings the AQ doorbell with its tail counter; the device answers each with
 * a 64-byte completion in the ACQ ring, whose phase bit flips on every wrap.
 *
 * Status policy: opcodes the interface does not define get BAD_OPCODE;
 * defined but unavailable things (feature ids not advertised, unknown
 * feature ids, stats types without their capability) get UNSUPPORTED, which
 * the driver maps to -EOPNOTSUPP and treats as "optional feature absent";
 * bad values get ILLEGAL_PARAM; unusable buffers and bad framing get
 * MALFORMED.
 */
#include <stdio.h>
#include <string.h>

#include "ena_priv.h"
#include "log.h"

static const char *op_name(unsigned int op)
{
	switch (op) {
	case EIF_OP_CREATE_SQ: return "create SQ";
	case EIF_OP_DESTROY_SQ: return "destroy SQ";
	case EIF_OP_CREATE_CQ: return "create CQ";
	case EIF_OP_DESTROY_CQ: return "destroy CQ";
	case EIF_OP_GET_FEATURE: return "get feature";
	case EIF_OP_SET_FEATURE: return "set feature";
	case EIF_OP_GET_STATS: return "get stats";
	default: return "unknown opcode";
	}
}

static const char *feat_name(unsigned int f)
{
	switch (f) {
	case EIF_FEAT_DEVICE_ATTRIBUTES: return "device attributes";
	case EIF_FEAT_MAX_QUEUES_NUM: return "max queues";
	case EIF_FEAT_HW_HINTS: return "hw hints";
	case EIF_FEAT_LLQ: return "LLQ";
	case EIF_FEAT_EXTRA_PROPS_STRINGS: return "extra properties strings";
	case EIF_FEAT_EXTRA_PROPS_FLAGS: return "extra properties flags";
	case EIF_FEAT_MAX_QUEUES_EXT: return "max queues ext";
	case EIF_FEAT_FRAG_BYPASS: return "fragment bypass";
	case EIF_FEAT_RSS_HASH_FUNCTION: return "RSS hash function";
	case EIF_FEAT_STATELESS_OFFLOAD: return "stateless offload";
	case EIF_FEAT_RSS_INDIRECTION_TABLE: return "RSS indirection table";
	case EIF_FEAT_MTU: return "MTU";
	case EIF_FEAT_RSS_HASH_INPUT: return "RSS hash input";
	case EIF_FEAT_INTERRUPT_MODERATION: return "interrupt moderation";
	case EIF_FEAT_AENQ_CONFIG: return "AENQ config";
	case EIF_FEAT_LINK_CONFIG: return "link config";
	case EIF_FEAT_HOST_ATTR_CONFIG: return "host attributes";
	case EIF_FEAT_PHC_CONFIG: return "PHC config";
	case EIF_FEAT_FLOW_STEERING: return "flow steering";
	default: return "unknown feature";
	}
}

static const char *status_name(unsigned int s)
{
	static const char *const n[] = {
		"success", "resource allocation failure", "bad opcode",
		"unsupported", "malformed request", "illegal parameter",
		"unknown error", "resource busy",
	};

	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static bool is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/* control buffer, if the command says it carries one */
static bool ctrl_buf(const struct eif_aq_entry *c, const struct eif_ctrl_buf *cb,
		     uint64_t *addr, uint32_t *len)
{
	/*
	 * The driver marks directly addressed control buffers with the
	 * "indirect" flag (bit 2), so either flag means "a buffer is there";
	 * page-list buffers are not supported.
	 */
	if (!(c->hdr.flags & (EIF_AQ_FLAG_CTRL_DATA | EIF_AQ_FLAG_CTRL_INDIRECT)))
		return false;
	*addr = eif_addr48_get(&cb->addr);
	*len = cb->length;
	return true;
}

/*
 * GET_STATS answers into a control buffer whenever the command names one:
 * drivers send the buffer's address and length with flags 0.
 */
static bool stats_buf(const struct eif_aq_entry *c, const struct eif_ctrl_buf *cb,
		      uint64_t *addr, uint32_t *len)
{
	if (ctrl_buf(c, cb, addr, len))
		return true;
	*addr = eif_addr48_get(&cb->addr);
	*len = cb->length;
	return *addr && *len;
}

/* the accelerated LLQ mode's requirements the device states */
static uint16_t llq_accel_supported(const struct ena_profile *p)
{
	return (p->llq_no_meta_caching ? EIF_LLQ_ACCEL_NO_META_CACHING : 0) |
	       (p->llq_tx_burst ? EIF_LLQ_ACCEL_TX_BURST : 0);
}

static uint8_t llq_entry_bit(uint32_t bytes)
{
	return bytes == 256 ? EIF_LLQ_ENTRY_256 : bytes == 192 ? EIF_LLQ_ENTRY_192 :
	       EIF_LLQ_ENTRY_128;
}

static bool feature_supported(const struct ena_dev *d, unsigned int id)
{
	return id < EIF_FEAT_ID_LIMIT && (d->supported_features & EIF_BIT(id));
}

void ena_rss_defaults(struct ena_dev *d)
{
	/* a fixed, well-known Toeplitz key; the driver normally replaces it */
	static const uint8_t key[EIF_RSS_KEY_DWORDS * 4] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
		0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
		0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
		0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	unsigned int i;

	d->rss_func = EIF_BIT(EIF_HASH_TOEPLITZ);
	d->rss_init_val = 0xffffffffu;
	memset(&d->rss_key, 0, sizeof(d->rss_key));
	d->rss_key.key_parts = EIF_RSS_KEY_DWORDS;
	memcpy(d->rss_key.key, key, sizeof(key));
	memset(d->rss_selected, 0, sizeof(d->rss_selected));
	for (i = EIF_RSS_TCP4; i <= EIF_RSS_UDP6; i++)
		d->rss_selected[i] = EIF_RSS_F_L3_SA | EIF_RSS_F_L3_DA |
				     EIF_RSS_F_L4_SP | EIF_RSS_F_L4_DP;
	d->rss_selected[EIF_RSS_IP4] = EIF_RSS_F_L3_SA | EIF_RSS_F_L3_DA;
	d->rss_selected[EIF_RSS_IP6] = EIF_RSS_F_L3_SA | EIF_RSS_F_L3_DA;
	d->rss_selected[EIF_RSS_IP4_FRAG] = EIF_RSS_F_L3_SA | EIF_RSS_F_L3_DA;
	d->rss_selected[EIF_RSS_NOT_IP] = EIF_RSS_F_L2_SA | EIF_RSS_F_L2_DA;
	d->rss_sort = 0;
	d->rss_log = ENA_RSS_MAX_LOG;
	for (i = 0; i < (1u << ENA_RSS_MAX_LOG); i++)
		d->rss_table[i] = (uint16_t)(i % d->prof->max_queues);
}

static uint16_t rss_supported_fields(unsigned int proto)
{
	/* every field for the protocols the interface defines */
	return proto < EIF_RSS_PROTOS_DEFINED ? 0x3f : 0;
}

#define RSS_SUPPORTED_SORT	(EIF_RSS_SORT_L3 | EIF_RSS_SORT_L4)
#define RSS_SUPPORTED_FUNCS	(EIF_BIT(EIF_HASH_TOEPLITZ) | EIF_BIT(EIF_HASH_CRC32))

/* ------------------------------------------------------------------ */
/* get feature                                                         */
/* ------------------------------------------------------------------ */

static uint8_t get_feature(struct ena_dev *d, const struct eif_aq_entry *c,
			   struct eif_acq_entry *r)
{
	const struct eif_cmd_feature *f = &c->u.feature;
	const struct ena_profile *p = d->prof;
	unsigned int id = f->feat.feature_id, i;
	uint64_t cb_addr = 0;
	uint32_t cb_len = 0;
	bool has_cb = ctrl_buf(c, &f->cb, &cb_addr, &cb_len);

	if (id != EIF_FEAT_DEVICE_ATTRIBUTES && !feature_supported(d, id))
		return EIF_ST_UNSUPPORTED;
	/* select: 0/1 current value, 3 default value; 2 is undefined */
	if (EIF_FEAT_SELECT(f->feat.flags) == 2)
		return EIF_ST_ILLEGAL_PARAM;

	switch (id) {
	case EIF_FEAT_DEVICE_ATTRIBUTES: {
		struct eif_f_dev_attr *a = &r->u.dev_attr;

		a->impl_id = p->impl_id;
		a->device_version = p->device_version;
		a->supported_features = d->supported_features;
		a->capabilities = p->capabilities;
		a->phys_addr_width = p->dma_width;
		a->virt_addr_width = 48;
		memcpy(a->mac, d->mac, sizeof(a->mac));
		if (feature_supported(d, EIF_FEAT_FLOW_STEERING))
			a->flow_steering_max_entries = d->flow.size;
		a->max_mtu = p->max_mtu;
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_MAX_QUEUES_EXT: {
		struct eif_f_max_queues_ext *q = &r->u.max_queues_ext;

		/* the driver names the highest version it understands */
		if (f->feat.version < EIF_MAX_QUEUES_EXT_VERSION)
			return EIF_ST_ILLEGAL_PARAM;
		q->version = EIF_MAX_QUEUES_EXT_VERSION;
		q->max_tx_sq_num = p->max_queues;
		q->max_tx_cq_num = p->max_queues;
		q->max_rx_sq_num = p->max_queues;
		q->max_rx_cq_num = p->max_queues;
		q->max_tx_sq_depth = p->tx_depth;
		q->max_tx_cq_depth = p->tx_depth;
		q->max_rx_sq_depth = p->rx_depth;
		q->max_rx_cq_depth = p->rx_depth;
		q->max_tx_header_size = p->max_tx_header;
		q->max_tx_descs_per_pkt = p->max_tx_descs;
		q->max_rx_descs_per_pkt = p->max_rx_descs;
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_MAX_QUEUES_NUM: {
		struct eif_f_max_queues *q = &r->u.max_queues;

		q->max_sq_num = p->max_queues;
		q->max_cq_num = p->max_queues;
		q->max_sq_depth = p->tx_depth < p->rx_depth ? p->tx_depth : p->rx_depth;
		q->max_cq_depth = q->max_sq_depth;
		q->max_header_size = p->max_tx_header;
		q->max_tx_descs_per_pkt = p->max_tx_descs;
		q->max_rx_descs_per_pkt = p->max_rx_descs;
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_HW_HINTS:
		ena_fill_hints(d, &r->u.hints);
		return EIF_ST_SUCCESS;
	case EIF_FEAT_STATELESS_OFFLOAD:
		r->u.offload.tx = ena_io_offload_tx(d);
		r->u.offload.rx_supported = p->offload_rx;
		r->u.offload.rx_enabled = p->offload_rx;
		return EIF_ST_SUCCESS;
	case EIF_FEAT_AENQ_CONFIG:
		r->u.aenq.supported_groups = p->aenq_groups;
		r->u.aenq.enabled_groups = d->aenq_enabled;
		return EIF_ST_SUCCESS;
	case EIF_FEAT_LINK_CONFIG:
		r->u.link.speed_mbps = p->link_speed_mbps;
		r->u.link.supported = p->link_supported;
		r->u.link.flags = EIF_LINK_FULL_DUPLEX;
		return EIF_ST_SUCCESS;
	case EIF_FEAT_INTERRUPT_MODERATION:
		r->u.intr_moder.delay_resolution_us = p->intr_delay_resolution;
		return EIF_ST_SUCCESS;
	case EIF_FEAT_LLQ: {
		struct eif_f_llq *l = &r->u.llq;

		l->max_llq_num = p->max_queues;
		l->max_llq_depth = ena_llq_depth(d, 128);
		l->header_location_supported = EIF_LLQ_HEADER_INLINE;
		l->header_location_enabled = EIF_LLQ_HEADER_INLINE;
		l->entry_size_supported = EIF_LLQ_ENTRY_128 | EIF_LLQ_ENTRY_192 | EIF_LLQ_ENTRY_256;
		l->entry_size_enabled = llq_entry_bit(d->llq_entry_size);
		l->descs_before_header_supported = EIF_LLQ_DESCS_BEFORE_HDR_ALL;
		l->descs_before_header_enabled = (uint16_t)d->llq_descs_before_hdr;
		l->stride_supported = EIF_LLQ_STRIDE_SINGLE | EIF_LLQ_STRIDE_MULTI;
		l->stride_enabled = d->llq_stride;
		l->accel_flags = llq_accel_supported(p);
		l->accel_max_tx_burst = p->llq_tx_burst;
		/* the driver names the highest version it knows; 0 has no more */
		if (f->feat.version >= EIF_LLQ_VERSION) {
			l->version = EIF_LLQ_VERSION;
			l->entry_size_recommended = llq_entry_bit(p->llq_entry_recommended);
			l->max_wide_depth = (uint16_t)ena_llq_depth(d, 256);
		}
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_FRAG_BYPASS:
		r->u.raw[0] = d->eni.frag_bypass;
		return EIF_ST_SUCCESS;
	case EIF_FEAT_MTU:
		r->u.raw[0] = d->mtu;
		return EIF_ST_SUCCESS;
	case EIF_FEAT_PHC_CONFIG:
		ena_phc_get(d, &r->u.phc);
		return EIF_ST_SUCCESS;
	case EIF_FEAT_EXTRA_PROPS_STRINGS:
		/* the names go to the control buffer, the count inline */
		if (!has_cb || cb_len < p->n_extra_props * EIF_EXTRA_PROPS_NAME_LEN)
			return EIF_ST_MALFORMED;
		if (!ena_dma_write(d, cb_addr, p->extra_props,
				   p->n_extra_props * EIF_EXTRA_PROPS_NAME_LEN))
			return EIF_ST_MALFORMED;
		r->u.raw[0] = p->n_extra_props;
		return EIF_ST_SUCCESS;
	case EIF_FEAT_EXTRA_PROPS_FLAGS:
		r->u.raw[0] = p->extra_props_flags;
		return EIF_ST_SUCCESS;
	case EIF_FEAT_HOST_ATTR_CONFIG: {
		struct eif_f_host_attr *h = (struct eif_f_host_attr *)r->u.raw;

		h->os_info.lo = (uint32_t)d->host_info_addr;
		h->os_info.hi = (uint16_t)(d->host_info_addr >> 32);
		h->debug_area.lo = (uint32_t)d->debug_area_addr;
		h->debug_area.hi = (uint16_t)(d->debug_area_addr >> 32);
		h->debug_area_size = d->debug_area_size;
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_RSS_HASH_FUNCTION:
		r->u.hash_func.supported = RSS_SUPPORTED_FUNCS;
		r->u.hash_func.selected = d->rss_func;
		r->u.hash_func.init_val = d->rss_init_val;
		if (has_cb) {
			/* the current key goes to the control buffer */
			if (cb_len < sizeof(d->rss_key))
				return EIF_ST_MALFORMED;
			if (!ena_dma_write(d, cb_addr, &d->rss_key, sizeof(d->rss_key)))
				return EIF_ST_MALFORMED;
		}
		return EIF_ST_SUCCESS;
	case EIF_FEAT_RSS_HASH_INPUT:
		r->u.hash_input.supported_sort = RSS_SUPPORTED_SORT;
		r->u.hash_input.enabled_sort = d->rss_sort;
		if (has_cb) {
			struct eif_rss_hash_ctrl_buf b;

			if (cb_len < sizeof(b))
				return EIF_ST_MALFORMED;
			memset(&b, 0, sizeof(b));
			for (i = 0; i < EIF_RSS_PROTOS; i++) {
				b.supported[i].fields = rss_supported_fields(i);
				b.selected[i].fields = d->rss_selected[i];
			}
			if (!ena_dma_write(d, cb_addr, &b, sizeof(b)))
				return EIF_ST_MALFORMED;
		}
		return EIF_ST_SUCCESS;
	case EIF_FEAT_RSS_INDIRECTION_TABLE: {
		struct eif_f_ind_table *t = &r->u.ind_table;

		t->min_log = ENA_RSS_MIN_LOG;
		t->max_log = ENA_RSS_MAX_LOG;
		t->log_size = d->rss_log;
		t->inline_index = EIF_RSS_INLINE_INDEX_NONE;
		if (has_cb) {
			struct eif_rss_ind_entry e[1u << ENA_RSS_MAX_LOG];
			uint32_t n = 1u << d->rss_log;

			if (cb_len < n * sizeof(e[0]))
				return EIF_ST_MALFORMED;
			memset(e, 0, sizeof(e));
			for (i = 0; i < n; i++)
				e[i].queue = d->rss_table[i];
			if (!ena_dma_write(d, cb_addr, e, n * sizeof(e[0])))
				return EIF_ST_MALFORMED;
		}
		return EIF_ST_SUCCESS;
	}
	default:
		/* advertised through hide_features games but not implemented */
		return EIF_ST_UNSUPPORTED;
	}
}

/* ------------------------------------------------------------------ */
/* set feature                                                         */
/* ------------------------------------------------------------------ */

static void log_host_info(struct ena_dev *d, const struct eif_host_info *hi)
{
	char kver[sizeof(hi->kernel_ver_str) + 1], dist[sizeof(hi->os_dist_str) + 1];

	memcpy(kver, hi->kernel_ver_str, sizeof(hi->kernel_ver_str));
	kver[sizeof(hi->kernel_ver_str)] = 0;
	memcpy(dist, hi->os_dist_str, sizeof(hi->os_dist_str));
	dist[sizeof(hi->os_dist_str)] = 0;
	log_info(d->name, "host info: os type %u, release \"%s\", version \"%s\", kernel %u.%u.%u, driver %u.%u.%u%c, spec %u.%u, bdf %02x:%02x.%x, %u cpus, driver features 0x%x",
		 hi->os_type, dist, kver, (hi->kernel_ver >> 16) & 0xff,
		 (hi->kernel_ver >> 8) & 0xff, hi->kernel_ver & 0xff,
		 hi->driver_version & 0xff, (hi->driver_version >> 8) & 0xff,
		 (hi->driver_version >> 16) & 0xff,
		 (hi->driver_version >> 24) ? (char)(hi->driver_version >> 24) : ' ',
		 hi->ena_spec_version >> 8, hi->ena_spec_version & 0xff,
		 hi->bdf >> 8, (hi->bdf >> 3) & 0x1f, hi->bdf & 7,
		 hi->num_cpus, hi->driver_features);
}

static uint8_t set_host_attr(struct ena_dev *d, const struct eif_cmd_feature *f)
{
	const struct eif_f_host_attr *h = (const struct eif_f_host_attr *)f->data;
	uint64_t info = eif_addr48_get(&h->os_info);
	uint64_t dbg = eif_addr48_get(&h->debug_area);
	struct eif_host_info hi;

	if (info) {
		/* the page is 4 KiB and stays the driver's; we only read it */
		if (!ena_dma_ok(d, info, 4096, false)) {
			log_warn(d->name, "host info address 0x%llx is not readable guest memory",
				 (unsigned long long)info);
			return EIF_ST_MALFORMED;
		}
		ena_dma_read(d, info, &hi, sizeof(hi));
		if (info != d->host_info_addr)
			log_host_info(d, &hi);
		d->driver_features = hi.driver_features;
	} else {
		d->driver_features = 0;
	}
	if (h->debug_area_size) {
		if (!ena_dma_ok(d, dbg, h->debug_area_size, false)) {
			log_warn(d->name, "debug area 0x%llx+%u is not readable guest memory",
				 (unsigned long long)dbg, h->debug_area_size);
			return EIF_ST_MALFORMED;
		}
	}
	d->host_info_addr = info;
	d->debug_area_addr = dbg;
	d->debug_area_size = h->debug_area_size;
	log_trace(d->name, "host attributes: info 0x%llx, debug area 0x%llx+%u",
		  (unsigned long long)info, (unsigned long long)dbg, h->debug_area_size);
	return EIF_ST_SUCCESS;
}

static bool rss_queue_ok(const struct ena_dev *d, uint16_t q)
{
	if (q >= d->prof->max_queues)
		return false;
	/* the driver may program the table while the queues are down */
	if (!d->rx_sq[q].used)
		log_trace(d->name, "RSS entry points to RX SQ %u which does not exist (yet)", q);
	return true;
}

static uint8_t set_ind_table(struct ena_dev *d, const struct eif_aq_entry *c,
			     const struct eif_cmd_feature *f)
{
	const struct eif_f_ind_table *t = (const struct eif_f_ind_table *)f->data;
	struct eif_rss_ind_entry e[1u << ENA_RSS_MAX_LOG];
	uint64_t addr;
	uint32_t len, n, i;

	if (t->inline_index != EIF_RSS_INLINE_INDEX_NONE) {
		if (t->inline_index >= (1u << d->rss_log) || !rss_queue_ok(d, t->inline_queue))
			return EIF_ST_ILLEGAL_PARAM;
		d->rss_table[t->inline_index] = t->inline_queue;
		return EIF_ST_SUCCESS;
	}
	if (t->log_size > ENA_RSS_MAX_LOG)	/* ENA_RSS_MIN_LOG is 0 */
		return EIF_ST_ILLEGAL_PARAM;
	if (!ctrl_buf(c, &f->cb, &addr, &len))
		return EIF_ST_MALFORMED;
	n = 1u << t->log_size;
	if (len < n * sizeof(e[0]) || !ena_dma_read(d, addr, e, n * sizeof(e[0])))
		return EIF_ST_MALFORMED;
	for (i = 0; i < n; i++)
		if (!rss_queue_ok(d, e[i].queue))
			return EIF_ST_ILLEGAL_PARAM;
	for (i = 0; i < n; i++)
		d->rss_table[i] = e[i].queue;
	d->rss_log = t->log_size;
	return EIF_ST_SUCCESS;
}

/* flow steering: the rule comes in the control buffer (ADD only) */
static uint8_t set_flow_steering(struct ena_dev *d, const struct eif_aq_entry *c,
				 const struct eif_cmd_feature *f, struct eif_acq_entry *r)
{
	const struct eif_f_flow_steering *req = (const struct eif_f_flow_steering *)f->data;
	struct eif_flow_rule rule, *rp = NULL;
	uint16_t at = 0;
	uint64_t addr;
	uint32_t len;
	uint8_t st;

	if (req->action == EIF_FLOW_ADD && ctrl_buf(c, &f->cb, &addr, &len)) {
		if (len < sizeof(rule) || !ena_dma_read(d, addr, &rule, sizeof(rule)))
			return EIF_ST_MALFORMED;
		rp = &rule;
	}
	st = ena_flow_set(&d->flow, req, rp, d->prof->max_queues, &at);
	if (st == EIF_ST_SUCCESS && req->action == EIF_FLOW_ADD) {
		r->u.flow_location = at;
		log_trace(d->name, "flow rule %u: type %u -> RX SQ %u", at, req->type,
			  req->rx_queue);
	}
	return st;
}

static uint8_t set_feature(struct ena_dev *d, const struct eif_aq_entry *c,
			   struct eif_acq_entry *r)
{
	const struct eif_cmd_feature *f = &c->u.feature;
	unsigned int id = f->feat.feature_id, i;
	uint64_t addr;
	uint32_t len;

	if (!feature_supported(d, id))
		return EIF_ST_UNSUPPORTED;

	switch (id) {
	case EIF_FEAT_MTU: {
		uint32_t mtu = f->data[0];

		if (mtu < ENA_MIN_MTU || mtu > d->prof->max_mtu)
			return EIF_ST_ILLEGAL_PARAM;
		d->mtu = mtu;
		log_trace(d->name, "MTU %u", mtu);
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_HOST_ATTR_CONFIG:
		return set_host_attr(d, f);
	case EIF_FEAT_AENQ_CONFIG: {
		const struct eif_f_aenq *a = (const struct eif_f_aenq *)f->data;
		uint32_t old = d->aenq_enabled;

		if (a->enabled_groups & ~d->prof->aenq_groups)
			return EIF_ST_ILLEGAL_PARAM;
		d->aenq_enabled = a->enabled_groups;
		log_trace(d->name, "AENQ groups enabled 0x%x", a->enabled_groups);
		ena_aenq_config_changed(d, old);
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_RSS_HASH_FUNCTION: {
		const struct eif_f_hash_func *h = (const struct eif_f_hash_func *)f->data;
		struct eif_rss_key_buf key;

		if (!is_pow2(h->selected) || (h->selected & ~RSS_SUPPORTED_FUNCS))
			return EIF_ST_ILLEGAL_PARAM;
		if (ctrl_buf(c, &f->cb, &addr, &len)) {
			if (len < sizeof(key) || !ena_dma_read(d, addr, &key, sizeof(key)))
				return EIF_ST_MALFORMED;
			if (key.key_parts > EIF_RSS_KEY_DWORDS)
				return EIF_ST_ILLEGAL_PARAM;
			d->rss_key = key;
		}
		d->rss_func = h->selected;
		d->rss_init_val = h->init_val;
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_RSS_HASH_INPUT: {
		const struct eif_f_hash_input *h = (const struct eif_f_hash_input *)f->data;
		struct eif_rss_hash_ctrl_buf b;

		if (h->enabled_sort & ~RSS_SUPPORTED_SORT)
			return EIF_ST_ILLEGAL_PARAM;
		if (ctrl_buf(c, &f->cb, &addr, &len)) {
			if (len < sizeof(b) || !ena_dma_read(d, addr, &b, sizeof(b)))
				return EIF_ST_MALFORMED;
			for (i = 0; i < EIF_RSS_PROTOS; i++)
				if (b.selected[i].fields & ~rss_supported_fields(i))
					return EIF_ST_ILLEGAL_PARAM;
			for (i = 0; i < EIF_RSS_PROTOS; i++)
				d->rss_selected[i] = b.selected[i].fields;
		}
		d->rss_sort = h->enabled_sort;
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_RSS_INDIRECTION_TABLE:
		return set_ind_table(d, c, f);
	case EIF_FEAT_PHC_CONFIG:
		return ena_phc_set(d, (const struct eif_f_phc *)f->data);
	case EIF_FEAT_FLOW_STEERING:
		return set_flow_steering(d, c, f, r);
	case EIF_FEAT_FRAG_BYPASS: {
		const struct eif_f_frag_bypass *b = (const struct eif_f_frag_bypass *)f->data;

		if (b->enable > 1)
			return EIF_ST_ILLEGAL_PARAM;
		d->eni.frag_bypass = b->enable;
		log_trace(d->name, "fragment bypass %s", b->enable ? "on" : "off");
		return EIF_ST_SUCCESS;
	}
	case EIF_FEAT_LLQ: {
		const struct eif_f_llq *l = (const struct eif_f_llq *)f->data;
		bool busy = false;

		if (l->header_location_enabled != EIF_LLQ_HEADER_INLINE)
			return EIF_ST_ILLEGAL_PARAM;
		if (l->entry_size_enabled != EIF_LLQ_ENTRY_128 &&
		    l->entry_size_enabled != EIF_LLQ_ENTRY_192 &&
		    l->entry_size_enabled != EIF_LLQ_ENTRY_256)
			return EIF_ST_ILLEGAL_PARAM;
		if (!is_pow2(l->descs_before_header_enabled) ||
		    (l->descs_before_header_enabled & ~EIF_LLQ_DESCS_BEFORE_HDR_ALL))
			return EIF_ST_ILLEGAL_PARAM;
		if (l->stride_enabled != EIF_LLQ_STRIDE_SINGLE &&
		    l->stride_enabled != EIF_LLQ_STRIDE_MULTI)
			return EIF_ST_ILLEGAL_PARAM;
		for (i = 0; i < ENA_MAX_IO_QUEUES; i++)
			busy |= d->tx_sq[i].used && d->tx_sq[i].placement == EIF_PLACEMENT_DEV;
		if (busy)
			return EIF_ST_BUSY;	/* not while LLQ queues exist */
		d->llq_entry_size = l->entry_size_enabled == EIF_LLQ_ENTRY_256 ? 256 :
				    l->entry_size_enabled == EIF_LLQ_ENTRY_192 ? 192 : 128;
		d->llq_descs_before_hdr = l->descs_before_header_enabled;
		/* the header area must keep room for at least a few bytes */
		if (d->llq_descs_before_hdr * 16 >= d->llq_entry_size) {
			d->llq_entry_size = 128;
			d->llq_descs_before_hdr = 2;
			return EIF_ST_ILLEGAL_PARAM;
		}
		d->llq_stride = l->stride_enabled;
		/* a driver may ask for more than is offered (upstream Linux asks
		 * for both); what it gets is what both sides have */
		d->llq_accel = l->accel_flags & llq_accel_supported(d->prof);
		log_trace(d->name, "LLQ: %u-byte entries, %u descriptors before the header, %s%s%s",
			  d->llq_entry_size, d->llq_descs_before_hdr,
			  d->llq_stride == EIF_LLQ_STRIDE_SINGLE ? "single descriptor per entry" :
			  "multiple descriptors per entry",
			  d->llq_accel & EIF_LLQ_ACCEL_NO_META_CACHING ? ", no meta caching" : "",
			  d->llq_accel & EIF_LLQ_ACCEL_TX_BURST ? ", TX burst limit" : "");
		return EIF_ST_SUCCESS;
	}
	default:
		/* get-only features (attributes, queues, offloads, link, ...) */
		return EIF_ST_UNSUPPORTED;
	}
}

/* ------------------------------------------------------------------ */
/* IO queues                                                           */
/* ------------------------------------------------------------------ */

static uint32_t sq_db_offset(uint8_t dir, uint16_t idx)
{
	return ENA_DB_SQ_BASE + 8u * idx + (dir == EIF_DIR_RX ? 4u : 0u);
}

static uint8_t create_cq(struct ena_dev *d, const struct eif_aq_entry *c,
			 struct eif_acq_entry *r)
{
	const struct eif_cmd_create_cq *q = &c->u.create_cq;
	unsigned int dwords = EIF_CQ_ENTRY_DWORDS(q->caps2), i;
	uint32_t max_depth = d->prof->tx_depth > d->prof->rx_depth ?
			     d->prof->tx_depth : d->prof->rx_depth;
	uint64_t ring = eif_addr48_get(&q->ring);
	struct ena_io_cq *cq = NULL;

	/* TX completions are 2 dwords, RX 4 (8 with the extended layout) */
	if (dwords != 2 && dwords != 4 && dwords != 8)
		return EIF_ST_ILLEGAL_PARAM;
	if (!is_pow2(q->depth) || q->depth > max_depth)
		return EIF_ST_ILLEGAL_PARAM;
	/* all ones: interrupt mode without a vector, a CQ that raises nothing */
	if ((q->caps1 & EIF_CQ_INTR_MODE) && q->msix_vector != EIF_MSIX_NONE &&
	    q->msix_vector >= ena_msix_count(d))
		return EIF_ST_ILLEGAL_PARAM;
	/* the whole ring must be guest memory the device may write */
	if (!ring || !ena_dma_ok(d, ring, (uint64_t)q->depth * dwords * 4, true))
		return EIF_ST_ILLEGAL_PARAM;
	for (i = 0; i < 2u * d->prof->max_queues; i++) {
		if (!d->cq[i].used) {
			cq = &d->cq[i];
			break;
		}
	}
	if (!cq)
		return EIF_ST_NO_RESOURCES;
	memset(cq, 0, sizeof(*cq));
	cq->used = true;
	cq->idx = (uint16_t)i;
	cq->depth = q->depth;
	cq->entry_size = (uint8_t)(dwords * 4);
	/* a CQ without a vector cannot touch another queue's through its unmask register */
	cq->intr = (q->caps1 & EIF_CQ_INTR_MODE) && q->msix_vector != EIF_MSIX_NONE;
	cq->msix = cq->intr ? (uint16_t)q->msix_vector : ENA_MAX_MSIX;
	cq->ring = ring;
	ena_io_cq_created(d, cq);

	r->u.create_cq.cq_idx = cq->idx;
	r->u.create_cq.actual_depth = cq->depth;
	r->u.create_cq.numa_reg_offset = 0;	/* no NUMA hint register */
	r->u.create_cq.head_db_offset = ENA_DB_CQ_HEAD_BASE + 4u * cq->idx;
	r->u.create_cq.unmask_offset = ENA_DB_CQ_UNMASK_BASE + 4u * cq->idx;
	log_trace(d->name, "created CQ %u: depth %u, %u-byte entries, msix %d%s, ring 0x%llx",
		  cq->idx, cq->depth, cq->entry_size, cq->intr ? (int)cq->msix : -1,
		  cq->intr ? "" : " (no interrupt)", (unsigned long long)ring);
	return EIF_ST_SUCCESS;
}

static uint8_t destroy_cq(struct ena_dev *d, const struct eif_aq_entry *c)
{
	uint16_t idx = c->u.destroy_cq.cq_idx;
	struct ena_io_cq *cq;

	if (idx >= 2u * d->prof->max_queues || !d->cq[idx].used)
		return EIF_ST_ILLEGAL_PARAM;
	cq = &d->cq[idx];
	if (cq->bound)
		return EIF_ST_BUSY;	/* destroy its SQ first */
	memset(cq, 0, sizeof(*cq));
	log_trace(d->name, "destroyed CQ %u", idx);
	return EIF_ST_SUCCESS;
}

static uint8_t create_sq(struct ena_dev *d, const struct eif_aq_entry *c,
			 struct eif_acq_entry *r)
{
	const struct eif_cmd_create_sq *q = &c->u.create_sq;
	unsigned int dir = EIF_SQ_IDENTITY_DIR(q->identity), i;
	unsigned int placement = EIF_SQ_PLACEMENT(q->caps2);
	unsigned int completion = EIF_SQ_COMPLETION(q->caps2);
	uint32_t max_depth = dir == EIF_DIR_TX ? d->prof->tx_depth : d->prof->rx_depth;
	uint64_t ring = eif_addr48_get(&q->ring);
	struct ena_io_sq *tbl, *sq = NULL;
	struct ena_io_cq *cq;

	if (dir != EIF_DIR_TX && dir != EIF_DIR_RX)
		return EIF_ST_ILLEGAL_PARAM;
	/* LLQ (device placement): TX only, and only when advertised */
	if (placement == EIF_PLACEMENT_DEV) {
		if (dir != EIF_DIR_TX || !feature_supported(d, EIF_FEAT_LLQ))
			return EIF_ST_ILLEGAL_PARAM;
		/* what the queue's BAR2 slot holds with the configured entries */
		max_depth = ena_llq_depth(d, d->llq_entry_size);
	} else if (placement != EIF_PLACEMENT_HOST) {
		return EIF_ST_ILLEGAL_PARAM;
	}
	if (completion != EIF_COMPLETION_DESC)
		return EIF_ST_ILLEGAL_PARAM;
	if (!(q->caps3 & EIF_SQ_CONTIGUOUS) && placement == EIF_PLACEMENT_HOST)
		return EIF_ST_ILLEGAL_PARAM;
	if (!is_pow2(q->depth) || q->depth > max_depth)
		return EIF_ST_ILLEGAL_PARAM;
	if (q->cq_idx >= 2u * d->prof->max_queues || !d->cq[q->cq_idx].used ||
	    d->cq[q->cq_idx].bound)
		return EIF_ST_ILLEGAL_PARAM;
	cq = &d->cq[q->cq_idx];
	/* 16-byte descriptors in both directions; the device reads them */
	if (placement == EIF_PLACEMENT_HOST &&
	    (!ring || !ena_dma_ok(d, ring, (uint64_t)q->depth * 16, false)))
		return EIF_ST_ILLEGAL_PARAM;
	tbl = dir == EIF_DIR_TX ? d->tx_sq : d->rx_sq;
	for (i = 0; i < d->prof->max_queues; i++) {
		if (!tbl[i].used) {
			sq = &tbl[i];
			break;
		}
	}
	if (!sq)
		return EIF_ST_NO_RESOURCES;
	memset(sq, 0, sizeof(*sq));
	sq->used = true;
	sq->dir = (uint8_t)dir;
	sq->idx = (uint16_t)i;
	sq->depth = q->depth;
	sq->cq_idx = q->cq_idx;
	sq->placement = (uint8_t)placement;
	sq->completion = (uint8_t)completion;
	sq->ring = ring;
	cq->bound = true;
	ena_io_sq_created(d, sq);

	if (placement == EIF_PLACEMENT_DEV) {
		/* a fixed slot per queue */
		sq->llq_off = sq->idx * d->llq_slot;
		r->u.create_sq.llq_desc_offset = sq->llq_off;
		r->u.create_sq.llq_hdr_offset = 0;	/* inline headers */
	}
	r->u.create_sq.sq_idx = sq->idx;
	r->u.create_sq.db_offset = sq_db_offset(sq->dir, sq->idx);
	log_trace(d->name, "created %s SQ %u: depth %u, CQ %u, ring 0x%llx, doorbell 0x%x",
		  dir == EIF_DIR_TX ? "TX" : "RX", sq->idx, sq->depth, sq->cq_idx,
		  (unsigned long long)ring, r->u.create_sq.db_offset);
	return EIF_ST_SUCCESS;
}

static uint8_t destroy_sq(struct ena_dev *d, const struct eif_aq_entry *c)
{
	unsigned int dir = EIF_SQ_IDENTITY_DIR(c->u.destroy_sq.identity);
	uint16_t idx = c->u.destroy_sq.sq_idx;
	struct ena_io_sq *sq;

	if ((dir != EIF_DIR_TX && dir != EIF_DIR_RX) || idx >= d->prof->max_queues)
		return EIF_ST_ILLEGAL_PARAM;
	sq = dir == EIF_DIR_TX ? &d->tx_sq[idx] : &d->rx_sq[idx];
	if (!sq->used)
		return EIF_ST_ILLEGAL_PARAM;
	d->cq[sq->cq_idx].bound = false;
	ena_io_sq_destroyed(d, sq);
	log_trace(d->name, "destroyed %s SQ %u", dir == EIF_DIR_TX ? "TX" : "RX", idx);
	memset(sq, 0, sizeof(*sq));
	return EIF_ST_SUCCESS;
}

void ena_io_doorbell(struct ena_dev *d, uint32_t off, uint32_t val)
{
	if (off < ENA_DB_CQ_UNMASK_BASE) {
		uint32_t n = (off - ENA_DB_SQ_BASE) / 8;
		bool rx = (off - ENA_DB_SQ_BASE) % 8 == 4;
		struct ena_io_sq *sq;

		if ((off & 3) || n >= d->prof->max_queues)
			goto bad;
		sq = rx ? &d->rx_sq[n] : &d->tx_sq[n];
		if (!sq->used)
			goto bad;
		sq->doorbells++;
		log_regs(d->name, "%s SQ %u doorbell tail %u", rx ? "RX" : "TX", n, val);
		ena_io_sq_doorbell(d, sq, val);
		return;
	}
	if (off < ENA_DB_CQ_HEAD_BASE) {
		uint32_t n = (off - ENA_DB_CQ_UNMASK_BASE) / 4;

		if (n >= 2u * d->prof->max_queues || !d->cq[n].used)
			goto bad;
		d->cq[n].unmask = val;
		log_regs(d->name, "CQ %u interrupt %s, delays rx %u tx %u", n,
			 val & EIF_INTR_REG_UNMASK ? "unmasked" : "update",
			 EIF_INTR_REG_RX_DELAY(val), EIF_INTR_REG_TX_DELAY(val));
		ena_io_unmask(d, &d->cq[n], val);
		return;
	}
	if (off < ENA_BAR0_CORE_END) {
		uint32_t n = (off - ENA_DB_CQ_HEAD_BASE) / 4;

		if (n >= 2u * d->prof->max_queues || !d->cq[n].used)
			goto bad;
		d->cq[n].head = val;
		return;
	}
bad:
	log_warn(d->name, "write 0x%08x to doorbell 0x%x of a queue that does not exist",
		 val, off);
}

/* ------------------------------------------------------------------ */
/* statistics                                                          */
/* ------------------------------------------------------------------ */

static void split64(uint64_t v, uint32_t *lo, uint32_t *hi)
{
	*lo = (uint32_t)v;
	*hi = (uint32_t)(v >> 32);
}

static uint8_t get_stats(struct ena_dev *d, const struct eif_aq_entry *c,
			 struct eif_acq_entry *r)
{
	const struct eif_cmd_get_stats *s = &c->u.stats;
	const struct ena_counters *st = &d->stats;
	uint32_t caps = d->prof->capabilities;
	uint64_t addr;
	uint32_t len;

	/* 0xffff names this function; the driver leaves the field 0 */
	if (s->device_id != 0 && s->device_id != 0xffff)
		return EIF_ST_ILLEGAL_PARAM;

	switch (s->type) {
	case EIF_STATS_BASIC: {
		struct eif_basic_stats *b = &r->u.basic;

		if (s->scope == EIF_SCOPE_QUEUE && s->queue_idx >= 2u * d->prof->max_queues)
			return EIF_ST_ILLEGAL_PARAM;
		if (s->scope != EIF_SCOPE_QUEUE && s->scope != EIF_SCOPE_ETH)
			return EIF_ST_ILLEGAL_PARAM;
		/*
		 * Whatever the scope and queue: the whole function's traffic.
		 * Drivers send the command zeroed (queue scope, queue 0) and
		 * report the answer as device totals.
		 */
		split64(st->tx_bytes, &b->tx_bytes_lo, &b->tx_bytes_hi);
		split64(st->tx_pkts, &b->tx_pkts_lo, &b->tx_pkts_hi);
		split64(st->rx_bytes, &b->rx_bytes_lo, &b->rx_bytes_hi);
		split64(st->rx_pkts, &b->rx_pkts_lo, &b->rx_pkts_hi);
		split64(st->rx_drops, &b->rx_drops_lo, &b->rx_drops_hi);
		split64(st->tx_drops, &b->tx_drops_lo, &b->tx_drops_hi);
		split64(st->rx_overruns, &b->rx_overruns_lo, &b->rx_overruns_hi);
		return EIF_ST_SUCCESS;
	}
	case EIF_STATS_EXTENDED: {
		char text[512];
		int n;

		if (!stats_buf(c, &s->cb, &addr, &len) || !len)
			return EIF_ST_MALFORMED;
		n = snprintf(text, sizeof(text),
			     "tx_pkts %llu\ntx_bytes %llu\nrx_pkts %llu\nrx_bytes %llu\n"
			     "rx_drops %llu\ntx_drops %llu\naenq_posted %llu\naenq_dropped %llu\n"
			     "admin_cmds %llu\nrx_no_buf %llu\ntx_bad_desc %llu\nrx_bad_desc %llu\n"
			     "irqs %llu\nrx_overruns %llu\n",
			     (unsigned long long)st->tx_pkts, (unsigned long long)st->tx_bytes,
			     (unsigned long long)st->rx_pkts, (unsigned long long)st->rx_bytes,
			     (unsigned long long)st->rx_drops, (unsigned long long)st->tx_drops,
			     (unsigned long long)d->aenq_posted,
			     (unsigned long long)d->aenq_dropped,
			     (unsigned long long)d->admin_cmds,
			     (unsigned long long)d->m.rx_no_buf, (unsigned long long)d->m.tx_bad_desc,
			     (unsigned long long)d->m.rx_bad_desc, (unsigned long long)d->m.irqs,
			     (unsigned long long)st->rx_overruns);
		if (n < 0)
			return EIF_ST_UNKNOWN_ERROR;
		if ((uint32_t)n + 1 > len)
			n = (int)len - 1;
		text[n] = 0;
		if (!ena_dma_write(d, addr, text, (size_t)n + 1))
			return EIF_ST_MALFORMED;
		return EIF_ST_SUCCESS;
	}
	case EIF_STATS_ENI:
		if (!(caps & EIF_BIT(EIF_CAP_ENI_STATS)))
			return EIF_ST_UNSUPPORTED;
		r->u.eni = st->eni;
		return EIF_ST_SUCCESS;
	case EIF_STATS_ENA_SRD:
		if (!(caps & EIF_BIT(EIF_CAP_ENA_SRD_INFO)))
			return EIF_ST_UNSUPPORTED;
		memset(&r->u.srd, 0, sizeof(r->u.srd));	/* SRD off */
		return EIF_ST_SUCCESS;
	case EIF_STATS_CUSTOMER_METRICS: {
		uint64_t supported = (1u << EIF_CUSTOMER_METRICS_NUM) - 1;
		uint64_t want = (((uint64_t)s->requested_metrics_hi << 32) |
				s->requested_metrics_lo) & supported, vals[EIF_CUSTOMER_METRICS_NUM];
		const uint64_t all[EIF_CUSTOMER_METRICS_NUM] = {
			st->eni.bw_in_allowance_exceeded, st->eni.bw_out_allowance_exceeded,
			st->eni.pps_allowance_exceeded, st->eni.conntrack_allowance_exceeded,
			st->eni.linklocal_allowance_exceeded,
			ena_eni_conntrack_available(&d->eni, ev_now_us()),
		};
		unsigned int i, n = 0;

		if (!(caps & EIF_BIT(EIF_CAP_CUSTOMER_METRICS)))
			return EIF_ST_UNSUPPORTED;
		if (!stats_buf(c, &s->cb, &addr, &len)) {
			/* without a buffer: which of the requested metrics exist */
			r->u.reported_metrics = want;
			return EIF_ST_SUCCESS;
		}
		for (i = 0; i < EIF_CUSTOMER_METRICS_NUM; i++)
			if (want & (1ull << i))
				vals[n++] = all[i];
		if (len < n * sizeof(vals[0]) || !ena_dma_write(d, addr, vals, n * sizeof(vals[0])))
			return EIF_ST_MALFORMED;
		r->u.reported_metrics = want;
		return EIF_ST_SUCCESS;
	}
	default:
		return EIF_ST_ILLEGAL_PARAM;
	}
}

/* ------------------------------------------------------------------ */
/* queue processing                                                    */
/* ------------------------------------------------------------------ */

void ena_admin_reset(struct ena_dev *d)
{
	d->aq_head = 0;
	d->aq_phase = 1;
	d->acq_tail = 0;
	d->acq_phase = 1;
	memset(d->tx_sq, 0, sizeof(d->tx_sq));
	memset(d->rx_sq, 0, sizeof(d->rx_sq));
	memset(d->cq, 0, sizeof(d->cq));
}

static uint8_t execute(struct ena_dev *d, const struct eif_aq_entry *c,
		       struct eif_acq_entry *r)
{
	switch (c->hdr.opcode) {
	case EIF_OP_CREATE_SQ:
		return create_sq(d, c, r);
	case EIF_OP_DESTROY_SQ:
		return destroy_sq(d, c);
	case EIF_OP_CREATE_CQ:
		return create_cq(d, c, r);
	case EIF_OP_DESTROY_CQ:
		return destroy_cq(d, c);
	case EIF_OP_GET_FEATURE:
		return get_feature(d, c, r);
	case EIF_OP_SET_FEATURE:
		return set_feature(d, c, r);
	case EIF_OP_GET_STATS:
		return get_stats(d, c, r);
	default:
		return EIF_ST_BAD_OPCODE;
	}
}

static void trace_cmd(struct ena_dev *d, const struct eif_aq_entry *c, uint8_t st)
{
	enum log_level lvl = st == EIF_ST_SUCCESS ? LOG_TRACE : LOG_INFO;
	char what[64];

	if (!log_on(lvl))
		return;
	if (c->hdr.opcode == EIF_OP_GET_FEATURE || c->hdr.opcode == EIF_OP_SET_FEATURE)
		snprintf(what, sizeof(what), "%s %u (%s)", op_name(c->hdr.opcode),
			 c->u.feature.feat.feature_id, feat_name(c->u.feature.feat.feature_id));
	else if (c->hdr.opcode == EIF_OP_GET_STATS)
		snprintf(what, sizeof(what), "get stats type %u", c->u.stats.type);
	else
		snprintf(what, sizeof(what), "%s (%u)", op_name(c->hdr.opcode), c->hdr.opcode);
	/* failures are worth seeing without -v: they usually mean a driver/model mismatch */
	log_msg(lvl, d->name, "admin cmd %u: %s -> %s", EIF_AQ_CMD_ID(c->hdr.cmd_id), what,
		status_name(st));
}

void ena_admin_doorbell(struct ena_dev *d, uint32_t tail_val)
{
	uint64_t sq_base = ((uint64_t)d->aq_base_hi << 32) | d->aq_base_lo;
	uint64_t cq_base = ((uint64_t)d->acq_base_hi << 32) | d->acq_base_lo;
	uint32_t sq_depth = EIF_QCAPS_DEPTH(d->aq_caps);
	uint32_t cq_depth = EIF_QCAPS_DEPTH(d->acq_caps);
	uint16_t tail = (uint16_t)tail_val;
	unsigned int done = 0;

	if (d->dev_sts & EIF_DEV_STS_FATAL) {
		log_warn(d->name, "AQ doorbell ignored: device is in fatal state, reset it");
		return;
	}
	if (!(d->dev_sts & EIF_DEV_STS_READY)) {
		log_warn(d->name, "AQ doorbell while the device is not ready (in reset)");
		return;
	}
	if (!sq_base || !cq_base || !is_pow2(sq_depth) || !is_pow2(cq_depth) ||
	    EIF_QCAPS_ESIZE(d->aq_caps) != sizeof(struct eif_aq_entry) ||
	    EIF_QCAPS_ESIZE(d->acq_caps) != sizeof(struct eif_acq_entry)) {
		ena_fatal(d, "AQ doorbell with admin queues not (correctly) configured");
		return;
	}
	if ((uint16_t)(tail - d->aq_head) > sq_depth) {
		ena_fatal(d, "AQ doorbell tail is more than a queue depth ahead");
		return;
	}
	/* a stalled admin queue leaves the commands for later (fault clear or reset) */
	if (ena_fault_hit(d, ENA_FAULT_ADMIN_STALL))
		return;

	while (d->aq_head != tail) {
		uint64_t sq_addr = sq_base + (uint64_t)(d->aq_head & (sq_depth - 1)) * 64;
		uint64_t cq_addr = cq_base + (uint64_t)(d->acq_tail & (cq_depth - 1)) * 64;
		struct eif_aq_entry c;
		struct eif_acq_entry r;
		uint8_t st;

		if (!ena_dma_read(d, sq_addr, &c, sizeof(c))) {
			ena_fatal(d, "admin submission queue is not in readable guest memory");
			break;
		}
		memset(&r, 0, sizeof(r));
		if ((c.hdr.flags & EIF_AQ_FLAG_PHASE) != d->aq_phase) {
			/* the driver flips its phase on every wrap, as do we */
			log_err(d->name, "admin cmd at AQ slot %u has phase %u, expected %u",
				d->aq_head & (sq_depth - 1), c.hdr.flags & EIF_AQ_FLAG_PHASE,
				d->aq_phase);
			st = EIF_ST_MALFORMED;
		} else if (ena_fault_hit(d, ENA_FAULT_ADMIN_ERROR)) {
			log_info(d->name, "admin cmd %u answered with status %u (fault)",
				 c.hdr.opcode, d->fault.arg);
			st = (uint8_t)d->fault.arg;
		} else {
			st = execute(d, &c, &r);
		}
		d->admin_cmds++;
		trace_cmd(d, &c, st);

		d->aq_head++;
		if (!(d->aq_head & (sq_depth - 1)))
			d->aq_phase ^= 1;

		r.hdr.cmd_id = EIF_AQ_CMD_ID(c.hdr.cmd_id);
		r.hdr.status = st;
		r.hdr.flags = d->acq_phase & EIF_CQE_FLAG_PHASE;
		r.hdr.sq_head = d->aq_head;
		if (!ena_dma_write_entry(d, cq_addr, &r, sizeof(r),
					 offsetof(struct eif_acq_hdr, flags))) {
			ena_fatal(d, "admin completion queue is not in writable guest memory");
			break;
		}
		d->acq_tail++;
		if (!(d->acq_tail & (cq_depth - 1)))
			d->acq_phase ^= 1;
		done++;
	}
	if (done)
		ena_mgmt_irq(d);
}

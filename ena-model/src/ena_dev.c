// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ENA register file, device reset and readless register reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ena_priv.h"
#include "log.h"

static const char *const reset_reasons[] = EIF_RESET_REASON_NAMES;

uint16_t ena_msix_count(const struct ena_dev *d)
{
	return (uint16_t)d->prof->msix_vectors;
}

bool ena_dma_read(struct ena_dev *d, uint64_t addr, void *buf, size_t len)
{
	return d->host.dma_read(d->host.opaque, addr, buf, len);
}

bool ena_dma_write(struct ena_dev *d, uint64_t addr, const void *buf, size_t len)
{
	return d->host.dma_write(d->host.opaque, addr, buf, len);
}

bool ena_dma_ok(struct ena_dev *d, uint64_t addr, uint64_t len, bool write)
{
	return len && d->host.dma_ok(d->host.opaque, addr, len, write);
}

bool ena_dma_write_entry(struct ena_dev *d, uint64_t addr, const void *buf,
			 size_t len, size_t flag_off)
{
	uint8_t b[64];

	if (len > sizeof(b) || flag_off >= len)
		return false;
	memcpy(b, buf, len);
	ena_chaos_entry(d, b, len);

	/*
	 * The driver polls the phase bit and then reads the rest of the entry
	 * (after a read barrier), so the phase byte must land last.  x86 keeps
	 * stores in order; the fence keeps the compiler from merging them.
	 */
	if (flag_off && !ena_dma_write(d, addr, b, flag_off))
		return false;
	if (flag_off + 1 < len &&
	    !ena_dma_write(d, addr + flag_off + 1, b + flag_off + 1, len - flag_off - 1))
		return false;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return ena_dma_write(d, addr + flag_off, b + flag_off, 1);
}

void ena_mgmt_irq(struct ena_dev *d)
{
	if (d->intr_mask & EIF_INTR_MASK_MGMT) {
		d->mgmt_irq_pending = true;
		return;
	}
	d->mgmt_irq_pending = false;
	d->host.irq(d->host.opaque, 0);
}

void ena_fatal(struct ena_dev *d, const char *why)
{
	if (!(d->dev_sts & EIF_DEV_STS_FATAL))
		log_err(d->name, "fatal device error: %s (admin queue stopped until reset)", why);
	d->dev_sts |= EIF_DEV_STS_FATAL;
	if (!ena_aenq_post(d, EIF_AENQ_FATAL_ERROR, 0, NULL, 0))
		d->aenq_dropped++;
}

/* ------------------------------------------------------------------ */
/* reset                                                               */
/* ------------------------------------------------------------------ */

/* what a DEV_CTL reset and a PCI reset have in common */
static void core_reset(struct ena_dev *d)
{
	d->aq_base_lo = d->aq_base_hi = d->aq_caps = 0;
	d->acq_base_lo = d->acq_base_hi = d->acq_caps = 0;
	d->aenq_base_lo = d->aenq_base_hi = d->aenq_caps = 0;
	d->aq_db = 0;
	d->aenq_head_db = 0;
	d->intr_mask = 0;
	d->mgmt_irq_pending = false;
	/* the driver writes the response address again right after reset */
	d->mmio_resp_lo = d->mmio_resp_hi = 0;
	ena_admin_reset(d);
	ena_aenq_reset(d);
	ena_io_reset(d);
	ena_fault_reset(d);
	ena_phc_reset(d);

	d->mtu = 1500;
	/* LLQ defaults until the driver sets its configuration */
	d->llq_entry_size = 128;
	d->llq_descs_before_hdr = 2;
	d->llq_stride = EIF_LLQ_STRIDE_MULTI;
	d->llq_accel = 0;
	d->host_info_addr = d->debug_area_addr = 0;
	d->debug_area_size = 0;
	d->driver_features = 0;
	ena_rss_defaults(d);
	ena_flow_clear(&d->flow);
	d->eni.frag_bypass = false;

	memset(&d->stats, 0, sizeof(d->stats));
	d->stats.rx_drops = d->prof->rx_drops;
	d->stats.rx_overruns = d->prof->rx_overruns;
	d->stats.tx_drops = d->prof->tx_drops;
}

void ena_dev_power_on(struct ena_dev *d)
{
	core_reset(d);
	d->dev_ctl = 0;
	d->dev_sts = EIF_DEV_STS_READY;
	d->link_up = d->prof->link_up;
	if (d->llq_mem)
		memset(d->llq_mem, 0, d->llq_size);
}

static void write_dev_ctl(struct ena_dev *d, uint32_t val)
{
	uint32_t old = d->dev_ctl;

	if ((val & EIF_DEV_CTL_RESET) && !(old & EIF_DEV_CTL_RESET)) {
		unsigned int r = EIF_DEV_CTL_REASON(val);
		unsigned int ext = EIF_DEV_CTL_REASON_EXT(val);

		/* the high nibble counts only where the device offered it */
		if (d->prof->capabilities & EIF_BIT(EIF_CAP_EXT_RESET_REASONS))
			r |= ext << 4;
		else if (ext)
			log_warn(d->name, "reset reason high nibble %u ignored: "
				 "extended reset reasons are not offered", ext);
		log_info(d->name, "device reset requested (reason %u: %s)", r,
			 r < sizeof(reset_reasons) / sizeof(reset_reasons[0]) ?
			 reset_reasons[r] : "unknown");
		d->last_reset_reason = r;
		d->resets_by_reason[r]++;
		core_reset(d);
		/* stays in progress until the driver clears the reset bit */
		d->dev_sts = EIF_DEV_STS_RESET_BUSY;
	} else if (!(val & EIF_DEV_CTL_RESET) && (old & EIF_DEV_CTL_RESET)) {
		d->dev_sts = EIF_DEV_STS_READY | EIF_DEV_STS_RESET_DONE;
		log_trace(d->name, "device reset done, ready");
	}
	if (val & (EIF_DEV_CTL_AQ_RESTART | EIF_DEV_CTL_QUIESCENT | EIF_DEV_CTL_IO_RESUME))
		log_warn(d->name, "DEV_CTL 0x%08x: AQ restart / quiescent / IO resume not modelled",
			 val);
	d->dev_ctl = val;
}

/* ------------------------------------------------------------------ */
/* registers                                                           */
/* ------------------------------------------------------------------ */

static uint32_t caps_value(const struct ena_dev *d)
{
	return EIF_CAPS_RESET_TO(d->prof->reset_timeout) |
	       EIF_CAPS_DMA_WIDTH(d->prof->dma_width) |
	       EIF_CAPS_ADMIN_TO(d->prof->admin_timeout);
}

static uint32_t reg_read(struct ena_dev *d, uint32_t off)
{
	switch (off) {
	case EIF_REG_VERSION:
		return EIF_VERSION(2, 0);
	case EIF_REG_CTRL_VERSION:
		/* the driver needs at least 0.0.1 (implementation id ignored) */
		return EIF_CTRL_VERSION(0, 1, 0, 0);
	case EIF_REG_CAPS:
		return caps_value(d);
	case EIF_REG_CAPS_EXT:
		return 0;
	case EIF_REG_AQ_BASE_LO:
		return d->aq_base_lo;
	case EIF_REG_AQ_BASE_HI:
		return d->aq_base_hi;
	case EIF_REG_AQ_CAPS:
		return d->aq_caps;
	case EIF_REG_ACQ_BASE_LO:
		return d->acq_base_lo;
	case EIF_REG_ACQ_BASE_HI:
		return d->acq_base_hi;
	case EIF_REG_ACQ_CAPS:
		return d->acq_caps;
	case EIF_REG_AQ_DB:
		return d->aq_db;
	case EIF_REG_ACQ_TAIL:
		return d->acq_tail;
	case EIF_REG_AENQ_CAPS:
		return d->aenq_caps;
	case EIF_REG_AENQ_BASE_LO:
		return d->aenq_base_lo;
	case EIF_REG_AENQ_BASE_HI:
		return d->aenq_base_hi;
	case EIF_REG_AENQ_HEAD_DB:
		return d->aenq_head_db;
	case EIF_REG_AENQ_TAIL:
		return d->aenq_tail;
	case EIF_REG_INTR_MASK:
		return d->intr_mask;
	case EIF_REG_DEV_CTL:
		return d->dev_ctl;
	case EIF_REG_DEV_STS:
		return d->dev_sts;
	case EIF_REG_MMIO_RESP_LO:
		return d->mmio_resp_lo;
	case EIF_REG_MMIO_RESP_HI:
		return d->mmio_resp_hi;
	default:
		return 0;	/* write-only and unassigned offsets read as 0 */
	}
}

/* readless read: the answer goes to guest memory, not back over MMIO */
static void readless_request(struct ena_dev *d, uint32_t val)
{
	uint64_t addr = ((uint64_t)d->mmio_resp_hi << 32) | d->mmio_resp_lo;
	struct eif_mmio_resp r = {
		.req_id = EIF_MMIO_READ_REQ_ID(val),
		.reg_off = EIF_MMIO_READ_OFF(val),
	};

	if (r.reg_off & 3 || r.reg_off >= ENA_BAR0_REGS_END)
		log_warn(d->name, "readless read of bad offset 0x%x", r.reg_off);
	else
		r.value = reg_read(d, r.reg_off);
	log_regs(d->name, "readless read 0x%02x = 0x%08x (req %u)", r.reg_off, r.value, r.req_id);
	if (!addr) {
		/* the driver clears the address when it tears readless down */
		log_warn(d->name, "readless read request but no response address set");
		return;
	}
	/* the driver polls req_id: write it last (offset 0 -> write 2..7 first) */
	if (!ena_dma_write(d, addr + 2, (uint8_t *)&r + 2, sizeof(r) - 2)) {
		log_err(d->name, "readless response address 0x%llx not writable",
			(unsigned long long)addr);
		return;
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ena_dma_write(d, addr, &r.req_id, sizeof(r.req_id));
}

uint32_t ena_dev_mmio_read(struct ena_dev *d, uint32_t off)
{
	uint32_t v = off < ENA_BAR0_REGS_END ? reg_read(d, off) : 0;

	log_regs(d->name, "mmio read  0x%04x = 0x%08x", off, v);
	return v;
}

void ena_dev_mmio_write(struct ena_dev *d, uint32_t off, uint32_t val)
{
	log_regs(d->name, "mmio write 0x%04x = 0x%08x", off, val);
	if (off >= ENA_DB_SQ_BASE) {
		ena_io_doorbell(d, off, val);
		return;
	}
	switch (off) {
	case EIF_REG_AQ_BASE_LO:
		d->aq_base_lo = val;
		break;
	case EIF_REG_AQ_BASE_HI:
		d->aq_base_hi = val;
		break;
	case EIF_REG_AQ_CAPS:
		d->aq_caps = val;
		break;
	case EIF_REG_ACQ_BASE_LO:
		d->acq_base_lo = val;
		break;
	case EIF_REG_ACQ_BASE_HI:
		d->acq_base_hi = val;
		break;
	case EIF_REG_ACQ_CAPS:
		d->acq_caps = val;
		break;
	case EIF_REG_AQ_DB:
		d->aq_db = val;
		ena_admin_doorbell(d, val);
		break;
	case EIF_REG_AENQ_CAPS:
		d->aenq_caps = val;
		d->aenq_warned = false;
		break;
	case EIF_REG_AENQ_BASE_LO:
		d->aenq_base_lo = val;
		d->aenq_warned = false;
		break;
	case EIF_REG_AENQ_BASE_HI:
		d->aenq_base_hi = val;
		d->aenq_warned = false;
		break;
	case EIF_REG_AENQ_HEAD_DB:
		ena_aenq_head_doorbell(d, val);
		break;
	case EIF_REG_INTR_MASK:
		d->intr_mask = val;
		log_trace(d->name, "management interrupt %s",
			  val & EIF_INTR_MASK_MGMT ? "masked (admin polling)" : "unmasked");
		if (!(val & EIF_INTR_MASK_MGMT) && d->mgmt_irq_pending)
			ena_mgmt_irq(d);
		break;
	case EIF_REG_DEV_CTL:
		write_dev_ctl(d, val);
		break;
	case EIF_REG_MMIO_REG_READ:
		readless_request(d, val);
		break;
	case EIF_REG_MMIO_RESP_LO:
		d->mmio_resp_lo = val;
		break;
	case EIF_REG_MMIO_RESP_HI:
		d->mmio_resp_hi = val;
		break;
	case EIF_REG_RSS_IND_UPDATE: {
		uint16_t i = EIF_RSS_UPD_INDEX(val), q = EIF_RSS_UPD_QUEUE(val);

		if (i >= (1u << d->rss_log) || q >= d->prof->max_queues)
			log_warn(d->name, "RSS entry update %u -> %u out of range", i, q);
		else
			d->rss_table[i] = q;
		break;
	}
	case EIF_REG_PHC_DB:
		ena_phc_doorbell(d, val);
		break;
	default:
		log_warn(d->name, "write 0x%08x to read-only or unassigned register 0x%x", val, off);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* LLQ memory (BAR2)                                                   */
/* ------------------------------------------------------------------ */

uint32_t ena_dev_llq_size(const struct ena_dev *d)
{
	return d->llq_size;
}

void ena_dev_llq_read(struct ena_dev *d, uint64_t off, void *buf, uint32_t n)
{
	if (off <= d->llq_size && n <= d->llq_size - off)
		memcpy(buf, d->llq_mem + off, n);
	else
		memset(buf, 0xff, n);
}

void ena_dev_llq_write(struct ena_dev *d, uint64_t off, const void *buf, uint32_t n)
{
	if (off <= d->llq_size && n <= d->llq_size - off)
		memcpy(d->llq_mem + off, buf, n);
}

/* ------------------------------------------------------------------ */
/* external events                                                     */
/* ------------------------------------------------------------------ */

bool ena_dev_set_allowance(struct ena_dev *d, const char *name, uint32_t value)
{
	int l = ena_eni_limit_from_name(name);

	if (l < 0 || !ena_eni_set_limit(&d->eni, (enum ena_eni_limit)l, value))
		return false;
	log_info(d->name, "ENI allowance %s: %u%s", name, value, value ? "" : " (unlimited)");
	return true;
}

void ena_dev_set_link(struct ena_dev *d, bool up)
{
	d->link_up = up;
	log_info(d->name, "link %s", up ? "up" : "down");
	if (d->aenq_enabled & EIF_BIT(EIF_AENQ_LINK_CHANGE)) {
		d->link_event_pending = true;
		ena_aenq_flush_pending(d);
	}
}

bool ena_dev_link_up(const struct ena_dev *d)
{
	return d->link_up;
}

void ena_dev_send_hints(struct ena_dev *d)
{
	d->hints_pending = true;
	ena_aenq_flush_pending(d);
}

void ena_dev_keepalive_enable(struct ena_dev *d, bool on)
{
	d->keepalive_stopped = !on;
	log_info(d->name, "keep-alive events %s", on ? "resumed" : "stopped");
}

void ena_dev_raise_fatal(struct ena_dev *d)
{
	ena_fatal(d, "raised through the control interface");
}

bool ena_dev_post_event(struct ena_dev *d, unsigned int group, uint64_t bitmap)
{
	bool conf = group == EIF_AENQ_CONF_NOTIFY;

	if (!(d->aenq_enabled & EIF_BIT(group))) {
		log_info(d->name, "AENQ %s event not sent: the driver has not enabled that group",
			 ena_aenq_group_name(group));
		d->aenq_not_enabled++;
		return false;
	}
	if (!ena_aenq_post(d, group, 0, conf ? &bitmap : NULL, conf ? sizeof(bitmap) : 0)) {
		d->aenq_dropped++;
		return false;
	}
	log_info(d->name, "AENQ %s event sent", ena_aenq_group_name(group));
	return true;
}

const char *ena_dev_name(const struct ena_dev *d)
{
	return d->name;
}

size_t ena_dev_counters(struct ena_dev *d, char *buf, size_t len)
{
	uint64_t total;
	size_t n = 0;
	unsigned int i;
	int r;

#define PUT(...) do { \
		r = snprintf(buf + n, len > n ? len - n : 0, __VA_ARGS__); \
		if (r > 0) \
			n += (size_t)r; \
	} while (0)
#define C(f) PUT("%s.%s=%llu\n", d->name, #f, (unsigned long long)d->m.f)
	PUT("%s.link=%s\n", d->name, d->link_up ? "up" : "down");
	PUT("%s.keepalive=%s\n", d->name, d->keepalive_stopped ? "stopped" : "running");
	PUT("%s.dev_sts=0x%x\n", d->name, d->dev_sts);
	C(tx_frames); C(tx_bytes); C(tx_errors); C(tx_link_down); C(tx_comps);
	C(tx_comps_dropped); C(tx_comps_delayed); C(tx_bad_desc); C(tx_tso_segs);
	C(tx_csum_offload);
	C(rx_frames); C(rx_bytes); C(rx_no_buf); C(rx_no_queue); C(rx_link_down);
	C(rx_bad_desc); C(rx_too_big); C(rx_csum_bad); C(irqs); C(irqs_masked);
	C(irqs_lost); C(chaos); C(llq_burst_exceeded); C(rx_flow_steered);
	PUT("%s.flow_rules=%u\n", d->name, d->flow.n_used);
	PUT("%s.frag_bypass=%s\n", d->name, d->eni.frag_bypass ? "on" : "off");
	/* a recovery is two resets: the reason, then the new init's "normal" */
	for (i = 0, total = 0; i < 256; i++) {
		total += d->resets_by_reason[i];
		if (d->resets_by_reason[i])
			PUT("%s.resets_reason_%u=%llu\n", d->name, i,
			    (unsigned long long)d->resets_by_reason[i]);
	}
	PUT("%s.resets=%llu\n", d->name, (unsigned long long)total);
	PUT("%s.last_reset_reason=%u\n", d->name, d->last_reset_reason);
	PUT("%s.fault=%s\n", d->name, ena_fault_name(d->fault.kind) ?
	    ena_fault_name(d->fault.kind) : "none");
	PUT("%s.fault_hits=%llu\n", d->name, (unsigned long long)d->fault.hits);
	PUT("%s.rx_drops=%llu\n", d->name, (unsigned long long)d->stats.rx_drops);
	PUT("%s.rx_overruns=%llu\n", d->name, (unsigned long long)d->stats.rx_overruns);
	PUT("%s.tx_drops=%llu\n", d->name, (unsigned long long)d->stats.tx_drops);
	PUT("%s.admin_cmds=%llu\n", d->name, (unsigned long long)d->admin_cmds);
	PUT("%s.eni_bw_in_allowance_exceeded=%llu\n", d->name,
	    (unsigned long long)d->stats.eni.bw_in_allowance_exceeded);
	PUT("%s.eni_bw_out_allowance_exceeded=%llu\n", d->name,
	    (unsigned long long)d->stats.eni.bw_out_allowance_exceeded);
	PUT("%s.eni_pps_allowance_exceeded=%llu\n", d->name,
	    (unsigned long long)d->stats.eni.pps_allowance_exceeded);
	PUT("%s.eni_conntrack_allowance_exceeded=%llu\n", d->name,
	    (unsigned long long)d->stats.eni.conntrack_allowance_exceeded);
	PUT("%s.eni_linklocal_allowance_exceeded=%llu\n", d->name,
	    (unsigned long long)d->stats.eni.linklocal_allowance_exceeded);
	PUT("%s.eni_conntrack_tracked=%u\n", d->name, d->eni.n_flows);
	for (i = 0; i < ENA_ENI_LIMITS; i++)
		PUT("%s.eni_allowance_%s=%u\n", d->name, ena_eni_limit_name(i), d->eni.limit[i]);
	PUT("%s.phc=%s\n", d->name, d->phc.out_addr ? "configured" : "off");
	PUT("%s.phc_answered=%llu\n", d->name, (unsigned long long)d->phc.answered);
	PUT("%s.phc_errors=%llu\n", d->name, (unsigned long long)d->phc.errors);
	PUT("%s.phc_stalled=%llu\n", d->name, (unsigned long long)d->phc.stalled);
	PUT("%s.phc_unconfigured=%llu\n", d->name, (unsigned long long)d->phc.unconfigured);
	PUT("%s.aenq_posted=%llu\n", d->name, (unsigned long long)d->aenq_posted);
	PUT("%s.aenq_not_enabled=%llu\n", d->name, (unsigned long long)d->aenq_not_enabled);
	PUT("%s.aenq_enabled=0x%x\n", d->name, d->aenq_enabled);
	for (i = 0; i < d->prof->max_queues && i < ENA_MAX_IO_QUEUES; i++) {
		const struct ena_io_sq *t = &d->tx_sq[i], *q = &d->rx_sq[i];

		if (t->used)
			PUT("%s.txq%u=pkts:%llu,bytes:%llu,drops:%llu,bad:%llu,head:%u,tail:%u\n",
			    d->name, i, (unsigned long long)t->pkts, (unsigned long long)t->bytes,
			    (unsigned long long)t->drops, (unsigned long long)t->bad_descs,
			    t->head, (unsigned)(uint16_t)t->tail);
		if (q->used)
			PUT("%s.rxq%u=pkts:%llu,bytes:%llu,drops:%llu,bad:%llu,head:%u,tail:%u\n",
			    d->name, i, (unsigned long long)q->pkts, (unsigned long long)q->bytes,
			    (unsigned long long)q->drops, (unsigned long long)q->bad_descs,
			    q->head, (unsigned)(uint16_t)q->tail);
	}
#undef C
#undef PUT
	return n < len ? n : (len ? len - 1 : 0);
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */
/* ------------------------------------------------------------------ */

static uint32_t pow2_floor(uint32_t x)
{
	uint32_t p2 = 1;

	if (!x)
		return 0;
	while (p2 <= x / 2)
		p2 *= 2;
	return p2;
}

uint32_t ena_llq_depth(const struct ena_dev *d, uint32_t entry_size)
{
	uint32_t depth = pow2_floor(d->llq_slot / entry_size);

	return depth < d->prof->tx_depth ? depth : pow2_floor(d->prof->tx_depth);
}

static uint32_t supported_features(const struct ena_profile *p)
{
	uint32_t f = EIF_BIT(EIF_FEAT_DEVICE_ATTRIBUTES) |
		     EIF_BIT(EIF_FEAT_AENQ_CONFIG) |
		     EIF_BIT(EIF_FEAT_STATELESS_OFFLOAD) |
		     EIF_BIT(EIF_FEAT_LINK_CONFIG) |
		     EIF_BIT(EIF_FEAT_HOST_ATTR_CONFIG) |
		     EIF_BIT(EIF_FEAT_MTU);

	f |= p->max_queues_ext ? EIF_BIT(EIF_FEAT_MAX_QUEUES_EXT) :
				 EIF_BIT(EIF_FEAT_MAX_QUEUES_NUM);
	if (p->hw_hints)
		f |= EIF_BIT(EIF_FEAT_HW_HINTS);
	if (p->rss)
		f |= EIF_BIT(EIF_FEAT_RSS_HASH_FUNCTION) |
		     EIF_BIT(EIF_FEAT_RSS_HASH_INPUT) |
		     EIF_BIT(EIF_FEAT_RSS_INDIRECTION_TABLE);
	if (p->intr_delay_resolution)
		f |= EIF_BIT(EIF_FEAT_INTERRUPT_MODERATION);
	if (p->llq && p->llq_bar_size)
		f |= EIF_BIT(EIF_FEAT_LLQ);
	if (p->phc)
		f |= EIF_BIT(EIF_FEAT_PHC_CONFIG);
	if (p->n_extra_props)
		f |= EIF_BIT(EIF_FEAT_EXTRA_PROPS_STRINGS) | EIF_BIT(EIF_FEAT_EXTRA_PROPS_FLAGS);
	if (p->frag_bypass)
		f |= EIF_BIT(EIF_FEAT_FRAG_BYPASS);
	if (p->flow_steering_rules)
		f |= EIF_BIT(EIF_FEAT_FLOW_STEERING);
	/* device attributes cannot be hidden: the driver always asks for them */
	f &= ~(p->hide_features & ~EIF_BIT(EIF_FEAT_DEVICE_ATTRIBUTES));
	return f;
}

struct ena_dev *ena_dev_create(const char *name, const struct ena_profile *prof,
			       unsigned int fn_index, const struct ena_host *host,
			       struct evloop *loop)
{
	struct ena_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->prof = prof;
	d->host = *host;
	d->loop = loop;
	memcpy(d->mac, prof->mac, sizeof(d->mac));
	d->mac[5] = (uint8_t)(d->mac[5] + fn_index);	/* distinct MAC per function */
	d->supported_features = supported_features(prof);
	d->llq_size = prof->llq_bar_size;
	/*
	 * Each TX queue gets an equal, power-of-2 slot of BAR2; its depth is
	 * what fits there, so 256-byte ("wide") entries allow half the depth
	 * of 128-byte ones.
	 */
	if (prof->max_queues && d->llq_size)
		d->llq_slot = pow2_floor(d->llq_size / prof->max_queues);
	d->txbuf = malloc(ENA_MAX_FRAME);
	d->segbuf = malloc(ENA_MAX_FRAME);
	d->delayed = calloc(ENA_MAX_DELAYED, sizeof(*d->delayed));
	if (d->llq_size)
		d->llq_mem = calloc(1, d->llq_size);
	if (!d->txbuf || !d->segbuf || !d->delayed || (d->llq_size && !d->llq_mem)) {
		free(d->txbuf);
		free(d->segbuf);
		free(d->delayed);
		free(d->llq_mem);
		free(d);
		return NULL;
	}
	{
		uint32_t limit[ENA_ENI_LIMITS] = {
			[ENA_ENI_PPS] = prof->pps_allowance,
			[ENA_ENI_BW_IN] = prof->bw_in_mbps,
			[ENA_ENI_BW_OUT] = prof->bw_out_mbps,
			[ENA_ENI_CONNTRACK] = prof->conntrack_allowance,
			[ENA_ENI_LINKLOCAL] = prof->linklocal_allowance,
			[ENA_ENI_FRAG] = prof->frag_pps_allowance,
		};

		ena_eni_init(&d->eni, limit, prof->conntrack_timeout_ms);
	}
	ena_flow_init(&d->flow, prof->flow_steering_rules);
	ena_io_init(d);
	ena_dev_power_on(d);
	if (prof->chaos_ppm)
		ena_dev_chaos(d, prof->chaos_ppm, prof->chaos_seed);
	ev_timer_setup(loop, &d->keepalive, ena_aenq_keepalive, d);
	if (prof->keepalive_ms)
		ev_timer_arm(&d->keepalive, prof->keepalive_ms, prof->keepalive_ms);
	log_info(d->name, "ENA %s %04x:%04x, MAC %02x:%02x:%02x:%02x:%02x:%02x, %u queue pairs, %u MSI-X vectors, readless %s",
		 prof->pci_device_id == EIF_PCI_DEV_PF ? "PF" : "VF",
		 EIF_PCI_VENDOR_AMAZON, prof->pci_device_id,
		 d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5],
		 prof->max_queues, prof->msix_vectors, prof->readless ? "on" : "off");
	return d;
}

void ena_dev_destroy(struct ena_dev *d)
{
	if (!d)
		return;
	ev_timer_remove(d->loop, &d->keepalive);
	ena_io_fini(d);
	free(d->txbuf);
	free(d->segbuf);
	free(d->delayed);
	free(d->llq_mem);
	free(d);
}

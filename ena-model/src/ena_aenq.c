// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Asynchronous event notification queue (AENQ): device -> driver events.
 *
 * The driver owns the ring; the device may only fill entries the driver
 * has released through the head doorbell.  The doorbell carries the
 * driver's running head counter, which starts at the queue depth ("all
 * entries free"), so free = head_db - tail in 16-bit arithmetic.
 */
#include <string.h>
#include <time.h>

#include "ena_priv.h"
#include "log.h"

static const char *const group_names[EIF_AENQ_GROUPS] = {
	"link change", "fatal error", "warning", "notification", "keep-alive",
	"refresh capabilities", "configuration notification", "device reset request",
};

const char *ena_aenq_group_name(unsigned int group)
{
	return group < EIF_AENQ_GROUPS ? group_names[group] : "unknown";
}

void ena_aenq_reset(struct ena_dev *d)
{
	d->aenq_tail = 0;
	d->aenq_phase = 1;
	d->aenq_enabled = 0;
	d->aenq_warned = false;
	d->link_event_pending = false;
	d->hints_pending = false;
}

/* once per configuration, so a broken queue does not flood the log */
static void aenq_problem(struct ena_dev *d, const char *what)
{
	if (!d->aenq_warned)
		log_warn(d->name, "AENQ: %s", what);
	d->aenq_warned = true;
}

bool ena_aenq_post(struct ena_dev *d, uint16_t group, uint16_t syndrome,
		   const void *data, size_t len)
{
	uint64_t base = ((uint64_t)d->aenq_base_hi << 32) | d->aenq_base_lo;
	uint32_t depth = EIF_QCAPS_DEPTH(d->aenq_caps);
	struct eif_aenq_entry e;
	struct timespec ts;
	uint16_t avail;
	uint64_t sec;

	if (group >= EIF_AENQ_GROUPS || !(d->aenq_enabled & EIF_BIT(group)))
		return false;
	if (!base || !depth || (depth & (depth - 1)) ||
	    EIF_QCAPS_ESIZE(d->aenq_caps) != sizeof(struct eif_aenq_entry)) {
		aenq_problem(d, "queue not configured (base/depth/entry size), event dropped");
		return false;
	}
	avail = (uint16_t)(d->aenq_head_db - d->aenq_tail);
	if (avail == 0 || avail > depth) {
		/* the caller decides whether to retry later or to drop */
		if (avail > depth)
			aenq_problem(d, "head doorbell is ahead of what the device posted");
		log_regs(d->name, "AENQ has no free entry for a %s event", group_names[group]);
		return false;
	}

	memset(&e, 0, sizeof(e));
	e.hdr.group = group;
	e.hdr.syndrome = syndrome;
	e.hdr.flags = d->aenq_phase & EIF_CQE_FLAG_PHASE;
	clock_gettime(CLOCK_REALTIME, &ts);
	sec = (uint64_t)ts.tv_sec;
	e.hdr.ts_lo = (uint32_t)sec;
	e.hdr.ts_hi = (uint32_t)(sec >> 32);
	if (len > sizeof(e.u))
		len = sizeof(e.u);
	if (len)
		memcpy(&e.u, data, len);

	if (!ena_dma_write_entry(d, base + (uint64_t)(d->aenq_tail & (depth - 1)) * sizeof(e),
				 &e, sizeof(e), offsetof(struct eif_aenq_hdr, flags))) {
		aenq_problem(d, "ring is not in writable guest memory, event dropped");
		return false;
	}
	d->aenq_tail++;
	if (!(d->aenq_tail & (depth - 1)))
		d->aenq_phase ^= 1;
	d->aenq_posted++;
	/* keep-alives every second would drown -v output: show them with -vv */
	log_msg(group == EIF_AENQ_KEEP_ALIVE ? LOG_REGS : LOG_TRACE, d->name,
		"AENQ <- %s (syndrome %u), tail %u", group_names[group], syndrome, d->aenq_tail);
	ena_mgmt_irq(d);
	return true;
}

void ena_fill_hints(const struct ena_dev *d, struct eif_f_hw_hints *h)
{
	const struct ena_profile *p = d->prof;

	memset(h, 0, sizeof(*h));
	h->mmio_read_timeout_ms = p->hint_mmio_read_timeout;
	h->driver_watchdog_timeout_ms = p->hint_driver_watchdog;
	h->missing_tx_completion_timeout_ms = p->hint_missing_tx_timeout;
	h->missed_tx_completion_threshold = p->hint_missed_tx_threshold;
	h->admin_completion_timeout_ms = p->hint_admin_timeout;
	h->netdev_wd_timeout_ms = p->hint_netdev_wd;
	h->max_tx_sgl_size = p->max_tx_descs;
	h->max_rx_sgl_size = p->max_rx_descs;
}

/* events that must not be lost are retried when the driver frees entries */
void ena_aenq_flush_pending(struct ena_dev *d)
{
	if (d->link_event_pending) {
		uint32_t flags = d->link_up ? EIF_AENQ_LINK_UP : 0;

		if (!(d->aenq_enabled & EIF_BIT(EIF_AENQ_LINK_CHANGE)))
			d->link_event_pending = false;
		else if (ena_aenq_post(d, EIF_AENQ_LINK_CHANGE, 0, &flags, sizeof(flags)))
			d->link_event_pending = false;
	}
	if (d->hints_pending) {
		struct eif_f_hw_hints h;

		ena_fill_hints(d, &h);
		if (!(d->aenq_enabled & EIF_BIT(EIF_AENQ_NOTIFICATION)))
			d->hints_pending = false;
		else if (ena_aenq_post(d, EIF_AENQ_NOTIFICATION, EIF_AENQ_SYN_UPDATE_HINTS,
				       &h, sizeof(h)))
			d->hints_pending = false;
	}
}

void ena_aenq_head_doorbell(struct ena_dev *d, uint32_t head)
{
	d->aenq_head_db = head;
	log_trace(d->name, "AENQ head doorbell %u (tail %u)", head, d->aenq_tail);
	ena_aenq_flush_pending(d);
}

void ena_aenq_config_changed(struct ena_dev *d, uint32_t old_enabled)
{
	uint32_t on = d->aenq_enabled & ~old_enabled;

	/* report the current link state as soon as the driver listens */
	if (on & EIF_BIT(EIF_AENQ_LINK_CHANGE))
		d->link_event_pending = true;
	ena_aenq_flush_pending(d);
}

void ena_aenq_keepalive(void *opaque)
{
	struct ena_dev *d = opaque;
	struct eif_aenq_keep_alive ka;

	ena_aenq_flush_pending(d);
	if (!(d->aenq_enabled & EIF_BIT(EIF_AENQ_KEEP_ALIVE)) || d->keepalive_stopped)
		return;
	ka.rx_drops_lo = (uint32_t)d->stats.rx_drops;
	ka.rx_drops_hi = (uint32_t)(d->stats.rx_drops >> 32);
	ka.tx_drops_lo = (uint32_t)d->stats.tx_drops;
	ka.tx_drops_hi = (uint32_t)(d->stats.tx_drops >> 32);
	ka.rx_overruns_lo = (uint32_t)d->stats.rx_overruns;
	ka.rx_overruns_hi = (uint32_t)(d->stats.rx_overruns >> 32);
	/* a missed keep-alive is not retried: the next one is due soon */
	if (!ena_aenq_post(d, EIF_AENQ_KEEP_ALIVE, 0, &ka, sizeof(ka)))
		d->aenq_dropped++;
}

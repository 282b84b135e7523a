// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PTP hardware clock (see ena_phc.h). The model answers a doorbell at
 * once, from the event loop: the driver spins on the response buffer with
 * interrupts off, so a late answer only costs it the expire timeout, and
 * faults (phc-stall, phc-error) exercise that path on purpose.
 */
#include <string.h>
#include <sys/timex.h>
#include <time.h>

#include "ena_priv.h"
#include "log.h"

/* the error bound answered when the host clock is not synchronised */
#define PHC_UNSYNCED_BOUND_NS	100000u

uint64_t ena_phc_now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

void ena_phc_get(const struct ena_dev *d, struct eif_f_phc *f)
{
	memset(f, 0, sizeof(*f));
	f->version = EIF_PHC_VERSION_0;
	f->doorbell_offset = EIF_REG_PHC_DB;
	f->expire_timeout_us = d->prof->phc_expire_us;
	f->block_timeout_us = d->prof->phc_block_us;
}

uint8_t ena_phc_set(struct ena_dev *d, const struct eif_f_phc *f)
{
	uint64_t addr = eif_addr48_get(&f->output);

	/* the device writes up to the error flags */
	if (f->output_length < offsetof(struct eif_phc_resp, rsvd3) ||
	    !addr || !ena_dma_ok(d, addr, f->output_length, true))
		return EIF_ST_ILLEGAL_PARAM;
	d->phc.out_addr = addr;
	d->phc.warned = false;
	log_trace(d->name, "PHC: response buffer 0x%llx, %u bytes",
		  (unsigned long long)addr, f->output_length);
	return EIF_ST_SUCCESS;
}

/* the host clock's estimated error in ns; false if it does not fit */
static bool host_error_bound(const struct ena_dev *d, uint32_t *bound)
{
	struct timex tx = { .modes = 0 };
	long long ns;
	int state;

	if (d->prof->phc_error_bound_ns) {
		*bound = d->prof->phc_error_bound_ns;
		return true;
	}
	state = adjtimex(&tx);
	if (state < 0 || state == TIME_ERROR || (tx.status & STA_UNSYNC)) {
		*bound = PHC_UNSYNCED_BOUND_NS;
		return true;
	}
	ns = (long long)tx.esterror * 1000;
	*bound = ns < 0 || ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
	return ns >= 0 && ns <= UINT32_MAX;
}

void ena_phc_doorbell(struct ena_dev *d, uint32_t val)
{
	struct eif_phc_resp r;
	uint16_t req_id = (uint16_t)EIF_PHC_DB_REQ_ID(val);

	/* (only SET, which needs the feature offered, gives a buffer) */
	if (!d->phc.out_addr) {
		d->phc.unconfigured++;
		if (!d->phc.warned)
			log_warn(d->name, "PHC doorbell %u before a response buffer was set",
				 req_id);
		d->phc.warned = true;
		return;
	}
	if (ena_fault_hit(d, ENA_FAULT_PHC_STALL)) {
		d->phc.stalled++;
		return;
	}
	memset(&r, 0, sizeof(r));
	r.timestamp_ns = ena_phc_now_ns();
	if (!host_error_bound(d, &r.error_bound_ns))
		r.error_flags |= EIF_PHC_ERR_BOUND;
	if (ena_fault_hit(d, ENA_FAULT_PHC_ERROR))
		r.error_flags |= d->fault.arg;
	r.req_id = req_id;
	if (r.error_flags)
		d->phc.errors++;

	/* the driver polls req_id: the payload must land before it */
	if (!ena_dma_write(d, d->phc.out_addr + offsetof(struct eif_phc_resp, timestamp_ns),
			   &r.timestamp_ns,
			   offsetof(struct eif_phc_resp, rsvd3) -
			   offsetof(struct eif_phc_resp, timestamp_ns)))
		return;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (ena_dma_write(d, d->phc.out_addr, &r.req_id, sizeof(r.req_id)))
		d->phc.answered++;
}

void ena_phc_reset(struct ena_dev *d)
{
	d->phc.out_addr = 0;
	d->phc.warned = false;
}

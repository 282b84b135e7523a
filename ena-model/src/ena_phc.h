/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PTP hardware clock (feature 29), as ENA offers it: the driver gives
 * the device a response buffer once (SET_FEATURE), then reads the clock by
 * writing a request id to a doorbell in BAR0; the device writes the time,
 * an error bound and error flags to the buffer, the request id last, and
 * the driver polls for that id until the expire timeout the device named.
 * The model's clock is the host's CLOCK_REALTIME (EC2's PHC keeps UTC).
 */
#ifndef ENA_MODEL_PHC_H
#define ENA_MODEL_PHC_H

#include <stdbool.h>
#include <stdint.h>

#include "ena_if.h"

struct ena_dev;

struct ena_phc {
	uint64_t out_addr;		/* 0: not configured since reset */
	uint64_t answered, errors, stalled, unconfigured;
	bool warned;			/* a doorbell without a buffer was logged */
};

/* the clock the PHC reads: the host's CLOCK_REALTIME, in ns */
uint64_t ena_phc_now_ns(void);
/* GET_FEATURE PHC: version, doorbell and timeouts */
void ena_phc_get(const struct ena_dev *d, struct eif_f_phc *f);
/* SET_FEATURE PHC: the response buffer; an admin status */
uint8_t ena_phc_set(struct ena_dev *d, const struct eif_f_phc *f);
/* a write to the PHC doorbell */
void ena_phc_doorbell(struct ena_dev *d, uint32_t val);
/* a device reset forgets the buffer */
void ena_phc_reset(struct ena_dev *d);

#endif

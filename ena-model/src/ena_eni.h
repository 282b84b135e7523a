/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The allowances EC2 enforces on an instance's network interface (ENI):
 * packets per second, inbound and outbound bandwidth, tracked connections
 * and packets per second to the link-local services. A frame over one of
 * them is dropped and counted in the ENI statistics, which the drivers show
 * (bw_in_allowance_exceeded, ..., conntrack_allowance_available), so a
 * user can watch them move as on an instance that hits its limits.
 *
 * Sent IP fragments have a packets-per-second limit of their own, counted
 * as pps_allowance_exceeded, which a driver can ask the device to bypass.
 *
 * Rates are counted in fixed one-second windows. A connection is a TCP or
 * UDP 5-tuple, or the protocol and addresses of other IP traffic, in either
 * direction; it is forgotten after conntrack_timeout_ms without a frame.
 * No state here outlives the function; a device reset keeps it (the ENI's
 * allowances are not the device's).
 */
#ifndef ENA_MODEL_ENI_H
#define ENA_MODEL_ENI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ena_if.h"

enum ena_eni_limit {
	ENA_ENI_PPS,		/* packets/s, both directions */
	ENA_ENI_BW_IN,		/* Mb/s received */
	ENA_ENI_BW_OUT,		/* Mb/s sent */
	ENA_ENI_CONNTRACK,	/* connections tracked at once */
	ENA_ENI_LINKLOCAL,	/* packets/s to and from the link-local services */
	ENA_ENI_FRAG,		/* sent IP fragments/s, unless the driver bypasses it */
	ENA_ENI_LIMITS,
};

/* the most connections the model tracks (a larger allowance is refused) */
#define ENA_ENI_MAX_FLOWS	1024

struct ena_eni_flow {
	uint8_t proto;
	uint8_t addr_len;		/* 4 or 16 */
	uint8_t a[16], b[16];		/* the lower endpoint first */
	uint16_t pa, pb;
	uint64_t seen_us;
};

struct ena_eni {
	uint32_t limit[ENA_ENI_LIMITS];	/* 0: unlimited */
	uint32_t conntrack_timeout_ms;
	/* set by the driver (fragment bypass, feature 8); a device reset clears it */
	bool frag_bypass;
	uint64_t window_us;
	uint64_t pkts, bits_in, bits_out, linklocal_pkts, frags_out;
	unsigned int n_flows;
	struct ena_eni_flow flows[ENA_ENI_MAX_FLOWS];
};

void ena_eni_init(struct ena_eni *e, const uint32_t limit[ENA_ENI_LIMITS],
		  uint32_t conntrack_timeout_ms);

/*
 * May frame f of len bytes pass, in (received) or out (sent), at now_us?
 * If not, the allowance it exceeds is counted in st.
 */
bool ena_eni_allow(struct ena_eni *e, struct eif_eni_stats *st, const uint8_t *f,
		   size_t len, bool in, uint64_t now_us);

/* connections that can still be made (0 without a conntrack allowance) */
uint64_t ena_eni_conntrack_available(struct ena_eni *e, uint64_t now_us);

/* the limit a control command or profile key names ("pps", "bw-in", ...), or -1 */
int ena_eni_limit_from_name(const char *name);
const char *ena_eni_limit_name(enum ena_eni_limit l);

/* a new value for one limit; false (and nothing changed) if out of range */
bool ena_eni_set_limit(struct ena_eni *e, enum ena_eni_limit l, uint32_t value);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device profile: what the emulated ENA function looks like.  Set from a
 * key=value file and/or command line options, all through profile_set().
 */
#ifndef ENA_MODEL_PROFILE_H
#define ENA_MODEL_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "ena_if.h"

#define PROFILE_MAX_SOCKETS	16

struct ena_profile {
	/* PCI identity */
	uint16_t pci_device_id;		/* VF 0xec20 (default) or PF 0x0ec2 */
	uint8_t revision;		/* revision id; bit 0 is driven by readless */
	bool readless;			/* driver may use readless register reads */
	unsigned int msix_vectors;	/* 1 management + 1 per IO queue pair */
	uint32_t llq_bar_size;		/* BAR2 size, 0: no BAR2 */
	bool llq;			/* advertise LLQ (needs BAR2) */
	/* LLQ accelerated mode: a meta descriptor with every packet, and at
	 * most llq_tx_burst bytes of entries per doorbell (0: no limit) */
	bool llq_no_meta_caching;
	uint16_t llq_tx_burst;
	uint16_t llq_entry_recommended;	/* bytes: 128, 192 or 256 (LLQ version 1) */

	/* device attributes */
	uint8_t mac[6];
	uint32_t max_mtu;
	uint32_t impl_id;
	uint32_t device_version;
	unsigned int dma_width;		/* CAPS dma address width, 32..48 */
	unsigned int reset_timeout;	/* CAPS, 100 ms units, 1..31 */
	unsigned int admin_timeout;	/* CAPS, 100 ms units, 0 = driver default */
	uint32_t capabilities;		/* eif_capability bitmap */
	uint32_t hide_features;		/* feature ids not to advertise */

	/* queues */
	unsigned int max_queues;	/* IO queue pairs per direction */
	uint32_t tx_depth, rx_depth;	/* max ring depths */
	uint16_t max_tx_descs, max_rx_descs;
	uint32_t max_tx_header;
	bool max_queues_ext;		/* advertise MAX_QUEUES_EXT, else legacy */

	/* offloads, RSS, interrupts */
	uint32_t offload_tx, offload_rx;
	bool rss;
	uint16_t intr_delay_resolution;	/* 0: no interrupt moderation feature */

	/* hints (ms, 0: driver default) */
	bool hw_hints;
	uint16_t hint_mmio_read_timeout;
	uint16_t hint_driver_watchdog;
	uint16_t hint_missing_tx_timeout;
	uint16_t hint_missed_tx_threshold;
	uint16_t hint_admin_timeout;
	uint16_t hint_netdev_wd;

	/* link and AENQ */
	uint32_t link_speed_mbps;
	uint32_t link_supported;
	bool link_up;
	uint32_t aenq_groups;		/* supported groups */
	unsigned int keepalive_ms;	/* 0: no keep-alive events */
	uint64_t rx_drops, tx_drops;	/* initial device drop counters */
	uint64_t rx_overruns;		/* initial device rx overrun counter */
	/* ENI allowances (0: unlimited); exceeding them drops and counts */
	uint32_t pps_allowance;		/* packets per second, both directions */
	uint32_t bw_in_mbps, bw_out_mbps;
	uint32_t conntrack_allowance;	/* connections tracked at once */
	uint32_t conntrack_timeout_ms;	/* idle time after which one is forgotten */
	uint32_t linklocal_allowance;	/* packets per second to link-local services */
	uint32_t frag_pps_allowance;	/* sent IP fragments per second */
	bool frag_bypass;		/* offer fragment bypass (feature 8) */
	uint16_t flow_steering_rules;	/* flow steering (feature 30) table, 0: not offered */
	uint8_t rx_offset;		/* where a frame starts in its first RX buffer,
					 * for drivers that allow it in their host info */
	/* extra properties (features 5, 6): names and their flag bits */
	char extra_props[EIF_EXTRA_PROPS_MAX][EIF_EXTRA_PROPS_NAME_LEN];
	unsigned int n_extra_props;	/* 0: the features are not offered */
	uint32_t extra_props_flags;
	/* PTP hardware clock (feature 29) */
	bool phc;
	uint32_t phc_expire_us, phc_block_us;	/* the timeouts the device names */
	uint32_t phc_error_bound_ns;	/* 0: the host clock's estimated error */
	/* chaos: garble this many per million of the entries the device writes */
	uint32_t chaos_ppm, chaos_seed;

	/* process */
	char *sockets[PROFILE_MAX_SOCKETS];
	unsigned int n_sockets;
	bool reconnect;
};

void profile_defaults(struct ena_profile *p);
void profile_free(struct ena_profile *p);
/* Returns 0, or -1 with a message in err. */
int profile_set(struct ena_profile *p, const char *key, const char *val,
		char *err, unsigned int errlen);
int profile_load(struct ena_profile *p, const char *path, char *err, unsigned int errlen);
/* Cross-field checks after everything is set; -1 with message on error. */
int profile_validate(const struct ena_profile *p, char *err, unsigned int errlen);
void profile_help(void);

#endif

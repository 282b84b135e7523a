/* SPDX-License-Identifier: GPL-2.0-or-later */
/* State shared by ena_dev.c, ena_admin.c and ena_aenq.c. */
#ifndef ENA_MODEL_ENA_PRIV_H
#define ENA_MODEL_ENA_PRIV_H

#include "ena_dev.h"
#include "ena_eni.h"
#include "ena_flow.h"
#include "ena_if.h"
#include "ena_phc.h"

#define ENA_RSS_MIN_LOG		0
#define ENA_RSS_MAX_LOG		7	/* the driver uses a 128-entry table */
#define ENA_MIN_MTU		68

/* what a TX meta descriptor tells the device about the packets it goes with */
struct ena_tx_meta {
	bool valid;
	uint16_t mss;
	uint8_t l3_off, l3_len, l4_words;
};

struct ena_io_sq {
	bool used;
	uint8_t dir;			/* EIF_DIR_* */
	uint16_t idx;
	uint16_t depth;
	uint16_t cq_idx;
	uint8_t placement;
	uint8_t completion;
	uint64_t ring;
	uint32_t llq_off;		/* LLQ: this queue's entries in BAR2 */
	uint32_t tail;			/* last doorbell value */
	uint64_t doorbells;

	/* data path */
	uint16_t head;			/* next descriptor the device reads */
	uint8_t phase;			/* phase the next descriptor must carry */
	uint32_t gen;			/* tells delayed completions of an old queue apart */
	struct ena_tx_meta meta;	/* stored by a meta descriptor with meta_store */
	bool warned;			/* a descriptor problem was logged */
	uint64_t pkts, bytes, drops, bad_descs;
	uint16_t last_req_id;		/* of the last TX completion (faults repeat it) */
};

struct ena_io_cq {
	bool used;
	bool bound;			/* an SQ uses it */
	uint16_t idx;
	uint16_t depth;
	uint8_t entry_size;		/* bytes */
	bool intr;
	uint16_t msix;
	uint64_t ring;
	uint32_t unmask;		/* last interrupt unmask register value */
	uint32_t head;			/* last head doorbell value */
	uint16_t tail;			/* next entry the device writes */
	uint8_t phase;
	uint64_t entries;
};

/* interrupt state of one IO MSI-X vector (shared by a TX and an RX CQ) */
struct ena_vec {
	struct ena_dev *d;
	uint16_t idx;
	bool masked;			/* raised and not unmasked since */
	bool pending;			/* completions arrived while masked or delayed */
	bool pending_rx, pending_tx;	/* ... on an RX / TX CQ */
	uint32_t rx_delay, tx_delay;	/* from the unmask register, resolution units */
	struct ev_timer timer;		/* moderation delay */
	uint64_t raised, moderated;
};

/* a TX completion held back by the control interface */
struct ena_delayed_comp {
	uint16_t sq;
	uint16_t req_id;
	uint32_t gen;
	uint64_t due_us;
};
#define ENA_MAX_DELAYED		4096
#define ENA_MAX_FRAME		(65536 + 256)

struct ena_counters {
	uint64_t tx_pkts, tx_bytes, rx_pkts, rx_bytes, rx_drops, tx_drops;
	uint64_t rx_overruns;		/* frames the RX ring had no buffer for */
	struct eif_eni_stats eni;
};

struct ena_dev {
	char name[32];
	const struct ena_profile *prof;
	struct ena_host host;
	struct evloop *loop;
	struct ev_timer keepalive;
	uint8_t mac[6];
	uint32_t supported_features;

	/* register file */
	uint32_t aq_base_lo, aq_base_hi, aq_caps;
	uint32_t acq_base_lo, acq_base_hi, acq_caps;
	uint32_t aenq_base_lo, aenq_base_hi, aenq_caps;
	uint32_t aq_db, aenq_head_db;
	uint32_t intr_mask, dev_ctl, dev_sts;
	uint32_t mmio_resp_lo, mmio_resp_hi;

	/* admin queue */
	uint16_t aq_head;
	uint8_t aq_phase;
	uint16_t acq_tail;
	uint8_t acq_phase;
	bool mgmt_irq_pending;		/* raised while masked */
	uint64_t admin_cmds;

	/* AENQ */
	uint16_t aenq_tail;
	uint8_t aenq_phase;
	uint32_t aenq_enabled;
	bool aenq_warned;		/* an AENQ problem was logged since reset */
	bool link_up;
	bool link_event_pending;
	bool hints_pending;
	uint64_t aenq_posted, aenq_dropped;
	/* control-port events of a group the driver has not enabled */
	uint64_t aenq_not_enabled;

	/* configuration done through set feature */
	uint32_t mtu;
	uint64_t host_info_addr, debug_area_addr;
	uint32_t debug_area_size;
	uint32_t driver_features;	/* EIF_HOST_F_* from the host info page */
	uint32_t rss_func;		/* selected function bitmap */
	uint32_t rss_init_val;
	struct eif_rss_key_buf rss_key;
	uint16_t rss_selected[EIF_RSS_PROTOS];
	uint16_t rss_sort;
	uint16_t rss_log;
	uint16_t rss_table[1u << ENA_RSS_MAX_LOG];

	/* IO queues */
	struct ena_io_sq tx_sq[ENA_MAX_IO_QUEUES];
	struct ena_io_sq rx_sq[ENA_MAX_IO_QUEUES];
	struct ena_io_cq cq[2 * ENA_MAX_IO_QUEUES];

	struct ena_counters stats;

	/* data path */
	struct ena_net net;
	struct ena_vec vec[ENA_MAX_MSIX];
	uint8_t *txbuf;			/* ENA_MAX_FRAME: the frame being assembled */
	uint8_t *segbuf;		/* ENA_MAX_FRAME: one TSO segment */
	uint32_t sq_gen;
	uint32_t drop_tx_comps;		/* control: completions still to swallow */
	uint32_t delay_tx_comps_ms;	/* control: hold completions back this long */
	struct ena_delayed_comp *delayed;
	unsigned int n_delayed;
	struct ev_timer delay_timer;
	bool keepalive_stopped;
	unsigned int last_reset_reason;	/* DEV_CTL reason of the last reset */
	uint64_t resets_by_reason[256];	/* DEV_CTL reasons: 4 bits, 8 extended */
	uint32_t chaos_ppm;		/* entries garbled per million (ena_chaos) */
	uint64_t chaos_rng;		/* xorshift state, from the seed */
	/* a fault injected on demand (ena_fault.c) */
	struct {
		enum ena_fault kind;
		uint32_t left;		/* counted kinds: events still to affect */
		uint32_t arg;
		uint64_t until_us;	/* timed kinds */
		uint64_t hits;		/* events affected, all kinds, since start */
	} fault;
	struct ena_eni eni;		/* the ENI's allowances (ena_eni.c) */
	struct ena_phc phc;		/* the PTP hardware clock (ena_phc.c) */
	struct ena_flow flow;		/* flow steering rules (ena_flow.c) */
	struct {
		uint64_t tx_frames, tx_bytes, tx_errors, tx_link_down, tx_comps,
			 tx_comps_dropped, tx_comps_delayed, tx_bad_desc, tx_tso_segs,
			 tx_csum_offload;
		uint64_t rx_frames, rx_bytes, rx_no_buf, rx_no_queue, rx_link_down,
			 rx_bad_desc, rx_too_big, rx_csum_bad, rx_flow_steered;
		uint64_t llq_burst_exceeded;	/* doorbells after more entries than allowed */
		uint64_t irqs, irqs_masked, irqs_lost;
		uint64_t chaos;			/* entries garbled */
	} m;

	uint8_t *llq_mem;
	uint32_t llq_size;
	/* LLQ configuration (set feature LLQ) */
	uint32_t llq_entry_size;	/* bytes: 128, 192 or 256 */
	uint32_t llq_descs_before_hdr;
	uint16_t llq_stride;		/* EIF_LLQ_STRIDE_* */
	uint16_t llq_accel;		/* EIF_LLQ_ACCEL_* the driver enabled */
	uint32_t llq_slot;		/* BAR2 bytes per TX queue (ena_llq_depth) */
};

/* ena_dev.c */
void ena_mgmt_irq(struct ena_dev *d);
void ena_fatal(struct ena_dev *d, const char *why);
bool ena_dma_read(struct ena_dev *d, uint64_t addr, void *buf, size_t len);
bool ena_dma_write(struct ena_dev *d, uint64_t addr, const void *buf, size_t len);
bool ena_dma_ok(struct ena_dev *d, uint64_t addr, uint64_t len, bool write);
/* writes buf, making byte flag_off (the phase/owner byte) visible last */
bool ena_dma_write_entry(struct ena_dev *d, uint64_t addr, const void *buf,
			 size_t len, size_t flag_off);
uint16_t ena_msix_count(const struct ena_dev *d);
/* the deepest LLQ with entries of this size that fits a queue's BAR2 slot */
uint32_t ena_llq_depth(const struct ena_dev *d, uint32_t entry_size);

/* ena_admin.c */
void ena_admin_reset(struct ena_dev *d);
void ena_admin_doorbell(struct ena_dev *d, uint32_t tail);
void ena_io_doorbell(struct ena_dev *d, uint32_t off, uint32_t val);
void ena_rss_defaults(struct ena_dev *d);

/* ena_io.c */
void ena_io_init(struct ena_dev *d);
void ena_io_fini(struct ena_dev *d);
void ena_io_reset(struct ena_dev *d);
void ena_io_sq_created(struct ena_dev *d, struct ena_io_sq *sq);
void ena_io_sq_destroyed(struct ena_dev *d, struct ena_io_sq *sq);
void ena_io_cq_created(struct ena_dev *d, struct ena_io_cq *cq);
void ena_io_sq_doorbell(struct ena_dev *d, struct ena_io_sq *sq, uint32_t tail);
void ena_io_unmask(struct ena_dev *d, struct ena_io_cq *cq, uint32_t val);
uint32_t ena_io_offload_tx(const struct ena_dev *d);

/* ena_fault.c: true if this event of the kind is to be spoiled (counts it) */
bool ena_fault_hit(struct ena_dev *d, enum ena_fault kind);
void ena_fault_reset(struct ena_dev *d);
/* chaos: maybe garble an entry about to be written to the guest */
void ena_chaos_entry(struct ena_dev *d, uint8_t *e, size_t len);

/* ena_aenq.c */
void ena_aenq_reset(struct ena_dev *d);
void ena_aenq_head_doorbell(struct ena_dev *d, uint32_t head);
void ena_aenq_config_changed(struct ena_dev *d, uint32_t old_enabled);
void ena_aenq_keepalive(void *opaque);
void ena_aenq_flush_pending(struct ena_dev *d);
const char *ena_aenq_group_name(unsigned int group);
bool ena_aenq_post(struct ena_dev *d, uint16_t group, uint16_t syndrome,
		   const void *data, size_t len);
void ena_fill_hints(const struct ena_dev *d, struct eif_f_hw_hints *h);

#endif

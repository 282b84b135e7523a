/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ENA hardware interface as seen from the device side.
 *
 * Written independently for this model from the interface facts (register
 * offsets, bit positions, opcodes, feature ids and wire layouts); names and
 * structure are this model's own.  Every wire structure is checked against
 * its expected size and key offsets at compile time, so a mismatch with the
 * driver's view shows up as a build failure rather than as a silent probe
 * failure in a guest.
 *
 * All multi-byte fields are little endian on the wire; the model only builds
 * on little-endian hosts (checked below).
 */
#ifndef ENA_IF_H
#define ENA_IF_H

#include <stddef.h>
#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the ENA model assumes a little-endian host"
#endif

#define EIF_BIT(n)		(1u << (n))

/* ------------------------------------------------------------------ */
/* PCI identity                                                        */
/* ------------------------------------------------------------------ */

#define EIF_PCI_VENDOR_AMAZON	0x1d0f
#define EIF_PCI_DEV_PF		0x0ec2
#define EIF_PCI_DEV_LLQ_PF	0x1ec2
#define EIF_PCI_DEV_VF		0xec20
#define EIF_PCI_DEV_LLQ_VF	0xec21
#define EIF_PCI_CLASS_ETHERNET	0x020000

/* PCI revision bit 0 set: the driver must not use readless register reads. */
#define EIF_PCI_REV_NO_READLESS	0x01

/* BAR numbers the driver maps. */
#define EIF_BAR_REGS		0
#define EIF_BAR_LLQ		2

/* ------------------------------------------------------------------ */
/* BAR0 register file                                                  */
/* ------------------------------------------------------------------ */

enum eif_reg {
	EIF_REG_VERSION		= 0x00,
	EIF_REG_CTRL_VERSION	= 0x04,
	EIF_REG_CAPS		= 0x08,
	EIF_REG_CAPS_EXT	= 0x0c,
	EIF_REG_AQ_BASE_LO	= 0x10,
	EIF_REG_AQ_BASE_HI	= 0x14,
	EIF_REG_AQ_CAPS		= 0x18,
	EIF_REG_ACQ_BASE_LO	= 0x20,
	EIF_REG_ACQ_BASE_HI	= 0x24,
	EIF_REG_ACQ_CAPS	= 0x28,
	EIF_REG_AQ_DB		= 0x2c,
	EIF_REG_ACQ_TAIL	= 0x30,
	EIF_REG_AENQ_CAPS	= 0x34,
	EIF_REG_AENQ_BASE_LO	= 0x38,
	EIF_REG_AENQ_BASE_HI	= 0x3c,
	EIF_REG_AENQ_HEAD_DB	= 0x40,
	EIF_REG_AENQ_TAIL	= 0x44,
	EIF_REG_INTR_MASK	= 0x4c,
	EIF_REG_DEV_CTL		= 0x54,
	EIF_REG_DEV_STS		= 0x58,
	EIF_REG_MMIO_REG_READ	= 0x5c,
	EIF_REG_MMIO_RESP_LO	= 0x60,
	EIF_REG_MMIO_RESP_HI	= 0x64,
	EIF_REG_RSS_IND_UPDATE	= 0x68,
	EIF_REG_PHC_DB		= 0x100,
};

/* VERSION: [7:0] minor, [15:8] major (of the ENA spec the device speaks) */
#define EIF_VERSION(maj, min)	(((uint32_t)(maj) << 8) | (uint32_t)(min))

/* CONTROLLER_VERSION: [7:0] subminor, [15:8] minor, [23:16] major, [31:24] impl */
#define EIF_CTRL_VERSION(impl, maj, min, sub) \
	(((uint32_t)(impl) << 24) | ((uint32_t)(maj) << 16) | \
	 ((uint32_t)(min) << 8) | (uint32_t)(sub))

/*
 * CAPS: bit 0 contiguous queue memory required, [5:1] reset timeout in
 * 100 ms units (0 is rejected by the driver), [15:8] DMA address width in
 * bits (32..48 accepted), [19:16] admin command timeout in 100 ms units
 * (0: driver default of 3 s).
 */
#define EIF_CAPS_CONTIG_QUEUES	EIF_BIT(0)
#define EIF_CAPS_RESET_TO(x)	(((uint32_t)(x) & 0x1f) << 1)
#define EIF_CAPS_DMA_WIDTH(x)	(((uint32_t)(x) & 0xff) << 8)
#define EIF_CAPS_ADMIN_TO(x)	(((uint32_t)(x) & 0xf) << 16)

/* AQ_CAPS / ACQ_CAPS / AENQ_CAPS: [15:0] depth in entries, [31:16] entry size */
#define EIF_QCAPS_DEPTH(v)	((v) & 0xffffu)
#define EIF_QCAPS_ESIZE(v)	(((v) >> 16) & 0xffffu)

/* DEV_CTL */
#define EIF_DEV_CTL_RESET		EIF_BIT(0)
#define EIF_DEV_CTL_AQ_RESTART		EIF_BIT(1)
#define EIF_DEV_CTL_QUIESCENT		EIF_BIT(2)
#define EIF_DEV_CTL_IO_RESUME		EIF_BIT(3)
#define EIF_DEV_CTL_REASON(v)		(((v) >> 28) & 0xfu)
/* the reason's high nibble, from a driver told the device takes it */
#define EIF_DEV_CTL_REASON_EXT(v)	(((v) >> 24) & 0xfu)

/* DEV_STS */
#define EIF_DEV_STS_READY		EIF_BIT(0)
#define EIF_DEV_STS_AQ_RESTART_BUSY	EIF_BIT(1)
#define EIF_DEV_STS_AQ_RESTART_DONE	EIF_BIT(2)
#define EIF_DEV_STS_RESET_BUSY		EIF_BIT(3)
#define EIF_DEV_STS_RESET_DONE		EIF_BIT(4)
#define EIF_DEV_STS_FATAL		EIF_BIT(5)
#define EIF_DEV_STS_QUIESCENT_BUSY	EIF_BIT(6)
#define EIF_DEV_STS_QUIESCENT_DONE	EIF_BIT(7)

/* INTR_MASK: bit 0 masks the management (admin/AENQ) interrupt */
#define EIF_INTR_MASK_MGMT		EIF_BIT(0)

/* MMIO_REG_READ: [15:0] request id, [31:16] register offset */
#define EIF_MMIO_READ_REQ_ID(v)		((uint16_t)((v) & 0xffffu))
#define EIF_MMIO_READ_OFF(v)		((uint16_t)((v) >> 16))

/* RSS_IND_ENTRY_UPDATE: [15:0] table index, [31:16] queue index */
#define EIF_RSS_UPD_INDEX(v)		((uint16_t)((v) & 0xffffu))
#define EIF_RSS_UPD_QUEUE(v)		((uint16_t)((v) >> 16))

/*
 * Reset reasons the driver writes into DEV_CTL: the low nibble in [31:28],
 * the high one in [27:24] where the device offers EIF_CAP_EXT_RESET_REASONS
 * (for logging and counting).
 */
#define EIF_RESET_REASON_NAMES { \
	"normal", "keep-alive timeout", "admin timeout", "missing tx completion", \
	"invalid rx req id", "invalid tx req id", "too many rx descs", \
	"init error", "driver invalid state", "os trigger", "netdev watchdog", \
	"shutdown", "user trigger", "generic", "missing interrupt", \
	"suspected poll starvation", "rx descriptor malformed", \
	"tx descriptor malformed", "missing admin interrupt", "device request", \
	"missing first interrupt" }

/* IO CQ interrupt unmask register: rx delay [14:0], tx delay [29:15], unmask bit 30 */
#define EIF_INTR_REG_RX_DELAY(v)	((v) & 0x7fffu)
#define EIF_INTR_REG_TX_DELAY(v)	(((v) >> 15) & 0x7fffu)
#define EIF_INTR_REG_UNMASK		EIF_BIT(30)

/* ------------------------------------------------------------------ */
/* Admin queue: opcodes, statuses, feature ids                         */
/* ------------------------------------------------------------------ */

enum eif_opcode {
	EIF_OP_CREATE_SQ	= 1,
	EIF_OP_DESTROY_SQ	= 2,
	EIF_OP_CREATE_CQ	= 3,
	EIF_OP_DESTROY_CQ	= 4,
	EIF_OP_GET_FEATURE	= 8,
	EIF_OP_SET_FEATURE	= 9,
	EIF_OP_GET_STATS	= 11,
};

enum eif_status {
	EIF_ST_SUCCESS		= 0,
	EIF_ST_NO_RESOURCES	= 1,
	EIF_ST_BAD_OPCODE	= 2,
	EIF_ST_UNSUPPORTED	= 3,
	EIF_ST_MALFORMED	= 4,
	EIF_ST_ILLEGAL_PARAM	= 5,
	EIF_ST_UNKNOWN_ERROR	= 6,
	EIF_ST_BUSY		= 7,
};

enum eif_feature {
	EIF_FEAT_DEVICE_ATTRIBUTES	= 1,
	EIF_FEAT_MAX_QUEUES_NUM		= 2,
	EIF_FEAT_HW_HINTS		= 3,
	EIF_FEAT_LLQ			= 4,
	EIF_FEAT_EXTRA_PROPS_STRINGS	= 5,
	EIF_FEAT_EXTRA_PROPS_FLAGS	= 6,
	EIF_FEAT_MAX_QUEUES_EXT		= 7,
	EIF_FEAT_FRAG_BYPASS		= 8,
	EIF_FEAT_RSS_HASH_FUNCTION	= 10,
	EIF_FEAT_STATELESS_OFFLOAD	= 11,
	EIF_FEAT_RSS_INDIRECTION_TABLE	= 12,
	EIF_FEAT_MTU			= 14,
	EIF_FEAT_RSS_HASH_INPUT		= 18,
	EIF_FEAT_INTERRUPT_MODERATION	= 20,
	EIF_FEAT_AENQ_CONFIG		= 26,
	EIF_FEAT_LINK_CONFIG		= 27,
	EIF_FEAT_HOST_ATTR_CONFIG	= 28,
	EIF_FEAT_PHC_CONFIG		= 29,
	EIF_FEAT_FLOW_STEERING		= 30,
	EIF_FEAT_ID_LIMIT		= 32,	/* feature ids are < 32 (bitmap) */
};

/* device capability bits (device attributes "capabilities") */
enum eif_capability {
	EIF_CAP_ENI_STATS		= 0,
	EIF_CAP_ENA_SRD_INFO		= 1,
	EIF_CAP_CUSTOMER_METRICS	= 2,
	EIF_CAP_EXT_RESET_REASONS	= 3,	/* DEV_CTL[27:24]: reason >> 4 */
};

/* get statistics types / scopes */
enum eif_stats_type {
	EIF_STATS_BASIC			= 0,
	EIF_STATS_EXTENDED		= 1,
	EIF_STATS_ENI			= 2,
	EIF_STATS_ENA_SRD		= 3,
	EIF_STATS_CUSTOMER_METRICS	= 4,
};

enum eif_stats_scope {
	EIF_SCOPE_QUEUE			= 0,
	EIF_SCOPE_ETH			= 1,
};

/* number of customer metrics the interface defines (bitmap width) */
#define EIF_CUSTOMER_METRICS_NUM	6

/* SQ direction (create/destroy SQ identity [7:5]) */
enum eif_sq_dir {
	EIF_DIR_TX = 1,
	EIF_DIR_RX = 2,
};
#define EIF_SQ_IDENTITY_DIR(b)		(((b) >> 5) & 0x7u)
#define EIF_SQ_IDENTITY(dir)		((uint8_t)(((dir) & 0x7u) << 5))

/* create SQ caps_2: [3:0] placement policy, [6:4] completion policy */
#define EIF_SQ_PLACEMENT(b)		((b) & 0xfu)
#define EIF_SQ_COMPLETION(b)		(((b) >> 4) & 0x7u)
#define EIF_PLACEMENT_HOST		1
#define EIF_PLACEMENT_DEV		3	/* LLQ */
#define EIF_COMPLETION_DESC		0
#define EIF_COMPLETION_DESC_ON_DEMAND	1
#define EIF_COMPLETION_HEAD_ON_DEMAND	2
#define EIF_COMPLETION_HEAD		3
/* create SQ caps_3: bit 0 physically contiguous ring */
#define EIF_SQ_CONTIGUOUS		EIF_BIT(0)

/* create CQ caps_1 bit 5: interrupt mode; caps_2 [4:0]: entry size in dwords */
#define EIF_CQ_INTR_MODE		EIF_BIT(5)
#define EIF_MSIX_NONE			0xffffffffu	/* CREATE_CQ msix_vector: no vector */
#define EIF_CQ_ENTRY_DWORDS(b)		((b) & 0x1fu)

/* AQ entry flags */
#define EIF_AQ_FLAG_PHASE		EIF_BIT(0)
#define EIF_AQ_FLAG_CTRL_DATA		EIF_BIT(1)
#define EIF_AQ_FLAG_CTRL_INDIRECT	EIF_BIT(2)
#define EIF_AQ_CMD_ID(v)		((v) & 0x0fffu)

/* ACQ / AENQ entry flags */
#define EIF_CQE_FLAG_PHASE		EIF_BIT(0)

/* get/set feature "select" field (flags[1:0]) */
#define EIF_FEAT_SELECT(b)		((b) & 0x3u)

/* AENQ groups and syndromes */
enum eif_aenq_group {
	EIF_AENQ_LINK_CHANGE	= 0,
	EIF_AENQ_FATAL_ERROR	= 1,
	EIF_AENQ_WARNING	= 2,
	EIF_AENQ_NOTIFICATION	= 3,
	EIF_AENQ_KEEP_ALIVE	= 4,
	EIF_AENQ_REFRESH_CAPS	= 5,	/* re-read the capabilities (reset) */
	EIF_AENQ_CONF_NOTIFY	= 6,	/* bitmap of sub-optimal settings */
	EIF_AENQ_RESET_REQUEST	= 7,	/* the device asks to be reset */
	EIF_AENQ_GROUPS		= 8,
};
#define EIF_AENQ_ALL_GROUPS	((1u << EIF_AENQ_GROUPS) - 1)
#define EIF_AENQ_SYN_UPDATE_HINTS	2
#define EIF_AENQ_LINK_UP		EIF_BIT(0)

/* stateless offload bits */
#define EIF_OFF_TX_L3_CSUM_IPV4		EIF_BIT(0)
#define EIF_OFF_TX_L4_IPV4_PART		EIF_BIT(1)
#define EIF_OFF_TX_L4_IPV4_FULL		EIF_BIT(2)
#define EIF_OFF_TX_L4_IPV6_PART		EIF_BIT(3)
#define EIF_OFF_TX_L4_IPV6_FULL		EIF_BIT(4)
#define EIF_OFF_TX_TSO_IPV4		EIF_BIT(5)
#define EIF_OFF_TX_TSO_IPV6		EIF_BIT(6)
#define EIF_OFF_TX_TSO_ECN		EIF_BIT(7)
#define EIF_OFF_RX_L3_CSUM_IPV4		EIF_BIT(0)
#define EIF_OFF_RX_L4_IPV4_CSUM		EIF_BIT(1)
#define EIF_OFF_RX_L4_IPV6_CSUM		EIF_BIT(2)
#define EIF_OFF_RX_HASH			EIF_BIT(3)

/* link config flags / speed bits */
#define EIF_LINK_AUTONEG		EIF_BIT(0)
#define EIF_LINK_FULL_DUPLEX		EIF_BIT(1)

/* RSS */
enum eif_hash_func {
	EIF_HASH_TOEPLITZ	= 1,
	EIF_HASH_CRC32		= 2,
};
#define EIF_RSS_KEY_DWORDS		10
#define EIF_RSS_PROTOS			16	/* entries in the hash control arrays */
#define EIF_RSS_PROTOS_DEFINED		10	/* tcp4 udp4 tcp6 udp6 ip4 ip6 ip4frag non-ip tcp6ex ip6ex */
enum eif_rss_proto {
	EIF_RSS_TCP4 = 0, EIF_RSS_UDP4, EIF_RSS_TCP6, EIF_RSS_UDP6,
	EIF_RSS_IP4, EIF_RSS_IP6, EIF_RSS_IP4_FRAG, EIF_RSS_NOT_IP,
	EIF_RSS_TCP6_EX, EIF_RSS_IP6_EX,
};
#define EIF_RSS_F_L2_DA			EIF_BIT(0)
#define EIF_RSS_F_L2_SA			EIF_BIT(1)
#define EIF_RSS_F_L3_DA			EIF_BIT(2)
#define EIF_RSS_F_L3_SA			EIF_BIT(3)
#define EIF_RSS_F_L4_DP			EIF_BIT(4)
#define EIF_RSS_F_L4_SP			EIF_BIT(5)
#define EIF_RSS_SORT_L3			EIF_BIT(1)
#define EIF_RSS_SORT_L4			EIF_BIT(2)
#define EIF_RSS_INLINE_INDEX_NONE	0xffffffffu

/* LLQ feature fields (bitmaps of these values in the "supported" fields) */
#define EIF_LLQ_HEADER_INLINE		1
#define EIF_LLQ_ENTRY_128		1
#define EIF_LLQ_ENTRY_192		2
#define EIF_LLQ_ENTRY_256		4
#define EIF_LLQ_DESCS_BEFORE_HDR_ALL	(1u | 2u | 4u | 8u)	/* values 1, 2, 4, 8 */
#define EIF_LLQ_STRIDE_SINGLE		1
#define EIF_LLQ_STRIDE_MULTI		2

/* feature versions this model implements */
#define EIF_MAX_QUEUES_EXT_VERSION	1
#define EIF_LLQ_VERSION			1	/* 1 adds the recommended entry size
						 * and the wide-entry depth */

/* ------------------------------------------------------------------ */
/* Wire structures                                                     */
/* ------------------------------------------------------------------ */

/* 48-bit guest address as used in admin commands */
struct eif_addr48 {
	uint32_t lo;
	uint16_t hi;
	uint16_t mbz;
};

static inline uint64_t eif_addr48_get(const struct eif_addr48 *a)
{
	return ((uint64_t)a->hi << 32) | a->lo;
}

/* control buffer descriptor carried by some commands at byte 4 */
struct eif_ctrl_buf {
	uint32_t length;
	struct eif_addr48 addr;
};

/* --- admin submission entry (64 bytes) --- */

struct eif_aq_hdr {
	uint16_t cmd_id;	/* [11:0] */
	uint8_t opcode;
	uint8_t flags;		/* EIF_AQ_FLAG_* */
};

struct eif_feat_hdr {
	uint8_t flags;		/* [1:0] select */
	uint8_t feature_id;
	uint8_t version;
	uint8_t rsvd;
};

struct eif_cmd_feature {
	struct eif_ctrl_buf cb;
	struct eif_feat_hdr feat;
	uint32_t data[11];
};

struct eif_cmd_create_sq {
	uint8_t identity;	/* [7:5] direction */
	uint8_t rsvd0;
	uint8_t caps2;		/* placement / completion policy */
	uint8_t caps3;		/* contiguous */
	uint16_t cq_idx;
	uint16_t depth;
	struct eif_addr48 ring;
	struct eif_addr48 head_wb;
	uint32_t rsvd1[2];
};

struct eif_cmd_destroy_sq {
	uint16_t sq_idx;
	uint8_t identity;
	uint8_t rsvd;
};

struct eif_cmd_create_cq {
	uint8_t caps1;		/* bit 5 interrupt mode */
	uint8_t caps2;		/* [4:0] entry size in dwords */
	uint16_t depth;
	uint32_t msix_vector;
	struct eif_addr48 ring;
};

struct eif_cmd_destroy_cq {
	uint16_t cq_idx;
	uint16_t rsvd;
};

struct eif_cmd_get_stats {
	struct eif_ctrl_buf cb;
	uint8_t type;
	uint8_t scope;
	uint16_t rsvd;
	uint16_t queue_idx;
	uint16_t device_id;	/* 0xffff: this function */
	/* a 64-bit bitmap at byte 24 of the entry; split to keep the entry 4-aligned */
	uint32_t requested_metrics_lo;
	uint32_t requested_metrics_hi;
};

struct eif_aq_entry {
	struct eif_aq_hdr hdr;
	union {
		uint8_t raw[60];
		struct eif_cmd_feature feature;
		struct eif_cmd_create_sq create_sq;
		struct eif_cmd_destroy_sq destroy_sq;
		struct eif_cmd_create_cq create_cq;
		struct eif_cmd_destroy_cq destroy_cq;
		struct eif_cmd_get_stats stats;
	} u;
};

/* --- feature payloads (both directions) --- */

struct eif_f_dev_attr {
	uint32_t impl_id;
	uint32_t device_version;
	uint32_t supported_features;	/* bitmap of feature ids */
	uint32_t capabilities;		/* bitmap of eif_capability */
	uint32_t phys_addr_width;
	uint32_t virt_addr_width;
	uint8_t mac[6];
	uint16_t flow_steering_max_entries;	/* rules feature 30 can hold */
	uint32_t max_mtu;
};

struct eif_f_max_queues_ext {
	uint8_t version;
	uint8_t rsvd[3];
	uint32_t max_tx_sq_num;
	uint32_t max_tx_cq_num;
	uint32_t max_rx_sq_num;
	uint32_t max_rx_cq_num;
	uint32_t max_tx_sq_depth;
	uint32_t max_tx_cq_depth;
	uint32_t max_rx_sq_depth;
	uint32_t max_rx_cq_depth;
	uint32_t max_tx_header_size;
	uint16_t max_tx_descs_per_pkt;
	uint16_t max_rx_descs_per_pkt;
};

struct eif_f_max_queues {
	uint32_t max_sq_num;
	uint32_t max_sq_depth;
	uint32_t max_cq_num;
	uint32_t max_cq_depth;
	uint32_t max_legacy_llq_num;
	uint32_t max_legacy_llq_depth;
	uint32_t max_header_size;
	uint16_t max_tx_descs_per_pkt;
	uint16_t max_rx_descs_per_pkt;
};

struct eif_f_hw_hints {
	uint16_t mmio_read_timeout_ms;
	uint16_t driver_watchdog_timeout_ms;
	uint16_t missing_tx_completion_timeout_ms;
	uint16_t missed_tx_completion_threshold;
	uint16_t admin_completion_timeout_ms;
	uint16_t netdev_wd_timeout_ms;
	uint16_t max_tx_sgl_size;
	uint16_t max_rx_sgl_size;
	uint16_t rsvd[8];
};

/* LLQ accelerated mode: what the device requires of a driver using it */
#define EIF_LLQ_ACCEL_NO_META_CACHING	EIF_BIT(0)	/* a meta descriptor per packet */
#define EIF_LLQ_ACCEL_TX_BURST		EIF_BIT(1)	/* at most accel_max_tx_burst bytes
							 * of entries per doorbell */

struct eif_f_llq {
	uint32_t max_llq_num;
	uint32_t max_llq_depth;
	uint16_t header_location_supported;
	uint16_t header_location_enabled;
	uint16_t entry_size_supported;
	uint16_t entry_size_enabled;
	uint16_t descs_before_header_supported;
	uint16_t descs_before_header_enabled;
	uint16_t stride_supported;
	uint16_t stride_enabled;
	/* version 1 (answered when the driver asks for it) */
	uint8_t version;
	uint8_t entry_size_recommended;	/* an EIF_LLQ_ENTRY_* value */
	uint16_t max_wide_depth;	/* depth with 256-byte entries, 0: not stated */
	uint16_t accel_flags;		/* EIF_LLQ_ACCEL_*; get: supported, set: enabled */
	uint16_t accel_max_tx_burst;	/* get only */
	uint32_t accel_rsvd;
};

struct eif_f_aenq {
	uint32_t supported_groups;
	uint32_t enabled_groups;
};

struct eif_f_link {
	uint32_t speed_mbps;
	uint32_t supported;		/* link speed bitmap */
	uint32_t flags;			/* autoneg / full duplex */
};

struct eif_f_offload {
	uint32_t tx;
	uint32_t rx_supported;
	uint32_t rx_enabled;
};

struct eif_f_hash_func {
	uint32_t supported;		/* bitmap of (1 << eif_hash_func) */
	uint32_t selected;
	uint32_t init_val;
};

struct eif_f_hash_input {
	uint16_t supported_sort;
	uint16_t enabled_sort;
};

struct eif_f_ind_table {
	uint16_t min_log;
	uint16_t max_log;
	uint16_t log_size;
	uint16_t rsvd;
	uint32_t inline_index;
	uint16_t inline_queue;
	uint16_t inline_rsvd;
};

struct eif_f_intr_moder {
	uint16_t delay_resolution_us;
	uint16_t rsvd;
};

struct eif_f_mtu {
	uint32_t mtu;			/* without L2 header */
};

struct eif_f_host_attr {
	struct eif_addr48 os_info;	/* 4 KiB host info page */
	struct eif_addr48 debug_area;
	uint32_t debug_area_size;
};

/* --- admin completion entry (64 bytes) --- */

struct eif_acq_hdr {
	uint16_t cmd_id;	/* [11:0] */
	uint8_t status;
	uint8_t flags;		/* bit 0 phase */
	uint16_t ext_status;
	uint16_t sq_head;
};

struct eif_resp_create_sq {
	uint16_t sq_idx;
	uint16_t rsvd;
	uint32_t db_offset;
	uint32_t llq_desc_offset;
	uint32_t llq_hdr_offset;
};

struct eif_resp_create_cq {
	uint16_t cq_idx;
	uint16_t actual_depth;
	uint32_t numa_reg_offset;
	uint32_t head_db_offset;
	uint32_t unmask_offset;
};

struct eif_basic_stats {
	uint32_t tx_bytes_lo, tx_bytes_hi;
	uint32_t tx_pkts_lo, tx_pkts_hi;
	uint32_t rx_bytes_lo, rx_bytes_hi;
	uint32_t rx_pkts_lo, rx_pkts_hi;
	uint32_t rx_drops_lo, rx_drops_hi;
	uint32_t tx_drops_lo, tx_drops_hi;
	uint32_t rx_overruns_lo, rx_overruns_hi;
};

struct eif_eni_stats {
	uint64_t bw_in_allowance_exceeded;
	uint64_t bw_out_allowance_exceeded;
	uint64_t pps_allowance_exceeded;
	uint64_t conntrack_allowance_exceeded;
	uint64_t linklocal_allowance_exceeded;
};

struct eif_srd_info {
	uint64_t flags;
	uint64_t tx_pkts;
	uint64_t eligible_tx_pkts;
	uint64_t rx_pkts;
	uint64_t resource_utilization;
};

/* --- extra properties (features 5 and 6) --- */

/* GET 5 writes this many 32-byte, NUL-padded names into the control
 * buffer and answers their count; GET 6 answers a flag word, bit N being
 * property N's value */
#define EIF_EXTRA_PROPS_MAX		32
#define EIF_EXTRA_PROPS_NAME_LEN	32

/* --- PHC (feature 29): the clock read through a doorbell --- */

/* the GET answer's version: readless, with an error bound */
#define EIF_PHC_VERSION_0		0
/* the doorbell carries the request id in bits 15:0 */
#define EIF_PHC_DB_REQ_ID(v)		((v) & 0xffffu)
/* error flags in the response */
#define EIF_PHC_ERR_TIMESTAMP		EIF_BIT(0)
#define EIF_PHC_ERR_BOUND		EIF_BIT(1)

/* GET answers the first four fields, SET gives the last two */
struct eif_f_phc {
	uint8_t version;
	uint8_t rsvd[3];
	uint32_t doorbell_offset;	/* in BAR0 */
	uint32_t expire_timeout_us;	/* a read not answered by then failed */
	uint32_t block_timeout_us;	/* ... and reads wait this long after one */
	struct eif_addr48 output;	/* where the device writes eif_phc_resp */
	uint32_t output_length;
};

/* written by the device for each doorbell, req_id last */
struct eif_phc_resp {
	uint16_t req_id;		/* the doorbell's */
	uint8_t rsvd1[6];
	uint64_t timestamp_ns;
	uint8_t rsvd2[8];
	uint32_t error_bound_ns;
	uint32_t error_flags;		/* EIF_PHC_ERR_* */
	uint8_t rsvd3[32];
};

/* --- fragment bypass (feature 8): SET only --- */

struct eif_f_frag_bypass {
	uint8_t enable;			/* 1: egress fragments skip their pps limit */
	uint8_t rsvd[3];
};

/* --- flow steering (feature 30): SET only, the rule in a control buffer --- */

enum eif_flow_action {
	EIF_FLOW_ADD		= 1,
	EIF_FLOW_REMOVE		= 2,
	EIF_FLOW_REMOVE_ALL	= 3,
};

enum eif_flow_type {
	EIF_FLOW_IPV4		= 1,	/* any IPv4 */
	EIF_FLOW_IPV6		= 2,
	EIF_FLOW_IPV4_TCP	= 3,
	EIF_FLOW_IPV6_TCP	= 4,
	EIF_FLOW_IPV4_UDP	= 5,
	EIF_FLOW_IPV6_UDP	= 6,
	EIF_FLOW_TYPES		= 7,
};

/* ADD with this location: the device picks a free one and answers it */
#define EIF_FLOW_ANY_LOCATION		0xffffu

struct eif_f_flow_steering {
	uint8_t action;			/* eif_flow_action */
	uint8_t type;			/* eif_flow_type */
	uint16_t rx_queue;		/* the RX queue (its SQ index) frames go to */
	uint16_t location;		/* the rule's slot, or EIF_FLOW_ANY_LOCATION */
	uint16_t rsvd;
	uint32_t flags;
};

/*
 * The rule (ADD's control buffer). Addresses and ports are in network
 * byte order as they appear in the frame (an IPv4 address in the first 4
 * bytes); a frame matches where (field & mask) == (rule & mask).
 */
struct eif_flow_rule {
	uint8_t dst_ip[16], dst_ip_mask[16];
	uint8_t src_ip[16], src_ip_mask[16];
	uint8_t dst_port[2], dst_port_mask[2];
	uint8_t src_port[2], src_port_mask[2];
	uint8_t tos, tos_mask;
	uint8_t rsvd[54];
};

struct eif_acq_entry {
	struct eif_acq_hdr hdr;
	union {
		uint32_t raw[14];
		uint64_t raw64[7];
		struct eif_resp_create_sq create_sq;
		struct eif_resp_create_cq create_cq;
		struct eif_basic_stats basic;
		struct eif_eni_stats eni;
		struct eif_srd_info srd;
		uint64_t reported_metrics;
		struct eif_f_dev_attr dev_attr;
		struct eif_f_max_queues_ext max_queues_ext;
		struct eif_f_max_queues max_queues;
		struct eif_f_hw_hints hints;
		struct eif_f_llq llq;
		struct eif_f_aenq aenq;
		struct eif_f_link link;
		struct eif_f_offload offload;
		struct eif_f_hash_func hash_func;
		struct eif_f_hash_input hash_input;
		struct eif_f_ind_table ind_table;
		struct eif_f_intr_moder intr_moder;
		struct eif_f_phc phc;
		uint16_t flow_location;		/* SET flow steering ADD: the rule's slot */
	} u;
};

/* --- AENQ entry (64 bytes) --- */

struct eif_aenq_hdr {
	uint16_t group;
	uint16_t syndrome;
	uint8_t flags;		/* bit 0 phase */
	uint8_t rsvd[3];
	uint32_t ts_lo;
	uint32_t ts_hi;
};

struct eif_aenq_keep_alive {
	uint32_t rx_drops_lo, rx_drops_hi;
	uint32_t tx_drops_lo, tx_drops_hi;
	uint32_t rx_overruns_lo, rx_overruns_hi;
};

struct eif_aenq_entry {
	struct eif_aenq_hdr hdr;
	union {
		uint32_t raw[12];
		uint32_t link_flags;		/* bit 0 link up */
		struct eif_aenq_keep_alive keep_alive;
		struct eif_f_hw_hints hints;	/* notification / update hints */
		uint64_t conf_notifications;	/* configuration notification */
	} u;
};

/* --- readless register read response (8 bytes) --- */

struct eif_mmio_resp {
	uint16_t req_id;
	uint16_t reg_off;
	uint32_t value;
};

/* --- control buffer payloads --- */

struct eif_rss_key_buf {
	uint32_t key_parts;
	uint32_t rsvd;
	uint32_t key[EIF_RSS_KEY_DWORDS];
};

struct eif_rss_field {
	uint16_t fields;
	uint16_t rsvd;
};

struct eif_rss_hash_ctrl_buf {
	struct eif_rss_field supported[EIF_RSS_PROTOS];
	struct eif_rss_field selected[EIF_RSS_PROTOS];
	struct eif_rss_field rsvd2[EIF_RSS_PROTOS];
	struct eif_rss_field rsvd3[EIF_RSS_PROTOS];
};

struct eif_rss_ind_entry {
	uint16_t queue;		/* an RX SQ index as returned by create SQ */
	uint16_t rsvd;
};

/* --- host info page written by the driver (first bytes of 4 KiB) --- */

struct eif_host_info {
	uint32_t os_type;
	uint8_t os_dist_str[128];
	uint32_t os_dist;
	uint8_t kernel_ver_str[32];
	uint32_t kernel_ver;
	uint32_t driver_version;	/* [7:0] major [15:8] minor [23:16] sub [31:24] type */
	uint32_t net_features[2];
	uint16_t ena_spec_version;
	uint16_t bdf;
	uint16_t num_cpus;
	uint16_t rsvd;
	uint32_t driver_features;	/* EIF_HOST_F_* */
};
/* host info driver features the device acts on */
#define EIF_HOST_F_RX_OFFSET		EIF_BIT(1)	/* RX completions may name an offset */

/* ------------------------------------------------------------------ */
/* Layout checks                                                       */
/* ------------------------------------------------------------------ */

#define EIF_CHECK_SIZE(t, n) \
	_Static_assert(sizeof(t) == (n), "ENA wire layout: sizeof(" #t ") != " #n)
#define EIF_CHECK_OFF(t, m, n) \
	_Static_assert(offsetof(t, m) == (n), "ENA wire layout: " #t "." #m " not at " #n)

EIF_CHECK_SIZE(struct eif_addr48, 8);
EIF_CHECK_SIZE(struct eif_ctrl_buf, 12);
EIF_CHECK_SIZE(struct eif_aq_entry, 64);
EIF_CHECK_SIZE(struct eif_acq_entry, 64);
EIF_CHECK_SIZE(struct eif_aenq_entry, 64);
EIF_CHECK_SIZE(struct eif_mmio_resp, 8);
EIF_CHECK_SIZE(struct eif_f_dev_attr, 36);
EIF_CHECK_SIZE(struct eif_f_max_queues_ext, 44);
EIF_CHECK_SIZE(struct eif_f_max_queues, 32);
EIF_CHECK_SIZE(struct eif_f_hw_hints, 32);
EIF_CHECK_SIZE(struct eif_f_llq, 36);
EIF_CHECK_SIZE(struct eif_f_ind_table, 16);
EIF_CHECK_SIZE(struct eif_f_host_attr, 20);
EIF_CHECK_SIZE(struct eif_basic_stats, 56);
EIF_CHECK_SIZE(struct eif_aenq_keep_alive, 24);
EIF_CHECK_SIZE(struct eif_eni_stats, 40);
EIF_CHECK_SIZE(struct eif_srd_info, 40);
EIF_CHECK_SIZE(struct eif_rss_key_buf, 48);
EIF_CHECK_SIZE(struct eif_rss_hash_ctrl_buf, 256);
EIF_CHECK_SIZE(struct eif_rss_ind_entry, 4);
EIF_CHECK_SIZE(struct eif_host_info, 196);
EIF_CHECK_SIZE(struct eif_cmd_get_stats, 28);
EIF_CHECK_SIZE(struct eif_f_phc, 28);
EIF_CHECK_SIZE(struct eif_phc_resp, 64);
EIF_CHECK_SIZE(struct eif_f_flow_steering, 12);
EIF_CHECK_SIZE(struct eif_flow_rule, 128);	/* + 4-byte entry header = 32 */

EIF_CHECK_OFF(struct eif_aq_entry, u, 4);
EIF_CHECK_OFF(struct eif_aq_entry, u.feature.feat, 16);
EIF_CHECK_OFF(struct eif_aq_entry, u.feature.feat.feature_id, 17);
EIF_CHECK_OFF(struct eif_aq_entry, u.feature.data, 20);
EIF_CHECK_OFF(struct eif_aq_entry, u.create_sq.cq_idx, 8);
EIF_CHECK_OFF(struct eif_aq_entry, u.create_sq.depth, 10);
EIF_CHECK_OFF(struct eif_aq_entry, u.create_sq.ring, 12);
EIF_CHECK_OFF(struct eif_aq_entry, u.create_cq.msix_vector, 8);
EIF_CHECK_OFF(struct eif_aq_entry, u.create_cq.ring, 12);
EIF_CHECK_OFF(struct eif_aq_entry, u.stats.type, 16);
EIF_CHECK_OFF(struct eif_aq_entry, u.stats.queue_idx, 20);
EIF_CHECK_OFF(struct eif_aq_entry, u.stats.device_id, 22);
EIF_CHECK_OFF(struct eif_aq_entry, u.stats.requested_metrics_lo, 24);
EIF_CHECK_OFF(struct eif_acq_entry, u, 8);
EIF_CHECK_OFF(struct eif_acq_entry, u.dev_attr.mac, 32);
EIF_CHECK_OFF(struct eif_acq_entry, u.dev_attr.flow_steering_max_entries, 38);
EIF_CHECK_OFF(struct eif_acq_entry, u.dev_attr.max_mtu, 40);
EIF_CHECK_OFF(struct eif_acq_entry, u.llq.version, 32);
EIF_CHECK_OFF(struct eif_acq_entry, u.llq.max_wide_depth, 34);
EIF_CHECK_OFF(struct eif_flow_rule, dst_port, 64);
EIF_CHECK_OFF(struct eif_flow_rule, tos, 72);
EIF_CHECK_OFF(struct eif_acq_entry, u.max_queues_ext.max_tx_header_size, 44);
EIF_CHECK_OFF(struct eif_acq_entry, u.max_queues_ext.max_rx_descs_per_pkt, 50);
EIF_CHECK_OFF(struct eif_acq_entry, u.create_cq.unmask_offset, 20);
EIF_CHECK_OFF(struct eif_acq_entry, u.create_sq.db_offset, 12);
EIF_CHECK_OFF(struct eif_aenq_entry, u, 16);
EIF_CHECK_OFF(struct eif_phc_resp, timestamp_ns, 8);
EIF_CHECK_OFF(struct eif_phc_resp, error_bound_ns, 24);
EIF_CHECK_OFF(struct eif_phc_resp, error_flags, 28);
EIF_CHECK_OFF(struct eif_aq_entry, u.feature.data[4], 36);	/* PHC output address */
EIF_CHECK_OFF(struct eif_host_info, kernel_ver_str, 136);
EIF_CHECK_OFF(struct eif_host_info, driver_version, 172);
EIF_CHECK_OFF(struct eif_host_info, driver_features, 192);

/* ------------------------------------------------------------------ */
/* IO queues: descriptors and completions                              */
/* ------------------------------------------------------------------ */

/* L3/L4 protocol indexes used in TX descriptors and RX completions */
#define EIF_L3_UNKNOWN		0
#define EIF_L3_IPV4		8
#define EIF_L3_IPV6		11
#define EIF_L4_UNKNOWN		0
#define EIF_L4_TCP		12
#define EIF_L4_UDP		13

/* TX descriptor (16 bytes), word 0 "len_ctrl" */
#define EIF_TX_LEN(w)			((w) & 0xffffu)
#define EIF_TX_REQ_ID_HI(w)		(((w) >> 16) & 0x3fu)	/* req_id[15:10] */
#define EIF_TX_META			EIF_BIT(23)
#define EIF_TX_PHASE			EIF_BIT(24)
#define EIF_TX_FIRST			EIF_BIT(26)
#define EIF_TX_LAST			EIF_BIT(27)
#define EIF_TX_COMP_REQ			EIF_BIT(28)
/* word 1 "meta_ctrl" of a buffer descriptor */
#define EIF_TX_L3_PROTO(w)		((w) & 0xfu)
#define EIF_TX_DF			EIF_BIT(4)
#define EIF_TX_TSO_EN			EIF_BIT(7)
#define EIF_TX_L4_PROTO(w)		(((w) >> 8) & 0x1fu)
#define EIF_TX_L3_CSUM_EN		EIF_BIT(13)
#define EIF_TX_L4_CSUM_EN		EIF_BIT(14)
#define EIF_TX_FCS_DIS			EIF_BIT(15)
#define EIF_TX_L4_CSUM_PARTIAL		EIF_BIT(17)
#define EIF_TX_REQ_ID_LO(w)		(((w) >> 22) & 0x3ffu)	/* req_id[9:0] */
/* word 3: [15:0] address bits 47:32, [31:24] header length */
#define EIF_TX_ADDR_HI(w)		((w) & 0xffffu)
#define EIF_TX_HDR_LEN(w)		(((w) >> 24) & 0xffu)

/* TX meta descriptor: word 0 */
#define EIF_TXM_REQ_ID_LO(w)		((w) & 0x3ffu)
#define EIF_TXM_EXT_VALID		EIF_BIT(14)
#define EIF_TXM_MSS_HI(w)		(((w) >> 16) & 0xfu)	/* mss[13:10] */
#define EIF_TXM_ETH_META_TYPE		EIF_BIT(20)
#define EIF_TXM_META_STORE		EIF_BIT(21)
/* word 2 */
#define EIF_TXM_L3_HDR_LEN(w)		((w) & 0xffu)
#define EIF_TXM_L3_HDR_OFF(w)		(((w) >> 8) & 0xffu)
#define EIF_TXM_L4_HDR_WORDS(w)		(((w) >> 16) & 0x3fu)
#define EIF_TXM_MSS_LO(w)		(((w) >> 22) & 0x3ffu)	/* mss[9:0] */

struct eif_tx_desc {
	uint32_t len_ctrl;
	uint32_t meta_ctrl;	/* word 1 of a meta descriptor: req_id[15:10] in [5:0] */
	uint32_t addr_lo;	/* word 2 of a meta descriptor: offsets and mss */
	uint32_t addr_hi_hdr;
};

/* TX completion (8 bytes) */
struct eif_tx_cdesc {
	uint16_t req_id;
	uint8_t status;
	uint8_t flags;		/* bit 0 phase */
	uint16_t sub_qid;
	uint16_t sq_head;
};

/* RX descriptor (16 bytes): ctrl bits */
#define EIF_RX_CTRL_PHASE		EIF_BIT(0)
#define EIF_RX_CTRL_FIRST		EIF_BIT(2)
#define EIF_RX_CTRL_LAST		EIF_BIT(3)
#define EIF_RX_CTRL_COMP_REQ		EIF_BIT(4)

struct eif_rx_desc {
	uint16_t length;	/* 0 means 64 KiB */
	uint8_t rsvd2;
	uint8_t ctrl;
	uint16_t req_id;
	uint16_t rsvd6;
	uint32_t addr_lo;
	uint16_t addr_hi;
	uint16_t rsvd14;
};

/* RX completion (16 bytes; 32 with the extended layout) status bits */
#define EIF_RXC_L3_PROTO(p)		((uint32_t)(p) & 0x1fu)
#define EIF_RXC_L4_PROTO(p)		(((uint32_t)(p) & 0x1fu) << 8)
#define EIF_RXC_L3_CSUM_ERR		EIF_BIT(13)
#define EIF_RXC_L4_CSUM_ERR		EIF_BIT(14)
#define EIF_RXC_IPV4_FRAG		EIF_BIT(15)
#define EIF_RXC_L4_CSUM_CHECKED		EIF_BIT(16)
#define EIF_RXC_PHASE			EIF_BIT(24)
#define EIF_RXC_FIRST			EIF_BIT(26)
#define EIF_RXC_LAST			EIF_BIT(27)
#define EIF_RXC_BUFFER			EIF_BIT(30)

struct eif_rx_cdesc {
	uint32_t status;
	uint16_t length;
	uint16_t req_id;
	uint32_t hash;
	uint16_t sub_qid;
	uint8_t offset;
	uint8_t rsvd;
};

EIF_CHECK_SIZE(struct eif_tx_desc, 16);
EIF_CHECK_SIZE(struct eif_tx_cdesc, 8);
EIF_CHECK_SIZE(struct eif_rx_desc, 16);
EIF_CHECK_SIZE(struct eif_rx_cdesc, 16);
EIF_CHECK_OFF(struct eif_tx_cdesc, flags, 3);
EIF_CHECK_OFF(struct eif_rx_desc, req_id, 4);
EIF_CHECK_OFF(struct eif_rx_desc, addr_hi, 12);
EIF_CHECK_OFF(struct eif_rx_cdesc, req_id, 6);
EIF_CHECK_OFF(struct eif_rx_cdesc, hash, 8);
EIF_CHECK_OFF(struct eif_rx_cdesc, offset, 14);

#endif /* ENA_IF_H */

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes the seed corpus of the three harnesses: short inputs that do what
 * a driver does (probe, queue setup, traffic, statistics, events), so that
 * fuzzing starts from the device's main paths rather than from nothing.
 *
 *   seeds DIR     writes the files of DIR/admin, DIR/io and DIR/vfio
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_dev.h"
#include "vfio_user.h"

struct buf {
	uint8_t b[8192];
	size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	if (b->n + n > sizeof(b->b)) {
		fprintf(stderr, "seeds: a seed outgrew its buffer\n");
		exit(1);
	}
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void put8(struct buf *b, uint8_t v) { put(b, &v, 1); }
static void put16(struct buf *b, uint16_t v) { put(b, &v, 2); }
static void put32(struct buf *b, uint32_t v) { put(b, &v, 4); }

static const char *out_dir;

static void save(const char *harness, const char *name, const struct buf *b)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, harness);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", out_dir, harness, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b->b, 1, b->n, f) != b->n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* ------------------------------------------------------------------ */
/* admin and IO harnesses: the operation language of fuzz_dev.h        */
/* ------------------------------------------------------------------ */

static void op_admin(struct buf *b, const struct eif_aq_entry *c)
{
	put8(b, FZ_OP_ADMIN);
	put8(b, FZ_FIX_PHASE);
	put(b, c, sizeof(*c));
}

static void op_mmio_write(struct buf *b, uint16_t off, uint32_t val)
{
	put8(b, FZ_OP_MMIO_WRITE);
	put16(b, off);
	put32(b, val);
}

static void op_mem(struct buf *b, uint32_t off, const void *p, uint8_t len)
{
	put8(b, FZ_OP_MEM);
	put16(b, (uint16_t)(off / 4));
	put8(b, len);
	put(b, p, len);
}

static void op_event(struct buf *b, enum fz_event ev, uint8_t arg)
{
	put8(b, FZ_OP_EVENT);
	put8(b, ev);
	put8(b, arg);
}

static void op_doorbell(struct buf *b, enum fz_doorbell which, uint32_t val)
{
	put8(b, FZ_OP_DOORBELL);
	put8(b, which);
	put32(b, val);
}

static void ctrl_buf(struct eif_ctrl_buf *cb, uint32_t off, uint32_t len)
{
	cb->length = len;
	cb->addr.lo = (uint32_t)(FZ_GUEST_BASE + off);
	cb->addr.hi = 0;
}

static struct eif_aq_entry cmd(uint8_t opcode)
{
	struct eif_aq_entry c;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = opcode;
	return c;
}

static struct eif_aq_entry get_feature(uint8_t id)
{
	struct eif_aq_entry c = cmd(EIF_OP_GET_FEATURE);

	c.u.feature.feat.feature_id = id;
	return c;
}

static void admin_seeds(void)
{
	static const uint8_t features[] = {
		EIF_FEAT_DEVICE_ATTRIBUTES, EIF_FEAT_MAX_QUEUES_NUM, EIF_FEAT_HW_HINTS,
		EIF_FEAT_LLQ, EIF_FEAT_MAX_QUEUES_EXT, EIF_FEAT_RSS_HASH_FUNCTION,
		EIF_FEAT_STATELESS_OFFLOAD, EIF_FEAT_RSS_INDIRECTION_TABLE, EIF_FEAT_MTU,
		EIF_FEAT_RSS_HASH_INPUT, EIF_FEAT_INTERRUPT_MODERATION,
		EIF_FEAT_AENQ_CONFIG, EIF_FEAT_LINK_CONFIG,
	};
	struct eif_aq_entry c;
	struct buf b = { .n = 0 };
	uint8_t key[40];
	unsigned int i;

	/* the probe's feature reads */
	for (i = 0; i < sizeof(features); i++)
		op_admin(&b, (c = get_feature(features[i]), &c));
	save("admin", "probe-features", &b);

	/* settings a driver makes: MTU, RSS function and key, host info */
	b.n = 0;
	c = cmd(EIF_OP_SET_FEATURE);
	c.u.feature.feat.feature_id = EIF_FEAT_MTU;
	c.u.feature.data[0] = 1500;
	op_admin(&b, &c);
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 37);
	op_mem(&b, FZ_BUFFERS, key, sizeof(key));
	c = cmd(EIF_OP_SET_FEATURE);
	c.hdr.flags = EIF_AQ_FLAG_CTRL_DATA | EIF_AQ_FLAG_CTRL_INDIRECT;
	c.u.feature.feat.feature_id = EIF_FEAT_RSS_HASH_FUNCTION;
	ctrl_buf(&c.u.feature.cb, FZ_BUFFERS, 64);
	op_admin(&b, &c);
	c = cmd(EIF_OP_SET_FEATURE);
	c.u.feature.feat.feature_id = EIF_FEAT_HOST_ATTR_CONFIG;
	c.u.feature.data[0] = (uint32_t)(FZ_GUEST_BASE + FZ_BUFFERS + 0x1000);
	op_admin(&b, &c);
	save("admin", "settings", &b);

	/* statistics of every type, answered into a control buffer */
	b.n = 0;
	for (i = EIF_STATS_BASIC; i <= EIF_STATS_CUSTOMER_METRICS; i++) {
		c = cmd(EIF_OP_GET_STATS);
		c.u.stats.type = (uint8_t)i;
		c.u.stats.device_id = 0xffff;
		ctrl_buf(&c.u.stats.cb, FZ_BUFFERS + 0x2000, 0x100);
		c.u.stats.requested_metrics_lo = 0x3f;
		op_admin(&b, &c);
	}
	save("admin", "stats", &b);

	/* queues: create a CQ and an SQ on it, destroy both */
	b.n = 0;
	c = cmd(EIF_OP_CREATE_CQ);
	c.u.create_cq.caps1 = EIF_CQ_INTR_MODE;
	c.u.create_cq.caps2 = 2;
	c.u.create_cq.depth = FZ_IO_DEPTH;
	c.u.create_cq.msix_vector = 1;
	c.u.create_cq.ring.lo = (uint32_t)(FZ_GUEST_BASE + FZ_TX_CQ);
	op_admin(&b, &c);
	c = cmd(EIF_OP_CREATE_SQ);
	c.u.create_sq.identity = EIF_SQ_IDENTITY(EIF_DIR_TX);
	c.u.create_sq.caps2 = EIF_PLACEMENT_HOST;
	c.u.create_sq.caps3 = EIF_SQ_CONTIGUOUS;
	c.u.create_sq.depth = FZ_IO_DEPTH;
	c.u.create_sq.ring.lo = (uint32_t)(FZ_GUEST_BASE + FZ_TX_SQ);
	op_admin(&b, &c);
	c = cmd(EIF_OP_DESTROY_SQ);
	c.u.destroy_sq.identity = EIF_SQ_IDENTITY(EIF_DIR_TX);
	op_admin(&b, &c);
	c = cmd(EIF_OP_DESTROY_CQ);
	op_admin(&b, &c);
	save("admin", "queues", &b);

	/* flow steering: a rule added (from a control buffer), one removed, all
	 * removed; fragment bypass on; LLQ version 1 read */
	b.n = 0;
	{
		struct eif_flow_rule rule;
		struct eif_f_flow_steering fs;

		memset(&rule, 0, sizeof(rule));
		rule.dst_port[1] = 80;
		rule.dst_port_mask[0] = rule.dst_port_mask[1] = 0xff;
		op_mem(&b, FZ_BUFFERS, &rule, sizeof(rule));
		memset(&fs, 0, sizeof(fs));
		fs.action = EIF_FLOW_ADD;
		fs.type = EIF_FLOW_IPV4_TCP;
		fs.location = EIF_FLOW_ANY_LOCATION;
		c = cmd(EIF_OP_SET_FEATURE);
		c.hdr.flags = EIF_AQ_FLAG_CTRL_INDIRECT;
		c.u.feature.feat.feature_id = EIF_FEAT_FLOW_STEERING;
		ctrl_buf(&c.u.feature.cb, FZ_BUFFERS, sizeof(rule));
		memcpy(c.u.feature.data, &fs, sizeof(fs));
		op_admin(&b, &c);
		fs.action = EIF_FLOW_REMOVE;
		fs.location = 0;
		c = cmd(EIF_OP_SET_FEATURE);
		c.u.feature.feat.feature_id = EIF_FEAT_FLOW_STEERING;
		memcpy(c.u.feature.data, &fs, sizeof(fs));
		op_admin(&b, &c);
		fs.action = EIF_FLOW_REMOVE_ALL;
		memcpy(c.u.feature.data, &fs, sizeof(fs));
		op_admin(&b, &c);
	}
	c = cmd(EIF_OP_SET_FEATURE);
	c.u.feature.feat.feature_id = EIF_FEAT_FRAG_BYPASS;
	c.u.feature.data[0] = 1;
	op_admin(&b, &c);
	c = get_feature(EIF_FEAT_LLQ);
	c.u.feature.feat.version = EIF_LLQ_VERSION;
	op_admin(&b, &c);
	save("admin", "flow-steering", &b);

	/* AENQ events, a readless read, a reset with a reason */
	b.n = 0;
	op_event(&b, FZ_EV_KEEPALIVE, 0);
	op_event(&b, FZ_EV_LINK_DOWN, 0);
	op_event(&b, FZ_EV_LINK_UP, 0);
	op_event(&b, FZ_EV_HINTS, 0);
	op_doorbell(&b, FZ_DB_AENQ_HEAD, FZ_AENQ_DEPTH + 4);
	op_mmio_write(&b, EIF_REG_MMIO_REG_READ, (EIF_REG_CAPS << 16) | 1);
	op_event(&b, FZ_EV_FATAL, 0);
	op_mmio_write(&b, EIF_REG_DEV_CTL, EIF_DEV_CTL_RESET | (1u << 28));
	op_mmio_write(&b, EIF_REG_DEV_CTL, 0);
	save("admin", "events-reset", &b);
}

static void op_desc(struct buf *b, enum fz_op op, uint8_t flags, const void *d)
{
	put8(b, op);
	put8(b, flags);
	put(b, d, 16);
}

/* a UDP/IPv4 frame; the checksums are left for the device to judge */
static size_t udp_frame(uint8_t *f, size_t payload)
{
	static const uint8_t hdr[42] = {
		0x02, 0x00, 0x00, 0xe0, 0xa0, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x08, 0x00,
		0x45, 0x00, 0x00, 0x00, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
		192, 0, 2, 2, 192, 0, 2, 1,
		0x30, 0x39, 0x30, 0x3a, 0x00, 0x00, 0x00, 0x00,
	};
	size_t ip_len = 20 + 8 + payload;

	memcpy(f, hdr, sizeof(hdr));
	f[16] = (uint8_t)(ip_len >> 8);
	f[17] = (uint8_t)ip_len;
	f[38] = (uint8_t)((8 + payload) >> 8);
	f[39] = (uint8_t)(8 + payload);
	memset(f + sizeof(hdr), 0x5a, payload);
	return sizeof(hdr) + payload;
}

static void io_seeds(void)
{
	struct eif_rx_desc rx;
	struct eif_tx_desc tx;
	struct buf b = { .n = 0 };
	uint8_t frame[256];
	size_t flen;
	unsigned int i;

	/* RX: post buffers, a frame arrives, the driver takes it and unmasks */
	for (i = 0; i < 8; i++) {
		memset(&rx, 0, sizeof(rx));
		rx.length = 2048;
		rx.ctrl = EIF_RX_CTRL_FIRST | EIF_RX_CTRL_LAST | EIF_RX_CTRL_COMP_REQ;
		rx.req_id = (uint16_t)i;
		rx.addr_lo = i * 2048;
		op_desc(&b, FZ_OP_RX_DESC, FZ_FIX_PHASE | FZ_FIX_ADDR | (i == 7 ? FZ_RING : 0), &rx);
	}
	flen = udp_frame(frame, 100);
	put8(&b, FZ_OP_RX_FRAME);
	put16(&b, (uint16_t)flen);
	put(&b, frame, flen);
	op_doorbell(&b, FZ_DB_RX_CQ_HEAD, 1);
	op_doorbell(&b, FZ_DB_RX_UNMASK, EIF_INTR_REG_UNMASK);
	save("io", "rx", &b);

	/* TX: a frame in guest memory, one descriptor, completion requested */
	b.n = 0;
	flen = udp_frame(frame, 60);
	op_mem(&b, FZ_BUFFERS, frame, (uint8_t)flen);
	memset(&tx, 0, sizeof(tx));
	tx.len_ctrl = (uint32_t)flen | EIF_TX_FIRST | EIF_TX_LAST | EIF_TX_COMP_REQ;
	tx.meta_ctrl = EIF_TX_L3_CSUM_EN | EIF_TX_L4_CSUM_EN | 1u | (3u << 8);
	tx.addr_lo = 0;
	op_desc(&b, FZ_OP_TX_DESC, FZ_FIX_PHASE | FZ_FIX_ADDR | FZ_RING, &tx);
	op_doorbell(&b, FZ_DB_TX_CQ_HEAD, 1);
	op_doorbell(&b, FZ_DB_TX_UNMASK, EIF_INTR_REG_UNMASK | 5u);
	save("io", "tx", &b);

	/* TX with a meta descriptor asking for TSO, then a completion held back */
	b.n = 0;
	flen = udp_frame(frame, 200);
	frame[23] = 6;	/* TCP */
	op_mem(&b, FZ_BUFFERS, frame, (uint8_t)flen);
	memset(&tx, 0, sizeof(tx));
	tx.len_ctrl = EIF_TX_FIRST | EIF_TXM_ETH_META_TYPE | EIF_TXM_META_STORE | EIF_TXM_EXT_VALID;
	tx.addr_lo = 20 | (14u << 8) | (5u << 16) | (100u << 22);
	op_desc(&b, FZ_OP_TX_DESC, FZ_FIX_PHASE, &tx);
	memset(&tx, 0, sizeof(tx));
	tx.len_ctrl = (uint32_t)flen | EIF_TX_LAST | EIF_TX_COMP_REQ;
	tx.meta_ctrl = EIF_TX_TSO_EN | EIF_TX_L4_CSUM_EN | 1u | (1u << 8);
	op_desc(&b, FZ_OP_TX_DESC, FZ_FIX_PHASE | FZ_FIX_ADDR | FZ_RING, &tx);
	op_event(&b, FZ_EV_TX_COMP_DROP, 1);
	put8(&b, FZ_OP_RUN_LOOP);
	save("io", "tx-tso", &b);
}

/* ------------------------------------------------------------------ */
/* vfio-user harness: records of [u16 len][u16 command][u32 flags]     */
/* ------------------------------------------------------------------ */

static void rec(struct buf *b, uint16_t cmd, uint32_t flags, const void *p, uint16_t len)
{
	put16(b, len);
	put16(b, cmd);
	put32(b, flags);
	put(b, p, len);
}

static void region_access(struct buf *b, uint16_t cmd, uint32_t region, uint64_t off,
			  const void *data, uint32_t count, bool posted)
{
	uint8_t p[16 + 64];

	memcpy(p, &off, 8);
	memcpy(p + 8, &region, 4);
	memcpy(p + 12, &count, 4);
	if (cmd == VU_CMD_REGION_WRITE)
		memcpy(p + 16, data, count);
	rec(b, cmd, posted ? VU_F_NO_REPLY : 0, p,
	    (uint16_t)(16 + (cmd == VU_CMD_REGION_WRITE ? count : 0)));
}

static void vfio_seeds(void)
{
	struct buf b = { .n = 0 };
	uint32_t v, info[4];
	uint8_t irqs[20];
	unsigned int i;

	/* what QEMU asks first */
	info[0] = 16;
	rec(&b, VU_CMD_DEVICE_GET_INFO, 0, info, 16);
	for (i = 0; i < VU_PCI_NUM_REGIONS; i++) {
		uint32_t ri[8] = { 32, 0, i };

		rec(&b, VU_CMD_DEVICE_GET_REGION_INFO, 0, ri, 32);
	}
	for (i = 0; i < VU_PCI_NUM_IRQS; i++) {
		uint32_t ii[4] = { 16, 0, i, 0 };

		rec(&b, VU_CMD_DEVICE_GET_IRQ_INFO, 0, ii, 16);
	}
	save("vfio", "discovery", &b);

	/* config space: bus master and MSI-X on, an eventfd for vector 0 */
	b.n = 0;
	region_access(&b, VU_CMD_REGION_READ, VU_PCI_CONFIG_REGION, 0, NULL, 64, false);
	v = 0x6;
	region_access(&b, VU_CMD_REGION_WRITE, VU_PCI_CONFIG_REGION, 4, &v, 2, false);
	v = 0x8000;
	region_access(&b, VU_CMD_REGION_WRITE, VU_PCI_CONFIG_REGION, 0x42, &v, 2, false);
	memset(irqs, 0, sizeof(irqs));
	v = 20;
	memcpy(irqs, &v, 4);
	v = VU_IRQ_SET_DATA_EVENTFD | VU_IRQ_SET_ACTION_TRIGGER;
	memcpy(irqs + 4, &v, 4);
	v = VU_PCI_MSIX_IRQ;
	memcpy(irqs + 8, &v, 4);
	v = 0;
	memcpy(irqs + 12, &v, 4);
	v = 1;
	memcpy(irqs + 16, &v, 4);
	rec(&b, VU_CMD_DEVICE_SET_IRQS | 0x2000, 0, irqs, 20);
	save("vfio", "config-msix", &b);

	/* BAR0: a readless read into guest memory, posted register writes */
	b.n = 0;
	v = 0x6;
	region_access(&b, VU_CMD_REGION_WRITE, VU_PCI_CONFIG_REGION, 4, &v, 2, false);
	v = 0x100000;
	region_access(&b, VU_CMD_REGION_WRITE, VU_PCI_BAR0_REGION, EIF_REG_MMIO_RESP_LO, &v, 4, true);
	v = (EIF_REG_CAPS << 16) | 1;
	region_access(&b, VU_CMD_REGION_WRITE, VU_PCI_BAR0_REGION, EIF_REG_MMIO_REG_READ, &v, 4, true);
	region_access(&b, VU_CMD_REGION_READ, VU_PCI_BAR0_REGION, 0, NULL, 0x70, false);
	region_access(&b, VU_CMD_REGION_READ, VU_PCI_BAR0_REGION, 0x2000, NULL, 32, false);
	save("vfio", "bar0", &b);

	/* unmap, reset, and a message without a header */
	b.n = 0;
	{
		uint8_t un[24] = { 24 };
		uint64_t iova = 0x100000, size = 0x10000;

		memcpy(un + 8, &iova, 8);
		memcpy(un + 16, &size, 8);
		rec(&b, VU_CMD_DEVICE_RESET, 0, NULL, 0);
		rec(&b, VU_CMD_DMA_UNMAP, 0, un, sizeof(un));
		rec(&b, 0x8000, 0, "\x01\x00\x09\x00\xff\xff\xff\xff", 8);
	}
	save("vfio", "unmap-reset-raw", &b);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seeds DIR\n");
		return 2;
	}
	out_dir = argv[1];
	if (mkdir(out_dir, 0755) && errno != EEXIST) {
		perror(out_dir);
		return 1;
	}
	admin_seeds();
	io_seeds();
	vfio_seeds();
	return 0;
}

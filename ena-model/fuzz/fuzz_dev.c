// SPDX-License-Identifier: GPL-2.0-or-later
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fuzz_dev.h"
#include "log.h"

/* ------------------------------------------------------------------ */
/* guest memory and interrupts, as the PCI glue would provide them     */
/* ------------------------------------------------------------------ */

static bool in_guest(uint64_t addr, uint64_t len)
{
	return addr >= FZ_GUEST_BASE && addr - FZ_GUEST_BASE <= FZ_GUEST_SIZE &&
	       len <= FZ_GUEST_SIZE - (addr - FZ_GUEST_BASE);
}

static bool host_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct fz_dev *f = opaque;

	if (!in_guest(addr, len))
		return false;
	memcpy(buf, f->mem + (addr - FZ_GUEST_BASE), len);
	return true;
}

static bool host_dma_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
	struct fz_dev *f = opaque;

	if (!in_guest(addr, len))
		return false;
	memcpy(f->mem + (addr - FZ_GUEST_BASE), buf, len);
	return true;
}

static bool host_dma_ok(void *opaque, uint64_t addr, uint64_t len, bool write)
{
	(void)opaque;
	(void)write;
	return in_guest(addr, len);
}

static void host_irq(void *opaque, unsigned int vector)
{
	struct fz_dev *f = opaque;

	(void)vector;
	f->irqs++;
}

static bool net_send(void *opaque, const uint8_t *frame, size_t len)
{
	struct fz_dev *f = opaque;

	/* touch both ends, so that a wrong length shows under ASan */
	if (len)
		f->sink += frame[0] + frame[len - 1];
	f->frames_sent++;
	return true;
}

static void wake_cb(void *opaque, int fd, short revents)
{
	(void)opaque;
	(void)fd;
	(void)revents;
}

int fz_dev_init(struct fz_dev *f)
{
	static const struct ena_net net_ops = { .send = net_send };
	struct ena_host host = {
		.dma_read = host_dma_read,
		.dma_write = host_dma_write,
		.dma_ok = host_dma_ok,
		.irq = host_irq,
	};
	struct ena_net net = net_ops;

	memset(f, 0, sizeof(*f));
	log_verbosity = -1;
	profile_defaults(&f->prof);
	f->prof.max_queues = 2;
	f->prof.msix_vectors = 3;
	f->prof.keepalive_ms = 0;	/* events come from the input, not the clock */
	f->prof.llq_bar_size = 1u << 16;	/* room for 2 queues; cheap to allocate per input */
	f->mem = calloc(1, FZ_GUEST_SIZE);
	if (!f->mem)
		return -1;
	ev_init(&f->loop);
	f->wake_fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->wake_fd < 0 || ev_add_fd(&f->loop, f->wake_fd, POLLIN, wake_cb, f))
		return -1;
	host.opaque = f;
	f->d = ena_dev_create("fuzz", &f->prof, 0, &host, &f->loop);
	if (!f->d)
		return -1;
	net.opaque = f;
	ena_dev_set_net(f->d, &net);
	return 0;
}

void fz_dev_fini(struct fz_dev *f)
{
	ena_dev_destroy(f->d);
	if (f->wake_fd >= 0)
		close(f->wake_fd);
	free(f->mem);
	profile_free(&f->prof);
}

/* ------------------------------------------------------------------ */
/* the harness as a driver                                             */
/* ------------------------------------------------------------------ */

static void reg_write(struct fz_dev *f, uint32_t off, uint32_t val)
{
	ena_dev_mmio_write(f->d, off, val);
}

/* place a command at the AQ tail and ring; returns its completion */
static struct eif_acq_entry *admin(struct fz_dev *f, struct eif_aq_entry *c, bool fix_phase)
{
	unsigned int slot = f->aq_tail & (FZ_AQ_DEPTH - 1);

	if (fix_phase)
		c->hdr.flags = (uint8_t)((c->hdr.flags & ~EIF_AQ_FLAG_PHASE) | f->aq_phase);
	memcpy(f->mem + FZ_AQ + slot * sizeof(*c), c, sizeof(*c));
	f->aq_tail++;
	if (!(f->aq_tail & (FZ_AQ_DEPTH - 1)))
		f->aq_phase ^= 1;
	reg_write(f, EIF_REG_AQ_DB, f->aq_tail);
	return (struct eif_acq_entry *)(f->mem + FZ_ACQ + slot * sizeof(struct eif_acq_entry));
}

static void set_addr48(struct eif_addr48 *a, uint64_t v)
{
	a->lo = (uint32_t)v;
	a->hi = (uint16_t)(v >> 32);
}

void fz_dev_admin_up(struct fz_dev *f)
{
	struct eif_aq_entry c;
	uint64_t g = FZ_GUEST_BASE;

	reg_write(f, EIF_REG_MMIO_RESP_LO, (uint32_t)(g + FZ_RESP));
	reg_write(f, EIF_REG_MMIO_RESP_HI, (uint32_t)((g + FZ_RESP) >> 32));
	reg_write(f, EIF_REG_AQ_BASE_LO, (uint32_t)(g + FZ_AQ));
	reg_write(f, EIF_REG_AQ_BASE_HI, (uint32_t)((g + FZ_AQ) >> 32));
	reg_write(f, EIF_REG_AQ_CAPS, FZ_AQ_DEPTH | (64u << 16));
	reg_write(f, EIF_REG_ACQ_BASE_LO, (uint32_t)(g + FZ_ACQ));
	reg_write(f, EIF_REG_ACQ_BASE_HI, (uint32_t)((g + FZ_ACQ) >> 32));
	reg_write(f, EIF_REG_ACQ_CAPS, FZ_AQ_DEPTH | (64u << 16));
	reg_write(f, EIF_REG_AENQ_BASE_LO, (uint32_t)(g + FZ_AENQ));
	reg_write(f, EIF_REG_AENQ_BASE_HI, (uint32_t)((g + FZ_AENQ) >> 32));
	reg_write(f, EIF_REG_AENQ_CAPS, FZ_AENQ_DEPTH | (64u << 16));
	reg_write(f, EIF_REG_AENQ_HEAD_DB, FZ_AENQ_DEPTH);
	reg_write(f, EIF_REG_INTR_MASK, 0);
	f->aq_phase = 1;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_SET_FEATURE;
	c.u.feature.feat.feature_id = EIF_FEAT_AENQ_CONFIG;
	c.u.feature.data[1] = EIF_AENQ_ALL_GROUPS;	/* enabled_groups */
	admin(f, &c, true);
}

static uint16_t create_cq(struct fz_dev *f, unsigned int dwords, uint32_t ring, uint32_t vec,
			  uint32_t *head_db, uint32_t *unmask)
{
	struct eif_acq_entry *r;
	struct eif_aq_entry c;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_CREATE_CQ;
	c.u.create_cq.caps1 = EIF_CQ_INTR_MODE;
	c.u.create_cq.caps2 = (uint8_t)dwords;
	c.u.create_cq.depth = FZ_IO_DEPTH;
	c.u.create_cq.msix_vector = vec;
	set_addr48(&c.u.create_cq.ring, FZ_GUEST_BASE + ring);
	r = admin(f, &c, true);
	*head_db = r->u.create_cq.head_db_offset;
	*unmask = r->u.create_cq.unmask_offset;
	return r->u.create_cq.cq_idx;
}

static uint32_t create_sq(struct fz_dev *f, unsigned int dir, uint16_t cq, uint32_t ring)
{
	struct eif_acq_entry *r;
	struct eif_aq_entry c;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_CREATE_SQ;
	c.u.create_sq.identity = EIF_SQ_IDENTITY(dir);
	c.u.create_sq.caps2 = EIF_PLACEMENT_HOST | (EIF_COMPLETION_DESC << 4);
	c.u.create_sq.caps3 = EIF_SQ_CONTIGUOUS;
	c.u.create_sq.cq_idx = cq;
	c.u.create_sq.depth = FZ_IO_DEPTH;
	set_addr48(&c.u.create_sq.ring, FZ_GUEST_BASE + ring);
	r = admin(f, &c, true);
	return r->u.create_sq.db_offset;
}

void fz_dev_io_up(struct fz_dev *f)
{
	uint16_t cq;

	fz_dev_admin_up(f);
	cq = create_cq(f, 2, FZ_TX_CQ, 1, &f->tx_cq_db, &f->tx_unmask);
	f->tx_db = create_sq(f, EIF_DIR_TX, cq, FZ_TX_SQ);
	cq = create_cq(f, 4, FZ_RX_CQ, 1, &f->rx_cq_db, &f->rx_unmask);
	f->rx_db = create_sq(f, EIF_DIR_RX, cq, FZ_RX_SQ);
}

/* ------------------------------------------------------------------ */
/* the operation language                                              */
/* ------------------------------------------------------------------ */

struct reader {
	const uint8_t *p;
	size_t left;
};

static bool take(struct reader *r, void *out, size_t n)
{
	if (r->left < n)
		return false;
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

/* a doorbell offset the device handed out, kept inside the doorbell area */
static void doorbell(struct fz_dev *f, uint32_t off, uint32_t val)
{
	if (off >= ENA_DB_SQ_BASE && off < ENA_BAR0_CORE_END && !(off & 3))
		reg_write(f, off, val);
}

static void put_desc(struct fz_dev *f, uint32_t ring, uint16_t *tail, uint8_t flags,
		     uint8_t desc[16], bool tx)
{
	unsigned int slot = *tail & (FZ_IO_DEPTH - 1);
	uint8_t phase = !((*tail / FZ_IO_DEPTH) & 1);	/* the first lap carries 1 */

	if (flags & FZ_FIX_PHASE) {
		if (tx) {
			struct eif_tx_desc *t = (struct eif_tx_desc *)desc;

			t->len_ctrl = (t->len_ctrl & ~EIF_TX_PHASE) | (phase ? EIF_TX_PHASE : 0);
		} else {
			struct eif_rx_desc *rd = (struct eif_rx_desc *)desc;

			rd->ctrl = (uint8_t)((rd->ctrl & ~EIF_RX_CTRL_PHASE) | phase);
		}
	}
	if (flags & FZ_FIX_ADDR) {
		uint64_t a;

		if (tx) {
			struct eif_tx_desc *t = (struct eif_tx_desc *)desc;

			a = FZ_GUEST_BASE + FZ_BUFFERS + t->addr_lo % (FZ_GUEST_SIZE - FZ_BUFFERS);
			t->addr_lo = (uint32_t)a;
			t->addr_hi_hdr = (t->addr_hi_hdr & ~0xffffu) | (uint32_t)(a >> 32);
		} else {
			struct eif_rx_desc *rd = (struct eif_rx_desc *)desc;

			a = FZ_GUEST_BASE + FZ_BUFFERS + rd->addr_lo % (FZ_GUEST_SIZE - FZ_BUFFERS);
			rd->addr_lo = (uint32_t)a;
			rd->addr_hi = (uint16_t)(a >> 32);
		}
	}
	memcpy(f->mem + ring + slot * 16, desc, 16);
	(*tail)++;
	if (flags & FZ_RING)
		doorbell(f, tx ? f->tx_db : f->rx_db, *tail);
}

static void event(struct fz_dev *f, uint8_t kind, uint8_t arg)
{
	switch (kind % FZ_EV_COUNT) {
	case FZ_EV_LINK_DOWN:
		ena_dev_set_link(f->d, false);
		break;
	case FZ_EV_LINK_UP:
		ena_dev_set_link(f->d, true);
		break;
	case FZ_EV_FATAL:
		ena_dev_raise_fatal(f->d);
		break;
	case FZ_EV_HINTS:
		ena_dev_send_hints(f->d);
		break;
	case FZ_EV_KEEPALIVE:
		ena_aenq_keepalive(f->d);
		break;
	case FZ_EV_TX_COMP_DROP:
		ena_dev_tx_comp_fault(f->d, arg, 0);
		break;
	case FZ_EV_POWER_ON:
		ena_dev_power_on(f->d);
		break;
	case FZ_EV_FAULT:
		ena_dev_fault(f->d, (enum ena_fault)(arg % ENA_FAULT_KINDS), 2, 0);
		break;
	}
}

static void doorbell_op(struct fz_dev *f, uint8_t which, uint32_t val)
{
	switch (which % FZ_DB_COUNT) {
	case FZ_DB_TX_SQ:
		doorbell(f, f->tx_db, val);
		break;
	case FZ_DB_RX_SQ:
		doorbell(f, f->rx_db, val);
		break;
	case FZ_DB_TX_CQ_HEAD:
		doorbell(f, f->tx_cq_db, val);
		break;
	case FZ_DB_RX_CQ_HEAD:
		doorbell(f, f->rx_cq_db, val);
		break;
	case FZ_DB_TX_UNMASK:
		doorbell(f, f->tx_unmask, val);
		break;
	case FZ_DB_RX_UNMASK:
		doorbell(f, f->rx_unmask, val);
		break;
	case FZ_DB_AENQ_HEAD:
		reg_write(f, EIF_REG_AENQ_HEAD_DB, val);
		break;
	}
}

void fz_dev_run(struct fz_dev *f, const uint8_t *data, size_t size)
{
	struct reader r = { .p = data, .left = size };
	uint8_t op, flags, len, kind, arg, buf[256];
	uint8_t frame[2048];
	struct eif_aq_entry c;
	uint16_t off16, flen;
	uint32_t val;

	while (take(&r, &op, 1)) {
		switch (op % FZ_OP_COUNT) {
		case FZ_OP_MMIO_WRITE:
			if (!take(&r, &off16, 2) || !take(&r, &val, 4))
				return;
			reg_write(f, off16 % ENA_BAR0_CORE_END & ~3u, val);
			break;
		case FZ_OP_MMIO_READ:
			if (!take(&r, &off16, 2))
				return;
			ena_dev_mmio_read(f->d, off16 % ENA_BAR0_CORE_END & ~3u);
			break;
		case FZ_OP_ADMIN:
			if (!take(&r, &flags, 1) || !take(&r, &c, sizeof(c)))
				return;
			admin(f, &c, flags & FZ_FIX_PHASE);
			break;
		case FZ_OP_MEM:
			if (!take(&r, &off16, 2) || !take(&r, &len, 1) || !take(&r, buf, len))
				return;
			/* 4-byte units cover all of guest memory; the AQ stays the harness's */
			if ((size_t)off16 * 4 >= FZ_AQ + FZ_AQ_DEPTH * 64 &&
			    (size_t)off16 * 4 + len <= FZ_GUEST_SIZE)
				memcpy(f->mem + (size_t)off16 * 4, buf, len);
			break;
		case FZ_OP_EVENT:
			if (!take(&r, &kind, 1) || !take(&r, &arg, 1))
				return;
			event(f, kind, arg);
			break;
		case FZ_OP_RX_FRAME:
			if (!take(&r, &flen, 2))
				return;
			flen %= sizeof(frame);
			if (!take(&r, frame, flen))
				return;
			ena_dev_receive(f->d, frame, flen);
			break;
		case FZ_OP_TX_DESC:
		case FZ_OP_RX_DESC:
			if (!take(&r, &flags, 1) || !take(&r, buf, 16))
				return;
			if (op % FZ_OP_COUNT == FZ_OP_TX_DESC)
				put_desc(f, FZ_TX_SQ, &f->tx_tail, flags, buf, true);
			else
				put_desc(f, FZ_RX_SQ, &f->rx_tail, flags, buf, false);
			break;
		case FZ_OP_DOORBELL:
			if (!take(&r, &kind, 1) || !take(&r, &val, 4))
				return;
			doorbell_op(f, kind, val);
			break;
		case FZ_OP_LLQ_WRITE:
			if (!take(&r, &off16, 2) || !take(&r, &len, 1) || !take(&r, buf, len))
				return;
			/* BAR2 bounds are the PCI glue's to check: stay inside */
			if (ena_dev_llq_size(f->d) > len)
				ena_dev_llq_write(f->d, off16 % (ena_dev_llq_size(f->d) - len), buf, len);
			break;
		case FZ_OP_RUN_LOOP:
			ev_run_once(&f->loop);
			break;
		}
	}
}

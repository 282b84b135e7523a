// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Data path: the test plays the driver's data path (IO queues, RX buffers,
 * TX descriptors, interrupt unmask) and the other end of the cable (a UNIX
 * datagram socket the model is connected to with --dgram).  Frames go in
 * and out through the wire; completions, interrupts and statistics are
 * checked as the Linux driver would read them.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "drv.h"
#include "harness.h"
#include "pkt.h"

#define NOWHERE		0x00007f0000000000ull
#define DEPTH		64
#define MAXQ		8
#define Q_RINGS(q)	(0x10000u + (q) * 0x4000u)
#define Q_TXCQ(q)	(Q_RINGS(q))
#define Q_TXSQ(q)	(Q_RINGS(q) + 0x1000u)
#define Q_RXCQ(q)	(Q_RINGS(q) + 0x2000u)
#define Q_RXSQ(q)	(Q_RINGS(q) + 0x3000u)
#define RXBUF(q, i)	(0x100000u + (q) * 0x20000u + (i) * 2048u)
#define TXBUF		0x200000u	/* 2 MiB of TX buffer space */

struct ioq {
	uint16_t txcq, txsq, rxcq, rxsq;
	uint32_t tx_db, rx_db, tx_unmask, rx_unmask;
	uint16_t tx_tail, txc_head, rx_tail, rxc_head;
	uint8_t tx_phase, txc_phase, rx_phase, rxc_phase;
	uint16_t rx_req;
};

struct io {
	struct drv d;
	char dir[64];
	char msock[128], tsock[128], ctl[128], pcap[128];
	int tfd;
	unsigned int nq;
	struct ioq q[MAXQ];
	uint32_t txbuf_off;
};

/* ------------------------------------------------------------------ */
/* frames                                                              */
/* ------------------------------------------------------------------ */

static const uint8_t model_mac[6] = { 0x02, 0x00, 0x00, 0xe0, 0xa0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };

/* independent of the model's pkt.c */
static uint16_t t_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t r16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Ethernet + IPv4 + TCP (proto 6) or UDP (17) with paylen payload bytes.
 * csum: 1 full checksums, 0 checksum fields left 0, 2 pseudo-header sum
 * in the L4 field (what a driver hands the device for partial offload).
 */
static size_t build4(uint8_t *f, uint8_t proto, const uint8_t sa[4], const uint8_t da[4],
		     uint16_t sp, uint16_t dp, size_t paylen, int csum)
{
	size_t l4h = proto == 6 ? 20 : 8, l4len = l4h + paylen, i;
	uint8_t *ip = f + 14, *l4 = ip + 20;
	uint32_t ps = 0;

	memcpy(f, model_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	w16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	w16(ip + 2, (uint16_t)(20 + l4len));
	w16(ip + 4, 0x1234);
	w16(ip + 6, 0x4000);	/* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, sa, 4);
	memcpy(ip + 16, da, 4);
	if (csum)
		w16(ip + 10, t_csum(ip, 20, 0));
	memset(l4, 0, l4h);
	w16(l4, sp);
	w16(l4 + 2, dp);
	if (proto == 6) {
		w16(l4 + 4, 0x1111);
		w16(l4 + 6, 0x2222);
		l4[12] = 0x50;
		l4[13] = 0x18;	/* PSH ACK */
		w16(l4 + 14, 0xffff);
	} else {
		w16(l4 + 4, (uint16_t)l4len);
	}
	for (i = 0; i < paylen; i++)
		l4[l4h + i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < 4; i += 2)
		ps += r16(sa + i) + r16(da + i);
	ps += proto + (uint32_t)l4len;
	if (csum == 1) {
		uint16_t c = t_csum(l4, l4len, ps);

		w16(l4 + (proto == 6 ? 16 : 6), proto == 17 && !c ? 0xffff : c);
	} else if (csum == 2) {
		w16(l4 + (proto == 6 ? 16 : 6), (uint16_t)~t_csum(NULL, 0, ps));
	}
	return 14 + 20 + l4len;
}

/* Ethernet + IPv6 + TCP with full checksum */
static size_t build6_tcp(uint8_t *f, const uint8_t sa[16], const uint8_t da[16], uint16_t sp,
			 uint16_t dp, size_t paylen)
{
	uint8_t *ip = f + 14, *l4 = ip + 40;
	size_t l4len = 20 + paylen, i;
	uint32_t ps = 0;

	memcpy(f, model_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	w16(f + 12, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	w16(ip + 4, (uint16_t)l4len);
	ip[6] = 6;
	ip[7] = 64;
	memcpy(ip + 8, sa, 16);
	memcpy(ip + 24, da, 16);
	memset(l4, 0, 20);
	w16(l4, sp);
	w16(l4 + 2, dp);
	l4[12] = 0x50;
	l4[13] = 0x10;
	for (i = 0; i < paylen; i++)
		l4[20 + i] = (uint8_t)i;
	for (i = 0; i < 32; i += 2)
		ps += r16(ip + 8 + i);
	ps += 6 + (uint32_t)l4len;
	w16(l4 + 16, t_csum(l4, l4len, ps));
	return 14 + 40 + l4len;
}

/* true if IPv4 header and L4 checksums of f verify */
static bool csums_ok(const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + 14, *l4 = ip + 20;
	size_t l4len = r16(ip + 2) - 20u, i;
	uint32_t ps = 0;

	if (len < 34 || t_csum(ip, 20, 0) != 0)
		return false;
	for (i = 12; i < 20; i += 2)
		ps += r16(ip + i);
	ps += ip[9] + (uint32_t)l4len;
	return t_csum(l4, l4len, ps) == 0;
}

/* ------------------------------------------------------------------ */
/* the driver's data path                                              */
/* ------------------------------------------------------------------ */

static int create_cq(struct io *io, unsigned int dwords, uint32_t vec, uint32_t ring,
		     uint16_t *idx, uint32_t *unmask)
{
	struct eif_aq_entry c;
	struct eif_acq_entry r;
	int st;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_CREATE_CQ;
	c.u.create_cq.caps1 = EIF_CQ_INTR_MODE;
	c.u.create_cq.caps2 = (uint8_t)dwords;
	c.u.create_cq.depth = DEPTH;
	c.u.create_cq.msix_vector = vec;
	c.u.create_cq.ring.lo = (uint32_t)drv_iova(ring);
	c.u.create_cq.ring.hi = (uint16_t)(drv_iova(ring) >> 32);
	memset(drv_mem(&io->d, ring), 0, DEPTH * dwords * 4);
	st = drv_cmd(&io->d, &c, &r);
	*idx = r.u.create_cq.cq_idx;
	*unmask = r.u.create_cq.unmask_offset;
	return st;
}

/* LLQ entry size for the TX queues io_open creates; 0: host placement */
static uint32_t g_llq_entry;
static uint32_t g_llq_off[MAXQ];

static int create_sq(struct io *io, unsigned int dir, uint16_t cq, uint32_t ring,
		     uint16_t *idx, uint32_t *db)
{
	bool llq = dir == EIF_DIR_TX && g_llq_entry;
	struct eif_aq_entry c;
	struct eif_acq_entry r;
	int st;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_CREATE_SQ;
	c.u.create_sq.identity = EIF_SQ_IDENTITY(dir);
	c.u.create_sq.caps2 = llq ? EIF_PLACEMENT_DEV : EIF_PLACEMENT_HOST;
	c.u.create_sq.caps3 = EIF_SQ_CONTIGUOUS;
	c.u.create_sq.cq_idx = cq;
	c.u.create_sq.depth = DEPTH;
	c.u.create_sq.ring.lo = (uint32_t)drv_iova(ring);
	c.u.create_sq.ring.hi = (uint16_t)(drv_iova(ring) >> 32);
	memset(drv_mem(&io->d, ring), 0, DEPTH * 16);
	st = drv_cmd(&io->d, &c, &r);
	*idx = r.u.create_sq.sq_idx;
	*db = r.u.create_sq.db_offset;
	if (llq && !st && *idx < MAXQ)
		g_llq_off[*idx] = r.u.create_sq.llq_desc_offset;
	return st;
}

static int io_queues(struct io *io, unsigned int nq);

static void io_init(struct io *io)
{
	memset(io, 0, sizeof(*io));
	io->tfd = -1;
	io->d.c.sock = -1;
	io->d.c.memfd = -1;
	io->d.c.pid = -1;
	for (unsigned int i = 0; i < VUC_MAX_IRQS; i++)
		io->d.c.irqfd[i] = -1;
}

/*
 * Model with nq queue pairs cabled to our datagram socket (wire: false
 * leaves it unplugged), probed, queues created as ena_up does.
 */
static int io_open(struct io *io, unsigned int nq, bool wire, const char *const *extra)
{
	const char *args[32];
	char dg[300];
	struct sockaddr_un sa;
	unsigned int n = 0;
	char qs[8];

	io_init(io);
	snprintf(io->dir, sizeof(io->dir), "/tmp/ena-data-test.XXXXXX");
	if (!mkdtemp(io->dir))
		return -1;
	snprintf(io->msock, sizeof(io->msock), "%s/model.sock", io->dir);
	snprintf(io->tsock, sizeof(io->tsock), "%s/peer.sock", io->dir);
	snprintf(io->ctl, sizeof(io->ctl), "%s/ctl.sock", io->dir);
	snprintf(io->pcap, sizeof(io->pcap), "%s/wire.pcap", io->dir);
	io->tfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, io->tsock);
	if (io->tfd < 0 || bind(io->tfd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	snprintf(dg, sizeof(dg), "%s:%s", io->msock, io->tsock);
	snprintf(qs, sizeof(qs), "%u", nq < 8 ? 8 : nq);
	if (wire) {
		args[n++] = "--dgram";
		args[n++] = dg;
	}
	args[n++] = "--ctl";
	args[n++] = io->ctl;
	args[n++] = "--pcap";
	args[n++] = io->pcap;
	while (extra && *extra && n < 30)
		args[n++] = *extra++;
	args[n] = NULL;
	if (drv_bringup(&io->d, args, nq + 1))
		return -1;
	return io_queues(io, nq);
}

/* probe and create nq queue pairs as ena_up does */
static int io_queues(struct io *io, unsigned int nq)
{
	unsigned int q;

	if (drv_probe(&io->d, NULL))
		return -1;
	drv_reg_write(&io->d, EIF_REG_INTR_MASK, 0);
	if (g_llq_entry) {
		struct eif_acq_entry r;
		struct eif_f_llq l;

		if (drv_get_feature(&io->d, EIF_FEAT_LLQ, 0, 0, 0, &r))
			return -1;
		l = r.u.llq;
		l.header_location_enabled = EIF_LLQ_HEADER_INLINE;
		l.entry_size_enabled = g_llq_entry == 256 ? EIF_LLQ_ENTRY_256 : EIF_LLQ_ENTRY_128;
		l.descs_before_header_enabled = 2;
		l.stride_enabled = EIF_LLQ_STRIDE_MULTI;
		if (drv_set_feature(&io->d, EIF_FEAT_LLQ, &l, sizeof(l), 0, 0))
			return -1;
	}
	io->nq = nq;
	for (q = 0; q < nq; q++) {
		struct ioq *x = &io->q[q];
		uint32_t dummy;

		if (create_cq(io, 2, 1 + q, Q_TXCQ(q), &x->txcq, &x->tx_unmask) ||
		    create_sq(io, EIF_DIR_TX, x->txcq, Q_TXSQ(q), &x->txsq, &x->tx_db) ||
		    create_cq(io, 4, 1 + q, Q_RXCQ(q), &x->rxcq, &x->rx_unmask) ||
		    create_sq(io, EIF_DIR_RX, x->rxcq, Q_RXSQ(q), &x->rxsq, &x->rx_db))
			return -1;
		(void)dummy;
		x->tx_phase = x->txc_phase = x->rx_phase = x->rxc_phase = 1;
	}
	return 0;
}

static void io_close(struct io *io)
{
	drv_close(&io->d);
	if (io->tfd >= 0)
		close(io->tfd);
	if (io->dir[0]) {
		unlink(io->tsock);
		unlink(io->pcap);
		rmdir(io->dir);
	}
}

/* post n RX buffers of len bytes on queue q (len 0: 64 KiB) */
static void post_rx(struct io *io, unsigned int q, unsigned int n, uint16_t len, uint64_t addr)
{
	struct ioq *x = &io->q[q];
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct eif_rx_desc *r = drv_mem(&io->d, Q_RXSQ(q) + (x->rx_tail & (DEPTH - 1)) * 16u);
		uint16_t req = (uint16_t)(x->rx_tail & (DEPTH - 1));
		uint64_t a = addr ? addr : drv_iova(RXBUF(q, req));

		memset(r, 0, sizeof(*r));
		r->length = len;
		r->req_id = req;
		r->addr_lo = (uint32_t)a;
		r->addr_hi = (uint16_t)(a >> 32);
		r->ctrl = EIF_RX_CTRL_FIRST | EIF_RX_CTRL_LAST | EIF_RX_CTRL_COMP_REQ |
			  (x->rx_phase & 1);
		x->rx_tail++;
		if (!(x->rx_tail & (DEPTH - 1)))
			x->rx_phase ^= 1;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vuc_bar_write32(&io->d.c, 0, x->rx_db, x->rx_tail);
	/* frames from the wire must not overtake the posted doorbell */
	vuc_sync(&io->d.c);
}

struct txbuf {
	const uint8_t *data;
	uint32_t len;
	uint64_t addr;		/* 0: copy data into the TX buffer area */
};

static struct eif_tx_desc *tx_slot(struct io *io, unsigned int q)
{
	struct ioq *x = &io->q[q];
	struct eif_tx_desc *t = drv_mem(&io->d, Q_TXSQ(q) + (x->tx_tail & (DEPTH - 1)) * 16u);

	memset(t, 0, sizeof(*t));
	t->len_ctrl = x->tx_phase ? EIF_TX_PHASE : 0;
	x->tx_tail++;
	if (!(x->tx_tail & (DEPTH - 1)))
		x->tx_phase ^= 1;
	return t;
}

/* clear to send the next meta descriptors without meta_store */
static bool g_meta_store = true;

/*
 * One packet as ena_com_prepare_tx writes it: optional meta descriptor,
 * then one descriptor per buffer; doorbell unless db is false.
 */
static void send_tx(struct io *io, unsigned int q, const struct txbuf *b, unsigned int nb,
		    uint16_t req_id, uint32_t meta_ctrl, const uint32_t *meta, bool db)
{
	struct ioq *x = &io->q[q];
	unsigned int i;

	if (meta) {
		struct eif_tx_desc *m = tx_slot(io, q);

		m->len_ctrl |= EIF_TX_META | EIF_TX_FIRST | EIF_TXM_EXT_VALID |
			       EIF_TXM_ETH_META_TYPE | meta[0];
		if (g_meta_store)
			m->len_ctrl |= EIF_TXM_META_STORE;
		m->addr_lo = meta[1];
	}
	for (i = 0; i < nb; i++) {
		struct eif_tx_desc *t = tx_slot(io, q);
		uint64_t a = b[i].addr;

		if (!a) {
			if (io->txbuf_off + b[i].len > 0x200000u)
				io->txbuf_off = 0;
			memcpy(drv_mem(&io->d, TXBUF + io->txbuf_off), b[i].data, b[i].len);
			a = drv_iova(TXBUF + io->txbuf_off);
			io->txbuf_off += (b[i].len + 63) & ~63u;
		}
		t->len_ctrl |= b[i].len & 0xffff;
		if (i == 0) {
			if (!meta)
				t->len_ctrl |= EIF_TX_FIRST;
			t->len_ctrl |= EIF_TX_COMP_REQ | (uint32_t)(req_id >> 10) << 16;
			t->meta_ctrl = meta_ctrl | (uint32_t)(req_id & 0x3ff) << 22;
		}
		if (i + 1 == nb)
			t->len_ctrl |= EIF_TX_LAST;
		t->addr_lo = (uint32_t)a;
		t->addr_hi_hdr = (uint32_t)(a >> 32) & 0xffff;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (db)
		vuc_bar_write32(&io->d.c, 0, x->tx_db, x->tx_tail);
}

static void send_frame(struct io *io, unsigned int q, const uint8_t *f, size_t len,
		       uint16_t req_id)
{
	struct txbuf b = { f, (uint32_t)len, 0 };

	send_tx(io, q, &b, 1, req_id, 0, NULL, true);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* next TX completion (req_id), or -1 after timeout_ms */
static int tx_comp(struct io *io, unsigned int q, int timeout_ms)
{
	struct ioq *x = &io->q[q];
	int waited;

	for (waited = 0; waited <= timeout_ms; waited++) {
		volatile struct eif_tx_cdesc *c =
			drv_mem(&io->d, Q_TXCQ(q) + (x->txc_head & (DEPTH - 1)) * 8u);

		if ((c->flags & 1) == x->txc_phase) {
			int id = c->req_id;

			x->txc_head++;
			if (!(x->txc_head & (DEPTH - 1)))
				x->txc_phase ^= 1;
			return id;
		}
		if (waited == 0)
			vuc_sync(&io->d.c);
		else
			sleep_ms(1);
	}
	return -1;
}

/* one received packet's completions (up to max), count or 0 on timeout */
static unsigned int rx_comp(struct io *io, unsigned int q, struct eif_rx_cdesc *out,
			    unsigned int max, int timeout_ms)
{
	struct ioq *x = &io->q[q];
	unsigned int n = 0;
	int waited = 0;

	while (n < max && waited <= timeout_ms) {
		volatile struct eif_rx_cdesc *c =
			drv_mem(&io->d, Q_RXCQ(q) + (x->rxc_head & (DEPTH - 1)) * 16u);

		if (!!(c->status & EIF_RXC_PHASE) != x->rxc_phase) {
			if (waited++ == 0)
				vuc_sync(&io->d.c);
			else
				sleep_ms(1);
			continue;
		}
		memcpy(&out[n], (const void *)c, sizeof(out[n]));
		x->rxc_head++;
		if (!(x->rxc_head & (DEPTH - 1)))
			x->rxc_phase ^= 1;
		if (out[n++].status & EIF_RXC_LAST)
			return n;
	}
	return 0;
}

static void unmask(struct io *io, unsigned int q, uint32_t rx_delay, uint32_t tx_delay)
{
	vuc_bar_write32(&io->d.c, 0, io->q[q].tx_unmask,
			EIF_INTR_REG_UNMASK | rx_delay | tx_delay << 15);
}

static int wire_send(struct io *io, const uint8_t *f, size_t len)
{
	struct sockaddr_un sa;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, io->msock);
	return sendto(io->tfd, f, len, 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)len ? 0 : -1;
}

/* a frame from the model's wire, length or -1 */
static int wire_recv(struct io *io, uint8_t *buf, size_t max, int timeout_ms)
{
	struct pollfd p = { .fd = io->tfd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	return (int)recv(io->tfd, buf, max, MSG_DONTWAIT);
}

/* control socket command; reply in out */
static int ctl(struct io *io, const char *cmd, char *out, size_t max)
{
	struct sockaddr_un sa;
	size_t n = 0;
	ssize_t r;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, io->ctl);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) || write(fd, "\n", 1) != 1) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	out[0] = 0;
	while (n + 1 < max && !strstr(out, "\n.\n") && (r = read(fd, out + n, max - 1 - n)) > 0) {
		n += (size_t)r;
		out[n] = 0;
	}
	close(fd);
	return strncmp(out, "ok", 2) || !strstr(out, "\n.\n") ? -1 : 0;
}

/* value of "ena0.KEY=" in a counters reply, or -1 */
static long long counter(struct io *io, const char *key)
{
	char out[8192], pat[64], *p;

	if (ctl(io, "counters", out, sizeof(out)))
		return -1;
	snprintf(pat, sizeof(pat), "ena0.%s=", key);
	p = strstr(out, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

static int basic_stats(struct io *io, struct eif_basic_stats *b)
{
	struct eif_aq_entry c;
	struct eif_acq_entry r;
	int st;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_STATS;
	c.u.stats.type = EIF_STATS_BASIC;
	c.u.stats.scope = EIF_SCOPE_ETH;
	c.u.stats.device_id = 0xffff;
	st = drv_cmd(&io->d, &c, &r);
	*b = r.u.basic;
	return st;
}

static const uint8_t ip_a[4] = { 192, 0, 2, 1 }, ip_b[4] = { 192, 0, 2, 2 };

/* ------------------------------------------------------------------ */
/* tests                                                               */
/* ------------------------------------------------------------------ */

static void t_tx_basic(void)
{
	uint8_t f[2048], got[2048];
	struct eif_basic_stats bs;
	struct io io;
	size_t len;
	int n;

	REQUIRE(!io_open(&io, 1, true, NULL));
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 100, 1);
	send_frame(&io, 0, f, len, 5);
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK_EQ(n, len);
	CHECK(n > 0 && !memcmp(got, f, len));
	CHECK_EQ(tx_comp(&io, 0, 1000), 5);
	CHECK(vuc_irq_wait(&io.d.c, 1, 1000) >= 1);
	/* a second packet split over three buffers, req_id with high bits */
	{
		struct txbuf b[3] = { { f, 14, 0 }, { f + 14, 40, 0 }, { f + 54, (uint32_t)len - 54, 0 } };

		send_tx(&io, 0, b, 3, 0x403 & (DEPTH - 1), 0, NULL, true);
		n = wire_recv(&io, got, sizeof(got), 2000);
		CHECK_EQ(n, len);
		CHECK(n > 0 && !memcmp(got, f, len));
		CHECK_EQ(tx_comp(&io, 0, 1000), 0x403 & (DEPTH - 1));
	}
	CHECK_EQ(basic_stats(&io, &bs), 0);
	CHECK_EQ(bs.tx_pkts_lo, 2);
	CHECK_EQ(bs.tx_bytes_lo, 2 * len);
	{
		struct eif_aq_entry c;
		struct eif_acq_entry r;

		memset(&c, 0, sizeof(c));
		c.hdr.opcode = EIF_OP_GET_STATS;
		c.u.stats.type = EIF_STATS_BASIC;
		c.u.stats.scope = EIF_SCOPE_QUEUE;
		c.u.stats.queue_idx = 0;
		CHECK_EQ(drv_cmd(&io.d, &c, &r), 0);
		CHECK_EQ(r.u.basic.tx_pkts_lo, 2);
		/* any queue index: the function's totals, as drivers read them */
		c.u.stats.queue_idx = 1;
		CHECK_EQ(drv_cmd(&io.d, &c, &r), 0);
		CHECK_EQ(r.u.basic.tx_pkts_lo, 2);
	}
out:
	io_close(&io);
}

static void t_tx_wrap(void)
{
	uint8_t f[2048], got[2048];
	unsigned int i, good = 0, comps = 0;
	struct io io;
	size_t len;

	/* three times around the ring: phase flips on both SQ and CQ */
	REQUIRE(!io_open(&io, 1, true, NULL));
	for (i = 0; i < 3 * DEPTH; i++) {
		len = build4(f, 17, ip_a, ip_b, (uint16_t)i, 2000, 20 + i % 50, 1);
		send_frame(&io, 0, f, len, (uint16_t)(i % DEPTH));
		if (wire_recv(&io, got, sizeof(got), 2000) == (int)len && !memcmp(got, f, len))
			good++;
		if (tx_comp(&io, 0, 1000) == (int)(i % DEPTH))
			comps++;
	}
	CHECK_EQ(good, 3 * DEPTH);
	CHECK_EQ(comps, 3 * DEPTH);
out:
	io_close(&io);
}

/* more frames than the peer's datagram queue holds: queued, none lost, in order */
static void t_tx_backpressure(void)
{
	uint8_t f[2048], got[2048];
	unsigned int i, good = 0;
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	for (i = 0; i < 48; i++) {
		len = build4(f, 17, ip_a, ip_b, (uint16_t)i, 2000, 100, 1);
		send_frame(&io, 0, f, len, (uint16_t)i);
		CHECK_EQ(tx_comp(&io, 0, 1000), i);
	}
	for (i = 0; i < 48; i++) {
		int n = wire_recv(&io, got, sizeof(got), 2000);

		if (n == (int)len && r16(got + 34) == i)
			good++;
	}
	CHECK_EQ(good, 48);
	CHECK(counter(&io, "wire_txq_max") > 0);
	CHECK_EQ(counter(&io, "wire_txq_drops"), 0);
out:
	io_close(&io);
}

static void t_tx_meta_csum(void)
{
	uint8_t f[2048], got[2048];
	struct io io;
	uint32_t meta[2];
	size_t len;
	int n;

	REQUIRE(!io_open(&io, 1, true, NULL));
	/* UDP with partial checksum: pseudo-header sum in the field */
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 333, 2);
	meta[0] = 0;
	meta[1] = 20 | 14 << 8;		/* l3 len 20, l3 offset 14 */
	send_tx(&io, 0, &(struct txbuf){ f, (uint32_t)len, 0 }, 1, 1,
		EIF_L3_IPV4 | EIF_L4_UDP << 8 | EIF_TX_L4_CSUM_EN | EIF_TX_L4_CSUM_PARTIAL,
		meta, true);
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK_EQ(n, len);
	CHECK(n > 0 && csums_ok(got, (size_t)n));
	CHECK_EQ(tx_comp(&io, 0, 1000), 1);
	/* TCP, no meta descriptor this time: the stored meta still applies */
	len = build4(f, 6, ip_a, ip_b, 1000, 2000, 1000, 2);
	send_tx(&io, 0, &(struct txbuf){ f, (uint32_t)len, 0 }, 1, 2,
		EIF_L3_IPV4 | EIF_L4_TCP << 8 | EIF_TX_L4_CSUM_EN | EIF_TX_L4_CSUM_PARTIAL,
		NULL, true);
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK_EQ(n, len);
	CHECK(n > 0 && csums_ok(got, (size_t)n));
	CHECK_EQ(tx_comp(&io, 0, 1000), 2);
out:
	io_close(&io);
}

/*
 * The offloads act where the meta descriptor and meta_ctrl say, not where
 * the frame's headers are: a wrong L3 offset or L4 protocol gives a wrong
 * checksum on the wire; offsets past the frame drop it (counted, still
 * completed); a meta descriptor without meta_store is not kept.
 */
static void t_tx_meta_follows(void)
{
	const uint32_t udp_csum = EIF_L3_IPV4 | EIF_L4_UDP << 8 | EIF_TX_L4_CSUM_EN |
				  EIF_TX_L4_CSUM_PARTIAL;
	uint8_t f[2048], got[2048];
	uint32_t meta[2] = { 0, 20 | 14 << 8 };
	struct io io;
	size_t len;
	int n;

	REQUIRE(!io_open(&io, 1, true, NULL));
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 333, 2);
	/* the stored meta: right */
	send_tx(&io, 0, &(struct txbuf){ f, (uint32_t)len, 0 }, 1, 1, udp_csum, meta, true);
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK(n == (int)len && csums_ok(got, len));
	/* an L3 offset 4 bytes off, this packet only (no meta_store) */
	g_meta_store = false;
	meta[1] = 20 | 18 << 8;
	send_tx(&io, 0, &(struct txbuf){ f, (uint32_t)len, 0 }, 1, 2, udp_csum, meta, true);
	g_meta_store = true;
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK(n == (int)len && !csums_ok(got, len));
	/* no meta descriptor: the stored one applies again */
	send_tx(&io, 0, &(struct txbuf){ f, (uint32_t)len, 0 }, 1, 3, udp_csum, NULL, true);
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK(n == (int)len && csums_ok(got, len));
	/* a UDP frame described as TCP: the "TCP" checksum field is written */
	send_tx(&io, 0, &(struct txbuf){ f, (uint32_t)len, 0 }, 1, 4,
		(udp_csum & ~(0x1fu << 8)) | EIF_L4_TCP << 8, NULL, true);
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK(n == (int)len && !csums_ok(got, len));
	CHECK_EQ(tx_comp(&io, 0, 1000), 1);
	CHECK_EQ(tx_comp(&io, 0, 1000), 2);
	CHECK_EQ(tx_comp(&io, 0, 1000), 3);
	CHECK_EQ(tx_comp(&io, 0, 1000), 4);
	/* an L3 header past the frame's end: dropped, counted, completed */
	meta[1] = 20 | 250 << 8;
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 20, 2);
	send_tx(&io, 0, &(struct txbuf){ f, (uint32_t)len, 0 }, 1, 5, udp_csum, meta, true);
	CHECK_EQ(tx_comp(&io, 0, 1000), 5);
	CHECK(wire_recv(&io, got, sizeof(got), 200) < 0);
	CHECK_EQ(counter(&io, "tx_bad_desc"), 1);
out:
	io_close(&io);
}

static void t_tx_tso(void)
{
	static const char *const args[] = { "--set", "offload_tx=0xff", NULL };
	uint8_t *f = malloc(65536), got[2048];
	uint32_t meta[2], seq = 0x11112222, payload = 0, want;
	struct eif_acq_entry r;
	unsigned int segs = 0;
	struct io io;
	size_t len;
	int n;

	REQUIRE(f);
	REQUIRE(!io_open(&io, 1, true, args));
	CHECK_EQ(drv_get_feature(&io.d, EIF_FEAT_STATELESS_OFFLOAD, 0, 0, 0, &r), 0);
	CHECK(r.u.offload.tx & EIF_OFF_TX_TSO_IPV4);
	len = build4(f, 6, ip_a, ip_b, 1000, 2000, 10000, 0);
	meta[0] = (1400u >> 10) << 16;
	meta[1] = 20 | 14 << 8 | 5u << 16 | (1400u & 0x3ff) << 22;
	send_tx(&io, 0, (struct txbuf[]){ { f, 54, 0 }, { f + 54, (uint32_t)len - 54, 0 } }, 2, 7,
		EIF_L3_IPV4 | EIF_L4_TCP << 8 | EIF_TX_TSO_EN | EIF_TX_L3_CSUM_EN |
		EIF_TX_L4_CSUM_EN, meta, true);
	while ((n = wire_recv(&io, got, sizeof(got), 1000)) > 0) {
		uint32_t pl = (uint32_t)n - 54;
		bool last = payload + pl >= 10000;

		CHECK(csums_ok(got, (size_t)n));
		CHECK(pl <= 1400);
		CHECK_EQ((uint32_t)got[38] << 24 | (uint32_t)got[39] << 16 | got[40] << 8 | got[41],
			 seq + payload);
		CHECK_EQ(got[47] & 0x08, last ? 0x08 : 0);	/* PSH only on the last */
		CHECK(!memcmp(got + 54, f + 54 + payload, pl));
		payload += pl;
		segs++;
		if (last)
			break;
	}
	want = (10000 + 1399) / 1400;
	CHECK_EQ(segs, want);
	CHECK_EQ(payload, 10000);
	CHECK_EQ(tx_comp(&io, 0, 1000), 7);
	CHECK_EQ(counter(&io, "tx_tso_segs"), want);
	/* MSS 1: refused as a bad packet (not 10000 one-byte segments), still completed */
	meta[0] = 0;
	meta[1] = 20 | 14 << 8 | 5u << 16 | 1u << 22;
	send_tx(&io, 0, (struct txbuf[]){ { f, 54, 0 }, { f + 54, (uint32_t)len - 54, 0 } }, 2, 8,
		EIF_L3_IPV4 | EIF_L4_TCP << 8 | EIF_TX_TSO_EN | EIF_TX_L3_CSUM_EN |
		EIF_TX_L4_CSUM_EN, meta, true);
	CHECK_EQ(tx_comp(&io, 0, 1000), 8);
	CHECK(wire_recv(&io, got, sizeof(got), 200) < 0);
	CHECK_EQ(counter(&io, "tx_tso_segs"), want);
	CHECK_EQ(counter(&io, "tx_bad_desc"), 1);
out:
	free(f);
	io_close(&io);
}

static void t_rx_basic(void)
{
	struct eif_rx_cdesc c[4];
	struct eif_basic_stats bs;
	uint8_t f[2048];
	struct io io;
	size_t len;
	unsigned int n;

	REQUIRE(!io_open(&io, 1, true, NULL));
	post_rx(&io, 0, 8, 2048, 0);
	vuc_sync(&io.d.c);
	len = build4(f, 6, ip_b, ip_a, 2000, 1000, 500, 1);
	REQUIRE(!wire_send(&io, f, len));
	n = rx_comp(&io, 0, c, 4, 2000);
	CHECK_EQ(n, 1);
	CHECK_EQ(c[0].length, len);
	CHECK_EQ(c[0].req_id, 0);
	CHECK(c[0].status & EIF_RXC_FIRST);
	CHECK(c[0].status & EIF_RXC_LAST);
	CHECK_EQ(c[0].status & 0x1f, EIF_L3_IPV4);
	CHECK_EQ((c[0].status >> 8) & 0x1f, EIF_L4_TCP);
	CHECK(c[0].status & EIF_RXC_L4_CSUM_CHECKED);
	CHECK(!(c[0].status & (EIF_RXC_L4_CSUM_ERR | EIF_RXC_L3_CSUM_ERR)));
	CHECK(c[0].hash != 0);
	CHECK(!memcmp(drv_mem(&io.d, RXBUF(0, 0)), f, len));
	CHECK(vuc_irq_wait(&io.d.c, 1, 1000) >= 1);
	/* a bad TCP checksum is reported, not dropped */
	f[60] ^= 0xff;
	REQUIRE(!wire_send(&io, f, len));
	n = rx_comp(&io, 0, c, 4, 2000);
	CHECK_EQ(n, 1);
	CHECK_EQ(c[0].req_id, 1);
	CHECK(c[0].status & EIF_RXC_L4_CSUM_ERR);
	CHECK_EQ(basic_stats(&io, &bs), 0);
	CHECK_EQ(bs.rx_pkts_lo, 2);
	CHECK_EQ(bs.rx_bytes_lo, 2 * len);
out:
	io_close(&io);
}

static void t_rx_multi_desc(void)
{
	struct eif_rx_cdesc c[8];
	uint8_t f[2048];
	struct io io;
	size_t len, off = 0;
	unsigned int n, i;

	REQUIRE(!io_open(&io, 1, true, NULL));
	post_rx(&io, 0, 8, 512, 0);
	vuc_sync(&io.d.c);
	len = build4(f, 17, ip_b, ip_a, 2000, 1000, 1300, 1);
	REQUIRE(!wire_send(&io, f, len));
	n = rx_comp(&io, 0, c, 8, 2000);
	CHECK_EQ(n, (len + 511) / 512);
	for (i = 0; i < n; i++) {
		CHECK_EQ(c[i].req_id, i);
		CHECK_EQ(!!(c[i].status & EIF_RXC_FIRST), i == 0);
		CHECK_EQ(!!(c[i].status & EIF_RXC_LAST), i + 1 == n);
		CHECK_EQ(c[i].length, i + 1 < n ? 512 : len - 512 * i);
		CHECK(!memcmp(drv_mem(&io.d, RXBUF(0, i)), f + off, c[i].length));
		off += c[i].length;
	}
	CHECK_EQ(off, len);
	CHECK_EQ((c[n - 1].status >> 8) & 0x1f, EIF_L4_UDP);
out:
	io_close(&io);
}

static void t_rx_no_buffer(void)
{
	struct eif_rx_cdesc c[4];
	struct eif_basic_stats bs;
	struct eif_aenq_entry e;
	uint8_t f[2048];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	len = build4(f, 17, ip_b, ip_a, 2000, 1000, 100, 1);
	REQUIRE(!wire_send(&io, f, len));
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 200), 0);
	CHECK_EQ(basic_stats(&io, &bs), 0);
	/* no buffer posted: overruns, counted apart from the other drops */
	CHECK_EQ(bs.rx_overruns_lo, 2);
	CHECK_EQ(bs.rx_drops_lo, 0);
	CHECK_EQ(bs.rx_pkts_lo, 0);
	CHECK_EQ(counter(&io, "rx_no_buf"), 2);
	CHECK_EQ(counter(&io, "rx_overruns"), 2);
	/* the next buffer gets the next frame */
	post_rx(&io, 0, 1, 2048, 0);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	/* frame bigger than what is posted: dropped, buffers stay */
	post_rx(&io, 0, 1, 64, 0);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 200), 0);
	CHECK_EQ(counter(&io, "rx_no_buf"), 3);
	/* the keep-alive carries the drop counters */
	drv_aenq_enable(&io.d);
	while (!drv_aenq_next(&io.d, &e, 3000))
		if (e.hdr.group == EIF_AENQ_KEEP_ALIVE)
			break;
	CHECK_EQ(e.hdr.group, EIF_AENQ_KEEP_ALIVE);
	CHECK_EQ(e.u.keep_alive.rx_overruns_lo, 3);
	CHECK_EQ(e.u.keep_alive.rx_overruns_hi, 0);
	CHECK_EQ(e.u.keep_alive.rx_drops_lo, 0);
out:
	io_close(&io);
}

static void t_irq_automask(void)
{
	struct eif_rx_cdesc c[4];
	uint8_t f[2048], got[2048];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	post_rx(&io, 0, 16, 2048, 0);
	vuc_sync(&io.d.c);
	len = build4(f, 17, ip_b, ip_a, 2000, 1000, 100, 1);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 1000), 1);
	/* masked now: more RX and TX completions, no interrupt */
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	send_frame(&io, 0, f, len, 3);
	CHECK(wire_recv(&io, got, sizeof(got), 2000) > 0);
	CHECK_EQ(tx_comp(&io, 0, 1000), 3);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 100), 0);
	/* a delay-only update does not unmask */
	vuc_bar_write32(&io.d.c, 0, io.q[0].tx_unmask, 0);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 100), 0);
	/* unmask: what arrived meanwhile raises it once */
	unmask(&io, 0, 0, 0);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 1000), 1);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 100), 0);
	/* unmask with nothing pending: quiet until the next completion */
	unmask(&io, 0, 0, 0);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 100), 0);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 1000), 1);
	/* a write without the unmask bit masks the vector again */
	unmask(&io, 0, 0, 0);
	vuc_bar_write32(&io.d.c, 0, io.q[0].tx_unmask, 0);
	vuc_sync(&io.d.c);		/* the writes are posted: before the frame */
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 100), 0);
	unmask(&io, 0, 0, 0);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 1000), 1);
out:
	io_close(&io);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void t_irq_moderation(void)
{
	struct eif_rx_cdesc c[4];
	uint8_t f[2048];
	struct io io;
	uint64_t t0, dt;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	post_rx(&io, 0, 16, 2048, 0);
	/* resolution 1 us: rx delay 150 ms (the field holds up to 32767 units) */
	vuc_bar_write32(&io.d.c, 0, io.q[0].tx_unmask, EIF_INTR_REG_UNMASK | 30000);
	vuc_sync(&io.d.c);
	len = build4(f, 17, ip_b, ip_a, 2000, 1000, 100, 1);
	t0 = now_ms();
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	/* the completion is there at once, the interrupt only after the delay */
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 10), 0);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 2000), 1);
	dt = now_ms() - t0;
	CHECK(dt >= 25);
	CHECK(dt < 1500);
	CHECK_EQ(counter(&io, "irqs"), 1);
out:
	io_close(&io);
}

/* the Microsoft RSS verification suite (public values) */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static const struct {
	uint8_t da[4];
	uint16_t dp;
	uint8_t sa[4];
	uint16_t sp;
	uint32_t ip, tcp;
} ms_v4[] = {
	{ { 161, 142, 100, 80 }, 1766, { 66, 9, 149, 187 }, 2794, 0x323e8fc2, 0x51ccc178 },
	{ { 65, 69, 140, 83 }, 4739, { 199, 92, 111, 2 }, 14230, 0xd718262a, 0xc626b0ea },
	{ { 12, 22, 207, 184 }, 38024, { 24, 19, 198, 95 }, 12898, 0xd2d0a5de, 0x5c2b394a },
	{ { 209, 142, 163, 6 }, 2217, { 38, 27, 205, 30 }, 48228, 0x82989176, 0xafc7327f },
	{ { 202, 188, 127, 2 }, 1303, { 153, 39, 163, 191 }, 44251, 0x5d1809c5, 0x10e828a2 },
};

static void t_toeplitz_vectors(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(ms_v4) / sizeof(ms_v4[0]); i++) {
		uint8_t in[12];

		memcpy(in, ms_v4[i].sa, 4);
		memcpy(in + 4, ms_v4[i].da, 4);
		w16(in + 8, ms_v4[i].sp);
		w16(in + 10, ms_v4[i].dp);
		CHECK_EQ(pkt_toeplitz(ms_key, sizeof(ms_key), in, 8), ms_v4[i].ip);
		CHECK_EQ(pkt_toeplitz(ms_key, sizeof(ms_key), in, 12), ms_v4[i].tcp);
	}
}

static const struct {
	uint8_t da[16];
	uint16_t dp;
	uint8_t sa[16];
	uint16_t sp;
	uint32_t ip, tcp;
} ms_v6[] = {
	{ { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 1 }, 1766,
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 7 }, 2794,
	  0x2cc18cd5, 0x40207d3d },
	{ { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 4739,
	  { 0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0, 0, 0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab }, 14230,
	  0x0f0c461c, 0xdde51bbf },
	{ { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf }, 38024,
	  { 0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03, 0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf }, 44251,
	  0x4b61e985, 0x02d1feef },
};

static void t_toeplitz_vectors_v6(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(ms_v6) / sizeof(ms_v6[0]); i++) {
		uint8_t in[36];

		memcpy(in, ms_v6[i].sa, 16);
		memcpy(in + 16, ms_v6[i].da, 16);
		w16(in + 32, ms_v6[i].sp);
		w16(in + 34, ms_v6[i].dp);
		CHECK_EQ(pkt_toeplitz(ms_key, sizeof(ms_key), in, 32), ms_v6[i].ip);
		CHECK_EQ(pkt_toeplitz(ms_key, sizeof(ms_key), in, 36), ms_v6[i].tcp);
	}
}

/* ethtool -X hfunc crc32: the driver selects CRC32 with an init value */
static void t_rss_crc32(void)
{
	struct eif_f_hash_func hf;
	struct eif_acq_entry r;
	struct eif_rx_cdesc c[2];
	struct eif_rss_key_buf *key;
	uint8_t f[256], in[12];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	post_rx(&io, 0, 4, 2048, 0);
	key = drv_mem(&io.d, DRV_CTRL);
	memset(key, 0, sizeof(*key));
	key->key_parts = 10;
	memcpy(key->key, ms_key, 40);
	memset(&hf, 0, sizeof(hf));
	hf.selected = EIF_BIT(EIF_HASH_CRC32);
	hf.init_val = 0x12345678;
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf),
				 drv_iova(DRV_CTRL), sizeof(*key)), 0);
	CHECK_EQ(drv_get_feature(&io.d, EIF_FEAT_RSS_HASH_FUNCTION, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.hash_func.selected, EIF_BIT(EIF_HASH_CRC32));
	CHECK_EQ(r.u.hash_func.init_val, 0x12345678);
	len = build4(f, 6, ms_v4[0].sa, ms_v4[0].da, ms_v4[0].sp, ms_v4[0].dp, 10, 1);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 2, 2000), 1);
	memcpy(in, ms_v4[0].sa, 4);
	memcpy(in + 4, ms_v4[0].da, 4);
	w16(in + 8, ms_v4[0].sp);
	w16(in + 10, ms_v4[0].dp);
	CHECK_EQ(c[0].hash, pkt_crc32(0x12345678, in, 12));
	CHECK(c[0].hash != ms_v4[0].tcp);
	/* two functions at once is illegal */
	hf.selected = EIF_BIT(EIF_HASH_CRC32) | EIF_BIT(EIF_HASH_TOEPLITZ);
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);
out:
	io_close(&io);
}

static void t_rx_ipv6_hash(void)
{
	struct eif_rx_cdesc c[2];
	uint8_t f[512];
	struct io io;
	unsigned int i;

	/* default key (the Microsoft one), hash input and no sorting; one queue */
	REQUIRE(!io_open(&io, 1, true, NULL));
	post_rx(&io, 0, 8, 2048, 0);
	for (i = 0; i < sizeof(ms_v6) / sizeof(ms_v6[0]); i++) {
		size_t len = build6_tcp(f, ms_v6[i].sa, ms_v6[i].da, ms_v6[i].sp, ms_v6[i].dp, 33);

		REQUIRE(!wire_send(&io, f, len));
		CHECK_EQ(rx_comp(&io, 0, c, 2, 2000), 1);
		CHECK_EQ(c[0].status & 0x1f, EIF_L3_IPV6);
		CHECK_EQ((c[0].status >> 8) & 0x1f, EIF_L4_TCP);
		CHECK(c[0].status & EIF_RXC_L4_CSUM_CHECKED);
		CHECK(!(c[0].status & EIF_RXC_L4_CSUM_ERR));
		CHECK_EQ(c[0].hash, ms_v6[i].tcp);
	}
out:
	io_close(&io);
}

static void t_rss_steering(void)
{
	struct eif_rss_key_buf *key;
	struct eif_f_hash_func hf;
	struct eif_f_ind_table it;
	struct eif_rss_ind_entry *tbl;
	struct eif_rss_hash_ctrl_buf *hc;
	struct eif_f_hash_input hi;
	unsigned int i, q, hits[4] = { 0 };
	struct io io;

	REQUIRE(!io_open(&io, 4, true, NULL));
	/* key (byte stream as the driver copies it), Toeplitz, no sorting */
	key = drv_mem(&io.d, DRV_CTRL);
	memset(key, 0, sizeof(*key));
	key->key_parts = 10;
	memcpy(key->key, ms_key, 40);
	memset(&hf, 0, sizeof(hf));
	hf.selected = EIF_BIT(EIF_HASH_TOEPLITZ);
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_RSS_HASH_FUNCTION, &hf, sizeof(hf),
				 drv_iova(DRV_CTRL), sizeof(*key)), 0);
	hc = drv_mem(&io.d, DRV_CTRL);
	memset(hc, 0, sizeof(*hc));
	hc->selected[EIF_RSS_TCP4].fields = EIF_RSS_F_L3_SA | EIF_RSS_F_L3_DA |
					     EIF_RSS_F_L4_SP | EIF_RSS_F_L4_DP;
	hc->selected[EIF_RSS_IP4].fields = EIF_RSS_F_L3_SA | EIF_RSS_F_L3_DA;
	memset(&hi, 0, sizeof(hi));
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_RSS_HASH_INPUT, &hi, sizeof(hi),
				 drv_iova(DRV_CTRL), sizeof(*hc)), 0);
	/* entry i -> RX queue i % 4 */
	tbl = drv_mem(&io.d, DRV_CTRL);
	for (i = 0; i < 128; i++) {
		tbl[i].queue = io.q[i % 4].rxsq;
		tbl[i].rsvd = 0;
	}
	memset(&it, 0, sizeof(it));
	it.log_size = 7;
	it.inline_index = EIF_RSS_INLINE_INDEX_NONE;
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it),
				 drv_iova(DRV_CTRL), 128 * 4), 0);
	for (q = 0; q < 4; q++)
		post_rx(&io, q, 16, 2048, 0);
	vuc_sync(&io.d.c);
	for (i = 0; i < sizeof(ms_v4) / sizeof(ms_v4[0]); i++) {
		uint8_t f[256];
		size_t len = build4(f, 6, ms_v4[i].sa, ms_v4[i].da, ms_v4[i].sp, ms_v4[i].dp, 10, 1);
		struct eif_rx_cdesc c[2];
		unsigned int want = ms_v4[i].tcp % 128 % 4;

		REQUIRE(!wire_send(&io, f, len));
		CHECK_EQ(rx_comp(&io, want, c, 2, 2000), 1);
		CHECK_EQ(c[0].hash, ms_v4[i].tcp);
		hits[want]++;
		/* the same addresses over a protocol without ports: IPv4 hash */
		len = build4(f, 17, ms_v4[i].sa, ms_v4[i].da, ms_v4[i].sp, ms_v4[i].dp, 10, 1);
		f[23] = 99;	/* not UDP any more */
		f[24] = f[25] = 0;
		w16(f + 24, t_csum(f + 14, 20, 0));
		want = ms_v4[i].ip % 128 % 4;
		REQUIRE(!wire_send(&io, f, len));
		CHECK_EQ(rx_comp(&io, want, c, 2, 2000), 1);
		CHECK_EQ(c[0].hash, ms_v4[i].ip);
	}
	for (q = 0, i = 0; q < 4; q++)
		i += hits[q] > 0;
	CHECK(i >= 2);	/* the vectors spread over more than one queue */
out:
	io_close(&io);
}

static void t_malformed_tx(void)
{
	uint8_t f[2048], got[2048];
	struct eif_acq_entry r;
	struct io io;
	size_t len;
	int n;

	REQUIRE(!io_open(&io, 1, true, NULL));
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 100, 1);
	/* buffer outside guest memory: dropped, still completed */
	send_tx(&io, 0, &(struct txbuf){ NULL, 100, NOWHERE }, 1, 1, 0, NULL, true);
	CHECK_EQ(tx_comp(&io, 0, 1000), 1);
	/* buffer straddling the end of guest memory */
	send_tx(&io, 0, &(struct txbuf){ NULL, 4096, drv_iova(DRV_MEM_SIZE - 100) }, 1, 2, 0,
		NULL, true);
	CHECK_EQ(tx_comp(&io, 0, 1000), 2);
	/* zero-length frame, too-short frame */
	send_tx(&io, 0, &(struct txbuf){ f, 0, 0 }, 1, 3, 0, NULL, true);
	CHECK_EQ(tx_comp(&io, 0, 1000), 3);
	send_tx(&io, 0, &(struct txbuf){ f, 10, 0 }, 1, 4, 0, NULL, true);
	CHECK_EQ(tx_comp(&io, 0, 1000), 4);
	/* req_id beyond the depth: completed as given (the driver resets on it) */
	send_frame(&io, 0, f, len, 0x3ff);
	CHECK(wire_recv(&io, got, sizeof(got), 2000) > 0);
	CHECK_EQ(tx_comp(&io, 0, 1000), 0x3ff);
	CHECK(wire_recv(&io, got, sizeof(got), 100) < 0);	/* nothing else went out */
	CHECK_EQ(counter(&io, "tx_bad_desc"), 5);
	/* doorbell far ahead of the ring: ignored */
	vuc_bar_write32(&io.d.c, 0, io.q[0].tx_db, io.q[0].tx_tail + 1000);
	/* a descriptor with the wrong phase is not consumed */
	{
		struct eif_tx_desc *t = tx_slot(&io, 0);

		t->len_ctrl ^= EIF_TX_PHASE;
		t->len_ctrl |= EIF_TX_FIRST | EIF_TX_LAST | EIF_TX_COMP_REQ | (uint32_t)len;
		t->addr_lo = (uint32_t)drv_iova(TXBUF);
		memcpy(drv_mem(&io.d, TXBUF), f, len);
		vuc_bar_write32(&io.d.c, 0, io.q[0].tx_db, io.q[0].tx_tail);
		CHECK_EQ(tx_comp(&io, 0, 100), -1);
		/* fixed by the driver and rung again: sent */
		t->len_ctrl ^= EIF_TX_PHASE;
		vuc_bar_write32(&io.d.c, 0, io.q[0].tx_db, io.q[0].tx_tail);
		CHECK_EQ(tx_comp(&io, 0, 1000), 0);
		n = wire_recv(&io, got, sizeof(got), 2000);
		CHECK_EQ(n, len);
	}
	/* a packet whose last descriptor is not there yet waits for it */
	{
		struct eif_tx_desc *t = tx_slot(&io, 0);

		t->len_ctrl |= EIF_TX_FIRST | EIF_TX_COMP_REQ | 14;
		t->meta_ctrl = 9u << 22;
		t->addr_lo = (uint32_t)drv_iova(TXBUF);
		vuc_bar_write32(&io.d.c, 0, io.q[0].tx_db, io.q[0].tx_tail);
		CHECK_EQ(tx_comp(&io, 0, 100), -1);
		t = tx_slot(&io, 0);
		t->len_ctrl |= EIF_TX_LAST | ((uint32_t)len - 14);
		t->addr_lo = (uint32_t)drv_iova(TXBUF + 14);
		vuc_bar_write32(&io.d.c, 0, io.q[0].tx_db, io.q[0].tx_tail);
		CHECK_EQ(tx_comp(&io, 0, 1000), 9);
		n = wire_recv(&io, got, sizeof(got), 2000);
		CHECK_EQ(n, len);
		CHECK(n > 0 && !memcmp(got, f, len));
	}
	/* the device is still fine */
	CHECK_EQ(drv_get_feature(&io.d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &r), 0);
out:
	io_close(&io);
}

static void t_malformed_rx(void)
{
	struct eif_rx_cdesc c[4];
	uint8_t f[2048];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	len = build4(f, 17, ip_b, ip_a, 2000, 1000, 100, 1);
	/* buffer outside guest memory: frame dropped, nothing written */
	post_rx(&io, 0, 1, 2048, NOWHERE);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 200), 0);
	CHECK_EQ(counter(&io, "rx_bad_desc"), 1);
	/* runt and oversized datagrams do not hurt */
	REQUIRE(!wire_send(&io, f, 1));
	CHECK_EQ(drv_get_feature(&io.d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, NULL), 0);
out:
	io_close(&io);
}

static void t_loopback_self(void)
{
	static const char *const args[] = { "--loopback", NULL };
	struct eif_rx_cdesc c[4];
	uint8_t f[2048];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, false, args));
	post_rx(&io, 0, 4, 2048, 0);
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 200, 1);
	send_frame(&io, 0, f, len, 1);
	CHECK_EQ(tx_comp(&io, 0, 1000), 1);
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	CHECK_EQ(c[0].length, len);
	CHECK(!memcmp(drv_mem(&io.d, RXBUF(0, 0)), f, len));
out:
	io_close(&io);
}

/* two functions of one process cabled back to back */
static void t_loopback_two_functions(void)
{
	char path2[100];
	const char *args[] = { "--socket", path2, "--loopback", NULL };
	struct eif_rx_cdesc c[4];
	uint8_t f[2048];
	struct io io, io2;
	size_t len;

	io_init(&io2);
	snprintf(path2, sizeof(path2), "/tmp/ena-model-loop2-%d.sock", (int)getpid());
	REQUIRE(!io_open(&io, 1, false, args));
	strcpy(io2.d.c.sockpath, path2);
	REQUIRE(!vuc_connect(&io2.d.c));
	REQUIRE(!vuc_version(&io2.d.c));
	REQUIRE(!vuc_map_memory(&io2.d.c, DRV_IOVA, DRV_MEM_SIZE));
	vuc_cfg_write(&io2.d.c, 4, 0x6, 2);
	REQUIRE(!vuc_setup_msix(&io2.d.c, 2, false));
	io2.d.readless = true;
	REQUIRE(!io_queues(&io2, 1));
	post_rx(&io, 0, 4, 2048, 0);
	post_rx(&io2, 0, 4, 2048, 0);
	/* function 0 -> function 1 */
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 300, 1);
	send_frame(&io, 0, f, len, 1);
	CHECK_EQ(tx_comp(&io, 0, 1000), 1);
	CHECK_EQ(rx_comp(&io2, 0, c, 4, 2000), 1);
	CHECK_EQ(c[0].length, len);
	CHECK(!memcmp(drv_mem(&io2.d, RXBUF(0, 0)), f, len));
	CHECK(vuc_irq_wait(&io2.d.c, 1, 1000) >= 1);
	CHECK_EQ(rx_comp(&io, 0, c, 4, 100), 0);
	/* and back */
	len = build4(f, 6, ip_b, ip_a, 2000, 1000, 700, 1);
	send_frame(&io2, 0, f, len, 2);
	CHECK_EQ(tx_comp(&io2, 0, 1000), 2);
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	CHECK_EQ(c[0].length, len);
	CHECK(!memcmp(drv_mem(&io.d, RXBUF(0, 0)), f, len));
	CHECK(c[0].status & EIF_RXC_L4_CSUM_CHECKED);
out:
	if (io2.d.c.sock >= 0)
		close(io2.d.c.sock);
	if (io2.d.c.mem)
		munmap(io2.d.c.mem, io2.d.c.mem_size);
	if (io2.d.c.memfd >= 0)
		close(io2.d.c.memfd);
	for (unsigned int i = 0; i < VUC_MAX_IRQS; i++)
		if (io2.d.c.irqfd[i] >= 0)
			close(io2.d.c.irqfd[i]);
	unlink(path2);
	io_close(&io);
}

/* sends frame f n times (req_ids first..), completes them; frames on the wire */
static unsigned int send_burst(struct io *io, const uint8_t *f, size_t len, unsigned int n,
			       unsigned int first)
{
	uint8_t got[2048];
	unsigned int i, out = 0;

	for (i = first; i < first + n; i++) {
		send_frame(io, 0, f, len, (uint16_t)i);
		CHECK_EQ(tx_comp(io, 0, 1000), i);
	}
	while (wire_recv(io, got, sizeof(got), 100) > 0)
		out++;
	return out;
}

static int eni_stats(struct io *io, struct eif_eni_stats *e)
{
	struct eif_aq_entry c;
	struct eif_acq_entry r;
	int st;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_STATS;
	c.u.stats.type = EIF_STATS_ENI;
	c.u.stats.device_id = 0xffff;
	st = drv_cmd(&io->d, &c, &r);
	*e = r.u.eni;
	return st;
}

static void t_eni_allowance(void)
{
	static const char *const args[] = { "--set", "pps_allowance=3", NULL };
	struct eif_eni_stats e;
	unsigned int out_frames;
	uint8_t f[2048];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, args));
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 100, 1);
	out_frames = send_burst(&io, f, len, 5, 0);
	/* one-second window: 3 out (unless the window turned over), the rest counted */
	CHECK_EQ(eni_stats(&io, &e), 0);
	CHECK(out_frames >= 3);
	CHECK_EQ(e.pps_allowance_exceeded, 5 - out_frames);
	CHECK_EQ(e.bw_in_allowance_exceeded, 0);
out:
	io_close(&io);
}

/* customer metric i (5: conntrack_allowance_available), or ~0 on error */
static uint64_t customer_metric(struct io *io, unsigned int i)
{
	uint64_t *vals = drv_mem(&io->d, DRV_CTRL);
	struct eif_aq_entry c;
	struct eif_acq_entry r;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_STATS;
	c.u.stats.type = EIF_STATS_CUSTOMER_METRICS;
	c.u.stats.device_id = 0xffff;
	c.u.stats.requested_metrics_lo = 0x3f;
	c.u.stats.cb.length = 48;
	c.u.stats.cb.addr.lo = (uint32_t)drv_iova(DRV_CTRL);
	c.u.stats.cb.addr.hi = (uint32_t)(drv_iova(DRV_CTRL) >> 32);
	if (drv_cmd(&io->d, &c, &r))
		return ~0ull;
	return vals[i];
}

/*
 * Conntrack allowance 2: a third connection's frames are dropped and
 * counted, the replies of a tracked one pass, the customer metric shows
 * what is left; a higher allowance on the control port lets the third one
 * through; an idle connection is forgotten after the timeout.
 */
static void t_eni_conntrack(void)
{
	static const char *const args[] = {
		"--set", "conntrack_allowance=2", "--set", "conntrack_timeout_ms=300",
		"--set", "capabilities=0,2", NULL,
	};
	struct eif_rx_cdesc rc[4];
	uint8_t f[2048], got[2048];
	char out[4096];
	struct io io;
	size_t len;
	uint16_t i;

	REQUIRE(!io_open(&io, 1, true, args));
	CHECK_EQ(customer_metric(&io, 5), 2);
	for (i = 0; i < 3; i++) {
		len = build4(f, 17, ip_a, ip_b, (uint16_t)(1000 + i), 2000, 100, 1);
		send_frame(&io, 0, f, len, i);
		CHECK_EQ(tx_comp(&io, 0, 1000), i);
		CHECK_EQ(wire_recv(&io, got, sizeof(got), 200) > 0, i < 2);
	}
	CHECK_EQ(counter(&io, "eni_conntrack_allowance_exceeded"), 1);
	CHECK_EQ(counter(&io, "eni_conntrack_tracked"), 2);
	CHECK_EQ(customer_metric(&io, 3), 1);		/* conntrack_allowance_exceeded */
	CHECK_EQ(customer_metric(&io, 5), 0);
	/* the reply of the first connection is the same connection */
	post_rx(&io, 0, 2, 2048, 0);
	len = build4(f, 17, ip_b, ip_a, 2000, 1000, 100, 1);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, rc, 4, 2000), 1);
	CHECK_EQ(counter(&io, "eni_conntrack_allowance_exceeded"), 1);
	/* a new connection from the wire is refused too */
	len = build4(f, 17, ip_b, ip_a, 3000, 1000, 100, 1);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, rc, 4, 200), 0);
	CHECK_EQ(counter(&io, "eni_conntrack_allowance_exceeded"), 2);
	/* one more on the control port: the third connection passes */
	CHECK_EQ(ctl(&io, "allowance conntrack 3", out, sizeof(out)), 0);
	len = build4(f, 17, ip_a, ip_b, 1002, 2000, 100, 1);
	send_frame(&io, 0, f, len, 3);
	CHECK_EQ(tx_comp(&io, 0, 1000), 3);
	CHECK(wire_recv(&io, got, sizeof(got), 1000) > 0);
	CHECK_EQ(counter(&io, "eni_allowance_conntrack"), 3);
	/* bad commands change nothing */
	CHECK(ctl(&io, "allowance conntrack 5000", out, sizeof(out)) < 0);
	CHECK(ctl(&io, "allowance flows 1", out, sizeof(out)) < 0);
	CHECK(ctl(&io, "allowance pps -1", out, sizeof(out)) < 0);
	CHECK_EQ(counter(&io, "eni_allowance_conntrack"), 3);
	/* idle past the timeout: forgotten */
	sleep_ms(400);
	CHECK_EQ(customer_metric(&io, 5), 3);
out:
	io_close(&io);
}

/*
 * Link-local allowance 2 packets/s: frames to 169.254.169.254 past it are
 * dropped and counted; other traffic is not limited by it.
 */
static void t_eni_linklocal(void)
{
	static const char *const args[] = { "--set", "linklocal_allowance=2", NULL };
	static const uint8_t imds[4] = { 169, 254, 169, 254 };
	unsigned int n, out_ll = 0, out_other = 0;
	uint8_t f[2048], got[2048];
	struct io io;
	size_t len;
	uint16_t i;

	REQUIRE(!io_open(&io, 1, true, args));
	len = build4(f, 17, ip_a, imds, 1000, 80, 100, 1);
	for (i = 0; i < 4; i++) {
		send_frame(&io, 0, f, len, i);
		CHECK_EQ(tx_comp(&io, 0, 1000), i);
	}
	while (wire_recv(&io, got, sizeof(got), 100) > 0)
		out_ll++;
	len = build4(f, 17, ip_a, ip_b, 1000, 80, 100, 1);
	for (i = 4; i < 8; i++) {
		send_frame(&io, 0, f, len, i);
		CHECK_EQ(tx_comp(&io, 0, 1000), i);
	}
	while (wire_recv(&io, got, sizeof(got), 100) > 0)
		out_other++;
	/* one-second windows: 2 out unless the window turned over */
	CHECK(out_ll >= 2);
	n = (unsigned int)counter(&io, "eni_linklocal_allowance_exceeded");
	CHECK_EQ(n, 4 - out_ll);
	CHECK_EQ(out_other, 4);
	CHECK_EQ(counter(&io, "eni_pps_allowance_exceeded"), 0);
out:
	io_close(&io);
}

static void t_ctl_link_and_faults(void)
{
	struct eif_aenq_entry e;
	uint8_t f[2048], got[2048];
	char out[4096];
	struct io io;
	size_t len;
	int i;

	REQUIRE(!io_open(&io, 1, true, NULL));
	drv_aenq_enable(&io.d);
	/* the initial link-up event */
	CHECK_EQ(drv_aenq_next(&io.d, &e, 2000), 0);
	CHECK_EQ(e.hdr.group, EIF_AENQ_LINK_CHANGE);
	CHECK_EQ(ctl(&io, "link down", out, sizeof(out)), 0);
	for (i = 0; i < 5 && !drv_aenq_next(&io.d, &e, 2000); i++)
		if (e.hdr.group == EIF_AENQ_LINK_CHANGE)
			break;
	CHECK_EQ(e.hdr.group, EIF_AENQ_LINK_CHANGE);
	CHECK_EQ(e.u.link_flags & EIF_AENQ_LINK_UP, 0);
	/* link down: TX is completed but nothing reaches the wire */
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 100, 1);
	send_frame(&io, 0, f, len, 1);
	CHECK_EQ(tx_comp(&io, 0, 1000), 1);
	CHECK(wire_recv(&io, got, sizeof(got), 100) < 0);
	CHECK_EQ(counter(&io, "tx_link_down"), 1);
	CHECK_EQ(ctl(&io, "link up", out, sizeof(out)), 0);
	/* drop one TX completion */
	CHECK_EQ(ctl(&io, "tx-comp drop 1", out, sizeof(out)), 0);
	send_frame(&io, 0, f, len, 2);
	CHECK(wire_recv(&io, got, sizeof(got), 2000) > 0);
	CHECK_EQ(tx_comp(&io, 0, 200), -1);
	send_frame(&io, 0, f, len, 3);
	CHECK_EQ(tx_comp(&io, 0, 1000), 3);
	/* delay them */
	CHECK_EQ(ctl(&io, "tx-comp delay 300", out, sizeof(out)), 0);
	send_frame(&io, 0, f, len, 4);
	CHECK(wire_recv(&io, got, sizeof(got), 2000) > 0);
	CHECK_EQ(tx_comp(&io, 0, 100), -1);
	CHECK_EQ(tx_comp(&io, 0, 2000), 4);
	CHECK_EQ(ctl(&io, "tx-comp normal", out, sizeof(out)), 0);
	/* notification and fatal events */
	CHECK_EQ(ctl(&io, "notify", out, sizeof(out)), 0);
	for (i = 0; i < 5 && !drv_aenq_next(&io.d, &e, 2000); i++)
		if (e.hdr.group == EIF_AENQ_NOTIFICATION)
			break;
	CHECK_EQ(e.hdr.group, EIF_AENQ_NOTIFICATION);
	CHECK_EQ(ctl(&io, "keepalive stop", out, sizeof(out)), 0);
	CHECK(strstr(out, "ok") == out);
	CHECK_EQ(ctl(&io, "counters", out, sizeof(out)), 0);
	CHECK(strstr(out, "ena0.keepalive=stopped"));
	CHECK(strstr(out, "ena0.tx_comps_dropped=1"));
	CHECK(ctl(&io, "bogus", out, sizeof(out)) < 0);
	CHECK(ctl(&io, "link sideways", out, sizeof(out)) < 0);
	CHECK(ctl(&io, "link up fn=7", out, sizeof(out)) < 0);
	/* the log's verbosity can change at run time, and a guest can mark it */
	CHECK_EQ(ctl(&io, "mark tour step 1", out, sizeof(out)), 0);
	CHECK(ctl(&io, "mark", out, sizeof(out)) < 0);
	CHECK(ctl(&io, "log loud", out, sizeof(out)) < 0);
	CHECK_EQ(ctl(&io, "log trace", out, sizeof(out)), 0);
	CHECK_EQ(ctl(&io, "log info", out, sizeof(out)), 0);
	CHECK_EQ(ctl(&io, "fatal", out, sizeof(out)), 0);
	CHECK(drv_reg_read(&io.d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL);
out:
	io_close(&io);
}

/* faults on demand: the admin queue stalls, then answers with errors */
static void t_fault_admin(void)
{
	struct eif_basic_stats bs;
	struct eif_acq_entry r;
	struct eif_aq_entry c;
	char out[4096];
	struct io io;

	REQUIRE(!io_open(&io, 1, true, NULL));
	CHECK_EQ(ctl(&io, "fault admin-error 2 5", out, sizeof(out)), 0);
	CHECK_EQ(basic_stats(&io, &bs), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(basic_stats(&io, &bs), EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(basic_stats(&io, &bs), 0);
	/* a stall: no answer until the fault is cleared, then the answer */
	CHECK_EQ(ctl(&io, "fault admin-stall", out, sizeof(out)), 0);
	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_STATS;
	c.u.stats.device_id = 0xffff;
	drv_submit(&io.d, &c);
	CHECK_EQ(drv_complete(&io.d, &r, 300), -1);
	CHECK_EQ(counter(&io, "fault_hits"), 3);
	CHECK_EQ(ctl(&io, "fault clear", out, sizeof(out)), 0);
	CHECK_EQ(drv_complete(&io.d, &r, 1000), 0);
	/* a device reset ends a stall, as it would recover a hung device */
	CHECK_EQ(ctl(&io, "fault admin-stall", out, sizeof(out)), 0);
	CHECK_EQ(ctl(&io, "counters", out, sizeof(out)), 0);
	CHECK(strstr(out, "ena0.fault=admin-stall"));
	CHECK_EQ(drv_reset(&io.d), 0);
	CHECK_EQ(ctl(&io, "counters", out, sizeof(out)), 0);
	CHECK(strstr(out, "ena0.fault=none"));
	CHECK(ctl(&io, "fault sideways", out, sizeof(out)) < 0);
	CHECK(ctl(&io, "fault admin-error x", out, sizeof(out)) < 0);
out:
	io_close(&io);
}

/* TX completions naming a buffer the driver never posted, or one twice */
static void t_fault_tx_req_id(void)
{
	uint8_t f[2048], got[2048];
	char out[4096];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 100, 1);
	CHECK_EQ(ctl(&io, "fault tx-bad-req-id", out, sizeof(out)), 0);
	send_frame(&io, 0, f, len, 1);
	CHECK(wire_recv(&io, got, sizeof(got), 2000) > 0);
	CHECK_EQ(tx_comp(&io, 0, 1000), 0xffff);
	send_frame(&io, 0, f, len, 2);
	CHECK_EQ(tx_comp(&io, 0, 1000), 2);
	CHECK_EQ(ctl(&io, "fault tx-repeat-req-id 1", out, sizeof(out)), 0);
	send_frame(&io, 0, f, len, 3);
	CHECK_EQ(tx_comp(&io, 0, 1000), 2);
	send_frame(&io, 0, f, len, 4);
	CHECK_EQ(tx_comp(&io, 0, 1000), 4);
	CHECK_EQ(counter(&io, "fault_hits"), 2);
out:
	io_close(&io);
}

/* RX completions: a req_id never posted, a length past the buffer, too many parts */
static void t_fault_rx(void)
{
	struct eif_rx_cdesc c[32];
	uint8_t f[2048];
	char out[4096];
	unsigned int n, i, sum;
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	post_rx(&io, 0, 40, 2048, 0);
	len = build4(f, 17, ip_b, ip_a, 2000, 1000, 500, 1);
	CHECK_EQ(ctl(&io, "fault rx-bad-req-id 1 77", out, sizeof(out)), 0);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 32, 2000), 1);
	CHECK_EQ(c[0].req_id, 77);
	CHECK_EQ(ctl(&io, "fault rx-bad-len", out, sizeof(out)), 0);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 32, 2000), 1);
	CHECK_EQ(c[0].req_id, 1);
	CHECK_EQ(c[0].length, 2048 + 512);
	CHECK_EQ(ctl(&io, "fault rx-too-many 1 20", out, sizeof(out)), 0);
	REQUIRE(!wire_send(&io, f, len));
	n = rx_comp(&io, 0, c, 32, 2000);
	CHECK_EQ(n, 20);
	for (i = 0, sum = 0; i < n; i++)
		sum += c[i].length;
	CHECK_EQ(sum, len);
	CHECK(!memcmp(drv_mem(&io.d, RXBUF(0, 2)), f, c[0].length));
	/* the fault is spent: the next frame is whole again */
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 32, 2000), 1);
	CHECK_EQ(c[0].req_id, 22);
	/* two completions, the second one also marked first */
	CHECK_EQ(ctl(&io, "fault rx-bad-first", out, sizeof(out)), 0);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 32, 2000), 2);
	CHECK(c[0].status & EIF_RXC_FIRST);
	CHECK(c[1].status & EIF_RXC_FIRST);
	CHECK(c[1].status & EIF_RXC_LAST);
	CHECK_EQ(c[0].length + c[1].length, len);
out:
	io_close(&io);
}

/* a lost interrupt leaves the vector masked until the driver unmasks it */
static void t_fault_irq_loss(void)
{
	struct eif_rx_cdesc c[4];
	uint8_t f[2048];
	char out[4096];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	post_rx(&io, 0, 8, 2048, 0);
	len = build4(f, 17, ip_b, ip_a, 2000, 1000, 100, 1);
	CHECK_EQ(ctl(&io, "fault irq-loss 300", out, sizeof(out)), 0);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 200), 0);
	CHECK_EQ(counter(&io, "irqs_lost"), 1);
	sleep_ms(200);
	/* past the window, but the vector stays masked: nothing is raised */
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	CHECK_EQ(vuc_irq_wait(&io.d.c, 1, 200), 0);
	/* the driver's unmask (its recovery) brings the pending interrupt */
	unmask(&io, 0, 0, 0);
	CHECK(vuc_irq_wait(&io.d.c, 1, 1000) >= 1);
	CHECK_EQ(ctl(&io, "counters", out, sizeof(out)), 0);
	CHECK(strstr(out, "ena0.fault=none"));
out:
	io_close(&io);
}

/* the RX completion a frame gets with chaos at ppm/seed, raw bytes */
static int chaos_entry(uint32_t ppm, uint32_t seed, uint8_t out[16], long long *garbled)
{
	/* no keep-alive entries: the RX completion is the only entry written */
	static const char *const quiet[] = { "--set", "keepalive_ms=0", NULL };
	uint8_t f[2048];
	char cmd[64], reply[4096];
	struct io io;
	size_t len;
	int rc = -1;

	if (io_open(&io, 1, true, quiet))
		return -1;
	post_rx(&io, 0, 8, 2048, 0);
	snprintf(cmd, sizeof(cmd), "chaos %u %u", ppm, seed);
	if (ctl(&io, cmd, reply, sizeof(reply)))
		goto out;
	len = build4(f, 17, ip_b, ip_a, 2000, 1000, 100, 1);
	if (wire_send(&io, f, len))
		goto out;
	sleep_ms(200);
	vuc_sync(&io.d.c);
	memcpy(out, drv_mem(&io.d, Q_RXCQ(0)), 16);
	*garbled = counter(&io, "chaos");
	rc = 0;
out:
	io_close(&io);
	return rc;
}

/* chaos garbles the entries the device writes, the same way for a seed */
static void t_chaos(void)
{
	uint8_t clean[16], a[16], b[16], c[16];
	long long n0, na, nb, nc;

	REQUIRE(!chaos_entry(0, 1, clean, &n0));
	REQUIRE(!chaos_entry(1000000, 7, a, &na));
	REQUIRE(!chaos_entry(1000000, 7, b, &nb));
	REQUIRE(!chaos_entry(1000000, 8, c, &nc));
	CHECK_EQ(n0, 0);
	CHECK_EQ(na, 1);
	CHECK(memcmp(clean, a, 16) != 0);
	CHECK(!memcmp(a, b, 16));
	CHECK(memcmp(a, c, 16) != 0 || nc != 1);
out:
	;
}

/* the next AENQ entry that is not a keep-alive or a link change, or -1 */
static int next_event(struct io *io, struct eif_aenq_entry *e)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (drv_aenq_next(&io->d, e, 2000))
			return -1;
		if (e->hdr.group != EIF_AENQ_KEEP_ALIVE && e->hdr.group != EIF_AENQ_LINK_CHANGE)
			return 0;
	}
	return -1;
}

/*
 * The AENQ groups beyond upstream Linux's five, sent through the control
 * port: warning, refresh capabilities, configuration notification (its
 * bitmap at bytes 16-23) and device reset request, each only to a driver
 * that enabled its group.
 */
static void t_aenq_more_groups(void)
{
	static const char *const only_five[] = { "--set", "aenq_groups=0,1,2,3,4", NULL };
	static const struct { const char *cmd; uint16_t group; } events[] = {
		{ "event warning", EIF_AENQ_WARNING },
		{ "event refresh-caps", EIF_AENQ_REFRESH_CAPS },
		{ "event reset-request", EIF_AENQ_RESET_REQUEST },
	};
	struct eif_aenq_entry e;
	const uint8_t *raw = (const uint8_t *)&e;
	char out[4096];
	struct io io;
	uint64_t bitmap;
	unsigned int k;

	REQUIRE(!io_open(&io, 1, false, NULL));
	drv_aenq_enable(&io.d);
	for (k = 0; k < sizeof(events) / sizeof(events[0]); k++) {
		CHECK_EQ(ctl(&io, events[k].cmd, out, sizeof(out)), 0);
		CHECK(strstr(out, "posted=1"));
		REQUIRE(!next_event(&io, &e));
		CHECK_EQ(e.hdr.group, events[k].group);
		CHECK_EQ(e.hdr.syndrome, 0);
	}
	CHECK_EQ(ctl(&io, "event conf-notify 0x8000000000000005", out, sizeof(out)), 0);
	REQUIRE(!next_event(&io, &e));
	CHECK_EQ(e.hdr.group, EIF_AENQ_CONF_NOTIFY);
	memcpy(&bitmap, raw + 16, sizeof(bitmap));
	CHECK_EQ(bitmap, 0x8000000000000005ull);
	/* malformed commands are refused and send nothing */
	CHECK(ctl(&io, "event reboot", out, sizeof(out)) < 0);
	CHECK(ctl(&io, "event warning 5", out, sizeof(out)) < 0);
	CHECK(ctl(&io, "event conf-notify -1", out, sizeof(out)) < 0);
	CHECK(ctl(&io, "event conf-notify 0x1ffffffffffffffff", out, sizeof(out)) < 0);
	CHECK_EQ(counter(&io, "aenq_not_enabled"), 0);
	CHECK_EQ(ctl(&io, "counters", out, sizeof(out)), 0);
	CHECK(strstr(out, "ena0.aenq_enabled=0xff\n"));
	io_close(&io);

	/* a device that offers only five groups: the event is not sent */
	REQUIRE(!io_open(&io, 1, false, only_five));
	drv_aenq_enable(&io.d);
	CHECK_EQ(ctl(&io, "event reset-request", out, sizeof(out)), 0);
	CHECK(strstr(out, "posted=0"));
	CHECK_EQ(counter(&io, "aenq_not_enabled"), 1);
out:
	io_close(&io);
}

/*
 * Reset reasons above 15 (tx descriptor malformed is 17): the low nibble in
 * DEV_CTL[31:28], the high one in [27:24], which the device reads where it
 * offers the extended reset reasons capability (by default) and ignores
 * where it does not.
 */
static void t_ext_reset_reasons(void)
{
	static const char *const plain[] = { "--set", "capabilities=none", NULL };
	const uint32_t reason17 = EIF_DEV_CTL_RESET | (1u << 28) | (1u << 24);
	struct eif_acq_entry attr;
	long long resets;
	struct io io;

	REQUIRE(!io_open(&io, 1, false, NULL));
	REQUIRE(!drv_get_feature(&io.d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &attr));
	CHECK(attr.u.dev_attr.capabilities & EIF_BIT(EIF_CAP_EXT_RESET_REASONS));
	resets = counter(&io, "resets");
	drv_reg_write(&io.d, EIF_REG_DEV_CTL, reason17);
	drv_reg_write(&io.d, EIF_REG_DEV_CTL, 0);
	CHECK_EQ(counter(&io, "last_reset_reason"), 17);
	CHECK_EQ(counter(&io, "resets_reason_17"), 1);
	CHECK_EQ(counter(&io, "resets"), resets + 1);
	io_close(&io);

	REQUIRE(!io_open(&io, 1, false, plain));
	REQUIRE(!drv_get_feature(&io.d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &attr));
	CHECK_EQ(attr.u.dev_attr.capabilities, 0);
	drv_reg_write(&io.d, EIF_REG_DEV_CTL, reason17);
	drv_reg_write(&io.d, EIF_REG_DEV_CTL, 0);
	CHECK_EQ(counter(&io, "last_reset_reason"), 1);
	CHECK_EQ(counter(&io, "resets_reason_17"), -1);
out:
	io_close(&io);
}

/* PHC: a doorbell's answer in the response buffer, or -1 after 1 s */
static int phc_read(struct io *io, uint16_t req_id, struct eif_phc_resp *r)
{
	volatile struct eif_phc_resp *buf = drv_mem(&io->d, DRV_CTRL);
	int i;

	buf->req_id = (uint16_t)(req_id + 0x1234);	/* as the driver does */
	drv_reg_write(&io->d, EIF_REG_PHC_DB, req_id);
	for (i = 0; i < 1000; i++) {
		if (buf->req_id == req_id) {
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			memcpy(r, (const void *)buf, sizeof(*r));
			return 0;
		}
		usleep(1000);
	}
	return -1;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * PHC (feature 29): the answer to GET, SET with the response buffer, and
 * each doorbell answered with the host's time, the error bound and the
 * request id; faults leave a read unanswered or flag it; a reset forgets
 * the buffer; hidden, the feature is refused.
 */
static void t_phc(void)
{
	static const char *const bound[] = { "--set", "phc_error_bound_ns=2500", NULL };
	static const char *const hidden[] = { "--set", "hide_features=29", NULL };
	struct eif_acq_entry attr, r;
	struct eif_phc_resp resp;
	struct eif_f_phc set;
	uint64_t before, after;
	char out[256];
	struct io io;

	REQUIRE(!io_open(&io, 1, false, bound));
	REQUIRE(!drv_get_feature(&io.d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &attr));
	CHECK(attr.u.dev_attr.supported_features & EIF_BIT(EIF_FEAT_PHC_CONFIG));
	REQUIRE(!drv_get_feature(&io.d, EIF_FEAT_PHC_CONFIG, 0, 0, 0, &r));
	CHECK_EQ(r.u.phc.version, EIF_PHC_VERSION_0);
	CHECK_EQ(r.u.phc.doorbell_offset, 0x100);
	CHECK_EQ(r.u.phc.expire_timeout_us, 20000);
	CHECK_EQ(r.u.phc.block_timeout_us, 100000);

	/* a doorbell before the buffer is set is counted, not answered */
	CHECK(phc_read(&io, 1, &resp) < 0);
	CHECK_EQ(counter(&io, "phc_unconfigured"), 1);

	/* a buffer too short for the error flags, or outside guest memory */
	memset(&set, 0, sizeof(set));
	set.output.lo = (uint32_t)drv_iova(DRV_CTRL);
	set.output.hi = (uint16_t)(drv_iova(DRV_CTRL) >> 32);
	set.output_length = 16;
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_PHC_CONFIG, &set, sizeof(set), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);
	set.output.hi = 0x7f00;
	set.output_length = sizeof(resp);
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_PHC_CONFIG, &set, sizeof(set), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);
	set.output.hi = (uint16_t)(drv_iova(DRV_CTRL) >> 32);
	REQUIRE(!drv_set_feature(&io.d, EIF_FEAT_PHC_CONFIG, &set, sizeof(set), 0, 0));

	before = realtime_ns();
	REQUIRE(!phc_read(&io, 7, &resp));
	after = realtime_ns();
	CHECK(resp.timestamp_ns >= before && resp.timestamp_ns <= after);
	CHECK_EQ(resp.error_bound_ns, 2500);
	CHECK_EQ(resp.error_flags, 0);
	CHECK_EQ(counter(&io, "phc_answered"), 1);
	/* the control port tells the same clock */
	before = realtime_ns();
	CHECK_EQ(ctl(&io, "clock", out, sizeof(out)), 0);
	after = realtime_ns();
	REQUIRE(strstr(out, "realtime_ns="));
	resp.timestamp_ns = strtoull(strstr(out, "realtime_ns=") + 12, NULL, 10);
	CHECK(resp.timestamp_ns >= before && resp.timestamp_ns <= after);

	/* phc-stall: the next read is not answered, the one after it is */
	CHECK_EQ(ctl(&io, "fault phc-stall 1", out, sizeof(out)), 0);
	CHECK(phc_read(&io, 8, &resp) < 0);
	CHECK(!phc_read(&io, 9, &resp));
	CHECK_EQ(counter(&io, "phc_stalled"), 1);
	/* phc-error: answered, with the timestamp error flag */
	CHECK_EQ(ctl(&io, "fault phc-error 2", out, sizeof(out)), 0);
	CHECK(!phc_read(&io, 10, &resp));
	CHECK_EQ(resp.error_flags, EIF_PHC_ERR_TIMESTAMP);
	CHECK(!phc_read(&io, 11, &resp));
	CHECK(!phc_read(&io, 12, &resp));
	CHECK_EQ(resp.error_flags, 0);
	CHECK_EQ(counter(&io, "phc_errors"), 2);

	/* a reset forgets the buffer */
	drv_reg_write(&io.d, EIF_REG_DEV_CTL, EIF_DEV_CTL_RESET);
	drv_reg_write(&io.d, EIF_REG_DEV_CTL, 0);
	CHECK(phc_read(&io, 13, &resp) < 0);
	CHECK_EQ(counter(&io, "phc_unconfigured"), 2);
	io_close(&io);

	REQUIRE(!io_open(&io, 1, false, hidden));
	CHECK_EQ(drv_get_feature(&io.d, EIF_FEAT_PHC_CONFIG, 0, 0, 0, &r), EIF_ST_UNSUPPORTED);
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_PHC_CONFIG, &set, sizeof(set), 0, 0),
		 EIF_ST_UNSUPPORTED);
out:
	io_close(&io);
}

/* read from fd until the reply terminator (or max), NUL terminated */
static size_t read_reply(int fd, char *out, size_t max)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	ssize_t r;

	out[0] = 0;
	while (n + 1 < max && poll(&p, 1, 2000) > 0 && (r = read(fd, out + n, max - 1 - n)) > 0) {
		n += (size_t)r;
		out[n] = 0;
		if (strstr(out, "\n.\n") && !strcmp(out + n - 3, "\n.\n"))
			break;
	}
	return n;
}

/*
 * One connection carries many commands (a guest holds one through a
 * virtio-serial port); an over-long line is refused, not split.
 */
static void t_ctl_session(void)
{
	static const char two[] = "link down\n\ncounters\n";
	struct sockaddr_un sa;
	char out[8192], big[400];
	struct io io;
	int fd = -1, fd2 = -1;

	REQUIRE(!io_open(&io, 1, true, NULL));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, io.ctl);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	REQUIRE(fd >= 0 && !connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_EQ(write(fd, two, strlen(two)), (ssize_t)strlen(two));
	read_reply(fd, out, sizeof(out));
	CHECK(!strncmp(out, "ok\n", 3));
	/* the blank line is skipped, the counters come second on the stream */
	if (!strstr(out, ".link=")) {
		size_t n = strlen(out);

		read_reply(fd, out + n, sizeof(out) - n);
	}
	CHECK(strstr(out, "ena0.link=down"));
	/* still open: one more command on the same connection */
	CHECK_EQ(write(fd, "link up\n", 8), 8);
	read_reply(fd, out, sizeof(out));
	CHECK_EQ(strcmp(out, "ok\n.\n"), 0);
	/* a second client at the same time is served too */
	fd2 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	REQUIRE(fd2 >= 0 && !connect(fd2, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK_EQ(write(fd2, "bogus\n", 6), 6);
	read_reply(fd2, out, sizeof(out));
	CHECK(!strncmp(out, "error: unknown command", 22));
	/* a line longer than the model takes: an error, then the end */
	memset(big, 'x', sizeof(big));
	CHECK_EQ(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	read_reply(fd, out, sizeof(out));
	CHECK(!strncmp(out, "error: command line too long", 28));
	/* closed (a reset, if our unread rest was still queued there) */
	CHECK(read(fd, out, sizeof(out)) <= 0);
	/* the model is still fine */
	CHECK_EQ(ctl(&io, "link up", out, sizeof(out)), 0);
out:
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
	io_close(&io);
}

static void t_pcap(void)
{
	uint8_t f[2048], got[2048];
	struct eif_rx_cdesc c[4];
	struct io io;
	struct stat st;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, NULL));
	post_rx(&io, 0, 4, 2048, 0);
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 100, 1);
	send_frame(&io, 0, f, len, 1);
	CHECK(wire_recv(&io, got, sizeof(got), 2000) > 0);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 4, 2000), 1);
	CHECK_EQ(stat(io.pcap, &st), 0);
	CHECK_EQ(st.st_size, 24 + 2 * (16 + len));
out:
	io_close(&io);
}

/* --pcap-snaplen keeps the headers of each frame, and its true length */
static void t_pcap_snaplen(void)
{
	static const char *const args[] = { "--pcap-snaplen", "64", NULL };
	uint8_t f[2048], got[2048];
	uint32_t hdr[6], rec[4];
	struct io io;
	size_t len;
	FILE *pf;

	REQUIRE(!io_open(&io, 1, true, args));
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 1000, 1);
	send_frame(&io, 0, f, len, 1);
	CHECK(wire_recv(&io, got, sizeof(got), 2000) > 0);
	pf = fopen(io.pcap, "rb");
	REQUIRE(pf);
	CHECK_EQ(fread(hdr, sizeof(hdr), 1, pf), 1);
	CHECK_EQ(hdr[4], 64);
	CHECK_EQ(fread(rec, sizeof(rec), 1, pf), 1);
	CHECK_EQ(rec[2], 64);
	CHECK_EQ(rec[3], len);
	CHECK_EQ(fread(got, 1, sizeof(got), pf), 64);
	CHECK_EQ(memcmp(got, f, 64), 0);
	fclose(pf);
out:
	io_close(&io);
}

/*
 * LLQ: entries as ena_com writes them through its bounce buffer: the first
 * entry holds 2 descriptor slots and the pushed header, further entries
 * hold entry_size/16 descriptors.  Written to BAR2 in 8-byte pieces
 * (__iowrite64_copy), posted.
 */
struct llq_writer {
	struct io *io;
	unsigned int q;
	uint32_t esz;
	uint16_t tail;		/* entries */
	uint8_t phase;
	uint8_t line[512] __attribute__((aligned(16)));
	unsigned int slot, slots;
};

static void llq_flush(struct llq_writer *w)
{
	uint32_t off = g_llq_off[w->q] + (w->tail & (DEPTH - 1)) * w->esz, i;

	for (i = 0; i < w->esz; i += 8)
		vuc_region_write(&w->io->d.c, 2, off + i, w->line + i, 8, true, NULL);
	w->tail++;
	if (!(w->tail & (DEPTH - 1)))
		w->phase ^= 1;
	memset(w->line, 0, sizeof(w->line));
	w->slot = 0;
	w->slots = w->esz / 16;
}

static struct eif_tx_desc *llq_desc(struct llq_writer *w)
{
	struct eif_tx_desc *t;

	if (w->slot == w->slots)
		llq_flush(w);
	t = (struct eif_tx_desc *)(w->line + 16 * w->slot++);
	memset(t, 0, sizeof(*t));
	t->len_ctrl = w->phase ? EIF_TX_PHASE : 0;
	return t;
}

/* set to write the next packets' entries without ringing the doorbell */
static bool g_llq_hold_db;
/* meta_ctrl offload bits for the first buffer of the next llq_send()s */
static uint32_t g_llq_offload;

/* push = header bytes pushed into the entry; bufs = the rest */
static void llq_send(struct llq_writer *w, const uint8_t *push, uint32_t push_len,
		     const struct txbuf *b, unsigned int nb, uint16_t req_id, const uint32_t *meta)
{
	struct eif_tx_desc *t;
	unsigned int i;

	memset(w->line, 0, sizeof(w->line));
	w->slot = 0;
	w->slots = 2;
	memcpy(w->line + 32, push, push_len);
	if (meta) {
		t = llq_desc(w);
		t->len_ctrl |= EIF_TX_META | EIF_TX_FIRST | EIF_TXM_EXT_VALID |
			       EIF_TXM_ETH_META_TYPE | EIF_TXM_META_STORE | meta[0];
		t->addr_lo = meta[1];
	}
	for (i = 0; i < (nb ? nb : 1); i++) {
		uint64_t a = 0;

		t = llq_desc(w);
		if (nb) {
			memcpy(drv_mem(&w->io->d, TXBUF + i * 0x4000u), b[i].data, b[i].len);
			a = drv_iova(TXBUF + i * 0x4000u);
			t->len_ctrl |= b[i].len;
		}
		if (i == 0) {
			t->len_ctrl |= (meta ? 0 : EIF_TX_FIRST) | EIF_TX_COMP_REQ;
			t->meta_ctrl = (uint32_t)req_id << 22 | g_llq_offload;
			t->addr_hi_hdr = push_len << 24;
		}
		if (i + 1 == (nb ? nb : 1))
			t->len_ctrl |= EIF_TX_LAST;
		t->addr_lo = (uint32_t)a;
		t->addr_hi_hdr |= (uint32_t)(a >> 32) & 0xffff;
	}
	llq_flush(w);
	if (!g_llq_hold_db)
		vuc_bar_write32(&w->io->d.c, 0, w->io->q[w->q].tx_db, w->tail);
}

static void llq_case(uint32_t esz)
{
	static const char *const args[] = { "--set", "llq=on", NULL };
	struct llq_writer w;
	uint8_t f[4096], got[4096];
	struct io io;
	uint32_t meta[2] = { 0, 20 | 14 << 8 };
	uint32_t hmax = esz - 32;
	size_t len;
	int n;

	g_llq_entry = esz;
	REQUIRE(!io_open(&io, 1, true, args));
	memset(&w, 0, sizeof(w));
	w.io = &io;
	w.esz = esz;
	w.phase = 1;
	/* small frame entirely in the pushed header (no buffer) */
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 20, 1);
	REQUIRE(len <= hmax);
	llq_send(&w, f, (uint32_t)len, NULL, 0, 1, NULL);
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK_EQ(n, len);
	CHECK(n > 0 && !memcmp(got, f, len));
	CHECK_EQ(tx_comp(&io, 0, 1000), 1);
	/* header pushed, payload in one buffer */
	len = build4(f, 6, ip_a, ip_b, 1000, 2000, 1200, 1);
	llq_send(&w, f, 54, &(struct txbuf){ f + 54, (uint32_t)len - 54, 0 }, 1, 2, NULL);
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK_EQ(n, len);
	CHECK(n > 0 && !memcmp(got, f, len));
	CHECK_EQ(tx_comp(&io, 0, 1000), 2);
	/* meta + 4 buffers: descriptors spill into a second entry; checksum offload */
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 1400, 2);
	{
		struct txbuf b[4] = { { f + 42, 400, 0 }, { f + 442, 400, 0 }, { f + 842, 400, 0 },
				      { f + 1242, (uint32_t)len - 1242, 0 } };
		uint16_t before = w.tail;

		/* meta_ctrl for checksum offload goes on the first buffer descriptor */
		llq_send(&w, f, 42, b, 4, 3, meta);
		CHECK_EQ((uint16_t)(w.tail - before), 2);
		n = wire_recv(&io, got, sizeof(got), 2000);
		CHECK_EQ(n, len);
		CHECK(n > 0 && !memcmp(got + 42, f + 42, len - 42));
		CHECK_EQ(tx_comp(&io, 0, 1000), 3);
	}
	/* a pushed header longer than the entry can hold: dropped, completed */
	{
		long long bad = counter(&io, "tx_bad_desc");

		len = build4(f, 17, ip_a, ip_b, 1000, 2000, 300, 1);
		llq_send(&w, f, hmax + 1, NULL, 0, 4, NULL);
		CHECK_EQ(tx_comp(&io, 0, 1000), 4);
		CHECK(wire_recv(&io, got, sizeof(got), 100) < 0);
		CHECK_EQ(counter(&io, "tx_bad_desc"), bad + 1);
	}
	/* wrap the entry ring twice */
	{
		unsigned int i, ok = 0;

		len = build4(f, 17, ip_a, ip_b, 1000, 2000, 30, 1);
		for (i = 0; i < 2 * DEPTH; i++) {
			llq_send(&w, f, (uint32_t)len, NULL, 0, (uint16_t)(i % DEPTH), NULL);
			if (wire_recv(&io, got, sizeof(got), 2000) == (int)len &&
			    tx_comp(&io, 0, 1000) == (int)(i % DEPTH))
				ok++;
		}
		CHECK_EQ(ok, 2 * DEPTH);
	}
out:
	g_llq_entry = 0;
	io_close(&io);
}

/*
 * Accelerated LLQ (offered by default): the device keeps no meta
 * descriptor between packets, so an offload without its own meta
 * descriptor is malformed; more entries than the TX burst allows before
 * one doorbell are counted (and still sent). Without accelerated mode the
 * stored meta descriptor applies.
 */
static void llq_accel_case(bool accel)
{
	static const char *const on[] = { "--set", "llq=on", NULL };
	static const char *const off[] = { "--set", "llq=on", "--set", "llq_tx_burst=0",
					   "--set", "llq_no_meta_caching=off", NULL };
	const uint32_t udp_csum = EIF_L3_IPV4 | EIF_L4_UDP << 8 | EIF_TX_L4_CSUM_EN |
				  EIF_TX_L4_CSUM_PARTIAL;
	uint32_t meta[2] = { 0, 20 | 14 << 8 };
	uint8_t f[2048], got[2048];
	struct eif_acq_entry r;
	struct llq_writer w;
	struct io io;
	unsigned int i;
	size_t len;
	int n;

	g_llq_entry = 128;
	REQUIRE(!io_open(&io, 1, true, accel ? on : off));
	REQUIRE(!drv_get_feature(&io.d, EIF_FEAT_LLQ, 0, 0, 0, &r));
	CHECK_EQ(r.u.llq.accel_flags, accel ? EIF_LLQ_ACCEL_NO_META_CACHING |
		 EIF_LLQ_ACCEL_TX_BURST : 0);
	CHECK_EQ(r.u.llq.accel_max_tx_burst, accel ? 4096 : 0);
	memset(&w, 0, sizeof(w));
	w.io = &io;
	w.esz = 128;
	w.phase = 1;
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 400, 2);
	/* an offload with its meta descriptor, then one without */
	g_llq_offload = udp_csum;
	llq_send(&w, f, 42, &(struct txbuf){ f + 42, (uint32_t)len - 42, 0 }, 1, 1, meta);
	g_llq_offload = 0;
	n = wire_recv(&io, got, sizeof(got), 2000);
	CHECK(n == (int)len && csums_ok(got, len));
	CHECK_EQ(tx_comp(&io, 0, 1000), 1);
	g_llq_offload = udp_csum;
	llq_send(&w, f, 42, &(struct txbuf){ f + 42, (uint32_t)len - 42, 0 }, 1, 2, NULL);
	g_llq_offload = 0;
	CHECK_EQ(tx_comp(&io, 0, 1000), 2);
	n = wire_recv(&io, got, sizeof(got), accel ? 200 : 2000);
	if (accel) {
		CHECK(n < 0);
		CHECK_EQ(counter(&io, "tx_bad_desc"), 1);
	} else {
		CHECK(n == (int)len && csums_ok(got, len));
	}
	/* 33 one-entry packets, one doorbell: the burst allows 4096 / 128 */
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 20, 1);
	g_llq_hold_db = true;
	for (i = 0; i < 33; i++)
		llq_send(&w, f, (uint32_t)len, NULL, 0, (uint16_t)(3 + i), NULL);
	g_llq_hold_db = false;
	vuc_bar_write32(&io.d.c, 0, io.q[0].tx_db, w.tail);
	for (i = 0; i < 33; i++)
		CHECK_EQ(tx_comp(&io, 0, 1000), (int)(3 + i));
	CHECK_EQ(counter(&io, "llq_burst_exceeded"), accel ? 1 : 0);
out:
	g_llq_hold_db = false;
	g_llq_offload = 0;
	g_llq_entry = 0;
	io_close(&io);
}

static void t_llq_accel(void)
{
	llq_accel_case(true);
}

static void t_llq_no_accel(void)
{
	llq_accel_case(false);
}

static void t_llq_128(void)
{
	llq_case(128);
}

static void t_llq_256(void)
{
	llq_case(256);
}

/* SET flow steering; the rule goes in the control buffer when rule is set */
static int flow_cmd(struct io *io, uint8_t action, uint8_t type, uint16_t queue,
		    uint16_t location, const struct eif_flow_rule *rule, uint16_t *got)
{
	struct eif_f_flow_steering req;
	struct eif_aq_entry c;
	struct eif_acq_entry r;
	int st;

	memset(&req, 0, sizeof(req));
	req.action = action;
	req.type = type;
	req.rx_queue = queue;
	req.location = location;
	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_SET_FEATURE;
	c.u.feature.feat.feature_id = EIF_FEAT_FLOW_STEERING;
	memcpy(c.u.feature.data, &req, sizeof(req));
	if (rule) {
		memcpy(drv_mem(&io->d, DRV_CTRL), rule, sizeof(*rule));
		c.hdr.flags = EIF_AQ_FLAG_CTRL_INDIRECT;
		c.u.feature.cb.length = sizeof(*rule);
		c.u.feature.cb.addr.lo = (uint32_t)drv_iova(DRV_CTRL);
		c.u.feature.cb.addr.hi = (uint16_t)(drv_iova(DRV_CTRL) >> 32);
	}
	st = drv_cmd(&io->d, &c, &r);
	if (got)
		*got = r.u.flow_location;
	return st;
}

/* the RX queue (of nq) frame f lands on, or -1 */
static int landed(struct io *io, unsigned int nq, const uint8_t *f, size_t len)
{
	struct eif_rx_cdesc c[2];
	unsigned int q;

	unsigned int round;

	if (wire_send(io, f, len))
		return -1;
	for (round = 0; round < 200; round++)
		for (q = 0; q < nq; q++)
			if (rx_comp(io, q, c, 2, 1) == 1)
				return (int)q;
	return -1;
}

/*
 * Flow steering (feature 30): with RSS sending everything to queue 0, a
 * TCP/IPv4 rule on a destination port steers that flow to its queue and
 * nothing else; a masked source-address rule catches the rest of that
 * host's IPv4; the lowest location wins; removing rules gives the frames
 * back to RSS, and a device reset forgets them. Bad requests are refused
 * as the interface says: bad values ILLEGAL_PARAM, no rule MALFORMED, a
 * full table NO_RESOURCES.
 */
static void t_flow_steering(void)
{
	static const char *const args[] = { "--set", "flow_steering_rules=3", NULL };
	struct eif_rss_ind_entry *tbl;
	struct eif_f_ind_table it;
	struct eif_flow_rule rule;
	uint8_t f[256];
	unsigned int i;
	uint16_t at = 0xeeee;
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 4, true, args));
	tbl = drv_mem(&io.d, DRV_CTRL);
	for (i = 0; i < 128; i++) {
		tbl[i].queue = io.q[0].rxsq;
		tbl[i].rsvd = 0;
	}
	memset(&it, 0, sizeof(it));
	it.log_size = 7;
	it.inline_index = EIF_RSS_INLINE_INDEX_NONE;
	REQUIRE(!drv_set_feature(&io.d, EIF_FEAT_RSS_INDIRECTION_TABLE, &it, sizeof(it),
				 drv_iova(DRV_CTRL), 128 * 4));
	for (i = 0; i < 4; i++)
		post_rx(&io, i, 32, 2048, 0);

	/* TCP/IPv4 to port 5001 -> queue 2, the device picks the slot */
	memset(&rule, 0, sizeof(rule));
	rule.dst_port[0] = 5001 >> 8;
	rule.dst_port[1] = 5001 & 0xff;
	rule.dst_port_mask[0] = rule.dst_port_mask[1] = 0xff;
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_IPV4_TCP, io.q[2].rxsq,
			  EIF_FLOW_ANY_LOCATION, &rule, &at), 0);
	CHECK_EQ(at, 0);
	len = build4(f, 6, ip_a, ip_b, 40000, 5001, 10, 1);
	CHECK_EQ(landed(&io, 4, f, len), 2);
	len = build4(f, 6, ip_a, ip_b, 40000, 5002, 10, 1);
	CHECK_EQ(landed(&io, 4, f, len), 0);
	len = build4(f, 17, ip_a, ip_b, 40000, 5001, 10, 1);	/* UDP: another type */
	CHECK_EQ(landed(&io, 4, f, len), 0);

	/* any IPv4 from 192.0.2.0/24 -> queue 3, at slot 2 (after the port rule) */
	memset(&rule, 0, sizeof(rule));
	memcpy(rule.src_ip, ip_a, 4);
	memset(rule.src_ip_mask, 0xff, 3);
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_IPV4, io.q[3].rxsq, 2, &rule, &at), 0);
	CHECK_EQ(at, 2);
	len = build4(f, 17, ip_a, ip_b, 40000, 5001, 10, 1);
	CHECK_EQ(landed(&io, 4, f, len), 3);
	len = build4(f, 6, ip_a, ip_b, 40000, 5001, 10, 1);
	CHECK_EQ(landed(&io, 4, f, len), 2);		/* slot 0 comes first */
	CHECK_EQ(counter(&io, "rx_flow_steered"), 3);
	CHECK_EQ(counter(&io, "flow_rules"), 2);

	/* refused: bad type, queue, location, action; a taken slot; no rule */
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, 0, io.q[1].rxsq, 1, &rule, NULL),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_TYPES, io.q[1].rxsq, 1, &rule, NULL),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_IPV4, 8, 1, &rule, NULL),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_IPV4, io.q[1].rxsq, 3, &rule, NULL),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_IPV4, io.q[1].rxsq, 0, &rule, NULL),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_IPV4, io.q[1].rxsq, 1, NULL, NULL),
		 EIF_ST_MALFORMED);
	CHECK_EQ(flow_cmd(&io, 9, EIF_FLOW_IPV4, io.q[1].rxsq, 1, &rule, NULL),
		 EIF_ST_ILLEGAL_PARAM);
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_REMOVE, 0, 0, 1, NULL, NULL), EIF_ST_ILLEGAL_PARAM);
	/* the last free slot, then a full table */
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_IPV6, io.q[1].rxsq,
			  EIF_FLOW_ANY_LOCATION, &rule, &at), 0);
	CHECK_EQ(at, 1);
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_IPV6, io.q[1].rxsq,
			  EIF_FLOW_ANY_LOCATION, &rule, NULL), EIF_ST_NO_RESOURCES);

	/* remove the port rule: the TCP flow falls to the address rule */
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_REMOVE, 0, 0, 0, NULL, NULL), 0);
	len = build4(f, 6, ip_a, ip_b, 40000, 5001, 10, 1);
	CHECK_EQ(landed(&io, 4, f, len), 3);
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_REMOVE_ALL, 0, 0, 0, NULL, NULL), 0);
	CHECK_EQ(landed(&io, 4, f, len), 0);
	CHECK_EQ(counter(&io, "flow_rules"), 0);
	/* a device reset forgets the rules */
	CHECK_EQ(flow_cmd(&io, EIF_FLOW_ADD, EIF_FLOW_IPV4, io.q[3].rxsq, 0, &rule, NULL), 0);
	CHECK_EQ(counter(&io, "flow_rules"), 1);
	REQUIRE(!drv_reset(&io.d));
	CHECK_EQ(counter(&io, "flow_rules"), 0);
out:
	io_close(&io);
}

/* an IPv4 frame made a fragment (MF set), its header checksum redone */
static size_t build4_frag(uint8_t *f, size_t paylen)
{
	size_t len = build4(f, 17, ip_a, ip_b, 1000, 2000, paylen, 1);

	f[20] |= 0x20;				/* more fragments */
	f[24] = f[25] = 0;
	w16(f + 24, t_csum(f + 14, 20, 0));
	return len;
}

/*
 * Fragment bypass (feature 8): with a sent-fragments allowance of 2/s, the
 * third and fourth fragment are dropped and counted as
 * pps_allowance_exceeded while whole datagrams pass; after the driver
 * enables the bypass every fragment goes out. A device reset turns the
 * bypass off again.
 */
static void t_frag_bypass(void)
{
	static const char *const args[] = { "--set", "frag_pps_allowance=2", NULL };
	struct eif_f_frag_bypass b;
	struct eif_eni_stats e;
	struct eif_acq_entry r;
	unsigned int out_frames;
	uint8_t f[512];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, args));
	len = build4_frag(f, 100);
	out_frames = send_burst(&io, f, len, 4, 0);
	CHECK_EQ(eni_stats(&io, &e), 0);
	/* one-second window: 2 out (unless the window turned over) */
	CHECK(out_frames >= 2);
	CHECK_EQ(e.pps_allowance_exceeded, 4 - out_frames);
	/* whole datagrams are not limited by it */
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 100, 1);
	CHECK_EQ(send_burst(&io, f, len, 4, 4), 4);
	/* the bypass: every fragment goes out */
	memset(&b, 0, sizeof(b));
	b.enable = 2;
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_FRAG_BYPASS, &b, sizeof(b), 0, 0),
		 EIF_ST_ILLEGAL_PARAM);
	b.enable = 1;
	CHECK_EQ(drv_set_feature(&io.d, EIF_FEAT_FRAG_BYPASS, &b, sizeof(b), 0, 0), 0);
	CHECK_EQ(drv_get_feature(&io.d, EIF_FEAT_FRAG_BYPASS, 0, 0, 0, &r), 0);
	CHECK_EQ(r.u.raw[0], 1);
	len = build4_frag(f, 100);
	CHECK_EQ(send_burst(&io, f, len, 6, 8), 6);
	REQUIRE(!drv_reset(&io.d));
	{
		char out[8192];

		CHECK_EQ(ctl(&io, "counters", out, sizeof(out)), 0);
		CHECK(strstr(out, "ena0.frag_bypass=off\n") != NULL);
	}
out:
	io_close(&io);
}

/*
 * RX offset: a device may start a frame some bytes into its first buffer,
 * and says so in the completion, but only for drivers that allow it in
 * their host info (bit 1 of the driver features).
 */
static void t_rx_offset(void)
{
	static const char *const args[] = { "--set", "rx_offset=6", NULL };
	struct eif_f_host_attr ha;
	struct eif_host_info *hi;
	struct eif_rx_cdesc c[2];
	const uint8_t *buf;
	uint8_t f[512];
	struct io io;
	size_t len;

	REQUIRE(!io_open(&io, 1, true, args));
	post_rx(&io, 0, 4, 2048, 0);
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 100, 1);
	/* the host info says nothing: no offset */
	REQUIRE(!wire_send(&io, f, len));
	REQUIRE(rx_comp(&io, 0, c, 2, 2000) == 1);
	CHECK_EQ(c[0].offset, 0);
	CHECK_EQ(c[0].length, len);
	buf = drv_mem(&io.d, RXBUF(0, c[0].req_id));
	CHECK(!memcmp(buf, f, len));
	/* allowed: the frame starts 6 bytes in, the length is the frame's */
	hi = drv_mem(&io.d, DRV_HOST_INFO);
	hi->driver_features = EIF_HOST_F_RX_OFFSET;
	memset(&ha, 0, sizeof(ha));
	ha.os_info.lo = (uint32_t)drv_iova(DRV_HOST_INFO);
	ha.os_info.hi = (uint16_t)(drv_iova(DRV_HOST_INFO) >> 32);
	REQUIRE(!drv_set_feature(&io.d, EIF_FEAT_HOST_ATTR_CONFIG, &ha, sizeof(ha), 0, 0));
	REQUIRE(!wire_send(&io, f, len));
	REQUIRE(rx_comp(&io, 0, c, 2, 2000) == 1);
	CHECK_EQ(c[0].offset, 6);
	CHECK_EQ(c[0].length, len);
	buf = drv_mem(&io.d, RXBUF(0, c[0].req_id));
	CHECK(!memcmp(buf + 6, f, len));
	/* a frame that fills the buffer: 6 bytes less room in the first one */
	post_rx(&io, 0, 2, 200, 0);
	REQUIRE(!wire_send(&io, f, len));	/* fills the two 2048-byte buffers left */
	REQUIRE(rx_comp(&io, 0, c, 2, 2000) == 1);
	REQUIRE(!wire_send(&io, f, len));
	REQUIRE(rx_comp(&io, 0, c, 2, 2000) == 1);
	len = build4(f, 17, ip_a, ip_b, 1000, 2000, 200 - 42, 1);
	REQUIRE(!wire_send(&io, f, len));
	CHECK_EQ(rx_comp(&io, 0, c, 2, 2000), 2);
	CHECK_EQ(c[0].length, 194);
	CHECK_EQ(c[0].offset, 6);
	CHECK_EQ(c[1].length, len - 194);
	CHECK_EQ(c[1].offset, 0);
out:
	io_close(&io);
}

int main(void)
{
	RUN(t_toeplitz_vectors);
	RUN(t_toeplitz_vectors_v6);
	RUN(t_tx_basic);
	RUN(t_tx_wrap);
	RUN(t_tx_backpressure);
	RUN(t_tx_meta_csum);
	RUN(t_tx_meta_follows);
	RUN(t_tx_tso);
	RUN(t_rx_basic);
	RUN(t_rx_multi_desc);
	RUN(t_rx_no_buffer);
	RUN(t_irq_automask);
	RUN(t_irq_moderation);
	RUN(t_rss_steering);
	RUN(t_rx_ipv6_hash);
	RUN(t_rss_crc32);
	RUN(t_malformed_tx);
	RUN(t_malformed_rx);
	RUN(t_loopback_self);
	RUN(t_loopback_two_functions);
	RUN(t_ctl_link_and_faults);
	RUN(t_fault_admin);
	RUN(t_fault_tx_req_id);
	RUN(t_fault_rx);
	RUN(t_fault_irq_loss);
	RUN(t_chaos);
	RUN(t_aenq_more_groups);
	RUN(t_ext_reset_reasons);
	RUN(t_phc);
	RUN(t_ctl_session);
	RUN(t_pcap);
	RUN(t_pcap_snaplen);
	RUN(t_eni_allowance);
	RUN(t_eni_conntrack);
	RUN(t_eni_linklocal);
	RUN(t_llq_128);
	RUN(t_llq_256);
	RUN(t_llq_accel);
	RUN(t_llq_no_accel);
	RUN(t_flow_steering);
	RUN(t_frag_bypass);
	RUN(t_rx_offset);
	return h_finish();
}

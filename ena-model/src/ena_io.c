// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IO data path: TX and RX submission queues (host placement), completion
 * queues with phase bits, per-vector interrupt auto-masking and moderation,
 * checksum offload and TSO, RSS.
 *
 * TX: the driver writes 16-byte descriptors (an optional meta descriptor,
 * then one buffer descriptor per fragment, first/last flags, phase) and
 * rings the SQ doorbell with its running tail.  The device reads whole
 * packets up to the tail, hands the frame to the backend and writes one
 * 8-byte completion carrying the request id of the packet's first buffer
 * descriptor.
 *
 * RX: the driver posts one buffer per descriptor and rings the doorbell.
 * A frame takes as many buffers as it needs; each used descriptor gets one
 * completion (first/last, length, request id); the last one carries the
 * parse and checksum results and the RSS hash.
 *
 * Interrupts: the TX and RX CQ of a queue pair share an MSI-X vector.
 * After the device raises a vector it raises it no more until the driver
 * writes the unmask bit to the interrupt register of a CQ on that vector.
 * The delays in that write (resolution units) hold back the next interrupt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ena_priv.h"
#include "log.h"
#include "pkt.h"

/* TX offloads the data path implements (what may be advertised) */
#define TX_OFFLOADS_IMPLEMENTED (EIF_OFF_TX_L3_CSUM_IPV4 | EIF_OFF_TX_L4_IPV4_PART | \
				 EIF_OFF_TX_L4_IPV4_FULL | EIF_OFF_TX_L4_IPV6_PART | \
				 EIF_OFF_TX_L4_IPV6_FULL | EIF_OFF_TX_TSO_IPV4 | \
				 EIF_OFF_TX_TSO_IPV6 | EIF_OFF_TX_TSO_ECN)

uint32_t ena_io_offload_tx(const struct ena_dev *d)
{
	return d->prof->offload_tx & TX_OFFLOADS_IMPLEMENTED;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

/* ------------------------------------------------------------------ */
/* interrupts                                                          */
/* ------------------------------------------------------------------ */

static void vec_raise(struct ena_vec *v)
{
	struct ena_dev *d = v->d;

	v->pending = v->pending_rx = v->pending_tx = false;
	v->masked = true;		/* auto-mask until the driver unmasks */
	/* a lost MSI-X message: masked as if sent, and the driver never hears */
	if (ena_fault_hit(d, ENA_FAULT_IRQ_LOSS)) {
		d->m.irqs_lost++;
		return;
	}
	v->raised++;
	d->m.irqs++;
	d->host.irq(d->host.opaque, v->idx);
}

static void vec_timer(void *opaque)
{
	struct ena_vec *v = opaque;

	if (v->pending && !v->masked)
		vec_raise(v);
}

/* completions were written to a CQ on vector v; rx: an RX CQ */
static void vec_event(struct ena_dev *d, struct ena_io_cq *cq, bool rx)
{
	struct ena_vec *v;
	uint64_t delay;

	if (!cq->intr || cq->msix >= ENA_MAX_MSIX)
		return;
	v = &d->vec[cq->msix];
	v->pending = true;
	if (rx)
		v->pending_rx = true;
	else
		v->pending_tx = true;
	if (v->masked) {
		d->m.irqs_masked++;
		return;
	}
	delay = (uint64_t)(rx ? v->rx_delay : v->tx_delay) * d->prof->intr_delay_resolution;
	if (!delay) {
		ev_timer_cancel(&v->timer);
		vec_raise(v);
		return;
	}
	/* moderation: the interrupt waits for the delay, collecting more events */
	if (!v->timer.armed || v->timer.deadline_us > ev_now_us() + delay) {
		v->moderated++;
		ev_timer_arm_us(&v->timer, delay, 0);
	}
}

void ena_io_unmask(struct ena_dev *d, struct ena_io_cq *cq, uint32_t val)
{
	struct ena_vec *v;
	uint64_t delay;

	if (cq->msix >= ENA_MAX_MSIX)
		return;
	v = &d->vec[cq->msix];
	v->rx_delay = EIF_INTR_REG_RX_DELAY(val);
	v->tx_delay = EIF_INTR_REG_TX_DELAY(val);
	if (!(val & EIF_INTR_REG_UNMASK)) {
		/* without the unmask bit: masked (drivers turn a queue's interrupt off so) */
		v->masked = true;
		return;
	}
	v->masked = false;
	if (!v->pending)
		return;
	/* what arrived while masked: after its direction's delay (both: the shorter) */
	if (v->pending_rx && v->pending_tx)
		delay = v->rx_delay < v->tx_delay ? v->rx_delay : v->tx_delay;
	else
		delay = v->pending_rx ? v->rx_delay : v->tx_delay;
	delay *= d->prof->intr_delay_resolution;
	if (!delay)
		vec_raise(v);
	else
		ev_timer_arm_us(&v->timer, delay, 0);
}

/* ------------------------------------------------------------------ */
/* completion queues                                                   */
/* ------------------------------------------------------------------ */

/* entry: at least 16 bytes; the phase/ownership byte is byte 3 in both layouts */
static bool cq_post(struct ena_dev *d, struct ena_io_cq *cq, void *entry, size_t len)
{
	uint64_t addr = cq->ring + (uint64_t)(cq->tail & (cq->depth - 1)) * cq->entry_size;
	uint8_t buf[32];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, entry, len < cq->entry_size ? len : cq->entry_size);
	if (cq->phase)
		buf[3] |= 1;
	else
		buf[3] &= (uint8_t)~1u;
	if (!ena_dma_write_entry(d, addr, buf, cq->entry_size, 3)) {
		log_warn(d->name, "CQ %u entry 0x%llx is not writable guest memory", cq->idx,
			 (unsigned long long)addr);
		return false;
	}
	cq->tail++;
	cq->entries++;
	if (!(cq->tail & (cq->depth - 1)))
		cq->phase ^= 1;
	return true;
}

void ena_io_cq_created(struct ena_dev *d, struct ena_io_cq *cq)
{
	struct ena_vec *v;

	cq->tail = 0;
	cq->phase = 1;
	if (!cq->intr || cq->msix >= ENA_MAX_MSIX)
		return;
	/* a new queue starts unmasked (the driver unmasks after its first poll anyway) */
	v = &d->vec[cq->msix];
	v->masked = false;
	v->pending = v->pending_rx = v->pending_tx = false;
	ev_timer_cancel(&v->timer);
}

void ena_io_sq_created(struct ena_dev *d, struct ena_io_sq *sq)
{
	sq->head = 0;
	sq->phase = 1;
	sq->gen = ++d->sq_gen;
}

void ena_io_sq_destroyed(struct ena_dev *d, struct ena_io_sq *sq)
{
	unsigned int i, n = 0;

	/* delayed completions of this queue die with it */
	for (i = 0; i < d->n_delayed; i++)
		if (d->delayed[i].gen != sq->gen)
			d->delayed[n++] = d->delayed[i];
	d->n_delayed = n;
}

/* ------------------------------------------------------------------ */
/* TX                                                                  */
/* ------------------------------------------------------------------ */

static void tx_complete_now(struct ena_dev *d, struct ena_io_sq *sq, uint16_t req_id)
{
	struct ena_io_cq *cq = &d->cq[sq->cq_idx];
	struct eif_tx_cdesc c;

	memset(&c, 0, sizeof(c));
	c.req_id = req_id;
	if (ena_fault_hit(d, ENA_FAULT_TX_BAD_REQ_ID))
		c.req_id = (uint16_t)d->fault.arg;
	else if (ena_fault_hit(d, ENA_FAULT_TX_REPEAT_REQ_ID))
		c.req_id = sq->last_req_id;
	sq->last_req_id = req_id;
	c.sq_head = sq->head;
	log_regs(d->name, "TX CQ %u <- completion: req_id %u, sq_head %u, phase %u", cq->idx,
		 req_id, sq->head, cq->phase);
	if (cq_post(d, cq, &c, sizeof(c))) {
		d->m.tx_comps++;
		vec_event(d, cq, false);
	}
}

static void delay_timer_cb(void *opaque)
{
	struct ena_dev *d = opaque;
	uint64_t now = ev_now_us(), next = 0;
	unsigned int i, n = 0;

	for (i = 0; i < d->n_delayed; i++) {
		struct ena_delayed_comp *c = &d->delayed[i];
		struct ena_io_sq *sq = &d->tx_sq[c->sq];

		if (c->due_us <= now) {
			if (sq->used && sq->gen == c->gen)
				tx_complete_now(d, sq, c->req_id);
			continue;
		}
		if (!next || c->due_us < next)
			next = c->due_us;
		d->delayed[n++] = *c;
	}
	d->n_delayed = n;
	if (next)
		ev_timer_arm_us(&d->delay_timer, next - now, 0);
}

static void tx_complete(struct ena_dev *d, struct ena_io_sq *sq, uint16_t req_id)
{
	if (d->drop_tx_comps) {
		d->drop_tx_comps--;
		d->m.tx_comps_dropped++;
		log_info(d->name, "TX SQ %u: completion of req_id %u dropped (control)", sq->idx,
			 req_id);
		return;
	}
	if (d->delay_tx_comps_ms && d->n_delayed < ENA_MAX_DELAYED) {
		struct ena_delayed_comp *c = &d->delayed[d->n_delayed++];

		c->sq = sq->idx;
		c->req_id = req_id;
		c->gen = sq->gen;
		c->due_us = ev_now_us() + (uint64_t)d->delay_tx_comps_ms * 1000u;
		d->m.tx_comps_delayed++;
		if (!d->delay_timer.armed)
			ev_timer_arm_us(&d->delay_timer, (uint64_t)d->delay_tx_comps_ms * 1000u, 0);
		return;
	}
	tx_complete_now(d, sq, req_id);
}

static bool tx_send(struct ena_dev *d, struct ena_io_sq *sq, const uint8_t *f, size_t len)
{
	if (!d->link_up) {
		d->m.tx_link_down++;
		d->stats.tx_drops++;
		sq->drops++;
		return false;
	}
	if (!ena_eni_allow(&d->eni, &d->stats.eni, f, len, false, ev_now_us())) {
		/* shaped away: counted in the ENI statistics only, like a real ENI */
		sq->drops++;
		return false;
	}
	sq->pkts++;
	sq->bytes += len;
	d->stats.tx_pkts++;
	d->stats.tx_bytes += len;
	d->m.tx_frames++;
	d->m.tx_bytes += len;
	if (!d->net.send)
		return true;	/* no cable: the frame goes nowhere, like an unplugged port */
	if (!d->net.send(d->net.opaque, f, len)) {
		d->m.tx_errors++;
		return false;
	}
	return true;
}

/*
 * Where the offloads act: the protocols meta_ctrl names and the offsets of
 * the meta descriptor, not what the frame says (a driver that describes
 * its frame wrongly gets wrong checksums, as from hardware). NULL, or why
 * an offload that was asked for cannot be done inside the frame.
 */
static const char *tx_offload_info(const struct ena_tx_meta *m, uint32_t meta_ctrl,
				   size_t len, struct pkt_info *pi)
{
	unsigned int l3 = EIF_TX_L3_PROTO(meta_ctrl), l4 = EIF_TX_L4_PROTO(meta_ctrl);
	unsigned int l4_field;

	memset(pi, 0, sizeof(*pi));
	if (!(meta_ctrl & (EIF_TX_L3_CSUM_EN | EIF_TX_L4_CSUM_EN | EIF_TX_TSO_EN)))
		return NULL;
	if (!m->valid)
		return "offload without a meta descriptor";
	pi->ipver = l3 == EIF_L3_IPV4 ? 4 : l3 == EIF_L3_IPV6 ? 6 : 0;
	pi->l4proto = l4 == EIF_L4_TCP ? 6 : l4 == EIF_L4_UDP ? 17 : 0;
	pi->l3_off = m->l3_off;
	pi->l3_len = m->l3_len;
	pi->l4_off = m->l3_off + m->l3_len;
	pi->l4_len = pi->l4proto == 6 ? m->l4_words * 4u : 8u;
	pi->ip_end = (unsigned int)len;
	if (!pi->ipver)
		return "offload for an L3 protocol the device does not know";
	if (m->l3_len < (pi->ipver == 4 ? 20 : 40) || pi->l4_off > len)
		return "meta descriptor's L3 header outside the frame";
	if (!(meta_ctrl & (EIF_TX_L4_CSUM_EN | EIF_TX_TSO_EN)))
		return NULL;
	if (!pi->l4proto)
		return "offload for an L4 protocol the device does not know";
	l4_field = pi->l4_off + (pi->l4proto == 6 ? 18 : 8);
	if (l4_field > len || ((meta_ctrl & EIF_TX_TSO_EN) && pi->l4proto == 6 &&
			       (m->l4_words < 5 || pi->l4_off + pi->l4_len > len)))
		return "meta descriptor's L4 header outside the frame";
	return NULL;
}

/* checksums the device fills in on request (meta_ctrl of the first buffer) */
static void tx_csum(struct ena_dev *d, uint8_t *f, size_t len, const struct pkt_info *pi,
		    uint32_t meta_ctrl)
{
	uint32_t off = ena_io_offload_tx(d);

	if ((meta_ctrl & EIF_TX_L3_CSUM_EN) && pi->ipver == 4 &&
	    (off & EIF_OFF_TX_L3_CSUM_IPV4)) {
		f[pi->l3_off + 10] = f[pi->l3_off + 11] = 0;
		put_be16(f + pi->l3_off + 10,
			 (uint16_t)~pkt_csum_fold(pkt_csum_add(0, f + pi->l3_off, pi->l3_len)));
		d->m.tx_csum_offload++;
	}
	if ((meta_ctrl & EIF_TX_L4_CSUM_EN) && pi->l4_off) {
		unsigned int co = pi->l4_off + (pi->l4proto == 6 ? 16 : 6);
		uint32_t l4len = pi->ip_end - pi->l4_off, s;
		uint16_t sum;

		if (co + 2 > len)
			return;
		if (meta_ctrl & EIF_TX_L4_CSUM_PARTIAL) {
			/* the field holds the pseudo-header sum (the driver's CHECKSUM_PARTIAL) */
			s = pkt_csum_add(0, f + pi->l4_off, l4len);
		} else {
			f[co] = f[co + 1] = 0;
			s = pkt_csum_add(pkt_pseudo_sum(f, pi, l4len), f + pi->l4_off, l4len);
		}
		sum = (uint16_t)~pkt_csum_fold(s);
		if (pi->l4proto == 17 && !sum)
			sum = 0xffff;
		put_be16(f + co, sum);
		d->m.tx_csum_offload++;
	}
}

/* the smallest MSS Linux sends with (TCP_MIN_SND_MSS) */
#define ENA_MIN_TSO_MSS	48

/* TSO: cut a TCP frame into MSS-sized segments with fixed-up headers */
static void tx_tso(struct ena_dev *d, struct ena_io_sq *sq, uint8_t *f, size_t len,
		   const struct pkt_info *pi, uint16_t mss)
{
	unsigned int hdr = pi->l4_off + pi->l4_len, payload, off;
	uint32_t seq = be32(f + pi->l4_off + 4);
	uint16_t ipid = pi->ipver == 4 ? be16(f + pi->l3_off + 4) : 0;
	uint8_t flags = f[pi->l4_off + 13];
	uint8_t *s = d->segbuf;

	(void)len;	/* pkt_parse keeps ip_end within len */

	payload = pi->ip_end - hdr;
	for (off = 0; off < payload; off += mss) {
		unsigned int n = payload - off < mss ? payload - off : mss;
		unsigned int seglen = hdr + n, l4len = pi->l4_len + n;
		bool last = off + n >= payload;
		struct pkt_info spi = *pi;
		uint32_t sum;

		memcpy(s, f, hdr);
		memcpy(s + hdr, f + hdr + off, n);
		spi.ip_end = seglen;
		if (pi->ipver == 4) {
			put_be16(s + pi->l3_off + 2, (uint16_t)(seglen - pi->l3_off));
			put_be16(s + pi->l3_off + 4, ipid++);
			s[pi->l3_off + 10] = s[pi->l3_off + 11] = 0;
			put_be16(s + pi->l3_off + 10, (uint16_t)~pkt_csum_fold(
				 pkt_csum_add(0, s + pi->l3_off, pi->l3_len)));
		} else {
			put_be16(s + pi->l3_off + 4, (uint16_t)(seglen - pi->l3_off - 40));
		}
		put_be32(s + pi->l4_off + 4, seq + off);
		/* FIN and PSH only on the last segment, CWR only on the first */
		s[pi->l4_off + 13] = (uint8_t)(flags & ~(last ? 0 : 0x09) & ~(off ? 0x80 : 0));
		s[pi->l4_off + 16] = s[pi->l4_off + 17] = 0;
		sum = pkt_csum_add(pkt_pseudo_sum(s, &spi, l4len), s + pi->l4_off, l4len);
		put_be16(s + pi->l4_off + 16, (uint16_t)~pkt_csum_fold(sum));
		d->m.tx_tso_segs++;
		tx_send(d, sq, s, seglen);
	}
}

static void tx_bad(struct ena_dev *d, struct ena_io_sq *sq, const char *why, uint16_t at)
{
	sq->bad_descs++;
	d->m.tx_bad_desc++;
	if (!sq->warned)
		log_warn(d->name, "TX SQ %u descriptor %u: %s (logged once per queue)", sq->idx,
			 at, why);
	sq->warned = true;
}

static bool read_desc(struct ena_dev *d, struct ena_io_sq *sq, uint16_t idx, void *desc)
{
	return ena_dma_read(d, sq->ring + (uint64_t)(idx & (sq->depth - 1)) * 16, desc, 16);
}

#define TX_MAX_DESCS	64	/* per packet, incl. the meta descriptor */

/*
 * The descriptors of one packet, gathered from host memory or from LLQ
 * entries: assemble (pushed header first), offload, send, complete.
 */
static void tx_finish(struct ena_dev *d, struct ena_io_sq *sq, const struct eif_tx_desc *t,
		      unsigned int nd, const uint8_t *push, uint32_t push_max)
{
	/* accelerated LLQ: the device keeps no meta descriptor between packets */
	bool caching = !(sq->placement == EIF_PLACEMENT_DEV &&
			 (d->llq_accel & EIF_LLQ_ACCEL_NO_META_CACHING));
	bool have_buf = false, comp_req = false, drop = false;
	struct ena_tx_meta meta = caching ? sq->meta : (struct ena_tx_meta){ 0 };
	uint32_t meta_ctrl = 0, hdr_len = 0;
	uint16_t req_id = 0, nbufs = 0;
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < nd; i++) {
		if (t[i].len_ctrl & EIF_TX_META) {
			/* meta descriptor: offsets and MSS for this packet and, with
			 * meta_store, for the next ones that come without one */
			meta.valid = true;
			meta.mss = (uint16_t)(EIF_TXM_MSS_LO(t[i].addr_lo) |
					      EIF_TXM_MSS_HI(t[i].len_ctrl) << 10);
			meta.l3_len = (uint8_t)EIF_TXM_L3_HDR_LEN(t[i].addr_lo);
			meta.l3_off = (uint8_t)EIF_TXM_L3_HDR_OFF(t[i].addr_lo);
			meta.l4_words = (uint8_t)EIF_TXM_L4_HDR_WORDS(t[i].addr_lo);
			if (caching && (t[i].len_ctrl & EIF_TXM_META_STORE))
				sq->meta = meta;
			comp_req |= !!(t[i].len_ctrl & EIF_TX_COMP_REQ);
			if (have_buf && !drop) {
				tx_bad(d, sq, "meta descriptor inside a packet", sq->head);
				drop = true;
			}
			continue;
		}
		if (!have_buf) {
			have_buf = true;
			meta_ctrl = t[i].meta_ctrl;
			req_id = (uint16_t)(EIF_TX_REQ_ID_LO(t[i].meta_ctrl) |
					    EIF_TX_REQ_ID_HI(t[i].len_ctrl) << 10);
			comp_req |= !!(t[i].len_ctrl & EIF_TX_COMP_REQ);
			hdr_len = EIF_TX_HDR_LEN(t[i].addr_hi_hdr);
			/* LLQ: the header the driver pushed comes before the buffers */
			if (push) {
				if (hdr_len > push_max) {
					tx_bad(d, sq, "pushed header longer than the LLQ entry allows",
					       sq->head);
					drop = true;
				} else {
					memcpy(d->txbuf, push, hdr_len);
					len = hdr_len;
				}
			}
		}
		nbufs++;
		if (!drop) {
			uint64_t addr = (uint64_t)EIF_TX_ADDR_HI(t[i].addr_hi_hdr) << 32 | t[i].addr_lo;
			uint32_t blen = EIF_TX_LEN(t[i].len_ctrl);

			if (len + blen > ENA_MAX_FRAME) {
				tx_bad(d, sq, "packet longer than 64 KiB", sq->head);
				drop = true;
			} else if (blen && !ena_dma_read(d, addr, d->txbuf + len, blen)) {
				tx_bad(d, sq, "buffer outside guest memory", sq->head);
				drop = true;
			}
			len += blen;
		}
	}
	if (!have_buf) {
		tx_bad(d, sq, "packet without a buffer descriptor", sq->head);
		drop = true;
	} else if (nbufs > d->prof->max_tx_descs) {
		tx_bad(d, sq, "more buffers than max_tx_descs_per_pkt", sq->head);
		drop = true;
	} else if (!drop && len < 14) {
		tx_bad(d, sq, "frame shorter than an Ethernet header", sq->head);
		drop = true;
	}
	if (req_id >= sq->depth) {
		/* completed as is: the driver detects the bad id and resets */
		tx_bad(d, sq, "req_id beyond the queue depth", sq->head);
	}
	log_regs(d->name, "TX SQ %u -> packet: req_id %u, %u buffer(s), %zu bytes%s%s%s%s",
		 sq->idx, req_id, nbufs, len, push ? ", header pushed through LLQ" : "",
		 meta_ctrl & EIF_TX_TSO_EN ? ", TSO" : "",
		 meta_ctrl & EIF_TX_L4_CSUM_EN ? ", L4 checksum" : "",
		 meta_ctrl & EIF_TX_L3_CSUM_EN ? ", IPv4 checksum" : "");
	if (drop) {
		sq->drops++;
		d->stats.tx_drops++;
	} else {
		struct pkt_info pi;
		const char *bad;
		bool tso;

		bad = tx_offload_info(&meta, meta_ctrl, len, &pi);
		tso = !bad && (meta_ctrl & EIF_TX_TSO_EN) && pi.l4proto == 6 && meta.mss &&
		      (ena_io_offload_tx(d) &
		       (pi.ipver == 4 ? EIF_OFF_TX_TSO_IPV4 : EIF_OFF_TX_TSO_IPV6)) &&
		      pi.ip_end - pi.l4_off - pi.l4_len > meta.mss;
		if (bad || (tso && meta.mss < ENA_MIN_TSO_MSS)) {
			/* MSS 1 would make a 64 KiB frame some 64K segments */
			tx_bad(d, sq, bad ? bad : "TSO with an MSS below 48", sq->head);
			sq->drops++;
			d->stats.tx_drops++;
		} else if (tso) {
			tx_tso(d, sq, d->txbuf, len, &pi, meta.mss);
		} else {
			/* a TSO request that fits one segment is a plain checksum request */
			if (meta_ctrl & EIF_TX_TSO_EN)
				meta_ctrl = (meta_ctrl | EIF_TX_L4_CSUM_EN | EIF_TX_L3_CSUM_EN) &
					    ~EIF_TX_L4_CSUM_PARTIAL;
			tx_csum(d, d->txbuf, len, &pi, meta_ctrl);
			tx_send(d, sq, d->txbuf, len);
		}
	}
	if (comp_req)
		tx_complete(d, sq, req_id);
}

/* host placement: one packet from sq->head; false: incomplete (wait for more) */
static bool tx_packet(struct ena_dev *d, struct ena_io_sq *sq)
{
	struct eif_tx_desc t[TX_MAX_DESCS];
	uint16_t idx = sq->head, avail = (uint16_t)(sq->tail - sq->head), n = 0;
	uint8_t phase = sq->phase;

	for (;;) {
		struct eif_tx_desc x;

		if (n >= avail)
			return false;	/* the rest of the packet is not there yet */
		if (!read_desc(d, sq, idx, &x)) {
			tx_bad(d, sq, "SQ ring not readable", idx);
			return false;
		}
		if (!!(x.len_ctrl & EIF_TX_PHASE) != phase) {
			/* not (yet) written by the driver: the doorbell ran ahead */
			tx_bad(d, sq, "phase mismatch (descriptor not valid)", idx);
			return false;
		}
		if (n < TX_MAX_DESCS)
			t[n] = x;
		n++;
		idx++;
		if (!(idx & (sq->depth - 1)))
			phase ^= 1;
		if (x.len_ctrl & EIF_TX_LAST)
			break;
	}
	sq->head = idx;
	sq->phase = phase;
	if (n > TX_MAX_DESCS) {
		tx_bad(d, sq, "too many descriptors in one packet", idx);
		sq->drops++;
		d->stats.tx_drops++;
		/* still completed, with the id of its first buffer */
		n = TX_MAX_DESCS;
	}
	tx_finish(d, sq, t, n, NULL, 0);
	return true;
}

/*
 * LLQ (device placement): the driver writes whole entries into BAR2.  The
 * first entry of a packet holds descs_before_header descriptor slots and
 * then the pushed header; further descriptors follow in the next entries
 * (entry_size / 16 per entry, or one with the single-descriptor stride).
 * The doorbell counts entries.
 */
static bool llq_tx_packet(struct ena_dev *d, struct ena_io_sq *sq)
{
	struct eif_tx_desc t[TX_MAX_DESCS];
	uint32_t esz = d->llq_entry_size, dbh = d->llq_descs_before_hdr;
	uint16_t idx = sq->head, avail = (uint16_t)(sq->tail - sq->head), used = 0, n = 0;
	uint8_t phase = sq->phase;
	const uint8_t *first = NULL;
	bool last = false;

	while (!last) {
		const uint8_t *e;
		uint32_t slots, k;

		if (used >= avail)
			return false;
		if (sq->llq_off + (uint64_t)((idx & (sq->depth - 1)) + 1) * esz > d->llq_size) {
			tx_bad(d, sq, "LLQ entry beyond BAR2", idx);
			return false;
		}
		e = d->llq_mem + sq->llq_off + (uint64_t)(idx & (sq->depth - 1)) * esz;
		slots = !first ? dbh : d->llq_stride == EIF_LLQ_STRIDE_SINGLE ? 1 : esz / 16;
		if (!first)
			first = e;
		for (k = 0; k < slots && !last; k++) {
			struct eif_tx_desc x;

			memcpy(&x, e + 16 * k, sizeof(x));
			if (!!(x.len_ctrl & EIF_TX_PHASE) != phase) {
				tx_bad(d, sq, "LLQ descriptor with the wrong phase", idx);
				return false;
			}
			if (n < TX_MAX_DESCS)
				t[n++] = x;
			else
				n = TX_MAX_DESCS + 1;
			last = x.len_ctrl & EIF_TX_LAST;
		}
		used++;
		idx++;
		if (!(idx & (sq->depth - 1)))
			phase ^= 1;
	}
	/* the first entry's header area is still intact: entries are only reused after completion */
	sq->head = idx;
	sq->phase = phase;
	if (n > TX_MAX_DESCS) {
		tx_bad(d, sq, "too many descriptors in one packet", idx);
		n = TX_MAX_DESCS;
	}
	tx_finish(d, sq, t, n, first + dbh * 16u, esz - dbh * 16u);
	return true;
}

static void tx_process(struct ena_dev *d, struct ena_io_sq *sq)
{
	while (sq->head != (uint16_t)sq->tail)
		if (!(sq->placement == EIF_PLACEMENT_DEV ? llq_tx_packet(d, sq) : tx_packet(d, sq)))
			break;
}

void ena_io_sq_doorbell(struct ena_dev *d, struct ena_io_sq *sq, uint32_t val)
{
	uint16_t tail = (uint16_t)val;

	if ((uint16_t)(tail - sq->head) > sq->depth) {
		if (!sq->warned)
			log_warn(d->name, "%s SQ %u doorbell %u is more than a queue ahead of %u (ignored)",
				 sq->dir == EIF_DIR_TX ? "TX" : "RX", sq->idx, tail, sq->head);
		sq->warned = true;
		sq->bad_descs++;
		return;
	}
	if (sq->placement == EIF_PLACEMENT_DEV && (d->llq_accel & EIF_LLQ_ACCEL_TX_BURST)) {
		uint16_t entries = (uint16_t)(tail - sq->tail);
		uint32_t burst = d->prof->llq_tx_burst / d->llq_entry_size;

		if (entries > burst) {
			/* the entries are still taken: the count tells a driver's bug */
			d->m.llq_burst_exceeded++;
			if (!sq->warned)
				log_warn(d->name, "TX SQ %u: %u LLQ entries in one doorbell, the "
					 "burst allows %u (logged once per queue)", sq->idx, entries,
					 burst);
			sq->warned = true;
		}
	}
	sq->tail = tail;
	if (sq->dir == EIF_DIR_TX && (d->dev_sts & EIF_DEV_STS_READY) &&
	    !(d->dev_sts & EIF_DEV_STS_FATAL))
		tx_process(d, sq);
}

/* ------------------------------------------------------------------ */
/* RX                                                                  */
/* ------------------------------------------------------------------ */

static uint32_t rss_hash(struct ena_dev *d, const uint8_t *f, size_t len,
			 const struct pkt_info *pi)
{
	uint8_t in[40], sa[16], da[16], sp[2], dp[2];
	unsigned int proto, alen = pi->ipver == 6 ? 16 : 4, n = 0;
	uint16_t fields;
	const uint8_t *key = (const uint8_t *)d->rss_key.key;

	if (pi->ipver == 4)
		proto = pi->frag ? EIF_RSS_IP4_FRAG :
			pi->l4_off ? (pi->l4proto == 6 ? EIF_RSS_TCP4 : EIF_RSS_UDP4) : EIF_RSS_IP4;
	else if (pi->ipver == 6)
		proto = pi->l4_off ? (pi->l4proto == 6 ? (pi->v6_ext ? EIF_RSS_TCP6_EX : EIF_RSS_TCP6) :
				      EIF_RSS_UDP6) : (pi->v6_ext ? EIF_RSS_IP6_EX : EIF_RSS_IP6);
	else
		proto = EIF_RSS_NOT_IP;
	fields = d->rss_selected[proto];
	if (proto == EIF_RSS_NOT_IP) {
		if (fields & EIF_RSS_F_L2_SA) {
			memcpy(in + n, f + 6, 6);
			n += 6;
		}
		if (fields & EIF_RSS_F_L2_DA) {
			memcpy(in + n, f, 6);
			n += 6;
		}
	} else {
		memcpy(sa, f + pi->l3_off + (pi->ipver == 4 ? 12 : 8), alen);
		memcpy(da, f + pi->l3_off + (pi->ipver == 4 ? 16 : 24), alen);
		if ((d->rss_sort & EIF_RSS_SORT_L3) && memcmp(sa, da, alen) > 0) {
			uint8_t t[16];

			memcpy(t, sa, alen);
			memcpy(sa, da, alen);
			memcpy(da, t, alen);
		}
		if (fields & EIF_RSS_F_L3_SA) {
			memcpy(in + n, sa, alen);
			n += alen;
		}
		if (fields & EIF_RSS_F_L3_DA) {
			memcpy(in + n, da, alen);
			n += alen;
		}
		if (pi->l4_off) {
			memcpy(sp, f + pi->l4_off, 2);
			memcpy(dp, f + pi->l4_off + 2, 2);
			if ((d->rss_sort & EIF_RSS_SORT_L4) && memcmp(sp, dp, 2) > 0) {
				uint8_t t[2];

				memcpy(t, sp, 2);
				memcpy(sp, dp, 2);
				memcpy(dp, t, 2);
			}
			if (fields & EIF_RSS_F_L4_SP) {
				memcpy(in + n, sp, 2);
				n += 2;
			}
			if (fields & EIF_RSS_F_L4_DP) {
				memcpy(in + n, dp, 2);
				n += 2;
			}
		}
	}
	(void)len;
	if (d->rss_func & EIF_BIT(EIF_HASH_CRC32))
		return pkt_crc32(d->rss_init_val, in, n);
	return pkt_toeplitz(key, sizeof(d->rss_key.key), in, n);
}

static void rx_drop(struct ena_dev *d, struct ena_io_sq *sq)
{
	d->stats.rx_drops++;
	if (sq)
		sq->drops++;
}

/*
 * A frame the queue had too few posted buffers for: an overrun, which the
 * device counts apart from its other drops (rx_overruns in the keep-alive
 * and the basic stats; drivers that know it add the two up).
 */
static void rx_overrun(struct ena_dev *d, struct ena_io_sq *sq)
{
	d->m.rx_no_buf++;
	d->stats.rx_overruns++;
	sq->drops++;
}

/* A descriptor the device cannot use: warn once per queue, drop the frame. */
static void rx_bad_desc(struct ena_dev *d, struct ena_io_sq *sq, uint16_t idx, const char *why)
{
	if (!sq->warned)
		log_warn(d->name, "RX SQ %u descriptor %u: %s", sq->idx, idx, why);
	sq->warned = true;
	sq->bad_descs++;
	d->m.rx_bad_desc++;
	rx_drop(d, sq);
}

void ena_dev_receive(struct ena_dev *d, const uint8_t *f, size_t len)
{
	struct eif_rx_desc descs[64];
	uint32_t share[64];		/* bytes of the frame each buffer takes */
	uint16_t maxd = d->prof->max_rx_descs, avail, idx, nd = 0, i;
	struct ena_io_sq *sq;
	struct ena_io_cq *cq;
	struct pkt_info pi;
	bool bad_req_id, bad_len, bad_first;
	uint32_t hash = 0, status = 0, got = 0, off = 0, q, chunk = UINT32_MAX;
	/* a frame starts this far into its first buffer, if the driver allows it */
	uint32_t lead = d->driver_features & EIF_HOST_F_RX_OFFSET ? d->prof->rx_offset : 0;
	uint8_t phase;
	int steered;

	if (!d->link_up || !(d->dev_sts & EIF_DEV_STS_READY) || (d->dev_sts & EIF_DEV_STS_FATAL)) {
		d->m.rx_link_down++;
		rx_drop(d, NULL);
		return;
	}
	if (!ena_eni_allow(&d->eni, &d->stats.eni, f, len, true, ev_now_us()))
		return;
	pkt_parse(f, len, &pi);
	if (d->prof->rss && (d->supported_features & EIF_BIT(EIF_FEAT_RSS_INDIRECTION_TABLE)))
		hash = rss_hash(d, f, len, &pi);
	q = d->rss_table[hash & ((1u << d->rss_log) - 1)];
	/* a flow steering rule comes before RSS, if its queue is there */
	steered = ena_flow_match(&d->flow, f, &pi);
	if (steered >= 0 && (unsigned int)steered < ENA_MAX_IO_QUEUES && d->rx_sq[steered].used) {
		q = (uint32_t)steered;
		d->m.rx_flow_steered++;
	}
	if (q >= ENA_MAX_IO_QUEUES || !d->rx_sq[q].used) {
		/* the table names a queue that is not there: fall back to queue 0 */
		q = 0;
	}
	sq = &d->rx_sq[q];
	if (!sq->used) {
		d->m.rx_no_queue++;
		rx_drop(d, NULL);
		return;
	}
	cq = &d->cq[sq->cq_idx];
	if (maxd > sizeof(descs) / sizeof(descs[0]))
		maxd = sizeof(descs) / sizeof(descs[0]);
	/*
	 * faults: the frame spread over more buffers than the device may use,
	 * or over two, both marked as the first of a frame
	 */
	if ((d->fault.kind == ENA_FAULT_RX_TOO_MANY || d->fault.kind == ENA_FAULT_RX_BAD_FIRST) &&
	    d->fault.left) {
		uint32_t parts = d->fault.arg < sizeof(descs) / sizeof(descs[0]) ?
				 d->fault.arg : sizeof(descs) / sizeof(descs[0]);

		chunk = len > parts ? (uint32_t)((len + parts - 1) / parts) : 1;
		maxd = sizeof(descs) / sizeof(descs[0]);
	}

	/* collect posted buffers until the frame fits */
	avail = (uint16_t)(sq->tail - sq->head);
	idx = sq->head;
	phase = sq->phase;
	while (got < len) {
		struct eif_rx_desc *r = &descs[nd];
		uint32_t blen;

		if (nd >= avail) {
			rx_overrun(d, sq);
			return;
		}
		if (nd >= maxd) {
			d->m.rx_too_big++;
			rx_drop(d, sq);
			return;
		}
		if (!read_desc(d, sq, idx, r) || (r->ctrl & EIF_RX_CTRL_PHASE) != phase) {
			rx_bad_desc(d, sq, idx, "unreadable or wrong phase");
			return;
		}
		blen = r->length ? r->length : 65536u;
		/* the offset is only used where the buffer has room after it */
		if (nd == 0) {
			if (lead >= blen)
				lead = 0;
			blen -= lead;
		}
		if (blen > chunk)
			blen = chunk;
		share[nd] = blen < len - got ? blen : (uint32_t)(len - got);
		if (!ena_dma_ok(d, (uint64_t)r->addr_hi << 32 | r->addr_lo, (nd ? 0 : lead) + share[nd],
				true)) {
			/* not writable: the frame is dropped, the buffer stays posted */
			rx_bad_desc(d, sq, idx, "buffer outside guest memory");
			return;
		}
		got += share[nd];
		nd++;
		idx++;
		if (!(idx & (sq->depth - 1)))
			phase ^= 1;
	}

	/* parse results for the last completion */
	if (pi.ipver == 4) {
		status |= EIF_RXC_L3_PROTO(EIF_L3_IPV4);
		if (pi.frag)
			status |= EIF_RXC_IPV4_FRAG;
		if ((d->prof->offload_rx & EIF_OFF_RX_L3_CSUM_IPV4) && !pkt_ipv4_csum_ok(f, &pi)) {
			status |= EIF_RXC_L3_CSUM_ERR;
			d->m.rx_csum_bad++;
		}
	} else if (pi.ipver == 6) {
		status |= EIF_RXC_L3_PROTO(EIF_L3_IPV6);
	}
	if (pi.l4_off) {
		uint32_t need = pi.ipver == 4 ? EIF_OFF_RX_L4_IPV4_CSUM : EIF_OFF_RX_L4_IPV6_CSUM;

		status |= EIF_RXC_L4_PROTO(pi.l4proto == 6 ? EIF_L4_TCP : EIF_L4_UDP);
		if (d->prof->offload_rx & need) {
			status |= EIF_RXC_L4_CSUM_CHECKED;
			if (!pkt_l4_csum_ok(f, &pi)) {
				status |= EIF_RXC_L4_CSUM_ERR;
				d->m.rx_csum_bad++;
			}
		}
	}
	if (!(d->prof->offload_rx & EIF_OFF_RX_HASH))
		hash = 0;

	log_regs(d->name, "RX SQ %u -> frame of %zu bytes into %u buffer(s) from req_id %u; "
		 "RX CQ %u <- hash 0x%08x, L3 %s, L4 %s, phase %u", sq->idx, len, nd,
		 descs[0].req_id, cq->idx, hash,
		 status & EIF_RXC_L3_CSUM_ERR ? "checksum bad" : pi.ipver == 4 ? "IPv4" :
		 pi.ipver == 6 ? "IPv6" : "other",
		 !(status & EIF_RXC_L4_CSUM_CHECKED) ? "not checked" :
		 status & EIF_RXC_L4_CSUM_ERR ? "checksum bad" : "checksum good", cq->phase);
	/* every completion must be writable, or the buffers stay posted */
	for (i = 0; i < nd; i++) {
		uint64_t at = cq->ring + (uint64_t)((cq->tail + i) & (cq->depth - 1)) * cq->entry_size;

		if (!ena_dma_ok(d, at, cq->entry_size, true)) {
			rx_bad_desc(d, sq, sq->head, "RX completion queue not writable");
			return;
		}
	}
	bad_first = chunk != UINT32_MAX && ena_fault_hit(d, ENA_FAULT_RX_BAD_FIRST);
	if (chunk != UINT32_MAX && !bad_first)
		ena_fault_hit(d, ENA_FAULT_RX_TOO_MANY);
	bad_req_id = ena_fault_hit(d, ENA_FAULT_RX_BAD_REQ_ID);
	bad_len = ena_fault_hit(d, ENA_FAULT_RX_BAD_LEN);
	for (i = 0; i < nd; i++) {
		uint32_t blen = descs[i].length ? descs[i].length : 65536u;
		uint32_t n = share[i];
		struct eif_rx_cdesc c;
		uint8_t ext[32];

		ena_dma_write(d, ((uint64_t)descs[i].addr_hi << 32 | descs[i].addr_lo) +
			      (i ? 0 : lead), f + off, n);
		off += n;
		memset(&c, 0, sizeof(c));
		c.status = EIF_RXC_BUFFER | (i == 0 || bad_first ? EIF_RXC_FIRST : 0) |
			   (i + 1 == nd ? EIF_RXC_LAST | status : 0);
		c.length = (uint16_t)n;
		c.req_id = descs[i].req_id;
		/* faults: a buffer the driver did not post, a length past its buffer */
		if (bad_req_id && i == 0)
			c.req_id = (uint16_t)d->fault.arg;
		if (bad_len && i == 0)
			c.length = (uint16_t)(blen + d->fault.arg > 0xffff ? 0xffff : blen + d->fault.arg);
		c.hash = hash;
		c.sub_qid = 0;
		c.offset = (uint8_t)(i ? 0 : lead);
		/* the extended layout also names the buffer */
		memset(ext, 0, sizeof(ext));
		memcpy(ext, &c, sizeof(c));
		memcpy(ext + 16, &descs[i].addr_lo, 4);
		memcpy(ext + 20, &descs[i].addr_hi, 2);
		cq_post(d, cq, ext, sizeof(ext));
	}
	sq->head = idx;
	sq->phase = phase;
	sq->pkts++;
	sq->bytes += len;
	d->stats.rx_pkts++;
	d->stats.rx_bytes += len;
	d->m.rx_frames++;
	d->m.rx_bytes += len;
	vec_event(d, cq, true);
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */
/* ------------------------------------------------------------------ */

void ena_io_reset(struct ena_dev *d)
{
	unsigned int i;

	for (i = 0; i < ENA_MAX_MSIX; i++) {
		d->vec[i].masked = false;
		d->vec[i].pending = d->vec[i].pending_rx = d->vec[i].pending_tx = false;
		d->vec[i].rx_delay = d->vec[i].tx_delay = 0;
		ev_timer_cancel(&d->vec[i].timer);
	}
	d->n_delayed = 0;
	ev_timer_cancel(&d->delay_timer);
}

void ena_io_init(struct ena_dev *d)
{
	unsigned int i;

	for (i = 0; i < ENA_MAX_MSIX; i++) {
		d->vec[i].d = d;
		d->vec[i].idx = (uint16_t)i;
		ev_timer_setup(d->loop, &d->vec[i].timer, vec_timer, &d->vec[i]);
	}
	ev_timer_setup(d->loop, &d->delay_timer, delay_timer_cb, d);
}

void ena_io_fini(struct ena_dev *d)
{
	unsigned int i;

	for (i = 0; i < ENA_MAX_MSIX; i++)
		ev_timer_remove(d->loop, &d->vec[i].timer);
	ev_timer_remove(d->loop, &d->delay_timer);
}

void ena_dev_set_net(struct ena_dev *d, const struct ena_net *net)
{
	d->net = *net;
}

void ena_dev_tx_comp_fault(struct ena_dev *d, uint32_t drop_next, uint32_t delay_ms)
{
	d->drop_tx_comps = drop_next;
	d->delay_tx_comps_ms = delay_ms;
	log_info(d->name, "TX completions: drop the next %u, delay %u ms", drop_next, delay_ms);
	if (!delay_ms && d->n_delayed) {
		/* release what is held back */
		unsigned int i;

		for (i = 0; i < d->n_delayed; i++)
			d->delayed[i].due_us = 0;
		delay_timer_cb(d);
	}
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Faults on demand: the device misbehaving the ways drivers must survive
 * (an admin queue that stops answering or answers with errors, completions
 * naming the wrong buffer or a length past it, interrupts that never come).
 * The control socket sets them; the admin and IO paths ask ena_fault_hit()
 * at the point where the fault would show.
 */
#include <string.h>

#include "ena_priv.h"
#include "log.h"

static const struct {
	const char *name;
	bool counted;		/* else lasts until cleared (stall) or timed */
	uint32_t default_arg;
} kinds[ENA_FAULT_KINDS] = {
	[ENA_FAULT_NONE]		= { "clear", false, 0 },
	[ENA_FAULT_ADMIN_STALL]		= { "admin-stall", false, 0 },
	[ENA_FAULT_ADMIN_ERROR]		= { "admin-error", true, EIF_ST_UNKNOWN_ERROR },
	[ENA_FAULT_TX_BAD_REQ_ID]	= { "tx-bad-req-id", true, 0xffff },
	[ENA_FAULT_TX_REPEAT_REQ_ID]	= { "tx-repeat-req-id", true, 0 },
	[ENA_FAULT_RX_BAD_REQ_ID]	= { "rx-bad-req-id", true, 0xffff },
	[ENA_FAULT_RX_BAD_LEN]		= { "rx-bad-len", true, 512 },
	[ENA_FAULT_RX_TOO_MANY]		= { "rx-too-many", true, 20 },
	[ENA_FAULT_RX_BAD_FIRST]	= { "rx-bad-first", true, 2 },
	[ENA_FAULT_IRQ_LOSS]		= { "irq-loss", false, 1000 },
	[ENA_FAULT_PHC_STALL]		= { "phc-stall", true, 0 },
	[ENA_FAULT_PHC_ERROR]		= { "phc-error", true, EIF_PHC_ERR_TIMESTAMP },
};

const char *ena_fault_name(enum ena_fault f)
{
	return f > ENA_FAULT_NONE && f < ENA_FAULT_KINDS ? kinds[f].name : NULL;
}

enum ena_fault ena_fault_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ENA_FAULT_KINDS; i++)
		if (!strcmp(name, kinds[i].name))
			return (enum ena_fault)i;
	return ENA_FAULT_KINDS;
}

void ena_dev_fault(struct ena_dev *d, enum ena_fault f, uint32_t count, uint32_t arg)
{
	bool was_stalled = d->fault.kind == ENA_FAULT_ADMIN_STALL;

	if (f >= ENA_FAULT_KINDS)
		return;
	d->fault.kind = f;
	d->fault.left = kinds[f].counted ? (count ? count : 1) : 0;
	d->fault.arg = arg ? arg : kinds[f].default_arg;
	d->fault.until_us = f == ENA_FAULT_IRQ_LOSS ?
			    ev_now_us() + (uint64_t)d->fault.arg * 1000u : 0;
	if (f == ENA_FAULT_NONE)
		log_info(d->name, "fault: cleared");
	else
		log_info(d->name, "fault: %s, %u event(s), argument %u", kinds[f].name,
			 d->fault.left, d->fault.arg);
	/* commands that waited are answered now, as a device that recovered */
	if (was_stalled && f != ENA_FAULT_ADMIN_STALL && d->aq_head != (uint16_t)d->aq_db)
		ena_admin_doorbell(d, d->aq_db);
}

bool ena_fault_hit(struct ena_dev *d, enum ena_fault kind)
{
	if (d->fault.kind != kind)
		return false;
	if (kinds[kind].counted) {
		if (!d->fault.left)
			return false;
		if (!--d->fault.left)
			d->fault.kind = ENA_FAULT_NONE;
	} else if (d->fault.until_us && ev_now_us() >= d->fault.until_us) {
		d->fault.kind = ENA_FAULT_NONE;
		return false;
	}
	d->fault.hits++;
	return true;
}

void ena_fault_reset(struct ena_dev *d)
{
	if (d->fault.kind != ENA_FAULT_NONE)
		log_info(d->name, "fault: %s ended by the device reset", kinds[d->fault.kind].name);
	d->fault.kind = ENA_FAULT_NONE;
	d->fault.left = 0;
}

/*
 * Chaos: a fixed-seed fraction of the completion, admin completion and
 * AENQ entries the device writes gets a few bits flipped, anywhere in the
 * entry (request ids, lengths, statuses, phase bits, event payloads), to
 * show that a driver survives a device it cannot trust.
 */
static uint64_t chaos_next(struct ena_dev *d)
{
	uint64_t x = d->chaos_rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	d->chaos_rng = x;
	return x;
}

void ena_dev_chaos(struct ena_dev *d, uint32_t ppm, uint32_t seed)
{
	d->chaos_ppm = ppm > 1000000 ? 1000000 : ppm;
	/* xorshift must not start at 0 */
	d->chaos_rng = 0x9e3779b97f4a7c15ull ^ seed;
	log_info(d->name, "chaos: %u per million of the entries written, seed %u",
		 d->chaos_ppm, seed);
}

void ena_chaos_entry(struct ena_dev *d, uint8_t *e, size_t len)
{
	unsigned int flips, i;

	if (!d->chaos_ppm || !len || chaos_next(d) % 1000000 >= d->chaos_ppm)
		return;
	flips = 1 + (unsigned int)(chaos_next(d) % 3);
	for (i = 0; i < flips; i++) {
		uint64_t r = chaos_next(d);

		e[r % len] ^= (uint8_t)(1u << ((r >> 32) % 8));
	}
	d->m.chaos++;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flow steering rules (see ena_flow.h).
 */
#include <string.h>

#include "ena_flow.h"

void ena_flow_init(struct ena_flow *fl, uint16_t size)
{
	memset(fl, 0, sizeof(*fl));
	fl->size = size > ENA_FLOW_MAX_RULES ? ENA_FLOW_MAX_RULES : size;
}

void ena_flow_clear(struct ena_flow *fl)
{
	ena_flow_init(fl, fl->size);
}

static uint8_t flow_add(struct ena_flow *fl, const struct eif_f_flow_steering *req,
			const struct eif_flow_rule *rule, unsigned int queues,
			uint16_t *location)
{
	uint16_t at = req->location;
	struct ena_flow_rule *e;

	if (!rule || !req->type || req->type >= EIF_FLOW_TYPES || req->rx_queue >= queues)
		return rule ? EIF_ST_ILLEGAL_PARAM : EIF_ST_MALFORMED;
	if (at == EIF_FLOW_ANY_LOCATION) {
		for (at = 0; at < fl->size && fl->rules[at].used; at++)
			;
		if (at == fl->size)
			return EIF_ST_NO_RESOURCES;
	} else if (at >= fl->size || fl->rules[at].used) {
		/* a taken slot is the driver's mistake: it keeps its own table */
		return EIF_ST_ILLEGAL_PARAM;
	}
	e = &fl->rules[at];
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->type = req->type;
	e->queue = req->rx_queue;
	e->r = *rule;
	fl->n_used++;
	*location = at;
	return EIF_ST_SUCCESS;
}

uint8_t ena_flow_set(struct ena_flow *fl, const struct eif_f_flow_steering *req,
		     const struct eif_flow_rule *rule, unsigned int queues,
		     uint16_t *location)
{
	switch (req->action) {
	case EIF_FLOW_ADD:
		return flow_add(fl, req, rule, queues, location);
	case EIF_FLOW_REMOVE:
		if (req->location >= fl->size || !fl->rules[req->location].used)
			return EIF_ST_ILLEGAL_PARAM;
		memset(&fl->rules[req->location], 0, sizeof(fl->rules[0]));
		fl->n_used--;
		return EIF_ST_SUCCESS;
	case EIF_FLOW_REMOVE_ALL:
		ena_flow_clear(fl);
		return EIF_ST_SUCCESS;
	default:
		return EIF_ST_ILLEGAL_PARAM;
	}
}

static bool masked_eq(const uint8_t *v, const uint8_t *want, const uint8_t *mask, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((v[i] & mask[i]) != (want[i] & mask[i]))
			return false;
	return true;
}

static bool rule_matches(const struct ena_flow_rule *e, const uint8_t *f,
			 const struct pkt_info *pi)
{
	static const uint8_t ipver[EIF_FLOW_TYPES] = { 0, 4, 6, 4, 6, 4, 6 };
	static const uint8_t l4[EIF_FLOW_TYPES] = { 0, 0, 0, 6, 6, 17, 17 };
	const uint8_t *l3 = f + pi->l3_off;
	unsigned int alen = pi->ipver == 4 ? 4 : 16;
	uint8_t tos;

	if (pi->ipver != ipver[e->type])
		return false;
	/* a fragment may not carry the ports: the L4 types never match one */
	if (l4[e->type] && (pi->l4proto != l4[e->type] || !pi->l4_off || pi->frag))
		return false;
	if (!masked_eq(l3 + (pi->ipver == 4 ? 12 : 8), e->r.src_ip, e->r.src_ip_mask, alen) ||
	    !masked_eq(l3 + (pi->ipver == 4 ? 16 : 24), e->r.dst_ip, e->r.dst_ip_mask, alen))
		return false;
	/* the IPv4 TOS byte; IPv6's traffic class straddles its first bytes */
	tos = pi->ipver == 4 ? l3[1] : (uint8_t)((l3[0] & 0x0f) << 4 | l3[1] >> 4);
	if ((tos & e->r.tos_mask) != (e->r.tos & e->r.tos_mask))
		return false;
	if (l4[e->type])
		return masked_eq(f + pi->l4_off, e->r.src_port, e->r.src_port_mask, 2) &&
		       masked_eq(f + pi->l4_off + 2, e->r.dst_port, e->r.dst_port_mask, 2);
	return true;
}

int ena_flow_match(struct ena_flow *fl, const uint8_t *f, const struct pkt_info *pi)
{
	unsigned int i, seen = 0;

	if (!fl->n_used || !pi->ipver)
		return -1;
	for (i = 0; i < fl->size && seen < fl->n_used; i++) {
		struct ena_flow_rule *e = &fl->rules[i];

		if (!e->used)
			continue;
		seen++;
		if (rule_matches(e, f, pi)) {
			e->hits++;
			return e->queue;
		}
	}
	return -1;
}

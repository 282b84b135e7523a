// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ENI allowances (see ena_eni.h).
 */
#include <string.h>

#include "ena_eni.h"
#include "pkt.h"

static const char *const limit_names[ENA_ENI_LIMITS] = {
	[ENA_ENI_PPS] = "pps",
	[ENA_ENI_BW_IN] = "bw-in",
	[ENA_ENI_BW_OUT] = "bw-out",
	[ENA_ENI_CONNTRACK] = "conntrack",
	[ENA_ENI_LINKLOCAL] = "linklocal",
	[ENA_ENI_FRAG] = "frag",
};

void ena_eni_init(struct ena_eni *e, const uint32_t limit[ENA_ENI_LIMITS],
		  uint32_t conntrack_timeout_ms)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->limit, limit, sizeof(e->limit));
	if (e->limit[ENA_ENI_CONNTRACK] > ENA_ENI_MAX_FLOWS)
		e->limit[ENA_ENI_CONNTRACK] = ENA_ENI_MAX_FLOWS;
	e->conntrack_timeout_ms = conntrack_timeout_ms;
}

int ena_eni_limit_from_name(const char *name)
{
	int i;

	for (i = 0; i < ENA_ENI_LIMITS; i++)
		if (!strcmp(name, limit_names[i]))
			return i;
	return -1;
}

const char *ena_eni_limit_name(enum ena_eni_limit l)
{
	return l < ENA_ENI_LIMITS ? limit_names[l] : "?";
}

bool ena_eni_set_limit(struct ena_eni *e, enum ena_eni_limit l, uint32_t value)
{
	if (l >= ENA_ENI_LIMITS || (l == ENA_ENI_CONNTRACK && value > ENA_ENI_MAX_FLOWS))
		return false;
	e->limit[l] = value;
	/* a lower conntrack allowance keeps the connections tracked first */
	if (l == ENA_ENI_CONNTRACK && value && e->n_flows > value)
		e->n_flows = value;
	if (l == ENA_ENI_CONNTRACK && !value)
		e->n_flows = 0;
	return true;
}

/*
 * The link-local services an instance reaches without leaving its host:
 * 169.254.0.0/16 (metadata, DNS, time), fd00:ec2::/32 for IPv6.
 */
static bool linklocal(const uint8_t *f, const struct pkt_info *pi, bool in)
{
	const uint8_t *peer;

	if (pi->ipver == 4) {
		peer = f + pi->l3_off + (in ? 12 : 16);
		return peer[0] == 169 && peer[1] == 254;
	}
	if (pi->ipver == 6) {
		static const uint8_t ec2[4] = { 0xfd, 0x00, 0x0e, 0xc2 };

		peer = f + pi->l3_off + (in ? 8 : 24);
		return !memcmp(peer, ec2, sizeof(ec2));
	}
	return false;
}

/* the frame's connection, the same both ways; false if it is not IP */
static bool flow_of(const uint8_t *f, const struct pkt_info *pi, struct ena_eni_flow *fl)
{
	unsigned int n, src, dst;
	uint16_t ps = 0, pd = 0;

	if (!pi->ipver)
		return false;
	memset(fl, 0, sizeof(*fl));
	n = pi->ipver == 4 ? 4 : 16;
	src = pi->l3_off + (pi->ipver == 4 ? 12 : 8);
	dst = src + n;
	if (pi->l4_off && !pi->frag) {
		ps = (uint16_t)(f[pi->l4_off] << 8 | f[pi->l4_off + 1]);
		pd = (uint16_t)(f[pi->l4_off + 2] << 8 | f[pi->l4_off + 3]);
	}
	fl->proto = pi->l4proto;
	fl->addr_len = (uint8_t)n;
	/* the lower (address, port) first, so that both directions match */
	if (memcmp(f + src, f + dst, n) < 0 || (!memcmp(f + src, f + dst, n) && ps <= pd)) {
		memcpy(fl->a, f + src, n);
		memcpy(fl->b, f + dst, n);
		fl->pa = ps;
		fl->pb = pd;
	} else {
		memcpy(fl->a, f + dst, n);
		memcpy(fl->b, f + src, n);
		fl->pa = pd;
		fl->pb = ps;
	}
	return true;
}

static bool same_flow(const struct ena_eni_flow *x, const struct ena_eni_flow *y)
{
	return x->proto == y->proto && x->addr_len == y->addr_len && x->pa == y->pa &&
	       x->pb == y->pb && !memcmp(x->a, y->a, x->addr_len) &&
	       !memcmp(x->b, y->b, x->addr_len);
}

/* forget the connections idle for longer than the timeout */
static void expire_flows(struct ena_eni *e, uint64_t now_us)
{
	uint64_t idle = (uint64_t)e->conntrack_timeout_ms * 1000u;
	unsigned int i = 0;

	while (i < e->n_flows) {
		if (now_us - e->flows[i].seen_us > idle)
			e->flows[i] = e->flows[--e->n_flows];
		else
			i++;
	}
}

/* the frame's connection is tracked (or is tracked now); false if full */
static bool conntrack(struct ena_eni *e, const struct ena_eni_flow *fl, uint64_t now_us)
{
	unsigned int i;

	for (i = 0; i < e->n_flows; i++) {
		if (same_flow(&e->flows[i], fl)) {
			e->flows[i].seen_us = now_us;
			return true;
		}
	}
	expire_flows(e, now_us);
	if (e->n_flows >= e->limit[ENA_ENI_CONNTRACK])
		return false;
	e->flows[e->n_flows] = *fl;
	e->flows[e->n_flows].seen_us = now_us;
	e->n_flows++;
	return true;
}

bool ena_eni_allow(struct ena_eni *e, struct eif_eni_stats *st, const uint8_t *f,
		   size_t len, bool in, uint64_t now_us)
{
	const uint32_t *lim = e->limit;
	uint64_t bits = (uint64_t)len * 8;
	struct ena_eni_flow fl;
	struct pkt_info pi;
	bool frag_limited = !in && lim[ENA_ENI_FRAG] && !e->frag_bypass;
	bool ll;

	if (!lim[ENA_ENI_PPS] && !lim[ENA_ENI_BW_IN] && !lim[ENA_ENI_BW_OUT] &&
	    !lim[ENA_ENI_CONNTRACK] && !lim[ENA_ENI_LINKLOCAL] && !frag_limited)
		return true;
	if (now_us - e->window_us >= 1000000u) {
		e->window_us = now_us;
		e->pkts = e->bits_in = e->bits_out = e->linklocal_pkts = e->frags_out = 0;
	}
	if (lim[ENA_ENI_PPS] && e->pkts + 1 > lim[ENA_ENI_PPS]) {
		st->pps_allowance_exceeded++;
		return false;
	}
	if (in && lim[ENA_ENI_BW_IN] && e->bits_in + bits > (uint64_t)lim[ENA_ENI_BW_IN] * 1000000u) {
		st->bw_in_allowance_exceeded++;
		return false;
	}
	if (!in && lim[ENA_ENI_BW_OUT] &&
	    e->bits_out + bits > (uint64_t)lim[ENA_ENI_BW_OUT] * 1000000u) {
		st->bw_out_allowance_exceeded++;
		return false;
	}
	pkt_parse(f, len, &pi);
	if (frag_limited && pi.frag && e->frags_out + 1 > lim[ENA_ENI_FRAG]) {
		st->pps_allowance_exceeded++;
		return false;
	}
	ll = linklocal(f, &pi, in);
	if (ll && lim[ENA_ENI_LINKLOCAL] && e->linklocal_pkts + 1 > lim[ENA_ENI_LINKLOCAL]) {
		st->linklocal_allowance_exceeded++;
		return false;
	}
	if (lim[ENA_ENI_CONNTRACK] && flow_of(f, &pi, &fl) && !conntrack(e, &fl, now_us)) {
		st->conntrack_allowance_exceeded++;
		return false;
	}
	e->pkts++;
	if (in)
		e->bits_in += bits;
	else
		e->bits_out += bits;
	if (ll)
		e->linklocal_pkts++;
	if (!in && pi.frag)
		e->frags_out++;
	return true;
}

uint64_t ena_eni_conntrack_available(struct ena_eni *e, uint64_t now_us)
{
	if (!e->limit[ENA_ENI_CONNTRACK])
		return 0;
	expire_flows(e, now_us);
	return e->limit[ENA_ENI_CONNTRACK] - e->n_flows;
}

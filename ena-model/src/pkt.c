// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Frame parsing, checksums and RSS hashes (see pkt.h).
 */
#include <string.h>

#include "pkt.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void pkt_parse(const uint8_t *f, size_t len, struct pkt_info *pi)
{
	unsigned int off = 12, l3, hl, tot;
	uint16_t type;
	int vlans = 0;

	memset(pi, 0, sizeof(*pi));
	if (len < 14)
		return;
	type = be16(f + off);
	off += 2;
	while ((type == 0x8100 || type == 0x88a8) && vlans < 2 && off + 4 <= len) {
		type = be16(f + off + 2);
		off += 4;
		vlans++;
	}
	l3 = off;
	if (type == 0x0800) {
		if (l3 + 20 > len || (f[l3] >> 4) != 4)
			return;
		hl = (f[l3] & 0xfu) * 4u;
		tot = be16(f + l3 + 2);
		if (hl < 20 || tot < hl || l3 + tot > len)
			return;
		pi->ipver = 4;
		pi->l3_off = l3;
		pi->l3_len = hl;
		pi->ip_end = l3 + tot;
		pi->l4proto = f[l3 + 9];
		pi->frag = (be16(f + l3 + 6) & 0x3fffu) != 0;
	} else if (type == 0x86dd) {
		uint8_t nh;
		unsigned int p;

		if (l3 + 40 > len || (f[l3] >> 4) != 6)
			return;
		tot = 40u + be16(f + l3 + 4);
		if (l3 + tot > len)
			return;
		pi->ipver = 6;
		pi->l3_off = l3;
		pi->ip_end = l3 + tot;
		nh = f[l3 + 6];
		p = l3 + 40;
		/* hop-by-hop, routing, fragment, destination options */
		while (nh == 0 || nh == 43 || nh == 44 || nh == 60) {
			if (p + 8 > pi->ip_end)
				return;
			pi->v6_ext = true;
			if (nh == 44) {
				pi->frag = true;
				nh = f[p];
				p += 8;
			} else {
				unsigned int el = 8u + f[p + 1] * 8u;

				nh = f[p];
				p += el;
			}
		}
		pi->l3_len = p - l3;
		pi->l4proto = nh;
	} else {
		return;
	}
	if (pi->frag)
		return;
	off = pi->l3_off + pi->l3_len;
	if (pi->l4proto == 6 && off + 20 <= pi->ip_end) {
		hl = (f[off + 12] >> 4) * 4u;
		if (hl >= 20 && off + hl <= pi->ip_end) {
			pi->l4_off = off;
			pi->l4_len = hl;
		}
	} else if (pi->l4proto == 17 && off + 8 <= pi->ip_end) {
		pi->l4_off = off;
		pi->l4_len = 8;
	}
}

uint32_t pkt_csum_add(uint32_t sum, const uint8_t *buf, size_t len)
{
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(buf[i] << 8 | buf[i + 1]);
	if (len & 1)
		s += (uint32_t)buf[len - 1] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

uint32_t pkt_pseudo_sum(const uint8_t *f, const struct pkt_info *pi, uint32_t l4len)
{
	uint32_t s;

	if (pi->ipver == 4)
		s = pkt_csum_add(0, f + pi->l3_off + 12, 8);
	else
		s = pkt_csum_add(0, f + pi->l3_off + 8, 32);
	s += pi->l4proto;
	s += l4len >> 16;
	s += l4len & 0xffffu;
	return s;
}

bool pkt_ipv4_csum_ok(const uint8_t *f, const struct pkt_info *pi)
{
	return pkt_csum_fold(pkt_csum_add(0, f + pi->l3_off, pi->l3_len)) == 0xffff;
}

bool pkt_l4_csum_ok(const uint8_t *f, const struct pkt_info *pi)
{
	uint32_t l4len = pi->ip_end - pi->l4_off;
	uint32_t s;

	/* a zero UDP checksum over IPv4 means "not computed" */
	if (pi->l4proto == 17 && pi->ipver == 4 && !f[pi->l4_off + 6] && !f[pi->l4_off + 7])
		return true;
	s = pkt_pseudo_sum(f, pi, l4len);
	s = pkt_csum_add(s, f + pi->l4_off, l4len);
	return pkt_csum_fold(s) == 0xffff;
}

uint32_t pkt_toeplitz(const uint8_t *key, size_t keylen, const uint8_t *in, size_t n)
{
	uint32_t hash = 0, win;
	size_t i, kbit;
	int b;

	if (keylen < 4)
		return 0;
	win = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 | (uint32_t)key[2] << 8 | key[3];
	kbit = 32;	/* next key bit to shift into the window */
	for (i = 0; i < n; i++) {
		for (b = 7; b >= 0; b--) {
			if (in[i] & (1u << b))
				hash ^= win;
			win <<= 1;
			if (kbit / 8 < keylen && (key[kbit / 8] & (0x80u >> (kbit % 8))))
				win |= 1;
			kbit++;
		}
	}
	return hash;
}

uint32_t pkt_crc32(uint32_t init, const uint8_t *in, size_t n)
{
	uint32_t c = init;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		c ^= in[i];
		for (b = 0; b < 8; b++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c;
}

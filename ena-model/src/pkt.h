/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ethernet frame parsing and the arithmetic the device does on frames:
 * Internet checksums, Toeplitz and CRC32 hashes.  Pure functions on
 * buffers; no device state.
 */
#ifndef ENA_MODEL_PKT_H
#define ENA_MODEL_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pkt_info {
	unsigned int l3_off;		/* 0: not IP */
	unsigned int l3_len;		/* IP header length incl. IPv6 extension headers */
	unsigned int l4_off;		/* 0: no TCP/UDP header present */
	unsigned int l4_len;		/* TCP header length (data offset) or 8 for UDP */
	unsigned int ip_end;		/* end of the IP datagram (total length) */
	uint8_t ipver;			/* 4, 6 or 0 */
	uint8_t l4proto;		/* IP protocol number (6 TCP, 17 UDP, ...) */
	bool frag;			/* IPv4 fragment (MF or offset), or IPv6 fragment header */
	bool v6_ext;			/* IPv6 with extension headers */
};

/* never reads outside [f, f+len); unknown or truncated parts leave fields 0 */
void pkt_parse(const uint8_t *f, size_t len, struct pkt_info *pi);

/* ones' complement sum of buf added to sum (not folded) */
uint32_t pkt_csum_add(uint32_t sum, const uint8_t *buf, size_t len);
uint16_t pkt_csum_fold(uint32_t sum);
/* pseudo-header sum for TCP/UDP over IPv4/IPv6 with the given L4 length */
uint32_t pkt_pseudo_sum(const uint8_t *f, const struct pkt_info *pi, uint32_t l4len);
/* true if the IPv4 header / the TCP/UDP checksum of a parsed frame is good */
bool pkt_ipv4_csum_ok(const uint8_t *f, const struct pkt_info *pi);
bool pkt_l4_csum_ok(const uint8_t *f, const struct pkt_info *pi);

/* Toeplitz hash over in[0..n) with a key of keylen bytes (keylen >= n + 4) */
uint32_t pkt_toeplitz(const uint8_t *key, size_t keylen, const uint8_t *in, size_t n);
/* CRC32 (IEEE, reflected) with the given initial value, no final xor */
uint32_t pkt_crc32(uint32_t init, const uint8_t *in, size_t n);

#endif

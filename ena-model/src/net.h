/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packet backends: what an ENA function's "cable" is plugged into.
 *
 *  - dgram:    a UNIX datagram socket, one Ethernet frame per datagram, as
 *              QEMU's "-netdev dgram" with unix addresses speaks it.  The
 *              model binds LOCAL and sends to REMOTE.
 *  - loopback: two functions of this process cabled back to back (or one
 *              function to itself).
 *  - none:     frames go nowhere (an unplugged cable).
 *
 * Optionally every frame sent and received is appended to a pcap file.
 */
#ifndef ENA_MODEL_NET_H
#define ENA_MODEL_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ena_dev.h"
#include "evloop.h"

struct net_pcap {
	FILE *f;
	uint64_t frames;
	uint32_t snaplen;	/* bytes kept of each frame */
};

struct net_port {
	char name[32];
	struct ena_dev *ena;		/* receiver of frames from the wire */
	struct evloop *loop;
	int fd;				/* dgram: bound socket, else -1 */
	char local[108];
	char remote[108];
	struct net_port *peer;		/* loopback partner */
	struct net_pcap *pcap;
	uint64_t tx_frames, tx_bytes, tx_errors, rx_frames, rx_bytes;
	bool warned;
	bool connected;			/* dgram: connect()ed to REMOTE (see net.c) */
	uint8_t *rxbuf;
	/* frames waiting for the peer's receive queue to drain (a UNIX datagram
	 * receiver takes only net.unix.max_dgram_qlen frames at a time) */
	struct net_frame { uint8_t *data; size_t len; } *txq;
	unsigned int txq_head, txq_len;
	uint64_t txq_max_seen, tx_queue_drops;
};

/* snaplen 0: whole frames */
int net_pcap_open(struct net_pcap *p, const char *path, uint32_t snaplen);
void net_pcap_close(struct net_pcap *p);

/* attaches the port to ena as its backend (none until cabled) */
void net_port_init(struct net_port *p, const char *name, struct ena_dev *ena,
		   struct evloop *loop, struct net_pcap *pcap);
/* spec "LOCAL:REMOTE"; 0 or -1 (logged) */
int net_port_dgram(struct net_port *p, const char *spec);
void net_port_loopback(struct net_port *a, struct net_port *b);
void net_port_close(struct net_port *p);

#endif

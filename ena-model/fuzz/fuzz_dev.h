/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ENA device core in-process for fuzzing, with guest memory as a flat
 * buffer behind the same ena_host services the PCI glue provides, and a
 * small operation language that fuzz inputs are written in: register
 * accesses, admin commands, descriptors, doorbells, frames from the wire
 * and device events.  The admin and IO harnesses differ only in how far
 * they bring the device up before the operations run.
 */
#ifndef ENA_MODEL_FUZZ_DEV_H
#define ENA_MODEL_FUZZ_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "ena_priv.h"
#include "profile.h"

/* guest memory: where the harness puts the rings; the rest is buffers */
#define FZ_GUEST_BASE	0x100000ull
#define FZ_GUEST_SIZE	0x40000u
#define FZ_AQ		0x0000u		/* 32 x 64-byte admin commands */
#define FZ_ACQ		0x1000u		/* 32 x 64-byte admin completions */
#define FZ_AENQ		0x2000u		/* 16 x 64-byte events */
#define FZ_RESP		0x3000u		/* readless response */
#define FZ_TX_SQ	0x4000u		/* 256 x 16-byte TX descriptors */
#define FZ_TX_CQ	0x5000u		/* 256 x 8-byte TX completions */
#define FZ_RX_SQ	0x6000u		/* 256 x 16-byte RX descriptors */
#define FZ_RX_CQ	0x7000u		/* 256 x 16-byte RX completions */
#define FZ_BUFFERS	0x8000u
#define FZ_AQ_DEPTH	32u
#define FZ_AENQ_DEPTH	16u
#define FZ_IO_DEPTH	256u

/* operations: an opcode byte (taken modulo FZ_OP_COUNT), then its arguments */
enum fz_op {
	FZ_OP_MMIO_WRITE,	/* u16 offset, u32 value */
	FZ_OP_MMIO_READ,	/* u16 offset */
	FZ_OP_ADMIN,		/* u8 flags (FZ_FIX_*), 64-byte command at the AQ tail */
	FZ_OP_MEM,		/* u16 offset (4-byte units), u8 length, bytes: guest memory */
	FZ_OP_EVENT,		/* u8 kind (enum fz_event), u8 argument */
	FZ_OP_RX_FRAME,		/* u16 length, bytes: a frame from the wire */
	FZ_OP_TX_DESC,		/* u8 flags, 16-byte descriptor at the TX SQ tail */
	FZ_OP_RX_DESC,		/* u8 flags, 16-byte descriptor at the RX SQ tail */
	FZ_OP_DOORBELL,		/* u8 which (enum fz_doorbell), u32 value */
	FZ_OP_LLQ_WRITE,	/* u16 offset, u8 length, bytes: BAR2 */
	FZ_OP_RUN_LOOP,		/* one round of due timers (moderation, delays) */
	FZ_OP_COUNT
};

/* FZ_OP_ADMIN / _TX_DESC / _RX_DESC flags: what the harness fixes up */
#define FZ_FIX_PHASE	0x01u	/* the phase bit the device expects */
#define FZ_FIX_ADDR	0x02u	/* buffer address into guest memory */
#define FZ_RING		0x04u	/* ring the SQ doorbell after it */

enum fz_event {
	FZ_EV_LINK_DOWN,
	FZ_EV_LINK_UP,
	FZ_EV_FATAL,
	FZ_EV_HINTS,
	FZ_EV_KEEPALIVE,
	FZ_EV_TX_COMP_DROP,	/* argument: completions to swallow */
	FZ_EV_POWER_ON,
	FZ_EV_FAULT,		/* argument: the kind (enum ena_fault), for 2 events */
	FZ_EV_COUNT
};

enum fz_doorbell {
	FZ_DB_TX_SQ,		/* value: tail */
	FZ_DB_RX_SQ,
	FZ_DB_TX_CQ_HEAD,
	FZ_DB_RX_CQ_HEAD,
	FZ_DB_TX_UNMASK,	/* value: interrupt register */
	FZ_DB_RX_UNMASK,
	FZ_DB_AENQ_HEAD,
	FZ_DB_COUNT
};

struct fz_dev {
	struct ena_profile prof;
	struct evloop loop;
	int wake_fd;		/* always readable: the loop never blocks */
	struct ena_dev *d;
	uint8_t *mem;		/* FZ_GUEST_SIZE bytes at FZ_GUEST_BASE */

	/* the harness's driver-side view */
	uint16_t aq_tail;
	uint8_t aq_phase;
	uint16_t tx_tail, rx_tail;
	uint16_t tx_cq_head, rx_cq_head;
	uint32_t tx_db, rx_db;		/* doorbell offsets the device gave */
	uint32_t tx_cq_db, rx_cq_db, tx_unmask, rx_unmask;
	uint64_t irqs, frames_sent, sink;
};

/* silent logs, a profile with 2 queue pairs; returns 0 or -1 */
int fz_dev_init(struct fz_dev *f);
void fz_dev_fini(struct fz_dev *f);
/* the driver's bring-up: reset, admin queue, AENQ, readless address */
void fz_dev_admin_up(struct fz_dev *f);
/* admin_up, then one TX and one RX queue pair in interrupt mode */
void fz_dev_io_up(struct fz_dev *f);
/* interpret an input as operations until it runs out */
void fz_dev_run(struct fz_dev *f, const uint8_t *data, size_t size);

#endif

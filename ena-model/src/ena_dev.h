/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ENA device core: register file, reset, readless reads, admin queue,
 * AENQ, IO queue bookkeeping.  It knows nothing about vfio-user or PCI
 * config space; it reaches guest memory and interrupts through ena_host,
 * like a device core behind a bus glue layer.
 */
#ifndef ENA_MODEL_ENA_DEV_H
#define ENA_MODEL_ENA_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "profile.h"

/*
 * BAR0 layout (16 KiB).  Offsets below 0x2000 belong to the device core;
 * the MSI-X table and PBA above are the PCI glue's.
 */
#define ENA_BAR0_SIZE		0x4000u
#define ENA_BAR0_REGS_END	0x1000u	/* register file, PHC doorbell */
#define ENA_DB_SQ_BASE		0x1000u	/* TX SQ n: +8n, RX SQ n: +8n+4 */
#define ENA_DB_CQ_UNMASK_BASE	0x1800u	/* CQ n interrupt unmask: +4n */
#define ENA_DB_CQ_HEAD_BASE	0x1c00u	/* CQ n head doorbell: +4n */
#define ENA_BAR0_CORE_END	0x2000u
#define ENA_BAR0_MSIX_TABLE	0x2000u
#define ENA_BAR0_MSIX_PBA	0x3000u

#define ENA_MAX_IO_QUEUES	128u	/* per direction; fits the doorbell area */
#define ENA_MAX_MSIX		(1u + ENA_MAX_IO_QUEUES)

struct ena_host {
	void *opaque;
	bool (*dma_read)(void *opaque, uint64_t addr, void *buf, size_t len);
	bool (*dma_write)(void *opaque, uint64_t addr, const void *buf, size_t len);
	/* is the whole range accessible (for writing if write)? */
	bool (*dma_ok)(void *opaque, uint64_t addr, uint64_t len, bool write);
	void (*irq)(void *opaque, unsigned int vector);
};

struct ena_dev;

struct ena_dev *ena_dev_create(const char *name, const struct ena_profile *prof,
			       unsigned int fn_index, const struct ena_host *host,
			       struct evloop *loop);
void ena_dev_destroy(struct ena_dev *d);

/* PCI-level reset / power on: everything back to defaults, ready bit set */
void ena_dev_power_on(struct ena_dev *d);

/* BAR0 accesses below ENA_BAR0_CORE_END, 32 bit, off 4-aligned */
uint32_t ena_dev_mmio_read(struct ena_dev *d, uint32_t off);
void ena_dev_mmio_write(struct ena_dev *d, uint32_t off, uint32_t val);

/* BAR2 (LLQ memory); plain memory until LLQ is implemented */
uint32_t ena_dev_llq_size(const struct ena_dev *d);
void ena_dev_llq_read(struct ena_dev *d, uint64_t off, void *buf, uint32_t n);
void ena_dev_llq_write(struct ena_dev *d, uint64_t off, const void *buf, uint32_t n);

/* packet backend: where transmitted frames go */
struct ena_net {
	void *opaque;
	/* false if the frame could not be sent (counted as a TX error) */
	bool (*send)(void *opaque, const uint8_t *frame, size_t len);
};
void ena_dev_set_net(struct ena_dev *d, const struct ena_net *net);
/* a frame from the wire: RSS picks the RX queue, no posted buffer -> drop */
void ena_dev_receive(struct ena_dev *d, const uint8_t *frame, size_t len);

/* events from outside (signals, the control socket) */
void ena_dev_keepalive_enable(struct ena_dev *d, bool on);
void ena_dev_raise_fatal(struct ena_dev *d);
/*
 * An AENQ event of a group without payload (warning, refresh capabilities,
 * device reset request) or a configuration notification carrying bitmap;
 * false if the driver has not enabled the group or its AENQ is full.
 */
bool ena_dev_post_event(struct ena_dev *d, unsigned int group, uint64_t bitmap);
/* swallow the next n TX completions / hold every TX completion back ms */
void ena_dev_tx_comp_fault(struct ena_dev *d, uint32_t drop_next, uint32_t delay_ms);
/*
 * Faults on demand, one kind at a time (the control socket's "fault").
 * Counted kinds affect the next count events (0 counts as 1); a device
 * reset ends any fault, as it would recover a device that misbehaved.
 */
enum ena_fault {
	ENA_FAULT_NONE,
	ENA_FAULT_ADMIN_STALL,		/* admin commands wait, unanswered */
	ENA_FAULT_ADMIN_ERROR,		/* admin commands fail with status arg */
	ENA_FAULT_TX_BAD_REQ_ID,	/* TX completions name req_id arg */
	ENA_FAULT_TX_REPEAT_REQ_ID,	/* TX completions repeat the last req_id */
	ENA_FAULT_RX_BAD_REQ_ID,	/* RX frames report req_id arg */
	ENA_FAULT_RX_BAD_LEN,		/* RX frames report arg bytes past the buffer */
	ENA_FAULT_RX_TOO_MANY,		/* RX frames spread over arg completions */
	ENA_FAULT_RX_BAD_FIRST,		/* RX frames in 2 completions, both marked first */
	ENA_FAULT_IRQ_LOSS,		/* IO interrupts are lost for arg ms */
	ENA_FAULT_PHC_STALL,		/* PHC doorbells go unanswered */
	ENA_FAULT_PHC_ERROR,		/* PHC reads answered with error flags arg */
	ENA_FAULT_KINDS
};
/* the control socket's names ("admin-stall", ...); NULL for none */
const char *ena_fault_name(enum ena_fault f);
/* ENA_FAULT_KINDS if name is not a fault */
enum ena_fault ena_fault_by_name(const char *name);
/* arg 0 takes the kind's default; ENA_FAULT_NONE ends the current fault */
void ena_dev_fault(struct ena_dev *d, enum ena_fault f, uint32_t count, uint32_t arg);
/* garble ppm per million of the entries the device writes, from seed */
void ena_dev_chaos(struct ena_dev *d, uint32_t ppm, uint32_t seed);
/* an ENI allowance ("pps", "bw-in", "bw-out", "conntrack", "linklocal"; 0:
 * unlimited) from now on; false if the name or the value is not valid */
bool ena_dev_set_allowance(struct ena_dev *d, const char *name, uint32_t value);
/* the model's own counters as "key=value\n" lines; returns the length */
size_t ena_dev_counters(struct ena_dev *d, char *buf, size_t len);
const char *ena_dev_name(const struct ena_dev *d);

void ena_dev_set_link(struct ena_dev *d, bool up);
bool ena_dev_link_up(const struct ena_dev *d);
void ena_dev_send_hints(struct ena_dev *d);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "driver" side of the tests: does what the Linux ena driver does to
 * the device (reset, readless reads, admin queue, AENQ), on top of the
 * vfio-user test client and its guest memory.
 */
#ifndef TEST_DRV_H
#define TEST_DRV_H

#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "ena_if.h"

#define DRV_IOVA	0x40000000ull
#define DRV_MEM_SIZE	(4u << 20)
/* guest memory layout (offsets from DRV_IOVA) */
#define DRV_AQ		0x0000u
#define DRV_ACQ		0x1000u
#define DRV_AENQ	0x2000u
#define DRV_RESP	0x3000u
#define DRV_HOST_INFO	0x4000u
#define DRV_CTRL	0x5000u		/* 4 KiB control buffer scratch */
#define DRV_DEBUG	0x6000u
#define DRV_RINGS	0x10000u	/* IO rings, 64 KiB each */

#define DRV_AQ_DEPTH	32
#define DRV_AENQ_DEPTH	16

struct drv {
	struct vuc c;
	bool readless;
	uint16_t aq_depth;
	uint16_t sq_tail;
	uint8_t sq_phase;
	uint16_t cq_head;
	uint8_t cq_phase;
	uint16_t cmd_id;
	uint16_t aenq_head;
	uint8_t aenq_phase;
	uint16_t seq;
	uint16_t last_sq_head;	/* from the last completion */
};

/* start the model with args, map guest memory, bus master on, nvec eventfds */
int drv_bringup(struct drv *d, const char *const *args, unsigned int nvec);
void drv_close(struct drv *d);

static inline uint64_t drv_iova(uint32_t off)
{
	return DRV_IOVA + off;
}

static inline void *drv_mem(struct drv *d, uint32_t off)
{
	return d->c.mem + off;
}

void drv_setup_readless(struct drv *d);
/* register read as the driver does it: readless if enabled, else MMIO */
uint32_t drv_reg_read(struct drv *d, uint32_t off);
void drv_reg_write(struct drv *d, uint32_t off, uint32_t val);
int drv_reset(struct drv *d);
/* AQ/ACQ/AENQ registers as in the driver's admin init */
int drv_admin_init(struct drv *d);
/* submit one command, wait for its completion; returns status or -1 */
int drv_cmd(struct drv *d, struct eif_aq_entry *cmd, struct eif_acq_entry *resp);
/* submit without waiting (for batches); drv_complete collects one */
void drv_submit(struct drv *d, struct eif_aq_entry *cmd);
int drv_complete(struct drv *d, struct eif_acq_entry *resp, int timeout_ms);

int drv_get_feature(struct drv *d, unsigned int id, unsigned int version,
		    uint64_t cb_addr, uint32_t cb_len, struct eif_acq_entry *resp);
int drv_set_feature(struct drv *d, unsigned int id, const void *data, size_t len,
		    uint64_t cb_addr, uint32_t cb_len);

void drv_aenq_enable(struct drv *d);
/* next AENQ entry (acks it with the head doorbell); 0, or -1 on timeout */
int drv_aenq_next(struct drv *d, struct eif_aenq_entry *e, int timeout_ms);
/* the driver's probe sequence up to and including AENQ config; 0 or step number */
int drv_probe(struct drv *d, struct eif_acq_entry *dev_attr);

#endif

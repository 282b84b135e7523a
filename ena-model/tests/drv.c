// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drv.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int drv_bringup(struct drv *d, const char *const *args, unsigned int nvec)
{
	uint32_t cmd;

	memset(d, 0, sizeof(*d));
	if (vuc_start(&d->c, args))
		return -1;
	if (vuc_map_memory(&d->c, DRV_IOVA, DRV_MEM_SIZE))
		return -1;
	/* pci_enable_device_mem + pci_set_master */
	cmd = vuc_cfg_read32(&d->c, 4) & 0xffff;
	vuc_cfg_write(&d->c, 4, cmd | 0x6, 2);
	if (nvec && vuc_setup_msix(&d->c, nvec, false))
		return -1;
	d->readless = !(vuc_cfg_read32(&d->c, 8) & EIF_PCI_REV_NO_READLESS);
	return 0;
}

void drv_close(struct drv *d)
{
	vuc_close(&d->c);
}

void drv_reg_write(struct drv *d, uint32_t off, uint32_t val)
{
	vuc_bar_write32(&d->c, EIF_BAR_REGS, off, val);
}

void drv_setup_readless(struct drv *d)
{
	struct eif_mmio_resp *r = drv_mem(d, DRV_RESP);

	memset(r, 0, sizeof(*r));
	drv_reg_write(d, EIF_REG_MMIO_RESP_LO, (uint32_t)drv_iova(DRV_RESP));
	drv_reg_write(d, EIF_REG_MMIO_RESP_HI, (uint32_t)(drv_iova(DRV_RESP) >> 32));
}

uint32_t drv_reg_read(struct drv *d, uint32_t off)
{
	volatile struct eif_mmio_resp *r = drv_mem(d, DRV_RESP);
	uint64_t deadline;

	if (!d->readless)
		return vuc_bar_read32(&d->c, EIF_BAR_REGS, off);
	d->seq++;
	r->req_id = (uint16_t)(d->seq + 0xdead);
	drv_reg_write(d, EIF_REG_MMIO_REG_READ, (off << 16) | d->seq);
	deadline = now_ms() + 2000;
	while (r->req_id != d->seq) {
		if (now_ms() > deadline)
			return 0xffffffff;
		usleep(20);
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (r->reg_off != off)
		return 0xffffffff;
	return r->value;
}

static int wait_reset_state(struct drv *d, uint32_t want)
{
	uint64_t deadline = now_ms() + 3000;

	for (;;) {
		uint32_t v = drv_reg_read(d, EIF_REG_DEV_STS);

		if (v == 0xffffffff)
			return -1;
		if ((v & EIF_DEV_STS_RESET_BUSY) == want)
			return 0;
		if (now_ms() > deadline)
			return -1;
		usleep(100);
	}
}

int drv_reset(struct drv *d)
{
	uint32_t sts, caps;

	if (d->readless)
		drv_setup_readless(d);
	sts = drv_reg_read(d, EIF_REG_DEV_STS);
	caps = drv_reg_read(d, EIF_REG_CAPS);
	if (!(sts & EIF_DEV_STS_READY) || !(caps & 0x3e))
		return -1;
	drv_reg_write(d, EIF_REG_DEV_CTL, EIF_DEV_CTL_RESET);
	if (d->readless)
		drv_setup_readless(d);
	if (wait_reset_state(d, EIF_DEV_STS_RESET_BUSY))
		return -2;
	drv_reg_write(d, EIF_REG_DEV_CTL, 0);
	if (wait_reset_state(d, 0))
		return -3;
	return 0;
}

int drv_admin_init(struct drv *d)
{
	if (!(drv_reg_read(d, EIF_REG_DEV_STS) & EIF_DEV_STS_READY))
		return -1;
	memset(drv_mem(d, DRV_AQ), 0, 0x3000);
	d->aq_depth = DRV_AQ_DEPTH;
	d->sq_tail = 0;
	d->sq_phase = 1;
	d->cq_head = 0;
	d->cq_phase = 1;
	d->cmd_id = 0;
	drv_reg_write(d, EIF_REG_AQ_BASE_LO, (uint32_t)drv_iova(DRV_AQ));
	drv_reg_write(d, EIF_REG_AQ_BASE_HI, (uint32_t)(drv_iova(DRV_AQ) >> 32));
	drv_reg_write(d, EIF_REG_ACQ_BASE_LO, (uint32_t)drv_iova(DRV_ACQ));
	drv_reg_write(d, EIF_REG_ACQ_BASE_HI, (uint32_t)(drv_iova(DRV_ACQ) >> 32));
	drv_reg_write(d, EIF_REG_AQ_CAPS, DRV_AQ_DEPTH | (64u << 16));
	drv_reg_write(d, EIF_REG_ACQ_CAPS, DRV_AQ_DEPTH | (64u << 16));
	drv_reg_write(d, EIF_REG_AENQ_BASE_LO, (uint32_t)drv_iova(DRV_AENQ));
	drv_reg_write(d, EIF_REG_AENQ_BASE_HI, (uint32_t)(drv_iova(DRV_AENQ) >> 32));
	drv_reg_write(d, EIF_REG_AENQ_CAPS, DRV_AENQ_DEPTH | (64u << 16));
	d->aenq_head = DRV_AENQ_DEPTH;
	d->aenq_phase = 1;
	return 0;
}

void drv_submit(struct drv *d, struct eif_aq_entry *cmd)
{
	struct eif_aq_entry *slot = drv_mem(d, DRV_AQ) +
		(size_t)(d->sq_tail & (d->aq_depth - 1)) * sizeof(*slot);

	cmd->hdr.flags = (uint8_t)((cmd->hdr.flags & ~EIF_AQ_FLAG_PHASE) | d->sq_phase);
	cmd->hdr.cmd_id = d->cmd_id;
	d->cmd_id = (uint16_t)((d->cmd_id + 1) & (d->aq_depth - 1));
	memcpy(slot, cmd, sizeof(*cmd));
	d->sq_tail++;
	if (!(d->sq_tail & (d->aq_depth - 1)))
		d->sq_phase ^= 1;
	drv_reg_write(d, EIF_REG_AQ_DB, d->sq_tail);
}

int drv_complete(struct drv *d, struct eif_acq_entry *resp, int timeout_ms)
{
	volatile struct eif_acq_entry *e = drv_mem(d, DRV_ACQ) +
		(size_t)(d->cq_head & (d->aq_depth - 1)) * sizeof(*resp);
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	while ((e->hdr.flags & EIF_CQE_FLAG_PHASE) != d->cq_phase) {
		if (now_ms() > deadline)
			return -1;
		usleep(20);
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	memcpy(resp, (const void *)e, sizeof(*resp));
	d->last_sq_head = resp->hdr.sq_head;
	d->cq_head++;
	if (!(d->cq_head & (d->aq_depth - 1)))
		d->cq_phase ^= 1;
	return resp->hdr.status;
}

int drv_cmd(struct drv *d, struct eif_aq_entry *cmd, struct eif_acq_entry *resp)
{
	struct eif_acq_entry local;
	uint16_t id = d->cmd_id;
	int st;

	if (!resp)
		resp = &local;
	drv_submit(d, cmd);
	st = drv_complete(d, resp, 3000);
	if (st >= 0 && EIF_AQ_CMD_ID(resp->hdr.cmd_id) != id) {
		fprintf(stderr, "drv: completion for command %u, expected %u\n",
			resp->hdr.cmd_id, id);
		return -1;
	}
	return st;
}

int drv_get_feature(struct drv *d, unsigned int id, unsigned int version,
		    uint64_t cb_addr, uint32_t cb_len, struct eif_acq_entry *resp)
{
	struct eif_aq_entry c;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_FEATURE;
	if (cb_len) {
		c.hdr.flags = EIF_AQ_FLAG_CTRL_INDIRECT;	/* as the driver does */
		c.u.feature.cb.length = cb_len;
		c.u.feature.cb.addr.lo = (uint32_t)cb_addr;
		c.u.feature.cb.addr.hi = (uint16_t)(cb_addr >> 32);
	}
	c.u.feature.feat.feature_id = (uint8_t)id;
	c.u.feature.feat.version = (uint8_t)version;
	return drv_cmd(d, &c, resp);
}

int drv_set_feature(struct drv *d, unsigned int id, const void *data, size_t len,
		    uint64_t cb_addr, uint32_t cb_len)
{
	struct eif_aq_entry c;

	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_SET_FEATURE;
	if (cb_len) {
		c.hdr.flags = EIF_AQ_FLAG_CTRL_INDIRECT;
		c.u.feature.cb.length = cb_len;
		c.u.feature.cb.addr.lo = (uint32_t)cb_addr;
		c.u.feature.cb.addr.hi = (uint16_t)(cb_addr >> 32);
	}
	c.u.feature.feat.feature_id = (uint8_t)id;
	if (len > sizeof(c.u.feature.data))
		len = sizeof(c.u.feature.data);
	memcpy(c.u.feature.data, data, len);
	return drv_cmd(d, &c, NULL);
}

void drv_aenq_enable(struct drv *d)
{
	drv_reg_write(d, EIF_REG_AENQ_HEAD_DB, d->aenq_head);
}

int drv_aenq_next(struct drv *d, struct eif_aenq_entry *out, int timeout_ms)
{
	volatile struct eif_aenq_entry *e = drv_mem(d, DRV_AENQ) +
		(size_t)(d->aenq_head & (DRV_AENQ_DEPTH - 1)) * sizeof(*out);
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;

	while ((e->hdr.flags & EIF_CQE_FLAG_PHASE) != d->aenq_phase) {
		if (now_ms() > deadline)
			return -1;
		usleep(100);
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	memcpy(out, (const void *)e, sizeof(*out));
	d->aenq_head++;
	if (!(d->aenq_head & (DRV_AENQ_DEPTH - 1)))
		d->aenq_phase ^= 1;
	drv_reg_write(d, EIF_REG_AENQ_HEAD_DB, d->aenq_head);
	return 0;
}

/*
 * The driver's ena_device_init order: reset, version, dma width, admin init,
 * polling mode, host attributes, device attributes (+ max queues, AENQ,
 * offloads, hints, LLQ), AENQ config.
 */
int drv_probe(struct drv *d, struct eif_acq_entry *dev_attr)
{
	struct eif_acq_entry r;
	struct eif_f_host_attr ha;
	struct eif_f_aenq aenq;
	uint32_t supported;
	int st;

	if (drv_reset(d))
		return 1;
	if (drv_reg_read(d, EIF_REG_VERSION) == 0xffffffff ||
	    (drv_reg_read(d, EIF_REG_CTRL_VERSION) & 0xffffff) < 1)
		return 2;
	if (((drv_reg_read(d, EIF_REG_CAPS) >> 8) & 0xff) < 32)
		return 3;
	if (drv_admin_init(d))
		return 4;
	drv_reg_write(d, EIF_REG_INTR_MASK, EIF_INTR_MASK_MGMT);	/* polling */

	memset(drv_mem(d, DRV_HOST_INFO), 0, 4096);
	memset(&ha, 0, sizeof(ha));
	ha.os_info.lo = (uint32_t)drv_iova(DRV_HOST_INFO);
	ha.os_info.hi = (uint16_t)(drv_iova(DRV_HOST_INFO) >> 32);
	if (drv_set_feature(d, EIF_FEAT_HOST_ATTR_CONFIG, &ha, sizeof(ha), 0, 0))
		return 5;

	if (drv_get_feature(d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &r))
		return 6;
	if (dev_attr)
		*dev_attr = r;
	supported = r.u.dev_attr.supported_features;
	if (supported & EIF_BIT(EIF_FEAT_MAX_QUEUES_EXT)) {
		if (drv_get_feature(d, EIF_FEAT_MAX_QUEUES_EXT, 1, 0, 0, &r) ||
		    r.u.max_queues_ext.version != 1)
			return 7;
	} else if (drv_get_feature(d, EIF_FEAT_MAX_QUEUES_NUM, 0, 0, 0, &r)) {
		return 7;
	}
	if (drv_get_feature(d, EIF_FEAT_AENQ_CONFIG, 0, 0, 0, &r))
		return 8;
	aenq = r.u.aenq;
	if (drv_get_feature(d, EIF_FEAT_STATELESS_OFFLOAD, 0, 0, 0, &r))
		return 9;
	if (supported & EIF_BIT(EIF_FEAT_HW_HINTS)) {
		st = drv_get_feature(d, EIF_FEAT_HW_HINTS, 0, 0, 0, &r);
		if (st && st != EIF_ST_UNSUPPORTED)
			return 10;
	}
	if (supported & EIF_BIT(EIF_FEAT_LLQ)) {
		st = drv_get_feature(d, EIF_FEAT_LLQ, 0, 0, 0, &r);
		if (st && st != EIF_ST_UNSUPPORTED)
			return 11;
	}
	aenq.enabled_groups = EIF_AENQ_ALL_GROUPS & aenq.supported_groups;
	if (drv_set_feature(d, EIF_FEAT_AENQ_CONFIG, &aenq, sizeof(aenq), 0, 0))
		return 12;
	return 0;
}

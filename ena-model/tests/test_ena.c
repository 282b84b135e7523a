// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ENA device core as the driver sees it: reset, registers, readless reads,
 * admin queue bring-up, AENQ events, interrupts, fatal conditions.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "drv.h"
#include "harness.h"

static void t_reset_sequence(void)
{
	static const char *const args[] = { "--no-readless", NULL };
	struct drv d;
	uint32_t caps;

	REQUIRE(!drv_bringup(&d, args, 9));
	CHECK(!d.readless);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_DEV_STS), EIF_DEV_STS_READY);
	caps = drv_reg_read(&d, EIF_REG_CAPS);
	CHECK(((caps >> 1) & 0x1f) != 0);		/* reset timeout */
	/* step by step what ena_com_dev_reset does */
	drv_reg_write(&d, EIF_REG_DEV_CTL, EIF_DEV_CTL_RESET | (7u << 28));
	CHECK_EQ(drv_reg_read(&d, EIF_REG_DEV_STS) & (EIF_DEV_STS_RESET_BUSY | EIF_DEV_STS_READY),
		 EIF_DEV_STS_RESET_BUSY);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_RESET_BUSY,
		 EIF_DEV_STS_RESET_BUSY);	/* stays until the driver clears the bit */
	drv_reg_write(&d, EIF_REG_DEV_CTL, 0);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_DEV_STS) & (EIF_DEV_STS_RESET_BUSY | EIF_DEV_STS_READY),
		 EIF_DEV_STS_READY);
	CHECK(!drv_reset(&d));
out:
	drv_close(&d);
}

static void t_registers(void)
{
	static const char *const args[] = { "--no-readless", NULL };
	struct drv d;
	uint32_t v;

	REQUIRE(!drv_bringup(&d, args, 0));
	v = drv_reg_read(&d, EIF_REG_CTRL_VERSION);
	CHECK((v & 0xffffff) >= 1);			/* driver minimum 0.0.1 */
	CHECK_EQ((drv_reg_read(&d, EIF_REG_CAPS) >> 8) & 0xff, 48);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_VERSION), 0x200);
	/* queue registers are read/write */
	drv_reg_write(&d, EIF_REG_AQ_BASE_LO, 0x12345000);
	drv_reg_write(&d, EIF_REG_AQ_BASE_HI, 0x1);
	drv_reg_write(&d, EIF_REG_AENQ_CAPS, 16 | (64u << 16));
	CHECK_EQ(drv_reg_read(&d, EIF_REG_AQ_BASE_LO), 0x12345000);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_AQ_BASE_HI), 0x1);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_AENQ_CAPS), 16 | (64u << 16));
	/* unassigned and write-only offsets read as 0; writes to RO are ignored */
	CHECK_EQ(drv_reg_read(&d, 0x48), 0);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_MMIO_REG_READ), 0);
	drv_reg_write(&d, EIF_REG_CAPS, 0);
	CHECK_EQ((drv_reg_read(&d, EIF_REG_CAPS) >> 8) & 0xff, 48);
	/* a reset clears them */
	CHECK(!drv_reset(&d));
	CHECK_EQ(drv_reg_read(&d, EIF_REG_AQ_BASE_LO), 0);
out:
	drv_close(&d);
}

static void t_readless(void)
{
	static const char *const args[] = { "--set", "dma_width=40", NULL };
	volatile struct eif_mmio_resp *r;
	struct drv d;
	uint32_t direct;

	REQUIRE(!drv_bringup(&d, NULL, 0));
	CHECK(d.readless);				/* revision bit 0 clear */
	drv_setup_readless(&d);
	direct = vuc_bar_read32(&d.c, 0, EIF_REG_CAPS);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_CAPS), direct);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_DEV_STS), EIF_DEV_STS_READY);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_MMIO_RESP_LO), (uint32_t)drv_iova(DRV_RESP));
	/* the response carries request id and offset, at the documented bytes */
	r = drv_mem(&d, DRV_RESP);
	{
		const volatile uint8_t *b = (const volatile uint8_t *)r;

		CHECK_EQ(b[0] | (b[1] << 8), d.seq);
		CHECK_EQ(b[2] | (b[3] << 8), EIF_REG_MMIO_RESP_LO);
	}
	/* a bad offset answers 0 rather than hanging the driver */
	CHECK_EQ(drv_reg_read(&d, 0x3), 0);
	CHECK_EQ(r->value, 0);
	/* no response address: nothing is written */
	drv_reg_write(&d, EIF_REG_MMIO_RESP_LO, 0);
	drv_reg_write(&d, EIF_REG_MMIO_RESP_HI, 0);
	r->req_id = 0x1111;
	drv_reg_write(&d, EIF_REG_MMIO_REG_READ, (EIF_REG_CAPS << 16) | 7);
	vuc_sync(&d.c);
	CHECK_EQ(r->req_id, 0x1111);
	/* response address outside guest memory: nothing written, model alive */
	drv_reg_write(&d, EIF_REG_MMIO_RESP_LO, 0x1000);
	drv_reg_write(&d, EIF_REG_MMIO_RESP_HI, 0x7);
	drv_reg_write(&d, EIF_REG_MMIO_REG_READ, (EIF_REG_CAPS << 16) | 8);
	vuc_sync(&d.c);
	drv_setup_readless(&d);
	CHECK_EQ(drv_reg_read(&d, EIF_REG_CAPS), direct);
	drv_close(&d);
	/* the CAPS value follows the profile */
	REQUIRE(!drv_bringup(&d, args, 0));
	drv_setup_readless(&d);
	CHECK_EQ((drv_reg_read(&d, EIF_REG_CAPS) >> 8) & 0xff, 40);
out:
	drv_close(&d);
}

/*
 * The client cuts its memory file short after DMA_MAP: the device's next
 * write there (a readless response) faults.  The model refuses that DMA
 * instead of dying of SIGBUS, and works again once the file is whole.
 */
static void t_shrunken_memory(void)
{
	struct drv d;
	uint32_t direct;

	REQUIRE(!drv_bringup(&d, NULL, 0));
	drv_setup_readless(&d);
	direct = vuc_bar_read32(&d.c, 0, EIF_REG_CAPS);
	/* from here until the file grows back, only the model may touch it */
	REQUIRE(!ftruncate(d.c.memfd, 0));
	drv_reg_write(&d, EIF_REG_MMIO_REG_READ, (EIF_REG_CAPS << 16) | 9);
	vuc_sync(&d.c);
	CHECK(d.c.pid > 0 && vuc_wait_exit(&d.c, 0) == -1);	/* still alive */
	CHECK_EQ(vuc_bar_read32(&d.c, 0, EIF_REG_CAPS), direct);
	CHECK(vuc_log_contains(&d.c, "memory file the client shrank"));
	REQUIRE(!ftruncate(d.c.memfd, (off_t)d.c.mem_size));
	CHECK_EQ(drv_reg_read(&d, EIF_REG_CAPS), direct);
out:
	drv_close(&d);
}

static void t_readless_reset(void)
{
	volatile struct eif_mmio_resp *r;
	struct drv d;

	REQUIRE(!drv_bringup(&d, NULL, 0));
	r = drv_mem(&d, DRV_RESP);
	drv_setup_readless(&d);
	/* a reset forgets the response address: the driver must write it again */
	drv_reg_write(&d, EIF_REG_DEV_CTL, EIF_DEV_CTL_RESET);
	r->req_id = 0x2222;
	drv_reg_write(&d, EIF_REG_MMIO_REG_READ, (EIF_REG_DEV_STS << 16) | 9);
	vuc_sync(&d.c);
	CHECK_EQ(r->req_id, 0x2222);
	drv_setup_readless(&d);
	CHECK(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_RESET_BUSY);
	drv_reg_write(&d, EIF_REG_DEV_CTL, 0);
	CHECK(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_READY);
	/* and the full driver sequence works in readless mode */
	CHECK(!drv_reset(&d));
out:
	drv_close(&d);
}

static void t_bus_master_required(void)
{
	volatile struct eif_mmio_resp *r;
	struct drv d;

	REQUIRE(!drv_bringup(&d, NULL, 0));
	vuc_cfg_write(&d.c, 4, 0x2, 2);			/* memory on, bus master off */
	r = drv_mem(&d, DRV_RESP);
	drv_setup_readless(&d);
	r->req_id = 0x3333;
	drv_reg_write(&d, EIF_REG_MMIO_REG_READ, (EIF_REG_CAPS << 16) | 1);
	vuc_sync(&d.c);
	CHECK_EQ(r->req_id, 0x3333);			/* no DMA without bus mastering */
	vuc_cfg_write(&d.c, 4, 0x6, 2);
	CHECK((drv_reg_read(&d, EIF_REG_CAPS) >> 8) == 48);
out:
	drv_close(&d);
}

static void t_probe_sequence(void)
{
	struct eif_acq_entry attr;
	const uint8_t *raw = (const uint8_t *)&attr;
	struct drv d;
	uint16_t rules;
	uint32_t mtu;
	int step;

	REQUIRE(!drv_bringup(&d, NULL, 9));
	step = drv_probe(&d, &attr);
	CHECK_EQ(step, 0);
	/* check against raw byte offsets, independent of the header's structs */
	CHECK_EQ(raw[8 + 24], 0x02);			/* MAC at completion byte 32 */
	CHECK(!memcmp(raw + 32, "\x02\x00\x00\xe0\xa0\x01", 6));
	memcpy(&mtu, raw + 40, 4);			/* max_mtu at byte 40 */
	CHECK_EQ(mtu, 9216);
	CHECK_EQ(raw[3] & 1, 1);			/* phase of the first wrap */
	CHECK(attr.u.dev_attr.supported_features & EIF_BIT(EIF_FEAT_AENQ_CONFIG));
	CHECK(attr.u.dev_attr.supported_features & EIF_BIT(EIF_FEAT_LLQ));
	CHECK(attr.u.dev_attr.supported_features & EIF_BIT(EIF_FEAT_FLOW_STEERING));
	memcpy(&rules, raw + 38, 2);			/* flow steering entries at byte 38 */
	CHECK_EQ(rules, 64);
	CHECK_EQ(attr.u.dev_attr.phys_addr_width, 48);
out:
	drv_close(&d);
}

static void t_probe_custom_mac(void)
{
	static const char *const args[] = { "--mac", "02:aa:bb:cc:dd:ee", "--max-mtu", "3000", NULL };
	struct eif_acq_entry attr;
	struct drv d;

	REQUIRE(!drv_bringup(&d, args, 2));
	CHECK_EQ(drv_probe(&d, &attr), 0);
	CHECK(!memcmp(attr.u.dev_attr.mac, "\x02\xaa\xbb\xcc\xdd\xee", 6));
	CHECK_EQ(attr.u.dev_attr.max_mtu, 3000);
out:
	drv_close(&d);
}

/* probe, management interrupt on, AENQ released: what ena_probe ends with */
static int up_to_aenq(struct drv *d)
{
	int st = drv_probe(d, NULL);

	if (st)
		return st;
	drv_reg_write(d, EIF_REG_INTR_MASK, 0);
	drv_aenq_enable(d);
	return 0;
}

static void t_keepalive(void)
{
	static const char *const args[] = {
		"--set", "keepalive_ms=100", "--set", "rx_drops=5",
		"--set", "tx_drops=0x100000007", "--set", "rx_overruns=0x200000009", NULL,
	};
	struct eif_aenq_entry e;
	const uint8_t *raw = (const uint8_t *)&e;
	struct drv d;
	uint32_t v;

	REQUIRE(!drv_bringup(&d, args, 9));
	REQUIRE(!up_to_aenq(&d));
	/* the first event reports the link, once link change is enabled */
	REQUIRE(!drv_aenq_next(&d, &e, 2000));
	CHECK_EQ(e.hdr.group, EIF_AENQ_LINK_CHANGE);
	CHECK_EQ(e.u.link_flags & EIF_AENQ_LINK_UP, 1);
	CHECK_EQ(e.hdr.flags & 1, 1);
	REQUIRE(!drv_aenq_next(&d, &e, 2000));
	CHECK_EQ(raw[0], EIF_AENQ_KEEP_ALIVE);		/* group at byte 0 */
	CHECK_EQ(raw[4] & 1, 1);			/* phase at byte 4 */
	memcpy(&v, raw + 16, 4);
	CHECK_EQ(v, 5);					/* rx_drops low */
	memcpy(&v, raw + 20, 4);
	CHECK_EQ(v, 0);
	memcpy(&v, raw + 24, 4);
	CHECK_EQ(v, 7);					/* tx_drops low */
	memcpy(&v, raw + 28, 4);
	CHECK_EQ(v, 1);					/* tx_drops high */
	memcpy(&v, raw + 32, 4);
	CHECK_EQ(v, 9);					/* rx_overruns low */
	memcpy(&v, raw + 36, 4);
	CHECK_EQ(v, 2);					/* rx_overruns high */
	CHECK(e.hdr.ts_lo != 0);
	/* MSI-X vector 0 fired for it */
	CHECK(vuc_irq_wait(&d.c, 0, 1000) >= 1);
	/* keep-alives keep coming, across a ring wrap (phase flips) */
	{
		int i;

		for (i = 0; i < 20; i++) {
			REQUIRE(!drv_aenq_next(&d, &e, 2000));
			CHECK_EQ(e.hdr.group, EIF_AENQ_KEEP_ALIVE);
		}
		CHECK_EQ(d.aenq_phase, 0);
	}
out:
	drv_close(&d);
}

static void t_aenq_full(void)
{
	static const char *const args[] = { "--set", "keepalive_ms=20", NULL };
	struct eif_aenq_entry *ring, e, snap[DRV_AENQ_DEPTH];
	struct drv d;
	int i;

	REQUIRE(!drv_bringup(&d, args, 1));
	REQUIRE(!up_to_aenq(&d));
	ring = drv_mem(&d, DRV_AENQ);
	/* do not consume: after 16 events the device must stop writing */
	usleep(600 * 1000);
	vuc_sync(&d.c);
	memcpy(snap, ring, sizeof(snap));
	for (i = 0; i < DRV_AENQ_DEPTH; i++)
		CHECK_EQ(snap[i].hdr.flags & 1, 1);
	usleep(200 * 1000);
	vuc_sync(&d.c);
	CHECK(!memcmp(snap, ring, sizeof(snap)));	/* nothing overwritten */
	/* consuming frees entries and events flow again, with phase 0 */
	for (i = 0; i < DRV_AENQ_DEPTH; i++)
		REQUIRE(!drv_aenq_next(&d, &e, 100));
	REQUIRE(!drv_aenq_next(&d, &e, 2000));
	CHECK_EQ(e.hdr.flags & 1, 0);
	CHECK_EQ(e.hdr.group, EIF_AENQ_KEEP_ALIVE);
out:
	drv_close(&d);
}

static void t_aenq_not_before_enable(void)
{
	static const char *const args[] = { "--set", "keepalive_ms=20", NULL };
	struct eif_aenq_entry e;
	struct drv d;

	REQUIRE(!drv_bringup(&d, args, 1));
	REQUIRE(!drv_probe(&d, NULL));
	/* groups enabled, but the head doorbell has not released any entry */
	CHECK(drv_aenq_next(&d, &e, 300) != 0);
	drv_aenq_enable(&d);
	CHECK(!drv_aenq_next(&d, &e, 2000));
out:
	drv_close(&d);
}

static void t_link_signal(void)
{
	static const char *const args[] = { "--set", "keepalive_ms=0", NULL };
	struct eif_aenq_entry e;
	struct drv d;

	REQUIRE(!drv_bringup(&d, args, 1));
	REQUIRE(!up_to_aenq(&d));
	REQUIRE(!drv_aenq_next(&d, &e, 2000));
	CHECK_EQ(e.hdr.group, EIF_AENQ_LINK_CHANGE);
	CHECK_EQ(e.u.link_flags, 1);
	kill(d.c.pid, SIGUSR1);
	REQUIRE(!drv_aenq_next(&d, &e, 2000));
	CHECK_EQ(e.hdr.group, EIF_AENQ_LINK_CHANGE);
	CHECK_EQ(e.u.link_flags, 0);
	kill(d.c.pid, SIGUSR1);
	REQUIRE(!drv_aenq_next(&d, &e, 2000));
	CHECK_EQ(e.u.link_flags, 1);
	/* hints notification */
	kill(d.c.pid, SIGUSR2);
	REQUIRE(!drv_aenq_next(&d, &e, 2000));
	CHECK_EQ(e.hdr.group, EIF_AENQ_NOTIFICATION);
	CHECK_EQ(e.hdr.syndrome, EIF_AENQ_SYN_UPDATE_HINTS);
	CHECK_EQ(e.u.hints.max_tx_sgl_size, 19);
out:
	drv_close(&d);
}

static void t_link_down_profile(void)
{
	static const char *const args[] = { "--set", "link_up=off", "--set", "keepalive_ms=0", NULL };
	struct eif_aenq_entry e;
	struct drv d;

	REQUIRE(!drv_bringup(&d, args, 1));
	REQUIRE(!up_to_aenq(&d));
	REQUIRE(!drv_aenq_next(&d, &e, 2000));
	CHECK_EQ(e.hdr.group, EIF_AENQ_LINK_CHANGE);
	CHECK_EQ(e.u.link_flags, 0);
out:
	drv_close(&d);
}

static void t_admin_interrupt_mask(void)
{
	struct eif_acq_entry r;
	struct drv d;

	REQUIRE(!drv_bringup(&d, NULL, 1));
	REQUIRE(!drv_reset(&d));
	REQUIRE(!drv_admin_init(&d));
	/* polling mode: completions without interrupts */
	drv_reg_write(&d, EIF_REG_INTR_MASK, EIF_INTR_MASK_MGMT);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &r), 0);
	CHECK_EQ(vuc_irq_wait(&d.c, 0, 100), 0);
	/* unmasking delivers what was held back */
	drv_reg_write(&d, EIF_REG_INTR_MASK, 0);
	CHECK_EQ(vuc_irq_wait(&d.c, 0, 1000), 1);
	/* interrupt mode: one per doorbell that completed something */
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &r), 0);
	CHECK_EQ(vuc_irq_wait(&d.c, 0, 1000), 1);
	/* MSI-X disabled in config space: nothing is signalled */
	vuc_cfg_write(&d.c, 0x42, 0, 2);
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &r), 0);
	CHECK_EQ(vuc_irq_wait(&d.c, 0, 100), 0);
out:
	drv_close(&d);
}

static void t_fatal_bad_queue_address(void)
{
	struct eif_aq_entry c;
	struct drv d;

	REQUIRE(!drv_bringup(&d, NULL, 1));
	REQUIRE(!drv_reset(&d));
	REQUIRE(!drv_admin_init(&d));
	/* AQ outside any DMA mapping */
	drv_reg_write(&d, EIF_REG_AQ_BASE_LO, 0x1000);
	drv_reg_write(&d, EIF_REG_AQ_BASE_HI, 0x80);
	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_FEATURE;
	c.u.feature.feat.feature_id = EIF_FEAT_DEVICE_ATTRIBUTES;
	drv_submit(&d, &c);
	CHECK(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL);
	/* further doorbells are ignored until reset; reset recovers */
	CHECK(!drv_reset(&d));
	CHECK(!(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL));
	REQUIRE(!drv_admin_init(&d));
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, NULL), 0);
	/* doorbell with no queues configured at all */
	CHECK(!drv_reset(&d));
	drv_reg_write(&d, EIF_REG_AQ_DB, 1);
	CHECK(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL);
	/* wrong entry size */
	CHECK(!drv_reset(&d));
	REQUIRE(!drv_admin_init(&d));
	drv_reg_write(&d, EIF_REG_ACQ_CAPS, 32 | (16u << 16));
	drv_reg_write(&d, EIF_REG_AQ_DB, 1);
	CHECK(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL);
	/* a doorbell jumping more than a queue depth ahead */
	CHECK(!drv_reset(&d));
	REQUIRE(!drv_admin_init(&d));
	drv_reg_write(&d, EIF_REG_AQ_DB, 1000);
	CHECK(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL);
out:
	drv_close(&d);
}

static void t_fatal_readonly_acq(void)
{
	struct eif_aq_entry c;
	struct drv d;
	int fd = -1, err;

	REQUIRE(!drv_bringup(&d, NULL, 1));
	REQUIRE(!drv_reset(&d));
	REQUIRE(!drv_admin_init(&d));
	/* a read-only mapping of guest memory (like ROM): the ACQ cannot live there */
	fd = memfd_create("rom", MFD_CLOEXEC);
	REQUIRE(fd >= 0 && !ftruncate(fd, 0x10000));
	REQUIRE(!vuc_dma_map(&d.c, 0x80000000ull, 0x10000, VU_DMA_MAP_FLAG_READ, fd, 0, &err));
	drv_reg_write(&d, EIF_REG_ACQ_BASE_LO, 0x80000000u);
	drv_reg_write(&d, EIF_REG_ACQ_BASE_HI, 0);
	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_FEATURE;
	c.u.feature.feat.feature_id = EIF_FEAT_DEVICE_ATTRIBUTES;
	drv_submit(&d, &c);
	CHECK(drv_reg_read(&d, EIF_REG_DEV_STS) & EIF_DEV_STS_FATAL);
	{
		uint8_t *rom = mmap(NULL, 0x10000, PROT_READ, MAP_SHARED, fd, 0);
		unsigned int i, nz = 0;

		REQUIRE(rom != MAP_FAILED);
		for (i = 0; i < 0x10000; i++)
			nz += rom[i] != 0;
		CHECK_EQ(nz, 0);
		munmap(rom, 0x10000);
	}
out:
	if (fd >= 0)
		close(fd);
	drv_close(&d);
}

static void t_phase_mismatch(void)
{
	struct eif_aq_entry c, *slot;
	struct eif_acq_entry r;
	struct drv d;

	REQUIRE(!drv_bringup(&d, NULL, 1));
	REQUIRE(!drv_reset(&d));
	REQUIRE(!drv_admin_init(&d));
	/* write a command with the wrong phase bit behind the driver's back */
	memset(&c, 0, sizeof(c));
	c.hdr.opcode = EIF_OP_GET_FEATURE;
	c.u.feature.feat.feature_id = EIF_FEAT_DEVICE_ATTRIBUTES;
	c.hdr.flags = 0;				/* phase 0, expected 1 */
	slot = drv_mem(&d, DRV_AQ);
	memcpy(slot, &c, sizeof(c));
	d.sq_tail = 1;
	d.cmd_id = 1;
	drv_reg_write(&d, EIF_REG_AQ_DB, 1);
	CHECK_EQ(drv_complete(&d, &r, 2000), EIF_ST_MALFORMED);
	/* the queue goes on */
	CHECK_EQ(drv_get_feature(&d, EIF_FEAT_DEVICE_ATTRIBUTES, 0, 0, 0, &r), 0);
out:
	drv_close(&d);
}

static void t_pci_reset_mid_operation(void)
{
	struct vuc_reply rep;
	struct drv d;

	REQUIRE(!drv_bringup(&d, NULL, 1));
	REQUIRE(!up_to_aenq(&d));
	REQUIRE(!vuc_xchg(&d.c, VU_CMD_DEVICE_RESET, NULL, 0, NULL, 0, &rep));
	CHECK(!(rep.hdr.flags & VU_F_ERROR));
	/* everything back to power-on: bus master off, registers clear, ready */
	CHECK_EQ(vuc_cfg_read32(&d.c, 4) & 0xffff, 0);
	CHECK_EQ(vuc_bar_read32(&d.c, 0, EIF_REG_AQ_BASE_LO), 0);
	CHECK_EQ(vuc_bar_read32(&d.c, 0, EIF_REG_DEV_STS), EIF_DEV_STS_READY);
	vuc_cfg_write(&d.c, 4, 0x6, 2);
	vuc_cfg_write(&d.c, 0x42, 0x8000, 2);
	CHECK_EQ(drv_probe(&d, NULL), 0);
out:
	drv_close(&d);
}

int main(void)
{
	RUN(t_reset_sequence);
	RUN(t_registers);
	RUN(t_readless);
	RUN(t_readless_reset);
	RUN(t_shrunken_memory);
	RUN(t_bus_master_required);
	RUN(t_probe_sequence);
	RUN(t_probe_custom_mac);
	RUN(t_keepalive);
	RUN(t_aenq_full);
	RUN(t_aenq_not_before_enable);
	RUN(t_link_signal);
	RUN(t_link_down_profile);
	RUN(t_admin_interrupt_mask);
	RUN(t_fatal_bad_queue_address);
	RUN(t_fatal_readonly_acq);
	RUN(t_phase_mismatch);
	RUN(t_pci_reset_mid_operation);
	return h_finish();
}

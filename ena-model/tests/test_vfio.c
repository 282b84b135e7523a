// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-user transport and PCI glue: the model as QEMU sees it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "ena_if.h"
#include "harness.h"

static uint32_t rd32(const uint8_t *p, unsigned int off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static uint16_t rd16(const uint8_t *p, unsigned int off)
{
	uint16_t v;

	memcpy(&v, p + off, 2);
	return v;
}

static uint64_t rd64(const uint8_t *p, unsigned int off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

static bool file_exists(const char *p)
{
	struct stat st;

	return !stat(p, &st);
}

static void t_version(void)
{
	static const char small[] = "{}";
	uint8_t req[4 + sizeof(small)], big[256];
	struct vuc_reply r;
	struct vuc c;
	size_t n;

	REQUIRE(!vuc_start(&c, NULL));
	/* a QEMU-sized request gets the full capabilities */
	memset(big, 0, sizeof(big));
	memcpy(big + 4, "{\"capabilities\":{\"max_msg_fds\":16,\"max_data_xfer_size\":1048576,\"pgsizes\":4096,\"max_dma_maps\":65535,\"write_multiple\":true}}", 120);
	REQUIRE(!vuc_xchg(&c, VU_CMD_VERSION, big, sizeof(big), NULL, 0, &r));
	CHECK(!(r.hdr.flags & VU_F_ERROR));
	CHECK_EQ(r.hdr.flags & VU_F_TYPE_MASK, VU_F_TYPE_REPLY);
	CHECK_EQ(r.hdr.command, VU_CMD_VERSION);
	CHECK(r.hdr.size <= sizeof(struct vu_hdr) + sizeof(big));
	REQUIRE(r.len > 5);
	CHECK_EQ(rd16(r.data, 0), 0);
	CHECK_EQ(rd16(r.data, 2), 0);
	CHECK_EQ(r.data[r.len - 1], 0);		/* NUL-terminated JSON */
	CHECK(strstr((char *)r.data + 4, "\"capabilities\"") != NULL);
	CHECK(strstr((char *)r.data + 4, "write_multiple") == NULL);
	/* never larger than the request (QEMU reuses its buffer) */
	memset(req, 0, 4);
	memcpy(req + 4, small, sizeof(small));
	REQUIRE(!vuc_xchg(&c, VU_CMD_VERSION, req, sizeof(req), NULL, 0, &r));
	CHECK(!(r.hdr.flags & VU_F_ERROR));
	n = r.hdr.size - sizeof(struct vu_hdr);
	CHECK(n <= sizeof(req));
	CHECK_EQ(r.data[r.len - 1], 0);
	/* unknown major version */
	req[0] = 1;
	REQUIRE(!vuc_xchg(&c, VU_CMD_VERSION, req, sizeof(req), NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	/* too short */
	REQUIRE(!vuc_xchg(&c, VU_CMD_VERSION, req, 2, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
out:
	vuc_close(&c);
}

static void t_before_version(void)
{
	static const char *const args[] = { "--reconnect", NULL };
	uint32_t info[4] = { 16, 0, 0, 0 };
	struct vuc_reply r;
	struct vuc c;

	REQUIRE(!vuc_start(&c, args));
	close(c.sock);
	REQUIRE(!vuc_connect(&c));	/* a new session: not negotiated yet */
	REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_GET_INFO, info, sizeof(info), NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	CHECK(!vuc_version(&c));
	REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_GET_INFO, info, sizeof(info), NULL, 0, &r));
	CHECK(!(r.hdr.flags & VU_F_ERROR));
out:
	vuc_close(&c);
}

static void t_device_info(void)
{
	uint32_t info[4] = { 16, 0, 0, 0 };
	struct vuc_reply r;
	struct vuc c;

	REQUIRE(!vuc_start(&c, NULL));
	REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_GET_INFO, info, sizeof(info), NULL, 0, &r));
	CHECK(!(r.hdr.flags & VU_F_ERROR));
	REQUIRE(r.len == 16);
	CHECK_EQ(rd32(r.data, 0), 16);
	CHECK_EQ(rd32(r.data, 4), VU_DEV_FLAG_PCI | VU_DEV_FLAG_RESET);
	CHECK(rd32(r.data, 8) >= 8);		/* config space is region 7 */
	CHECK(rd32(r.data, 12) >= 3);		/* MSI-X is irq index 2 */
	info[0] = 8;				/* argsz too small */
	REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_GET_INFO, info, sizeof(info), NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
out:
	vuc_close(&c);
}

static int region_info(struct vuc *c, uint32_t index, uint64_t *size, uint32_t *flags)
{
	uint32_t req[8] = { 32, 0, index, 0, 0, 0, 0, 0 };
	struct vuc_reply r;

	if (vuc_xchg(c, VU_CMD_DEVICE_GET_REGION_INFO, req, sizeof(req), NULL, 0, &r))
		return -2;
	if (r.hdr.flags & VU_F_ERROR)
		return -1;
	if (r.len < 32 || rd32(r.data, 8) != index)
		return -3;
	*flags = rd32(r.data, 4);
	*size = rd64(r.data, 16);
	return 0;
}

static void t_region_info(void)
{
	const uint32_t rw = VU_REGION_FLAG_READ | VU_REGION_FLAG_WRITE;
	struct vuc c;
	uint64_t size;
	uint32_t flags, i;

	REQUIRE(!vuc_start(&c, NULL));
	CHECK(!region_info(&c, 0, &size, &flags));
	CHECK_EQ(size, 16384);
	CHECK_EQ(flags, rw);			/* no MMAP: keeps BAR writes posted */
	CHECK(!region_info(&c, 2, &size, &flags));
	CHECK_EQ(size, 1u << 20);
	CHECK_EQ(flags, rw);
	CHECK(!region_info(&c, 7, &size, &flags));
	CHECK_EQ(size, 256);
	CHECK_EQ(flags, rw);
	for (i = 1; i < 9; i++) {
		if (i == 2 || i == 7)
			continue;
		CHECK(!region_info(&c, i, &size, &flags));
		CHECK_EQ(size, 0);
	}
	CHECK_EQ(region_info(&c, 9, &size, &flags), -1);
	CHECK_EQ(region_info(&c, 0xffffffffu, &size, &flags), -1);
out:
	vuc_close(&c);
}

static int irq_info(struct vuc *c, uint32_t index, uint32_t *count, uint32_t *flags)
{
	uint32_t req[4] = { 16, 0, index, 0 };
	struct vuc_reply r;

	if (vuc_xchg(c, VU_CMD_DEVICE_GET_IRQ_INFO, req, sizeof(req), NULL, 0, &r))
		return -2;
	if (r.hdr.flags & VU_F_ERROR)
		return -1;
	*flags = rd32(r.data, 4);
	*count = rd32(r.data, 12);
	return 0;
}

static void t_irq_info(void)
{
	struct vuc c;
	uint32_t count, flags;

	REQUIRE(!vuc_start(&c, NULL));
	CHECK(!irq_info(&c, VU_PCI_MSIX_IRQ, &count, &flags));
	CHECK_EQ(count, 9);
	CHECK(flags & VU_IRQ_INFO_EVENTFD);
	CHECK(!(flags & VU_IRQ_INFO_MASKABLE));
	CHECK(!irq_info(&c, VU_PCI_INTX_IRQ, &count, &flags));
	CHECK_EQ(count, 0);
	CHECK(!irq_info(&c, VU_PCI_MSI_IRQ, &count, &flags));
	CHECK_EQ(count, 0);
	CHECK_EQ(irq_info(&c, VU_PCI_ERR_IRQ, &count, &flags), -1);
	CHECK_EQ(irq_info(&c, 77, &count, &flags), -1);
out:
	vuc_close(&c);
}

static void t_config_space(void)
{
	uint8_t cfg[256];
	struct vuc c;
	unsigned int cap;

	REQUIRE(!vuc_start(&c, NULL));
	REQUIRE(!vuc_region_read(&c, VU_PCI_CONFIG_REGION, 0, cfg, 256, NULL));
	CHECK_EQ(rd16(cfg, 0), 0x1d0f);
	CHECK_EQ(rd16(cfg, 2), 0xec20);
	CHECK_EQ(rd16(cfg, 4), 0);			/* command: all off */
	CHECK(rd16(cfg, 6) & 0x10);			/* capability list */
	CHECK_EQ(cfg[8] & 1, 0);			/* readless allowed */
	CHECK_EQ(cfg[9], 0x00);
	CHECK_EQ(cfg[10], 0x00);			/* ethernet */
	CHECK_EQ(cfg[11], 0x02);			/* network */
	CHECK_EQ(cfg[14] & 0x7f, 0);			/* type 0 header */
	CHECK_EQ(rd32(cfg, 0x10) & 0xf, 0);		/* BAR0: mem32, not prefetchable */
	CHECK_EQ(rd32(cfg, 0x18) & 0xf, 0x8);		/* BAR2: mem32, prefetchable */
	CHECK_EQ(rd32(cfg, 0x14), 0);
	CHECK_EQ(rd16(cfg, 0x2c), 0x1d0f);
	CHECK_EQ(cfg[0x3d], 0);				/* no INTx */
	cap = cfg[0x34];
	REQUIRE(cap >= 0x40 && cap < 0xf4);
	CHECK_EQ(cfg[cap], 0x11);			/* MSI-X */
	CHECK_EQ(rd16(cfg, cap + 2) & 0x7ff, 8);	/* 9 vectors */
	CHECK_EQ(rd32(cfg, cap + 4), 0x2000);		/* table: BAR0 + 0x2000 */
	CHECK_EQ(rd32(cfg, cap + 8), 0x3000);		/* PBA: BAR0 + 0x3000 */
	/* unaligned small reads work too */
	REQUIRE(!vuc_region_read(&c, VU_PCI_CONFIG_REGION, 3, cfg, 1, NULL));
	CHECK_EQ(cfg[0], 0xec);
out:
	vuc_close(&c);
}

static void t_config_write(void)
{
	struct vuc c;

	REQUIRE(!vuc_start(&c, NULL));
	/* BAR sizing as firmware does it */
	vuc_cfg_write(&c, 0x10, 0xffffffff, 4);
	CHECK_EQ(vuc_cfg_read32(&c, 0x10), 0xffffc000);	/* 16 KiB */
	vuc_cfg_write(&c, 0x18, 0xffffffff, 4);
	CHECK_EQ(vuc_cfg_read32(&c, 0x18), 0xfff00008);	/* 1 MiB, prefetchable */
	vuc_cfg_write(&c, 0x14, 0xffffffff, 4);
	CHECK_EQ(vuc_cfg_read32(&c, 0x14), 0);			/* unimplemented BAR */
	vuc_cfg_write(&c, 0x10, 0xfebf0000, 4);
	CHECK_EQ(vuc_cfg_read32(&c, 0x10), 0xfebf0000);
	/* read-only fields stay */
	vuc_cfg_write(&c, 0x0, 0x12345678, 4);
	CHECK_EQ(vuc_cfg_read32(&c, 0), 0xec201d0f);
	/* command register */
	vuc_cfg_write(&c, 0x4, 0x0406, 2);
	CHECK_EQ(vuc_cfg_read32(&c, 4) & 0xffff, 0x0406);
	/* MSI-X control: only enable and mask-all are writable */
	vuc_cfg_write(&c, 0x42, 0xffff, 2);
	CHECK_EQ(vuc_cfg_read32(&c, 0x40) >> 16, 0xc008);
	/* DEVICE_RESET puts config space back */
	{
		struct vuc_reply r;

		REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_RESET, NULL, 0, NULL, 0, &r));
		CHECK(!(r.hdr.flags & VU_F_ERROR));
		CHECK_EQ(vuc_cfg_read32(&c, 4) & 0xffff, 0);
		CHECK_EQ(vuc_cfg_read32(&c, 0x10), 0);
		CHECK_EQ(vuc_cfg_read32(&c, 0x40) >> 16, 0x0008);
	}
out:
	vuc_close(&c);
}

static void t_options(void)
{
	static const char *const args[] = {
		"--pf", "--no-readless", "--msix", "5", "--queues", "4",
		"--set", "llq_bar_size=0", NULL,
	};
	struct vuc c;
	uint64_t size;
	uint32_t flags, count;

	REQUIRE(!vuc_start(&c, args));
	CHECK_EQ(vuc_cfg_read32(&c, 0), 0x0ec21d0f);
	CHECK_EQ(vuc_cfg_read32(&c, 8) & 1, 1);		/* readless off */
	CHECK_EQ((vuc_cfg_read32(&c, 0x40) >> 16) & 0x7ff, 4);
	CHECK(!irq_info(&c, VU_PCI_MSIX_IRQ, &count, &flags));
	CHECK_EQ(count, 5);
	CHECK(!region_info(&c, 2, &size, &flags));
	CHECK_EQ(size, 0);
	vuc_cfg_write(&c, 0x18, 0xffffffff, 4);
	CHECK_EQ(vuc_cfg_read32(&c, 0x18), 0);
out:
	vuc_close(&c);
}

static void t_bad_command_line(void)
{
	static const char *const bad[][3] = {
		{ "--set", "nonsense=1", NULL },
		{ "--mac", "02:00:00", NULL },
		{ "--msix", "1000", NULL },
		{ "--set", "llq_bar_size=12345", NULL },
		{ "--set", "extra_properties=a,,b", NULL },
		{ "--set", "extra_properties=a_name_of_thirty_two_characters_", NULL },
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vuc c;

		/* the model refuses to start: the connect attempt times out */
		CHECK(vuc_start(&c, bad[i]) != 0);
		CHECK_EQ(vuc_wait_exit(&c, 3000), 1);
		vuc_close(&c);
	}
}

static void t_profile_file(void)
{
	char path[] = "/tmp/ena-profile-XXXXXX";
	const char *args[] = { "--profile", path, NULL };
	static const char text[] =
		"# test profile\n"
		"device = pf   # a PF\n"
		"readless = off\n"
		"\n"
		"msix_vectors = 3\n";
	struct vuc c;
	int fd = mkstemp(path);

	REQUIRE(fd >= 0);
	REQUIRE(write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1);
	close(fd);
	REQUIRE(!vuc_start(&c, args));
	CHECK_EQ(vuc_cfg_read32(&c, 0) >> 16, 0x0ec2);
	CHECK_EQ(vuc_cfg_read32(&c, 8) & 1, 1);
	CHECK_EQ((vuc_cfg_read32(&c, 0x40) >> 16) & 0x7ff, 2);
out:
	vuc_close(&c);
	unlink(path);
}

static void t_dma_map(void)
{
	struct vuc c;
	int fd = -1, err = 0;
	uint8_t un[24];
	uint32_t argsz = 24, flags = 0;
	uint64_t iova = 0x10000, size = 0x10000;
	struct vuc_reply r;

	REQUIRE(!vuc_start(&c, NULL));
	fd = memfd_create("t", MFD_CLOEXEC);
	REQUIRE(fd >= 0 && !ftruncate(fd, 0x40000));
	CHECK(!vuc_dma_map(&c, 0x10000, 0x10000, 3, fd, 0, &err));
	CHECK(!vuc_dma_map(&c, 0x30000, 0x10000, 1, fd, 0x10000, &err));	/* read-only */
	/* overlapping an existing map: EEXIST */
	CHECK(vuc_dma_map(&c, 0x18000, 0x10000, 3, fd, 0, &err) && err == EEXIST);
	CHECK(vuc_dma_map(&c, 0x8000, 0x9000, 3, fd, 0, &err) && err == EEXIST);
	/* no permission bits, zero size, wrapping range */
	CHECK(vuc_dma_map(&c, 0x100000, 0x1000, 0, fd, 0, &err) && err == EINVAL);
	CHECK(vuc_dma_map(&c, 0x100000, 0, 3, fd, 0, &err) && err == EINVAL);
	CHECK(vuc_dma_map(&c, ~0ull - 0xfff, 0x2000, 3, fd, 0, &err) && err == EINVAL);
	/* a file shorter than the mapping (touching it would raise SIGBUS) */
	CHECK(vuc_dma_map(&c, 0x400000, 0x100000, 3, fd, 0, &err) && err == EINVAL);
	CHECK(vuc_dma_map(&c, 0x400000, 0x2000, 3, fd, 0x3f000, &err) && err == EINVAL);
	CHECK(vuc_dma_map(&c, 0x400000, 0x1000, 3, fd, 0x50000, &err) && err == EINVAL);
	/* an fd that is not a regular file */
	{
		int p[2];

		REQUIRE(!pipe(p));
		CHECK(vuc_dma_map(&c, 0x400000, 0x1000, 3, p[0], 0, &err) && err == EINVAL);
		close(p[0]);
		close(p[1]);
	}
	/* without an fd: accepted (DMA to it is refused later) */
	CHECK(!vuc_dma_map(&c, 0x200000, 0x1000, 3, -1, 0, &err));
	/* unmap: exact match only; the reply echoes the request */
	memcpy(un, &argsz, 4);
	memcpy(un + 4, &flags, 4);
	iova = 0x10000;
	size = 0x8000;
	memcpy(un + 8, &iova, 8);
	memcpy(un + 16, &size, 8);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DMA_UNMAP, un, sizeof(un), NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	size = 0x10000;
	memcpy(un + 16, &size, 8);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DMA_UNMAP, un, sizeof(un), NULL, 0, &r));
	CHECK(!(r.hdr.flags & VU_F_ERROR));
	CHECK_EQ(r.len, 24);
	CHECK(!memcmp(r.data, un, 24));
	REQUIRE(!vuc_xchg(&c, VU_CMD_DMA_UNMAP, un, sizeof(un), NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);			/* already gone */
	/* remap the same range works after unmap */
	CHECK(!vuc_dma_map(&c, 0x10000, 0x10000, 3, fd, 0, &err));
	/* the number of regions (each holding an fd) is bounded */
	{
		unsigned int i, ok = 0;

		for (i = 0; i < 300; i++) {
			if (vuc_dma_map(&c, 0x10000000ull + i * 0x1000ull, 0x1000, 3, fd, 0, &err))
				break;
			ok++;
		}
		CHECK(ok > 200 && ok < 300);
		CHECK_EQ(err, ENOSPC);
	}
	/* unmap all */
	flags = VU_DMA_UNMAP_FLAG_ALL;
	iova = size = 0;
	memcpy(un + 4, &flags, 4);
	memcpy(un + 8, &iova, 8);
	memcpy(un + 16, &size, 8);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DMA_UNMAP, un, sizeof(un), NULL, 0, &r));
	CHECK(!(r.hdr.flags & VU_F_ERROR));
	CHECK(!vuc_dma_map(&c, 0x30000, 0x10000, 3, fd, 0, &err));
	/* dirty bitmap is not supported; short request */
	flags = VU_DMA_UNMAP_FLAG_DIRTY;
	memcpy(un + 4, &flags, 4);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DMA_UNMAP, un, sizeof(un), NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DMA_UNMAP, un, 8, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DMA_MAP, un, 8, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
out:
	if (fd >= 0)
		close(fd);
	vuc_close(&c);
}

/* send a bare header with the given size field; expect an error reply */
static bool bad_size_rejected(struct vuc *c, uint32_t size)
{
	struct vu_hdr h = { .id = 4242, .command = VU_CMD_DEVICE_GET_INFO, .size = size };
	struct vuc_reply r;

	if (vuc_send_raw(c, &h, sizeof(h)) || vuc_recv(c, &r, 3000))
		return false;
	return r.hdr.id == 4242 && (r.hdr.flags & VU_F_ERROR) &&
	       (r.hdr.flags & VU_F_TYPE_MASK) == VU_F_TYPE_REPLY;
}

static void t_malformed(void)
{
	uint32_t info[4] = { 16, 0, 0, 0 };
	uint8_t rw[16 + 8];
	struct vuc_reply r;
	struct vuc c;
	uint8_t buf[8];
	int err = 0;
	uint64_t off;
	uint32_t region, count;

	REQUIRE(!vuc_start(&c, NULL));
	/* message size smaller than the header, and absurdly large */
	CHECK(bad_size_rejected(&c, 8));
	CHECK(bad_size_rejected(&c, 0));
	CHECK(bad_size_rejected(&c, 0x7fffffff));
	CHECK(bad_size_rejected(&c, 0xffffffff));
	/* unknown and unsupported commands */
	REQUIRE(!vuc_xchg(&c, 99, NULL, 0, NULL, 0, &r));
	CHECK((r.hdr.flags & VU_F_ERROR) && r.hdr.error == ENOSYS);
	REQUIRE(!vuc_xchg(&c, VU_CMD_REGION_WRITE_MULTI, info, 8, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DMA_READ, info, 16, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_GET_REGION_IO_FDS, info, 16, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	/* region accesses out of bounds */
	CHECK(vuc_region_read(&c, 12, 0, buf, 4, &err) && err == EINVAL);
	CHECK(vuc_region_read(&c, 1, 0, buf, 4, &err) && err == EINVAL);	/* BAR1: none */
	CHECK(vuc_region_read(&c, 0, 0x4000, buf, 4, &err) && err == EINVAL);
	CHECK(vuc_region_read(&c, 0, 0x3ffe, buf, 4, &err) && err == EINVAL);
	CHECK(vuc_region_read(&c, 7, 254, buf, 4, &err) && err == EINVAL);
	CHECK(vuc_region_read(&c, 7, 0, buf, 0, &err) && err == EINVAL);
	CHECK(vuc_region_read(&c, 0, ~0ull - 1, buf, 4, &err) && err == EINVAL);
	CHECK(vuc_region_write(&c, 7, 300, buf, 4, false, &err) && err == EINVAL);
	/* read larger than max_data_xfer_size */
	off = 0;
	region = 2;
	count = (2u << 20);
	memcpy(rw, &off, 8);
	memcpy(rw + 8, &region, 4);
	memcpy(rw + 12, &count, 4);
	REQUIRE(!vuc_xchg(&c, VU_CMD_REGION_READ, rw, 16, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	/* write whose count exceeds the data actually sent */
	region = 7;
	count = 8;
	memcpy(rw + 8, &region, 4);
	memcpy(rw + 12, &count, 4);
	REQUIRE(!vuc_xchg(&c, VU_CMD_REGION_WRITE, rw, 16 + 4, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	/* truncated requests */
	REQUIRE(!vuc_xchg(&c, VU_CMD_REGION_READ, rw, 10, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_GET_REGION_INFO, info, 4, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_GET_IRQ_INFO, info, 4, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_SET_IRQS, info, 12, NULL, 0, &r));
	CHECK(r.hdr.flags & VU_F_ERROR);
	/* a posted write to a bad region must not be answered */
	region = 12;
	memcpy(rw + 8, &region, 4);
	count = 4;
	memcpy(rw + 12, &count, 4);
	REQUIRE(!vuc_send(&c, VU_CMD_REGION_WRITE, VU_F_NO_REPLY, rw, 20, NULL, 0, NULL));
	CHECK(!vuc_pending(&c, 200));
	/* a reply-type message from the client is dropped silently */
	REQUIRE(!vuc_send(&c, VU_CMD_DEVICE_GET_INFO, VU_F_TYPE_REPLY, info, 16, NULL, 0, NULL));
	CHECK(!vuc_pending(&c, 200));
	/* fds attached to a message that does not want them are closed, not leaked */
	{
		int efd = eventfd(0, EFD_CLOEXEC);

		REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_GET_INFO, info, 16, &efd, 1, &r));
		CHECK(!(r.hdr.flags & VU_F_ERROR));
		close(efd);
	}
	/* and the model still serves */
	REQUIRE(!vuc_xchg(&c, VU_CMD_DEVICE_GET_INFO, info, sizeof(info), NULL, 0, &r));
	CHECK(!(r.hdr.flags & VU_F_ERROR));
	CHECK_EQ(vuc_cfg_read32(&c, 0), 0xec201d0f);
out:
	vuc_close(&c);
}

static int set_irqs(struct vuc *c, uint32_t flags, uint32_t index, uint32_t start,
		    uint32_t count, const void *data, size_t dlen, const int *fds, int nfds)
{
	uint8_t p[20 + 64];
	uint32_t argsz = (uint32_t)(20 + dlen);
	struct vuc_reply r;

	memcpy(p, &argsz, 4);
	memcpy(p + 4, &flags, 4);
	memcpy(p + 8, &index, 4);
	memcpy(p + 12, &start, 4);
	memcpy(p + 16, &count, 4);
	if (dlen)
		memcpy(p + 20, data, dlen);
	if (vuc_xchg(c, VU_CMD_DEVICE_SET_IRQS, p, 20 + dlen, fds, nfds, &r))
		return -2;
	return (r.hdr.flags & VU_F_ERROR) ? -1 : 0;
}

static void t_set_irqs(void)
{
	const uint32_t efd_trig = VU_IRQ_SET_DATA_EVENTFD | VU_IRQ_SET_ACTION_TRIGGER;
	const uint32_t none_trig = VU_IRQ_SET_DATA_NONE | VU_IRQ_SET_ACTION_TRIGGER;
	const uint32_t bool_trig = VU_IRQ_SET_DATA_BOOL | VU_IRQ_SET_ACTION_TRIGGER;
	uint8_t bools[9] = { 0, 1, 0, 0, 0, 0, 0, 0, 1 };
	struct vuc c;
	int efd[2];

	REQUIRE(!vuc_start(&c, NULL));
	/* like QEMU: MSI-X on, then a first SET_IRQS without fds, then one per vector */
	vuc_cfg_write(&c, 0x42, 0x8000, 2);
	CHECK(!set_irqs(&c, efd_trig, VU_PCI_MSIX_IRQ, 0, 1, NULL, 0, NULL, 0));
	REQUIRE(!vuc_setup_msix(&c, 9, true));
	/* the client can trigger a vector itself (DATA_NONE / DATA_BOOL) */
	CHECK(!set_irqs(&c, none_trig, VU_PCI_MSIX_IRQ, 3, 1, NULL, 0, NULL, 0));
	CHECK_EQ(vuc_irq_wait(&c, 3, 1000), 1);
	CHECK(!set_irqs(&c, bool_trig, VU_PCI_MSIX_IRQ, 0, 9, bools, 9, NULL, 0));
	CHECK_EQ(vuc_irq_wait(&c, 1, 1000), 1);
	CHECK_EQ(vuc_irq_wait(&c, 8, 1000), 1);
	CHECK_EQ(vuc_irq_wait(&c, 0, 50), 0);
	/* all at once in one message */
	REQUIRE(!vuc_setup_msix(&c, 9, false));
	CHECK(!set_irqs(&c, none_trig, VU_PCI_MSIX_IRQ, 8, 1, NULL, 0, NULL, 0));
	CHECK_EQ(vuc_irq_wait(&c, 8, 1000), 1);
	/* more fds than max_msg_fds (8) in one message: refused, fds not leaked */
	{
		int many[9], i;

		for (i = 0; i < 9; i++)
			many[i] = eventfd(0, EFD_CLOEXEC);
		CHECK_EQ(set_irqs(&c, efd_trig, VU_PCI_MSIX_IRQ, 0, 9, NULL, 0, many, 9), -1);
		for (i = 0; i < 9; i++)
			close(many[i]);
	}
	/* bad ranges and combinations */
	efd[0] = eventfd(0, EFD_CLOEXEC);
	efd[1] = eventfd(0, EFD_CLOEXEC);
	CHECK_EQ(set_irqs(&c, efd_trig, VU_PCI_MSIX_IRQ, 8, 2, NULL, 0, efd, 2), -1);
	CHECK_EQ(set_irqs(&c, efd_trig, VU_PCI_MSIX_IRQ, 0xffffffff, 2, NULL, 0, efd, 2), -1);
	CHECK_EQ(set_irqs(&c, efd_trig, VU_PCI_MSIX_IRQ, 0, 3, NULL, 0, efd, 2), -1);
	CHECK_EQ(set_irqs(&c, efd_trig, VU_PCI_INTX_IRQ, 0, 1, NULL, 0, efd, 1), -1);
	CHECK_EQ(set_irqs(&c, efd_trig | VU_IRQ_SET_DATA_BOOL, VU_PCI_MSIX_IRQ, 0, 1, NULL, 0,
			  NULL, 0), -1);
	CHECK_EQ(set_irqs(&c, VU_IRQ_SET_DATA_NONE | VU_IRQ_SET_ACTION_MASK, VU_PCI_MSIX_IRQ,
			  0, 1, NULL, 0, NULL, 0), -1);
	CHECK_EQ(set_irqs(&c, bool_trig, VU_PCI_MSIX_IRQ, 0, 9, bools, 3, NULL, 0), -1);
	CHECK_EQ(set_irqs(&c, efd_trig, 9, 0, 1, NULL, 0, NULL, 0), -1);
	close(efd[0]);
	close(efd[1]);
	/* an interrupt fd that is not an eventfd (a full pipe would block the model) */
	{
		int p[2];

		REQUIRE(!pipe(p));
		CHECK_EQ(set_irqs(&c, efd_trig, VU_PCI_MSIX_IRQ, 1, 1, NULL, 0, &p[1], 1), -1);
		close(p[0]);
		close(p[1]);
		/* the vector keeps its eventfd */
		CHECK(!set_irqs(&c, none_trig, VU_PCI_MSIX_IRQ, 1, 1, NULL, 0, NULL, 0));
		CHECK_EQ(vuc_irq_wait(&c, 1, 1000), 1);
	}
	/* disabling INTx / MSI (which do not exist) is accepted, as QEMU does it */
	CHECK(!set_irqs(&c, none_trig, VU_PCI_INTX_IRQ, 0, 0, NULL, 0, NULL, 0));
	/* disable all MSI-X: triggers go nowhere */
	CHECK(!set_irqs(&c, none_trig, VU_PCI_MSIX_IRQ, 0, 0, NULL, 0, NULL, 0));
	CHECK(!set_irqs(&c, none_trig, VU_PCI_MSIX_IRQ, 2, 1, NULL, 0, NULL, 0));
	CHECK_EQ(vuc_irq_wait(&c, 2, 100), 0);
out:
	vuc_close(&c);
}

static void t_bar_access(void)
{
	uint8_t b[128];
	struct vuc c;
	uint32_t v;

	REQUIRE(!vuc_start(&c, NULL));
	/* PBA reads reach the server: no pending bits */
	CHECK_EQ(vuc_bar_read32(&c, 0, 0x3000), 0);
	/* registers readable in any size */
	REQUIRE(!vuc_region_read(&c, 0, 0x8, b, 8, NULL));
	CHECK_EQ(b[1], 48);				/* CAPS dma width byte */
	REQUIRE(!vuc_region_read(&c, 0, 0, b, 128, NULL));
	CHECK_EQ(b[0x58] & 1, 1);			/* DEV_STS ready */
	/* BAR2 is plain memory for now */
	v = 0xa5a55a5a;
	CHECK(!vuc_region_write(&c, 2, 0xffffc, &v, 4, false, NULL));
	CHECK_EQ(vuc_bar_read32(&c, 2, 0xffffc), 0xa5a55a5a);
	/* an unaligned register write is ignored, not fatal */
	CHECK(!vuc_region_write(&c, 0, 0x11, &v, 2, false, NULL));
	CHECK_EQ(vuc_bar_read32(&c, 0, 0x10), 0);
out:
	vuc_close(&c);
}

static void t_disconnect_exits(void)
{
	struct vuc c;

	REQUIRE(!vuc_start(&c, NULL));
	close(c.sock);
	c.sock = -1;
	CHECK_EQ(vuc_wait_exit(&c, 5000), 0);
	CHECK(!file_exists(c.sockpath));
out:
	vuc_close(&c);
}

static void t_reconnect(void)
{
	static const char *const args[] = { "--reconnect", NULL };
	struct vuc c;

	REQUIRE(!vuc_start(&c, args));
	vuc_cfg_write(&c, 4, 0x6, 2);
	close(c.sock);
	c.sock = -1;
	CHECK_EQ(vuc_wait_exit(&c, 300), -1);		/* still running */
	REQUIRE(!vuc_connect(&c));
	REQUIRE(!vuc_version(&c));
	CHECK_EQ(vuc_cfg_read32(&c, 0), 0xec201d0f);
	CHECK_EQ(vuc_cfg_read32(&c, 4) & 0xffff, 0);	/* reset for the new client */
	CHECK_EQ(vuc_stop(&c), 0);
	CHECK(!file_exists(c.sockpath));
out:
	vuc_close(&c);
}

static void t_second_client_refused(void)
{
	struct vuc c, c2;

	memset(&c2, 0, sizeof(c2));
	c2.sock = -1;
	REQUIRE(!vuc_start(&c, NULL));
	strcpy(c2.sockpath, c.sockpath);
	REQUIRE(!vuc_connect(&c2));
	{
		char x;

		/* the second connection is closed by the model */
		CHECK(vuc_pending(&c2, 2000));
		CHECK_EQ(read(c2.sock, &x, 1), 0);
	}
	close(c2.sock);
	CHECK_EQ(vuc_cfg_read32(&c, 0), 0xec201d0f);
out:
	vuc_close(&c);
}

static void t_sigterm(void)
{
	struct vuc c;

	REQUIRE(!vuc_start(&c, NULL));
	CHECK_EQ(vuc_stop(&c), 0);
	CHECK(!file_exists(c.sockpath));
out:
	vuc_close(&c);
}

static void t_two_functions(void)
{
	char path2[160];
	const char *args[] = { "--socket", path2, NULL };
	struct vuc c, c2;

	memset(&c2, 0, sizeof(c2));
	c2.sock = -1;
	snprintf(path2, sizeof(path2), "/tmp/ena-model-fn2-%d.sock", (int)getpid());
	REQUIRE(!vuc_start(&c, args));
	strcpy(c2.sockpath, path2);
	REQUIRE(!vuc_connect(&c2));
	REQUIRE(!vuc_version(&c2));
	CHECK_EQ(vuc_cfg_read32(&c, 0), 0xec201d0f);
	CHECK_EQ(vuc_cfg_read32(&c2, 0), 0xec201d0f);
	/* independent functions: config writes do not leak across */
	vuc_cfg_write(&c, 4, 0x6, 2);
	CHECK_EQ(vuc_cfg_read32(&c2, 4) & 0xffff, 0);
	/* one client leaving does not end the other function */
	close(c.sock);
	c.sock = -1;
	CHECK_EQ(vuc_wait_exit(&c, 300), -1);
	CHECK_EQ(vuc_cfg_read32(&c2, 0), 0xec201d0f);
	close(c2.sock);
	CHECK_EQ(vuc_wait_exit(&c, 5000), 0);
	CHECK(!file_exists(path2));
out:
	unlink(path2);
	vuc_close(&c);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A client that stops reading its replies must not stall the model: the
 * other function answers at once, and the slow client gets every reply,
 * whole and in order, when it reads again.
 */
static void t_slow_reader(void)
{
	enum { READS = 40, COUNT = 0x4000 };
	char path2[160];
	const char *args[] = { "--socket", path2, NULL };
	uint16_t ids[READS];
	struct vuc_reply r;
	struct vuc c, c2;
	uint64_t t0, took;
	unsigned int i;

	memset(&c2, 0, sizeof(c2));
	c2.sock = -1;
	snprintf(path2, sizeof(path2), "/tmp/ena-model-slow-%d.sock", (int)getpid());
	REQUIRE(!vuc_start(&c, args));
	strcpy(c2.sockpath, path2);
	REQUIRE(!vuc_connect(&c2));
	REQUIRE(!vuc_version(&c2));
	/* 40 x 16 KiB of replies: more than a socket buffer holds */
	for (i = 0; i < READS; i++) {
		uint8_t p[16] = { 0 };
		uint32_t region = VU_PCI_BAR0_REGION, count = COUNT;

		memcpy(p + 8, &region, 4);
		memcpy(p + 12, &count, 4);
		REQUIRE(!vuc_send(&c, VU_CMD_REGION_READ, 0, p, sizeof(p), NULL, 0, &ids[i]));
	}
	usleep(200 * 1000);
	t0 = mono_ms();
	CHECK_EQ(vuc_cfg_read32(&c2, 0), 0xec201d0f);
	took = mono_ms() - t0;
	CHECK(took < 1000);
	for (i = 0; i < READS; i++) {
		REQUIRE(!vuc_recv(&c, &r, 3000));
		CHECK_EQ(r.hdr.id, ids[i]);
		CHECK(!(r.hdr.flags & VU_F_ERROR));
		CHECK_EQ(r.hdr.size, sizeof(r.hdr) + 16 + COUNT);
	}
	/* reading resumed: a new request is answered */
	CHECK_EQ(vuc_cfg_read32(&c, 0), 0xec201d0f);
out:
	if (c2.sock >= 0)
		close(c2.sock);
	unlink(path2);
	vuc_close(&c);
}

/* random but well-framed messages: every one is answered or dropped, none kills the model */
static void t_fuzz_messages(void)
{
	uint32_t info[4] = { 16, 0, 0, 0 };
	struct vuc_reply r;
	struct vuc c;
	unsigned int i, j;
	uint16_t id;

	srand(12345);
	REQUIRE(!vuc_start(&c, NULL));
	for (i = 0; i < 2000; i++) {
		uint8_t p[96];
		uint16_t cmd = (uint16_t)(rand() % 20);
		uint32_t flags = (rand() % 4 == 0) ? VU_F_NO_REPLY : 0;
		size_t len = (size_t)(rand() % (int)sizeof(p));

		for (j = 0; j < len; j++)
			p[j] = (uint8_t)rand();
		if (cmd == VU_CMD_VERSION)
			continue;	/* renegotiation is tested elsewhere */
		/* keep region accesses mostly in range so they reach the device */
		if ((cmd == VU_CMD_REGION_READ || cmd == VU_CMD_REGION_WRITE) && len >= 16) {
			uint32_t region = (uint32_t)(rand() % 3 == 0 ? 7 : (rand() % 2) * 2);
			uint64_t off = (uint64_t)(rand() % 0x4000) & ~3ull;
			uint32_t count = (uint32_t)(cmd == VU_CMD_REGION_WRITE ? len - 16 : 4);

			if (region == 7)
				off &= 0xfc;
			memcpy(p, &off, 8);
			memcpy(p + 8, &region, 4);
			memcpy(p + 12, &count, 4);
		}
		REQUIRE(!vuc_send(&c, cmd, flags, p, len, NULL, 0, NULL));
		/* drain replies as they come so neither side blocks */
		while (vuc_pending(&c, 0))
			REQUIRE(!vuc_recv(&c, &r, 1000));
	}
	REQUIRE(!vuc_send(&c, VU_CMD_DEVICE_GET_INFO, 0, info, sizeof(info), NULL, 0, &id));
	for (;;) {
		REQUIRE(!vuc_recv(&c, &r, 3000));
		if (r.hdr.id == id && r.hdr.command == VU_CMD_DEVICE_GET_INFO)
			break;
	}
	CHECK(!(r.hdr.flags & VU_F_ERROR));
	CHECK(c.pid > 0 && vuc_wait_exit(&c, 0) == -1);	/* still alive */
out:
	vuc_close(&c);
}

int main(void)
{
	RUN(t_version);
	RUN(t_before_version);
	RUN(t_device_info);
	RUN(t_region_info);
	RUN(t_irq_info);
	RUN(t_config_space);
	RUN(t_config_write);
	RUN(t_options);
	RUN(t_bad_command_line);
	RUN(t_profile_file);
	RUN(t_dma_map);
	RUN(t_malformed);
	RUN(t_set_irqs);
	RUN(t_bar_access);
	RUN(t_disconnect_exits);
	RUN(t_reconnect);
	RUN(t_second_client_refused);
	RUN(t_sigterm);
	RUN(t_two_functions);
	RUN(t_slow_reader);
	RUN(t_fuzz_messages);
	return h_finish();
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI function glue: type 0 config space (256 bytes, so QEMU treats the
 * function as conventional PCI), BAR0 registers + MSI-X table/PBA, BAR2 LLQ
 * memory, MSI-X through eventfds from DEVICE_SET_IRQS.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ena_if.h"
#include "log.h"
#include "pci.h"

/* config space offsets (PCI local bus spec) */
#define CFG_VENDOR		0x00
#define CFG_DEVICE		0x02
#define CFG_COMMAND		0x04
#define CFG_STATUS		0x06
#define CFG_REVISION		0x08
#define CFG_CLASS		0x09
#define CFG_CACHE_LINE		0x0c
#define CFG_LATENCY		0x0d
#define CFG_HEADER		0x0e
#define CFG_BAR0		0x10
#define CFG_SUBSYS_VENDOR	0x2c
#define CFG_SUBSYS_ID		0x2e
#define CFG_CAP_PTR		0x34
#define CFG_INT_LINE		0x3c
#define CFG_INT_PIN		0x3d

#define CMD_IO			0x0001
#define CMD_MEMORY		0x0002
#define CMD_MASTER		0x0004
#define CMD_PARITY		0x0040
#define CMD_SERR		0x0100
#define CMD_INTX_DISABLE	0x0400
#define STATUS_CAP_LIST		0x0010

#define BAR_MEM_PREFETCH	0x08

#define CAP_ID_MSIX		0x11
#define MSIX_CTRL_ENABLE	0x8000
#define MSIX_CTRL_MASKALL	0x4000

static void put16(uint8_t *p, unsigned int off, uint16_t v)
{
	memcpy(p + off, &v, 2);
}

static void put32(uint8_t *p, unsigned int off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static uint16_t get16(const uint8_t *p, unsigned int off)
{
	uint16_t v;

	memcpy(&v, p + off, 2);
	return v;
}

static void build_config(struct pci_fn *fn)
{
	const struct ena_profile *p = fn->prof;
	uint8_t *c = fn->cfg, *w = fn->wmask;
	uint8_t rev = p->revision;
	unsigned int bar;

	memset(c, 0, PCI_CFG_SIZE);
	memset(w, 0, PCI_CFG_SIZE);

	put16(c, CFG_VENDOR, EIF_PCI_VENDOR_AMAZON);
	put16(c, CFG_DEVICE, p->pci_device_id);
	put16(c, CFG_STATUS, STATUS_CAP_LIST);
	/* the driver reads revision bit 0 as "no readless register reads" */
	if (p->readless)
		rev &= (uint8_t)~EIF_PCI_REV_NO_READLESS;
	else
		rev |= EIF_PCI_REV_NO_READLESS;
	c[CFG_REVISION] = rev;
	c[CFG_CLASS] = EIF_PCI_CLASS_ETHERNET & 0xff;
	c[CFG_CLASS + 1] = (EIF_PCI_CLASS_ETHERNET >> 8) & 0xff;
	c[CFG_CLASS + 2] = (EIF_PCI_CLASS_ETHERNET >> 16) & 0xff;
	c[CFG_HEADER] = 0;
	put16(c, CFG_SUBSYS_VENDOR, EIF_PCI_VENDOR_AMAZON);
	put16(c, CFG_SUBSYS_ID, p->pci_device_id);
	c[CFG_CAP_PTR] = PCI_MSIX_CAP;
	c[CFG_INT_PIN] = 0;		/* no INTx: MSI-X only, like ENA */

	put16(w, CFG_COMMAND, CMD_IO | CMD_MEMORY | CMD_MASTER | CMD_PARITY |
	      CMD_SERR | CMD_INTX_DISABLE);
	w[CFG_CACHE_LINE] = 0xff;
	w[CFG_LATENCY] = 0xff;
	w[CFG_INT_LINE] = 0xff;

	/* BAR0: 32-bit non-prefetchable registers; BAR2: 32-bit prefetchable LLQ */
	memset(fn->bar_size, 0, sizeof(fn->bar_size));
	fn->bar_size[EIF_BAR_REGS] = ENA_BAR0_SIZE;
	fn->bar_size[EIF_BAR_LLQ] = p->llq_bar_size;
	for (bar = 0; bar < 6; bar++) {
		unsigned int off = CFG_BAR0 + 4 * bar;

		if (!fn->bar_size[bar])
			continue;
		if (bar == EIF_BAR_LLQ)
			c[off] = BAR_MEM_PREFETCH;
		put32(w, off, ~(fn->bar_size[bar] - 1) & ~0xfu);
	}

	/* MSI-X capability: table and PBA live in BAR0 above the registers */
	c[PCI_MSIX_CAP] = CAP_ID_MSIX;
	c[PCI_MSIX_CAP + 1] = 0;	/* end of list */
	put16(c, PCI_MSIX_CAP + 2, (uint16_t)(fn->nvec - 1));
	put32(c, PCI_MSIX_CAP + 4, ENA_BAR0_MSIX_TABLE | EIF_BAR_REGS);
	put32(c, PCI_MSIX_CAP + 8, ENA_BAR0_MSIX_PBA | EIF_BAR_REGS);
	put16(w, PCI_MSIX_CAP + 2, MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);

	memcpy(fn->cfg_reset, c, PCI_CFG_SIZE);
}

static void config_write(struct pci_fn *fn, uint64_t off, const uint8_t *buf, uint32_t n)
{
	uint16_t cmd = get16(fn->cfg, CFG_COMMAND);
	uint16_t msix = get16(fn->cfg, PCI_MSIX_CAP + 2);
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint64_t o = off + i;

		fn->cfg[o] = (uint8_t)((fn->cfg[o] & ~fn->wmask[o]) | (buf[i] & fn->wmask[o]));
	}
	if (cmd != get16(fn->cfg, CFG_COMMAND)) {
		cmd = get16(fn->cfg, CFG_COMMAND);
		log_trace(fn->name, "PCI command 0x%04x: memory %s, bus master %s", cmd,
			  cmd & CMD_MEMORY ? "on" : "off", cmd & CMD_MASTER ? "on" : "off");
		if (cmd & CMD_MASTER)
			fn->warned_no_master = false;
	}
	if (msix != get16(fn->cfg, PCI_MSIX_CAP + 2)) {
		msix = get16(fn->cfg, PCI_MSIX_CAP + 2);
		log_trace(fn->name, "MSI-X %s%s", msix & MSIX_CTRL_ENABLE ? "enabled" : "disabled",
			  msix & MSIX_CTRL_MASKALL ? ", all masked" : "");
		if (msix & MSIX_CTRL_ENABLE)
			fn->warned_msix_off = false;
	}
}

/* ------------------------------------------------------------------ */
/* services for the device core                                        */
/* ------------------------------------------------------------------ */

static bool may_dma(struct pci_fn *fn)
{
	if (get16(fn->cfg, CFG_COMMAND) & CMD_MASTER)
		return true;
	/* a real function cannot master the bus before the driver allows it */
	if (!fn->warned_no_master)
		log_err(fn->name, "DMA attempted with bus mastering disabled: blocked");
	fn->warned_no_master = true;
	return false;
}

/* a copy failed because the client cut its memory file short */
static void note_dma_fault(struct pci_fn *fn, uint64_t faults, uint64_t addr)
{
	if (fn->vu.dma.faults == faults || fn->warned_dma_fault)
		return;
	log_err(fn->name, "DMA at 0x%llx hit the end of a memory file the client shrank: refused",
		(unsigned long long)addr);
	fn->warned_dma_fault = true;
}

static bool host_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct pci_fn *fn = opaque;
	uint64_t faults = fn->vu.dma.faults;
	bool ok = may_dma(fn) && dma_read(&fn->vu.dma, addr, buf, len);

	note_dma_fault(fn, faults, addr);
	return ok;
}

static bool host_dma_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
	struct pci_fn *fn = opaque;
	uint64_t faults = fn->vu.dma.faults;
	bool ok = may_dma(fn) && dma_write(&fn->vu.dma, addr, buf, len);

	note_dma_fault(fn, faults, addr);
	return ok;
}

static bool host_dma_ok(void *opaque, uint64_t addr, uint64_t len, bool write)
{
	struct pci_fn *fn = opaque;

	return may_dma(fn) &&
	       dma_check(&fn->vu.dma, addr, len, write ? DMA_PROT_WRITE : DMA_PROT_READ);
}

static void host_irq(void *opaque, unsigned int vec)
{
	struct pci_fn *fn = opaque;
	uint64_t one = 1;

	if (vec >= fn->nvec) {
		log_err(fn->name, "interrupt on MSI-X vector %u of %u", vec, fn->nvec);
		return;
	}
	if (!(get16(fn->cfg, PCI_MSIX_CAP + 2) & MSIX_CTRL_ENABLE)) {
		if (!fn->warned_msix_off)
			log_warn(fn->name, "interrupt while MSI-X is disabled: dropped");
		fn->warned_msix_off = true;
		fn->irqs_lost++;
		return;
	}
	/* per-vector masking and pending bits are QEMU's (it owns the table) */
	if (fn->irq_fd[vec] < 0) {
		log_trace(fn->name, "MSI-X vector %u has no eventfd yet: dropped", vec);
		fn->irqs_lost++;
		return;
	}
	if (write(fn->irq_fd[vec], &one, sizeof(one)) != sizeof(one)) {
		log_warn(fn->name, "MSI-X vector %u eventfd write failed", vec);
		fn->irqs_lost++;
		return;
	}
	fn->irqs_sent++;
	log_regs(fn->name, "MSI-X vector %u", vec);
}

/* ------------------------------------------------------------------ */
/* vfio-user device callbacks                                          */
/* ------------------------------------------------------------------ */

/*
 * An interrupt fd must be an eventfd, and is written without blocking: a
 * pipe or socket from a hostile client could otherwise stall the event loop
 * that serves every function.
 */
static bool irq_fd_ok(int fd)
{
	char path[64], target[64];
	ssize_t n;
	int fl;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	if (strcmp(target, "anon_inode:[eventfd]"))
		return false;
	fl = fcntl(fd, F_GETFL);
	return fl >= 0 && (fl & O_NONBLOCK || !fcntl(fd, F_SETFL, fl | O_NONBLOCK));
}

static void close_irqs(struct pci_fn *fn, unsigned int start, unsigned int count)
{
	unsigned int i;

	for (i = start; i < start + count && i < ENA_MAX_MSIX; i++) {
		if (fn->irq_fd[i] >= 0)
			close(fn->irq_fd[i]);
		fn->irq_fd[i] = -1;
	}
}

static void full_reset(struct pci_fn *fn)
{
	memcpy(fn->cfg, fn->cfg_reset, PCI_CFG_SIZE);
	memset(fn->msix_table, 0, sizeof(fn->msix_table));
	fn->warned_no_master = fn->warned_msix_off = fn->warned_dma_fault = false;
	ena_dev_power_on(fn->ena);
}

static void cb_connected(void *opaque)
{
	(void)opaque;
}

static void cb_disconnected(void *opaque)
{
	struct pci_fn *fn = opaque;

	close_irqs(fn, 0, ENA_MAX_MSIX);
	/*
	 * The spec asks to keep device state for a reconnecting client, but
	 * with its memory gone the state only points nowhere; a new client
	 * resets the device anyway.
	 */
	full_reset(fn);
}

static int cb_region_info(void *opaque, uint32_t index, uint64_t *size, uint32_t *flags)
{
	struct pci_fn *fn = opaque;

	*flags = 0;
	*size = 0;
	if (index < 6) {
		*size = fn->bar_size[index];
	} else if (index == VU_PCI_CONFIG_REGION) {
		*size = PCI_CFG_SIZE;
	} else if (index >= VU_PCI_NUM_REGIONS) {
		return EINVAL;
	}
	if (*size)
		*flags = VU_REGION_FLAG_READ | VU_REGION_FLAG_WRITE;
	return 0;
}

static uint32_t bar0_read32(struct pci_fn *fn, uint32_t off)
{
	uint32_t v = 0;

	if (off < ENA_BAR0_CORE_END)
		return ena_dev_mmio_read(fn->ena, off);
	if (off < ENA_BAR0_MSIX_PBA) {
		/* QEMU emulates the table; keep a shadow in case a client does not */
		memcpy(&v, fn->msix_table + (off - ENA_BAR0_MSIX_TABLE), 4);
		return v;
	}
	return 0;	/* PBA: pending state is kept by QEMU's MSI-X emulation */
}

static int cb_region_read(void *opaque, uint32_t index, uint64_t off, void *buf, uint32_t n)
{
	struct pci_fn *fn = opaque;
	uint8_t *out = buf;

	switch (index) {
	case VU_PCI_CONFIG_REGION:
		memcpy(buf, fn->cfg + off, n);
		return 0;
	case EIF_BAR_REGS:
		/* any size: assemble from aligned dwords (registers have no read side effects) */
		while (n) {
			uint32_t a = (uint32_t)off & ~3u, v = bar0_read32(fn, a);
			uint32_t skew = (uint32_t)off - a, k = 4 - skew;

			if (k > n)
				k = n;
			memcpy(out, (uint8_t *)&v + skew, k);
			out += k;
			off += k;
			n -= k;
		}
		return 0;
	case EIF_BAR_LLQ:
		ena_dev_llq_read(fn->ena, off, buf, n);
		return 0;
	default:
		return EINVAL;
	}
}

static int cb_region_write(void *opaque, uint32_t index, uint64_t off, const void *buf,
			   uint32_t n)
{
	struct pci_fn *fn = opaque;
	const uint8_t *in = buf;

	switch (index) {
	case VU_PCI_CONFIG_REGION:
		config_write(fn, off, buf, n);
		return 0;
	case EIF_BAR_REGS:
		if (off >= ENA_BAR0_MSIX_TABLE) {
			if (off < ENA_BAR0_MSIX_PBA)
				memcpy(fn->msix_table + (off - ENA_BAR0_MSIX_TABLE), buf,
				       off + n <= ENA_BAR0_MSIX_PBA ? n :
				       (uint32_t)(ENA_BAR0_MSIX_PBA - off));
			return 0;
		}
		if ((off & 3) || (n & 3) || off + n > ENA_BAR0_CORE_END) {
			/* ENA registers are 32 bit; the driver never does this */
			log_warn(fn->name, "BAR0 write of %u bytes at 0x%llx ignored (not 32-bit aligned)",
				 n, (unsigned long long)off);
			return 0;
		}
		for (; n; n -= 4, off += 4, in += 4) {
			uint32_t v;

			memcpy(&v, in, 4);
			ena_dev_mmio_write(fn->ena, (uint32_t)off, v);
		}
		return 0;
	case EIF_BAR_LLQ:
		ena_dev_llq_write(fn->ena, off, buf, n);
		return 0;
	default:
		return EINVAL;
	}
}

static int cb_irq_info(void *opaque, uint32_t index, uint32_t *count, uint32_t *flags)
{
	struct pci_fn *fn = opaque;

	switch (index) {
	case VU_PCI_INTX_IRQ:
	case VU_PCI_MSI_IRQ:
		*count = 0;	/* no INTx pin, no MSI capability */
		*flags = VU_IRQ_INFO_EVENTFD;
		return 0;
	case VU_PCI_MSIX_IRQ:
		*count = fn->nvec;
		*flags = VU_IRQ_INFO_EVENTFD | VU_IRQ_INFO_NORESIZE;
		return 0;
	default:
		return EINVAL;	/* no error / request interrupts */
	}
}

static int cb_set_irqs(void *opaque, uint32_t index, uint32_t flags, uint32_t start,
		       uint32_t count, const uint8_t *data, uint32_t datalen,
		       int *fds, unsigned int nfds)
{
	struct pci_fn *fn = opaque;
	uint32_t data_type = flags & (VU_IRQ_SET_DATA_NONE | VU_IRQ_SET_DATA_BOOL |
				      VU_IRQ_SET_DATA_EVENTFD);
	uint32_t action = flags & (VU_IRQ_SET_ACTION_MASK | VU_IRQ_SET_ACTION_UNMASK |
				   VU_IRQ_SET_ACTION_TRIGGER);
	unsigned int i;
	int err = 0;

	if (flags & ~(data_type | action) || __builtin_popcount(data_type) != 1 ||
	    __builtin_popcount(action) != 1) {
		err = EINVAL;
		goto out;
	}
	if (index != VU_PCI_MSIX_IRQ) {
		/* only "disable all" makes sense for an index with no interrupts */
		if ((index == VU_PCI_INTX_IRQ || index == VU_PCI_MSI_IRQ) && !count &&
		    data_type == VU_IRQ_SET_DATA_NONE && action == VU_IRQ_SET_ACTION_TRIGGER)
			goto out;
		err = EINVAL;
		goto out;
	}
	if (action != VU_IRQ_SET_ACTION_TRIGGER) {
		err = EINVAL;	/* not advertised as maskable */
		goto out;
	}
	if (data_type == VU_IRQ_SET_DATA_NONE && count == 0) {
		log_trace(fn->name, "MSI-X: all vectors disabled");
		close_irqs(fn, 0, ENA_MAX_MSIX);
		goto out;
	}
	if (start >= fn->nvec || count > fn->nvec - start || !count) {
		err = EINVAL;
		goto out;
	}
	switch (data_type) {
	case VU_IRQ_SET_DATA_EVENTFD:
		if (nfds == 0) {
			log_trace(fn->name, "MSI-X vectors %u..%u: eventfds removed", start,
				  start + count - 1);
			close_irqs(fn, start, count);
			break;
		}
		if (nfds != count) {
			err = EINVAL;
			break;
		}
		for (i = 0; i < count && irq_fd_ok(fds[i]); i++)
			;
		if (i < count) {
			log_warn(fn->name, "MSI-X vector %u: the fd is not an eventfd", start + i);
			err = EINVAL;
			break;
		}
		close_irqs(fn, start, count);
		for (i = 0; i < count; i++) {
			fn->irq_fd[start + i] = fds[i];
			fds[i] = -1;
		}
		log_trace(fn->name, "MSI-X vectors %u..%u: eventfds set", start, start + count - 1);
		break;
	case VU_IRQ_SET_DATA_NONE:
		for (i = 0; i < count; i++)
			host_irq(fn, start + i);
		break;
	case VU_IRQ_SET_DATA_BOOL:
		if (datalen < count) {
			err = EINVAL;
			break;
		}
		for (i = 0; i < count; i++)
			if (data[i])
				host_irq(fn, start + i);
		break;
	}
out:
	for (i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return err;
}

static int cb_reset(void *opaque)
{
	struct pci_fn *fn = opaque;

	log_info(fn->name, "PCI function reset");
	full_reset(fn);
	return 0;
}

static const struct vu_ops pci_vu_ops = {
	.connected = cb_connected,
	.disconnected = cb_disconnected,
	.region_info = cb_region_info,
	.region_read = cb_region_read,
	.region_write = cb_region_write,
	.irq_info = cb_irq_info,
	.set_irqs = cb_set_irqs,
	.reset = cb_reset,
};

struct pci_fn *pci_fn_create(const char *name, const struct ena_profile *prof,
			     unsigned int index, const char *socket_path,
			     struct evloop *loop)
{
	struct pci_fn *fn = calloc(1, sizeof(*fn));
	struct ena_host host;
	unsigned int i;

	if (!fn)
		return NULL;
	snprintf(fn->name, sizeof(fn->name), "%s", name);
	fn->prof = prof;
	fn->nvec = prof->msix_vectors;
	if (fn->nvec > ENA_MAX_MSIX)
		fn->nvec = ENA_MAX_MSIX;
	for (i = 0; i < ENA_MAX_MSIX; i++)
		fn->irq_fd[i] = -1;
	build_config(fn);

	host.opaque = fn;
	host.dma_read = host_dma_read;
	host.dma_write = host_dma_write;
	host.dma_ok = host_dma_ok;
	host.irq = host_irq;
	fn->ena = ena_dev_create(fn->name, prof, index, &host, loop);
	if (!fn->ena) {
		free(fn);
		return NULL;
	}
	if (vu_server_init(&fn->vu, loop, socket_path, fn->name, &pci_vu_ops, fn,
			   prof->reconnect)) {
		ena_dev_destroy(fn->ena);
		free(fn);
		return NULL;
	}
	return fn;
}

bool pci_fn_done(const struct pci_fn *fn)
{
	return fn->vu.done;
}

void pci_fn_destroy(struct pci_fn *fn)
{
	if (!fn)
		return;
	vu_server_close(&fn->vu);
	close_irqs(fn, 0, ENA_MAX_MSIX);
	ena_dev_destroy(fn->ena);
	free(fn);
}

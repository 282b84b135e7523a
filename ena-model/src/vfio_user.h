/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-user server transport: one listening UNIX socket per PCI function,
 * one client (QEMU) at a time.  Parses and validates messages, keeps the
 * DMA map table and hands device-specific requests to vu_ops.
 */
#ifndef ENA_MODEL_VFIO_USER_H
#define ENA_MODEL_VFIO_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dma.h"
#include "evloop.h"

/* protocol constants (docs/interop/vfio-user.rst) */
enum vu_command {
	VU_CMD_VERSION			= 1,
	VU_CMD_DMA_MAP			= 2,
	VU_CMD_DMA_UNMAP		= 3,
	VU_CMD_DEVICE_GET_INFO		= 4,
	VU_CMD_DEVICE_GET_REGION_INFO	= 5,
	VU_CMD_DEVICE_GET_REGION_IO_FDS	= 6,
	VU_CMD_DEVICE_GET_IRQ_INFO	= 7,
	VU_CMD_DEVICE_SET_IRQS		= 8,
	VU_CMD_REGION_READ		= 9,
	VU_CMD_REGION_WRITE		= 10,
	VU_CMD_DMA_READ			= 11,
	VU_CMD_DMA_WRITE		= 12,
	VU_CMD_DEVICE_RESET		= 13,
	VU_CMD_REGION_WRITE_MULTI	= 15,
	VU_CMD_DEVICE_FEATURE		= 16,
	VU_CMD_MIG_DATA_READ		= 17,
	VU_CMD_MIG_DATA_WRITE		= 18,
};

#define VU_F_TYPE_MASK		0xfu
#define VU_F_TYPE_COMMAND	0x0u
#define VU_F_TYPE_REPLY		0x1u
#define VU_F_NO_REPLY		0x10u
#define VU_F_ERROR		0x20u

struct vu_hdr {
	uint16_t id;
	uint16_t command;
	uint32_t size;		/* whole message including this header */
	uint32_t flags;
	uint32_t error;
};
_Static_assert(sizeof(struct vu_hdr) == 16, "vfio-user header is 16 bytes");

/* linux/vfio.h values used on the wire */
#define VU_DEV_FLAG_RESET		(1u << 0)
#define VU_DEV_FLAG_PCI			(1u << 1)
#define VU_REGION_FLAG_READ		(1u << 0)
#define VU_REGION_FLAG_WRITE		(1u << 1)
#define VU_REGION_FLAG_MMAP		(1u << 2)
#define VU_IRQ_INFO_EVENTFD		(1u << 0)
#define VU_IRQ_INFO_MASKABLE		(1u << 1)
#define VU_IRQ_INFO_AUTOMASKED		(1u << 2)
#define VU_IRQ_INFO_NORESIZE		(1u << 3)
#define VU_IRQ_SET_DATA_NONE		(1u << 0)
#define VU_IRQ_SET_DATA_BOOL		(1u << 1)
#define VU_IRQ_SET_DATA_EVENTFD		(1u << 2)
#define VU_IRQ_SET_ACTION_MASK		(1u << 3)
#define VU_IRQ_SET_ACTION_UNMASK	(1u << 4)
#define VU_IRQ_SET_ACTION_TRIGGER	(1u << 5)
#define VU_DMA_MAP_FLAG_READ		(1u << 0)
#define VU_DMA_MAP_FLAG_WRITE		(1u << 1)
#define VU_DMA_UNMAP_FLAG_DIRTY		(1u << 0)
#define VU_DMA_UNMAP_FLAG_ALL		(1u << 1)

/* PCI region / irq indexes */
#define VU_PCI_BAR0_REGION		0
#define VU_PCI_ROM_REGION		6
#define VU_PCI_CONFIG_REGION		7
#define VU_PCI_NUM_REGIONS		9
#define VU_PCI_INTX_IRQ			0
#define VU_PCI_MSI_IRQ			1
#define VU_PCI_MSIX_IRQ			2
#define VU_PCI_ERR_IRQ			3
#define VU_PCI_REQ_IRQ			4
#define VU_PCI_NUM_IRQS			5

#define VU_MAX_DATA		(1u << 20)	/* max_data_xfer_size we accept */
#define VU_MAX_MSG		(sizeof(struct vu_hdr) + 16 + VU_MAX_DATA)
#define VU_MAX_FDS		8		/* max_msg_fds we accept */

/* Device callbacks.  Return 0 or a positive errno. */
struct vu_ops {
	void (*connected)(void *opaque);
	void (*disconnected)(void *opaque);
	int (*region_info)(void *opaque, uint32_t index, uint64_t *size, uint32_t *flags);
	int (*region_read)(void *opaque, uint32_t index, uint64_t off, void *buf, uint32_t n);
	int (*region_write)(void *opaque, uint32_t index, uint64_t off, const void *buf, uint32_t n);
	int (*irq_info)(void *opaque, uint32_t index, uint32_t *count, uint32_t *flags);
	/* takes ownership of all fds */
	int (*set_irqs)(void *opaque, uint32_t index, uint32_t flags, uint32_t start,
			uint32_t count, const uint8_t *data, uint32_t datalen,
			int *fds, unsigned int nfds);
	int (*reset)(void *opaque);
};

struct vu_server {
	const char *name;
	char *path;
	int listen_fd;
	int conn_fd;
	bool reconnect;
	bool done;		/* finished serving, nothing open any more */
	bool negotiated;

	struct evloop *loop;
	const struct vu_ops *ops;
	void *opaque;
	struct dma_space dma;

	/* receive state: one message at a time */
	uint8_t *buf;
	size_t have, need;
	int fds[VU_MAX_FDS];
	unsigned int nfds;
	bool conn_broken;

	/* a reply the client has not taken yet (it reads slowly) */
	uint8_t *out;
	size_t out_len, out_off;

	/* counters, handy for tests and logs */
	unsigned long msgs, errors;
};

int vu_server_init(struct vu_server *s, struct evloop *loop, const char *path,
		   const char *name, const struct vu_ops *ops, void *opaque, bool reconnect);
/* closes everything and removes the socket file */
void vu_server_close(struct vu_server *s);

#endif

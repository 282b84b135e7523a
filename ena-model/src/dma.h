/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest memory the client (QEMU) handed to us with DMA_MAP.  Every device
 * access to guest memory goes through here and is checked against this
 * table: an address range that is not entirely covered by mappings with the
 * needed permission is refused, never touched.
 */
#ifndef ENA_MODEL_DMA_H
#define ENA_MODEL_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMA_PROT_READ	0x1u
#define DMA_PROT_WRITE	0x2u

struct dma_region {
	uint64_t iova;
	uint64_t size;
	uint32_t prot;		/* DMA_PROT_* */
	int fd;			/* -1: not mappable (no shared memory) */
	void *map;		/* mmap() base, page aligned */
	size_t map_len;
	uint8_t *host;		/* host address of iova */
};

/* QEMU maps guest RAM in a handful of regions; more is a client gone wrong */
#define DMA_MAX_REGIONS	256

struct dma_space {
	struct dma_region *r;	/* sorted by iova, non-overlapping */
	unsigned int n, cap;
	uint64_t faults;	/* copies cut short by a shrunken file (SIGBUS) */
};

void dma_init(struct dma_space *s);
/*
 * Takes ownership of fd (even on failure). Returns 0 or a positive errno:
 * EINVAL also for an fd that is not a regular file covering [offset,
 * offset + size), ENOSPC beyond DMA_MAX_REGIONS.
 */
int dma_map(struct dma_space *s, uint64_t iova, uint64_t size, uint32_t prot,
	    int fd, uint64_t offset);
/* Exact match of an earlier map. Returns 0 or a positive errno. */
int dma_unmap(struct dma_space *s, uint64_t iova, uint64_t size);
void dma_unmap_all(struct dma_space *s);

/* true if [addr, addr+len) is fully covered with the given permission */
bool dma_check(const struct dma_space *s, uint64_t addr, uint64_t len, uint32_t prot);
/*
 * Copies fail, and count in faults, if the client shrank the file behind a
 * region after mapping it (the SIGBUS is caught).
 */
bool dma_read(struct dma_space *s, uint64_t addr, void *buf, size_t len);
bool dma_write(struct dma_space *s, uint64_t addr, const void *buf, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Minimal vfio-user client for the tests: plays QEMU.  Starts the model as
 * a child process, talks to it over its socket, owns a memfd that it maps
 * into the model with DMA_MAP (the "guest memory") and eventfds for MSI-X.
 */
#ifndef TEST_CLIENT_H
#define TEST_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vfio_user.h"

#define VUC_MAX_IRQS	16

struct vuc_reply {
	struct vu_hdr hdr;
	uint8_t data[4096];
	size_t len;		/* payload bytes in data */
};

struct vuc {
	pid_t pid;
	int exit_status;	/* -1 until the model was reaped */
	int sock;
	char dir[64];		/* temp dir with the socket and the model's log */
	char sockpath[100];
	char logpath[128];
	uint16_t next_id;

	/* guest memory */
	int memfd;
	uint8_t *mem;
	size_t mem_size;
	uint64_t iova;

	int irqfd[VUC_MAX_IRQS];
	unsigned int nirq;
};

/* start the model with extra arguments (NULL terminated), connect, VERSION */
int vuc_start(struct vuc *c, const char *const *args);
/* connect only (the model must already listen); no VERSION */
int vuc_connect(struct vuc *c);
/* SIGTERM the model and reap it; returns its exit status or -1 */
int vuc_stop(struct vuc *c);
/* wait for the model to exit on its own within ms; exit status or -1 */
int vuc_wait_exit(struct vuc *c, int ms);
void vuc_close(struct vuc *c);
void vuc_dump_log(struct vuc *c);
/* true if a line of the model's log contains text */
bool vuc_log_contains(struct vuc *c, const char *text);

int vuc_send(struct vuc *c, uint16_t cmd, uint32_t flags, const void *payload,
	     size_t len, const int *fds, int nfds, uint16_t *id);
int vuc_send_raw(struct vuc *c, const void *buf, size_t len);
int vuc_recv(struct vuc *c, struct vuc_reply *r, int timeout_ms);
/* send and wait for the reply with the same id; 0 on a reply (check r->hdr) */
int vuc_xchg(struct vuc *c, uint16_t cmd, const void *payload, size_t len,
	     const int *fds, int nfds, struct vuc_reply *r);
/* true if a message arrives within ms (used to prove "no reply") */
bool vuc_pending(struct vuc *c, int ms);

int vuc_version(struct vuc *c);
/* memfd of size bytes mapped at iova, read+write */
int vuc_map_memory(struct vuc *c, uint64_t iova, size_t size);
int vuc_dma_map(struct vuc *c, uint64_t iova, uint64_t size, uint32_t flags, int fd,
		uint64_t offset, int *err);
int vuc_region_read(struct vuc *c, uint32_t region, uint64_t off, void *buf,
		    uint32_t n, int *err);
int vuc_region_write(struct vuc *c, uint32_t region, uint64_t off, const void *buf,
		     uint32_t n, bool posted, int *err);
uint32_t vuc_cfg_read32(struct vuc *c, uint32_t off);
void vuc_cfg_write(struct vuc *c, uint32_t off, uint32_t val, uint32_t size);
uint32_t vuc_bar_read32(struct vuc *c, uint32_t bar, uint32_t off);
void vuc_bar_write32(struct vuc *c, uint32_t bar, uint32_t off, uint32_t val);
/* round trip that guarantees all earlier posted writes were processed */
void vuc_sync(struct vuc *c);
/* MSI-X: enable in config space and hand the model n eventfds */
int vuc_setup_msix(struct vuc *c, unsigned int n, bool one_per_message);
/* eventfd counter of a vector (0 if nothing happened), waiting up to ms */
uint64_t vuc_irq_wait(struct vuc *c, unsigned int vec, int ms);

static inline void *vuc_ptr(struct vuc *c, uint64_t iova)
{
	return c->mem + (iova - c->iova);
}

#endif

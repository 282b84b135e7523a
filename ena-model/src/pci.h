/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI glue for one ENA function: config space, BAR routing, MSI-X through
 * eventfds, and the guest-memory/interrupt services the device core uses.
 * Implements the vfio-user device callbacks.
 */
#ifndef ENA_MODEL_PCI_H
#define ENA_MODEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "ena_dev.h"
#include "vfio_user.h"

#define PCI_CFG_SIZE		256
#define PCI_MSIX_CAP		0x40

struct pci_fn {
	char name[32];
	const struct ena_profile *prof;
	struct vu_server vu;
	struct ena_dev *ena;

	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t cfg_reset[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];
	uint32_t bar_size[6];

	unsigned int nvec;
	int irq_fd[ENA_MAX_MSIX];
	uint8_t msix_table[ENA_BAR0_MSIX_PBA - ENA_BAR0_MSIX_TABLE];
	bool warned_no_master, warned_msix_off, warned_dma_fault;
	uint64_t irqs_sent, irqs_lost;
};

struct pci_fn *pci_fn_create(const char *name, const struct ena_profile *prof,
			     unsigned int index, const char *socket_path,
			     struct evloop *loop);
void pci_fn_destroy(struct pci_fn *fn);
bool pci_fn_done(const struct pci_fn *fn);

#endif

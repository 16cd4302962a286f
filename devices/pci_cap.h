/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layouts of PCI capabilities, decoded from a config-space image: pure
 * functions over bytes, no device, no KVM, no VFIO. Used by the vfio-pci
 * model (vfio/) and by `passvm doctor` (host/), so both read a capability
 * the same way. Source: PCI Local Bus 3.0 §6.8.2 (MSI-X capability and
 * table structure), <linux/pci_regs.h>.
 */
#ifndef PASSVM_DEVICES_PCI_CAP_H
#define PASSVM_DEVICES_PCI_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the MSI-X table and PBA live (PCI 3.0 §6.8.2.4, §6.8.2.5). */
struct pci_msix_layout {
	unsigned int nvec; /* Table Size + 1: 1..2048 vectors */
	unsigned int table_bir; /* BAR Indicator 0..7; 6 and 7 are reserved */
	unsigned int pba_bir;
	uint32_t table_off; /* bytes from the start of the BAR, 8-aligned */
	uint32_t pba_off;
	uint32_t table_size; /* bytes: nvec * 16 */
	uint32_t pba_size; /* bytes: one bit per vector in 64-bit words */
};

/*
 * pci_msix_layout() - decode the MSI-X capability whose header is at byte
 * @pos of the config-space image @cfg (@len bytes of it valid). The
 * capability is 12 bytes and must lie inside both @len and the first 256
 * bytes. Fills *@l and returns 0; -EINVAL when the capability does not
 * fit (*@l untouched); -ERANGE when a BIR is reserved (6 or 7: *@l is
 * filled, for a report that names it). Whether table and PBA fit their
 * BARs is pci_msix_fits().
 */
int pci_msix_layout(const uint8_t *cfg, size_t len, unsigned int pos,
		    struct pci_msix_layout *l);

/*
 * pci_msix_fits() - do the table and the PBA of @l lie inside their BARs,
 * of @table_bar_size and @pba_bar_size bytes? Never wraps.
 */
bool pci_msix_fits(const struct pci_msix_layout *l, uint64_t table_bar_size,
		   uint64_t pba_bar_size);

#endif

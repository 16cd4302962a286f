/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What must hold on a PCI bus (devices/pci.h) after every guest access,
 * whatever the guest wrote: the fuzz harnesses of the PCI core and of the
 * vfio-pci model call pci_check_bus() after each step.
 *   - a decoded BAR lies whole inside a window of its kind (I/O in the
 *     I/O window, memory in the 32- or 64-bit MMIO window) at the address
 *     its registers give, naturally aligned;
 *   - a mapped BAR is decoded, and overlaps no other mapped BAR of the
 *     same space (on any device) and no reserved range;
 *   - a BAR no longer decoded is not mapped.
 */
#ifndef PASSVM_TESTS_FUZZ_PCI_CHECK_H
#define PASSVM_TESTS_FUZZ_PCI_CHECK_H

#include <stdint.h>

#include "devices/pci.h"

void pci_check_bus(struct pci_bus *b);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment every vfio-pci model test runs in: the in-memory device
 * of fake_vfio.c (shaped like an nvme, see fake_vfio_nvme()) behind a real
 * PCI bus, memory map and irq router with a recording backend, and the
 * accessors a guest would use (config space through the bus, BARs through
 * the bus's windows). One model per test: env_setup() / env_teardown() as
 * cmocka setup and teardown, env_start() once the test has shaped the
 * fake device.
 */
#ifndef PASSVM_TESTS_VFIO_PCI_ENV_H
#define PASSVM_TESTS_VFIO_PCI_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "fake_vfio.h"
#include "arch/x86/layout.h"
#include "vfio/vfio_pci_priv.h"

#define ENV_MMIO64_BASE 0x1000000000ull
#define ENV_MMIO64_SIZE 0x1000000000ull
#define ENV_SLOT 3

extern struct fake_vfio fv;
extern struct fake_irq fi;
extern struct irq_router router;
extern struct mem_map mem;
extern struct pci_bus bus;
extern struct vfio_pci vp;
extern struct vfio_dev_io dio;

int env_setup(void **state);
int env_teardown(void **state);

/* Build the model from fv, put it on the bus in ENV_SLOT, start it. */
void env_start(void);

/* Config space as the guest sees it (through the bus). */
uint32_t cfgr(uint32_t off, uint32_t len);
void cfgw(uint32_t off, uint32_t len, uint32_t val);

/* The guest-physical (or port) address BAR @i decodes at per its registers. */
uint64_t bar_addr(int i);

/* A guest access to GPA @addr that reaches the bus (no memslot there). */
uint64_t mmio_rd(uint64_t addr, uint32_t len);
void mmio_wr(uint64_t addr, uint32_t len, uint64_t v);

/* The memory-map region that starts at @gpa, or NULL. */
const struct mem_region *find_region(uint64_t gpa);

/* The number of open file descriptors of this process. */
int count_fds(void);

#endif

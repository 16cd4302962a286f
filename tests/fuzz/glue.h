/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where the fuzz harnesses touch APIs that are changing
 * (devices/irq.h's allocator, the VM's construction): when those change,
 * update this file and glue.c, not the harnesses.
 *
 * A checking irq backend (struct irq_backend, devices/irq.h) stands in
 * for KVM: it knows which eventfds are irqfds, refuses what KVM refuses
 * (an eventfd assigned twice, an irqfd on a closed fd) by breaking an
 * invariant, checks every routing table, and can be told to fail.
 */
#ifndef PASSVM_TESTS_FUZZ_GLUE_H
#define PASSVM_TESTS_FUZZ_GLUE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"

#define GLUE_MAX_FD 4096

struct glue_irq {
	uint32_t max_gsi;
	/* attached[fd]: gsi + 1 while @fd is an irqfd, else 0. */
	uint32_t attached[GLUE_MAX_FD];
	unsigned int nr_attached;
	unsigned int nr_routing, nr_msi_routes, nr_signals;
	/* Failure injection: the next N calls of each kind fail. */
	unsigned int fail_irqfd, fail_routing;
};

/*
 * glue_irq_router_init() - @r over a checking backend @g (zeroed here),
 * the PC's layout, @max_gsi routes (KVM_CAP_IRQ_ROUTING's answer).
 * Returns 0 or -errno.
 */
int glue_irq_router_init(struct irq_router *r, struct glue_irq *g,
			 uint32_t max_gsi);

/* glue_msi_gsis_in_use() - MSI GSIs allocated in @r (irq_msi_alloc). */
unsigned int glue_msi_gsis_in_use(struct irq_router *r);

/* glue_irq_attached() - is @fd an irqfd now? *@gsi gets its GSI. */
bool glue_irq_attached(const struct glue_irq *g, int fd, uint32_t *gsi);

#endif

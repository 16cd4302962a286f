/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt routing into the in-kernel irqchip: GSI allocation, the KVM
 * GSI routing table (KVM_SET_GSI_ROUTING), line interrupts (KVM_IRQ_LINE),
 * MSI routes and irqfds (KVM_IRQFD, with KVM_IRQFD_FLAG_RESAMPLE for
 * level-triggered INTx). Source: Documentation/virt/kvm/api.rst.
 *
 * GSI 0..23 are the IOAPIC pins (0..15 also the PIC's); MSI routes are
 * allocated from 24 up to the KVM_CAP_IRQ_ROUTING limit.
 *
 * The KVM calls go through a backend so unit tests can record them.
 */
#ifndef PASSVM_DEVICES_IRQ_H
#define PASSVM_DEVICES_IRQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"
#include "util/log.h"

#define IRQ_IOAPIC_PINS 24
#define IRQ_PCI_GSI_BASE 16 /* PCI INTx use IOAPIC pins 16..23 */
#define IRQ_PCI_GSI_COUNT 8
#define IRQ_MSI_GSI_BASE 24
#define IRQ_MAX_GSI 1024

struct kvm_irq_routing;

/* The KVM side of the router; kvm_irq_backend uses a VM fd. */
struct irq_backend {
	int (*set_routing)(void *ctx, const struct kvm_irq_routing *table);
	int (*irq_line)(void *ctx, uint32_t gsi, int level);
	/* @resample_fd < 0 for edge; @assign false detaches. */
	int (*irqfd)(void *ctx, int fd, uint32_t gsi, int resample_fd,
		     bool assign);
	int (*signal_msi)(void *ctx, uint64_t addr, uint32_t data);
	void *ctx;
};

struct irq_msi_route {
	bool used;
	uint64_t addr;
	uint32_t data;
};

struct irq_router {
	pthread_mutex_t lock;
	struct irq_backend be;
	uint32_t max_gsi; /* exclusive */
	struct irq_msi_route msi[IRQ_MAX_GSI - IRQ_MSI_GSI_BASE];
};

/*
 * kvm_irq_backend() - a backend issuing ioctls on the VM fd (not owned).
 * @vm_fd_storage holds the fd; it must outlive the router.
 */
struct irq_backend kvm_irq_backend(int *vm_fd_storage);

/*
 * irq_router_init() - install the default routing (IOAPIC pins 0..23, PIC
 * pins 0..15, as KVM_CREATE_IRQCHIP sets up) through @be.
 * @max_gsi: KVM_CAP_IRQ_ROUTING's answer (clamped to IRQ_MAX_GSI).
 */
int irq_router_init(struct irq_router *r, const struct irq_backend *be,
		    uint32_t max_gsi, struct pv_error *err);

/* irq_set_level() - KVM_IRQ_LINE; signature fits struct irq_line. */
void irq_set_level(void *router, uint32_t gsi, int level);

/* irq_line_for() - a struct irq_line driving @gsi through @r. */
struct irq_line irq_line_for(struct irq_router *r, uint32_t gsi);

/*
 * irq_msi_alloc() - reserve a GSI for an MSI route (initially not
 * routed until irq_msi_update). Errors: -ENOSPC when all are used.
 */
int irq_msi_alloc(struct irq_router *r, uint32_t *gsi, struct pv_error *err);

/*
 * irq_msi_update() - route @gsi to MSI address/data (PCI 3.0 §6.8.1.3 /
 * §6.8.2.4; x86 format) and push the whole table to KVM. @addr 0 withdraws
 * the route (the GSI stays allocated). An unchanged message costs nothing.
 * Errors: -EINVAL (@gsi not allocated), KVM_SET_GSI_ROUTING's -errno (the
 * old route is kept).
 */
int irq_msi_update(struct irq_router *r, uint32_t gsi, uint64_t addr,
		   uint32_t data, struct pv_error *err);

/* irq_msi_free() - drop the route and release @gsi. */
void irq_msi_free(struct irq_router *r, uint32_t gsi);

/*
 * irq_irqfd_attach() - KVM_IRQFD: a write to eventfd @fd injects @gsi.
 * @resample_fd >= 0 makes it level-triggered with KVM_IRQFD_FLAG_RESAMPLE:
 * KVM signals @resample_fd on EOI (used for VFIO INTx unmask).
 */
int irq_irqfd_attach(struct irq_router *r, int fd, uint32_t gsi,
		     int resample_fd, struct pv_error *err);

/* irq_irqfd_detach() - KVM_IRQFD with KVM_IRQFD_FLAG_DEASSIGN. */
void irq_irqfd_detach(struct irq_router *r, int fd, uint32_t gsi);

/* irq_signal_msi() - KVM_SIGNAL_MSI: inject one MSI now. */
int irq_signal_msi(struct irq_router *r, uint64_t addr, uint32_t data);

#endif

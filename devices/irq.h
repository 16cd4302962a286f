/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt routing: GSI allocation, the GSI routing table, line
 * interrupts, MSI routes and irqfds (edge, or level-triggered with a
 * resample eventfd for INTx). The router knows nothing of KVM: it keeps its
 * own routes (struct irq_route) and drives an interrupt controller through
 * a backend (struct irq_backend); vmm/kvm_irq.c is the KVM one
 * (KVM_SET_GSI_ROUTING, KVM_IRQ_LINE, KVM_IRQFD, KVM_SIGNAL_MSI), unit
 * tests record the calls.
 *
 * A platform is a struct irq_layout: the routes its interrupt controller
 * starts with and the first GSI free for MSIs. The PC (irq_layout_pc):
 * GSI 0..23 are the IOAPIC pins, 0..15 also the PIC's; MSIs from 24 up to
 * the backend's limit. arm64 (arch/arm64/kvm.c) lists the GIC's SPIs as
 * irqchip routes (GSI g = SPI g = INTID 32 + g) and gives each device's
 * requester ID as the MSI devid (irq_owner_set_devid), for the ITS.
 *
 * Fairness: MSI GSIs are drawn by owners (one per assigned device,
 * irq_owner_add), each limited to a fair share of the pool, so one device
 * with a 2048-vector MSI-X table cannot starve the others. Batching: an
 * owner's route changes between irq_batch_begin() and irq_batch_end() are
 * pushed to the backend once, at the end.
 */
#ifndef PASSVM_DEVICES_IRQ_H
#define PASSVM_DEVICES_IRQ_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"
#include "util/log.h"

#define IRQ_IOAPIC_PINS 24
#define IRQ_PIC_PINS 16 /* GSI 0..15 also reach the 8259A pair */
#define IRQ_PCI_GSI_BASE 16 /* PCI INTx use IOAPIC pins 16..23 */
#define IRQ_PCI_GSI_COUNT 8
#define IRQ_MSI_GSI_BASE 24 /* the PC's first MSI GSI */
#define IRQ_MAX_GSI 1024
#define IRQ_MAX_DEFAULT_ROUTES 64
/* assigned devices (16) and virtio devices (16 disks, 8 NICs, vsock) */
#define IRQ_MAX_OWNERS 64
#define IRQ_OWNER_NAME_LEN 32

/* Interrupt controllers a route can name; the backend maps them. */
enum irq_chip {
	IRQ_CHIP_PIC_MASTER,
	IRQ_CHIP_PIC_SLAVE,
	IRQ_CHIP_IOAPIC,
	IRQ_CHIP_GIC, /* arm64: the GIC's SPIs (pin = SPI number - 32) */
};

enum irq_route_type {
	IRQ_ROUTE_IRQCHIP, /* a pin of an interrupt controller */
	IRQ_ROUTE_MSI, /* a message (PCI 3.0 §6.8.1.3 address/data) */
};

/* An MSI message; @devid (the requester ID) only when @devid_valid. */
struct irq_msi_msg {
	uint64_t addr;
	uint32_t data;
	bool devid_valid;
	uint32_t devid;
};

/* One entry of the GSI routing table: @gsi -> a pin or a message. */
struct irq_route {
	uint32_t gsi;
	enum irq_route_type type;
	union {
		struct {
			enum irq_chip chip;
			uint32_t pin;
		} irqchip;
		struct irq_msi_msg msi;
	} u;
};

/*
 * What a platform's interrupt controller starts with, and where it takes
 * MSI writes (the x86 LAPICs' window 0xfee00000 + 1 MiB; arm64's ITS frame):
 * a message to another address reaches no controller. The default routes
 * are computed (irq_router_init), in GSI order: GSI g < @nr_pins to pin g
 * of @chip, then, for g < @nr_pic_pins, also to pin g % 8 of the 8259A
 * master (g < 8) or slave; @nr_pins + @nr_pic_pins at most
 * IRQ_MAX_DEFAULT_ROUTES.
 */
struct irq_layout {
	enum irq_chip chip; /* the pins' controller (IOAPIC, GIC) */
	uint32_t nr_pins; /* GSIs 0..nr_pins-1 routed to @chip */
	uint32_t nr_pic_pins; /* of those, the ones the PIC pair also has */
	uint32_t msi_base; /* first GSI handed out for MSIs */
	uint64_t msi_addr_base, msi_addr_size; /* GPA, bytes */
};

/*
 * The PC: GSI 0..15 to the PIC pair (master pins 0..7, slave 0..7) and to
 * IOAPIC pins 0..15, 16..23 to the IOAPIC only, MSIs from 24 (what
 * KVM_CREATE_IRQCHIP installs, and the MADT/_PRT of firmware/ describe).
 */
extern const struct irq_layout irq_layout_pc;

/*
 * The controller side of the router. Each returns 0 or a negative errno.
 * @set_routing replaces the whole table with @n routes (@routes is only
 * valid during the call). @irqfd: @resample_fd < 0 for edge; @assign false
 * detaches. @signal_msi injects one message now.
 */
struct irq_backend {
	int (*set_routing)(void *ctx, const struct irq_route *routes,
			   uint32_t n);
	int (*irq_line)(void *ctx, uint32_t gsi, int level);
	int (*irqfd)(void *ctx, int fd, uint32_t gsi, int resample_fd,
		     bool assign);
	int (*signal_msi)(void *ctx, const struct irq_msi_msg *msg);
	void *ctx;
};

/* An MSI GSI's state: what the guest asked for and what the backend has. */
struct irq_msi_route {
	bool used; /* allocated to @owner */
	uint64_t addr; /* wanted message; addr 0 = no route */
	uint32_t data;
	int owner;
	bool live; /* the backend's table has (live_addr, live_data) */
	uint64_t live_addr;
	uint32_t live_data;
};

struct irq_owner {
	char name[IRQ_OWNER_NAME_LEN];
	uint32_t nr_gsis; /* MSI GSIs held */
	unsigned int batch; /* irq_batch_begin() depth */
	bool dirty; /* changes waiting for irq_batch_end() */
	int failed; /* -errno of a push that undid this owner's changes */
	bool devid_valid;
	uint32_t devid;
};

struct irq_router {
	pthread_mutex_t lock;
	struct irq_backend be;
	struct irq_route defaults[IRQ_MAX_DEFAULT_ROUTES];
	uint32_t nr_defaults;
	uint32_t msi_base;
	uint64_t msi_addr_base, msi_addr_size;
	uint32_t max_gsi; /* exclusive */
	struct irq_msi_route msi[IRQ_MAX_GSI]; /* index: gsi - msi_base */
	struct irq_owner owners[IRQ_MAX_OWNERS];
	unsigned int nr_owners;
	uint64_t pushes; /* successful set_routing calls */
	/* scratch for set_routing */
	struct irq_route table[IRQ_MAX_DEFAULT_ROUTES + IRQ_MAX_GSI];
};

/*
 * irq_router_init() - set up @r for @layout (copied) and push the default
 * routes through @be (copied). @max_gsi: the backend's limit on GSIs
 * (KVM_CAP_IRQ_ROUTING's answer), clamped to IRQ_MAX_GSI. Errors:
 * -EINVAL (a layout with more pins than IRQ_MAX_DEFAULT_ROUTES, or too
 * few GSIs for it), the backend's -errno. @r owns nothing outside itself:
 * there is nothing to undo (the backend's routes go with the VM).
 */
int irq_router_init(struct irq_router *r, const struct irq_backend *be,
		    const struct irq_layout *layout, uint32_t max_gsi,
		    struct pv_error *err);

/*
 * irq_msi_addr_valid() - an MSI address (PCI 3.0 §6.8.1.3) that reaches
 * @r's controller (inside its layout's MSI window; for a window below
 * 4 GiB, the low 32 bits), as opposed to one a guest leaves unprogrammed
 * or points elsewhere.
 */
bool irq_msi_addr_valid(const struct irq_router *r, uint64_t addr);

/* irq_set_level() - drive line @gsi; signature fits struct irq_line. */
void irq_set_level(void *router, uint32_t gsi, int level);

/* irq_line_for() - a struct irq_line driving @gsi through @r. */
struct irq_line irq_line_for(struct irq_router *r, uint32_t gsi);

/*
 * irq_owner_add() - register a consumer of MSI GSIs (an assigned device;
 * @name, copied, names it in messages). Register every owner before the
 * guest runs: the fair share is the pool divided by the owners. Returns
 * the owner id (>= 0) or -ENOSPC (IRQ_MAX_OWNERS).
 */
int irq_owner_add(struct irq_router *r, const char *name, struct pv_error *err);

/*
 * irq_owner_set_devid() - give @owner's MSI routes and injections a
 * requester ID (PCI bus/devfn; for controllers that need one, e.g. the
 * arm64 GICv3 ITS).
 */
void irq_owner_set_devid(struct irq_router *r, int owner, uint32_t devid);

/* irq_msi_share() - how many MSI GSIs each owner may hold now. */
uint32_t irq_msi_share(struct irq_router *r);

/*
 * irq_msi_alloc() - reserve a GSI for an MSI route of @owner (not routed
 * until irq_msi_update). Errors: -EINVAL (no such owner), -ENOSPC when
 * @owner already holds its fair share (irq_msi_share) or the pool is
 * empty; the message says which and what to do.
 */
int irq_msi_alloc(struct irq_router *r, int owner, uint32_t *gsi,
		  struct pv_error *err);

/*
 * irq_msi_update() - route @gsi to MSI address/data (PCI 3.0 §6.8.1.3 /
 * §6.8.2.4). @addr 0 withdraws the route (the GSI stays allocated). An
 * unchanged message costs nothing. Outside a batch the table is pushed now;
 * inside one (irq_batch_begin of the GSI's owner) at irq_batch_end.
 * Errors: -EINVAL (@gsi not allocated), the backend's -errno (every change
 * not yet pushed is undone: the routes stay what the backend has).
 */
int irq_msi_update(struct irq_router *r, uint32_t gsi, uint64_t addr,
		   uint32_t data, struct pv_error *err);

/* irq_msi_free() - drop the route and release @gsi (batched like update). */
void irq_msi_free(struct irq_router *r, uint32_t gsi);

/*
 * irq_batch_begin() / irq_batch_end() - defer @owner's route changes and
 * push them once (e.g. around one config or MSI-X table write, which may
 * touch every vector). Nest. irq_batch_end() returns 0, or the -errno of
 * the push (or of another push that undid this owner's changes), message
 * in @err.
 */
void irq_batch_begin(struct irq_router *r, int owner);
int irq_batch_end(struct irq_router *r, int owner, struct pv_error *err);

/*
 * irq_irqfd_attach() - a write to eventfd @fd injects @gsi.
 * @resample_fd >= 0 makes it level-triggered: the controller signals
 * @resample_fd on EOI (used for VFIO INTx unmask).
 */
int irq_irqfd_attach(struct irq_router *r, int fd, uint32_t gsi,
		     int resample_fd, struct pv_error *err);

/* irq_irqfd_detach() - undo irq_irqfd_attach(). */
void irq_irqfd_detach(struct irq_router *r, int fd, uint32_t gsi);

/* irq_signal_msi() - inject one MSI (address/data) now. */
int irq_signal_msi(struct irq_router *r, uint64_t addr, uint32_t data);

/*
 * irq_owner_signal_msi() - the same from @owner: with its requester ID
 * when it has one (irq_owner_set_devid), as its routes carry.
 */
int irq_owner_signal_msi(struct irq_router *r, int owner, uint64_t addr,
			 uint32_t data);

#endif

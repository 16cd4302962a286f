/* SPDX-License-Identifier: GPL-2.0 */
/* A fake guest for virtio tests: RAM in a mem_map, backends, a driver. */
#ifndef PASSVM_TESTS_VIRTIO_FAKE_H
#define PASSVM_TESTS_VIRTIO_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pci.h"
#include "memory/mem_map.h"
#include "virtio/virtio_pci.h"

/* Guest RAM: one RAM region of a mem_map (no listeners), as in a VM. */
struct vfake_guest {
	struct mem_map mem;
	uint8_t *ram;
	uint64_t gpa, size;
	struct pci_bus bus;
};

#define FAKE_RAM_GPA 0x100000ull
#define FAKE_RAM_SIZE (4ull << 20)
#define FAKE_MMIO_GPA 0x40000000ull /* an MMIO region beside RAM */
#define FAKE_MMIO32 0xc0000000ull

void vfake_guest_init(struct vfake_guest *g);
void vfake_guest_destroy(struct vfake_guest *g);
void *vfake_hva(struct vfake_guest *g, uint64_t gpa);

/* Interrupt backend that records what the transport asks for. */
struct vfake_irq {
	unsigned int attached, routed, detached;
	uint32_t next_gsi;
	uint64_t last_addr;
	uint32_t last_data, last_gsi;
	int intx_level;
	unsigned int intx_changes;
	bool fail_attach;
	/* batches: depth now, batch_end calls, routes made outside one */
	unsigned int batch_depth, batches, unbatched_routes;
};
struct virtio_irq_backend vfake_irq_backend(struct vfake_irq *f);

struct vfake_ioev {
	unsigned int assigned, removed;
	uint64_t gpa[16];
	bool fail;
};
struct virtio_ioeventfd_backend vfake_ioev_backend(struct vfake_ioev *f);

/* The environment every fake device is built with. */
struct vfake_env {
	struct vfake_guest g;
	struct vfake_irq irq;
	struct vfake_ioev ioev;
	struct virtio_env env;
};
void vfake_env_init(struct vfake_env *e);
void vfake_env_destroy(struct vfake_env *e);

/* A split queue as the driver lays it out in fake RAM at @base. */
struct vfake_vq {
	struct vfake_guest *g;
	uint16_t size;
	uint64_t desc, avail, used;
	uint16_t avail_idx, used_seen;
};
void vfake_vq_init(struct vfake_vq *q, struct vfake_guest *g, uint64_t base,
		   uint16_t size);
void vfake_vq_desc(struct vfake_vq *q, uint16_t i, uint64_t addr, uint32_t len,
		   uint16_t flags, uint16_t next);
/* Write one descriptor into an indirect table at GPA @table. */
void vfake_desc_at(struct vfake_guest *g, uint64_t table, uint16_t i,
		   uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
void vfake_vq_post(struct vfake_vq *q, uint16_t head);
/* The next used entry, if the device returned one. */
bool vfake_vq_used(struct vfake_vq *q, uint32_t *id, uint32_t *len);
uint16_t vfake_vq_avail_event(struct vfake_vq *q);
void vfake_vq_set_used_event(struct vfake_vq *q, uint16_t v);

/* Driver accesses to BAR0 and config space of a plugged device. */
void drv_write(struct virtio_dev *v, uint64_t off, uint64_t val, uint32_t len);
uint64_t drv_read(struct virtio_dev *v, uint64_t off, uint32_t len);
uint32_t drv_cfg_read(struct virtio_dev *v, uint32_t off, uint32_t len);
void drv_cfg_write(struct virtio_dev *v, uint32_t off, uint32_t len,
		   uint32_t val);

/*
 * drv_setup() - what Linux's virtio_pci does: reset, ACKNOWLEDGE, DRIVER,
 * features @features (both halves), FEATURES_OK (returns false if the
 * device refused it), queues @q[0..nq) programmed and enabled, with MSI-X
 * (vector i for queue i, nq for config; entries programmed and unmasked)
 * when @msix, then DRIVER_OK. Runs the loop's calls inline (not started).
 */
bool drv_setup(struct virtio_dev *v, uint64_t features, struct vfake_vq *q,
	       unsigned int nq, bool msix);

/* Run the device loop until it has nothing to do (up to @ms each poll). */
unsigned int drv_poll(struct virtio_dev *v, int ms);

/* Read (and clear) an eventfd: its count, 0 if not signalled. */
uint64_t eventfd_take(int fd);

#endif

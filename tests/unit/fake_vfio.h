/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An in-memory VFIO PCI device and container for the unit tests: the
 * vfio-pci model (vfio/vfio_pci.c) and the DMA listener (vfio/dma.c) run
 * against it through struct vfio_dev_io / struct vfio_container_io. It
 * answers the linux/vfio.h ioctls the model uses, keeps config space and
 * BAR contents in memory (BARs are anonymous shared mappings, so "mmap"
 * returns pointers into them), and logs writes, SET_IRQS and DMA calls.
 *
 * Also a recording irq backend (struct irq_backend, devices/irq.h).
 */
#ifndef PASSVM_TESTS_FAKE_VFIO_H
#define PASSVM_TESTS_FAKE_VFIO_H

#include <stdbool.h>
#include <stdint.h>

#include "vfio/vfio_pci_priv.h"

#define FAKE_NR_REGIONS 9
#define FAKE_MAX_LOG 256
#define FAKE_REGION_SHIFT 40 /* region N at fd offset N << 40 */
/* More sparse areas than the model keeps (VFIO_MAX_MMAP_AREAS). */
#define FAKE_MAX_SPARSE 16

struct fake_region {
	uint64_t size;
	uint32_t flags;
	bool msix_mappable;
	unsigned int nr_sparse; /* > 0: CAP_SPARSE_MMAP with these areas */
	struct {
		uint64_t off, size;
	} sparse[FAKE_MAX_SPARSE];
	uint8_t *mem; /* contents (BARs, ROM) */
};

struct fake_write {
	unsigned int region;
	uint64_t off;
	uint32_t len;
	uint64_t val;
};

struct fake_set_irqs {
	uint32_t index, flags, start, count;
	int32_t fds[64];
};

struct fake_dma_op {
	bool map;
	uint64_t iova, size, vaddr;
	uint32_t flags;
};

struct fake_vfio {
	uint32_t dev_flags;
	struct fake_region regions[FAKE_NR_REGIONS];
	uint8_t cfg[4096];
	uint32_t irq_count[5];
	uint32_t irq_flags[5];

	struct fake_write writes[FAKE_MAX_LOG];
	unsigned int nr_writes;
	struct fake_set_irqs irqs[FAKE_MAX_LOG];
	unsigned int nr_irqs;
	unsigned int resets, hot_resets;
	/* Hot reset info answer: dependent devices' groups. */
	unsigned int nr_deps;
	uint32_t dep_groups[4];
	int hot_reset_fds[8];
	unsigned int nr_hot_reset_fds;
	/*
	 * A VF's own command register (SR-IOV 1.1 §3.4.1.3: Memory Space
	 * Enable is RO 0 in a VF): writes never set PCI_COMMAND_MEMORY in the
	 * config image, as if vfio-pci did not virtualize it.
	 */
	bool cmd_memory_hardwired;
	/* Make SET_IRQS MSI-X fail with -EINVAL when growing (old kernel). */
	bool msix_no_grow;
	uint32_t msix_live; /* vectors currently enabled in "VFIO" */
	/* Make every SET_IRQS that hands over eventfds fail with this. */
	int set_irqs_error; /* negative errno, 0 = success */
	/* Reads of the ROM region: counted; -EIO instead when rom_fails. */
	unsigned int rom_reads;
	bool rom_fails;

	/* Container side. */
	struct fake_dma_op dma[FAKE_MAX_LOG];
	unsigned int nr_dma;
	int map_error; /* negative errno for MAP_DMA, 0 = success */
};

/*
 * fake_vfio_nvme() - a device shaped like QEMU's nvme plus extras:
 * config 4 KiB, caps PM 0x40 -> MSI 0x50 -> MSI-X 0x70 (16 vectors, table
 * BAR0+0x2000, PBA BAR0+0x2800) -> PCIe endpoint 0x80 -> vendor 0xc0 ->
 * HyperTransport 0xd0 (to be hidden); ext caps AER 0x100 -> SR-IOV 0x140
 * (hidden). BAR0 mem64 16 KiB mmap (MSIX_MAPPABLE), BAR2 I/O 32 bytes,
 * BAR4 mem32 4 KiB mmap, ROM 64 KiB. INTx pin A.
 */
void fake_vfio_nvme(struct fake_vfio *f);
/*
 * fake_vfio_vf() - a VF shaped like QEMU's igbvf (82576 VF 8086:10ca) as
 * the host's vfio-pci shows it: the vendor and device IDs virtualized
 * (a VF's own read 0xffff), interrupt pin 0 and no INTx (SR-IOV 1.1
 * §3.4.1.18), no MSI; caps MSI-X 0x70 (3 vectors, table BAR3+0, PBA
 * BAR3+0x2000) -> PCIe endpoint 0xa0; ext caps AER 0x100 -> ARI 0x150
 * (hidden). BAR0 and BAR3 mem64 prefetchable 16 KiB, mmap-able (BAR3
 * MSIX_MAPPABLE); no ROM; FLR.
 */
void fake_vfio_vf(struct fake_vfio *f);
void fake_vfio_free(struct fake_vfio *f);
struct vfio_dev_io fake_vfio_dev_io(struct fake_vfio *f);
struct vfio_container_io fake_vfio_container_io(struct fake_vfio *f);

/* Index of the last write to @region at @off, or -1. */
int fake_vfio_find_write(const struct fake_vfio *f, unsigned int region,
			 uint64_t off);
/* Last SET_IRQS for @index, or NULL. */
const struct fake_set_irqs *fake_vfio_last_irqs(const struct fake_vfio *f,
						uint32_t index);

/* A recording irq backend. */
#define FAKE_IRQ_LOG 256
struct fake_irqfd_op {
	int fd;
	uint32_t gsi;
	int resample_fd;
	bool assign;
};
struct fake_irq {
	struct fake_irqfd_op irqfd[FAKE_IRQ_LOG];
	unsigned int nr_irqfd;
	struct {
		uint64_t addr;
		uint32_t data;
	} msi[FAKE_IRQ_LOG];
	unsigned int nr_msi;
	unsigned int nr_routing;
	/* Make routing pushes / irqfd assigns fail (negative errno, 0 = ok). */
	int routing_error, irqfd_error;
};

struct irq_backend fake_irq_backend(struct fake_irq *fi);
/* Is @fd currently attached as an irqfd (last op on it was assign)? */
bool fake_irq_attached(const struct fake_irq *fi, int fd, uint32_t *gsi,
		       int *resample_fd);

#endif

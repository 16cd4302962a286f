/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vfio-pci device model's insides: its state and the functions its
 * parts share. Only vfio/ and the unit tests include this; the VMM sees
 * struct vfio_pci as an opaque pointer and its counters through
 * vfio_pci_get_stats() (vfio/vfio.h).
 *
 * The parts:
 *   vfio_pci.c    life cycle: query the device, read its config image,
 *                 build the model; start, quiesce, fini; device access
 *   pci_config.c  config space: the per-bit overlay, the capability policy
 *                 table, the extended capability list
 *   pci_bar.c     BARs: sizes, mmapped pieces around the MSI-X pages,
 *                 memslots, trapped accesses
 *   pci_irq.c     interrupt vectors (eventfd + GSI + irqfd), INTx, MSI
 *   pci_msix.c    MSI-X: the capability, table and PBA emulation
 *
 * Locking: vp->lock guards all of struct vfio_pci. The pci_dev_ops
 * callbacks take it (the bus lock is held around them); every function
 * below that is not a callback expects it held, except during init/fini.
 *
 * Sources: linux/vfio.h, PCI Local Bus 3.0 §6 (config space, MSI §6.8.1,
 * MSI-X §6.8.2), PCIe Base 4.0 §7.5.3 (PCIe capability), §7.6 (extended
 * capabilities), Documentation/virt/kvm/api.rst (KVM_IRQFD).
 */
#ifndef PASSVM_VFIO_VFIO_PCI_PRIV_H
#define PASSVM_VFIO_VFIO_PCI_PRIV_H

#include "devices/pci_cap.h"
#include "vfio/vfio.h"

#define VFIO_MAX_MMAP_AREAS 8 /* sparse mmap areas kept per BAR */
#define VFIO_MAX_BAR_PIECES 12 /* mmapped pieces per BAR after the split */
#define VFIO_MSIX_MAX_VECTORS 2048 /* PCI 3.0 §6.8.2.3: table size <= 2048 */
#define VFIO_MSI_MAX_VECTORS 32
/* Larger ROMs are not copied: their reads are forwarded one by one. */
#define VFIO_ROM_COPY_MAX (16u << 20)

struct vfio_region {
	uint32_t index;
	uint32_t flags; /* VFIO_REGION_INFO_FLAG_* */
	uint64_t size; /* bytes */
	uint64_t offset; /* in the device fd */
	bool msix_mappable; /* VFIO_REGION_INFO_CAP_MSIX_MAPPABLE */
	bool sparse; /* VFIO_REGION_INFO_CAP_SPARSE_MMAP present */
	unsigned int nr_areas;
	struct {
		uint64_t off, size; /* bytes inside the region */
	} areas[VFIO_MAX_MMAP_AREAS];
};

/* One mmapped piece of a BAR (host-page aligned, never the MSI-X pages). */
struct vfio_bar_piece {
	uint64_t off, size; /* bytes inside the BAR */
	void *hva; /* mmap of the device fd, made once at init */
	bool in_map; /* currently a MEM_REGION_MMIO region */
	uint64_t gpa; /* where it is in the map when in_map */
};

struct vfio_bar {
	enum pci_bar_type type;
	bool prefetch;
	uint64_t size; /* BAR size as the guest sees it (bytes) */
	unsigned int nr_pieces;
	struct vfio_bar_piece pieces[VFIO_MAX_BAR_PIECES];
};

struct vfio_msix_vec {
	int efd; /* eventfd: VFIO trigger and KVM irqfd, -1 none */
	int gsi; /* MSI route, -1 none */
	bool attached; /* irqfd assigned */
	bool pending; /* fired while masked (emulated PBA bit) */
	uint64_t addr; /* routed message */
	uint32_t data;
};

struct vfio_pci {
	struct pci_dev pdev; /* on the PCI bus; opaque = this */
	pthread_mutex_t lock;
	char bdf[PCI_ADDR_STRLEN];
	struct vfio_dev_io io;
	struct mem_map *mem;
	struct irq_router *irq;
	int irq_owner; /* our id with the router (MSI GSI budget, batches) */
	long page_size;

	uint32_t dev_flags, num_regions, num_irqs;
	struct vfio_region regions[VFIO_PCI_NUM_REGIONS];
	struct vfio_bar bars[PCI_NUM_BARS + 1];
	uint32_t irq_count[VFIO_PCI_NUM_IRQS];
	uint32_t irq_flags[VFIO_PCI_NUM_IRQS];

	/*
	 * Config space, per bit (pci_config.c): a bit set in emu_bits reads
	 * from pdev.cfg[] (written there through pdev.wmask), a clear one
	 * from the device. A write reaches the device for the bits clear in
	 * emu_bits and the bits set in wt_bits (emulated and written
	 * through: the command register's decode and master bits).
	 */
	uint8_t emu_bits[PCI_CFG_EXP_SIZE];
	uint8_t wt_bits[PCI_CFG_EXP_SIZE];
	uint32_t cfg_region_size;

	/* MSI-X (PCI 3.0 §6.8.2), cap at msix_cap (0 = none). */
	uint8_t msix_cap;
	struct pci_msix_layout msix; /* nvec, table and PBA placement */
	uint8_t *msix_table; /* nvec * 16 bytes, emulated */
	struct vfio_msix_vec *msix_vec; /* nvec */
	bool msix_enabled;
	uint32_t msix_vfio_count; /* vectors enabled in VFIO (0 = off) */

	/* MSI (PCI 3.0 §6.8.1), cap at msi_cap (0 = none). */
	uint8_t msi_cap;
	bool msi_64, msi_pvm;
	uint32_t msi_nvec_enabled;
	struct vfio_msix_vec msi_vec[VFIO_MSI_MAX_VECTORS];

	/* INTx: level-triggered irqfd with resample -> VFIO unmask. */
	bool intx_possible; /* device has INTx and the bus gave it a GSI */
	bool intx_on;
	int intx_efd, intx_resample_efd;

	/*
	 * The expansion ROM's bytes, read once on the guest's first use
	 * (pci_bar.c rom_load): rom_copy_size bytes (the ROM BAR, in host
	 * pages), read-only, mmapped by us; NULL when not read (yet).
	 */
	uint8_t *rom_copy;
	uint64_t rom_copy_size;
	bool rom_tried;

	bool started;
	struct vfio_pci_stats stats;
	/* Interrupt set-up warnings a guest provokes (vectors, routes). */
	struct pv_ratelimit irq_warn;
};

/* ---- life cycle (vfio_pci.c) ---- */

/*
 * vfio_pci_init() - build the device model for the VFIO device behind @io,
 * in three steps: query the device (VFIO_DEVICE_GET_INFO, which must say
 * VFIO_DEVICE_FLAGS_PCI; every region's VFIO_DEVICE_GET_REGION_INFO with
 * its capability chain; the IRQ infos), read its config image, and build
 * the virtual device (header, BARs sized from the regions, capabilities
 * per the policy of pci_config.c, BAR mmaps made once and reused by every
 * bar_map). @bdf names it in logs. @mem and @irq are not owned. The
 * caller then puts &vp->pdev on the bus (pci_bus_add) and calls
 * vfio_pci_start(). On error everything done is undone (@io is not
 * closed). Errors: -ENODEV (not a PCI device), -ENOTSUP (a bridge), -EIO
 * or -errno from the ioctls, -ENOMEM.
 */
int vfio_pci_init(struct vfio_pci *vp, const char *bdf,
		  const struct vfio_dev_io *io, struct mem_map *mem,
		  struct irq_router *irq, struct pv_error *err);

/*
 * vfio_pci_start() - after pci_bus_add(): wire INTx (eventfd trigger as a
 * KVM irqfd with resample on pdev.intx_gsi, resamplefd as VFIO's UNMASK
 * action) when the device has an INTx pin. Errors: negative errno.
 */
int vfio_pci_start(struct vfio_pci *vp, struct pv_error *err);

/*
 * vfio_pci_quiesce() - switch every interrupt off in VFIO (SET_IRQS
 * DATA_NONE), detach irqfds, free GSIs and eventfds, and take the BAR
 * pieces out of the memory map. Idempotent.
 */
void vfio_pci_quiesce(struct vfio_pci *vp);

/* vfio_pci_fini() - quiesce, munmap the BARs, free memory. Idempotent. */
void vfio_pci_fini(struct vfio_pci *vp);

/*
 * vfio_pci_stop_dma() - clear Bus Master Enable in the device's command
 * register (PCI Local Bus 3.0 §6.2.2): it can start no more DMA. For the
 * last teardown, when vfio-pci's close will reset the function anyway.
 */
void vfio_pci_stop_dma(struct vfio_pci *vp);

/* pci_dev_ops of the model (exported for tests). */
extern const struct pci_dev_ops vfio_pci_ops;

/*
 * vfio_region_info() - VFIO_DEVICE_GET_REGION_INFO for @index with argsz
 * growth, parsing VFIO_REGION_INFO_CAP_SPARSE_MMAP and
 * VFIO_REGION_INFO_CAP_MSIX_MAPPABLE into @r (vfio/device.c). Errors:
 * negative errno.
 */
int vfio_region_info(const struct vfio_dev_io *io, uint32_t index,
		     struct vfio_region *r);

/*
 * vpci_region_read() / vpci_region_write() - @len bytes at byte @off of
 * region @idx of the device fd. 0, -EINVAL when the range is not inside
 * the region, or the pread/pwrite error (-EIO for a short transfer).
 */
int vpci_region_read(struct vfio_pci *vp, unsigned int idx, uint64_t off,
		     void *buf, size_t len);
int vpci_region_write(struct vfio_pci *vp, unsigned int idx, uint64_t off,
		      const void *buf, size_t len);

/* ---- config space (pci_config.c) ---- */

/*
 * vpci_cfg_emulate() - the one way a config bit becomes emulated: for the
 * @len (1..4) bytes at @off, the bits set in @emu read from pdev.cfg[],
 * where they take the value of @val, and the guest may write those of
 * them set in @wmask. Bits clear in @emu are left as they are.
 */
void vpci_cfg_emulate(struct vfio_pci *vp, uint32_t off, uint32_t len,
		      uint32_t val, uint32_t wmask, uint32_t emu);

/*
 * vpci_cfg_build() - the virtual config space from the device's image
 * @hw (PCI_CFG_EXP_SIZE bytes, cfg_region_size of them read from the
 * device): the type-0 header (after vpci_bars_setup() declared the
 * BARs), the standard and extended capability lists per the policy table.
 * Errors: -ENOMEM.
 */
int vpci_cfg_build(struct vfio_pci *vp, const uint8_t *hw);

/* pci_dev_ops.cfg_read / cfg_write. */
void vpci_cfg_read(struct pci_dev *d, uint32_t off, uint32_t len,
		   uint32_t *val);
void vpci_cfg_write(struct pci_dev *d, uint32_t off, uint32_t len,
		    uint32_t val);

/* ---- BARs (pci_bar.c) ---- */

/*
 * vpci_bars_setup() - declare each BAR and the ROM on pdev from the
 * regions' sizes (rounded up to a power of two) and @hw's BAR type bits.
 * Errors: -EINVAL (the core refused a BAR) with the reason in @err.
 */
int vpci_bars_setup(struct vfio_pci *vp, const uint8_t *hw,
		    struct pv_error *err);

/*
 * vpci_bars_mmap() - mmap once the mmappable pieces of every memory BAR:
 * its mmap areas shrunk to host pages, minus the pages of the MSI-X table
 * and PBA. A failed mmap leaves that part trapped (warned).
 */
void vpci_bars_mmap(struct vfio_pci *vp);

/* vpci_bars_unmap() - take every BAR piece (and the ROM) out of the map. */
void vpci_bars_unmap(struct vfio_pci *vp);

/*
 * vpci_bars_munmap() - munmap every piece and the ROM's copy (after
 * vpci_bars_unmap()).
 */
void vpci_bars_munmap(struct vfio_pci *vp);

/*
 * pci_dev_ops.bar_read / bar_write / bar_map / bar_unmap. The expansion
 * ROM (bar PCI_ROM_SLOT) is read from the device once, at its first read
 * or decode: then a read-only memslot over the copy when the ROM BAR is
 * whole host pages at a page-aligned GPA, reads from the copy when
 * trapped; forwarded one by one when it cannot be copied.
 */
void vpci_bar_read(struct pci_dev *d, int bar, uint64_t off, uint8_t *data,
		   uint32_t len);
void vpci_bar_write(struct pci_dev *d, int bar, uint64_t off,
		    const uint8_t *data, uint32_t len);
int vpci_bar_map(struct pci_dev *d, int bar, uint64_t addr);
void vpci_bar_unmap(struct pci_dev *d, int bar, uint64_t addr);

/* ---- interrupts (pci_irq.c) ---- */

/* VFIO_DEVICE_SET_IRQS; @fds (count of them) only with DATA_EVENTFD. */
int vpci_set_irqs(struct vfio_pci *vp, uint32_t index, uint32_t flags,
		  uint32_t start, uint32_t count, const int32_t *fds);

/*
 * vpci_irqs_off() - VFIO_DEVICE_SET_IRQS with DATA_NONE | ACTION_TRIGGER
 * and count 0: tear down every trigger of IRQ @index (linux/vfio.h
 * "DATA_NONE with count 0 disables the index"). Errors are ignored: the
 * vectors are being given up either way.
 */
void vpci_irqs_off(struct vfio_pci *vp, uint32_t index);

/* A vector with no eventfd and no GSI. */
void vpci_vec_reset(struct vfio_msix_vec *v);

/* Detach, free the GSI, close the eventfd, reset. */
void vpci_vec_free(struct vfio_pci *vp, struct vfio_msix_vec *v);

/*
 * vpci_vec_sync() - bring vector @v (@kind "MSI" or "MSI-X", number @idx)
 * in line with the guest's message @addr/@data and @masked; *@created is
 * set when it got its eventfd now (the caller then hands it to VFIO).
 */
void vpci_vec_sync(struct vfio_pci *vp, struct vfio_msix_vec *v,
		   const char *kind, unsigned int idx, uint64_t addr,
		   uint32_t data, bool masked, bool *created);

/* Fired while masked? (Consumes the eventfd count into v->pending.) */
bool vpci_vec_pending(struct vfio_msix_vec *v);

/*
 * vpci_routes_begin() / vpci_routes_end() - the route changes of one guest
 * write (every vector of a config or MSI-X table write) go to the router
 * as one batch: one table push instead of one per vector (devices/irq.h
 * irq_batch_begin). A failed push is logged.
 */
void vpci_routes_begin(struct vfio_pci *vp);
void vpci_routes_end(struct vfio_pci *vp);

/* INTx on (when possible and no MSI/MSI-X), off, and back on if started. */
int vpci_intx_enable(struct vfio_pci *vp, struct pv_error *err);
void vpci_intx_disable(struct vfio_pci *vp);
void vpci_intx_restore(struct vfio_pci *vp);

/*
 * vpci_msi_size() - bytes of the MSI capability with Message Control
 * @flags (PCI 3.0 §6.8.1: 10 to 24).
 */
uint32_t vpci_msi_size(uint16_t flags);

/*
 * vpci_msi_setup() - virtualize the MSI capability at @pos of @hw: the
 * whole capability emulated, disabled, Enable, Multiple Message Enable,
 * address, data and mask writable. Returns 0, or -EINVAL when the device
 * has one already (the caller hides this one).
 */
int vpci_msi_setup(struct vfio_pci *vp, const uint8_t *hw, uint32_t pos);

/* The guest wrote @len bytes at @off: follow the MSI capability. */
void vpci_msi_cfg_write(struct vfio_pci *vp, uint32_t off, uint32_t len);

/* Reading @len bytes at @off: put the emulated pending bits into *@v. */
void vpci_msi_cfg_read(struct vfio_pci *vp, uint32_t off, uint32_t len,
		       uint32_t *v);

void vpci_msi_disable(struct vfio_pci *vp);

/* ---- MSI-X (pci_msix.c) ---- */

/*
 * vpci_msix_setup() - virtualize the MSI-X capability at @pos of @hw: the
 * 12 bytes emulated, Enable and Function Mask writable, the table
 * emulated (every vector masked) and the PBA merged with the emulated
 * pending bits. Returns 0; -EINVAL when it is a second one, reserved BIRs
 * or a table/PBA outside its BAR (the caller hides it); -ENOMEM.
 */
int vpci_msix_setup(struct vfio_pci *vp, const uint8_t *hw, uint32_t pos);

/* The guest wrote @len bytes at @off: follow Message Control. */
void vpci_msix_cfg_write(struct vfio_pci *vp, uint32_t off, uint32_t len);

void vpci_msix_disable(struct vfio_pci *vp);

/* vpci_msix_free() - free the table and vectors (fini). */
void vpci_msix_free(struct vfio_pci *vp);

/* Do any of the @len bytes at @off of BAR @bar belong to the table/PBA? */
bool vpci_msix_touches(struct vfio_pci *vp, int bar, uint64_t off,
		       uint32_t len);

/*
 * An access to BAR @bar that touches the table or the PBA (@off + @len
 * inside the BAR): table bytes emulated, PBA bytes merged (reads) or
 * dropped (writes), other bytes forwarded to the device.
 */
void vpci_msix_bar_read(struct vfio_pci *vp, int bar, uint64_t off,
			uint8_t *data, uint32_t len);
void vpci_msix_bar_write(struct vfio_pci *vp, int bar, uint64_t off,
			 const uint8_t *data, uint32_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI device assignment through VFIO: the type1 container, IOMMU groups,
 * device fds, the DMA memory listener and the vfio-pci device model.
 * Sources: Documentation/driver-api/vfio.rst, include/uapi/linux/vfio.h,
 * Documentation/virt/kvm/devices/vfio.rst, PCI Local Bus 3.0 §6.8 (MSI and
 * MSI-X), PCIe Base 4.0 §7 (config space).
 *
 * Life cycle, as the VMM drives it:
 *
 *   vfio_open()       container, groups, device fds; no DMA, no guest
 *                     state. Before RAM is laid out.
 *   vfio_iova_holes() IOVA ranges guest RAM must avoid (layout_compute()).
 *   vfio_attach()     RLIMIT_MEMLOCK check, DMA listener (maps all RAM),
 *                     device reset, device models on the PCI bus, INTx.
 *   vfio_close()      reset, IRQs off, BARs and DMA unmapped, fds closed in
 *                     the order device -> group -> container. Safe on any
 *                     partly assigned state; vCPUs must be stopped.
 *
 * Every access to a device fd or the container fd goes through a small ops
 * table (struct vfio_dev_io, struct vfio_container_io) so the unit tests can
 * run this code against an in-memory device (tests/unit/fake_vfio.h).
 */
#ifndef PASSVM_VFIO_VFIO_H
#define PASSVM_VFIO_VFIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/vfio.h>

#include "devices/irq.h"
#include "devices/pci.h"
#include "memory/layout.h"
#include "memory/mem_map.h"
#include "util/log.h"
#include "host/iommu_backend.h"
#include "host/sysfs.h"

#define VFIO_MAX_DEVICES 16
#define VFIO_MAX_GROUPS 16
#define VFIO_MAX_IOVA_RANGES 16

/* ------------------------------------------------------------------ */
/* fd access, indirect so tests can fake it                            */

/*
 * Access to one VFIO device fd. All offsets are byte offsets in the device
 * fd (region offset + offset inside the region, as VFIO_DEVICE_GET_REGION_INFO
 * reports). ioctl/pread/pwrite return what the syscalls return, except that
 * errors are a negative errno instead of -1/errno. mmap returns MAP_FAILED
 * on failure (errno set).
 */
struct vfio_dev_io {
	int (*ioctl)(void *ctx, unsigned long req, void *arg);
	ssize_t (*pread)(void *ctx, void *buf, size_t len, uint64_t off);
	ssize_t (*pwrite)(void *ctx, const void *buf, size_t len, uint64_t off);
	void *(*mmap)(void *ctx, uint64_t off, size_t len, int prot);
	void (*munmap)(void *ctx, void *addr, size_t len);
	void *ctx;
	/*
	 * The host page size the BAR mmaps come in, bytes; 0 for the
	 * host's own (sysconf). Tests fake 64 KiB pages (arm64) with it.
	 */
	long page_size;
};

/*
 * Access to an fd used only through ioctls: the type1 container (MAP_DMA,
 * UNMAP_DMA, GET_INFO), a group, or the iommufd (IOMMU_IOAS_*).
 */
struct vfio_container_io {
	int (*ioctl)(void *ctx, unsigned long req, void *arg);
	void *ctx;
};

/*
 * vfio_fd_dev_io() / vfio_fd_container_io() - ops issuing real syscalls on
 * *@fd_storage (not owned; it must outlive the ops).
 */
struct vfio_dev_io vfio_fd_dev_io(int *fd_storage);
struct vfio_container_io vfio_fd_container_io(int *fd_storage);

/* ------------------------------------------------------------------ */
/* DMA: the memory listener (vfio/dma.c)                              */

struct vfio_dma;

/*
 * How the listener maps and unmaps, one table per backend: @map maps
 * @size bytes of HVA @hva at IOVA @iova (read-only when @ro), @unmap
 * removes exactly that range; both return 0 or a negative errno. @map_call
 * and @unmap_call name the ioctls for messages.
 */
struct vfio_dma_ops {
	const char *map_call, *unmap_call;
	int (*map)(struct vfio_dma *d, uint64_t iova, uint64_t size,
		   uint64_t hva, bool ro);
	int (*unmap)(struct vfio_dma *d, uint64_t iova, uint64_t size);
};

struct vfio_dma {
	struct mem_listener l; /* registered with the guest mem_map */
	struct vfio_container_io io; /* the container or the iommufd */
	const struct vfio_dma_ops *ops;
	uint32_t ioas_id; /* iommufd: the IOAS mapped into */
	uint32_t dma_avail; /* mappings left (DMA_AVAIL), or ~0u */
	uint64_t iova_pgsizes; /* IOMMU page sizes bitmap, 0 unknown */
	unsigned int nr_mappings; /* live mappings */
	uint64_t mapped_bytes; /* bytes currently mapped (pinned) */
	uint64_t map_ns; /* total time spent in the map calls */
};

/*
 * vfio_dma_init() - a DMA listener issuing VFIO_IOMMU_MAP_DMA / UNMAP_DMA
 * on the type1 container @io. @dma_avail is the mapping budget from
 * VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL (~0u: unknown); @iova_pgsizes the IOMMU
 * page-size bitmap (0: unknown). The listener maps MEM_REGION_RAM regions
 * only (IOVA = GPA, vaddr = HVA, one mapping per region, READ|WRITE unless
 * readonly) and unmaps them on region_del. Errors from region_add:
 * -ENOSPC (DMA_AVAIL exhausted), the map call's errno (-ENOMEM:
 * RLIMIT_MEMLOCK) with advice in the message. Follows linux/vfio.h
 * VFIO_IOMMU_MAP_DMA / VFIO_IOMMU_UNMAP_DMA.
 *
 * vfio_dma_init_iommufd() - the same listener issuing IOMMU_IOAS_MAP
 * (FIXED_IOVA, READABLE, WRITEABLE unless readonly) / IOMMU_IOAS_UNMAP
 * into IOAS @ioas_id on the iommufd @io; @iova_align is the IOAS's
 * out_iova_alignment (0: unknown). Follows linux/iommufd.h.
 */
void vfio_dma_init(struct vfio_dma *d, const struct vfio_container_io *io,
		   uint32_t dma_avail, uint64_t iova_pgsizes);
void vfio_dma_init_iommufd(struct vfio_dma *d,
			   const struct vfio_container_io *io, uint32_t ioas_id,
			   uint64_t iova_align);

/*
 * vfio_memlock_check() - can @need bytes of guest RAM be pinned under an
 * RLIMIT_MEMLOCK soft limit of @limit bytes (RLIM_INFINITY allowed)?
 * @privileged: CAP_IPC_LOCK is effective (the type1 driver then does not
 * account pinned pages). Returns 0 or -ENOMEM with the number of bytes
 * needed and how to raise the limit in @err (vfio_iommu_type1.c:
 * vfio_lock_acct).
 */
int vfio_memlock_check(uint64_t need, uint64_t limit, bool privileged,
		       struct pv_error *err);

/* ------------------------------------------------------------------ */
/* IOVA constraints (vfio/container.c)                                */

struct pv_iova_range {
	uint64_t start, end; /* IOVA, inclusive */
};

/*
 * vfio_compute_holes() - the IOVA ranges guest RAM must avoid: the
 * complement of @valid (all of [0, 2^64) is valid when @nvalid is 0) plus
 * every reserved region in @resv, sorted and merged. Writes at most @max
 * ranges to @out and returns how many there are (may exceed @max). Holes
 * are clipped at 2^63 (beyond any x86 guest-physical address) so that
 * base + size never overflows. Pure.
 */
int vfio_compute_holes(const struct pv_iova_range *valid, unsigned int nvalid,
		       const struct iova_resv *resv, unsigned int nresv,
		       struct layout_range *out, unsigned int max);

/*
 * vfio_parse_iommu_info() - walk the capability chain of a
 * VFIO_IOMMU_GET_INFO answer (@buf, @len bytes, struct vfio_iommu_type1_info
 * first): IOVA ranges into @ranges (at most @max, count in *@nranges; 0 when
 * the cap is absent), DMA_AVAIL into *@dma_avail (~0u when absent). Stops at
 * a malformed chain. Returns 0 or -EINVAL.
 */
int vfio_parse_iommu_info(const void *buf, size_t len,
			  struct pv_iova_range *ranges, unsigned int max,
			  unsigned int *nranges, uint32_t *dma_avail);

/* ------------------------------------------------------------------ */
/* The vfio-pci device model (vfio/vfio_pci.c; its insides are in      */
/* vfio/vfio_pci_priv.h)                                               */

struct vfio_pci;

struct vfio_pci_stats {
	uint64_t cfg_reads, cfg_writes; /* config accesses seen */
	uint64_t bar_reads, bar_writes; /* trapped BAR accesses */
	uint64_t msix_table_accesses; /* emulated table/PBA accesses */
	uint64_t irq_setups; /* SET_IRQS issued */
	uint64_t pending_injected; /* MSIs injected on unmask */
	unsigned int vectors_routed; /* live MSI/MSI-X GSIs */
	unsigned int pieces_mapped; /* BAR pieces in the memory map */
};

/*
 * vfio_pci_get_stats() - the counters of the model @vp (for --stats). The
 * pointer lives as long as @vp; read it when the vCPUs are stopped.
 */
const struct vfio_pci_stats *vfio_pci_get_stats(const struct vfio_pci *vp);

/* The interrupt kinds a model offers its guest (PCI 3.0 §6.8, INTx pin). */
struct vfio_pci_irq_kinds {
	bool msi, msix; /* the capability is in the guest's config space */
	bool intx; /* an interrupt pin and VFIO's INTx index */
};

/* vfio_pci_get_irq_kinds() - which kinds @vp (on a bus) offers. */
void vfio_pci_get_irq_kinds(const struct vfio_pci *vp,
			    struct vfio_pci_irq_kinds *out);

/*
 * vfio_pci_use_devid() - tag @vp's MSIs with its requester ID in the guest
 * (bus 0, its devfn), for a controller that tells senders apart by it
 * (arm64's ITS: KVM_MSI_VALID_DEVID). Call once it is on the bus.
 */
void vfio_pci_use_devid(struct vfio_pci *vp);

/*
 * vfio_device_reset() - VFIO_DEVICE_RESET when @dev_flags has
 * VFIO_DEVICE_FLAGS_RESET, else a bus/slot hot reset
 * (VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, VFIO_DEVICE_PCI_HOT_RESET) when every
 * affected device's group is in @group_ids (with fds @group_fds, @n of
 * them). On a device cdev bound to iommufd the kernel reports devids
 * instead (VFIO_PCI_HOT_RESET_FLAG_DEV_ID): the groups are not needed,
 * ownership is the iommufd's (FLAG_DEV_ID_OWNED) and the reset is called
 * with an empty group fd array. Returns 0, or a negative errno with the
 * reason in @err (e.g. -EPERM: the reset would touch a device we do not
 * own).
 */
int vfio_device_reset(const struct vfio_dev_io *io, const char *bdf,
		      uint32_t dev_flags, const int *group_ids,
		      const int *group_fds, unsigned int n,
		      struct pv_error *err);

/* ------------------------------------------------------------------ */
/* The whole assignment (vfio/container.c, type1.c, iommufd.c, group.c, */
/* device.c)                                                           */

struct vfio_ctx;
struct vfio_device;

/*
 * The IOMMU backend: the VFIO type1 container (vfio/type1.c: /dev/vfio/vfio,
 * groups /dev/vfio/N, VFIO_IOMMU_MAP_DMA) or iommufd (vfio/iommufd.c:
 * /dev/iommu, an IOAS, device cdevs /dev/vfio/devices/vfioN bound and
 * attached to it, IOMMU_IOAS_MAP). Everything else (the device model, the
 * VMM) sees only device fds and this table.
 *
 * @open: the IOMMU side, then every device fd (ctx->devs[].fd, .io,
 * .flags...), the IOVA ranges into ctx->iova / nr_iova / iova_pgsizes.
 * Errors: negative errno with the fix in @err; whatever was opened stays
 * for @close. @dma_init: make ctx->dma issue this backend's map calls.
 * @reset: reset device @d (function reset, else bus hot reset as this
 * backend proves ownership). @close: device fds, then groups/IOAS, then
 * the container/iommufd; safe on a partial open.
 */
struct vfio_backend_ops {
	const char *name; /* "type1" or "iommufd" */
	int (*open)(struct vfio_ctx *ctx, struct pv_error *err);
	void (*dma_init)(struct vfio_ctx *ctx);
	int (*reset)(struct vfio_ctx *ctx, struct vfio_device *d,
		     struct pv_error *err);
	void (*close)(struct vfio_ctx *ctx);
};

extern const struct vfio_backend_ops vfio_type1_ops, vfio_iommufd_ops;

struct vfio_group {
	int id; /* /dev/vfio/<id> */
	int fd; /* -1 when closed */
	struct vfio_container_io io; /* ioctls on @fd */
	bool in_container;
	bool hooked; /* vfio_group_hook.add done, del not yet */
	struct iova_resv resv[16];
	int nr_resv;
};

/*
 * Who else must know the VFIO files: the VMM registers them with KVM's
 * VFIO device (Documentation/virt/kvm/devices/vfio.rst,
 * KVM_DEV_VFIO_FILE_ADD): each group fd with the type1 container, each
 * device cdev fd with iommufd. @add is called once the file is attached
 * to its IOMMU, before the device is used; @del before its fd is closed
 * (and before vfio_hook_groups() may add it again, e.g. to a new VM on
 * reboot). @name says which file ("group 7", "device 0000:01:00.0").
 * @add returns 0 or a negative errno with a message in @err; either may
 * be NULL.
 */
struct vfio_group_hook {
	int (*add)(void *opaque, const char *name, int fd,
		   struct pv_error *err);
	void (*del)(void *opaque, const char *name, int fd);
	void *opaque;
};

struct vfio_device {
	struct pci_addr addr;
	char bdf[PCI_ADDR_STRLEN];
	int group; /* index in ctx->groups */
	int fd; /* -1 when closed */
	int given_fd; /* pre-opened group or cdev fd (--vfio fd=N), or -1 */
	struct vfio_dev_io io;
	uint32_t flags, num_regions, num_irqs;
	struct vfio_pci *model; /* after vfio_attach, owned */
	bool on_bus;
	/* The last reset after the guest (vfio_detach): tried, and 0 or
	 * the negative errno it failed with. */
	bool reset_tried;
	int reset_ret;
	/*
	 * vfio-pci reset the function when the device was first opened
	 * (vfio_pci_core_enable(), when it can: VFIO_DEVICE_FLAGS_RESET) and
	 * will again at the last close (vfio_pci_core_disable()): a reset of
	 * ours right after opening or right before closing only repeats it.
	 */
	bool fresh; /* opened, not used by a guest yet */
	/* iommufd only */
	char cdev[16]; /* "vfio0": /dev/vfio/devices/<cdev> */
	uint32_t devid; /* from VFIO_DEVICE_BIND_IOMMUFD */
	uint32_t hwpt_id; /* from VFIO_DEVICE_ATTACH_IOMMUFD_PT */
	bool bound, attached, hooked;
};

/*
 * How tests reach a fake kernel: the fd access ops for each fd vfio_open
 * opens (NULL members: real syscalls). Zeroed in use.
 */
struct vfio_io_factory {
	struct vfio_container_io (*fd_io)(void *opaque, int *fd_storage);
	struct vfio_dev_io (*dev_io)(void *opaque, int *fd_storage);
	void *opaque;
};

/* What vfio_open() is asked to do beyond the device list. */
struct vfio_open_opts {
	enum iommu_mode mode; /* --iommu: auto, type1 or iommufd */
	int iommu_fd; /* pre-opened container or iommufd (--iommu-fd), -1 */
	/* Per device (as many as bdfs): a pre-opened group or device cdev
	 * fd, or -1; NULL: none. vfio_open owns those it is given. */
	const int *dev_fds;
	struct vfio_io_factory io; /* tests only */
	const char *dev_root; /* tests only: NULL is "/dev" */
};

struct vfio_ctx {
	char sysfs_root[128];
	char dev_root[128]; /* "/dev" */
	const struct vfio_backend_ops *be; /* NULL until chosen */
	enum iommu_mode mode;
	struct vfio_io_factory iof;
	/* type1 */
	int container_fd; /* -1 when closed */
	struct vfio_container_io cio; /* the container, or the iommufd */
	int iommu_type; /* VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU */
	struct vfio_group groups[VFIO_MAX_GROUPS];
	unsigned int nr_groups;
	/* iommufd */
	int iommufd; /* -1 when closed */
	uint32_t ioas_id; /* valid when @ioas */
	bool ioas;

	struct vfio_device devs[VFIO_MAX_DEVICES];
	unsigned int nr_devs;

	struct vfio_group_hook hook; /* zeroed: nobody to tell */

	/* From VFIO_IOMMU_GET_INFO or IOMMU_IOAS_IOVA_RANGES. */
	uint64_t iova_pgsizes; /* bitmap; iommufd: the IOVA alignment */
	struct pv_iova_range iova[VFIO_MAX_IOVA_RANGES];
	unsigned int nr_iova;
	uint32_t dma_avail;

	struct vfio_dma dma;
	bool dma_listening;
	bool closing; /* in vfio_close(): the device fds close next */
	struct mem_map *mem;
	struct irq_router *irq;
	struct pci_bus *bus;
};

/*
 * vfio_open() - check the @n PCI functions in @bdfs (canonical or short
 * BDF; "" for one given only by its fd in @opts->dev_fds) in sysfs, choose
 * the backend (host_iommu_choose(): @opts->mode, the host's iommufd, the
 * devices' cdevs, the kind of any pre-opened fd), open it and every device
 * fd, and call @hook's add for each file KVM must know (@hook copied; NULL
 * for none). In auto mode a failure of iommufd falls back to the type1
 * container with a warning saying why. @sysfs_root is "/sys" in use. No
 * DMA mapping and no device state change yet. On error everything is
 * closed and @err says what is wrong and how to fix it (not bound to
 * vfio-pci, group in use, group not viable naming every other member and
 * its driver, no IOMMU, an fd that is not what it claims). Errors:
 * negative errno.
 */
int vfio_open(struct vfio_ctx *ctx, const char *sysfs_root,
	      const char *const *bdfs, int n, const struct vfio_open_opts *opts,
	      const struct vfio_group_hook *hook, struct pv_error *err);

/* ------------------------------------------------------------------ */
/* Pre-opened fds (vfio/fds.c)                                         */

enum vfio_fd_kind {
	VFIO_FD_NONE,
	VFIO_FD_CONTAINER, /* /dev/vfio/vfio */
	VFIO_FD_IOMMUFD, /* /dev/iommu */
	VFIO_FD_GROUP, /* /dev/vfio/N */
	VFIO_FD_CDEV, /* /dev/vfio/devices/vfioN */
};

struct vfio_fd_info {
	enum vfio_fd_kind kind;
	int group; /* VFIO_FD_GROUP */
	struct pci_addr addr; /* VFIO_FD_CDEV: its PCI function */
	char cdev[16]; /* VFIO_FD_CDEV: "vfio0" */
};

/*
 * vfio_fd_identify() - is @fd what it claims: with @iommu_side a container
 * or an iommufd, else a group or a device cdev? fstat, the sysfs char
 * device, then one harmless ioctl (through @ctx->iof). Fills @fi. Errors:
 * -EBADF (not open), -EINVAL (another kind of file, another device, or
 * the ioctl fails) with the fd, what it is and what was wanted in @err.
 */
int vfio_fd_identify(struct vfio_ctx *ctx, int fd, bool iommu_side,
		     struct vfio_fd_info *fi, struct pv_error *err);

/*
 * vfio_resolve_fds() - identify @opts' fds; for each of the @n devices
 * the address to use into @names[i] (@bdfs[i], or the cdev's own, or a
 * group fd's only member, formatted in @bdfbuf[i]); kinds into @fi and
 * @iommu. Errors: negative errno with the fix in @err.
 */
int vfio_resolve_fds(struct vfio_ctx *ctx, const char *const *bdfs, int n,
		     const struct vfio_open_opts *opts, const char **names,
		     char (*bdfbuf)[PCI_ADDR_STRLEN], struct vfio_fd_info *fi,
		     struct vfio_fd_info *iommu, struct pv_error *err);

/*
 * vfio_place_given_fds() - hand the given fds (ctx->devs[].given_fd,
 * @iommu_fd of kind @iommu) to the backend's slots. Returns the backend
 * they force (0: none), or -EINVAL when they disagree with each other, a
 * device's group or --iommu. The ctx owns them from here on.
 */
int vfio_place_given_fds(struct vfio_ctx *ctx, const struct vfio_fd_info *fi,
			 const struct vfio_fd_info *iommu, int iommu_fd,
			 struct pv_error *err);

/* vfio_close_given() - close every fd @opts gives (ownership taken). */
void vfio_close_given(const struct vfio_open_opts *opts, int n);

/* vfio_opts_gave_fds() - does @opts give any fd? */
bool vfio_opts_gave_fds(const struct vfio_open_opts *opts, int n);

/* vfio_backend_name() - "type1", "iommufd", or "none" before vfio_open. */
const char *vfio_backend_name(const struct vfio_ctx *ctx);

/*
 * vfio_hook_groups() - call the hook's add for each open VFIO file (group
 * or device cdev) not yet added (stops at the first error, which it
 * returns). vfio_unhook_groups() - the hook's del for each added file, in
 * reverse. vfio_open() and vfio_close() do this themselves; a VMM that
 * replaces its KVM VM keeps the files open and calls unhook, then hook
 * again for the new VM.
 */
int vfio_hook_groups(struct vfio_ctx *ctx, struct pv_error *err);
void vfio_unhook_groups(struct vfio_ctx *ctx);

/*
 * vfio_iova_holes() - the guest-physical ranges RAM must avoid for these
 * devices: the complement of the IOMMU's IOVA ranges plus every
 * group's reserved_regions, merged, at most @max into @out. Returns the
 * count (may exceed @max) or a negative errno.
 */
int vfio_iova_holes(struct vfio_ctx *ctx, struct layout_range *out,
		    unsigned int max);

/*
 * vfio_attach() - check RLIMIT_MEMLOCK against mem_map_ram_bytes(@mem),
 * register the DMA listener (maps all RAM now, follows later changes),
 * reset each device, build its vfio-pci model and put it on @bus, wire
 * INTx. @mem, @irq and @bus are not owned and must outlive the ctx. On
 * error the ctx is left for vfio_close(). Errors: negative errno.
 */
int vfio_attach(struct vfio_ctx *ctx, struct mem_map *mem,
		struct irq_router *irq, struct pci_bus *bus,
		struct pv_error *err);

/*
 * vfio_detach() - undo vfio_attach(): take the models off the bus, IRQs
 * off, BARs unmapped, reset each device, DMA unmapped; the IOMMU side and
 * device fds stay open (and the devices bound) for another vfio_attach(),
 * e.g. when the guest reboots. Idempotent.
 */
void vfio_detach(struct vfio_ctx *ctx);

/*
 * vfio_close() - undo everything: take the models off the bus, IRQs off,
 * BARs unmapped, reset each device, DMA unmapped (vfio_detach), the hook's
 * del for each file, then close device fds, then groups or the IOAS, then
 * the container or iommufd. Safe on a zeroed ctx after vfio_ctx_init()
 * and on any half-done state.
 */
void vfio_close(struct vfio_ctx *ctx);

/* vfio_ctx_init() - an empty ctx (all fds -1); never fails. */
void vfio_ctx_init(struct vfio_ctx *ctx);

/*
 * vfio_open_sysfs() - the first, sysfs-only half of vfio_open(): parse
 * and check each device (bound to vfio-pci, its IOMMU group), fill
 * ctx->devs and ctx->groups. For the backends. Errors: negative errno.
 */
int vfio_open_sysfs(struct vfio_ctx *ctx, const char *const *bdfs, int n,
		    struct pv_error *err);

/* vfio_read_reserved() - read group @g's reserved_regions (trace them). */
void vfio_read_reserved(struct vfio_ctx *ctx, struct vfio_group *g);

/* vfio_fd_io_for() / vfio_dev_io_for() - @ctx->iof's ops, else real ones. */
struct vfio_container_io vfio_fd_io_for(struct vfio_ctx *ctx, int *fd);
struct vfio_dev_io vfio_dev_io_for(struct vfio_ctx *ctx, int *fd);

/*
 * vfio_query_device() - VFIO_DEVICE_GET_INFO on @d's fd: flags, regions,
 * IRQs; -ENODEV unless it is a vfio-pci device. Errors: negative errno.
 */
int vfio_query_device(struct vfio_device *d, struct pv_error *err);

/*
 * vfio_group_not_viable_msg() - the error for a non-viable group @group:
 * names each member (from sysfs) that is not in @ours (@nours BDFs) and
 * its driver, and the fix. Returns -EPERM.
 */
int vfio_group_not_viable_msg(const char *sysfs_root, int group,
			      const struct pci_addr *ours, int nours,
			      struct pv_error *err);

/*
 * vfio_check_driver() - 0 when @a exists and is bound to vfio-pci, else
 * -ENOENT/-ENODEV with the fix in @err ("... is bound to nvme, not
 * vfio-pci: run `passvm bind BDF`").
 */
int vfio_check_driver(const char *sysfs_root, const struct pci_addr *a,
		      struct pv_error *err);

#endif

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
};

/* Access to the container fd: only ioctls (MAP_DMA, UNMAP_DMA, GET_INFO). */
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

struct vfio_dma {
	struct mem_listener l; /* registered with the guest mem_map */
	struct vfio_container_io io;
	uint32_t dma_avail; /* mappings left (DMA_AVAIL), or ~0u */
	uint64_t iova_pgsizes; /* IOMMU page sizes bitmap, 0 unknown */
	unsigned int nr_mappings; /* live VFIO_IOMMU_MAP_DMA mappings */
	uint64_t mapped_bytes; /* bytes currently mapped (pinned) */
	uint64_t map_ns; /* total time spent in MAP_DMA */
};

/*
 * vfio_dma_init() - a DMA listener issuing MAP/UNMAP on @io. @dma_avail is
 * the mapping budget from VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL (~0u: unknown);
 * @iova_pgsizes the IOMMU page-size bitmap (0: unknown). The listener maps
 * MEM_REGION_RAM regions only (IOVA = GPA, vaddr = HVA, one mapping per
 * region, READ|WRITE unless readonly) and unmaps them on region_del.
 * Errors from region_add: -ENOSPC (DMA_AVAIL exhausted), the MAP_DMA errno
 * (-ENOMEM: RLIMIT_MEMLOCK) with advice in the message. Follows
 * linux/vfio.h VFIO_IOMMU_MAP_DMA / VFIO_IOMMU_UNMAP_DMA.
 */
void vfio_dma_init(struct vfio_dma *d, const struct vfio_container_io *io,
		   uint32_t dma_avail, uint64_t iova_pgsizes);

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

/*
 * vfio_device_reset() - VFIO_DEVICE_RESET when @dev_flags has
 * VFIO_DEVICE_FLAGS_RESET, else a bus/slot hot reset
 * (VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, VFIO_DEVICE_PCI_HOT_RESET) when every
 * affected device's group is in @group_ids (with fds @group_fds, @n of
 * them). Returns 0, or a negative errno with the reason in @err (e.g.
 * -EPERM: the reset would touch a group we do not own).
 */
int vfio_device_reset(const struct vfio_dev_io *io, const char *bdf,
		      uint32_t dev_flags, const int *group_ids,
		      const int *group_fds, unsigned int n,
		      struct pv_error *err);

/* ------------------------------------------------------------------ */
/* The whole assignment (vfio/container.c, group.c, device.c)         */

struct vfio_group {
	int id; /* /dev/vfio/<id> */
	int fd; /* -1 when closed */
	bool in_container;
	bool hooked; /* vfio_group_hook.add done, del not yet */
	struct iova_resv resv[16];
	int nr_resv;
};

/*
 * Who else must know each open group: the VMM registers it with KVM's VFIO
 * device (Documentation/virt/kvm/devices/vfio.rst). @add is called once
 * the group is in the container, before any of its devices is used;
 * @del before its fd is closed (and before vfio_hook_groups() may add it
 * again, e.g. to a new VM on reboot). @add returns 0 or a negative errno
 * with a message in @err; either may be NULL.
 */
struct vfio_group_hook {
	int (*add)(void *opaque, int group_id, int group_fd,
		   struct pv_error *err);
	void (*del)(void *opaque, int group_id, int group_fd);
	void *opaque;
};

struct vfio_device {
	struct pci_addr addr;
	char bdf[PCI_ADDR_STRLEN];
	int group; /* index in ctx->groups */
	int fd; /* -1 when closed */
	struct vfio_dev_io io;
	uint32_t flags, num_regions, num_irqs;
	struct vfio_pci *model; /* after vfio_attach, owned */
	bool on_bus;
	/* The last reset after the guest (vfio_detach): tried, and 0 or
	 * the negative errno it failed with. */
	bool reset_tried;
	int reset_ret;
};

struct vfio_ctx {
	char sysfs_root[128];
	char dev_root[128]; /* "/dev" */
	int container_fd; /* -1 when closed */
	struct vfio_container_io cio;
	int iommu_type; /* VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU */
	struct vfio_group groups[VFIO_MAX_GROUPS];
	unsigned int nr_groups;
	struct vfio_device devs[VFIO_MAX_DEVICES];
	unsigned int nr_devs;

	struct vfio_group_hook hook; /* zeroed: nobody to tell */

	/* From VFIO_IOMMU_GET_INFO. */
	uint64_t iova_pgsizes;
	struct pv_iova_range iova[VFIO_MAX_IOVA_RANGES];
	unsigned int nr_iova;
	uint32_t dma_avail;

	struct vfio_dma dma;
	bool dma_listening;
	struct mem_map *mem;
	struct irq_router *irq;
	struct pci_bus *bus;
};

/*
 * vfio_open() - open the container, the IOMMU group of each of the @n PCI
 * functions in @bdfs (canonical or short BDF), check viability, add the
 * groups to the container, set the IOMMU type (type1v2, else type1), read
 * the IOMMU info, get the device fds, and call @hook's add for each group
 * (@hook copied; NULL for none). @sysfs_root is "/sys" in use. No DMA
 * mapping and no device state change yet. On error everything is closed
 * and @err says what is wrong and how to fix it (not bound to vfio-pci,
 * group in use, group not viable naming every other member and its driver,
 * no IOMMU). Errors: negative errno.
 */
int vfio_open(struct vfio_ctx *ctx, const char *sysfs_root,
	      const char *const *bdfs, int n,
	      const struct vfio_group_hook *hook, struct pv_error *err);

/*
 * vfio_hook_groups() - call the hook's add for each open group not yet
 * added (stops at the first error, which it returns). vfio_unhook_groups()
 * - the hook's del for each added group, in reverse. vfio_open() and
 * vfio_close() do this themselves; a VMM that replaces its KVM VM keeps the
 * groups open and calls unhook, then hook again for the new VM.
 */
int vfio_hook_groups(struct vfio_ctx *ctx, struct pv_error *err);
void vfio_unhook_groups(struct vfio_ctx *ctx);

/*
 * vfio_iova_holes() - the guest-physical ranges RAM must avoid for these
 * devices: the complement of the container's IOVA ranges plus every
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
 * off, BARs unmapped, reset each device, DMA unmapped; the container,
 * groups and device fds stay open (and the devices bound) for another
 * vfio_attach(), e.g. when the guest reboots. Idempotent.
 */
void vfio_detach(struct vfio_ctx *ctx);

/*
 * vfio_close() - undo everything: take the models off the bus, IRQs off,
 * BARs unmapped, reset each device, DMA unmapped (vfio_detach), the hook's
 * del for each group, then close device fds, group fds and the container,
 * in that order. Safe on a zeroed ctx after vfio_ctx_init() and on any
 * half-done state.
 */
void vfio_close(struct vfio_ctx *ctx);

/* vfio_ctx_init() - an empty ctx (all fds -1); never fails. */
void vfio_ctx_init(struct vfio_ctx *ctx);

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

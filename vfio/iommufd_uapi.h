/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iommufd and VFIO-cdev UAPI passvm uses, for build hosts whose
 * linux-libc-dev predates it (Debian 12's 6.1 has neither
 * <linux/iommufd.h> nor VFIO_DEVICE_BIND_IOMMUFD). Where the system
 * headers have a definition, theirs is used; otherwise the layouts below
 * are those of Linux 6.12 include/uapi/linux/iommufd.h and
 * include/uapi/linux/vfio.h (iommufd appeared in 6.2, the VFIO device
 * cdev and its hot-reset devid reporting in 6.6). Only what passvm calls
 * is here. Kernel ABI: these layouts never change, they only grow (each
 * struct starts with its size).
 */
#ifndef PASSVM_VFIO_IOMMUFD_UAPI_H
#define PASSVM_VFIO_IOMMUFD_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vfio.h>

#if defined(__has_include) && __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#else

#define IOMMUFD_TYPE (';')

enum {
	IOMMUFD_CMD_DESTROY = 0x80,
	IOMMUFD_CMD_IOAS_ALLOC = 0x81,
	IOMMUFD_CMD_IOAS_IOVA_RANGES = 0x84,
	IOMMUFD_CMD_IOAS_MAP = 0x85,
	IOMMUFD_CMD_IOAS_UNMAP = 0x86,
	IOMMUFD_CMD_GET_HW_INFO = 0x8a,
};

/* IOMMU_DESTROY: destroy object @id (an IOAS, a HWPT, ...). */
struct iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_DESTROY)

/* IOMMU_IOAS_ALLOC: a new, empty I/O address space. */
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags; /* 0 */
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)

/* One allowed IOVA interval, both ends inclusive. */
struct iommu_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/*
 * IOMMU_IOAS_IOVA_RANGES: the IOVAs the IOAS may map now (narrowed by
 * each attached device's aperture and reserved regions). -EMSGSIZE with
 * @num_iovas set to the count when the array is too small.
 */
struct iommu_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas; /* user pointer to iommu_iova_range[] */
	__aligned_u64 out_iova_alignment;
};
#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_IOVA_RANGES)

enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

/* IOMMU_IOAS_MAP: map @length bytes at @user_va to @iova (pins them). */
struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP)

/* IOMMU_IOAS_UNMAP: unmap a superset of earlier maps; @length returned. */
struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_UNMAP)

/* IOMMU_GET_HW_INFO: the IOMMU behind bound device @dev_id (6.7+). */
struct iommu_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 out_data_type;
	__u8 out_max_pasid_log2;
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};
#define IOMMU_GET_HW_INFO _IO(IOMMUFD_TYPE, IOMMUFD_CMD_GET_HW_INFO)

#endif /* <linux/iommufd.h> */

#ifndef VFIO_DEVICE_BIND_IOMMUFD
/* Bind a device cdev to an iommufd; the kernel returns its devid. */
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags; /* 0 */
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)

/* Attach to an IOAS or HWPT @pt_id; out: the HWPT actually attached. */
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags; /* 0 */
	__u32 pt_id;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)

struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags; /* 0 */
};
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 20)
#endif

#ifndef VFIO_PCI_HOT_RESET_FLAG_DEV_ID
/*
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO on a cdev: devices[].group_id holds
 * a devid instead (the 6.6 header makes it a union), and all affected
 * devices are owned when FLAG_DEV_ID_OWNED is set: the reset is then
 * called with an empty group fd array.
 */
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID (1 << 0)
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED (1 << 1)
#define VFIO_PCI_DEVID_OWNED 0
#define VFIO_PCI_DEVID_NOT_OWNED -1
#endif

#endif

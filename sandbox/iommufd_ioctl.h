/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iommufd and VFIO-cdev ioctl request numbers the filters name, for
 * build hosts whose linux-libc-dev predates them (Debian 12's 6.1 has no
 * <linux/iommufd.h> and no VFIO_DEVICE_DETACH_IOMMUFD_PT). The system's
 * definitions win where they exist; otherwise these are the numbers of
 * Linux 6.12 include/uapi/linux/iommufd.h (IOMMUFD_TYPE ';', commands from
 * 0x80) and include/uapi/linux/vfio.h (VFIO_BASE + 18..20). Requests only:
 * the layouts belong to the code that makes the calls (vfio/ on the
 * iommufd branch); the numbers are kernel ABI and never change.
 */
#ifndef PASSVM_SANDBOX_IOMMUFD_IOCTL_H
#define PASSVM_SANDBOX_IOMMUFD_IOCTL_H

#include <linux/ioctl.h>
#include <linux/vfio.h>

#if defined(__has_include) && __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#else
#define IOMMUFD_TYPE (';')
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, 0x80)
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, 0x81)
#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, 0x84)
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, 0x85)
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, 0x86)
#define IOMMU_GET_HW_INFO _IO(IOMMUFD_TYPE, 0x8a)
#endif

#ifndef VFIO_DEVICE_BIND_IOMMUFD
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
#endif
#ifndef VFIO_DEVICE_ATTACH_IOMMUFD_PT
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#endif
#ifndef VFIO_DEVICE_DETACH_IOMMUFD_PT
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 20)
#endif

#endif

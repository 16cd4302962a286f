/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake kernel behind the VFIO backends for the unit tests: iommufd
 * (IOMMU_IOAS_*, IOMMU_DESTROY, IOMMU_GET_HW_INFO) and the device cdev's
 * VFIO_DEVICE_BIND_IOMMUFD / ATTACH / DETACH and devid hot reset info, the
 * type1 container and group ioctls (for the fallback), and in front of
 * them the in-memory device of fake_vfio.h for every other device ioctl.
 * vfio_open() reaches it through struct vfio_io_factory; the files it
 * opens are symlinks to /dev/null in a fake /dev. Every ioctl is logged
 * by name, in order.
 */
#ifndef PASSVM_TESTS_FAKE_IOMMUFD_H
#define PASSVM_TESTS_FAKE_IOMMUFD_H

#include <stdbool.h>
#include <stdint.h>

#include "fake_vfio.h"

#define FAKE_IOMMUFD_LOG 128

struct fake_iommufd {
	struct fake_vfio *dev; /* the device behind the cdev (not owned) */
	struct vfio_dev_io dev_io; /* its ops, for the ioctls passed on */

	const char *log[FAKE_IOMMUFD_LOG]; /* ioctl names, in order */
	unsigned int nr_log;

	/* iommufd state */
	uint32_t next_id; /* object ids handed out: 1, 2, ... */
	uint32_t devid, ioas_id, hwpt_id;
	bool bound, attached, ioas_live;
	unsigned int ioas_allocs, ioas_destroys;
	struct {
		uint64_t start, last;
	} ranges[4];
	unsigned int nr_ranges;
	uint64_t iova_align;
	struct fake_dma_op maps[32];
	unsigned int nr_maps;

	/* Knobs: a negative errno makes that call fail. */
	int bind_error, ranges_error, alloc_error;
	/* Hot reset info on the cdev: the affected devices' devids. */
	bool reset_info_owned; /* FLAG_DEV_ID_OWNED */
	unsigned int nr_reset_devs;
	uint32_t reset_devids[4];
	int hot_reset_count; /* count of the last VFIO_DEVICE_PCI_HOT_RESET */

	/* type1 side */
	bool group_viable;
	uint32_t set_iommu_type;
};

/* fake_iommufd_init() - in front of @dev; two IOVA ranges around the
 * x86 MSI window, alignment 4 KiB, a viable group. */
void fake_iommufd_init(struct fake_iommufd *f, struct fake_vfio *dev);

/* The factory to put in struct vfio_open_opts. */
struct vfio_io_factory fake_iommufd_factory(struct fake_iommufd *f);

/* Index of the first log entry @name at or after @from, or -1. */
int fake_iommufd_find(const struct fake_iommufd *f, const char *name,
		      unsigned int from);

#endif

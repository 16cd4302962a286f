// SPDX-License-Identifier: GPL-2.0
/* A fake iommufd and type1 container for the unit tests (fake_iommufd.h). */
#include "fake_iommufd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "vfio/iommufd_uapi.h"

static void note(struct fake_iommufd *f, const char *name)
{
	if (f->nr_log < FAKE_IOMMUFD_LOG)
		f->log[f->nr_log++] = name;
}

void fake_iommufd_init(struct fake_iommufd *f, struct fake_vfio *dev)
{
	memset(f, 0, sizeof(*f));
	f->dev = dev;
	f->dev_io = fake_vfio_dev_io(dev);
	f->next_id = 1;
	f->ranges[0].start = 0;
	f->ranges[0].last = 0xfedfffffull;
	f->ranges[1].start = 0xfef00000ull;
	f->ranges[1].last = 0xffffffffffffull;
	f->nr_ranges = 2;
	f->iova_align = 0x1000;
	f->group_viable = true;
}

static int iova_ranges(struct fake_iommufd *f, struct iommu_ioas_iova_ranges *q)
{
	struct iommu_iova_range *r = (void *)(uintptr_t)q->allowed_iovas;
	uint32_t room = q->num_iovas;

	if (f->ranges_error)
		return f->ranges_error;
	if (!f->ioas_live || q->ioas_id != f->ioas_id)
		return -ENOENT;
	q->num_iovas = f->nr_ranges;
	if (room < f->nr_ranges)
		return -EMSGSIZE;
	for (unsigned int i = 0; i < f->nr_ranges; i++) {
		r[i].start = f->ranges[i].start;
		r[i].last = f->ranges[i].last;
	}
	q->out_iova_alignment = f->iova_align;
	return 0;
}

/* The iommufd, the container and the groups: one fake answers all. */
static int fd_ioctl(void *ctx, unsigned long req, void *arg)
{
	struct fake_iommufd *f = ctx;

	switch (req) {
	case IOMMU_IOAS_ALLOC: {
		struct iommu_ioas_alloc *a = arg;

		note(f, "IOMMU_IOAS_ALLOC");
		if (f->alloc_error)
			return f->alloc_error;
		a->out_ioas_id = f->ioas_id = f->next_id++;
		f->ioas_live = true;
		f->ioas_allocs++;
		return 0;
	}
	case IOMMU_DESTROY: {
		struct iommu_destroy *d = arg;

		note(f, "IOMMU_DESTROY");
		if (!f->ioas_live || d->id != f->ioas_id)
			return -ENOENT;
		f->ioas_live = false;
		f->ioas_destroys++;
		return 0;
	}
	case IOMMU_IOAS_IOVA_RANGES:
		note(f, "IOMMU_IOAS_IOVA_RANGES");
		return iova_ranges(f, arg);
	case IOMMU_IOAS_MAP: {
		struct iommu_ioas_map *m = arg;

		note(f, "IOMMU_IOAS_MAP");
		if (m->ioas_id != f->ioas_id || !f->ioas_live)
			return -ENOENT;
		if (f->nr_maps < 32)
			f->maps[f->nr_maps++] =
				(struct fake_dma_op){ true, m->iova, m->length,
						      m->user_va, m->flags };
		return 0;
	}
	case IOMMU_IOAS_UNMAP: {
		struct iommu_ioas_unmap *u = arg;

		note(f, "IOMMU_IOAS_UNMAP");
		if (u->ioas_id != f->ioas_id)
			return -ENOENT;
		if (f->nr_maps < 32)
			f->maps[f->nr_maps++] =
				(struct fake_dma_op){ false, u->iova, u->length,
						      0, 0 };
		return 0;
	}
	case IOMMU_GET_HW_INFO: {
		struct iommu_hw_info *h = arg;

		note(f, "IOMMU_GET_HW_INFO");
		if (!f->bound || h->dev_id != f->devid)
			return -ENOENT;
		h->out_data_type = 1; /* Intel VT-d */
		return 0;
	}
	case VFIO_GET_API_VERSION:
		note(f, "VFIO_GET_API_VERSION");
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		note(f, "VFIO_CHECK_EXTENSION");
		return (uintptr_t)arg == VFIO_TYPE1v2_IOMMU;
	case VFIO_SET_IOMMU:
		note(f, "VFIO_SET_IOMMU");
		f->set_iommu_type = (uint32_t)(uintptr_t)arg;
		return 0;
	case VFIO_IOMMU_GET_INFO: {
		struct vfio_iommu_type1_info *i = arg;

		note(f, "VFIO_IOMMU_GET_INFO");
		i->flags = VFIO_IOMMU_INFO_PGSIZES;
		i->iova_pgsizes = 0x40201000ull;
		return 0;
	}
	case VFIO_GROUP_GET_STATUS: {
		struct vfio_group_status *s = arg;

		note(f, "VFIO_GROUP_GET_STATUS");
		s->flags = f->group_viable ? VFIO_GROUP_FLAGS_VIABLE : 0;
		return 0;
	}
	case VFIO_GROUP_SET_CONTAINER:
		note(f, "VFIO_GROUP_SET_CONTAINER");
		return 0;
	case VFIO_GROUP_UNSET_CONTAINER:
		note(f, "VFIO_GROUP_UNSET_CONTAINER");
		return 0;
	case VFIO_GROUP_GET_DEVICE_FD: {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		note(f, "VFIO_GROUP_GET_DEVICE_FD");
		return fd < 0 ? -errno : fd;
	}
	default:
		note(f, "unknown");
		return -ENOTTY;
	}
}

static int hot_reset_info(struct fake_iommufd *f,
			  struct vfio_pci_hot_reset_info *hi)
{
	uint32_t need = sizeof(*hi) + f->nr_reset_devs * sizeof(hi->devices[0]);

	hi->flags = VFIO_PCI_HOT_RESET_FLAG_DEV_ID;
	if (f->reset_info_owned)
		hi->flags |= VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	hi->count = f->nr_reset_devs;
	if (hi->argsz < need)
		return -ENOSPC;
	for (unsigned int i = 0; i < f->nr_reset_devs; i++) {
		hi->devices[i].group_id = f->reset_devids[i];
		hi->devices[i].segment = 0;
		hi->devices[i].bus = 1;
		hi->devices[i].devfn = (uint8_t)i;
	}
	return 0;
}

/* The device cdev: iommufd's calls here, the rest to the fake device. */
static int cdev_ioctl(void *ctx, unsigned long req, void *arg)
{
	struct fake_iommufd *f = ctx;

	switch (req) {
	case VFIO_DEVICE_BIND_IOMMUFD: {
		struct vfio_device_bind_iommufd *b = arg;

		note(f, "VFIO_DEVICE_BIND_IOMMUFD");
		if (f->bind_error)
			return f->bind_error;
		if (f->bound || b->iommufd < 0)
			return -EINVAL;
		b->out_devid = f->devid = f->next_id++;
		f->bound = true;
		return 0;
	}
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT: {
		struct vfio_device_attach_iommufd_pt *a = arg;

		note(f, "VFIO_DEVICE_ATTACH_IOMMUFD_PT");
		if (!f->bound || !f->ioas_live || a->pt_id != f->ioas_id)
			return -EINVAL;
		a->pt_id = f->hwpt_id = f->next_id++;
		f->attached = true;
		return 0;
	}
	case VFIO_DEVICE_DETACH_IOMMUFD_PT:
		note(f, "VFIO_DEVICE_DETACH_IOMMUFD_PT");
		if (!f->attached)
			return -EINVAL;
		f->attached = false;
		return 0;
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
		note(f, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO");
		if (!f->bound)
			return f->dev_io.ioctl(f->dev_io.ctx, req, arg);
		return hot_reset_info(f, arg);
	case VFIO_DEVICE_PCI_HOT_RESET: {
		struct vfio_pci_hot_reset *h = arg;

		note(f, "VFIO_DEVICE_PCI_HOT_RESET");
		f->hot_reset_count = (int)h->count;
		return 0;
	}
	case VFIO_DEVICE_GET_INFO:
		note(f, "VFIO_DEVICE_GET_INFO");
		break;
	case VFIO_DEVICE_RESET:
		note(f, "VFIO_DEVICE_RESET");
		break;
	}
	return f->dev_io.ioctl(f->dev_io.ctx, req, arg);
}

static struct vfio_container_io make_fd_io(void *opaque, int *fd)
{
	struct vfio_container_io io = { .ioctl = fd_ioctl, .ctx = opaque };

	return io;
}

static ssize_t cdev_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct fake_iommufd *f = ctx;

	return f->dev_io.pread(f->dev_io.ctx, buf, len, off);
}

static ssize_t cdev_pwrite(void *ctx, const void *buf, size_t len, uint64_t off)
{
	struct fake_iommufd *f = ctx;

	return f->dev_io.pwrite(f->dev_io.ctx, buf, len, off);
}

static void *cdev_mmap(void *ctx, uint64_t off, size_t len, int prot)
{
	struct fake_iommufd *f = ctx;

	return f->dev_io.mmap(f->dev_io.ctx, off, len, prot);
}

static void cdev_munmap(void *ctx, void *addr, size_t len)
{
	struct fake_iommufd *f = ctx;

	f->dev_io.munmap(f->dev_io.ctx, addr, len);
}

static struct vfio_dev_io make_dev_io(void *opaque, int *fd)
{
	struct vfio_dev_io io = {
		.ioctl = cdev_ioctl,
		.pread = cdev_pread,
		.pwrite = cdev_pwrite,
		.mmap = cdev_mmap,
		.munmap = cdev_munmap,
		.ctx = opaque,
	};

	return io;
}

struct vfio_io_factory fake_iommufd_factory(struct fake_iommufd *f)
{
	struct vfio_io_factory io = {
		.fd_io = make_fd_io,
		.dev_io = make_dev_io,
		.opaque = f,
	};

	return io;
}

int fake_iommufd_find(const struct fake_iommufd *f, const char *name,
		      unsigned int from)
{
	for (unsigned int i = from; i < f->nr_log; i++)
		if (!strcmp(f->log[i], name))
			return (int)i;
	return -1;
}

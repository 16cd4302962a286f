// SPDX-License-Identifier: GPL-2.0
/* KVM's VFIO pseudo-device; the contract is vmm/kvm_vfio.h. */
#include "vmm/kvm_vfio.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

/* 6.6 renamed the group attributes to files (a group or a device cdev). */
#ifndef KVM_DEV_VFIO_FILE
#define KVM_DEV_VFIO_FILE KVM_DEV_VFIO_GROUP
#define KVM_DEV_VFIO_FILE_ADD KVM_DEV_VFIO_GROUP_ADD
#define KVM_DEV_VFIO_FILE_DEL KVM_DEV_VFIO_GROUP_DEL
#endif

void kvm_vfio_init(struct kvm_vfio *k, int vm_fd)
{
	k->vm_fd = vm_fd;
	k->dev_fd = -1;
	k->nr_groups = 0;
}

static int file_attr(struct kvm_vfio *k, uint64_t which, int fd)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_FILE,
		.attr = which,
		.addr = (uintptr_t)&fd, /* kernel reads an int32 */
	};

	return ioctl(k->dev_fd, KVM_SET_DEVICE_ATTR, &attr) < 0 ? -errno : 0;
}

static int hook_add(void *opaque, const char *name, int fd,
		    struct pv_error *err)
{
	struct kvm_vfio *k = opaque;
	int ret;

	if (k->dev_fd < 0) {
		struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };

		if (ioctl(k->vm_fd, KVM_CREATE_DEVICE, &cd) < 0)
			return pv_seterr(
				err, errno,
				"KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO): %s: is "
				"kvm built with VFIO support (CONFIG_KVM_VFIO)?",
				strerror(errno));
		k->dev_fd = (int)cd.fd;
		pv_trace(TRACE_VFIO, "kvm vfio device fd %d", k->dev_fd);
	}
	ret = file_attr(k, KVM_DEV_VFIO_FILE_ADD, fd);
	if (ret)
		return pv_seterr(err, -ret, "KVM_DEV_VFIO_FILE_ADD for %s: %s",
				 name, strerror(-ret));
	k->nr_groups++;
	pv_trace(TRACE_VFIO, "%s added to kvm vfio device", name);
	return 0;
}

static void hook_del(void *opaque, const char *name, int fd)
{
	struct kvm_vfio *k = opaque;
	int ret;

	if (k->dev_fd < 0)
		return;
	ret = file_attr(k, KVM_DEV_VFIO_FILE_DEL, fd);
	if (ret)
		pv_warn("KVM_DEV_VFIO_FILE_DEL for %s: %s", name,
			strerror(-ret));
	else
		pv_trace(TRACE_VFIO, "%s deleted from kvm vfio device", name);
	if (k->nr_groups)
		k->nr_groups--;
}

struct vfio_group_hook kvm_vfio_hook(struct kvm_vfio *k)
{
	struct vfio_group_hook h = {
		.add = hook_add,
		.del = hook_del,
		.opaque = k,
	};

	return h;
}

void kvm_vfio_close(struct kvm_vfio *k)
{
	if (k->dev_fd >= 0)
		close(k->dev_fd);
	k->dev_fd = -1;
	k->nr_groups = 0;
}

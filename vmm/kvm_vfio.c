// SPDX-License-Identifier: GPL-2.0
/* KVM's VFIO pseudo-device; the contract is vmm/kvm_vfio.h. */
#include "vmm/kvm_vfio.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

void kvm_vfio_init(struct kvm_vfio *k, int vm_fd)
{
	k->vm_fd = vm_fd;
	k->dev_fd = -1;
	k->nr_groups = 0;
}

static int group_attr(struct kvm_vfio *k, uint64_t which, int group_fd)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_GROUP,
		.attr = which,
		.addr = (uintptr_t)&group_fd, /* kernel reads an int32 */
	};

	return ioctl(k->dev_fd, KVM_SET_DEVICE_ATTR, &attr) < 0 ? -errno : 0;
}

static int hook_add(void *opaque, int group_id, int group_fd,
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
	ret = group_attr(k, KVM_DEV_VFIO_GROUP_ADD, group_fd);
	if (ret)
		return pv_seterr(err, -ret,
				 "KVM_DEV_VFIO_GROUP_ADD for group %d: %s",
				 group_id, strerror(-ret));
	k->nr_groups++;
	pv_trace(TRACE_VFIO, "group %d added to kvm vfio device", group_id);
	return 0;
}

static void hook_del(void *opaque, int group_id, int group_fd)
{
	struct kvm_vfio *k = opaque;
	int ret;

	if (k->dev_fd < 0)
		return;
	ret = group_attr(k, KVM_DEV_VFIO_GROUP_DEL, group_fd);
	if (ret)
		pv_warn("KVM_DEV_VFIO_GROUP_DEL for group %d: %s", group_id,
			strerror(-ret));
	else
		pv_trace(TRACE_VFIO, "group %d deleted from kvm vfio device",
			 group_id);
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

// SPDX-License-Identifier: GPL-2.0
/* KVM_IOEVENTFD for the virtio notify addresses. */
#include "vmm/kvm_ioeventfd.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

static int set(void *ctx, uint64_t gpa, int fd, bool assign,
	       struct pv_error *err)
{
	struct kvm_ioeventfd_ctx *c = ctx;
	struct kvm_ioeventfd e = {
		.addr = gpa,
		.len = c->len,
		.fd = fd,
		.flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
	};

	if (ioctl(c->vm_fd, KVM_IOEVENTFD, &e))
		return pv_seterr(err, errno,
				 "KVM_IOEVENTFD %s at GPA 0x%llx: %s",
				 assign ? "assign" : "deassign",
				 (unsigned long long)gpa, strerror(errno));
	pv_trace(TRACE_KVM, "ioeventfd fd %d %s MMIO 0x%llx (len %u)", fd,
		 assign ? "at" : "removed from", (unsigned long long)gpa,
		 c->len);
	return 0;
}

struct virtio_ioeventfd_backend
kvm_ioeventfd_backend(struct kvm_ioeventfd_ctx *c, int vm_fd)
{
	struct virtio_ioeventfd_backend be = { .set = set, .ctx = c };

	c->vm_fd = vm_fd;
	c->len = ioctl(vm_fd, KVM_CHECK_EXTENSION,
		       KVM_CAP_IOEVENTFD_ANY_LENGTH) > 0 ?
			 0 :
			 2;
	return be;
}

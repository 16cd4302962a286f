// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kvm and the KVM VM itself: the capabilities every architecture
 * needs, the vCPU limit, the VM; the architecture adds its own
 * capabilities and in-kernel irqchip (arch_kvm_open, arch_vm_init). Source:
 * Documentation/virt/kvm/api.rst (KVM_CHECK_EXTENSION, KVM_CREATE_VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "arch/arch.h"
#include "host/chardev.h"
#include "vmm/vm.h"

#define KVM_DEV "/dev/kvm"

int kvm_need_caps(struct vm *vm, const struct kvm_cap_need *need, size_t n,
		  struct pv_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, need[i].cap) <= 0)
			return pv_seterr(
				err, ENOTSUP,
				"this kernel's KVM lacks %s: passvm needs Linux 4.11 or later",
				need[i].name);
	return 0;
}

static int kvm_check_caps(struct vm *vm, struct pv_error *err)
{
	static const struct kvm_cap_need need[] = {
		{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING" },
		{ KVM_CAP_IRQFD, "KVM_CAP_IRQFD" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	};

	return kvm_need_caps(vm, need, sizeof(need) / sizeof(need[0]), err);
}

int kvm_fd_check(const char *sysfs, int fd, struct pv_error *err)
{
	struct chardev_id id;
	int ret;

	ret = host_fd_chardev(sysfs, fd, &id);
	if (ret == -EBADF) /* vfio/fds.c's format: one copy in the binary */
		return pv_seterr(
			err, EBADF,
			"%s%s%d: fd %d is not open: the launcher must pass it open, without close-on-exec",
			"--kvm-fd", " ", fd, fd);
	if (ret < 0 || id.kind != CHARDEV_KVM)
		return pv_seterr(
			err, EINVAL,
			"--kvm-fd %d: fd %d is %s, not /dev/kvm (10:%d)", fd,
			fd, id.desc, CHARDEV_KVM_MINOR);
	ret = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (ret != KVM_API_VERSION)
		return pv_seterr(
			err, EINVAL,
			"--kvm-fd %d: fd %d is %s but KVM_GET_API_VERSION answers %d, not %d",
			fd, fd, id.desc, ret, KVM_API_VERSION);
	return 0;
}

int kvm_open_dev(struct vm *vm, struct pv_error *err)
{
	int max_vcpus;

	if (vm->opts->has_kvm_fd) {
		/* Owned from now on, whatever it is. */
		vm->kvm_fd = vm->opts->kvm_fd;
		if (kvm_fd_check("/sys", vm->kvm_fd, err))
			return -EINVAL;
		fcntl(vm->kvm_fd, F_SETFD, FD_CLOEXEC);
		pv_trace(TRACE_KVM, "/dev/kvm given as fd %d", vm->kvm_fd);
	} else {
		vm->kvm_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
		if (vm->kvm_fd < 0)
			return pv_seterr(
				err, errno,
				"cannot open " KVM_DEV
				": %s: %s, or pass it open with --kvm-fd N",
				strerror(errno), arch_kvm_hint);
	}
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return pv_seterr(err, ENOTSUP, "unsupported KVM API version");
	if (kvm_check_caps(vm, err))
		return -ENOTSUP;
	max_vcpus = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max_vcpus <= 0)
		max_vcpus = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
				  KVM_CAP_NR_VCPUS);
	if (max_vcpus > 0 && vm->opts->cpus > (unsigned int)max_vcpus)
		return pv_seterr(
			err, EINVAL,
			"--cpus %u exceeds this host's KVM limit of %d vCPUs",
			vm->opts->cpus, max_vcpus);
	vm->run_size = (size_t)ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	return arch_kvm_open(vm, err);
}

int kvm_create_vm(struct vm *vm, struct pv_error *err)
{
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, arch_vm_type(vm));
	if (vm->vm_fd < 0)
		return pv_seterr(err, errno, "KVM_CREATE_VM failed: %s",
				 strerror(errno));
	pv_trace(TRACE_KVM, "vm created (fd %d)", vm->vm_fd);
	return arch_vm_init(vm, err);
}

/* KVM_CAP_IRQ_ROUTING: how many GSIs the routing table may use. */
uint32_t kvm_max_gsi(struct vm *vm)
{
	int n = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING);

	return n > 0 ? (uint32_t)n : IRQ_MAX_GSI;
}

/* KVM_CAP_NR_MEMSLOTS, or 32 when KVM does not say. */
unsigned int kvm_nr_memslots(struct vm *vm)
{
	int n = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);

	return n > 0 ? (unsigned int)n : 32;
}

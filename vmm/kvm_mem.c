// SPDX-License-Identifier: GPL-2.0
#include "vmm/kvm_mem.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#define to_kvm_mem(p)                                      \
	((struct kvm_mem_listener *)((char *)(p)-offsetof( \
		struct kvm_mem_listener, l)))

static int set_slot(struct kvm_mem_listener *k, unsigned int slot,
		    const struct mem_region *r, uint64_t size)
{
	struct kvm_userspace_memory_region m = {
		.slot = slot,
		.flags = r->readonly ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = r->gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)r->hva,
	};

	return ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &m) ? -errno : 0;
}

static int kvm_region_add(struct mem_listener *l, const struct mem_region *r,
			  struct pv_error *err)
{
	struct kvm_mem_listener *k = to_kvm_mem(l);
	unsigned int slot;
	int ret;

	for (slot = 0; slot < k->nr_slots; slot++)
		if (!k->slot_region[slot])
			break;
	if (slot == k->nr_slots)
		return pv_seterr(err, ENOSPC,
				 "KVM has no free memslot for %s (%u in use)",
				 r->name, k->nr_slots);
	ret = set_slot(k, slot, r, r->size);
	if (ret)
		return pv_seterr(
			err, ret,
			"KVM_SET_USER_MEMORY_REGION for %s (GPA 0x%llx, %llu KiB) failed: %s",
			r->name, (unsigned long long)r->gpa,
			(unsigned long long)(r->size >> 10), strerror(-ret));
	k->slot_region[slot] = r->id;
	pv_trace(TRACE_KVM, "memslot %u: GPA 0x%llx size 0x%llx HVA %p (%s)%s",
		 slot, (unsigned long long)r->gpa, (unsigned long long)r->size,
		 r->hva, r->name, r->readonly ? " read-only" : "");
	return 0;
}

static void kvm_region_del(struct mem_listener *l, const struct mem_region *r)
{
	struct kvm_mem_listener *k = to_kvm_mem(l);
	unsigned int slot;

	for (slot = 0; slot < k->nr_slots; slot++) {
		if (k->slot_region[slot] != r->id)
			continue;
		/* A zero size deletes the slot. */
		if (set_slot(k, slot, r, 0))
			pv_warn_ratelimited("cannot delete memslot %u (%s)",
					    slot, r->name);
		k->slot_region[slot] = 0;
		pv_trace(TRACE_KVM, "memslot %u deleted (%s)", slot, r->name);
		return;
	}
}

void kvm_mem_listener_init(struct kvm_mem_listener *k, int vm_fd,
			   unsigned int nr_slots)
{
	memset(k, 0, sizeof(*k));
	k->l.name = "kvm";
	k->l.region_add = kvm_region_add;
	k->l.region_del = kvm_region_del;
	k->vm_fd = vm_fd;
	k->nr_slots = nr_slots && nr_slots < KVM_MEM_MAX_SLOTS ?
			      nr_slots :
			      KVM_MEM_MAX_SLOTS;
}

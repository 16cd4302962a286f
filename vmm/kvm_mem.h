/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM memslots as the first listener of the guest memory map: every region
 * (RAM or an mmapped BAR piece) becomes a memslot
 * (KVM_SET_USER_MEMORY_REGION, Documentation/virt/kvm/api.rst 4.35).
 */
#ifndef PASSVM_VMM_KVM_MEM_H
#define PASSVM_VMM_KVM_MEM_H

#include <stdint.h>

#include "memory/mem_map.h"

#define KVM_MEM_MAX_SLOTS 512

struct kvm_mem_listener {
	struct mem_listener l;
	int vm_fd;
	unsigned int nr_slots; /* KVM_CAP_NR_MEMSLOTS, capped */
	uint32_t slot_region[KVM_MEM_MAX_SLOTS]; /* region id, 0 = free */
};

/* kvm_mem_listener_init() - a listener for @vm_fd (not owned). */
void kvm_mem_listener_init(struct kvm_mem_listener *k, int vm_fd,
			   unsigned int nr_slots);

#endif

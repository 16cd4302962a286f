/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Placing guest RAM and the 64-bit PCI window in guest-physical space
 * (GPA, bytes). Where RAM may go is the architecture's (struct
 * layout_rules: arch/x86/layout.h for the PC's map, arch/arm64/layout.h
 * for arm64's); the placement around the IOMMU's reserved ranges is
 * shared.
 */
#ifndef PASSVM_MEMORY_LAYOUT_H
#define PASSVM_MEMORY_LAYOUT_H

#include <stdint.h>

#include "util/log.h"

#define SZ_1K 0x400ull
#define SZ_1M 0x100000ull
#define SZ_1G 0x40000000ull
#define SZ_4G 0x100000000ull

#define LAYOUT_MAX_RAM_RANGES 8

struct layout_range {
	uint64_t base, size; /* GPA, bytes */
};

#define LAYOUT_MAX_RAM_WINDOWS 2

/*
 * Where an architecture lets RAM go: @ram windows [base, end) filled in
 * order (end 0: up to the top of the physical address space), RAM
 * starting at ram[0].base; and a range [boot_base, boot_base +
 * boot_size) that no IOMMU-reserved range may touch (@boot_what says what
 * lives there, for the message), or boot_size 0.
 */
struct layout_rules {
	struct {
		uint64_t base, end;
	} ram[LAYOUT_MAX_RAM_WINDOWS];
	unsigned int nr_ram;
	uint64_t boot_base, boot_size;
	const char *boot_what;
};

struct guest_layout {
	uint64_t ram_size; /* bytes of RAM asked for */
	struct layout_range ram[LAYOUT_MAX_RAM_RANGES];
	unsigned int nr_ram;
	uint64_t
		low_ram_end; /* GPA end of the RAM range at rules->ram[0].base */
	uint64_t mmio64_base; /* GPA of the 64-bit PCI window */
	uint64_t mmio64_size; /* bytes, 0 when phys_bits leave no room */
	unsigned int phys_bits; /* guest physical address width */
};

/*
 * layout_compute() - place @ram_size bytes of RAM in the windows of @rules
 * (in order) around any @reserved IOVA ranges (e.g. from VFIO
 * reserved_regions), and put the 64-bit PCI window above RAM and 4 GiB,
 * the largest naturally aligned power of two that ends below
 * 2^@phys_bits.
 * Errors: -EINVAL (too small, not MiB-aligned), -ERANGE (does not fit under
 * 2^phys_bits, or a reserved range on the boot range), -ENOSPC (too many
 * ranges); message in @err.
 */
int layout_compute(struct guest_layout *l, const struct layout_rules *rules,
		   uint64_t ram_size, unsigned int phys_bits,
		   const struct layout_range *reserved,
		   unsigned int nr_reserved, struct pv_error *err);

#endif

// SPDX-License-Identifier: GPL-2.0
/* Placing guest RAM and the 64-bit PCI window (see layout.h). */
#include "memory/layout.h"

#include <errno.h>
#include <string.h>

#define LAYOUT_MIN_RAM (16 * SZ_1M)
#define RESV_ALIGN 0x1000ull

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return align_down(v + a - 1, a);
}

/* First reserved range overlapping [base, end), or NULL. */
static const struct layout_range *first_overlap(const struct layout_range *resv,
						unsigned int n, uint64_t base,
						uint64_t end)
{
	const struct layout_range *best = NULL;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t rb = align_down(resv[i].base, RESV_ALIGN);
		uint64_t last = resv[i].base + resv[i].size;
		uint64_t re;

		/* A range reaching the top of the address space must not wrap. */
		if (last < resv[i].base || last > UINT64_MAX - RESV_ALIGN)
			last = UINT64_MAX - RESV_ALIGN;
		re = align_up(last, RESV_ALIGN);

		if (rb < end && base < re && (!best || rb < best->base))
			best = &resv[i];
	}
	return best;
}

/* Carve RAM out of [base, limit), skipping reserved ranges. */
static int take_ram(struct guest_layout *l, uint64_t base, uint64_t limit,
		    uint64_t *left, const struct layout_range *resv,
		    unsigned int nr_resv, struct pv_error *err)
{
	while (*left && base < limit) {
		const struct layout_range *r;
		uint64_t end = base + *left < limit ? base + *left : limit;

		r = first_overlap(resv, nr_resv, base, end);
		if (r && align_down(r->base, RESV_ALIGN) <= base) {
			/* Skip past the reserved range, staying MiB aligned. */
			base = align_up(r->base + r->size, SZ_1M);
			continue;
		}
		if (r)
			end = align_down(r->base, RESV_ALIGN);
		if (l->nr_ram == LAYOUT_MAX_RAM_RANGES)
			return pv_seterr(
				err, ENOSPC,
				"guest RAM would need more than %d ranges around reserved IOVA regions",
				LAYOUT_MAX_RAM_RANGES);
		l->ram[l->nr_ram].base = base;
		l->ram[l->nr_ram].size = end - base;
		l->nr_ram++;
		*left -= end - base;
		base = end;
	}
	return 0;
}

int layout_compute(struct guest_layout *l, const struct layout_rules *rules,
		   uint64_t ram_size, unsigned int phys_bits,
		   const struct layout_range *reserved,
		   unsigned int nr_reserved, struct pv_error *err)
{
	uint64_t top, left = ram_size, ram_end = SZ_4G;
	int ret = 0;

	memset(l, 0, sizeof(*l));
	l->ram_size = ram_size;
	l->phys_bits = phys_bits;
	if (ram_size < LAYOUT_MIN_RAM || ram_size % SZ_1M)
		return pv_seterr(
			err, EINVAL,
			"guest RAM must be a whole number of MiB, at least %llu MiB",
			LAYOUT_MIN_RAM >> 20);
	if (phys_bits < 32 || phys_bits > 52)
		return pv_seterr(err, EINVAL,
				 "bad guest physical address width %u",
				 phys_bits);
	top = 1ull << phys_bits;

	if (rules->boot_size &&
	    first_overlap(reserved, nr_reserved, rules->boot_base,
			  rules->boot_base + rules->boot_size))
		return pv_seterr(
			err, ERANGE,
			"the IOMMU reserves memory in 0x%llx-0x%llx, where %s must live: this host cannot assign this device",
			(unsigned long long)rules->boot_base,
			(unsigned long long)(rules->boot_base +
					     rules->boot_size - 1),
			rules->boot_what);

	for (unsigned int i = 0; i < rules->nr_ram && !ret; i++) {
		uint64_t end = rules->ram[i].end;

		if (!end || end > top)
			end = top;
		ret = take_ram(l, rules->ram[i].base, end, &left, reserved,
			       nr_reserved, err);
	}
	if (ret)
		return ret;
	if (left)
		return pv_seterr(
			err, ERANGE,
			"%llu MiB of RAM does not fit in the guest's %u-bit physical address space: give less --mem",
			(unsigned long long)(ram_size >> 20), phys_bits);
	l->low_ram_end = l->ram[0].base == rules->ram[0].base ?
				 l->ram[0].base + l->ram[0].size :
				 0;
	for (unsigned int i = 0; i < l->nr_ram; i++)
		if (l->ram[i].base + l->ram[i].size > ram_end)
			ram_end = l->ram[i].base + l->ram[i].size;

	/*
	 * The 64-bit window: the largest naturally aligned power-of-two range
	 * above RAM and below 2^phys_bits that avoids reserved ranges, so any
	 * BAR up to that size can be placed naturally aligned.
	 */
	for (uint64_t s = top >> 1; s >= SZ_1G; s >>= 1) {
		for (uint64_t b = align_up(ram_end, s); b + s <= top && b >= s;
		     b += s) {
			if (!first_overlap(reserved, nr_reserved, b, b + s)) {
				l->mmio64_base = b;
				l->mmio64_size = s;
				return 0;
			}
		}
	}
	return 0;
}

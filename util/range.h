/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Half-open ranges [base, base + size) of addresses or offsets (bytes,
 * ports, any unit), checked without ever computing base + size: a range
 * that reaches past 2^64 - 1 is treated as the mathematical range, so no
 * check can wrap and let a hostile offset through. An empty range
 * (size 0) overlaps nothing and contains nothing but other empty ranges.
 */
#ifndef PASSVM_UTIL_RANGE_H
#define PASSVM_UTIL_RANGE_H

#include <stdbool.h>
#include <stdint.h>

/* range_overlaps() - do [a, a + alen) and [b, b + blen) share a byte? */
static inline bool range_overlaps(uint64_t a, uint64_t alen, uint64_t b,
				  uint64_t blen)
{
	if (!alen || !blen)
		return false;
	return a <= b ? b - a < alen : a - b < blen;
}

/*
 * range_contains() - is [off, off + len) inside [base, base + size)?
 * An empty @len at @off is inside when @off is within [base, base + size].
 */
static inline bool range_contains(uint64_t base, uint64_t size, uint64_t off,
				  uint64_t len)
{
	return off >= base && len <= size && off - base <= size - len;
}

/*
 * range_intersect_len() - how many bytes [a, a + alen) and [b, b + blen)
 * have in common (0 when disjoint).
 */
static inline uint64_t range_intersect_len(uint64_t a, uint64_t alen,
					   uint64_t b, uint64_t blen)
{
	uint64_t skip, left;

	if (!range_overlaps(a, alen, b, blen))
		return 0;
	if (a <= b) {
		skip = b - a; /* < alen */
		left = alen - skip;
		return left < blen ? left : blen;
	}
	skip = a - b; /* < blen */
	left = blen - skip;
	return left < alen ? left : alen;
}

#endif

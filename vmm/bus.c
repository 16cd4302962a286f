// SPDX-License-Identifier: GPL-2.0
#include "vmm/bus.h"

#include <errno.h>
#include <string.h>

void bus_init(struct bus *b, const char *name)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
	pthread_rwlock_init(&b->lock, NULL);
}

int bus_register(struct bus *b, uint64_t base, uint64_t len, const char *name,
		 const struct io_ops *ops, void *opaque, struct pv_error *err)
{
	unsigned int i;
	int ret = 0;

	if (!len || base + len < base)
		return pv_seterr(err, EINVAL, "%s bus: bad range for %s",
				 b->name, name);
	pthread_rwlock_wrlock(&b->lock);
	if (b->nr == BUS_MAX_RANGES) {
		ret = pv_seterr(err, ENOSPC, "%s bus: no room for %s", b->name,
				name);
		goto out;
	}
	for (i = 0; i < b->nr; i++) {
		struct bus_range *r = &b->ranges[i];

		if (base < r->base + r->len && r->base < base + len) {
			ret = pv_seterr(
				err, EINVAL,
				"%s bus: %s [0x%llx+0x%llx] overlaps %s",
				b->name, name, (unsigned long long)base,
				(unsigned long long)len, r->name);
			goto out;
		}
	}
	for (i = 0; i < b->nr && b->ranges[i].base < base; i++)
		;
	memmove(&b->ranges[i + 1], &b->ranges[i],
		(b->nr - i) * sizeof(b->ranges[0]));
	b->ranges[i] = (struct bus_range){ .base = base,
					   .len = len,
					   .name = name,
					   .ops = ops,
					   .opaque = opaque };
	b->nr++;
out:
	pthread_rwlock_unlock(&b->lock);
	return ret;
}

static struct bus_range *find(struct bus *b, uint64_t addr)
{
	unsigned int lo = 0, hi = b->nr;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		struct bus_range *r = &b->ranges[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

bool bus_access(struct bus *b, uint64_t addr, uint8_t *data, uint32_t len,
		bool is_write)
{
	struct bus_range *r;
	bool hit = false;

	/*
	 * KVM passes 1 to 8 bytes. Any other length is refused before a
	 * byte of @data is touched: the caller's buffer may hold no more.
	 */
	if (!len || len > 8) {
		__atomic_add_fetch(&b->unhandled, 1, __ATOMIC_RELAXED);
		return false;
	}
	pthread_rwlock_rdlock(&b->lock);
	r = find(b, addr);
	/* An access must lie inside one range; straddling ones are dropped. */
	if (r && addr - r->base + len <= r->len) {
		__atomic_add_fetch(&r->exits, 1, __ATOMIC_RELAXED);
		if (is_write) {
			if (r->ops->write)
				r->ops->write(r->opaque, addr - r->base, data,
					      len);
		} else if (r->ops->read) {
			r->ops->read(r->opaque, addr - r->base, data, len);
		} else {
			memset(data, 0xff, len);
		}
		hit = true;
	}
	pthread_rwlock_unlock(&b->lock);
	if (!hit) {
		__atomic_add_fetch(&b->unhandled, 1, __ATOMIC_RELAXED);
		if (!is_write)
			memset(data, 0xff, len);
	}
	return hit;
}

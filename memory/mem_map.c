// SPDX-License-Identifier: GPL-2.0
/*
 * The guest memory map and its listeners (see mem_map.h). Regions are kept
 * sorted by GPA in a small array: a microVM has a handful of RAM ranges and
 * a few BAR pieces, and lookups on the hot path are done by KVM, not here.
 */
#include "memory/mem_map.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util/mmap_align.h"

void mem_map_init(struct mem_map *m)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->next_id = 1;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Tell listeners from @first up to (excluding) @stop that @r is gone. */
static void undo_adds(struct mem_map *m, struct mem_listener *stop,
		      const struct mem_region *r)
{
	struct mem_listener *done[64];
	unsigned int n = 0;

	for (struct mem_listener *l = m->listeners; l && l != stop; l = l->next)
		if (n < 64)
			done[n++] = l;
	while (n--)
		if (done[n]->region_del)
			done[n]->region_del(done[n], r);
}

int mem_map_add(struct mem_map *m, struct mem_region *r, struct pv_error *err)
{
	long page = host_page_size();
	unsigned int i, pos;
	int ret;

	if (!r->size || r->size % (uint64_t)page || r->gpa % (uint64_t)page)
		return pv_seterr(
			err, EINVAL,
			"memory region %s at GPA 0x%llx size 0x%llx is not page-aligned",
			r->name, (unsigned long long)r->gpa,
			(unsigned long long)r->size);
	if (r->gpa + r->size < r->gpa)
		return pv_seterr(
			err, EINVAL,
			"memory region %s wraps around the address space",
			r->name);

	pthread_mutex_lock(&m->lock);
	if (m->nr_regions == MEM_MAP_MAX_REGIONS) {
		ret = pv_seterr(err, ENOSPC,
				"too many guest memory regions (%d)",
				MEM_MAP_MAX_REGIONS);
		goto out;
	}
	for (i = 0; i < m->nr_regions; i++) {
		const struct mem_region *o = &m->regions[i];

		if (overlaps(r->gpa, r->size, o->gpa, o->size)) {
			ret = pv_seterr(
				err, EINVAL,
				"memory region %s [0x%llx-0x%llx] overlaps %s [0x%llx-0x%llx]",
				r->name, (unsigned long long)r->gpa,
				(unsigned long long)(r->gpa + r->size - 1),
				o->name, (unsigned long long)o->gpa,
				(unsigned long long)(o->gpa + o->size - 1));
			goto out;
		}
	}
	r->id = m->next_id++;
	for (struct mem_listener *l = m->listeners; l; l = l->next) {
		if (!l->region_add)
			continue;
		ret = l->region_add(l, r, err);
		if (ret) {
			undo_adds(m, l, r);
			goto out;
		}
	}
	for (pos = 0; pos < m->nr_regions && m->regions[pos].gpa < r->gpa;
	     pos++)
		;
	memmove(&m->regions[pos + 1], &m->regions[pos],
		(m->nr_regions - pos) * sizeof(m->regions[0]));
	m->regions[pos] = *r;
	m->nr_regions++;
	pv_trace(TRACE_MEM, "region %s added: GPA 0x%llx-0x%llx HVA %p (%s)",
		 r->name, (unsigned long long)r->gpa,
		 (unsigned long long)(r->gpa + r->size - 1), r->hva,
		 r->kind == MEM_REGION_RAM ? "ram" : "mmio");
	ret = 0;
out:
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int mem_map_remove(struct mem_map *m, uint64_t gpa)
{
	struct mem_region r;
	unsigned int i;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->nr_regions; i++)
		if (m->regions[i].gpa == gpa)
			break;
	if (i == m->nr_regions) {
		pthread_mutex_unlock(&m->lock);
		return -ENOENT;
	}
	r = m->regions[i];
	/* Listeners are undone in reverse order of registration. */
	undo_adds(m, NULL, &r);
	memmove(&m->regions[i], &m->regions[i + 1],
		(m->nr_regions - i - 1) * sizeof(m->regions[0]));
	m->nr_regions--;
	pthread_mutex_unlock(&m->lock);
	pv_trace(TRACE_MEM, "region %s removed: GPA 0x%llx", r.name,
		 (unsigned long long)r.gpa);
	return 0;
}

int mem_map_add_listener(struct mem_map *m, struct mem_listener *l,
			 struct pv_error *err)
{
	struct mem_listener **tail;
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->nr_regions && l->region_add; i++) {
		ret = l->region_add(l, &m->regions[i], err);
		if (ret)
			break;
	}
	if (ret) {
		while (i--)
			if (l->region_del)
				l->region_del(l, &m->regions[i]);
	} else {
		l->next = NULL;
		for (tail = &m->listeners; *tail; tail = &(*tail)->next)
			;
		*tail = l;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

void mem_map_remove_listener(struct mem_map *m, struct mem_listener *l,
			     bool replay_del)
{
	struct mem_listener **p;
	unsigned int i;

	pthread_mutex_lock(&m->lock);
	for (p = &m->listeners; *p; p = &(*p)->next) {
		if (*p != l)
			continue;
		*p = l->next;
		if (replay_del && l->region_del)
			for (i = m->nr_regions; i--;)
				l->region_del(l, &m->regions[i]);
		break;
	}
	pthread_mutex_unlock(&m->lock);
}

void *mem_map_gpa_to_hva(struct mem_map *m, uint64_t gpa, uint64_t len)
{
	void *hva = NULL;
	unsigned int i;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->nr_regions; i++) {
		const struct mem_region *r = &m->regions[i];

		if (r->kind != MEM_REGION_RAM || gpa < r->gpa ||
		    gpa - r->gpa >= r->size || len > r->size - (gpa - r->gpa))
			continue;
		hva = (uint8_t *)r->hva + (gpa - r->gpa);
		break;
	}
	pthread_mutex_unlock(&m->lock);
	return hva;
}

uint64_t mem_map_ram_bytes(struct mem_map *m)
{
	uint64_t total = 0;
	unsigned int i;

	pthread_mutex_lock(&m->lock);
	for (i = 0; i < m->nr_regions; i++)
		if (m->regions[i].kind == MEM_REGION_RAM)
			total += m->regions[i].size;
	pthread_mutex_unlock(&m->lock);
	return total;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest memory map: which guest-physical ranges are backed by host
 * memory, and at which host virtual address. It is the single source of
 * truth for every consumer of guest memory: KVM memslots and VFIO DMA
 * mappings are listeners that follow it, so they can never drift from it.
 *
 * memory/ knows nothing of KVM or VFIO. Units: GPA and sizes in bytes; HVA
 * is a pointer in passvm's address space.
 */
#ifndef PASSVM_MEMORY_MEM_MAP_H
#define PASSVM_MEMORY_MEM_MAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/log.h"

enum mem_region_kind {
	/* Guest RAM: KVM memslot and VFIO DMA mapping (IOVA = GPA). */
	MEM_REGION_RAM,
	/*
	 * A device's MMIO (an mmapped piece of a BAR): KVM memslot only.
	 * Peer-to-peer DMA to it is not mapped.
	 */
	MEM_REGION_MMIO,
};

#define MEM_REGION_NAME_LEN 32

struct mem_region {
	uint64_t gpa; /* first guest-physical byte */
	uint64_t size; /* bytes, a multiple of the host page size */
	void *hva; /* host mapping of gpa (owned by whoever added it) */
	enum mem_region_kind kind;
	bool readonly;
	char name[MEM_REGION_NAME_LEN];
	uint32_t id; /* assigned by the map, unique while the region lives */
};

struct mem_map;

/*
 * A listener is told of every region added to or removed from the map.
 * region_add may fail (negative errno, message in @err): the map then
 * undoes the listeners already told, in reverse order, and rejects the
 * region. region_del cannot fail. Callbacks run with the map lock held and
 * must not call back into the map.
 */
struct mem_listener {
	const char *name;
	int (*region_add)(struct mem_listener *l, const struct mem_region *r,
			  struct pv_error *err);
	void (*region_del)(struct mem_listener *l, const struct mem_region *r);
	struct mem_listener *next; /* private to the map */
};

#define MEM_MAP_MAX_REGIONS 256

struct mem_map {
	pthread_mutex_t lock;
	struct mem_region regions[MEM_MAP_MAX_REGIONS]; /* sorted by gpa */
	unsigned int nr_regions;
	uint32_t next_id;
	struct mem_listener *listeners; /* in order of registration */
};

/* mem_map_init() - an empty map. Never fails. */
void mem_map_init(struct mem_map *m);

/*
 * mem_map_add() - add a region and tell every listener.
 * @r: gpa, size, hva, kind, readonly, name; r->id is filled in.
 * Errors: -EINVAL (zero/unaligned size, overlap with an existing region,
 * GPA overflow), -ENOSPC (table full), or a listener's error; on error
 * nothing has changed and @err names the cause.
 */
int mem_map_add(struct mem_map *m, struct mem_region *r, struct pv_error *err);

/*
 * mem_map_remove() - remove the region that starts at @gpa, telling the
 * listeners (in reverse order of registration) first. Returns 0 or -ENOENT.
 */
int mem_map_remove(struct mem_map *m, uint64_t gpa);

/*
 * mem_map_add_listener() - register @l and replay every existing region to
 * it as region_add. If a replay fails the listener is not registered, the
 * regions already replayed are undone, and the error is returned.
 */
int mem_map_add_listener(struct mem_map *m, struct mem_listener *l,
			 struct pv_error *err);

/*
 * mem_map_remove_listener() - unregister @l; with @replay_del, tell it
 * region_del for every region first (so it can undo its mappings).
 */
void mem_map_remove_listener(struct mem_map *m, struct mem_listener *l,
			     bool replay_del);

/*
 * mem_map_gpa_to_hva() - HVA of guest RAM [gpa, gpa + len), or NULL when
 * that range is not entirely inside one RAM region.
 */
void *mem_map_gpa_to_hva(struct mem_map *m, uint64_t gpa, uint64_t len);

/*
 * mem_map_ram_bytes() - total bytes of RAM regions (for RLIMIT_MEMLOCK
 * checks and pinning estimates).
 */
uint64_t mem_map_ram_bytes(struct mem_map *m);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The --stats figures, kept apart from the live VM so that they add up
 * across reboots: userspace exits by reason, by bus range, per assigned
 * device, and the launch times. Printed at exit as "passvm: stats: ..."
 * lines (the lab parses them: their wording is fixed) or, with
 * --stats=json, as one JSON object (keys in cli_run_help and README).
 */
#ifndef PASSVM_VMM_STATS_H
#define PASSVM_VMM_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/verdict.h"
#include "vfio/vfio.h"
#include "vmm/bus.h"
#include "vmm/vcpu.h"
#include "vmm/virtio_stats.h"

struct stats_bus {
	unsigned int nr;
	struct {
		const char *name; /* the bus range's (a string literal) */
		uint64_t exits;
	} ranges[BUS_MAX_RANGES];
	uint64_t unhandled;
};

/* An outcome that may not apply (JSON true, false or null). */
enum stats_outcome {
	STATS_NA,
	STATS_OK,
	STATS_FAILED,
};

struct stats_vfio {
	char bdf[PCI_ADDR_STRLEN];
	struct vfio_pci_stats s; /* counters summed; gauges the latest */
	/* At exit (vm_stats_outcomes(), after vm_destroy()): */
	bool managed; /* --vfio BDF,managed */
	enum stats_outcome reset; /* the reset after the guest */
	enum stats_outcome restored; /* back on its driver (managed only) */
	char driver[32]; /* bound at exit ("" unknown or none) */
};

struct vm_stats {
	uint64_t first_entry_ns; /* launch → first boot's first entry */
	uint64_t exit_ns; /* launch → exit */
	unsigned int reboots;
	bool reboot_opt; /* --reboot given: say how many there were */
	uint64_t exits[VCPU_STAT_NR];
	struct stats_bus pio, mmio;
	struct stats_vfio vfio[VFIO_MAX_DEVICES];
	unsigned int nr_vfio;
	struct virtio_figures virtio;
	/* From /proc/self/status at exit, KiB; -1 when not known. */
	int64_t rss_anon_kib, rss_shmem_kib, hwm_kib;
	/* Verdict writes that changed nothing (devices/verdict.h). */
	uint64_t verdict_ignored[VERDICT_NR_CHANNELS];
	/* Guest RAM and its DMA mapping (the last boot's, times summed). */
	const char *ram_kind; /* ram_kind_name(); NULL before any boot */
	uint64_t ram_bytes;
	int64_t ram_resident_bytes; /* -1 when not known */
	uint64_t prefault_ns, dma_map_ns;
	const char *iommu_backend; /* "type1", "iommufd"; NULL: no device */
	uint64_t dma_mapped_bytes;
	unsigned int dma_mappings;
};

struct vm;

/* vm_stats_add() - add the live VM's counters (one boot's) into @s. */
void vm_stats_add(struct vm_stats *s, const struct vm *vm);

/*
 * vm_stats_snapshot() - the whole run's figures into @s (zeroed here): the
 * boots before plus this one, memory from /proc/self/status. Call before
 * vm_destroy() (guest RAM is still resident), with the vCPUs stopped.
 */
void vm_stats_snapshot(struct vm_stats *s, struct vm *vm);

/*
 * vm_stats_outcomes() - after vm_destroy(): an entry per assigned device
 * of the description (added when the VM never got that far), with its
 * last reset, its return to the host driver and the driver it is bound to
 * now (from /sys). @vm may be a VM whose vm_create() failed.
 */
void vm_stats_outcomes(struct vm_stats *s, struct vm *vm);

/*
 * stats_read_status() - fill the memory figures of @s from @path
 * (/proc/self/status in use; proc(5)): RssAnon, RssShmem, VmHWM.
 */
void stats_read_status(struct vm_stats *s, const char *path);

/* stats_print_text() - the "passvm: stats: ..." lines. */
void stats_print_text(const struct vm_stats *s, FILE *f);

/* stats_print() - the --stats report on stderr, text or JSON. */
void stats_print(const struct vm_stats *s, bool json);

/* stats_print_json() - one JSON object on one line. */
void stats_print_json(const struct vm_stats *s, FILE *f);

struct json_out;
/*
 * stats_json_members() - the members of that object into the object @j is
 * writing (the --result file embeds them).
 */
void stats_json_members(struct json_out *j, const struct vm_stats *s);

#endif

// SPDX-License-Identifier: GPL-2.0
/* The --stats report: userspace exits by reason and by device, boot time. */
#include <stdio.h>

#include "vmm/vm.h"

const char *const vcpu_stat_names[VCPU_STAT_NR] = {
	[VCPU_STAT_IO] = "pio",
	[VCPU_STAT_MMIO] = "mmio",
	[VCPU_STAT_HLT] = "hlt",
	[VCPU_STAT_INTR] = "signal",
	[VCPU_STAT_SHUTDOWN] = "shutdown",
	[VCPU_STAT_SYSTEM_EVENT] = "system-event",
	[VCPU_STAT_OTHER] = "other",
};

static void print_bus(const struct bus *b)
{
	for (unsigned int i = 0; i < b->nr; i++)
		if (b->ranges[i].exits)
			fprintf(stderr, "passvm: stats:   %s %-14s %llu\n",
				b->name, b->ranges[i].name,
				(unsigned long long)b->ranges[i].exits);
	if (b->unhandled)
		fprintf(stderr, "passvm: stats:   %s %-14s %llu\n", b->name,
			"(unclaimed)", (unsigned long long)b->unhandled);
}

/*
 * passvm's own memory, apart from guest RAM: the memfd's pages count as
 * RssShmem, the VMM's heap and stacks as RssAnon (proc(5) /proc/PID/status).
 */
static void print_memory(void)
{
	char line[256], anon[64] = "?", shmem[64] = "?", hwm[64] = "?";
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "RssAnon: %63[0-9 kB]", anon);
		sscanf(line, "RssShmem: %63[0-9 kB]", shmem);
		sscanf(line, "VmHWM: %63[0-9 kB]", hwm);
	}
	fclose(f);
	fprintf(stderr,
		"passvm: stats: memory: VMM (RssAnon) %s, guest RAM touched (RssShmem) %s, peak RSS %s\n",
		anon, shmem, hwm);
}

void vm_print_stats(struct vm *vm)
{
	uint64_t total[VCPU_STAT_NR] = { 0 }, all = 0;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		for (int s = 0; s < VCPU_STAT_NR; s++)
			total[s] += vm->vcpus[i].stats[s];
	for (int s = 0; s < VCPU_STAT_NR; s++)
		all += total[s];
	fprintf(stderr,
		"passvm: stats: launch to first guest instruction %.3f ms\n",
		vm->first_entry_ns / 1e6);
	fprintf(stderr, "passvm: stats: launch to exit %.3f s\n",
		log_elapsed_ns() / 1e9);
	fprintf(stderr, "passvm: stats: userspace exits %llu\n",
		(unsigned long long)all);
	for (int s = 0; s < VCPU_STAT_NR; s++)
		if (total[s])
			fprintf(stderr, "passvm: stats:   %-18s %llu\n",
				vcpu_stat_names[s],
				(unsigned long long)total[s]);
	print_bus(&vm->pio);
	print_bus(&vm->mmio);
	print_memory();
	for (unsigned int i = 0; i < vm->vfio.nr_devs; i++) {
		const struct vfio_pci_stats *m;

		if (!vm->vfio.devs[i].model)
			continue;
		m = vfio_pci_get_stats(vm->vfio.devs[i].model);
		fprintf(stderr,
			"passvm: stats: vfio %s: trapped BAR reads %llu writes %llu, MSI-X table/PBA %llu, config %llu/%llu, BAR pieces mapped %u, vectors routed %u\n",
			vm->vfio.devs[i].bdf, (unsigned long long)m->bar_reads,
			(unsigned long long)m->bar_writes,
			(unsigned long long)m->msix_table_accesses,
			(unsigned long long)m->cfg_reads,
			(unsigned long long)m->cfg_writes, m->pieces_mapped,
			m->vectors_routed);
	}
	virtio_devices_print_stats(vm->virtio);
}

// SPDX-License-Identifier: GPL-2.0
/* The --stats report; the contract is vmm/stats.h. */
#include "vmm/stats.h"

#include <stdlib.h>
#include <string.h>

#include "util/json_out.h"
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

/* A boot registers the same ranges as the one before: match by name. */
static void add_bus(struct stats_bus *s, const struct bus *b)
{
	for (unsigned int i = 0; i < b->nr; i++) {
		const struct bus_range *r = &b->ranges[i];
		unsigned int k;

		for (k = 0; k < s->nr; k++)
			if (!strcmp(s->ranges[k].name, r->name))
				break;
		if (k == s->nr) {
			if (s->nr == BUS_MAX_RANGES)
				continue;
			s->ranges[s->nr].name = r->name;
			s->ranges[s->nr++].exits = 0;
		}
		s->ranges[k].exits +=
			__atomic_load_n(&r->exits, __ATOMIC_RELAXED);
	}
	s->unhandled += __atomic_load_n(&b->unhandled, __ATOMIC_RELAXED);
}

static void add_vfio(struct stats_vfio *s, const struct vfio_pci_stats *m)
{
	s->s.cfg_reads += m->cfg_reads;
	s->s.cfg_writes += m->cfg_writes;
	s->s.bar_reads += m->bar_reads;
	s->s.bar_writes += m->bar_writes;
	s->s.msix_table_accesses += m->msix_table_accesses;
	s->s.irq_setups += m->irq_setups;
	s->s.pending_injected += m->pending_injected;
	/* Gauges: what the device has now. */
	s->s.vectors_routed = m->vectors_routed;
	s->s.pieces_mapped = m->pieces_mapped;
}

void vm_stats_add(struct vm_stats *s, const struct vm *vm)
{
	if (vm->first_entry_ns && !s->first_entry_ns)
		s->first_entry_ns = vm->first_entry_ns;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		for (int k = 0; k < VCPU_STAT_NR; k++)
			s->exits[k] += __atomic_load_n(&vm->vcpus[i].stats[k],
						       __ATOMIC_RELAXED);
	add_bus(&s->pio, &vm->pio);
	add_bus(&s->mmio, &vm->mmio);
	if (vm->ram.hva) {
		s->ram_kind = ram_kind_name(vm->ram.kind);
		s->ram_bytes = vm->ram.size;
		s->ram_resident_bytes = ram_backing_resident(&vm->ram);
		s->prefault_ns += vm->ram.prefault_ns;
	}
	if (vm->vfio.nr_devs && vm->vfio.be) {
		s->iommu_backend = vfio_backend_name(&vm->vfio);
		s->dma_map_ns += vm->vfio.dma.map_ns;
		s->dma_mapped_bytes = vm->vfio.dma.mapped_bytes;
		s->dma_mappings = vm->vfio.dma.nr_mappings;
	}
	for (unsigned int i = 0; i < vm->vfio.nr_devs && i < VFIO_MAX_DEVICES;
	     i++) {
		const struct vfio_device *d = &vm->vfio.devs[i];

		if (i >= s->nr_vfio) {
			memset(&s->vfio[i], 0, sizeof(s->vfio[i]));
			snprintf(s->vfio[i].bdf, sizeof(s->vfio[i].bdf), "%s",
				 d->bdf);
			s->nr_vfio = i + 1;
		}
		if (d->model)
			add_vfio(&s->vfio[i], vfio_pci_get_stats(d->model));
	}
	virtio_figures_add(&s->virtio, vm->virtio);
}

/* "Key:   1234 kB" -> 1234 (proc(5): these are in kB). */
static void status_field(const char *line, const char *key, int64_t *out)
{
	size_t n = strlen(key);
	char *end;
	long long v;

	if (strncmp(line, key, n) || line[n] != ':')
		return;
	v = strtoll(line + n + 1, &end, 10);
	if (end != line + n + 1 && v >= 0)
		*out = v;
}

void stats_read_status(struct vm_stats *s, const char *path)
{
	char line[256];
	FILE *f;

	s->rss_anon_kib = s->rss_shmem_kib = s->hwm_kib = -1;
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		status_field(line, "RssAnon", &s->rss_anon_kib);
		status_field(line, "RssShmem", &s->rss_shmem_kib);
		status_field(line, "VmHWM", &s->hwm_kib);
	}
	fclose(f);
}

static void print_bus(FILE *f, const char *name, const struct stats_bus *b)
{
	for (unsigned int i = 0; i < b->nr; i++)
		if (b->ranges[i].exits)
			fprintf(f, "passvm: stats:   %s %-14s %llu\n", name,
				b->ranges[i].name,
				(unsigned long long)b->ranges[i].exits);
	if (b->unhandled)
		fprintf(f, "passvm: stats:   %s %-14s %llu\n", name,
			"(unclaimed)", (unsigned long long)b->unhandled);
}

static const char *kib(int64_t v, char *buf, size_t len)
{
	if (v < 0)
		return "?";
	snprintf(buf, len, "%lld kB", (long long)v);
	return buf;
}

void stats_print_text(const struct vm_stats *s, FILE *f)
{
	char a[32], b[32], c[32];
	uint64_t all = 0;

	for (int k = 0; k < VCPU_STAT_NR; k++)
		all += s->exits[k];
	fprintf(f, "passvm: stats: launch to first guest instruction %.3f ms\n",
		s->first_entry_ns / 1e6);
	fprintf(f, "passvm: stats: launch to exit %.3f s\n", s->exit_ns / 1e9);
	if (s->reboot_opt)
		fprintf(f, "passvm: stats: guest reboots %u\n", s->reboots);
	fprintf(f, "passvm: stats: userspace exits %llu\n",
		(unsigned long long)all);
	for (int k = 0; k < VCPU_STAT_NR; k++)
		if (s->exits[k])
			fprintf(f, "passvm: stats:   %-18s %llu\n",
				vcpu_stat_names[k],
				(unsigned long long)s->exits[k]);
	print_bus(f, "pio", &s->pio);
	print_bus(f, "mmio", &s->mmio);
	fprintf(f,
		"passvm: stats: memory: VMM (RssAnon) %s, guest RAM touched (RssShmem) %s, peak RSS %s\n",
		kib(s->rss_anon_kib, a, sizeof(a)),
		kib(s->rss_shmem_kib, b, sizeof(b)),
		kib(s->hwm_kib, c, sizeof(c)));
	if (s->ram_kind)
		fprintf(f,
			"passvm: stats: guest RAM %llu MiB, %s: resident %s, prefaulted in %.1f ms\n",
			(unsigned long long)(s->ram_bytes >> 20), s->ram_kind,
			kib(s->ram_resident_bytes < 0 ?
				    -1 :
				    s->ram_resident_bytes >> 10,
			    a, sizeof(a)),
			s->prefault_ns / 1e6);
	if (s->iommu_backend)
		fprintf(f,
			"passvm: stats: dma map (%s): %llu MiB in %u mappings, %.1f ms\n",
			s->iommu_backend,
			(unsigned long long)(s->dma_mapped_bytes >> 20),
			s->dma_mappings, s->dma_map_ns / 1e6);
	for (unsigned int i = 0; i < s->nr_vfio; i++) {
		const struct vfio_pci_stats *m = &s->vfio[i].s;

		fprintf(f,
			"passvm: stats: vfio %s: trapped BAR reads %llu writes %llu, MSI-X table/PBA %llu, config %llu/%llu, BAR pieces mapped %u, vectors routed %u\n",
			s->vfio[i].bdf, (unsigned long long)m->bar_reads,
			(unsigned long long)m->bar_writes,
			(unsigned long long)m->msix_table_accesses,
			(unsigned long long)m->cfg_reads,
			(unsigned long long)m->cfg_writes, m->pieces_mapped,
			m->vectors_routed);
	}
	virtio_figures_print(&s->virtio, f);
}

static void json_bus(struct json_out *j, const char *key,
		     const struct stats_bus *b)
{
	jout_object_begin(j, key);
	for (unsigned int i = 0; i < b->nr; i++)
		jout_uint(j, b->ranges[i].name, b->ranges[i].exits);
	jout_uint(j, "unclaimed", b->unhandled);
	jout_object_end(j);
}

static void json_kib(struct json_out *j, const char *key, int64_t v)
{
	if (v < 0)
		jout_null(j, key);
	else
		jout_uint(j, key, (uint64_t)v);
}

static void json_outcome(struct json_out *j, const char *key,
			 enum stats_outcome o)
{
	if (o == STATS_NA)
		jout_null(j, key);
	else
		jout_bool(j, key, o == STATS_OK);
}

/*
 * The keys are documented in `passvm run --help` (vmm/cli_help.c), README
 * and passvm(1): tests/unit/test_result_docs.c holds each to this code.
 */
void stats_json_members(struct json_out *j, const struct vm_stats *s)
{
	uint64_t all = 0;

	for (int k = 0; k < VCPU_STAT_NR; k++)
		all += s->exits[k];
	jout_fixed(j, "launch_to_first_instruction_ms", s->first_entry_ns / 1e6,
		   3);
	jout_fixed(j, "launch_to_exit_s", s->exit_ns / 1e9, 3);
	jout_uint(j, "reboots", s->reboots);
	jout_object_begin(j, "exits");
	jout_uint(j, "total", all);
	for (int k = 0; k < VCPU_STAT_NR; k++)
		jout_uint(j, vcpu_stat_names[k], s->exits[k]);
	jout_object_end(j);
	json_bus(j, "pio", &s->pio);
	json_bus(j, "mmio", &s->mmio);
	jout_object_begin(j, "memory_kib");
	json_kib(j, "vmm_rss_anon", s->rss_anon_kib);
	json_kib(j, "guest_ram_touched", s->rss_shmem_kib);
	json_kib(j, "peak_rss", s->hwm_kib);
	jout_object_end(j);
	jout_object_begin(j, "guest_ram");
	if (s->ram_kind)
		jout_string(j, "backing", s->ram_kind);
	else
		jout_null(j, "backing");
	jout_uint(j, "mib", s->ram_bytes >> 20);
	json_kib(j, "resident_kib",
		 !s->ram_kind || s->ram_resident_bytes < 0 ?
			 -1 :
			 s->ram_resident_bytes >> 10);
	jout_fixed(j, "prefault_ms", s->prefault_ns / 1e6, 1);
	jout_object_end(j);
	jout_object_begin(j, "dma");
	if (s->iommu_backend)
		jout_string(j, "backend", s->iommu_backend);
	else
		jout_null(j, "backend");
	jout_uint(j, "mapped_mib", s->dma_mapped_bytes >> 20);
	jout_uint(j, "mappings", s->dma_mappings);
	jout_fixed(j, "map_ms", s->dma_map_ns / 1e6, 1);
	jout_object_end(j);
	jout_array_begin(j, "vfio");
	for (unsigned int i = 0; i < s->nr_vfio; i++) {
		const struct vfio_pci_stats *m = &s->vfio[i].s;

		jout_object_begin(j, NULL);
		jout_string(j, "bdf", s->vfio[i].bdf);
		jout_uint(j, "trapped_bar_reads", m->bar_reads);
		jout_uint(j, "trapped_bar_writes", m->bar_writes);
		jout_uint(j, "msix_table_pba_accesses", m->msix_table_accesses);
		jout_uint(j, "config_reads", m->cfg_reads);
		jout_uint(j, "config_writes", m->cfg_writes);
		jout_uint(j, "bar_pieces_mapped", m->pieces_mapped);
		jout_uint(j, "vectors_routed", m->vectors_routed);
		jout_bool(j, "managed", s->vfio[i].managed);
		json_outcome(j, "reset_ok", s->vfio[i].reset);
		json_outcome(j, "host_driver_restored", s->vfio[i].restored);
		jout_string(j, "driver_at_exit",
			    s->vfio[i].driver[0] ? s->vfio[i].driver : NULL);
		jout_object_end(j);
	}
	jout_array_end(j);
	virtio_figures_json(&s->virtio, j);
	jout_object_begin(j, "verdict_writes_ignored");
	for (int c = 0; c < VERDICT_NR_CHANNELS; c++)
		jout_uint(j, verdict_channel_names[c], s->verdict_ignored[c]);
	jout_object_end(j);
}

void stats_print_json(const struct vm_stats *s, FILE *f)
{
	struct json_out j;

	jout_init(&j, f);
	jout_object_begin(&j, NULL);
	stats_json_members(&j, s);
	jout_object_end(&j);
	fputc('\n', f);
}

void vm_stats_snapshot(struct vm_stats *s, struct vm *vm)
{
	*s = vm->past;
	vm_stats_add(s, vm);
	s->reboots = vm->reboots;
	s->reboot_opt = vm->opts->reboot;
	s->exit_ns = log_elapsed_ns();
	stats_read_status(s, "/proc/self/status");
}

static struct stats_vfio *entry_for(struct vm_stats *s, const char *bdf)
{
	for (unsigned int i = 0; i < s->nr_vfio; i++)
		if (!strcmp(s->vfio[i].bdf, bdf))
			return &s->vfio[i];
	if (s->nr_vfio == VFIO_MAX_DEVICES)
		return NULL;
	memset(&s->vfio[s->nr_vfio], 0, sizeof(s->vfio[0]));
	snprintf(s->vfio[s->nr_vfio].bdf, PCI_ADDR_STRLEN, "%s", bdf);
	return &s->vfio[s->nr_vfio++];
}

void vm_stats_outcomes(struct vm_stats *s, struct vm *vm)
{
	const struct vm_config *o = vm->opts;

	for (unsigned int i = 0; o && i < o->nr_vfio; i++) {
		char bdf[PCI_ADDR_STRLEN];
		struct stats_vfio *e;
		struct pci_addr a;

		if (pci_addr_parse(o->vfio[i].bdf, &a))
			continue;
		pci_addr_format(&a, bdf);
		e = entry_for(s, bdf);
		if (!e)
			continue;
		e->managed = o->vfio[i].managed;
		e->reset = STATS_NA;
		e->restored = STATS_NA;
		for (unsigned int d = 0; d < vm->vfio.nr_devs; d++)
			if (!strcmp(vm->vfio.devs[d].bdf, bdf) &&
			    vm->vfio.devs[d].reset_tried)
				e->reset = vm->vfio.devs[d].reset_ret ?
						   STATS_FAILED :
						   STATS_OK;
		for (unsigned int m = 0; m < vm->nr_restored; m++)
			if (pci_addr_equal(&vm->restored[m].addr, &a))
				e->restored = vm->restored[m].ret ?
						      STATS_FAILED :
						      STATS_OK;
		if (sysfs_pci_driver("/sys", &a, e->driver, sizeof(e->driver)))
			e->driver[0] = '\0';
	}
	verdict_result(&vm->verdict, &(unsigned int){ 0 },
		       &(enum verdict_channel){ 0 }, s->verdict_ignored);
}

void stats_print(const struct vm_stats *s, bool json)
{
	if (json)
		stats_print_json(s, stderr);
	else
		stats_print_text(s, stderr);
}

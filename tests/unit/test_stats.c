// SPDX-License-Identifier: GPL-2.0
/*
 * --stats (vmm/stats.c): the text lines keep their wording (the lab parses
 * them), --stats=json carries the same figures, counts add up across
 * reboots; and the --reboot guard (vmm/reboot.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

/* The model's counters are set directly: its private layout. */
#include "vfio/vfio_pci_priv.h"
#include "vmm/reboot.h"
#include "vmm/stats.h"
#include "vmm/vm.h"

#define S 1000000000ull

static void test_reboot_guard(void **state)
{
	struct reboot_limit l;
	uint64_t t = 1 * S;

	memset(&l, 0, sizeof(l));

	/* Five resets in quick succession are fine, the sixth is not. */
	for (int i = 0; i < REBOOT_BURST; i++)
		assert_true(reboot_allowed(&l, t + i * S / 10));
	assert_false(reboot_allowed(&l, t + S));
	/* Refusals are not recorded: 10 s after the first, one more. */
	assert_true(reboot_allowed(&l, t + REBOOT_WINDOW_S * S));
	assert_false(reboot_allowed(&l, t + REBOOT_WINDOW_S * S + 1));

	/* A guest that resets every 2.5 s never trips it. */
	memset(&l, 0, sizeof(l));
	for (int i = 0; i < 100; i++)
		assert_true(reboot_allowed(&l, t + i * (S * 5 / 2)));
	/* ...one every 1.9 s does, at the sixth within 10 s. */
	memset(&l, 0, sizeof(l));
	for (int i = 0; i < REBOOT_BURST; i++)
		assert_true(reboot_allowed(&l, t + i * (S * 19 / 10)));
	assert_false(reboot_allowed(&l, t + REBOOT_BURST * (S * 19 / 10)));
}

static const struct io_ops nop_ops;

/* A VM as the stats see it: vCPU counters, bus ranges, one device. */
static struct vm *fake_vm(struct vfio_pci *model, uint64_t scale)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	struct pv_error err;

	assert_non_null(vm);
	vm->vcpus = calloc(2, sizeof(*vm->vcpus));
	assert_non_null(vm->vcpus);
	vm->nr_vcpus = 2;
	vm->vcpus[0].stats[VCPU_STAT_IO] = 10 * scale;
	vm->vcpus[1].stats[VCPU_STAT_IO] = 5 * scale;
	vm->vcpus[1].stats[VCPU_STAT_MMIO] = 3 * scale;
	bus_init(&vm->pio, "pio");
	bus_init(&vm->mmio, "mmio");
	assert_int_equal(bus_register(&vm->pio, 0x3f8, 8, "serial", &nop_ops,
				      NULL, &err),
			 0);
	assert_int_equal(
		bus_register(&vm->pio, 0x70, 2, "rtc", &nop_ops, NULL, &err),
		0);
	assert_int_equal(bus_register(&vm->mmio, 0xb0000000, 0x1000, "pci-ecam",
				      &nop_ops, NULL, &err),
			 0);
	vm->pio.ranges[1].exits = 15 * scale; /* sorted: rtc, serial */
	vm->mmio.ranges[0].exits = 3 * scale;
	vm->pio.unhandled = scale;
	vfio_ctx_init(&vm->vfio);
	vm->vfio.nr_devs = 1;
	strcpy(vm->vfio.devs[0].bdf, "0000:01:00.0");
	memset(model, 0, sizeof(*model));
	model->stats.bar_reads = 7 * scale;
	model->stats.bar_writes = 8 * scale;
	model->stats.msix_table_accesses = 9 * scale;
	model->stats.cfg_reads = 100 * scale;
	model->stats.cfg_writes = 50 * scale;
	model->stats.pieces_mapped = 3;
	model->stats.vectors_routed = 2;
	vm->vfio.devs[0].model = model;
	vm->first_entry_ns = 12345678;
	return vm;
}

static void free_vm(struct vm *vm)
{
	free(vm->vcpus);
	free(vm);
}

static char *print(const struct vm_stats *s, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		stats_print_json(s, f);
	else
		stats_print_text(s, f);
	fclose(f);
	return buf;
}

static void test_text_unchanged(void **state)
{
	static struct vfio_pci model;
	struct vm_stats s;
	struct vm *vm = fake_vm(&model, 1);
	char *t;

	memset(&s, 0, sizeof(s));
	vm_stats_add(&s, vm);
	s.exit_ns = 2500000000ull;
	s.rss_anon_kib = 1234;
	s.rss_shmem_kib = 5678;
	s.hwm_kib = 9999;
	t = print(&s, false);
	assert_string_equal(
		t,
		"passvm: stats: launch to first guest instruction 12.346 ms\n"
		"passvm: stats: launch to exit 2.500 s\n"
		"passvm: stats: userspace exits 18\n"
		"passvm: stats:   pio                15\n"
		"passvm: stats:   mmio               3\n"
		"passvm: stats:   pio serial         15\n"
		"passvm: stats:   pio (unclaimed)    1\n"
		"passvm: stats:   mmio pci-ecam       3\n"
		"passvm: stats: memory: VMM (RssAnon) 1234 kB, guest RAM touched (RssShmem) 5678 kB, peak RSS 9999 kB\n"
		"passvm: stats: vfio 0000:01:00.0: trapped BAR reads 7 writes 8, MSI-X table/PBA 9, config 100/50, BAR pieces mapped 3, vectors routed 2\n");
	free(t);
	free_vm(vm);
}

static void test_reboots_add_up(void **state)
{
	static struct vfio_pci m1, m2;
	struct vm_stats s;
	struct vm *boot1 = fake_vm(&m1, 1), *boot2 = fake_vm(&m2, 2);
	char *t;

	memset(&s, 0, sizeof(s));
	boot2->first_entry_ns = 99999999; /* the first boot's figure wins */
	m2.stats.vectors_routed = 5;
	vm_stats_add(&s, boot1);
	vm_stats_add(&s, boot2);
	s.reboots = 1;
	s.reboot_opt = true;
	s.rss_anon_kib = s.rss_shmem_kib = s.hwm_kib = -1;
	t = print(&s, false);
	assert_non_null(strstr(t, "first guest instruction 12.346 ms\n"));
	assert_non_null(strstr(t, "passvm: stats: guest reboots 1\n"));
	assert_non_null(strstr(t, "userspace exits 54\n"));
	assert_non_null(strstr(t, "pio serial         45\n"));
	assert_non_null(strstr(
		t,
		"(RssAnon) ?, guest RAM touched (RssShmem) ?, peak RSS ?\n"));
	/* Counters summed, gauges (mapped, routed) the latest. */
	assert_non_null(strstr(
		t,
		"trapped BAR reads 21 writes 24, MSI-X table/PBA 27, config 300/150, BAR pieces mapped 3, vectors routed 5\n"));
	free(t);

	t = print(&s, true);
	assert_string_equal(
		t,
		"{\"launch_to_first_instruction_ms\":12.346,\"launch_to_exit_s\":0.000,"
		"\"reboots\":1,\"exits\":{\"total\":54,\"pio\":45,\"mmio\":9,"
		"\"hlt\":0,\"signal\":0,\"shutdown\":0,\"system-event\":0,"
		"\"other\":0},\"pio\":{\"rtc\":0,\"serial\":45,\"unclaimed\":3},"
		"\"mmio\":{\"pci-ecam\":9,\"unclaimed\":0},\"memory_kib\":"
		"{\"vmm_rss_anon\":null,\"guest_ram_touched\":null,"
		"\"peak_rss\":null},\"guest_ram\":{\"backing\":null,\"mib\":0,"
		"\"resident_kib\":null,\"prefault_ms\":0.0},\"dma\":{\"backend\":null,"
		"\"mapped_mib\":0,\"mappings\":0,\"map_ms\":0.0},"
		"\"vfio\":[{\"bdf\":\"0000:01:00.0\","
		"\"trapped_bar_reads\":21,\"trapped_bar_writes\":24,"
		"\"msix_table_pba_accesses\":27,\"config_reads\":300,"
		"\"config_writes\":150,\"bar_pieces_mapped\":3,"
		"\"vectors_routed\":5}]}\n");
	free(t);
	free_vm(boot1);
	free_vm(boot2);
}

/* Guest RAM and its DMA mapping: the backing, residency, times summed. */
static void test_ram_and_dma(void **state)
{
	static struct vfio_pci m1, m2;
	struct vm_stats s;
	struct vm *boot1 = fake_vm(&m1, 1), *boot2 = fake_vm(&m2, 1);
	struct vm *boots[2] = { boot1, boot2 };
	uint8_t *ram = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *t;

	assert_true(ram != MAP_FAILED);
	memset(ram, 1, 1 << 20); /* 1 MiB of the 4 touched */
	for (int i = 0; i < 2; i++) {
		boots[i]->ram.hva = ram;
		boots[i]->ram.size = 4 << 20;
		boots[i]->ram.kind = RAM_ANON_THP;
		boots[i]->ram.prefault_ns = 1500000;
		boots[i]->vfio.be = &vfio_iommufd_ops;
		boots[i]->vfio.dma.map_ns = 2000000;
		boots[i]->vfio.dma.mapped_bytes = 4 << 20;
		boots[i]->vfio.dma.nr_mappings = 1;
	}
	memset(&s, 0, sizeof(s));
	vm_stats_add(&s, boot1);
	vm_stats_add(&s, boot2);
	s.rss_anon_kib = s.rss_shmem_kib = s.hwm_kib = -1;
	t = print(&s, false);
	assert_non_null(strstr(
		t,
		"passvm: stats: guest RAM 4 MiB, anonymous memory with transparent huge pages: resident 1024 kB, prefaulted in 3.0 ms\n"
		"passvm: stats: dma map (iommufd): 4 MiB in 1 mappings, 4.0 ms\n"));
	free(t);
	t = print(&s, true);
	assert_non_null(strstr(t, "\"dma\":{\"backend\":\"iommufd\","
				  "\"mapped_mib\":4,\"mappings\":1,"
				  "\"map_ms\":4.0}"));
	assert_non_null(strstr(t, "\"resident_kib\":1024,"));
	free(t);
	munmap(ram, 4 << 20);
	free_vm(boot1);
	free_vm(boot2);
}

static void test_read_status(void **state)
{
	char path[] = "/tmp/passvm-statusXXXXXX";
	struct vm_stats s;
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("Name:\tpassvm\nVmHWM:\t   20480 kB\nRssAnon:\t    1024 kB\n"
	      "RssShmem:\t  262144 kB\n",
	      f);
	fclose(f);
	stats_read_status(&s, path);
	assert_int_equal(s.rss_anon_kib, 1024);
	assert_int_equal(s.rss_shmem_kib, 262144);
	assert_int_equal(s.hwm_kib, 20480);
	unlink(path);
	stats_read_status(&s, path);
	assert_int_equal(s.rss_anon_kib, -1);
	assert_int_equal(s.hwm_kib, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reboot_guard),
		cmocka_unit_test(test_text_unchanged),
		cmocka_unit_test(test_reboots_add_up),
		cmocka_unit_test(test_ram_and_dma),
		cmocka_unit_test(test_read_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * --stats (vmm/stats.c): the text lines keep their wording (the lab parses
 * them), --stats=json carries the same figures, counts add up across
 * reboots (the virtio devices' too, vmm/virtio_stats.c); and the --reboot
 * guard (vmm/reboot.c).
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
		"\"vectors_routed\":5,\"managed\":false,\"reset_ok\":null,"
		"\"host_driver_restored\":null,\"driver_at_exit\":null}],\"virtio\":[],"
		"\"verdict_writes_ignored\":{\"mmio\":0,\"serial\":0,"
		"\"port\":0}}\n");
	free(t);
	free_vm(boot1);
	free_vm(boot2);
}

/* One boot's virtio devices as the stats see them, counts times @scale. */
struct fake_virtio {
	struct virtio_devices vd;
	struct virtio_blk blk;
	struct virtio_net net, vnet;
	struct virtio_vsock vsock;
};

static void fake_dev(struct fake_virtio *f, enum virtio_kind kind,
		     const char *id, struct virtio_dev *v, unsigned int slot,
		     uint64_t scale)
{
	struct virtio_glue_dev *g = &f->vd.dev[f->vd.nr++];

	g->kind = kind;
	g->id = id;
	g->vdev = v;
	snprintf(v->name, sizeof(v->name), "virtio-%s%s%s",
		 kind == VIRTIO_KIND_BLK ? "blk" :
		 kind == VIRTIO_KIND_NET ? "net" :
					   "vsock",
		 kind == VIRTIO_KIND_VSOCK ? "" : " ",
		 kind == VIRTIO_KIND_VSOCK ? "" : id);
	v->pci.devfn = (uint8_t)(slot << 3);
	v->stats.kicks = 100 * scale;
	v->stats.irqs = 90 * scale;
	v->stats.config_irqs = scale;
	v->stats.reg_accesses = 40 * scale;
}

static void fake_virtio_init(struct fake_virtio *f, uint64_t scale)
{
	static char vhost; /* stands for a struct vhost_net: never read */

	memset(f, 0, sizeof(*f));
	fake_dev(f, VIRTIO_KIND_BLK, "root", &f->blk.vdev, 1, scale);
	f->vd.dev[0].u.blk = &f->blk;
	f->blk.stats.reads = 10 * scale;
	f->blk.stats.read_bytes = 4096 * scale;
	f->blk.stats.writes = 3 * scale;
	f->blk.stats.written_bytes = 2048 * scale;
	f->blk.stats.flushes = scale;
	fake_dev(f, VIRTIO_KIND_NET, "eth0", &f->net.vdev, 2, scale);
	f->vd.dev[1].u.net = &f->net;
	strcpy(f->net.tap, "tap0");
	f->net.stats.rx_packets = 7 * scale;
	f->net.stats.rx_bytes = 7 * 1024 * scale;
	f->net.stats.tx_packets = 5 * scale;
	f->net.stats.tx_bytes = 5 * 2048 * scale;
	fake_dev(f, VIRTIO_KIND_NET, "eth1", &f->vnet.vdev, 3, scale);
	f->vd.dev[2].u.net = &f->vnet;
	strcpy(f->vnet.tap, "tap1");
	f->vnet.vhost = (struct vhost_net *)&vhost;
	fake_dev(f, VIRTIO_KIND_VSOCK, "vsock", &f->vsock.vdev, 4, scale);
	f->vd.dev[3].u.vsock = &f->vsock;
	f->vsock.stats.host_conns = 2 * scale;
	f->vsock.stats.guest_conns = scale;
	f->vsock.stats.to_guest_bytes = 3072 * scale;
	f->vsock.stats.from_guest_bytes = 1024 * scale;
}

/*
 * The virtio devices: each boot builds them anew, under the same ids;
 * their counts add up into one line set (and one JSON entry) per device.
 */
static void test_virtio_add_up(void **state)
{
	static struct vfio_pci m1, m2;
	static struct fake_virtio v1, v2;
	struct vm *boot1 = fake_vm(&m1, 1), *boot2 = fake_vm(&m2, 1);
	struct vm_stats s;
	char *t;

	fake_virtio_init(&v1, 1);
	fake_virtio_init(&v2, 2);
	boot1->virtio = &v1.vd;
	boot2->virtio = &v2.vd;
	memset(&s, 0, sizeof(s));
	vm_stats_add(&s, boot1);
	vm_stats_add(&s, boot2);
	vm_stats_add(&s, boot2); /* a third boot, like the second */
	s.rss_anon_kib = s.rss_shmem_kib = s.hwm_kib = -1;
	t = print(&s, false);
	assert_non_null(strstr(
		t,
		"\npassvm: stats: virtio-blk root (00:01.0): notifications 500 (trapped 0), interrupts 450, config interrupts 5, register accesses 200\n"
		"passvm: stats: virtio-blk root: reads 50 (20 KiB), writes 15 (10 KiB), flushes 5, discards 0, write-zeroes 0, get-id 0, errors 0\n"
		"passvm: stats: virtio-net eth0 (00:02.0): notifications 500 (trapped 0), interrupts 450, config interrupts 5, register accesses 200\n"
		"passvm: stats: virtio-net eth0: tap tap0, data path userspace: rx 35 packets (35 KiB), tx 25 packets (50 KiB), tx errors 0, rx out of buffers 0\n"
		"passvm: stats: virtio-net eth1 (00:03.0): notifications 500 (trapped 0), interrupts 450, config interrupts 5, register accesses 200\n"
		"passvm: stats: virtio-net eth1: tap tap1, data path vhost-net (packets counted in the kernel)\n"
		"passvm: stats: virtio-vsock (00:04.0): notifications 500 (trapped 0), interrupts 450, config interrupts 5, register accesses 200\n"
		"passvm: stats: virtio-vsock: connections from the host 10, from the guest 5, refused 0, RSTs sent 0, to the guest 15 KiB, from the guest 5 KiB\n"));
	free(t);
	t = print(&s, true);
	assert_non_null(strstr(
		t,
		",\"virtio\":[{\"id\":\"root\",\"type\":\"blk\",\"slot\":1,"
		"\"notifications\":500,\"trapped_notifications\":0,"
		"\"interrupts\":450,\"config_interrupts\":5,"
		"\"register_accesses\":200,\"reads\":50,\"read_bytes\":20480,"
		"\"writes\":15,\"written_bytes\":10240,\"flushes\":5,"
		"\"discards\":0,\"write_zeroes\":0,\"get_ids\":0,\"errors\":0},"
		"{\"id\":\"eth0\",\"type\":\"net\",\"slot\":2,"));
	assert_non_null(strstr(
		t, "\"tap\":\"tap0\",\"vhost\":false,\"rx_packets\":35,"
		   "\"rx_bytes\":35840,\"tx_packets\":25,\"tx_bytes\":51200,"
		   "\"tx_errors\":0,\"rx_no_buffers\":0}"));
	assert_non_null(strstr(t, "\"tap\":\"tap1\",\"vhost\":true,"
				  "\"rx_packets\":null,\"rx_bytes\":null,"));
	assert_non_null(strstr(
		t, "{\"id\":\"vsock\",\"type\":\"vsock\",\"slot\":4,"
		   "\"notifications\":500,\"trapped_notifications\":0,"
		   "\"interrupts\":450,\"config_interrupts\":5,"
		   "\"register_accesses\":200,\"host_connections\":10,"
		   "\"guest_connections\":5,\"refused\":0,\"rsts_sent\":0,"
		   "\"to_guest_bytes\":15360,\"from_guest_bytes\":5120}],"));
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
		cmocka_unit_test(test_virtio_add_up),
		cmocka_unit_test(test_ram_and_dma),
		cmocka_unit_test(test_read_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

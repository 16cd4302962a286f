// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for arm64's device tree (arch/arm64/fdt.c): the blob is read
 * back node by node with libfdt (memory, cpus, psci, the GICv3 and its
 * ITS, the timer, the UART, the PCIe host bridge with its ranges,
 * interrupt-map and msi-map, /chosen), without an ITS the MSI parts are
 * absent, a tree that outgrows its buffer is a clear error, and `dtc -I
 * dtb -O dts` decompiles it without a warning.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "arch/arm64/fdt.h"
#include "arch/arm64/layout.h"

#define BUF 65536

static uint8_t blob[BUF];
static const uint64_t mpidr[2] = { 0x80000000, 0x80000001 };
static const struct layout_range ram[2] = {
	{ ARM64_RAM_BASE, 0x10000000 },
	{ 0x100000000ull, 0x40000000 },
};

/* The platform's tree (arm64_fdt_platform(), as passvm builds it) for
 * two vCPUs, with this run's RAM, 64-bit window, command line, initrd. */
static struct arm64_fdt_config config(bool its)
{
	struct arm64_fdt_config c = arm64_fdt_platform(2, its);

	c.mpidr = mpidr;
	c.ram = ram;
	c.nr_ram = 2;
	c.mmio64_base = 0x8000000000ull;
	c.mmio64_size = 0x8000000000ull;
	c.bootargs = "console=ttyS0 earlycon";
	c.initrd_start = 0x4f000000;
	c.initrd_end = 0x4f123456;
	return c;
}

static void build(bool its)
{
	struct arm64_fdt_config c = config(its);
	struct pv_error err = { "" };

	memset(blob, 0, sizeof(blob));
	if (arm64_fdt_build(blob, sizeof(blob), &c, &err))
		fail_msg("arm64_fdt_build: %s", err.msg);
	assert_int_equal(fdt_check_header(blob), 0);
}

static int node(const char *path)
{
	int off = fdt_path_offset(blob, path);

	if (off < 0)
		fail_msg("no node %s: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(int off, const char *name, int *len)
{
	const void *p = fdt_getprop(blob, off, name, len);

	if (!p)
		fail_msg("no property %s", name);
	return p;
}

static const char *str(const char *path, const char *name)
{
	int len;

	return prop(node(path), name, &len);
}

/* Cell @i of property @name of @path (its length checked to be @n cells). */
static uint32_t cell(const char *path, const char *name, int n, int i)
{
	int len;
	const fdt32_t *p = prop(node(path), name, &len);

	assert_int_equal(len, n * 4);
	return fdt32_to_cpu(p[i]);
}

static uint64_t u64_at(const char *path, const char *name, int i)
{
	int len;
	const fdt32_t *p = prop(node(path), name, &len);

	assert_true(len >= (i + 2) * 4);
	return (uint64_t)fdt32_to_cpu(p[i]) << 32 | fdt32_to_cpu(p[i + 1]);
}

static void test_root_chosen_memory_cpus(void **state)
{
	int len;
	const char *compat;

	build(true);
	assert_string_equal(str("/", "compatible"), "linux,dummy-virt");
	assert_int_equal(cell("/", "#address-cells", 1, 0), 2);
	assert_int_equal(cell("/", "#size-cells", 1, 0), 2);
	assert_int_equal(cell("/", "interrupt-parent", 1, 0),
			 ARM64_FDT_PHANDLE_GIC);

	assert_string_equal(str("/chosen", "bootargs"),
			    "console=ttyS0 earlycon");
	assert_string_equal(str("/chosen", "stdout-path"), "/serial@9000000");
	assert_int_equal(u64_at("/chosen", "linux,initrd-start", 0),
			 0x4f000000);
	assert_int_equal(u64_at("/chosen", "linux,initrd-end", 0), 0x4f123456);

	assert_string_equal(str("/memory@40000000", "device_type"), "memory");
	assert_int_equal(cell("/memory@40000000", "reg", 8, 1), 0x40000000);
	assert_int_equal(cell("/memory@40000000", "reg", 8, 3), 0x10000000);
	assert_int_equal(u64_at("/memory@40000000", "reg", 4), 0x100000000ull);
	assert_int_equal(u64_at("/memory@40000000", "reg", 6), 0x40000000);

	assert_int_equal(cell("/cpus", "#address-cells", 1, 0), 1);
	assert_int_equal(cell("/cpus", "#size-cells", 1, 0), 0);
	for (int i = 0; i < 2; i++) {
		char path[32];

		snprintf(path, sizeof(path), "/cpus/cpu@%d", i);
		assert_string_equal(str(path, "device_type"), "cpu");
		assert_string_equal(str(path, "compatible"), "arm,arm-v8");
		assert_string_equal(str(path, "enable-method"), "psci");
		/* MPIDR_EL1's affinity, bit 31 (RES1) left out */
		assert_int_equal(cell(path, "reg", 1, 0), i);
	}
	assert_true(fdt_path_offset(blob, "/cpus/cpu@2") < 0);

	compat = prop(node("/psci"), "compatible", &len);
	assert_int_equal(fdt_stringlist_search(blob, node("/psci"),
					       "compatible",
					       "arm,psci-0.2") >= 0,
			 1);
	assert_non_null(compat);
	assert_string_equal(str("/psci", "method"), "hvc");
}

static void test_gic_its_timer_uart(void **state)
{
	const char *gic = "/interrupt-controller@8000000";
	const char *its =
		"/interrupt-controller@8000000/msi-controller@8080000";
	static const uint32_t ppis[4] = { 13, 14, 11, 10 };
	int len;

	build(true);
	assert_string_equal(str(gic, "compatible"), "arm,gic-v3");
	assert_int_equal(cell(gic, "#interrupt-cells", 1, 0), 3);
	assert_non_null(
		fdt_getprop(blob, node(gic), "interrupt-controller", &len));
	assert_int_equal(u64_at(gic, "reg", 0), ARM64_GICD_BASE);
	assert_int_equal(u64_at(gic, "reg", 2), ARM64_GICD_SIZE);
	assert_int_equal(u64_at(gic, "reg", 4), ARM64_GICR_BASE);
	assert_int_equal(u64_at(gic, "reg", 6), 2 * ARM64_GICR_STRIDE);
	assert_int_equal(cell(gic, "phandle", 1, 0), ARM64_FDT_PHANDLE_GIC);

	assert_string_equal(str(its, "compatible"), "arm,gic-v3-its");
	assert_non_null(fdt_getprop(blob, node(its), "msi-controller", &len));
	assert_int_equal(cell(its, "#msi-cells", 1, 0), 1);
	assert_int_equal(u64_at(its, "reg", 0), ARM64_GITS_BASE);
	assert_int_equal(u64_at(its, "reg", 2), ARM64_GITS_SIZE);
	assert_int_equal(cell(its, "phandle", 1, 0), ARM64_FDT_PHANDLE_ITS);

	assert_string_equal(str("/timer", "compatible"), "arm,armv8-timer");
	for (int i = 0; i < 4; i++) {
		assert_int_equal(cell("/timer", "interrupts", 12, 3 * i),
				 ARM64_FDT_IRQ_PPI);
		assert_int_equal(cell("/timer", "interrupts", 12, 3 * i + 1),
				 ppis[i]);
	}

	assert_string_equal(str("/serial@9000000", "compatible"), "ns16550a");
	assert_int_equal(u64_at("/serial@9000000", "reg", 0), ARM64_UART_BASE);
	assert_int_equal(cell("/serial@9000000", "interrupts", 3, 0),
			 ARM64_FDT_IRQ_SPI);
	assert_int_equal(cell("/serial@9000000", "interrupts", 3, 1),
			 ARM64_UART_SPI);
	assert_int_equal(cell("/serial@9000000", "interrupts", 3, 2),
			 ARM64_FDT_IRQ_LEVEL_HIGH);
	assert_int_equal(cell("/serial@9000000", "clock-frequency", 1, 0),
			 ARM64_UART_CLOCK);

	/* The verdict page: found by its compatible, at its reg. */
	assert_string_equal(str("/verdict@9010000", "compatible"),
			    "passvm,verdict");
	assert_int_equal(u64_at("/verdict@9010000", "reg", 0),
			 ARM64_VERDICT_BASE);
	assert_int_equal(u64_at("/verdict@9010000", "reg", 2),
			 ARM64_VERDICT_SIZE);
}

static void test_pcie(void **state)
{
	const char *pci = "/pcie@3f000000";
	int len;
	const fdt32_t *imap;

	build(true);
	assert_string_equal(str(pci, "compatible"), "pci-host-ecam-generic");
	assert_string_equal(str(pci, "device_type"), "pci");
	assert_int_equal(cell(pci, "#address-cells", 1, 0), 3);
	assert_int_equal(cell(pci, "#size-cells", 1, 0), 2);
	assert_int_equal(cell(pci, "#interrupt-cells", 1, 0), 1);
	assert_int_equal(u64_at(pci, "reg", 0), ARM64_ECAM_BASE);
	assert_int_equal(u64_at(pci, "reg", 2), ARM64_ECAM_SIZE);
	assert_int_equal(cell(pci, "bus-range", 2, 0), 0);
	assert_int_equal(cell(pci, "bus-range", 2, 1), 0);
	assert_non_null(fdt_getprop(blob, node(pci), "dma-coherent", &len));

	/* ranges: I/O at port 0, MMIO32 1:1, 64-bit prefetchable 1:1 */
	assert_int_equal(cell(pci, "ranges", 21, 0), 0x01000000);
	assert_int_equal(u64_at(pci, "ranges", 1), 0);
	assert_int_equal(u64_at(pci, "ranges", 3), ARM64_PIO_CPU_BASE);
	assert_int_equal(u64_at(pci, "ranges", 5), ARM64_PIO_SIZE);
	assert_int_equal(cell(pci, "ranges", 21, 7), 0x02000000);
	assert_int_equal(u64_at(pci, "ranges", 8), ARM64_MMIO32_BASE);
	assert_int_equal(u64_at(pci, "ranges", 10), ARM64_MMIO32_BASE);
	assert_int_equal(u64_at(pci, "ranges", 12), ARM64_MMIO32_SIZE);
	assert_int_equal(cell(pci, "ranges", 21, 14), 0x43000000);
	assert_int_equal(u64_at(pci, "ranges", 15), 0x8000000000ull);
	assert_int_equal(u64_at(pci, "ranges", 19), 0x8000000000ull);

	assert_int_equal(cell(pci, "interrupt-map-mask", 4, 0), 0x1800);
	assert_int_equal(cell(pci, "interrupt-map-mask", 4, 3), 7);
	imap = prop(node(pci), "interrupt-map", &len);
	assert_int_equal(len, 16 * 10 * 4);
	/* Every slot/pin pair goes to the SPI the PCI bus swizzles it to. */
	for (int e = 0; e < 16; e++) {
		const fdt32_t *x = imap + 10 * e;
		uint32_t slot = fdt32_to_cpu(x[0]) >> 11,
			 pin = fdt32_to_cpu(x[3]);

		assert_true(pin >= 1 && pin <= 4);
		assert_int_equal(fdt32_to_cpu(x[4]), ARM64_FDT_PHANDLE_GIC);
		assert_int_equal(fdt32_to_cpu(x[7]), ARM64_FDT_IRQ_SPI);
		assert_int_equal(fdt32_to_cpu(x[8]),
				 ARM64_PCI_SPI_BASE + (slot + pin - 1) % 4);
		assert_int_equal(fdt32_to_cpu(x[9]), ARM64_FDT_IRQ_LEVEL_HIGH);
	}

	/* Requester ID = ITS DeviceID, for all 64 Ki IDs. */
	assert_int_equal(cell(pci, "msi-map", 4, 0), 0);
	assert_int_equal(cell(pci, "msi-map", 4, 1), ARM64_FDT_PHANDLE_ITS);
	assert_int_equal(cell(pci, "msi-map", 4, 2), 0);
	assert_int_equal(cell(pci, "msi-map", 4, 3), 0x10000);
}

/* Without an ITS the tree names no MSI controller at all. */
static void test_no_its(void **state)
{
	int len;

	build(false);
	assert_true(fdt_path_offset(blob, "/interrupt-controller@8000000/"
					  "msi-controller@8080000") < 0);
	assert_null(fdt_getprop(blob, node("/pcie@3f000000"), "msi-map", &len));
	assert_non_null(fdt_getprop(blob, node("/pcie@3f000000"),
				    "interrupt-map", &len));
}

/* A tree that outgrows its buffer: an error naming the size, no blob. */
static void test_overflow(void **state)
{
	struct arm64_fdt_config c = config(true);
	struct pv_error err = { "" };
	static uint8_t small[1024];

	assert_int_equal(arm64_fdt_build(small, sizeof(small), &c, &err),
			 -E2BIG);
	assert_non_null(strstr(err.msg, "does not fit in its 1024 bytes"));

	c.nr_cpus = 0;
	assert_int_equal(arm64_fdt_build(blob, sizeof(blob), &c, &err),
			 -EINVAL);
	c = config(true);
	c.pci_spi_count = 5;
	assert_int_equal(arm64_fdt_build(blob, sizeof(blob), &c, &err),
			 -EINVAL);
}

/* dtc decompiles the blob, and has nothing to warn about. */
static void test_dtc_clean(void **state)
{
	char path[] = "/tmp/passvm-fdt-XXXXXX", cmd[256], out[4096];
	size_t n;
	FILE *p;
	int fd, st;

	build(true);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, fdt_totalsize(blob)),
			 (ssize_t)fdt_totalsize(blob));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s 2>&1",
		 path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	st = pclose(p);
	unlink(path);
	if (st == 127 << 8 || strstr(out, "not found"))
		fail_msg(
			"no dtc: install device-tree-compiler (tests/lab/install-deps)");
	if (st != 0 || n)
		fail_msg("dtc (status %d) says:\n%s", st, out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_chosen_memory_cpus),
		cmocka_unit_test(test_gic_its_timer_uart),
		cmocka_unit_test(test_pcie),
		cmocka_unit_test(test_no_its),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_dtc_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

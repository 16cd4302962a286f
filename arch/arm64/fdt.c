// SPDX-License-Identifier: GPL-2.0
/*
 * Building the arm64 device tree (arch/arm64/fdt.h) with libfdt's
 * sequential-write API (libfdt.h: fdt_create, fdt_begin_node,
 * fdt_property, fdt_end_node, fdt_finish). Every libfdt call is checked:
 * a tree that outgrows its buffer is an error, never a truncated blob.
 */
#include "arch/arm64/fdt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "arch/arm64/layout.h"

/* PCI bus binding (IEEE 1275 PCI, "ranges" phys.hi): space codes. */
#define PCI_RANGE_IO 0x01000000u
#define PCI_RANGE_MEM32 0x02000000u
#define PCI_RANGE_MEM64_PREF 0x43000000u
#define PCI_RID_MAX 0x10000u /* requester IDs: bus 0..255, devfn 0..255 */
#define IMAP_ENTRY_CELLS 10 /* 3 address + 1 pin + phandle + 2 + 3 */
#define IMAP_CELLS (16 * IMAP_ENTRY_CELLS) /* 4 slots x 4 pins */
#define PROP_MAX_CELLS IMAP_CELLS /* the longest property passvm writes */

/* Each step: stop at the first libfdt error, keeping it in *ret. */
#define FDT(call)                          \
	do {                               \
		if (*ret >= 0) {           \
			int _r = (call);   \
			if (_r < 0)        \
				*ret = _r; \
		}                          \
	} while (0)

static uint32_t hi(uint64_t v)
{
	return (uint32_t)(v >> 32);
}

static uint32_t lo(uint64_t v)
{
	return (uint32_t)v;
}

/* A property of @n 32-bit cells (big-endian in the blob). */
static int prop_cells(void *fdt, const char *name, const uint32_t *cells,
		      unsigned int n)
{
	fdt32_t be[PROP_MAX_CELLS];

	if (n > PROP_MAX_CELLS)
		return -FDT_ERR_BADVALUE; /* a bug here, not a full tree */
	for (unsigned int i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, be, (int)(n * sizeof(be[0])));
}

/* reg = <base size> with #address-cells = #size-cells = 2. */
static int prop_reg2(void *fdt, uint64_t base, uint64_t size)
{
	uint32_t c[4] = { hi(base), lo(base), hi(size), lo(size) };

	return prop_cells(fdt, "reg", c, 4);
}

static void begin_unit(void *fdt, const char *name, uint64_t addr, int *ret)
{
	char n[64];

	snprintf(n, sizeof(n), "%s@%llx", name, (unsigned long long)addr);
	FDT(fdt_begin_node(fdt, n));
}

static void chosen(void *fdt, const struct arm64_fdt_config *c, int *ret)
{
	char path[64];

	FDT(fdt_begin_node(fdt, "chosen"));
	FDT(fdt_property_string(fdt, "bootargs",
				c->bootargs ? c->bootargs : ""));
	snprintf(path, sizeof(path), "/serial@%llx",
		 (unsigned long long)c->uart_base);
	FDT(fdt_property_string(fdt, "stdout-path", path));
	if (c->initrd_end > c->initrd_start) {
		FDT(fdt_property_u64(fdt, "linux,initrd-start",
				     c->initrd_start));
		FDT(fdt_property_u64(fdt, "linux,initrd-end", c->initrd_end));
	}
	FDT(fdt_end_node(fdt));
}

static void memory(void *fdt, const struct arm64_fdt_config *c, int *ret)
{
	uint32_t cells[LAYOUT_MAX_RAM_RANGES * 4];

	for (unsigned int i = 0; i < c->nr_ram; i++) {
		cells[4 * i] = hi(c->ram[i].base);
		cells[4 * i + 1] = lo(c->ram[i].base);
		cells[4 * i + 2] = hi(c->ram[i].size);
		cells[4 * i + 3] = lo(c->ram[i].size);
	}
	begin_unit(fdt, "memory", c->ram[0].base, ret);
	FDT(fdt_property_string(fdt, "device_type", "memory"));
	FDT(prop_cells(fdt, "reg", cells, 4 * c->nr_ram));
	FDT(fdt_end_node(fdt));
}

/* arm/cpus.yaml: reg is MPIDR_EL1's affinity (Aff2..Aff0, one cell). */
static void cpus(void *fdt, const struct arm64_fdt_config *c, int *ret)
{
	FDT(fdt_begin_node(fdt, "cpus"));
	FDT(fdt_property_cell(fdt, "#address-cells", 1));
	FDT(fdt_property_cell(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < c->nr_cpus; i++) {
		uint32_t aff = (uint32_t)(c->mpidr[i] & 0xffffff);

		begin_unit(fdt, "cpu", aff, ret);
		FDT(fdt_property_string(fdt, "device_type", "cpu"));
		FDT(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		FDT(fdt_property_string(fdt, "enable-method", "psci"));
		FDT(fdt_property_cell(fdt, "reg", aff));
		FDT(fdt_end_node(fdt));
	}
	FDT(fdt_end_node(fdt));
}

/* arm/psci.yaml: KVM implements PSCI 1.x (0.2 compatible) over HVC. */
static void psci(void *fdt, int *ret)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";

	FDT(fdt_begin_node(fdt, "psci"));
	FDT(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	FDT(fdt_property_string(fdt, "method", "hvc"));
	FDT(fdt_end_node(fdt));
}

static void gic(void *fdt, const struct arm64_fdt_config *c, int *ret)
{
	uint32_t reg[8] = { hi(c->gicd_base), lo(c->gicd_base),
			    hi(c->gicd_size), lo(c->gicd_size),
			    hi(c->gicr_base), lo(c->gicr_base),
			    hi(c->gicr_size), lo(c->gicr_size) };
	uint32_t maint[3] = { ARM64_FDT_IRQ_PPI, 9, ARM64_FDT_IRQ_LEVEL_HIGH };

	begin_unit(fdt, "interrupt-controller", c->gicd_base, ret);
	FDT(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	FDT(fdt_property_cell(fdt, "#interrupt-cells", 3));
	FDT(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT(fdt_property_cell(fdt, "#address-cells", 2));
	FDT(fdt_property_cell(fdt, "#size-cells", 2));
	FDT(fdt_property(fdt, "ranges", NULL, 0));
	FDT(prop_cells(fdt, "reg", reg, 8));
	FDT(prop_cells(fdt, "interrupts", maint, 3));
	FDT(fdt_property_cell(fdt, "phandle", ARM64_FDT_PHANDLE_GIC));
	if (c->its) {
		begin_unit(fdt, "msi-controller", c->its_base, ret);
		FDT(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
		FDT(fdt_property(fdt, "msi-controller", NULL, 0));
		FDT(fdt_property_cell(fdt, "#msi-cells", 1));
		FDT(prop_reg2(fdt, c->its_base, c->its_size));
		FDT(fdt_property_cell(fdt, "phandle", ARM64_FDT_PHANDLE_ITS));
		FDT(fdt_end_node(fdt));
	}
	FDT(fdt_end_node(fdt));
}

/* timer/arm,arch_timer.yaml: secure, non-secure, virtual, hyp PPIs. */
static void timer(void *fdt, int *ret)
{
	static const uint32_t ppis[4] = { 13, 14, 11, 10 };
	uint32_t irq[12];

	for (int i = 0; i < 4; i++) {
		irq[3 * i] = ARM64_FDT_IRQ_PPI;
		irq[3 * i + 1] = ppis[i];
		irq[3 * i + 2] = ARM64_FDT_IRQ_LEVEL_HIGH;
	}
	FDT(fdt_begin_node(fdt, "timer"));
	FDT(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	FDT(prop_cells(fdt, "interrupts", irq, 12));
	FDT(fdt_end_node(fdt));
}

/* serial/8250.yaml: byte registers (reg-shift 0), level-high SPI. */
static void uart(void *fdt, const struct arm64_fdt_config *c, int *ret)
{
	uint32_t irq[3] = { ARM64_FDT_IRQ_SPI, c->uart_spi,
			    ARM64_FDT_IRQ_LEVEL_HIGH };

	begin_unit(fdt, "serial", c->uart_base, ret);
	FDT(fdt_property_string(fdt, "compatible", "ns16550a"));
	FDT(prop_reg2(fdt, c->uart_base, c->uart_size));
	FDT(prop_cells(fdt, "interrupts", irq, 3));
	FDT(fdt_property_cell(fdt, "clock-frequency", ARM64_UART_CLOCK));
	FDT(fdt_end_node(fdt));
}

/*
 * The verdict register page: passvm's own compatible, which no driver
 * binds, so Linux makes it a platform device whose memory resource is
 * never busy and CONFIG_STRICT_DEVMEM lets /dev/mem map the page.
 */
static void verdict(void *fdt, const struct arm64_fdt_config *c, int *ret)
{
	if (!c->verdict_size)
		return;
	begin_unit(fdt, "verdict", c->verdict_base, ret);
	FDT(fdt_property_string(fdt, "compatible", "passvm,verdict"));
	FDT(prop_reg2(fdt, c->verdict_base, c->verdict_size));
	FDT(fdt_end_node(fdt));
}

/*
 * pci/host-generic-pci.yaml: ECAM, the windows, INTx through
 * interrupt-map (slot bits of the devfn and the pin select one of
 * pci_spi_count SPIs, swizzled as the PCI-to-PCI bridge spec's
 * (slot + pin - 1) % 4), MSIs through msi-map (requester ID = ITS
 * DeviceID).
 */
static void pci(void *fdt, const struct arm64_fdt_config *c, int *ret)
{
	uint32_t ranges[3 * 7], imap[IMAP_CELLS], n = 0, m = 0;
	uint32_t bus_end = (uint32_t)(c->ecam_size >> 20) - 1;
	uint32_t mask[4] = { 0x1800, 0, 0, 7 };
	uint32_t busr[2] = { 0, bus_end };

	if (c->pio_size) {
		uint32_t r[7] = { PCI_RANGE_IO,
				  0,
				  0,
				  hi(c->pio_cpu_base),
				  lo(c->pio_cpu_base),
				  hi(c->pio_size),
				  lo(c->pio_size) };

		memcpy(ranges + n, r, sizeof(r));
		n += 7;
	}
	{
		uint32_t r[7] = { PCI_RANGE_MEM32,    hi(c->mmio32_base),
				  lo(c->mmio32_base), hi(c->mmio32_base),
				  lo(c->mmio32_base), hi(c->mmio32_size),
				  lo(c->mmio32_size) };

		memcpy(ranges + n, r, sizeof(r));
		n += 7;
	}
	if (c->mmio64_size) {
		uint32_t r[7] = { PCI_RANGE_MEM64_PREF, hi(c->mmio64_base),
				  lo(c->mmio64_base),	hi(c->mmio64_base),
				  lo(c->mmio64_base),	hi(c->mmio64_size),
				  lo(c->mmio64_size) };

		memcpy(ranges + n, r, sizeof(r));
		n += 7;
	}
	/* 4 slots (the mask keeps the low 2 slot bits) x 4 pins. */
	for (uint32_t slot = 0; slot < 4; slot++) {
		for (uint32_t pin = 1; pin <= 4; pin++) {
			uint32_t e[IMAP_ENTRY_CELLS] = {
				slot << 11,
				0,
				0,
				pin,
				ARM64_FDT_PHANDLE_GIC,
				0,
				0,
				ARM64_FDT_IRQ_SPI,
				c->pci_spi_base +
					(slot + pin - 1) % c->pci_spi_count,
				ARM64_FDT_IRQ_LEVEL_HIGH,
			};

			memcpy(imap + m, e, sizeof(e));
			m += IMAP_ENTRY_CELLS;
		}
	}
	begin_unit(fdt, "pcie", c->ecam_base, ret);
	FDT(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	FDT(fdt_property_string(fdt, "device_type", "pci"));
	FDT(fdt_property_cell(fdt, "#address-cells", 3));
	FDT(fdt_property_cell(fdt, "#size-cells", 2));
	FDT(fdt_property_cell(fdt, "#interrupt-cells", 1));
	FDT(prop_reg2(fdt, c->ecam_base, c->ecam_size));
	FDT(prop_cells(fdt, "bus-range", busr, 2));
	FDT(prop_cells(fdt, "ranges", ranges, n));
	FDT(fdt_property(fdt, "dma-coherent", NULL, 0));
	FDT(prop_cells(fdt, "interrupt-map-mask", mask, 4));
	FDT(prop_cells(fdt, "interrupt-map", imap, m));
	if (c->its) {
		uint32_t map[4] = { 0, ARM64_FDT_PHANDLE_ITS, 0, PCI_RID_MAX };

		FDT(prop_cells(fdt, "msi-map", map, 4));
	}
	FDT(fdt_end_node(fdt));
}

int arm64_fdt_build(void *buf, size_t size, const struct arm64_fdt_config *c,
		    struct pv_error *err)
{
	int r = 0, *ret = &r;

	if (!c->nr_cpus || !c->mpidr || !c->nr_ram || !c->ram ||
	    c->nr_ram > LAYOUT_MAX_RAM_RANGES || !c->pci_spi_count ||
	    c->pci_spi_count > 4 || c->ecam_size < SZ_1M ||
	    c->ecam_size > 256 * SZ_1M)
		return pv_seterr(err, EINVAL,
				 "device tree: bad description (%u vCPUs, %u "
				 "RAM ranges, %u PCI SPIs, ECAM 0x%llx bytes)",
				 c->nr_cpus, c->nr_ram, c->pci_spi_count,
				 (unsigned long long)c->ecam_size);
	if (size > INT32_MAX)
		size = INT32_MAX;
	FDT(fdt_create(buf, (int)size));
	FDT(fdt_finish_reservemap(buf));
	FDT(fdt_begin_node(buf, ""));
	FDT(fdt_property_string(buf, "compatible", "linux,dummy-virt"));
	FDT(fdt_property_string(buf, "model", "passvm"));
	FDT(fdt_property_cell(buf, "#address-cells", 2));
	FDT(fdt_property_cell(buf, "#size-cells", 2));
	FDT(fdt_property_cell(buf, "interrupt-parent", ARM64_FDT_PHANDLE_GIC));
	chosen(buf, c, ret);
	memory(buf, c, ret);
	cpus(buf, c, ret);
	psci(buf, ret);
	gic(buf, c, ret);
	timer(buf, ret);
	uart(buf, c, ret);
	verdict(buf, c, ret);
	pci(buf, c, ret);
	FDT(fdt_end_node(buf));
	FDT(fdt_finish(buf));
	if (r == -FDT_ERR_NOSPACE)
		return pv_seterr(err, E2BIG,
				 "the device tree does not fit in its %zu "
				 "bytes (%u vCPUs, a %zu-byte command line): "
				 "give fewer --cpus or a shorter --cmdline",
				 size, c->nr_cpus,
				 c->bootargs ? strlen(c->bootargs) : 0);
	if (r < 0)
		return pv_seterr(err, EINVAL, "building the device tree: %s",
				 fdt_strerror(r));
	return 0;
}

struct arm64_fdt_config arm64_fdt_platform(unsigned int nr_cpus, bool its)
{
	return (struct arm64_fdt_config){
		.nr_cpus = nr_cpus,
		.gicd_base = ARM64_GICD_BASE,
		.gicd_size = ARM64_GICD_SIZE,
		.gicr_base = ARM64_GICR_BASE,
		.gicr_size = ARM64_GICR_STRIDE * nr_cpus,
		.its = its,
		.its_base = ARM64_GITS_BASE,
		.its_size = ARM64_GITS_SIZE,
		.uart_base = ARM64_UART_BASE,
		.uart_size = ARM64_UART_SIZE,
		.uart_spi = ARM64_UART_SPI,
		.verdict_base = ARM64_VERDICT_BASE,
		.verdict_size = ARM64_VERDICT_SIZE,
		.ecam_base = ARM64_ECAM_BASE,
		.ecam_size = ARM64_ECAM_SIZE,
		.pio_cpu_base = ARM64_PIO_CPU_BASE,
		.pio_size = ARM64_PIO_SIZE,
		.mmio32_base = ARM64_MMIO32_BASE,
		.mmio32_size = ARM64_MMIO32_SIZE,
		.pci_spi_base = ARM64_PCI_SPI_BASE,
		.pci_spi_count = ARM64_PCI_SPI_COUNT,
	};
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI tables for the microVM, written straight into guest RAM. Layouts
 * follow the ACPI 6.4 specification; section numbers below refer to it.
 */
#include "firmware/acpi.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "arch/x86/layout.h"

/* dsdt.asl reads these copies of layout.h values. */
static_assert(ACPI_MMIO32_BASE == LAYOUT_MMIO32_BASE, "dsdt: mmio32 base");
static_assert(ACPI_MMIO32_SIZE == LAYOUT_MMIO32_SIZE, "dsdt: mmio32 size");
static_assert(ACPI_MMIO32_END == LAYOUT_MMIO32_BASE + LAYOUT_MMIO32_SIZE - 1,
	      "dsdt: mmio32 end");
static_assert(ACPI_ECAM_BASE == LAYOUT_ECAM_BASE, "dsdt: ecam base");
static_assert(ACPI_ECAM_SIZE == LAYOUT_ECAM_SIZE, "dsdt: ecam size");
static_assert(ACPI_PM_BASE == LAYOUT_PIO_ACPI_PM, "dsdt: pm base");
static_assert(ACPI_RESET_PORT == LAYOUT_PIO_RESET, "dsdt: reset port");
static_assert(ACPI_VERDICT_BASE == LAYOUT_VERDICT_BASE, "dsdt: verdict base");
static_assert(ACPI_VERDICT_SIZE == LAYOUT_VERDICT_SIZE, "dsdt: verdict size");
static_assert(LAYOUT_VERDICT_BASE >= LAYOUT_ECAM_BASE + LAYOUT_ECAM_SIZE &&
		      LAYOUT_VERDICT_BASE + LAYOUT_VERDICT_SIZE <=
			      LAYOUT_IOAPIC_BASE,
	      "verdict page between the ECAM and the IOAPIC");
static_assert(ACPI_TABLES_GPA + ACPI_TABLES_SIZE <= ACPI_PARAMS_GPA,
	      "tables overlap the parameter block");
static_assert(ACPI_PARAMS_GPA + ACPI_PARAMS_SIZE <= SZ_1M,
	      "parameter block above 1 MiB");

#define ACPI_OEM_ID "PASSVM"
#define ACPI_OEM_TABLE_ID "PASSVM  "
#define ACPI_CREATOR_ID "PSVM"

/* Sec. 5.2.5.3: Root System Description Pointer, revision 2. */
struct acpi_rsdp {
	char signature[8];
	uint8_t checksum; /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_addr;
	uint32_t length;
	uint64_t xsdt_addr;
	uint8_t ext_checksum; /* over all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));
static_assert(sizeof(struct acpi_rsdp) == 36, "rsdp");
static_assert(offsetof(struct acpi_rsdp, xsdt_addr) == 24, "rsdp");

/* Sec. 5.2.6: System Description Table Header. */
struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));
static_assert(sizeof(struct acpi_header) == 36, "header");

/* Sec. 5.2.3.2: Generic Address Structure. */
struct acpi_gas {
	uint8_t space_id; /* 0 memory, 1 I/O */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size; /* 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} __attribute__((packed));
static_assert(sizeof(struct acpi_gas) == 12, "gas");

#define ACPI_GAS_IO 1
#define ACPI_ACCESS_BYTE 1
#define ACPI_ACCESS_WORD 2

/* Sec. 5.2.9: Fixed ACPI Description Table, revision 6. */
struct acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __attribute__((packed));
static_assert(sizeof(struct acpi_fadt) == 276, "fadt");
static_assert(offsetof(struct acpi_fadt, sci_int) == 46, "fadt");
static_assert(offsetof(struct acpi_fadt, pm1a_evt_blk) == 56, "fadt");
static_assert(offsetof(struct acpi_fadt, pm1_evt_len) == 88, "fadt");
static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "fadt");
static_assert(offsetof(struct acpi_fadt, flags) == 112, "fadt");
static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "fadt");
static_assert(offsetof(struct acpi_fadt, x_firmware_ctrl) == 132, "fadt");
static_assert(offsetof(struct acpi_fadt, x_pm1a_evt_blk) == 148, "fadt");
static_assert(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "fadt");
static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 244, "fadt");

/* FADT Flags (sec. 5.2.9, table 5.10). */
#define FADT_F_WBINVD (1u << 0)
#define FADT_F_PROC_C1 (1u << 2)
#define FADT_F_PWR_BUTTON (1u << 4) /* no fixed power button (unused) */
#define FADT_F_SLP_BUTTON (1u << 5) /* no fixed sleep button */
#define FADT_F_RESET_REG_SUP (1u << 10)
/* IA-PC Boot Architecture Flags (sec. 5.2.9.3). 8042 (bit 1) stays clear. */
#define FADT_BOOT_VGA_NOT_PRESENT (1u << 2)
#define FADT_BOOT_PCIE_ASPM_CONTROLS (1u << 4)

/* Sec. 5.2.10: Firmware ACPI Control Structure, 64-byte aligned. */
struct acpi_facs {
	char signature[4];
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t x_firmware_waking_vector;
	uint8_t version;
	uint8_t reserved0[3];
	uint32_t ospm_flags;
	uint8_t reserved1[24];
} __attribute__((packed));
static_assert(sizeof(struct acpi_facs) == 64, "facs");

/* Sec. 5.2.12: Multiple APIC Description Table. */
struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_addr;
	uint32_t flags; /* PCAT_COMPAT */
} __attribute__((packed));
static_assert(sizeof(struct acpi_madt) == 44, "madt");

#define MADT_PCAT_COMPAT 1u
#define MADT_TYPE_LAPIC 0
#define MADT_TYPE_IOAPIC 1
#define MADT_TYPE_ISO 2
#define MADT_TYPE_LAPIC_NMI 4

struct madt_lapic { /* sec. 5.2.12.2 */
	uint8_t type, length, uid, apic_id;
	uint32_t flags; /* bit 0: Enabled */
} __attribute__((packed));
static_assert(sizeof(struct madt_lapic) == 8, "madt lapic");

struct madt_ioapic { /* sec. 5.2.12.3 */
	uint8_t type, length, id, reserved;
	uint32_t addr;
	uint32_t gsi_base;
} __attribute__((packed));
static_assert(sizeof(struct madt_ioapic) == 12, "madt ioapic");

struct madt_iso { /* sec. 5.2.12.5 */
	uint8_t type, length, bus, source;
	uint32_t gsi;
	uint16_t flags; /* MPS INTI flags */
} __attribute__((packed));
static_assert(sizeof(struct madt_iso) == 10, "madt iso");

struct madt_lapic_nmi { /* sec. 5.2.12.7 */
	uint8_t type, length, uid;
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));
static_assert(sizeof(struct madt_lapic_nmi) == 6, "madt nmi");

/* MPS INTI flags (table 5.25): polarity bits 1:0, trigger bits 3:2. */
#define MPS_ACTIVE_HIGH 0x1
#define MPS_EDGE (0x1 << 2)
#define MPS_LEVEL (0x3 << 2)

/* PCI Firmware Specification 3.2, sec. 4.1.2: MCFG. */
struct acpi_mcfg {
	struct acpi_header h;
	uint8_t reserved[8];
	uint64_t base;
	uint16_t segment;
	uint8_t start_bus, end_bus;
	uint32_t reserved1;
} __attribute__((packed));
static_assert(sizeof(struct acpi_mcfg) == 60, "mcfg");

/*
 * acpi_checksum() - sec. 5.2.6 checksum: the byte that, stored in the
 * table, makes all @len bytes at @data sum to 0 (mod 256).
 */
uint8_t acpi_checksum(const void *data, uint32_t len)
{
	const uint8_t *p = data;
	uint8_t sum = 0;
	uint32_t i;

	for (i = 0; i < len; i++)
		sum += p[i];
	return (uint8_t)-sum;
}

/* Bump allocator over the table area; GPAs and HVAs move together. */
struct acpi_area {
	uint8_t *ram;
	uint64_t next; /* GPA */
	uint64_t end; /* GPA */
};

/* Reserve @len bytes aligned to @align; 0 when the area is full. */
static uint64_t area_alloc(struct acpi_area *a, uint32_t len, uint32_t align)
{
	uint64_t gpa = (a->next + align - 1) & ~(uint64_t)(align - 1);

	if (gpa + len > a->end)
		return 0;
	a->next = gpa + len;
	memset(a->ram + gpa, 0, len);
	return gpa;
}

static void fill_header(struct acpi_header *h, const char *sig, uint32_t len,
			uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, ACPI_CREATOR_ID, 4);
	h->creator_revision = 1;
}

/* Set the checksum of the table at @h (length from its header). */
static void seal(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = acpi_checksum(h, h->length);
}

static struct acpi_gas gas_io(uint16_t port, uint8_t bits, uint8_t access)
{
	struct acpi_gas g = {
		.space_id = ACPI_GAS_IO,
		.bit_width = bits,
		.access_size = access,
		.address = port,
	};

	return g;
}

static void build_fadt(struct acpi_fadt *f, const struct acpi_config *c,
		       uint64_t facs, uint64_t dsdt)
{
	fill_header(&f->h, "FACP", sizeof(*f), 6);
	f->firmware_ctrl = (uint32_t)facs;
	f->dsdt = (uint32_t)dsdt;
	f->preferred_pm_profile = 0; /* unspecified */
	f->sci_int = c->sci_irq;
	f->smi_cmd = 0; /* no SMM: the OS finds the machine in ACPI mode */
	f->pm1a_evt_blk = c->pm_base;
	f->pm1a_cnt_blk = c->pm_base + 4u;
	f->pm1_evt_len = 4;
	f->pm1_cnt_len = 2;
	/* No PM timer, no GPE blocks, no C2/C3 (latencies above the max). */
	f->p_lvl2_lat = 101;
	f->p_lvl3_lat = 1001;
	f->iapc_boot_arch =
		FADT_BOOT_VGA_NOT_PRESENT | FADT_BOOT_PCIE_ASPM_CONTROLS;
	/*
	 * PWR_BUTTON clear: the power button is the fixed-feature one in the
	 * PM1 block (sec. 4.8.2.2.1.1), pressed by --timeout.
	 */
	f->flags = FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON |
		   FADT_F_RESET_REG_SUP;
	f->reset_reg = gas_io(c->reset_port, 8, ACPI_ACCESS_BYTE);
	f->reset_value = ACPI_RESET_VALUE;
	f->minor_version = 4; /* ACPI 6.4 */
	f->x_firmware_ctrl = facs;
	f->x_dsdt = dsdt;
	f->x_pm1a_evt_blk = gas_io(c->pm_base, 32, ACPI_ACCESS_WORD);
	f->x_pm1a_cnt_blk = gas_io(c->pm_base + 4u, 16, ACPI_ACCESS_WORD);
	seal(&f->h);
}

/* Bytes of the MADT for @nr_cpus Local APICs. */
static uint32_t madt_size(unsigned int nr_cpus)
{
	return sizeof(struct acpi_madt) + nr_cpus * sizeof(struct madt_lapic) +
	       sizeof(struct madt_ioapic) + sizeof(struct madt_iso) +
	       sizeof(struct madt_lapic_nmi);
}

/* Build the MADT at HVA @p, madt_size() bytes (sec. 5.2.12). */
static void build_madt(uint8_t *p, const struct acpi_config *c)
{
	struct acpi_madt *m = (struct acpi_madt *)p;
	uint32_t len = madt_size(c->nr_cpus);
	uint32_t off = sizeof(*m);
	struct madt_lapic_nmi nmi = {
		.type = MADT_TYPE_LAPIC_NMI,
		.length = sizeof(nmi),
		.uid = 0xff, /* all processors */
		.flags = MPS_ACTIVE_HIGH | MPS_EDGE,
		.lint = 1,
	};
	struct madt_ioapic io = {
		.type = MADT_TYPE_IOAPIC,
		.length = sizeof(io),
		.id = c->ioapic_id,
		.addr = c->ioapic_addr,
		.gsi_base = 0,
	};
	/* SCI: IRQ 9, level, active high; IRQ 0 stays identity (PIT). */
	struct madt_iso iso = {
		.type = MADT_TYPE_ISO,
		.length = sizeof(iso),
		.bus = 0,
		.source = 9,
		.gsi = 9,
		.flags = MPS_ACTIVE_HIGH | MPS_LEVEL,
	};
	unsigned int i;

	fill_header(&m->h, "APIC", len, 5);
	m->lapic_addr = c->lapic_addr;
	m->flags = MADT_PCAT_COMPAT;
	for (i = 0; i < c->nr_cpus; i++) {
		struct madt_lapic l = {
			.type = MADT_TYPE_LAPIC,
			.length = sizeof(l),
			.uid = (uint8_t)i,
			.apic_id = (uint8_t)i,
			.flags = 1,
		};

		memcpy(p + off, &l, sizeof(l));
		off += sizeof(l);
	}
	memcpy(p + off, &io, sizeof(io));
	off += sizeof(io);
	memcpy(p + off, &iso, sizeof(iso));
	off += sizeof(iso);
	memcpy(p + off, &nmi, sizeof(nmi));
	seal(&m->h);
}

static void build_mcfg(struct acpi_mcfg *m, const struct acpi_config *c)
{
	fill_header(&m->h, "MCFG", sizeof(*m), 1);
	m->base = c->ecam_base;
	m->segment = 0;
	m->start_bus = 0;
	m->end_bus = c->ecam_end_bus;
	seal(&m->h);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * acpi_build() - lay the tables out from ACPI_TABLES_GPA upwards: RSDP
 * (sec. 5.2.5), XSDT (5.2.8) -> FADT (5.2.9), MADT (5.2.12), MCFG (PCI
 * Firmware 3.2 sec. 4.1.2); the FADT points at the FACS (5.2.10, 64-byte
 * aligned) and the DSDT (5.2.11.1). @ram is the HVA of GPA 0, owned by the
 * caller and covering at least 1 MiB; every address stored in a table is a
 * GPA. The 16-byte parameter block at ACPI_PARAMS_GPA gets the 64-bit
 * window (base GPA, size in bytes) for dsdt.asl.
 * Errors: -EINVAL (nr_cpus 0 or > 255, DSDT blob broken), -E2BIG (tables
 * larger than ACPI_TABLES_SIZE); message in @err, nothing returned in
 * *rsdp_gpa then.
 */
int acpi_build(uint8_t *ram, const struct acpi_config *c, uint64_t *rsdp_gpa,
	       struct pv_error *err)
{
	const uint32_t nr_xsdt = 3; /* FADT, MADT, MCFG */
	uint32_t dsdt_len = (uint32_t)(dsdt_aml_end - dsdt_aml);
	uint32_t xsdt_len = sizeof(struct acpi_header) + 8 * nr_xsdt;
	struct acpi_area a = {
		.ram = ram,
		.next = ACPI_TABLES_GPA,
		.end = ACPI_TABLES_GPA + ACPI_TABLES_SIZE,
	};
	uint64_t rsdp, xsdt, fadt, facs, dsdt, madt, mcfg;
	struct acpi_header *xh;
	struct acpi_facs *fs;
	struct acpi_rsdp *r;
	uint64_t ptrs[3];
	uint32_t i;

	if (c->nr_cpus == 0 || c->nr_cpus > 255)
		return pv_seterr(err, EINVAL,
				 "%u vCPUs cannot be described with xAPIC IDs: "
				 "use 1 to 255 vCPUs",
				 c->nr_cpus);
	if (dsdt_len < sizeof(struct acpi_header) ||
	    memcmp(dsdt_aml, "DSDT", 4))
		return pv_seterr(err, EINVAL,
				 "built-in DSDT is not an ACPI table: rebuild "
				 "build/gen/dsdt.aml with iasl");

	rsdp = area_alloc(&a, sizeof(struct acpi_rsdp), 16);
	xsdt = area_alloc(&a, xsdt_len, 16);
	fadt = area_alloc(&a, sizeof(struct acpi_fadt), 16);
	facs = area_alloc(&a, sizeof(struct acpi_facs), 64);
	dsdt = area_alloc(&a, dsdt_len, 16);
	madt = area_alloc(&a, madt_size(c->nr_cpus), 16);
	mcfg = area_alloc(&a, sizeof(struct acpi_mcfg), 16);
	if (!rsdp || !xsdt || !fadt || !facs || !dsdt || !madt || !mcfg)
		return pv_seterr(err, E2BIG,
				 "ACPI tables need more than the %u bytes at "
				 "0x%x (DSDT is %u bytes, %u vCPUs): shrink "
				 "the DSDT or give fewer vCPUs",
				 ACPI_TABLES_SIZE, ACPI_TABLES_GPA, dsdt_len,
				 c->nr_cpus);

	/* DSDT: the iasl output as is; re-sealed in case it was patched. */
	memcpy(ram + dsdt, dsdt_aml, dsdt_len);
	seal((struct acpi_header *)(ram + dsdt));

	fs = (struct acpi_facs *)(ram + facs);
	memcpy(fs->signature, "FACS", 4);
	fs->length = sizeof(*fs);
	fs->version = 2;

	build_fadt((struct acpi_fadt *)(ram + fadt), c, facs, dsdt);
	build_madt(ram + madt, c);
	build_mcfg((struct acpi_mcfg *)(ram + mcfg), c);

	xh = (struct acpi_header *)(ram + xsdt);
	fill_header(xh, "XSDT", xsdt_len, 1);
	ptrs[0] = fadt;
	ptrs[1] = madt;
	ptrs[2] = mcfg;
	for (i = 0; i < nr_xsdt; i++)
		put_le64(ram + xsdt + sizeof(*xh) + 8 * i, ptrs[i]);
	seal(xh);

	r = (struct acpi_rsdp *)(ram + rsdp);
	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, ACPI_OEM_ID, 6);
	r->revision = 2;
	r->rsdt_addr = 0; /* XSDT only */
	r->length = sizeof(*r);
	r->xsdt_addr = xsdt;
	r->checksum = acpi_checksum(r, 20);
	r->ext_checksum = acpi_checksum(r, sizeof(*r));

	/* The parameter block read by \_SB.PCI0._CRS (dsdt.asl). */
	put_le64(ram + ACPI_PARAMS_GPA, c->mmio64_base);
	put_le64(ram + ACPI_PARAMS_GPA + 8, c->mmio64_size);

	*rsdp_gpa = rsdp;
	pv_trace(TRACE_BOOT,
		 "acpi: RSDP at 0x%llx, %u bytes of tables, %u CPUs, "
		 "64-bit window 0x%llx+0x%llx",
		 (unsigned long long)rsdp,
		 (unsigned int)(a.next - ACPI_TABLES_GPA), c->nr_cpus,
		 (unsigned long long)c->mmio64_base,
		 (unsigned long long)c->mmio64_size);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the vfio-pci model (vfio/) on the PCI core (devices/pci*)
 * with the fake VFIO device of tests/unit/fake_vfio.c, as a hostile
 * device and a hostile guest see it. The input first describes the
 * device, then is a sequence of guest accesses through the VMM's buses
 * (vmm/bus.c): CF8/CFC and ECAM config accesses of every size and offset,
 * trapped BAR and MSI-X table/PBA accesses of every size and alignment
 * (an access that a memslot covers goes to the mapping, as KVM would),
 * decode toggles, BAR moves and sizing, interrupts fired by the device,
 * failures of VFIO, KVM and the memory listeners.
 *
 * Input (little-endian; past its end everything reads 0):
 *   u8 mode     bit 0 trace; bit 1 decode on at start (firmware); bit 2
 *               a second (emulated) device on the bus; bit 3 MSI-X cannot
 *               grow in VFIO; bit 4 MSI-X NORESIZE; bit 5 not a PCI
 *               device; bit 6 raw region-info capabilities for one
 *               region (below); bit 7 the VM tags MSIs with the
 *               requester ID (vfio_pci_use_devid(), arm64's ITS)
 *   u8 fail     VFIO failures: bit 0 SET_IRQS, bit 1 mmap, bit 2 config
 *               read at init, bit 3 GET_IRQ_INFO, bit 4 GET_REGION_INFO
 *               of the BARs, bit 5 GET_INFO, bit 6 GET_REGION_INFO of
 *               the config region
 *   u8 gsis     MSI routes KVM offers: 0 = 1000, else 24 + N
 *   u16 cfgsz   config region bytes: 0 = 4096, else N % 4097
 *   u8 nchunks  then each: u16 offset (% 4096), u8 length (0 = 256), bytes:
 *               the config-space image (capability chains included)
 *   7 regions   BAR0-5, ROM: u8 size (0 none; bits 0-5 log2, capped at
 *               38; bit 6 one and a half times that), u8 flags (bit 0
 *               READ, 1 WRITE, 2 MMAP, 3 MSIX_MAPPABLE, bits 4-7 sparse
 *               areas), then per area u8 shift, u32 offset, u32 size
 *               (each << shift)
 *   u8 intx, u8 msi, u16 msix   VFIO IRQ counts
 *   [mode bit 6] u8 region, u8 n, n bytes: that region's capability
 *               chain as GET_REGION_INFO returns it (cap_offset 32)
 *   [mode bit 2] u8 x3: the emulated device's BAR sizes (log2; 0 none);
 *               u8 slot (0: DUMMY_SLOT, 1: the first free one, 2: the
 *               model's, which is then refused, 3, 4: out of range),
 *               u8 x3 a BAR the core must refuse or take (index % 8
 *               minus 1, type % 5, log2 size % 64 with 63 meaning 3
 *               bytes), u8 INTx: GSI count for pci_bus_set_intx() in
 *               bits 0-2 (0: the default), pin (bits 3-7) % 6; u8 log2
 *               BAR alignment (pci_bus_set_bar_align)
 *   then steps: u8 op and its arguments (see step()).
 *
 * Invariants, after every step: pci_check_bus() (BARs in their windows,
 * mapped BARs over nothing); the memory map holds exactly the mapped BAR
 * pieces, at their BAR's address, and no MEM_REGION_MMIO region or mmap
 * covers a page of the MSI-X table or PBA (read back from the capability
 * the guest sees); the capability lists the guest sees have no loop;
 * every vector with an eventfd has a GSI and the router holds exactly
 * those, irqfds are what the vectors say, open fds are exactly the live
 * eventfds; VFIO gets only open eventfds; device accesses stay inside
 * their region; no config write reaches the device's BAR, ROM or
 * interrupt-line registers and no MSI-X table or PBA write reaches the
 * device; the interrupt kinds the model reports are the ones it set up.
 * After teardown (vfio_pci_stop_dma: Bus Master off in the device;
 * pci_bus_remove, vfio_pci_quiesce, vfio_pci_fini): no GSI, irqfd,
 * eventfd, memslot or mmap left, every VFIO interrupt off.
 */
/* FUZZ-TARGETS: devices/pci.c devices/pci_decode.c devices/pci_io.c */
/* FUZZ-TARGETS: devices/pci_cap.c vfio/vfio_pci.c vfio/pci_config.c */
/* FUZZ-TARGETS: vfio/pci_bar.c vfio/pci_msix.c vfio/pci_irq.c */
/* FUZZ-OPTIONS: -max_len=8192 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "fake_vfio.h"
#include "fuzz.h"
#include "glue.h"
#include "arch/x86/layout.h"
#include "pci_check.h"
#include "util/range.h"
#include "vmm/bus.h"

#define MMIO64_BASE 0x1000000000ull
#define MMIO64_SIZE 0x1000000000ull
#define RAM_HVA ((void *)0x100000000000ull) /* never dereferenced */
#define SLOT 3
#define DUMMY_SLOT 5
#define CFG_IDX VFIO_PCI_CONFIG_REGION_INDEX
#define MAX_BAR_LOG2 38

static struct fake_vfio fv;
static struct vfio_dev_io fio; /* the fake's own */
static struct glue_irq gi;
static struct irq_router router;
static struct mem_map mem;
static struct pci_bus bus;
static struct vfio_pci vp;
static struct pci_dev dummy;
static struct bus pio, mmio;
static long pg;

/* What the harness injects and tracks at the VFIO boundary. */
static struct {
	uint8_t mode, fail;
	int raw_region; /* -1 none */
	uint8_t raw[256];
	size_t raw_len;
	unsigned int mmaps; /* live "mmaps" of the device fd */
	unsigned int listener_fail; /* next N region_add fail */
	uint32_t live[VFIO_PCI_NUM_IRQS]; /* trigger eventfds enabled */
} h;

/* ------------------------------------------------------------------ */
/* The VFIO device fd, checked                                         */

static uint64_t region_size(unsigned int idx)
{
	return idx < FAKE_NR_REGIONS ? fv.regions[idx].size : 0;
}

static void split(uint64_t off, unsigned int *idx, uint64_t *o)
{
	*idx = (unsigned int)(off >> FAKE_REGION_SHIFT);
	*o = off & ((1ull << FAKE_REGION_SHIFT) - 1);
}

/* The MSI-X table and PBA (as the model placed them) in region @idx. */
static bool touches_msix(unsigned int idx, uint64_t o, uint64_t len, bool pages)
{
	uint64_t m = pages ? (uint64_t)pg - 1 : 0;
	uint64_t ts, te, ps, pe;

	if (!vp.msix_cap || !len)
		return false;
	ts = vp.msix.table_off & ~m;
	te = ((uint64_t)vp.msix.table_off + vp.msix.table_size + m) & ~m;
	ps = vp.msix.pba_off & ~m;
	pe = ((uint64_t)vp.msix.pba_off + vp.msix.pba_size + m) & ~m;
	return (idx == vp.msix.table_bir &&
		range_overlaps(o, len, ts, te - ts)) ||
	       (idx == vp.msix.pba_bir && range_overlaps(o, len, ps, pe - ps));
}

static void check_io(uint64_t off, size_t len, const char *what)
{
	unsigned int idx;
	uint64_t o;

	split(off, &idx, &o);
	FZ_CHECK(idx < FAKE_NR_REGIONS && len &&
			 range_contains(0, region_size(idx), o, len),
		 "%s of %zu bytes at region %u + 0x%llx (size 0x%llx)", what,
		 len, idx, (unsigned long long)o,
		 (unsigned long long)region_size(idx));
}

static ssize_t h_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	check_io(off, len, "pread");
	if ((h.fail & 4) && !vp.pdev.bus && off >> FAKE_REGION_SHIFT == CFG_IDX)
		return -EIO;
	return fio.pread(ctx, buf, len, off);
}

static ssize_t h_pwrite(void *ctx, const void *buf, size_t len, uint64_t off)
{
	unsigned int idx;
	uint64_t o;

	check_io(off, len, "pwrite");
	split(off, &idx, &o);
	if (idx == CFG_IDX) {
		/* BARs, ROM BAR, capability pointer and line are ours. */
		FZ_CHECK(
			!range_overlaps(o, len, PCI_BASE_ADDRESS_0, 24) &&
				!range_overlaps(o, len, PCI_ROM_ADDRESS, 4) &&
				!range_overlaps(o, len, PCI_INTERRUPT_LINE, 1),
			"config write of %zu bytes at 0x%llx reached the device",
			len, (unsigned long long)o);
	} else {
		FZ_CHECK(
			!touches_msix(idx, o, len, false),
			"a write to the MSI-X table/PBA reached the device (BAR%u+0x%llx)",
			idx, (unsigned long long)o);
	}
	return fio.pwrite(ctx, buf, len, off);
}

static void *h_mmap(void *ctx, uint64_t off, size_t len, int prot)
{
	unsigned int idx;
	uint64_t o;
	void *p;

	check_io(off, len, "mmap");
	split(off, &idx, &o);
	FZ_CHECK(!(o % (uint64_t)pg) && !(len % (size_t)pg),
		 "mmap of 0x%zx bytes at BAR%u+0x%llx: not whole pages", len,
		 idx, (unsigned long long)o);
	FZ_CHECK(!touches_msix(idx, o, len, true),
		 "mmap of BAR%u+0x%llx (0x%zx bytes) covers an MSI-X page", idx,
		 (unsigned long long)o, len);
	if (h.fail & 2) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	p = fio.mmap(ctx, off, len, prot);
	if (p != MAP_FAILED)
		h.mmaps++;
	return p;
}

static void h_munmap(void *ctx, void *addr, size_t len)
{
	FZ_CHECK(h.mmaps, "munmap without an mmap");
	h.mmaps--;
	fio.munmap(ctx, addr, len);
}

static int set_irqs(void *ctx, struct vfio_irq_set *s)
{
	bool trigger = s->flags & VFIO_IRQ_SET_ACTION_TRIGGER;
	int ret;

	FZ_CHECK(s->argsz >= sizeof(*s), "SET_IRQS argsz %u", s->argsz);
	if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		const int32_t *fds = (const int32_t *)s->data;

		FZ_CHECK(s->argsz >= sizeof(*s) + s->count * sizeof(int32_t),
			 "SET_IRQS argsz %u for %u fds", s->argsz, s->count);
		for (uint32_t i = 0; i < s->count; i++)
			FZ_CHECK(fds[i] == -1 || fuzz_fd_open(fds[i]),
				 "SET_IRQS index %u hands VFIO closed fd %d",
				 s->index, fds[i]);
	}
	if ((h.fail & 1) && (s->flags & VFIO_IRQ_SET_DATA_EVENTFD))
		return -EINVAL;
	ret = fio.ioctl(ctx, VFIO_DEVICE_SET_IRQS, s);
	if (!ret && trigger && s->index < VFIO_PCI_NUM_IRQS) {
		if (s->flags & VFIO_IRQ_SET_DATA_NONE && !s->count)
			h.live[s->index] = 0;
		else if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD)
			h.live[s->index] = s->start + s->count;
	}
	return ret;
}

/* GET_REGION_INFO answering with the input's raw capability chain. */
static int raw_region_info(struct vfio_region_info *ri)
{
	uint32_t need = (uint32_t)(sizeof(*ri) + h.raw_len);

	ri->flags = fv.regions[ri->index].flags | VFIO_REGION_INFO_FLAG_CAPS;
	ri->size = fv.regions[ri->index].size;
	ri->offset = (uint64_t)ri->index << FAKE_REGION_SHIFT;
	ri->cap_offset = sizeof(*ri);
	if (ri->argsz < need) {
		ri->argsz = need;
		return 0;
	}
	memcpy(ri + 1, h.raw, h.raw_len);
	return 0;
}

static int h_ioctl(void *ctx, unsigned long req, void *arg)
{
	int ret;

	switch (req) {
	case VFIO_DEVICE_GET_INFO:
		if (h.fail & 0x20)
			return -ENOTTY;
		ret = fio.ioctl(ctx, req, arg);
		if (h.mode & 0x20)
			((struct vfio_device_info *)arg)->flags &=
				~VFIO_DEVICE_FLAGS_PCI;
		return ret;
	case VFIO_DEVICE_GET_REGION_INFO: {
		struct vfio_region_info *ri = arg;

		FZ_CHECK(ri->argsz >= sizeof(*ri), "argsz %u", ri->argsz);
		if ((h.fail & 16) && ri->index < CFG_IDX)
			return -EIO;
		if ((h.fail & 0x40) && ri->index == CFG_IDX)
			return -EIO;
		if ((int)ri->index == h.raw_region)
			return raw_region_info(ri);
		return fio.ioctl(ctx, req, arg);
	}
	case VFIO_DEVICE_GET_IRQ_INFO:
		if (h.fail & 8)
			return -EINVAL;
		return fio.ioctl(ctx, req, arg);
	case VFIO_DEVICE_SET_IRQS:
		return set_irqs(ctx, arg);
	default:
		return fio.ioctl(ctx, req, arg);
	}
}

/* ------------------------------------------------------------------ */
/* KVM's memslots, as a listener: whole pages, and failures on demand   */

static int slot_add(struct mem_listener *l, const struct mem_region *r,
		    struct pv_error *err)
{
	FZ_CHECK(!(r->gpa % (uint64_t)pg) && !(r->size % (uint64_t)pg) &&
			 !((uintptr_t)r->hva % (uintptr_t)pg) && r->size,
		 "memslot 0x%llx+0x%llx hva %p: not whole pages",
		 (unsigned long long)r->gpa, (unsigned long long)r->size,
		 r->hva);
	if (h.listener_fail) {
		h.listener_fail--;
		return pv_seterr(err, ENOSPC, "no memslot left (injected)");
	}
	return 0;
}

static void slot_del(struct mem_listener *l, const struct mem_region *r)
{
}

static struct mem_listener slots = { "kvm", slot_add, slot_del, NULL };

/* ------------------------------------------------------------------ */
/* The emulated second device: its BAR handlers check their range      */

static uint8_t dummy_mem[6][64];

static void dummy_bar_read(struct pci_dev *d, int bar, uint64_t off,
			   uint8_t *data, uint32_t len)
{
	FZ_CHECK(range_contains(0, d->bars[bar].size, off, len),
		 "dummy BAR%d read at 0x%llx+%u past its end", bar,
		 (unsigned long long)off, len);
	for (uint32_t i = 0; i < len; i++)
		data[i] = dummy_mem[bar][(off + i) % 64];
}

static void dummy_bar_write(struct pci_dev *d, int bar, uint64_t off,
			    const uint8_t *data, uint32_t len)
{
	FZ_CHECK(range_contains(0, d->bars[bar].size, off, len),
		 "dummy BAR%d write at 0x%llx+%u past its end", bar,
		 (unsigned long long)off, len);
	for (uint32_t i = 0; i < len; i++)
		dummy_mem[bar][(off + i) % 64] = data[i];
}

static const struct pci_dev_ops dummy_ops = {
	.bar_read = dummy_bar_read,
	.bar_write = dummy_bar_write,
};

/* ------------------------------------------------------------------ */
/* Building the device from the input                                  */

static void describe(struct fz *f)
{
	static const uint32_t nine = 9;
	uint16_t cfgsz;
	unsigned int nchunks;

	memset(&fv, 0, sizeof(fv));
	fv.dev_flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	fv.msix_no_grow = h.mode & 8;

	cfgsz = fz_u16(f) % 4097;
	fv.regions[CFG_IDX].size = cfgsz ? cfgsz : 4096;
	fv.regions[CFG_IDX].flags =
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	nchunks = fz_u8(f);
	for (unsigned int c = 0; c < nchunks && !fz_done(f); c++) {
		uint32_t off = fz_u16(f) % 4096, len = fz_u8(f);

		if (!len)
			len = 256;
		if (len > 4096 - off)
			len = 4096 - off;
		fz_bytes(f, fv.cfg + off, len);
	}
	for (unsigned int i = 0; i < 7; i++) {
		struct fake_region *r = &fv.regions[i];
		uint8_t s = fz_u8(f), fl = fz_u8(f);
		unsigned int lg = s & 0x3f;
		uint64_t size, map;

		if (lg > MAX_BAR_LOG2)
			lg = MAX_BAR_LOG2;
		size = 1ull << lg;
		if (s & 0x40)
			size += size >> 1;
		r->nr_sparse = fl >> 4;
		for (unsigned int k = 0; k < r->nr_sparse; k++) {
			unsigned int sh = fz_u8(f) % 48;

			r->sparse[k].off = (uint64_t)fz_u32(f) << sh;
			r->sparse[k].size = (uint64_t)fz_u32(f) << sh;
		}
		if (!s)
			continue;
		r->size = size;
		r->flags = (fl & 1 ? VFIO_REGION_INFO_FLAG_READ : 0) |
			   (fl & 2 ? VFIO_REGION_INFO_FLAG_WRITE : 0) |
			   (fl & 4 ? VFIO_REGION_INFO_FLAG_MMAP : 0);
		r->msix_mappable = fl & 8;
		/* The contents: reserved, not committed (BARs reach GiBs). */
		map = size < 4096 ? 4096 : size;
		r->mem = mmap(NULL, map, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			      0);
		if (r->mem == MAP_FAILED)
			r->mem = NULL;
	}
	fv.irq_count[VFIO_PCI_INTX_IRQ_INDEX] = fz_u8(f) & 1;
	fv.irq_count[VFIO_PCI_MSI_IRQ_INDEX] = fz_u8(f) % 33;
	fv.irq_count[VFIO_PCI_MSIX_IRQ_INDEX] = fz_u16(f) % 4096;
	fv.irq_flags[VFIO_PCI_MSIX_IRQ_INDEX] =
		VFIO_IRQ_INFO_EVENTFD |
		(h.mode & 16 ? VFIO_IRQ_INFO_NORESIZE : 0);
	fv.irq_count[VFIO_PCI_ERR_IRQ_INDEX] = 1;
	h.raw_region = -1;
	if (h.mode & 0x40) {
		h.raw_region = fz_u8(f) % nine;
		h.raw_len = fz_bytes(f, h.raw, fz_u8(f));
	}
}

static const int dummy_slots[5] = { DUMMY_SLOT, -1, SLOT, 0, 32 };

/* The emulated device's BARs and slot, and the bus's INTx and alignment. */
static void add_dummy(struct fz *f)
{
	static const enum pci_bar_type types[5] = { PCI_BAR_MEM32, PCI_BAR_IO,
						    PCI_BAR_MEM64, PCI_BAR_ROM,
						    PCI_BAR_NONE };
	struct pv_error err;
	unsigned int slot, bar, type, lg, n, pin, gsi;
	uint64_t size;
	int ret;

	pci_dev_init(&dummy, "dummy", 0x1234, 0x0001, 0x058000, PCI_CFG_SIZE,
		     &dummy_ops, NULL);
	for (int k = 0; k < 3; k++) {
		lg = fz_u8(f) % 40;
		if (lg)
			pci_dev_set_bar(&dummy, 2 * k, types[k], k == 2,
					1ull << lg);
	}
	slot = fz_u8(f) % 5;
	/* Any BAR index, type and size: refused, or taken as asked. */
	bar = fz_u8(f) % 8;
	type = fz_u8(f) % 5;
	lg = fz_u8(f) % 64;
	size = lg == 63 ? 3 : lg ? 1ull << lg : 0; /* 3: not a power of 2 */
	ret = pci_dev_set_bar(&dummy, (int)bar - 1, types[type], lg & 1, size);
	FZ_CHECK(ret || !size || types[type] == PCI_BAR_NONE ||
			 dummy.bars[bar - 1].size == size,
		 "BAR%d of 2^%u bytes taken as 0x%llx", (int)bar - 1, lg,
		 (unsigned long long)dummy.bars[bar - 1].size);
	n = fz_u8(f);
	dummy.cfg[PCI_INTERRUPT_PIN] = (uint8_t)((n >> 3) % 6);
	pci_bus_set_intx(&bus, IRQ_MSI_GSI_BASE - 8, n % 8);
	pci_bus_set_bar_align(&bus, 1ull << (fz_u8(f) % 32));
	ret = pci_bus_add(&bus, &dummy, dummy_slots[slot], &err);
	if (ret) {
		/* Only a slot out of range, or BARs too big for the windows. */
		FZ_CHECK(slot >= 3 || ret == -ENOSPC,
			 "dummy device refused: %s", err.msg);
		dummy.bus = NULL;
		return;
	}
	FZ_CHECK(slot < 3, "dummy added at taken/invalid slot %d",
		 dummy_slots[slot]);
	/* INTx swizzled onto the bus's GSIs (the default: the PRT's). */
	pin = dummy.cfg[PCI_INTERRUPT_PIN];
	gsi = (dummy.devfn >> 3u) + pin - 1;
	gsi = n % 8 ? IRQ_MSI_GSI_BASE - 8 + gsi % (n % 8) :
		      pci_intx_gsi((dummy.devfn >> 3u), pin);
	FZ_CHECK(!pin || dummy.intx_gsi == gsi, "dummy INTx GSI %u, not %u",
		 dummy.intx_gsi, gsi);
}

/* ------------------------------------------------------------------ */
/* Invariants                                                          */

static uint32_t gcfg(uint8_t devfn, uint32_t off, uint32_t len)
{
	return pci_cfg_read(&bus, devfn, off, len);
}

/*
 * The capability lists as the guest sees them: no loop, in bounds; the
 * MSI-X capability, if listed, is the model's, with its table and PBA.
 */
FZ_NOCOV static void check_caps(void)
{
	uint8_t seen[64] = { 0 }, devfn = vp.pdev.devfn;
	uint32_t pos = 0, ext = PCI_CFG_SPACE_SIZE, n = 0;
	bool msix = false;

	if (gcfg(devfn, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST)
		pos = gcfg(devfn, PCI_CAPABILITY_LIST, 1);
	while (pos) {
		FZ_CHECK(pos >= PCI_STD_HEADER_SIZEOF && pos < 256 &&
				 !(pos & 3),
			 "the guest sees a capability at 0x%x", pos);
		FZ_CHECK(!seen[pos / 4], "capability loop at 0x%x", pos);
		seen[pos / 4] = 1;
		if (gcfg(devfn, pos, 1) == PCI_CAP_ID_MSIX) {
			uint32_t t = gcfg(devfn, pos + PCI_MSIX_TABLE, 4);
			uint32_t p = gcfg(devfn, pos + PCI_MSIX_PBA, 4);
			uint32_t fl = gcfg(devfn, pos + PCI_MSIX_FLAGS, 2);

			FZ_CHECK(!msix, "two MSI-X capabilities listed");
			FZ_CHECK(vp.msix_cap == pos,
				 "MSI-X listed at 0x%x, model's at 0x%x", pos,
				 vp.msix_cap);
			FZ_CHECK((t & PCI_MSIX_TABLE_BIR) ==
						 vp.msix.table_bir &&
					 (t & PCI_MSIX_TABLE_OFFSET) ==
						 vp.msix.table_off &&
					 (p & PCI_MSIX_PBA_BIR) ==
						 vp.msix.pba_bir &&
					 (p & PCI_MSIX_PBA_OFFSET) ==
						 vp.msix.pba_off &&
					 (fl & PCI_MSIX_FLAGS_QSIZE) + 1 ==
						 vp.msix.nvec,
				 "the guest's MSI-X layout is not the model's");
			msix = true;
		}
		pos = gcfg(devfn, pos + PCI_CAP_LIST_NEXT, 1);
		FZ_CHECK(++n <= 48, "more than 48 capabilities");
	}
	FZ_CHECK(msix == (vp.msix_cap != 0), "MSI-X %s but the model %s",
		 msix ? "listed" : "not listed",
		 vp.msix_cap ? "has one" : "has none");
	if (vp.pdev.cfg_size < PCI_CFG_EXP_SIZE)
		return;
	for (n = 0; ext; n++) {
		uint32_t hdr = gcfg(devfn, ext, 4),
			 next = PCI_EXT_CAP_NEXT(hdr);

		FZ_CHECK(n < 1024, "extended capability loop");
		if (!next)
			break;
		FZ_CHECK(next > ext && next + 4 <= vp.pdev.cfg_size &&
				 !(next & 3),
			 "extended capability at 0x%x links to 0x%x", ext,
			 next);
		ext = next;
	}
}

/*
 * Is [@off, @off + @size) of region @i mmappable per what the device
 * said: inside one of its sparse mmap areas, or inside the region when it
 * has none? (Unknown for a region whose capabilities are raw bytes.)
 */
FZ_NOCOV static bool mmappable(int i, uint64_t off, uint64_t size)
{
	const struct fake_region *r = &fv.regions[i];

	if (i == h.raw_region)
		return true;
	if (!(r->flags & VFIO_REGION_INFO_FLAG_MMAP) ||
	    !range_contains(0, r->size, off, size))
		return false;
	if (!r->nr_sparse)
		return true;
	for (unsigned int k = 0; k < r->nr_sparse; k++)
		if (range_contains(r->sparse[k].off, r->sparse[k].size, off,
				   size))
			return true;
	return false;
}

FZ_NOCOV static void check_map(void)
{
	unsigned int slots_n = 0, in_map = 0;

	for (unsigned int r = 0; r < mem.nr_regions; r++) {
		const struct mem_region *m = &mem.regions[r];
		bool found = false;

		if (m->kind != MEM_REGION_MMIO)
			continue;
		slots_n++;
		for (int i = 0; i <= PCI_ROM_SLOT && !found; i++) {
			const struct vfio_bar *b = &vp.bars[i];

			for (unsigned int k = 0; k < b->nr_pieces; k++) {
				const struct vfio_bar_piece *p = &b->pieces[k];

				if (!p->in_map || p->gpa != m->gpa)
					continue;
				FZ_CHECK(p->size == m->size && p->hva == m->hva,
					 "memslot 0x%llx is not BAR%d piece %u",
					 (unsigned long long)m->gpa, i, k);
				FZ_CHECK(i < PCI_ROM_SLOT || m->readonly,
					 "the ROM's memslot is writable");
				FZ_CHECK(
					!touches_msix((unsigned int)i, p->off,
						      p->size, true),
					"BAR%d piece %u (0x%llx+0x%llx) in the memory map covers an MSI-X page",
					i, k, (unsigned long long)p->off,
					(unsigned long long)p->size);
				found = true;
				break;
			}
		}
		FZ_CHECK(found, "memslot %s at 0x%llx is no BAR piece", m->name,
			 (unsigned long long)m->gpa);
	}
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct vfio_bar *b = &vp.bars[i];
		const struct pci_bar *pb = &vp.pdev.bars[i];
		bool whole = pb->mapped && !(pb->addr % (uint64_t)pg);
		uint64_t end = 0;

		for (unsigned int k = 0; k < b->nr_pieces; k++) {
			const struct vfio_bar_piece *p = &b->pieces[k];

			FZ_CHECK(p->size && !(p->off % (uint64_t)pg) &&
					 !(p->size % (uint64_t)pg) &&
					 p->off >= end &&
					 range_contains(0, region_size(i),
							p->off, p->size),
				 "BAR%d piece %u 0x%llx+0x%llx", i, k,
				 (unsigned long long)p->off,
				 (unsigned long long)p->size);
			FZ_CHECK(
				mmappable(i, p->off, p->size),
				"BAR%d piece 0x%llx+0x%llx is not in an mmap area of the region",
				i, (unsigned long long)p->off,
				(unsigned long long)p->size);
			end = p->off + p->size;
			if (p->in_map) {
				in_map++;
				FZ_CHECK(
					pb->mapped &&
						p->gpa == pb->addr + p->off,
					"BAR%d piece %u at 0x%llx, BAR %s at 0x%llx",
					i, k, (unsigned long long)p->gpa,
					pb->mapped ? "mapped" : "unmapped",
					(unsigned long long)pb->addr);
			} else {
				FZ_CHECK(
					!whole,
					"BAR%d mapped at 0x%llx without piece %u",
					i, (unsigned long long)pb->addr, k);
			}
		}
	}
	/* The ROM's one piece, if any, is its whole copy (pci_bar.c). */
	for (unsigned int k = 0; k < vp.bars[PCI_ROM_SLOT].nr_pieces; k++) {
		const struct vfio_bar_piece *p =
			&vp.bars[PCI_ROM_SLOT].pieces[k];
		const struct pci_bar *pb = &vp.pdev.bars[PCI_ROM_SLOT];

		FZ_CHECK(!k && !p->off && p->size == pb->size &&
				 p->hva == vp.rom_copy &&
				 p->size <= vp.rom_copy_size,
			 "ROM piece %u 0x%llx+0x%llx is not its copy", k,
			 (unsigned long long)p->off,
			 (unsigned long long)p->size);
		if (p->in_map) {
			in_map++;
			FZ_CHECK(pb->mapped && p->gpa == pb->addr,
				 "ROM piece at 0x%llx, ROM BAR %s at 0x%llx",
				 (unsigned long long)p->gpa,
				 pb->mapped ? "mapped" : "unmapped",
				 (unsigned long long)pb->addr);
		}
	}
	FZ_CHECK(in_map == slots_n, "%u pieces in the map, %u memslots", in_map,
		 slots_n);
	FZ_CHECK(vp.stats.pieces_mapped == in_map, "stats say %llu pieces",
		 (unsigned long long)vp.stats.pieces_mapped);
}

FZ_NOCOV static unsigned int check_vec(const struct vfio_msix_vec *v,
				       unsigned int *attached)
{
	uint32_t gsi;

	FZ_CHECK((v->efd >= 0) == (v->gsi >= 0), "vector efd %d gsi %d", v->efd,
		 v->gsi);
	if (v->efd < 0) {
		FZ_CHECK(!v->attached, "attached without an eventfd");
		return 0;
	}
	FZ_CHECK(fuzz_fd_open(v->efd), "vector eventfd %d is closed", v->efd);
	FZ_CHECK(v->attached == glue_irq_attached(&gi, v->efd, &gsi),
		 "vector says %sattached, KVM disagrees",
		 v->attached ? "" : "not ");
	if (v->attached) {
		FZ_CHECK(gsi == (uint32_t)v->gsi, "irqfd on gsi %u, vector %d",
			 gsi, v->gsi);
		(*attached)++;
	}
	return 1;
}

FZ_NOCOV static void check_irqs(int base_fds)
{
	unsigned int efds = 0, attached = 0;

	for (unsigned int i = 0; vp.msix_vec && i < vp.msix.nvec; i++)
		efds += check_vec(&vp.msix_vec[i], &attached);
	for (unsigned int i = 0; i < VFIO_MSI_MAX_VECTORS; i++)
		efds += check_vec(&vp.msi_vec[i], &attached);
	FZ_CHECK(glue_msi_gsis_in_use(&router) == efds,
		 "%u MSI GSIs allocated for %u vectors",
		 glue_msi_gsis_in_use(&router), efds);
	FZ_CHECK(!(vp.msix_enabled && vp.msi_nvec_enabled),
		 "MSI and MSI-X both on");
	if (vp.intx_on) {
		uint32_t gsi;

		FZ_CHECK(!vp.msix_enabled && !vp.msi_nvec_enabled,
			 "INTx on beside MSI/MSI-X");
		FZ_CHECK(glue_irq_attached(&gi, vp.intx_efd, &gsi) &&
				 gsi == vp.pdev.intx_gsi,
			 "INTx irqfd not on gsi %u", vp.pdev.intx_gsi);
		FZ_CHECK(fuzz_fd_open(vp.intx_resample_efd),
			 "INTx resamplefd closed");
		attached++;
		efds += 2;
	} else {
		FZ_CHECK(vp.intx_efd < 0 && vp.intx_resample_efd < 0,
			 "INTx off with eventfds %d/%d", vp.intx_efd,
			 vp.intx_resample_efd);
	}
	FZ_CHECK(gi.nr_attached == attached, "%u irqfds in KVM, %u expected",
		 gi.nr_attached, attached);
	/* Counting fds is slow: every eighth step (and at the end). */
	if (base_fds >= 0)
		FZ_CHECK(fuzz_count_fds() == base_fds + (int)efds,
			 "%d fds open, %d expected", fuzz_count_fds(),
			 base_fds + (int)efds);
}

FZ_NOCOV static void check_all(int base_fds)
{
	pci_check_bus(&bus);
	check_map();
	check_caps();
	check_irqs(base_fds);
}

/* ------------------------------------------------------------------ */
/* Guest steps                                                         */

static const uint32_t lens[8] = { 1, 2, 4, 8, 1, 4, 3, 9 };

/* A device the guest addresses: the model, the other one, or none. */
static uint8_t pick_devfn(uint8_t sel)
{
	switch (sel % 4) {
	case 0:
	case 1:
		return vp.pdev.devfn;
	case 2:
		return dummy.bus ? dummy.devfn : PCI_DEVFN(DUMMY_SLOT, 0);
	default:
		return (uint8_t)(sel >> 2);
	}
}

static uint64_t ecam(uint8_t devfn, uint32_t reg)
{
	return LAYOUT_ECAM_BASE + ((uint64_t)devfn << 12) + (reg & 0xfff);
}

static void cfg_write(uint8_t devfn, uint32_t reg, uint32_t len, uint32_t v)
{
	fuzz_bus_access(&mmio, ecam(devfn, reg), len, true, v);
}

/* A guest access to GPA/port @a: a memslot serves it, else the bus. */
static uint64_t guest(bool io, uint64_t a, uint32_t len, bool wr, uint64_t v)
{
	if (!io && len && len <= 8) {
		for (unsigned int r = 0; r < mem.nr_regions; r++) {
			const struct mem_region *m = &mem.regions[r];
			uint8_t *p;

			if (m->kind != MEM_REGION_MMIO ||
			    !range_contains(m->gpa, m->size, a, len))
				continue;
			p = (uint8_t *)m->hva + (a - m->gpa);
			if (wr) {
				if (!m->readonly)
					memcpy(p, &v, len);
				return 0;
			}
			v = 0;
			memcpy(&v, p, len);
			return v;
		}
	}
	return fuzz_bus_access(io ? &pio : &mmio, a, len, wr, v);
}

static const struct pci_dev *target_dev(uint8_t sel)
{
	return (sel & 0x80) && dummy.bus ? &dummy : &vp.pdev;
}

/* Where BAR @i of @d is for the guest: decoded, else per its register. */
static uint64_t bar_base(const struct pci_dev *d, int i)
{
	uint32_t reg = i == PCI_ROM_SLOT ?
			       PCI_ROM_ADDRESS :
			       PCI_BASE_ADDRESS_0 + 4u * (uint32_t)i;
	uint64_t lo;

	if (d->bars[i].decoded)
		return d->bars[i].addr;
	lo = pci_cfg_get(d, reg, 4);
	if (d->bars[i].type == PCI_BAR_MEM64)
		return (lo & ~0xfull) | (uint64_t)pci_cfg_get(d, reg + 4, 4)
						<< 32;
	return lo & (d->bars[i].type == PCI_BAR_IO ? ~3ull : ~0xfull);
}

static void bar_access(struct fz *f, bool wr)
{
	uint8_t sel = fz_u8(f), mode = fz_u8(f);
	const struct pci_dev *d = target_dev(sel);
	int i = (sel & 0x7f) % 7;
	uint64_t size = d->bars[i].size ? d->bars[i].size : 4096, off;
	uint32_t len = lens[fz_u8(f) % 8];
	uint64_t v = wr ? fz_u64(f) : 0;

	off = fz_u32(f);
	switch (mode % 4) {
	case 0:
		off %= size;
		break;
	case 1:
		off = size - 1 - off % 16; /* at the end, straddling it */
		break;
	case 2: /* the MSI-X table and PBA, and the bytes around them */
		if (d == &vp.pdev && vp.msix_cap) {
			bool pba = mode & 4;
			uint64_t at = pba ? vp.msix.pba_off : vp.msix.table_off;
			uint64_t n =
				pba ? vp.msix.pba_size : vp.msix.table_size;

			i = (int)(pba ? vp.msix.pba_bir : vp.msix.table_bir);
			off = at + off % (n + 32) - 16;
		}
		break;
	default:
		break;
	}
	guest(d->bars[i].type == PCI_BAR_IO, bar_base(d, i) + off, len, wr, v);
}

/* The model's MSI-X table entry @vec, field @fld, through its BAR. */
static void msix_entry(struct fz *f)
{
	uint32_t vec = fz_u16(f), fld = fz_u8(f) % 4, v = fz_u32(f);
	int bir;

	if (!vp.msix_cap)
		return;
	bir = (int)vp.msix.table_bir;
	vec %= vp.msix.nvec;
	if (fld == 0 && (v & 1))
		v = 0xfee00000u | (v & 0xffff0); /* a valid MSI address */
	else if (fld == 3)
		v &= 1;
	guest(false,
	      bar_base(&vp.pdev, bir) + vp.msix.table_off +
		      vec * PCI_MSIX_ENTRY_SIZE + fld * 4,
	      4, true, v);
}

static void msi_program(struct fz *f)
{
	uint8_t ctrl = fz_u8(f), devfn = vp.pdev.devfn;
	uint32_t addr = fz_u32(f), data = fz_u16(f), mask = fz_u32(f);
	uint32_t c = vp.msi_cap;

	if (!c)
		return;
	if (ctrl & 0x80)
		addr = 0xfee00000u | (addr & 0xffffc);
	cfg_write(devfn, c + PCI_MSI_ADDRESS_LO, 4, addr);
	if (vp.msi_64)
		cfg_write(devfn, c + PCI_MSI_ADDRESS_HI, 4, 0);
	cfg_write(devfn, c + (vp.msi_64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32), 2,
		  data);
	if (vp.msi_pvm)
		cfg_write(devfn,
			  c + (vp.msi_64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32),
			  4, mask);
	/* Enable (bit 0) and Multiple Message Enable (bits 4-6). */
	cfg_write(devfn, c + PCI_MSI_FLAGS, 2, ctrl & 0x71);
}

static void bar_move(struct fz *f)
{
	uint8_t sel = fz_u8(f), mode = fz_u8(f);
	const struct pci_dev *d = target_dev(sel);
	uint8_t devfn = d->devfn;
	int i = (sel & 0x7f) % 7;
	uint32_t reg = i == 6 ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * i;
	uint64_t v = fz_u64(f), size = d->bars[i].size ? d->bars[i].size : 16;
	const struct pci_window *w;

	switch (mode % 5) {
	case 0: /* somewhere aligned in its window */
		w = &bus.win[d->bars[i].type == PCI_BAR_IO ? PCI_WIN_IO :
			     (mode & 8)			   ? PCI_WIN_MMIO64 :
							     PCI_WIN_MMIO32];
		v = w->base + (v % (w->size / size + 1)) * size;
		break;
	case 1: /* onto another BAR of the bus */ {
		const struct pci_dev *o = target_dev(~sel);

		v = o->bars[(v >> 8) % 7].addr + (v & 0xff) * size;
		break;
	}
	case 2: /* over a reserved range */
		v = bus.resv[v % (bus.nr_resv ? bus.nr_resv : 1)].base;
		break;
	case 3: /* sizing: all ones, read back, then the old value */ {
		uint32_t old = pci_cfg_get(d, reg, 4);

		cfg_write(devfn, reg, 4, 0xffffffff);
		fuzz_bus_access(&mmio, ecam(devfn, reg), 4, false, 0);
		cfg_write(devfn, reg, 4, old);
		return;
	}
	default:
		break;
	}
	if (i == 6)
		v |= mode & 16 ? PCI_ROM_ADDRESS_ENABLE : 0;
	/* Low half first, as Linux does; through CF8/CFC when asked. */
	if (mode & 32) {
		uint64_t addr = 0x80000000u | (uint32_t)devfn << 8 | reg;

		fuzz_bus_access(&pio, LAYOUT_PIO_PCI_CONF, 4, true, addr);
		fuzz_bus_access(&pio, LAYOUT_PIO_PCI_CONF + 4, 4, true,
				(uint32_t)v);
	} else {
		cfg_write(devfn, reg, 4, (uint32_t)v);
	}
	if (d->bars[i].type == PCI_BAR_MEM64)
		cfg_write(devfn, reg + 4, 4, (uint32_t)(v >> 32));
}

static void fire(struct fz *f)
{
	uint8_t kind = fz_u8(f) % 3;
	uint32_t vec = fz_u16(f);
	uint64_t one = 1;
	int fd = -1;

	if (kind == 0 && vp.msix_vec && vp.msix.nvec)
		fd = vp.msix_vec[vec % vp.msix.nvec].efd;
	else if (kind == 1)
		fd = vp.msi_vec[vec % VFIO_MSI_MAX_VECTORS].efd;
	else if (kind == 2)
		fd = vp.intx_efd;
	if (fd >= 0)
		FZ_CHECK(write(fd, &one, sizeof(one)) == sizeof(one),
			 "eventfd %d", fd);
}

static void step(struct fz *f)
{
	uint8_t op = fz_u8(f) % 19, sel;
	uint32_t reg, len;

	switch (op) {
	case 0: /* CONFIG_ADDRESS */
		sel = fz_u8(f);
		reg = fz_u8(f);
		fuzz_bus_access(&pio, LAYOUT_PIO_PCI_CONF, 4, true,
				sel & 0x10 ?
					fz_u32(f) :
					0x80000000u |
						(uint32_t)pick_devfn(sel) << 8 |
						(reg & 0xfc));
		break;
	case 1: /* CONFIG_DATA read, any size and offset of 0xcf8..0xcff */
	case 2:
		sel = fz_u8(f);
		len = lens[fz_u8(f) % 8];
		fuzz_bus_access(&pio, LAYOUT_PIO_PCI_CONF + (sel & 7), len,
				op == 2, fz_u32(f));
		break;
	case 3: /* ECAM */
	case 4:
		sel = fz_u8(f);
		reg = fz_u16(f);
		len = lens[fz_u8(f) % 8];
		fuzz_bus_access(&mmio, ecam(pick_devfn(sel), reg), len, op == 4,
				fz_u64(f));
		break;
	case 5:
	case 6:
		bar_access(f, op == 6);
		break;
	case 7:
		msix_entry(f);
		break;
	case 8: /* MSI-X Enable / Function Mask */
		sel = fz_u8(f);
		if (vp.msix_cap)
			cfg_write(
				vp.pdev.devfn, vp.msix_cap + PCI_MSIX_FLAGS, 2,
				(sel & 1 ? PCI_MSIX_FLAGS_ENABLE : 0) |
					(sel & 2 ? PCI_MSIX_FLAGS_MASKALL : 0));
		break;
	case 9:
		msi_program(f);
		break;
	case 10: /* decode and master toggles */
		sel = fz_u8(f);
		cfg_write(target_dev(sel)->devfn, PCI_COMMAND, 2, fz_u16(f));
		break;
	case 11:
		bar_move(f);
		break;
	case 12:
		fire(f);
		break;
	case 13:
		pci_bus_enable_decode(&bus);
		break;
	case 14: /* KVM or the listener refuse what comes next */
		sel = fz_u8(f);
		h.listener_fail = sel & 3;
		gi.fail_irqfd = (sel >> 2) & 3;
		gi.fail_routing = (sel >> 4) & 3;
		break;
	case 15: /* anywhere on either bus */
		sel = fz_u8(f);
		len = lens[fz_u8(f) % 8];
		guest(sel & 1, fz_u64(f), len, sel & 2, fz_u64(f));
		break;
	case 16: /* the device's own view of a config byte changes */
		reg = fz_u16(f) % 4096;
		fv.cfg[reg] = fz_u8(f);
		break;
	case 17: /* reads of the whole header and capability area */
		for (reg = 0; reg < 256; reg += 4)
			gcfg(vp.pdev.devfn, reg, 4);
		break;
	default: /* the core's own entry points, any offset and length */
		sel = fz_u8(f);
		reg = fz_u16(f) % (PCI_CFG_EXP_SIZE + 8);
		len = fz_u8(f) % 10;
		if (sel & 1)
			pci_cfg_write(&bus, pick_devfn(sel >> 1), reg, len,
				      fz_u32(f));
		else
			FZ_CHECK(pci_cfg_read(&bus, pick_devfn(sel >> 1), reg,
					      len) <=
					 (len < 4 ? (1u << (8 * len)) - 1 :
						    0xffffffffu),
				 "a %u-byte config read has more bits", len);
		break;
	}
}

/* ------------------------------------------------------------------ */

static void setup_platform(void)
{
	static const struct {
		uint64_t base, size;
		bool io;
		const char *name;
	} resv[] = {
		{ 0, SZ_1G, false, "guest RAM" },
		{ SZ_4G, SZ_1G, false, "guest RAM" },
		{ LAYOUT_ECAM_BASE, LAYOUT_ECAM_SIZE, false, "ECAM" },
		{ LAYOUT_IOAPIC_BASE, 0x1000, false, "IOAPIC" },
		{ LAYOUT_MSI_BASE, LAYOUT_MSI_SIZE, false, "MSI" },
		{ LAYOUT_PIO_PCI_CONF, 8, true, "pci-conf" },
	};
	struct mem_region ram = {
		.gpa = 0, .size = SZ_1G, .hva = RAM_HVA, .kind = MEM_REGION_RAM
	};
	struct pv_error err;

	mem_map_init(&mem);
	FZ_CHECK(!mem_map_add_listener(&mem, &slots, &err), "listener");
	FZ_CHECK(!mem_map_add(&mem, &ram, &err), "RAM: %s", err.msg);
	pci_bus_init(&bus, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE,
		     LAYOUT_MMIO32_BASE, LAYOUT_MMIO32_SIZE, MMIO64_BASE,
		     MMIO64_SIZE, NULL);
	for (size_t i = 0; i < sizeof(resv) / sizeof(resv[0]); i++)
		pci_bus_reserve(&bus, resv[i].io, resv[i].base, resv[i].size,
				resv[i].name);
	bus_init(&pio, "pio");
	bus_init(&mmio, "mmio");
	bus_register(&pio, LAYOUT_PIO_PCI_CONF, 8, "pci-conf", &pci_cf8_ops,
		     &bus, &err);
	bus_register(&pio, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE, "pci-io",
		     &pci_window_ops, &bus.win[PCI_WIN_IO], &err);
	bus_register(&mmio, LAYOUT_ECAM_BASE, LAYOUT_ECAM_SIZE, "ecam",
		     &pci_ecam_ops, &bus, &err);
	bus_register(&mmio, LAYOUT_MMIO32_BASE, LAYOUT_MMIO32_SIZE, "mmio32",
		     &pci_window_ops, &bus.win[PCI_WIN_MMIO32], &err);
	bus_register(&mmio, MMIO64_BASE, MMIO64_SIZE, "mmio64", &pci_window_ops,
		     &bus.win[PCI_WIN_MMIO64], &err);
}

static void teardown_platform(int fds)
{
	unsigned int mmio_left = 0;

	if (dummy.bus)
		pci_bus_remove(&bus, &dummy);
	memset(&dummy, 0, sizeof(dummy));
	for (unsigned int r = 0; r < mem.nr_regions; r++)
		mmio_left += mem.regions[r].kind == MEM_REGION_MMIO;
	FZ_CHECK(!mmio_left, "%u memslots left after teardown", mmio_left);
	FZ_CHECK(!h.mmaps, "%u mmaps left after teardown", h.mmaps);
	FZ_CHECK(!glue_msi_gsis_in_use(&router), "%u GSIs left",
		 glue_msi_gsis_in_use(&router));
	FZ_CHECK(!gi.nr_attached, "%u irqfds left", gi.nr_attached);
	for (int i = 0; i < VFIO_PCI_NUM_IRQS; i++)
		FZ_CHECK(!h.live[i], "VFIO interrupt index %d still on", i);
	FZ_CHECK(fuzz_count_fds() == fds, "fds: %d before, %d after", fds,
		 fuzz_count_fds());
	fake_vfio_free(&fv);
	mem_map_remove_listener(&mem, &slots, false);
	pthread_mutex_destroy(&mem.lock);
	pthread_mutex_destroy(&bus.lock);
	pthread_mutex_destroy(&router.lock);
	pthread_rwlock_destroy(&pio.lock);
	pthread_rwlock_destroy(&mmio.lock);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	pg = sysconf(_SC_PAGESIZE);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds = fuzz_count_fds(), base;
	struct vfio_pci_irq_kinds kinds;
	struct vfio_dev_io dio;
	struct pv_error err;
	uint8_t gsis;
	struct fz f;

	fz_init(&f, data, size);
	memset(&h, 0, sizeof(h));
	h.mode = fz_u8(&f);
	h.fail = fz_u8(&f);
	gsis = fz_u8(&f);
	fuzz_trace(h.mode & 1);
	describe(&f);
	setup_platform();
	FZ_CHECK(!glue_irq_router_init(&router, &gi,
				       gsis ? IRQ_MSI_GSI_BASE + gsis : 1000),
		 "router");
	if (h.mode & 4)
		add_dummy(&f);

	fio = fake_vfio_dev_io(&fv);
	dio = fio;
	dio.ioctl = h_ioctl;
	dio.pread = h_pread;
	dio.pwrite = h_pwrite;
	dio.mmap = h_mmap;
	dio.munmap = h_munmap;
	base = fuzz_count_fds();
	if (vfio_pci_init(&vp, "0000:01:00.0", &dio, &mem, &router, &err)) {
		/* Undone: nothing mapped, nothing open. */
		FZ_CHECK(!h.mmaps, "init failed (%s) with %u mmaps left",
			 err.msg, h.mmaps);
		goto out;
	}
	h.fail &= (uint8_t)~4; /* the config region answers from now on */
	if (pci_bus_add(&bus, &vp.pdev, SLOT, &err)) {
		vfio_pci_fini(&vp);
		goto out;
	}
	if (vfio_pci_start(&vp, &err))
		FZ_CHECK(!vp.intx_on, "start failed (%s), INTx on", err.msg);
	if (h.mode & 2)
		pci_bus_enable_decode(&bus);
	check_all(base);
	vfio_pci_get_irq_kinds(&vp, &kinds);
	FZ_CHECK(kinds.msix == (vp.msix_cap &&
				vp.irq_count[VFIO_PCI_MSIX_IRQ_INDEX]) &&
			 kinds.msi == (vp.msi_cap &&
				       vp.irq_count[VFIO_PCI_MSI_IRQ_INDEX]),
		 "interrupt kinds: MSI-X %d MSI %d", kinds.msix, kinds.msi);
	if (h.mode & 0x80)
		vfio_pci_use_devid(&vp);
	for (unsigned int n = 1; !fz_done(&f); n++) {
		step(&f);
		check_all(n % 8 && !fz_done(&f) ? -1 : base);
	}
	FZ_CHECK(vfio_pci_get_stats(&vp) == &vp.stats, "stats");
	vfio_pci_stop_dma(&vp);
	FZ_CHECK(!(fv.cfg[PCI_COMMAND] & PCI_COMMAND_MASTER) ||
			 fv.regions[CFG_IDX].size < PCI_COMMAND + 2,
		 "Bus Master still on after vfio_pci_stop_dma()");
	pci_bus_remove(&bus, &vp.pdev);
	vfio_pci_quiesce(&vp);
	vfio_pci_fini(&vp);
	vfio_pci_fini(&vp); /* idempotent */
out:
	teardown_platform(fds);
	return 0;
}

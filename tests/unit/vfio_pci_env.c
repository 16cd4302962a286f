// SPDX-License-Identifier: GPL-2.0
/* The vfio-pci model test environment (vfio_pci_env.h). */
#include "vfio_pci_env.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <linux/pci_regs.h>

struct fake_vfio fv;
struct fake_irq fi;
struct irq_router router;
struct mem_map mem;
struct pci_bus bus;
struct vfio_pci vp;
struct vfio_dev_io dio;

int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

int env_setup(void **state)
{
	struct irq_backend be;
	struct pv_error err;

	memset(&fi, 0, sizeof(fi));
	memset(&vp, 0, sizeof(vp));
	fake_vfio_nvme(&fv);
	be = fake_irq_backend(&fi);
	assert_int_equal(
		irq_router_init(&router, &be, &irq_layout_pc, 1024, &err), 0);
	mem_map_init(&mem);
	pci_bus_init(&bus, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE,
		     LAYOUT_MMIO32_BASE, LAYOUT_MMIO32_SIZE, ENV_MMIO64_BASE,
		     ENV_MMIO64_SIZE, NULL);
	dio = fake_vfio_dev_io(&fv);
	return 0;
}

int env_teardown(void **state)
{
	if (vp.pdev.bus)
		pci_bus_remove(&bus, &vp.pdev);
	vfio_pci_fini(&vp);
	fake_vfio_free(&fv);
	return 0;
}

void env_start(void)
{
	struct pv_error err = { "" };
	int ret;

	ret = vfio_pci_init(&vp, "0000:01:00.0", &dio, &mem, &router, &err);
	if (ret)
		fail_msg("vfio_pci_init: %s", err.msg);
	assert_int_equal(pci_bus_add(&bus, &vp.pdev, ENV_SLOT, &err), 0);
	assert_int_equal(vfio_pci_start(&vp, &err), 0);
}

uint32_t cfgr(uint32_t off, uint32_t len)
{
	return pci_cfg_read(&bus, vp.pdev.devfn, off, len);
}

void cfgw(uint32_t off, uint32_t len, uint32_t val)
{
	pci_cfg_write(&bus, vp.pdev.devfn, off, len, val);
}

uint64_t bar_addr(int i)
{
	uint64_t lo = cfgr(PCI_BASE_ADDRESS_0 + 4 * i, 4);

	if ((lo & 7) == 4)
		return (lo & ~0xfull) |
		       (uint64_t)cfgr(PCI_BASE_ADDRESS_0 + 4 * i + 4, 4) << 32;
	return lo & ((lo & 1) ? ~3ull : ~0xfull);
}

static struct pci_window *win_for(uint64_t addr, bool io)
{
	for (int i = 0; i < PCI_WIN_NR; i++) {
		struct pci_window *w = &bus.win[i];

		if (w->io == io && addr >= w->base && addr < w->base + w->size)
			return w;
	}
	fail_msg("no window for 0x%llx", (unsigned long long)addr);
	return NULL;
}

uint64_t mmio_rd(uint64_t addr, uint32_t len)
{
	struct pci_window *w = win_for(addr, false);
	uint8_t b[8] = { 0 };
	uint64_t v = 0;

	pci_window_ops.read(w, addr - w->base, b, len);
	memcpy(&v, b, len);
	return v;
}

void mmio_wr(uint64_t addr, uint32_t len, uint64_t v)
{
	struct pci_window *w = win_for(addr, false);
	uint8_t b[8];

	memcpy(b, &v, 8);
	pci_window_ops.write(w, addr - w->base, b, len);
}

const struct mem_region *find_region(uint64_t gpa)
{
	for (unsigned int i = 0; i < mem.nr_regions; i++)
		if (mem.regions[i].gpa == gpa)
			return &mem.regions[i];
	return NULL;
}

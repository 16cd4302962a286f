// SPDX-License-Identifier: GPL-2.0
/* The fake guest of the virtio tests: RAM, backends, a driver's moves. */
#include "virtio_fake.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "virtio/virtio_regs.h"

static uint8_t mmio_page[4096] __attribute__((aligned(4096)));

void vfake_guest_init(struct vfake_guest *g)
{
	struct mem_region ram = { .gpa = FAKE_RAM_GPA,
				  .size = FAKE_RAM_SIZE,
				  .kind = MEM_REGION_RAM,
				  .name = "ram" };
	struct mem_region mmio = { .gpa = FAKE_MMIO_GPA,
				   .size = sizeof(mmio_page),
				   .hva = mmio_page,
				   .kind = MEM_REGION_MMIO,
				   .name = "bar" };

	memset(g, 0, sizeof(*g));
	g->ram = mmap(NULL, FAKE_RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->ram == MAP_FAILED)
		abort();
	g->gpa = FAKE_RAM_GPA;
	g->size = FAKE_RAM_SIZE;
	ram.hva = g->ram;
	mem_map_init(&g->mem);
	if (mem_map_add(&g->mem, &ram, NULL) ||
	    mem_map_add(&g->mem, &mmio, NULL))
		abort();
	pci_bus_init(&g->bus, 0xc000, 0x4000, FAKE_MMIO32, 0x10000000, 0, 0,
		     NULL);
}

void vfake_guest_destroy(struct vfake_guest *g)
{
	munmap(g->ram, g->size);
	g->ram = NULL;
}

void *vfake_hva(struct vfake_guest *g, uint64_t gpa)
{
	return g->ram + (gpa - g->gpa);
}

static int irq_attach(void *ctx, int fd, uint32_t *gsi, struct pv_error *err)
{
	struct vfake_irq *f = ctx;

	if (f->fail_attach)
		return pv_seterr(err, ENOSPC, "fake: no GSI left");
	f->attached++;
	*gsi = 24 + f->next_gsi++;
	return 0;
}

static int irq_route(void *ctx, uint32_t gsi, uint64_t addr, uint32_t data,
		     struct pv_error *err)
{
	struct vfake_irq *f = ctx;

	f->routed++;
	if (!f->batch_depth)
		f->unbatched_routes++;
	f->last_gsi = gsi;
	f->last_addr = addr;
	f->last_data = data;
	return 0;
}

static void irq_detach(void *ctx, int fd, uint32_t gsi)
{
	((struct vfake_irq *)ctx)->detached++;
}

static void irq_batch_begin(void *ctx)
{
	((struct vfake_irq *)ctx)->batch_depth++;
}

static int irq_batch_end(void *ctx, struct pv_error *err)
{
	struct vfake_irq *f = ctx;

	if (!f->batch_depth)
		return pv_seterr(err, EINVAL, "fake: batch_end without begin");
	if (!--f->batch_depth)
		f->batches++;
	return 0;
}

static void irq_intx(void *ctx, uint32_t gsi, int level)
{
	struct vfake_irq *f = ctx;

	f->intx_level = level;
	f->intx_changes++;
}

struct virtio_irq_backend vfake_irq_backend(struct vfake_irq *f)
{
	return (struct virtio_irq_backend){ .msi_attach = irq_attach,
					    .msi_route = irq_route,
					    .msi_detach = irq_detach,
					    .batch_begin = irq_batch_begin,
					    .batch_end = irq_batch_end,
					    .intx_set = irq_intx,
					    .ctx = f };
}

static int ioev_set(void *ctx, uint64_t gpa, int fd, bool assign,
		    struct pv_error *err)
{
	struct vfake_ioev *f = ctx;

	if (f->fail)
		return pv_seterr(err, ENOSYS, "fake: no ioeventfd");
	if (assign) {
		if (f->assigned < 16)
			f->gpa[f->assigned] = gpa;
		f->assigned++;
	} else {
		f->removed++;
	}
	return 0;
}

struct virtio_ioeventfd_backend vfake_ioev_backend(struct vfake_ioev *f)
{
	return (struct virtio_ioeventfd_backend){ .set = ioev_set, .ctx = f };
}

void vfake_env_init(struct vfake_env *e)
{
	memset(e, 0, sizeof(*e));
	vfake_guest_init(&e->g);
	e->env.mem = &e->g.mem;
	e->env.irq = vfake_irq_backend(&e->irq);
	e->env.ioev = vfake_ioev_backend(&e->ioev);
}

void vfake_env_destroy(struct vfake_env *e)
{
	vfake_guest_destroy(&e->g);
}

void vfake_vq_init(struct vfake_vq *q, struct vfake_guest *g, uint64_t base,
		   uint16_t size)
{
	memset(q, 0, sizeof(*q));
	q->g = g;
	q->size = size;
	q->desc = base;
	q->avail = base + 16ull * size;
	q->used = (q->avail + 6 + 2ull * size + 3) & ~3ull;
	memset(vfake_hva(g, base), 0, q->used + 6 + 8ull * size - base);
}

void vfake_desc_at(struct vfake_guest *g, uint64_t table, uint16_t i,
		   uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc d = {
		.addr = addr, .len = len, .flags = flags, .next = next
	};

	memcpy(vfake_hva(g, table + 16ull * i), &d, sizeof(d));
}

void vfake_vq_desc(struct vfake_vq *q, uint16_t i, uint64_t addr, uint32_t len,
		   uint16_t flags, uint16_t next)
{
	vfake_desc_at(q->g, q->desc, i, addr, len, flags, next);
}

void vfake_vq_post(struct vfake_vq *q, uint16_t head)
{
	uint8_t *a = vfake_hva(q->g, q->avail);

	memcpy(a + 4 + 2 * (q->avail_idx % q->size), &head, 2);
	q->avail_idx++;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(a + 2, &q->avail_idx, 2);
}

bool vfake_vq_used(struct vfake_vq *q, uint32_t *id, uint32_t *len)
{
	uint8_t *u = vfake_hva(q->g, q->used);
	uint16_t idx;

	memcpy(&idx, u + 2, 2);
	if (idx == q->used_seen)
		return false;
	memcpy(id, u + 4 + 8 * (q->used_seen % q->size), 4);
	memcpy(len, u + 8 + 8 * (q->used_seen % q->size), 4);
	q->used_seen++;
	return true;
}

uint16_t vfake_vq_avail_event(struct vfake_vq *q)
{
	uint16_t v;

	memcpy(&v, (uint8_t *)vfake_hva(q->g, q->used) + 4 + 8 * q->size, 2);
	return v;
}

void vfake_vq_set_used_event(struct vfake_vq *q, uint16_t v)
{
	memcpy((uint8_t *)vfake_hva(q->g, q->avail) + 4 + 2 * q->size, &v, 2);
}

void drv_write(struct virtio_dev *v, uint64_t off, uint64_t val, uint32_t len)
{
	uint8_t b[8];

	for (uint32_t i = 0; i < len; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	v->pci.ops->bar_write(&v->pci, 0, off, b, len);
}

uint64_t drv_read(struct virtio_dev *v, uint64_t off, uint32_t len)
{
	uint8_t b[8];
	uint64_t val = 0;

	v->pci.ops->bar_read(&v->pci, 0, off, b, len);
	for (uint32_t i = 0; i < len; i++)
		val |= (uint64_t)b[i] << (8 * i);
	return val;
}

uint32_t drv_cfg_read(struct virtio_dev *v, uint32_t off, uint32_t len)
{
	return pci_cfg_read(v->pci.bus, v->pci.devfn, off, len);
}

void drv_cfg_write(struct virtio_dev *v, uint32_t off, uint32_t len,
		   uint32_t val)
{
	pci_cfg_write(v->pci.bus, v->pci.devfn, off, len, val);
}

static void status(struct virtio_dev *v, uint8_t s)
{
	drv_write(v, VIRTIO_PCI_COMMON_STATUS, s, 1);
}

bool drv_setup(struct virtio_dev *v, uint64_t features, struct vfake_vq *q,
	       unsigned int nq, bool msix)
{
	uint8_t st = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

	status(v, 0);
	status(v, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	status(v, st);
	drv_write(v, VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	drv_write(v, VIRTIO_PCI_COMMON_GF, (uint32_t)features, 4);
	drv_write(v, VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
	drv_write(v, VIRTIO_PCI_COMMON_GF, features >> 32, 4);
	st |= VIRTIO_CONFIG_S_FEATURES_OK;
	status(v, st);
	if (!(drv_read(v, VIRTIO_PCI_COMMON_STATUS, 1) &
	      VIRTIO_CONFIG_S_FEATURES_OK))
		return false;
	if (msix) {
		for (unsigned int i = 0; i <= nq; i++) {
			uint64_t e = VIRTIO_REGS_MSIX_TABLE + 16 * i;

			drv_write(v, e + PCI_MSIX_ENTRY_LOWER_ADDR,
				  0xfee00000u + (i << 12), 4);
			drv_write(v, e + PCI_MSIX_ENTRY_UPPER_ADDR, 0, 4);
			drv_write(v, e + PCI_MSIX_ENTRY_DATA, 0x4000 + i, 4);
			drv_write(v, e + PCI_MSIX_ENTRY_VECTOR_CTRL, 0, 4);
		}
		drv_cfg_write(v, VIRTIO_CAP_MSIX + PCI_MSIX_FLAGS, 2,
			      PCI_MSIX_FLAGS_ENABLE);
		drv_write(v, VIRTIO_PCI_COMMON_MSIX, nq, 2);
	}
	for (unsigned int i = 0; i < nq; i++) {
		drv_write(v, VIRTIO_PCI_COMMON_Q_SELECT, i, 2);
		drv_write(v, VIRTIO_PCI_COMMON_Q_SIZE, q[i].size, 2);
		if (msix)
			drv_write(v, VIRTIO_PCI_COMMON_Q_MSIX, i, 2);
		drv_write(v, VIRTIO_PCI_COMMON_Q_DESCLO, (uint32_t)q[i].desc,
			  4);
		drv_write(v, VIRTIO_PCI_COMMON_Q_DESCHI, q[i].desc >> 32, 4);
		drv_write(v, VIRTIO_PCI_COMMON_Q_AVAILLO, (uint32_t)q[i].avail,
			  4);
		drv_write(v, VIRTIO_PCI_COMMON_Q_AVAILHI, q[i].avail >> 32, 4);
		drv_write(v, VIRTIO_PCI_COMMON_Q_USEDLO, (uint32_t)q[i].used,
			  4);
		drv_write(v, VIRTIO_PCI_COMMON_Q_USEDHI, q[i].used >> 32, 4);
		drv_write(v, VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
	}
	status(v, st | VIRTIO_CONFIG_S_DRIVER_OK);
	return true;
}

unsigned int drv_poll(struct virtio_dev *v, int ms)
{
	unsigned int n = 0;

	while (vio_loop_poll(&v->loop, ms) > 0)
		n++;
	return n;
}

uint64_t eventfd_take(int fd)
{
	uint64_t n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The vfio-pci device model: a struct pci_dev whose config space is an
 * overlay on the real device's, whose BARs are mmaps of the device fd
 * (split around the MSI-X table and PBA pages, which stay trapped), and
 * whose interrupts are eventfds shared between VFIO (trigger) and KVM
 * (irqfd).
 *
 * Config space policy (the device's config region, as vfio-pci in the host
 * kernel already virtualizes it, is the "live" view):
 *   - emulated (emu[] = 1, from cfg[]): the whole type-0 header except the
 *     status register; the capability list links (ID and next bytes, and
 *     extended capability headers); the MSI and MSI-X capabilities; the
 *     PCIe capability's device/port type and link registers.
 *   - live (emu[] = 0): status (with CAP_LIST forced to our list), the
 *     bodies of the capabilities we keep, and everything else above 0x40
 *     (device-specific registers). Reads come from the device, writes are
 *     forwarded; the host kernel's vfio-pci permission tables still vet
 *     every byte.
 *   - command: emulated in cfg[] (the PCI core owns decode), and the
 *     MEMORY, IO, MASTER and INTX_DISABLE bits are forwarded.
 *   - BARs, expansion ROM BAR, interrupt line: emulated only, never
 *     written to the device.
 *   - capabilities kept: PM, VPD, vendor-specific (virtio and others
 *     describe their register layout there), PCIe, Advanced Features,
 *     SATA, and the virtualized MSI/MSI-X; extended: AER, DSN, power
 *     budgeting, vendor-specific, DVSEC. Everything else is unlinked from
 *     the list (the bytes stay readable but unreachable): bus/bridge-level
 *     and legacy platform capabilities (AGP, PCI-X, HyperTransport, hot
 *     plug, slot ID, bridge subsystem IDs), Enhanced Allocation (it would
 *     contradict our emulated BARs), and extended SR-IOV, Resizable BAR
 *     (BAR sizes are ours), ACS, ATS/PRI/PASID (no vIOMMU), LTR, L1 PM
 *     substates, VC — host or topology concerns a guest must not drive.
 *   - The device sits on the root bus: a PCIe Endpoint is presented as a
 *     Root Complex Integrated Endpoint (PCIe Base 4.0 §7.5.3.2), without
 *     link registers (they read as zero).
 *
 * Sources: linux/vfio.h, PCI Local Bus 3.0 §6 (config space, MSI §6.8.1,
 * MSI-X §6.8.2), PCIe Base 4.0 §7.5.3 (PCIe capability), §7.6 (extended
 * capabilities), Documentation/virt/kvm/api.rst (KVM_IRQFD).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio/vfio.h"

#define CFG_IDX VFIO_PCI_CONFIG_REGION_INDEX
#define CMD_FORWARD                                                 \
	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
	 PCI_COMMAND_INTX_DISABLE)

static const char *const region_names[] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "config", "VGA",
};

/* ------------------------------------------------------------------ */
/* Device access                                                       */

static int region_pread(struct vfio_pci *vp, unsigned int idx, uint64_t off,
			void *buf, size_t len)
{
	const struct vfio_region *r = &vp->regions[idx];
	ssize_t n;

	if (!r->size || off >= r->size || len > r->size - off)
		return -EINVAL;
	n = vp->io.pread(vp->io.ctx, buf, len, r->offset + off);
	return n == (ssize_t)len ? 0 : (n < 0 ? (int)n : -EIO);
}

static int region_pwrite(struct vfio_pci *vp, unsigned int idx, uint64_t off,
			 const void *buf, size_t len)
{
	const struct vfio_region *r = &vp->regions[idx];
	ssize_t n;

	if (!r->size || off >= r->size || len > r->size - off)
		return -EINVAL;
	n = vp->io.pwrite(vp->io.ctx, buf, len, r->offset + off);
	return n == (ssize_t)len ? 0 : (n < 0 ? (int)n : -EIO);
}

static uint32_t hw_cfg_read(struct vfio_pci *vp, uint32_t off, uint32_t len)
{
	uint8_t b[4] = { 0xff, 0xff, 0xff, 0xff };
	uint32_t v = 0;

	if (region_pread(vp, CFG_IDX, off, b, len))
		memset(b, 0xff, sizeof(b));
	for (uint32_t i = 0; i < len; i++)
		v |= (uint32_t)b[i] << (8 * i);
	return v;
}

static void hw_cfg_write(struct vfio_pci *vp, uint32_t off, uint32_t len,
			 uint32_t val)
{
	uint8_t b[4];

	for (uint32_t i = 0; i < len; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	if (region_pwrite(vp, CFG_IDX, off, b, len))
		pv_trace(TRACE_PCI, "%s: config write 0x%x len %u failed",
			 vp->bdf, off, len);
}

/* VFIO_DEVICE_SET_IRQS; @fds (count of them) only with DATA_EVENTFD. */
static int set_irqs(struct vfio_pci *vp, uint32_t index, uint32_t flags,
		    uint32_t start, uint32_t count, const int32_t *fds)
{
	struct vfio_irq_set *s;
	size_t len = sizeof(*s);
	int ret;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		len += count * sizeof(int32_t);
	s = calloc(1, len);
	if (!s)
		return -ENOMEM;
	s->argsz = (uint32_t)len;
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		memcpy(s->data, fds, count * sizeof(int32_t));
	ret = vp->io.ioctl(vp->io.ctx, VFIO_DEVICE_SET_IRQS, s);
	free(s);
	vp->stats.irq_setups++;
	return ret < 0 ? ret : 0;
}

/* ------------------------------------------------------------------ */
/* MSI / MSI-X vectors: eventfd (VFIO trigger) + GSI + irqfd            */

/* An x86 MSI address targets the LAPIC window (Intel SDM 10.11.1). */
static bool msi_addr_valid(uint64_t addr)
{
	return ((uint32_t)addr & 0xfff00000u) == 0xfee00000u;
}

static uint64_t eventfd_drain(int fd)
{
	uint64_t cnt = 0;

	if (fd < 0 || read(fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return 0;
	return cnt;
}

static void vec_reset(struct vfio_msix_vec *v)
{
	memset(v, 0, sizeof(*v));
	v->efd = -1;
	v->gsi = -1;
}

static void vec_free(struct vfio_pci *vp, struct vfio_msix_vec *v)
{
	if (v->attached)
		irq_irqfd_detach(vp->irq, v->efd, (uint32_t)v->gsi);
	if (v->gsi >= 0) {
		irq_msi_free(vp->irq, (uint32_t)v->gsi);
		if (vp->stats.vectors_routed)
			vp->stats.vectors_routed--;
	}
	if (v->efd >= 0)
		close(v->efd);
	vec_reset(v);
}

/*
 * Bring vector @v in line with the guest's view (@addr/@data, @masked).
 * A vector gets its eventfd and GSI the first time it is unmasked with a
 * valid message (*@created then tells the caller to hand the eventfd to
 * VFIO) and keeps them until MSI/MSI-X is disabled. Masking detaches the
 * irqfd: VFIO still signals the eventfd, which then holds the pending
 * state; unmasking injects it once (irq_signal_msi) and reattaches.
 */
static void vec_sync(struct vfio_pci *vp, struct vfio_msix_vec *v,
		     const char *kind, unsigned int idx, uint64_t addr,
		     uint32_t data, bool masked, bool *created)
{
	bool valid = msi_addr_valid(addr);
	struct pv_error err;
	uint32_t gsi;

	if (v->efd < 0) {
		if (masked || !valid)
			return;
		v->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (v->efd < 0) {
			pv_warn("%s: %s vector %u: eventfd: %s", vp->bdf, kind,
				idx, strerror(errno));
			return;
		}
		if (irq_msi_alloc(vp->irq, vp->irq_owner, &gsi, &err)) {
			pv_warn("%s: %s vector %u: %s", vp->bdf, kind, idx,
				err.msg);
			close(v->efd);
			v->efd = -1;
			return;
		}
		v->gsi = (int)gsi;
		vp->stats.vectors_routed++;
		if (irq_msi_update(vp->irq, gsi, addr, data, &err))
			pv_warn("%s: %s vector %u: %s", vp->bdf, kind, idx,
				err.msg);
		v->addr = addr;
		v->data = data;
		*created = true;
		pv_trace(TRACE_IRQ,
			 "%s %s vector %u -> gsi %u (addr 0x%llx "
			 "data 0x%x), eventfd %d",
			 vp->bdf, kind, idx, gsi, (unsigned long long)addr,
			 data, v->efd);
	} else if (valid && (addr != v->addr || data != v->data)) {
		if (irq_msi_update(vp->irq, (uint32_t)v->gsi, addr, data, &err))
			pv_warn("%s: %s vector %u: %s", vp->bdf, kind, idx,
				err.msg);
		v->addr = addr;
		v->data = data;
		pv_trace(TRACE_IRQ,
			 "%s %s vector %u gsi %d rerouted to addr "
			 "0x%llx data 0x%x",
			 vp->bdf, kind, idx, v->gsi, (unsigned long long)addr,
			 data);
	}

	if (!masked && valid && !v->attached) {
		if (eventfd_drain(v->efd) || v->pending) {
			irq_signal_msi(vp->irq, v->addr, v->data);
			vp->stats.pending_injected++;
			pv_trace(TRACE_IRQ,
				 "%s %s vector %u pending on unmask: "
				 "injected",
				 vp->bdf, kind, idx);
		}
		v->pending = false;
		if (irq_irqfd_attach(vp->irq, v->efd, (uint32_t)v->gsi, -1,
				     &err)) {
			pv_warn("%s: %s vector %u: %s", vp->bdf, kind, idx,
				err.msg);
			return;
		}
		v->attached = true;
		pv_trace(TRACE_IRQ, "%s %s vector %u gsi %d irqfd %d attached",
			 vp->bdf, kind, idx, v->gsi, v->efd);
	} else if ((masked || !valid) && v->attached) {
		irq_irqfd_detach(vp->irq, v->efd, (uint32_t)v->gsi);
		v->attached = false;
		pv_trace(TRACE_IRQ,
			 "%s %s vector %u gsi %d masked (irqfd "
			 "detached)",
			 vp->bdf, kind, idx, v->gsi);
	}
}

/* Fired while masked? (Consumes the eventfd count into v->pending.) */
static bool vec_pending(struct vfio_msix_vec *v)
{
	if (v->efd >= 0 && !v->attached && eventfd_drain(v->efd))
		v->pending = true;
	return v->pending;
}

/*
 * Route changes of one guest write go to the router as one batch: one
 * table push instead of one per vector (devices/irq.h).
 */
static void routes_begin(struct vfio_pci *vp)
{
	irq_batch_begin(vp->irq, vp->irq_owner);
}

static void routes_end(struct vfio_pci *vp)
{
	struct pv_error err;

	if (irq_batch_end(vp->irq, vp->irq_owner, &err))
		pv_warn("%s: %s", vp->bdf, err.msg);
}

/* ------------------------------------------------------------------ */
/* INTx                                                                */

static void intx_disable(struct vfio_pci *vp)
{
	if (!vp->intx_on)
		return;
	set_irqs(vp, VFIO_PCI_INTX_IRQ_INDEX,
		 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0,
		 NULL);
	irq_irqfd_detach(vp->irq, vp->intx_efd, vp->pdev.intx_gsi);
	close(vp->intx_efd);
	close(vp->intx_resample_efd);
	vp->intx_efd = vp->intx_resample_efd = -1;
	vp->intx_on = false;
	pv_trace(TRACE_IRQ, "%s INTx off", vp->bdf);
}

static int intx_enable(struct vfio_pci *vp, struct pv_error *err)
{
	int32_t fd;
	int ret;

	if (!vp->intx_possible || vp->intx_on || vp->msix_enabled ||
	    vp->msi_nvec_enabled)
		return 0;
	vp->intx_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	vp->intx_resample_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vp->intx_efd < 0 || vp->intx_resample_efd < 0) {
		ret = pv_seterr(err, errno, "%s: INTx eventfd: %s", vp->bdf,
				strerror(errno));
		goto fail_fds;
	}
	/* Level-triggered: KVM signals the resamplefd on EOI. */
	ret = irq_irqfd_attach(vp->irq, vp->intx_efd, vp->pdev.intx_gsi,
			       vp->intx_resample_efd, err);
	if (ret)
		goto fail_fds;
	fd = vp->intx_efd;
	ret = set_irqs(vp, VFIO_PCI_INTX_IRQ_INDEX,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		       0, 1, &fd);
	if (ret) {
		pv_seterr(err, -ret,
			  "%s: VFIO_DEVICE_SET_IRQS INTx trigger: %s", vp->bdf,
			  strerror(-ret));
		goto fail_irqfd;
	}
	fd = vp->intx_resample_efd;
	ret = set_irqs(vp, VFIO_PCI_INTX_IRQ_INDEX,
		       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK,
		       0, 1, &fd);
	if (ret) {
		pv_seterr(err, -ret, "%s: VFIO_DEVICE_SET_IRQS INTx unmask: %s",
			  vp->bdf, strerror(-ret));
		set_irqs(vp, VFIO_PCI_INTX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			 0, 0, NULL);
		goto fail_irqfd;
	}
	vp->intx_on = true;
	pv_trace(TRACE_IRQ, "%s INTx -> gsi %u irqfd %d resample %d", vp->bdf,
		 vp->pdev.intx_gsi, vp->intx_efd, vp->intx_resample_efd);
	return 0;
fail_irqfd:
	irq_irqfd_detach(vp->irq, vp->intx_efd, vp->pdev.intx_gsi);
fail_fds:
	if (vp->intx_efd >= 0)
		close(vp->intx_efd);
	if (vp->intx_resample_efd >= 0)
		close(vp->intx_resample_efd);
	vp->intx_efd = vp->intx_resample_efd = -1;
	return ret;
}

static void intx_restore(struct vfio_pci *vp)
{
	struct pv_error err;

	if (vp->started && intx_enable(vp, &err))
		pv_warn("%s", err.msg);
}

/* ------------------------------------------------------------------ */
/* MSI-X (PCI 3.0 §6.8.2)                                               */

static void msix_entry(struct vfio_pci *vp, unsigned int v, uint64_t *addr,
		       uint32_t *data, bool *masked)
{
	const uint8_t *e = vp->msix_table + v * PCI_MSIX_ENTRY_SIZE;
	uint32_t w[4];

	memcpy(w, e, sizeof(w));
	*addr = w[0] | (uint64_t)w[1] << 32;
	*data = w[2];
	*masked = w[3] & PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

static bool msix_fmask(struct vfio_pci *vp)
{
	return pci_cfg_get(&vp->pdev, vp->msix_cap + PCI_MSIX_FLAGS, 2) &
	       PCI_MSIX_FLAGS_MASKALL;
}

/*
 * Hand the eventfds to VFIO: SET_IRQS for vectors [0, n) where n covers
 * every vector with an eventfd (at least one, so that the device is in
 * MSI-X mode as soon as the guest enables it, like on bare metal). Kernels
 * without dynamic MSI-X (VFIO_IRQ_INFO_NORESIZE, or -EINVAL on growth)
 * need MSI-X disabled and re-enabled for a larger range.
 */
static void msix_commit(struct vfio_pci *vp)
{
	const uint32_t flags =
		VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	uint32_t n = 1;
	int32_t *fds;
	int ret;

	for (uint32_t i = 0; i < vp->msix_nvec; i++)
		if (vp->msix_vec[i].efd >= 0)
			n = i + 1;
	if (vp->msix_vfio_count > n)
		n = vp->msix_vfio_count;
	if (n > vp->irq_count[VFIO_PCI_MSIX_IRQ_INDEX] &&
	    vp->irq_count[VFIO_PCI_MSIX_IRQ_INDEX])
		n = vp->irq_count[VFIO_PCI_MSIX_IRQ_INDEX];
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		return;
	for (uint32_t i = 0; i < n; i++)
		fds[i] = vp->msix_vec[i].efd;
	if (vp->msix_vfio_count && n > vp->msix_vfio_count &&
	    (vp->irq_flags[VFIO_PCI_MSIX_IRQ_INDEX] & VFIO_IRQ_INFO_NORESIZE))
		ret = -EINVAL;
	else
		ret = set_irqs(vp, VFIO_PCI_MSIX_IRQ_INDEX, flags, 0, n, fds);
	if (ret == -EINVAL && vp->msix_vfio_count) {
		pv_trace(TRACE_IRQ, "%s MSI-X: re-enabling %u vectors in VFIO",
			 vp->bdf, n);
		set_irqs(vp, VFIO_PCI_MSIX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			 0, 0, NULL);
		vp->msix_vfio_count = 0;
		ret = set_irqs(vp, VFIO_PCI_MSIX_IRQ_INDEX, flags, 0, n, fds);
	}
	free(fds);
	if (ret) {
		pv_warn("%s: VFIO_DEVICE_SET_IRQS MSI-X 0..%u: %s", vp->bdf,
			n - 1, strerror(-ret));
		return;
	}
	vp->msix_vfio_count = n;
	pv_trace(TRACE_IRQ, "%s MSI-X: %u vectors enabled in VFIO", vp->bdf, n);
}

static void msix_sync_vec(struct vfio_pci *vp, unsigned int v, bool *created)
{
	uint64_t addr;
	uint32_t data;
	bool masked;

	msix_entry(vp, v, &addr, &data, &masked);
	vec_sync(vp, &vp->msix_vec[v], "MSI-X", v, addr, data,
		 masked || msix_fmask(vp), created);
}

static void msix_disable(struct vfio_pci *vp)
{
	if (!vp->msix_enabled)
		return;
	if (vp->msix_vfio_count)
		set_irqs(vp, VFIO_PCI_MSIX_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			 0, 0, NULL);
	vp->msix_vfio_count = 0;
	routes_begin(vp);
	for (unsigned int i = 0; i < vp->msix_nvec; i++)
		vec_free(vp, &vp->msix_vec[i]);
	routes_end(vp);
	vp->msix_enabled = false;
	pv_trace(TRACE_IRQ, "%s MSI-X disabled", vp->bdf);
}

static void msi_disable(struct vfio_pci *vp);

/* The guest wrote the MSI-X Message Control register. */
static void msix_control(struct vfio_pci *vp)
{
	uint32_t ctrl =
		pci_cfg_get(&vp->pdev, vp->msix_cap + PCI_MSIX_FLAGS, 2);
	bool created = false;

	if (!(ctrl & PCI_MSIX_FLAGS_ENABLE)) {
		if (vp->msix_enabled) {
			msix_disable(vp);
			intx_restore(vp);
		}
		return;
	}
	if (!vp->msix_enabled) {
		/* MSI and MSI-X are exclusive (PCI 3.0 §6.8.2): MSI-X wins. */
		msi_disable(vp);
		intx_disable(vp);
		vp->msix_enabled = true;
		pv_trace(TRACE_IRQ, "%s MSI-X enabled (%u vectors%s)", vp->bdf,
			 vp->msix_nvec,
			 msix_fmask(vp) ? ", function masked" : "");
	}
	routes_begin(vp);
	for (unsigned int i = 0; i < vp->msix_nvec; i++)
		msix_sync_vec(vp, i, &created);
	routes_end(vp);
	if (created || !vp->msix_vfio_count)
		msix_commit(vp);
}

static bool in_range(uint64_t off, uint32_t len, uint64_t base, uint64_t size)
{
	return off >= base && off + len <= base + size;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static uint64_t msix_table_size(struct vfio_pci *vp)
{
	return (uint64_t)vp->msix_nvec * PCI_MSIX_ENTRY_SIZE;
}

static uint64_t msix_pba_size(struct vfio_pci *vp)
{
	return ((uint64_t)vp->msix_nvec + 63) / 64 * 8;
}

/* One byte of the PBA: device bits OR emulated pending of masked vectors. */
static uint8_t msix_pba_byte(struct vfio_pci *vp, uint64_t boff)
{
	uint8_t hw = 0;

	if (region_pread(vp, (unsigned int)vp->msix_pba_bar,
			 vp->msix_pba_off + boff, &hw, 1))
		hw = 0;
	for (unsigned int b = 0; b < 8; b++) {
		uint64_t v = boff * 8 + b;

		if (v < vp->msix_nvec && vec_pending(&vp->msix_vec[v]))
			hw |= (uint8_t)(1u << b);
	}
	return hw;
}

/*
 * Is byte @off of BAR @bar emulated (table/PBA)? Returns 1 table,
 * 2 PBA, 0 forwarded.
 */
static int msix_byte_kind(struct vfio_pci *vp, int bar, uint64_t off)
{
	if (!vp->msix_cap)
		return 0;
	if (bar == vp->msix_table_bar &&
	    in_range(off, 1, vp->msix_table_off, msix_table_size(vp)))
		return 1;
	if (bar == vp->msix_pba_bar &&
	    in_range(off, 1, vp->msix_pba_off, msix_pba_size(vp)))
		return 2;
	return 0;
}

static void msix_table_write(struct vfio_pci *vp, uint64_t toff,
			     const uint8_t *data, uint32_t len)
{
	unsigned int first = (unsigned int)(toff / PCI_MSIX_ENTRY_SIZE);
	unsigned int last =
		(unsigned int)((toff + len - 1) / PCI_MSIX_ENTRY_SIZE);
	bool created = false;

	memcpy(vp->msix_table + toff, data, len);
	routes_begin(vp);
	for (unsigned int v = first; v <= last && v < vp->msix_nvec; v++) {
		uint8_t *ctl = vp->msix_table + v * PCI_MSIX_ENTRY_SIZE +
			       PCI_MSIX_ENTRY_VECTOR_CTRL;

		/* Vector Control bits 31:1 are reserved, read as 0. */
		ctl[0] &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
		ctl[1] = ctl[2] = ctl[3] = 0;
		if (vp->msix_enabled)
			msix_sync_vec(vp, v, &created);
	}
	routes_end(vp);
	if (created)
		msix_commit(vp);
}

/* ------------------------------------------------------------------ */
/* MSI (PCI 3.0 §6.8.1)                                                 */

static uint32_t msi_off_data(struct vfio_pci *vp)
{
	return vp->msi_cap + (vp->msi_64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32);
}

static uint32_t msi_off_mask(struct vfio_pci *vp)
{
	return vp->msi_cap + (vp->msi_64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
}

static uint32_t msi_off_pending(struct vfio_pci *vp)
{
	return vp->msi_cap +
	       (vp->msi_64 ? PCI_MSI_PENDING_64 : PCI_MSI_PENDING_32);
}

static uint32_t msi_cap_len(struct vfio_pci *vp)
{
	if (vp->msi_pvm)
		return msi_off_pending(vp) + 4 - vp->msi_cap;
	return msi_off_data(vp) + 2 - vp->msi_cap;
}

static void msi_disable(struct vfio_pci *vp)
{
	if (!vp->msi_nvec_enabled)
		return;
	set_irqs(vp, VFIO_PCI_MSI_IRQ_INDEX,
		 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0,
		 NULL);
	routes_begin(vp);
	for (unsigned int i = 0; i < VFIO_MSI_MAX_VECTORS; i++)
		vec_free(vp, &vp->msi_vec[i]);
	routes_end(vp);
	vp->msi_nvec_enabled = 0;
	pv_trace(TRACE_IRQ, "%s MSI disabled", vp->bdf);
}

/* The guest wrote somewhere in the MSI capability. */
static void msi_update(struct vfio_pci *vp)
{
	struct pci_dev *d = &vp->pdev;
	uint32_t ctrl = pci_cfg_get(d, vp->msi_cap + PCI_MSI_FLAGS, 2);
	uint32_t mmc = (ctrl & PCI_MSI_FLAGS_QMASK) >> 1;
	uint32_t mme = (ctrl & PCI_MSI_FLAGS_QSIZE) >> 4;
	uint64_t addr = pci_cfg_get(d, vp->msi_cap + PCI_MSI_ADDRESS_LO, 4);
	uint32_t data = pci_cfg_get(d, msi_off_data(vp), 2);
	uint32_t mask = vp->msi_pvm ? pci_cfg_get(d, msi_off_mask(vp), 4) : 0;
	uint32_t n;
	bool created = false;

	if (vp->msi_64)
		addr |= (uint64_t)pci_cfg_get(
				d, vp->msi_cap + PCI_MSI_ADDRESS_HI, 4)
			<< 32;
	if (mme > mmc)
		mme = mmc; /* more than the device can do: clamp */
	if (mme > 5)
		mme = 5;
	n = 1u << mme;
	if (!(ctrl & PCI_MSI_FLAGS_ENABLE) || vp->msix_enabled) {
		if (vp->msi_nvec_enabled) {
			msi_disable(vp);
			intx_restore(vp);
		}
		return;
	}
	if (vp->msi_nvec_enabled && vp->msi_nvec_enabled != n)
		msi_disable(vp); /* the vector count changed: start over */
	if (!vp->msi_nvec_enabled) {
		intx_disable(vp);
		vp->msi_nvec_enabled = n;
		pv_trace(TRACE_IRQ, "%s MSI enabled, %u vector(s)", vp->bdf, n);
	}
	routes_begin(vp);
	for (uint32_t i = 0; i < n; i++) {
		/* Multiple Message: the function sets the low data bits. */
		uint32_t vdata = (data & ~(n - 1)) | i;

		vec_sync(vp, &vp->msi_vec[i], "MSI", i, addr, vdata,
			 (mask >> i) & 1, &created);
	}
	routes_end(vp);
	if (created) {
		int32_t fds[VFIO_MSI_MAX_VECTORS];
		int ret;

		for (uint32_t i = 0; i < n; i++)
			fds[i] = vp->msi_vec[i].efd;
		/* MSI cannot grow in place: (re)enable the full count. */
		set_irqs(vp, VFIO_PCI_MSI_IRQ_INDEX,
			 VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			 0, 0, NULL);
		ret = set_irqs(vp, VFIO_PCI_MSI_IRQ_INDEX,
			       VFIO_IRQ_SET_DATA_EVENTFD |
				       VFIO_IRQ_SET_ACTION_TRIGGER,
			       0, n, fds);
		if (ret)
			pv_warn("%s: VFIO_DEVICE_SET_IRQS MSI x%u: %s", vp->bdf,
				n, strerror(-ret));
	}
}

/* ------------------------------------------------------------------ */
/* Config space callbacks                                              */

static void vfio_cfg_read(struct pci_dev *d, uint32_t off, uint32_t len,
			  uint32_t *val)
{
	struct vfio_pci *vp = d->opaque;
	bool live = false;
	uint32_t hw, v = *val;

	if (off >= d->cfg_size || len > d->cfg_size - off)
		return;
	pthread_mutex_lock(&vp->lock);
	vp->stats.cfg_reads++;
	for (uint32_t i = 0; i < len; i++)
		live |= !vp->emu[off + i];
	if (live) {
		hw = hw_cfg_read(vp, off, len);
		for (uint32_t i = 0; i < len; i++) {
			uint32_t m = 0xffu << (8 * i);

			if (!vp->emu[off + i])
				v = (v & ~m) | (hw & m);
		}
		/* Status: the capability list bit is ours. */
		if (off <= PCI_STATUS && off + len > PCI_STATUS) {
			uint32_t sh = 8 * (PCI_STATUS - off);

			v &= ~((uint32_t)PCI_STATUS_CAP_LIST << sh);
			v |= (uint32_t)(d->cfg[PCI_STATUS] &
					PCI_STATUS_CAP_LIST)
			     << sh;
		}
	}
	/* MSI pending bits: emulated from the vectors' state. */
	if (vp->msi_cap && vp->msi_pvm &&
	    overlaps(off, len, msi_off_pending(vp), 4)) {
		uint32_t pend = 0;

		for (uint32_t i = 0; i < VFIO_MSI_MAX_VECTORS; i++)
			if (vec_pending(&vp->msi_vec[i]))
				pend |= 1u << i;
		for (uint32_t i = 0; i < len; i++) {
			uint32_t o = off + i;

			if (o >= msi_off_pending(vp) &&
			    o < msi_off_pending(vp) + 4) {
				uint32_t b = (pend >>
					      (8 * (o - msi_off_pending(vp)))) &
					     0xff;

				v = (v & ~(0xffu << (8 * i))) | b << (8 * i);
			}
		}
	}
	*val = v;
	pthread_mutex_unlock(&vp->lock);
}

static void vfio_cfg_write(struct pci_dev *d, uint32_t off, uint32_t len,
			   uint32_t val)
{
	struct vfio_pci *vp = d->opaque;
	uint32_t i = 0;

	if (off >= d->cfg_size || len > d->cfg_size - off || !len || len > 4)
		return;
	pthread_mutex_lock(&vp->lock);
	vp->stats.cfg_writes++;
	/* Forward runs of live bytes as they were written. */
	while (i < len) {
		uint32_t start, n = 0;

		if (vp->emu[off + i]) {
			i++;
			continue;
		}
		start = i;
		while (i < len && !vp->emu[off + i]) {
			n++;
			i++;
		}
		hw_cfg_write(vp, off + start, n, val >> (8 * start));
	}
	/* Command: decode, bus master and INTx disable reach the device. */
	if (overlaps(off, len, PCI_COMMAND, 2)) {
		uint32_t cmd = pci_cfg_get(d, PCI_COMMAND, 2);
		uint32_t hw = hw_cfg_read(vp, PCI_COMMAND, 2);
		uint32_t nhw = (hw & ~CMD_FORWARD) | (cmd & CMD_FORWARD);

		if (hw != 0xffff && nhw != hw)
			hw_cfg_write(vp, PCI_COMMAND, 2, nhw);
	}
	if (vp->msix_cap &&
	    overlaps(off, len, vp->msix_cap + PCI_MSIX_FLAGS, 2))
		msix_control(vp);
	if (vp->msi_cap && overlaps(off, len, vp->msi_cap, msi_cap_len(vp)))
		msi_update(vp);
	pthread_mutex_unlock(&vp->lock);
}

/* ------------------------------------------------------------------ */
/* BAR access                                                          */

static bool bar_valid(struct vfio_pci *vp, int bar)
{
	return bar >= 0 && bar <= PCI_ROM_SLOT && vp->regions[bar].size &&
	       vp->bars[bar].type != PCI_BAR_NONE;
}

static void vfio_bar_read(struct pci_dev *d, int bar, uint64_t off,
			  uint8_t *data, uint32_t len)
{
	struct vfio_pci *vp = d->opaque;
	bool emu = false;

	memset(data, 0xff, len);
	if (len > 8)
		return;
	pthread_mutex_lock(&vp->lock);
	vp->stats.bar_reads++;
	if (!bar_valid(vp, bar))
		goto out;
	for (uint32_t i = 0; i < len; i++)
		emu |= msix_byte_kind(vp, bar, off + i) != 0;
	if (!emu) {
		if (region_pread(vp, (unsigned int)bar, off, data, len))
			memset(data, 0xff, len);
		goto out;
	}
	vp->stats.msix_table_accesses++;
	for (uint32_t i = 0; i < len; i++) {
		uint64_t o = off + i;

		switch (msix_byte_kind(vp, bar, o)) {
		case 1:
			data[i] = vp->msix_table[o - vp->msix_table_off];
			break;
		case 2:
			data[i] = msix_pba_byte(vp, o - vp->msix_pba_off);
			break;
		default:
			if (region_pread(vp, (unsigned int)bar, o, &data[i], 1))
				data[i] = 0xff;
		}
	}
out:
	pthread_mutex_unlock(&vp->lock);
}

static void vfio_bar_write(struct pci_dev *d, int bar, uint64_t off,
			   const uint8_t *data, uint32_t len)
{
	struct vfio_pci *vp = d->opaque;
	int k0, k1;

	if (len > 8 || !len)
		return;
	pthread_mutex_lock(&vp->lock);
	vp->stats.bar_writes++;
	if (!bar_valid(vp, bar) || bar == PCI_ROM_SLOT)
		goto out; /* the ROM is read-only */
	k0 = msix_byte_kind(vp, bar, off);
	k1 = msix_byte_kind(vp, bar, off + len - 1);
	if (!k0 && !k1) {
		bool any = false;

		for (uint32_t i = 1; i + 1 < len; i++)
			any |= msix_byte_kind(vp, bar, off + i) != 0;
		if (!any) {
			region_pwrite(vp, (unsigned int)bar, off, data, len);
			goto out;
		}
	}
	vp->stats.msix_table_accesses++;
	if (k0 == 1 && k1 == 1) {
		msix_table_write(vp, off - vp->msix_table_off, data, len);
		goto out;
	}
	/* Straddling the table/PBA edge: byte by byte; PBA is read-only. */
	for (uint32_t i = 0; i < len; i++) {
		uint64_t o = off + i;

		switch (msix_byte_kind(vp, bar, o)) {
		case 1:
			msix_table_write(vp, o - vp->msix_table_off, &data[i],
					 1);
			break;
		case 2:
			break;
		default:
			region_pwrite(vp, (unsigned int)bar, o, &data[i], 1);
		}
	}
out:
	pthread_mutex_unlock(&vp->lock);
}

static void bar_unmap_locked(struct vfio_pci *vp, int bar)
{
	struct vfio_bar *b = &vp->bars[bar];

	for (unsigned int i = 0; i < b->nr_pieces; i++) {
		struct vfio_bar_piece *p = &b->pieces[i];

		if (!p->in_map)
			continue;
		mem_map_remove(vp->mem, p->gpa);
		p->in_map = false;
		if (vp->stats.pieces_mapped)
			vp->stats.pieces_mapped--;
	}
}

static int vfio_bar_map(struct pci_dev *d, int bar, uint64_t addr)
{
	struct vfio_pci *vp = d->opaque;
	struct vfio_bar *b;
	struct pv_error err;
	int ret = 0;

	if (bar < 0 || bar >= PCI_NUM_BARS)
		return 0; /* the ROM stays trapped */
	pthread_mutex_lock(&vp->lock);
	b = &vp->bars[bar];
	if (b->type == PCI_BAR_IO || b->type == PCI_BAR_NONE || !b->nr_pieces)
		goto out;
	if (addr % (uint64_t)vp->page_size) {
		pv_trace(TRACE_VFIO,
			 "%s BAR%d at GPA 0x%llx is not page "
			 "aligned: trapped",
			 vp->bdf, bar, (unsigned long long)addr);
		goto out;
	}
	bar_unmap_locked(vp, bar);
	for (unsigned int i = 0; i < b->nr_pieces; i++) {
		struct vfio_bar_piece *p = &b->pieces[i];
		struct mem_region r;

		memset(&r, 0, sizeof(r));
		r.gpa = addr + p->off;
		r.size = p->size;
		r.hva = p->hva;
		r.kind = MEM_REGION_MMIO;
		r.readonly =
			!(vp->regions[bar].flags & VFIO_REGION_INFO_FLAG_WRITE);
		snprintf(r.name, sizeof(r.name), "%s BAR%d.%u", vp->bdf, bar,
			 i);
		ret = mem_map_add(vp->mem, &r, &err);
		if (ret) {
			/* The core warns once per failed map; no spam. */
			pv_trace(
				TRACE_VFIO,
				"%s: BAR%d piece 0x%llx+0x%llx stays trapped: %s",
				vp->bdf, bar, (unsigned long long)p->off,
				(unsigned long long)p->size, err.msg);
			bar_unmap_locked(vp, bar);
			goto out;
		}
		p->in_map = true;
		p->gpa = r.gpa;
		vp->stats.pieces_mapped++;
		pv_trace(TRACE_VFIO,
			 "BAR%d -> GPA 0x%llx, memslot region %u "
			 "[0x%llx-0x%llx] hva %p",
			 bar, (unsigned long long)addr, r.id,
			 (unsigned long long)r.gpa,
			 (unsigned long long)(r.gpa + r.size - 1), r.hva);
	}
out:
	pthread_mutex_unlock(&vp->lock);
	return ret;
}

static void vfio_bar_unmap(struct pci_dev *d, int bar, uint64_t addr)
{
	struct vfio_pci *vp = d->opaque;

	if (bar < 0 || bar >= PCI_NUM_BARS)
		return;
	pthread_mutex_lock(&vp->lock);
	bar_unmap_locked(vp, bar);
	pthread_mutex_unlock(&vp->lock);
}

const struct pci_dev_ops vfio_pci_ops = {
	.cfg_read = vfio_cfg_read,
	.cfg_write = vfio_cfg_write,
	.bar_read = vfio_bar_read,
	.bar_write = vfio_bar_write,
	.bar_map = vfio_bar_map,
	.bar_unmap = vfio_bar_unmap,
};

/* ------------------------------------------------------------------ */
/* Init                                                                */

static void trace_region(struct vfio_pci *vp, const struct vfio_region *r)
{
	char areas[160] = "";
	size_t used = 0;

	if (!(trace_mask & TRACE_VFIO))
		return;
	for (unsigned int i = 0; i < r->nr_areas && used < sizeof(areas); i++) {
		int w = snprintf(areas + used, sizeof(areas) - used,
				 "%s0x%llx-0x%llx", i ? "," : "",
				 (unsigned long long)r->areas[i].off,
				 (unsigned long long)(r->areas[i].off +
						      r->areas[i].size));
		if (w > 0)
			used += (size_t)w;
	}
	pv_trace(TRACE_VFIO,
		 "region %u %s size 0x%llx flags 0x%x mmap areas "
		 "[%s]%s",
		 r->index, r->index < 9 ? region_names[r->index] : "?",
		 (unsigned long long)r->size, r->flags, areas,
		 r->msix_mappable ? " msix-mappable" : "");
}

static uint64_t pow2_roundup(uint64_t v)
{
	uint64_t p = 1;

	while (p < v && p)
		p <<= 1;
	return p;
}

/* Remove [s, e) from the piece list @pc (@n entries, room for max). */
static unsigned int pieces_subtract(struct vfio_bar_piece *pc, unsigned int n,
				    unsigned int max, uint64_t s, uint64_t e)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t ps = pc[i].off, pe = pc[i].off + pc[i].size;

		if (e <= ps || s >= pe)
			continue;
		if (s > ps && e < pe) {
			if (n < max) {
				pc[n].off = e;
				pc[n].size = pe - e;
				n++;
			}
			pc[i].size = s - ps;
		} else if (s > ps) {
			pc[i].size = s - ps;
		} else if (e < pe) {
			pc[i].off = e;
			pc[i].size = pe - e;
		} else {
			pc[i] = pc[--n];
			i--;
		}
	}
	return n;
}

static int piece_cmp(const void *a, const void *b)
{
	const struct vfio_bar_piece *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * The mmappable pieces of BAR @bar: the region's mmap areas, shrunk to
 * host pages, minus the host pages holding the MSI-X table and PBA (they
 * stay trapped whether or not VFIO_REGION_INFO_CAP_MSIX_MAPPABLE allows
 * mapping them), each mmapped once now.
 */
static void bar_setup_pieces(struct vfio_pci *vp, int bar)
{
	const struct vfio_region *r = &vp->regions[bar];
	struct vfio_bar *b = &vp->bars[bar];
	uint64_t pg = (uint64_t)vp->page_size;
	struct vfio_bar_piece *pc = b->pieces;
	unsigned int n = 0;
	int prot = 0;

	if (b->type != PCI_BAR_MEM32 && b->type != PCI_BAR_MEM64)
		return;
	if (!(r->flags & VFIO_REGION_INFO_FLAG_MMAP) || r->size < pg)
		return;
	for (unsigned int i = 0; i < r->nr_areas && n < VFIO_MAX_BAR_PIECES;
	     i++) {
		uint64_t s = (r->areas[i].off + pg - 1) & ~(pg - 1);
		uint64_t e = (r->areas[i].off + r->areas[i].size) & ~(pg - 1);

		if (r->areas[i].off + r->areas[i].size < r->areas[i].off)
			continue;
		if (e > r->size)
			e = r->size & ~(pg - 1);
		if (e <= s)
			continue;
		pc[n].off = s;
		pc[n].size = e - s;
		n++;
	}
	if (vp->msix_cap && vp->msix_table_bar == bar)
		n = pieces_subtract(
			pc, n, VFIO_MAX_BAR_PIECES,
			vp->msix_table_off & ~(pg - 1),
			(vp->msix_table_off + msix_table_size(vp) + pg - 1) &
				~(pg - 1));
	if (vp->msix_cap && vp->msix_pba_bar == bar)
		n = pieces_subtract(pc, n, VFIO_MAX_BAR_PIECES,
				    vp->msix_pba_off & ~(pg - 1),
				    (vp->msix_pba_off + msix_pba_size(vp) + pg -
				     1) & ~(pg - 1));
	qsort(pc, n, sizeof(*pc), piece_cmp);
	if (r->flags & VFIO_REGION_INFO_FLAG_READ)
		prot |= PROT_READ;
	if (r->flags & VFIO_REGION_INFO_FLAG_WRITE)
		prot |= PROT_WRITE;
	b->nr_pieces = 0;
	for (unsigned int i = 0; i < n; i++) {
		void *hva = vp->io.mmap(vp->io.ctx, r->offset + pc[i].off,
					pc[i].size, prot);

		if (hva == MAP_FAILED) {
			pv_warn("%s: mmap of BAR%d 0x%llx+0x%llx failed (%s): "
				"that part stays trapped (slow)",
				vp->bdf, bar, (unsigned long long)pc[i].off,
				(unsigned long long)pc[i].size,
				strerror(errno));
			continue;
		}
		b->pieces[b->nr_pieces] = pc[i];
		b->pieces[b->nr_pieces].hva = hva;
		b->pieces[b->nr_pieces].in_map = false;
		b->nr_pieces++;
		pv_trace(TRACE_VFIO,
			 "%s BAR%d piece 0x%llx-0x%llx mmapped at %p", vp->bdf,
			 bar, (unsigned long long)pc[i].off,
			 (unsigned long long)(pc[i].off + pc[i].size), hva);
	}
}

static bool std_cap_kept(uint8_t id)
{
	switch (id) {
	case PCI_CAP_ID_PM:
	case PCI_CAP_ID_VPD:
	case PCI_CAP_ID_MSI:
	case PCI_CAP_ID_VNDR:
	case PCI_CAP_ID_EXP:
	case PCI_CAP_ID_MSIX:
	case PCI_CAP_ID_SATA:
	case PCI_CAP_ID_AF:
		return true;
	default:
		return false;
	}
}

static bool ext_cap_kept(uint16_t id)
{
	switch (id) {
	case PCI_EXT_CAP_ID_ERR:
	case PCI_EXT_CAP_ID_DSN:
	case PCI_EXT_CAP_ID_PWR:
	case PCI_EXT_CAP_ID_VNDR:
	case PCI_EXT_CAP_ID_DVSEC:
		return true;
	default:
		return false;
	}
}

static void emulate(struct vfio_pci *vp, uint32_t off, uint32_t len)
{
	for (uint32_t i = 0; i < len && off + i < PCI_CFG_EXP_SIZE; i++)
		vp->emu[off + i] = 1;
}

static void setup_msi(struct vfio_pci *vp, const uint8_t *hw, uint8_t pos)
{
	struct pci_dev *d = &vp->pdev;
	uint16_t flags = (uint16_t)(hw[pos + 2] | hw[pos + 3] << 8);
	uint32_t len;

	vp->msi_cap = pos;
	vp->msi_64 = flags & PCI_MSI_FLAGS_64BIT;
	vp->msi_pvm = flags & PCI_MSI_FLAGS_MASKBIT;
	len = msi_cap_len(vp);
	if (pos + len > PCI_CFG_SIZE) {
		vp->msi_cap = 0;
		return;
	}
	emulate(vp, pos, len);
	memcpy(d->cfg + pos + 2, hw + pos + 2, len - 2);
	/* Disabled, one message enabled; the guest programs the rest. */
	pci_cfg_set(d, pos + PCI_MSI_FLAGS, 2,
		    flags & ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE));
	d->wmask[pos + PCI_MSI_FLAGS] =
		PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE;
	memset(d->cfg + pos + PCI_MSI_ADDRESS_LO, 0, len - 4);
	memset(d->wmask + pos + PCI_MSI_ADDRESS_LO, 0xff, 4);
	d->wmask[pos + PCI_MSI_ADDRESS_LO] = 0xfc;
	if (vp->msi_64)
		memset(d->wmask + pos + PCI_MSI_ADDRESS_HI, 0xff, 4);
	memset(d->wmask + msi_off_data(vp), 0xff, 2);
	if (vp->msi_pvm)
		memset(d->wmask + msi_off_mask(vp), 0xff, 4);
	pv_trace(TRACE_VFIO, "%s MSI cap at 0x%x: %u vectors max%s%s", vp->bdf,
		 pos, 1u << ((flags & PCI_MSI_FLAGS_QMASK) >> 1),
		 vp->msi_64 ? ", 64-bit" : "",
		 vp->msi_pvm ? ", per-vector mask" : "");
}

static int setup_msix(struct vfio_pci *vp, const uint8_t *hw, uint8_t pos)
{
	struct pci_dev *d = &vp->pdev;
	uint16_t flags = (uint16_t)(hw[pos + 2] | hw[pos + 3] << 8);
	uint32_t table, pba;

	memcpy(&table, hw + pos + PCI_MSIX_TABLE, 4);
	memcpy(&pba, hw + pos + PCI_MSIX_PBA, 4);
	vp->msix_nvec = (uint16_t)((flags & PCI_MSIX_FLAGS_QSIZE) + 1);
	vp->msix_table_bar = (int)(table & PCI_MSIX_TABLE_BIR);
	vp->msix_table_off = table & PCI_MSIX_TABLE_OFFSET;
	vp->msix_pba_bar = (int)(pba & PCI_MSIX_PBA_BIR);
	vp->msix_pba_off = pba & PCI_MSIX_PBA_OFFSET;
	if (vp->msix_table_bar >= PCI_NUM_BARS ||
	    vp->msix_pba_bar >= PCI_NUM_BARS ||
	    vp->msix_table_off + msix_table_size(vp) >
		    vp->regions[vp->msix_table_bar].size ||
	    vp->msix_pba_off + msix_pba_size(vp) >
		    vp->regions[vp->msix_pba_bar].size) {
		pv_warn("%s: MSI-X table/PBA outside its BAR: MSI-X hidden",
			vp->bdf);
		return -EINVAL;
	}
	vp->msix_table = calloc(vp->msix_nvec, PCI_MSIX_ENTRY_SIZE);
	vp->msix_vec = calloc(vp->msix_nvec, sizeof(*vp->msix_vec));
	if (!vp->msix_table || !vp->msix_vec)
		return -ENOMEM;
	for (unsigned int i = 0; i < vp->msix_nvec; i++) {
		/* Reset state: every vector masked (PCI 3.0 §6.8.2.9). */
		vp->msix_table[i * PCI_MSIX_ENTRY_SIZE +
			       PCI_MSIX_ENTRY_VECTOR_CTRL] =
			PCI_MSIX_ENTRY_CTRL_MASKBIT;
		vec_reset(&vp->msix_vec[i]);
	}
	vp->msix_cap = pos;
	emulate(vp, pos, 12);
	memcpy(d->cfg + pos + 2, hw + pos + 2, 10);
	pci_cfg_set(d, pos + PCI_MSIX_FLAGS, 2,
		    flags & ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
	d->wmask[pos + PCI_MSIX_FLAGS + 1] =
		(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
	pv_trace(TRACE_VFIO,
		 "%s MSI-X cap at 0x%x: %u vectors, table BAR%d+0x%x, "
		 "PBA BAR%d+0x%x",
		 vp->bdf, pos, vp->msix_nvec, vp->msix_table_bar,
		 vp->msix_table_off, vp->msix_pba_bar, vp->msix_pba_off);
	return 0;
}

static void setup_exp(struct vfio_pci *vp, const uint8_t *hw, uint8_t pos)
{
	struct pci_dev *d = &vp->pdev;
	uint8_t f = hw[pos + PCI_EXP_FLAGS];
	uint8_t type = (f & PCI_EXP_FLAGS_TYPE) >> 4;

	if (pos + PCI_EXP_LNKSTA2 + 2 > PCI_CFG_SIZE)
		return;
	if (type != PCI_EXP_TYPE_ENDPOINT && type != PCI_EXP_TYPE_LEG_END)
		return;
	/* On the root bus: a Root Complex Integrated Endpoint, no link. */
	emulate(vp, pos + PCI_EXP_FLAGS, 1);
	d->cfg[pos + PCI_EXP_FLAGS] = (uint8_t)((f & ~PCI_EXP_FLAGS_TYPE) |
						(PCI_EXP_TYPE_RC_END << 4));
	emulate(vp, pos + PCI_EXP_LNKCAP, 8);
	memset(d->cfg + pos + PCI_EXP_LNKCAP, 0, 8);
	if ((f & PCI_EXP_FLAGS_VERS) >= 2) {
		emulate(vp, pos + PCI_EXP_LNKCAP2, 8);
		memset(d->cfg + pos + PCI_EXP_LNKCAP2, 0, 8);
	}
}

static int setup_caps(struct vfio_pci *vp, const uint8_t *hw)
{
	struct pci_dev *d = &vp->pdev;
	uint8_t seen[PCI_CFG_SIZE / 4] = { 0 };
	uint32_t link = PCI_CAPABILITY_LIST;
	uint8_t pos;
	int ret;

	d->cfg[PCI_CAPABILITY_LIST] = 0;
	if (hw[PCI_STATUS] & PCI_STATUS_CAP_LIST)
		pos = hw[PCI_CAPABILITY_LIST] & ~3;
	else
		pos = 0;
	while (pos >= 0x40 && !seen[pos / 4]) {
		uint8_t id = hw[pos], next = hw[pos + 1] & ~3;
		bool keep = std_cap_kept(id);

		seen[pos / 4] = 1;
		if (id == PCI_CAP_ID_MSI && !vp->msi_cap) {
			setup_msi(vp, hw, pos);
			keep = vp->msi_cap == pos;
		} else if (id == PCI_CAP_ID_MSIX && !vp->msix_cap) {
			ret = setup_msix(vp, hw, pos);
			if (ret == -ENOMEM)
				return ret;
			keep = !ret;
		} else if (id == PCI_CAP_ID_EXP) {
			setup_exp(vp, hw, pos);
		} else if (id == PCI_CAP_ID_MSI || id == PCI_CAP_ID_MSIX) {
			keep = false; /* a second one: nonsense */
		}
		pv_trace(TRACE_PCI, "%s cap 0x%02x at 0x%02x: %s", vp->bdf, id,
			 pos,
			 keep ? (id == PCI_CAP_ID_MSI || id == PCI_CAP_ID_MSIX ?
					 "virtualized" :
					 "passed through") :
				"hidden");
		if (keep) {
			d->cfg[link] = pos;
			emulate(vp, pos, 2);
			d->cfg[pos] = id;
			link = pos + 1u;
		}
		pos = next;
	}
	d->cfg[link] = 0;
	if (d->cfg[PCI_CAPABILITY_LIST])
		d->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	else
		d->cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_CAP_LIST;
	return 0;
}

static void setup_ext_caps(struct vfio_pci *vp, const uint8_t *hw)
{
	struct pci_dev *d = &vp->pdev;
	uint32_t caps[64], ids[64], vers[64];
	unsigned int n = 0, hops = 0;
	uint32_t pos = PCI_CFG_SIZE;

	/* The list starts at 0x100; an empty header ends it. */
	emulate(vp, PCI_CFG_SIZE, 4);
	pci_cfg_set(d, PCI_CFG_SIZE, 4, 0);
	while (pos >= PCI_CFG_SIZE && pos + 4 <= vp->cfg_region_size &&
	       pos + 4 <= PCI_CFG_EXP_SIZE && hops++ < 64) {
		uint32_t h;

		memcpy(&h, hw + pos, 4);
		if (!h || h == 0xffffffffu)
			break;
		emulate(vp, pos, 4);
		pci_cfg_set(d, pos, 4, 0);
		if (ext_cap_kept((uint16_t)PCI_EXT_CAP_ID(h)) && n < 64) {
			caps[n] = pos;
			ids[n] = PCI_EXT_CAP_ID(h);
			vers[n] = PCI_EXT_CAP_VER(h);
			n++;
		}
		pv_trace(TRACE_PCI, "%s ext cap 0x%04x at 0x%03x: %s", vp->bdf,
			 PCI_EXT_CAP_ID(h), pos,
			 ext_cap_kept((uint16_t)PCI_EXT_CAP_ID(h)) ?
				 "passed through" :
				 "hidden");
		if (PCI_EXT_CAP_NEXT(h) <= pos)
			break;
		pos = PCI_EXT_CAP_NEXT(h);
	}
	/* Relink: a kept cap at 0x100 heads the list; otherwise an ID-0
	 * placeholder there points at the first kept one. */
	if (!n || caps[0] != PCI_CFG_SIZE) {
		pci_cfg_set(d, PCI_CFG_SIZE, 4, n ? caps[0] << 20 : 0);
	}
	for (unsigned int i = 0; i < n; i++) {
		uint32_t next = i + 1 < n ? caps[i + 1] : 0;

		pci_cfg_set(d, caps[i], 4, ids[i] | vers[i] << 16 | next << 20);
	}
}

static const char *bar_type_name(enum pci_bar_type t)
{
	switch (t) {
	case PCI_BAR_IO:
		return "io";
	case PCI_BAR_MEM32:
		return "mem32";
	case PCI_BAR_MEM64:
		return "mem64";
	default:
		return "none";
	}
}

static int setup_bars(struct vfio_pci *vp, const uint8_t *hw,
		      struct pv_error *err)
{
	struct pci_dev *d = &vp->pdev;
	int ret;

	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct vfio_region *r = &vp->regions[i];
		uint32_t low;
		enum pci_bar_type type;
		bool pf = false;
		uint64_t size;

		if (!r->size)
			continue;
		memcpy(&low, hw + PCI_BASE_ADDRESS_0 + 4 * i, 4);
		if (low & PCI_BASE_ADDRESS_SPACE_IO) {
			type = PCI_BAR_IO;
			size = pow2_roundup(r->size < 16 ? 16 : r->size);
		} else {
			type = ((low & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
				PCI_BASE_ADDRESS_MEM_TYPE_64) ?
				       PCI_BAR_MEM64 :
				       PCI_BAR_MEM32;
			pf = low & PCI_BASE_ADDRESS_MEM_PREFETCH;
			size = pow2_roundup(r->size < 16 ? 16 : r->size);
			if (type == PCI_BAR_MEM64 && i == PCI_NUM_BARS - 1)
				type = PCI_BAR_MEM32; /* broken device */
		}
		if (!size)
			continue;
		ret = pci_dev_set_bar(d, i, type, pf, size);
		if (ret)
			return pv_seterr(
				err, -ret,
				"%s: BAR%d (%s, 0x%llx bytes) rejected",
				vp->bdf, i, bar_type_name(type),
				(unsigned long long)size);
		vp->bars[i].type = type;
		vp->bars[i].prefetch = pf;
		vp->bars[i].size = size;
		pv_trace(TRACE_VFIO, "%s BAR%d %s%s size 0x%llx", vp->bdf, i,
			 bar_type_name(type), pf ? " prefetchable" : "",
			 (unsigned long long)size);
		if (type == PCI_BAR_MEM64)
			i++;
	}
	if (vp->regions[VFIO_PCI_ROM_REGION_INDEX].size) {
		uint64_t size = pow2_roundup(
			vp->regions[VFIO_PCI_ROM_REGION_INDEX].size);

		if (size < 2048)
			size = 2048; /* PCI 3.0 §6.2.5.2: at least 2 KiB */
		ret = pci_dev_set_bar(d, PCI_ROM_SLOT, PCI_BAR_ROM, false,
				      size);
		if (ret)
			pv_warn("%s: expansion ROM (0x%llx bytes) not exposed",
				vp->bdf, (unsigned long long)size);
		else {
			vp->bars[PCI_ROM_SLOT].type = PCI_BAR_ROM;
			vp->bars[PCI_ROM_SLOT].size = size;
		}
	}
	return 0;
}

int vfio_pci_init(struct vfio_pci *vp, const char *bdf,
		  const struct vfio_dev_io *io, struct mem_map *mem,
		  struct irq_router *irq, struct pv_error *err)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct pci_dev *d = &vp->pdev;
	uint8_t *hw = NULL;
	uint32_t class_code, nreg;
	uint16_t vendor, device;
	char name[32];
	int ret;

	memset(vp, 0, sizeof(*vp));
	pthread_mutex_init(&vp->lock, NULL);
	snprintf(vp->bdf, sizeof(vp->bdf), "%s", bdf);
	vp->io = *io;
	vp->mem = mem;
	vp->irq = irq;
	vp->page_size = sysconf(_SC_PAGESIZE);
	vp->intx_efd = vp->intx_resample_efd = -1;
	for (unsigned int i = 0; i < VFIO_MSI_MAX_VECTORS; i++)
		vec_reset(&vp->msi_vec[i]);
	ret = irq_owner_add(irq, bdf, err);
	if (ret < 0)
		return ret;
	vp->irq_owner = ret;

	ret = io->ioctl(io->ctx, VFIO_DEVICE_GET_INFO, &info);
	if (ret < 0)
		return pv_seterr(err, -ret, "%s: VFIO_DEVICE_GET_INFO: %s", bdf,
				 strerror(-ret));
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    info.num_regions <= CFG_IDX)
		return pv_seterr(err, ENODEV, "%s is not a vfio-pci device",
				 bdf);
	vp->dev_flags = info.flags;
	vp->num_regions = info.num_regions;
	vp->num_irqs = info.num_irqs;
	nreg = info.num_regions < VFIO_PCI_NUM_REGIONS ? info.num_regions :
							 VFIO_PCI_NUM_REGIONS;
	for (uint32_t i = 0; i < nreg; i++) {
		if (i == VFIO_PCI_VGA_REGION_INDEX)
			continue; /* no VGA ranges in a passvm guest */
		ret = vfio_region_info(io, i, &vp->regions[i]);
		if (ret < 0 && i == CFG_IDX)
			return pv_seterr(err, -ret,
					 "%s: VFIO_DEVICE_GET_REGION_INFO "
					 "(config): %s",
					 bdf, strerror(-ret));
		if (ret < 0)
			memset(&vp->regions[i], 0, sizeof(vp->regions[i]));
		else if (vp->regions[i].size)
			trace_region(vp, &vp->regions[i]);
	}
	for (uint32_t i = 0; i < info.num_irqs && i < VFIO_PCI_NUM_IRQS; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };

		if (io->ioctl(io->ctx, VFIO_DEVICE_GET_IRQ_INFO, &ii) == 0) {
			vp->irq_count[i] = ii.count;
			vp->irq_flags[i] = ii.flags;
		}
	}

	vp->cfg_region_size =
		(uint32_t)(vp->regions[CFG_IDX].size > PCI_CFG_EXP_SIZE ?
				   PCI_CFG_EXP_SIZE :
				   vp->regions[CFG_IDX].size);
	if (vp->cfg_region_size < 64)
		return pv_seterr(err, EIO, "%s: config region is %u bytes", bdf,
				 vp->cfg_region_size);
	hw = calloc(1, PCI_CFG_EXP_SIZE);
	if (!hw)
		return pv_seterr(err, ENOMEM, "out of memory");
	memset(hw, 0xff, PCI_CFG_EXP_SIZE);
	ret = region_pread(vp, CFG_IDX, 0, hw, vp->cfg_region_size);
	if (ret) {
		free(hw);
		return pv_seterr(err, -ret, "%s: reading config space: %s", bdf,
				 strerror(-ret));
	}
	vendor = (uint16_t)(hw[0] | hw[1] << 8);
	device = (uint16_t)(hw[2] | hw[3] << 8);
	class_code = hw[9] | hw[10] << 8 | (uint32_t)hw[11] << 16;
	if (vendor == 0xffff) {
		free(hw);
		return pv_seterr(err, EIO,
				 "%s: config space reads all-ones (device "
				 "gone or in D3cold?)",
				 bdf);
	}
	if ((hw[PCI_HEADER_TYPE] & 0x7f) != PCI_HEADER_TYPE_NORMAL) {
		unsigned int ht = hw[PCI_HEADER_TYPE] & 0x7f;

		free(hw);
		return pv_seterr(err, ENOTSUP,
				 "%s is a bridge (header type %u): only "
				 "endpoints can be assigned",
				 bdf, ht);
	}

	snprintf(name, sizeof(name), "vfio %s", bdf);
	pci_dev_init(d, name, vendor, device, class_code,
		     vp->cfg_region_size >= PCI_CFG_EXP_SIZE ?
			     PCI_CFG_EXP_SIZE :
			     PCI_CFG_SIZE,
		     &vfio_pci_ops, vp);
	/* Header: emulated; status live (see the top of the file). */
	emulate(vp, 0, 0x40);
	vp->emu[PCI_STATUS] = vp->emu[PCI_STATUS + 1] = 0;
	d->cfg[PCI_REVISION_ID] = hw[PCI_REVISION_ID];
	d->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL; /* one function */
	memcpy(d->cfg + PCI_SUBSYSTEM_VENDOR_ID, hw + PCI_SUBSYSTEM_VENDOR_ID,
	       4);
	d->cfg[PCI_MIN_GNT] = hw[PCI_MIN_GNT];
	d->cfg[PCI_MAX_LAT] = hw[PCI_MAX_LAT];
	d->cfg[PCI_INTERRUPT_PIN] = vp->irq_count[VFIO_PCI_INTX_IRQ_INDEX] ?
					    hw[PCI_INTERRUPT_PIN] :
					    0;
	pci_cfg_set(d, PCI_COMMAND, 2, 0);
	d->wmask[PCI_COMMAND] |= PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
				 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY;
	d->wmask[PCI_COMMAND + 1] |=
		(PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE) >> 8;

	ret = setup_bars(vp, hw, err);
	if (ret)
		goto fail;
	ret = setup_caps(vp, hw);
	if (ret) {
		pv_seterr(err, -ret, "out of memory");
		goto fail;
	}
	if (d->cfg_size == PCI_CFG_EXP_SIZE)
		setup_ext_caps(vp, hw);
	for (int i = 0; i < PCI_NUM_BARS; i++)
		bar_setup_pieces(vp, i);
	free(hw);
	pv_trace(TRACE_VFIO,
		 "%s: vfio-pci model %04x:%04x class %06x, config "
		 "%u bytes%s%s",
		 bdf, vendor, device, class_code, d->cfg_size,
		 vp->msix_cap ? ", MSI-X" : "", vp->msi_cap ? ", MSI" : "");
	return 0;
fail:
	free(hw);
	vfio_pci_fini(vp);
	return ret;
}

int vfio_pci_start(struct vfio_pci *vp, struct pv_error *err)
{
	int ret;

	pthread_mutex_lock(&vp->lock);
	vp->intx_possible = vp->irq_count[VFIO_PCI_INTX_IRQ_INDEX] &&
			    vp->pdev.cfg[PCI_INTERRUPT_PIN] &&
			    vp->pdev.intx_gsi;
	vp->started = true;
	ret = intx_enable(vp, err);
	pthread_mutex_unlock(&vp->lock);
	return ret;
}

void vfio_pci_quiesce(struct vfio_pci *vp)
{
	pthread_mutex_lock(&vp->lock);
	vp->started = false;
	msix_disable(vp);
	msi_disable(vp);
	intx_disable(vp);
	for (int i = 0; i < PCI_NUM_BARS; i++)
		bar_unmap_locked(vp, i);
	pthread_mutex_unlock(&vp->lock);
}

void vfio_pci_fini(struct vfio_pci *vp)
{
	vfio_pci_quiesce(vp);
	pthread_mutex_lock(&vp->lock);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct vfio_bar *b = &vp->bars[i];

		for (unsigned int k = 0; k < b->nr_pieces; k++)
			if (b->pieces[k].hva && vp->io.munmap)
				vp->io.munmap(vp->io.ctx, b->pieces[k].hva,
					      b->pieces[k].size);
		b->nr_pieces = 0;
	}
	free(vp->msix_table);
	free(vp->msix_vec);
	vp->msix_table = NULL;
	vp->msix_vec = NULL;
	vp->msix_cap = 0;
	vp->msix_nvec = 0;
	pthread_mutex_unlock(&vp->lock);
}

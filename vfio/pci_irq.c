// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of the vfio-pci model: vectors (one eventfd that is both the
 * VFIO trigger and a KVM irqfd, and a GSI carrying the guest's message),
 * INTx (a level-triggered irqfd whose resamplefd is VFIO's unmask) and the
 * MSI capability. MSI-X, which shares the vectors, is pci_msix.c.
 *
 * Sources: linux/vfio.h (VFIO_DEVICE_SET_IRQS), PCI Local Bus 3.0 §6.8.1
 * (MSI), Intel SDM vol. 3 §10.11 (MSI address), Documentation/virt/kvm/
 * api.rst (KVM_IRQFD, KVM_IRQFD_FLAG_RESAMPLE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "util/range.h"
#include "vfio/vfio_pci_priv.h"

int vpci_set_irqs(struct vfio_pci *vp, uint32_t index, uint32_t flags,
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

void vpci_irqs_off(struct vfio_pci *vp, uint32_t index)
{
	vpci_set_irqs(vp, index,
		      VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0,
		      0, NULL);
}

/* ------------------------------------------------------------------ */
/* Vectors: eventfd (VFIO trigger) + GSI + irqfd                        */

static uint64_t eventfd_drain(int fd)
{
	uint64_t cnt = 0;

	if (fd < 0 || read(fd, &cnt, sizeof(cnt)) != sizeof(cnt))
		return 0;
	return cnt;
}

void vpci_vec_reset(struct vfio_msix_vec *v)
{
	memset(v, 0, sizeof(*v));
	v->efd = -1;
	v->gsi = -1;
}

void vpci_vec_free(struct vfio_pci *vp, struct vfio_msix_vec *v)
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
	vpci_vec_reset(v);
}

/* Point vector @v's GSI at the guest's message @addr/@data (@how: traced). */
static void vec_route(struct vfio_pci *vp, struct vfio_msix_vec *v,
		      const char *kind, unsigned int idx, uint64_t addr,
		      uint32_t data, const char *how)
{
	struct pv_error err;

	if (irq_msi_update(vp->irq, (uint32_t)v->gsi, addr, data, &err))
		pv_warn_limited(&vp->irq_warn, "%s: %s vector %u: %s", vp->bdf,
				kind, idx, err.msg);
	v->addr = addr;
	v->data = data;
	pv_trace(
		TRACE_IRQ,
		"%s %s vector %u gsi %d %s to addr 0x%llx data 0x%x, eventfd %d",
		vp->bdf, kind, idx, v->gsi, how, (unsigned long long)addr, data,
		v->efd);
}

/*
 * Bring vector @v in line with the guest's view (@addr/@data, @masked).
 * A vector gets its eventfd and GSI the first time it is unmasked with a
 * valid message (*@created then tells the caller to hand the eventfd to
 * VFIO) and keeps them until MSI/MSI-X is disabled. Masking detaches the
 * irqfd: VFIO still signals the eventfd, which then holds the pending
 * state; unmasking injects it once (irq_signal_msi) and reattaches.
 */
void vpci_vec_sync(struct vfio_pci *vp, struct vfio_msix_vec *v,
		   const char *kind, unsigned int idx, uint64_t addr,
		   uint32_t data, bool masked, bool *created)
{
	bool valid = irq_msi_addr_valid(vp->irq, addr);
	struct pv_error err;
	uint32_t gsi;

	if (v->efd < 0) {
		if (masked || !valid)
			return;
		v->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (v->efd < 0) {
			pv_warn_limited(&vp->irq_warn,
					"%s: %s vector %u: eventfd: %s",
					vp->bdf, kind, idx, strerror(errno));
			return;
		}
		if (irq_msi_alloc(vp->irq, vp->irq_owner, &gsi, &err)) {
			pv_warn_limited(&vp->irq_warn, "%s: %s vector %u: %s",
					vp->bdf, kind, idx, err.msg);
			close(v->efd);
			v->efd = -1;
			return;
		}
		v->gsi = (int)gsi;
		vp->stats.vectors_routed++;
		*created = true;
		vec_route(vp, v, kind, idx, addr, data, "routed");
	} else if (valid && (addr != v->addr || data != v->data)) {
		vec_route(vp, v, kind, idx, addr, data, "rerouted");
	}

	if (!masked && valid && !v->attached) {
		if (eventfd_drain(v->efd) || v->pending) {
			irq_owner_signal_msi(vp->irq, vp->irq_owner, v->addr,
					     v->data);
			vp->stats.pending_injected++;
			pv_trace(TRACE_IRQ,
				 "%s %s vector %u pending on unmask: "
				 "injected",
				 vp->bdf, kind, idx);
		}
		v->pending = false;
		if (irq_irqfd_attach(vp->irq, v->efd, (uint32_t)v->gsi, -1,
				     &err)) {
			pv_warn_limited(&vp->irq_warn, "%s: %s vector %u: %s",
					vp->bdf, kind, idx, err.msg);
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
bool vpci_vec_pending(struct vfio_msix_vec *v)
{
	if (v->efd >= 0 && !v->attached && eventfd_drain(v->efd))
		v->pending = true;
	return v->pending;
}

void vpci_routes_begin(struct vfio_pci *vp)
{
	irq_batch_begin(vp->irq, vp->irq_owner);
}

void vpci_routes_end(struct vfio_pci *vp)
{
	struct pv_error err;

	if (irq_batch_end(vp->irq, vp->irq_owner, &err))
		pv_warn_limited(&vp->irq_warn, "%s: %s", vp->bdf, err.msg);
}

/* ------------------------------------------------------------------ */
/* INTx                                                                */

void vpci_intx_disable(struct vfio_pci *vp)
{
	if (!vp->intx_on)
		return;
	vpci_irqs_off(vp, VFIO_PCI_INTX_IRQ_INDEX);
	irq_irqfd_detach(vp->irq, vp->intx_efd, vp->pdev.intx_gsi);
	close(vp->intx_efd);
	close(vp->intx_resample_efd);
	vp->intx_efd = vp->intx_resample_efd = -1;
	vp->intx_on = false;
	pv_trace(TRACE_IRQ, "%s INTx off", vp->bdf);
}

int vpci_intx_enable(struct vfio_pci *vp, struct pv_error *err)
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
	ret = vpci_set_irqs(vp, VFIO_PCI_INTX_IRQ_INDEX,
			    VFIO_IRQ_SET_DATA_EVENTFD |
				    VFIO_IRQ_SET_ACTION_TRIGGER,
			    0, 1, &fd);
	if (ret) {
		pv_seterr(err, -ret,
			  "%s: VFIO_DEVICE_SET_IRQS INTx trigger: %s", vp->bdf,
			  strerror(-ret));
		goto fail_irqfd;
	}
	fd = vp->intx_resample_efd;
	ret = vpci_set_irqs(vp, VFIO_PCI_INTX_IRQ_INDEX,
			    VFIO_IRQ_SET_DATA_EVENTFD |
				    VFIO_IRQ_SET_ACTION_UNMASK,
			    0, 1, &fd);
	if (ret) {
		pv_seterr(err, -ret, "%s: VFIO_DEVICE_SET_IRQS INTx unmask: %s",
			  vp->bdf, strerror(-ret));
		vpci_set_irqs(vp, VFIO_PCI_INTX_IRQ_INDEX,
			      VFIO_IRQ_SET_DATA_NONE |
				      VFIO_IRQ_SET_ACTION_TRIGGER,
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

void vpci_intx_restore(struct vfio_pci *vp)
{
	struct pv_error err;

	if (vp->started && vpci_intx_enable(vp, &err))
		pv_warn_limited(&vp->irq_warn, "%s", err.msg);
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

uint32_t vpci_msi_size(uint16_t flags)
{
	bool is64 = flags & PCI_MSI_FLAGS_64BIT;

	if (flags & PCI_MSI_FLAGS_MASKBIT)
		return (is64 ? PCI_MSI_PENDING_64 : PCI_MSI_PENDING_32) + 4;
	return (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32) + 2;
}

static uint32_t msi_cap_len(struct vfio_pci *vp)
{
	return vpci_msi_size(
		(uint16_t)((vp->msi_64 ? PCI_MSI_FLAGS_64BIT : 0) |
			   (vp->msi_pvm ? PCI_MSI_FLAGS_MASKBIT : 0)));
}

int vpci_msi_setup(struct vfio_pci *vp, const uint8_t *hw, uint32_t pos)
{
	uint16_t flags = (uint16_t)(hw[pos + PCI_MSI_FLAGS] |
				    hw[pos + PCI_MSI_FLAGS + 1] << 8);
	uint32_t len = vpci_msi_size(flags);

	if (vp->msi_cap)
		return -EINVAL; /* a second one: nonsense */
	vp->msi_cap = (uint8_t)pos;
	vp->msi_64 = flags & PCI_MSI_FLAGS_64BIT;
	vp->msi_pvm = flags & PCI_MSI_FLAGS_MASKBIT;
	/* All of it ours, zero unless said otherwise below. */
	for (uint32_t o = 2; o < len; o += 2)
		vpci_cfg_emulate(vp, pos + o, 2, 0, 0, 0xffff);
	/* Disabled, one message enabled; the guest programs the rest. */
	vpci_cfg_emulate(vp, pos + PCI_MSI_FLAGS, 2,
			 flags & ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE),
			 PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE, 0xffff);
	vpci_cfg_emulate(vp, pos + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffc,
			 0xffffffff);
	if (vp->msi_64)
		vpci_cfg_emulate(vp, pos + PCI_MSI_ADDRESS_HI, 4, 0, 0xffffffff,
				 0xffffffff);
	vpci_cfg_emulate(vp, msi_off_data(vp), 2, 0, 0xffff, 0xffff);
	if (vp->msi_pvm)
		vpci_cfg_emulate(vp, msi_off_mask(vp), 4, 0, 0xffffffff,
				 0xffffffff);
	pv_trace(TRACE_VFIO, "%s MSI cap at 0x%x: %u vectors max%s%s", vp->bdf,
		 pos, 1u << ((flags & PCI_MSI_FLAGS_QMASK) >> 1),
		 vp->msi_64 ? ", 64-bit" : "",
		 vp->msi_pvm ? ", per-vector mask" : "");
	return 0;
}

void vpci_msi_disable(struct vfio_pci *vp)
{
	if (!vp->msi_nvec_enabled)
		return;
	vpci_irqs_off(vp, VFIO_PCI_MSI_IRQ_INDEX);
	vpci_routes_begin(vp);
	for (unsigned int i = 0; i < VFIO_MSI_MAX_VECTORS; i++)
		vpci_vec_free(vp, &vp->msi_vec[i]);
	vpci_routes_end(vp);
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
			vpci_msi_disable(vp);
			vpci_intx_restore(vp);
		}
		return;
	}
	if (vp->msi_nvec_enabled && vp->msi_nvec_enabled != n)
		vpci_msi_disable(vp); /* the vector count changed: start over */
	if (!vp->msi_nvec_enabled) {
		vpci_intx_disable(vp);
		vp->msi_nvec_enabled = n;
		pv_trace(TRACE_IRQ, "%s MSI enabled, %u vector(s)", vp->bdf, n);
	}
	vpci_routes_begin(vp);
	for (uint32_t i = 0; i < n; i++) {
		/* Multiple Message: the function sets the low data bits. */
		uint32_t vdata = (data & ~(n - 1)) | i;

		vpci_vec_sync(vp, &vp->msi_vec[i], "MSI", i, addr, vdata,
			      (mask >> i) & 1, &created);
	}
	vpci_routes_end(vp);
	if (created) {
		int32_t fds[VFIO_MSI_MAX_VECTORS];
		int ret;

		for (uint32_t i = 0; i < n; i++)
			fds[i] = vp->msi_vec[i].efd;
		/* MSI cannot grow in place: (re)enable the full count. */
		vpci_set_irqs(vp, VFIO_PCI_MSI_IRQ_INDEX,
			      VFIO_IRQ_SET_DATA_NONE |
				      VFIO_IRQ_SET_ACTION_TRIGGER,
			      0, 0, NULL);
		ret = vpci_set_irqs(vp, VFIO_PCI_MSI_IRQ_INDEX,
				    VFIO_IRQ_SET_DATA_EVENTFD |
					    VFIO_IRQ_SET_ACTION_TRIGGER,
				    0, n, fds);
		if (ret)
			pv_warn_limited(&vp->irq_warn,
					"%s: VFIO_DEVICE_SET_IRQS MSI x%u: %s",
					vp->bdf, n, strerror(-ret));
	}
}

/* ------------------------------------------------------------------ */

void vpci_msi_cfg_write(struct vfio_pci *vp, uint32_t off, uint32_t len)
{
	if (vp->msi_cap &&
	    range_overlaps(off, len, vp->msi_cap, msi_cap_len(vp)))
		msi_update(vp);
}

void vpci_msi_cfg_read(struct vfio_pci *vp, uint32_t off, uint32_t len,
		       uint32_t *v)
{
	uint32_t pend = 0, at;

	if (!vp->msi_cap || !vp->msi_pvm)
		return;
	at = msi_off_pending(vp);
	if (!range_overlaps(off, len, at, 4))
		return;
	/* Pending bits: emulated from the vectors' state. */
	for (uint32_t i = 0; i < VFIO_MSI_MAX_VECTORS; i++)
		if (vpci_vec_pending(&vp->msi_vec[i]))
			pend |= 1u << i;
	for (uint32_t i = 0; i < len; i++) {
		uint32_t o = off + i, b;

		if (!range_contains(at, 4, o, 1))
			continue;
		b = (pend >> (8 * (o - at))) & 0xff;
		*v = (*v & ~(0xffu << (8 * i))) | b << (8 * i);
	}
}

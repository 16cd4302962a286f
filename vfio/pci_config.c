// SPDX-License-Identifier: GPL-2.0
/*
 * Config space of the vfio-pci model: an overlay, bit by bit, on the
 * device's own config region (which vfio-pci in the host kernel already
 * virtualizes and vets byte by byte: the "live" view).
 *
 * Each bit is emulated or live (vfio_pci_priv.h: emu_bits, set only
 * through vpci_cfg_emulate()). A read returns (emulated & emu_bits) |
 * (device & ~emu_bits); a write updates the emulated bits the write mask
 * allows and reaches the device for the live bits only, merged with the
 * device's current value where a byte is partly emulated. The command
 * register's IO, MEMORY, MASTER and INTX_DISABLE bits are the one case of
 * emulated bits also written through (wt_bits): the PCI core owns decode,
 * and the device must decode and master too.
 *
 * What is emulated:
 *   - the type-0 header except the status register (whose Capabilities
 *     List bit is ours): IDs, command, BARs, expansion ROM BAR, interrupt
 *     line and pin, the capability pointer. BARs, ROM BAR and interrupt
 *     line never reach the device;
 *   - each capability per cap_policy[] below: kept ones have their ID and
 *     next bytes emulated (relinked) and their body live, virtualized ones
 *     also the registers their setup function emulates, hidden ones are
 *     unlinked and their whole body reads as zero, writes dropped;
 *   - extended capabilities per ext_cap_policy[]: kept ones relinked
 *     (header emulated), hidden ones unlinked and zeroed the same way.
 *   - everything else (device-specific registers) is live.
 *
 * A device's capability chain is hostile input too: a loop, a capability
 * that overlaps one already accepted, or one that runs past the end of
 * its space is not linked.
 *
 * Sources: PCI Local Bus 3.0 §6.1 (header), §6.7 (capability list);
 * PCIe Base 4.0 §7.5.3 (PCIe capability), §7.6 (extended capabilities);
 * <linux/pci_regs.h>.
 */
#include <errno.h>
#include <string.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "util/range.h"
#include "vfio/vfio_pci_priv.h"

#define CFG_IDX VFIO_PCI_CONFIG_REGION_INDEX
#define CMD_FORWARD                                                 \
	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
	 PCI_COMMAND_INTX_DISABLE)
#define MAX_CAPS 48 /* (256 - 64) / 4 */
#define MAX_EXT_CAPS 64

/* ------------------------------------------------------------------ */
/* The policy                                                          */

enum cap_action {
	CAP_HIDE, /* unlinked, body reads 0, writes dropped */
	CAP_KEEP, /* linked, body live */
	CAP_VIRT, /* linked, the registers setup() emulates are ours */
};

struct cap_policy {
	uint16_t id;
	enum cap_action act;
	/* Bytes from the header; 0: up to the next capability. */
	uint16_t size;
	/* The size when it depends on the capability's registers. */
	uint32_t (*size_of)(const uint8_t *hw, uint32_t pos);
	/* CAP_VIRT: emulate its registers; nonzero hides it instead. */
	int (*setup)(struct vfio_pci *vp, const uint8_t *hw, uint32_t pos);
	const char *emulated; /* for the reader: which registers are ours */
};

static uint32_t msi_size(const uint8_t *hw, uint32_t pos)
{
	return vpci_msi_size((uint16_t)(hw[pos + PCI_MSI_FLAGS] |
					hw[pos + PCI_MSI_FLAGS + 1] << 8));
}

static uint32_t vndr_size(const uint8_t *hw, uint32_t pos)
{
	uint8_t len = hw[pos + PCI_CAP_FLAGS]; /* its own length byte */

	return len < 3 ? 3 : len;
}

/* Up to the last register exp_setup() emulates. */
static uint32_t exp_size(const uint8_t *hw, uint32_t pos)
{
	return (hw[pos + PCI_EXP_FLAGS] & PCI_EXP_FLAGS_VERS) >= 2 ?
		       PCI_EXP_LNKSTA2 + 2 :
		       PCI_EXP_LNKSTA + 2;
}

static int exp_setup(struct vfio_pci *vp, const uint8_t *hw, uint32_t pos);

/*
 * Standard capabilities. Not listed: hidden, up to the next capability.
 * Hidden here: bus/bridge-level and legacy platform capabilities, and
 * Enhanced Allocation, which would contradict the emulated BARs.
 */
static const struct cap_policy cap_policy[] = {
	{ PCI_CAP_ID_PM, CAP_KEEP, PCI_PM_SIZEOF, NULL, NULL, "header" },
	{ PCI_CAP_ID_AGP, CAP_HIDE, PCI_AGP_SIZEOF, NULL, NULL, "all" },
	{ PCI_CAP_ID_VPD, CAP_KEEP, PCI_CAP_VPD_SIZEOF, NULL, NULL, "header" },
	{ PCI_CAP_ID_SLOTID, CAP_HIDE, 4, NULL, NULL, "all" },
	{ PCI_CAP_ID_MSI, CAP_VIRT, 0, msi_size, vpci_msi_setup,
	  "all: Enable, Multiple Message Enable, address, data, mask" },
	{ PCI_CAP_ID_CHSWP, CAP_HIDE, 4, NULL, NULL, "all" },
	{ PCI_CAP_ID_PCIX, CAP_HIDE, 0, NULL, NULL, "all" },
	{ PCI_CAP_ID_HT, CAP_HIDE, 0, NULL, NULL, "all" },
	/* virtio and others describe their register layout here */
	{ PCI_CAP_ID_VNDR, CAP_KEEP, 0, vndr_size, NULL, "header" },
	{ PCI_CAP_ID_SHPC, CAP_HIDE, 0, NULL, NULL, "all" },
	{ PCI_CAP_ID_SSVID, CAP_HIDE, 8, NULL, NULL, "all" },
	{ PCI_CAP_ID_EXP, CAP_VIRT, 0, exp_size, exp_setup,
	  "header, device/port type (an RCiEP), link registers (zero)" },
	{ PCI_CAP_ID_MSIX, CAP_VIRT, PCI_CAP_MSIX_SIZEOF, NULL, vpci_msix_setup,
	  "all: Enable, Function Mask; table, PBA" },
	{ PCI_CAP_ID_SATA, CAP_KEEP, PCI_SATA_SIZEOF_SHORT, NULL, NULL,
	  "header" },
	{ PCI_CAP_ID_AF, CAP_KEEP, PCI_CAP_AF_SIZEOF, NULL, NULL, "header" },
	{ PCI_CAP_ID_EA, CAP_HIDE, 0, NULL, NULL, "all" },
};

/*
 * Extended capabilities: kept ones are relinked, bodies live. Hidden
 * (listed or not): SR-IOV, Resizable BAR (BAR sizes are ours), ACS,
 * ATS/PRI/PASID (no vIOMMU), LTR, L1 PM substates, VC, ARI... host or
 * topology concerns a guest must not drive.
 */
static const struct cap_policy ext_cap_policy[] = {
	{ PCI_EXT_CAP_ID_ERR, CAP_KEEP, 0, NULL, NULL, "header" },
	{ PCI_EXT_CAP_ID_DSN, CAP_KEEP, PCI_EXT_CAP_DSN_SIZEOF, NULL, NULL,
	  "header" },
	{ PCI_EXT_CAP_ID_PWR, CAP_KEEP, PCI_EXT_CAP_PWR_SIZEOF, NULL, NULL,
	  "header" },
	{ PCI_EXT_CAP_ID_VNDR, CAP_KEEP, 0, NULL, NULL, "header" },
	{ PCI_EXT_CAP_ID_DVSEC, CAP_KEEP, 0, NULL, NULL, "header" },
	{ PCI_EXT_CAP_ID_ARI, CAP_HIDE, PCI_EXT_CAP_ARI_SIZEOF, NULL, NULL,
	  "all" },
	{ PCI_EXT_CAP_ID_ATS, CAP_HIDE, PCI_EXT_CAP_ATS_SIZEOF, NULL, NULL,
	  "all" },
	{ PCI_EXT_CAP_ID_SRIOV, CAP_HIDE, PCI_EXT_CAP_SRIOV_SIZEOF, NULL, NULL,
	  "all" },
	{ PCI_EXT_CAP_ID_PRI, CAP_HIDE, PCI_EXT_CAP_PRI_SIZEOF, NULL, NULL,
	  "all" },
	{ PCI_EXT_CAP_ID_LTR, CAP_HIDE, PCI_EXT_CAP_LTR_SIZEOF, NULL, NULL,
	  "all" },
	{ PCI_EXT_CAP_ID_PASID, CAP_HIDE, PCI_EXT_CAP_PASID_SIZEOF, NULL, NULL,
	  "all" },
};

static const struct cap_policy hide_unknown = { 0,    CAP_HIDE, 0,
						NULL, NULL,	"all" };

static const struct cap_policy *policy_for(const struct cap_policy *t, size_t n,
					   uint16_t id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return &t[i];
	return &hide_unknown;
}

/* ------------------------------------------------------------------ */
/* The per-bit overlay                                                 */

void vpci_cfg_emulate(struct vfio_pci *vp, uint32_t off, uint32_t len,
		      uint32_t val, uint32_t wmask, uint32_t emu)
{
	struct pci_dev *d = &vp->pdev;

	for (uint32_t i = 0; i < len && i < 4 && off + i < PCI_CFG_EXP_SIZE;
	     i++) {
		uint8_t e = (uint8_t)(emu >> (8 * i));
		uint8_t v = (uint8_t)(val >> (8 * i));
		uint8_t w = (uint8_t)(wmask >> (8 * i));

		d->cfg[off + i] = (uint8_t)((d->cfg[off + i] & ~e) | (v & e));
		d->wmask[off + i] =
			(uint8_t)((d->wmask[off + i] & ~e) | (w & e));
		vp->emu_bits[off + i] |= e;
	}
}

/* Emulate @len bytes at @off as they are in pdev.cfg[]/wmask[]. */
static void emulate_as_is(struct vfio_pci *vp, uint32_t off, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		vpci_cfg_emulate(vp, off + i, 1, vp->pdev.cfg[off + i],
				 vp->pdev.wmask[off + i], 0xff);
}

/* Read @len bytes at @off as zero, drop writes, skipping @claimed bytes. */
static void emulate_zero(struct vfio_pci *vp, uint32_t off, uint32_t len,
			 const uint8_t *claimed)
{
	for (uint32_t i = 0; i < len && off + i < PCI_CFG_EXP_SIZE; i++)
		if (!claimed || !claimed[off + i])
			vpci_cfg_emulate(vp, off + i, 1, 0, 0, 0xff);
}

static uint32_t get_bits(const uint8_t *a, uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < len; i++)
		v |= (uint32_t)a[off + i] << (8 * i);
	return v;
}

static int hw_cfg_read(struct vfio_pci *vp, uint32_t off, uint32_t len,
		       uint32_t *val)
{
	uint8_t b[4];
	int ret = vpci_region_read(vp, CFG_IDX, off, b, len);

	*val = 0;
	for (uint32_t i = 0; !ret && i < len; i++)
		*val |= (uint32_t)b[i] << (8 * i);
	return ret;
}

static void hw_cfg_write(struct vfio_pci *vp, uint32_t off, uint32_t len,
			 uint32_t val)
{
	uint8_t b[4];

	for (uint32_t i = 0; i < len; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	if (vpci_region_write(vp, CFG_IDX, off, b, len))
		pv_trace(TRACE_PCI, "%s: config write 0x%x len %u failed",
			 vp->bdf, off, len);
}

void vpci_cfg_read(struct pci_dev *d, uint32_t off, uint32_t len, uint32_t *val)
{
	struct vfio_pci *vp = d->opaque;
	uint32_t all = len >= 4 ? ~0u : (1u << (8 * len)) - 1, emu, hw;

	if (!len || len > 4 || off >= d->cfg_size || len > d->cfg_size - off)
		return;
	pthread_mutex_lock(&vp->lock);
	vp->stats.cfg_reads++;
	emu = get_bits(vp->emu_bits, off, len);
	if (emu != all) {
		if (hw_cfg_read(vp, off, len, &hw))
			hw = ~0u;
		*val = (*val & emu) | (hw & ~emu & all);
	}
	vpci_msi_cfg_read(vp, off, len, val);
	pthread_mutex_unlock(&vp->lock);
}

/*
 * Forward the bits of a guest write that reach the device: runs of bytes
 * with any such bit, as one access each (a dword written as a dword),
 * merged with the device's current value where a byte has bits that do
 * not reach it.
 */
static void forward_write(struct vfio_pci *vp, uint32_t off, uint32_t len,
			  uint32_t val)
{
	uint32_t i = 0;

	while (i < len) {
		uint32_t start = i, n = 0, fwd = 0, hw;
		bool partial = false;

		for (; i < len; i++, n++) {
			uint8_t f = (uint8_t)(~vp->emu_bits[off + i] |
					      vp->wt_bits[off + i]);

			if (!f)
				break;
			partial |= f != 0xff;
			fwd |= (uint32_t)f << (8 * n);
		}
		if (!n) {
			i++;
			continue;
		}
		hw = val >> (8 * start);
		if (partial) {
			uint32_t cur;

			if (hw_cfg_read(vp, off + start, n, &cur))
				continue; /* the device is not answering */
			hw = (cur & ~fwd) | (hw & fwd);
		}
		hw_cfg_write(vp, off + start, n, hw);
	}
}

void vpci_cfg_write(struct pci_dev *d, uint32_t off, uint32_t len, uint32_t val)
{
	struct vfio_pci *vp = d->opaque;

	if (!len || len > 4 || off >= d->cfg_size || len > d->cfg_size - off)
		return;
	pthread_mutex_lock(&vp->lock);
	vp->stats.cfg_writes++;
	forward_write(vp, off, len, val);
	vpci_msix_cfg_write(vp, off, len);
	vpci_msi_cfg_write(vp, off, len);
	pthread_mutex_unlock(&vp->lock);
}

/* ------------------------------------------------------------------ */
/* The header                                                          */

static void build_header(struct vfio_pci *vp, const uint8_t *hw)
{
	struct pci_dev *d = &vp->pdev;

	/* IDs and class came from pci_dev_init(), BARs from the core. */
	d->cfg[PCI_REVISION_ID] = hw[PCI_REVISION_ID];
	d->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL; /* one function */
	memcpy(d->cfg + PCI_SUBSYSTEM_VENDOR_ID, hw + PCI_SUBSYSTEM_VENDOR_ID,
	       4);
	d->cfg[PCI_MIN_GNT] = hw[PCI_MIN_GNT];
	d->cfg[PCI_MAX_LAT] = hw[PCI_MAX_LAT];
	d->cfg[PCI_INTERRUPT_PIN] = vp->irq_count[VFIO_PCI_INTX_IRQ_INDEX] ?
					    hw[PCI_INTERRUPT_PIN] :
					    0;
	emulate_as_is(vp, 0, PCI_COMMAND);
	emulate_as_is(vp, PCI_CLASS_REVISION,
		      PCI_STD_HEADER_SIZEOF - PCI_CLASS_REVISION);
	/* Command: ours (writable as the core set it up), 0 at reset; the
	 * decode, master and INTx disable bits also reach the device. */
	vpci_cfg_emulate(vp, PCI_COMMAND, 2, 0,
			 get_bits(d->wmask, PCI_COMMAND, 2), 0xffff);
	vp->wt_bits[PCI_COMMAND] = CMD_FORWARD & 0xff;
	vp->wt_bits[PCI_COMMAND + 1] = CMD_FORWARD >> 8;
	/* Status: live but for the capability list bit (build_caps). */
	vpci_cfg_emulate(vp, PCI_STATUS, 2, 0, 0, PCI_STATUS_CAP_LIST);
}

/* ------------------------------------------------------------------ */
/* Standard capabilities                                               */

struct cap_ent {
	uint32_t pos, size; /* bytes */
	uint32_t end; /* where the next capability by address starts */
	uint8_t id;
	bool keep;
};

/* The start of the capability after @pos by address, or @end. */
static uint32_t next_by_addr(const struct cap_ent *c, unsigned int n,
			     uint32_t pos, uint32_t end)
{
	for (unsigned int i = 0; i < n; i++)
		if (c[i].pos > pos && c[i].pos < end)
			end = c[i].pos;
	return end;
}

static bool any_claimed(const uint8_t *claimed, uint32_t pos, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (claimed[pos + i])
			return true;
	return false;
}

/* PCIe on the root bus: an Endpoint becomes an RC Integrated Endpoint. */
static int exp_setup(struct vfio_pci *vp, const uint8_t *hw, uint32_t pos)
{
	uint8_t f = hw[pos + PCI_EXP_FLAGS];
	uint8_t type = (f & PCI_EXP_FLAGS_TYPE) >> 4;

	if (type != PCI_EXP_TYPE_ENDPOINT && type != PCI_EXP_TYPE_LEG_END)
		return 0;
	/* PCIe Base 4.0 §7.5.3.2; an RCiEP has no link (§7.5.3.6-8). */
	vpci_cfg_emulate(vp, pos + PCI_EXP_FLAGS, 2, PCI_EXP_TYPE_RC_END << 4,
			 0, PCI_EXP_FLAGS_TYPE);
	vpci_cfg_emulate(vp, pos + PCI_EXP_LNKCAP, 4, 0, 0, ~0u);
	vpci_cfg_emulate(vp, pos + PCI_EXP_LNKCTL, 4, 0, 0, ~0u);
	if ((f & PCI_EXP_FLAGS_VERS) >= 2) {
		vpci_cfg_emulate(vp, pos + PCI_EXP_LNKCAP2, 4, 0, 0, ~0u);
		vpci_cfg_emulate(vp, pos + PCI_EXP_LNKCTL2, 4, 0, 0, ~0u);
	}
	return 0;
}

/* Walk the device's list: positions in chain order, loops cut. */
static unsigned int walk_caps(const uint8_t *hw, struct cap_ent *c)
{
	uint8_t seen[PCI_CFG_SIZE / 4] = { 0 };
	unsigned int n = 0;
	uint8_t pos = 0;

	if (hw[PCI_STATUS] & PCI_STATUS_CAP_LIST)
		pos = hw[PCI_CAPABILITY_LIST] & ~3;
	while (pos >= PCI_STD_HEADER_SIZEOF && !seen[pos / 4] && n < MAX_CAPS) {
		seen[pos / 4] = 1;
		c[n].pos = pos;
		c[n].id = hw[pos + PCI_CAP_LIST_ID];
		c[n].keep = false;
		n++;
		pos = hw[pos + PCI_CAP_LIST_NEXT] & ~3;
	}
	return n;
}

static const char *cap_verdict(const struct cap_policy *p, bool keep)
{
	if (!keep)
		return "hidden";
	return p->act == CAP_VIRT && p->id != PCI_CAP_ID_EXP ? "virtualized" :
							       "passed through";
}

static int build_caps(struct vfio_pci *vp, const uint8_t *hw)
{
	struct pci_dev *d = &vp->pdev;
	uint8_t claimed[PCI_CFG_SIZE] = { 0 };
	struct cap_ent c[MAX_CAPS];
	unsigned int n = walk_caps(hw, c);
	uint32_t link = PCI_CAPABILITY_LIST;
	int ret;

	memset(claimed, 1, PCI_STD_HEADER_SIZEOF);
	for (unsigned int i = 0; i < n; i++) {
		const struct cap_policy *p = policy_for(
			cap_policy, sizeof(cap_policy) / sizeof(cap_policy[0]),
			c[i].id);
		uint32_t pos = c[i].pos;

		c[i].end = next_by_addr(c, n, pos, PCI_CFG_SIZE);
		c[i].size = p->size_of ? p->size_of(hw, pos) : p->size;
		if (!c[i].size)
			c[i].size = c[i].end - pos;
		/*
		 * Kept only whole and inside the space, its header (and all
		 * of it, if virtualized) claimed by no capability before it.
		 */
		c[i].keep = p->act != CAP_HIDE &&
			    range_contains(0, PCI_CFG_SIZE, pos, c[i].size) &&
			    !any_claimed(claimed, pos,
					 p->act == CAP_VIRT ? c[i].size : 2);
		if (c[i].keep && p->setup) {
			ret = p->setup(vp, hw, pos);
			if (ret == -ENOMEM)
				return ret;
			c[i].keep = !ret;
		}
		if (c[i].keep)
			memset(claimed + pos, 1, c[i].size);
		pv_trace(TRACE_PCI, "%s cap 0x%02x at 0x%02x: %s (ours: %s)",
			 vp->bdf, c[i].id, pos, cap_verdict(p, c[i].keep),
			 c[i].keep ? p->emulated : "all, reads 0");
	}
	/* What is not kept reads 0, up to the next capability at most. */
	for (unsigned int i = 0; i < n; i++) {
		uint32_t len = c[i].size;

		if (c[i].keep)
			continue;
		if (len > c[i].end - c[i].pos)
			len = c[i].end - c[i].pos;
		emulate_zero(vp, c[i].pos, len, claimed);
	}
	/* Relink what we keep, in the device's order. */
	for (unsigned int i = 0; i < n; i++) {
		if (!c[i].keep)
			continue;
		vpci_cfg_emulate(vp, link, 1, c[i].pos, 0, 0xff);
		vpci_cfg_emulate(vp, c[i].pos + PCI_CAP_LIST_ID, 1, c[i].id, 0,
				 0xff);
		link = c[i].pos + PCI_CAP_LIST_NEXT;
	}
	vpci_cfg_emulate(vp, link, 1, 0, 0, 0xff);
	vpci_cfg_emulate(vp, PCI_STATUS, 1,
			 d->cfg[PCI_CAPABILITY_LIST] ? PCI_STATUS_CAP_LIST : 0,
			 0, PCI_STATUS_CAP_LIST);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Extended capabilities (PCIe Base 4.0 §7.6)                          */

static void build_ext_caps(struct vfio_pci *vp, const uint8_t *hw)
{
	uint32_t pos = PCI_CFG_SIZE, end = vp->cfg_region_size;
	uint32_t caps[MAX_EXT_CAPS], hdr[MAX_EXT_CAPS];
	unsigned int n = 0, kept = 0;
	uint32_t first = 0, prev = 0;

	/* The list starts at 0x100; an empty header ends it. */
	vpci_cfg_emulate(vp, PCI_CFG_SIZE, 4, 0, 0, ~0u);
	while (pos >= PCI_CFG_SIZE && range_contains(0, end, pos, 4) &&
	       n < MAX_EXT_CAPS) {
		uint32_t h;

		memcpy(&h, hw + pos, 4);
		if (!h || h == 0xffffffffu)
			break;
		caps[n] = pos;
		hdr[n++] = h;
		if (PCI_EXT_CAP_NEXT(h) <= pos)
			break; /* the end, or a loop */
		pos = PCI_EXT_CAP_NEXT(h);
	}
	for (unsigned int i = 0; i < n; i++) {
		uint16_t id = (uint16_t)PCI_EXT_CAP_ID(hdr[i]);
		const struct cap_policy *p = policy_for(
			ext_cap_policy,
			sizeof(ext_cap_policy) / sizeof(ext_cap_policy[0]), id);
		/* The chain is in increasing order: the next one is next. */
		uint32_t next = i + 1 < n ? caps[i + 1] : end;
		uint32_t size = p->size && p->size < next - caps[i] ?
					p->size :
					next - caps[i];

		pv_trace(TRACE_PCI,
			 "%s ext cap 0x%04x at 0x%03x: %s (ours: %s)", vp->bdf,
			 id, caps[i],
			 p->act == CAP_HIDE ? "hidden" : "passed through",
			 p->act == CAP_HIDE ? "all, reads 0" : p->emulated);
		if (p->act == CAP_HIDE) {
			emulate_zero(vp, caps[i], size, NULL);
			continue;
		}
		/* Kept: its header is ours, linked after the previous one. */
		vpci_cfg_emulate(vp, caps[i], 4,
				 id | PCI_EXT_CAP_VER(hdr[i]) << 16, 0, ~0u);
		if (kept++)
			vpci_cfg_emulate(vp, prev, 4,
					 pci_cfg_get(&vp->pdev, prev, 4) |
						 caps[i] << 20,
					 0, ~0u);
		else
			first = caps[i];
		prev = caps[i];
	}
	/* A hidden one at 0x100: an ID-0 placeholder links to the first. */
	if (first != PCI_CFG_SIZE)
		vpci_cfg_emulate(vp, PCI_CFG_SIZE, 4, first << 20, 0, ~0u);
}

int vpci_cfg_build(struct vfio_pci *vp, const uint8_t *hw)
{
	int ret;

	build_header(vp, hw);
	ret = build_caps(vp, hw);
	if (ret)
		return ret;
	if (vp->pdev.cfg_size == PCI_CFG_EXP_SIZE)
		build_ext_caps(vp, hw);
	return 0;
}

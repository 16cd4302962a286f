// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm doctor`'s checks of one device to pass through: present and not
 * infrastructure, its driver, its IOMMU group and whether the group is
 * viable, /dev/vfio/N, its reset methods and its MSI-X layout. Sources:
 * Documentation/ABI/testing/sysfs-bus-pci (class, driver, iommu_group,
 * reset_method, resource, config), Documentation/driver-api/vfio.rst
 * (group viability), PCI Local Bus 3.0 §6.8.2 (the MSI-X capability), PCI
 * Code and ID Assignment 1.11 §1.7 (base class 06h).
 */
#include "host/doctor_int.h"
#include "host/iommu_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "devices/pci_cap.h"
#include "util/parse.h"
#include "util/range.h"

#define PAGE_4K 4096ull
#define MAX_GROUP 64

static void check_group(const struct doctor_opts *o, const struct host_facts *h,
			const struct pci_addr *a, const char *bdf, bool on_vfio,
			struct report *r)
{
	/* fix: the longest message below whole (BDF, group, infra[]). */
	char list[700] = "", bad[600] = "", infra[300] = "", fix[640];
	char path[4096];
	struct pci_addr m[MAX_GROUP];
	int g, n, i, ret;

	ret = sysfs_iommu_group(o->sysfs, a, &g);
	if (ret) {
		doctor_add(r, "device.group", bdf, ST_FAIL,
			   h->vm ? STEP_MACHINE : STEP_KERNEL, h->iommu_fix,
			   "%s has no IOMMU group (%s)", bdf,
			   ret == -ENODEV ? "no iommu_group link" :
					    strerror(-ret));
		return;
	}
	n = sysfs_group_devices(o->sysfs, g, m, MAX_GROUP);
	if (n < 0) {
		doctor_add(r, "device.group", bdf, ST_FAIL, STEP_DEVICE, NULL,
			   "cannot list IOMMU group %d: %s", g, strerror(-n));
		return;
	}
	for (i = 0; i < n && i < MAX_GROUP; i++) {
		char mb[PCI_ADDR_STRLEN], drv[64];
		uint32_t cls;
		bool blocks, is_infra;

		pci_addr_format(&m[i], mb);
		blocks = sysfs_group_member_blocks(o->sysfs, &m[i], drv,
						   sizeof(drv));
		is_infra = sysfs_pci_is_infra(o->sysfs, &m[i], &cls);
		doctor_append(list, sizeof(list), "%s%s (%s%s%s)",
			      list[0] ? ", " : "", mb,
			      drv[0] ? drv : "no driver", is_infra ? ", " : "",
			      is_infra ? pci_bridge_kind(cls) : "");
		if (pci_addr_equal(&m[i], a) || !blocks)
			continue;
		doctor_append(bad, sizeof(bad), "%s%s is bound to %s",
			      bad[0] ? "; " : "", mb, drv);
		if (is_infra)
			doctor_append(infra, sizeof(infra), "%s%s (%s, %s)",
				      infra[0] ? ", " : "", mb,
				      pci_bridge_kind(cls), drv);
	}
	doctor_add(r, "device.group", bdf, ST_OK, STEP_DEVICE, NULL,
		   "IOMMU group %d: %s", g, list);
	if (infra[0]) {
		/* Binding chipset functions is never the way out. */
		snprintf(
			fix, sizeof(fix),
			"%s cannot be passed through while IOMMU group %d holds chipset functions that must keep their drivers (%s): put the device in a slot with an IOMMU group of its own (a CPU-attached slot, or one behind a root port with ACS), or enable ACS in the firmware setup",
			bdf, g, infra);
		doctor_add(
			r, "device.group_viable", bdf, ST_FAIL, STEP_MACHINE,
			fix,
			"group %d is not viable: %s; %s %s infrastructure (class 0x06) that no guest may own",
			g, bad, infra, strchr(infra, ',') ? "are" : "is");
	} else if (bad[0]) {
		snprintf(fix, sizeof(fix), "passvm bind --group %s", bdf);
		doctor_add(
			r, "device.group_viable", bdf, ST_FAIL, STEP_DEVICE,
			fix,
			"group %d is not viable: %s (every member must be on vfio-pci, pci-stub or no driver; bridges excepted)",
			g, bad);
	} else {
		doctor_add(
			r, "device.group_viable", bdf, ST_OK, STEP_DEVICE, NULL,
			"group %d is viable: every other member is on vfio-pci, pci-stub, no driver, or is a bridge",
			g);
	}
	sysfs_path(path, sizeof(path), "%s/vfio/%d", o->dev, g);
	doctor_check_access(r, h, "device.vfio_dev", bdf, path, on_vfio);
}

/*
 * The reset_method attribute appeared in Linux 5.15; since then it is
 * absent exactly when the device has no reset method
 * (drivers/pci/pci-sysfs.c, reset_method_attr_is_visible()).
 */
static void check_reset(const struct doctor_opts *o, const struct host_facts *h,
			const char *bdf, struct report *r)
{
	char path[4096], text[256];

	sysfs_path(path, sizeof(path), "%s/bus/pci/devices/%s/reset_method",
		   o->sysfs, bdf);
	if (!sysfs_read_text(path, text, sizeof(text)) && text[0])
		doctor_add(r, "device.reset", bdf, ST_OK, STEP_DEVICE, NULL,
			   "reset methods: %s", text);
	else if (!doctor_exists(path) && h->kver_known &&
		 (h->kmajor < 5 || (h->kmajor == 5 && h->kminor < 15)))
		doctor_add(
			r, "device.reset", bdf, ST_WARN, STEP_DEVICE, NULL,
			"no reset_method file: kernel %s is older than 5.15, which added it, so the reset methods cannot be listed; if the device has none it may keep state between VM runs",
			h->release);
	else if (!doctor_exists(path))
		doctor_add(
			r, "device.reset", bdf, ST_WARN, STEP_DEVICE, NULL,
			"no reset_method file (kernel %s): the device has no reset method and may keep state between VM runs",
			h->release[0] ? h->release : "of unknown version");
	else
		doctor_add(
			r, "device.reset", bdf, ST_WARN, STEP_DEVICE, NULL,
			"reset_method is empty: the device cannot be reset and may keep state between VM runs");
}

/* Size of BAR @bar from the sysfs resource file, 0 if unknown/unset. */
static uint64_t bar_size(const struct doctor_opts *o, const char *bdf, int bar)
{
	char path[4096], line[256];
	uint64_t size = 0;
	int i = 0;
	FILE *f;

	sysfs_path(path, sizeof(path), "%s/bus/pci/devices/%s/resource",
		   o->sysfs, bdf);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, flags;
		char *w[3];

		if (i++ != bar)
			continue;
		/* "0x00000000fe000000 0x00000000fe003fff 0x0000000000040200" */
		if (parse_words(line, w, 3) == 3 &&
		    !parse_u64(w[0], 16, &start) &&
		    !parse_u64(w[1], 16, &end) &&
		    !parse_u64(w[2], 16, &flags) && end > start)
			size = end - start + 1;
		break;
	}
	fclose(f);
	return size;
}

static void check_msix(const struct doctor_opts *o, const char *bdf,
		       struct report *r)
{
	uint8_t cfg[256];
	char path[4096], tsz[32], bsz[32];
	struct pci_msix_layout l;
	uint64_t size, tstart, tlen, pstart, pg0, pg1, other;
	unsigned int nvec, tbir, pbir;
	int fd, len, guard = 0;
	uint8_t pos;

	sysfs_path(path, sizeof(path), "%s/bus/pci/devices/%s/config", o->sysfs,
		   bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		doctor_add(r, "device.msix", bdf, ST_OK, STEP_DEVICE, NULL,
			   "cannot read %s: %s", path, strerror(errno));
		return;
	}
	len = (int)read(fd, cfg, sizeof(cfg));
	close(fd);
	if (len < 64) {
		doctor_add(r, "device.msix", bdf, ST_OK, STEP_DEVICE, NULL,
			   "config space unreadable (%d bytes)", len);
		return;
	}
	if (!(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST)) {
		doctor_add(r, "device.msix", bdf, ST_OK, STEP_DEVICE, NULL,
			   "no capability list, so no MSI-X: INTx or MSI only");
		return;
	}
	for (pos = cfg[PCI_CAPABILITY_LIST] & 0xfc; pos && guard < 48;
	     guard++) {
		if (pos + PCI_CAP_MSIX_SIZEOF > len) {
			doctor_add(
				r, "device.msix", bdf, ST_OK, STEP_DEVICE, NULL,
				"only %d bytes of config space readable (run as root to see the capabilities)",
				len);
			return;
		}
		if (cfg[pos + PCI_CAP_LIST_ID] == PCI_CAP_ID_MSIX)
			break;
		pos = cfg[pos + PCI_CAP_LIST_NEXT] & 0xfc;
	}
	if (!pos || guard == 48) {
		doctor_add(r, "device.msix", bdf, ST_OK, STEP_DEVICE, NULL,
			   "no MSI-X capability: INTx or MSI only");
		return;
	}
	pci_msix_layout(cfg, (size_t)len, pos, &l); /* fits: checked above */
	nvec = l.nvec;
	tbir = l.table_bir;
	pbir = l.pba_bir;
	tstart = l.table_off;
	pstart = l.pba_off;
	size = tbir < 6 ? bar_size(o, bdf, (int)tbir) : 0;
	doctor_fmt_bytes(tsz, sizeof(tsz), l.table_size);
	doctor_fmt_bytes(bsz, sizeof(bsz), size);

	/*
	 * Bytes in the table's 4 KiB pages (inside the BAR) that are neither
	 * table nor PBA; a table or PBA running past the BAR counts only
	 * inside it.
	 */
	pg0 = tstart & ~(PAGE_4K - 1);
	pg1 = (tstart + l.table_size + PAGE_4K - 1) & ~(PAGE_4K - 1);
	if (size && pg1 > size)
		pg1 = size > pg0 ? size : pg0;
	tlen = range_intersect_len(pg0, pg1 - pg0, tstart, l.table_size);
	other = (pg1 - pg0) - tlen;
	if (pbir == tbir) /* the PBA's bytes there, less those in the table */
		other -= range_intersect_len(pg0, pg1 - pg0, pstart,
					     l.pba_size) -
			 range_intersect_len(tstart, tlen, pstart, l.pba_size);
	doctor_add(
		r, "device.msix", bdf, ST_OK, STEP_DEVICE, NULL,
		"MSI-X: %u vectors, table in BAR%u at 0x%llx (%s), PBA in BAR%u at 0x%llx; BAR%u is %s%s; %s",
		nvec, tbir, (unsigned long long)tstart, tsz, pbir,
		(unsigned long long)pstart, tbir,
		size ? bsz : "of unknown size",
		size && size > pg1 - pg0 ?
			", more than the table's pages: the rest is mapped directly" :
			"",
		other ? "the table's 4 KiB page(s)" :
			"the table fills its 4 KiB page(s)");
	if (other && !r->oom)
		doctor_append(
			r->c[r->n - 1].evidence,
			sizeof(r->c[r->n - 1].evidence),
			" hold %llu bytes besides the table and PBA (registers there, if any, are trapped and forwarded)",
			(unsigned long long)other);
}

/* Whether run will reach @a through its VFIO cdev (iommufd), and why. */
static void check_backend(const struct doctor_opts *o,
			  const struct host_facts *h, const struct pci_addr *a,
			  const char *bdf, bool on_vfio, struct report *r)
{
	struct iommufd_host ih;
	char cdev[16] = "", why[512], path[4096];
	bool has, fb;
	int be;

	host_iommufd_probe(o->dev, o->root, h->release[0] ? h->release : NULL,
			   &ih);
	has = host_vfio_cdev(o->sysfs, a, cdev, sizeof(cdev)) == 0;
	if (has) {
		sysfs_path(path, sizeof(path), "%s/vfio/devices/%s", o->dev,
			   cdev);
		has = doctor_exists(path);
	}
	if (!on_vfio && ih.dev_iommu) {
		doctor_add(
			r, "device.backend", bdf, ST_OK, STEP_DEVICE, NULL,
			"iommufd once bound to vfio-pci (its cdev /dev/vfio/devices/vfioN appears then)");
		return;
	}
	be = host_iommu_choose(IOMMU_MODE_AUTO, &ih, &has, a, 1, why,
			       sizeof(why), &fb);
	if (be == IOMMU_BACKEND_IOMMUFD)
		doctor_add(r, "device.backend", bdf, ST_OK, STEP_DEVICE, NULL,
			   "iommufd through its VFIO cdev %s/vfio/devices/%s",
			   o->dev, cdev);
	else
		doctor_add(r, "device.backend", bdf, fb ? ST_WARN : ST_OK,
			   STEP_DEVICE, NULL, "%s", why);
}

void doctor_check_device(const struct doctor_opts *o,
			 const struct host_facts *h, const struct pci_addr *a,
			 struct report *r)
{
	char bdf[PCI_ADDR_STRLEN], drv[64], fix[128];
	uint16_t ven, dev;
	uint32_t cls;
	int ret;

	pci_addr_format(a, bdf);
	ret = sysfs_pci_ids(o->sysfs, a, &ven, &dev, &cls);
	if (ret) {
		doctor_add(r, "device.present", bdf, ST_FAIL, STEP_DEVICE,
			   "check the address with `lspci -D`",
			   "no PCI device %s (%s)", bdf, strerror(-ret));
		return;
	}
	if (sysfs_pci_is_infra(o->sysfs, a, NULL)) {
		doctor_add(
			r, "device.present", bdf, ST_FAIL, STEP_DEVICE,
			"pass the endpoint devices instead (network, storage, display: see `lspci -D`)",
			"%04x:%04x class 0x%06x (%s): infrastructure the host needs, which cannot be passed through",
			ven, dev, cls, pci_bridge_kind(cls));
		return;
	}
	doctor_add(r, "device.present", bdf, ST_OK, STEP_DEVICE, NULL,
		   "%04x:%04x class 0x%06x", ven, dev, cls);
	if (sysfs_pci_driver(o->sysfs, a, drv, sizeof(drv)))
		drv[0] = '\0';
	snprintf(fix, sizeof(fix), "passvm bind %s (or --vfio %s,managed)", bdf,
		 bdf);
	if (!strcmp(drv, "vfio-pci"))
		doctor_add(r, "device.driver", bdf, ST_OK, STEP_DEVICE, NULL,
			   "bound to vfio-pci");
	else
		doctor_add(r, "device.driver", bdf, ST_WARN, STEP_DEVICE, fix,
			   "bound to %s", drv[0] ? drv : "no driver");
	check_group(o, h, a, bdf, !strcmp(drv, "vfio-pci"), r);
	check_backend(o, h, a, bdf, !strcmp(drv, "vfio-pci"), r);
	check_reset(o, h, bdf, r);
	check_msix(o, bdf, r);
	doctor_check_sriov(o, a, r);
}

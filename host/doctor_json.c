// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm doctor --json`: the document and its schema. The schema text
 * below is the one description of the format: `passvm doctor --help`
 * prints it, and the man page takes it from here with
 *
 *   sed -n '/doctor-json-schema: begin/,/doctor-json-schema: end/
 *           s/^\t"\(.*\)\\n"$/\1/p' host/doctor_json.c
 *
 * so every line of it is one C string literal ending in \n, holding no
 * quote and no backslash. Source for the escaping: RFC 8259 §7.
 */
#include "host/doctor_int.h"
#include "util/json_out.h"

#include <stdio.h>

/* clang-format off */
const char doctor_json_schema[] =
	/* doctor-json-schema: begin */
	"JSON OUTPUT (passvm doctor --json), schema version 1\n"
	"\n"
	"One object, written when every check is done:\n"
	"\n"
	"  version   number   1; raised only by an incompatible change (new\n"
	"                     keys may appear without it)\n"
	"  ok        boolean  false when some check has status fail, else\n"
	"                     true; the exit status is 0 for true, 1 for false\n"
	"  checks    array    the check objects below, in the order the text\n"
	"                     output prints them\n"
	"  fixes     array    strings: each distinct fix of the checks that\n"
	"                     are not ok, once, in the order to do them (the\n"
	"                     numbered list of the text output)\n"
	"\n"
	"Each check object:\n"
	"\n"
	"  id        string   the check's stable name (listed below)\n"
	"  device    string   the device checked, dddd:bb:dd.f; null for a\n"
	"            or null  check of the host\n"
	"  status    string   ok, warn or fail; warn never makes ok false\n"
	"  evidence  string   what was found, for people to read (its wording\n"
	"                     may change from one version to the next)\n"
	"  fix       string   what fixes it, one of the fixes strings; null\n"
	"            or null  when the status is ok or nothing is to be done\n"
	"  sriov     object   only in a device.sriov check: the SR-IOV facts\n"
	"                     below\n"
	"\n"
	"Host checks, in this order:\n"
	"\n"
	"  host.machine             bare metal, or a virtual machine with or\n"
	"                           without a virtual IOMMU\n"
	"  iommu.present            an IOMMU: DMAR / IVRS ACPI table, or groups\n"
	"  iommu.enabled            the kernel enabled it: IOMMU groups exist\n"
	"  iommu.cmdline            intel_iommu=, amd_iommu=, iommu= options\n"
	"  iommu.irq_remap          interrupt remapping (VT-d ecap bit 3)\n"
	"  module.vfio              the vfio module is loaded\n"
	"  module.vfio_iommu_type1  the vfio_iommu_type1 module is loaded\n"
	"  module.vfio_pci          the vfio_pci module is loaded\n"
	"  dev.kvm                  /dev/kvm is there and read/write; the\n"
	"                           kvm_intel or kvm_amd module, nested or not\n"
	"  dev.vfio                 /dev/vfio/vfio is there and read/write\n"
	"  host.iommufd             which IOMMU interface passvm run uses\n"
	"                           (iommufd or the type1 container) and why;\n"
	"                           always ok (information)\n"
	"  dev.iommu                /dev/iommu is read/write (only when it\n"
	"                           exists)\n"
	"  host.memlock             RLIMIT_MEMLOCK (or CAP_IPC_LOCK) covers\n"
	"                           the guest RAM of --mem, which VFIO pins\n"
	"  host.hugepages           2 MiB hugepages for --hugepages, or shmem\n"
	"                           transparent huge pages (warn at most)\n"
	"\n"
	"Device checks, for each device given (a repeat is checked once):\n"
	"\n"
	"  device.present           the device exists and is not\n"
	"                           infrastructure (class 0x06, bridges); a\n"
	"                           device that fails it gets no other check\n"
	"  device.driver            bound to vfio-pci; warn otherwise (passvm\n"
	"                           bind, or --vfio BDF,managed, binds it)\n"
	"  device.group             its IOMMU group and the group's members\n"
	"  device.group_viable      every other member is on vfio-pci,\n"
	"                           pci-stub or no driver, or is a PCI bridge\n"
	"  device.vfio_dev          /dev/vfio/N of its group, read/write\n"
	"  device.backend           iommufd through its VFIO cdev, or the\n"
	"                           type1 container and why; warn when\n"
	"                           /dev/iommu exists but it has no cdev\n"
	"  device.reset             its reset methods (reset_method)\n"
	"  device.msix              its MSI-X layout; always ok (information)\n"
	"  device.sriov             only for an SR-IOV PF (its VFs, their\n"
	"                           groups and drivers, autoprobe) or a VF\n"
	"                           (its PF); warn when VFs that a passvm run\n"
	"                           made outlived it\n"
	"\n"
	"The sriov object of a device.sriov check (pf: for a PF, vf: for a VF):\n"
	"\n"
	"  role      string   pf or vf\n"
	"  totalvfs  number   pf: sriov_totalvfs, the most VFs it can have\n"
	"  numvfs    number   pf: sriov_numvfs, the VFs it has now\n"
	"  autoprobe boolean  pf: sriov_drivers_autoprobe (false: new VFs get\n"
	"            or null  no host driver); null when there is none\n"
	"  driver    string   pf: its driver; vf: its PF's; null for none\n"
	"            or null\n"
	"  netdev    string   pf: its network interface; vf: its PF's; null\n"
	"            or null  for none\n"
	"  vfs       array    pf: one object per VF, in order: index\n"
	"                     (number), device (string, dddd:bb:dd.f), group\n"
	"                     (number, or null without an IOMMU group),\n"
	"                     driver (string, or null for none)\n"
	"  pf        string   vf: its physical function, dddd:bb:dd.f\n"
	"  index     number   vf: its place among the PF's VFs, 0-based; null\n"
	"            or null  when no virtfnN link of the PF names it\n"
	"\n"
	"Strings are UTF-8, with quotes, backslashes and control characters\n"
	"escaped as RFC 8259 says.\n"
	/* doctor-json-schema: end */
	;
/* clang-format on */

static const char *const st_name[] = { "ok", "warn", "fail" };

void doctor_print_json(const struct report *r, bool ok,
		       const char *const *fixes, int nfix, FILE *out)
{
	int i;

	fprintf(out, "{\"version\":1,\"ok\":%s,\"checks\":[",
		ok ? "true" : "false");
	for (i = 0; i < r->n; i++) {
		const struct check *c = &r->c[i];

		fprintf(out, "%s\n{\"id\":", i ? "," : "");
		jout_escape(out, c->id);
		fputs(",\"device\":", out);
		if (c->dev[0])
			jout_escape(out, c->dev);
		else
			fputs("null", out);
		fprintf(out,
			",\"status\":\"%s\",\"evidence\":", st_name[c->st]);
		jout_escape(out, c->evidence);
		fputs(",\"fix\":", out);
		if (c->fix[0] && c->st != ST_OK)
			jout_escape(out, c->fix);
		else
			fputs("null", out);
		if (c->json)
			fputs(c->json, out);
		fputc('}', out);
	}
	fputs("\n],\"fixes\":[", out);
	for (i = 0; i < nfix; i++) {
		fputs(i ? ",\n" : "\n", out);
		jout_escape(out, fixes[i]);
	}
	fputs("\n]}\n", out);
}

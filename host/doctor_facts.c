// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm doctor`: what every check needs to know about the host, read
 * once: the IOMMU's ACPI table and groups, the kernel command line and
 * release, the CPU's virtualization flags, whether this is a virtual
 * machine (and which), and whether the kernel can load modules. Sources:
 * Documentation/ABI/testing/sysfs-firmware-dmi-tables (class/dmi/id),
 * sysfs-kernel-iommu_groups, the Intel SDM vol. 2A "CPUID" (leaf 1 ECX bit
 * 31 is the hypervisor's; leaf 0x40000000 its vendor), proc(5) (cpuinfo,
 * sys/kernel/osrelease, sys/kernel/modules_disabled), modprobe(8) (the
 * modules of kernel R are in /lib/modules/R), bootparam(7) (nomodule).
 */
#include "host/doctor_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

/* Count the entries of @path (not "." and ".."); -errno if unreadable. */
static int count_entries(const char *path)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(path);

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

int kernel_version_parse(const char *release, unsigned int *major,
			 unsigned int *minor)
{
	unsigned long ma, mi;
	char *end;

	if (!release || release[0] < '0' || release[0] > '9')
		return -EINVAL;
	errno = 0;
	ma = strtoul(release, &end, 10);
	if (errno || *end != '.' || end[1] < '0' || end[1] > '9' || ma > 0xffff)
		return -EINVAL;
	mi = strtoul(end + 1, &end, 10);
	if (errno || mi > 0xffff)
		return -EINVAL;
	*major = (unsigned int)ma;
	*minor = (unsigned int)mi;
	return 0;
}

/* ---- what the checks share ---- */

/* The first "flags" line of /proc/cpuinfo: VMX, SVM, the hypervisor bit. */
static bool read_cpu_flags(const struct doctor_opts *o, struct host_facts *h)
{
	char path[4096], line[4096];
	bool hv = false;
	FILE *f;

	sysfs_path(path, sizeof(path), "%s/cpuinfo", o->proc);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok;

		if (strncmp(line, "flags", 5) || !strchr(line, ':'))
			continue;
		for (tok = strtok_r(strchr(line, ':') + 1, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save)) {
			h->cpu_vmx |= !strcmp(tok, "vmx");
			h->cpu_svm |= !strcmp(tok, "svm");
			hv |= !strcmp(tok, "hypervisor");
		}
		break;
	}
	fclose(f);
	return hv;
}

/* The hypervisor's CPUID leaf 0x40000000 vendor, "" if none. */
static void hv_vendor(const struct doctor_opts *o, char out[13])
{
	out[0] = '\0';
	if (o->hv_vendor) {
		snprintf(out, 13, "%s", o->hv_vendor);
		return;
	}
#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned int a, b, c, d;

		__cpuid(0x40000000, a, b, c, d);
		memcpy(out, &b, 4);
		memcpy(out + 4, &c, 4);
		memcpy(out + 8, &d, 4);
		out[12] = '\0';
	}
#endif
}

/*
 * Names of virtual machines by DMI (a NULL field matches anything; the
 * strings are prefixes, case ignored), then by hypervisor CPUID vendor.
 */
static const struct {
	const char *vendor, *product, *name;
} dmi_vms[] = {
	{ "QEMU", NULL, "QEMU" },
	{ NULL, "KVM", "KVM" },
	{ "VMware", NULL, "VMware" },
	{ "Microsoft Corporation", "Virtual Machine", "Microsoft Hyper-V" },
	{ "Amazon EC2", NULL, "Amazon EC2" },
	{ "Google", "Google Compute Engine", "Google Compute Engine" },
	{ "innotek GmbH", NULL, "VirtualBox" },
	{ NULL, "VirtualBox", "VirtualBox" },
	{ "Xen", NULL, "Xen" },
	{ "Parallels", NULL, "Parallels" },
	{ "BHYVE", NULL, "bhyve" },
	{ NULL, "OpenStack", "OpenStack" },
	{ "DigitalOcean", NULL, "DigitalOcean" },
	{ "Alibaba Cloud", NULL, "Alibaba Cloud" },
	{ "Nutanix", "AHV", "Nutanix AHV" },
}, cpuid_vms[] = {
	{ "KVMKVMKVM", NULL, "KVM" },
	{ "Microsoft Hv", NULL, "Microsoft Hyper-V" },
	{ "VMwareVMware", NULL, "VMware" },
	{ "XenVMMXenVMM", NULL, "Xen" },
	{ "TCGTCGTCGTCG", NULL, "QEMU" },
	{ "VBoxVBoxVBox", NULL, "VirtualBox" },
	{ "bhyve bhyve ", NULL, "bhyve" },
	{ " lrpepyh  vr", NULL, "Parallels" },
	{ "ACRNACRNACRN", NULL, "ACRN" },
};

static bool prefix(const char *field, const char *want)
{
	return !want || !strncasecmp(field, want, strlen(want));
}

static void detect_vm(const struct doctor_opts *o, struct host_facts *h,
		      bool hv_flag)
{
	char path[4096], vendor[128] = "", product[128] = "", cpuid[13];
	const char *name = NULL;
	size_t i;

	sysfs_path(path, sizeof(path), "%s/class/dmi/id/sys_vendor", o->sysfs);
	sysfs_read_text(path, vendor, sizeof(vendor));
	sysfs_path(path, sizeof(path), "%s/class/dmi/id/product_name",
		   o->sysfs);
	sysfs_read_text(path, product, sizeof(product));
	/* Bare-metal cloud instances keep their vendor: "m5.metal". */
	for (i = 0; i < sizeof(dmi_vms) / sizeof(dmi_vms[0]) && !name; i++)
		if ((vendor[0] || product[0]) &&
		    prefix(vendor, dmi_vms[i].vendor) &&
		    prefix(product, dmi_vms[i].product) &&
		    !strstr(product, ".metal"))
			name = dmi_vms[i].name;
	cpuid[0] = '\0';
	if (hv_flag)
		hv_vendor(o, cpuid);
	for (i = 0;
	     i < sizeof(cpuid_vms) / sizeof(cpuid_vms[0]) && !name && cpuid[0];
	     i++)
		if (!strcmp(cpuid, cpuid_vms[i].vendor))
			name = cpuid_vms[i].name;
	h->vm = hv_flag || name;
	snprintf(h->vm_name, sizeof(h->vm_name), "%s",
		 name ? name : "unknown hypervisor");
	snprintf(h->vm_why, sizeof(h->vm_why), "%s",
		 hv_flag ? "hypervisor flag in /proc/cpuinfo" :
			   "no hypervisor flag in /proc/cpuinfo");
	if (cpuid[0])
		doctor_append(h->vm_why, sizeof(h->vm_why), ", CPUID vendor %s",
			      cpuid);
	if (vendor[0] || product[0])
		doctor_append(h->vm_why, sizeof(h->vm_why), ", DMI %s%s%s",
			      vendor, vendor[0] && product[0] ? " " : "",
			      product);
}

static void check_modules_loadable(const struct doctor_opts *o,
				   struct host_facts *h)
{
	char path[4096], text[16];

	h->modules_ok = true;
	sysfs_path(path, sizeof(path), "%s/sys/kernel/modules_disabled",
		   o->proc);
	if (doctor_has_opt(h->cmdline, "nomodule")) {
		doctor_append(h->modules_why, sizeof(h->modules_why),
			      "the kernel command line has nomodule");
		doctor_append(
			h->modules_fix, sizeof(h->modules_fix),
			"the kernel cannot load modules (nomodule on its command line): remove nomodule and reboot, or boot a kernel with the drivers built in");
	} else if (!sysfs_read_text(path, text, sizeof(text)) &&
		   !strcmp(text, "1")) {
		doctor_append(h->modules_why, sizeof(h->modules_why),
			      "module loading is disabled (%s is 1)", path);
		doctor_append(
			h->modules_fix, sizeof(h->modules_fix),
			"the kernel cannot load modules until it reboots (%s is 1): reboot, with the modules listed in /etc/modules-load.d/ (vfio-pci, kvm_intel or kvm_amd) so that they load before modules_disabled is set",
			path);
	} else if (h->release[0]) {
		char lib[4096], usr[4096];

		sysfs_path(lib, sizeof(lib), "%s/lib/modules/%s", o->root,
			   h->release);
		sysfs_path(usr, sizeof(usr), "%s/usr/lib/modules/%s", o->root,
			   h->release);
		if (doctor_exists(lib) || doctor_exists(usr))
			return;
		doctor_append(h->modules_why, sizeof(h->modules_why),
			      "kernel %s has no modules (no %s or %s)",
			      h->release, lib, usr);
		doctor_append(
			h->modules_fix, sizeof(h->modules_fix),
			"kernel %s has no modules installed (no /lib/modules/%s), so modprobe cannot work: install them (Debian: apt install linux-image-%s) or boot a kernel that has the drivers; in a container, load them on the host",
			h->release, h->release, h->release);
	} else {
		return;
	}
	h->modules_ok = false;
}

void doctor_gather(const struct doctor_opts *o, struct host_facts *h)
{
	char path[4096];
	bool dmar, ivrs, hv;

	memset(h, 0, sizeof(*h));
	sysfs_path(path, sizeof(path), "%s/DMAR", o->acpi_tables);
	dmar = doctor_exists(path);
	sysfs_path(path, sizeof(path), "%s/IVRS", o->acpi_tables);
	ivrs = doctor_exists(path);
	h->vendor = dmar ? V_INTEL : ivrs ? V_AMD : V_UNKNOWN;
	sysfs_path(path, sizeof(path), "%s/kernel/iommu_groups", o->sysfs);
	h->groups = count_entries(path);
	if (h->groups < 0)
		h->groups = 0;
	sysfs_path(path, sizeof(path), "%s/cmdline", o->proc);
	sysfs_read_text(path, h->cmdline, sizeof(h->cmdline));
	sysfs_path(path, sizeof(path), "%s/sys/kernel/osrelease", o->proc);
	if (sysfs_read_text(path, h->release, sizeof(h->release)))
		h->release[0] = '\0';
	h->kver_known =
		!kernel_version_parse(h->release, &h->kmajor, &h->kminor);
	hv = read_cpu_flags(o, h);
	detect_vm(o, h, hv);
	check_modules_loadable(o, h);

	if (h->vm && h->vendor == V_UNKNOWN && !h->groups)
		h->iommu_fix =
			"give this VM a virtual IOMMU in its hypervisor (QEMU: -machine q35,kernel-irqchip=split -device intel-iommu,intremap=on, placed before the devices; libvirt: <iommu model='intel'><driver intremap='on'/></iommu>), or run passvm on bare metal (a cloud VM has none: use a bare-metal instance)";
	else if (h->vendor == V_INTEL)
		h->iommu_fix =
			"add intel_iommu=on to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then `update-grub`) and reboot";
	else if (h->vendor == V_AMD)
		h->iommu_fix =
			"add amd_iommu=on to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then `update-grub`) and reboot";
	else
		h->iommu_fix =
			"enable VT-d / AMD-Vi (IOMMU) in the firmware setup, then add intel_iommu=on (Intel) or amd_iommu=on (AMD) to the kernel command line and reboot";
}

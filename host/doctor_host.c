// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm doctor`'s host checks: the machine (bare metal or a virtual
 * machine, and whether it has an IOMMU), the IOMMU and its interrupt
 * remapping, the VFIO modules, /dev/kvm and /dev/vfio/vfio, the memlock
 * limit and hugepages. The facts they share are gathered by
 * host/doctor_facts.c. Sources: Documentation/ABI/testing/
 * sysfs-kernel-iommu_groups, sysfs-class-iommu-intel-iommu,
 * Documentation/driver-api/vfio.rst, Documentation/virt/kvm/api.rst
 * (/dev/kvm), the Intel VT-d spec §11.4.3 (ECAP.IR is bit 3), proc(5),
 * capabilities(7), Documentation/admin-guide/mm/transhuge.rst.
 */
#include "host/doctor_int.h"
#include "host/iommu_backend.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/capability.h>

#include "host/caps.h"
#include "memory/backing.h"
#include "util/parse.h"

#define ECAP_IR (1ull << 3) /* VT-d extended capability: intr. remapping */

/* ---- host checks ---- */

static void check_machine(const struct host_facts *h, struct report *r)
{
	bool iommu = h->vendor != V_UNKNOWN || h->groups;

	if (!h->vm)
		doctor_add(r, "host.machine", NULL, ST_OK, STEP_MACHINE, NULL,
			   "bare metal (%s)", h->vm_why);
	else if (iommu)
		doctor_add(
			r, "host.machine", NULL, ST_OK, STEP_MACHINE, NULL,
			"virtual machine (%s) with a virtual IOMMU (%s): passthrough of the devices it gives this VM works (%s)",
			h->vm_name,
			h->vendor == V_INTEL ? "DMAR table" :
			h->vendor == V_AMD   ? "IVRS table" :
					       "IOMMU groups",
			h->vm_why);
	else
		doctor_add(
			r, "host.machine", NULL, ST_FAIL, STEP_MACHINE,
			h->iommu_fix,
			"this is a virtual machine (%s) with no virtual IOMMU: passthrough needs the hypervisor to give this VM one, e.g. QEMU -device intel-iommu, or run on bare metal (%s)",
			h->vm_name, h->vm_why);
}

static void check_iommu(const struct doctor_opts *o, const struct host_facts *h,
			struct report *r)
{
	static const char *const opts[] = {
		"intel_iommu=on",  "amd_iommu=on",  "iommu=pt",
		"intel_iommu=off", "amd_iommu=off", "iommu=off",
	};
	enum step st = h->vm ? STEP_MACHINE : STEP_KERNEL;
	char found[160] = "";
	size_t i;

	if (h->vendor != V_UNKNOWN)
		doctor_add(r, "iommu.present", NULL, ST_OK, STEP_MACHINE, NULL,
			   "ACPI %s table present (%s IOMMU)",
			   h->vendor == V_INTEL ? "DMAR" : "IVRS",
			   h->vendor == V_INTEL ? "Intel VT-d" : "AMD-Vi");
	else if (h->groups)
		doctor_add(
			r, "iommu.present", NULL, ST_OK, STEP_MACHINE, NULL,
			"no DMAR/IVRS ACPI table, but %d IOMMU groups exist (another IOMMU, e.g. virtio-iommu)",
			h->groups);
	else
		doctor_add(r, "iommu.present", NULL, ST_FAIL, STEP_MACHINE,
			   h->iommu_fix,
			   "no DMAR or IVRS table in %s: %s reports no IOMMU",
			   o->acpi_tables,
			   h->vm ? "the hypervisor" : "the firmware");

	if (h->groups)
		doctor_add(r, "iommu.enabled", NULL, ST_OK, STEP_KERNEL, NULL,
			   "%d IOMMU groups in %s/kernel/iommu_groups",
			   h->groups, o->sysfs);
	else
		doctor_add(
			r, "iommu.enabled", NULL, ST_FAIL, st, h->iommu_fix,
			"%s/kernel/iommu_groups is empty: the kernel did not enable an IOMMU",
			o->sysfs);

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (doctor_has_opt(h->cmdline, opts[i]))
			doctor_append(found, sizeof(found), "%s%s",
				      found[0] ? " " : "", opts[i]);
	if (strstr(found, "=off"))
		doctor_add(
			r, "iommu.cmdline", NULL, ST_FAIL, STEP_KERNEL,
			"remove intel_iommu=off / amd_iommu=off / iommu=off from the kernel command line and reboot",
			"the kernel command line disables the IOMMU: %s",
			found);
	else if (found[0])
		doctor_add(r, "iommu.cmdline", NULL, ST_OK, STEP_KERNEL, NULL,
			   "kernel command line has %s", found);
	else if (h->groups)
		doctor_add(
			r, "iommu.cmdline", NULL, ST_OK, STEP_KERNEL, NULL,
			"no IOMMU option on the kernel command line; the kernel enabled the IOMMU by default");
	else
		doctor_add(
			r, "iommu.cmdline", NULL, ST_WARN, st, h->iommu_fix,
			"no intel_iommu=on / amd_iommu=on on the kernel command line (%s/cmdline)",
			o->proc);
}

static void check_irq_remap(const struct doctor_opts *o,
			    const struct host_facts *h, struct report *r)
{
	char path[4096], text[64], units[256] = "", fix[512];
	int with = 0, without = 0;
	bool unsafe_ok = false;
	enum step st = h->vm ? STEP_MACHINE : STEP_KERNEL;
	struct dirent *de;
	DIR *d;

	snprintf(
		fix, sizeof(fix),
		"%s; as an unsafe last resort, `echo 1 | sudo tee %s/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts` (or vfio_iommu_type1.allow_unsafe_interrupts=1 on the kernel command line)",
		h->vm ? "give the virtual IOMMU interrupt remapping (QEMU: -device intel-iommu,intremap=on with -machine kernel-irqchip=split)" :
			"enable interrupt remapping (remove intremap=off/nointremap from the kernel command line; enable x2APIC/IR in the firmware)",
		o->sysfs);
	sysfs_path(
		path, sizeof(path),
		"%s/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
		o->sysfs);
	if (!sysfs_read_text(path, text, sizeof(text)) &&
	    (text[0] == 'Y' || text[0] == '1'))
		unsafe_ok = true;

	if (doctor_has_opt(h->cmdline, "intremap=off") ||
	    doctor_has_opt(h->cmdline, "nointremap")) {
		doctor_add(
			r, "iommu.irq_remap", NULL,
			unsafe_ok ? ST_WARN : ST_FAIL, STEP_KERNEL, fix,
			"interrupt remapping is disabled on the kernel command line%s",
			unsafe_ok ?
				" (allow_unsafe_interrupts=Y: devices can forge interrupts)" :
				"");
		return;
	}

	sysfs_path(path, sizeof(path), "%s/class/iommu", o->sysfs);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char ecap_path[4096];
		unsigned long long ecap;

		if (de->d_name[0] == '.')
			continue;
		if (sysfs_path(ecap_path, sizeof(ecap_path),
			       "%s/%s/intel-iommu/ecap", path, de->d_name) ||
		    sysfs_read_text(ecap_path, text, sizeof(text)))
			continue;
		ecap = strtoull(text, NULL, 16);
		if (ecap & ECAP_IR) {
			with++;
		} else {
			without++;
			doctor_append(units, sizeof(units), "%s%s",
				      units[0] ? ", " : "", de->d_name);
		}
	}
	if (d)
		closedir(d);

	if (without)
		doctor_add(
			r, "iommu.irq_remap", NULL,
			unsafe_ok ? ST_WARN : ST_FAIL, st, fix,
			"VT-d unit(s) %s lack interrupt remapping (ecap bit 3 clear)%s",
			units,
			unsafe_ok ?
				"; allow_unsafe_interrupts=Y lets VFIO run anyway" :
				": vfio_iommu_type1 will refuse to attach groups");
	else if (with)
		doctor_add(
			r, "iommu.irq_remap", NULL, ST_OK, st, NULL,
			"%d VT-d unit(s) with interrupt remapping (ecap bit 3 set)",
			with);
	else
		doctor_add(
			r, "iommu.irq_remap", NULL, ST_WARN, st, NULL,
			"cannot tell whether interrupt remapping is available (no %s/class/iommu/*/intel-iommu/ecap%s); if VFIO says \"No interrupt remapping support\", it is not",
			o->sysfs, h->vendor == V_AMD ? " on AMD" : "");
}

static enum step module_step(const struct host_facts *h)
{
	return h->modules_ok ? STEP_MODULE : STEP_KERNEL;
}

static void check_modules(const struct doctor_opts *o,
			  const struct host_facts *h, struct report *r)
{
	static const char *const mods[] = { "vfio", "vfio_iommu_type1",
					    "vfio_pci" };
	char path[4096], id[32], fix[512];
	size_t i;

	doctor_modprobe_fix(h, "vfio-pci", fix, sizeof(fix));
	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(id, sizeof(id), "module.%s", mods[i]);
		sysfs_path(path, sizeof(path), "%s/module/%s", o->sysfs,
			   mods[i]);
		if (doctor_exists(path))
			doctor_add(r, id, NULL, ST_OK, STEP_MODULE, NULL,
				   "%s is loaded (%s)", mods[i], path);
		else
			doctor_add(r, id, NULL, ST_FAIL, module_step(h), fix,
				   "%s is not loaded (no %s)%s%s", mods[i],
				   path, h->modules_ok ? "" : "; ",
				   h->modules_ok ? "" : h->modules_why);
	}
}

/* No access to @path: the fix, for uid getuid(). */
static void access_fix(char *fix, size_t len, const char *path, bool kvm)
{
	fix[0] = '\0';
	if (kvm)
		doctor_append(
			fix, len,
			"add your user to the group of %s (`sudo usermod -aG kvm $USER`, then log in again), or run passvm as root",
			path);
	else
		doctor_append(fix, len,
			      "run passvm as root, or `sudo chown %u %s`",
			      (unsigned int)getuid(), path);
}

static void check_kvm(const struct doctor_opts *o, const struct host_facts *h,
		      struct report *r)
{
	char path[4096], mod_path[4096], text[16], fix[512], nested[96] = "";
	const char *mod = NULL;
	int e;

	sysfs_path(mod_path, sizeof(mod_path), "%s/module/kvm_intel", o->sysfs);
	if (doctor_exists(mod_path)) {
		mod = "kvm_intel";
	} else {
		sysfs_path(mod_path, sizeof(mod_path), "%s/module/kvm_amd",
			   o->sysfs);
		if (doctor_exists(mod_path))
			mod = "kvm_amd";
	}
	if (mod) {
		sysfs_path(path, sizeof(path), "%s/parameters/nested",
			   mod_path);
		if (sysfs_read_text(path, text, sizeof(text)))
			snprintf(nested, sizeof(nested), "; %s is loaded", mod);
		else
			snprintf(
				nested, sizeof(nested),
				"; %s is loaded, nested=%s (passvm's guests %s run KVM themselves)",
				mod, text,
				text[0] == 'Y' || text[0] == '1' ? "can" :
								   "cannot");
	} else {
		snprintf(
			nested, sizeof(nested),
			"; no kvm_intel or kvm_amd in %s/module (KVM is built in, or another driver provides it)",
			o->sysfs);
	}
	sysfs_path(path, sizeof(path), "%s/kvm", o->dev);
	if (doctor_exists(path)) {
		if (!access(path, R_OK | W_OK)) {
			doctor_add(r, "dev.kvm", NULL, ST_OK, STEP_ACCESS, NULL,
				   "%s is accessible (read/write)%s", path,
				   nested);
			return;
		}
		e = errno;
		access_fix(fix, sizeof(fix), path, true);
		doctor_add(r, "dev.kvm", NULL, ST_FAIL, STEP_ACCESS, fix,
			   "no read/write access to %s for uid %u: %s%s", path,
			   (unsigned int)getuid(), strerror(e), nested);
		return;
	}
	if (mod) {
		doctor_add(
			r, "dev.kvm", NULL, ST_FAIL, STEP_MACHINE,
			"look for kvm errors in `dmesg` (VT-x/AMD-V disabled in the firmware?); in a container, pass the host's /dev/kvm in (docker run --device /dev/kvm)",
			"%s does not exist%s", path, nested);
	} else if (h->cpu_vmx || h->cpu_svm) {
		const char *want = h->cpu_vmx ? "kvm_intel" : "kvm_amd";

		doctor_modprobe_fix(h, want, fix, sizeof(fix));
		doctor_add(
			r, "dev.kvm", NULL, ST_FAIL, module_step(h), fix,
			"%s does not exist: neither kvm_intel nor kvm_amd is loaded (the CPU has %s)%s%s",
			path, h->cpu_vmx ? "VMX" : "SVM",
			h->modules_ok ? "" : "; ",
			h->modules_ok ? "" : h->modules_why);
	} else if (h->vm) {
		doctor_add(
			r, "dev.kvm", NULL, ST_FAIL, STEP_MACHINE,
			"enable nested virtualization in the hypervisor (on a Linux host: kvm_intel nested=1 or kvm_amd nested=1, and QEMU -cpu host), or run passvm on bare metal",
			"%s does not exist and this virtual machine (%s) has no VMX or SVM in /proc/cpuinfo: its hypervisor does not offer nested virtualization",
			path, h->vm_name);
	} else {
		doctor_add(
			r, "dev.kvm", NULL, ST_FAIL, STEP_MACHINE,
			"enable VT-x (Intel) or AMD-V/SVM (AMD) in the firmware setup",
			"%s does not exist and the CPU shows no VMX or SVM in /proc/cpuinfo",
			path);
	}
}

/* Check /dev/vfio/vfio (needed now) or /dev/vfio/N (after binding). */
void doctor_check_access(struct report *r, const struct host_facts *h,
			 const char *id, const char *dev, const char *path,
			 bool needed_now)
{
	char fix[512];

	if (!doctor_exists(path)) {
		if (needed_now)
			doctor_modprobe_fix(h, "vfio-pci", fix, sizeof(fix));
		else
			snprintf(
				fix, sizeof(fix),
				"appears once the device is bound: `passvm bind %s` or --vfio %s,managed",
				dev, dev);
		doctor_add(r, id, dev, needed_now ? ST_FAIL : ST_WARN,
			   needed_now ? module_step(h) : STEP_DEVICE, fix,
			   "%s does not exist", path);
		return;
	}
	if (access(path, R_OK | W_OK)) {
		int e = errno;

		access_fix(fix, sizeof(fix), path, false);
		doctor_add(r, id, dev, ST_FAIL, STEP_ACCESS, fix,
			   "no read/write access to %s for uid %u: %s", path,
			   (unsigned int)getuid(), strerror(e));
		return;
	}
	doctor_add(r, id, dev, ST_OK, STEP_ACCESS, NULL,
		   "%s is accessible (read/write)", path);
}

static void check_memlock(const struct doctor_opts *o, uint64_t mem,
			  struct report *r)
{
	char have[32], need[32], fix[256];
	uint64_t lim;

	if (host_cap_effective(o->proc, CAP_IPC_LOCK) == 1) {
		doctor_add(
			r, "host.memlock", NULL, ST_OK, STEP_ACCESS, NULL,
			"CAP_IPC_LOCK is effective (CapEff bit %d): RLIMIT_MEMLOCK does not apply",
			CAP_IPC_LOCK);
		return;
	}
	if (o->fake_memlock) {
		lim = o->memlock_bytes;
	} else {
		struct rlimit rl;

		if (getrlimit(RLIMIT_MEMLOCK, &rl)) {
			doctor_add(r, "host.memlock", NULL, ST_WARN,
				   STEP_ACCESS, NULL,
				   "getrlimit(RLIMIT_MEMLOCK): %s",
				   strerror(errno));
			return;
		}
		lim = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX :
						     (uint64_t)rl.rlim_cur;
	}
	doctor_fmt_bytes(need, sizeof(need), mem);
	if (lim == UINT64_MAX) {
		doctor_add(r, "host.memlock", NULL, ST_OK, STEP_ACCESS, NULL,
			   "RLIMIT_MEMLOCK is unlimited (guest RAM %s)", need);
		return;
	}
	doctor_fmt_bytes(have, sizeof(have), lim);
	if (lim >= mem) {
		doctor_add(
			r, "host.memlock", NULL, ST_OK, STEP_ACCESS, NULL,
			"RLIMIT_MEMLOCK is %llu bytes (%s), guest RAM needs %llu bytes (%s)",
			(unsigned long long)lim, have, (unsigned long long)mem,
			need);
		return;
	}
	snprintf(
		fix, sizeof(fix),
		"`ulimit -l %llu` (in a root shell before starting passvm, or set memlock in /etc/security/limits.conf), or run passvm as root",
		(unsigned long long)((mem + 1023) / 1024));
	doctor_add(
		r, "host.memlock", NULL, ST_FAIL, STEP_ACCESS, fix,
		"RLIMIT_MEMLOCK is %llu bytes (%s) but VFIO pins all guest RAM: %llu bytes (%s) needed; DMA mapping would fail with ENOMEM",
		(unsigned long long)lim, have, (unsigned long long)mem, need);
}

/*
 * The transparent huge page mode for shmem (guest RAM is a memfd), the
 * bracketed word of /sys/kernel/mm/transparent_hugepage/shmem_enabled
 * ("always within_size [advise] never deny force"), or "" if unreadable.
 * With "never" (Debian's default) guest RAM without --hugepages is made of
 * 4 KiB pages: slower pinning, 4 KiB IOMMU and EPT/NPT mappings.
 * Source: Documentation/admin-guide/mm/transhuge.rst ("shmem").
 */
/* The selected word of transparent_hugepage/@name, "" if unreadable. */
static void thp_mode(const struct doctor_opts *o, const char *name, char *mode,
		     size_t len)
{
	char path[4096], text[128];

	mode[0] = '\0';
	sysfs_path(path, sizeof(path), "%s/kernel/mm/transparent_hugepage/%s",
		   o->sysfs, name);
	if (!sysfs_read_text(path, text, sizeof(text)))
		parse_sysfs_choice(text, mode, len);
}

static void check_hugepages(const struct doctor_opts *o, uint64_t mem,
			    struct report *r)
{
	char path[4096], text[64], fix[512], thp[32], anon[32];
	uint64_t need = (mem + (2ull << 20) - 1) >> 21, fr = 0;
	enum ram_kind kind;

	sysfs_path(path, sizeof(path),
		   "%s/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
		   o->sysfs);
	if (!sysfs_read_text(path, text, sizeof(text)))
		fr = strtoull(text, NULL, 10);
	if (fr >= need) {
		doctor_add(
			r, "host.hugepages", NULL, ST_OK, STEP_TUNING, NULL,
			"%llu free 2 MiB hugepages, %llu needed: --hugepages will work",
			(unsigned long long)fr, (unsigned long long)need);
		return;
	}
	thp_mode(o, "shmem_enabled", thp, sizeof(thp));
	thp_mode(o, "enabled", anon, sizeof(anon));
	kind = ram_kind_choose(thp, anon);
	if (kind != RAM_SHMEM_4K) {
		doctor_add(
			r, "host.hugepages", NULL, ST_OK, STEP_TUNING, NULL,
			"%llu free 2 MiB hugepages (%llu needed for --hugepages); without it guest RAM is %s (shmem_enabled=%s, enabled=%s)",
			(unsigned long long)fr, (unsigned long long)need,
			ram_kind_name(kind), thp[0] ? thp : "?",
			anon[0] ? anon : "?");
		return;
	}
	snprintf(
		fix, sizeof(fix),
		"`echo madvise | sudo tee %s/kernel/mm/transparent_hugepage/enabled`; or reserve hugepages for --hugepages: `echo %llu | sudo tee %s/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages`",
		o->sysfs, (unsigned long long)need, o->sysfs);
	doctor_add(
		r, "host.hugepages", NULL, ST_WARN, STEP_TUNING, fix,
		"%llu free 2 MiB hugepages, %llu needed for --hugepages, and transparent huge pages are off (shmem_enabled=%s, enabled=%s): guest RAM will be 4 KiB pages (slower pinning, 4 KiB IOMMU and EPT mappings)",
		(unsigned long long)fr, (unsigned long long)need,
		thp[0] ? thp : "unavailable", anon[0] ? anon : "unavailable");
}

/*
 * Which IOMMU interface `passvm run` will use, and why
 * (host_iommu_choose(), the same decision): iommufd needs /dev/iommu and
 * the devices' cdevs, else the type1 container. Information: ok either way.
 */
static void check_iommufd(const struct doctor_opts *o,
			  const struct host_facts *h, struct report *r)
{
	struct iommufd_host ih;
	char why[512], path[4096];
	bool fb;

	host_iommufd_probe(o->dev, o->root, h->release[0] ? h->release : NULL,
			   &ih);
	host_iommu_choose(IOMMU_MODE_AUTO, &ih, NULL, NULL, 0, why, sizeof(why),
			  &fb);
	if (!ih.dev_iommu) {
		doctor_add(
			r, "host.iommufd", NULL, ST_OK, STEP_KERNEL, NULL,
			"passvm run will use %s (--iommu iommufd needs a kernel with CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV)",
			why);
		return;
	}
	doctor_add(
		r, "host.iommufd", NULL, ST_OK, STEP_KERNEL, NULL,
		"passvm run will use %s%s (--iommu type1 forces the container)",
		why,
		ih.cdev_config == 0 ?
			", but this kernel has no CONFIG_VFIO_DEVICE_CDEV: the type1 container in practice" :
			"");
	sysfs_path(path, sizeof(path), "%s/iommu", o->dev);
	doctor_check_access(r, h, "dev.iommu", NULL, path, true);
}

void doctor_check_host(const struct doctor_opts *o, const struct host_facts *h,
		       struct report *r)
{
	uint64_t mem = o->mem_bytes ? o->mem_bytes : DOCTOR_DEFAULT_MEM;
	char path[4096];

	check_machine(h, r);
	check_iommu(o, h, r);
	check_irq_remap(o, h, r);
	check_modules(o, h, r);
	check_kvm(o, h, r);
	sysfs_path(path, sizeof(path), "%s/vfio/vfio", o->dev);
	doctor_check_access(r, h, "dev.vfio", NULL, path, true);
	check_iommufd(o, h, r);
	check_memlock(o, mem, r);
	check_hugepages(o, mem, r);
}

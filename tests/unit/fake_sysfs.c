// SPDX-License-Identifier: GPL-2.0
/* A fake sysfs/procfs/devtmpfs tree for the unit tests; see fake_sysfs.h. */
#include "fake_sysfs.h"
#include "host/sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static int fake_sysfs_path(struct fake_sysfs *fs, char *buf, size_t len,
			   const char *rel)
{
	int n = snprintf(buf, len, "%s/%s", fs->root, rel);

	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

static int fake_sysfs_parent(const char *path)
{
	char tmp[1024];
	char *slash;

	snprintf(tmp, sizeof(tmp), "%s", path);
	slash = strrchr(tmp, '/');
	if (!slash || slash == tmp)
		return 0;
	*slash = '\0';
	return state_mkdir(tmp);
}

int fake_sysfs_mkdir(struct fake_sysfs *fs, const char *rel)
{
	char path[1024];
	int r = fake_sysfs_path(fs, path, sizeof(path), rel);

	return r ? r : state_mkdir(path);
}

static int fake_sysfs_write_len(struct fake_sysfs *fs, const char *rel,
				const void *data, size_t len)
{
	char path[1024];
	FILE *f;
	int r;

	r = fake_sysfs_path(fs, path, sizeof(path), rel);
	if (!r)
		r = fake_sysfs_parent(path);
	if (r)
		return r;
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

int fake_sysfs_write(struct fake_sysfs *fs, const char *rel, const char *text)
{
	return fake_sysfs_write_len(fs, rel, text, strlen(text));
}

int fake_sysfs_read(struct fake_sysfs *fs, const char *rel, char *buf,
		    size_t len)
{
	char path[1024];
	size_t n;
	FILE *f;
	int r;

	r = fake_sysfs_path(fs, path, sizeof(path), rel);
	if (r)
		return r;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

int fake_sysfs_symlink(struct fake_sysfs *fs, const char *rel,
		       const char *target)
{
	char path[1024];
	int r;

	r = fake_sysfs_path(fs, path, sizeof(path), rel);
	if (!r)
		r = fake_sysfs_parent(path);
	if (r)
		return r;
	unlink(path);
	return symlink(target, path) ? -errno : 0;
}

bool fake_sysfs_exists(struct fake_sysfs *fs, const char *rel)
{
	char path[1024];
	struct stat st;

	if (fake_sysfs_path(fs, path, sizeof(path), rel))
		return false;
	return lstat(path, &st) == 0;
}

int fake_sysfs_init(struct fake_sysfs *fs)
{
	int r;

	memset(fs, 0, sizeof(*fs));
	snprintf(fs->root, sizeof(fs->root), "/tmp/passvm-fake-XXXXXX");
	if (!mkdtemp(fs->root))
		return -errno;
	snprintf(fs->sys, sizeof(fs->sys), "%s/sys", fs->root);
	snprintf(fs->proc, sizeof(fs->proc), "%s/proc", fs->root);
	snprintf(fs->dev, sizeof(fs->dev), "%s/dev", fs->root);
	snprintf(fs->acpi, sizeof(fs->acpi), "%s/sys/firmware/acpi/tables",
		 fs->root);
	snprintf(fs->state, sizeof(fs->state), "%s/state", fs->root);
	r = fake_sysfs_write(fs, "sys/bus/pci/drivers_probe", "");
	if (!r)
		r = fake_sysfs_mkdir(fs, "sys/kernel/iommu_groups");
	if (!r)
		r = fake_sysfs_mkdir(fs, "sys/firmware/acpi/tables");
	if (!r)
		r = fake_sysfs_mkdir(fs, "dev");
	if (!r)
		r = fake_sysfs_write(fs, "proc/cmdline",
				     "BOOT_IMAGE=/vmlinuz root=/dev/sda1\n");
	if (!r)
		r = fake_sysfs_write(fs, "proc/mounts",
				     "proc /proc proc rw 0 0\n");
	if (!r)
		r = fake_sysfs_write(fs, "proc/swaps",
				     "Filename\tType\tSize\tUsed\tPriority\n");
	if (!r)
		r = fake_sysfs_write(
			fs, "proc/self/status",
			"Name:\tpassvm\nCapEff:\t0000000000000000\n");
	if (!r)
		r = fake_sysfs_write(fs, "proc/sys/kernel/osrelease",
				     FAKE_SYSFS_RELEASE "\n");
	if (!r)
		r = fake_sysfs_mkdir(fs, "lib/modules/" FAKE_SYSFS_RELEASE);
	return r;
}

static int fake_sysfs_rm(const char *path, const struct stat *st, int flag,
			 struct FTW *ftw)
{
	return remove(path);
}

void fake_sysfs_cleanup(struct fake_sysfs *fs)
{
	if (fs->root[0])
		nftw(fs->root, fake_sysfs_rm, 16, FTW_DEPTH | FTW_PHYS);
	fs->root[0] = '\0';
}

int fake_sysfs_add_driver(struct fake_sysfs *fs, const char *name)
{
	static const char *const files[] = { "bind", "unbind", "new_id" };
	char rel[256];
	size_t i;
	int r;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/drivers/%s/%s", name,
			 files[i]);
		r = fake_sysfs_write(fs, rel, "");
		if (r)
			return r;
	}
	return 0;
}

int fake_sysfs_dev_attr(struct fake_sysfs *fs, const char *bdf,
			const char *attr, const char *text)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/%s", bdf, attr);
	return fake_sysfs_write(fs, rel, text);
}

int fake_sysfs_set_config(struct fake_sysfs *fs, const char *bdf,
			  const uint8_t *cfg, size_t len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/config", bdf);
	return fake_sysfs_write_len(fs, rel, cfg, len);
}

int fake_sysfs_set_driver(struct fake_sysfs *fs, const char *bdf,
			  const char *driver)
{
	char rel[256], target[256], path[1024];

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/driver", bdf);
	if (!driver || !*driver) {
		fake_sysfs_path(fs, path, sizeof(path), rel);
		unlink(path);
		return 0;
	}
	if (fake_sysfs_add_driver(fs, driver))
		return -EIO;
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
	return fake_sysfs_symlink(fs, rel, target);
}

int fake_sysfs_get_driver(struct fake_sysfs *fs, const char *bdf, char *buf,
			  size_t len)
{
	char path[1024], target[512], rel[256];
	const char *base;
	ssize_t n;

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/driver", bdf);
	fake_sysfs_path(fs, path, sizeof(path), rel);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		buf[0] = '\0';
		return errno == ENOENT ? 0 : -errno;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, len, "%s", base ? base + 1 : target);
	return 0;
}

int fake_sysfs_add_dev(struct fake_sysfs *fs, const char *bdf, uint16_t vendor,
		       uint16_t device, uint32_t class_code, int group,
		       const char *driver)
{
	uint8_t cfg[256] = { 0 };
	char rel[256], target[256], text[64];
	struct fake_sysfs_dev *d;
	int r;

	if (fs->ndevs == FAKE_SYSFS_MAX_DEVS)
		return -ENOSPC;
	d = &fs->devs[fs->ndevs++];
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	snprintf(d->default_driver, sizeof(d->default_driver), "%s",
		 driver ? driver : "");

	snprintf(text, sizeof(text), "0x%04x\n", vendor);
	r = fake_sysfs_dev_attr(fs, bdf, "vendor", text);
	snprintf(text, sizeof(text), "0x%04x\n", device);
	r = r ? r : fake_sysfs_dev_attr(fs, bdf, "device", text);
	snprintf(text, sizeof(text), "0x%06x\n", class_code);
	r = r ? r : fake_sysfs_dev_attr(fs, bdf, "class", text);
	r = r ? r : fake_sysfs_dev_attr(fs, bdf, "reset_method", "flr\n");
	r = r ? r : fake_sysfs_dev_attr(fs, bdf, "driver_override", "(null)\n");
	r = r ? r :
		fake_sysfs_dev_attr(fs, bdf, "resource",
				    "0x00000000fe000000 0x00000000fe003fff "
				    "0x0000000000040200\n");
	if (r)
		return r;
	cfg[0] = vendor & 0xff;
	cfg[1] = vendor >> 8;
	cfg[2] = device & 0xff;
	cfg[3] = device >> 8;
	cfg[9] = class_code & 0xff;
	cfg[10] = (class_code >> 8) & 0xff;
	cfg[11] = (class_code >> 16) & 0xff;
	r = fake_sysfs_set_config(fs, bdf, cfg, sizeof(cfg));
	if (r)
		return r;

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", bdf);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", bdf);
	r = fake_sysfs_symlink(fs, rel, target);
	if (r)
		return r;
	if (group >= 0) {
		snprintf(rel, sizeof(rel),
			 "sys/devices/pci0000:00/%s/iommu_group", bdf);
		snprintf(target, sizeof(target),
			 "../../../kernel/iommu_groups/%d", group);
		r = fake_sysfs_symlink(fs, rel, target);
		snprintf(rel, sizeof(rel),
			 "sys/kernel/iommu_groups/%d/devices/%s", group, bdf);
		snprintf(target, sizeof(target),
			 "../../../../devices/pci0000:00/%s", bdf);
		r = r ? r : fake_sysfs_symlink(fs, rel, target);
		snprintf(rel, sizeof(rel),
			 "sys/kernel/iommu_groups/%d/reserved_regions", group);
		r = r ? r :
			fake_sysfs_write(
				fs, rel,
				"0x00000000fee00000 0x00000000feefffff "
				"msi\n");
		snprintf(text, sizeof(text), "dev/vfio/%d", group);
		r = r ? r : fake_sysfs_write(fs, text, "");
		r = r ? r : fake_sysfs_write(fs, "dev/vfio/vfio", "");
		if (r)
			return r;
	}
	return fake_sysfs_set_driver(fs, bdf, driver);
}

int fake_sysfs_add_block(struct fake_sysfs *fs, const char *bdf,
			 const char *subpath, const char *name,
			 const char *part_suffix)
{
	char rel[384];
	int r;

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/%s/%s/dev", bdf,
		 subpath, name);
	r = fake_sysfs_write(fs, rel, "259:0\n");
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/%s/%s/subsystem",
		 bdf, subpath, name);
	r = r ? r :
		fake_sysfs_symlink(fs, rel, "../../../../../../class/block");
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/%s/%s/holders",
		 bdf, subpath, name);
	r = r ? r : fake_sysfs_mkdir(fs, rel);
	if (r || !part_suffix)
		return r;
	snprintf(rel, sizeof(rel),
		 "sys/devices/pci0000:00/%s/%s/%s/%s%s/subsystem", bdf, subpath,
		 name, name, part_suffix);
	return fake_sysfs_symlink(fs, rel, "../../../../../../../class/block");
}

int fake_sysfs_add_net(struct fake_sysfs *fs, const char *bdf,
		       const char *iface, const char *operstate,
		       unsigned int flags)
{
	char rel[384], text[32];
	int r;

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/net/%s/operstate",
		 bdf, iface);
	snprintf(text, sizeof(text), "%s\n", operstate);
	r = fake_sysfs_write(fs, rel, text);
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/net/%s/flags",
		 bdf, iface);
	snprintf(text, sizeof(text), "0x%x\n", flags);
	r = r ? r : fake_sysfs_write(fs, rel, text);
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/net/%s/subsystem",
		 bdf, iface);
	return r ? r : fake_sysfs_symlink(fs, rel, "../../../../../class/net");
}

static struct fake_sysfs_dev *fake_sysfs_find(struct fake_sysfs *fs,
					      const char *bdf)
{
	int i;

	for (i = 0; i < fs->ndevs; i++)
		if (!strcmp(fs->devs[i].bdf, bdf))
			return &fs->devs[i];
	return NULL;
}

/* Strip the trailing newline of a sysfs write into @out. */
static void fake_sysfs_chomp(const char *data, char *out, size_t len)
{
	snprintf(out, len, "%s", data);
	out[strcspn(out, "\n")] = '\0';
}

/* ---- SR-IOV ---- */

static struct fake_sysfs_pf *fake_sysfs_pf_find(struct fake_sysfs *fs,
						const char *bdf)
{
	int i;

	for (i = 0; i < fs->npfs; i++)
		if (!strcmp(fs->pfs[i].bdf, bdf))
			return &fs->pfs[i];
	return NULL;
}

int fake_sysfs_add_pf(struct fake_sysfs *fs, const char *bdf,
		      unsigned int total, unsigned int offset,
		      unsigned int stride, uint16_t vf_vendor,
		      uint16_t vf_device, int group_base, const char *vf_driver)
{
	struct fake_sysfs_pf *pf;
	char text[32];
	int r;

	if (fs->npfs == FAKE_SYSFS_MAX_PFS)
		return -ENOSPC;
	pf = &fs->pfs[fs->npfs++];
	memset(pf, 0, sizeof(*pf));
	snprintf(pf->bdf, sizeof(pf->bdf), "%s", bdf);
	pf->totalvfs = total;
	pf->offset = offset;
	pf->stride = stride;
	pf->vf_vendor = vf_vendor;
	pf->vf_device = vf_device;
	pf->group_base = group_base;
	snprintf(pf->vf_driver, sizeof(pf->vf_driver), "%s",
		 vf_driver ? vf_driver : "");
	snprintf(text, sizeof(text), "%u\n", total);
	r = fake_sysfs_dev_attr(fs, bdf, "sriov_totalvfs", text);
	r = r ? r : fake_sysfs_dev_attr(fs, bdf, "sriov_numvfs", "0\n");
	r = r ? r :
		fake_sysfs_dev_attr(fs, bdf, "sriov_drivers_autoprobe", "1\n");
	snprintf(text, sizeof(text), "%u\n", offset);
	r = r ? r : fake_sysfs_dev_attr(fs, bdf, "sriov_offset", text);
	snprintf(text, sizeof(text), "%u\n", stride);
	r = r ? r : fake_sysfs_dev_attr(fs, bdf, "sriov_stride", text);
	return r;
}

void fake_sysfs_vf_bdf(const struct fake_sysfs_pf *pf, unsigned int i,
		       char out[16])
{
	unsigned int dom, bus, dev, fn, rid;

	sscanf(pf->bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn);
	rid = (bus << 8 | dev << 3 | fn) + pf->offset + i * pf->stride;
	snprintf(out, 16, "%04x:%02x:%02x.%x", dom, (rid >> 8) & 0xff,
		 (rid >> 3) & 0x1f, rid & 7);
}

/* May drivers_probe bind @bdf to a driver of its own choice? */
static bool fake_sysfs_vf_may_probe(struct fake_sysfs *fs, const char *bdf)
{
	char rel[512], target[64], path[1024], ap[16];
	const char *base;
	ssize_t n;

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/physfn", bdf);
	fake_sysfs_path(fs, path, sizeof(path), rel);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return true; /* not a VF */
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(rel, sizeof(rel),
		 "sys/devices/pci0000:00/%s/sriov_drivers_autoprobe",
		 base ? base + 1 : target);
	if (fake_sysfs_read(fs, rel, ap, sizeof(ap)))
		return true;
	return ap[0] != '0';
}

int fake_sysfs_remove_dev(struct fake_sysfs *fs, const char *bdf)
{
	char rel[256], path[1024], target[256];
	ssize_t n;
	int i;

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/iommu_group",
		 bdf);
	fake_sysfs_path(fs, path, sizeof(path), rel);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		snprintf(rel, sizeof(rel),
			 "sys/kernel/iommu_groups/%s/devices/%s",
			 strrchr(target, '/') + 1, bdf);
		fake_sysfs_path(fs, path, sizeof(path), rel);
		unlink(path);
	}
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", bdf);
	fake_sysfs_path(fs, path, sizeof(path), rel);
	unlink(path);
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s", bdf);
	fake_sysfs_path(fs, path, sizeof(path), rel);
	nftw(path, fake_sysfs_rm, 16, FTW_DEPTH | FTW_PHYS);
	for (i = 0; i < fs->ndevs; i++) {
		if (strcmp(fs->devs[i].bdf, bdf))
			continue;
		fs->devs[i] = fs->devs[--fs->ndevs];
		return 0;
	}
	return -ENOENT;
}

/* A write of @arg to PF @bdf's sriov_numvfs, as sriov_numvfs_store(). */
static void fake_sysfs_numvfs(struct fake_sysfs *fs, const char *bdf,
			      const char *arg)
{
	struct fake_sysfs_pf *pf = fake_sysfs_pf_find(fs, bdf);
	char vf[16], rel[256], target[256], path[1024], text[16], drv[64];
	char ap[16] = "1";
	unsigned int n = (unsigned int)strtoul(arg, NULL, 10), i;
	const char *refusal = NULL;

	if (!pf)
		return;
	fake_sysfs_get_driver(fs, bdf, drv, sizeof(drv));
	if (n == pf->numvfs)
		refusal = NULL;
	else if (!drv[0])
		refusal = "ENOENT: no driver bound to device";
	else if (n > pf->totalvfs)
		refusal = "ERANGE: above sriov_totalvfs";
	else if (n && pf->numvfs)
		refusal = "EBUSY: VFs already enabled";
	if (refusal) {
		if (!fs->refused[0])
			snprintf(fs->refused, sizeof(fs->refused),
				 "%s: sriov_numvfs %u: %s", bdf, n, refusal);
		snprintf(text, sizeof(text), "%u\n", pf->numvfs);
		fake_sysfs_dev_attr(fs, bdf, "sriov_numvfs", text);
		return;
	}
	if (n == pf->numvfs)
		return;
	snprintf(rel, sizeof(rel),
		 "sys/devices/pci0000:00/%s/sriov_drivers_autoprobe", bdf);
	fake_sysfs_read(fs, rel, ap, sizeof(ap));
	for (i = 0; i < pf->numvfs; i++) { /* n == 0: remove them */
		fake_sysfs_vf_bdf(pf, i, vf);
		fake_sysfs_remove_dev(fs, vf);
		snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/virtfn%u",
			 bdf, i);
		fake_sysfs_path(fs, path, sizeof(path), rel);
		unlink(path);
	}
	for (i = 0; i < n; i++) {
		fake_sysfs_vf_bdf(pf, i, vf);
		fake_sysfs_add_dev(fs, vf, pf->vf_vendor, pf->vf_device,
				   0x020000, pf->group_base + (int)i,
				   ap[0] == '1' && pf->vf_driver[0] ?
					   pf->vf_driver :
					   NULL);
		/* add_dev remembers the driver only if bound: keep igbvf. */
		snprintf(fs->devs[fs->ndevs - 1].default_driver,
			 sizeof(fs->devs[0].default_driver), "%s",
			 pf->vf_driver);
		snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/physfn",
			 vf);
		snprintf(target, sizeof(target), "../%s", bdf);
		fake_sysfs_symlink(fs, rel, target);
		snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/virtfn%u",
			 bdf, i);
		snprintf(target, sizeof(target), "../%s", vf);
		fake_sysfs_symlink(fs, rel, target);
	}
	pf->numvfs = n;
	snprintf(text, sizeof(text), "%u\n", n);
	fake_sysfs_dev_attr(fs, bdf, "sriov_numvfs", text);
}

void fake_sysfs_kernel(void *ctx, const char *path, const char *data)
{
	struct fake_sysfs *fs = ctx;
	char rel[512], arg[128], name[128], ovr[128];
	const char *p;
	size_t sl = strlen(fs->sys);

	fake_sysfs_chomp(data, arg, sizeof(arg));
	if (strncmp(path, fs->sys, sl) || path[sl] != '/')
		return;
	p = path + sl + 1;
	/* Canonicalise bus/pci/devices/BDF/X to devices/BDF/X in the log. */
	if (!strncmp(p, "bus/pci/devices/", 16))
		snprintf(rel, sizeof(rel), "devices/%s", p + 16);
	else
		snprintf(rel, sizeof(rel), "%s", p);
	if (fs->nlog < FAKE_SYSFS_MAX_LOG)
		snprintf(fs->log[fs->nlog++], sizeof(fs->log[0]), "%s %s", rel,
			 arg);

	if (!strncmp(rel, "devices/", 8) && strstr(rel, "/driver_override")) {
		snprintf(name, sizeof(name), "%.*s",
			 (int)(strstr(rel, "/driver_override") - rel - 8),
			 rel + 8);
		fake_sysfs_dev_attr(fs, name, "driver_override",
				    arg[0] ? arg : "(null)");
		return;
	}
	if (!strncmp(rel, "bus/pci/drivers/", 16)) {
		const char *op = strrchr(rel, '/');

		if (!fake_sysfs_find(fs, arg))
			return;
		snprintf(name, sizeof(name), "%.*s", (int)(op - rel - 16),
			 rel + 16);
		if (!strcmp(op, "/unbind")) {
			fake_sysfs_get_driver(fs, arg, ovr, sizeof(ovr));
			if (!strcmp(ovr, name))
				fake_sysfs_set_driver(fs, arg, NULL);
		} else if (!strcmp(op, "/bind")) {
			fake_sysfs_set_driver(fs, arg, name);
		}
		return;
	}
	if (!strcmp(rel, "bus/pci/drivers_probe")) {
		struct fake_sysfs_dev *d = fake_sysfs_find(fs, arg);
		char orel[256];

		if (!d)
			return;
		fake_sysfs_get_driver(fs, arg, name, sizeof(name));
		if (name[0])
			return; /* already bound: probe does nothing */
		snprintf(orel, sizeof(orel),
			 "sys/devices/pci0000:00/%s/driver_override", arg);
		fake_sysfs_read(fs, orel, ovr, sizeof(ovr));
		ovr[strcspn(ovr, "\n")] = '\0';
		if (!fs->probe_ignores_override && strcmp(ovr, "(null)") &&
		    ovr[0])
			fake_sysfs_set_driver(fs, arg, ovr);
		else if (d->default_driver[0] &&
			 fake_sysfs_vf_may_probe(fs, arg))
			fake_sysfs_set_driver(fs, arg, d->default_driver);
		return;
	}
	if (!strncmp(rel, "devices/", 8) && strstr(rel, "/sriov_numvfs")) {
		snprintf(name, sizeof(name), "%.*s",
			 (int)(strstr(rel, "/sriov_numvfs") - rel - 8),
			 rel + 8);
		fake_sysfs_numvfs(fs, name, arg);
	}
}

int fake_sysfs_log_find(const struct fake_sysfs *fs, const char *needle,
			int from)
{
	int i;

	for (i = from < 0 ? 0 : from; i < fs->nlog; i++)
		if (strstr(fs->log[i], needle))
			return i;
	return -1;
}

int fake_sysfs_init_bind(struct fake_sysfs *fs, struct bind_env *env)
{
	int r = fake_sysfs_init(fs);

	if (r)
		return r;
	memset(env, 0, sizeof(*env));
	env->sysfs = fs->sys;
	env->proc = fs->proc;
	env->state_dir = fs->state;
	env->after_write = fake_sysfs_kernel;
	env->hook_ctx = fs;
	env->settle_ms = 20;
	return fake_sysfs_add_driver(fs, "vfio-pci");
}

void fake_sysfs_assert_driver(struct fake_sysfs *fs, const char *bdf,
			      const char *want)
{
	char drv[64];

	assert_int_equal(fake_sysfs_get_driver(fs, bdf, drv, sizeof(drv)), 0);
	assert_string_equal(drv, want);
}

struct pci_addr fake_sysfs_addr(const char *s)
{
	struct pci_addr a;

	assert_int_equal(pci_addr_parse(s, &a), 0);
	return a;
}

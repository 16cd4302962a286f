// SPDX-License-Identifier: GPL-2.0
/* The IOMMU backend facts and choice; the contract is host/iommu_backend.h. */
#include "host/iommu_backend.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "host/sysfs.h"

/* The value of CONFIG_@name in the config file @f: 1 y/m, 0 unset, -1. */
static int config_value(FILE *f, const char *name)
{
	char line[256], set[96], unset[96];
	size_t k;

	snprintf(set, sizeof(set), "CONFIG_%s=", name);
	snprintf(unset, sizeof(unset), "# CONFIG_%s is not set", name);
	k = strlen(set);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, set, k))
			return line[k] == 'y' || line[k] == 'm';
		if (!strncmp(line, unset, strlen(unset)))
			return 0;
	}
	return -1;
}

void host_iommufd_probe(const char *dev_root, const char *root,
			const char *release, struct iommufd_host *h)
{
	struct utsname u;
	struct stat st;
	char path[256];
	FILE *f;

	memset(h, 0, sizeof(*h));
	h->config = h->cdev_config = -1;
	snprintf(path, sizeof(path), "%s/iommu", dev_root);
	if (stat(path, &st))
		h->dev_iommu_errno = errno;
	else if (!S_ISCHR(st.st_mode))
		h->dev_iommu_errno = ENODEV;
	else
		h->dev_iommu = true;
	if (!release) {
		if (uname(&u))
			return;
		release = u.release;
	}
	snprintf(path, sizeof(path), "%s/boot/config-%s", root ? root : "",
		 release);
	f = fopen(path, "re");
	if (!f)
		return;
	snprintf(h->config_src, sizeof(h->config_src), "%.*s",
		 (int)sizeof(h->config_src) - 1, path);
	h->config = config_value(f, "IOMMUFD");
	h->cdev_config = config_value(f, "VFIO_DEVICE_CDEV");
	fclose(f);
}

int host_vfio_cdev(const char *sysfs, const struct pci_addr *a, char *name,
		   size_t len)
{
	char path[4096], bdf[PCI_ADDR_STRLEN];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	pci_addr_format(a, bdf);
	if (sysfs_path(path, sizeof(path), "%s/bus/pci/devices/%s/vfio-dev",
		       sysfs, bdf))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4) || !de->d_name[4])
			continue;
		if (strlen(de->d_name) >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		strcpy(name, de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/* Why /dev/iommu is not there, in a few words with the evidence. */
static void why_no_iommufd(const struct iommufd_host *h, char *why, size_t len)
{
	if (h->config == 0)
		snprintf(
			why, len,
			"/dev/iommu is absent: this kernel is built without CONFIG_IOMMUFD (%s)",
			h->config_src);
	else if (h->dev_iommu_errno == ENODEV)
		snprintf(why, len, "/dev/iommu is not a character device");
	else if (h->config == 1)
		snprintf(
			why, len,
			"/dev/iommu is absent although CONFIG_IOMMUFD is set (%s): `modprobe iommufd`",
			h->config_src);
	else
		snprintf(
			why, len,
			"/dev/iommu is absent (kernel without CONFIG_IOMMUFD, or the iommufd module not loaded)");
}

int host_iommu_choose(enum iommu_mode mode, const struct iommufd_host *h,
		      const bool *has_cdev, const struct pci_addr *devs,
		      unsigned int n, char *why, size_t len, bool *fallback)
{
	char bdf[PCI_ADDR_STRLEN], tmp[320];

	*fallback = false;
	if (mode == IOMMU_MODE_TYPE1) {
		snprintf(why, len,
			 "the type1 container, as --iommu type1 asks");
		return IOMMU_BACKEND_TYPE1;
	}
	if (!h->dev_iommu) {
		why_no_iommufd(h, tmp, sizeof(tmp));
		if (mode == IOMMU_MODE_IOMMUFD) {
			snprintf(
				why, len,
				"--iommu iommufd: %s: use --iommu type1 or a kernel with IOMMUFD",
				tmp);
			return -ENODEV;
		}
		snprintf(why, len, "the type1 container: %s", tmp);
		return IOMMU_BACKEND_TYPE1;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (has_cdev[i])
			continue;
		pci_addr_format(&devs[i], bdf);
		snprintf(
			tmp, sizeof(tmp),
			"%s has no VFIO device cdev (no %s/vfio-dev/: %s)", bdf,
			bdf,
			h->cdev_config == 0 ?
				"this kernel is built without CONFIG_VFIO_DEVICE_CDEV" :
				"is it bound to vfio-pci? a kernel without CONFIG_VFIO_DEVICE_CDEV has none");
		if (mode == IOMMU_MODE_IOMMUFD) {
			snprintf(why, len,
				 "--iommu iommufd: %s: use --iommu type1", tmp);
			return -ENODEV;
		}
		*fallback = true;
		snprintf(why, len,
			 "the type1 container although /dev/iommu exists: %s",
			 tmp);
		return IOMMU_BACKEND_TYPE1;
	}
	snprintf(why, len, "iommufd: /dev/iommu exists%s",
		 n ? " and every device has a VFIO device cdev" : "");
	if (mode == IOMMU_MODE_IOMMUFD)
		snprintf(why, len, "iommufd, as --iommu iommufd asks");
	return IOMMU_BACKEND_IOMMUFD;
}

const char *iommu_mode_name(enum iommu_mode mode)
{
	switch (mode) {
	case IOMMU_MODE_TYPE1:
		return "type1";
	case IOMMU_MODE_IOMMUFD:
		return "iommufd";
	default:
		return "auto";
	}
}

const char *iommu_backend_name(enum iommu_backend be)
{
	return be == IOMMU_BACKEND_IOMMUFD ? "iommufd" : "type1";
}

int iommu_mode_parse(const char *s, enum iommu_mode *mode)
{
	static const enum iommu_mode all[] = { IOMMU_MODE_AUTO,
					       IOMMU_MODE_TYPE1,
					       IOMMU_MODE_IOMMUFD };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(s, iommu_mode_name(all[i]))) {
			*mode = all[i];
			return 0;
		}
	return -EINVAL;
}

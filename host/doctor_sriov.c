// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm doctor`'s device.sriov check: for an SR-IOV PF its VFs with
 * their IOMMU groups and drivers and whether autoprobe is off; for a VF
 * its PF; and VFs that a `passvm run --sriov` made and did not live to
 * remove. Sources: Documentation/ABI/testing/sysfs-bus-pci
 * (sriov_totalvfs, sriov_numvfs, sriov_drivers_autoprobe, virtfnN,
 * physfn), host/sriov.h (the records).
 */
#include "host/doctor_int.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "host/sriov.h"

/* JSON for a string that may be absent: null for "". */
static void json_str_or_null(FILE *f, const char *s)
{
	if (s[0])
		doctor_json_string(f, s);
	else
		fputs("null", f);
}

/* Is the owner @pid of a record still running? */
static bool alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void check_pf(const struct doctor_opts *o, const struct pci_addr *a,
		     const struct sriov_pf *p, struct report *r)
{
	char bdf[PCI_ADDR_STRLEN], ev[700] = "", fix[160] = "";
	char *json = NULL;
	size_t jlen = 0;
	unsigned int i;
	FILE *j;

	pci_addr_format(a, bdf);
	j = open_memstream(&json, &jlen);
	if (j) {
		fprintf(j,
			",\"sriov\":{\"role\":\"pf\",\"totalvfs\":%u,\"numvfs\":%u,\"autoprobe\":%s,\"driver\":",
			p->totalvfs, p->numvfs,
			p->autoprobe < 0 ? "null" :
			p->autoprobe	 ? "true" :
					   "false");
		json_str_or_null(j, p->driver);
		fputs(",\"netdev\":", j);
		json_str_or_null(j, p->netdev);
		fputs(",\"vfs\":[", j);
	}
	for (i = 0; i < p->numvfs && i < SRIOV_MAX_VFS; i++) {
		char vbdf[PCI_ADDR_STRLEN], drv[64];
		struct pci_addr vf;
		int g;

		if (sriov_vf_addr(o->sysfs, a, i, &vf))
			continue;
		pci_addr_format(&vf, vbdf);
		if (sysfs_pci_driver(o->sysfs, &vf, drv, sizeof(drv)))
			drv[0] = '\0';
		if (sysfs_iommu_group(o->sysfs, &vf, &g))
			g = -1;
		if (g >= 0)
			doctor_append(ev, sizeof(ev),
				      "%s VF %u %s (group %d, %s)",
				      i ? ";" : ":", i, vbdf, g,
				      drv[0] ? drv : "no driver");
		else
			doctor_append(ev, sizeof(ev),
				      "%s VF %u %s (no group, %s)",
				      i ? ";" : ":", i, vbdf,
				      drv[0] ? drv : "no driver");
		if (!j)
			continue;
		fprintf(j, "%s{\"index\":%u,\"device\":\"%s\",\"group\":",
			i ? "," : "", i, vbdf);
		if (g >= 0)
			fprintf(j, "%d", g);
		else
			fputs("null", j);
		fputs(",\"driver\":", j);
		json_str_or_null(j, drv);
		fputc('}', j);
	}
	if (j) {
		fputs("]}", j);
		fclose(j);
	}
	if (p->owner && !alive(p->owner)) {
		snprintf(fix, sizeof(fix), "passvm sriov %s --remove", bdf);
		doctor_add(
			r, "device.sriov", bdf, ST_WARN, STEP_DEVICE, fix,
			"SR-IOV PF with %u of %u VFs, made by a passvm run (pid %ld) that is gone, with autoprobe %s (was %s)%s",
			p->numvfs, p->totalvfs, p->owner,
			p->autoprobe ? "on" : "off",
			p->recorded_autoprobe ? "on" : "off", ev);
	} else {
		if (!p->numvfs)
			snprintf(
				ev, sizeof(ev),
				" (make VFs with `passvm sriov %s --numvfs N`)",
				bdf);
		doctor_add(
			r, "device.sriov", bdf, ST_OK, STEP_DEVICE, NULL,
			"SR-IOV PF with %u of %u VFs, driver %s, netdev %s, autoprobe %s%s",
			p->numvfs, p->totalvfs,
			p->driver[0] ? p->driver : "none",
			p->netdev[0] ? p->netdev : "none",
			p->autoprobe < 0 ? "unknown" :
			p->autoprobe	 ? "on (new VFs get host drivers)" :
					   "off",
			ev);
	}
	doctor_attach_json(r, json);
}

static void check_vf(const struct doctor_opts *o, const struct pci_addr *a,
		     const struct pci_addr *pf, int index, struct report *r)
{
	char bdf[PCI_ADDR_STRLEN], pbdf[PCI_ADDR_STRLEN], idx[16];
	struct pv_error err;
	struct sriov_pf p;
	char *json = NULL;
	size_t jlen = 0;
	FILE *j;

	pci_addr_format(a, bdf);
	pci_addr_format(pf, pbdf);
	if (sriov_pf_read(o->sysfs, o->sriov_state, pf, &p, &err))
		memset(&p, 0, sizeof(p));
	if (index >= 0)
		snprintf(idx, sizeof(idx), "%d", index);
	else
		snprintf(idx, sizeof(idx), "?");
	doctor_add(
		r, "device.sriov", bdf, ST_OK, STEP_DEVICE, NULL,
		"SR-IOV VF %s of PF %s (driver %s, netdev %s): set its MAC or VLAN with `passvm sriov %s --vf %s --mac ...`",
		idx, pbdf, p.driver[0] ? p.driver : "none",
		p.netdev[0] ? p.netdev : "none", pbdf, idx);
	j = open_memstream(&json, &jlen);
	if (!j)
		return;
	fprintf(j,
		",\"sriov\":{\"role\":\"vf\",\"pf\":\"%s\",\"index\":", pbdf);
	if (index >= 0)
		fprintf(j, "%d", index);
	else
		fputs("null", j);
	fputs(",\"driver\":", j);
	json_str_or_null(j, p.driver);
	fputs(",\"netdev\":", j);
	json_str_or_null(j, p.netdev);
	fputs("}", j);
	fclose(j);
	doctor_attach_json(r, json);
}

void doctor_check_sriov(const struct doctor_opts *o, const struct pci_addr *a,
			struct report *r)
{
	struct pci_addr pf;
	struct pv_error err;
	struct sriov_pf p;
	int index;

	if (!sriov_vf_physfn(o->sysfs, a, &pf, &index)) {
		check_vf(o, a, &pf, index, r);
		return;
	}
	if (!sriov_pf_read(o->sysfs, o->sriov_state, a, &p, &err))
		check_pf(o, a, &p, r);
}

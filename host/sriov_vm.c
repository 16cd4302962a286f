// SPDX-License-Identifier: GPL-2.0
/*
 * The VFs of `passvm run --sriov PF,numvfs=N`: made and bound to vfio-pci
 * before the VM opens them, given back and removed when it is gone; see
 * host/sriov.h. The VMM calls sriov_vm_start() where it binds its managed
 * devices and sriov_vm_stop() after closing the VFIO fds, on every exit
 * path that tears the VM down (guest power-off, reset, crash, SIGINT,
 * SIGTERM, SIGHUP). If passvm itself is killed, the PF's record names the
 * dead owner, and `passvm sriov PF --remove` finishes the job.
 */
#include "host/sriov_int.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Undo what was done for entry @i of @s. */
static void stop_pf(struct sriov_vm *s, unsigned int i)
{
	char bdf[PCI_ADDR_STRLEN];
	struct pv_error err = { "" };
	FILE *null;

	pci_addr_format(&s->pf[i].pf, bdf);
	while (s->pf[i].nbound) {
		const struct pci_addr *vf = &s->pf[i].vfs[--s->pf[i].nbound];

		if (bind_restore(&s->env.bind, vf, &err))
			pv_warn("%s", err.msg);
	}
	if (!s->pf[i].numvfs)
		return;
	null = fopen("/dev/null", "we");
	if (sriov_remove(&s->env, &s->pf[i].pf, false, null ? null : stderr,
			 &err))
		pv_warn("%s: the VFs passvm made stay: %s; then run `passvm sriov %s --remove`",
			bdf, err.msg, bdf);
	else
		pv_trace(TRACE_VFIO, "%s: %u VFs removed", bdf,
			 s->pf[i].numvfs);
	if (null)
		fclose(null);
	s->pf[i].numvfs = 0;
}

void sriov_vm_stop(struct sriov_vm *s)
{
	while (s->npf)
		stop_pf(s, --s->npf);
}

/* Make and bind the VFs of @pf; the entry is s->pf[s->npf - 1]. */
static int start_pf(struct sriov_vm *s, const struct pci_addr *pf,
		    unsigned int numvfs, struct pv_error *err)
{
	char bdf[PCI_ADDR_STRLEN];
	struct sriov_pf p;
	FILE *null;
	unsigned int i;
	int r;

	pci_addr_format(pf, bdf);
	r = sriov_pf_read(s->env.bind.sysfs, s->env.state_dir, pf, &p, err);
	if (r)
		return r;
	if (!numvfs || numvfs > SRIOV_MAX_VFS)
		return pv_seterr(err, EINVAL,
				 "--sriov %s: numvfs must be 1 to %u", bdf,
				 p.totalvfs);
	if (p.numvfs)
		return pv_seterr(
			err, EBUSY,
			"--sriov %s: the PF already has %u VFs that passvm did not make for this VM: assign them with --vfio (see `passvm sriov %s`), or remove them with `passvm sriov %s --remove`",
			bdf, p.numvfs, bdf, bdf);
	s->pf[s->npf].pf = *pf;
	s->pf[s->npf].numvfs = 0;
	s->pf[s->npf].nbound = 0;
	s->npf++;
	null = fopen("/dev/null", "we");
	r = sriov_create(&s->env, pf, numvfs, false, (long)getpid(),
			 null ? null : stderr, err);
	if (null)
		fclose(null);
	if (r)
		return r;
	s->pf[s->npf - 1].numvfs = numvfs;
	for (i = 0; i < numvfs; i++) {
		struct pci_addr *vf = &s->pf[s->npf - 1].vfs[i];

		r = sriov_vf_addr(s->env.bind.sysfs, pf, i, vf);
		if (r)
			return pv_seterr(err, -r, "%s: VF %u is missing: %s",
					 bdf, i, strerror(-r));
		r = bind_vfio(&s->env.bind, vf, false, err);
		if (r < 0)
			return r;
		if (r == 0)
			s->pf[s->npf - 1].nbound = i + 1;
	}
	pv_trace(TRACE_VFIO, "%s: %u VFs made for this VM", bdf, numvfs);
	return 0;
}

int sriov_vm_start(struct sriov_vm *s, const struct sriov_env *env,
		   const struct pci_addr *pfs, const unsigned int *numvfs,
		   unsigned int n, struct pci_addr *vfs, unsigned int max,
		   unsigned int *nvfs, struct pv_error *err)
{
	unsigned long total = 0;
	unsigned int i, j;
	int r;

	memset(s, 0, sizeof(*s));
	s->env = *env;
	*nvfs = 0;
	if (n > SRIOV_VM_MAX_PFS)
		return pv_seterr(err, EINVAL, "at most %d --sriov PFs",
				 SRIOV_VM_MAX_PFS);
	for (i = 0; i < n; i++)
		total += numvfs[i];
	if (total > max)
		return pv_seterr(
			err, E2BIG,
			"--sriov: %lu VFs are too many: passvm assigns at most %u devices in all",
			total, max);
	for (i = 0; i < n; i++) {
		r = start_pf(s, &pfs[i], numvfs[i], err);
		if (r) {
			sriov_vm_stop(s);
			*nvfs = 0;
			return r;
		}
		for (j = 0; j < numvfs[i]; j++)
			vfs[(*nvfs)++] = s->pf[i].vfs[j];
	}
	return 0;
}

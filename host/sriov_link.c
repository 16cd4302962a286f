// SPDX-License-Identifier: GPL-2.0
/*
 * A VF's MAC, VLAN, trust and spoof checking through its PF's netdev
 * (host/vf_link.c does the rtnetlink), for `passvm sriov PF --vf N ...`
 * and the listing of `passvm sriov PF`; see host/sriov.h. Sources:
 * Documentation/ABI/testing/sysfs-class-net (BDF/net/IFACE), ip-link(8)
 * ("vf NUM mac LLADDR vlan VLANID qos VLAN-QOS trust on|off spoofchk
 * on|off").
 */
#include "host/sriov_int.h"

#include <errno.h>
#include <string.h>

static const char *onoff(int v)
{
	return v < 0 ? "unknown" : v ? "on" : "off";
}

void sriov_print_vf_link(const struct vf_link_info *v, FILE *out)
{
	char mac[18];

	vf_link_format_mac(v->mac, mac);
	fprintf(out, "mac %s, vlan %u", mac, v->vlan);
	if (v->qos)
		fprintf(out, " qos %u", v->qos);
	fprintf(out, ", trust %s, spoofchk %s", onoff(v->trust),
		onoff(v->spoofchk));
	if (v->link_state >= 0)
		fprintf(out, ", link %s",
			v->link_state == 0 ? "auto" :
			v->link_state == 1 ? "enable" :
					     "disable");
}

/* Does what the driver reports match what @r asked for? */
static bool matches(const struct vf_link_req *r, const struct vf_link_info *v)
{
	if (r->set_mac && memcmp(r->mac, v->mac, 6))
		return false;
	if (r->set_vlan && (v->vlan != r->vlan || v->qos != r->qos))
		return false;
	if (r->trust >= 0 && v->trust >= 0 && v->trust != r->trust)
		return false;
	if (r->spoofchk >= 0 && v->spoofchk >= 0 && v->spoofchk != r->spoofchk)
		return false;
	return true;
}

int sriov_vf_configure(const struct sriov_env *env, const struct pci_addr *pf,
		       const struct vf_link_req *r, FILE *out,
		       struct pv_error *err)
{
	static struct vf_link_info vfs[SRIOV_MAX_VFS];
	char bdf[PCI_ADDR_STRLEN];
	struct sriov_pf p;
	int n, i, ret;

	ret = sriov_pf_read(env->bind.sysfs, env->state_dir, pf, &p, err);
	if (ret)
		return ret;
	pci_addr_format(pf, bdf);
	if (r->vf >= p.numvfs)
		return pv_seterr(
			err, ERANGE,
			"%s has %u VFs, so there is no VF %u: make more with `passvm sriov %s --numvfs N`",
			bdf, p.numvfs, r->vf, bdf);
	if (!p.netdev[0])
		return pv_seterr(
			err, ENODEV,
			"%s has no network interface (nothing in net/): a VF's MAC, VLAN, trust and spoofchk are set through the PF's netdev: bind the PF's network driver (driver now: %s)",
			bdf, p.driver[0] ? p.driver : "none");
	if (env->bind.dry_run) {
		fprintf(env->bind.dry_run,
			"  RTM_SETLINK %s vf %u (IFLA_VFINFO_LIST)\n", p.netdev,
			r->vf);
		return 0;
	}
	ret = vf_link_set(p.netdev, r, err);
	if (ret)
		return ret;
	n = vf_link_get(p.netdev, vfs, SRIOV_MAX_VFS, err);
	if (n < 0)
		return n;
	for (i = 0; i < n && i < SRIOV_MAX_VFS; i++) {
		if (vfs[i].vf != r->vf)
			continue;
		if (!matches(r, &vfs[i])) {
			fprintf(out, "%s VF %u: ", p.netdev, r->vf);
			sriov_print_vf_link(&vfs[i], out);
			fputc('\n', out);
			return pv_seterr(
				err, EIO,
				"%s's driver took the settings for VF %u but reports other values (above): check dmesg",
				p.netdev, r->vf);
		}
		fprintf(out, "%s VF %u: ", p.netdev, r->vf);
		sriov_print_vf_link(&vfs[i], out);
		fputc('\n', out);
		return 0;
	}
	return pv_seterr(
		err, EIO,
		"%s's VF list (RTM_GETLINK) has no VF %u after setting it: check dmesg",
		p.netdev, r->vf);
}

// SPDX-License-Identifier: GPL-2.0
/* What the API and config-file harnesses check of a VM description (api_check.h). */
#include "api_check.h"

#include <stdlib.h>
#include <string.h>

#include "api/model.h"
#include "fuzz.h"
#include "memory/layout.h"

static bool id_ok(const char *id)
{
	return vm_id_valid(id, false);
}

FZ_NOCOV void api_check_cfg(const struct vm_config *c)
{
	unsigned int roots = 0;

	FZ_CHECK(c->cpus >= 1 && c->cpus <= VM_MAX_CPUS, "%u vCPUs", c->cpus);
	FZ_CHECK(c->mem >= VM_MIN_MEM && c->mem <= VM_MAX_MEM &&
			 !(c->mem % SZ_1M),
		 "%llu bytes of RAM", (unsigned long long)c->mem);
	FZ_CHECK(!c->hugepages || !(c->mem % (2 * SZ_1M)),
		 "2M hugepages for %llu bytes", (unsigned long long)c->mem);
	/* Firecracker's rule: with smt, 1 or an even number of vCPUs */
	FZ_CHECK(!c->smt || c->cpus == 1 || !(c->cpus % 2), "smt with %u vCPUs",
		 c->cpus);
	FZ_CHECK(c->nr_disks <= VM_MAX_DRIVES && c->nr_nets <= VM_MAX_NETS &&
			 c->nr_vfio <= VM_MAX_PASSTHROUGH,
		 "%u drives, %u interfaces, %u devices", c->nr_disks,
		 c->nr_nets, c->nr_vfio);
	for (unsigned int i = 0; i < c->nr_disks; i++) {
		FZ_CHECK(id_ok(c->disks[i].id), "drive id '%s'",
			 c->disks[i].id);
		FZ_CHECK(!!c->disks[i].path != !!c->disks[i].socket,
			 "drive %s: path %p socket %p", c->disks[i].id,
			 (const void *)c->disks[i].path,
			 (const void *)c->disks[i].socket);
		roots += c->disks[i].root;
		for (unsigned int j = 0; j < i; j++)
			FZ_CHECK(strcmp(c->disks[i].id, c->disks[j].id),
				 "drive %s twice", c->disks[i].id);
	}
	FZ_CHECK(roots <= 1, "%u root drives", roots);
	for (unsigned int i = 0; i < c->nr_nets; i++) {
		FZ_CHECK(id_ok(c->nets[i].id) && c->nets[i].tap,
			 "interface '%s'", c->nets[i].id);
		FZ_CHECK(!c->nets[i].mtu || (c->nets[i].mtu >= 68 &&
					     c->nets[i].mtu <= 65535),
			 "mtu %u", c->nets[i].mtu);
		for (unsigned int j = 0; j < i; j++)
			FZ_CHECK(strcmp(c->nets[i].id, c->nets[j].id),
				 "interface %s twice", c->nets[i].id);
	}
	for (unsigned int i = 0; i < c->nr_vfio; i++) {
		FZ_CHECK(id_ok(c->vfio[i].id) && c->vfio[i].bdf[0],
			 "device '%s'", c->vfio[i].id);
		for (unsigned int j = 0; j < i; j++)
			FZ_CHECK(strcmp(c->vfio[i].id, c->vfio[j].id) &&
					 strcmp(c->vfio[i].bdf, c->vfio[j].bdf),
				 "device %s / %s twice", c->vfio[i].id,
				 c->vfio[i].bdf);
	}
	FZ_CHECK(!c->vsock.present || (c->vsock.cid >= 3 && c->vsock.uds_path),
		 "vsock cid %u", c->vsock.cid);
	FZ_CHECK(!c->kernel || c->kernel[0], "an empty kernel path");
}

/* GET /vm/config, as a config file, gives the same description back. */
FZ_NOCOV void api_check_round_trip(const struct vm_config *c)
{
	struct vm_config back;
	struct pv_error err = { "" };
	json_t *j = model_vm_config_json(c), *j2;
	char *text, *again;
	int ret;

	FZ_CHECK(j, "GET /vm/config: no JSON");
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	FZ_CHECK(text, "GET /vm/config: no text");
	vm_config_init(&back);
	ret = model_config_file(&back, text, strlen(text), &err);
	FZ_CHECK(!ret, "--config-file refuses GET /vm/config (%s): %s", err.msg,
		 text);
	j2 = model_vm_config_json(&back);
	again = json_dumps(j2, JSON_COMPACT | JSON_SORT_KEYS);
	FZ_CHECK(again && !strcmp(text, again),
		 "round trip changed the description:\n%s\n%s", text,
		 again ? again : "(null)");
	free(again);
	json_decref(j2);
	free(text);
	vm_config_release(&back);
}

/* SPDX-License-Identifier: GPL-2.0 */
/* `passvm run` with --api-sock or --config-file: the VM built from Firecracker's API or config file. */
#ifndef PASSVM_VMM_API_RUN_H
#define PASSVM_VMM_API_RUN_H

#include "vmm/vm_config.h"

/*
 * api_run() - serve the API on @o->api_sock and/or build the VM from
 * @o->config_file, run it, and return passvm's exit status (the VM's, as
 * `passvm run`; VM_EXIT_BAD_CONFIG, 152, for a bad config file; 128+SIG
 * when a signal ends passvm before InstanceStart). Releases @o's strings.
 * Signals SIGINT, SIGTERM, SIGHUP must be blocked (cmd_run does).
 */
int api_run(struct vm_config *o);

/*
 * api_load_config() - read @c->config_file (at most 1 MiB) into @c with
 * Firecracker's schema (api/model.h). Returns 0 or -errno with the file
 * and what is wrong in @err. `passvm jail` uses it to learn the files a
 * config file names.
 */
int api_load_config(struct vm_config *c, struct pv_error *err);

#endif

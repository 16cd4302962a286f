/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What must hold of the VM description (vmm/vm_config.h) whatever the API
 * or a config file put in it, for the fuzz harnesses of api/.
 */
#ifndef PASSVM_TESTS_FUZZ_API_CHECK_H
#define PASSVM_TESTS_FUZZ_API_CHECK_H

#include "vmm/vm_config.h"

/*
 * api_check_cfg() - a description vm_create() can take: at most 16
 * drives with distinct valid ids, one root and a path or a socket each,
 * 8 interfaces with distinct ids, a tap and a valid MTU, 16 devices with
 * distinct ids and addresses, 1 to 254 vCPUs, 16 MiB to 1 TiB of RAM in
 * whole MiB (2 MiB with hugepages), no SMT, a vsock CID >= 3.
 */
void api_check_cfg(const struct vm_config *c);

/*
 * api_check_round_trip() - GET /vm/config of @c, given to --config-file,
 * is accepted and describes the same VM (its GET /vm/config is the same).
 */
void api_check_round_trip(const struct vm_config *c);

#endif

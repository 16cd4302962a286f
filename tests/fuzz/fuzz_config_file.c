// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the --config-file parser (api/config.c's
 * model_config_file() over api/model.c): the input is the file, applied
 * to a description that the command line may have filled first (as
 * passvm run's options pre-fill it).
 *
 * Input: u8 flags (bit 0 trace; bit 1 the command line gave a kernel and
 * 2 vCPUs first), then the file's bytes.
 *
 * Invariants: the parser returns 0 or an errno it documents (-EBADMSG
 * for malformed JSON, a missing key, an unknown field or a wrong type;
 * -EINVAL for a value out of range; -ENOMEM), with a message; what it
 * accepts is a description vm_create() can take (api_check_cfg()), with
 * a kernel, and GET /vm/config of it is a config file that describes the
 * same VM; nothing leaks.
 */
/* FUZZ-TARGETS: api/config.c api/model.c api/model_util.c */
/* FUZZ-OPTIONS: -max_len=8192 -dict=tests/fuzz/dict/api.dict */
#include <errno.h>

#include "api/model.h"
#include "api_check.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_error err = { "" };
	struct vm_config c;
	int ret;

	if (!size)
		return 0;
	fuzz_trace(data[0] & 1);
	vm_config_init(&c);
	if (data[0] & 2) {
		c.kernel = "/boot/vmlinuz";
		c.cpus = 2;
	}
	ret = model_config_file(&c, (const char *)data + 1, size - 1, &err);
	FZ_CHECK(!ret || ret == -EBADMSG || ret == -EINVAL || ret == -ENOMEM,
		 "model_config_file: %d (%s)", ret, err.msg);
	if (ret) {
		FZ_CHECK(err.msg[0], "an error (%d) without a message", ret);
	} else {
		FZ_CHECK(c.kernel, "a config file without a kernel accepted");
		api_check_cfg(&c);
		api_check_round_trip(&c);
	}
	vm_config_release(&c);
	return 0;
}

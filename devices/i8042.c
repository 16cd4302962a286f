// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal i8042: status 0, no data, command 0xFE resets (IBM PC/AT
 * Technical Reference, keyboard controller commands). Stateless, so no
 * lock is needed.
 */
#include "devices/i8042.h"

#include <string.h>

#include "util/log.h"

void i8042_init(struct i8042 *k, const struct vm_stop_sink *stop)
{
	memset(k, 0, sizeof(*k));
	if (stop)
		k->stop = *stop;
}

static void data_read(void *opaque, uint64_t offset, uint8_t *data,
		      uint32_t len)
{
	memset(data, 0xff, len);
}

static void data_write(void *opaque, uint64_t offset, const uint8_t *data,
		       uint32_t len)
{
}

static void cmd_read(void *opaque, uint64_t offset, uint8_t *data, uint32_t len)
{
	/* Status: OBF = 0 (nothing to read), IBF = 0 (ready for input). */
	memset(data, 0, len);
}

static void cmd_write(void *opaque, uint64_t offset, const uint8_t *data,
		      uint32_t len)
{
	struct i8042 *k = opaque;

	if (offset == 0 && len >= 1 && data[0] == I8042_CMD_RESET) {
		pv_trace(TRACE_BOOT, "i8042: reset command");
		vm_request_stop(&k->stop, VM_STOP_RESET, 0);
	}
}

const struct io_ops i8042_data_ops = {
	.read = data_read,
	.write = data_write,
};

const struct io_ops i8042_cmd_ops = {
	.read = cmd_read,
	.write = cmd_write,
};

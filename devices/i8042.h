/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bare minimum of an i8042 keyboard controller (IBM PC/AT Technical
 * Reference, "Keyboard controller"): enough for the guest to find nothing
 * to talk to and to reset the machine with command 0xFE (pulse output
 * line 0, the CPU reset line) — Linux's "reboot=k" path.
 */
#ifndef PASSVM_DEVICES_I8042_H
#define PASSVM_DEVICES_I8042_H

#include "devices/io.h"

#define I8042_CMD_RESET 0xfe

struct i8042 {
	struct vm_stop_sink stop;
};

/* i8042_init() - @stop (copied) receives VM_STOP_RESET. Cannot fail. */
void i8042_init(struct i8042 *k, const struct vm_stop_sink *stop);

/*
 * Register i8042_data_ops at LAYOUT_PIO_I8042_DATA (port 0x60) and
 * i8042_cmd_ops at LAYOUT_PIO_I8042_CMD (port 0x64), 1 port each, opaque =
 * the struct i8042. Port 0x61 in between is not ours (PIT/speaker).
 * Data reads 0xff, status reads 0 (output and input buffers empty); a
 * command byte 0xFE resets the VM, other commands and data are ignored.
 */
extern const struct io_ops i8042_data_ops;
extern const struct io_ops i8042_cmd_ops;

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An i8042 keyboard controller with a PS/2 keyboard behind it (IBM PC/AT
 * Technical Reference, "Keyboard controller" and "Keyboard"): the
 * controller commands Linux's i8042 driver uses (read/write the command
 * byte, self tests, port enable/disable, no AUX port), a keyboard that
 * answers atkbd's probe (ACK, ID AB 83, reset AA), the reset line
 * (command 0xFE, Linux's "reboot=k"), and Ctrl-Alt-Del pressed from the
 * host (Firecracker's SendCtrlAltDel) on IRQ 1.
 *
 * passvm's FADT does not advertise an 8042 (IAPC_BOOT_ARCH bit 1), so a
 * guest probes it only when told to (Linux: i8042.nopnp, as Firecracker's
 * guests are booted; i8042.noaux i8042.nomux save the AUX probes).
 */
#ifndef PASSVM_DEVICES_I8042_H
#define PASSVM_DEVICES_I8042_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"
#include "util/log.h"

#define I8042_CMD_RESET 0xfe
#define I8042_KBD_IRQ 1
#define I8042_QUEUE 16 /* output buffer bytes queued behind OBF */

struct i8042 {
	pthread_mutex_t lock;
	struct vm_stop_sink stop;
	struct irq_line irq; /* ISA IRQ 1, edge */
	uint8_t ctr; /* controller command byte */
	uint8_t pending_cmd; /* controller command awaiting its data byte */
	uint8_t kbd_cmd; /* keyboard command awaiting its parameter */
	bool last_was_cmd; /* status bit 3: last write went to port 0x64 */
	bool scanning; /* keyboard enabled (F4) or not (F5) */
	bool probed; /* the guest has written to the controller */
	uint8_t q[I8042_QUEUE];
	bool q_kbd[I8042_QUEUE]; /* byte came from the keyboard (IRQ 1) */
	unsigned int q_head, q_len;
};

/*
 * i8042_init() - power-on state. @stop (copied) receives VM_STOP_RESET;
 * @irq (copied; NULL for none) is IRQ 1. Cannot fail.
 */
void i8042_init(struct i8042 *k, const struct vm_stop_sink *stop,
		const struct irq_line *irq);

/*
 * i8042_ctrl_alt_del() - queue Ctrl, Alt and Del pressed then released
 * (scan code set 1 when the command byte asks for translation, else set
 * 2) and raise IRQ 1. Any thread. Returns 0, or -ENODEV with a message
 * when the guest never probed the controller or has the keyboard or its
 * interrupt disabled (no driver listening), -ENOSPC when the guest is not
 * reading the queue.
 */
int i8042_ctrl_alt_del(struct i8042 *k, struct pv_error *err);

/*
 * Register i8042_data_ops at LAYOUT_PIO_I8042_DATA (port 0x60) and
 * i8042_cmd_ops at LAYOUT_PIO_I8042_CMD (port 0x64), 1 port each, opaque =
 * the struct i8042. Port 0x61 in between is not ours (PIT/speaker).
 */
extern const struct io_ops i8042_data_ops;
extern const struct io_ops i8042_cmd_ops;

#endif

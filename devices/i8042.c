// SPDX-License-Identifier: GPL-2.0
/*
 * i8042 and PS/2 keyboard (IBM PC/AT Technical Reference: controller
 * commands 20h/60h/AAh/ABh/ADh/AEh/D1h-D4h/FEh, status register bits,
 * keyboard commands EDh-FFh; scan code sets 1 and 2 per the IBM Keyboard
 * Technical Reference). Locked: vCPU threads drive the ports while the API
 * thread presses Ctrl-Alt-Del.
 */
#include "devices/i8042.h"

#include <errno.h>
#include <string.h>

/* Status register (port 0x64 read). */
#define STS_OBF 0x01 /* output buffer full */
#define STS_SYS 0x04 /* system flag: POST passed (CTR bit 2) */
#define STS_CMD 0x08 /* last write was a command */
#define STS_UNLOCKED 0x10 /* keyboard not inhibited */
/* Controller command byte. */
#define CTR_KBDINT 0x01
#define CTR_SYS 0x04
#define CTR_KBDDIS 0x10
#define CTR_XLATE 0x40
/* Keyboard replies. */
#define KBD_ACK 0xfa
#define KBD_BAT_OK 0xaa

void i8042_init(struct i8042 *k, const struct vm_stop_sink *stop,
		const struct irq_line *irq)
{
	memset(k, 0, sizeof(*k));
	pthread_mutex_init(&k->lock, NULL);
	if (stop)
		k->stop = *stop;
	if (irq)
		k->irq = *irq;
	/* As a BIOS leaves it: interrupt on, POST passed, translation on. */
	k->ctr = CTR_KBDINT | CTR_SYS | CTR_XLATE;
	k->scanning = true;
}

/* Queue one output byte; a keyboard byte pulses IRQ 1 when enabled. */
static bool push(struct i8042 *k, uint8_t v, bool kbd)
{
	unsigned int i;

	if (k->q_len == I8042_QUEUE)
		return false;
	i = (k->q_head + k->q_len) % I8042_QUEUE;
	k->q[i] = v;
	k->q_kbd[i] = kbd;
	k->q_len++;
	if (k->q_len == 1 && kbd && (k->ctr & CTR_KBDINT)) {
		irq_line_set(&k->irq, 1);
		irq_line_set(&k->irq, 0);
	}
	return true;
}

static void data_read(void *opaque, uint64_t offset, uint8_t *data,
		      uint32_t len)
{
	struct i8042 *k = opaque;
	uint8_t v = 0;

	pthread_mutex_lock(&k->lock);
	if (k->q_len) {
		v = k->q[k->q_head];
		k->q_head = (k->q_head + 1) % I8042_QUEUE;
		k->q_len--;
		/* The next byte raises its own interrupt edge. */
		if (k->q_len && k->q_kbd[k->q_head] && (k->ctr & CTR_KBDINT)) {
			irq_line_set(&k->irq, 1);
			irq_line_set(&k->irq, 0);
		}
	}
	pthread_mutex_unlock(&k->lock);
	memset(data, 0, len);
	data[0] = v;
}

/* A byte for the keyboard itself (port 0x60 with no command pending). */
static void keyboard_write(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->kbd_cmd;

	if (cmd) { /* the parameter of ED (LEDs), F0 (set), F3 (rate) */
		k->kbd_cmd = 0;
		push(k, KBD_ACK, true);
		if (cmd == 0xf0 && v == 0)
			push(k, (k->ctr & CTR_XLATE) ? 0x41 : 0x02, true);
		return;
	}
	switch (v) {
	case 0xff: /* reset and self test */
		k->scanning = true;
		push(k, KBD_ACK, true);
		push(k, KBD_BAT_OK, true);
		break;
	case 0xf2: /* identify: an MF2 keyboard */
		push(k, KBD_ACK, true);
		push(k, 0xab, true);
		push(k, 0x83, true);
		break;
	case 0xee: /* echo */
		push(k, 0xee, true);
		break;
	case 0xed:
	case 0xf0:
	case 0xf3:
		k->kbd_cmd = v;
		push(k, KBD_ACK, true);
		break;
	case 0xf4:
		k->scanning = true;
		push(k, KBD_ACK, true);
		break;
	case 0xf5:
		k->scanning = false;
		push(k, KBD_ACK, true);
		break;
	default:
		push(k, KBD_ACK, true);
		break;
	}
}

static void data_write(void *opaque, uint64_t offset, const uint8_t *data,
		       uint32_t len)
{
	struct i8042 *k = opaque;
	uint8_t v = data[0];

	pthread_mutex_lock(&k->lock);
	k->probed = true;
	k->last_was_cmd = false;
	switch (k->pending_cmd) {
	case 0x60: /* write command byte */
		k->ctr = v;
		break;
	case 0xd1: /* write output port: A20, reset line (bit 0) */
		if (!(v & 1)) {
			pv_trace(TRACE_BOOT, "i8042: reset via output port");
			vm_request_stop(&k->stop, VM_STOP_RESET, 0);
		}
		break;
	case 0xd2: /* write keyboard output buffer */
		push(k, v, true);
		break;
	case 0xd3:
		/*
		 * Write AUX output buffer: echoed without the AUX-data status
		 * bit, so Linux's AUX and MUX probes fail at once ("auxerr")
		 * instead of waiting out their timeouts: there is no AUX port.
		 */
		push(k, v, false);
		break;
	case 0xd4: /* write to the AUX device: nobody there */
		break;
	default:
		keyboard_write(k, v);
		break;
	}
	k->pending_cmd = 0;
	pthread_mutex_unlock(&k->lock);
}

static void cmd_read(void *opaque, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct i8042 *k = opaque;
	uint8_t s = STS_UNLOCKED;

	pthread_mutex_lock(&k->lock);
	if (k->q_len)
		s |= STS_OBF;
	if (k->ctr & CTR_SYS)
		s |= STS_SYS;
	if (k->last_was_cmd)
		s |= STS_CMD;
	pthread_mutex_unlock(&k->lock);
	memset(data, 0, len);
	data[0] = s;
}

static void cmd_write(void *opaque, uint64_t offset, const uint8_t *data,
		      uint32_t len)
{
	struct i8042 *k = opaque;
	uint8_t v = data[0];

	if (offset || !len)
		return;
	pthread_mutex_lock(&k->lock);
	k->probed = true;
	k->last_was_cmd = true;
	k->pending_cmd = 0;
	switch (v) {
	case 0x20: /* read command byte */
		push(k, k->ctr, false);
		break;
	case 0x60:
	case 0xd1:
	case 0xd2:
	case 0xd3:
	case 0xd4:
		k->pending_cmd = v;
		break;
	case 0xa9: /* AUX interface test: 01 = clock stuck low, no AUX */
		push(k, 0x01, false);
		break;
	case 0xaa: /* controller self test */
		push(k, 0x55, false);
		break;
	case 0xab: /* keyboard interface test: 00 = no error */
		push(k, 0x00, false);
		break;
	case 0xad:
		k->ctr |= CTR_KBDDIS;
		break;
	case 0xae:
		k->ctr &= (uint8_t)~CTR_KBDDIS;
		break;
	case I8042_CMD_RESET:
		pv_trace(TRACE_BOOT, "i8042: reset command");
		vm_request_stop(&k->stop, VM_STOP_RESET, 0);
		break;
	default: /* A7/A8 (AUX off/on), C0, others: nothing to do */
		break;
	}
	pthread_mutex_unlock(&k->lock);
}

int i8042_ctrl_alt_del(struct i8042 *k, struct pv_error *err)
{
	/* Make Ctrl, Alt, Del, then break Del, Alt, Ctrl. */
	static const uint8_t set1[] = { 0x1d, 0x38, 0xe0, 0x53,
					0xe0, 0xd3, 0xb8, 0x9d };
	static const uint8_t set2[] = { 0x14, 0x11, 0xe0, 0x71, 0xe0, 0xf0,
					0x71, 0xf0, 0x11, 0xf0, 0x14 };
	const uint8_t *seq;
	size_t n;
	int ret = 0;

	pthread_mutex_lock(&k->lock);
	if (!k->probed || !(k->ctr & CTR_KBDINT) || (k->ctr & CTR_KBDDIS) ||
	    !k->scanning) {
		ret = pv_seterr(
			err, ENODEV,
			"the guest has not enabled its keyboard (no i8042 driver listening): boot Linux with i8042.nopnp (passvm's ACPI tables do not list an 8042)");
		goto out;
	}
	seq = (k->ctr & CTR_XLATE) ? set1 : set2;
	n = (k->ctr & CTR_XLATE) ? sizeof(set1) : sizeof(set2);
	if (I8042_QUEUE - k->q_len < n) {
		ret = pv_seterr(
			err, ENOSPC,
			"the guest is not reading its keyboard: try again later");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		push(k, seq[i], true);
	pv_trace(TRACE_IRQ, "i8042: Ctrl-Alt-Del queued (scan code set %d)",
		 (k->ctr & CTR_XLATE) ? 1 : 2);
out:
	pthread_mutex_unlock(&k->lock);
	return ret;
}

const struct io_ops i8042_data_ops = {
	.read = data_read,
	.write = data_write,
};

const struct io_ops i8042_cmd_ops = {
	.read = cmd_read,
	.write = cmd_write,
};

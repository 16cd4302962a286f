/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 16550A UART (TI/National PC16550D datasheet) for the guest console at
 * COM1 (LAYOUT_PIO_COM1, 8 ports, ISA IRQ 4).
 *
 * Transmit is write-through to an output fd; receive is fed by the VMM's
 * stdin thread through serial_receive(), which takes what fits in the
 * 16-byte RX FIFO. When it takes less than offered, the thread waits for
 * serial_rx_space_fd() to become readable (the UART signals it when the
 * guest drains the FIFO), reads it to reset it, and offers the rest again.
 *
 * All entry points lock: the register handlers run on vCPU threads while
 * the stdin thread feeds RX.
 */
#ifndef PASSVM_DEVICES_SERIAL_H
#define PASSVM_DEVICES_SERIAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/io.h"
#include "util/log.h"

#define SERIAL_NR_PORTS 8
#define SERIAL_FIFO_SIZE 16
#define SERIAL_COM1_IRQ 4
#define SERIAL_TRACE_LINE 160 /* bytes of a --trace console line */

struct serial_stats {
	uint64_t tx_bytes; /* written to the output fd */
	uint64_t tx_dropped; /* dropped: output fd full or failing */
	uint64_t rx_bytes; /* accepted from serial_receive() */
	uint64_t rx_overruns; /* loopback bytes lost to a full FIFO */
};

/*
 * Who else sees what the guest transmits (the verdict line matcher,
 * devices/verdict.h): @byte is called for every byte written to THR
 * outside loopback, whether or not the output fd took it, with the UART
 * locked (it must not call back into the UART).
 */
struct serial_tap {
	void (*byte)(void *opaque, uint8_t c);
	void *opaque;
};

/* State of one UART; fields are private to devices/serial.c. */
struct serial {
	pthread_mutex_t lock;
	struct irq_line irq;
	struct serial_tap tap;
	int out_fd; /* not owned; < 0 discards output */
	int rx_space_fd; /* eventfd, owned */
	bool rx_waiting; /* serial_receive() was short: signal on space */
	bool tx_congested; /* out_fd stayed full: drop without waiting */
	bool irq_level; /* what irq was last set to */
	bool thri; /* THRE interrupt latched */

	uint8_t rx_fifo[SERIAL_FIFO_SIZE];
	unsigned int rx_head, rx_count;

	uint8_t ier, fcr, lcr, mcr, lsr_err, msr_delta, scr;
	uint8_t dll, dlm;

	/* --trace console: the line transmitted so far (printable ASCII) */
	char trace_line[SERIAL_TRACE_LINE];
	unsigned int trace_len;

	struct serial_stats stats;
};

/*
 * serial_init() - reset @s to the 16550's power-on state. Output goes to
 * @out_fd (not owned; the caller should ignore SIGPIPE), interrupts to
 * @irq (copied; NULL for none). Errors: -errno from eventfd(), message in
 * @err. Undo with serial_destroy().
 */
int serial_init(struct serial *s, int out_fd, const struct irq_line *irq,
		struct pv_error *err);

/* serial_set_tap() - @tap (copied; NULL removes it) sees transmitted bytes. */
void serial_set_tap(struct serial *s, const struct serial_tap *tap);

/* serial_destroy() - close the eventfd and the lock. */
void serial_destroy(struct serial *s);

/*
 * The register block (PC16550D §8: RBR/THR, IER, IIR/FCR, LCR, MCR, LSR,
 * MSR, SCR; DLL/DLM when LCR.DLAB is set). Register it on the PIO bus at
 * LAYOUT_PIO_COM1 for SERIAL_NR_PORTS ports with opaque = the struct serial.
 */
extern const struct io_ops serial_ops;

/*
 * serial_receive() - the host side of the receiver: push up to @len bytes
 * into the RX FIFO (16 bytes, 1 with the FIFO disabled; nothing while the
 * guest has loopback on). Returns how many bytes were taken, 0..@len; when
 * fewer than @len, serial_rx_space_fd() is signalled once room appears.
 */
size_t serial_receive(struct serial *s, const uint8_t *buf, size_t len);

/*
 * serial_rx_space_fd() - an eventfd (non-blocking, owned by @s) that turns
 * readable after a short serial_receive() once the guest makes room. Read
 * its 8-byte counter to reset it before retrying.
 */
int serial_rx_space_fd(struct serial *s);

/* serial_get_stats() - a snapshot of the byte counters. */
void serial_get_stats(struct serial *s, struct serial_stats *out);

#endif

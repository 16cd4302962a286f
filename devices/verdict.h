/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's verdict: how a test inside the guest ends a CI run with a
 * value V (0..255) that becomes passvm's exit status 64 + V. Three
 * channels, each off unless `--verdict` names it (a guest must not choose
 * passvm's exit status by default):
 *
 *   mmio    a byte written at GPA LAYOUT_VERDICT_BASE (one 4 KiB page,
 *           outside RAM, described in the DSDT as \_SB.VRDT with _HID
 *           "PSVM0001", which no driver binds, so the page is neither RAM
 *           nor a busy resource and CONFIG_STRICT_DEVMEM /
 *           CONFIG_IO_STRICT_DEVMEM kernels let /dev/mem map it:
 *           `busybox devmem 0xfe000000 8 V`). Reads give "PVVD" at
 *           offsets 0..3 (the page is there), 0 elsewhere.
 *   serial  a console line that is exactly "PASSVM-VERDICT <token> <V>"
 *           (a trailing CR allowed), <token> being the per-run random
 *           value passvm puts on the guest's command line as
 *           passvm.token=<token> and <V> decimal 0..255.
 *   port    a byte written to I/O port LAYOUT_PIO_DEBUG_EXIT (0xf4), for
 *           guests with /dev/port or their own code (QEMU's
 *           isa-debug-exit is used this way by test suites).
 *
 * The first verdict on an enabled channel stops the VM (VM_STOP_VERDICT,
 * code V); a write to a channel not enabled, or a verdict line with
 * another token, changes nothing and is counted (never logged per write).
 */
#ifndef PASSVM_DEVICES_VERDICT_H
#define PASSVM_DEVICES_VERDICT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"

enum verdict_channel {
	VERDICT_MMIO,
	VERDICT_SERIAL,
	VERDICT_PORT,
	VERDICT_NR_CHANNELS,
};

#define VERDICT_BIT(ch) (1u << (ch))
#define VERDICT_ALL ((1u << VERDICT_NR_CHANNELS) - 1)

/* "mmio", "serial", "port": the --verdict names and the result file's. */
extern const char *const verdict_channel_names[VERDICT_NR_CHANNELS];

#define VERDICT_MMIO_LEN 0x1000 /* bytes at LAYOUT_VERDICT_BASE */
#define VERDICT_MMIO_MAGIC "PVVD" /* read at offsets 0..3 */
#define VERDICT_TOKEN_LEN 16 /* hex digits */
#define VERDICT_LINE_PREFIX "PASSVM-VERDICT "
#define VERDICT_LINE_MAX 64 /* longer lines are not verdicts */

/*
 * verdict_parse_list() - "mmio,serial,port" (or "all") into a mask of
 * VERDICT_BIT()s. Returns 0, or -1 with *@bad at the unknown name.
 */
int verdict_parse_list(const char *list, unsigned int *mask, const char **bad);

/*
 * verdict_cmdline() - the kernel command line @cmdline with
 * " passvm.token=@token" added, before a " -- " that starts init's
 * arguments (the kernel passes what follows "--" to init), into @out
 * (@len bytes with the NUL). @token NULL: @cmdline as is. Returns 0 or
 * -ENOSPC.
 */
int verdict_cmdline(char *out, size_t len, const char *cmdline,
		    const char *token);

/* The serial line matcher's state; zeroed is at the start of a line. */
struct verdict_line {
	char buf[VERDICT_LINE_MAX];
	unsigned int len;
	bool overflow; /* this line is longer than VERDICT_LINE_MAX */
};

#define VERDICT_LINE_NONE (-1) /* no verdict line (yet) */
#define VERDICT_LINE_OTHER_TOKEN (-2) /* a verdict line, not our token */

/*
 * verdict_line_feed() - one byte of console output. At the '\n' that ends
 * a line "PASSVM-VERDICT <token> <V>" returns V (0..255) when <token>
 * equals @token, VERDICT_LINE_OTHER_TOKEN when it does not (any token
 * when @token is NULL returns V); otherwise VERDICT_LINE_NONE. The line
 * must be the whole line: text before it on the same line, after <V>, a
 * V with a sign, leading zeros or above 255 are not verdicts. Pure.
 */
int verdict_line_feed(struct verdict_line *l, const char *token, uint8_t c);

struct verdict {
	pthread_mutex_t lock;
	struct vm_stop_sink stop;
	unsigned int enabled; /* VERDICT_BIT()s */
	char token[VERDICT_TOKEN_LEN + 1];
	struct verdict_line line;
	bool given;
	unsigned int value; /* raw, 0..255 */
	enum verdict_channel channel;
	uint64_t ignored[VERDICT_NR_CHANNELS];
};

/*
 * verdict_init() - channels @enabled (VERDICT_BIT()s), serial token @token
 * (VERDICT_TOKEN_LEN characters, copied; NULL or "" when serial is not
 * enabled), @stop (copied) receives the verdict. Lives across --reboot
 * restarts: only the buses are wired again. Cannot fail.
 */
void verdict_init(struct verdict *v, unsigned int enabled, const char *token,
		  const struct vm_stop_sink *stop);

/* The register page: at LAYOUT_VERDICT_BASE, VERDICT_MMIO_LEN bytes. */
extern const struct io_ops verdict_mmio_ops;
/* The debug-exit port: at LAYOUT_PIO_DEBUG_EXIT, 1 port; reads 0xff. */
extern const struct io_ops verdict_port_ops;

/*
 * verdict_serial_byte() - a byte the guest sent to its console (the UART's
 * transmit tap, devices/serial.h; @opaque is the struct verdict).
 */
void verdict_serial_byte(void *opaque, uint8_t c);

/*
 * verdict_result() - the verdict given, if any: true with *@value (raw,
 * 0..255) and *@channel. @ignored (VERDICT_NR_CHANNELS counters, or NULL)
 * gets the writes that changed nothing, per channel.
 */
bool verdict_result(struct verdict *v, unsigned int *value,
		    enum verdict_channel *channel, uint64_t *ignored);

#endif

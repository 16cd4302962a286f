// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the small legacy devices on the VMM's PIO bus (vmm/bus.c)
 * as vm.c registers them: the i8042 and its keyboard (devices/i8042.c),
 * the CMOS RTC (devices/rtc.c), the ACPI PM1 block (devices/acpi_pm.c)
 * and the debug-exit port as a verdict channel (devices/verdict.c, port
 * enabled, as --verdict port does; or every channel, as --verdict all,
 * the verdict page and the console's verdict line too); the host presses
 * Ctrl-Alt-Del and the clock moves in between.
 *
 * Input: u8 mode (bit 0 trace, bit 1 every verdict channel, with the
 * token TOKEN), u64 the host's time (seconds since the epoch; any value,
 * negative too), then steps: u8 op and arguments:
 *   op % 7 == 0  write: u8 port (index into ports[], or a raw u16 when
 *                bit 7 is set), u8 length code, u32 value
 *   op % 7 == 1  read: u8 port, u8 length code
 *   op % 7 == 2  the host's SendCtrlAltDel (i8042_ctrl_alt_del)
 *   op % 7 == 3  the clock: u64 new time
 *   op % 7 == 4  a handler called directly: u8 device (% 6; 5 is the
 *                verdict page), u8 offset (% 16), u8 length (1..8), u8
 *                write, u32 value
 *   op % 7 == 5  an i8042 command and its data byte: u8 cmd, u8 data
 *   op % 7 == 6  console output: u8 n, then n bytes the guest sends to
 *                its UART (verdict_serial_byte)
 *
 * Invariants after every step: the i8042 queue holds at most 16 bytes,
 * its status says OBF exactly when it holds one, each data read takes
 * one byte, IRQ 1 is only ever pulsed (high, then low); Ctrl-Alt-Del
 * queues its whole sequence or nothing; the RTC's clock registers are
 * the host's UTC time in BCD (clamped to 1970..9999), register A never
 * says "update in progress"; PM1_CNT always reads SCI_EN, PM1_EN only enable bits; a
 * stop is asked for only by the register that does it (power-off by
 * PM1_CNT, reset by the i8042, a verdict by port 0xf4 with the byte
 * written, by the console only with its channel on); one verdict stops
 * the VM at most, and verdict_result() then gives its value; the
 * ignored-write counters never go down; reads write only the bytes asked
 * for.
 */
/* FUZZ-TARGETS: devices/i8042.c devices/rtc.c devices/acpi_pm.c */
/* FUZZ-TARGETS: devices/verdict.c */
/* FUZZ-TARGETS: vmm/bus.c */
/* FUZZ-OPTIONS: -max_len=4096 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "devices/acpi_pm.h"
#include "devices/i8042.h"
#include "devices/rtc.h"
#include "devices/verdict.h"
#include "fuzz.h"
#include "arch/x86/layout.h"
#include "vmm/bus.h"

static struct bus pio;
static struct i8042 kbd;
static struct rtc rtc;
static struct acpi_pm pm;
static struct verdict dbg;
static time_t host_time;
#define TOKEN "0123456789abcdef" /* VERDICT_TOKEN_LEN hex digits */

static struct {
	int n, reason, code, verdicts;
} stops;

static struct {
	int level;
	unsigned int pulses;
} irq1;

static void on_stop(void *opaque, enum vm_stop_reason why, int code)
{
	stops.n++;
	stops.reason = why;
	stops.code = code;
	stops.verdicts += why == VM_STOP_VERDICT;
}

static void on_irq(void *opaque, uint32_t gsi, int level)
{
	FZ_CHECK(gsi == I8042_KBD_IRQ, "irq on gsi %u", gsi);
	FZ_CHECK(level != irq1.level, "IRQ 1 set to %d twice", level);
	irq1.level = level;
	irq1.pulses += level;
}

static time_t now(void)
{
	return host_time;
}

static const uint16_t ports[] = {
	LAYOUT_PIO_I8042_DATA,
	LAYOUT_PIO_I8042_CMD,
	0x61,
	RTC_PORT,
	RTC_PORT + 1,
	LAYOUT_PIO_ACPI_PM,
	LAYOUT_PIO_ACPI_PM + 2,
	LAYOUT_PIO_ACPI_PM + 4,
	LAYOUT_PIO_ACPI_PM + 5,
	LAYOUT_PIO_DEBUG_EXIT,
};
#define NPORTS (sizeof(ports) / sizeof(ports[0]))

static const uint32_t lens[8] = { 1, 1, 2, 4, 8, 0, 3, 9 };

static uint16_t port_of(struct fz *f)
{
	uint8_t sel = fz_u8(f);

	return sel & 0x80 ? fz_u16(f) : ports[sel % NPORTS];
}

static uint8_t rtc_read(uint8_t reg)
{
	uint8_t v;

	rtc_ops.write(&rtc, 0, &reg, 1);
	rtc_ops.read(&rtc, 1, &v, 1);
	return v;
}

static uint8_t bcd(int v)
{
	return (uint8_t)(v / 10 << 4 | v % 10);
}

/*
 * The RTC against the host's clock (MC146818A registers 0x00-0x0d), which
 * it shows clamped to what BCD can: 1970-01-01 to 9999-12-31 23:59:59.
 */
FZ_NOCOV static void check_rtc(void)
{
	time_t t = host_time < 0	      ? 0 :
		   host_time > 253402300799ll ? 253402300799ll :
						host_time;
	uint8_t saved = rtc.index, v;
	struct tm tm;
	int sec;

	FZ_CHECK(gmtime_r(&t, &tm), "gmtime_r(%lld)", (long long)t);
	sec = tm.tm_sec > 59 ? 59 : tm.tm_sec; /* a leap second */
	v = rtc_read(0x0a);
	FZ_CHECK(!(v & 0x80), "RTC update in progress: 0x%02x", v);
	FZ_CHECK((v = rtc_read(0x00)) == bcd(sec), "seconds 0x%02x", v);
	FZ_CHECK((v = rtc_read(0x02)) == bcd(tm.tm_min), "minutes 0x%02x", v);
	FZ_CHECK((v = rtc_read(0x04)) == bcd(tm.tm_hour), "hours 0x%02x", v);
	FZ_CHECK((v = rtc_read(0x06)) == bcd(tm.tm_wday + 1), "weekday 0x%02x",
		 v);
	FZ_CHECK((v = rtc_read(0x07)) == bcd(tm.tm_mday), "day 0x%02x", v);
	FZ_CHECK((v = rtc_read(0x08)) == bcd(tm.tm_mon + 1), "month 0x%02x", v);
	FZ_CHECK((v = rtc_read(0x09)) == bcd(tm.tm_year % 100), "year 0x%02x",
		 v);
	FZ_CHECK((v = rtc_read(0x32)) == bcd((tm.tm_year + 1900) / 100),
		 "century 0x%02x", v);
	rtc_ops.write(&rtc, 0, &saved, 1);
	FZ_CHECK(rtc.index == saved, "RTC index");
}

/* The verdict's state: one at most, its value the stop's code. */
static uint64_t ignored_seen[VERDICT_NR_CHANNELS];

FZ_NOCOV static void check_verdict(void)
{
	uint64_t ignored[VERDICT_NR_CHANNELS];
	enum verdict_channel ch;
	unsigned int value;
	bool given = verdict_result(&dbg, &value, &ch, ignored);

	FZ_CHECK(stops.verdicts <= 1, "%d verdicts stopped the VM",
		 stops.verdicts);
	FZ_CHECK(given == (stops.verdicts == 1), "verdict given %d, %d stops",
		 given, stops.verdicts);
	if (given)
		FZ_CHECK(value <= 255 && ch < VERDICT_NR_CHANNELS &&
				 (dbg.enabled & VERDICT_BIT(ch)),
			 "verdict %u on channel %d", value, ch);
	for (int c = 0; c < VERDICT_NR_CHANNELS; c++) {
		FZ_CHECK(ignored[c] >= ignored_seen[c],
			 "channel %d's ignored went down", c);
		ignored_seen[c] = ignored[c];
	}
}

FZ_NOCOV static void check_all(void)
{
	uint8_t st, b[2];

	FZ_CHECK(kbd.q_len <= I8042_QUEUE && kbd.q_head < I8042_QUEUE,
		 "i8042 queue %u at %u", kbd.q_len, kbd.q_head);
	i8042_cmd_ops.read(&kbd, 0, &st, 1);
	FZ_CHECK(!!(st & 1) == (kbd.q_len > 0), "OBF %d with %u queued", st & 1,
		 kbd.q_len);
	FZ_CHECK(!irq1.level, "IRQ 1 left high");
	FZ_CHECK(rtc.index < 128, "RTC index %u", rtc.index);
	acpi_pm_ops.read(&pm, 0, b, 2);
	acpi_pm_ops.read(&pm, ACPI_PM1_CNT_OFF, b, 2);
	FZ_CHECK(b[0] & ACPI_PM1_CNT_SCI_EN, "PM1_CNT reads 0x%02x%02x", b[1],
		 b[0]);
	FZ_CHECK(!(pm.en & ~0x0721), "PM1_EN 0x%04x", pm.en);
	check_rtc();
	check_verdict();
}

/* Which stops may a write of @len bytes at @port ask for? */
static bool stop_allowed(uint16_t port, uint32_t len, uint32_t v)
{
	if (!len || len > 8)
		return false;
	switch (stops.reason) {
	case VM_STOP_POWEROFF: /* PM1_CNT, a byte of it at least */
		return port <= LAYOUT_PIO_ACPI_PM + 5 &&
		       port + len > LAYOUT_PIO_ACPI_PM + 4 &&
		       port >= LAYOUT_PIO_ACPI_PM;
	case VM_STOP_RESET:
		return port == LAYOUT_PIO_I8042_CMD ||
		       port == LAYOUT_PIO_I8042_DATA;
	case VM_STOP_VERDICT:
		return port == LAYOUT_PIO_DEBUG_EXIT &&
		       stops.code == (int)(v & 0xff);
	default:
		return false;
	}
}

static void step(struct fz *f)
{
	uint8_t op = fz_u8(f) % 7;
	int before = stops.n;
	struct pv_error err;
	uint16_t port;
	uint32_t len, v;

	switch (op) {
	case 0:
		port = port_of(f);
		len = lens[fz_u8(f) % 8];
		v = fz_u32(f);
		fuzz_bus_access(&pio, port, len, true, v);
		if (stops.n != before)
			FZ_CHECK(
				stop_allowed(port, len, v),
				"stop %d (code %d) from a %u-byte write of 0x%x at 0x%x",
				stops.reason, stops.code, len, v, port);
		return;
	case 1: {
		unsigned int q = kbd.q_len;

		port = port_of(f);
		len = lens[fz_u8(f) % 8];
		fuzz_bus_access(&pio, port, len, false, 0);
		if (port == LAYOUT_PIO_I8042_DATA && len == 1)
			FZ_CHECK(kbd.q_len == (q ? q - 1 : 0),
				 "a data read left %u of %u", kbd.q_len, q);
		break;
	}
	case 2: {
		unsigned int q = kbd.q_len;
		int ret = i8042_ctrl_alt_del(&kbd, &err);

		FZ_CHECK(ret ? kbd.q_len == q :
			       kbd.q_len == q + 8 || kbd.q_len == q + 11,
			 "Ctrl-Alt-Del (%d) took the queue from %u to %u", ret,
			 q, kbd.q_len);
		FZ_CHECK(!ret || ret == -ENODEV || ret == -ENOSPC,
			 "Ctrl-Alt-Del: %d", ret);
		break;
	}
	case 3:
		host_time = (time_t)fz_u64(f);
		break;
	case 4: {
		static const struct {
			const struct io_ops *ops;
			void *opaque;
		} dev[] = {
			{ &i8042_data_ops, &kbd },   { &i8042_cmd_ops, &kbd },
			{ &rtc_ops, &rtc },	     { &acpi_pm_ops, &pm },
			{ &verdict_port_ops, &dbg }, { &verdict_mmio_ops, &dbg }
		};
		uint8_t d = fz_u8(f) % 6, buf[16];
		uint32_t off = fz_u8(f) % 16, n = fz_u8(f) % 8 + 1;
		bool wr = fz_u8(f) & 1;

		v = fz_u32(f);
		memset(buf, 0xa5, sizeof(buf));
		if (wr) {
			memcpy(buf, &v, 4);
			dev[d].ops->write(dev[d].opaque, off, buf, n);
		} else {
			dev[d].ops->read(dev[d].opaque, off, buf, n);
			for (uint32_t i = n; i < sizeof(buf); i++)
				FZ_CHECK(buf[i] == 0xa5,
					 "a %u-byte read wrote byte %u", n, i);
		}
		break;
	}
	case 6: {
		uint8_t n = fz_u8(f);

		for (uint8_t i = 0; i < n && !fz_done(f); i++)
			verdict_serial_byte(&dbg, fz_u8(f));
		if (stops.n != before)
			FZ_CHECK(stops.reason == VM_STOP_VERDICT &&
					 (dbg.enabled &
					  VERDICT_BIT(VERDICT_SERIAL)),
				 "stop %d from the console", stops.reason);
		return;
	}
	default: {
		uint8_t cmd = fz_u8(f), data = fz_u8(f);

		fuzz_bus_access(&pio, LAYOUT_PIO_I8042_CMD, 1, true, cmd);
		fuzz_bus_access(&pio, LAYOUT_PIO_I8042_DATA, 1, true, data);
		if (stops.n != before)
			FZ_CHECK(stops.reason == VM_STOP_RESET,
				 "stop %d from the i8042", stops.reason);
		return;
	}
	}
	FZ_CHECK(stops.n == before || op == 4,
		 "a stop (%d) from a read or the host", stops.reason);
}

int LLVMFuzzerInitialize(int *argc, char **argv[])
{
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_stop_sink sink = { on_stop, NULL };
	struct irq_line line = { on_irq, NULL, I8042_KBD_IRQ };
	struct pv_error err;
	struct fz f;
	uint8_t mode;

	fz_init(&f, data, size);
	mode = fz_u8(&f);
	fuzz_trace(mode & 1);
	host_time = (time_t)fz_u64(&f);
	memset(&stops, 0, sizeof(stops));
	memset(ignored_seen, 0, sizeof(ignored_seen));
	memset(&irq1, 0, sizeof(irq1));
	i8042_init(&kbd, &sink, &line);
	rtc_init(&rtc, now);
	acpi_pm_init(&pm, &sink, NULL);
	if (mode & 2)
		verdict_init(&dbg, VERDICT_ALL, TOKEN, &sink);
	else
		verdict_init(&dbg, VERDICT_BIT(VERDICT_PORT), NULL, &sink);
	bus_init(&pio, "pio");
	bus_register(&pio, LAYOUT_PIO_I8042_DATA, 1, "i8042", &i8042_data_ops,
		     &kbd, &err);
	bus_register(&pio, LAYOUT_PIO_I8042_CMD, 1, "i8042-cmd", &i8042_cmd_ops,
		     &kbd, &err);
	bus_register(&pio, RTC_PORT, RTC_NR_PORTS, "rtc", &rtc_ops, &rtc, &err);
	bus_register(&pio, LAYOUT_PIO_ACPI_PM, ACPI_PM_LEN, "acpi-pm",
		     &acpi_pm_ops, &pm, &err);
	bus_register(&pio, LAYOUT_PIO_DEBUG_EXIT, 1, "debug-exit",
		     &verdict_port_ops, &dbg, &err);
	check_all();
	while (!fz_done(&f)) {
		step(&f);
		check_all();
	}
	pthread_mutex_destroy(&kbd.lock);
	pthread_mutex_destroy(&rtc.lock);
	pthread_mutex_destroy(&pm.lock);
	pthread_mutex_destroy(&dbg.lock);
	pthread_rwlock_destroy(&pio.lock);
	return 0;
}

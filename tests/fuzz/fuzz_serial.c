// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the 16550A UART (devices/serial.c) as the guest drives it
 * through the PIO bus (vmm/bus.c) at COM1, interleaved with the host side
 * (serial_receive() as the console thread calls it, its rx-space eventfd).
 *
 * Input: u8 mode (bit 0: trace on; bits 1-2: output to a pipe, /dev/null
 * or nowhere), then steps until the input ends, each u8 op and its
 * arguments:
 *   op % 8 == 0..2  guest write: u8 port (COM1 + 0..9), u8 length code,
 *                   u32 value
 *   op % 8 == 3..5  guest read: u8 port, u8 length code
 *   op % 8 == 6     host input: u8 n, then n bytes to serial_receive()
 *   op % 8 == 7     the handler called directly (not through the bus):
 *                   u8 offset (0..15), u8 length (1..8), u8 write, u32 v
 *
 * Invariants after every step: the RX FIFO holds at most 16 bytes (1 with
 * the FIFO off) and returns the bytes the host gave (or the guest looped
 * back) in order; serial_receive() takes exactly what fits, nothing in
 * loopback; after a short serial_receive() the rx-space eventfd fires as
 * soon as there is room (or the host would stall forever); the interrupt
 * line only sees transitions; reads write only the bytes asked for; what
 * reached the output pipe is what the counters say.
 */
/* FUZZ-TARGETS: devices/serial.c */
/* FUZZ-OPTIONS: -max_len=4096 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "devices/serial.h"
#include "fuzz.h"
#include "arch/x86/layout.h"
#include "vmm/bus.h"

#define COM1 LAYOUT_PIO_COM1
#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define FCR_ENABLE 0x01

struct irq_rec {
	int level; /* last level set, -1 before the first */
	unsigned int calls;
};

static void rec_set(void *opaque, uint32_t gsi, int level)
{
	struct irq_rec *r = opaque;

	FZ_CHECK(level == 0 || level == 1, "level %d", level);
	FZ_CHECK(level != r->level, "irq set to %d twice in a row", level);
	r->level = level;
	r->calls++;
}

/* What the harness knows the RX FIFO holds, oldest first. */
struct shadow {
	uint8_t b[SERIAL_FIFO_SIZE];
	unsigned int n;
};

static void sh_push(struct shadow *sh, uint8_t c)
{
	FZ_CHECK(sh->n < SERIAL_FIFO_SIZE, "shadow full");
	sh->b[sh->n++] = c;
}

static uint8_t sh_pop(struct shadow *sh)
{
	uint8_t c = sh->b[0];

	FZ_CHECK(sh->n, "pop of an empty FIFO");
	memmove(sh->b, sh->b + 1, --sh->n);
	return c;
}

static const uint32_t lens[8] = { 1, 1, 2, 4, 8, 0, 3, 9 };

static unsigned int capacity(const struct serial *s)
{
	return (s->fcr & FCR_ENABLE) ? SERIAL_FIFO_SIZE : 1;
}

static bool covers(uint32_t port, uint32_t len, uint32_t reg)
{
	/* The bus drops accesses that straddle the end of the range. */
	return len && len <= 8 && port + len <= SERIAL_NR_PORTS &&
	       port <= reg && reg < port + len;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct irq_rec rec = { .level = 0 };
	struct irq_line line = { rec_set, &rec, SERIAL_COM1_IRQ };
	int fds = fuzz_count_fds(), pipefd[2] = { -1, -1 }, out = -1;
	bool short_rx = false;
	struct shadow sh = { .n = 0 };
	uint64_t piped = 0;
	struct pv_error err;
	struct serial s;
	struct bus pio;
	struct fz f;
	uint8_t mode;

	fz_init(&f, data, size);
	mode = fz_u8(&f);
	fuzz_trace(mode & 1);
	switch ((mode >> 1) & 3) {
	case 0:
	case 3:
		if (pipe2(pipefd, O_NONBLOCK | O_CLOEXEC))
			return 0;
		out = pipefd[1];
		break;
	case 1:
		out = open("/dev/null", O_WRONLY | O_CLOEXEC);
		break;
	default:
		break;
	}
	FZ_CHECK(!serial_init(&s, out, &line, &err), "serial_init: %s",
		 err.msg);
	bus_init(&pio, "pio");
	FZ_CHECK(!bus_register(&pio, COM1, SERIAL_NR_PORTS, "serial",
			       &serial_ops, &s, &err),
		 "bus_register: %s", err.msg);

	while (!fz_done(&f)) {
		uint8_t op = fz_u8(&f) % 8;
		unsigned int before = s.rx_count, cap = capacity(&s);
		bool dlab = s.lcr & LCR_DLAB, loop = s.mcr & MCR_LOOP;
		uint64_t v;

		if (op <= 2) {
			uint32_t port = fz_u8(&f) % 10,
				 len = lens[fz_u8(&f) % 8];

			v = fz_u32(&f);
			fuzz_bus_access(&pio, COM1 + port, len, true, v);
			if (covers(port, len, 0) && !dlab && loop &&
			    before < cap)
				sh_push(&sh, (uint8_t)v);
			/* Only an FCR write may empty the FIFO on a write. */
			if (!s.rx_count && sh.n) {
				FZ_CHECK(covers(port, len, 2),
					 "a write lost %u RX bytes", sh.n);
				sh.n = 0;
			}
		} else if (op <= 5) {
			uint32_t port = fz_u8(&f) % 10,
				 len = lens[fz_u8(&f) % 8];

			v = fuzz_bus_access(&pio, COM1 + port, len, false, 0);
			if (covers(port, len, 0) && !dlab && before) {
				uint8_t want = sh_pop(&sh);

				FZ_CHECK((uint8_t)v == want,
					 "RBR read 0x%02x, expected 0x%02x",
					 (unsigned int)(v & 0xff), want);
			}
		} else if (op == 6) {
			uint8_t buf[64];
			size_t n = fz_bytes(&f, buf, fz_u8(&f) % 64), took;

			took = serial_receive(&s, buf, n);
			FZ_CHECK(took <= n, "took %zu of %zu", took, n);
			if (loop)
				FZ_CHECK(!took, "took %zu bytes in loopback",
					 took);
			else
				FZ_CHECK(took == (n < cap - before ?
							  n :
							  cap - before),
					 "took %zu of %zu with %u of %u free",
					 took, n, cap - before, cap);
			for (size_t i = 0; i < took; i++)
				sh_push(&sh, buf[i]);
			if (took < n)
				short_rx = true;
		} else {
			uint8_t buf[16];
			uint32_t off = fz_u8(&f) % 16, len = fz_u8(&f) % 8 + 1;
			bool wr = fz_u8(&f) & 1;

			v = fz_u32(&f);
			memset(buf, 0xa5, sizeof(buf));
			if (wr) {
				memcpy(buf, &v, 4);
				serial_ops.write(&s, off, buf, len);
			} else {
				serial_ops.read(&s, off, buf, len);
				for (uint32_t i = len; i < sizeof(buf); i++)
					FZ_CHECK(buf[i] == 0xa5,
						 "read of %u wrote byte %u",
						 len, i);
			}
			if (off == 0 && !dlab) {
				if (wr && loop && before < cap)
					sh_push(&sh, (uint8_t)v);
				else if (!wr && before)
					FZ_CHECK(
						buf[0] == sh_pop(&sh),
						"direct RBR read out of order");
			}
			if (!s.rx_count && sh.n) {
				FZ_CHECK(wr && off <= 2 && off + len > 2,
					 "lost %u RX bytes", sh.n);
				sh.n = 0;
			}
		}

		/* The FIFO: bounded, in order. */
		FZ_CHECK(s.rx_count <= capacity(&s), "%u bytes in a FIFO of %u",
			 s.rx_count, capacity(&s));
		FZ_CHECK(s.rx_head < SERIAL_FIFO_SIZE, "rx_head %u", s.rx_head);
		FZ_CHECK(s.rx_count == sh.n, "FIFO holds %u, expected %u",
			 s.rx_count, sh.n);
		FZ_CHECK(!(s.ier & ~0x0f) && !(s.mcr & ~0x1f),
			 "reserved bits: ier 0x%x mcr 0x%x", s.ier, s.mcr);
		FZ_CHECK(rec.level == s.irq_level, "line %d, UART says %d",
			 rec.level, s.irq_level);
		/* The host's input never stalls while there is room. */
		if (short_rx) {
			uint64_t cnt;
			bool fired = read(serial_rx_space_fd(&s), &cnt,
					  sizeof(cnt)) == sizeof(cnt);

			if (fired)
				short_rx = false;
			else
				FZ_CHECK(
					(s.mcr & MCR_LOOP) ||
						s.rx_count >= capacity(&s),
					"room for %u bytes, rx-space not signalled",
					capacity(&s) - s.rx_count);
		}
		if (pipefd[0] >= 0) {
			char sink[512];
			ssize_t n;

			while ((n = read(pipefd[0], sink, sizeof(sink))) > 0)
				piped += (uint64_t)n;
			FZ_CHECK(piped == s.stats.tx_bytes,
				 "%llu bytes out, counters say %llu",
				 (unsigned long long)piped,
				 (unsigned long long)s.stats.tx_bytes);
		}
	}

	serial_destroy(&s);
	pthread_rwlock_destroy(&pio.lock);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (out >= 0)
		close(out);
	FZ_CHECK(fuzz_count_fds() == fds, "fds: %d before, %d after", fds,
		 fuzz_count_fds());
	return 0;
}

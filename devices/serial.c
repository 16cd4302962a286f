// SPDX-License-Identifier: GPL-2.0
/*
 * 16550A UART, following the TI/National PC16550D datasheet (register
 * descriptions §8.1-8.10, interrupt priorities in the IIR table). The
 * transmitter is instantaneous: a THR write goes straight to the output
 * fd, so THR and the transmitter are always empty again by the time the
 * guest looks (LSR.THRE = LSR.TEMT = 1).
 */
#include "devices/serial.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* Register offsets from the base port. */
#define UART_RBR 0 /* read, DLAB = 0 */
#define UART_THR 0 /* write, DLAB = 0 */
#define UART_DLL 0 /* DLAB = 1 */
#define UART_IER 1 /* DLAB = 0 */
#define UART_DLM 1 /* DLAB = 1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* THR empty */
#define IER_ELSI 0x04 /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
#define IER_MASK 0x0f

#define IIR_NONE 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_CTI 0x0c /* character timeout */
#define IIR_FIFO_ON 0xc0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_TRIGGER(f) ((f) >> 6)

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

/*
 * How long a THR write may wait for a full output fd before the byte is
 * dropped. After one drop the UART stays "congested" and drops without
 * waiting until the fd is writable again, so a stuck reader slows the
 * guest by at most this much once, not per byte.
 */
#define TX_WAIT_MS 50

static const unsigned int rx_trigger[4] = { 1, 4, 8, 14 };

static bool fifo_on(const struct serial *s)
{
	return s->fcr & FCR_ENABLE;
}

static bool loopback(const struct serial *s)
{
	return s->mcr & MCR_LOOP;
}

static unsigned int rx_capacity(const struct serial *s)
{
	return fifo_on(s) ? SERIAL_FIFO_SIZE : 1;
}

/* Modem status lines (MSR bits 7:4): wired to MCR in loopback (§8.7). */
static uint8_t msr_lines(const struct serial *s)
{
	uint8_t m = 0;

	if (!loopback(s))
		return MSR_CTS | MSR_DSR | MSR_DCD;
	if (s->mcr & MCR_RTS)
		m |= MSR_CTS;
	if (s->mcr & MCR_DTR)
		m |= MSR_DSR;
	if (s->mcr & MCR_OUT1)
		m |= MSR_RI;
	if (s->mcr & MCR_OUT2)
		m |= MSR_DCD;
	return m;
}

/* The highest-priority pending interrupt, as IIR bits 3:0. */
static uint8_t irq_source(const struct serial *s)
{
	if ((s->ier & IER_ELSI) && s->lsr_err)
		return IIR_RLSI;
	if ((s->ier & IER_ERBFI) && s->rx_count) {
		/*
		 * At or above the trigger level: data available. Below it,
		 * the 16550 would raise a character timeout after 4 character
		 * times; report it at once so input never sits unseen.
		 */
		if (fifo_on(s) && s->rx_count < rx_trigger[FCR_TRIGGER(s->fcr)])
			return IIR_CTI;
		return IIR_RDI;
	}
	if ((s->ier & IER_ETBEI) && s->thri)
		return IIR_THRI;
	if ((s->ier & IER_EDSSI) && (s->msr_delta & 0x0f))
		return IIR_MSI;
	return IIR_NONE;
}

/* Drive the line from the interrupt state; only transitions go out. */
static void update_irq(struct serial *s)
{
	bool level = irq_source(s) != IIR_NONE;

	if (level != s->irq_level) {
		s->irq_level = level;
		irq_line_set(&s->irq, level);
	}
}

static void signal_rx_space(struct serial *s)
{
	uint64_t one = 1;

	if (!s->rx_waiting || s->rx_space_fd < 0)
		return;
	s->rx_waiting = false;
	/* Only fails when the counter would overflow: it is readable then. */
	if (write(s->rx_space_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pv_warn_ratelimited("serial: signalling RX space: %s",
				    strerror(errno));
}

static void rx_clear(struct serial *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
	signal_rx_space(s);
}

/* Append @c to the RX FIFO; false (overrun) when it is full. */
static bool rx_push(struct serial *s, uint8_t c)
{
	if (s->rx_count >= rx_capacity(s))
		return false;
	s->rx_fifo[(s->rx_head + s->rx_count) % SERIAL_FIFO_SIZE] = c;
	s->rx_count++;
	return true;
}

static uint8_t rx_pop(struct serial *s)
{
	uint8_t c;

	if (!s->rx_count)
		return 0;
	c = s->rx_fifo[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_SIZE;
	s->rx_count--;
	signal_rx_space(s);
	return c;
}

/* Write one byte to out_fd, waiting at most TX_WAIT_MS for room. */
static void tx_out(struct serial *s, uint8_t c)
{
	int budget = s->tx_congested ? 0 : TX_WAIT_MS; /* ms */

	if (s->out_fd < 0) {
		s->stats.tx_dropped++;
		return;
	}
	for (;;) {
		struct pollfd p = { .fd = s->out_fd, .events = POLLOUT };
		ssize_t n;
		int r;

		/*
		 * poll() first so a blocking fd (a pipe whose reader stopped
		 * reading) cannot stall the vCPU indefinitely. POLLOUT means
		 * a 1-byte write will not block.
		 */
		r = poll(&p, 1, budget);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* full for the whole budget: drop */
		n = write(s->out_fd, &c, 1);
		if (n == 1) {
			s->tx_congested = false;
			s->stats.tx_bytes++;
			return;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && budget > 0) {
			/* Non-blocking fd filled up since poll(): retry. */
			budget = budget > 10 ? budget - 10 : 0;
			continue;
		}
		if (n < 0 && errno != EAGAIN && !s->tx_congested)
			pv_warn_ratelimited(
				"serial: writing console output: %s: output "
				"is dropped until it works again",
				strerror(errno));
		break;
	}
	s->tx_congested = true;
	s->stats.tx_dropped++;
}

/*
 * --trace console: each line the guest transmits, one trace line stamped
 * when its newline is written, so console messages can be set against
 * passvm's own steps (the time from a guest's "reboot: Power down" to its
 * S5 write). The text is the guest's: a byte outside printable ASCII is
 * shown as '.', a CR is dropped, a line longer than SERIAL_TRACE_LINE
 * bytes is traced in pieces.
 */
static void trace_tx(struct serial *s, uint8_t c)
{
	if (!(trace_mask & TRACE_CONSOLE) || c == '\r')
		return;
	if (c != '\n') {
		s->trace_line[s->trace_len++] =
			c >= 0x20 && c < 0x7f ? (char)c : '.';
		if (s->trace_len < SERIAL_TRACE_LINE)
			return;
	}
	pv_trace_emit(TRACE_CONSOLE, "%.*s", (int)s->trace_len, s->trace_line);
	s->trace_len = 0;
}

static void write_thr(struct serial *s, uint8_t c)
{
	/* Writing THR clears the THRE interrupt... */
	s->thri = false;
	update_irq(s);
	if (loopback(s)) {
		if (!rx_push(s, c)) {
			s->lsr_err |= LSR_OE;
			s->stats.rx_overruns++;
		}
	} else {
		if (s->tap.byte)
			s->tap.byte(s->tap.opaque, c);
		tx_out(s, c);
		trace_tx(s, c);
	}
	/* ...and the instant transmitter empties THR again. */
	s->thri = true;
	update_irq(s);
}

static void write_mcr(struct serial *s, uint8_t v)
{
	uint8_t old = msr_lines(s), now;
	bool was_loop = loopback(s);

	s->mcr = v & MCR_MASK;
	now = msr_lines(s);
	if ((old ^ now) & MSR_CTS)
		s->msr_delta |= MSR_DCTS;
	if ((old ^ now) & MSR_DSR)
		s->msr_delta |= MSR_DDSR;
	if ((old & MSR_RI) && !(now & MSR_RI))
		s->msr_delta |= MSR_TERI;
	if ((old ^ now) & MSR_DCD)
		s->msr_delta |= MSR_DDCD;
	/* Leaving loopback reconnects the host input. */
	if (was_loop && !loopback(s))
		signal_rx_space(s);
}

static void write_fcr(struct serial *s, uint8_t v)
{
	bool was_on = fifo_on(s);

	/* Enabling or disabling the FIFOs clears them (§8.4). */
	if (was_on != !!(v & FCR_ENABLE))
		rx_clear(s);
	if (v & FCR_ENABLE) {
		if (v & FCR_CLEAR_RX)
			rx_clear(s);
		/* FCR_CLEAR_TX: the TX FIFO is always empty. */
		s->fcr = v & (FCR_ENABLE | 0xc0);
	} else {
		s->fcr = 0;
	}
}

static uint8_t reg_read(struct serial *s, unsigned int reg)
{
	uint8_t v = 0xff, src;

	switch (reg) {
	case UART_RBR:
		if (s->lcr & LCR_DLAB)
			return s->dll;
		return rx_pop(s);
	case UART_IER:
		return (s->lcr & LCR_DLAB) ? s->dlm : s->ier;
	case UART_IIR:
		src = irq_source(s);
		/* Reading IIR clears THRE when THRE is what it reports. */
		if (src == IIR_THRI)
			s->thri = false;
		return src | (fifo_on(s) ? IIR_FIFO_ON : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		v = LSR_THRE | LSR_TEMT | s->lsr_err;
		if (s->rx_count)
			v |= LSR_DR;
		s->lsr_err = 0; /* error bits clear on read */
		return v;
	case UART_MSR:
		v = msr_lines(s) | s->msr_delta;
		s->msr_delta = 0;
		return v;
	case UART_SCR:
		return s->scr;
	}
	return v;
}

static void reg_write(struct serial *s, unsigned int reg, uint8_t v)
{
	uint8_t old;

	switch (reg) {
	case UART_THR:
		if (s->lcr & LCR_DLAB)
			s->dll = v;
		else
			write_thr(s, v);
		break;
	case UART_IER:
		if (s->lcr & LCR_DLAB) {
			s->dlm = v;
			break;
		}
		old = s->ier;
		s->ier = v & IER_MASK;
		/* Enabling ETBEI with THR empty raises THRE right away. */
		if (!(old & IER_ETBEI) && (s->ier & IER_ETBEI))
			s->thri = true;
		break;
	case UART_FCR:
		write_fcr(s, v);
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		write_mcr(s, v);
		break;
	case UART_LSR: /* factory test only: ignored */
	case UART_MSR:
		break;
	case UART_SCR:
		s->scr = v;
		break;
	}
}

static void serial_read(void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len)
{
	struct serial *s = opaque;

	if (!io_read_start(data, len))
		return;
	if (offset >= SERIAL_NR_PORTS)
		return;
	pthread_mutex_lock(&s->lock);
	/* A wider access reads consecutive registers, as an ISA bus would. */
	for (uint32_t i = 0; i < len && offset + i < SERIAL_NR_PORTS; i++)
		data[i] = reg_read(s, (unsigned int)(offset + i));
	update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

static void serial_write(void *opaque, uint64_t offset, const uint8_t *data,
			 uint32_t len)
{
	struct serial *s = opaque;

	if (offset >= SERIAL_NR_PORTS || !len || len > 8)
		return;
	pthread_mutex_lock(&s->lock);
	for (uint32_t i = 0; i < len && offset + i < SERIAL_NR_PORTS; i++)
		reg_write(s, (unsigned int)(offset + i), data[i]);
	update_irq(s);
	pthread_mutex_unlock(&s->lock);
}

const struct io_ops serial_ops = {
	.read = serial_read,
	.write = serial_write,
};

int serial_init(struct serial *s, int out_fd, const struct irq_line *irq,
		struct pv_error *err)
{
	memset(s, 0, sizeof(*s));
	s->out_fd = out_fd;
	if (irq)
		s->irq = *irq;
	s->rx_space_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->rx_space_fd < 0)
		return pv_seterr(err, errno, "serial: eventfd: %s",
				 strerror(errno));
	pthread_mutex_init(&s->lock, NULL);
	/* Power-on: divisor for 9600 baud, everything else zero. */
	s->dll = 0x0c;
	return 0;
}

void serial_set_tap(struct serial *s, const struct serial_tap *tap)
{
	pthread_mutex_lock(&s->lock);
	s->tap = tap ? *tap : (struct serial_tap){ 0 };
	pthread_mutex_unlock(&s->lock);
}

void serial_destroy(struct serial *s)
{
	if (s->rx_space_fd >= 0)
		close(s->rx_space_fd);
	s->rx_space_fd = -1;
	pthread_mutex_destroy(&s->lock);
}

size_t serial_receive(struct serial *s, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&s->lock);
	if (!loopback(s)) {
		while (n < len && rx_push(s, buf[n]))
			n++;
	}
	s->stats.rx_bytes += n;
	if (n < len)
		s->rx_waiting = true;
	if (n)
		update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return n;
}

int serial_rx_space_fd(struct serial *s)
{
	return s->rx_space_fd;
}

void serial_get_stats(struct serial *s, struct serial_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->stats;
	pthread_mutex_unlock(&s->lock);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI host bridge, config space and BAR handling for bus 0.
 *
 * The guest reaches config space through CF8/CFC (PCI Local Bus 3.0 §3.2.2.3.2,
 * 256 bytes) and through ECAM (PCIe Base 4.0 §7.2.2, 4 KiB per function,
 * advertised in MCFG). Each device keeps an emulated config space image
 * (cfg[]) with a write mask; the core applies writes to it, runs the BAR
 * and decode logic, and hands reads and writes to the device model's
 * callbacks so a device (vfio-pci) can pass parts of it through to
 * hardware.
 *
 * BARs: the core owns the BAR registers (sizing through the write mask,
 * PCI 3.0 §6.2.5.1), the expansion ROM BAR and the decode bits of
 * PCI_COMMAND. A BAR is "decoded" when its decode bit is set and its whole
 * range lies inside one of the bridge's windows; the core then calls
 * ops->bar_map(addr) and on any change ops->bar_unmap(old addr) first.
 * Accesses that reach the core (a window exit not covered by a memslot)
 * go to ops->bar_read/bar_write with the offset inside the BAR.
 *
 * A decoded BAR is never mapped while it overlaps another decoded BAR (of
 * any device on the bus) or a reserved range (pci_bus_reserve(): guest
 * RAM, the MSI window, the ECAM, whatever the VMM emulates): both BARs
 * stay trapped, so no BAR can cover another's MSI-X table, and are mapped
 * again as soon as the guest moves one away. The guest keeps running; the
 * host log gets one warning per BAR and kind of refusal.
 *
 * Ordering on a config write (so the kernel never revokes a BAR mmap that
 * a memslot still points at): 1. apply the write to cfg[]; 2. bar_unmap
 * every BAR that stopped decoding, moved or now overlaps; 3.
 * ops->cfg_write; 4. bar_map every BAR that decodes, is not mapped and
 * overlaps nothing (this retries a BAR whose bar_map failed before). Steps
 * 2 and 4 cover the whole bus, and run only when the write changed what a
 * BAR of the device decodes.
 *
 * Locking: one mutex per bus serialises config accesses, trapped BAR
 * accesses and (un)mapping. The pci_dev_ops callbacks run with it held; it
 * is recursive, so a callback may call pci_cfg_read()/pci_cfg_write().
 */
#ifndef PASSVM_DEVICES_PCI_H
#define PASSVM_DEVICES_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/pci_regs.h>

#include "devices/io.h"
#include "util/log.h"

#define PCI_CFG_SIZE PCI_CFG_SPACE_SIZE /* 256 */
#define PCI_CFG_EXP_SIZE PCI_CFG_SPACE_EXP_SIZE /* 4096 */
#define PCI_NUM_BARS PCI_STD_NUM_BARS /* 6 */
#define PCI_ROM_SLOT 6 /* bars[6] is the expansion ROM BAR */
#define PCI_MAX_DEVFN 256
#define PCI_DEVFN(slot, fn) ((uint8_t)(((slot) << 3) | (fn)))
/* Class code (base class, subclass): linux/pci_ids.h's, which is not UAPI */
#define PCI_CLASS_DISPLAY_VGA 0x0300

enum pci_bar_type {
	PCI_BAR_NONE = 0,
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64, /* occupies this BAR and the next one */
	PCI_BAR_ROM,
};

struct pci_bar {
	enum pci_bar_type type;
	bool prefetch;
	uint64_t size; /* bytes, power of two (>= 16 for I/O, 4 KiB for
			 * memory is what the core allocates); 0 = absent */
	uint64_t addr; /* current decoded address (GPA or port) */
	bool mapped; /* bar_map() succeeded for addr */
	bool decoded; /* enabled and inside a window: addr is live */
	uint8_t warned; /* kinds of refusal already logged (private) */
};

struct pci_dev;

struct pci_dev_ops {
	/*
	 * cfg_read: @val holds the emulated value assembled from cfg[];
	 * the device may replace the bytes it passes through. @off+@len
	 * stays inside one dword; @len is 1, 2 or 4. Optional.
	 */
	void (*cfg_read)(struct pci_dev *d, uint32_t off, uint32_t len,
			 uint32_t *val);
	/* cfg_write: the raw value the guest wrote, after step 2. Optional. */
	void (*cfg_write)(struct pci_dev *d, uint32_t off, uint32_t len,
			  uint32_t val);
	/* Trapped BAR access; @off in bytes from the BAR's start. */
	void (*bar_read)(struct pci_dev *d, int bar, uint64_t off,
			 uint8_t *data, uint32_t len);
	void (*bar_write)(struct pci_dev *d, int bar, uint64_t off,
			  const uint8_t *data, uint32_t len);
	/*
	 * bar_map: BAR @bar now decodes at @addr (GPA or port). The device
	 * may install memslots for the parts it can mmap; what it does not
	 * cover keeps trapping to bar_read/bar_write. Returning an error
	 * leaves the BAR trapped (the core logs it once, and retries on
	 * the next change of what the bus decodes). Optional.
	 */
	int (*bar_map)(struct pci_dev *d, int bar, uint64_t addr);
	void (*bar_unmap)(struct pci_dev *d, int bar, uint64_t addr);
};

struct pci_dev {
	char name[32]; /* for logs and --stats, e.g. "vfio 0000:01:00.0" */
	uint8_t devfn; /* assigned by pci_bus_add */
	struct pci_bus *bus;
	const struct pci_dev_ops *ops;
	void *opaque; /* device model's state */

	uint32_t cfg_size; /* PCI_CFG_SIZE or PCI_CFG_EXP_SIZE */
	uint8_t cfg[PCI_CFG_EXP_SIZE]; /* emulated image */
	uint8_t wmask[PCI_CFG_EXP_SIZE]; /* guest-writable bits */
	uint8_t w1cmask[PCI_CFG_EXP_SIZE]; /* write-1-to-clear bits */
	struct pci_bar bars[PCI_NUM_BARS + 1];

	uint32_t intx_gsi; /* GSI of INTx (from the pin and slot), 0 if none */
};

struct pci_window {
	uint64_t base, size; /* GPA or port, bytes */
	uint64_t next; /* allocation cursor */
	struct pci_bus *bus;
	bool io;
};

enum pci_window_id { PCI_WIN_IO, PCI_WIN_MMIO32, PCI_WIN_MMIO64, PCI_WIN_NR };

#define PCI_MAX_RESERVED 32

/* A range no BAR may be mapped over (pci_bus_reserve()). */
struct pci_reserved {
	uint64_t base, size; /* GPA or port, bytes */
	bool io; /* I/O port space, else memory */
	const char *name; /* static storage, for the warning */
};

struct pci_bus {
	pthread_mutex_t lock;
	struct pci_dev *devs[PCI_MAX_DEVFN];
	uint32_t cf8; /* CONFIG_ADDRESS latch */
	struct pci_window win[PCI_WIN_NR];
	struct pci_dev host; /* 00:00.0 host bridge */
	struct vm_stop_sink stop; /* for the 0xcf9 reset control register */
	struct pci_reserved resv[PCI_MAX_RESERVED];
	unsigned int nr_resv;
	uint32_t intx_base, intx_count; /* pci_bus_set_intx() */
	uint64_t bar_align; /* least alignment of a memory BAR, bytes */
};

/*
 * pci_dev_init() - zero @d and fill the standard header from the given IDs;
 * the device model then sets cfg[]/wmask[] bits it emulates and declares
 * BARs with pci_dev_set_bar(). @cfg_size is 256 or 4096.
 */
void pci_dev_init(struct pci_dev *d, const char *name, uint16_t vendor,
		  uint16_t device, uint32_t class_code, uint32_t cfg_size,
		  const struct pci_dev_ops *ops, void *opaque);

/*
 * pci_dev_set_bar() - declare BAR @bar (0..5, or PCI_ROM_SLOT) of @size
 * bytes (power of two, or 0 for none). Sets the BAR register's type bits
 * and write mask so guest sizing works. MEM64 also claims @bar + 1.
 * Errors: -EINVAL for a bad index, size or type.
 */
int pci_dev_set_bar(struct pci_dev *d, int bar, enum pci_bar_type type,
		    bool prefetch, uint64_t size);

/*
 * pci_bus_init() - bus 0 with the host bridge at 00:00.0 and the given
 * windows (GPA/port, bytes): I/O, 32-bit MMIO, 64-bit MMIO (size 0 if
 * none). @stop receives VM_STOP_RESET for writes to port 0xcf9.
 */
void pci_bus_init(struct pci_bus *b, uint64_t io_base, uint64_t io_size,
		  uint64_t mmio32_base, uint64_t mmio32_size,
		  uint64_t mmio64_base, uint64_t mmio64_size,
		  const struct vm_stop_sink *stop);

/*
 * pci_bus_set_intx() - how the platform wires INTx: pin @pin (1 = INTA) of
 * slot @slot reaches GSI @base + (@slot + @pin - 1) % @count, the swizzle
 * its firmware describes (x86: the _PRT's IOAPIC pins 16..23, the
 * default; arm64: the device tree's interrupt-map onto GIC SPIs). Call
 * before pci_bus_add(). @count 0 is ignored.
 */
void pci_bus_set_intx(struct pci_bus *b, uint32_t base, uint32_t count);

/*
 * pci_bus_set_bar_align() - place memory BARs at multiples of @align bytes
 * at least (a power of two; default 4 KiB), e.g. the host's page size so
 * an assigned device's BARs can be mapped into the guest (64 KiB pages on
 * arm64). Call before pci_bus_add().
 */
void pci_bus_set_bar_align(struct pci_bus *b, uint64_t align);

/*
 * pci_bus_reserve() - tell the bus that [@base, @base + @size) (GPA, or
 * port when @io) belongs to something else: guest RAM, the MSI window, the
 * ECAM, a device the VMM emulates. A BAR that overlaps it keeps trapping
 * and is never handed to ops->bar_map. @name (static storage) names it in
 * the warning. Call before the guest runs. Errors: -EINVAL (@size 0),
 * -ENOSPC (more than PCI_MAX_RESERVED ranges).
 */
int pci_bus_reserve(struct pci_bus *b, bool io, uint64_t base, uint64_t size,
		    const char *name);

/*
 * pci_bar_type_name() - "I/O", "32-bit memory", "64-bit prefetchable
 * memory", "expansion ROM"... for messages and traces.
 */
const char *pci_bar_type_name(enum pci_bar_type type, bool prefetch);

/*
 * pci_bus_add() - put @d in slot @slot (1..31, or -1 for the first free)
 * function 0, assign each BAR an address in its window as firmware would
 * (I/O in the I/O window; MEM64 prefetchable in the 64-bit window, others
 * below 4 GiB; naturally aligned), set interrupt pin/line and intx_gsi.
 * Decode bits stay as the device reset them until pci_bus_enable_decode().
 * Errors: -ENOSPC (no slot, or a BAR does not fit: message names the BAR,
 * its size and the window), -EBUSY (slot taken).
 */
int pci_bus_add(struct pci_bus *b, struct pci_dev *d, int slot,
		struct pv_error *err);

/*
 * pci_bus_enable_decode() - what firmware does once it has assigned the
 * BARs (SeaBIOS pci_bios_init_device, EDK2 PciBusDxe): set I/O and memory
 * decode in PCI_COMMAND of every device with such BARs, through the same
 * config write path as the guest (so BAR memslots appear and the command
 * reaches an assigned device). Linux keeps decode on for functions no
 * driver claims, so their BARs stay reachable (e.g. through /dev/mem or
 * sysfs resourceN) as on real machines. Bus mastering stays off: drivers
 * enable it. A VGA controller (class 0x0300) is left with decode off: to
 * x86 Linux, a VGA function that decodes at boot is the one whose ROM the
 * BIOS ran and shadowed at 0xC0000, and its ROM is then read from there,
 * not from the ROM BAR (arch/x86/pci/fixup.c pci_fixup_video); with no
 * BIOS nothing is there, and a GPU driver would find no VBIOS. Its driver
 * turns decode on (pci_enable_device), as for any device.
 */
void pci_bus_enable_decode(struct pci_bus *b);

/*
 * pci_bus_remove() - unmap its BARs and take @d off the bus; BARs of other
 * devices that overlapped one of them are mapped again.
 */
void pci_bus_remove(struct pci_bus *b, struct pci_dev *d);

/*
 * pci_intx_gsi() - the IOAPIC GSI wired to INTx pin @pin (1 = INTA) of
 * slot @slot by default; it must match the _PRT of firmware/dsdt.asl:
 * 16 + ((slot + pin - 1) % 8). A bus's own wiring: pci_bus_set_intx().
 */
uint32_t pci_intx_gsi(unsigned int slot, unsigned int pin);

/* Config access by the guest (or tests): @off in bytes, @len 1/2/4. */
uint32_t pci_cfg_read(struct pci_bus *b, uint8_t devfn, uint32_t off,
		      uint32_t len);
void pci_cfg_write(struct pci_bus *b, uint8_t devfn, uint32_t off, uint32_t len,
		   uint32_t val);

/*
 * Bus handlers, registered by the VMM:
 *   pci_cf8_ops   at port 0xcf8, 8 bytes (CONFIG_ADDRESS/DATA; a byte
 *                 write to 0xcf9 is the reset control register)
 *   pci_ecam_ops  at the ECAM base, opaque = the bus
 *   pci_window_ops on each window, opaque = &bus->win[i]: trapped BAR
 *                 accesses
 */
extern const struct io_ops pci_cf8_ops;
extern const struct io_ops pci_ecam_ops;
extern const struct io_ops pci_window_ops;

/* Config-space helpers on a device's emulated image (little-endian). */
static inline uint32_t pci_cfg_get(const struct pci_dev *d, uint32_t off,
				   uint32_t len)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < len; i++)
		v |= (uint32_t)d->cfg[off + i] << (8 * i);
	return v;
}

static inline void pci_cfg_set(struct pci_dev *d, uint32_t off, uint32_t len,
			       uint32_t val)
{
	for (uint32_t i = 0; i < len; i++)
		d->cfg[off + i] = (uint8_t)(val >> (8 * i));
}

#endif

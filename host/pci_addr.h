/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI function addresses (domain:bus:device.function) and the one parser of
 * the device lists users type: `passvm run --vfio`, `passvm doctor`, `bind`
 * and `unbind` all take the same forms. Sources: the kernel's PCI device
 * names (Documentation/ABI/testing/sysfs-bus-pci, "dddd:bb:dd.f"), QEMU's
 * `-device vfio-pci,host=` and Cloud Hypervisor's `--device path=`.
 */
#ifndef PASSVM_HOST_PCI_ADDR_H
#define PASSVM_HOST_PCI_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/log.h"

/* A PCI function address: domain:bus:device.function. */
struct pci_addr {
	uint16_t domain;
	uint8_t bus, dev, fn;
};

#define PCI_ADDR_STRLEN 13 /* "dddd:bb:dd.f" + NUL */

/*
 * The forms pci_addr_parse_arg() accepts, for error messages (a "%s" of
 * theirs: the one copy of the text in the binary).
 */
extern const char pci_addr_forms[];

/*
 * pci_addr_parse() - a kernel device name: "0000:01:00.0" or "01:00.0"
 * (domain 0), nothing else. Returns 0, or -EINVAL for anything else
 * (device > 0x1f, function > 7, junk); @a is untouched then.
 */
int pci_addr_parse(const char *s, struct pci_addr *a);

/*
 * pci_addr_parse_arg() - a device as a user names it, the first @len bytes
 * of @s: a kernel name (above), Cloud Hypervisor's sysfs path
 * "/sys/bus/pci/devices/0000:01:00.0" (trailing slashes allowed, also
 * after "path="), or QEMU's "host=0000:01:00.0" / "host=01:00.0".
 * Returns 0, or -EINVAL (@a untouched).
 */
int pci_addr_parse_arg(const char *s, size_t len, struct pci_addr *a);

/* pci_addr_equal() - same domain, bus, device and function. */
static inline bool pci_addr_equal(const struct pci_addr *a,
				  const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev &&
	       a->fn == b->fn;
}

/* pci_addr_cmp() - qsort order: domain, bus, device, function. */
int pci_addr_cmp(const void *a, const void *b);

/* pci_addr_format() - canonical "dddd:bb:dd.f" into @buf. */
void pci_addr_format(const struct pci_addr *a, char buf[PCI_ADDR_STRLEN]);

/* pci_addr_in() - is @a one of the @n addresses at @list? */
bool pci_addr_in(const struct pci_addr *list, int n, const struct pci_addr *a);

/*
 * A list of distinct devices, in the order first given. Zero-initialise;
 * the list owns @a (free with pci_addr_list_free()).
 */
struct pci_addr_list {
	struct pci_addr *a;
	int n, cap;
};

/*
 * pci_addr_list_add() - parse the user's device @arg (pci_addr_parse_arg())
 * and append it unless it is already in @l. Returns 0 (added), 1 (a
 * repeat of an earlier entry: not added), -EINVAL (not a device address;
 * the message in @err names @arg and the accepted forms) or -ENOMEM.
 */
int pci_addr_list_add(struct pci_addr_list *l, const char *arg,
		      struct pv_error *err);

/* pci_addr_list_free() - free @l's array and empty it. */
void pci_addr_list_free(struct pci_addr_list *l);

#endif

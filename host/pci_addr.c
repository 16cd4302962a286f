// SPDX-License-Identifier: GPL-2.0
/*
 * PCI addresses and the device-list parser; see host/pci_addr.h. Sources:
 * Documentation/ABI/testing/sysfs-bus-pci (device names), QEMU's
 * docs/system/devices/vfio (host=), Cloud Hypervisor's docs/vfio.md (path=).
 */
#include "host/pci_addr.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char pci_addr_forms[] =
	"0000:01:00.0, 01:00.0, /sys/bus/pci/devices/0000:01:00.0 or "
	"host=0000:01:00.0 (see `lspci -D`)";

#define SYSFS_PCI_DEVICES "/sys/bus/pci/devices/"
#define MAX_ARG 256 /* longer than any form we accept */

/* Parse exactly @n hex digits at *@p; advance *@p. */
static int hex_field(const char **p, int n, unsigned int *val)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)(*p)[i];

		if (!isxdigit(c))
			return -EINVAL;
		v = v * 16 + (unsigned int)(isdigit(c) ? c - '0' :
							 tolower(c) - 'a' + 10);
	}
	*p += n;
	*val = v;
	return 0;
}

int pci_addr_parse(const char *s, struct pci_addr *a)
{
	unsigned int dom = 0, bus, dev, fn;
	const char *p = s;

	if (!s || !a)
		return -EINVAL;
	/* Long form "dddd:bb:dd.f" is 12 chars, short "bb:dd.f" is 7. */
	if (strlen(s) == 12) {
		if (hex_field(&p, 4, &dom) || *p++ != ':')
			return -EINVAL;
	} else if (strlen(s) != 7) {
		return -EINVAL;
	}
	if (hex_field(&p, 2, &bus) || *p++ != ':')
		return -EINVAL;
	if (hex_field(&p, 2, &dev) || *p++ != '.')
		return -EINVAL;
	if (hex_field(&p, 1, &fn) || *p)
		return -EINVAL;
	if (dev > 0x1f || fn > 7)
		return -EINVAL;
	a->domain = (uint16_t)dom;
	a->bus = (uint8_t)bus;
	a->dev = (uint8_t)dev;
	a->fn = (uint8_t)fn;
	return 0;
}

/* Strip @prefix from the start of @s; true when it was there. */
static bool strip(char **s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(*s, prefix, n))
		return false;
	*s += n;
	return true;
}

int pci_addr_parse_arg(const char *s, size_t len, struct pci_addr *a)
{
	char buf[MAX_ARG], *p = buf;
	size_t n;

	if (!s || !a || !len || len >= sizeof(buf) || memchr(s, '\0', len))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strip(&p, "host="))
		return pci_addr_parse(p, a);
	if (strip(&p, "path=") && *p != '/')
		return -EINVAL;
	if (strip(&p, SYSFS_PCI_DEVICES)) {
		n = strlen(p);
		while (n > 0 && p[n - 1] == '/')
			p[--n] = '\0';
	}
	return pci_addr_parse(p, a);
}

int pci_addr_cmp(const void *x, const void *y)
{
	const struct pci_addr *a = x, *b = y;
	uint64_t ka = ((uint64_t)a->domain << 16) | (a->bus << 8) |
		      (a->dev << 3) | a->fn;
	uint64_t kb = ((uint64_t)b->domain << 16) | (b->bus << 8) |
		      (b->dev << 3) | b->fn;

	return ka < kb ? -1 : ka > kb;
}

void pci_addr_format(const struct pci_addr *a, char buf[PCI_ADDR_STRLEN])
{
	snprintf(buf, PCI_ADDR_STRLEN, "%04x:%02x:%02x.%x", a->domain, a->bus,
		 a->dev & 0x1f, a->fn & 7);
}

bool pci_addr_in(const struct pci_addr *list, int n, const struct pci_addr *a)
{
	int i;

	for (i = 0; i < n; i++)
		if (pci_addr_equal(&list[i], a))
			return true;
	return false;
}

int pci_addr_list_add(struct pci_addr_list *l, const char *arg,
		      struct pv_error *err)
{
	struct pci_addr a;

	if (!arg || pci_addr_parse_arg(arg, strlen(arg), &a))
		return pv_seterr(err, EINVAL,
				 "'%s' is not a PCI address: use %s",
				 arg ? arg : "", pci_addr_forms);
	if (pci_addr_in(l->a, l->n, &a))
		return 1;
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		struct pci_addr *g = realloc(l->a, (size_t)cap * sizeof(*g));

		if (!g)
			return pv_seterr(err, ENOMEM, "out of memory");
		l->a = g;
		l->cap = cap;
	}
	l->a[l->n++] = a;
	return 0;
}

void pci_addr_list_free(struct pci_addr_list *l)
{
	free(l->a);
	l->a = NULL;
	l->n = l->cap = 0;
}

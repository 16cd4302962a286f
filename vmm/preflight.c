// SPDX-License-Identifier: GPL-2.0
/* Warnings and banner of `passvm run`; the contract is vmm/preflight.h. */
#include "vmm/preflight.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"

/* Is console= value @v (ending at @end) COM1? */
static bool is_com1(const char *v, const char *end)
{
	static const char *const names[] = {
		"ttyS0",	  "uart,io,0x3f8",	"uart8250,io,0x3f8",
		"uart,io,0x03f8", "uart8250,io,0x03f8",
	};
	size_t n = (size_t)(end - v);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t k = strlen(names[i]);

		if (n >= k && !strncmp(v, names[i], k) &&
		    (n == k || v[k] == ','))
			return true;
	}
	return false;
}

bool cmdline_has_serial_console(const char *cmdline)
{
	const char *p = cmdline;

	while (*p) {
		const char *w, *e;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		e = p;
		if (e - w == 2 && !strncmp(w, "--", 2))
			break; /* the rest is init's */
		if (e - w > 8 && !strncmp(w, "console=", 8) &&
		    is_com1(w + 8, e))
			return true;
	}
	return false;
}

uint64_t host_mem_total(const char *meminfo)
{
	char line[256];
	uint64_t kib = 0;
	FILE *f = fopen(meminfo, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *w[3];

		/* "MemTotal:       16314284 kB" */
		if (parse_words(line, w, 3) >= 2 &&
		    !strcmp(w[0], "MemTotal:") && !parse_u64(w[1], 10, &kib))
			break;
	}
	fclose(f);
	return kib << 10;
}

/* "512 MiB", "1.5 GiB" */
static void fmt_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
		snprintf(buf, len, "%llu GiB",
			 (unsigned long long)(bytes >> 30));
	else if (bytes >= (1ull << 30))
		snprintf(buf, len, "%.1f GiB", bytes / (double)(1ull << 30));
	else
		snprintf(buf, len, "%llu MiB",
			 (unsigned long long)(bytes >> 20));
}

static void add(char *out, size_t len, unsigned int *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *out, size_t len, unsigned int *n, const char *fmt, ...)
{
	size_t used = strnlen(out, len);
	va_list ap;
	int w;

	(*n)++;
	if (used + 1 >= len)
		return;
	w = snprintf(out + used, len - used, "passvm: warning: ");
	if (w < 0 || (size_t)w >= len - used)
		return;
	used += (size_t)w;
	va_start(ap, fmt);
	w = vsnprintf(out + used, len - used, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= len - used - 1)
		return;
	used += (size_t)w;
	out[used] = '\n';
	out[used + 1] = '\0';
}

unsigned int preflight_warnings(const struct vm_config *o, const char *meminfo,
				char *out, size_t len)
{
	char want[32], have[32];
	unsigned int n = 0;
	uint64_t total;

	if (len)
		out[0] = '\0';
	if (o->cmdline && !cmdline_has_serial_console(o->cmdline))
		add(out, len, &n,
		    "--cmdline has no console=ttyS0: the guest's messages will not appear; add console=ttyS0");
	fmt_size(o->mem, want, sizeof(want));
	total = host_mem_total(meminfo);
	if (total && o->mem > total) {
		fmt_size(total, have, sizeof(have));
		add(out, len, &n,
		    "--mem %s is more than this host's RAM (MemTotal %s): the guest will push the host into swap or be killed for lack of memory%s; give a smaller --mem",
		    want, have,
		    o->nr_vfio ?
			    ", and assigned devices need all of it pinned" :
			    "");
	}
	if (o->mem < PREFLIGHT_DISTRO_MIN_MEM)
		add(out, len, &n,
		    "--mem %s is below 128 MiB: Debian's cloud kernel needs at least 128 MiB and panics early with less; use --mem 128M or more unless your kernel is built small",
		    want);
	return n;
}

void preflight_banner(const struct vm_config *o, char *out, size_t len)
{
	char ram[32];
	size_t used;
	int w;

	fmt_size(o->mem, ram, sizeof(ram));
	w = snprintf(out, len, "passvm: booting %s%s%s, %s RAM, %u vCPU%s",
		     o->kernel, o->initrd ? " with " : "",
		     o->initrd ? o->initrd : "", ram, o->cpus,
		     o->cpus == 1 ? "" : "s");
	used = w < 0 ? 0 : (size_t)w;
	for (unsigned int i = 0; i < o->nr_vfio && used < len; i++) {
		w = snprintf(out + used, len - used, "%s%s%s",
			     i ? ", " : ", devices ", o->vfio[i].bdf,
			     o->vfio[i].managed ? " (managed)" : "");
		used += w < 0 ? 0 : (size_t)w;
	}
	for (unsigned int i = 0; i < o->nr_disks && used < len; i++) {
		w = snprintf(out + used, len - used, "%s%s%s%s",
			     i ? ", " : ", disks ", o->disks[i].id,
			     o->disks[i].root ? " (root)" : "",
			     o->disks[i].read_only ? " (ro)" : "");
		used += w < 0 ? 0 : (size_t)w;
	}
	for (unsigned int i = 0; i < o->nr_nets && used < len; i++) {
		char fd[24];

		snprintf(fd, sizeof(fd), "tap fd %d", o->nets[i].tap_fd);
		w = snprintf(out + used, len - used, "%s%s on %s",
			     i ? ", " : ", interfaces ", o->nets[i].id,
			     o->nets[i].tap ? o->nets[i].tap : fd);
		used += w < 0 ? 0 : (size_t)w;
	}
	if (o->vsock.present && used < len) {
		w = snprintf(out + used, len - used, ", vsock CID %u",
			     o->vsock.cid);
		used += w < 0 ? 0 : (size_t)w;
	}
	if (used < len)
		snprintf(out + used, len - used,
			 " -- Ctrl-a x to quit, Ctrl-a h for help");
}

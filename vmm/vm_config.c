// SPDX-License-Identifier: GPL-2.0
/* The VM description's defaults, owned strings and the checks before vm_create(). */
#include "vmm/vm_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"

#define API_MAX_BODY_DEFAULT 51200 /* Firecracker's HTTP_MAX_PAYLOAD_SIZE */
#define SZ_2M (2ull << 20)

void vm_config_init(struct vm_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mem = VM_DEFAULT_MEM;
	c->cpus = 1;
	c->console = CONSOLE_STDIO;
	strcpy(c->id, VM_DEFAULT_ID);
	c->api_max_body = API_MAX_BODY_DEFAULT;
	c->timeout_grace_ns = VM_DEFAULT_TIMEOUT_GRACE_NS;
	c->seccomp = SANDBOX_ON;
	c->seccomp_test = -1;
}

static int owned_index(const struct vm_config *c, const char *p)
{
	for (unsigned int i = 0; i < c->owned.n; i++)
		if (c->owned.p[i] == p)
			return (int)i;
	return -1;
}

int vm_config_set_str(struct vm_config *c, const char **slot, const char *val)
{
	struct vm_strings *o = &c->owned;
	char *copy = NULL;
	int old;

	if (val) {
		copy = strdup(val);
		if (!copy)
			return -ENOMEM;
	}
	old = *slot ? owned_index(c, *slot) : -1;
	if (old >= 0) {
		free(o->p[old]);
		o->p[old] = o->p[--o->n];
	}
	if (copy && o->n == o->cap) {
		unsigned int cap = o->cap ? o->cap * 2 : 16;
		char **p = realloc(o->p, cap * sizeof(*p));

		if (!p) {
			free(copy);
			*slot = NULL;
			return -ENOMEM;
		}
		o->p = p;
		o->cap = cap;
	}
	if (copy)
		o->p[o->n++] = copy;
	*slot = copy;
	return 0;
}

void vm_config_release(struct vm_config *c)
{
	for (unsigned int i = 0; i < c->owned.n; i++)
		free(c->owned.p[i]);
	free(c->owned.p);
	memset(&c->owned, 0, sizeof(c->owned));
}

int vm_config_check(const struct vm_config *c, struct pv_error *err)
{
	if (!c->kernel)
		return pv_seterr(
			err, EINVAL,
			"no kernel given: add --kernel FILE (a bzImage, e.g. /boot/vmlinuz-$(uname -r)), or PUT /boot-source {\"kernel_image_path\": ...} over the API");
	if (c->hugepages && c->mem % SZ_2M)
		return pv_seterr(
			err, EINVAL,
			"--hugepages (huge_pages \"2M\") needs --mem (mem_size_mib) to be a multiple of 2M");
	return 0;
}

/*
 * The kernel's own part of @args (Documentation/admin-guide/
 * kernel-parameters.rst: what follows "--" goes to init): its length, and
 * whether a word of it is root=...
 */
static size_t kernel_part(const char *args, bool *has_root)
{
	size_t n = cmdline_init_args(args);

	*has_root = false;
	for (size_t i = 0; i + 5 <= n; i++)
		if ((i == 0 || args[i - 1] == ' ' || args[i - 1] == '\t') &&
		    !strncmp(args + i, "root=", 5))
			*has_root = true;
	return n;
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/*
 * Remove the word @w from the first @n bytes of @s (NUL-terminated, in
 * place) with the blanks after it (before it, when it ends @s). Returns
 * the new length of that part.
 */
static size_t drop_word(char *s, size_t n, const char *w)
{
	size_t wl = strlen(w), i = 0, cut;

	while (i + wl <= n) {
		if ((i && !blank(s[i - 1])) || strncmp(s + i, w, wl) ||
		    (i + wl < n && !blank(s[i + wl]))) {
			i++;
			continue;
		}
		cut = wl;
		while (i + cut < n && blank(s[i + cut]))
			cut++;
		if (!s[i + cut])
			while (i && blank(s[i - 1])) {
				i--;
				cut++;
			}
		memmove(s + i, s + i + cut, strlen(s + i + cut) + 1);
		n -= cut;
	}
	return n;
}

char *vm_config_boot_cmdline(const struct vm_config *c)
{
	const struct disk_cfg *root = NULL;
	const char *init;
	bool has_root;
	size_t n, m;
	char *args, *out;

	args = strdup(c->cmdline ? c->cmdline : VM_DEFAULT_CMDLINE);
	if (!args)
		return NULL;
	for (unsigned int i = 0; i < c->nr_disks; i++)
		if (c->disks[i].root)
			root = &c->disks[i];
	n = kernel_part(args, &has_root);
	/* Firecracker's guests boot with pci=off: its devices are MMIO. */
	m = drop_word(args, n, "pci=off");
	if (m != n)
		pv_warn("boot args: pci=off dropped: passvm's devices (virtio, assigned) are on PCI");
	n = m;
	if (!root || has_root)
		return args;
	init = args + n; /* "-- ..." or "" */
	while (n && blank(args[n - 1]))
		n--;
	if (asprintf(&out, "%.*s%sroot=%s%s %s%s%s", (int)n, args, n ? " " : "",
		     root->partuuid ? "PARTUUID=" : "",
		     root->partuuid ? root->partuuid : "/dev/vda",
		     root->read_only ? "ro" : "rw", *init ? " " : "", init) < 0)
		out = NULL;
	free(args);
	return out;
}

bool vm_id_valid(const char *id, bool instance)
{
	size_t n = strlen(id);

	if (n < 1 || n > VM_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = id[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9'))
			continue;
		if (ch == (instance ? '-' : '_'))
			continue;
		return false;
	}
	return true;
}

// SPDX-License-Identifier: GPL-2.0
/* The lab's hostile guest (L3): moves BARs, writes random config values. */
/*
 * Runs as root in the L3 guest on PCI functions that passvm assigned or
 * emulates, through sysfs only (no /dev/mem): config space through
 * /sys/bus/pci/devices/BDF/config, BARs through resourceN mmaps (at the
 * address the guest kernel assigned), guest RAM addresses through
 * /proc/self/pagemap. Prints "RESULT NAME KEY=VALUE..." lines (the L3
 * fragment turns them into LAB: RESULT lines); exits 0 when it ran to the
 * end (whatever it measured), 1 when it could not run.
 *
 *   hostile bars NVME EDU      move NVME's BAR0 over guest RAM, over EDU's
 *                              BAR0, over the IOAPIC and the MSI window,
 *                              across the end of the 32-bit window, beyond
 *                              MAXPHYADDR; EDU's BAR0 over NVME's MSI-X
 *                              table page; then everything back
 *   hostile dma EDU RAM_MIB    program the edu's DMA engine (QEMU's edu,
 *                              its dma_mask all ones): RAM to the edu and
 *                              back at a buffer of guest RAM (must work),
 *                              then writes and reads at IOVAs outside guest
 *                              RAM (RAM_MIB), in the 32-bit PCI window, in
 *                              the MSI window and beyond 2^40 (must not reach
 *                              anything: the IOMMU faults them), then RAM
 *                              again
 *   hostile cfgfuzz SEED ITERS BDF...
 *                              ITERS rounds of random writes (seeded) to
 *                              every config dword of each BDF, then to
 *                              every MSI-X table entry; restores what the
 *                              driver needs to probe again
 *
 * Specs: PCI Local Bus 3.0 §6.2.5 (BARs), §6.8.2 (MSI-X), PCIe Base 4.0
 * §7.5.3 (PCIe capability). Build: gcc -static -O2 (run-lab does it).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

struct dev {
	const char *bdf;
	int cfg; /* config fd */
	unsigned int cfg_size; /* bytes: 256 or 4096 */
	uint8_t saved[4096]; /* config as found */
	int msix; /* MSI-X capability offset, 0 if none */
	int msix_bir;
	uint32_t msix_off; /* table offset in its BAR, bytes */
	unsigned int msix_n; /* table entries */
	volatile uint32_t *bar; /* mmap of resource msix_bir (or 0) */
	size_t bar_len;
};

static uint64_t rng_state;

/* One "LAB: RESULT NAME vmm=VMM KEY=VALUE..." line (LAB_VMM: the L3
 * /init's). */
__attribute__((format(printf, 2, 3))) static void result(const char *name,
							 const char *fmt, ...)
{
	const char *vmm = getenv("LAB_VMM");
	va_list ap;

	printf("LAB: RESULT %s vmm=%s ", name, vmm ? vmm : "unknown");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* splitmix64: a seeded sequence the run prints, so a failure repeats */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t cfg_read(struct dev *d, unsigned int off, unsigned int len)
{
	uint32_t v = 0;

	if (pread(d->cfg, &v, len, off) != (ssize_t)len)
		return ~0u;
	return v;
}

static unsigned long long write_errors;

/* A config write; the first few failures are said, all are counted. */
static void cfg_write(struct dev *d, unsigned int off, unsigned int len,
		      uint32_t v)
{
	if (pwrite(d->cfg, &v, len, off) == (ssize_t)len)
		return;
	if (write_errors++ < 3)
		fprintf(stderr, "hostile: %s config write 0x%x/%u: %s\n",
			d->bdf, off, len, strerror(errno));
}

static int find_cap(struct dev *d, int id)
{
	int pos = d->saved[PCI_CAPABILITY_LIST] & ~3, n = 0;

	while (pos >= 0x40 && pos < 256 && n++ < 48) {
		if (d->saved[pos] == id)
			return pos;
		pos = d->saved[pos + 1] & ~3;
	}
	return 0;
}

static void *map_resource(const char *bdf, int bar, size_t *len)
{
	char p[128];
	struct stat st;
	void *m;
	int fd;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/resource%d", bdf, bar);
	fd = open(p, O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &st) < 0 || !st.st_size) {
		fprintf(stderr, "hostile: %s: %s\n", p, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	m = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		fprintf(stderr, "hostile: mmap %s: %s\n", p, strerror(errno));
		return NULL;
	}
	*len = st.st_size;
	return m;
}

static int dev_open(struct dev *d, const char *bdf, int want_bar)
{
	char p[128];
	struct stat st;
	uint32_t t;

	memset(d, 0, sizeof(*d));
	d->bdf = bdf;
	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/config", bdf);
	d->cfg = open(p, O_RDWR);
	if (d->cfg < 0 || fstat(d->cfg, &st) < 0) {
		fprintf(stderr, "hostile: %s: %s\n", p, strerror(errno));
		return -1;
	}
	d->cfg_size = st.st_size > 4096 ? 4096 : (unsigned int)st.st_size;
	if (pread(d->cfg, d->saved, d->cfg_size, 0) != (ssize_t)d->cfg_size) {
		fprintf(stderr, "hostile: read %s: %s\n", p, strerror(errno));
		return -1;
	}
	d->msix = find_cap(d, PCI_CAP_ID_MSIX);
	if (d->msix) {
		t = cfg_read(d, d->msix + PCI_MSIX_TABLE, 4);
		d->msix_bir = t & PCI_MSIX_TABLE_BIR;
		d->msix_off = t & PCI_MSIX_TABLE_OFFSET;
		d->msix_n = (cfg_read(d, d->msix + PCI_MSIX_FLAGS, 2) &
			     PCI_MSIX_FLAGS_QSIZE) +
			    1;
	}
	if (want_bar >= 0)
		d->bar = map_resource(bdf, want_bar, &d->bar_len);
	return 0;
}

/* --- bars ---------------------------------------------------------------- */

/* Guest-physical address of the page at @v (root: /proc/self/pagemap). */
static uint64_t gpa_of(void *v)
{
	uint64_t e = 0;
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (uintptr_t)v / pg * 8) != 8)
		e = 0;
	close(fd);
	if (!(e >> 63))
		return 0;
	return (e & ((1ull << 55) - 1)) * pg;
}

static unsigned int phys_bits(void)
{
	char line[256];
	unsigned int b = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "address sizes : %u bits physical", &b) == 1)
			break;
	if (f)
		fclose(f);
	return b ? b : 36;
}

static uint64_t bar_get(struct dev *d, int i)
{
	unsigned int r = PCI_BASE_ADDRESS_0 + 4 * i;
	uint64_t lo = cfg_read(d, r, 4);

	if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
	    PCI_BASE_ADDRESS_MEM_TYPE_64)
		lo |= (uint64_t)cfg_read(d, r + 4, 4) << 32;
	return lo & ~0xfull;
}

static void bar_set(struct dev *d, int i, uint64_t a)
{
	unsigned int r = PCI_BASE_ADDRESS_0 + 4 * i;
	uint32_t lo = cfg_read(d, r, 4);

	if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
	    PCI_BASE_ADDRESS_MEM_TYPE_64)
		cfg_write(d, r + 4, 4, (uint32_t)(a >> 32));
	cfg_write(d, r, 4, (uint32_t)a | (lo & 0xf));
}

/* Does time still pass in the guest (its timer interrupts arrive)? */
static int alive(void)
{
	struct timespec a, b, z = { 0, 50 * 1000 * 1000 };

	clock_gettime(CLOCK_MONOTONIC, &a);
	nanosleep(&z, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a.tv_sec) * 1000000000ll + b.tv_nsec - a.tv_nsec >=
	       50 * 1000 * 1000;
}

static int cmd_bars(const char *nvme_bdf, const char *edu_bdf)
{
	struct dev nv, edu;
	uint64_t nv0, edu0, gpa, pb, a;
	uint32_t cap0, *ram;
	size_t ram_len = 1 << 20;
	unsigned int ok = 0, steps = 0;
	struct {
		const char *name;
		int dev; /* 0: move the NVMe's BAR0, 1: EDU's */
		uint64_t to;
	} mv[8];
	int n = 0;
	char nm[64];

	if (dev_open(&nv, nvme_bdf, 0) || !nv.bar ||
	    dev_open(&edu, edu_bdf, 0) || !edu.bar)
		return 1;
	cfg_write(&nv, PCI_COMMAND, 2,
		  cfg_read(&nv, PCI_COMMAND, 2) | PCI_COMMAND_MEMORY);
	cfg_write(&edu, PCI_COMMAND, 2,
		  cfg_read(&edu, PCI_COMMAND, 2) | PCI_COMMAND_MEMORY);
	nv0 = bar_get(&nv, 0);
	edu0 = bar_get(&edu, 0);
	cap0 = nv.bar[0];
	/* a buffer of guest RAM, its contents known, locked in place */
	ram = mmap(NULL, ram_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1,
		   0);
	if (ram == MAP_FAILED)
		return 1;
	for (size_t k = 0; k < ram_len / 4; k++)
		ram[k] = 0x5a5a0000u ^ (uint32_t)k;
	gpa = gpa_of(ram);
	pb = phys_bits();
	result("hostile-bar/setup",
	       "nvme_bar0=0x%llx nvme_bar_len=0x%zx edu_bar0=0x%llx edu_bar_len=0x%zx msix_bir=%d msix_off=0x%x msix_n=%u cap_lo=0x%08x ram_gpa=0x%llx phys_bits=%llu",
	       (unsigned long long)nv0, nv.bar_len, (unsigned long long)edu0,
	       edu.bar_len, nv.msix_bir, nv.msix_off, nv.msix_n, cap0,
	       (unsigned long long)gpa, (unsigned long long)pb);
	fflush(stdout);

	mv[n].name = "ram"; /* over the guest's own buffer */
	mv[n].dev = 0, mv[n++].to = gpa & ~(uint64_t)(nv.bar_len - 1);
	mv[n].name = "other-bar";
	mv[n].dev = 0, mv[n++].to = edu0;
	mv[n].name = "msix-page"; /* EDU over the NVMe's MSI-X table page */
	mv[n].dev = 1;
	mv[n++].to = (nv0 + nv.msix_off) & ~(uint64_t)(edu.bar_len - 1);
	mv[n].name = "ioapic";
	mv[n].dev = 0, mv[n++].to = 0xfec00000ull;
	mv[n].name = "msi-window";
	mv[n].dev = 0, mv[n++].to = 0xfee00000ull;
	mv[n].name = "window-end"; /* straddles the end of the 32-bit window */
	mv[n].dev = 0, mv[n++].to = 0xe0000000ull - (nv.bar_len / 2);
	mv[n].name = "maxphyaddr";
	mv[n].dev = 0, mv[n++].to = 1ull << pb;
	mv[n].name = "top";
	mv[n].dev = 0, mv[n++].to = ~(uint64_t)(nv.bar_len - 1);

	for (int s = 0; s < n; s++) {
		struct dev *d = mv[s].dev ? &edu : &nv;
		uint64_t home = mv[s].dev ? edu0 : nv0;
		uint32_t old, bad = 0;
		int live;

		bar_set(d, 0, mv[s].to);
		a = bar_get(d, 0);
		/* the address the guest kernel assigned decodes nothing now,
		 * unless the move was refused by the device itself */
		old = mv[s].dev ? edu.bar[0] : nv.bar[0];
		for (size_t k = 0; k < ram_len / 4; k++)
			bad += ram[k] != (0x5a5a0000u ^ (uint32_t)k);
		live = alive();
		bar_set(d, 0, home);
		steps++;
		ok += live && !bad;
		snprintf(nm, sizeof(nm), "hostile-bar/%s", mv[s].name);
		result(nm,
		       "dev=%s to=0x%llx readback=0x%llx old_addr_reads=0x%08x ram_bad_words=%u alive=%s",
		       mv[s].dev ? "edu" : "nvme", (unsigned long long)mv[s].to,
		       (unsigned long long)a, old, bad, live ? "yes" : "no");
		fflush(stdout);
	}
	result("hostile-bar/back",
	       "nvme_bar0=0x%llx edu_bar0=0x%llx cap_lo=0x%08x cap_same=%s steps=%u steps_ok=%u",
	       (unsigned long long)bar_get(&nv, 0),
	       (unsigned long long)bar_get(&edu, 0), nv.bar[0],
	       nv.bar[0] == cap0 ? "yes" : "no", steps, ok);
	return 0;
}

/* --- dma (QEMU's docs/specs/edu.txt) ------------------------------------ */

#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_START 1u
#define EDU_DMA_TO_RAM 2u
#define EDU_BUF 0x40000u

/* One 8-byte access: the edu ignores a 4-byte write to a high half. */
static void edu_w64(volatile uint32_t *bar, unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(bar + off / 4) = v;
}

/* One transfer of @len bytes; true when the engine finished within 3 s
 * (it does, reached or not: a refused DMA is not its concern). */
static bool edu_dma(volatile uint32_t *bar, uint64_t src, uint64_t dst,
		    uint32_t len, uint32_t cmd)
{
	struct timespec z = { 0, 10 * 1000 * 1000 };

	edu_w64(bar, EDU_DMA_SRC, src);
	edu_w64(bar, EDU_DMA_DST, dst);
	edu_w64(bar, EDU_DMA_CNT, len);
	edu_w64(bar, EDU_DMA_CMD, cmd | EDU_DMA_START);
	for (int i = 0; i < 300; i++) {
		if (!(bar[EDU_DMA_CMD / 4] & EDU_DMA_START))
			return true;
		nanosleep(&z, NULL);
	}
	return false;
}

/* RAM -> edu -> RAM at @buf (GPA @gpa): does the copy come back? */
static bool edu_roundtrip(volatile uint32_t *bar, uint8_t *buf, uint64_t gpa,
			  uint8_t salt)
{
	for (int k = 0; k < 256; k++) {
		buf[k] = (uint8_t)(k ^ salt);
		buf[2048 + k] = 0;
	}
	if (!edu_dma(bar, gpa, EDU_BUF, 256, 0) ||
	    !edu_dma(bar, EDU_BUF, gpa + 2048, 256, EDU_DMA_TO_RAM))
		return false;
	return !memcmp(buf, buf + 2048, 256);
}

static int cmd_dma(const char *bdf, unsigned long ram_mib)
{
	struct dev e;
	uint8_t *buf;
	uint64_t gpa;
	char nm[64];
	struct {
		const char *name;
		uint64_t iova;
	} t[] = {
		{ "past-ram", ((uint64_t)ram_mib << 20) + (256u << 20) },
		{ "pci-window", 0xc0000000ull },
		{ "msi-window", 0xfee00000ull },
		{ "high", 1ull << 40 },
	};
	unsigned int n = sizeof(t) / sizeof(t[0]), finished = 0;

	if (dev_open(&e, bdf, 0) || !e.bar)
		return 1;
	cfg_write(&e, PCI_COMMAND, 2,
		  cfg_read(&e, PCI_COMMAND, 2) | PCI_COMMAND_MEMORY |
			  PCI_COMMAND_MASTER);
	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1,
		   0);
	if (buf == MAP_FAILED)
		return 1;
	gpa = gpa_of(buf);
	result("hostile-dma/ram", "gpa=0x%llx id=0x%08x dma=%s",
	       (unsigned long long)gpa, e.bar[0],
	       gpa && edu_roundtrip(e.bar, buf, gpa, 0x11) ? "ok" : "failed");
	/* the edu's buffer all zeros: a write into the MSI window would be
	 * an interrupt with vector 0, which no CPU takes */
	memset(buf, 0, 4096);
	edu_dma(e.bar, gpa, EDU_BUF, 4096, 0);
	for (unsigned int i = 0; i < n; i++) {
		bool w, r;

		/* edu -> IOVA, then IOVA -> edu -> our buffer */
		w = edu_dma(e.bar, EDU_BUF, t[i].iova, 64, EDU_DMA_TO_RAM);
		r = edu_dma(e.bar, t[i].iova, EDU_BUF, 64, 0);
		finished += w && r;
		snprintf(nm, sizeof(nm), "hostile-dma/%s", t[i].name);
		result(nm, "iova=0x%llx write_done=%s read_done=%s",
		       (unsigned long long)t[i].iova, w ? "yes" : "no",
		       r ? "yes" : "no");
	}
	result("hostile-dma/after", "dma=%s targets=%u finished=%u",
	       edu_roundtrip(e.bar, buf, gpa, 0x22) ? "ok" : "failed", n,
	       finished);
	return 0;
}

/* --- cfgfuzz ------------------------------------------------------------- */

/* Put back what a driver needs to probe again: BARs, ROM, the PM state
 * (D0), MSI/MSI-X off, PCIe device/link control; the command register
 * last. */
static void restore(struct dev *d)
{
	int pm = find_cap(d, PCI_CAP_ID_PM), msi = find_cap(d, PCI_CAP_ID_MSI);
	int exp = find_cap(d, PCI_CAP_ID_EXP);

	cfg_write(d, PCI_COMMAND, 2, 0);
	if (pm)
		cfg_write(d, pm + PCI_PM_CTRL, 2, 0);
	for (unsigned int r = PCI_BASE_ADDRESS_0; r <= PCI_BASE_ADDRESS_5;
	     r += 4)
		cfg_write(d, r, 4, *(uint32_t *)&d->saved[r]);
	cfg_write(d, PCI_ROM_ADDRESS, 4,
		  *(uint32_t *)&d->saved[PCI_ROM_ADDRESS]);
	cfg_write(d, PCI_INTERRUPT_LINE, 1, d->saved[PCI_INTERRUPT_LINE]);
	if (msi)
		cfg_write(d, msi + PCI_MSI_FLAGS, 2,
			  *(uint16_t *)&d->saved[msi + PCI_MSI_FLAGS]);
	if (d->msix)
		cfg_write(d, d->msix + PCI_MSIX_FLAGS, 2,
			  *(uint16_t *)&d->saved[d->msix + PCI_MSIX_FLAGS]);
	if (exp) {
		cfg_write(d, exp + PCI_EXP_DEVCTL, 2,
			  *(uint16_t *)&d->saved[exp + PCI_EXP_DEVCTL] &
				  ~PCI_EXP_DEVCTL_BCR_FLR);
		cfg_write(d, exp + PCI_EXP_LNKCTL, 2,
			  *(uint16_t *)&d->saved[exp + PCI_EXP_LNKCTL]);
	}
	cfg_write(d, PCI_COMMAND, 2, *(uint16_t *)&d->saved[PCI_COMMAND]);
}

static int cmd_cfgfuzz(uint64_t seed, int iters, int ndev, char **bdfs)
{
	struct dev *devs = calloc(ndev, sizeof(*devs));
	unsigned long long writes = 0, table_writes = 0;
	char nm[64];

	rng_state = seed;
	for (int i = 0; i < ndev; i++) {
		if (dev_open(&devs[i], bdfs[i], -1))
			return 1;
		if (devs[i].msix)
			devs[i].bar = map_resource(bdfs[i], devs[i].msix_bir,
						   &devs[i].bar_len);
		snprintf(nm, sizeof(nm), "hostile-cfg/dev-%d", i);
		result(nm, "bdf=%s config_bytes=%u msix_entries=%u msix_bar=%d",
		       bdfs[i], devs[i].cfg_size, devs[i].msix_n,
		       devs[i].msix_bir);
	}
	fflush(stdout);
	for (int it = 0; it < iters; it++) {
		for (int i = 0; i < ndev; i++) {
			struct dev *d = &devs[i];

			for (unsigned int off = 0; off < d->cfg_size;
			     off += 4) {
				uint64_t r = rnd();
				unsigned int len = 1u
						   << (r & 3 ? (r & 3) - 1 : 2);
				unsigned int o = off + ((r >> 2) & (4 - len));
				uint32_t v = (uint32_t)(r >> 32);

				cfg_write(d, o, len, v);
				writes++;
			}
			restore(d);
			if (!d->bar)
				continue;
			/* every dword of every MSI-X table entry, with MSI-X
			 * enabled every other round (vectors routed from
			 * random entries) */
			if (rnd() & 1)
				cfg_write(d, d->msix + PCI_MSIX_FLAGS, 2,
					  PCI_MSIX_FLAGS_ENABLE);
			for (unsigned int e = 0; e < d->msix_n * 4; e++) {
				size_t w = d->msix_off / 4 + e;

				if ((w + 1) * 4 > d->bar_len)
					break;
				d->bar[w] = (uint32_t)rnd();
				table_writes++;
			}
		}
		snprintf(nm, sizeof(nm), "hostile-cfg/iter-%d", it);
		result(nm, "writes=%llu table_writes=%llu", writes,
		       table_writes);
		fflush(stdout);
	}
	for (int i = 0; i < ndev; i++) {
		struct dev *d = &devs[i];

		restore(d);
		for (unsigned int e = 0; d->bar && e < d->msix_n; e++) {
			size_t w = d->msix_off / 4 + e * 4;

			if ((w + 4) * 4 > d->bar_len)
				break;
			d->bar[w + 3] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
		}
	}
	result("hostile-cfg/fuzz",
	       "seed=%llu iters=%d devices=%d writes=%llu table_writes=%llu write_errors=%llu",
	       (unsigned long long)seed, iters, ndev, writes, table_writes,
	       write_errors);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "bars"))
		return cmd_bars(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "dma"))
		return cmd_dma(argv[2], strtoul(argv[3], NULL, 0));
	if (argc >= 5 && !strcmp(argv[1], "cfgfuzz"))
		return cmd_cfgfuzz(strtoull(argv[2], NULL, 0), atoi(argv[3]),
				   argc - 4, argv + 4);
	fprintf(stderr,
		"usage: hostile bars NVME_BDF EDU_BDF | hostile dma EDU_BDF RAM_MIB | hostile cfgfuzz SEED ITERS BDF...\n");
	return 2;
}

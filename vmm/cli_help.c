// SPDX-License-Identifier: GPL-2.0
/*
 * The text of `passvm run --help` (vmm/cli.h). What differs between the
 * architectures (the console, the kernel format, the verdict page's
 * address, the verdict port, what --timeout does) comes from struct
 * arch_guest (arch/arch.h), whose values are the layout headers': the
 * words for the port and --timeout too, so that each binary carries only
 * its own architecture's.
 */
#include "vmm/cli.h"

#include "vmm/cli_ctl.h"
#include "vmm/cli_dev.h"

static const char help_head[] =
	"Usage: passvm run --kernel FILE [options]\n"
	"       passvm run --api-sock PATH | --config-file FILE [options]\n"
	"\n"
	"Boot a Linux kernel in a KVM microVM, optionally with PCI devices\n"
	"assigned through VFIO. The guest's serial console (%s) is passvm's\n"
	"stdin/stdout; on a terminal, press Ctrl-a x to quit, Ctrl-a h for\n"
	"help (Ctrl-C goes to the guest).\n"
	"\n"
	"  --kernel FILE      kernel to boot: a bzImage (x86_64, boot protocol\n"
	"                     2.06 or later) or an Image (arm64); this passvm\n"
	"                     is for %s guests (%s)\n"
	"  --initrd FILE      initramfs to load\n"
	"  --cmdline TEXT     kernel command line (default \"console=ttyS0\";\n"
	"                     keep console=ttyS0 in yours to see the guest)\n"
	"  --mem SIZE         guest RAM, K/M/G suffix, bare number = MiB\n"
	"                     (default 256M; 16M..1024G; Debian's cloud\n"
	"                     kernel needs at least 128M)\n"
	"  --cpus N           vCPUs (default 1; 1..254)\n"
	"  --vfio BDF[,managed]\n"
	"                     assign host PCI device BDF (bound to vfio-pci;\n"
	"                     with ,managed passvm binds it and restores the\n"
	"                     original driver at exit); repeatable\n"
	"  --vfio fd=N[,bdf=BDF]\n"
	"                     assign the device of an inherited open fd: a\n"
	"                     VFIO group /dev/vfio/G or a device cdev\n"
	"                     /dev/vfio/devices/vfioX (bdf= picks the device\n"
	"                     of a group with several)\n"
	"  --iommu auto|type1|iommufd\n"
	"                     IOMMU interface for assigned devices (default\n"
	"                     auto: iommufd when /dev/iommu and the device\n"
	"                     cdevs exist, else the type1 container)\n"
	"  --iommu-fd N       an inherited open /dev/vfio/vfio or /dev/iommu\n"
	"  --kvm-fd N         an inherited open /dev/kvm (with the fds above\n"
	"                     passvm needs no privilege)\n"
	"  --sriov PF,numvfs=N\n"
	"                     make N VFs on SR-IOV PF (autoprobe off), assign\n"
	"                     them all, remove them at exit; repeatable\n" CLI_DEV_HELP
	"  --hugepages        back guest RAM with 2 MiB hugetlbfs pages\n"
	"  --reboot           restart the guest in place when it resets\n"
	"                     (default: exit 3); more than 5 resets in 10 s\n"
	"                     end passvm with status 3\n"
	"  --stats[=json]     print exit counts and boot time at exit, as\n"
	"                     \"passvm: stats:\" lines or one JSON object on\n"
	"                     stderr (keys below)\n"
	"  --trace LIST       narrate steps on stderr: vfio,kvm,mem,pci,irq,\n"
	"                     boot,console (the guest's console lines) or all\n"
	"  --verdict LIST     let the guest end the run with a verdict V,\n"
	"                     exit status 64+V, through these channels (off\n"
	"                     by default): mmio (a byte at GPA 0x%llx:\n"
	"                     busybox devmem 0x%llx 8 V), serial (the\n"
	"                     console line \"PASSVM-VERDICT TOKEN V\", TOKEN\n"
	"                     from passvm.token= in /proc/cmdline), ";

static const char help_tail[] =
	"  --result FILE      how the run ended, as JSON (keys below), written\n"
	"                     atomically on every exit path\n" CLI_CTL_HELP "\n"
	"Exit status: 0 guest powered off; 1 passvm error; 2 usage error;\n"
	"3 guest reset; 4 guest crashed (triple fault, KVM internal error);\n"
	"5 timed out (--timeout); 64+V the guest's verdict V (0..63; a larger\n"
	"V gives 127); 128+SIG killed by signal SIG (130 for Ctrl-a x);\n"
	"148 a forbidden system call (seccomp); 152 bad --config-file or\n"
	"--level.\n"
	"\n"
	"In CI (README \"Test your driver in CI\"): boot the kernel with an\n"
	"initramfs whose init runs the tests (scripts/ci-initramfs makes one\n"
	"from a directory of test scripts) and ends with\n"
	"  busybox devmem 0x%llx 8 $status   (0 = pass)\n"
	"then: passvm run --kernel %s --initrd tests.cpio --vfio BDF,managed\n"
	"  --verdict mmio,serial --timeout 10m --result result.json\n"
	"and read the exit status (64 = pass) or result.json.\n"
	"\n"
	"--stats=json keys: launch_to_first_instruction_ms, launch_to_exit_s,\n"
	"reboots, exits {total, pio, mmio, hlt, signal, shutdown, system-event,\n"
	"other}, pio and mmio {RANGE: exits, ..., unclaimed}, memory_kib\n"
	"{vmm_rss_anon, guest_ram_touched, peak_rss}, guest_ram {backing, mib,\n"
	"resident_kib, prefault_ms}, dma {backend, mapped_mib, mappings,\n"
	"map_ms}, vfio [{bdf,\n"
	"trapped_bar_reads, trapped_bar_writes, msix_table_pba_accesses,\n"
	"config_reads, config_writes, bar_pieces_mapped, vectors_routed,\n"
	"managed, reset_ok, host_driver_restored, driver_at_exit}],\n"
	"virtio [{id, type (blk, net, vsock), slot, notifications,\n"
	"trapped_notifications, interrupts, config_interrupts,\n"
	"register_accesses; blk: reads, read_bytes, writes, written_bytes,\n"
	"flushes, discards, write_zeroes, get_ids, errors; net: tap, vhost,\n"
	"rx_packets, rx_bytes, tx_packets, tx_bytes, tx_errors,\n"
	"rx_no_buffers (null with vhost); vsock: host_connections,\n"
	"guest_connections, refused, rsts_sent, to_guest_bytes,\n"
	"from_guest_bytes}], verdict_writes_ignored {mmio, serial, port}.\n"
	"Counts add up across --reboot restarts.\n"
	"\n"
	"--result keys: schema, passvm_version, end (power-off, reset, crash,\n"
	"timeout, verdict, signal, error, usage-error, bad-config,\n"
	"bad-syscall), exit_status, message, signal, verdict {value,\n"
	"channel}, timeout {after_s, grace_s, fired, guest_end}, console,\n"
	"guest_started, and\n"
	"the --stats=json keys.\n";

void cli_run_help_print(FILE *out, const struct arch_guest *g)
{
	unsigned long long page = (unsigned long long)g->verdict_mmio;

	fprintf(out, help_head, g->console, g->name, g->kernel, page, page);
	if (g->verdict_port >= 0)
		fprintf(out, g->help_port, (unsigned int)g->verdict_port);
	else
		fprintf(out, g->help_port, g->name);
	if (g->power_button)
		fputs(g->help_timeout, out);
	else
		fprintf(out, g->help_timeout, g->name, g->name);
	fprintf(out, help_tail, page, g->kernel);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The aarch64 allowlists, per thread kind: the x86_64 lists (see
 * table_x86_64.c for why each call is there) in the generic system-call
 * table (openat, ppoll, epoll_pwait, dup3, newfstatat: no open, poll,
 * stat, dup2 or time), with arm64's KVM interface: KVM_GET_ONE_REG for a
 * crash report, KVM_ARM_VCPU_INIT, KVM_SET_ONE_REG and the vGIC's
 * KVM_CREATE_DEVICE/KVM_SET_DEVICE_ATTR to rebuild a boot, no PIT, CPUID,
 * TSS or LAPIC. Not yet traced on arm64 hardware: the arm64 port confirms
 * it (--seccomp log, then its lab), and adds what its own code calls.
 */
#if defined(__aarch64__)
#include <linux/audit.h>
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/vfio.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "sandbox/table.h"
#include "sandbox/table_common.h"

/*
 * Every thread. Messages (stdio: musl writes with writev), locks, thread
 * exit, malloc (mmap and mprotect without PROT_EXEC: nothing may become
 * executable), signals (vCPU kicks; the fatal-signal and SIGSYS handlers
 * restore the terminal and re-raise), clocks.
 */
/* The lists keep one rule a line. */
/* clang-format off */
static const uint32_t ioctl_tty_restore[] = { TCSETS };

static const struct sandbox_rule base[] = {
	SB_ALLOW_IN(ioctl, 1, ioctl_tty_restore),
	SB_ALLOW(write),
	SB_ALLOW(writev),
	SB_ALLOW(futex),
	SB_ALLOW(exit),
	SB_ALLOW(exit_group),
	SB_ALLOW(restart_syscall),
	SB_ALLOW(rt_sigreturn),
	SB_ALLOW(rt_sigprocmask),
	SB_ALLOW(rt_sigaction),
	SB_ALLOW(tkill),
	SB_ALLOW_SELF(tgkill, 0),
	SB_ALLOW(getpid),
	SB_ALLOW(gettid),
	SB_ALLOW(clock_gettime),
	SB_ALLOW(sched_yield),
	SB_ALLOW(brk),
	SB_ALLOW_CLEAR(mmap, 2, PROT_EXEC),
	SB_ALLOW_CLEAR(mprotect, 2, PROT_EXEC),
	SB_ALLOW(munmap),
	SB_ALLOW(mremap),
	SB_ALLOW(madvise),
};

/*
 * A vCPU thread: KVM_RUN, the registers of a crash report, and what the
 * exits it handles inline do (passvm has no device thread between a vCPU
 * and its devices): BAR moves remap memslots, MSI/MSI-X and INTx changes
 * push routes, attach irqfds, inject pending MSIs and set up the device's
 * interrupts; the UART, i8042 and RTC raise lines; trapped BAR and config
 * accesses are pread/pwrite on the VFIO device; the UART polls stdout.
 */
static const uint32_t ioctl_vcpu[] = {
	KVM_RUN,
	KVM_GET_ONE_REG,
	KVM_SET_USER_MEMORY_REGION,
	KVM_SET_GSI_ROUTING,
	KVM_IRQFD,
	KVM_SIGNAL_MSI,
	KVM_IRQ_LINE,
	VFIO_DEVICE_SET_IRQS,
};

static const struct sandbox_rule vcpu[] = {
	SB_ALLOW_IN(ioctl, 1, ioctl_vcpu),
	SB_ALLOW_IN(ioctl, 1, ioctl_vcpu_virtio),
	SB_ALLOW(read),
	SB_ALLOW(pread64),
	SB_ALLOW(pwrite64),
	SB_ALLOW(ppoll),
	SB_ALLOW(eventfd2),
	SB_ALLOW(close),
};

/*
 * The main thread once the vCPUs run: wait; on a --reboot, rebuild a boot
 * (a new KVM VM with its irqchip, PIT and VFIO device, guest RAM as a
 * memfd, the kernel and initrd read again, the assigned devices' models
 * reset and rebuilt, their RAM DMA-mapped again, vCPUs); at the end,
 * --stats (/proc/self/status), teardown (devices reset, groups out of the
 * container), managed devices given back through sysfs, the pidfile and
 * sockets removed. Not here: what only opening needs (VFIO_SET_IOMMU,
 * VFIO_GROUP_SET_CONTAINER, VFIO_GROUP_GET_DEVICE_FD, KVM_GET_API_VERSION
 * ...): no device can be opened or added once the guest runs.
 */
static const uint32_t ioctl_main[] = {
	KVM_CHECK_EXTENSION,
	KVM_CREATE_VM,
	KVM_ARM_PREFERRED_TARGET,
	KVM_CREATE_DEVICE,
	KVM_SET_DEVICE_ATTR,
	KVM_CREATE_VCPU,
	KVM_ARM_VCPU_INIT,
	KVM_GET_ONE_REG,
	KVM_SET_ONE_REG,
	VFIO_DEVICE_GET_INFO,
	VFIO_DEVICE_GET_REGION_INFO,
	VFIO_DEVICE_GET_IRQ_INFO,
	VFIO_DEVICE_RESET,
	VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
	VFIO_DEVICE_PCI_HOT_RESET,
	VFIO_IOMMU_MAP_DMA,
	VFIO_IOMMU_UNMAP_DMA,
	VFIO_GROUP_UNSET_CONTAINER,
};

static const uint32_t prctl_thread[] = { PR_SET_NAME, PR_SET_NO_NEW_PRIVS };
static const uint32_t seccomp_filter[] = { SECCOMP_SET_MODE_FILTER };

static const struct sandbox_rule main_rules[] = {
	SB_ALLOW_IN(ioctl, 1, ioctl_main),
	SB_ALLOW_IN(ioctl, 1, ioctl_main_devices),
	SB_ALLOW(read),
	SB_ALLOW(pread64),
	SB_ALLOW(pwrite64),
	SB_ALLOW(openat),
	SB_ALLOW(close),
	SB_ALLOW(fstat),
	SB_ALLOW(newfstatat),
	SB_ALLOW(statx),
	SB_ALLOW(lseek),
	SB_ALLOW(fcntl),
	SB_ALLOW(readlinkat),
	SB_ALLOW(faccessat),
	SB_ALLOW(faccessat2),
	SB_ALLOW(getdents64),
	SB_ALLOW(unlinkat),
	SB_ALLOW(memfd_create),
	SB_ALLOW(ftruncate),
	SB_ALLOW(eventfd2),
	SB_ALLOW(epoll_create1),
	SB_ALLOW(timerfd_create),
	SB_ALLOW(ppoll),
	SB_ALLOW(nanosleep),
	SB_ALLOW(clock_nanosleep),
	SB_ALLOW(prlimit64),
	SB_ALLOW(getrlimit),
	SB_ALLOW(sched_getaffinity),
	/* --result: a temporary file made durable, then renamed */
	SB_ALLOW(getrandom),
	SB_ALLOW(fsync),
	SB_ALLOW(fchmod),
	SB_ALLOW(fchmodat),
	SB_ALLOW(renameat),
	SB_ALLOW(renameat2),
	/* threads only: a process cannot be forked */
	SB_ALLOW_SET(clone, 0, CLONE_THREAD),
	SB_ERRNO(clone3, ENOSYS),
	/* glibc's new threads, before their start routine */
	SB_ALLOW(set_robust_list),
	SB_ALLOW(rseq),
	/* the threads it starts name themselves and add their filter */
	SB_ALLOW_IN(prctl, 0, prctl_thread),
	SB_ALLOW_IN(seccomp, 0, seccomp_filter),
};

/*
 * The API thread "fc_api": epoll over the socket and its clients, PUT
 * /logger and PUT /metrics open their files (and the logger takes
 * stderr), SendCtrlAltDel raises the i8042's line, PATCH /vm kicks the
 * vCPUs (base: tkill/tgkill).
 */
static const uint32_t ioctl_api[] = { KVM_IRQ_LINE };

static const struct sandbox_rule api[] = {
	SB_ALLOW(epoll_pwait),
	SB_ALLOW_IN(ioctl, 1, ioctl_api),
	SB_ALLOW(epoll_ctl),
	SB_ALLOW(accept4),
	SB_ALLOW(recvfrom),
	SB_ALLOW(sendto),
	SB_ALLOW(read),
	SB_ALLOW(close),
	SB_ALLOW(openat),
	SB_ALLOW(dup3),
	SB_ALLOW(fcntl),
	SB_ALLOW(fstat),
	SB_ALLOW(newfstatat),
};

/* stdin to the UART, waiting for FIFO space; isatty() at its start. */
static const uint32_t ioctl_tty_query[] = { TCGETS, TIOCGWINSZ };

static const struct sandbox_rule console[] = {
	SB_ALLOW(read),
	SB_ALLOW(ppoll),
	SB_ALLOW_IN(ioctl, 1, ioctl_tty_query),
};

/* --console socket:PATH: one client at a time, both directions. */
static const struct sandbox_rule console_socket[] = {
	SB_ALLOW(ppoll), /* the listener, the guest's output, the client */
	SB_ALLOW(accept4), /* a client */
	SB_ALLOW(read), /* the guest's output, the client's input */
	SB_ALLOW(sendto), /* send() to the client */
	SB_ALLOW(close), /* a client gone */
};

/* sigwait() for SIGINT, SIGTERM, SIGHUP (and vm_run's SIGUSR2). */
static const struct sandbox_rule signal_rules[] = {
	SB_ALLOW(rt_sigtimedwait),
};

/*
 * A device's I/O thread (virtio/loop.c on the merge-virtio branch): as
 * x86_64's, with the same ioctls (table_common.h).
 */
static const uint32_t socket_unix[] = { AF_UNIX };

static const struct sandbox_rule io[] = {
	SB_ALLOW_IN(ioctl, 1, ioctl_io),
	SB_ALLOW(epoll_pwait),
	SB_ALLOW(epoll_ctl),
	SB_ALLOW(read),
	SB_ALLOW(readv),
	SB_ALLOW(preadv),
	SB_ALLOW(pwritev),
	SB_ALLOW(pread64),
	SB_ALLOW(pwrite64),
	SB_ALLOW(fsync),
	SB_ALLOW(fdatasync),
	SB_ALLOW(fallocate),
	SB_ALLOW(lseek),
	SB_ALLOW(fstat),
	SB_ALLOW(newfstatat), /* fstat() in glibc */
	SB_ALLOW(fcntl),
	SB_ALLOW(flock),
	SB_ALLOW(close),
	SB_ALLOW(eventfd2),
	SB_ALLOW_IN(socket, 0, socket_unix),
	SB_ALLOW(connect),
	SB_ALLOW(accept4),
	SB_ALLOW(shutdown),
	SB_ALLOW(recvfrom),
	SB_ALLOW(sendto),
	SB_ALLOW(recvmsg),
	SB_ALLOW(sendmsg),
	SB_ALLOW(timerfd_settime),
};

/* clang-format on */

static const struct sandbox_table table = {
	.audit_arch = AUDIT_ARCH_AARCH64,
	.nr_limit = 0, /* one ABI: compat (AArch32) calls have another arch */
	.policies = {
		[SANDBOX_MAIN] = {
			.lists = { SB_LIST(main_rules), SB_LIST(base) },
			.nr_lists = 2,
			.starts = 1u << SANDBOX_VCPU | 1u << SANDBOX_CONSOLE |
				  1u << SANDBOX_IO,
		},
		[SANDBOX_VCPU] = {
			.lists = { SB_LIST(vcpu), SB_LIST(base) },
			.nr_lists = 2,
		},
		[SANDBOX_API] = {
			.lists = { SB_LIST(api), SB_LIST(base) },
			.nr_lists = 2,
		},
		[SANDBOX_CONSOLE] = {
			.lists = { SB_LIST(console), SB_LIST(base) },
			.nr_lists = 2,
		},
		[SANDBOX_CONSOLE_SOCKET] = {
			.lists = { SB_LIST(console_socket), SB_LIST(base) },
			.nr_lists = 2,
		},
		[SANDBOX_SIGNAL] = {
			.lists = { SB_LIST(signal_rules), SB_LIST(base) },
			.nr_lists = 2,
		},
		[SANDBOX_IO] = {
			.lists = { SB_LIST(io), SB_LIST(base) },
			.nr_lists = 2,
		},
	},
};

const struct sandbox_table *const sandbox_table = &table;
#endif

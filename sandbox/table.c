// SPDX-License-Identifier: GPL-2.0
/*
 * The allowlists, per thread kind, written once for every architecture:
 * each list holds the calls of the generic system-call table
 * (asm-generic/unistd.h: openat, ppoll, epoll_pwait, dup3, newfstatat) and
 * the ioctls that are the same everywhere (generic KVM, VFIO, vhost, tun,
 * iommufd), and takes in its architecture's own (SB_ARCH_* of
 * sandbox/table_x86_64.h or sandbox/table_aarch64.h: calls that exist on
 * one architecture only, and the KVM ioctls of its CPU and interrupt
 * controller). Both C libraries passvm builds with are covered: musl (the
 * release build: writev for stdio, tkill, and on x86_64 the older calls)
 * and glibc (make CC=gcc: openat, newfstatat, clone3 then clone, rseq and
 * set_robust_list in new threads, tgkill). Found by tracing each thread on
 * x86_64 (strace -f of the smoke tests and of the lab's scenarios, and
 * --seccomp log runs); a list names why each call is there when that is
 * not obvious. The device code of the branches that merge after the
 * filters (virtio and vhost-net on merge-virtio, iommufd on iommufd) is
 * covered for what it calls once the guest runs.
 */
#include <errno.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "sandbox/iommufd_ioctl.h"
#include "sandbox/table.h"

/* What differs per architecture: the SB_ARCH_* lists and constants. */
#if defined(__x86_64__)
#include "sandbox/table_x86_64.h"
#elif defined(__aarch64__)
#include "sandbox/table_aarch64.h"
#else
#error "passvm has no seccomp table for this architecture (sandbox/table.c)"
#endif

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
 * A vCPU thread: KVM_RUN, the registers of a crash report (the
 * architecture's), and what the exits it handles inline do (passvm has no
 * device thread between a vCPU and its devices): BAR moves remap memslots,
 * MSI/MSI-X and INTx changes push routes, attach irqfds, inject pending
 * MSIs and set up the device's interrupts; the UART, i8042 and RTC raise
 * lines; trapped BAR and config accesses are pread/pwrite on the VFIO
 * device; the UART polls stdout.
 * virtio (merge-virtio branch): a BAR0 move (de)assigns the queues'
 * notify ioeventfds (KVM_IOEVENTFD), vhost-net follows a memory map change
 * (VHOST_SET_MEM_TABLE), a vector's first use makes its irqfd (eventfd2);
 * the rest of a register write runs on the device's I/O thread.
 */
static const uint32_t ioctl_vcpu[] = {
	KVM_RUN,
	SB_ARCH_VCPU_IOCTLS
	KVM_SET_USER_MEMORY_REGION,
	KVM_SET_GSI_ROUTING,
	KVM_IRQFD,
	KVM_SIGNAL_MSI,
	KVM_IRQ_LINE,
	VFIO_DEVICE_SET_IRQS,
};

static const uint32_t ioctl_vcpu_virtio[] = {
	KVM_IOEVENTFD,
	VHOST_SET_MEM_TABLE,
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
	SB_ARCH_VCPU
};

/*
 * The main thread once the vCPUs run: wait; on a --reboot, rebuild a boot
 * (a new KVM VM with its interrupt controller and VFIO device, guest RAM
 * as a memfd, the kernel and initrd read again, the assigned devices'
 * models reset and rebuilt, their RAM DMA-mapped again, vCPUs); at the
 * end, --stats (/proc/self/status), teardown (devices reset, groups out of
 * the container), managed devices given back through sysfs, the pidfile
 * and sockets removed; run --sriov's VFs given back and removed (sysfs
 * writes, /proc/PID/fd scanned for their users, the PF's record deleted).
 * For the branches that merge after this list: iommufd maps and unmaps
 * guest RAM in its IOAS on a --reboot, and at exit detaches the devices
 * and destroys the IOAS; its parallel prefault (each boot) asks the CPU
 * count (sched_getaffinity, vmm/vm.c) and starts threads that
 * madvise(MADV_POPULATE_WRITE) under this filter; virtio rebuilds its
 * devices each boot (epoll_create1, eventfd2, vsock's timerfd_create,
 * vhost-net opened again: VHOST_SET_OWNER, VHOST_GET_FEATURES) and tears
 * them down (ioeventfds and irqfds off, vhost stopped, TUNSETOFFLOAD);
 * ci's --timeout presses the power button (KVM_IRQ_LINE) from here and
 * --result writes its file atomically (mkostemp: getrandom in glibc,
 * fsync, chmod, rename). Not here: what only opening needs
 * (VFIO_SET_IOMMU, VFIO_GROUP_SET_CONTAINER, VFIO_GROUP_GET_DEVICE_FD,
 * KVM_GET_API_VERSION, iommufd's IOMMU_IOAS_ALLOC,
 * VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_ATTACH_IOMMUFD_PT, tap's
 * TUNSETIFF ...): no device can be opened or added once the guest runs.
 */
static const uint32_t ioctl_main[] = {
	KVM_CHECK_EXTENSION,
	KVM_CREATE_VM,
	KVM_CREATE_DEVICE,
	KVM_SET_DEVICE_ATTR,
	KVM_CREATE_VCPU,
	SB_ARCH_MAIN_IOCTLS
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

/*
 * main: an iommufd IOAS's maps on a --reboot and its end at exit; --timeout's
 * power button; virtio's devices rebuilt (vhost-net opened again) and torn
 * down (ioeventfds and irqfds off, vhost stopped, tap offloads reset).
 */
static const uint32_t ioctl_main_devices[] = {
	IOMMU_IOAS_MAP,
	IOMMU_IOAS_UNMAP,
	IOMMU_DESTROY,
	VFIO_DEVICE_DETACH_IOMMUFD_PT,
	KVM_IRQ_LINE,
	KVM_IOEVENTFD,
	KVM_IRQFD,
	KVM_SET_GSI_ROUTING,
	VHOST_SET_OWNER,
	VHOST_RESET_OWNER, /* a --net vhost-fd=N given back at each teardown */
	VHOST_GET_FEATURES,
	VHOST_SET_MEM_TABLE,
	VHOST_NET_SET_BACKEND,
	VHOST_GET_VRING_BASE,
	VHOST_SET_VRING_CALL,
	TUNSETOFFLOAD,
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
	SB_ALLOW(mincore), /* --stats: guest RAM resident at exit */
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
	SB_ARCH_MAIN
};

/*
 * The API thread "fc_api": epoll over the socket and its clients, PUT
 * /logger and PUT /metrics open their files (and the logger takes
 * stderr), SendCtrlAltDel raises the i8042's line, PATCH /vm kicks the
 * vCPUs (base: tkill/tgkill), PATCH /drives opens and locks a new image
 * (blk_image_open: its size by lseek, access for the message about a
 * read-only file).
 */
static const uint32_t ioctl_api[] = { KVM_IRQ_LINE };

static const struct sandbox_rule api[] = {
	SB_ALLOW_IN(ioctl, 1, ioctl_api),
	SB_ALLOW(epoll_pwait),
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
	SB_ALLOW(lseek),
	SB_ALLOW(faccessat),
	SB_ALLOW(faccessat2),
	SB_ALLOW(mincore), /* FlushMetrics: guest RAM resident */
	SB_ARCH_API
};

/* stdin to the UART, waiting for FIFO space; isatty() at its start. */
static const uint32_t ioctl_tty_query[] = { TCGETS, TIOCGWINSZ };

static const struct sandbox_rule console[] = {
	SB_ALLOW_IN(ioctl, 1, ioctl_tty_query),
	SB_ALLOW(read),
	SB_ALLOW(ppoll),
	SB_ARCH_CONSOLE
};

/* --console socket:PATH: one client at a time, both directions. */
static const struct sandbox_rule console_socket[] = {
	SB_ALLOW(ppoll), /* the listener, the guest's output, the client */
	SB_ALLOW(accept4), /* a client */
	SB_ALLOW(read), /* the guest's output, the client's input */
	SB_ALLOW(sendto), /* send() to the client */
	SB_ALLOW(close), /* a client gone */
	SB_ARCH_CONSOLE_SOCKET
};

/* sigwait() for SIGINT, SIGTERM, SIGHUP (and vm_run's SIGUSR2). */
static const struct sandbox_rule signal_rules[] = {
	SB_ALLOW(rt_sigtimedwait),
};

/*
 * A device's I/O thread (virtio/loop.c on the merge-virtio branch): epoll
 * on eventfds and host fds; block images (vectored and positioned I/O,
 * flush, discard and write-zeroes with fallocate); taps (readv/writev);
 * vsock over Unix sockets (connect to the host side, accept, a timer for
 * its retries). The transport's calls run here too (vio_loop_call):
 * DRIVER_OK starts vhost-net (features, memory table, rings, backend) and
 * sets the tap's offloads, a reset stops it (backend off, ring bases
 * read back), an MSI-X change moves vhost's call fds; a queue's interrupt
 * is an irqfd write, or a line (KVM_IRQ_LINE) under INTx, and its routes
 * may be pushed from here (KVM_SET_GSI_ROUTING, KVM_IRQFD).
 */
static const uint32_t ioctl_io[] = {
	KVM_IRQ_LINE,
	KVM_SIGNAL_MSI,
	KVM_IRQFD,
	KVM_SET_GSI_ROUTING,
	VHOST_SET_FEATURES,
	VHOST_SET_MEM_TABLE,
	VHOST_SET_VRING_NUM,
	VHOST_SET_VRING_BASE,
	VHOST_GET_VRING_BASE,
	VHOST_SET_VRING_ADDR,
	VHOST_SET_VRING_KICK,
	VHOST_SET_VRING_CALL,
	VHOST_NET_SET_BACKEND,
	TUNSETOFFLOAD,
};

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
	SB_ARCH_IO
};

/* clang-format on */

/* A kind's policy: its own list, then the base every thread holds. */
#define SB_POLICY(r, ...)                                              \
	{                                                              \
		.lists = { SB_LIST(r), SB_LIST(base) }, .nr_lists = 2, \
		__VA_ARGS__                                            \
	}

static const struct sandbox_table table = {
	.audit_arch = SB_ARCH_AUDIT,
	.nr_limit = SB_ARCH_NR_LIMIT,
	.policies = {
		[SANDBOX_MAIN] = SB_POLICY(main_rules,
			.starts = 1u << SANDBOX_VCPU | 1u << SANDBOX_CONSOLE |
				  1u << SANDBOX_IO),
		[SANDBOX_VCPU] = SB_POLICY(vcpu),
		[SANDBOX_API] = SB_POLICY(api),
		[SANDBOX_CONSOLE] = SB_POLICY(console),
		[SANDBOX_CONSOLE_SOCKET] = SB_POLICY(console_socket),
		[SANDBOX_SIGNAL] = SB_POLICY(signal_rules),
		[SANDBOX_IO] = SB_POLICY(io),
	},
};

const struct sandbox_table *const sandbox_table = &table;

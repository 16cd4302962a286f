// SPDX-License-Identifier: GPL-2.0
/*
 * Each thread kind's filter admits what its code does once the guest
 * runs, in the kernel, in forked children, with the C library of the
 * tests (glibc; the lists cover musl too, see sandbox/table.c):
 * threads started after the main thread's filter run under both, as in
 * passvm. The calls are those of main's code and of the branches that
 * merge after the filters, written here from their code, not from the
 * tables: merge-virtio's I/O threads (virtio/loop.c, blk.c, net.c, tap.c,
 * vhost_net.c, vsock*.c) and vCPU exits (virtio_regs.c), iommufd's
 * teardown and prefault (vfio/iommufd.c, vfio/dma.c, memory/backing.c),
 * ci's --timeout and --result (vmm/vm_run.c, vmm/result.c). An ioctl
 * request is tried on fd -1: EBADF when the filter lets it through, exit
 * 148 when not. A trap names the call on stderr, which a failure prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/vfio.h>
#include <linux/vhost.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/iommufd_ioctl.h"
#include "sandbox/policy.h"
#include "sandbox_child.h"
#include "virtio/blk.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* linux/mman.h, Linux 5.14 */
#endif

/* Each request on fd -1: 0 when every one got EBADF (let through). */
static int ioctls_pass(const unsigned long *reqs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (ioctl(-1, reqs[i], 0) != -1 || errno != EBADF)
			return 10 + (int)i;
	return 0;
}

/* ---- the main thread ---- */

/* What main's code and the later branches' do on the main thread. */
static const unsigned long main_ioctls[] = {
	/* a --reboot rebuilds the KVM VM and the assigned device's state */
	KVM_CREATE_VM, KVM_CREATE_IRQCHIP, KVM_CREATE_VCPU, KVM_SET_REGS,
	VFIO_IOMMU_MAP_DMA, VFIO_DEVICE_RESET,
	/* iommufd: guest RAM in the IOAS again; at exit the IOAS goes */
	IOMMU_IOAS_MAP, IOMMU_IOAS_UNMAP, VFIO_DEVICE_DETACH_IOMMUFD_PT,
	IOMMU_DESTROY,
	/* ci: --timeout presses the ACPI power button (the SCI line) */
	KVM_IRQ_LINE,
	/* virtio: vhost-net opened again each boot, devices torn down */
	VHOST_SET_OWNER, VHOST_GET_FEATURES, VHOST_NET_SET_BACKEND,
	VHOST_GET_VRING_BASE, KVM_IOEVENTFD, KVM_IRQFD, KVM_SET_GSI_ROUTING,
	TUNSETOFFLOAD
};

/* ci's result_write(): a temporary file, durable, readable, renamed. */
static int write_result(const char *dir)
{
	char tmp[300], path[256];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/result.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return 20;
	f = fdopen(fd, "w");
	if (!f)
		return 21;
	fprintf(f, "{\"exit\": 0}\n");
	if (fflush(f) || fsync(fd) || fclose(f))
		return 22;
	if (chmod(tmp, 0644) || rename(tmp, path))
		return 23;
	return unlink(path) ? 24 : 0;
}

/* iommufd's ram_backing_prefault(): threads fault guest RAM in. */
static void *prefault(void *arg)
{
	return madvise(arg, 2u << 20, MADV_POPULATE_WRITE) && errno != EINVAL ?
		       arg :
		       NULL;
}

static int main_steady(void *arg)
{
	const char *dir = arg;
	struct pv_error e;
	cpu_set_t cpus;
	char buf[256];
	pthread_t t;
	void *ret = NULL, *ram;
	DIR *d;
	FILE *f;
	int fd, r;

	if (sandbox_init(SANDBOX_ON, NULL, &e) ||
	    sandbox_enter(SANDBOX_MAIN, &e))
		return 3;
	r = ioctls_pass(main_ioctls, sizeof(main_ioctls) / sizeof(long));
	if (r)
		return r;
	r = write_result(dir);
	if (r)
		return r;
	/* a boot's guest RAM (memfd) and its prefault threads (vmm/vm.c) */
	if (sched_getaffinity(0, sizeof(cpus), &cpus) || CPU_COUNT(&cpus) < 1)
		return 30;
	fd = memfd_create("passvm-ram", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 2u << 20))
		return 31;
	ram = mmap(NULL, 2u << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ram == MAP_FAILED)
		return 32;
	if (pthread_create(&t, NULL, prefault, ram) || pthread_join(t, &ret) ||
	    ret)
		return 33;
	/* --stats at exit: how much of guest RAM is resident */
	if (mincore(ram, 2u << 20, (unsigned char *)buf))
		return 39;
	munmap(ram, 2u << 20);
	close(fd);
	/* virtio devices rebuilt: an epoll set, eventfds, vsock's timer */
	fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0 || close(fd))
		return 34;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0 || close(fd))
		return 35;
	/* --stats, and --sriov's teardown looking for a VF's users */
	f = fopen("/proc/self/status", "re");
	if (!f || !fgets(buf, sizeof(buf), f) || fclose(f))
		return 36;
	d = opendir("/proc/self/fd");
	if (!d)
		return 37;
	while (readdir(d))
		;
	closedir(d);
	if (readlink("/proc/self/exe", buf, sizeof(buf)) < 0)
		return 38;
	nanosleep(&(struct timespec){ 0, 1000 }, NULL);
	return 0;
}

static void test_main_steady(void **state)
{
	char dir[] = "/tmp/passvm-paths-XXXXXX", err[4096];

	assert_non_null(mkdtemp(dir));
	if (in_child(main_steady, dir, err, sizeof(err)))
		fail_msg("the main thread's filter refused its work: %s", err);
	rmdir(dir);
}

/* ---- threads the main thread starts once its filter is on ---- */

struct thread_job {
	enum sandbox_kind kind;
	int (*work)(void *);
	void *arg;
	int ret;
};

static void *thread_run(void *arg)
{
	struct thread_job *j = arg;
	struct pv_error e;

	j->ret = sandbox_enter(j->kind, &e) ? 3 : j->work(j->arg);
	return NULL;
}

/* @job on a thread of its kind under the main thread's filter. */
static int stacked(void *arg)
{
	struct thread_job *j = arg;
	struct pv_error e;
	pthread_t t;

	if (sandbox_init(SANDBOX_ON, NULL, &e) ||
	    sandbox_enter(SANDBOX_MAIN, &e))
		return 3;
	if (pthread_create(&t, NULL, thread_run, j) || pthread_join(t, NULL))
		return 4;
	return j->ret;
}

static void expect_stacked(enum sandbox_kind kind, int (*work)(void *),
			   void *arg)
{
	struct thread_job j = { kind, work, arg, -1 };
	char err[4096];
	int r = in_child(stacked, &j, err, sizeof(err));

	if (r)
		fail_msg("%s thread: status %d: %s", sandbox_kind_name(kind), r,
			 err);
}

/* FlushMetrics on the API thread: the stats, guest RAM resident too. */
static int api_metrics(void *arg)
{
	unsigned char vec[4];
	char line[256];
	void *ram;
	FILE *f;

	(void)arg;
	ram = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		return 40;
	if (mincore(ram, 4 * 4096, vec))
		return 41;
	munmap(ram, 4 * 4096);
	f = fopen("/proc/self/status", "re");
	if (!f || !fgets(line, sizeof(line), f) || fclose(f))
		return 42;
	return 0;
}

static void test_api_metrics(void **state)
{
	expect_stacked(SANDBOX_API, api_metrics, NULL);
}

/*
 * PATCH /drives path_on_host on the API thread: the new image opened,
 * measured and locked (blk_image_open), or refused with its message
 * (missing; read-write asked of a read-only file: access()).
 */
static int api_drive(void *arg)
{
	const char *dir = arg;
	struct pv_error e;
	struct blk_image im;
	char path[256];

	snprintf(path, sizeof(path), "%s/disk.img", dir);
	if (blk_image_open(&im, path, false, &e))
		return 50;
	blk_image_close(&im);
	if (access(path, R_OK))
		return 51;
	snprintf(path, sizeof(path), "%s/missing.img", dir);
	return blk_image_open(&im, path, false, &e) == -ENOENT ? 0 : 52;
}

static void test_api_drive(void **state)
{
	char dir[] = "/tmp/passvm-sbd-XXXXXX", path[64];
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/disk.img", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0 && !ftruncate(fd, 4096));
	close(fd);
	expect_stacked(SANDBOX_API, api_drive, dir);
	unlink(path);
	rmdir(dir);
}

/* vCPU exits: virtio BAR0 moves, vhost-net's memory table, MSI-X. */
static const unsigned long vcpu_ioctls[] = { KVM_RUN,
					     KVM_IOEVENTFD,
					     VHOST_SET_MEM_TABLE,
					     KVM_SET_GSI_ROUTING,
					     KVM_IRQFD,
					     VFIO_DEVICE_SET_IRQS,
					     KVM_SET_USER_MEMORY_REGION };

static int vcpu_work(void *arg)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); /* a vector's irqfd */
	uint64_t one = 1;

	(void)arg;
	if (fd < 0 || write(fd, &one, sizeof(one)) != sizeof(one) || close(fd))
		return 20;
	return ioctls_pass(vcpu_ioctls, sizeof(vcpu_ioctls) / sizeof(long));
}

static void test_vcpu_virtio(void **state)
{
	expect_stacked(SANDBOX_VCPU, vcpu_work, NULL);
}

/* I/O threads: vhost-net start and stop, tap offloads, interrupts. */
static const unsigned long io_ioctls[] = { VHOST_SET_FEATURES,
					   VHOST_SET_MEM_TABLE,
					   VHOST_SET_VRING_NUM,
					   VHOST_SET_VRING_BASE,
					   VHOST_SET_VRING_ADDR,
					   VHOST_SET_VRING_KICK,
					   VHOST_SET_VRING_CALL,
					   VHOST_NET_SET_BACKEND,
					   VHOST_GET_VRING_BASE,
					   TUNSETOFFLOAD,
					   KVM_IRQ_LINE,
					   KVM_SET_GSI_ROUTING,
					   KVM_IRQFD };

/* An I/O thread's fds: opened by the main thread at start. */
struct io_fds {
	int image, listener, ep, timer;
	char sock[108];
};

/* virtio-blk: requests, flush, discard and write-zeroes; the lock. */
static int blk_work(int fd)
{
	char a[512] = "passvm", b[512];
	struct iovec w = { a, sizeof(a) }, r = { b, sizeof(b) };
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat st;

	if (pwritev(fd, &w, 1, 4096) != sizeof(a) ||
	    preadv(fd, &r, 1, 4096) != sizeof(b) || memcmp(a, b, sizeof(a)))
		return 30;
	if (pwrite(fd, a, sizeof(a), 0) != sizeof(a) ||
	    pread(fd, b, sizeof(b), 0) != sizeof(b))
		return 31;
	if (fdatasync(fd) || fsync(fd))
		return 32;
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
		      4096) &&
	    errno != EOPNOTSUPP)
		return 33;
	if (fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0,
		      4096) &&
	    errno != EOPNOTSUPP)
		return 34;
	if (fstat(fd, &st) || lseek(fd, 0, SEEK_END) < 0)
		return 35;
	if (fcntl(fd, F_SETLK, &fl) || flock(fd, LOCK_SH | LOCK_NB))
		return 36;
	return 0;
}

/* vsock: a guest connect to the host's PATH_PORT, and one accepted. */
static int vsock_work(const struct io_fds *f)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char buf[8] = "", msg[] = "ping";
	struct iovec w = { msg, 4 }, r = { buf, sizeof(buf) - 1 };
	int c, s;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", f->sock);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		return 40;
	s = accept4(f->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (s < 0)
		return 41;
	if (writev(c, &w, 1) != 4 || readv(s, &r, 1) != 4 ||
	    strcmp(buf, "ping"))
		return 42;
	if (shutdown(c, SHUT_WR) || close(c) || close(s))
		return 43;
	return 0;
}

/* The loop: epoll over an eventfd (a kick, its wake-up) and the timer. */
static int loop_work(const struct io_fds *f)
{
	struct itimerspec it = { .it_value = { 0, 1000 } };
	struct epoll_event e = { .events = EPOLLIN }, got;
	int ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t one = 1, v;

	if (ev < 0 || epoll_ctl(f->ep, EPOLL_CTL_ADD, ev, &e) ||
	    epoll_ctl(f->ep, EPOLL_CTL_ADD, f->timer, &e))
		return 50;
	if (write(ev, &one, sizeof(one)) != sizeof(one) ||
	    epoll_wait(f->ep, &got, 1, 1000) != 1 ||
	    read(ev, &v, sizeof(v)) != sizeof(v))
		return 51;
	if (epoll_ctl(f->ep, EPOLL_CTL_DEL, ev, NULL) ||
	    timerfd_settime(f->timer, 0, &it, NULL) ||
	    epoll_wait(f->ep, &got, 1, 1000) != 1 ||
	    read(f->timer, &v, sizeof(v)) != sizeof(v))
		return 52;
	e.events = 0;
	if (epoll_ctl(f->ep, EPOLL_CTL_MOD, f->timer, &e) || close(ev))
		return 53;
	return 0;
}

static int io_work(void *arg)
{
	const struct io_fds *f = arg;
	int r = ioctls_pass(io_ioctls, sizeof(io_ioctls) / sizeof(long));

	if (!r)
		r = blk_work(f->image);
	if (!r)
		r = vsock_work(f);
	return r ? r : loop_work(f);
}

static void test_io_thread(void **state)
{
	char dir[] = "/tmp/passvm-paths-XXXXXX", img[160];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct io_fds f;

	assert_non_null(mkdtemp(dir));
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	snprintf(f.sock, sizeof(f.sock), "%s/v.sock_52", dir);
	f.image = open(img, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(f.image >= 0);
	assert_int_equal(ftruncate(f.image, 1 << 20), 0);
	f.listener =
		socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", f.sock);
	assert_int_equal(bind(f.listener, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(f.listener, 4), 0);
	f.ep = epoll_create1(EPOLL_CLOEXEC);
	f.timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	assert_true(f.ep >= 0 && f.timer >= 0);

	expect_stacked(SANDBOX_IO, io_work, &f);

	close(f.image);
	close(f.listener);
	close(f.ep);
	close(f.timer);
	unlink(img);
	unlink(f.sock);
	rmdir(dir);
}

/* And what an I/O thread never does: make a tap, bind, listen, fork. */
static int io_forbidden(void *arg)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)arg;
	listen(fd, 1);
	return 0;
}

static void test_io_cannot_listen(void **state)
{
	struct thread_job j = { SANDBOX_IO, io_forbidden, NULL, -1 };
	char err[4096];

	assert_int_equal(in_child(stacked, &j, err, sizeof(err)),
			 SANDBOX_EXIT_BAD_SYSCALL);
	assert_non_null(strstr(err, "the io thread made a forbidden system "
				    "call: listen"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_main_steady),
		cmocka_unit_test(test_api_metrics),
		cmocka_unit_test(test_api_drive),
		cmocka_unit_test(test_vcpu_virtio),
		cmocka_unit_test(test_io_thread),
		cmocka_unit_test(test_io_cannot_listen),
	};

	if (!sandbox_table) {
		printf("no seccomp table for this architecture: skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

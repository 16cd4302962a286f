// SPDX-License-Identifier: GPL-2.0
/*
 * The vfio layer tells the VMM about each open group (struct
 * vfio_group_hook): add before any device is used, del while the group fd
 * is still open and before it is closed; and the KVM side of it
 * (vmm/kvm_vfio.c) against the real /dev/kvm when there is one.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/kvm.h>

#include "vfio/vfio.h"
#include "vmm/kvm_vfio.h"

struct call {
	char op; /* 'a' add, 'd' del */
	int id, fd;
	bool fd_open;
};

struct recorder {
	struct call calls[16];
	int n;
	int fail_id; /* add of this group fails */
};

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* "group 7" -> 7 */
static int name_id(const char *name)
{
	return atoi(name + strlen("group "));
}

static int rec_add(void *opaque, const char *name, int fd, struct pv_error *err)
{
	struct recorder *r = opaque;
	int id = name_id(name);

	r->calls[r->n++] = (struct call){ 'a', id, fd, fd_open(fd) };
	if (id == r->fail_id)
		return pv_seterr(err, EINVAL, "group %d refused", id);
	return 0;
}

static void rec_del(void *opaque, const char *name, int fd)
{
	struct recorder *r = opaque;
	int id = name_id(name);

	r->calls[r->n++] = (struct call){ 'd', id, fd, fd_open(fd) };
}

/* A ctx with @n open "groups" (eventfds stand in for /dev/vfio/N). */
static void fake_ctx(struct vfio_ctx *ctx, struct recorder *r, int n)
{
	vfio_ctx_init(ctx);
	ctx->hook = (struct vfio_group_hook){ rec_add, rec_del, r };
	for (int i = 0; i < n; i++) {
		ctx->groups[i].id = 7 + i;
		ctx->groups[i].fd = eventfd(0, EFD_CLOEXEC);
		assert_true(ctx->groups[i].fd >= 0);
	}
	ctx->nr_groups = (unsigned int)n;
}

static void test_add_then_del_before_close(void **state)
{
	struct recorder r = { .fail_id = -1 };
	struct pv_error err = { "" };
	struct vfio_ctx ctx;
	int fd0, fd1;

	fake_ctx(&ctx, &r, 2);
	fd0 = ctx.groups[0].fd;
	fd1 = ctx.groups[1].fd;
	assert_int_equal(vfio_hook_groups(&ctx, &err), 0);
	/* Idempotent: a group is added once. */
	assert_int_equal(vfio_hook_groups(&ctx, &err), 0);
	assert_int_equal(r.n, 2);
	assert_true(r.calls[0].op == 'a' && r.calls[0].id == 7 &&
		    r.calls[0].fd == fd0 && r.calls[0].fd_open);
	assert_true(r.calls[1].op == 'a' && r.calls[1].id == 8);

	/* A VMM replacing its KVM VM: del all, add all again. */
	vfio_unhook_groups(&ctx);
	assert_int_equal(r.n, 4);
	assert_true(r.calls[2].op == 'd' && r.calls[2].id == 8);
	assert_true(r.calls[3].op == 'd' && r.calls[3].id == 7);
	assert_int_equal(vfio_hook_groups(&ctx, &err), 0);
	assert_int_equal(r.n, 6);

	/* Close: del for each, while the group fd is still open. */
	vfio_close(&ctx);
	assert_int_equal(r.n, 8);
	assert_true(r.calls[6].op == 'd' && r.calls[6].id == 8 &&
		    r.calls[6].fd == fd1 && r.calls[6].fd_open);
	assert_true(r.calls[7].op == 'd' && r.calls[7].id == 7 &&
		    r.calls[7].fd_open);
	assert_false(fd_open(fd0));
	assert_false(fd_open(fd1));
	assert_int_equal(ctx.groups[0].fd, -1);
	/* Closing again tells nobody anything. */
	vfio_close(&ctx);
	assert_int_equal(r.n, 8);
}

static void test_failed_add(void **state)
{
	struct recorder r = { .fail_id = 8 };
	struct pv_error err = { "" };
	struct vfio_ctx ctx;

	fake_ctx(&ctx, &r, 3);
	assert_int_equal(vfio_hook_groups(&ctx, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "group 8"));
	assert_int_equal(r.n, 2); /* 7 added, 8 refused, 9 not tried */
	vfio_close(&ctx);
	/* Only the group that was added is deleted. */
	assert_int_equal(r.n, 3);
	assert_true(r.calls[2].op == 'd' && r.calls[2].id == 7);
}

static void test_no_hook(void **state)
{
	struct pv_error err = { "" };
	struct vfio_ctx ctx;

	vfio_ctx_init(&ctx);
	ctx.groups[0].id = 3;
	ctx.groups[0].fd = eventfd(0, EFD_CLOEXEC);
	ctx.nr_groups = 1;
	assert_int_equal(vfio_hook_groups(&ctx, &err), 0);
	assert_false(ctx.groups[0].hooked);
	vfio_close(&ctx);
	assert_int_equal(ctx.groups[0].fd, -1);
}

/* The KVM side: the device is created on the first add. */
static void test_kvm_vfio_device(void **state)
{
	struct pv_error err = { "" };
	struct vfio_group_hook h;
	struct kvm_vfio k;
	int kvm, vm, efd, ret;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		skip();
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		close(kvm);
		skip();
	}
	kvm_vfio_init(&k, vm);
	h = kvm_vfio_hook(&k);
	assert_int_equal(k.dev_fd, -1);
	/* Not a VFIO group: KVM refuses it, and the message says which. */
	efd = eventfd(0, EFD_CLOEXEC);
	ret = h.add(h.opaque, "group 42", efd, &err);
	assert_true(ret < 0);
	if (k.dev_fd >= 0)
		assert_non_null(strstr(err.msg, "KVM_DEV_VFIO_FILE_ADD for "
						"group 42"));
	else
		assert_non_null(strstr(err.msg, "KVM_DEV_TYPE_VFIO"));
	assert_int_equal(k.nr_groups, 0);
	kvm_vfio_close(&k);
	assert_int_equal(k.dev_fd, -1);
	kvm_vfio_close(&k); /* idempotent */
	close(efd);
	close(vm);
	close(kvm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_then_del_before_close),
		cmocka_unit_test(test_failed_add),
		cmocka_unit_test(test_no_hook),
		cmocka_unit_test(test_kvm_vfio_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/* Opening a tap by name, as QEMU's and Firecracker's tap backends do. */
#include "virtio/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if_tun.h>

static bool exists(const char *name)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/sys/class/net/%s", name);
	return !stat(p, &st);
}

int tap_open(const char *name, struct pv_error *err)
{
	unsigned int features = 0;
	int hdr = TAP_VNET_HDR_LEN, fd, e;
	struct ifreq ifr;
	bool existed;

	if (!name[0] || strlen(name) >= IFNAMSIZ)
		return pv_seterr(
			err, EINVAL,
			"tap '%s': an interface name has 1 to %d characters",
			name, IFNAMSIZ - 1);
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		return pv_seterr(
			err, e, "tap %s: cannot open /dev/net/tun: %s: %s",
			name, strerror(e),
			e == ENOENT ? "load the tun module (modprobe tun)" :
				      "passvm needs read-write access to it");
	}
	if (!ioctl(fd, TUNGETFEATURES, &features) &&
	    !(features & IFF_VNET_HDR)) {
		close(fd);
		return pv_seterr(
			err, EINVAL,
			"tap %s: this kernel's tun has no IFF_VNET_HDR", name);
	}
	existed = exists(name);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	/* IFF_ONE_QUEUE is implied by every kernel since 3.8. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		e = errno;
		close(fd);
		if (e == EBUSY)
			return pv_seterr(
				err, EBUSY,
				"tap %s is in use by another process (another VM?): give this VM a tap of its own (ip tuntap add NAME mode tap)",
				name);
		if (e == EPERM && !existed)
			return pv_seterr(
				err, EPERM,
				"tap %s does not exist and passvm may not create it: create it with: ip tuntap add %s mode tap user $(id -un)",
				name, name);
		if (e == EPERM)
			return pv_seterr(
				err, EPERM,
				"tap %s belongs to another user: recreate it with: ip tuntap add %s mode tap user $(id -un)",
				name, name);
		if (e == EINVAL)
			return pv_seterr(
				err, EINVAL,
				"%s is not a tap (a tun, or another kind of interface?): create a tap with: ip tuntap add NAME mode tap",
				name);
		return pv_seterr(err, e, "tap %s: TUNSETIFF: %s", name,
				 strerror(e));
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr)) {
		e = errno;
		close(fd);
		return pv_seterr(err, e, "tap %s: TUNSETVNETHDRSZ: %s", name,
				 strerror(e));
	}
	if (!existed)
		pv_warn("tap %s did not exist: passvm created it; it goes away when passvm exits (to keep one: ip tuntap add %s mode tap)",
			name, name);
	pv_trace(TRACE_PCI, "tap %s: fd %d, vnet header %d bytes", name, fd,
		 hdr);
	return fd;
}

int tap_adopt(int fd, char *name, struct pv_error *err)
{
	const unsigned int need = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	int hdr = TAP_VNET_HDR_LEN, fl, e;
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr)) {
		e = errno;
		if (e == EBADFD)
			return pv_seterr(
				err, EBADFD,
				"--net fd=%d: /dev/net/tun is open but attached to no interface: the launcher must attach it (TUNSETIFF with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) before passing it",
				fd);
		return pv_seterr(
			err, e == EINVAL ? ENOTTY : e,
			"--net fd=%d: TUNGETIFF: %s: not a tun/tap fd (pass an open /dev/net/tun attached to a tap)",
			fd, strerror(e));
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	if ((ifr.ifr_flags & (IFF_TUN | IFF_TAP)) != IFF_TAP)
		return pv_seterr(
			err, EINVAL,
			"--net fd=%d: %s is a tun (layer 3), not a tap: virtio-net carries Ethernet frames; attach with IFF_TAP (ip tuntap add NAME mode tap)",
			fd, name);
	if ((ifr.ifr_flags & need) != need)
		return pv_seterr(
			err, EINVAL,
			"--net fd=%d: tap %s is attached without%s%s: these are fixed at TUNSETIFF, the launcher must ask for IFF_TAP | IFF_NO_PI | IFF_VNET_HDR",
			fd, name, ifr.ifr_flags & IFF_NO_PI ? "" : " IFF_NO_PI",
			ifr.ifr_flags & IFF_VNET_HDR ? "" : " IFF_VNET_HDR");
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr)) {
		e = errno;
		return pv_seterr(err, e,
				 "--net fd=%d: tap %s: TUNSETVNETHDRSZ: %s", fd,
				 name, strerror(e));
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC)) {
		e = errno;
		return pv_seterr(err, e, "--net fd=%d: tap %s: fcntl: %s", fd,
				 name, strerror(e));
	}
	pv_trace(TRACE_PCI, "tap %s given as fd %d, vnet header %d bytes", name,
		 fd, hdr);
	return 0;
}

int tap_set_offload(int fd, unsigned int flags)
{
	return ioctl(fd, TUNSETOFFLOAD, flags) ? -errno : 0;
}

// SPDX-License-Identifier: GPL-2.0
/* vsock's Unix side: the CONNECT line, the listener, outbound connects. */
/*
 * The protocol is Firecracker's (docs/vsock.md, "Host-Initiated
 * Connections" and "Guest-Initiated Connections"), summed up in
 * /work/shared/firecracker-interface.md §4; nothing here is taken from its
 * code.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "virtio/vsock.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Could @buf[0..len) still become "connect"? (case-insensitive) */
static bool command_prefix(const char *buf, size_t len)
{
	static const char cmd[] = "connect";

	for (size_t i = 0; i < len && i < sizeof(cmd) - 1; i++)
		if ((buf[i] | 0x20) != cmd[i])
			return false;
	return true;
}

int vsock_parse_connect(const char *buf, size_t len, uint32_t *port,
			size_t *used)
{
	size_t n = len < VSOCK_CONNECT_MAX ? len : VSOCK_CONNECT_MAX, i, end;
	const char *nl = memchr(buf, '\n', n);
	uint64_t v = 0;
	size_t digits = 0;

	if (!command_prefix(buf, n))
		return -1;
	if (!nl)
		return n >= VSOCK_CONNECT_MAX ? -1 : 0;
	end = (size_t)(nl - buf);
	while (end && (blank(buf[end - 1]) || buf[end - 1] == '\r'))
		end--;
	if (end < 8 || !command_prefix(buf, 7) || !blank(buf[7]))
		return -1;
	for (i = 8; i < end && blank(buf[i]); i++)
		;
	for (; i < end && buf[i] >= '0' && buf[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(buf[i] - '0');
		if (++digits > 10 || v > UINT32_MAX)
			return -1;
	}
	if (!digits || i != end)
		return -1;
	*port = (uint32_t)v;
	*used = (size_t)(nl - buf) + 1;
	return 1;
}

static int addr_of(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	strcpy(a->sun_path, path);
	return 0;
}

/* Nobody accepts on @path: a socket left by a process that is gone. */
static bool stale(const struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return false;
	ret = connect(fd, (const struct sockaddr *)a, sizeof(*a));
	close(fd);
	return ret && errno == ECONNREFUSED;
}

int vsock_uds_listen(const char *path, struct pv_error *err)
{
	struct sockaddr_un a;
	struct stat st;
	int fd, e, ret;

	if (addr_of(&a, path))
		return pv_seterr(
			err, ENAMETOOLONG,
			"vsock: uds path %s is too long for a Unix socket",
			path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pv_seterr(err, errno, "vsock: socket: %s",
				 strerror(errno));
	ret = bind(fd, (struct sockaddr *)&a, sizeof(a));
	if (ret && errno == EADDRINUSE) {
		if (lstat(path, &st) || !S_ISSOCK(st.st_mode)) {
			close(fd);
			return pv_seterr(
				err, EEXIST,
				"vsock: %s exists and is not a socket: remove it, or give another uds path",
				path);
		}
		if (!stale(&a)) {
			close(fd);
			return pv_seterr(
				err, EADDRINUSE,
				"vsock: %s is in use: another process (another VM?) listens on it; give this VM its own uds path",
				path);
		}
		pv_trace(TRACE_PCI, "vsock: replacing the stale socket %s",
			 path);
		unlink(path);
		ret = bind(fd, (struct sockaddr *)&a, sizeof(a));
	}
	if (ret) {
		e = errno;
		close(fd);
		return pv_seterr(err, e, "vsock: cannot bind %s: %s", path,
				 strerror(e));
	}
	if (listen(fd, 128)) {
		e = errno;
		close(fd);
		return pv_seterr(err, e, "vsock: cannot listen on %s: %s", path,
				 strerror(e));
	}
	return fd;
}

int vsock_uds_connect(const char *path, uint32_t port)
{
	char p[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];
	struct sockaddr_un a;
	int fd, e;

	snprintf(p, sizeof(p), "%s_%u", path, port);
	if (addr_of(&a, p))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		e = errno;
		close(fd);
		pv_trace(TRACE_PCI, "vsock: guest connect to %s: %s", p,
			 strerror(e));
		return -e;
	}
	return fd;
}

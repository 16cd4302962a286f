/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The capabilities this process has, from procfs: the one place passvm
 * asks whether it may lock memory (CAP_IPC_LOCK) or bind devices. Source:
 * proc(5) (/proc/[pid]/status, "CapEff"), capabilities(7).
 */
#ifndef PASSVM_HOST_CAPS_H
#define PASSVM_HOST_CAPS_H

/*
 * host_cap_effective() - is capability @cap (a CAP_* number from
 * <linux/capability.h>, e.g. CAP_IPC_LOCK) in this process's effective set?
 * Reads the CapEff line of @proc/self/status (@proc is the procfs mount
 * point, "/proc" in use, a fake tree in tests). Returns 1 or 0, or a
 * negative errno: -errno from fopen, -ENOENT when there is no CapEff line,
 * -EINVAL when @cap is out of range or the line is malformed.
 */
int host_cap_effective(const char *proc, unsigned int cap);

#endif

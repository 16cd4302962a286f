/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What aarch64's allowlists hold beyond the lists of sandbox/table.c (its
 * one includer), each merged into the list of the same thread kind there.
 * aarch64 has only the generic system-call table (no open, poll, stat,
 * dup2, epoll_wait or time: sandbox/table_x86_64.h), so its extra calls
 * are none; its KVM interface adds KVM_GET_ONE_REG for a crash report,
 * and KVM_ARM_PREFERRED_TARGET, KVM_ARM_VCPU_INIT and KVM_GET/SET_ONE_REG
 * to rebuild a boot (the vGIC is a KVM_CREATE_DEVICE, common to both); no
 * PIT, CPUID, TSS or LAPIC. Not yet traced on arm64 hardware: the arm64
 * port confirms it (--seccomp log, then its lab), and adds what its own
 * code calls. An AArch32 (compat) call has another audit arch.
 */
#ifndef PASSVM_SANDBOX_TABLE_AARCH64_H
#define PASSVM_SANDBOX_TABLE_AARCH64_H

#include <linux/audit.h>
#include <linux/kvm.h>

#include "sandbox/table.h"

#define SB_ARCH_AUDIT AUDIT_ARCH_AARCH64
#define SB_ARCH_NR_LIMIT 0 /* one ABI: no number range to refuse */

/* clang-format off */

#define SB_ARCH_VCPU_IOCTLS	\
	KVM_GET_ONE_REG,
#define SB_ARCH_VCPU

#define SB_ARCH_MAIN_IOCTLS		\
	KVM_ARM_PREFERRED_TARGET,	\
	KVM_ARM_VCPU_INIT,		\
	KVM_GET_ONE_REG,		\
	KVM_SET_ONE_REG,
#define SB_ARCH_MAIN

#define SB_ARCH_API
#define SB_ARCH_CONSOLE
#define SB_ARCH_CONSOLE_SOCKET
#define SB_ARCH_IO

/* clang-format on */

#endif

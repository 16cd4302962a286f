/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What x86_64's allowlists hold beyond the lists of sandbox/table.c (its
 * one includer), each merged into the list of the same thread kind there:
 * the calls of x86_64's older system-call table that musl makes where
 * glibc makes the generic ones (open for openat, poll for ppoll, stat and
 * lstat, readlink, access, unlink, chmod, rename, dup2, epoll_wait, time:
 * none exists on aarch64), and the KVM ioctls of the x86 CPU, LAPIC, PIT
 * and TSS. An x32 call (this audit arch, numbers from __X32_SYSCALL_BIT)
 * is refused.
 */
#ifndef PASSVM_SANDBOX_TABLE_X86_64_H
#define PASSVM_SANDBOX_TABLE_X86_64_H

#include <linux/audit.h>
#include <linux/kvm.h>

#include "sandbox/table.h"

#define SB_ARCH_AUDIT AUDIT_ARCH_X86_64
#define SB_ARCH_NR_LIMIT __X32_SYSCALL_BIT

/* The lists keep one rule a line. */
/* clang-format off */

/* vCPU: the registers of a crash report; the UART's poll, musl's time(). */
#define SB_ARCH_VCPU_IOCTLS	\
	KVM_GET_REGS,		\
	KVM_GET_SREGS,
#define SB_ARCH_VCPU		\
	SB_ALLOW(poll),		\
	SB_ALLOW(time),

/*
 * main: a --reboot's new VM (identity map, TSS, irqchip, PIT) and vCPUs
 * (CPUID, MSRs, LAPIC, registers, FPU); musl's older file calls.
 */
#define SB_ARCH_MAIN_IOCTLS		\
	KVM_SET_IDENTITY_MAP_ADDR,	\
	KVM_SET_TSS_ADDR,		\
	KVM_CREATE_IRQCHIP,		\
	KVM_CREATE_PIT2,		\
	KVM_SET_CPUID2,			\
	KVM_SET_MSRS,			\
	KVM_GET_LAPIC,			\
	KVM_SET_LAPIC,			\
	KVM_SET_SREGS,			\
	KVM_SET_REGS,			\
	KVM_SET_FPU,
#define SB_ARCH_MAIN		\
	SB_ALLOW(open),		\
	SB_ALLOW(stat),		\
	SB_ALLOW(lstat),	\
	SB_ALLOW(readlink),	\
	SB_ALLOW(access),	\
	SB_ALLOW(unlink),	\
	SB_ALLOW(poll),		\
	SB_ALLOW(chmod),	\
	SB_ALLOW(rename),

#define SB_ARCH_API		\
	SB_ALLOW(epoll_wait),	\
	SB_ALLOW(open),		\
	SB_ALLOW(access),	\
	SB_ALLOW(dup2),

#define SB_ARCH_CONSOLE		\
	SB_ALLOW(poll),

/* poll() in musl; glibc's is ppoll */
#define SB_ARCH_CONSOLE_SOCKET	\
	SB_ALLOW(poll),

#define SB_ARCH_IO		\
	SB_ALLOW(epoll_wait),

/* clang-format on */

#endif

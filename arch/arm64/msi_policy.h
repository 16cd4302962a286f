/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an assigned device can have on an arm64 host without a GICv3 ITS:
 * no MSI or MSI-X at all (MSIs are LPIs, which only an ITS translates).
 * A device that also has INTx runs on it (with a warning); one that has
 * only MSIs cannot work, and passvm refuses it before the guest starts.
 * KVM-free, for the unit tests.
 */
#ifndef PASSVM_ARCH_ARM64_MSI_POLICY_H
#define PASSVM_ARCH_ARM64_MSI_POLICY_H

#include <stdbool.h>

enum arm64_msi_verdict {
	ARM64_MSI_OK, /* an ITS, or a device without MSIs */
	ARM64_MSI_INTX_ONLY, /* no ITS: the guest uses INTx */
	ARM64_MSI_REFUSE, /* no ITS and no INTx: nothing would interrupt */
};

static inline enum arm64_msi_verdict arm64_msi_verdict(bool its, bool msi,
						       bool msix, bool intx)
{
	if (its || (!msi && !msix))
		return ARM64_MSI_OK;
	return intx ? ARM64_MSI_INTX_ONLY : ARM64_MSI_REFUSE;
}

#endif

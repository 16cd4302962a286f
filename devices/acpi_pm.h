/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI fixed hardware for a full (not hardware-reduced) FADT: the PM1a
 * event block (PM1_STS, PM1_EN) and control block (PM1_CNT), ACPI 6.4
 * §4.8.3.1-4.8.3.2, in I/O space at LAYOUT_PIO_ACPI_PM, with the fixed
 * power button (§4.8.2.2.1.1: PWRBTN_STS raises the SCI while PWRBTN_EN
 * is set). The reset register (port 0xcf9) lives in pci_cf8_ops; the
 * debug-exit port in devices/verdict.h.
 */
#ifndef PASSVM_DEVICES_ACPI_PM_H
#define PASSVM_DEVICES_ACPI_PM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"
#include "util/log.h"

#define ACPI_PM_LEN 6 /* ports: PM1a_EVT (4) at +0, PM1a_CNT (2) at +4 */
#define ACPI_PM1_CNT_OFF 4
/* SLP_TYP that means S5: must equal \_S5 in firmware/dsdt.asl. */
#define ACPI_PM_S5_SLP_TYP 5

#define ACPI_PM1_CNT_SCI_EN 0x0001
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK 0x1c00
#define ACPI_PM1_CNT_SLP_EN 0x2000
/* PM1_STS / PM1_EN bit of the power button (§4.8.3.1.1, table 4.14). */
#define ACPI_PM1_PWRBTN 0x0100

/* State of the PM1a blocks; fields are private to devices/acpi_pm.c. */
struct acpi_pm {
	pthread_mutex_t lock;
	struct vm_stop_sink stop;
	struct irq_line sci;
	bool sci_level; /* what sci was last set to */
	uint16_t sts, en, cnt;
	unsigned int presses; /* acpi_pm_power_button() calls */
	struct pv_ratelimit sleep_warn; /* the guest chooses how often */
};

/*
 * acpi_pm_init() - power-on state (SCI_EN reads 1: the FADT has no
 * SMI_CMD, so the platform is always in ACPI mode). A write of SLP_EN with
 * SLP_TYP == ACPI_PM_S5_SLP_TYP asks @stop (copied) for VM_STOP_POWEROFF;
 * other sleep types are refused with a warning (rate-limited: see
 * pv_warn_limited()). @sci (copied; NULL for none) is the SCI,
 * level-triggered: asserted while a status bit and its enable bit are both
 * set. Cannot fail.
 */
void acpi_pm_init(struct acpi_pm *pm, const struct vm_stop_sink *stop,
		  const struct irq_line *sci);

/*
 * acpi_pm_power_button() - press the fixed power button: PWRBTN_STS is set
 * and the SCI raised if the OS enabled PWRBTN_EN (Linux's ACPI button
 * driver does; its input event KEY_POWER is what systemd-logind or acpid
 * turn into a shutdown). Any thread.
 */
void acpi_pm_power_button(struct acpi_pm *pm);

/*
 * The PM1a blocks: register at LAYOUT_PIO_ACPI_PM for ACPI_PM_LEN ports,
 * opaque = the struct acpi_pm. Byte, word and dword accesses all work.
 */
extern const struct io_ops acpi_pm_ops;

#endif

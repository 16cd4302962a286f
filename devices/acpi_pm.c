// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI PM1a event and control blocks (ACPI 6.4 §4.8.3.1 PM1 Event Grouping,
 * §4.8.3.2 PM1 Control Grouping, §16.1.7 transitioning to S5) and the
 * debug-exit port. No event is ever raised, so no SCI is needed.
 */
#include "devices/acpi_pm.h"

#include <string.h>

#include "util/log.h"

/* PM1_EN: TMR_EN, GBL_EN, PWRBTN_EN, SLPBTN_EN, RTC_EN (§4.8.3.1.2). */
#define PM1_EN_MASK 0x0721
/* PM1_CNT bits that read back: SCI_EN, BM_RLD, SLP_TYP (§4.8.3.2.1). */
#define PM1_CNT_KEEP (0x0002 | ACPI_PM1_CNT_SLP_TYP_MASK)

void acpi_pm_init(struct acpi_pm *pm, const struct vm_stop_sink *stop)
{
	memset(pm, 0, sizeof(*pm));
	pthread_mutex_init(&pm->lock, NULL);
	if (stop)
		pm->stop = *stop;
	pm->cnt = ACPI_PM1_CNT_SCI_EN;
}

/* The 6-byte register image: STS, EN, CNT (little-endian). */
static uint8_t image_byte(const struct acpi_pm *pm, uint64_t off)
{
	uint16_t r;

	switch (off / 2) {
	case 0:
		r = pm->sts;
		break;
	case 1:
		r = pm->en;
		break;
	case 2:
		r = pm->cnt | ACPI_PM1_CNT_SCI_EN;
		break;
	default:
		return 0xff;
	}
	return (uint8_t)(r >> (8 * (off & 1)));
}

static void pm_read(void *opaque, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct acpi_pm *pm = opaque;

	pthread_mutex_lock(&pm->lock);
	for (uint32_t i = 0; i < len; i++)
		data[i] = image_byte(pm, offset + i);
	pthread_mutex_unlock(&pm->lock);
}

static void pm_write(void *opaque, uint64_t offset, const uint8_t *data,
		     uint32_t len)
{
	struct acpi_pm *pm = opaque;
	uint16_t val[3] = { 0 }, hit[3] = { 0 };
	bool poweroff = false;
	int slp_typ = -1;

	/* Gather the bytes written into each 16-bit register. */
	for (uint32_t i = 0; i < len; i++) {
		uint64_t o = offset + i;

		if (o >= ACPI_PM_LEN)
			continue;
		val[o / 2] |= (uint16_t)(data[i] << (8 * (o & 1)));
		hit[o / 2] |= (uint16_t)(0xff << (8 * (o & 1)));
	}
	pthread_mutex_lock(&pm->lock);
	/* PM1_STS: write 1 to clear. */
	pm->sts &= (uint16_t) ~(val[0] & hit[0]);
	if (hit[1])
		pm->en = (uint16_t)((pm->en & ~hit[1]) |
				    (val[1] & hit[1] & PM1_EN_MASK));
	if (hit[2]) {
		uint16_t v =
			(uint16_t)((pm->cnt & ~hit[2]) | (val[2] & hit[2]));

		pm->cnt = (v & PM1_CNT_KEEP) | ACPI_PM1_CNT_SCI_EN;
		if (v & ACPI_PM1_CNT_SLP_EN) {
			slp_typ = (v & ACPI_PM1_CNT_SLP_TYP_MASK) >>
				  ACPI_PM1_CNT_SLP_TYP_SHIFT;
			poweroff = slp_typ == ACPI_PM_S5_SLP_TYP;
		}
	}
	pthread_mutex_unlock(&pm->lock);

	if (poweroff) {
		pv_trace(TRACE_BOOT, "acpi: S5 requested: powering off");
		vm_request_stop(&pm->stop, VM_STOP_POWEROFF, 0);
	} else if (slp_typ >= 0) {
		pv_warn_limited(
			&pm->sleep_warn,
			"acpi: guest asked for sleep state SLP_TYP %d; only "
			"S5 (SLP_TYP %u) is supported, ignored",
			slp_typ, ACPI_PM_S5_SLP_TYP);
	}
}

const struct io_ops acpi_pm_ops = {
	.read = pm_read,
	.write = pm_write,
};

void debug_exit_init(struct debug_exit *d, const struct vm_stop_sink *stop)
{
	memset(d, 0, sizeof(*d));
	if (stop)
		d->stop = *stop;
}

static void debug_exit_read(void *opaque, uint64_t offset, uint8_t *data,
			    uint32_t len)
{
	memset(data, 0xff, len);
}

static void debug_exit_write(void *opaque, uint64_t offset, const uint8_t *data,
			     uint32_t len)
{
	struct debug_exit *d = opaque;

	if (offset != 0 || !len)
		return;
	pv_trace(TRACE_BOOT, "debug exit: status %u", data[0]);
	vm_request_stop(&d->stop, VM_STOP_DEBUG_EXIT, data[0]);
}

const struct io_ops debug_exit_ops = {
	.read = debug_exit_read,
	.write = debug_exit_write,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI PM1a event and control blocks (ACPI 6.4 §4.8.3.1 PM1 Event Grouping,
 * §4.8.3.2 PM1 Control Grouping, §16.1.7 transitioning to S5) and the fixed
 * power button (§4.8.2.2.1.1), the one event raised, on the SCI.
 */
#include "devices/acpi_pm.h"

#include <string.h>

#include "util/log.h"

/* PM1_EN: TMR_EN, GBL_EN, PWRBTN_EN, SLPBTN_EN, RTC_EN (§4.8.3.1.2). */
#define PM1_EN_MASK 0x0721
/* PM1_CNT bits that read back: SCI_EN, BM_RLD, SLP_TYP (§4.8.3.2.1). */
#define PM1_CNT_KEEP (0x0002 | ACPI_PM1_CNT_SLP_TYP_MASK)

/* PM1_STS event bits that raise the SCI when enabled (§4.8.3.1.1). */
#define PM1_EVENTS 0x0721

void acpi_pm_init(struct acpi_pm *pm, const struct vm_stop_sink *stop,
		  const struct irq_line *sci)
{
	memset(pm, 0, sizeof(*pm));
	pthread_mutex_init(&pm->lock, NULL);
	if (stop)
		pm->stop = *stop;
	if (sci)
		pm->sci = *sci;
	pm->cnt = ACPI_PM1_CNT_SCI_EN;
}

/* With pm->lock held: the SCI follows STS & EN. */
static void update_sci(struct acpi_pm *pm)
{
	bool level = pm->sts & pm->en & PM1_EVENTS;

	if (level == pm->sci_level)
		return;
	pm->sci_level = level;
	irq_line_set(&pm->sci, level);
}

void acpi_pm_power_button(struct acpi_pm *pm)
{
	pthread_mutex_lock(&pm->lock);
	pm->sts |= ACPI_PM1_PWRBTN;
	pm->presses++;
	update_sci(pm);
	pthread_mutex_unlock(&pm->lock);
	pv_trace(TRACE_BOOT, "acpi: power button pressed");
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
	update_sci(pm);
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

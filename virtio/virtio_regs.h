/* SPDX-License-Identifier: GPL-2.0 */
/* Where the virtio PCI structures sit in BAR0 and in config space. */
#ifndef PASSVM_VIRTIO_VIRTIO_REGS_H
#define PASSVM_VIRTIO_VIRTIO_REGS_H

#include <stdint.h>

#include <linux/virtio_pci.h>

struct virtio_dev;

/* BAR0: 32-bit memory, one structure per 4 KiB page. */
#define VIRTIO_REGS_BAR 0
#define VIRTIO_REGS_BAR_SIZE 0x8000u
#define VIRTIO_REGS_COMMON 0x0000u
#define VIRTIO_REGS_COMMON_LEN ((uint32_t)sizeof(struct virtio_pci_common_cfg))
#define VIRTIO_REGS_ISR 0x1000u
#define VIRTIO_REGS_ISR_LEN 4u
#define VIRTIO_REGS_ISR_QUEUE 0x1u /* beside VIRTIO_PCI_ISR_CONFIG */
#define VIRTIO_REGS_DEVICE 0x2000u
#define VIRTIO_REGS_NOTIFY 0x3000u
#define VIRTIO_REGS_NOTIFY_MULT 4u /* notify_off_multiplier */
#define VIRTIO_REGS_MSIX_TABLE 0x4000u
#define VIRTIO_REGS_MSIX_PBA 0x5000u

/* Config space: the capability list (§4.1.4), from 0x40. */
#define VIRTIO_CAP_COMMON 0x40u /* struct virtio_pci_cap, 16 bytes */
#define VIRTIO_CAP_NOTIFY 0x50u /* struct virtio_pci_notify_cap, 20 */
#define VIRTIO_CAP_ISR 0x64u
#define VIRTIO_CAP_DEVICE 0x74u
#define VIRTIO_CAP_PCI_CFG 0x84u /* struct virtio_pci_cfg_cap, 20 */
#define VIRTIO_CAP_MSIX 0x98u /* PCI 3.0 §6.8.2, 12 bytes */

/* PCI IDs (§4.1.2): modern-only devices are 0x1040 + the device type. */
#define VIRTIO_PCI_VENDOR 0x1af4u
#define VIRTIO_PCI_DEVICE_BASE 0x1040u
#define VIRTIO_PCI_SUBSYS_ID 0x1100u /* >= 0x40 for a modern device */

/*
 * Inside the transport (virtio_pci.c, virtio_regs.c, msix.c): what a
 * register write leaves for the I/O thread, run by virtio_post() once the
 * device lock is dropped (reset, activation at DRIVER_OK, a queue enabled
 * late, interrupt routing changed for a kernel backend).
 */
enum virtio_post_action {
	VIRTIO_POST_NONE = 0,
	VIRTIO_POST_RESET = 1,
	VIRTIO_POST_ACTIVATE = 2,
	VIRTIO_POST_START_QUEUE = 4,
	VIRTIO_POST_IRQ = 8,
};
void virtio_post(struct virtio_dev *v, unsigned int actions, unsigned int qi);
/* INTx follows ISR, MSI-X enable and INTx disable (lock held). */
void virtio_intx_update(struct virtio_dev *v);
/* The capability list and MSI-X capability in config space (§4.1.4). */
void virtio_build_caps(struct virtio_dev *v);

static inline void virtio_put_le(uint8_t *d, uint32_t len, uint64_t v)
{
	for (uint32_t i = 0; i < len; i++)
		d[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t virtio_get_le(const uint8_t *d, uint32_t len)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < len; i++)
		v |= (uint64_t)d[i] << (8 * i);
	return v;
}

#endif

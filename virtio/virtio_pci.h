/* SPDX-License-Identifier: GPL-2.0 */
/* The virtio room's face: virtio 1.2 devices on PCI, modern transport only. */
/*
 * The virtio/ room: virtio devices (block, network, socket) on passvm's
 * emulated PCI bus, driven by the guest's own virtio drivers.
 *
 *   virtq.c       split virtqueues (virtio 1.2 §2.7): the chain walker that
 *                 checks every guest value; guest RAM only via mem_map
 *   loop.c        a device's I/O thread (epoll); all queue work runs there
 *   virtio_pci.c  the modern PCI transport (§4.1): interrupts, reset and
 *                 activation on the I/O thread, DEVICE_NEEDS_RESET
 *   virtio_regs.c its registers: vendor capabilities, common/ISR/device/
 *                 notify structures in BAR0, feature negotiation, status
 *   msix.c        the device's own MSI-X table and PBA (BAR0), vectors
 *                 delivered through irqfds
 *   blk.c         virtio-blk on a raw image file (§5.2)
 *   blk_image.c   its image: checks, lock, a new one while the guest runs
 *   net.c, tap.c, vhost_net.c
 *                 virtio-net on a tap, in the kernel (vhost-net) or in the
 *                 I/O thread (§5.1)
 *   vsock*.c      virtio-vsock bridged to Unix sockets as Firecracker does
 *                 (§5.10; CONNECT <port> on uds_path, <uds_path>_<port>)
 *
 * The room knows nothing of KVM: interrupts (an MSI route and an irqfd per
 * vector, INTx lines) and queue notifications (ioeventfds on the notify
 * addresses) reach it through the two backends below, which vmm/ provides.
 * With both, steady-state I/O causes no userspace exit: a kick is an
 * eventfd the I/O thread (or vhost) reads, an interrupt an eventfd KVM
 * injects.
 *
 * Threads: register accesses come from vCPU threads (with the PCI bus lock
 * held); everything that uses the queues (notifications, activation at
 * DRIVER_OK, reset) runs on the device's I/O thread, under v->lock. A vCPU
 * thread that resets or activates the device waits for the I/O thread
 * (vio_loop_call), so a reset is complete when the status register reads 0.
 */
#ifndef PASSVM_VIRTIO_VIRTIO_PCI_H
#define PASSVM_VIRTIO_VIRTIO_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/pci.h"
#include "memory/mem_map.h"
#include "util/log.h"
#include "virtio/loop.h"
#include "virtio/virtq.h"

/*
 * Interrupts, as the VMM provides them (vmm/virtio_irq.c over the KVM
 * router). msi_attach: give eventfd @fd an MSI GSI and attach it as an
 * irqfd; msi_route: route @gsi to the x86 MSI message (@addr 0 withdraws);
 * msi_detach: undo msi_attach; batch_begin/batch_end (optional, nesting):
 * the msi_route calls between them may reach the interrupt controller
 * once, at batch_end (its error then); intx_set: drive the INTx GSI's
 * level.
 */
struct virtio_irq_backend {
	int (*msi_attach)(void *ctx, int fd, uint32_t *gsi,
			  struct pv_error *err);
	int (*msi_route)(void *ctx, uint32_t gsi, uint64_t addr, uint32_t data,
			 struct pv_error *err);
	void (*msi_detach)(void *ctx, int fd, uint32_t gsi);
	void (*batch_begin)(void *ctx);
	int (*batch_end)(void *ctx, struct pv_error *err);
	void (*intx_set)(void *ctx, uint32_t gsi, int level);
	void *ctx;
};

/*
 * Queue notifications: a guest write of any length at MMIO @gpa signals
 * @fd without leaving KVM (KVM_IOEVENTFD); @assign false removes it.
 */
struct virtio_ioeventfd_backend {
	int (*set)(void *ctx, uint64_t gpa, int fd, bool assign,
		   struct pv_error *err);
	void *ctx;
};

/* What every device is built with (the VMM's pieces; not owned). */
struct virtio_env {
	struct mem_map *mem; /* guest RAM */
	struct virtio_irq_backend irq;
	struct virtio_ioeventfd_backend ioev;
};

struct virtio_dev;

/*
 * What a device model provides. Every callback runs with v->lock held;
 * activate, reset, notify and irq_changed on the I/O thread.
 */
struct virtio_dev_ops {
	/* Device-specific configuration (§4.1.4.6), @off inside it. */
	void (*cfg_read)(struct virtio_dev *v, uint32_t off, uint8_t *data,
			 uint32_t len);
	void (*cfg_write)(struct virtio_dev *v, uint32_t off,
			  const uint8_t *data, uint32_t len);
	/*
	 * DRIVER_OK: features are final and the enabled queues started.
	 * A negative return marks the device DEVICE_NEEDS_RESET.
	 */
	int (*activate)(struct virtio_dev *v);
	/* Device reset (§2.4): stop using the queues and host resources. */
	void (*reset)(struct virtio_dev *v);
	/* The driver notified queue @q (its kick eventfd fired). */
	void (*notify)(struct virtio_dev *v, unsigned int q);
	/* Optional: MSI-X routing or masking changed (vhost call fds). */
	void (*irq_changed)(struct virtio_dev *v);
};

/* Counters for --stats (updated on the I/O thread, read at exit). */
struct virtio_stats {
	uint64_t kicks; /* queue notifications the I/O thread served */
	uint64_t trapped_kicks; /* notify writes that exited (no ioeventfd) */
	uint64_t irqs; /* used-buffer interrupts raised (eventfd or INTx) */
	uint64_t config_irqs;
	uint64_t reg_accesses; /* trapped BAR accesses (setup, ISR...) */
};

struct virtio_queue {
	struct virtio_dev *dev;
	struct virtq vq;
	uint16_t size_max;
	uint16_t msix_vector; /* VIRTIO_MSI_NO_VECTOR when none */
	bool enabled;
	int kick_fd; /* eventfd: the ioeventfd of its notify address */
	struct vio_handler kick_h;
	int call_fd; /* eventfd a kernel backend signals when masked */
	struct vio_handler call_h;
	bool ioeventfd; /* kick_fd is registered at the notify address */
};

struct virtio_msix_vec {
	uint8_t entry[16]; /* PCI 3.0 §6.8.2.6 table entry, as written */
	int fd; /* eventfd attached as an irqfd, -1 until used */
	uint32_t gsi;
	bool pending; /* PBA bit */
};

struct virtio_dev_params {
	const char *name; /* for messages and --stats, e.g. "virtio-blk vda" */
	uint16_t device_id; /* virtio device type (§5), e.g. VIRTIO_ID_BLOCK */
	uint32_t class_code; /* PCI class, subclass, prog-if */
	uint64_t features; /* device-specific feature bits offered */
	unsigned int nr_queues;
	uint16_t queue_size;
	uint32_t cfg_size; /* bytes of device-specific configuration */
	const struct virtio_dev_ops *ops;
	void *opaque;
	struct virtio_env env;
};

#define VIRTIO_MAX_QUEUES 8

struct virtio_dev {
	struct pci_dev pci;
	char name[48];
	const struct virtio_dev_ops *ops;
	void *opaque;
	struct mem_map *mem;
	struct virtio_irq_backend irq;
	struct virtio_ioeventfd_backend ioev;
	struct vio_loop loop;
	pthread_mutex_t lock;

	/* Common configuration (§4.1.4.3), as the driver sees it. */
	uint64_t host_features, guest_features;
	uint32_t dfselect, gfselect;
	uint16_t msix_config;
	uint8_t status;
	uint8_t config_generation;
	uint16_t queue_select;
	uint8_t isr;
	uint32_t cfg_size;
	unsigned int nr_queues;
	struct virtio_queue q[VIRTIO_MAX_QUEUES];
	bool active; /* activate() succeeded; cleared by reset */
	bool backend_kicks; /* a kernel backend reads the kick fds */

	/* MSI-X (msix.c): one vector per queue plus the config vector. */
	unsigned int nr_vectors;
	struct virtio_msix_vec vec[VIRTIO_MAX_QUEUES + 1];
	bool msix_enabled, msix_masked;
	bool intx_level;

	uint64_t bar_addr; /* GPA of BAR0 while mapped */
	bool bar_mapped;
	bool inited; /* virtio_dev_init got far enough for destroy */
	bool on_bus;
	bool warned_ioeventfd;
	struct virtio_stats stats;
};

/*
 * virtio_dev_init() - the PCI function (IDs 0x1af4:0x1040 + type, §4.1.2;
 * its vendor capabilities and MSI-X capability, §4.1.4, PCI 3.0 §6.8.2),
 * a kick eventfd per queue and the device's I/O loop (not started).
 * Offers VIRTIO_F_VERSION_1, VIRTIO_F_RING_INDIRECT_DESC and
 * VIRTIO_F_RING_EVENT_IDX besides @p->features (never ACCESS_PLATFORM).
 * Errors: -EINVAL (too many queues), -errno of eventfd/epoll.
 */
int virtio_dev_init(struct virtio_dev *v, const struct virtio_dev_params *p,
		    struct pv_error *err);

/* virtio_dev_plug() - put the function on @bus (pci_bus_add). */
int virtio_dev_plug(struct virtio_dev *v, struct pci_bus *bus,
		    struct pv_error *err);

/* virtio_dev_start() - start the I/O thread. */
int virtio_dev_start(struct virtio_dev *v, struct pv_error *err);

/*
 * virtio_dev_destroy() - stop the I/O thread, reset the device model, take
 * the function off its bus, free vectors and fds. Safe on a partly built
 * device (after virtio_dev_init).
 */
void virtio_dev_destroy(struct virtio_dev *v);

/* The pci_dev_ops of every virtio function (for tests). */
extern const struct pci_dev_ops virtio_pci_ops;

/*
 * For device models (v->lock held, normally on the I/O thread):
 * virtio_dev_running() - DRIVER_OK, activated, not DEVICE_NEEDS_RESET.
 * virtio_dev_has() - feature @bit negotiated.
 * virtio_dev_notify_queue() - a used-buffer notification for queue @q
 *   (its MSI-X vector, or ISR bit 0 and INTx), §4.1.5.2.
 * virtio_dev_notify_config() - a configuration change notification.
 * virtio_dev_needs_reset() - the driver broke the rules: set
 *   DEVICE_NEEDS_RESET (§2.1.2), warn once with the reason, notify a
 *   configuration change; the device stops using its queues until reset.
 */
bool virtio_dev_running(const struct virtio_dev *v);
bool virtio_dev_has(const struct virtio_dev *v, unsigned int bit);
void virtio_dev_notify_queue(struct virtio_dev *v, unsigned int q);
void virtio_dev_notify_config(struct virtio_dev *v);
void virtio_dev_needs_reset(struct virtio_dev *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * virtio_dev_push_notify() - virtq_push() then, if the driver wants one,
 * the used-buffer notification (the usual end of a request).
 */
void virtio_dev_push_notify(struct virtio_dev *v, unsigned int q, uint16_t head,
			    uint32_t written);

/*
 * For a kernel backend (vhost): the kick eventfd of queue @q (signalled by
 * the guest's notify write), and the fd to signal for a used-buffer
 * notification: the vector's irqfd when MSI-X delivers it directly, else
 * the queue's call_fd, which the I/O thread turns into
 * virtio_dev_notify_queue(). With virtio_dev_backend_kicks(v, true) the
 * I/O thread stops reading the kick fds (the backend does).
 */
int virtio_dev_kick_fd(const struct virtio_dev *v, unsigned int q);
int virtio_dev_call_fd(const struct virtio_dev *v, unsigned int q);
void virtio_dev_backend_kicks(struct virtio_dev *v, bool on);

/* msix.c, for virtio_pci.c (v->lock held). */
void virtio_msix_init(struct virtio_dev *v, uint8_t cap_off);
void virtio_msix_table_read(struct virtio_dev *v, uint64_t off, uint8_t *data,
			    uint32_t len);
void virtio_msix_table_write(struct virtio_dev *v, uint64_t off,
			     const uint8_t *data, uint32_t len);
void virtio_msix_pba_read(struct virtio_dev *v, uint64_t off, uint8_t *data,
			  uint32_t len);
void virtio_msix_ctrl_changed(struct virtio_dev *v);
uint16_t virtio_msix_assign(struct virtio_dev *v, uint16_t vector);
bool virtio_msix_signal(struct virtio_dev *v, uint16_t vector);
bool virtio_msix_direct(const struct virtio_dev *v, uint16_t vector);
void virtio_msix_free(struct virtio_dev *v);

#endif

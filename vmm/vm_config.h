/* SPDX-License-Identifier: GPL-2.0 */
/* The VM description: filled by `passvm run`'s options, the config file and the API; built by vm_create(). */
#ifndef PASSVM_VMM_VM_CONFIG_H
#define PASSVM_VMM_VM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox/sandbox.h"
#include "host/iommu_backend.h"
#include "util/log.h"

#define VM_MAX_PASSTHROUGH 16
#define VM_MAX_DRIVES 16
#define VM_MAX_NETS 8
#define VM_MIN_MEM (16ull << 20) /* bytes */
#define VM_MAX_MEM (1ull << 40) /* bytes */
#define VM_MAX_CPUS 254 /* xAPIC IDs 0..254; 0xff is broadcast */
#define VM_DEFAULT_MEM (256ull << 20) /* bytes; Firecracker's is 128 MiB */
/* Resource ids (drive_id, iface_id, device-passthrough id) and --id. */
#define VM_ID_MAX 64
#define VM_DEFAULT_ID "anonymous-instance" /* Firecracker's --id default */
#define VM_DEFAULT_CMDLINE "console=ttyS0" /* when no boot args are given */
#define VM_DEFAULT_TIMEOUT_GRACE_NS (10ull * 1000000000ull) /* 10 s */

/* An assigned host PCI function (--vfio, PUT /device-passthrough/{id}). */
struct vfio_opt {
	char id[VM_ID_MAX + 1]; /* API id; "vfioN" for --vfio */
	char bdf[32]; /* host address as given: 0000:01:00.0 or 01:00.0;
		       * "" when only @fd names it */
	bool managed; /* passvm extension: bind at start, restore at exit */
	bool has_fd; /* --vfio fd=N: a pre-opened group or device cdev */
	int fd; /* valid when @has_fd; owned by passvm from the start */
};

/*
 * An SR-IOV PF whose VFs the VM makes at start, is given, and removes at
 * exit (passvm run --sriov PF,numvfs=N; host/sriov.h).
 */
#define VM_MAX_SRIOV 4
struct sriov_opt {
	char pf[32]; /* host address, canonical: 0000:01:00.0 */
	unsigned int numvfs;
};

/* A block device (PUT /drives/{id}); the virtio helper's disk_cfg. */
struct disk_cfg {
	char id[VM_ID_MAX + 1];
	const char *path; /* path_on_host; NULL for a vhost-user socket */
	const char *socket; /* vhost-user-blk socket, or NULL */
	bool read_only;
	bool root; /* is_root_device */
	const char *serial; /* virtio-blk serial, or NULL */
	const char *partuuid, *cache_type, *io_engine; /* NULL: default */
	const char *rate_limiter; /* JSON text as given, or NULL */
};

/* How a network interface moves its packets (--net ...,vhost=on|off). */
enum vm_vhost {
	VM_VHOST_AUTO, /* vhost-net when /dev/vhost-net is there (default) */
	VM_VHOST_ON, /* vhost-net, or fail */
	VM_VHOST_OFF, /* passvm's I/O thread */
};

/* A network interface (PUT /network-interfaces/{id}). */
struct net_cfg {
	char id[VM_ID_MAX + 1];
	const char *tap; /* host_dev_name; NULL with tap_fd */
	int tap_fd; /* --net fd=N: an inherited tap (>= 3, owned); 0: none */
	int vhost_fd; /* --net vhost-fd=N: /dev/vhost-net (owned); 0: none */
	uint8_t mac[6];
	bool has_mac; /* guest_mac given */
	enum vm_vhost vhost;
	unsigned int mtu; /* 0: not given */
	const char *rx_rate_limiter, *tx_rate_limiter; /* JSON text or NULL */
};

/* The vsock device (PUT /vsock): AF_VSOCK to AF_UNIX at uds_path. */
struct vsock_cfg {
	bool present;
	uint32_t cid; /* guest_cid, >= 3 */
	const char *uds_path;
	const char *vsock_id; /* deprecated in Firecracker; echoed back */
};

/* Where the guest's serial console (COM1) goes. */
enum console_kind {
	CONSOLE_STDIO, /* default: stdin/stdout, raw mode on a terminal */
	CONSOLE_FILE, /* output appended to a file; no input */
	CONSOLE_SOCKET, /* a listening Unix socket: one client at a time */
	CONSOLE_NONE, /* output discarded (--daemonize without --console) */
};

/* PUT /logger: passvm's own messages (stderr) go to log_path. */
struct logger_cfg {
	bool set;
	const char *log_path, *level; /* NULL: not given */
	bool show_level, show_log_origin;
};

/* PUT /metrics: JSON lines of counters, every 60 s and on FlushMetrics. */
struct metrics_cfg {
	bool set;
	const char *path;
	bool emit_id; /* each line gets "id": the instance id (--id) */
	const char *properties; /* JSON object text of strings, or NULL */
};

/*
 * Strings the description owns (copied from a config file or an API
 * request); strings set by the CLI point into argv and are not owned.
 */
struct vm_strings {
	char **p;
	unsigned int n, cap;
};

struct vm_config {
	/* Boot source. */
	const char *kernel; /* NULL until given */
	const char *initrd; /* NULL: none */
	/* NULL: VM_DEFAULT_CMDLINE (see vm_config_boot_cmdline) */
	const char *cmdline;
	/* Machine. */
	uint64_t mem; /* bytes, a whole number of MiB */
	unsigned int cpus;
	bool smt; /* x86: two threads per core in CPUID (Firecracker's smt) */
	bool hugepages; /* 2 MiB hugetlbfs: --hugepages, huge_pages "2M" */
	bool thp; /* huge_pages "Transparent" (passvm advises THP anyway) */
	/* Host interfaces (--iommu, pre-opened fds for an unprivileged run). */
	enum iommu_mode iommu; /* --iommu auto|type1|iommufd */
	bool has_iommu_fd, has_kvm_fd;
	int iommu_fd; /* --iommu-fd: a container or /dev/iommu, owned */
	int kvm_fd; /* --kvm-fd: /dev/kvm, owned */
	/* Devices. */
	struct vfio_opt vfio[VM_MAX_PASSTHROUGH];
	unsigned int nr_vfio;
	struct sriov_opt sriov[VM_MAX_SRIOV];
	unsigned int nr_sriov;
	struct disk_cfg disks[VM_MAX_DRIVES];
	unsigned int nr_disks;
	struct net_cfg nets[VM_MAX_NETS];
	unsigned int nr_nets;
	struct vsock_cfg vsock;
	enum console_kind console;
	const char *console_path; /* CONSOLE_FILE, CONSOLE_SOCKET */
	bool console_given; /* --console or PUT /serial, not the default */
	struct logger_cfg logger;
	struct metrics_cfg metrics;
	/* The VMM process (not part of GET /vm/config). */
	char id[VM_ID_MAX + 1]; /* --id, reported by GET / */
	bool stats;
	bool stats_json; /* --stats=json: one JSON object instead of lines */
	unsigned int trace; /* enum trace_cat mask */
	bool reboot; /* restart the guest on reset instead of exiting */
	/* CI (README "Test your driver in CI"): */
	unsigned int
		verdict; /* --verdict: VERDICT_BIT()s (devices/verdict.h) */
	uint64_t timeout_ns; /* --timeout, 0: none */
	uint64_t timeout_grace_ns; /* --timeout-grace (default 10 s) */
	const char *result; /* --result FILE, or NULL */
	const char *api_sock; /* --api-sock PATH, or NULL */
	const char *config_file; /* --config-file FILE, or NULL */
	bool no_api; /* --no-api */
	bool daemonize; /* --daemonize */
	const char *pidfile; /* --pidfile FILE, or NULL */
	unsigned int api_max_body; /* --http-api-max-payload-size, bytes */
	enum sandbox_mode seccomp; /* --seccomp on|log|off, --no-seccomp */
	/* Hidden --seccomp-test-forbidden KIND: that thread makes a
	 * forbidden call once its filter is on; -1: none. */
	int seccomp_test;

	struct vm_strings owned;
};

/* vm_config_init() - defaults: 1 vCPU, 256 MiB, stdio console, id
 * "anonymous-instance", API bodies up to 51200 bytes, no verdict channel,
 * no timeout (grace 10 s). Owns nothing. */
void vm_config_init(struct vm_config *c);

/*
 * vm_config_set_str() - copy @val into the description and point @slot
 * (a const char * member of @c) at the copy; the copy is owned by @c and a
 * previous owned value of @slot is freed. @val NULL clears the slot.
 * Returns 0 or -ENOMEM.
 */
int vm_config_set_str(struct vm_config *c, const char **slot, const char *val);

/* vm_config_release() - free every string @c owns; @c is then invalid. */
void vm_config_release(struct vm_config *c);

/*
 * vm_config_check() - what must hold before vm_create(): a kernel, and
 * with 2 MiB hugepages a multiple of 2 MiB of RAM. Returns 0 or -EINVAL
 * with a message in @err saying what to add (option and API names).
 */
int vm_config_check(const struct vm_config *c, struct pv_error *err);

/*
 * vm_config_boot_cmdline() - the kernel command line the guest boots with
 * (a new string; the caller frees it): the boot args (VM_DEFAULT_CMDLINE
 * when none), and for a drive with is_root_device what Firecracker adds
 * (its builder's block-device setup): "root=/dev/vda" (the root drive is
 * the first virtio-blk disk) or "root=PARTUUID=<partuuid>" when it has
 * one, then "ro" or "rw" per is_read_only, before any " -- " (the init's
 * arguments), unless the boot args already have a root= of their own.
 * A "pci=off" in the kernel's part is dropped, with a warning: Firecracker
 * clients add it (Firecracker's devices are virtio-mmio; firectl's and the
 * getting-started guide's boot args have it), and it would hide every
 * passvm device (all on PCI) from the guest.
 * Returns NULL only when out of memory.
 */
char *vm_config_boot_cmdline(const struct vm_config *c);

/*
 * vm_id_valid() - Firecracker's rules (src/utils/src/validators.rs): an
 * instance id (@instance true) is 1..64 of [A-Za-z0-9-]; a resource id
 * (drive_id, iface_id, ...) is 1..64 of [A-Za-z0-9_].
 */
bool vm_id_valid(const char *id, bool instance);

#endif

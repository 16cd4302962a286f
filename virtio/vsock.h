/* SPDX-License-Identifier: GPL-2.0 */
/* virtio-vsock bridged to Unix sockets, the way Firecracker does it. */
/*
 * The guest's AF_VSOCK (virtio 1.2 §5.10) meets host AF_UNIX sockets
 * (Firecracker docs/vsock.md; /work/shared/firecracker-interface.md §4):
 *
 *   host-initiated  passvm listens on uds_path; a client connects and
 *                   sends "CONNECT <port>\n"; passvm sends the guest a
 *                   REQUEST for <port> from host port 2^30 + n (round
 *                   robin), and answers "OK <host port>\n" on its RESPONSE,
 *                   or closes the client on RST (or after 2 s of silence)
 *   guest-initiated a REQUEST to (CID 2, PORT) connects to
 *                   "<uds_path>_<PORT>"; nobody listening there: RST
 *
 * Streams only (RST for other types), credit-based flow control both ways
 * (§5.10.6.3: buf_alloc/fwd_cnt in every packet, CREDIT_UPDATE when the
 * guest's view of our free space runs low, CREDIT_REQUEST when its own
 * runs out), SHUTDOWN and RST as §5.10.6.6, at most 1023 connections. The
 * event queue is left alone (no transport reset: no migration).
 *
 * vsock.c: the device and its queues; vsock_conn.c: a connection, its
 * credit and its Unix side; vsock_uds.c: the CONNECT line and the sockets.
 */
#ifndef PASSVM_VIRTIO_VSOCK_H
#define PASSVM_VIRTIO_VSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_vsock.h>

#include "virtio/virtio_pci.h"

#define VSOCK_QUEUE_SIZE 256
#define VSOCK_RXQ 0
#define VSOCK_TXQ 1
#define VSOCK_EVQ 2
#define VSOCK_HOST_CID 2 /* VMADDR_CID_HOST */
#define VSOCK_MAX_CONNS 1023 /* Firecracker's MAX_CONNECTIONS */
#define VSOCK_BUF_ALLOC (256u << 10) /* our receive space per connection */
#define VSOCK_MAX_PKT (64u << 10) /* payload per packet to the guest */
#define VSOCK_HOST_PORT_FIRST (1u << 30) /* host ports, round robin */
#define VSOCK_HOST_PORT_END (1u << 31)
#define VSOCK_CONNECT_MAX 32 /* bytes of a CONNECT line, '\n' included */
#define VSOCK_REQUEST_TIMEOUT_MS 2000
#define VSOCK_HDR_LEN sizeof(struct virtio_vsock_hdr) /* 44 */

/*
 * vsock_parse_connect() - the CONNECT line at the start of @buf (@len
 * bytes read so far): "CONNECT <port>\n", the command in any case, blanks
 * between, an optional '\r' and blanks before '\n'. Returns 1 with *@port
 * and the line's length in *@used, 0 when the line is not complete yet
 * (no '\n' in fewer than VSOCK_CONNECT_MAX bytes), -1 for anything else:
 * another command, no or a bad port (not decimal, more than 32 bits), junk
 * after it, or no '\n' within VSOCK_CONNECT_MAX bytes.
 */
int vsock_parse_connect(const char *buf, size_t len, uint32_t *port,
			size_t *used);

/* Unix sockets (vsock_uds.c). Each returns an fd or -errno (@err). */
int vsock_uds_listen(const char *path, struct pv_error *err);
int vsock_uds_connect(const char *path, uint32_t port);

enum vsock_conn_state {
	VSOCK_AWAIT_CONNECT, /* host client: reading its CONNECT line */
	VSOCK_REQUESTED, /* REQUEST sent to the guest, awaiting RESPONSE */
	VSOCK_ESTABLISHED,
};

/* Control packets a connection owes the guest (one of each at most). */
enum {
	VSOCK_PEND_REQUEST = 1u << 0,
	VSOCK_PEND_RESPONSE = 1u << 1,
	VSOCK_PEND_CREDIT_UPDATE = 1u << 2,
	VSOCK_PEND_CREDIT_REQUEST = 1u << 3,
	VSOCK_PEND_SHUTDOWN = 1u << 4,
	VSOCK_PEND_RST = 1u << 5, /* then the connection goes */
	VSOCK_PEND_DATA = 1u << 6, /* the Unix side has bytes for it */
};

struct virtio_vsock;

struct vsock_conn {
	struct virtio_vsock *dev;
	struct vio_handler h; /* the Unix socket */
	int fd;
	uint32_t events; /* what the loop watches */
	enum vsock_conn_state state;
	uint32_t local_port; /* the host side's port */
	uint32_t peer_port; /* the guest's port */
	uint64_t requested_ms; /* when VSOCK_REQUESTED began */

	/* guest -> host: what we received, forwarded, and last told it */
	uint32_t rx_cnt, fwd_cnt, fwd_told;
	uint8_t *buf; /* VSOCK_BUF_ALLOC bytes not yet written to the fd */
	uint32_t buf_head, buf_len;
	/* host -> guest: what we sent, and the guest's credit */
	uint32_t tx_cnt, peer_buf_alloc, peer_fwd_cnt;

	uint32_t pending; /* VSOCK_PEND_* */
	uint32_t shutdown_flags; /* for VSOCK_PEND_SHUTDOWN */
	bool peer_no_rcv, peer_no_send; /* the guest shut those down */
	bool host_eof; /* the Unix side will send no more */
	bool wr_shut; /* shutdown(SHUT_WR) done on the fd */
	bool credit_asked;
	bool in_rxq;
	struct vsock_conn *rxq_next;
	char line[VSOCK_CONNECT_MAX];
	size_t line_len;
};

/* Credit (§5.10.6.3; u32 counters wrap). */
uint32_t vsock_peer_free(const struct vsock_conn *c);
bool vsock_rx_fits(const struct vsock_conn *c, uint32_t len);
bool vsock_want_credit_update(const struct vsock_conn *c);

struct vsock_stats {
	uint64_t host_conns, guest_conns, refused, rst_sent;
	uint64_t to_guest_bytes, from_guest_bytes;
};

struct virtio_vsock {
	struct virtio_dev vdev;
	uint64_t guest_cid;
	char uds_path[108];
	int listen_fd;
	bool own_listen; /* listen_fd is ours: close it, unlink uds_path */
	struct vio_handler listen_h;
	int timer_fd; /* sweeps requests the guest never answered */
	struct vio_handler timer_h;
	bool timer_armed;
	uint32_t next_port;
	unsigned int nr_conns;
	struct vsock_conn *conns[VSOCK_MAX_CONNS];
	struct vsock_conn *rxq_head, *rxq_tail; /* owe the guest a packet */
	/* RSTs for packets of no connection: (host port, guest port) */
	uint32_t stray_rst[64][2];
	unsigned int nr_stray;
	struct virtio_vsock_config cfg;
	struct virtq_chain chain;
	struct vsock_stats stats;
};

/* vsock_conn.c, for vsock.c (device lock held, on the I/O thread). */
struct vsock_conn *vsock_conn_new(struct virtio_vsock *d, int fd,
				  enum vsock_conn_state st, uint32_t local,
				  uint32_t peer);
struct vsock_conn *vsock_conn_find(struct virtio_vsock *d, uint32_t local,
				   uint32_t peer);
void vsock_conn_free(struct vsock_conn *c);
void vsock_conn_owe(struct vsock_conn *c, uint32_t what);
void vsock_conn_update_events(struct vsock_conn *c);
int vsock_conn_from_guest(struct vsock_conn *c, const struct iovec *iov,
			  unsigned int n, size_t off, uint32_t len);
void vsock_conn_flush(struct vsock_conn *c);
void vsock_conn_read_line(struct vsock_conn *c);
uint32_t vsock_next_port(struct virtio_vsock *d);
/* vsock.c: serve the rx queue; start the clock of an unanswered REQUEST */
void vsock_kick_rx(struct virtio_vsock *d);
void vsock_request_started(struct virtio_vsock *d);

struct vsock_params {
	uint32_t guest_cid;
	const char *uds_path;
	/*
	 * -1: bind and listen on @uds_path here (closed and unlinked with
	 * the device). Else a socket the caller made with vsock_uds_listen()
	 * on @uds_path and keeps (e.g. across a guest reboot, so that hosts
	 * connecting meanwhile wait in its backlog); not owned.
	 */
	int listen_fd;
};

/*
 * virtio_vsock_create() - bind and listen on @p->uds_path (a stale
 * socket nobody listens on is replaced; a live one or another file is an
 * error saying so), or take @p->listen_fd; build the device. Errors:
 * -errno with @err.
 */
int virtio_vsock_create(struct virtio_vsock **out, const struct vsock_params *p,
			const struct virtio_env *env, struct pv_error *err);

/*
 * virtio_vsock_destroy() - close every connection; the listener and
 * uds_path too when the device made them.
 */
void virtio_vsock_destroy(struct virtio_vsock *d);

#endif

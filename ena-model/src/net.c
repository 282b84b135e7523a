// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet backends (see net.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "net.h"

#define NET_MAX_FRAME	65536
#define NET_TXQ		4096	/* frames held while the peer is busy */

/* ------------------------------------------------------------------ */
/* pcap                                                                */
/* ------------------------------------------------------------------ */

int net_pcap_open(struct net_pcap *p, const char *path, uint32_t snaplen)
{
	uint32_t hdr[6] = { 0xa1b2c3d4u, 0x00040002u, 0, 0, 0, 1 };

	p->snaplen = snaplen && snaplen < NET_MAX_FRAME ? snaplen : NET_MAX_FRAME;
	/* classic pcap: magic, v2.4, zone 0, sigfigs 0, snaplen, LINKTYPE_ETHERNET */
	hdr[4] = p->snaplen;
	p->frames = 0;
	p->f = fopen(path, "wb");
	if (!p->f) {
		log_err(NULL, "pcap %s: %s", path, strerror(errno));
		return -1;
	}
	if (fwrite(hdr, sizeof(hdr), 1, p->f) != 1) {
		log_err(NULL, "pcap %s: write failed", path);
		fclose(p->f);
		p->f = NULL;
		return -1;
	}
	fflush(p->f);
	return 0;
}

void net_pcap_close(struct net_pcap *p)
{
	if (p->f)
		fclose(p->f);
	p->f = NULL;
}

static void pcap_write(struct net_pcap *p, const uint8_t *f, size_t len)
{
	struct timeval tv;
	uint32_t rec[4];
	size_t cap;

	if (!p || !p->f)
		return;
	cap = len < p->snaplen ? len : p->snaplen;
	gettimeofday(&tv, NULL);
	rec[0] = (uint32_t)tv.tv_sec;
	rec[1] = (uint32_t)tv.tv_usec;
	rec[2] = (uint32_t)cap;
	rec[3] = (uint32_t)len;
	if (fwrite(rec, sizeof(rec), 1, p->f) != 1 || fwrite(f, cap, 1, p->f) != 1)
		return;
	fflush(p->f);
	p->frames++;
}

/* ------------------------------------------------------------------ */
/* ports                                                               */
/* ------------------------------------------------------------------ */

/* record: false when the sender already wrote the frame to the same pcap */
static void deliver(struct net_port *p, const uint8_t *f, size_t len, bool record)
{
	p->rx_frames++;
	p->rx_bytes += len;
	if (record)
		pcap_write(p->pcap, f, len);
	ena_dev_receive(p->ena, f, len);
}

/*
 * 1 sent, 0 peer busy (try again when writable), -1 lost.
 *
 * The socket is connect()ed to REMOTE once that exists: only then does
 * poll() report POLLOUT according to the peer's receive queue (an
 * unconnected sender would see "writable" and get EAGAIN forever).  A
 * connected UNIX datagram socket still receives from its peer.
 */
static int dgram_send(struct net_port *p, const uint8_t *f, size_t len)
{
	struct sockaddr_un sa;

	if (!p->connected) {
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		memcpy(sa.sun_path, p->remote, sizeof(p->remote) < sizeof(sa.sun_path) ?
		       sizeof(p->remote) : sizeof(sa.sun_path));
		if (connect(p->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			p->connected = true;
			log_info(p->name, "peer %s is there", p->remote);
		}
	}
	if (!p->connected || send(p->fd, f, len, MSG_DONTWAIT) < 0) {
		if (p->connected && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
			return 0;
		if (p->connected && (errno == ECONNREFUSED || errno == ENOTCONN)) {
			/* the peer went away: connect again on the next frame */
			struct sockaddr_un none = { .sun_family = AF_UNSPEC };

			connect(p->fd, (struct sockaddr *)&none, sizeof(none.sun_family));
			p->connected = false;
		}
		/* the peer is not there (yet): the frame is lost, like on an unplugged cable */
		if (!p->warned)
			log_warn(p->name, "send to %s: %s (frames are dropped until it works)",
				 p->remote, strerror(errno));
		p->warned = true;
		p->tx_errors++;
		return -1;
	}
	p->warned = false;
	p->tx_frames++;
	p->tx_bytes += len;
	return 1;
}

static void txq_flush(struct net_port *p)
{
	while (p->txq_len) {
		struct net_frame *q = &p->txq[p->txq_head];
		int r = dgram_send(p, q->data, q->len);

		if (r == 0)
			return;		/* still busy: wait for POLLOUT */
		free(q->data);
		q->data = NULL;
		p->txq_head = (p->txq_head + 1) % NET_TXQ;
		p->txq_len--;
	}
	ev_mod_fd(p->loop, p->fd, POLLIN);
}

static bool port_send(void *opaque, const uint8_t *f, size_t len)
{
	struct net_port *p = opaque;
	struct net_frame *q;
	int r;

	pcap_write(p->pcap, f, len);
	if (p->peer) {
		p->tx_frames++;
		p->tx_bytes += len;
		deliver(p->peer, f, len, p->peer->pcap != p->pcap);
		return true;
	}
	if (p->fd < 0)
		return true;
	/* keep the order: behind what already waits */
	r = p->txq_len ? 0 : dgram_send(p, f, len);
	if (r)
		return r > 0;
	q = &p->txq[(p->txq_head + p->txq_len) % NET_TXQ];
	if (p->txq_len >= NET_TXQ || !(q->data = malloc(len))) {
		p->tx_queue_drops++;
		p->tx_errors++;
		return false;
	}
	memcpy(q->data, f, len);
	q->len = len;
	if (!p->txq_len)
		ev_mod_fd(p->loop, p->fd, POLLIN | POLLOUT);
	p->txq_len++;
	if (p->txq_len > p->txq_max_seen)
		p->txq_max_seen = p->txq_len;
	return true;
}

static void on_dgram(void *opaque, int fd, short revents)
{
	struct net_port *p = opaque;
	unsigned int i;

	if (revents & POLLERR) {
		/* e.g. the connected peer went away: read and clear the error */
		int e = 0;
		socklen_t el = sizeof(e);

		getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
	}
	if (revents & POLLOUT)
		txq_flush(p);
	if (!(revents & POLLIN))
		return;
	/* a bounded batch per wakeup keeps the vfio-user socket served */
	for (i = 0; i < 64; i++) {
		ssize_t n = recv(fd, p->rxbuf, NET_MAX_FRAME, MSG_DONTWAIT);

		if (n < 0)
			break;
		if (n == 0)
			continue;
		deliver(p, p->rxbuf, (size_t)n, true);
	}
}

void net_port_init(struct net_port *p, const char *name, struct ena_dev *ena,
		   struct evloop *loop, struct net_pcap *pcap)
{
	struct ena_net n = { .opaque = p, .send = port_send };

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ena = ena;
	p->loop = loop;
	p->fd = -1;
	p->pcap = pcap && pcap->f ? pcap : NULL;
	ena_dev_set_net(ena, &n);
}

int net_port_dgram(struct net_port *p, const char *spec)
{
	const char *colon = strchr(spec, ':');
	struct sockaddr_un sa;
	size_t ll, rl;
	int fd, buf = 4 << 20;

	if (!colon) {
		log_err(p->name, "--dgram wants LOCAL:REMOTE, got '%s'", spec);
		return -1;
	}
	ll = (size_t)(colon - spec);
	rl = strlen(colon + 1);
	if (!ll || !rl || ll >= sizeof(sa.sun_path) || rl >= sizeof(sa.sun_path)) {
		log_err(p->name, "--dgram '%s': empty or too long path", spec);
		return -1;
	}
	memcpy(p->local, spec, ll);
	p->local[ll] = 0;
	memcpy(p->remote, colon + 1, rl + 1);
	p->rxbuf = malloc(NET_MAX_FRAME);
	p->txq = calloc(NET_TXQ, sizeof(*p->txq));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || !p->rxbuf || !p->txq) {
		log_err(p->name, "dgram socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, p->local, ll + 1);
	unlink(p->local);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		log_err(p->name, "bind %s: %s", p->local, strerror(errno));
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (ev_add_fd(p->loop, fd, POLLIN, on_dgram, p)) {
		log_err(p->name, "too many watched fds");
		close(fd);
		unlink(p->local);
		return -1;
	}
	p->fd = fd;
	log_info(p->name, "cabled: datagrams from %s to %s", p->local, p->remote);
	return 0;
}

void net_port_loopback(struct net_port *a, struct net_port *b)
{
	a->peer = b;
	b->peer = a;
	log_info(a->name, "cabled back to back with %s", b->name);
}

void net_port_close(struct net_port *p)
{
	struct ena_net none = { 0 };

	if (p->ena)
		ena_dev_set_net(p->ena, &none);
	if (p->fd >= 0) {
		ev_del_fd(p->loop, p->fd);
		close(p->fd);
		unlink(p->local);
	}
	p->fd = -1;
	free(p->rxbuf);
	p->rxbuf = NULL;
	while (p->txq && p->txq_len) {
		free(p->txq[p->txq_head].data);
		p->txq_head = (p->txq_head + 1) % NET_TXQ;
		p->txq_len--;
	}
	free(p->txq);
	p->txq = NULL;
}

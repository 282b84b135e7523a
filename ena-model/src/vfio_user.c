// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-user protocol handling.  Message layouts follow QEMU's
 * docs/interop/vfio-user.rst; the notes in the comments are about what
 * QEMU's client actually relies on.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "vfio_user.h"

static const char *const cmd_names[] = {
	[VU_CMD_VERSION] = "VERSION",
	[VU_CMD_DMA_MAP] = "DMA_MAP",
	[VU_CMD_DMA_UNMAP] = "DMA_UNMAP",
	[VU_CMD_DEVICE_GET_INFO] = "DEVICE_GET_INFO",
	[VU_CMD_DEVICE_GET_REGION_INFO] = "DEVICE_GET_REGION_INFO",
	[VU_CMD_DEVICE_GET_REGION_IO_FDS] = "DEVICE_GET_REGION_IO_FDS",
	[VU_CMD_DEVICE_GET_IRQ_INFO] = "DEVICE_GET_IRQ_INFO",
	[VU_CMD_DEVICE_SET_IRQS] = "DEVICE_SET_IRQS",
	[VU_CMD_REGION_READ] = "REGION_READ",
	[VU_CMD_REGION_WRITE] = "REGION_WRITE",
	[VU_CMD_DMA_READ] = "DMA_READ",
	[VU_CMD_DMA_WRITE] = "DMA_WRITE",
	[VU_CMD_DEVICE_RESET] = "DEVICE_RESET",
	[VU_CMD_REGION_WRITE_MULTI] = "REGION_WRITE_MULTI",
	[VU_CMD_DEVICE_FEATURE] = "DEVICE_FEATURE",
	[VU_CMD_MIG_DATA_READ] = "MIG_DATA_READ",
	[VU_CMD_MIG_DATA_WRITE] = "MIG_DATA_WRITE",
};

static const char *cmd_name(unsigned int c)
{
	if (c < sizeof(cmd_names) / sizeof(cmd_names[0]) && cmd_names[c])
		return cmd_names[c];
	return "UNKNOWN";
}

/*
 * Messages handled per wakeup: a client streaming posted writes must not
 * starve the other functions' sockets and timers (keep-alives).
 */
#define VU_MSGS_PER_WAKEUP	64

static void on_conn(void *opaque, int fd, short revents);

static bool conn_at_eof(int fd)
{
	char b;

	return recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static void on_listen(void *opaque, int fd, short revents);

/* ------------------------------------------------------------------ */
/* sending                                                             */
/* ------------------------------------------------------------------ */

/*
 * Replies never block the loop: what the socket does not take at once
 * waits in s->out, and the connection reads no further request until the
 * client has taken it (the watch switches to POLLOUT).  A request has at
 * most one reply, so s->out holds at most one message.
 */
#define VU_OUT_MAX	(2 * VU_MAX_MSG)

static int out_queue(struct vu_server *s, const void *p, size_t len)
{
	uint8_t *n;

	if (!len)
		return 0;
	if (s->out_len + len > VU_OUT_MAX) {
		log_err(s->name, "client does not read its replies: disconnecting");
		s->conn_broken = true;
		return -1;
	}
	n = realloc(s->out, s->out_len + len);
	if (!n) {
		log_err(s->name, "out of memory queueing a reply");
		s->conn_broken = true;
		return -1;
	}
	memcpy(n + s->out_len, p, len);
	s->out = n;
	s->out_len += len;
	return 0;
}

static void out_drop(struct vu_server *s)
{
	free(s->out);
	s->out = NULL;
	s->out_len = s->out_off = 0;
}

static int send_all(struct vu_server *s, const void *a, size_t alen,
		    const void *b, size_t blen)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)a, .iov_len = alen },
		{ .iov_base = (void *)b, .iov_len = blen },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = blen ? 2 : 1 };

	if (s->conn_fd < 0 || s->conn_broken)
		return -1;
	while (mh.msg_iovlen && !s->out_len) {
		ssize_t n = sendmsg(s->conn_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			log_err(s->name, "send failed: %s", strerror(errno));
			s->conn_broken = true;
			return -1;
		}
		while (n > 0 && mh.msg_iovlen) {
			if ((size_t)n >= mh.msg_iov->iov_len) {
				n -= (ssize_t)mh.msg_iov->iov_len;
				mh.msg_iov++;
				mh.msg_iovlen--;
			} else {
				mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + n;
				mh.msg_iov->iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	if (!mh.msg_iovlen)
		return 0;
	/* the client is slow to read: keep the rest for POLLOUT */
	for (; mh.msg_iovlen; mh.msg_iov++, mh.msg_iovlen--)
		if (out_queue(s, mh.msg_iov->iov_base, mh.msg_iov->iov_len))
			return -1;
	ev_mod_fd(s->loop, s->conn_fd, POLLOUT);
	return 0;
}

/* POLLOUT: hand the client more of the queued reply; reading resumes when done */
static void out_flush(struct vu_server *s)
{
	while (s->out_off < s->out_len) {
		ssize_t n = send(s->conn_fd, s->out + s->out_off, s->out_len - s->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			log_err(s->name, "send failed: %s", strerror(errno));
			s->conn_broken = true;
			return;
		}
		s->out_off += (size_t)n;
	}
	out_drop(s);
	ev_mod_fd(s->loop, s->conn_fd, POLLIN);
}

static void reply(struct vu_server *s, const struct vu_hdr *req,
		  const void *payload, size_t len)
{
	struct vu_hdr h = {
		.id = req->id,
		.command = req->command,
		.size = (uint32_t)(sizeof(h) + len),
		.flags = VU_F_TYPE_REPLY,
	};

	if (req->flags & VU_F_NO_REPLY)
		return;
	send_all(s, &h, sizeof(h), payload, len);
}

static void reply_err(struct vu_server *s, const struct vu_hdr *req, int err)
{
	struct vu_hdr h = {
		.id = req->id,
		.command = req->command,
		.size = sizeof(h),
		.flags = VU_F_TYPE_REPLY | VU_F_ERROR,
		.error = (uint32_t)err,
	};

	s->errors++;
	if (req->flags & VU_F_NO_REPLY) {
		/* posted: the client is not waiting, so only the log can tell */
		log_warn(s->name, "%s (posted) failed: %s", cmd_name(req->command),
			 strerror(err));
		return;
	}
	log_trace(s->name, "<- %s id %u error %s", cmd_name(req->command), req->id,
		  strerror(err));
	send_all(s, &h, sizeof(h), NULL, 0);
}

/* ------------------------------------------------------------------ */
/* command handlers: p/len is the payload after the header             */
/* ------------------------------------------------------------------ */

static void get_u32(const uint8_t *p, size_t off, uint32_t *v)
{
	memcpy(v, p + off, sizeof(*v));
}

static void get_u64(const uint8_t *p, size_t off, uint64_t *v)
{
	memcpy(v, p + off, sizeof(*v));
}

static void cmd_version(struct vu_server *s, const struct vu_hdr *h,
			const uint8_t *p, size_t len)
{
	/*
	 * QEMU receives the reply into its request buffer, so the reply must
	 * not be larger than the request; it also wants a NUL-terminated
	 * JSON object and version 0.0.
	 */
	static const char full[] =
		"{\"capabilities\":{\"max_msg_fds\":8,\"max_data_xfer_size\":1048576}}";
	static const char tiny[] = "{}";
	uint8_t out[4 + sizeof(full)];
	uint16_t major, minor;
	const char *caps = full;
	size_t clen;

	if (len < 4) {
		reply_err(s, h, EINVAL);
		return;
	}
	memcpy(&major, p, 2);
	memcpy(&minor, p + 2, 2);
	if (major != 0) {
		log_err(s->name, "client speaks vfio-user %u.%u, we only know 0.x", major, minor);
		reply_err(s, h, ENOTSUP);
		return;
	}
	if (len < 4 + sizeof(full))
		caps = tiny;
	clen = strlen(caps) + 1;
	major = 0;
	minor = 0;
	memcpy(out, &major, 2);
	memcpy(out + 2, &minor, 2);
	memcpy(out + 4, caps, clen);
	if (len > 4)
		log_trace(s->name, "client capabilities: %.*s", (int)(len - 4), (const char *)p + 4);
	s->negotiated = true;
	reply(s, h, out, 4 + clen);
}

static void cmd_dma_map(struct vu_server *s, const struct vu_hdr *h,
			const uint8_t *p, size_t len)
{
	uint32_t argsz, flags, prot = 0;
	uint64_t off, iova, size;
	int fd = -1, err;

	if (len < 32) {
		reply_err(s, h, EINVAL);
		return;
	}
	get_u32(p, 0, &argsz);
	get_u32(p, 4, &flags);
	get_u64(p, 8, &off);
	get_u64(p, 16, &iova);
	get_u64(p, 24, &size);
	if (argsz < 32) {
		reply_err(s, h, EINVAL);
		return;
	}
	if (flags & VU_DMA_MAP_FLAG_READ)
		prot |= DMA_PROT_READ;
	if (flags & VU_DMA_MAP_FLAG_WRITE)
		prot |= DMA_PROT_WRITE;
	if (s->nfds) {
		fd = s->fds[0];
		s->fds[0] = -1;
	}
	err = dma_map(&s->dma, iova, size, prot, fd, off);
	if (err) {
		log_warn(s->name, "DMA_MAP iova 0x%llx size 0x%llx: %s",
			 (unsigned long long)iova, (unsigned long long)size, strerror(err));
		reply_err(s, h, err);
		return;
	}
	log_trace(s->name, "DMA_MAP iova 0x%llx size 0x%llx off 0x%llx %s%s%s",
		  (unsigned long long)iova, (unsigned long long)size,
		  (unsigned long long)off, prot & DMA_PROT_READ ? "r" : "",
		  prot & DMA_PROT_WRITE ? "w" : "", fd >= 0 ? "" : " (no fd: not accessible)");
	reply(s, h, NULL, 0);
}

static void cmd_dma_unmap(struct vu_server *s, const struct vu_hdr *h,
			  const uint8_t *p, size_t len)
{
	uint32_t argsz, flags;
	uint64_t iova, size;
	int err;

	if (len < 24) {
		reply_err(s, h, EINVAL);
		return;
	}
	get_u32(p, 0, &argsz);
	get_u32(p, 4, &flags);
	get_u64(p, 8, &iova);
	get_u64(p, 16, &size);
	if (flags & ~(VU_DMA_UNMAP_FLAG_ALL | VU_DMA_UNMAP_FLAG_DIRTY)) {
		reply_err(s, h, EINVAL);
		return;
	}
	if (flags & VU_DMA_UNMAP_FLAG_DIRTY) {
		reply_err(s, h, ENOTSUP);
		return;
	}
	if (flags & VU_DMA_UNMAP_FLAG_ALL) {
		dma_unmap_all(&s->dma);
		log_trace(s->name, "DMA_UNMAP all");
	} else {
		err = dma_unmap(&s->dma, iova, size);
		if (err) {
			log_warn(s->name, "DMA_UNMAP iova 0x%llx size 0x%llx: no such mapping",
				 (unsigned long long)iova, (unsigned long long)size);
			reply_err(s, h, err);
			return;
		}
		log_trace(s->name, "DMA_UNMAP iova 0x%llx size 0x%llx",
			  (unsigned long long)iova, (unsigned long long)size);
	}
	/* the reply echoes the request's DMA entry */
	reply(s, h, p, 24);
}

static void cmd_get_info(struct vu_server *s, const struct vu_hdr *h,
			 const uint8_t *p, size_t len)
{
	uint32_t out[4] = { 16, VU_DEV_FLAG_PCI | VU_DEV_FLAG_RESET,
			    VU_PCI_NUM_REGIONS, VU_PCI_NUM_IRQS };
	uint32_t argsz;

	if (len < 4) {
		reply_err(s, h, EINVAL);
		return;
	}
	get_u32(p, 0, &argsz);
	if (argsz < 16) {
		reply_err(s, h, EINVAL);
		return;
	}
	reply(s, h, out, sizeof(out));
}

static void cmd_region_info(struct vu_server *s, const struct vu_hdr *h,
			    const uint8_t *p, size_t len)
{
	uint32_t argsz, index, flags = 0;
	uint8_t out[32];
	uint32_t v;
	uint64_t size = 0, zero = 0;
	int err;

	if (len < 12) {
		reply_err(s, h, EINVAL);
		return;
	}
	get_u32(p, 0, &argsz);
	get_u32(p, 8, &index);
	if (argsz < 32 || index >= VU_PCI_NUM_REGIONS) {
		reply_err(s, h, EINVAL);
		return;
	}
	err = s->ops->region_info(s->opaque, index, &size, &flags);
	if (err) {
		reply_err(s, h, err);
		return;
	}
	v = 32;
	memcpy(out, &v, 4);
	memcpy(out + 4, &flags, 4);
	memcpy(out + 8, &index, 4);
	v = 0;
	memcpy(out + 12, &v, 4);	/* cap_offset: no capabilities */
	memcpy(out + 16, &size, 8);
	memcpy(out + 24, &zero, 8);	/* offset: nothing is mmap()able */
	reply(s, h, out, sizeof(out));
}

static void cmd_irq_info(struct vu_server *s, const struct vu_hdr *h,
			 const uint8_t *p, size_t len)
{
	uint32_t argsz, index, count = 0, flags = 0, out[4];
	int err;

	if (len < 12) {
		reply_err(s, h, EINVAL);
		return;
	}
	get_u32(p, 0, &argsz);
	get_u32(p, 8, &index);
	if (argsz < 16 || index >= VU_PCI_NUM_IRQS) {
		reply_err(s, h, EINVAL);
		return;
	}
	err = s->ops->irq_info(s->opaque, index, &count, &flags);
	if (err) {
		reply_err(s, h, err);
		return;
	}
	out[0] = 16;
	out[1] = flags;
	out[2] = index;
	out[3] = count;
	reply(s, h, out, sizeof(out));
}

static void cmd_set_irqs(struct vu_server *s, const struct vu_hdr *h,
			 const uint8_t *p, size_t len)
{
	uint32_t argsz, flags, index, start, count;
	int fds[VU_MAX_FDS];
	unsigned int i, n = 0;
	int err;

	if (len < 20) {
		reply_err(s, h, EINVAL);
		return;
	}
	get_u32(p, 0, &argsz);
	get_u32(p, 4, &flags);
	get_u32(p, 8, &index);
	get_u32(p, 12, &start);
	get_u32(p, 16, &count);
	for (i = 0; i < s->nfds; i++) {
		if (s->fds[i] >= 0) {
			fds[n++] = s->fds[i];
			s->fds[i] = -1;
		}
	}
	err = s->ops->set_irqs(s->opaque, index, flags, start, count, p + 20,
			       (uint32_t)(len - 20), fds, n);
	if (err) {
		reply_err(s, h, err);
		return;
	}
	reply(s, h, NULL, 0);
}

static int check_region_range(struct vu_server *s, uint32_t region, uint64_t off,
			      uint32_t count)
{
	uint64_t size = 0;
	uint32_t flags = 0;

	if (region >= VU_PCI_NUM_REGIONS || count == 0 || count > VU_MAX_DATA)
		return EINVAL;
	if (s->ops->region_info(s->opaque, region, &size, &flags))
		return EINVAL;
	if (off >= size || count > size - off)
		return EINVAL;
	return 0;
}

static void cmd_region_read(struct vu_server *s, const struct vu_hdr *h,
			    const uint8_t *p, size_t len)
{
	uint64_t off;
	uint32_t region, count;
	uint8_t *out;
	int err;

	if (len < 16) {
		reply_err(s, h, EINVAL);
		return;
	}
	get_u64(p, 0, &off);
	get_u32(p, 8, &region);
	get_u32(p, 12, &count);
	err = check_region_range(s, region, off, count);
	if (err) {
		log_warn(s->name, "REGION_READ region %u off 0x%llx count %u: out of range",
			 region, (unsigned long long)off, count);
		reply_err(s, h, err);
		return;
	}
	out = calloc(1, 16 + (size_t)count);
	if (!out) {
		reply_err(s, h, ENOMEM);
		return;
	}
	memcpy(out, p, 16);
	err = s->ops->region_read(s->opaque, region, off, out + 16, count);
	if (err)
		reply_err(s, h, err);
	else
		reply(s, h, out, 16 + (size_t)count);
	free(out);
}

static void cmd_region_write(struct vu_server *s, const struct vu_hdr *h,
			     const uint8_t *p, size_t len)
{
	uint64_t off;
	uint32_t region, count;
	int err;

	if (len < 16) {
		reply_err(s, h, EINVAL);
		return;
	}
	get_u64(p, 0, &off);
	get_u32(p, 8, &region);
	get_u32(p, 12, &count);
	if (count > len - 16) {
		reply_err(s, h, EINVAL);
		return;
	}
	err = check_region_range(s, region, off, count);
	if (err) {
		log_warn(s->name, "REGION_WRITE region %u off 0x%llx count %u: out of range",
			 region, (unsigned long long)off, count);
		reply_err(s, h, err);
		return;
	}
	err = s->ops->region_write(s->opaque, region, off, p + 16, count);
	if (err) {
		reply_err(s, h, err);
		return;
	}
	reply(s, h, p, 16);
}

static void cmd_reset(struct vu_server *s, const struct vu_hdr *h)
{
	int err = s->ops->reset(s->opaque);

	if (err)
		reply_err(s, h, err);
	else
		reply(s, h, NULL, 0);
}

static void dispatch(struct vu_server *s, const struct vu_hdr *h,
		     const uint8_t *p, size_t len)
{
	s->msgs++;
	if ((h->flags & VU_F_TYPE_MASK) != VU_F_TYPE_COMMAND) {
		/* we never send commands, so there is nothing to match a reply with */
		log_warn(s->name, "unexpected message type %u (command %u), dropped",
			 h->flags & VU_F_TYPE_MASK, h->command);
		s->errors++;
		return;
	}
	if (h->command != VU_CMD_REGION_READ && h->command != VU_CMD_REGION_WRITE)
		log_trace(s->name, "-> %s id %u size %u%s", cmd_name(h->command), h->id,
			  h->size, h->flags & VU_F_NO_REPLY ? " (no reply)" : "");
	if (!s->negotiated && h->command != VU_CMD_VERSION) {
		log_warn(s->name, "%s before VERSION", cmd_name(h->command));
		reply_err(s, h, EINVAL);
		return;
	}

	switch (h->command) {
	case VU_CMD_VERSION:
		cmd_version(s, h, p, len);
		break;
	case VU_CMD_DMA_MAP:
		cmd_dma_map(s, h, p, len);
		break;
	case VU_CMD_DMA_UNMAP:
		cmd_dma_unmap(s, h, p, len);
		break;
	case VU_CMD_DEVICE_GET_INFO:
		cmd_get_info(s, h, p, len);
		break;
	case VU_CMD_DEVICE_GET_REGION_INFO:
		cmd_region_info(s, h, p, len);
		break;
	case VU_CMD_DEVICE_GET_IRQ_INFO:
		cmd_irq_info(s, h, p, len);
		break;
	case VU_CMD_DEVICE_SET_IRQS:
		cmd_set_irqs(s, h, p, len);
		break;
	case VU_CMD_REGION_READ:
		cmd_region_read(s, h, p, len);
		break;
	case VU_CMD_REGION_WRITE:
		cmd_region_write(s, h, p, len);
		break;
	case VU_CMD_DEVICE_RESET:
		cmd_reset(s, h);
		break;
	case VU_CMD_DEVICE_GET_REGION_IO_FDS:
	case VU_CMD_REGION_WRITE_MULTI:	/* not advertised */
	case VU_CMD_DEVICE_FEATURE:		/* no migration support */
	case VU_CMD_MIG_DATA_READ:
	case VU_CMD_MIG_DATA_WRITE:
	case VU_CMD_DMA_READ:			/* server -> client only */
	case VU_CMD_DMA_WRITE:
		reply_err(s, h, ENOTSUP);
		break;
	default:
		log_warn(s->name, "unknown command %u", h->command);
		reply_err(s, h, ENOSYS);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* receiving                                                           */
/* ------------------------------------------------------------------ */

static void drop_fds(struct vu_server *s)
{
	unsigned int i;

	for (i = 0; i < s->nfds; i++)
		if (s->fds[i] >= 0)
			close(s->fds[i]);
	s->nfds = 0;
}

static void rx_reset(struct vu_server *s)
{
	drop_fds(s);
	s->have = 0;
	s->need = sizeof(struct vu_hdr);
}

static void take_fds(struct vu_server *s, struct msghdr *mh)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		int *f;
		size_t i, n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		f = (int *)CMSG_DATA(c);
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, f + i, sizeof(fd));
			if (s->nfds < VU_MAX_FDS) {
				s->fds[s->nfds++] = fd;
			} else {
				log_warn(s->name, "too many fds in one message, closing extra fd");
				close(fd);
			}
		}
	}
}

static void client_gone(struct vu_server *s, const char *why)
{
	log_info(s->name, "client disconnected (%s)", why);
	ev_del_fd(s->loop, s->conn_fd);
	close(s->conn_fd);
	s->conn_fd = -1;
	s->conn_broken = false;
	s->negotiated = false;
	rx_reset(s);
	out_drop(s);
	/* spec: forget client memory and interrupt fds, keep device state */
	s->ops->disconnected(s->opaque);
	dma_unmap_all(&s->dma);
	if (!s->reconnect)
		vu_server_close(s);
}

/* the header is complete in s->buf: decide how much body follows */
static bool header_ok(struct vu_server *s)
{
	struct vu_hdr h;

	memcpy(&h, s->buf, sizeof(h));
	if (h.size < sizeof(h) || h.size > VU_MAX_MSG) {
		/*
		 * The size is not trustworthy, so neither is anything after the
		 * header: answer with an error and treat the header as the whole
		 * message.  A client that really sent a body loses framing, but a
		 * conforming client never does this.
		 */
		log_warn(s->name, "message id %u command %u with bad size %u", h.id,
			 h.command, h.size);
		reply_err(s, &h, h.size < sizeof(h) ? EINVAL : E2BIG);
		rx_reset(s);
		return false;
	}
	s->need = h.size;
	return true;
}

/*
 * Messages handled per wakeup: a client streaming posted writes must not
 * starve the other functions' sockets and timers (keep-alives).
 */
#define VU_MSGS_PER_WAKEUP	64

static void on_conn(void *opaque, int fd, short revents)
{
	struct vu_server *s = opaque;
	union {
		char buf[CMSG_SPACE(sizeof(int) * VU_MAX_FDS)];
		struct cmsghdr align;
	} cm;

	unsigned int budget = VU_MSGS_PER_WAKEUP;

	(void)revents;
	if (s->out_len) {
		out_flush(s);
		if (s->conn_broken)
			client_gone(s, "send error");
		if (s->out_len || s->conn_fd < 0)
			return;
	}
	for (;;) {
		struct iovec iov = { .iov_base = s->buf + s->have, .iov_len = s->need - s->have };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cm.buf, .msg_controllen = sizeof(cm.buf),
		};
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			client_gone(s, strerror(errno));
			return;
		}
		take_fds(s, &mh);
		if (mh.msg_flags & MSG_CTRUNC)
			log_warn(s->name, "ancillary data truncated: fds lost");
		if (n == 0) {
			client_gone(s, s->have ? "EOF inside a message" : "EOF");
			return;
		}
		s->have += (size_t)n;
		if (s->have < s->need)
			continue;
		if (s->need == sizeof(struct vu_hdr) && !header_ok(s))
			goto check;
		if (s->have < s->need)
			continue;

		{
			struct vu_hdr h;

			memcpy(&h, s->buf, sizeof(h));
			dispatch(s, &h, s->buf + sizeof(h), h.size - sizeof(h));
		}
		rx_reset(s);
check:
		if (s->conn_broken) {
			client_gone(s, "send error");
			return;
		}
		/* a reply waits for the client to read: no further request until then */
		if (s->out_len)
			return;
		/* the socket stays readable: the loop comes back after the others */
		if (!--budget)
			return;
	}
}

static void on_listen(void *opaque, int fd, short revents)
{
	struct vu_server *s = opaque;
	int c;

	(void)revents;
	c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn(s->name, "accept: %s", strerror(errno));
		return;
	}
	/*
	 * A client that closed its socket and reconnected at once can be
	 * accepted before its EOF was handled (the listening socket is polled
	 * first): notice the EOF now rather than refuse the new session.
	 */
	if (s->conn_fd >= 0 && conn_at_eof(s->conn_fd))
		client_gone(s, "EOF");
	if (s->conn_fd < 0 && s->listen_fd < 0) {
		close(c);	/* that was the last client: the server is closing */
		return;
	}
	if (s->conn_fd >= 0) {
		log_warn(s->name, "second client refused: one client at a time");
		close(c);
		return;
	}
	if (ev_add_fd(s->loop, c, POLLIN, on_conn, s)) {
		log_err(s->name, "too many fds in the event loop");
		close(c);
		return;
	}
	s->conn_fd = c;
	s->negotiated = false;
	rx_reset(s);
	log_info(s->name, "client connected");
	s->ops->connected(s->opaque);
}

int vu_server_init(struct vu_server *s, struct evloop *loop, const char *path,
		   const char *name, const struct vu_ops *ops, void *opaque, bool reconnect)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->loop = loop;
	s->ops = ops;
	s->opaque = opaque;
	s->reconnect = reconnect;
	s->listen_fd = -1;
	s->conn_fd = -1;
	dma_init(&s->dma);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err(name, "socket path too long: %s", path);
		return -1;
	}
	s->path = strdup(path);
	s->buf = malloc(VU_MAX_MSG);
	if (!s->path || !s->buf) {
		log_err(name, "out of memory");
		goto fail;
	}
	rx_reset(s);
	strcpy(sa.sun_path, path);
	/* a stale socket from an earlier run would make bind() fail */
	if (!lstat(path, &st) && S_ISSOCK(st.st_mode))
		unlink(path);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(s->listen_fd, 4)) {
		log_err(name, "cannot listen on %s: %s", path, strerror(errno));
		goto fail;
	}
	if (ev_add_fd(loop, s->listen_fd, POLLIN, on_listen, s)) {
		log_err(name, "too many fds in the event loop");
		unlink(path);
		goto fail;
	}
	log_info(name, "listening on %s", path);
	return 0;
fail:
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	free(s->path);
	free(s->buf);
	s->path = NULL;
	s->buf = NULL;
	s->done = true;
	return -1;
}

void vu_server_close(struct vu_server *s)
{
	if (s->done)
		return;
	if (s->conn_fd >= 0) {
		ev_del_fd(s->loop, s->conn_fd);
		close(s->conn_fd);
		s->conn_fd = -1;
		s->ops->disconnected(s->opaque);
	}
	if (s->listen_fd >= 0) {
		ev_del_fd(s->loop, s->listen_fd);
		close(s->listen_fd);
		s->listen_fd = -1;
	}
	if (s->path)
		unlink(s->path);
	drop_fds(s);
	out_drop(s);
	dma_unmap_all(&s->dma);
	free(s->path);
	free(s->buf);
	s->path = NULL;
	s->buf = NULL;
	s->done = true;
}

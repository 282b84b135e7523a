// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: vfio-user message handling, through a real socket into
 * the whole model (transport, PCI glue, device core).  Each input is one
 * client session: the harness connects, negotiates the version and maps 64
 * KiB of guest memory as QEMU would, then sends the input as messages and
 * closes.  The function is created afresh for every input.
 *
 * Input: records of [u16 length][u16 command][u32 flags][length bytes].
 * The harness writes each record as a message with a correct header,
 * except that command bits select other treatment:
 *   0x8000  send the payload bytes raw, without a header (framing errors)
 *   0x4000  attach a memory fd (a dup of the guest memory file)
 *   0x2000  attach an eventfd
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "pci.h"
#include "profile.h"

#define GUEST_IOVA	0x100000ull
#define GUEST_SIZE	0x10000u
#define REC_RAW		0x8000u
#define REC_MEMFD	0x4000u
#define REC_EVENTFD	0x2000u

/* the loop must never block: an always-readable fd keeps ppoll returning */
static void wake_cb(void *opaque, int fd, short revents)
{
	(void)opaque;
	(void)fd;
	(void)revents;
}

struct session {
	struct evloop loop;
	int wake_fd;
	int sock;
	int memfd;
	struct pci_fn *fn;
	uint16_t next_id;
};

/* read and discard whatever the model sent */
static void drain(struct session *s)
{
	uint8_t junk[65536];

	while (recv(s->sock, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
}

static void pump(struct session *s)
{
	drain(s);
	ev_run_once(&s->loop);
}

static void send_fully(struct session *s, const void *buf, size_t len, int fd)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cm;
	const uint8_t *p = buf;
	unsigned int spins = 0;

	while (len) {
		struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (fd >= 0) {
			memset(&cm, 0, sizeof(cm));
			mh.msg_control = cm.b;
			mh.msg_controllen = sizeof(cm.b);
			CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
			CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
			CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &fd, sizeof(int));
		}
		n = sendmsg(s->sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			/* the model went away (it may drop a bad client) or is busy */
			if (s->fn->vu.conn_fd < 0 || ++spins > 100000)
				return;
			pump(s);
			continue;
		}
		fd = -1;
		p += n;
		len -= (size_t)n;
	}
}

static void send_msg(struct session *s, uint16_t cmd, uint32_t flags, const void *payload,
		     size_t len, int fd)
{
	uint8_t buf[sizeof(struct vu_hdr) + 65536];
	struct vu_hdr h = {
		.id = s->next_id++,
		.command = cmd,
		.size = (uint32_t)(sizeof(h) + len),
		.flags = flags,
	};

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), payload, len);
	send_fully(s, buf, sizeof(h) + len, fd);
}

static void preamble(struct session *s)
{
	uint8_t version[4] = { 0 };
	uint8_t map[32] = { 0 };
	uint32_t argsz = 32, flags = VU_DMA_MAP_FLAG_READ | VU_DMA_MAP_FLAG_WRITE;
	uint64_t off = 0, iova = GUEST_IOVA, size = GUEST_SIZE;

	send_msg(s, VU_CMD_VERSION, 0, version, sizeof(version), -1);
	memcpy(map, &argsz, 4);
	memcpy(map + 4, &flags, 4);
	memcpy(map + 8, &off, 8);
	memcpy(map + 16, &iova, 8);
	memcpy(map + 24, &size, 8);
	send_msg(s, VU_CMD_DMA_MAP, 0, map, sizeof(map), s->memfd);
}

static void records(struct session *s, const uint8_t *data, size_t size)
{
	while (size >= 8 && s->fn->vu.conn_fd >= 0) {
		uint16_t len, cmd;
		uint32_t flags;
		int fd = -1;

		memcpy(&len, data, 2);
		memcpy(&cmd, data + 2, 2);
		memcpy(&flags, data + 4, 4);
		data += 8;
		size -= 8;
		if (len > size)
			len = (uint16_t)size;
		if (cmd & REC_MEMFD)
			fd = dup(s->memfd);
		else if (cmd & REC_EVENTFD)
			fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (cmd & REC_RAW)
			send_fully(s, data, len, fd);
		else
			send_msg(s, cmd & 0x1fffu, flags, data, len, fd);
		if (fd >= 0)
			close(fd);
		data += len;
		size -= len;
		pump(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ena_profile prof;
	static char path[108];
	static void *guest;
	static int memfd = -1;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct session s;
	unsigned int rounds = 0;

	if (memfd < 0) {
		log_verbosity = -1;
		profile_defaults(&prof);
		prof.keepalive_ms = 0;
		snprintf(path, sizeof(path), "/tmp/ena-fuzz-vfio-%d.sock", (int)getpid());
		memfd = memfd_create("guest", MFD_CLOEXEC);
		if (memfd < 0 || ftruncate(memfd, GUEST_SIZE))
			__builtin_trap();
		guest = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
		if (guest == MAP_FAILED)
			__builtin_trap();
	}
	/* every session starts from zeroed memory of full length */
	if (ftruncate(memfd, GUEST_SIZE))
		__builtin_trap();
	memset(guest, 0, GUEST_SIZE);

	memset(&s, 0, sizeof(s));
	s.memfd = memfd;
	ev_init(&s.loop);
	s.wake_fd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s.wake_fd < 0 || ev_add_fd(&s.loop, s.wake_fd, POLLIN, wake_cb, NULL))
		__builtin_trap();
	unlink(path);
	s.fn = pci_fn_create("fuzz", &prof, 0, path, &s.loop);
	if (!s.fn)
		__builtin_trap();
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	s.sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s.sock < 0 || connect(s.sock, (struct sockaddr *)&sa, sizeof(sa)))
		__builtin_trap();
	while (s.fn->vu.conn_fd < 0 && rounds++ < 100)
		ev_run_once(&s.loop);
	preamble(&s);
	records(&s, data, size);
	/* end of session: the model must notice and let go of the client */
	shutdown(s.sock, SHUT_WR);
	for (rounds = 0; s.fn->vu.conn_fd >= 0; rounds++) {
		if (rounds > 100000)
			__builtin_trap();	/* the model never finished: a hang */
		pump(&s);
	}
	close(s.sock);
	pci_fn_destroy(s.fn);
	close(s.wake_fd);
	return 0;
}

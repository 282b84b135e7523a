// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "harness.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int decode_status(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void init(struct vuc *c)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->pid = -1;
	c->exit_status = -1;
	c->sock = -1;
	c->memfd = -1;
	for (i = 0; i < VUC_MAX_IRQS; i++)
		c->irqfd[i] = -1;
}

int vuc_connect(struct vuc *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t deadline = now_ms() + 10000;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->sockpath);
	for (;;) {
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (s < 0)
			return -1;
		if (!connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
			c->sock = s;
			return 0;
		}
		close(s);
		if (c->pid > 0) {
			int st;

			/* a model that died will never listen */
			if (waitpid(c->pid, &st, WNOHANG) == c->pid) {
				c->pid = -1;
				c->exit_status = decode_status(st);
				return -1;
			}
		}
		if (now_ms() > deadline)
			return -1;
		usleep(5000);
	}
}

int vuc_start(struct vuc *c, const char *const *args)
{
	const char *model = getenv("ENA_MODEL");
	const char *argv[64];
	unsigned int n = 0;
	int logfd;

	init(c);
	if (!model)
		model = "build/ena-model";
	snprintf(c->dir, sizeof(c->dir), "/tmp/ena-model-test.XXXXXX");
	if (!mkdtemp(c->dir))
		return -1;
	snprintf(c->sockpath, sizeof(c->sockpath), "%s/ena.sock", c->dir);
	snprintf(c->logpath, sizeof(c->logpath), "%s/model.log", c->dir);
	logfd = open(c->logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0)
		return -1;

	argv[n++] = model;
	argv[n++] = "--socket";
	argv[n++] = c->sockpath;
	argv[n++] = "-v";
	while (args && *args && n < 62)
		argv[n++] = *args++;
	argv[n] = NULL;

	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		dup2(logfd, 2);
		execv(model, (char *const *)argv);
		_exit(127);
	}
	close(logfd);
	if (vuc_connect(c))
		return -1;
	return vuc_version(c);
}

void vuc_dump_log(struct vuc *c)
{
	char line[512];
	FILE *f = fopen(c->logpath, "r");
	unsigned int n = 0;

	if (!f)
		return;
	fprintf(stderr, "---- model log (%s) ----\n", c->logpath);
	while (fgets(line, sizeof(line), f) && n++ < 400)
		fputs(line, stderr);
	fprintf(stderr, "---- end of model log ----\n");
	fclose(f);
}

bool vuc_log_contains(struct vuc *c, const char *text)
{
	char line[512];
	FILE *f = fopen(c->logpath, "r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, text);
	fclose(f);
	return found;
}

int vuc_wait_exit(struct vuc *c, int ms)
{
	uint64_t deadline = now_ms() + (uint64_t)ms;
	int st;

	if (c->pid <= 0)
		return c->exit_status;
	for (;;) {
		pid_t p = waitpid(c->pid, &st, WNOHANG);

		if (p == c->pid) {
			c->pid = -1;
			c->exit_status = decode_status(st);
			return c->exit_status;
		}
		if (p < 0 || now_ms() > deadline)
			return -1;
		usleep(2000);
	}
}

int vuc_stop(struct vuc *c)
{
	int rc;

	if (c->pid <= 0)
		return -1;
	kill(c->pid, SIGTERM);
	rc = vuc_wait_exit(c, 5000);
	if (rc < 0 && c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = -1;
	}
	return rc;
}

void vuc_close(struct vuc *c)
{
	unsigned int i;

	if (c->pid > 0)
		vuc_stop(c);
	/* ENA_TEST_LOGS=1 shows the model's log of every test, not only failed ones */
	if (h_current_failed() || getenv("ENA_TEST_LOGS"))
		vuc_dump_log(c);
	if (c->sock >= 0)
		close(c->sock);
	if (c->mem)
		munmap(c->mem, c->mem_size);
	if (c->memfd >= 0)
		close(c->memfd);
	for (i = 0; i < VUC_MAX_IRQS; i++)
		if (c->irqfd[i] >= 0)
			close(c->irqfd[i]);
	unlink(c->sockpath);
	unlink(c->logpath);
	rmdir(c->dir);
	init(c);
}

int vuc_send_raw(struct vuc *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(c->sock, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vuc_send(struct vuc *c, uint16_t cmd, uint32_t flags, const void *payload,
	     size_t len, const int *fds, int nfds, uint16_t *id)
{
	struct vu_hdr h = {
		.id = c->next_id++,
		.command = cmd,
		.size = (uint32_t)(sizeof(h) + len),
		.flags = flags,
	};
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} cm;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	if (id)
		*id = h.id;
	if (nfds > 0) {
		struct cmsghdr *cmh;

		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		cmh = CMSG_FIRSTHDR(&mh);
		cmh->cmsg_level = SOL_SOCKET;
		cmh->cmsg_type = SCM_RIGHTS;
		cmh->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(cmh), fds, sizeof(int) * (size_t)nfds);
	}
	n = sendmsg(c->sock, &mh, MSG_NOSIGNAL);
	if (n < 0)
		return -1;
	/* the rest, if the kernel took only part (no more fds needed) */
	if ((size_t)n < sizeof(h) + len) {
		uint8_t *all = malloc(sizeof(h) + len);
		int rc;

		if (!all)
			return -1;
		memcpy(all, &h, sizeof(h));
		if (len)
			memcpy(all + sizeof(h), payload, len);
		rc = vuc_send_raw(c, all + n, sizeof(h) + len - (size_t)n);
		free(all);
		return rc;
	}
	return 0;
}

static int read_full(int fd, void *buf, size_t len, uint64_t deadline)
{
	uint8_t *p = buf;

	while (len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = (int64_t)(deadline - now_ms());
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		n = read(fd, p, len);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vuc_recv(struct vuc *c, struct vuc_reply *r, int timeout_ms)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
	size_t body, keep;
	uint8_t junk[256];

	if (read_full(c->sock, &r->hdr, sizeof(r->hdr), deadline))
		return -1;
	if (r->hdr.size < sizeof(r->hdr))
		return -1;
	body = r->hdr.size - sizeof(r->hdr);
	keep = body < sizeof(r->data) ? body : sizeof(r->data);
	if (read_full(c->sock, r->data, keep, deadline))
		return -1;
	r->len = keep;
	for (body -= keep; body; ) {
		size_t k = body < sizeof(junk) ? body : sizeof(junk);

		if (read_full(c->sock, junk, k, deadline))
			return -1;
		body -= k;
	}
	return 0;
}

int vuc_xchg(struct vuc *c, uint16_t cmd, const void *payload, size_t len,
	     const int *fds, int nfds, struct vuc_reply *r)
{
	uint16_t id;

	if (vuc_send(c, cmd, 0, payload, len, fds, nfds, &id))
		return -1;
	for (;;) {
		if (vuc_recv(c, r, 5000))
			return -1;
		if (r->hdr.id == id)
			return 0;
		fprintf(stderr, "client: stray reply id %u (waiting for %u)\n", r->hdr.id, id);
	}
}

bool vuc_pending(struct vuc *c, int ms)
{
	struct pollfd pfd = { .fd = c->sock, .events = POLLIN };

	return poll(&pfd, 1, ms) > 0;
}

int vuc_version(struct vuc *c)
{
	static const char caps[] =
		"{\"capabilities\":{\"max_msg_fds\":16,\"max_data_xfer_size\":1048576,"
		"\"pgsizes\":4096,\"max_dma_maps\":65535,\"migration\":{\"pgsize\":4096,"
		"\"max_bitmap_size\":1048576},\"write_multiple\":true}}";
	uint8_t buf[4 + sizeof(caps)];
	struct vuc_reply r;

	memset(buf, 0, 4);
	memcpy(buf + 4, caps, sizeof(caps));
	if (vuc_xchg(c, VU_CMD_VERSION, buf, sizeof(buf), NULL, 0, &r))
		return -1;
	if (r.hdr.flags & VU_F_ERROR)
		return -1;
	return 0;
}

int vuc_dma_map(struct vuc *c, uint64_t iova, uint64_t size, uint32_t flags, int fd,
		uint64_t offset, int *err)
{
	uint8_t p[32];
	uint32_t argsz = 32;
	struct vuc_reply r;

	memcpy(p, &argsz, 4);
	memcpy(p + 4, &flags, 4);
	memcpy(p + 8, &offset, 8);
	memcpy(p + 16, &iova, 8);
	memcpy(p + 24, &size, 8);
	if (vuc_xchg(c, VU_CMD_DMA_MAP, p, sizeof(p), fd >= 0 ? &fd : NULL, fd >= 0, &r))
		return -1;
	if (err)
		*err = (r.hdr.flags & VU_F_ERROR) ? (int)r.hdr.error : 0;
	return (r.hdr.flags & VU_F_ERROR) ? -1 : 0;
}

int vuc_map_memory(struct vuc *c, uint64_t iova, size_t size)
{
	c->memfd = memfd_create("guest-ram", MFD_CLOEXEC);
	if (c->memfd < 0 || ftruncate(c->memfd, (off_t)size))
		return -1;
	c->mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, c->memfd, 0);
	if (c->mem == MAP_FAILED) {
		c->mem = NULL;
		return -1;
	}
	c->mem_size = size;
	c->iova = iova;
	return vuc_dma_map(c, iova, size, VU_DMA_MAP_FLAG_READ | VU_DMA_MAP_FLAG_WRITE,
			   c->memfd, 0, NULL);
}

int vuc_region_read(struct vuc *c, uint32_t region, uint64_t off, void *buf,
		    uint32_t n, int *err)
{
	uint8_t p[16];
	struct vuc_reply r;

	memcpy(p, &off, 8);
	memcpy(p + 8, &region, 4);
	memcpy(p + 12, &n, 4);
	if (vuc_xchg(c, VU_CMD_REGION_READ, p, sizeof(p), NULL, 0, &r))
		return -1;
	if (r.hdr.flags & VU_F_ERROR) {
		if (err)
			*err = (int)r.hdr.error;
		return -1;
	}
	if (err)
		*err = 0;
	if (r.len < 16 + (size_t)n)
		return -1;
	memcpy(buf, r.data + 16, n);
	return 0;
}

int vuc_region_write(struct vuc *c, uint32_t region, uint64_t off, const void *buf,
		     uint32_t n, bool posted, int *err)
{
	uint8_t p[16 + 256];
	struct vuc_reply r;

	if (n > 256)
		return -1;
	memcpy(p, &off, 8);
	memcpy(p + 8, &region, 4);
	memcpy(p + 12, &n, 4);
	memcpy(p + 16, buf, n);
	if (posted)
		return vuc_send(c, VU_CMD_REGION_WRITE, VU_F_NO_REPLY, p, 16 + n, NULL, 0, NULL);
	if (vuc_xchg(c, VU_CMD_REGION_WRITE, p, 16 + n, NULL, 0, &r))
		return -1;
	if (err)
		*err = (r.hdr.flags & VU_F_ERROR) ? (int)r.hdr.error : 0;
	return (r.hdr.flags & VU_F_ERROR) ? -1 : 0;
}

uint32_t vuc_cfg_read32(struct vuc *c, uint32_t off)
{
	uint32_t v = 0xffffffff;

	vuc_region_read(c, VU_PCI_CONFIG_REGION, off, &v, 4, NULL);
	return v;
}

void vuc_cfg_write(struct vuc *c, uint32_t off, uint32_t val, uint32_t size)
{
	vuc_region_write(c, VU_PCI_CONFIG_REGION, off, &val, size, false, NULL);
}

uint32_t vuc_bar_read32(struct vuc *c, uint32_t bar, uint32_t off)
{
	uint32_t v = 0xffffffff;

	vuc_region_read(c, bar, off, &v, 4, NULL);
	return v;
}

void vuc_bar_write32(struct vuc *c, uint32_t bar, uint32_t off, uint32_t val)
{
	/* BAR writes from QEMU are posted */
	vuc_region_write(c, bar, off, &val, 4, true, NULL);
}

void vuc_sync(struct vuc *c)
{
	vuc_cfg_read32(c, 0);
}

int vuc_setup_msix(struct vuc *c, unsigned int n, bool one_per_message)
{
	uint8_t p[20];
	uint32_t argsz = 20, flags = VU_IRQ_SET_DATA_EVENTFD | VU_IRQ_SET_ACTION_TRIGGER;
	uint32_t index = VU_PCI_MSIX_IRQ, start, count;
	struct vuc_reply r;
	unsigned int i;
	uint16_t ctrl;

	if (n > VUC_MAX_IRQS)
		return -1;
	/* enable MSI-X in the capability (at 0x40, control word at 0x42) */
	ctrl = (uint16_t)(vuc_cfg_read32(c, 0x40) >> 16);
	vuc_cfg_write(c, 0x42, ctrl | 0x8000, 2);
	for (i = 0; i < n; i++) {
		if (c->irqfd[i] < 0)
			c->irqfd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (c->irqfd[i] < 0)
			return -1;
	}
	c->nirq = n;
	for (i = 0; i < n; i += count) {
		start = i;
		/* the model accepts at most 8 fds per message (max_msg_fds) */
		count = one_per_message ? 1 : (n - i > 8 ? 8 : n - i);
		memcpy(p, &argsz, 4);
		memcpy(p + 4, &flags, 4);
		memcpy(p + 8, &index, 4);
		memcpy(p + 12, &start, 4);
		memcpy(p + 16, &count, 4);
		if (vuc_xchg(c, VU_CMD_DEVICE_SET_IRQS, p, sizeof(p), &c->irqfd[start],
			     (int)count, &r) || (r.hdr.flags & VU_F_ERROR))
			return -1;
	}
	return 0;
}

uint64_t vuc_irq_wait(struct vuc *c, unsigned int vec, int ms)
{
	struct pollfd pfd;
	uint64_t v = 0;

	if (vec >= c->nirq)
		return 0;
	pfd.fd = c->irqfd[vec];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	if (read(c->irqfd[vec], &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

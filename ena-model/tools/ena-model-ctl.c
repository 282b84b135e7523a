// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ena-model-ctl: send one command to a running ena-model's control channel
 * and print the answer.  The channel is either the model's control socket
 * (ena-model --ctl PATH) or, inside a VM started by scripts/vm-run, the
 * virtio-serial port QEMU connects to that socket:
 *
 *   ena-model-ctl SOCKET link down
 *   ena-model-ctl /dev/virtio-ports/org.ena-lab.ctl counters fn=0
 *   ena-model-ctl SOCKET help
 *
 * Exits 0 if the model answered "ok", 1 otherwise (2: usage).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define REPLY_END	"\n.\n"
#define REPLY_TIMEOUT_MS	10000

static int open_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A virtio-serial port is one long-lived connection shared by every guest
 * user: take it exclusively, and throw away what an interrupted earlier
 * user left unread.
 */
static int open_port(const char *path)
{
	char junk[4096];
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX)) {
		close(fd);
		return -1;
	}
	while (read(fd, junk, sizeof(junk)) > 0)
		;
	return fd;
}

int main(int argc, char **argv)
{
	char line[256], buf[16384];
	struct pollfd p = { .events = POLLIN };
	size_t n = 0, got = 0;
	struct stat st;
	int fd, i;

	if (argc < 3) {
		fprintf(stderr, "usage: ena-model-ctl SOCKET|PORT COMMAND [ARGS...] (try: help)\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (n + l + 2 >= sizeof(line)) {
			fprintf(stderr, "ena-model-ctl: command too long\n");
			return 2;
		}
		memcpy(line + n, argv[i], l);
		n += l;
		line[n++] = i + 1 < argc ? ' ' : '\n';
	}
	if (stat(argv[1], &st)) {
		fprintf(stderr, "ena-model-ctl: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fd = S_ISCHR(st.st_mode) ? open_port(argv[1]) : open_socket(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "ena-model-ctl: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (write(fd, line, n) != (ssize_t)n) {
		fprintf(stderr, "ena-model-ctl: write: %s\n", strerror(errno));
		return 1;
	}
	p.fd = fd;
	/* the reply ends with a line holding only "." */
	while (got < sizeof(buf) - 1) {
		ssize_t r;

		buf[got] = 0;
		if (got >= 2 && strstr(buf, REPLY_END))
			break;
		if (poll(&p, 1, REPLY_TIMEOUT_MS) <= 0) {
			fprintf(stderr, "ena-model-ctl: no complete answer within %d s\n",
				REPLY_TIMEOUT_MS / 1000);
			return 1;
		}
		r = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0) {
			fprintf(stderr, "ena-model-ctl: the model closed the connection\n");
			return 1;
		}
		got += (size_t)r;
	}
	buf[got] = 0;
	close(fd);
	if (!strstr(buf, REPLY_END)) {
		fprintf(stderr, "ena-model-ctl: answer too long\n");
		return 1;
	}
	*(strstr(buf, REPLY_END) + 1) = 0;
	fputs(buf, stdout);
	return strncmp(buf, "ok", 2) ? 1 : 0;
}

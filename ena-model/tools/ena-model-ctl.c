// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ena-model-ctl: send one command to a running ena-model's control socket
 * (ena-model --ctl PATH) and print the answer.
 *
 *   ena-model-ctl SOCKET link down
 *   ena-model-ctl SOCKET counters fn=0
 *   ena-model-ctl SOCKET help
 *
 * Exits 0 if the model answered "ok", 1 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa;
	char line[256], buf[4096];
	size_t n = 0;
	ssize_t r;
	int fd, i, ok = -1;

	if (argc < 3) {
		fprintf(stderr, "usage: ena-model-ctl SOCKET COMMAND [ARGS...] (try: help)\n");
		return 2;
	}
	line[0] = 0;
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
	line[n] = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "ena-model-ctl: socket path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "ena-model-ctl: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (write(fd, line, n) != (ssize_t)n) {
		fprintf(stderr, "ena-model-ctl: write: %s\n", strerror(errno));
		return 1;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		if (ok < 0)
			ok = r >= 2 && !memcmp(buf, "ok", 2);
		fwrite(buf, 1, (size_t)r, stdout);
	}
	close(fd);
	return ok == 1 ? 0 : 1;
}

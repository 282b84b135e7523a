// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Control socket (see ctl.h).
 *
 * Commands (FN: "fn=N" anywhere on the line selects one function; default
 * all of them):
 *   link up|down            link state, with a link-change AENQ event
 *   keepalive stop|resume   keep-alive AENQ events
 *   fatal                   fatal error: DEV_STS fatal bit + AENQ event
 *   notify                  notification (update hints) AENQ event
 *   event warning|refresh-caps|reset-request|conf-notify [BITMAP]
 *                           an AENQ event of that group (conf-notify: the
 *                           64-bit bitmap of sub-optimal settings, default
 *                           1); replies posted=N, the functions whose driver
 *                           has the group enabled and room for it
 *   tx-comp drop N          swallow the next N TX completions
 *   tx-comp delay MS        hold every TX completion back MS ms
 *   tx-comp normal          back to normal (releases held completions)
 *   fault KIND [N [ARG]]    misbehave: admin-error (ARG: status), tx-bad-req-id,
 *                           tx-repeat-req-id, rx-bad-req-id (ARG: the req_id),
 *                           rx-bad-len (ARG: bytes past the buffer),
 *                           rx-too-many (ARG: completions per frame),
 *                           rx-bad-first (two completions, both first) for the
 *                           next N events, phc-stall (PHC reads unanswered),
 *                           phc-error (ARG: error flags) for the next N reads;
 *                           admin-stall until cleared or reset;
 *                           irq-loss [MS]; clear
 *   chaos PPM [SEED]        garble PPM per million of the entries written
 *   allowance pps|bw-in|bw-out|conntrack|linklocal|frag N
 *                           an ENI allowance from now on (packets/s, Mb/s,
 *                           connections, packets/s, sent fragments/s;
 *                           0: unlimited)
 *   counters                the model's counters, key=value
 *   clock                   the host's CLOCK_REALTIME (the PHC's clock), in ns
 *   log error|warn|info|trace|regs
 *                           the log's verbosity from now on (trace: -v, regs: -vv)
 *   mark TEXT               write "control: mark TEXT" to the log, so that a
 *                           guest can label what follows (as the tour does)
 *   help
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "ena_eni.h"
#include "ena_if.h"
#include "ena_phc.h"
#include "log.h"
#include "net.h"

#define CTL_MAX_TOK	8

static const char help_text[] =
	"commands (add fn=N to address one function):\n"
	"  link up|down\n  keepalive stop|resume\n  fatal\n  notify\n"
	"  event warning|refresh-caps|reset-request|conf-notify [BITMAP]\n"
	"  tx-comp drop N\n  tx-comp delay MS\n  tx-comp normal\n"
	"  fault admin-stall|admin-error|tx-bad-req-id|tx-repeat-req-id|rx-bad-req-id|\n"
	"        rx-bad-len|rx-too-many|rx-bad-first|phc-stall|phc-error [N [ARG]] |\n"
	"        irq-loss [MS] | clear\n"
	"  chaos PPM [SEED]\n"
	"  allowance pps|bw-in|bw-out|conntrack|linklocal|frag N\n  counters\n  clock\n"
	"  log error|warn|info|trace|regs\n  mark TEXT\n  help\n";

/*
 * tok as a number of at most max (base 0: 0x.. and 0.. too); false, with
 * the error reply in out, if it is not one. strtoul() takes "-1" as a huge
 * number and wraps longer negative ones, so a sign is refused outright.
 */
static bool ctl_number(const char *tok, int base, unsigned long max, unsigned long *v,
		       char *out, size_t outlen)
{
	char *end = NULL;

	*v = strtoul(tok, &end, base);
	if (*end || tok[0] == '-' || *v > max) {
		snprintf(out, outlen, "error: bad number '%s'\n", tok);
		return false;
	}
	return true;
}

static const char *const log_level_names[] = {
	[LOG_ERR] = "error", [LOG_WARN] = "warn", [LOG_INFO] = "info",
	[LOG_TRACE] = "trace", [LOG_REGS] = "regs",
};

void ctl_command(struct ctl *c, const char *line, char *out, size_t outlen)
{
	char buf[CTL_LINE_MAX], *tok[CTL_MAX_TOK], *save = NULL, *t;
	unsigned int nt = 0, i, first = 0, last = c->ndev;
	size_t n = 0;
	long fn = -1;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (!strncmp(t, "fn=", 3)) {
			char *end;

			fn = strtol(t + 3, &end, 10);
			if (*end || fn < 0 || (unsigned long)fn >= c->ndev) {
				snprintf(out, outlen, "error: no function '%s'\n", t + 3);
				return;
			}
			continue;
		}
		if (nt < CTL_MAX_TOK)
			tok[nt++] = t;
	}
	if (!nt) {
		snprintf(out, outlen, "error: empty command\n%s", help_text);
		return;
	}
	if (fn >= 0) {
		first = (unsigned int)fn;
		last = first + 1;
	}
	/* logged before it acts, so that what it does follows in the log */
	log_info(NULL, "control: %.*s", (int)strcspn(line, "\r\n"), line);
#define ARG(k) (nt > (k) ? tok[k] : "")
	if (!strcmp(tok[0], "help")) {
		snprintf(out, outlen, "ok\n%s", help_text);
		return;
	}
	if (!strcmp(tok[0], "link") && (!strcmp(ARG(1), "up") || !strcmp(ARG(1), "down"))) {
		for (i = first; i < last; i++)
			ena_dev_set_link(c->devs[i], !strcmp(ARG(1), "up"));
	} else if (!strcmp(tok[0], "keepalive") &&
		   (!strcmp(ARG(1), "stop") || !strcmp(ARG(1), "resume"))) {
		for (i = first; i < last; i++)
			ena_dev_keepalive_enable(c->devs[i], !strcmp(ARG(1), "resume"));
	} else if (!strcmp(tok[0], "fatal")) {
		for (i = first; i < last; i++)
			ena_dev_raise_fatal(c->devs[i]);
	} else if (!strcmp(tok[0], "notify")) {
		for (i = first; i < last; i++)
			ena_dev_send_hints(c->devs[i]);
	} else if (!strcmp(tok[0], "event") && (nt == 2 || nt == 3)) {
		static const struct { const char *name; unsigned int group; } events[] = {
			{ "warning", EIF_AENQ_WARNING },
			{ "refresh-caps", EIF_AENQ_REFRESH_CAPS },
			{ "reset-request", EIF_AENQ_RESET_REQUEST },
			{ "conf-notify", EIF_AENQ_CONF_NOTIFY },
		};
		unsigned long long bitmap = 1;
		unsigned int k, posted = 0;
		char *end = NULL;

		for (k = 0; k < sizeof(events) / sizeof(events[0]); k++)
			if (!strcmp(tok[1], events[k].name))
				break;
		if (k == sizeof(events) / sizeof(events[0]) ||
		    (nt == 3 && events[k].group != EIF_AENQ_CONF_NOTIFY)) {
			snprintf(out, outlen, "error: event warning|refresh-caps|reset-request|conf-notify [BITMAP]\n");
			return;
		}
		if (nt == 3) {
			errno = 0;
			bitmap = strtoull(tok[2], &end, 0);
			if (*end || errno || tok[2][0] == '-') {
				snprintf(out, outlen, "error: bad bitmap '%s'\n", tok[2]);
				return;
			}
		}
		for (i = first; i < last; i++)
			posted += ena_dev_post_event(c->devs[i], events[k].group, bitmap);
		snprintf(out, outlen, "ok\nposted=%u\n", posted);
		return;
	} else if (!strcmp(tok[0], "tx-comp")) {
		unsigned long v = 0;

		if (nt > 2 && !ctl_number(tok[2], 10, 0xffffffffu, &v, out, outlen))
			return;
		if (!strcmp(ARG(1), "drop") && nt == 3) {
			for (i = first; i < last; i++)
				ena_dev_tx_comp_fault(c->devs[i], (uint32_t)v, 0);
		} else if (!strcmp(ARG(1), "delay") && nt == 3) {
			for (i = first; i < last; i++)
				ena_dev_tx_comp_fault(c->devs[i], 0, (uint32_t)v);
		} else if (!strcmp(ARG(1), "normal")) {
			for (i = first; i < last; i++)
				ena_dev_tx_comp_fault(c->devs[i], 0, 0);
		} else {
			snprintf(out, outlen, "error: tx-comp drop N | delay MS | normal\n");
			return;
		}
	} else if (!strcmp(tok[0], "fault") && nt >= 2 && nt <= 4) {
		enum ena_fault f = ena_fault_by_name(tok[1]);
		unsigned long v[2] = { 0, 0 };
		unsigned int k;

		if (f == ENA_FAULT_KINDS) {
			snprintf(out, outlen, "error: no fault '%s'\n", tok[1]);
			return;
		}
		for (k = 2; k < nt; k++)
			if (!ctl_number(tok[k], 0, 0xffffffffu, &v[k - 2], out, outlen))
				return;
		/* irq-loss takes its duration first; the others a count, then ARG */
		if (f == ENA_FAULT_IRQ_LOSS) {
			v[1] = v[0];
			v[0] = 0;
		}
		for (i = first; i < last; i++)
			ena_dev_fault(c->devs[i], f, (uint32_t)v[0], (uint32_t)v[1]);
	} else if (!strcmp(tok[0], "chaos") && (nt == 2 || nt == 3)) {
		unsigned long v[2] = { 0, 1 };
		unsigned int k;

		for (k = 1; k < nt; k++)
			if (!ctl_number(tok[k], 0, k == 1 ? 1000000ul : 0xffffffffu, &v[k - 1],
					out, outlen))
				return;
		for (i = first; i < last; i++)
			ena_dev_chaos(c->devs[i], (uint32_t)v[0], (uint32_t)v[1]);
	} else if (!strcmp(tok[0], "allowance") && nt == 3) {
		unsigned long v;

		if (!ctl_number(tok[2], 0, 0xffffffffu, &v, out, outlen))
			return;
		for (i = first; i < last; i++) {
			if (!ena_dev_set_allowance(c->devs[i], tok[1], (uint32_t)v)) {
				snprintf(out, outlen, "error: allowance pps|bw-in|bw-out|"
					 "conntrack (at most %u)|linklocal|frag N\n", ENA_ENI_MAX_FLOWS);
				return;
			}
		}
	} else if (!strcmp(tok[0], "log") && nt == 2) {
		for (i = 0; i < sizeof(log_level_names) / sizeof(log_level_names[0]); i++)
			if (!strcmp(tok[1], log_level_names[i]))
				break;
		if (i == sizeof(log_level_names) / sizeof(log_level_names[0])) {
			snprintf(out, outlen, "error: log error|warn|info|trace|regs\n");
			return;
		}
		log_verbosity = (int)i;
	} else if (!strcmp(tok[0], "mark") && nt > 1) {
		/* nothing to do: the log line below is the mark */
	} else if (!strcmp(tok[0], "clock") && nt == 1) {
		snprintf(out, outlen, "ok\nrealtime_ns=%llu\n", (unsigned long long)ena_phc_now_ns());
		return;
	} else if (!strcmp(tok[0], "counters") || !strcmp(tok[0], "stats")) {
		n = (size_t)snprintf(out, outlen, "ok\n");
		for (i = first; i < last && n < outlen; i++) {
			struct net_port *p = c->ports ? c->ports[i] : NULL;

			n += ena_dev_counters(c->devs[i], out + n, outlen - n);
			if (p && n < outlen)
				n += (size_t)snprintf(out + n, outlen - n,
					"%s.wire_tx_frames=%llu\n%s.wire_tx_errors=%llu\n%s.wire_rx_frames=%llu\n"
					"%s.wire_txq_max=%llu\n%s.wire_txq_drops=%llu\n",
					ena_dev_name(c->devs[i]), (unsigned long long)p->tx_frames,
					ena_dev_name(c->devs[i]), (unsigned long long)p->tx_errors,
					ena_dev_name(c->devs[i]), (unsigned long long)p->rx_frames,
					ena_dev_name(c->devs[i]), (unsigned long long)p->txq_max_seen,
					ena_dev_name(c->devs[i]), (unsigned long long)p->tx_queue_drops);
		}
		return;
	} else {
		snprintf(out, outlen, "error: unknown command '%s'\n%s", tok[0], help_text);
		return;
	}
#undef ARG
	snprintf(out, outlen, "ok\n");
}

/* send all of buf, waiting at most a second for a slow reader */
static int send_all(int fd, const char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	while (len) {
		ssize_t w = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (poll(&p, 1, 1000) <= 0)
				return -1;
			continue;
		}
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static void client_close(struct ctl_client *cl)
{
	ev_del_fd(cl->c->loop, cl->fd);
	close(cl->fd);
	cl->fd = -1;
}

/* answer every complete line received so far; false: drop the client */
static bool client_lines(struct ctl_client *cl)
{
	char out[16384], *nl;

	while ((nl = memchr(cl->buf, '\n', cl->n))) {
		size_t len = (size_t)(nl - cl->buf) + 1;
		char line[CTL_LINE_MAX];

		memcpy(line, cl->buf, len - 1);
		line[len - 1] = 0;
		memmove(cl->buf, cl->buf + len, cl->n - len);
		cl->n -= len;
		if (!line[strspn(line, " \t\r")])
			continue;	/* blank lines get no answer */
		ctl_command(cl->c, line, out, sizeof(out) - 3);
		strcat(out, ".\n");
		if (send_all(cl->fd, out, strlen(out))) {
			log_warn(NULL, "control: reply lost: %s", strerror(errno));
			return false;
		}
	}
	if (cl->n == sizeof(cl->buf)) {
		static const char too_long[] = "error: command line too long\n.\n";

		send_all(cl->fd, too_long, sizeof(too_long) - 1);
		return false;
	}
	return true;
}

static void on_client(void *opaque, int fd, short revents)
{
	struct ctl_client *cl = opaque;
	ssize_t r;

	(void)revents;
	r = read(fd, cl->buf + cl->n, sizeof(cl->buf) - cl->n);
	if (r <= 0 && !(r < 0 && (errno == EAGAIN || errno == EINTR))) {
		client_close(cl);
		return;
	}
	if (r > 0) {
		cl->n += (size_t)r;
		if (!client_lines(cl))
			client_close(cl);
	}
}

static void on_accept(void *opaque, int fd, short revents)
{
	static const char busy[] = "error: too many control clients\n.\n";
	struct ctl *c = opaque;
	unsigned int i;
	int cfd;

	(void)revents;
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return;
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *cl = &c->clients[i];

		if (cl->fd >= 0)
			continue;
		cl->c = c;
		cl->fd = cfd;
		cl->n = 0;
		if (!ev_add_fd(c->loop, cfd, POLLIN, on_client, cl))
			return;
		cl->fd = -1;
		break;
	}
	send_all(cfd, busy, sizeof(busy) - 1);
	close(cfd);
}

int ctl_open(struct ctl *c, const char *path, struct evloop *loop)
{
	struct sockaddr_un sa;
	unsigned int i;

	c->loop = loop;
	c->fd = -1;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err(NULL, "control socket path too long");
		return -1;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	unlink(path);
	if (c->fd < 0 || bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(c->fd, 4) ||
	    ev_add_fd(loop, c->fd, POLLIN, on_accept, c)) {
		log_err(NULL, "control socket %s: %s", path, strerror(errno));
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return -1;
	}
	log_info(NULL, "control socket %s", path);
	return 0;
}

void ctl_close(struct ctl *c)
{
	unsigned int i;

	if (c->fd < 0)		/* never opened: no clients either */
		return;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i].fd >= 0)
			client_close(&c->clients[i]);
	ev_del_fd(c->loop, c->fd);
	close(c->fd);
	unlink(c->path);
	c->fd = -1;
}

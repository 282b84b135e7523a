// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ena-model: emulated AWS ENA PCI functions served to QEMU over vfio-user.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "ctl.h"
#include "evloop.h"
#include "log.h"
#include "net.h"
#include "pci.h"
#include "profile.h"

struct app {
	struct evloop loop;
	struct ena_profile prof;
	struct pci_fn *fn[PROFILE_MAX_SOCKETS];
	unsigned int nfn;
	/* packet backends and control */
	const char *dgram[PROFILE_MAX_SOCKETS];
	unsigned int ndgram;
	bool loopback;
	const char *pcap_path;
	uint32_t pcap_snaplen;
	const char *ctl_path;
	struct net_pcap pcap;
	struct net_port port[PROFILE_MAX_SOCKETS];
	struct net_port *ports[PROFILE_MAX_SOCKETS];
	struct ena_dev *devs[PROFILE_MAX_SOCKETS];
	struct ctl ctl;
	int sigfd;
	int exit_code;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ena-model --socket PATH [--socket PATH...] [options]\n"
		"\n"
		"Serves emulated ENA PCI functions (one per socket) to QEMU's\n"
		"vfio-user-pci device.\n"
		"\n"
		"options:\n"
		"  -s, --socket PATH      listen on PATH (repeatable)\n"
		"  -p, --profile FILE     read key = value settings from FILE\n"
		"  -m, --mac MAC          MAC address of the first function\n"
		"      --max-mtu N        device max MTU\n"
		"      --pf | --vf        PCI device id of an ENA PF (0x0ec2) or VF (0xec20, default)\n"
		"      --no-readless      set PCI revision bit 0: driver reads registers over MMIO\n"
		"      --msix N           MSI-X vectors (default 9: 1 management + 8 queue pairs)\n"
		"      --queues N         IO queue pairs (default 8)\n"
		"      --set KEY=VALUE    any profile key (see below)\n"
		"      --reconnect        wait for a new client after a disconnect\n"
		"      --dgram LOCAL:REMOTE  cable the next function to a UNIX datagram socket:\n"
		"                         bind LOCAL, send to REMOTE (QEMU -netdev dgram peer)\n"
		"      --loopback         cable functions 0-1, 2-3, ... back to back\n"
		"                         (a single function: to itself)\n"
		"      --pcap FILE        write every frame sent and received to FILE\n"
		"      --pcap-snaplen N   keep only the first N bytes of each frame there\n"
		"      --ctl PATH         control socket (see ena-model-ctl help)\n"
		"  -v, --verbose          trace messages, admin commands, AENQ (-vv: registers too)\n"
		"  -h, --help             this text\n"
		"\n"
		"signals: SIGTERM/SIGINT exit, SIGUSR1 toggles the link, SIGUSR2 sends\n"
		"an AENQ hints notification.\n");
	if (f == stdout) {
		fprintf(f, "\nprofile keys (file lines \"key = value\", or --set key=value):\n");
		profile_help();
	} else {
		fprintf(f, "\nrun with --help for the profile keys\n");
	}
}

enum { OPT_MAX_MTU = 256, OPT_PF, OPT_VF, OPT_NO_READLESS, OPT_MSIX, OPT_QUEUES,
       OPT_SET, OPT_RECONNECT, OPT_DGRAM, OPT_LOOPBACK, OPT_PCAP, OPT_PCAP_SNAPLEN, OPT_CTL };

static const struct option long_opts[] = {
	{ "socket", required_argument, NULL, 's' },
	{ "profile", required_argument, NULL, 'p' },
	{ "mac", required_argument, NULL, 'm' },
	{ "max-mtu", required_argument, NULL, OPT_MAX_MTU },
	{ "pf", no_argument, NULL, OPT_PF },
	{ "vf", no_argument, NULL, OPT_VF },
	{ "no-readless", no_argument, NULL, OPT_NO_READLESS },
	{ "msix", required_argument, NULL, OPT_MSIX },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "set", required_argument, NULL, OPT_SET },
	{ "reconnect", no_argument, NULL, OPT_RECONNECT },
	{ "dgram", required_argument, NULL, OPT_DGRAM },
	{ "loopback", no_argument, NULL, OPT_LOOPBACK },
	{ "pcap", required_argument, NULL, OPT_PCAP },
	{ "pcap-snaplen", required_argument, NULL, OPT_PCAP_SNAPLEN },
	{ "ctl", required_argument, NULL, OPT_CTL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int set(struct ena_profile *p, const char *k, const char *v)
{
	char err[256];

	if (profile_set(p, k, v, err, sizeof(err))) {
		log_err(NULL, "%s", err);
		return -1;
	}
	return 0;
}

/* profiles first, then the other options on top, whatever their order */
static int parse_args(struct app *a, int argc, char **argv)
{
	char err[256];
	int c, pass;

	for (pass = 0; pass < 2; pass++) {
		optind = 0;	/* 0: full getopt reset in glibc */
		while ((c = getopt_long(argc, argv, "s:p:m:vh", long_opts, NULL)) != -1) {
			int rc = 0;

			if (c == '?')
				return -1;
			if (c == 'h') {
				usage(stdout);
				exit(0);
			}
			if ((c == 'p') != (pass == 0))
				continue;
			switch (c) {
			case 'p':
				if (profile_load(&a->prof, optarg, err, sizeof(err))) {
					log_err(NULL, "%s", err);
					return -1;
				}
				break;
			case 's':
				rc = set(&a->prof, "socket", optarg);
				break;
			case 'm':
				rc = set(&a->prof, "mac", optarg);
				break;
			case OPT_MAX_MTU:
				rc = set(&a->prof, "max_mtu", optarg);
				break;
			case OPT_PF:
				rc = set(&a->prof, "device", "pf");
				break;
			case OPT_VF:
				rc = set(&a->prof, "device", "vf");
				break;
			case OPT_NO_READLESS:
				rc = set(&a->prof, "readless", "off");
				break;
			case OPT_MSIX:
				rc = set(&a->prof, "msix_vectors", optarg);
				break;
			case OPT_QUEUES:
				rc = set(&a->prof, "queues", optarg);
				break;
			case OPT_RECONNECT:
				rc = set(&a->prof, "reconnect", "on");
				break;
			case OPT_DGRAM:
				if (a->ndgram >= PROFILE_MAX_SOCKETS) {
					log_err(NULL, "too many --dgram options");
					return -1;
				}
				a->dgram[a->ndgram++] = optarg;
				break;
			case OPT_LOOPBACK:
				a->loopback = true;
				break;
			case OPT_PCAP:
				a->pcap_path = optarg;
				break;
			case OPT_PCAP_SNAPLEN: {
				char *end;
				unsigned long v = strtoul(optarg, &end, 10);

				if (*end || !*optarg || v < 14 || v > 65535) {
					log_err(NULL, "--pcap-snaplen wants 14..65535 bytes, got '%s'", optarg);
					return -1;
				}
				a->pcap_snaplen = (uint32_t)v;
				break;
			}
			case OPT_CTL:
				a->ctl_path = optarg;
				break;
			case OPT_SET: {
				char *kv = strdup(optarg), *eq = kv ? strchr(kv, '=') : NULL;

				if (!eq) {
					log_err(NULL, "--set wants KEY=VALUE, got '%s'", optarg);
					free(kv);
					return -1;
				}
				*eq = 0;
				rc = set(&a->prof, kv, eq + 1);
				free(kv);
				break;
			}
			case 'v':
				log_verbosity++;
				break;
			default:
				return -1;
			}
			if (rc)
				return -1;
		}
		if (optind < argc) {
			log_err(NULL, "unexpected argument '%s'", argv[optind]);
			return -1;
		}
	}
	if (profile_validate(&a->prof, err, sizeof(err))) {
		log_err(NULL, "%s", err);
		return -1;
	}
	if (a->ndgram > a->prof.n_sockets) {
		log_err(NULL, "%u --dgram options for %u functions", a->ndgram, a->prof.n_sockets);
		return -1;
	}
	if (a->loopback && a->ndgram) {
		log_err(NULL, "--loopback and --dgram exclude each other");
		return -1;
	}
	if (a->prof.msix_vectors < 2)
		log_warn(NULL, "msix_vectors < 2: the Linux driver needs at least 2 and will fail");
	if (a->prof.msix_vectors > a->prof.max_queues + 1)
		log_warn(NULL, "msix_vectors %u > queues + 1: the driver uses at most queues + 1",
			 a->prof.msix_vectors);
	return 0;
}

static void on_signal(void *opaque, int fd, short revents)
{
	struct app *a = opaque;
	struct signalfd_siginfo si;
	unsigned int i;

	(void)revents;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_info(NULL, "signal %u: exiting", si.ssi_signo);
			a->loop.stop = true;
			break;
		case SIGUSR1:
			for (i = 0; i < a->nfn; i++)
				ena_dev_set_link(a->fn[i]->ena, !ena_dev_link_up(a->fn[i]->ena));
			break;
		case SIGUSR2:
			for (i = 0; i < a->nfn; i++)
				ena_dev_send_hints(a->fn[i]->ena);
			break;
		}
	}
}

static int setup_net(struct app *a)
{
	unsigned int i;

	if (a->pcap_path && net_pcap_open(&a->pcap, a->pcap_path, a->pcap_snaplen))
		return -1;
	for (i = 0; i < a->nfn; i++) {
		a->devs[i] = a->fn[i]->ena;
		a->ports[i] = &a->port[i];
		net_port_init(&a->port[i], a->fn[i]->name, a->devs[i], &a->loop, &a->pcap);
		if (i < a->ndgram && net_port_dgram(&a->port[i], a->dgram[i]))
			return -1;
	}
	if (a->loopback) {
		for (i = 0; i + 1 < a->nfn; i += 2)
			net_port_loopback(&a->port[i], &a->port[i + 1]);
		if (a->nfn % 2)
			net_port_loopback(&a->port[a->nfn - 1], &a->port[a->nfn - 1]);
	}
	a->ctl.devs = a->devs;
	a->ctl.ports = a->ports;
	a->ctl.ndev = a->nfn;
	if (a->ctl_path && ctl_open(&a->ctl, a->ctl_path, &a->loop))
		return -1;
	return 0;
}

static bool all_done(const struct app *a)
{
	unsigned int i;

	for (i = 0; i < a->nfn; i++)
		if (!pci_fn_done(a->fn[i]))
			return false;
	return true;
}

int main(int argc, char **argv)
{
	struct app *a = calloc(1, sizeof(*a));
	sigset_t mask;
	unsigned int i;
	int rc = 1;

	if (!a)
		return 1;
	setvbuf(stderr, NULL, _IOLBF, 0);
	/* a vanished client must show up as an error return, not kill us */
	signal(SIGPIPE, SIG_IGN);
	profile_defaults(&a->prof);
	ev_init(&a->loop);
	a->sigfd = -1;
	a->ctl.fd = -1;
	for (i = 0; i < PROFILE_MAX_SOCKETS; i++)
		a->port[i].fd = -1;
	if (parse_args(a, argc, argv)) {
		usage(stderr);
		goto out;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    (a->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
	    ev_add_fd(&a->loop, a->sigfd, POLLIN, on_signal, a)) {
		log_err(NULL, "signal setup: %s", strerror(errno));
		goto out;
	}

	for (i = 0; i < a->prof.n_sockets; i++) {
		char name[16];

		snprintf(name, sizeof(name), "ena%u", i);
		a->fn[i] = pci_fn_create(name, &a->prof, i, a->prof.sockets[i], &a->loop);
		if (!a->fn[i])
			goto out;
		a->nfn++;
	}
	if (setup_net(a))
		goto out;

	while (!a->loop.stop && !all_done(a)) {
		if (ev_run_once(&a->loop)) {
			log_err(NULL, "poll: %s", strerror(errno));
			goto out;
		}
	}
	if (!a->loop.stop)
		log_info(NULL, "all clients gone: exiting");
	rc = 0;
out:
	/* the final counters, for logs of runs nobody queried */
	for (i = 0; i < a->nfn; i++) {
		char buf[4096], *line, *save = NULL;

		ena_dev_counters(a->fn[i]->ena, buf, sizeof(buf));
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (!strstr(line, "=0") || strstr(line, "=0x"))
				log_info(NULL, "final %s", line);
	}
	ctl_close(&a->ctl);
	for (i = 0; i < a->nfn; i++)
		net_port_close(&a->port[i]);
	for (i = 0; i < a->nfn; i++)
		pci_fn_destroy(a->fn[i]);
	net_pcap_close(&a->pcap);
	if (a->sigfd >= 0)
		close(a->sigfd);
	profile_free(&a->prof);
	free(a);
	return rc;
}

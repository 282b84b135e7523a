/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control socket: a UNIX stream socket taking text commands, one per line
 * ("link down", "counters fn=1", ...).  Each is answered with "ok" or
 * "error: ..." and optional key=value lines, then a line holding only ".".
 * A connection stays open for as many commands as the client sends, so a
 * guest can hold one through a QEMU virtio-serial port (scripts/vm-run).
 * ena-model-ctl is the command line client.  The command list is in ctl.c
 * (and "help").
 */
#ifndef ENA_MODEL_CTL_H
#define ENA_MODEL_CTL_H

#include "ena_dev.h"
#include "evloop.h"

struct net_port;
struct ctl;

#define CTL_MAX_CLIENTS	8
#define CTL_LINE_MAX	256

struct ctl_client {
	struct ctl *c;
	int fd;			/* -1: slot free */
	size_t n;		/* bytes of an unfinished line in buf */
	char buf[CTL_LINE_MAX];
};

struct ctl {
	int fd;
	char path[108];
	struct evloop *loop;
	struct ena_dev **devs;
	struct net_port **ports;
	unsigned int ndev;
	struct ctl_client clients[CTL_MAX_CLIENTS];
};

int ctl_open(struct ctl *c, const char *path, struct evloop *loop);
void ctl_close(struct ctl *c);
/* handle one command line; the reply goes to out (NUL terminated) */
void ctl_command(struct ctl *c, const char *line, char *out, size_t outlen);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control socket: a UNIX stream socket taking one text command per
 * connection ("link down", "counters fn=1", ...) and answering with
 * "ok" or "error: ..." followed by key=value lines.  ena-model-ctl is the
 * command line client.  The command list is in ctl.c (and "help").
 */
#ifndef ENA_MODEL_CTL_H
#define ENA_MODEL_CTL_H

#include "ena_dev.h"
#include "evloop.h"

struct net_port;

struct ctl {
	int fd;
	char path[108];
	struct evloop *loop;
	struct ena_dev **devs;
	struct net_port **ports;
	unsigned int ndev;
};

int ctl_open(struct ctl *c, const char *path, struct evloop *loop);
void ctl_close(struct ctl *c);
/* handle one command line; the reply goes to out (NUL terminated) */
void ctl_command(struct ctl *c, const char *line, char *out, size_t outlen);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Single-threaded poll() loop with fd watches and timers.  Everything the
 * model does happens in callbacks from here, so device state needs no locks.
 */
#ifndef ENA_MODEL_EVLOOP_H
#define ENA_MODEL_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

#define EV_MAX_FDS	64

typedef void (*ev_fd_cb)(void *opaque, int fd, short revents);
typedef void (*ev_timer_cb)(void *opaque);

struct ev_timer {
	uint64_t deadline_us;
	uint64_t period_us;	/* 0: one shot */
	ev_timer_cb cb;
	void *opaque;
	bool armed;
	struct ev_timer *next;	/* list of all timers known to the loop */
	bool linked;
};

struct ev_watch {
	int fd;
	short events;
	ev_fd_cb cb;
	void *opaque;
};

struct evloop {
	struct ev_watch w[EV_MAX_FDS];
	unsigned int n;
	struct ev_timer *timers;
	bool stop;
};

uint64_t ev_now_ms(void);
uint64_t ev_now_us(void);
void ev_init(struct evloop *l);
int ev_add_fd(struct evloop *l, int fd, short events, ev_fd_cb cb, void *opaque);
void ev_del_fd(struct evloop *l, int fd);
/* change the events of a watched fd */
void ev_mod_fd(struct evloop *l, int fd, short events);
void ev_timer_setup(struct evloop *l, struct ev_timer *t, ev_timer_cb cb, void *opaque);
void ev_timer_arm(struct ev_timer *t, uint64_t delay_ms, uint64_t period_ms);
/* microsecond resolution (interrupt moderation) */
void ev_timer_arm_us(struct ev_timer *t, uint64_t delay_us, uint64_t period_us);
void ev_timer_cancel(struct ev_timer *t);
void ev_timer_remove(struct evloop *l, struct ev_timer *t);
/* Waits for and dispatches one round of events. Returns -1 on poll error. */
int ev_run_once(struct evloop *l);

#endif

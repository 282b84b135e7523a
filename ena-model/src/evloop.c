// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "evloop.h"

uint64_t ev_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t ev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void ev_init(struct evloop *l)
{
	memset(l, 0, sizeof(*l));
}

int ev_add_fd(struct evloop *l, int fd, short events, ev_fd_cb cb, void *opaque)
{
	if (l->n >= EV_MAX_FDS)
		return -1;
	l->w[l->n].fd = fd;
	l->w[l->n].events = events;
	l->w[l->n].cb = cb;
	l->w[l->n].opaque = opaque;
	l->n++;
	return 0;
}

void ev_del_fd(struct evloop *l, int fd)
{
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		if (l->w[i].fd == fd) {
			memmove(&l->w[i], &l->w[i + 1], (l->n - i - 1) * sizeof(l->w[0]));
			l->n--;
			return;
		}
	}
}

void ev_mod_fd(struct evloop *l, int fd, short events)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->w[i].fd == fd)
			l->w[i].events = events;
}

void ev_timer_setup(struct evloop *l, struct ev_timer *t, ev_timer_cb cb, void *opaque)
{
	t->cb = cb;
	t->opaque = opaque;
	t->armed = false;
	if (!t->linked) {
		t->next = l->timers;
		l->timers = t;
		t->linked = true;
	}
}

void ev_timer_arm_us(struct ev_timer *t, uint64_t delay_us, uint64_t period_us)
{
	t->deadline_us = ev_now_us() + delay_us;
	t->period_us = period_us;
	t->armed = true;
}

void ev_timer_arm(struct ev_timer *t, uint64_t delay_ms, uint64_t period_ms)
{
	ev_timer_arm_us(t, delay_ms * 1000u, period_ms * 1000u);
}

void ev_timer_cancel(struct ev_timer *t)
{
	t->armed = false;
}

void ev_timer_remove(struct evloop *l, struct ev_timer *t)
{
	struct ev_timer **pp;

	for (pp = &l->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			t->linked = false;
			t->armed = false;
			return;
		}
	}
}

/* NULL: no timer armed */
static struct timespec *next_timeout(struct evloop *l, uint64_t now, struct timespec *ts)
{
	struct ev_timer *t;
	uint64_t best = UINT64_MAX, d;

	for (t = l->timers; t; t = t->next)
		if (t->armed && t->deadline_us < best)
			best = t->deadline_us;
	if (best == UINT64_MAX)
		return NULL;
	d = best <= now ? 0 : best - now;
	if (d > 60000000u)
		d = 60000000u;
	ts->tv_sec = (time_t)(d / 1000000u);
	ts->tv_nsec = (long)(d % 1000000u) * 1000;
	return ts;
}

static void run_timers(struct evloop *l)
{
	uint64_t now = ev_now_us();
	struct ev_timer *t;

restart:
	for (t = l->timers; t; t = t->next) {
		if (!t->armed || t->deadline_us > now)
			continue;
		if (t->period_us) {
			t->deadline_us += t->period_us;
			if (t->deadline_us <= now)	/* we fell behind: do not burst */
				t->deadline_us = now + t->period_us;
		} else {
			t->armed = false;
		}
		t->cb(t->opaque);
		/* the callback may have added or removed timers */
		goto restart;
	}
}

int ev_run_once(struct evloop *l)
{
	struct pollfd pfd[EV_MAX_FDS];
	struct ev_watch snap[EV_MAX_FDS];
	unsigned int i, n = l->n;
	struct timespec ts;
	int rc;

	for (i = 0; i < n; i++) {
		pfd[i].fd = l->w[i].fd;
		pfd[i].events = l->w[i].events;
		pfd[i].revents = 0;
		snap[i] = l->w[i];
	}
	rc = ppoll(pfd, n, next_timeout(l, ev_now_us(), &ts), NULL);
	if (rc < 0 && errno != EINTR)
		return -1;
	for (i = 0; rc > 0 && i < n; i++) {
		unsigned int j;
		bool alive = false;

		if (!pfd[i].revents)
			continue;
		/* skip watches removed by an earlier callback in this round */
		for (j = 0; j < l->n; j++) {
			if (l->w[j].fd == snap[i].fd && l->w[j].opaque == snap[i].opaque &&
			    l->w[j].cb == snap[i].cb) {
				alive = true;
				break;
			}
		}
		if (alive)
			snap[i].cb(snap[i].opaque, pfd[i].fd, pfd[i].revents);
	}
	run_timers(l);
	return 0;
}

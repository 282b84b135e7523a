/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging to stderr with a fixed prefix; -v raises the verbosity. */
#ifndef ENA_MODEL_LOG_H
#define ENA_MODEL_LOG_H

enum log_level {
	LOG_ERR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_TRACE,	/* -v: messages, admin commands, AENQ events */
	LOG_REGS,	/* -vv: every register access */
};

extern int log_verbosity;

void log_msg(enum log_level lvl, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int log_on(enum log_level lvl)
{
	return (int)lvl <= log_verbosity;
}

#define log_err(who, ...)	log_msg(LOG_ERR, who, __VA_ARGS__)
#define log_warn(who, ...)	log_msg(LOG_WARN, who, __VA_ARGS__)
#define log_info(who, ...)	log_msg(LOG_INFO, who, __VA_ARGS__)
#define log_trace(who, ...) \
	do { if (log_on(LOG_TRACE)) log_msg(LOG_TRACE, who, __VA_ARGS__); } while (0)
#define log_regs(who, ...) \
	do { if (log_on(LOG_REGS)) log_msg(LOG_REGS, who, __VA_ARGS__); } while (0)

#endif

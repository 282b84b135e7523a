// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

int log_verbosity = LOG_INFO;

static const char *const level_tag[] = {
	[LOG_ERR] = "error: ",
	[LOG_WARN] = "warning: ",
	[LOG_INFO] = "",
	[LOG_TRACE] = "",
	[LOG_REGS] = "",
};

void log_msg(enum log_level lvl, const char *who, const char *fmt, ...)
{
	struct timespec ts;
	char line[1024];
	va_list ap;
	int n;

	if (!log_on(lvl))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "ena-model[%ld.%03ld]%s%s: %s",
		     (long)ts.tv_sec, ts.tv_nsec / 1000000L,
		     who ? " " : "", who ? who : "", level_tag[lvl]);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* one write per line so lines from several devices never interleave */
	fprintf(stderr, "%s\n", line);
}

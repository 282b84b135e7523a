// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>

#include "harness.h"

static int passed, failed;
static bool cur_failed;
static const char *cur_name;

void h_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur_failed = true;
	fprintf(stderr, "  check failed in %s (%s:%d): ", cur_name, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool h_current_failed(void)
{
	return cur_failed;
}

void h_run(const char *name, void (*fn)(void))
{
	cur_name = name;
	cur_failed = false;
	fn();
	if (cur_failed) {
		failed++;
		printf("FAIL %s\n", name);
	} else {
		passed++;
		printf("ok   %s\n", name);
	}
	fflush(stdout);
}

int h_finish(void)
{
	printf("RESULT %d %d\n", passed, failed);
	return failed ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tiny test harness: named test cases, CHECK macros, a RESULT line. */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stdbool.h>
#include <stdio.h>

void h_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool h_current_failed(void);
void h_run(const char *name, void (*fn)(void));
/* prints "RESULT <passed> <failed>" and returns the process exit code */
int h_finish(void);

#define CHECK(cond) \
	do { if (!(cond)) h_fail(__FILE__, __LINE__, "%s", #cond); } while (0)
#define CHECK_EQ(a, b) \
	do { \
		unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
		if (_a != _b) \
			h_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", #a, #b, _a, _b); \
	} while (0)
/* stop the current test case if a precondition fails */
#define REQUIRE(cond) \
	do { if (!(cond)) { h_fail(__FILE__, __LINE__, "required: %s", #cond); goto out; } } while (0)

#define RUN(fn) h_run(#fn, fn)

#endif

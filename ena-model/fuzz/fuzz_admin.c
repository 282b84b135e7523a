// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the admin queue.  The device is brought up as a
 * driver does (admin queue, AENQ, readless address); the input is then a
 * sequence of operations (fuzz_dev.h), mostly admin commands with their
 * control buffers, register writes and device events.
 */
#include "fuzz_dev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_dev f;

	if (fz_dev_init(&f))
		__builtin_trap();
	fz_dev_admin_up(&f);
	fz_dev_run(&f, data, size);
	fz_dev_fini(&f);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the TX and RX descriptor paths.  The device is brought
 * up with one TX and one RX queue pair in host placement mode; the input is
 * a sequence of operations (fuzz_dev.h), mostly descriptors, doorbells and
 * frames from the wire.
 */
#include "fuzz_dev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_dev f;

	if (fz_dev_init(&f))
		__builtin_trap();
	fz_dev_io_up(&f);
	fz_dev_run(&f, data, size);
	fz_dev_fini(&f);
	return 0;
}

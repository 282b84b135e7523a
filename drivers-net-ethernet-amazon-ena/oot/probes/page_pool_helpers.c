// SPDX-License-Identifier: GPL-2.0
/* page_pool's helpers header, for the RX buffers */
#include <net/page_pool/helpers.h>

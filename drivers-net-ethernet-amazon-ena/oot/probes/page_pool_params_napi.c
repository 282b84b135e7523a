// SPDX-License-Identifier: GPL-2.0
/* page_pool_params::napi, for direct recycling from that NAPI's skbs */
/* the field came before page_pool.h was split up */
#if __has_include(<net/page_pool/types.h>)
#include <net/page_pool/types.h>
#else
#include <net/page_pool.h>
#endif

const struct page_pool_params ena_probe = {
	.napi = NULL,
};

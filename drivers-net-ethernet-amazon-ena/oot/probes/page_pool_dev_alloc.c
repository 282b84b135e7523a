// SPDX-License-Identifier: GPL-2.0
/* page_pool_dev_alloc(): a fragment or a whole page, as the size needs */
#include <net/page_pool/helpers.h>

struct page *ena_probe(struct page_pool *pool, unsigned int *offset,
		       unsigned int *size);
struct page *ena_probe(struct page_pool *pool, unsigned int *offset,
		       unsigned int *size)
{
	return page_pool_dev_alloc(pool, offset, size);
}

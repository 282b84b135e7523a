// SPDX-License-Identifier: GPL-2.0
/* net_dim() takes the sample by pointer */
#include <linux/dim.h>

void ena_probe(struct dim *dim, const struct dim_sample *sample);
void ena_probe(struct dim *dim, const struct dim_sample *sample)
{
	net_dim(dim, sample);
}

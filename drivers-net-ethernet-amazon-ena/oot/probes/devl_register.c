// SPDX-License-Identifier: GPL-2.0
/* devl_register(): devlink registered under the instance lock */
#include <net/devlink.h>

void ena_probe(struct devlink *devlink);
void ena_probe(struct devlink *devlink)
{
	devl_register(devlink);
	devl_unregister(devlink);
}

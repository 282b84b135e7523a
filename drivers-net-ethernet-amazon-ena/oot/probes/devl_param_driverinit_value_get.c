// SPDX-License-Identifier: GPL-2.0
/* devl_param_driverinit_value_get(), the locked driverinit value read */
#include <net/devlink.h>

int ena_probe(struct devlink *devlink, union devlink_param_value *val);
int ena_probe(struct devlink *devlink, union devlink_param_value *val)
{
	return devl_param_driverinit_value_get(devlink, 0, val);
}

// SPDX-License-Identifier: GPL-2.0
/* devl_param_driverinit_value_set() takes the value by pointer */
#include <net/devlink.h>

void ena_probe(struct devlink *devlink, union devlink_param_value *val);
void ena_probe(struct devlink *devlink, union devlink_param_value *val)
{
	devl_param_driverinit_value_set(devlink, 0, val);
}

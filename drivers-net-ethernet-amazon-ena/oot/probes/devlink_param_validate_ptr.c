// SPDX-License-Identifier: GPL-2.0
/* devlink_param::validate() gets the value by pointer */
#include <net/devlink.h>

int ena_probe_validate(struct devlink *devlink, u32 id,
		       union devlink_param_value *val,
		       struct netlink_ext_ack *extack);

const struct devlink_param ena_probe = {
	.validate = ena_probe_validate,
};

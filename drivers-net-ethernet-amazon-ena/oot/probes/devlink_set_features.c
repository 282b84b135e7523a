// SPDX-License-Identifier: GPL-2.0
/* devlink_set_features(): reload is offered only with DEVLINK_F_RELOAD set */
#include <net/devlink.h>

void ena_probe(struct devlink *devlink);
void ena_probe(struct devlink *devlink)
{
	devlink_set_features(devlink, DEVLINK_F_RELOAD);
}

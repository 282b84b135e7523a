// SPDX-License-Identifier: GPL-2.0
/* the generic devlink parameter enable_phc */
#include <net/devlink.h>

int ena_probe = DEVLINK_PARAM_GENERIC_ID_ENABLE_PHC;

// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-tree builds only: the version modinfo shows, the one ethtool -i
 * shows too (see patches/), so that this driver can be told apart from the
 * one the kernel came with.
 */
#include <linux/module.h>

MODULE_VERSION(ENA_OOT_VERSION);

// SPDX-License-Identifier: GPL-2.0
/* __assign_str() takes the field only: __string() named the source */
#define CREATE_TRACE_POINTS
#include "trace_assign_str_one_arg.h"

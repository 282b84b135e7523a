// SPDX-License-Identifier: GPL-2.0
/* timer_delete_sync() and timer_delete(), the new names of del_timer*() */
#include <linux/timer.h>

void ena_probe(struct timer_list *t);
void ena_probe(struct timer_list *t)
{
	timer_delete(t);
	timer_delete_sync(t);
}

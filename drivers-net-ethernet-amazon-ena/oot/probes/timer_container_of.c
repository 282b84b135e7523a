// SPDX-License-Identifier: GPL-2.0
/* timer_container_of(), the new name of from_timer() */
#include <linux/timer.h>

struct ena_probe_s {
	struct timer_list t;
};

struct ena_probe_s *ena_probe(struct timer_list *t);
struct ena_probe_s *ena_probe(struct timer_list *t)
{
	struct ena_probe_s *s = timer_container_of(s, t, t);

	return s;
}

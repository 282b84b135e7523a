/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flow steering (feature 30): rules that send the received frames of a
 * flow to the RX queue they name, ahead of RSS. The driver adds a rule at
 * a location (or lets the device pick one), removes one or all; a frame
 * takes the rule at the lowest location it matches. A rule naming a queue
 * that does not exist (any more) steers nothing: RSS decides. A device
 * reset forgets every rule; drivers add theirs again.
 */
#ifndef ENA_MODEL_FLOW_H
#define ENA_MODEL_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ena_if.h"
#include "pkt.h"

/* the most rules the model holds (a larger table is refused) */
#define ENA_FLOW_MAX_RULES	512

struct ena_flow_rule {
	bool used;
	uint8_t type;			/* eif_flow_type */
	uint16_t queue;
	struct eif_flow_rule r;
	uint64_t hits;
};

struct ena_flow {
	uint16_t size;			/* rules offered, 0: feature off */
	uint16_t n_used;
	struct ena_flow_rule rules[ENA_FLOW_MAX_RULES];
};

void ena_flow_init(struct ena_flow *fl, uint16_t size);
void ena_flow_clear(struct ena_flow *fl);

/*
 * SET_FEATURE(flow steering): req from the command, rule from its control
 * buffer (ADD only; NULL if the command had none), queues the RX queues
 * the device has. Returns an EIF_ST_* status; *location is the rule's slot
 * after an ADD.
 */
uint8_t ena_flow_set(struct ena_flow *fl, const struct eif_f_flow_steering *req,
		     const struct eif_flow_rule *rule, unsigned int queues,
		     uint16_t *location);

/* the queue of the first rule frame f matches, or -1 */
int ena_flow_match(struct ena_flow *fl, const uint8_t *f, const struct pkt_info *pi);

#endif

/* Dynamic Memory VSC (hyperv.md §1): version 2.0 -> 1.0 -> 0.3, capabilities
 * balloon + hot-add with 128 MiB alignment, STATUS_REPORT every second,
 * BALLOON in 2 MiB chunks where possible, UNBALLOON, HOT_ADD (16/24 bytes),
 * INFO_MESSAGE. */
#ifndef HV_GUEST_DM_H_
#define HV_GUEST_DM_H_

#include <stdint.h>

#include "guest/src/vmbus.h"

/* Opens the channel and negotiates; 0 when Dynamic Memory is active.
 * `first_report_delay_s`: seconds before the first STATUS_REPORT. */
int dm_start(vmbus_channel* ch, uint8_t* ring_pages, uint32_t first_report_delay_s);
/* Behave like a hibernation-capable Linux guest (hyperv.md §1): ignore
 * balloon and unballoon requests without replying, refuse hot-add
 * permanently (result 1, page_count 0). For tests of host timeouts. */
void dm_set_hibernate_quirk(int on);
/* Handles host requests and sends the periodic report; returns the next
 * deadline. */
uint64_t dm_poll(uint64_t now);

#endif /* HV_GUEST_DM_H_ */

/* Integration channels besides DM: the heartbeat IC (answers the host's
 * heartbeat with seq + 1), the shutdown IC and the workload control channel. */
#ifndef HV_GUEST_IC_H_
#define HV_GUEST_IC_H_

#include <stdint.h>

#include "guest/src/vmbus.h"

void ic_heartbeat_start(vmbus_channel* ch, uint8_t* ring_pages);
/* Shutdown IC: answers the host's shutdown request, prints
 * "shutdown: requested by host" and powers off (HV_POWER_OFF_PORT). */
void ic_shutdown_start(vmbus_channel* ch, uint8_t* ring_pages);
void ic_workload_start(vmbus_channel* ch, uint8_t* ring_pages);
/* Handles pending packets; returns the next deadline. */
uint64_t ic_poll(uint64_t now);

#endif /* HV_GUEST_IC_H_ */

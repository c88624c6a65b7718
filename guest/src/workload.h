/* Workload engine: scripted memory demand. Commands (sizes in MiB):
 *   alloc N | free N | touch | hold
 *   ramp FROM TO STEP PERIOD_MS | spike BASE PEAK PERIOD_MS
 *   sawtooth LOW HIGH PERIOD_MS | walk SEED LOW HIGH STEP
 * Allocation prefers 2 MiB runs; every new page is touched with one store
 * (the progress counter). Patterns advance in workload_step. */
#ifndef HV_GUEST_WORKLOAD_H_
#define HV_GUEST_WORKLOAD_H_

#include <stdint.h>

#include "wire/vmbus.h"

/* Returns 0 if the command was understood. */
int workload_command(const char* text);
/* Advances the active pattern if due; returns the next deadline (or ~0). */
uint64_t workload_step(uint64_t now);
void workload_fill_status(hv_workload_status* s);
uint64_t workload_held_pages(void);
/* What the workload wants: what it holds, or more if it asked for memory the
 * guest could not give yet (reported as committed, like Linux's Committed_AS,
 * which counts commitments beyond what is resident). */
uint64_t workload_demand_pages(void);

#endif /* HV_GUEST_WORKLOAD_H_ */

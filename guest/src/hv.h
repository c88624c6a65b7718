/* Hypervisor interface of the guest (wire/tlfs.h): hypercalls through the
 * host-provided page at HV_BOOT_HYPERCALL_PAGE_GPA, synthetic registers via
 * HvCallGet/SetVpRegisters, the reference time, sleeping with STIMER0 + HLT,
 * and the SynIC message slot for VMBus. No interrupts: after every wake the
 * guest polls what may have changed. */
#ifndef HV_GUEST_HV_H_
#define HV_GUEST_HV_H_

#include <stdint.h>

#include "wire/tlfs.h"

void hv_init(void);
uint16_t hv_set_reg(uint32_t name, uint64_t value);
uint64_t hv_get_reg(uint32_t name);
/* TIME_REF_COUNT: 100 ns units since partition start. */
uint64_t hv_now(void);
#define HV_MS 10000ull
/* Arms STIMER0 for the absolute time `deadline` and halts until it expires
 * or the host kicks the vCPU. */
void hv_sleep_until(uint64_t deadline);
/* HvPostMessage to `connection_id` (message type 1). Returns HV status. */
uint16_t hv_post_message(uint32_t connection_id, const void* payload, uint32_t size);
/* HvSignalEvent (fast). Returns HV status. */
uint16_t hv_signal_event(uint32_t connection_id);
/* Takes the VMBus SINT message if present: copies up to 240 bytes into
 * `out`, frees the slot (EOM if the host flagged more). Returns the payload
 * size, or -1 if the slot was empty. */
int hv_take_message(void* out);

#endif /* HV_GUEST_HV_H_ */

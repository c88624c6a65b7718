// EnabledState and RequestedState as each namespace numbers them
// (hyperv.md §6): v2 uses the DMTF values (9 Quiesce = paused, 6 Enabled but
// Offline = saved, 10 Starting); v1 uses vendor values for the same states
// (32768 Paused, 32769 Suspended = saved, 32770 Starting). The transitional
// vendor states (32773 Saving, 32774 Stopping, 32776 Pausing, 32777
// Resuming) are the same in both. One table; pure; thread-safe.
#ifndef HV_VMMS_CIM_STATE_MAPPING_H_
#define HV_VMMS_CIM_STATE_MAPPING_H_

#include <cstdint>
#include <optional>

#include "vmms/model/vm.h"

namespace hv::vmms::cim {

// The EnabledState a v1 / v2 client sees for `state`.
uint16_t EnabledStateFor(VmState state, bool v1);

// A v1 RequestStateChange value (2, 3, 10, 32768, 32769) as the v2 value the
// domain takes (2, 3, 11, 9, 6); nullopt for values v1 does not define.
std::optional<uint32_t> V1RequestToV2(uint32_t v1_request);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_STATE_MAPPING_H_

// A Hyper-V method return code (StateChangeReturn, hyperv.md §6) carried on an
// absl::Status as a payload, so the CIM provider can answer with the exact
// number while domain code keeps using canonical statuses.
#ifndef HV_VMMS_LIFECYCLE_RETURN_CODE_H_
#define HV_VMMS_LIFECYCLE_RETURN_CODE_H_

#include <optional>

#include "absl/status/status.h"
#include "vmms/lifecycle/state_machine.h"

namespace hv::vmms {

// `status` with `code` attached. `status` must not be ok.
absl::Status WithReturnCode(absl::Status status, StateChangeReturn code);

// The attached code, if any.
std::optional<StateChangeReturn> ReturnCodeOf(const absl::Status& status);

}  // namespace hv::vmms

#endif  // HV_VMMS_LIFECYCLE_RETURN_CODE_H_

// The two method return-code families the CIM provider answers with
// (hyperv.md §6 "Return codes"), as one table each with the spec's names:
//  - v2 CIM-style service methods (DefineSystem, DestroySystem,
//    Add/Modify/RemoveResourceSettings, ModifySystemSettings,
//    GetSummaryInformation): 0..6 and 4096;
//  - v1 methods and RequestStateChange in both namespaces: 0, 4096,
//    32768..32778 (vmms/lifecycle/state_machine.h StateChangeReturn).
// And the mapping from a failed domain call to either family. Pure; thread-safe.
#ifndef HV_VMMS_CIM_RETURN_CODES_H_
#define HV_VMMS_CIM_RETURN_CODES_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "vmms/lifecycle/state_machine.h"

namespace hv::vmms::cim {

enum class ServiceReturn : uint32_t {
  kCompleted = 0,
  kNotSupported = 1,
  kFailed = 2,
  kTimeout = 3,
  kInvalidParameter = 4,
  kInvalidState = 5,
  kIncompatibleParameters = 6,
  kJobStarted = 4096,
};

// "Completed with No Error", "Invalid Parameter", ... (the MOF Values text);
// "Unknown" outside the table.
const char* ToString(ServiceReturn code);
const char* ToString(StateChangeReturn code);
const std::vector<ServiceReturn>& AllServiceReturns();
const std::vector<StateChangeReturn>& AllStateChangeReturns();

// A failed domain status as a v2 service code: kInvalidArgument/kNotFound/
// kAlreadyExists -> Invalid Parameter, kFailedPrecondition -> Invalid State,
// kUnimplemented -> Not Supported, kDeadlineExceeded -> Timeout, else Failed.
ServiceReturn ToServiceReturn(const absl::Status& status);
// The same for the v1 family; a StateChangeReturn attached by the domain
// (vmms/lifecycle/return_code.h) wins.
StateChangeReturn ToStateChangeReturn(const absl::Status& status);

}  // namespace hv::vmms::cim

#endif  // HV_VMMS_CIM_RETURN_CODES_H_

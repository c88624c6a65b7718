// The VM state machine, as one table (hyperv.md §6): which requested states
// (Msvm_ComputerSystem.RequestStateChange) each EnabledState accepts, the
// transitional state shown while the job runs, and the state it ends in.
// Refusals carry the return code the client sees. Pure; thread-safe.
#ifndef HV_VMMS_LIFECYCLE_STATE_MACHINE_H_
#define HV_VMMS_LIFECYCLE_STATE_MACHINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "vmms/model/vm.h"

namespace hv::vmms {

// RequestStateChange.RequestedState values, v2 numbering (hyperv.md §6). The
// v1 namespace's vendor values (32768 pause, 32769 save) are mapped onto these
// by the v1 provider.
enum class RequestedState : uint32_t {
  kStart = 2,      // Enabled: start, resume from Paused, restore from Saved
  kTurnOff = 3,    // Disabled: hard power off
  kShutDown = 4,   // cooperative guest shutdown
  kSave = 6,       // Offline: save state to disk
  kPause = 9,      // Quiesce
  kReboot = 10,    // cooperative restart
  kReset = 11,     // hard reset
};

// v1 return codes for RequestStateChange and v1 methods (hyperv.md §6).
enum class StateChangeReturn : uint32_t {
  kCompleted = 0,
  kJobStarted = 4096,
  kFailed = 32768,
  kAccessDenied = 32769,
  kNotSupported = 32770,
  kStatusUnknown = 32771,
  kTimeout = 32772,
  kInvalidParameter = 32773,
  kSystemInUse = 32774,
  kInvalidState = 32775,
  kIncorrectDataType = 32776,
  kSystemNotAvailable = 32777,
  kOutOfMemory = 32778,
};

struct Transition {
  VmState from;
  RequestedState request;
  VmState during;  // shown while the job runs
  VmState to;      // on success
};

// The accepted transitions. Anything not listed is refused.
const std::vector<Transition>& TransitionTable();

struct TransitionPlan {
  VmState during;
  VmState to;
};

struct TransitionRefusal {
  StateChangeReturn code;  // kInvalidState, kSystemInUse or kInvalidParameter
  std::string message;     // "vm 'web1': cannot Start from Running"
};

// Looks a request up. Refuses requests from transitional states with
// kSystemInUse, unknown request numbers with kInvalidParameter, and every
// other unlisted pair with kInvalidState.
std::variant<TransitionPlan, TransitionRefusal> PlanTransition(absl::string_view vm_name,
                                                               VmState from, uint32_t request);

bool IsTransitional(VmState state);
// Running, Paused, ShuttingDown and the transitional states hold a worker.
bool HasWorker(VmState state);
const char* ToString(RequestedState request);

}  // namespace hv::vmms

#endif  // HV_VMMS_LIFECYCLE_STATE_MACHINE_H_

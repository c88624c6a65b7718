#include "vmms/lifecycle/state_machine.h"

#include "absl/strings/str_cat.h"

namespace hv::vmms {

const std::vector<Transition>& TransitionTable() {
  using S = VmState;
  using R = RequestedState;
  static const auto* table = new std::vector<Transition>{
      {S::kOff, R::kStart, S::kStarting, S::kRunning},
      {S::kSaved, R::kStart, S::kStarting, S::kRunning},     // restore
      {S::kSaved, R::kTurnOff, S::kStopping, S::kOff},       // discard the saved state
      {S::kRunning, R::kTurnOff, S::kStopping, S::kOff},
      {S::kRunning, R::kShutDown, S::kShuttingDown, S::kOff},
      {S::kRunning, R::kSave, S::kSaving, S::kSaved},
      {S::kRunning, R::kPause, S::kPausing, S::kPaused},
      {S::kRunning, R::kReboot, S::kStarting, S::kRunning},
      {S::kRunning, R::kReset, S::kStarting, S::kRunning},
      {S::kPaused, R::kStart, S::kResuming, S::kRunning},    // resume
      {S::kPaused, R::kTurnOff, S::kStopping, S::kOff},
      {S::kPaused, R::kSave, S::kSaving, S::kSaved},
      {S::kPaused, R::kReset, S::kStarting, S::kRunning},
  };
  return *table;
}

bool IsTransitional(VmState s) {
  switch (s) {
    case VmState::kStarting:
    case VmState::kSaving:
    case VmState::kStopping:
    case VmState::kPausing:
    case VmState::kResuming:
    case VmState::kShuttingDown:
      return true;
    default:
      return false;
  }
}

bool HasWorker(VmState s) {
  return s == VmState::kRunning || s == VmState::kPaused || IsTransitional(s);
}

const char* ToString(RequestedState r) {
  switch (r) {
    case RequestedState::kStart: return "Start";
    case RequestedState::kTurnOff: return "TurnOff";
    case RequestedState::kShutDown: return "ShutDown";
    case RequestedState::kSave: return "Save";
    case RequestedState::kPause: return "Pause";
    case RequestedState::kReboot: return "Reboot";
    case RequestedState::kReset: return "Reset";
  }
  return "Invalid";
}

std::variant<TransitionPlan, TransitionRefusal> PlanTransition(absl::string_view vm_name,
                                                               VmState from, uint32_t request) {
  bool known = false;
  for (RequestedState r : {RequestedState::kStart, RequestedState::kTurnOff,
                           RequestedState::kShutDown, RequestedState::kSave,
                           RequestedState::kPause, RequestedState::kReboot,
                           RequestedState::kReset}) {
    known |= static_cast<uint32_t>(r) == request;
  }
  if (!known) {
    return TransitionRefusal{StateChangeReturn::kInvalidParameter,
                             absl::StrCat("vm '", vm_name, "': requested state ", request,
                                          " is not one of 2, 3, 4, 6, 9, 10, 11")};
  }
  const char* verb = ToString(static_cast<RequestedState>(request));
  if (IsTransitional(from)) {
    return TransitionRefusal{StateChangeReturn::kSystemInUse,
                             absl::StrCat("vm '", vm_name, "': cannot ", verb, " while ",
                                          ToString(from))};
  }
  for (const Transition& t : TransitionTable()) {
    if (t.from == from && static_cast<uint32_t>(t.request) == request) {
      return TransitionPlan{t.during, t.to};
    }
  }
  return TransitionRefusal{StateChangeReturn::kInvalidState,
                           absl::StrCat("vm '", vm_name, "': cannot ", verb, " from ",
                                        ToString(from))};
}

}  // namespace hv::vmms

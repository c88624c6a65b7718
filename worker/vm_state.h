// The worker's VM states (hv.worker.v1.VmState, numbered after
// Msvm_ComputerSystem.EnabledState, hyperv.md §6) and which control operation
// each state admits. One table: kTransitions in vm_state.cc.
//
// Thread-safe (pure functions over constant tables).
#ifndef HV_WORKER_VM_STATE_H_
#define HV_WORKER_VM_STATE_H_

#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "hv/worker/v1/worker.pb.h"

namespace hv::worker {

using VmState = hv::worker::v1::VmState;

// The control operations that depend on the VM's state.
enum class VmOperation {
  kPause,
  kResume,
  kShutdown,
  kTurnOff,
  kSave,
  kChangeMemory,  // SetMemoryTarget, AddMemory, RemoveMemory
  kRunWorkload,
  kReadMemory,
};

// "Pause", "Resume", "Shutdown", "TurnOff", "Save", "ChangeMemory", ...
std::string_view ToString(VmOperation op);
// "Running", "Off", "Paused", "Crashed", ... ; "Unknown(<n>)" otherwise.
std::string VmStateName(VmState state);

// One row: an operation and the states it may start from.
struct VmTransitionRule {
  VmOperation op;
  std::span<const VmState> from;
};
std::span<const VmTransitionRule> VmTransitionTable();

// OK if `op` is allowed in `state`, else FailedPrecondition
// "vm 'web1': cannot Pause from Paused".
absl::Status CheckOperation(std::string_view vm_name, VmOperation op, VmState state);

// True for states after which the worker process has nothing left to run
// (Off, Saved).
bool IsFinalState(VmState state);

}  // namespace hv::worker

#endif  // HV_WORKER_VM_STATE_H_

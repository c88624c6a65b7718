#include "worker/vm_state.h"

#include <array>

#include "absl/strings/str_cat.h"

namespace hv::worker {
namespace {

using hv::worker::v1::VM_STATE_CRASHED;
using hv::worker::v1::VM_STATE_PAUSED;
using hv::worker::v1::VM_STATE_RUNNING;

constexpr VmState kRunning[] = {VM_STATE_RUNNING};
constexpr VmState kPaused[] = {VM_STATE_PAUSED};
constexpr VmState kRunningOrPaused[] = {VM_STATE_RUNNING, VM_STATE_PAUSED};
constexpr VmState kAnyLive[] = {VM_STATE_RUNNING, VM_STATE_PAUSED, VM_STATE_CRASHED,
                                hv::worker::v1::VM_STATE_SHUTTING_DOWN};
constexpr VmState kInspectable[] = {VM_STATE_RUNNING, VM_STATE_PAUSED, VM_STATE_CRASHED};

// Hyper-V semantics (hyperv.md §6): Pause only from Running, Resume only from
// Paused, Save from Running or Paused, TurnOff from anything that is still on
// (including a crashed guest and a shutdown in progress), Shutdown only from
// Running (the guest must be able to act on it). Memory operations need a
// running guest (the DM VSC answers only while it runs).
constexpr VmTransitionRule kTransitions[] = {
    {VmOperation::kPause, kRunning},
    {VmOperation::kResume, kPaused},
    {VmOperation::kShutdown, kRunning},
    {VmOperation::kTurnOff, kAnyLive},
    {VmOperation::kSave, kRunningOrPaused},
    {VmOperation::kChangeMemory, kRunning},
    {VmOperation::kRunWorkload, kRunning},
    {VmOperation::kReadMemory, kInspectable},
};

struct StateName {
  VmState state;
  std::string_view name;
};
constexpr StateName kStateNames[] = {
    {hv::worker::v1::VM_STATE_UNSPECIFIED, "Unspecified"},
    {VM_STATE_RUNNING, "Running"},
    {hv::worker::v1::VM_STATE_OFF, "Off"},
    {hv::worker::v1::VM_STATE_SHUTTING_DOWN, "ShuttingDown"},
    {hv::worker::v1::VM_STATE_SAVED, "Saved"},
    {VM_STATE_PAUSED, "Paused"},
    {hv::worker::v1::VM_STATE_STARTING, "Starting"},
    {hv::worker::v1::VM_STATE_SAVING, "Saving"},
    {hv::worker::v1::VM_STATE_PAUSING, "Pausing"},
    {hv::worker::v1::VM_STATE_RESUMING, "Resuming"},
    {VM_STATE_CRASHED, "Crashed"},
};

}  // namespace

std::string_view ToString(VmOperation op) {
  switch (op) {
    case VmOperation::kPause: return "Pause";
    case VmOperation::kResume: return "Resume";
    case VmOperation::kShutdown: return "Shutdown";
    case VmOperation::kTurnOff: return "TurnOff";
    case VmOperation::kSave: return "Save";
    case VmOperation::kChangeMemory: return "ChangeMemory";
    case VmOperation::kRunWorkload: return "RunWorkload";
    case VmOperation::kReadMemory: return "ReadGuestMemory";
  }
  return "Unknown";
}

std::string VmStateName(VmState state) {
  for (const StateName& s : kStateNames) {
    if (s.state == state) return std::string(s.name);
  }
  return absl::StrCat("Unknown(", static_cast<int>(state), ")");
}

std::span<const VmTransitionRule> VmTransitionTable() { return kTransitions; }

absl::Status CheckOperation(std::string_view vm_name, VmOperation op, VmState state) {
  for (const VmTransitionRule& rule : kTransitions) {
    if (rule.op != op) continue;
    for (VmState s : rule.from) {
      if (s == state) return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError(
      absl::StrCat("vm '", std::string(vm_name), "': cannot ", std::string(ToString(op)), " from ",
                   VmStateName(state)));
}

bool IsFinalState(VmState state) {
  return state == hv::worker::v1::VM_STATE_OFF || state == hv::worker::v1::VM_STATE_SAVED;
}

}  // namespace hv::worker

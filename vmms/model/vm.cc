#include "vmms/model/vm.h"

namespace hv::vmms {

const char* ToString(VmState state) {
  switch (state) {
    case VmState::kUnknown: return "Unknown";
    case VmState::kRunning: return "Running";
    case VmState::kOff: return "Off";
    case VmState::kShuttingDown: return "ShuttingDown";
    case VmState::kSaved: return "Saved";
    case VmState::kPaused: return "Paused";
    case VmState::kStarting: return "Starting";
    case VmState::kSaving: return "Saving";
    case VmState::kStopping: return "Stopping";
    case VmState::kPausing: return "Pausing";
    case VmState::kResuming: return "Resuming";
  }
  return "Invalid";
}

const char* ToString(JobState state) {
  switch (state) {
    case JobState::kNew: return "New";
    case JobState::kStarting: return "Starting";
    case JobState::kRunning: return "Running";
    case JobState::kSuspended: return "Suspended";
    case JobState::kShuttingDown: return "ShuttingDown";
    case JobState::kCompleted: return "Completed";
    case JobState::kTerminated: return "Terminated";
    case JobState::kKilled: return "Killed";
    case JobState::kException: return "Exception";
  }
  return "Invalid";
}

}  // namespace hv::vmms

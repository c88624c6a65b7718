// The records vmms keeps about VMs, jobs, workers and events. Plain data; the
// store persists them, lifecycle changes them, providers project them.
#ifndef HV_VMMS_MODEL_VM_H_
#define HV_VMMS_MODEL_VM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "vmms/model/memory_settings.h"

namespace hv::vmms {

// Msvm_ComputerSystem.EnabledState values (hyperv.md §6), including the v1
// vendor transitional states vmms uses while a job runs.
enum class VmState : uint32_t {
  kUnknown = 0,
  kRunning = 2,       // Enabled
  kOff = 3,           // Disabled
  kShuttingDown = 4,
  kSaved = 6,         // Enabled but Offline
  kPaused = 9,        // Quiesce
  kStarting = 10,
  kSaving = 32773,
  kStopping = 32774,
  kPausing = 32776,
  kResuming = 32777,
};

// Msvm_ComputerSystem.HealthState.
enum class HealthState : uint32_t { kOk = 5, kMajorFailure = 20, kCriticalFailure = 25 };

// Hyper-V's AutomaticRecoveryAction: what vmms does when a worker dies.
enum class RecoveryAction : uint32_t { kNone = 0, kRestart = 1, kRevertToSnapshot = 2 };

struct VmRecord {
  std::string id;                   // GUID, upper case; Msvm_ComputerSystem.Name
  std::string name;                 // ElementName; unique, case-insensitive
  uint32_t generation = 1;
  VmState state = VmState::kOff;
  HealthState health = HealthState::kOk;
  uint32_t vcpu_count = 1;
  std::string guest_image;          // empty: the built-in reference guest
  std::string guest_command_line;
  std::string backend = "auto";     // auto | kvm | tcg
  RecoveryAction recovery = RecoveryAction::kNone;
  std::string saved_state_path;     // set while Saved
  MemorySettings memory;
  // Descriptive settings written through CIM (system_change.h has the
  // limits): Msvm_VirtualSystemSettingData.Notes and CIM_System's
  // PrimaryOwnerName, PrimaryOwnerContact and Roles on Msvm_ComputerSystem.
  // Durable; they never change how the VM runs.
  std::vector<std::string> notes;
  std::string primary_owner_name;
  std::string primary_owner_contact;
  std::vector<std::string> roles;
  int64_t created_unix_ms = 0;
  int64_t updated_unix_ms = 0;
  uint64_t version = 0;             // bumped by every write (optimistic concurrency)
};

struct WorkerRecord {
  std::string vm_id;
  int32_t pid = 0;
  uint64_t start_time_ticks = 0;    // /proc/<pid>/stat starttime: tells pid reuse apart
  std::string socket_path;
  int64_t started_unix_ms = 0;
};

// Msvm_ConcreteJob.JobState (hyperv.md §6).
enum class JobState : uint32_t {
  kNew = 2,
  kStarting = 3,
  kRunning = 4,
  kSuspended = 5,
  kShuttingDown = 6,
  kCompleted = 7,
  kTerminated = 8,
  kKilled = 9,
  kException = 10,
};

// JobRecord::job_type of a DestroySystem job. State-change jobs carry the
// requested state (2..11), so 0, which no request uses, marks this one.
inline constexpr uint32_t kDestroySystemJobType = 0;

struct JobRecord {
  std::string id;                   // GUID; Msvm_ConcreteJob.InstanceID
  std::string vm_id;                // affected element (may be empty)
  uint32_t job_type = 0;            // e.g. RequestStateChange's requested state
  std::string description;          // "Starting vm 'web1'"
  JobState state = JobState::kNew;
  uint32_t percent_complete = 0;
  uint32_t error_code = 0;          // 0 on success
  std::string error_description;
  int64_t created_unix_ms = 0;
  int64_t finished_unix_ms = 0;
  uint32_t time_before_removal_s = 300;  // Hyper-V default: 5 minutes
};

struct EventRecord {
  int64_t seq = 0;                  // assigned by the store
  int64_t at_unix_ms = 0;
  std::string vm_id;                // may be empty (host events)
  std::string kind;                 // "state", "method", "guest-misbehaviour", "worker-exit", ...
  std::string detail;
};

const char* ToString(VmState state);
const char* ToString(JobState state);

}  // namespace hv::vmms

#endif  // HV_VMMS_MODEL_VM_H_

// How the domain drives one VM's worker process, without knowing it is a
// process or that gRPC carries the calls (the adapter lives in launcher/).
// vmms owns one WorkerControl per running VM.
#ifndef HV_VMMS_LIFECYCLE_WORKER_CONTROL_H_
#define HV_VMMS_LIFECYCLE_WORKER_CONTROL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vmms/model/vm.h"

namespace hv::vmms {

// Dynamic Memory state of the guest, as the worker's DM VSP reports it.
enum class DmState { kUnknown, kDisabled, kNotActive, kNegotiating, kActive, kUnresponsive };

// One status sample from a worker (the subset of hv.worker.v1.StatusReport the
// domain uses). Sizes in MiB unless named otherwise.
struct WorkerStatus {
  uint64_t sequence = 0;
  int64_t timestamp_unix_ms = 0;
  VmState state = VmState::kUnknown;
  DmState dm_state = DmState::kUnknown;
  uint32_t heartbeat = 0;             // Msvm_HeartbeatComponent OperationalStatus (2 OK, 12, 13)
  uint64_t committed_mib = 0;         // guest's num_committed
  uint64_t available_mib = 0;         // guest's num_avail
  uint64_t assigned_mib = 0;          // Physical Memory
  uint64_t guest_visible_mib = 0;
  uint64_t target_mib = 0;
  uint64_t ballooned_mib = 0;         // guest-visible minus assigned
  uint64_t added_mib_total = 0;
  uint64_t removed_mib_total = 0;
  uint64_t add_operations = 0;
  uint64_t remove_operations = 0;
  uint32_t pressure_current = 0, pressure_minimum = 0, pressure_maximum = 0, pressure_average = 0;
  uint64_t guest_resident_bytes = 0;
  uint64_t worker_overhead_bytes = 0;
  uint64_t cpu_time_us = 0;
  uint64_t workload_counter = 0;
  uint64_t misbehaviour_events = 0;
  std::map<std::string, uint64_t> exit_counts;
};

// Control of one live worker. Calls block until the worker answered (with a
// deadline) and fail with the worker's status, e.g. kFailedPrecondition for an
// operation in the wrong state, kUnavailable if the worker is unreachable.
// Thread-safe.
class WorkerControl {
 public:
  virtual ~WorkerControl() = default;
  virtual absl::Status Pause() = 0;
  virtual absl::Status Resume() = 0;
  virtual absl::Status Shutdown(absl::Duration timeout) = 0;  // cooperative, else hard
  virtual absl::Status TurnOff() = 0;                          // the worker exits after
  virtual absl::Status Save(const std::string& path) = 0;      // the worker exits after
  virtual absl::Status SetMemoryTarget(uint64_t target_mib) = 0;
  virtual absl::Status RunWorkload(const std::string& command) = 0;
};

struct WorkerStartRequest {
  VmRecord vm;
  std::string restore_from;  // non-empty: restore this saved state
};

// How a worker process ended.
struct WorkerExit {
  bool status_known = false;  // false for adopted workers (not vmms's children)
  int exit_code = -1;
  int signal = 0;
  std::string record;         // the worker's abnormal-exit record, if it left one
  int pid = 0;                // the process that exited (0: unknown)
};

// Callbacks arrive on adapter threads; keep them short and non-blocking.
struct WorkerCallbacks {
  std::function<void(const std::string& vm_id, const WorkerStatus&)> on_status;
  std::function<void(const std::string& vm_id, const WorkerExit&)> on_exit;
};

struct StartedWorker {
  WorkerRecord record;  // pid, start time, socket: what the store persists
  std::unique_ptr<WorkerControl> control;
};

// Starts and re-adopts workers. Thread-safe.
class WorkerFactory {
 public:
  virtual ~WorkerFactory() = default;
  // Spawns a worker for `request.vm` and returns once its control API answers.
  // Fails with the reason (binary missing, socket in use, startup timeout, the
  // worker's own error) and leaves no process behind.
  virtual absl::StatusOr<StartedWorker> Start(const WorkerStartRequest& request,
                                              WorkerCallbacks callbacks) = 0;
  // Reconnects to a worker that outlived a previous vmms. Fails unless the
  // process is the recorded one (pid + start time) and its control API names
  // the same VM.
  virtual absl::StatusOr<std::unique_ptr<WorkerControl>> Adopt(const WorkerRecord& record,
                                                               WorkerCallbacks callbacks) = 0;
  // Ends a worker that cannot be adopted (SIGKILL to its process group), so no
  // orphan is left.
  virtual void Kill(const WorkerRecord& record) = 0;
};

}  // namespace hv::vmms

#endif  // HV_VMMS_LIFECYCLE_WORKER_CONTROL_H_

// CarriedCounters: the counts a VM's StatusReport carries that its restored
// devices do not bring back themselves, continued across Quick Migration so
// they stay monotonic for the VM (Prometheus counters, vmms' misbehaviour
// deltas) instead of restarting with the new worker process:
//   - exit_counts, by exit-reason name (WorkerSavedState.exit_counts);
//   - misbehaviour_events (the "misbehaviour_events" entry of the counters
//     section, worker/saved_state_sections.h). Some of its parts come back
//     with their devices (DM, workload, shutdown IC); the rest (VMBus server,
//     DM protocol counters, power-off port) restart, so the restoring worker
//     carries only the difference.
// The other counts continue through their device's own state (DM status
// reports and memory operations, heartbeat answers, shutdown IC) or the
// worker's (uptime, serial offset). cpu_time_us is this worker process's CPU
// time by nature (getrusage) and restarts at 0 in a restored worker.
//
// Thread-safe: Restore runs once before the VM starts; Apply and Save only read.
#ifndef HV_WORKER_CARRIED_COUNTERS_H_
#define HV_WORKER_CARRIED_COUNTERS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "hv/worker/v1/worker.pb.h"

namespace hv::worker {

// The counters-section names this worker carries (spec: StatusReport field names).
inline constexpr char kCarriedMisbehaviourEvents[] = "misbehaviour_events";

class CarriedCounters {
 public:
  // Takes the saved totals as baselines. `misbehaviour_restored` is what the
  // restored devices already count again. InvalidArgument naming the entry
  // for an exit-count name not in the exit-reason table or a counters name
  // this worker does not carry; unchanged then.
  absl::Status Restore(const google::protobuf::Map<std::string, uint64_t>& exit_counts,
                       const std::map<std::string, uint64_t>& counters,
                       uint64_t misbehaviour_restored);
  // Adds the baselines to a sample of this process's counts (saturating).
  void Apply(hv::worker::v1::StatusReport& r) const;
  // The counters section for a save, from an Applied sample.
  static std::map<std::string, uint64_t> SaveCounters(const hv::worker::v1::StatusReport& r);

 private:
  std::map<std::string, uint64_t> exit_base_;
  uint64_t misbehaviour_base_ = 0;
};

}  // namespace hv::worker

#endif  // HV_WORKER_CARRIED_COUNTERS_H_

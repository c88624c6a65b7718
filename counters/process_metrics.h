// The vmms daemon's own metrics, `vmms_*`, named by the Prometheus naming
// rules (peers.md §8: one `vmms_` prefix, base units in the name, counters
// end in `_total`, durations in seconds as histograms):
//
//   vmms_vms{state}                               gauge   VMs in each state
//   vmms_jobs_running                             gauge   jobs not yet finished
//   vmms_jobs_total{result}                       counter finished jobs by CIM JobState
//   vmms_balancer_rounds_total                    counter balancer rounds run
//   vmms_balancer_round_duration_seconds          histogram
//   vmms_worker_restarts_total                    counter vmwp processes restarted
//   vmms_guest_misbehaviour_events_total{device,kind} counter
//   vmms_grpc_requests_total{method,code}         counter
//   vmms_grpc_request_duration_seconds{method}    histogram
//
// This header carries no prometheus-cpp type, so the daemon can call it
// without knowing Prometheus. Thread-safe: every method may be called from
// any thread.
#ifndef HV_COUNTERS_PROCESS_METRICS_H_
#define HV_COUNTERS_PROCESS_METRICS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace hv::counters {

// Terminal JobState values of CIM_ConcreteJob / Msvm_ConcreteJob, the
// `result` label of vmms_jobs_total.
enum class JobResult : uint16_t {
  kCompleted = 7,
  kTerminated = 8,
  kKilled = 9,
  kException = 10,
};
inline constexpr JobResult kAllJobResults[] = {JobResult::kCompleted, JobResult::kTerminated,
                                               JobResult::kKilled, JobResult::kException};
// Every vmms_* metric family this class exports (the table above).
inline constexpr std::string_view kProcessMetricNames[] = {
    "vmms_vms",
    "vmms_jobs_running",
    "vmms_jobs_total",
    "vmms_balancer_rounds_total",
    "vmms_balancer_round_duration_seconds",
    "vmms_worker_restarts_total",
    "vmms_guest_misbehaviour_events_total",
    "vmms_grpc_requests_total",
    "vmms_grpc_request_duration_seconds",
};

// The label value: "completed", "terminated", "killed", "exception".
std::string_view ToString(JobResult result);

struct VmStateCount {
  std::string_view state;  // label value, e.g. "Running"; [A-Za-z0-9_-]{1,32}
  int64_t count = 0;
};

// Histogram buckets, seconds.
inline constexpr double kBalancerRoundBuckets[] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
inline constexpr double kGrpcLatencyBuckets[] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

class ProcessMetrics {
 public:
  ProcessMetrics();
  ~ProcessMetrics();
  ProcessMetrics(const ProcessMetrics&) = delete;
  ProcessMetrics& operator=(const ProcessMetrics&) = delete;

  // Replaces the VM counts: each listed state gets its count; states seen
  // before but absent now drop to 0 (their series stay, so rates and alerts
  // keep working). Fails with kInvalidArgument naming the state when a label
  // value is not [A-Za-z0-9_-]{1,32} or a count is negative; nothing changes then.
  absl::Status SetVmsByState(absl::Span<const VmStateCount> counts);

  void SetJobsRunning(int64_t running);
  void RecordJobFinished(JobResult result);

  // One balancer round took `duration` (negative counts as 0).
  void RecordBalancerRound(absl::Duration duration);

  void RecordWorkerRestart();

  // One guest-misbehaviour event (rule 7: a counter, never a crash).
  // `device` and `kind` come from code, not from the guest: [a-z0-9_]{1,32},
  // else kInvalidArgument and nothing is counted.
  absl::Status RecordGuestMisbehaviour(std::string_view device, std::string_view kind);

  // One finished gRPC call. `method` is the full method name
  // ("/hv.cim.v1.Cim/GetInstance"), printable ASCII without spaces, 1..128
  // bytes, else kInvalidArgument and nothing is counted. `code` becomes the
  // canonical code name ("OK", "NOT_FOUND"), the same names gRPC uses.
  absl::Status RecordGrpcRequest(std::string_view method, absl::StatusCode code,
                                 absl::Duration latency);

  // The metrics in Prometheus text format (for logs and tests).
  std::string ExpositionText() const;

 private:
  friend class MetricsServer;  // registers registry() with the exposer
  std::shared_ptr<prometheus::Registry> registry() const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hv::counters

#endif  // HV_COUNTERS_PROCESS_METRICS_H_

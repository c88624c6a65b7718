// The scale benchmark (issue 10): one vmms, driven only through hv.cim.v1
// (plus grpc.health.v1 and /metrics on the same daemon), grown through a
// list of VM counts. At each level it measures
//  - the growth batch: starts/s with `concurrency` clients, each start being
//    DefineSystem + RequestStateChange(2) -> job Completed (Running) -> first
//    DM-active status in vmms (Msvm_ComputerSystem.TimeOfFirstDynamicMemoryStatus);
//  - start latency p50/p99 from `probe_runs` sequential starts of one extra VM;
//  - liveness for `observe`: each VM's TimeOfLastStatusReport age, and the
//    balancer's rounds and round time (vmms_balancer_* on /metrics);
//  - worker PSS (smaps of vmms's children) and vmms's own PSS;
//  - GetInstance / EnumerateInstances(Msvm_ComputerSystem) latency against an
//    interleaved empty unary call (health check), and /metrics scrape time.
// Growth stops at the first level where a VM goes longer than
// `max_status_age` without a status, the balancer's mean period exceeds
// `max_balancer_period`, a start fails, or host MemAvailable falls below
// `host_reserve_mib`; that level is still measured and reported.
#ifndef HV_TESTS_BENCH_SCALE_SCALE_RUN_H_
#define HV_TESTS_BENCH_SCALE_SCALE_RUN_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/bench/scale/cim_client.h"

namespace hv::bench::scale {

struct ScaleOptions {
  std::string binary_dir;                         // required: the build tree
  std::vector<int> levels = {10, 100, 500};       // VM counts, increasing
  int concurrency = 4;                            // clients starting VMs at once
  int probe_runs = 20;                            // sequential starts per level
  int calls = 3000;                               // GetInstance (+ health) calls per level (300 gave p50s
                                                  // ~25 % apart between runs)
  int enumerate_calls = 20;                       // EnumerateInstances (+ health) per level
  int scrapes = 50;                               // /metrics scrapes per level
  absl::Duration observe = absl::Seconds(10);     // liveness window per level
  absl::Duration max_status_age = absl::Seconds(2);   // a VM "reports each second"
  absl::Duration max_balancer_period = absl::Milliseconds(1100);  // interval 1 s + slack
  uint64_t host_reserve_mib = 1024;               // stop growing below this MemAvailable
  uint64_t budget_mib = 0;                        // vmms --budget_mib; 0 = vmms default
  absl::Duration start_timeout = absl::Seconds(180);  // one VM: define -> first DM status
  MemorySpec memory;                              // per VM: 32 MiB startup, DM on
  std::function<void(const std::string&)> progress;  // log lines; may be empty
};

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
  size_t count = 0;
};
Percentiles Summarize(std::vector<double> v);

struct LevelResult {
  int vms = 0;                       // VMs running while measured
  // Growth batch to this level.
  int batch_started = 0;
  double batch_seconds = 0;          // first DefineSystem -> last job Completed
  double starts_per_second = 0;
  Percentiles batch_running_ms, batch_first_dm_ms;  // under `concurrency`
  // Sequential probe starts at this level.
  Percentiles probe_running_ms, probe_first_dm_ms;
  // Liveness.
  double max_status_age_ms = 0;
  int vms_late = 0;                  // some sample older than max_status_age
  int vms_without_status = 0;
  double balancer_round_mean_ms = 0; // Δsum / Δcount of vmms_balancer_round_duration_seconds
  double balancer_period_s = 0;      // window / Δvmms_balancer_rounds_total
  // Memory.
  Percentiles worker_pss_mib, worker_guest_pss_mib, worker_overhead_mib;
  double vmms_pss_mib = 0;
  uint64_t host_available_mib = 0;
  // API (µs) and scrape (ms).
  Percentiles health_us, get_instance_us, enumerate_us, scrape_ms;
  size_t scrape_bytes = 0;
  // Why growth stopped here ("" if it did not).
  std::string limit;
};

struct ScaleReport {
  Percentiles fork_exec_ms;          // baseline: fork+exec+wait /bin/true
  uint64_t budget_mib = 0;
  std::vector<LevelResult> levels;
  int max_vms_within_limits = 0;     // the largest level that met every limit
  std::string stop_reason;           // why growth stopped ("" = all levels done)
};

// What is missing under `binary_dir` for a run ("" when vmms, vmwp and the guest exist).
std::string VmmsDaemonMissing(const std::string& binary_dir);

// Runs the whole benchmark with its own vmms. Fails when vmms cannot start or
// the API stops answering; a start failure or a missed limit ends growth and
// is reported instead.
absl::StatusOr<ScaleReport> RunScale(const ScaleOptions& options);

// The report as markdown tables (results.md body) and as a whitespace-separated
// data file for gnuplot (one row per level; the header line names the columns).
std::string ReportMarkdown(const ScaleReport& report, const ScaleOptions& options);
std::string ReportData(const ScaleReport& report);

}  // namespace hv::bench::scale

#endif  // HV_TESTS_BENCH_SCALE_SCALE_RUN_H_

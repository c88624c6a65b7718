// Runs one policy over one demand trace on a host with a memory budget. Every
// policy acts through the same guest model: grows (hot-add/unballoon) apply at
// up to 2 GiB/s, shrinks (balloon) at up to 190 MiB/s (the fastest inflation
// seen in production, peers.md §1), a guest never balloons below what it has
// committed, and the host never hands out memory it does not have.
#ifndef HV_TESTS_BENCH_BALANCER_SIMULATOR_H_
#define HV_TESTS_BENCH_BALANCER_SIMULATOR_H_

#include <cstdint>
#include <vector>

#include "tests/bench/balancer/policies.h"
#include "tests/bench/balancer/traces.h"

namespace hv::bench {

struct SimOptions {
  uint64_t budget_mib = 1ull << 40;     // default: unconstrained
  uint64_t grow_mib_per_s = 2048;
  uint64_t shrink_mib_per_s = 190;
  uint64_t spike_mib = 256;             // a demand jump this big in 1 s is a spike
  int oscillation_window_s = 10;        // a reversal within this window is an oscillation
};

struct SimResult {
  uint64_t peak_assigned_mib = 0;       // max over time of the sum of assigned
  double mean_assigned_mib = 0;
  uint64_t vm_seconds_over_100 = 0;     // VM-seconds with committed > assigned
  std::vector<double> reaction_s;       // per spike: seconds until pressure <= 100
  uint64_t oscillations = 0;
  uint64_t budget_violations = 0;       // seconds where the sum of assigned > budget
};

SimResult Simulate(const Trace& trace, Policy& policy, const SimOptions& options);

// The smallest budget (to `step_mib`) at which `make_policy()` keeps VM-seconds
// at pressure > 100 within `tolerance` of all VM-seconds: the host memory the
// policy needs for this trace. Binary search; each probe is a fresh policy.
// Returns 0 if even the sum of every VM's maximum is not enough.
uint64_t MemoryNeededMib(const Trace& trace, Policy* (*make_policy)(), double tolerance,
                         uint64_t step_mib = 256);

// Static allocation that would cover every VM's peak ideal demand.
uint64_t StaticRightSizedMib(const Trace& trace, const std::vector<SimVm>& vms);

// The VM configuration used for every trace (min 512, startup 1024, max 8192,
// buffer 20 %, weights spread over 1000..9000).
std::vector<SimVm> DefaultVms(int count);

double Percentile(std::vector<double> v, double p);

}  // namespace hv::bench

#endif  // HV_TESTS_BENCH_BALANCER_SIMULATOR_H_

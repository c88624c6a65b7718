#include "tests/bench/balancer/simulator.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace hv::bench {

std::vector<SimVm> DefaultVms(int count) {
  std::vector<SimVm> vms(count);
  for (int i = 0; i < count; ++i) vms[i].weight = 1000 + (i % 5) * 2000;
  return vms;
}

uint64_t StaticRightSizedMib(const Trace& trace, const std::vector<SimVm>& vms) {
  uint64_t total = 0;
  for (size_t i = 0; i < trace.size(); ++i) {
    uint64_t peak = *std::max_element(trace[i].begin(), trace[i].end());
    total += std::clamp<uint64_t>(peak * (100 + vms[i].buffer_percent) / 100, vms[i].minimum_mib,
                                  vms[i].maximum_mib);
  }
  return total;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(std::ceil(p / 100.0 * v.size())) - 1;
  return v[std::min(idx, v.size() - 1)];
}

namespace {

// Moves each VM's assignment toward its request within the guest's rates and
// the host's free memory. Shrinks first so their memory is free for grows.
void Actuate(std::vector<SimVm>& vms, const SimOptions& o, bool instant) {
  uint64_t total = 0;
  for (SimVm& vm : vms) {
    if (vm.requested_mib < vm.assigned_mib) {
      uint64_t floor = std::max(vm.minimum_mib, vm.committed_mib);
      uint64_t want = std::max(vm.requested_mib, std::min(floor, vm.assigned_mib));
      uint64_t step = vm.assigned_mib - want;
      if (!instant) step = std::min(step, o.shrink_mib_per_s);
      vm.assigned_mib -= step;
      vm.ballooned_mib += step;
    }
    total += vm.assigned_mib;
  }
  for (SimVm& vm : vms) {
    if (vm.requested_mib <= vm.assigned_mib) continue;
    uint64_t free = o.budget_mib > total ? o.budget_mib - total : 0;
    uint64_t step = std::min(vm.requested_mib - vm.assigned_mib, free);
    if (!instant) step = std::min(step, o.grow_mib_per_s);
    vm.assigned_mib += step;
    vm.ballooned_mib -= std::min(vm.ballooned_mib, step);
    total += step;
  }
}

}  // namespace

SimResult Simulate(const Trace& trace, Policy& policy, const SimOptions& o) {
  std::vector<SimVm> vms = DefaultVms(static_cast<int>(trace.size()));
  const size_t seconds = trace.empty() ? 0 : trace[0].size();
  SimResult r;
  std::vector<int64_t> spike_start(vms.size(), -1);
  std::vector<int> last_dir(vms.size(), 0);
  std::vector<int64_t> last_move(vms.size(), -1000000);
  std::vector<uint64_t> demand_at_move(vms.size(), 0);
  double assigned_sum = 0;
  for (size_t t = 0; t < seconds; ++t) {
    for (size_t i = 0; i < vms.size(); ++i) {
      uint64_t prev = vms[i].committed_mib;
      vms[i].committed_mib = trace[i][t];
      vms[i].recent.push_back(trace[i][t]);
      if (vms[i].recent.size() > 10) vms[i].recent.pop_front();
      if (t > 0 && trace[i][t] >= prev + o.spike_mib && vms[i].assigned_mib < trace[i][t] &&
          spike_start[i] < 0) {
        spike_start[i] = static_cast<int64_t>(t);
      }
    }
    if (t % policy.IntervalSeconds() == 0) policy.Decide(vms, o.budget_mib);
    std::vector<uint64_t> before(vms.size());
    for (size_t i = 0; i < vms.size(); ++i) before[i] = vms[i].assigned_mib;
    Actuate(vms, o, policy.Instant());
    uint64_t total = 0;
    for (size_t i = 0; i < vms.size(); ++i) {
      const SimVm& vm = vms[i];
      total += vm.assigned_mib;
      if (vm.committed_mib > vm.assigned_mib) ++r.vm_seconds_over_100;
      if (spike_start[i] >= 0 && vm.assigned_mib >= vm.committed_mib) {
        r.reaction_s.push_back(static_cast<double>(t - spike_start[i]));
        spike_start[i] = -1;
      }
      int dir = vm.assigned_mib > before[i] ? 1 : (vm.assigned_mib < before[i] ? -1 : 0);
      if (dir != 0) {
        // A reversal soon after the last move while demand stayed flat (within
        // 5 %, at least 32 MiB) is an oscillation; following demand is not.
        uint64_t d0 = demand_at_move[i], d1 = vm.committed_mib;
        uint64_t moved = d0 > d1 ? d0 - d1 : d1 - d0;
        if (last_dir[i] != 0 && dir != last_dir[i] &&
            static_cast<int64_t>(t) - last_move[i] <= o.oscillation_window_s &&
            moved < std::max<uint64_t>(32, d1 / 20)) {
          ++r.oscillations;
        }
        last_dir[i] = dir;
        last_move[i] = static_cast<int64_t>(t);
        demand_at_move[i] = d1;
      }
    }
    if (total > o.budget_mib) ++r.budget_violations;
    r.peak_assigned_mib = std::max(r.peak_assigned_mib, total);
    assigned_sum += static_cast<double>(total);
  }
  // Spikes never answered count as lasting to the end of the trace.
  for (size_t i = 0; i < vms.size(); ++i)
    if (spike_start[i] >= 0) r.reaction_s.push_back(static_cast<double>(seconds - spike_start[i]));
  r.mean_assigned_mib = seconds ? assigned_sum / seconds : 0;
  return r;
}

uint64_t MemoryNeededMib(const Trace& trace, Policy* (*make_policy)(), double tolerance,
                         uint64_t step_mib) {
  const uint64_t seconds = trace.empty() ? 0 : trace[0].size();
  const uint64_t allowed = static_cast<uint64_t>(tolerance * trace.size() * seconds);
  uint64_t lo = 0, hi = 0;
  for (const SimVm& vm : DefaultVms(static_cast<int>(trace.size()))) hi += vm.maximum_mib;
  {
    std::unique_ptr<Policy> policy(make_policy());
    SimOptions o;
    o.budget_mib = hi;
    if (Simulate(trace, *policy, o).vm_seconds_over_100 > allowed) return 0;  // never meets it
  }
  while (hi - lo > step_mib) {
    uint64_t mid = lo + (hi - lo) / 2;
    std::unique_ptr<Policy> policy(make_policy());
    SimOptions o;
    o.budget_mib = mid;
    if (Simulate(trace, *policy, o).vm_seconds_over_100 <= allowed) hi = mid; else lo = mid;
  }
  return hi;
}

}  // namespace hv::bench

#include "vmms/balancer/balancer.h"

#include <algorithm>

#include "vmms/balancer/weighted_fill.h"

namespace hv::vmms {
namespace {

bool Balanced(const BalancerVm& vm) { return vm.dynamic_memory && vm.cooperative; }

}  // namespace

uint32_t PressurePercent(uint64_t committed_mib, uint64_t assigned_mib) {
  if (assigned_mib == 0) return 0;
  return static_cast<uint32_t>((committed_mib * 100 + assigned_mib / 2) / assigned_mib);
}

Balancer::Balancer(BalancerOptions options) : options_(options) {
  if (options_.granularity_mib == 0) options_.granularity_mib = 1;
}

uint64_t Balancer::RoundUp(uint64_t mib) const {
  const uint64_t g = options_.granularity_mib;
  return (mib + g - 1) / g * g;
}

uint64_t Balancer::IdealMib(const BalancerVm& vm) const {
  uint64_t want = RoundUp(vm.committed_mib * (100 + vm.buffer_percent) / 100);
  return std::clamp(want, vm.minimum_mib, std::max(vm.minimum_mib, vm.maximum_mib));
}

bool Balancer::StartupFits(uint64_t startup_mib, uint64_t assigned_total_mib,
                           const BalancerHost& host) {
  return assigned_total_mib <= host.budget_mib &&
         startup_mib <= host.budget_mib - assigned_total_mib;
}

// Targets for the balanced VMs given `pool` MiB for them all. Tier 0: every
// minimum. Tier 1: demand up to committed (clamped), by weight. Tier 2: the
// buffer above that, by weight.
std::vector<uint64_t> Balancer::Targets(const std::vector<BalancerVm>& vms,
                                        uint64_t pool) const {
  const size_t n = vms.size();
  std::vector<uint64_t> target(n, 0), demand(n, 0), ideal(n, 0);
  uint64_t minimums = 0;
  for (size_t i = 0; i < n; ++i) {
    ideal[i] = IdealMib(vms[i]);
    demand[i] = std::clamp(RoundUp(vms[i].committed_mib), vms[i].minimum_mib, ideal[i]);
    target[i] = vms[i].minimum_mib;
    minimums += vms[i].minimum_mib;
  }
  // Minimums are guaranteed even when they do not fit the pool: a VM is never
  // pushed below its minimum (admission keeps this from happening).
  uint64_t left = pool > minimums ? pool - minimums : 0;
  for (int tier = 1; tier <= 2; ++tier) {
    std::vector<FillClaim> claims(n);
    for (size_t i = 0; i < n; ++i) {
      uint64_t upto = tier == 1 ? demand[i] : ideal[i];
      claims[i] = {upto - target[i], vms[i].weight};
    }
    std::vector<uint64_t> grants = WeightedFill(claims, left);
    for (size_t i = 0; i < n; ++i) {
      target[i] += grants[i];
      left -= grants[i];
    }
  }
  return target;
}

BalancerPlan Balancer::Balance(const std::vector<BalancerVm>& vms,
                               const BalancerHost& host) const {
  BalancerPlan plan;
  plan.decisions.resize(vms.size());
  // Memory held by VMs the balancer leaves alone is not in the pool.
  uint64_t fixed = 0, assigned_now = 0;
  std::vector<size_t> balanced;
  for (size_t i = 0; i < vms.size(); ++i) {
    assigned_now += vms[i].assigned_mib;
    if (Balanced(vms[i])) {
      balanced.push_back(i);
    } else {
      fixed += vms[i].assigned_mib;
    }
  }
  std::vector<BalancerVm> subset;
  subset.reserve(balanced.size());
  for (size_t i : balanced) subset.push_back(vms[i]);
  const uint64_t pool = host.budget_mib > fixed ? host.budget_mib - fixed : 0;
  std::vector<uint64_t> targets = Targets(subset, pool);

  for (size_t i = 0; i < vms.size(); ++i) {
    BalancerDecision& d = plan.decisions[i];
    d.id = vms[i].id;
    d.target_mib = d.new_assigned_mib = vms[i].assigned_mib;
    d.pressure = PressurePercent(vms[i].committed_mib, vms[i].assigned_mib);
  }
  // Shrinks first (they free memory only once the guest has ballooned, so they
  // do not fund this round's grows), then grows from what is free now.
  uint64_t free_now = host.budget_mib > assigned_now ? host.budget_mib - assigned_now : 0;
  std::vector<size_t> growers;
  for (size_t k = 0; k < balanced.size(); ++k) {
    const size_t i = balanced[k];
    const BalancerVm& vm = vms[i];
    BalancerDecision& d = plan.decisions[i];
    d.target_mib = targets[k];
    const uint64_t band = std::max(options_.min_change_mib,
                                   vm.assigned_mib * options_.hysteresis_percent / 100);
    if (d.target_mib > vm.assigned_mib + band ||
        (d.target_mib > vm.assigned_mib && vm.assigned_mib < vm.minimum_mib)) {
      growers.push_back(k);
    } else if (d.target_mib + std::max(band, vm.assigned_mib * options_.shrink_band_percent / 100) <
               vm.assigned_mib) {
      uint64_t step = std::min(vm.assigned_mib - d.target_mib, options_.max_shrink_step_mib);
      d.action = BalancerAction::kShrink;
      d.balloon_mib = step;
      d.new_assigned_mib = vm.assigned_mib - step;
    }
  }
  // Most pressured first, so a scarce free pool goes where it hurts most.
  std::stable_sort(growers.begin(), growers.end(), [&](size_t a, size_t b) {
    return plan.decisions[balanced[a]].pressure > plan.decisions[balanced[b]].pressure;
  });
  for (size_t k : growers) {
    const size_t i = balanced[k];
    const BalancerVm& vm = vms[i];
    BalancerDecision& d = plan.decisions[i];
    uint64_t step = std::min({d.target_mib - vm.assigned_mib, options_.max_grow_step_mib,
                              free_now});
    step = step / options_.granularity_mib * options_.granularity_mib;
    if (step == 0) continue;
    free_now -= step;
    d.action = BalancerAction::kGrow;
    d.new_assigned_mib = vm.assigned_mib + step;
    d.unballoon_mib = std::min(step, vm.ballooned_mib);  // unballoon before hot-add
    d.hot_add_mib = step - d.unballoon_mib;
  }
  uint64_t pressure_sum = 0;
  for (size_t i : balanced) pressure_sum += plan.decisions[i].pressure;
  for (const BalancerDecision& d : plan.decisions) plan.assigned_total_mib += d.new_assigned_mib;
  plan.available_mib =
      host.budget_mib > plan.assigned_total_mib ? host.budget_mib - plan.assigned_total_mib : 0;
  plan.average_pressure =
      balanced.empty() ? 0 : static_cast<uint32_t>(pressure_sum / balanced.size());
  return plan;
}

absl::Time NextBalancerRound(absl::Time scheduled, absl::Time now, absl::Duration interval) {
  const absl::Time next = scheduled + interval;
  return next > now ? next : now;
}

}  // namespace hv::vmms

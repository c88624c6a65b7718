#include "tests/bench/balancer/policies.h"

#include <algorithm>
#include <numeric>

#include "vmms/balancer/weighted_fill.h"

namespace hv::bench {
namespace {

double Avg(const std::deque<uint64_t>& d, uint64_t fallback) {
  if (d.empty()) return static_cast<double>(fallback);
  return std::accumulate(d.begin(), d.end(), 0.0) / d.size();
}

class HyperVDm : public Policy {
 public:
  std::string Name() const override { return "vmms (Hyper-V DM)"; }
  int IntervalSeconds() const override { return 1; }
  void Decide(std::vector<SimVm>& vms, uint64_t budget) override {
    std::vector<vmms::BalancerVm> in(vms.size());
    for (size_t i = 0; i < vms.size(); ++i) {
      in[i].id = std::to_string(i);
      in[i].dynamic_memory = in[i].cooperative = true;
      in[i].minimum_mib = vms[i].minimum_mib;
      in[i].maximum_mib = vms[i].maximum_mib;
      in[i].buffer_percent = vms[i].buffer_percent;
      in[i].weight = vms[i].weight;
      in[i].assigned_mib = vms[i].assigned_mib;
      in[i].ballooned_mib = vms[i].ballooned_mib;
      in[i].committed_mib = vms[i].committed_mib;
    }
    vmms::BalancerPlan plan = balancer_.Balance(in, {budget});
    for (size_t i = 0; i < vms.size(); ++i) vms[i].requested_mib = plan.decisions[i].new_assigned_mib;
  }

 private:
  vmms::Balancer balancer_;
};

// MOM constants (peers.md §5): pressure_threshold 0.20, pressure_critical 0.05,
// min_guest_free_percent 0.20, max_balloon_change_percent 0.05,
// min_balloon_change_percent 0.0025; used = avg(balloon_cur) - avg(mem_unused)
// over 10 samples, i.e. the guest's average used memory.
class MomBalloon : public Policy {
 public:
  std::string Name() const override { return "oVirt MOM balloon"; }
  int IntervalSeconds() const override { return 10; }
  void Decide(std::vector<SimVm>& vms, uint64_t budget) override {
    uint64_t assigned = 0;
    for (const SimVm& vm : vms) assigned += vm.assigned_mib;
    double host_free = budget > assigned ? double(budget - assigned) / budget : 0.0;
    bool pressured = host_free < 0.20;
    double target_free = pressured ? (host_free < 0.05 ? std::max(0.0, host_free - 0.05) :
                                      0.20 * host_free / 0.20)
                                   : 0.20;
    for (SimVm& vm : vms) {
      double cur = static_cast<double>(vm.assigned_mib);
      double used = Avg(vm.recent, vm.committed_mib);
      double floor = std::max<double>(vm.minimum_mib, used + target_free * cur);
      double next;
      if (pressured) {
        next = std::max(cur - 0.05 * cur, floor);
        if (next > cur) next = cur;  // shrink rule never grows
      } else {
        next = std::max(cur * 1.05, floor);  // the floor beats the 5 % step
      }
      next = std::min<double>(next, vm.maximum_mib);
      if (std::abs(next - cur) < 0.0025 * cur) next = cur;
      vm.requested_mib = static_cast<uint64_t>(next);
    }
  }
};

// Proxmox autoballoon (peers.md §4): aim for 80 % host use; split by shares;
// at most 100 MiB per VM per round either way; ignore changes under 10 MiB;
// grow VMs short of free memory first, shrink VMs with spare memory first.
class ProxmoxAutoballoon : public Policy {
 public:
  std::string Name() const override { return "Proxmox autoballoon"; }
  int IntervalSeconds() const override { return 10; }
  void Decide(std::vector<SimVm>& vms, uint64_t budget) override {
    int64_t assigned = 0;
    for (const SimVm& vm : vms) assigned += vm.assigned_mib;
    int64_t goal = static_cast<int64_t>(budget) * 80 / 100;
    int64_t delta = goal - assigned;
    for (SimVm& vm : vms) vm.requested_mib = vm.assigned_mib;
    if (delta > 0) {
      // Short VMs (free < 25 % of their minimum) first, then everyone.
      for (int pass = 0; pass < 2 && delta > 0; ++pass) {
        uint64_t shares = 0;
        std::vector<size_t> who;
        for (size_t i = 0; i < vms.size(); ++i) {
          const SimVm& vm = vms[i];
          int64_t free = int64_t(vm.assigned_mib) - int64_t(vm.committed_mib);
          bool short_of_memory = free < int64_t(vm.minimum_mib) / 4;
          if ((pass == 0) == short_of_memory && vm.requested_mib < vm.maximum_mib) {
            who.push_back(i);
            shares += vm.weight / 5;  // shares default 1000 ~ weight 5000
          }
        }
        int64_t handed = 0;
        for (size_t i : who) {
          int64_t add = delta * (vms[i].weight / 5) / std::max<uint64_t>(shares, 1);
          add = std::min<int64_t>({add, 100, int64_t(vms[i].maximum_mib - vms[i].requested_mib)});
          if (add < 10) continue;
          vms[i].requested_mib += add;
          handed += add;
        }
        delta -= handed;
      }
    } else if (delta < 0) {
      uint64_t spare_total = 0;
      for (const SimVm& vm : vms)
        spare_total += vm.assigned_mib > vm.committed_mib ? vm.assigned_mib - vm.committed_mib : 0;
      for (SimVm& vm : vms) {
        uint64_t spare = vm.assigned_mib > vm.committed_mib ? vm.assigned_mib - vm.committed_mib : 0;
        int64_t take = spare_total ? -delta * int64_t(spare) / int64_t(spare_total) : 0;
        take = std::min<int64_t>({take, 100, int64_t(vm.assigned_mib - vm.minimum_mib)});
        if (take >= 10) vm.requested_mib = vm.assigned_mib - take;
      }
    }
  }
};

class Oracle : public Policy {
 public:
  std::string Name() const override { return "oracle (instant ideal)"; }
  int IntervalSeconds() const override { return 1; }
  bool Instant() const override { return true; }
  void Decide(std::vector<SimVm>& vms, uint64_t budget) override {
    std::vector<vmms::FillClaim> claims(vms.size());
    uint64_t minimums = 0;
    for (size_t i = 0; i < vms.size(); ++i) {
      uint64_t ideal = std::clamp<uint64_t>(vms[i].committed_mib * (100 + vms[i].buffer_percent) / 100,
                                            vms[i].minimum_mib, vms[i].maximum_mib);
      claims[i] = {ideal - vms[i].minimum_mib, vms[i].weight};
      minimums += vms[i].minimum_mib;
    }
    std::vector<uint64_t> g = vmms::WeightedFill(claims, budget > minimums ? budget - minimums : 0);
    for (size_t i = 0; i < vms.size(); ++i) vms[i].requested_mib = vms[i].minimum_mib + g[i];
  }
};

}  // namespace

std::unique_ptr<Policy> MakeHyperVDm() { return std::make_unique<HyperVDm>(); }
std::unique_ptr<Policy> MakeMomBalloon() { return std::make_unique<MomBalloon>(); }
std::unique_ptr<Policy> MakeProxmoxAutoballoon() { return std::make_unique<ProxmoxAutoballoon>(); }
std::unique_ptr<Policy> MakeOracle() { return std::make_unique<Oracle>(); }

}  // namespace hv::bench

#include "vmms/telemetry/counters_feed.h"

#include <set>

namespace hv::vmms {
namespace {

constexpr uint64_t kMib = 1ull << 20;

counters::VmSample ToSample(const WorkerStatus& s, absl::Time now) {
  counters::VmSample out;
  out.time = now;
  out.physical_bytes = s.assigned_mib * kMib;
  out.guest_visible_bytes = s.guest_visible_mib * kMib;
  if (s.dm_state == DmState::kActive) {
    out.committed_bytes = s.committed_mib * kMib;
    out.guest_available_bytes = s.available_mib * kMib;
  }
  out.added_bytes_total = s.added_mib_total * kMib;
  out.removed_bytes_total = s.removed_mib_total * kMib;
  out.add_operations_total = s.add_operations;
  out.remove_operations_total = s.remove_operations;
  return out;
}

}  // namespace

CountersFeed::CountersFeed(counters::CounterRegistry* registry, counters::ProcessMetrics* process,
                           std::string balancer_name)
    : registry_(registry), process_(process), balancer_name_(std::move(balancer_name)) {
  registry_->AddBalancer(balancer_name_).IgnoreError();
}

void CountersFeed::Publish(const std::vector<VmView>& vms, const BalancerPlan& plan,
                           uint64_t budget_mib, absl::Time now) {
  std::set<std::string> live;
  std::map<std::string, int64_t> by_state;
  uint64_t committed = 0, assigned = 0, assigned_all = 0;
  for (const VmView& v : vms) {
    ++by_state[ToString(v.record.state)];
    if (!v.status) continue;
    const WorkerStatus& s = *v.status;
    live.insert(v.record.id);
    auto it = instance_by_vm_.find(v.record.id);
    if (it != instance_by_vm_.end() && it->second != v.record.name) {  // renamed
      registry_->RemoveVm(it->second).IgnoreError();
      instance_by_vm_.erase(it);
    }
    if (!instance_by_vm_.count(v.record.id) && registry_->AddVm(v.record.name).ok()) {
      instance_by_vm_[v.record.id] = v.record.name;
    }
    // A sample older than the last one (a stale status) is refused by the
    // registry; that is fine: the next round brings a newer one.
    registry_->UpdateVm(v.record.name, ToSample(s, now)).IgnoreError();
    assigned_all += s.assigned_mib;
    if (s.dm_state == DmState::kActive) {
      committed += s.committed_mib;
      assigned += s.assigned_mib;
    }
    uint64_t& seen = misbehaviour_seen_[v.record.id];
    for (uint64_t i = seen; i < s.misbehaviour_events && i < seen + 1000; ++i) {
      process_->RecordGuestMisbehaviour("worker", "guest_protocol").IgnoreError();
    }
    seen = s.misbehaviour_events;
  }
  for (auto it = instance_by_vm_.begin(); it != instance_by_vm_.end();) {
    if (live.count(it->first)) {
      ++it;
      continue;
    }
    registry_->RemoveVm(it->second).IgnoreError();
    misbehaviour_seen_.erase(it->first);
    it = instance_by_vm_.erase(it);
  }
  counters::BalancerSample b;
  b.time = now;
  b.available_bytes = (budget_mib > assigned_all ? budget_mib - assigned_all : 0) * kMib;
  b.available_for_balancing_bytes = plan.available_mib * kMib;
  b.committed_bytes = committed * kMib;
  b.assigned_bytes = assigned * kMib;
  registry_->UpdateBalancer(balancer_name_, b).IgnoreError();
  std::vector<counters::VmStateCount> counts;
  for (const auto& [state, n] : by_state) counts.push_back({state, n});
  process_->SetVmsByState(counts).IgnoreError();
}

}  // namespace hv::vmms

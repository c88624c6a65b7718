// CountersFeed: turns vmms's view of its VMs into the "Hyper-V Dynamic Memory"
// counter instances and the vmms_* process metrics (counters/). A VM's
// counter instance exists while it holds a worker (Hyper-V shows DM VM
// counters for running VMs only) and disappears when it stops or is removed;
// a rename moves it. Called once per balancer round. Thread-compatible: the
// balancer thread is its only caller.
#ifndef HV_VMMS_TELEMETRY_COUNTERS_FEED_H_
#define HV_VMMS_TELEMETRY_COUNTERS_FEED_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "counters/counter_registry.h"
#include "counters/process_metrics.h"
#include "vmms/balancer/balancer.h"
#include "vmms/lifecycle/vm_manager.h"

namespace hv::vmms {

class CountersFeed {
 public:
  // Not owned; must outlive the feed. `balancer_name` names the single
  // balancer instance (Hyper-V has one per NUMA node; we have one per host).
  CountersFeed(counters::CounterRegistry* registry, counters::ProcessMetrics* process,
               std::string balancer_name = "System");

  // Publishes one round: every VM's sample, the balancer sample, VMs by state.
  void Publish(const std::vector<VmView>& vms, const BalancerPlan& plan, uint64_t budget_mib,
               absl::Time now);

 private:
  counters::CounterRegistry* registry_;
  counters::ProcessMetrics* process_;
  const std::string balancer_name_;
  std::map<std::string, std::string> instance_by_vm_;    // vm id -> instance name
  std::map<std::string, uint64_t> misbehaviour_seen_;    // vm id -> events already counted
};

}  // namespace hv::vmms

#endif  // HV_VMMS_TELEMETRY_COUNTERS_FEED_H_

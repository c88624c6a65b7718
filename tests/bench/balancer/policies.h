// Memory policies compared by the simulator. Each sees, per VM, the settings,
// what is assigned now and the guest's recent committed memory, and says what
// each VM should be assigned. They run at their own published intervals.
//  - HyperVDm: our vmms balancer (vmms/balancer), every 1 s.
//  - MomBalloon: oVirt MOM's default balloon policy (doc/balloon.rules and
//    vdsm's 02-balloon.policy, ../shared/reference/peers.md §5), every 10 s.
//  - ProxmoxAutoballoon: pve-manager PVE/AutoBalloon.pm (peers.md §4), every 10 s.
//  - Oracle: committed × (1 + buffer) granted instantly, every 1 s.
#ifndef HV_TESTS_BENCH_BALANCER_POLICIES_H_
#define HV_TESTS_BENCH_BALANCER_POLICIES_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "vmms/balancer/balancer.h"

namespace hv::bench {

struct SimVm {
  uint64_t minimum_mib = 512, maximum_mib = 8192, startup_mib = 1024;
  uint32_t buffer_percent = 20, weight = 5000;
  uint64_t assigned_mib = 1024;   // what the guest holds now
  uint64_t requested_mib = 1024;  // what the policy asked for
  uint64_t ballooned_mib = 0;
  uint64_t committed_mib = 0;     // this second's demand
  std::deque<uint64_t> recent;    // last 10 s of committed (MOM's moving average)
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string Name() const = 0;
  virtual int IntervalSeconds() const = 0;
  // Sets requested_mib of every VM.
  virtual void Decide(std::vector<SimVm>& vms, uint64_t budget_mib) = 0;
  // True if the policy's grants apply instantly (no guest actuation delay).
  virtual bool Instant() const { return false; }
};

std::unique_ptr<Policy> MakeHyperVDm();
std::unique_ptr<Policy> MakeMomBalloon();
std::unique_ptr<Policy> MakeProxmoxAutoballoon();
std::unique_ptr<Policy> MakeOracle();

}  // namespace hv::bench

#endif  // HV_TESTS_BENCH_BALANCER_POLICIES_H_

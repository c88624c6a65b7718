// The Dynamic Memory balancer: a pure policy object. Settings, the latest guest
// status and the host budget go in; per-VM targets and actions come out. No
// clocks, no I/O, no threads: vmms calls Balance() once per interval (default
// 1 s, Hyper-V's rate) and carries the actions out through the workers.
//
// Semantics (../shared/DESIGN.md "Memory semantics", hyperv.md §1 "Pressure"):
//  - pressure = committed / assigned × 100;
//  - ideal = committed × (1 + buffer/100), clamped to [minimum, maximum];
//  - when the ideals do not fit the budget, memory goes first to covering
//    demand (committed, clamped) and then to the buffers, each tier shared by
//    weight; a VM never goes below its minimum;
//  - grow by unballooning first, then hot-add; shrink by ballooning;
//  - steps are bounded and there is hysteresis, so flat demand never
//    oscillates; grows are granted only from memory that is free now, so the
//    sum of assigned memory never exceeds the budget at any instant;
//  - VMs without Dynamic Memory, or whose guest does not cooperate (no DM
//    integration service, failed handshake, timed-out transaction), keep what
//    they have and are left out of balancing.
#ifndef HV_VMMS_BALANCER_BALANCER_H_
#define HV_VMMS_BALANCER_BALANCER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace hv::vmms {

// One VM as the balancer sees it in one round. All sizes in MiB.
struct BalancerVm {
  std::string id;
  bool dynamic_memory = false;   // DynamicMemoryEnabled
  bool cooperative = false;      // DM VSC active and answering
  uint64_t minimum_mib = 0;      // Reservation
  uint64_t maximum_mib = 0;      // Limit
  uint32_t buffer_percent = 20;  // TargetMemoryBuffer, 5..2000
  uint32_t weight = 5000;        // Weight, 0..10000
  uint64_t assigned_mib = 0;     // memory the VM holds now (physical)
  uint64_t ballooned_mib = 0;    // of the guest-visible memory, how much is ballooned out
  uint64_t committed_mib = 0;    // latest STATUS_REPORT num_committed, in MiB
};

struct BalancerOptions {
  // Largest shrink per VM per round, MiB; bounded so a guest is never asked to
  // give back a large amount at once. Default 256 MiB (Proxmox uses 100 MiB per
  // 10 s round; we run 10× as often).
  uint64_t max_shrink_step_mib = 256;
  // Largest grow per VM per round, MiB. Grows are larger than shrinks: a VM
  // under pressure should get memory within one or two rounds. Default 2 GiB
  // (QEMU's hot-add request limit).
  uint64_t max_grow_step_mib = 2048;
  // Hysteresis: no change unless |target - assigned| exceeds both this many MiB
  // and `hysteresis_percent` of assigned. Defaults 16 MiB and 4 %.
  uint64_t min_change_mib = 16;
  uint32_t hysteresis_percent = 4;
  // A VM shrinks only when its target is this many percent below assigned,
  // which is wider than the grow band: asymmetric hysteresis. Default 10 %.
  uint32_t shrink_band_percent = 10;
  // Sizes are rounded up to this granularity, MiB (the balloon unit). Default 2.
  uint64_t granularity_mib = 2;
};

struct BalancerHost {
  // Memory the balancer may hand to VMs, MiB: host budget minus host reserve.
  uint64_t budget_mib = 0;
};

enum class BalancerAction { kNone, kGrow, kShrink };

struct BalancerDecision {
  std::string id;
  BalancerAction action = BalancerAction::kNone;
  uint64_t target_mib = 0;        // where the policy wants this VM eventually
  uint64_t new_assigned_mib = 0;  // what to assign after this round's step
  uint64_t unballoon_mib = 0;     // grow part served by unballooning
  uint64_t hot_add_mib = 0;       // grow part served by hot-add
  uint64_t balloon_mib = 0;       // shrink amount
  uint32_t pressure = 0;          // committed / assigned × 100, before the step
};

struct BalancerPlan {
  std::vector<BalancerDecision> decisions;  // same order as the input VMs
  uint64_t assigned_total_mib = 0;          // sum of new_assigned_mib
  uint64_t available_mib = 0;               // budget - assigned_total ("Available Memory")
  uint32_t average_pressure = 0;            // mean pressure over cooperative DM VMs
};

class Balancer {
 public:
  explicit Balancer(BalancerOptions options = {});

  // One balancing round. Pure: the same input gives the same plan.
  // Thread-compatible (const, no state).
  BalancerPlan Balance(const std::vector<BalancerVm>& vms, const BalancerHost& host) const;

  // The ideal assignment of one VM: committed × (1 + buffer/100), clamped to
  // [minimum, maximum], rounded up to the granularity.
  uint64_t IdealMib(const BalancerVm& vm) const;

  // Admission: a VM may start only if its startup memory fits in what is free
  // now. Hyper-V refuses with "insufficient memory" otherwise.
  static bool StartupFits(uint64_t startup_mib, uint64_t assigned_total_mib,
                          const BalancerHost& host);

  const BalancerOptions& options() const { return options_; }

 private:
  std::vector<uint64_t> Targets(const std::vector<BalancerVm>& vms, uint64_t pool) const;
  uint64_t RoundUp(uint64_t mib) const;

  BalancerOptions options_;
};

// Pressure as Hyper-V defines it, in percent, rounded to nearest; 0 when
// nothing is assigned.
uint32_t PressurePercent(uint64_t committed_mib, uint64_t assigned_mib);

// The balancer's fixed-rate schedule: when the round after the one scheduled
// for `scheduled` starts, given the time `now` at which that round finished.
// Rounds start every `interval` from the first, so neither a round's duration
// nor the loop's wake-up latency stretches the period; a round that overran a
// whole interval is followed at once by the next, and the missed rounds are
// skipped (no burst to catch up).
absl::Time NextBalancerRound(absl::Time scheduled, absl::Time now, absl::Duration interval);

}  // namespace hv::vmms

#endif  // HV_VMMS_BALANCER_BALANCER_H_

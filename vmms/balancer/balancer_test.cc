#include "vmms/balancer/balancer.h"

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

BalancerVm DmVm(std::string id, uint64_t min, uint64_t max, uint64_t assigned,
                uint64_t committed, uint32_t buffer = 20, uint32_t weight = 5000) {
  BalancerVm vm;
  vm.id = std::move(id);
  vm.dynamic_memory = vm.cooperative = true;
  vm.minimum_mib = min;
  vm.maximum_mib = max;
  vm.assigned_mib = assigned;
  vm.committed_mib = committed;
  vm.buffer_percent = buffer;
  vm.weight = weight;
  return vm;
}

// Runs `rounds` balancing rounds; before each, `demand(round, vms)` updates the
// guests' committed memory. The guest carries each step out fully before the
// next round. Checks the budget invariant at every round and returns the
// assigned memory of every VM after every round.
std::vector<std::vector<uint64_t>> Simulate(
    std::vector<BalancerVm>& vms, uint64_t budget, int rounds,
    const std::function<void(int, std::vector<BalancerVm>&)>& demand,
    const Balancer& balancer = Balancer()) {
  std::vector<std::vector<uint64_t>> history;
  for (int r = 0; r < rounds; ++r) {
    demand(r, vms);
    BalancerPlan plan = balancer.Balance(vms, {budget});
    uint64_t total = 0;
    for (size_t i = 0; i < vms.size(); ++i) {
      const BalancerDecision& d = plan.decisions[i];
      EXPECT_EQ(d.id, vms[i].id);
      EXPECT_GE(d.new_assigned_mib, std::min(vms[i].assigned_mib, vms[i].minimum_mib))
          << "round " << r << " vm " << vms[i].id << " pushed below its minimum";
      if (d.action == BalancerAction::kShrink) vms[i].ballooned_mib += d.balloon_mib;
      if (d.action == BalancerAction::kGrow) vms[i].ballooned_mib -= d.unballoon_mib;
      vms[i].assigned_mib = d.new_assigned_mib;
      total += vms[i].assigned_mib;
    }
    EXPECT_LE(total, budget) << "round " << r << ": assigned memory over budget";
    std::vector<uint64_t> row;
    for (const BalancerVm& vm : vms) row.push_back(vm.assigned_mib);
    history.push_back(row);
  }
  return history;
}

int DirectionChanges(const std::vector<std::vector<uint64_t>>& h, size_t vm, size_t from) {
  int changes = 0, last = 0;
  for (size_t r = from + 1; r < h.size(); ++r) {
    int dir = h[r][vm] > h[r - 1][vm] ? 1 : (h[r][vm] < h[r - 1][vm] ? -1 : 0);
    if (dir != 0) {
      if (last != 0 && dir != last) ++changes;
      last = dir;
    }
  }
  return changes;
}

TEST(Balancer, PressureIsCommittedOverAssigned) {
  EXPECT_EQ(PressurePercent(1000, 1200), 83u);
  EXPECT_EQ(PressurePercent(1200, 1000), 120u);
  EXPECT_EQ(PressurePercent(5, 0), 0u);
}

TEST(Balancer, IdealIsCommittedPlusBufferClamped) {
  Balancer b;
  EXPECT_EQ(b.IdealMib(DmVm("a", 512, 4096, 1024, 1000)), 1200u);
  EXPECT_EQ(b.IdealMib(DmVm("a", 512, 4096, 1024, 100)), 512u);    // minimum
  EXPECT_EQ(b.IdealMib(DmVm("a", 512, 4096, 1024, 9000)), 4096u);  // maximum
  EXPECT_EQ(b.IdealMib(DmVm("a", 512, 8192, 1024, 1000, 2000)), 8192u);  // 2000 % buffer, capped
}

TEST(Balancer, SingleVmRampIsFollowedWithinTwoRounds) {
  std::vector<BalancerVm> vms = {DmVm("ramp", 512, 8192, 1024, 600)};
  auto h = Simulate(vms, 16384, 40, [](int r, std::vector<BalancerVm>& v) {
    v[0].committed_mib = 600 + 100 * static_cast<uint64_t>(r);  // +100 MiB/s
  });
  for (size_t r = 2; r < h.size(); ++r) {
    uint64_t committed_two_rounds_ago = 600 + 100 * (r - 2);
    EXPECT_GE(h[r][0], committed_two_rounds_ago) << "round " << r;
  }
  EXPECT_LE(h.back()[0], 8192u);
}

TEST(Balancer, SteadyStatePressureMatchesBuffer) {
  for (uint32_t buffer : {5u, 20u, 50u, 100u}) {
    std::vector<BalancerVm> vms = {DmVm("flat", 256, 16384, 1024, 2000, buffer)};
    Simulate(vms, 32768, 30, [](int, std::vector<BalancerVm>&) {});
    double expected = 100.0 / (1.0 + buffer / 100.0);
    double got = PressurePercent(vms[0].committed_mib, vms[0].assigned_mib);
    EXPECT_NEAR(got, expected, 2.0) << "buffer " << buffer;
  }
}

TEST(Balancer, FlatDemandDoesNotOscillate) {
  std::vector<BalancerVm> vms = {DmVm("a", 512, 8192, 4096, 1500), DmVm("b", 512, 8192, 700, 1500)};
  // Small noise around a flat demand must not make memory go up and down.
  auto h = Simulate(vms, 16384, 60, [](int r, std::vector<BalancerVm>& v) {
    v[0].committed_mib = 1500 + (r % 2 ? 12 : -12);
    v[1].committed_mib = 1500 + (r % 3 ? 8 : -8);
  });
  EXPECT_EQ(DirectionChanges(h, 0, 15), 0);
  EXPECT_EQ(DirectionChanges(h, 1, 15), 0);
}

TEST(Balancer, WeightsDecideUnderContention) {
  // Both want 3600 (3000 + 20 %) but only 5000 is there.
  std::vector<BalancerVm> vms = {DmVm("heavy", 512, 8192, 1024, 3000, 20, 9000),
                                 DmVm("light", 512, 8192, 1024, 3000, 20, 1000)};
  auto h = Simulate(vms, 5000, 30, [](int, std::vector<BalancerVm>&) {});
  EXPECT_GT(h.back()[0], h.back()[1] + 500);
  EXPECT_GE(h.back()[0], 3000u);  // demand of the heavy VM covered first
  EXPECT_LE(h.back()[0] + h.back()[1], 5000u);
}

TEST(Balancer, MinimumHonouredUnderHostPressure) {
  std::vector<BalancerVm> vms = {DmVm("a", 1024, 8192, 2048, 6000),
                                 DmVm("b", 1024, 8192, 2048, 6000, 20, 10000),
                                 DmVm("c", 2048, 8192, 2048, 6000, 20, 0)};
  auto h = Simulate(vms, 6144, 30, [](int, std::vector<BalancerVm>&) {});
  EXPECT_GE(h.back()[0], 1024u);
  EXPECT_GE(h.back()[1], 1024u);
  EXPECT_GE(h.back()[2], 2048u);  // weight 0 still keeps its minimum
}

TEST(Balancer, MaximumCapsAGreedyGuest) {
  std::vector<BalancerVm> vms = {DmVm("greedy", 512, 2048, 1024, 10000)};
  auto h = Simulate(vms, 65536, 10, [](int, std::vector<BalancerVm>&) {});
  EXPECT_EQ(h.back()[0], 2048u);
}

TEST(Balancer, UncooperativeGuestIsLeftOut) {
  BalancerVm silent = DmVm("silent", 512, 8192, 3000, 100);
  silent.cooperative = false;  // no DM VSC, or a timed-out transaction
  BalancerVm fixed = DmVm("static", 512, 8192, 2048, 100);
  fixed.dynamic_memory = false;
  std::vector<BalancerVm> vms = {silent, fixed, DmVm("dm", 512, 8192, 1024, 4000)};
  BalancerPlan plan = Balancer().Balance(vms, {7000});
  EXPECT_EQ(plan.decisions[0].action, BalancerAction::kNone);
  EXPECT_EQ(plan.decisions[0].new_assigned_mib, 3000u);
  EXPECT_EQ(plan.decisions[1].action, BalancerAction::kNone);
  // Only 7000 - 3000 - 2048 = 1952 is the DM VM's; it grows into the free part.
  EXPECT_EQ(plan.decisions[2].action, BalancerAction::kGrow);
  EXPECT_EQ(plan.decisions[2].new_assigned_mib, 1952u);
}

TEST(Balancer, GrowUnballoonsBeforeHotAdd) {
  BalancerVm vm = DmVm("a", 512, 8192, 1024, 2000);
  vm.ballooned_mib = 300;
  BalancerPlan plan = Balancer().Balance({vm}, {16384});
  const BalancerDecision& d = plan.decisions[0];
  ASSERT_EQ(d.action, BalancerAction::kGrow);
  EXPECT_EQ(d.unballoon_mib, 300u);
  EXPECT_EQ(d.hot_add_mib, d.new_assigned_mib - 1024 - 300);
  EXPECT_EQ(d.target_mib, 2400u);
}

TEST(Balancer, ShrinkIsBoundedPerRound) {
  BalancerOptions options;
  options.max_shrink_step_mib = 128;
  BalancerPlan plan = Balancer(options).Balance({DmVm("idle", 512, 8192, 6000, 100)}, {16384});
  EXPECT_EQ(plan.decisions[0].action, BalancerAction::kShrink);
  EXPECT_EQ(plan.decisions[0].balloon_mib, 128u);
  EXPECT_EQ(plan.decisions[0].new_assigned_mib, 6000u - 128);
}

TEST(Balancer, GrowsNeverExceedFreeMemoryEvenWhileOthersShrink) {
  // "a" must shrink and "b" wants to grow; b may only take what is free now.
  std::vector<BalancerVm> vms = {DmVm("a", 512, 8192, 3500, 100), DmVm("b", 512, 8192, 500, 3000)};
  BalancerPlan plan = Balancer().Balance(vms, {4096});
  EXPECT_EQ(plan.decisions[0].action, BalancerAction::kShrink);
  EXPECT_LE(plan.assigned_total_mib, 4096u);
  EXPECT_EQ(plan.decisions[1].new_assigned_mib, 500u + 96);
}

TEST(Balancer, StartupAdmission) {
  EXPECT_TRUE(Balancer::StartupFits(1024, 3000, {4096}));
  EXPECT_FALSE(Balancer::StartupFits(1024, 3500, {4096}));
  EXPECT_FALSE(Balancer::StartupFits(1, 5000, {4096}));  // already over: nothing fits
}

TEST(Balancer, PlanReportsAvailableAndAveragePressure) {
  std::vector<BalancerVm> vms = {DmVm("a", 512, 8192, 1000, 1000), DmVm("b", 512, 8192, 1000, 500)};
  BalancerOptions options;
  options.max_grow_step_mib = 0;  // observe the plan without moving memory
  BalancerPlan plan = Balancer(options).Balance(vms, {4096});
  EXPECT_EQ(plan.average_pressure, (100u + 50u) / 2);
  EXPECT_EQ(plan.available_mib, 4096u - plan.assigned_total_mib);
}

TEST(NextBalancerRound, KeepsAFixedRateWhateverTheRoundTook) {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  const absl::Duration second = absl::Seconds(1);
  // A 4 ms round, then a late wake-up: the next starts 1 s after the last was
  // scheduled, not 1 s after it finished.
  EXPECT_EQ(NextBalancerRound(t0, t0 + absl::Milliseconds(4), second), t0 + second);
  EXPECT_EQ(NextBalancerRound(t0 + second, t0 + second + absl::Milliseconds(120), second),
            t0 + 2 * second);
  // A round that overran its interval: the next at once, and no catch-up burst.
  const absl::Time late = t0 + absl::Milliseconds(3500);
  EXPECT_EQ(NextBalancerRound(t0, late, second), late);
  EXPECT_EQ(NextBalancerRound(late, late + absl::Milliseconds(2), second), late + second);
}

}  // namespace
}  // namespace hv::vmms

#include "vmms/telemetry/counters_feed.h"

#include "counters/counter_set.h"
#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

VmView Running(const std::string& id, const std::string& name, uint64_t assigned, uint64_t committed) {
  VmView v;
  v.record.id = id;
  v.record.name = name;
  v.record.state = VmState::kRunning;
  WorkerStatus s;
  s.dm_state = DmState::kActive;
  s.assigned_mib = assigned;
  s.guest_visible_mib = assigned + 128;
  s.committed_mib = committed;
  s.added_mib_total = 256;
  s.add_operations = 2;
  v.status = s;
  return v;
}

TEST(CountersFeed, PublishesAddsRenamesAndRemovesInstances) {
  counters::CounterRegistry registry;
  counters::ProcessMetrics process;
  CountersFeed feed(&registry, &process);
  absl::Time t = absl::FromUnixSeconds(1000);
  BalancerPlan plan;
  plan.available_mib = 2048;
  feed.Publish({Running("A", "web1", 1024, 512), Running("B", "db1", 2048, 2048)}, plan, 8192, t);
  auto web = registry.FindVm("web1");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->Get(counters::VmCounter::kPhysicalMemory), 1024u);
  EXPECT_EQ(web->Get(counters::VmCounter::kCurrentPressure), 50u);
  EXPECT_EQ(web->Get(counters::VmCounter::kAddedMemory), 256u);
  EXPECT_EQ(registry.vm_count(), 2u);

  // web1 is renamed, db1 stops: its instance goes, web1's moves.
  VmView renamed = Running("A", "frontend", 1024, 600);
  VmView off;
  off.record.id = "B";
  off.record.name = "db1";
  off.record.state = VmState::kOff;
  feed.Publish({renamed, off}, plan, 8192, t + absl::Seconds(1));
  EXPECT_EQ(registry.FindVm("web1"), nullptr);
  EXPECT_EQ(registry.FindVm("db1"), nullptr);
  ASSERT_NE(registry.FindVm("frontend"), nullptr);
  EXPECT_EQ(registry.vm_count(), 1u);
  std::string text = process.ExpositionText();
  EXPECT_NE(text.find("state=\"Off\""), std::string::npos) << text;
}

}  // namespace
}  // namespace hv::vmms

#include "counters/counter_registry.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "counters/testing/test_samples.h"
#include "gtest/gtest.h"

namespace hv::counters {
namespace {

using testing::kMiB;
using testing::kT0;

VmSample Sample(int second, uint64_t physical_mb, uint64_t committed_mb) {
  VmSample s;
  s.time = kT0 + absl::Seconds(second);
  s.physical_bytes = physical_mb * kMiB;
  s.guest_visible_bytes = physical_mb * kMiB;
  s.committed_bytes = committed_mb * kMiB;
  return s;
}

TEST(CounterRegistry, AddUpdateReadRemove) {
  CounterRegistry reg;
  ASSERT_TRUE(reg.AddVm("web1").ok());
  EXPECT_TRUE(reg.Read().vms.empty());  // no sample yet
  EXPECT_EQ(reg.FindVm("web1"), nullptr);
  ASSERT_TRUE(reg.UpdateVm("web1", Sample(0, 512, 256)).ok());
  CounterRegistry::Snapshot snap = reg.Read();
  ASSERT_EQ(snap.vms.size(), 1u);
  EXPECT_EQ(snap.vms[0]->name, "web1");
  EXPECT_EQ(snap.vms[0]->Get(VmCounter::kPhysicalMemory), 512u);
  EXPECT_EQ(snap.vms[0]->Get(VmCounter::kCurrentPressure), 50u);
  ASSERT_TRUE(reg.RemoveVm("web1").ok());
  EXPECT_TRUE(reg.Read().vms.empty());
  // The snapshot taken before removal still holds its values.
  EXPECT_EQ(snap.vms[0]->Get(VmCounter::kPhysicalMemory), 512u);
}

TEST(CounterRegistry, Errors) {
  CounterRegistry reg({.max_vms = 2, .max_name_bytes = 8});
  EXPECT_EQ(reg.AddVm("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reg.AddVm("123456789").code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(reg.AddVm("a").ok());
  absl::Status dup = reg.AddVm("a");
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message(), "vm 'a': counter instance exists");
  ASSERT_TRUE(reg.AddVm("b").ok());
  EXPECT_EQ(reg.AddVm("c").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(reg.UpdateVm("c", Sample(0, 1, 1)).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reg.RemoveVm("c").code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(reg.UpdateVm("a", Sample(10, 1, 1)).ok());
  absl::Status old = reg.UpdateVm("a", Sample(9, 1, 1));
  EXPECT_EQ(old.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(old.message().find("vm 'a': sample at"), absl::string_view::npos);
  // A late sample after removal does not bring the VM back.
  ASSERT_TRUE(reg.RemoveVm("a").ok());
  EXPECT_EQ(reg.UpdateVm("a", Sample(11, 1, 1)).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reg.FindVm("a"), nullptr);
  EXPECT_EQ(reg.vm_count(), 1u);
}

// Average/Minimum/Maximum Pressure over the registry's window.
TEST(CounterRegistry, NamesMustBePrintableUtf8) {
  CounterRegistry reg;
  EXPECT_TRUE(reg.AddVm("web \"1\" \\ prod").ok());
  EXPECT_TRUE(
      reg.AddVm("d\xc3\xa9j\xc3\xa0 vu \xe2\x9c\x93 \xf0\x9f\x98\x80").ok());  // déjà vu ✓ 😀
  for (const char* bad : {"a\nb", "tab\t", "del\x7f", "\xc3", "\xc0\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\xc2\x85", "\xff"}) {
    absl::Status s = reg.AddVm(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << ::testing::PrintToString(bad);
  }
  EXPECT_EQ(reg.AddBalancer("x\ny").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reg.vm_count(), 2u);
}

TEST(CounterRegistry, WindowedPressure) {
  CounterRegistry reg({.pressure_window = {.window = absl::Seconds(10)}});
  ASSERT_TRUE(reg.AddVm("vm").ok());
  ASSERT_TRUE(reg.UpdateVm("vm", Sample(0, 100, 90)).ok());  // 90 %
  ASSERT_TRUE(reg.UpdateVm("vm", Sample(1, 100, 60)).ok());  // 60 %
  ASSERT_TRUE(reg.UpdateVm("vm", Sample(2, 100, 75)).ok());  // 75 %
  auto v = reg.FindVm("vm");
  EXPECT_EQ(v->Get(VmCounter::kCurrentPressure), 75u);
  EXPECT_EQ(v->Get(VmCounter::kAveragePressure), 75u);
  EXPECT_EQ(v->Get(VmCounter::kMinimumPressure), 60u);
  EXPECT_EQ(v->Get(VmCounter::kMaximumPressure), 90u);
  // 11 s later the first two readings have left the window.
  ASSERT_TRUE(reg.UpdateVm("vm", Sample(11, 100, 80)).ok());
  v = reg.FindVm("vm");
  EXPECT_EQ(v->Get(VmCounter::kMinimumPressure), 75u);
  EXPECT_EQ(v->Get(VmCounter::kMaximumPressure), 80u);
  EXPECT_EQ(v->Get(VmCounter::kAveragePressure), 78u);  // 77.5 rounds up
  // A sample without a guest report: current 0, the window keeps its readings.
  VmSample silent = Sample(12, 100, 0);
  silent.committed_bytes.reset();
  ASSERT_TRUE(reg.UpdateVm("vm", silent).ok());
  v = reg.FindVm("vm");
  EXPECT_EQ(v->Get(VmCounter::kCurrentPressure), 0u);
  EXPECT_EQ(v->Get(VmCounter::kMaximumPressure), 80u);
}

TEST(CounterRegistry, Balancers) {
  CounterRegistry reg;
  ASSERT_TRUE(reg.AddBalancer("node0").ok());
  EXPECT_EQ(reg.AddBalancer("node0").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(reg.AddBalancer("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reg.UpdateBalancer("node1", {}).code(), absl::StatusCode::kNotFound);
  BalancerSample s{.time = kT0,
                   .available_bytes = 4096 * kMiB,
                   .available_for_balancing_bytes = 2048 * kMiB,
                   .committed_bytes = 50 * kMiB,
                   .assigned_bytes = 100 * kMiB};
  ASSERT_TRUE(reg.UpdateBalancer("node0", s).ok());
  s.time += absl::Seconds(1);
  s.committed_bytes = 70 * kMiB;
  ASSERT_TRUE(reg.UpdateBalancer("node0", s).ok());
  s.time -= absl::Seconds(2);
  EXPECT_EQ(reg.UpdateBalancer("node0", s).code(), absl::StatusCode::kFailedPrecondition);
  auto snap = reg.Read();
  ASSERT_EQ(snap.balancers.size(), 1u);
  EXPECT_EQ(snap.balancers[0]->Get(BalancerCounter::kAvailableMemory), 4096u);
  EXPECT_EQ(snap.balancers[0]->Get(BalancerCounter::kSystemCurrentPressure), 70u);
  EXPECT_EQ(snap.balancers[0]->Get(BalancerCounter::kAveragePressure), 60u);
  ASSERT_TRUE(reg.RemoveBalancer("node0").ok());
  EXPECT_EQ(reg.RemoveBalancer("node0").code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(reg.Read().balancers.empty());
}

TEST(CounterRegistry, SnapshotIsSortedByName) {
  CounterRegistry reg;
  for (const char* n : {"c", "a", "b"}) {
    ASSERT_TRUE(reg.AddVm(n).ok());
    ASSERT_TRUE(reg.UpdateVm(n, Sample(0, 1, 1)).ok());
  }
  auto snap = reg.Read();
  ASSERT_EQ(snap.vms.size(), 3u);
  EXPECT_EQ(snap.vms[0]->name, "a");
  EXPECT_EQ(snap.vms[2]->name, "c");
}

// Writers publish samples whose every counter encodes one generation number;
// readers must never see two generations mixed in one instance.
TEST(CounterRegistry, ConcurrentUpdatesAreNeverTorn) {
  CounterRegistry reg;
  constexpr int kVms = 8;
  for (int i = 0; i < kVms; ++i) {
    ASSERT_TRUE(reg.AddVm(absl::StrCat("vm", i)).ok());
    ASSERT_TRUE(reg.UpdateVm(absl::StrCat("vm", i), VmSample{.time = kT0}).ok());  // generation 0
  }
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (uint64_t g = 1; !stop.load(); ++g) {
        for (int i = w; i < kVms; i += 2) {
          VmSample s;
          s.time = kT0 + absl::Milliseconds(g);
          s.physical_bytes = g * kMiB;
          s.guest_visible_bytes = g * kMiB;
          s.added_bytes_total = g * kMiB;
          s.add_operations_total = g;
          s.remove_operations_total = g;
          ASSERT_TRUE(reg.UpdateVm(absl::StrCat("vm", i), s).ok());
        }
      }
    });
  }
  int checked = 0;
  for (int round = 0; round < 2000; ++round) {
    for (const auto& v : reg.Read().vms) {
      const uint64_t g = v->Get(VmCounter::kMemoryAddOperations);
      ASSERT_EQ(v->Get(VmCounter::kPhysicalMemory), g);
      ASSERT_EQ(v->Get(VmCounter::kGuestVisiblePhysicalMemory), g);
      ASSERT_EQ(v->Get(VmCounter::kAddedMemory), g);
      ASSERT_EQ(v->Get(VmCounter::kMemoryRemoveOperations), g);
      ++checked;
    }
  }
  stop = true;
  for (auto& t : writers) t.join();
  EXPECT_EQ(checked, 2000 * kVms);
}

}  // namespace
}  // namespace hv::counters

#include "counters/counter_values.h"

#include "counters/testing/test_samples.h"
#include "gtest/gtest.h"

namespace hv::counters {
namespace {

using testing::kMiB;
using testing::kT0;

TEST(PressurePercent, CommittedOverAssigned) {
  EXPECT_EQ(PressurePercent(415 * kMiB, 500 * kMiB), 83u);
  EXPECT_EQ(PressurePercent(0, 500 * kMiB), 0u);
  EXPECT_EQ(PressurePercent(500 * kMiB, 0), 0u);               // nothing assigned
  EXPECT_EQ(PressurePercent(1500 * kMiB, 1000 * kMiB), 150u);  // over 100 is kept
  EXPECT_EQ(PressurePercent(1, 200), 1u);                      // 0.5 rounds up
  EXPECT_EQ(PressurePercent(1, 201), 0u);
  EXPECT_EQ(PressurePercent(~uint64_t{0}, 1), UINT32_MAX);  // saturates, no overflow
}

TEST(BytesToMegabytes, Truncates) {
  EXPECT_EQ(BytesToMegabytes(512 * kMiB), 512u);
  EXPECT_EQ(BytesToMegabytes(512 * kMiB + kMiB - 1), 512u);
  EXPECT_EQ(BytesToMegabytes(kMiB - 1), 0u);
}

VmSample Sample() {
  VmSample s;
  s.time = kT0;
  s.physical_bytes = 512 * kMiB;
  s.guest_visible_bytes = 1024 * kMiB;
  s.committed_bytes = 425 * kMiB;  // 83.0 %
  s.guest_available_bytes = 90 * kMiB;
  s.added_bytes_total = 640 * kMiB;
  s.removed_bytes_total = 128 * kMiB;
  s.add_operations_total = 5;
  s.remove_operations_total = 2;
  s.smart_paging_working_set_bytes = 0;
  return s;
}

TEST(ComputeVmCounters, EveryCounterFromSampleAndWindow) {
  PressureStats window{.mean = 80, .minimum = 70, .maximum = 90, .readings = 3};
  VmCounterValues v = ComputeVmCounters("web1", Sample(), window);
  EXPECT_EQ(v.name, "web1");
  EXPECT_EQ(v.time, kT0);
  EXPECT_EQ(v.Get(VmCounter::kAddedMemory), 640u);
  EXPECT_EQ(v.Get(VmCounter::kAveragePressure), 80u);
  EXPECT_EQ(v.Get(VmCounter::kCurrentPressure), 83u);
  EXPECT_EQ(v.Get(VmCounter::kGuestAvailableMemory), 90u);
  EXPECT_EQ(v.Get(VmCounter::kGuestVisiblePhysicalMemory), 1024u);
  EXPECT_EQ(v.Get(VmCounter::kMaximumPressure), 90u);
  EXPECT_EQ(v.Get(VmCounter::kMemoryAddOperations), 5u);
  EXPECT_EQ(v.Get(VmCounter::kMemoryRemoveOperations), 2u);
  EXPECT_EQ(v.Get(VmCounter::kMinimumPressure), 70u);
  EXPECT_EQ(v.Get(VmCounter::kPhysicalMemory), 512u);
  EXPECT_EQ(v.Get(VmCounter::kRemovedMemory), 128u);
  EXPECT_EQ(v.Get(VmCounter::kSmartPagingWorkingSetSize), 0u);
}

TEST(ComputeVmCounters, NoGuestReportMeansZeroPressure) {
  VmSample s = Sample();
  s.committed_bytes.reset();
  s.guest_available_bytes.reset();
  EXPECT_FALSE(VmPressureReading(s).has_value());
  VmCounterValues v = ComputeVmCounters("static1", s, PressureStats{});
  EXPECT_EQ(v.Get(VmCounter::kCurrentPressure), 0u);
  EXPECT_EQ(v.Get(VmCounter::kAveragePressure), 0u);
  EXPECT_EQ(v.Get(VmCounter::kGuestAvailableMemory), 0u);
  EXPECT_EQ(v.Get(VmCounter::kPhysicalMemory), 512u);
}

// uint32 properties saturate instead of wrapping; uint64 ones do not.
TEST(ComputeVmCounters, ClampsToCimType) {
  VmSample s = Sample();
  s.physical_bytes = ~uint64_t{0};     // 2^44 MB > uint32
  s.added_bytes_total = ~uint64_t{0};  // uint64 property
  VmCounterValues v = ComputeVmCounters("big", s, PressureStats{});
  EXPECT_EQ(v.Get(VmCounter::kPhysicalMemory), UINT32_MAX);
  EXPECT_EQ(v.Get(VmCounter::kAddedMemory), ~uint64_t{0} >> 20);
}

TEST(ComputeBalancerCounters, EveryCounter) {
  BalancerSample s;
  s.time = kT0;
  s.available_bytes = 8192 * kMiB;
  s.available_for_balancing_bytes = 6144 * kMiB;
  s.committed_bytes = 3 * 1024 * kMiB;
  s.assigned_bytes = 4 * 1024 * kMiB;
  EXPECT_EQ(BalancerPressureReading(s).percent, 75u);
  BalancerCounterValues v =
      ComputeBalancerCounters("balancer0", s, PressureStats{.mean = 60, .readings = 2});
  EXPECT_EQ(v.name, "balancer0");
  EXPECT_EQ(v.Get(BalancerCounter::kAvailableMemory), 8192u);
  EXPECT_EQ(v.Get(BalancerCounter::kAvailableMemoryForBalancing), 6144u);
  EXPECT_EQ(v.Get(BalancerCounter::kAveragePressure), 60u);
  EXPECT_EQ(v.Get(BalancerCounter::kSystemCurrentPressure), 75u);
}

}  // namespace
}  // namespace hv::counters

#include "counters/perf_data.h"

#include "gtest/gtest.h"

namespace hv::counters {
namespace {

TEST(ToFileTime, KnownValues) {
  // 1970-01-01 is 116444736000000000 in FILETIME.
  EXPECT_EQ(ToFileTime(absl::UnixEpoch()), 116444736000000000u);
  EXPECT_EQ(ToFileTime(absl::UnixEpoch() + absl::Nanoseconds(250)), 116444736000000002u);
  EXPECT_EQ(ToFileTime(absl::FromUnixSeconds(1'700'000'000)), 133444736000000000u);
  EXPECT_EQ(ToFileTime(absl::InfinitePast()), 0u);
}

VmCounterValues Values() {
  VmCounterValues v;
  v.name = "web1";
  v.time = absl::FromUnixSeconds(1'700'000'000);
  for (size_t i = 0; i < kVmCounterCount; ++i) v.values[i] = 100 + i;
  return v;
}

TEST(PerfData, VmRawInstanceHasEveryPropertyAndTiming) {
  PerfInstance raw = ToPerfRawData(Values());
  EXPECT_EQ(raw.class_name, "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryVM");
  EXPECT_EQ(raw.name, "web1");
  ASSERT_EQ(raw.properties.size(), kVmCounterCount + 6);
  for (size_t i = 0; i < kVmCounterCount; ++i) {
    const CounterDef& d = VmCounterSet().counters[i];
    const PerfProperty* p = raw.Find(d.wmi_property);
    ASSERT_NE(p, nullptr) << d.wmi_property;
    EXPECT_EQ(p->type, d.cim_type);
    EXPECT_EQ(p->value, 100 + i);
  }
  EXPECT_EQ(raw.Find("AddedMemory")->type, CimType::kUint64);
  EXPECT_EQ(raw.Find("PhysicalMemory")->type, CimType::kUint32);
  EXPECT_EQ(raw.Find("Frequency_PerfTime")->value, 10'000'000u);
  EXPECT_EQ(raw.Find("Frequency_Sys100NS")->value, 10'000'000u);
  EXPECT_EQ(raw.Find("Frequency_Object")->value, 10'000'000u);
  EXPECT_EQ(raw.Find("Timestamp_PerfTime")->value, 133444736000000000u);
  EXPECT_EQ(raw.Find("Timestamp_Sys100NS")->value, 133444736000000000u);
  EXPECT_EQ(raw.Find("Timestamp_Object")->value, 133444736000000000u);
  EXPECT_EQ(raw.Find("Timestamp_PerfTime")->type, CimType::kUint64);
  EXPECT_EQ(raw.Find("NoSuchProperty"), nullptr);
}

// Raw counts format to themselves: the formatted instance has the same
// counter values and no timing properties.
TEST(PerfData, VmFormattedEqualsRawCounters) {
  PerfInstance raw = ToPerfRawData(Values());
  PerfInstance fmt = ToPerfFormattedData(Values());
  EXPECT_EQ(fmt.class_name, "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryVM");
  ASSERT_EQ(fmt.properties.size(), kVmCounterCount);
  for (const PerfProperty& p : fmt.properties) {
    ASSERT_NE(raw.Find(p.name), nullptr);
    EXPECT_EQ(raw.Find(p.name)->value, p.value) << p.name;
  }
  EXPECT_EQ(fmt.Find("Timestamp_PerfTime"), nullptr);
}

TEST(PerfData, BalancerInstances) {
  BalancerCounterValues v;
  v.name = "balancer0";
  v.time = absl::UnixEpoch();
  v.values = {8192, 6144, 60, 75};
  PerfInstance raw = ToPerfRawData(v);
  EXPECT_EQ(raw.class_name, "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryBalancer");
  ASSERT_EQ(raw.properties.size(), kBalancerCounterCount + 6);
  EXPECT_EQ(raw.Find("AvailableMemory")->value, 8192u);
  EXPECT_EQ(raw.Find("AvailableMemoryForBalancing")->value, 6144u);
  EXPECT_EQ(raw.Find("AveragePressure")->value, 60u);
  EXPECT_EQ(raw.Find("SystemCurrentPressure")->value, 75u);
  EXPECT_EQ(raw.Find("SystemCurrentPressure")->type, CimType::kUint32);
  PerfInstance fmt = ToPerfFormattedData(v);
  EXPECT_EQ(fmt.class_name, "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryBalancer");
  EXPECT_EQ(fmt.properties.size(), kBalancerCounterCount);
  EXPECT_EQ(fmt.name, "balancer0");
}

TEST(PerfData, InstancesOfASnapshot) {
  CounterRegistry reg;
  for (const char* n : {"b", "a"}) {
    ASSERT_TRUE(reg.AddVm(n).ok());
    ASSERT_TRUE(
        reg.UpdateVm(n, VmSample{.time = absl::UnixEpoch(), .physical_bytes = 1 << 30}).ok());
  }
  ASSERT_TRUE(reg.AddVm("no-sample-yet").ok());
  ASSERT_TRUE(reg.AddBalancer("node0").ok());
  ASSERT_TRUE(reg.UpdateBalancer("node0", BalancerSample{.time = absl::UnixEpoch()}).ok());
  PerfClassInstances all = ToPerfInstances(reg.Read());
  ASSERT_EQ(all.vm_raw.size(), 2u);
  ASSERT_EQ(all.vm_formatted.size(), 2u);
  EXPECT_EQ(all.vm_raw[0].name, "a");
  EXPECT_EQ(all.vm_formatted[1].name, "b");
  EXPECT_EQ(all.vm_formatted[1].Find("PhysicalMemory")->value, 1024u);
  ASSERT_EQ(all.balancer_raw.size(), 1u);
  EXPECT_EQ(all.balancer_formatted[0].class_name,
            "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryBalancer");
}

}  // namespace
}  // namespace hv::counters

#include "counters/counter_set.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace hv::counters {
namespace {

TEST(CounterSet, BalancerSetNamesAndClasses) {
  const CounterSetDef& set = BalancerCounterSet();
  EXPECT_EQ(set.name, "Hyper-V Dynamic Memory Balancer");
  EXPECT_EQ(set.raw_class, "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryBalancer");
  EXPECT_EQ(set.formatted_class,
            "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryBalancer");
  EXPECT_EQ(set.cim_namespace, "root/cimv2");
  EXPECT_EQ(set.label, "balancer");
  ASSERT_EQ(set.counters.size(), kBalancerCounterCount);
}

TEST(CounterSet, VmSetNamesAndClasses) {
  const CounterSetDef& set = VmCounterSet();
  EXPECT_EQ(set.name, "Hyper-V Dynamic Memory VM");
  EXPECT_EQ(set.raw_class, "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryVM");
  EXPECT_EQ(set.formatted_class, "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryVM");
  EXPECT_EQ(set.label, "vm");
  ASSERT_EQ(set.counters.size(), kVmCounterCount);
}

// Every enum value has its row, in order, and the name lookup round-trips.
TEST(CounterSet, EveryEnumValueHasItsRow) {
  for (size_t i = 0; i < kBalancerCounterCount; ++i) {
    auto c = static_cast<BalancerCounter>(i);
    EXPECT_EQ(&Def(c), &BalancerCounterSet().counters[i]);
    EXPECT_EQ(BalancerCounterFromName(ToString(c)), c);
  }
  for (size_t i = 0; i < kVmCounterCount; ++i) {
    auto c = static_cast<VmCounter>(i);
    EXPECT_EQ(&Def(c), &VmCounterSet().counters[i]);
    EXPECT_EQ(VmCounterFromName(ToString(c)), c);
  }
  EXPECT_FALSE(VmCounterFromName("Memory Demand").has_value());
  EXPECT_FALSE(BalancerCounterFromName("").has_value());
}

// The spec's names (hyperv.md §5), WMI properties and types, row by row.
TEST(CounterSet, VmRowsMatchSpec) {
  struct Want {
    VmCounter c;
    const char* name;
    const char* prop;
    CimType type;
    CounterUnit unit;
    const char* metric;
  };
  const Want want[] = {
      {VmCounter::kAddedMemory, "Added Memory", "AddedMemory", CimType::kUint64,
       CounterUnit::kMegabytes, "windows_hyperv_dynamic_memory_vm_added_total"},
      {VmCounter::kAveragePressure, "Average Pressure", "AveragePressure", CimType::kUint32,
       CounterUnit::kPercent, ""},
      {VmCounter::kCurrentPressure, "Current Pressure", "CurrentPressure", CimType::kUint32,
       CounterUnit::kPercent, "windows_hyperv_dynamic_memory_vm_pressure_current_ratio"},
      {VmCounter::kGuestAvailableMemory, "Guest Available Memory", "GuestAvailableMemory",
       CimType::kUint32, CounterUnit::kMegabytes,
       "windows_hyperv_dynamic_memory_vm_guest_available_bytes"},
      {VmCounter::kGuestVisiblePhysicalMemory, "Guest Visible Physical Memory",
       "GuestVisiblePhysicalMemory", CimType::kUint32, CounterUnit::kMegabytes,
       "windows_hyperv_dynamic_memory_vm_guest_visible_physical_memory_bytes"},
      {VmCounter::kMaximumPressure, "Maximum Pressure", "MaximumPressure", CimType::kUint32,
       CounterUnit::kPercent, "windows_hyperv_dynamic_memory_vm_pressure_maximum_ratio"},
      {VmCounter::kMemoryAddOperations, "Memory Add Operations", "MemoryAddOperations",
       CimType::kUint64, CounterUnit::kCount,
       "windows_hyperv_dynamic_memory_vm_add_operations_total"},
      {VmCounter::kMemoryRemoveOperations, "Memory Remove Operations", "MemoryRemoveOperations",
       CimType::kUint64, CounterUnit::kCount,
       "windows_hyperv_dynamic_memory_vm_remove_operations_total"},
      {VmCounter::kMinimumPressure, "Minimum Pressure", "MinimumPressure", CimType::kUint32,
       CounterUnit::kPercent, "windows_hyperv_dynamic_memory_vm_pressure_minimum_ratio"},
      {VmCounter::kPhysicalMemory, "Physical Memory", "PhysicalMemory", CimType::kUint32,
       CounterUnit::kMegabytes, "windows_hyperv_dynamic_memory_vm_physical_bytes"},
      {VmCounter::kRemovedMemory, "Removed Memory", "RemovedMemory", CimType::kUint64,
       CounterUnit::kMegabytes, "windows_hyperv_dynamic_memory_vm_removed_bytes_total"},
      {VmCounter::kSmartPagingWorkingSetSize, "Smart Paging Working Set Size",
       "SmartPagingWorkingSetSize", CimType::kUint32, CounterUnit::kMegabytes, ""},
  };
  ASSERT_EQ(std::size(want), kVmCounterCount);
  for (const Want& w : want) {
    const CounterDef& d = Def(w.c);
    EXPECT_EQ(d.name, w.name);
    EXPECT_EQ(d.wmi_property, w.prop) << w.name;
    EXPECT_EQ(d.cim_type, w.type) << w.name;
    EXPECT_EQ(d.unit, w.unit) << w.name;
    EXPECT_EQ(d.metric, w.metric) << w.name;
  }
}

TEST(CounterSet, BalancerRowsMatchSpec) {
  const char* metrics[] = {
      "windows_hyperv_dynamic_memory_balancer_available_memory_bytes",
      "windows_hyperv_dynamic_memory_balancer_available_memory_for_balancing_bytes",
      "windows_hyperv_dynamic_memory_balancer_average_pressure_ratio",
      "windows_hyperv_dynamic_memory_balancer_system_current_pressure_ratio",
  };
  const char* props[] = {"AvailableMemory", "AvailableMemoryForBalancing", "AveragePressure",
                         "SystemCurrentPressure"};
  for (size_t i = 0; i < kBalancerCounterCount; ++i) {
    const CounterDef& d = BalancerCounterSet().counters[i];
    EXPECT_EQ(d.metric, metrics[i]);
    EXPECT_EQ(d.wmi_property, props[i]);
    EXPECT_EQ(d.cim_type, CimType::kUint32) << d.name;  // hyperv.md: all uint32
    EXPECT_EQ(d.prometheus_type, PrometheusType::kGauge) << d.name;
  }
}

// Consistency rules over both tables: the conversion follows the unit, the
// Prometheus type follows the `_total` suffix (naming rules, peers.md §8),
// the perf type follows the width, semantics of cumulative counters.
TEST(CounterSet, RowsAreConsistent) {
  for (const CounterSetDef* set : {&BalancerCounterSet(), &VmCounterSet()}) {
    std::set<std::string_view> names, props, metrics;
    for (const CounterDef& d : set->counters) {
      SCOPED_TRACE(std::string(d.name));
      EXPECT_TRUE(names.insert(d.name).second);
      EXPECT_TRUE(props.insert(d.wmi_property).second);
      EXPECT_FALSE(d.help.empty());
      switch (d.unit) {
        case CounterUnit::kMegabytes:
          EXPECT_EQ(d.conversion, Conversion::kMegabytesToBytes);
          break;
        case CounterUnit::kPercent:
          EXPECT_EQ(d.conversion, Conversion::kPercentToRatio);
          break;
        case CounterUnit::kCount:
          EXPECT_EQ(d.conversion, Conversion::kNone);
          break;
      }
      EXPECT_EQ(d.perf_type, d.cim_type == CimType::kUint64 ? PerfCounterType::kLargeRawCount
                                                            : PerfCounterType::kRawCount);
      EXPECT_EQ(d.semantics == CounterSemantics::kCumulative, d.cim_type == CimType::kUint64);
      if (d.metric.empty()) {
        EXPECT_EQ(d.prometheus_type, PrometheusType::kNotExported);
        continue;
      }
      EXPECT_TRUE(metrics.insert(d.metric).second);
      const std::string prefix = set == &VmCounterSet() ? "windows_hyperv_dynamic_memory_vm_"
                                                        : "windows_hyperv_dynamic_memory_balancer_";
      EXPECT_EQ(d.metric.substr(0, prefix.size()), prefix);
      const bool total = d.metric.ends_with("_total");
      EXPECT_EQ(d.prometheus_type, total ? PrometheusType::kCounter : PrometheusType::kGauge);
      EXPECT_EQ(total, d.semantics == CounterSemantics::kCumulative);
      if (d.conversion == Conversion::kPercentToRatio) {
        EXPECT_TRUE(d.metric.ends_with("_ratio"));
      }
      // windows_exporter's code name `added_total` is the one exception to
      // the `_bytes` unit suffix (the docs' `added_bytes_total` is not used).
      if (d.conversion == Conversion::kMegabytesToBytes &&
          d.metric != "windows_hyperv_dynamic_memory_vm_added_total") {
        EXPECT_NE(d.metric.find("_bytes"), std::string_view::npos);
      }
    }
  }
}

TEST(CounterSet, Conversions) {
  EXPECT_EQ(ToPrometheusValue(Conversion::kMegabytesToBytes, 512), 536870912.0);
  EXPECT_EQ(ToPrometheusValue(Conversion::kPercentToRatio, 83), 0.83);
  EXPECT_EQ(ToPrometheusValue(Conversion::kPercentToRatio, 150), 1.5);
  EXPECT_EQ(ToPrometheusValue(Conversion::kNone, 7), 7.0);
  EXPECT_EQ(MaxValue(CimType::kUint32), 4294967295u);
  EXPECT_EQ(MaxValue(CimType::kUint64), ~uint64_t{0});
}

TEST(CounterSet, ToStringCoversEveryValue) {
  EXPECT_EQ(ToString(CimType::kUint32), "uint32");
  EXPECT_EQ(ToString(CimType::kUint64), "uint64");
  EXPECT_EQ(ToString(PerfCounterType::kRawCount), "PERF_COUNTER_RAWCOUNT");
  EXPECT_EQ(ToString(PerfCounterType::kLargeRawCount), "PERF_COUNTER_LARGE_RAWCOUNT");
  EXPECT_EQ(ToString(CounterUnit::kMegabytes), "MB");
  EXPECT_EQ(ToString(CounterUnit::kPercent), "%");
  EXPECT_EQ(ToString(CounterUnit::kCount), "count");
  std::set<std::string_view> sems;
  for (auto s : {CounterSemantics::kInstantaneous, CounterSemantics::kCumulative,
                 CounterSemantics::kWindowMean, CounterSemantics::kWindowMinimum,
                 CounterSemantics::kWindowMaximum}) {
    EXPECT_EQ(ToString(s).find("unknown"), std::string_view::npos);
    sems.insert(ToString(s));
  }
  EXPECT_EQ(sems.size(), 5u);
  EXPECT_EQ(ToString(Conversion::kMegabytesToBytes), "MB->bytes x1048576");
  EXPECT_EQ(ToString(Conversion::kPercentToRatio), "%->ratio /100");
  EXPECT_EQ(ToString(Conversion::kNone), "none");
  EXPECT_EQ(ToString(PrometheusType::kGauge), "gauge");
  EXPECT_EQ(ToString(PrometheusType::kCounter), "counter");
  EXPECT_EQ(ToString(PrometheusType::kNotExported), "not exported");
  EXPECT_EQ(ToString(VmCounter::kSmartPagingWorkingSetSize), "Smart Paging Working Set Size");
  EXPECT_EQ(ToString(BalancerCounter::kSystemCurrentPressure), "System Current Pressure");
}

}  // namespace
}  // namespace hv::counters

#include "counters/prometheus_collector.h"

#include <algorithm>
#include <string>

#include "counters/perf_data.h"
#include "counters/testing/test_samples.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace hv::counters {
namespace {

using testing::HasLine;
using testing::kMiB;
using testing::kT0;
using testing::Web1Sample;

std::string Render(const DynamicMemoryCollector& c) {
  return prometheus::TextSerializer().Serialize(c.Collect());
}

TEST(DynamicMemoryCollector, EmptyRegistryHasNoFamilies) {
  CounterRegistry reg;
  DynamicMemoryCollector c(&reg);
  EXPECT_TRUE(c.Collect().empty());
}

// Exact names, labels, types and conversions of windows_exporter's collector.
TEST(DynamicMemoryCollector, VmSeriesUnderWindowsExporterNames) {
  CounterRegistry reg;
  ASSERT_TRUE(reg.AddVm("web1").ok());
  ASSERT_TRUE(reg.UpdateVm("web1", Web1Sample()).ok());
  DynamicMemoryCollector c(&reg);
  const std::string text = Render(c);
  const char* want[] = {
      "windows_hyperv_dynamic_memory_vm_added_total{vm=\"web1\"} 671088640",
      "windows_hyperv_dynamic_memory_vm_removed_bytes_total{vm=\"web1\"} 134217728",
      "windows_hyperv_dynamic_memory_vm_add_operations_total{vm=\"web1\"} 5",
      "windows_hyperv_dynamic_memory_vm_remove_operations_total{vm=\"web1\"} 2",
      "windows_hyperv_dynamic_memory_vm_pressure_current_ratio{vm=\"web1\"} 0.83",
      "windows_hyperv_dynamic_memory_vm_pressure_minimum_ratio{vm=\"web1\"} 0.83",
      "windows_hyperv_dynamic_memory_vm_pressure_maximum_ratio{vm=\"web1\"} 0.83",
      "windows_hyperv_dynamic_memory_vm_guest_visible_physical_memory_bytes{vm=\"web1\"} "
      "1073741824",
      "windows_hyperv_dynamic_memory_vm_guest_available_bytes{vm=\"web1\"} 91226112",
      "windows_hyperv_dynamic_memory_vm_physical_bytes{vm=\"web1\"} 536870912",
      "# TYPE windows_hyperv_dynamic_memory_vm_added_total counter",
      "# TYPE windows_hyperv_dynamic_memory_vm_physical_bytes gauge",
      "# TYPE windows_hyperv_dynamic_memory_vm_pressure_current_ratio gauge",
  };
  for (const char* line : want) EXPECT_TRUE(HasLine(text, line)) << line << "\n" << text;
  // Not exported by windows_exporter, and the docs' names are not used.
  EXPECT_EQ(text.find("average_pressure"), std::string::npos);
  EXPECT_EQ(text.find("smart_paging"), std::string::npos);
  EXPECT_EQ(text.find("added_bytes_total"), std::string::npos);
  EXPECT_EQ(text.find("balancer"), std::string::npos);  // no balancer instance yet
}

TEST(DynamicMemoryCollector, BalancerSeries) {
  CounterRegistry reg;
  ASSERT_TRUE(reg.AddBalancer("node0").ok());
  ASSERT_TRUE(reg.UpdateBalancer("node0", {.time = kT0,
                                           .available_bytes = 8192 * kMiB,
                                           .available_for_balancing_bytes = 6144 * kMiB,
                                           .committed_bytes = 3 * kMiB,
                                           .assigned_bytes = 4 * kMiB})
                  .ok());
  DynamicMemoryCollector c(&reg);
  const std::string text = Render(c);
  const char* want[] = {
      "windows_hyperv_dynamic_memory_balancer_available_memory_bytes{balancer=\"node0\"} "
      "8589934592",
      "windows_hyperv_dynamic_memory_balancer_available_memory_for_balancing_bytes"
      "{balancer=\"node0\"} 6442450944",
      "windows_hyperv_dynamic_memory_balancer_average_pressure_ratio{balancer=\"node0\"} 0.75",
      "windows_hyperv_dynamic_memory_balancer_system_current_pressure_ratio{balancer=\"node0\"} "
      "0.75",
  };
  for (const char* line : want) EXPECT_TRUE(HasLine(text, line)) << line << "\n" << text;
}

TEST(DynamicMemoryCollector, RemovedVmHasNoSeries) {
  CounterRegistry reg;
  for (const char* n : {"a", "b"}) {
    ASSERT_TRUE(reg.AddVm(n).ok());
    ASSERT_TRUE(reg.UpdateVm(n, Web1Sample()).ok());
  }
  DynamicMemoryCollector c(&reg);
  EXPECT_NE(Render(c).find("vm=\"a\""), std::string::npos);
  ASSERT_TRUE(reg.RemoveVm("a").ok());
  const std::string text = Render(c);
  EXPECT_EQ(text.find("vm=\"a\""), std::string::npos);
  EXPECT_TRUE(HasLine(text, "windows_hyperv_dynamic_memory_vm_physical_bytes{vm=\"b\"} 536870912"));
}

// VM names are label values: quotes and backslashes are escaped.
TEST(DynamicMemoryCollector, NamesAreEscaped) {
  CounterRegistry reg;
  const std::string name = "web \"1\"\\xy";
  ASSERT_TRUE(reg.AddVm(name).ok());
  ASSERT_TRUE(reg.UpdateVm(name, Web1Sample()).ok());
  DynamicMemoryCollector c(&reg);
  EXPECT_TRUE(HasLine(Render(c),
                      "windows_hyperv_dynamic_memory_vm_physical_bytes"
                      "{vm=\"web \\\"1\\\"\\\\xy\"} 536870912"));
}

// The CIM perf-class values and the Prometheus values of one snapshot agree
// for every exported counter of every instance: Prometheus value ==
// conversion(CIM formatted value), label value == instance Name.
TEST(DynamicMemoryCollector, CimAndPrometheusAgreeOnOneSnapshot) {
  CounterRegistry reg;
  for (int i = 0; i < 5; ++i) {
    const std::string name = "vm" + std::to_string(i);
    ASSERT_TRUE(reg.AddVm(name).ok());
    for (int s = 0; s < 3; ++s) {
      VmSample sample = Web1Sample();
      sample.time = kT0 + absl::Seconds(s);
      sample.physical_bytes = (256 + 128 * i) * kMiB;
      sample.committed_bytes = (200 + 10 * s + i) * kMiB;
      sample.add_operations_total = i + s;
      ASSERT_TRUE(reg.UpdateVm(name, sample).ok());
    }
  }
  ASSERT_TRUE(reg.AddBalancer("node0").ok());
  ASSERT_TRUE(reg.UpdateBalancer("node0", {.time = kT0,
                                           .available_bytes = 3000 * kMiB,
                                           .available_for_balancing_bytes = 1000 * kMiB,
                                           .committed_bytes = 2,
                                           .assigned_bytes = 3})
                  .ok());
  const CounterRegistry::Snapshot snap = reg.Read();
  const PerfClassInstances cim = ToPerfInstances(snap);
  const std::vector<prometheus::MetricFamily> prom = RenderDynamicMemory(snap);
  ASSERT_EQ(cim.vm_formatted.size(), 5u);
  ASSERT_EQ(cim.balancer_formatted.size(), 1u);

  int compared = 0;
  auto check = [&](const CounterSetDef& set, const std::vector<PerfInstance>& instances) {
    for (const CounterDef& d : set.counters) {
      if (d.metric.empty()) continue;
      auto fam =
          std::find_if(prom.begin(), prom.end(), [&](const auto& f) { return f.name == d.metric; });
      ASSERT_NE(fam, prom.end()) << d.metric;
      ASSERT_EQ(fam->metric.size(), instances.size()) << d.metric;
      for (size_t k = 0; k < instances.size(); ++k) {
        const prometheus::ClientMetric& m = fam->metric[k];
        ASSERT_EQ(m.label.size(), 1u);
        EXPECT_EQ(m.label[0].name, set.label);
        EXPECT_EQ(m.label[0].value, instances[k].name);
        const double value =
            d.prometheus_type == PrometheusType::kCounter ? m.counter.value : m.gauge.value;
        const PerfProperty* p = instances[k].Find(d.wmi_property);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(value, ToPrometheusValue(d.conversion, p->value))
            << d.metric << " of " << instances[k].name;
        ++compared;
      }
    }
  };
  check(VmCounterSet(), cim.vm_formatted);
  check(BalancerCounterSet(), cim.balancer_formatted);
  EXPECT_EQ(compared, 5 * 10 + 4);
  // Raw and formatted agree too (raw counts format to themselves).
  for (size_t k = 0; k < cim.vm_raw.size(); ++k) {
    for (const PerfProperty& p : cim.vm_formatted[k].properties) {
      EXPECT_EQ(cim.vm_raw[k].Find(p.name)->value, p.value);
    }
  }
}

}  // namespace
}  // namespace hv::counters

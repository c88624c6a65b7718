#include "counters/prometheus_collector.h"

#include <memory>
#include <string>

namespace hv::counters {
namespace {

// Appends one family per exported counter of `set`, one series per instance.
template <typename Values>
void AppendFamilies(const CounterSetDef& set,
                    const std::vector<std::shared_ptr<const Values>>& instances,
                    std::vector<prometheus::MetricFamily>& out) {
  if (instances.empty()) return;
  const std::string label(set.label);
  for (size_t i = 0; i < set.counters.size(); ++i) {
    const CounterDef& def = set.counters[i];
    if (def.prometheus_type == PrometheusType::kNotExported) continue;
    prometheus::MetricFamily& family = out.emplace_back();
    family.name = std::string(def.metric);
    family.help = std::string(def.help);
    family.type = def.prometheus_type == PrometheusType::kCounter ? prometheus::MetricType::Counter
                                                                  : prometheus::MetricType::Gauge;
    family.metric.resize(instances.size());
    for (size_t k = 0; k < instances.size(); ++k) {
      prometheus::ClientMetric& m = family.metric[k];
      m.label.push_back({label, instances[k]->name});
      const double value = ToPrometheusValue(def.conversion, instances[k]->values[i]);
      if (family.type == prometheus::MetricType::Counter) {
        m.counter.value = value;
      } else {
        m.gauge.value = value;
      }
    }
  }
}

}  // namespace

DynamicMemoryCollector::DynamicMemoryCollector(const CounterRegistry* registry)
    : registry_(registry) {}

std::vector<prometheus::MetricFamily> DynamicMemoryCollector::Collect() const {
  return RenderDynamicMemory(registry_->Read());
}

std::vector<prometheus::MetricFamily> RenderDynamicMemory(const CounterRegistry::Snapshot& snap) {
  std::vector<prometheus::MetricFamily> out;
  out.reserve(kBalancerCounterCount + kVmCounterCount);
  AppendFamilies(BalancerCounterSet(), snap.balancers, out);
  AppendFamilies(VmCounterSet(), snap.vms, out);
  return out;
}

}  // namespace hv::counters

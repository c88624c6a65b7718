// The Dynamic Memory counters as Prometheus metrics under windows_exporter's
// hyperv collector names and labels (counter_set.h: metric, type, conversion
// per row). Internal to counters/: only metrics_server.cc uses it.
//
// Each Collect() takes one CounterRegistry snapshot and renders it, so every
// series of one instance comes from the same sample, and a removed VM has no
// series. Families without any instance are left out (like windows_exporter).
//
// Thread-safe: Collect() may run on several threads at once.
#ifndef HV_COUNTERS_PROMETHEUS_COLLECTOR_H_
#define HV_COUNTERS_PROMETHEUS_COLLECTOR_H_

#include <vector>

#include "counters/counter_registry.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace hv::counters {

// Pure: the metric families of one snapshot. Collect() is this over
// registry->Read(); exposed so a caller can render the very snapshot it also
// turns into CIM perf instances (perf_data.h), and compare.
std::vector<prometheus::MetricFamily> RenderDynamicMemory(const CounterRegistry::Snapshot& snap);

class DynamicMemoryCollector : public prometheus::Collectable {
 public:
  // `registry` is not owned and must outlive the collector.
  explicit DynamicMemoryCollector(const CounterRegistry* registry);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const CounterRegistry* registry_;
};

}  // namespace hv::counters

#endif  // HV_COUNTERS_PROMETHEUS_COLLECTOR_H_

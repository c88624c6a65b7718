#include "counters/perf_data.h"

namespace hv::counters {
namespace {

// Seconds from 1601-01-01 to 1970-01-01.
constexpr int64_t kFileTimeEpochOffsetSeconds = 11'644'473'600;

template <size_t N>
PerfInstance Build(const CounterSetDef& set, std::string_view class_name, std::string name,
                   const std::array<uint64_t, N>& values, absl::Time time, bool raw) {
  PerfInstance inst;
  inst.class_name = class_name;
  inst.name = std::move(name);
  inst.properties.reserve(N + (raw ? 6 : 0));
  for (size_t i = 0; i < N; ++i) {
    inst.properties.push_back({set.counters[i].wmi_property, set.counters[i].cim_type, values[i]});
  }
  if (raw) {
    const uint64_t ts = ToFileTime(time);
    for (std::string_view prop : {"Frequency_Object", "Frequency_PerfTime", "Frequency_Sys100NS"}) {
      inst.properties.push_back({prop, CimType::kUint64, kPerfFrequency});
    }
    for (std::string_view prop : {"Timestamp_Object", "Timestamp_PerfTime", "Timestamp_Sys100NS"}) {
      inst.properties.push_back({prop, CimType::kUint64, ts});
    }
  }
  return inst;
}

}  // namespace

const PerfProperty* PerfInstance::Find(std::string_view wmi_name) const {
  for (const PerfProperty& p : properties) {
    if (p.name == wmi_name) return &p;
  }
  return nullptr;
}

uint64_t ToFileTime(absl::Time t) {
  const absl::Time epoch = absl::FromUnixSeconds(-kFileTimeEpochOffsetSeconds);
  if (t <= epoch) return 0;
  if (t == absl::InfiniteFuture()) return ~uint64_t{0};
  // IDivDuration: nanoseconds since 1601 overflow int64; 100 ns ticks do not.
  absl::Duration rem;
  return static_cast<uint64_t>(absl::IDivDuration(t - epoch, absl::Nanoseconds(100), &rem));
}

PerfInstance ToPerfRawData(const VmCounterValues& v) {
  return Build(VmCounterSet(), VmCounterSet().raw_class, v.name, v.values, v.time, true);
}
PerfInstance ToPerfFormattedData(const VmCounterValues& v) {
  return Build(VmCounterSet(), VmCounterSet().formatted_class, v.name, v.values, v.time, false);
}
PerfInstance ToPerfRawData(const BalancerCounterValues& v) {
  return Build(BalancerCounterSet(), BalancerCounterSet().raw_class, v.name, v.values, v.time,
               true);
}
PerfInstance ToPerfFormattedData(const BalancerCounterValues& v) {
  return Build(BalancerCounterSet(), BalancerCounterSet().formatted_class, v.name, v.values, v.time,
               false);
}

PerfClassInstances ToPerfInstances(const CounterRegistry::Snapshot& snap) {
  PerfClassInstances out;
  for (const auto& vm : snap.vms) {
    out.vm_raw.push_back(ToPerfRawData(*vm));
    out.vm_formatted.push_back(ToPerfFormattedData(*vm));
  }
  for (const auto& b : snap.balancers) {
    out.balancer_raw.push_back(ToPerfRawData(*b));
    out.balancer_formatted.push_back(ToPerfFormattedData(*b));
  }
  return out;
}

}  // namespace hv::counters

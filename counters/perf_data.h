// The counter values as WMI perf-class instances, as plain structs keyed by
// the WMI property names, for the CIM provider to turn into
// Win32_PerfRawData_BalancerStats_* and Win32_PerfFormattedData_BalancerStats_*
// instances in root/cimv2 (counter_set.h names the classes). No dependency on
// cim-schema: the provider maps CimType and the values itself.
//
// Raw instances carry the Win32_Perf timing properties (Timestamp_PerfTime,
// Frequency_PerfTime, Timestamp_Sys100NS, Frequency_Sys100NS,
// Timestamp_Object, Frequency_Object; all uint64). Every counter in both sets
// is a raw count (counter_set.h, PerfCounterType), which needs no time base to
// format, so a formatted value equals its raw value; the timing properties are
// there because a raw consumer computes rates from them. Our one clock is the
// sample time: all three timestamps carry it as a FILETIME (100 ns since
// 1601-01-01 UTC) and all three frequencies are 10,000,000 per second.
// Formatted instances carry no timing properties (left null, as Windows shows
// them; inference).
//
// Pure functions over value types; thread-safe.
#ifndef HV_COUNTERS_PERF_DATA_H_
#define HV_COUNTERS_PERF_DATA_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "counters/counter_registry.h"
#include "counters/counter_set.h"
#include "counters/counter_values.h"

namespace hv::counters {

// One property of a perf instance. `name` points at static storage.
struct PerfProperty {
  std::string_view name;  // WMI property name: "AddedMemory", "Timestamp_PerfTime"
  CimType type;
  uint64_t value;
};

// One instance of a raw or formatted perf class.
struct PerfInstance {
  std::string_view class_name;  // e.g. Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryVM
  std::string name;             // the Name key property: VM or balancer name
  // Counter properties in table order, then (raw only) the six timing properties.
  std::vector<PerfProperty> properties;

  // The property with this WMI name, or nullptr.
  const PerfProperty* Find(std::string_view wmi_name) const;
};

// The timing properties' clock: 10 MHz, FILETIME epoch.
inline constexpr uint64_t kPerfFrequency = 10'000'000;
// FILETIME (100 ns ticks since 1601-01-01 UTC) of t; 0 before 1601.
uint64_t ToFileTime(absl::Time t);

PerfInstance ToPerfRawData(const VmCounterValues& values);
PerfInstance ToPerfFormattedData(const VmCounterValues& values);
PerfInstance ToPerfRawData(const BalancerCounterValues& values);
PerfInstance ToPerfFormattedData(const BalancerCounterValues& values);

// All four perf classes' instances of one registry snapshot, in name order:
// what the CIM provider enumerates for
// Win32_Perf{Raw,Formatted}Data_BalancerStats_HyperVDynamicMemory{VM,Balancer}.
struct PerfClassInstances {
  std::vector<PerfInstance> vm_raw;
  std::vector<PerfInstance> vm_formatted;
  std::vector<PerfInstance> balancer_raw;
  std::vector<PerfInstance> balancer_formatted;
};
PerfClassInstances ToPerfInstances(const CounterRegistry::Snapshot& snap);

}  // namespace hv::counters

#endif  // HV_COUNTERS_PERF_DATA_H_

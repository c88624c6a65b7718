// The two Hyper-V Dynamic Memory counter sets, as data: one table each, with
// the spec's counter names, WMI property names and types, units, semantics,
// windows_exporter metric names and the conversion to Prometheus base units.
// Source: ../shared/reference/hyperv.md §5 and peers.md §8.
//
// Metric names follow windows_exporter's CODE
// (internal/collector/hyperv/hyperv_dynamic_memory_{balancer,vm}.go), not its
// docs: the docs say `..._vm_added_bytes_total` and `..._vm_physical`, the
// code emits `..._vm_added_total` and `..._vm_physical_bytes` (peers.md §8,
// "Docs and code disagree"). Existing dashboards are built on what the code
// emits, so the code wins.
//
// Everything here is immutable static data; all functions are thread-safe.
#ifndef HV_COUNTERS_COUNTER_SET_H_
#define HV_COUNTERS_COUNTER_SET_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/types/span.h"

namespace hv::counters {

// CIM type of the WMI property (hyperv.md §5: balancer all uint32; VM mixed).
enum class CimType : uint8_t { kUint32, kUint64 };

// Windows performance counter type of the counter. Inferred, not confirmed by
// a source (hyperv.md "Gaps": exact counter definitions unverified): every
// counter in both sets is a plain reading (no "/sec", no base counter), and
// windows_exporter reads them with pdh.CounterTypeRaw, so the 32-bit ones are
// PERF_COUNTER_RAWCOUNT and the 64-bit ones PERF_COUNTER_LARGE_RAWCOUNT.
// Neither type needs Timestamp_*/Frequency_* to be formatted: formatted value
// == raw value. The raw classes still carry those fields (Win32_Perf base).
enum class PerfCounterType : uint32_t {
  kRawCount = 0x00010000,       // PERF_COUNTER_RAWCOUNT
  kLargeRawCount = 0x00010100,  // PERF_COUNTER_LARGE_RAWCOUNT
};

// Unit of the counter's value as Windows reports it.
enum class CounterUnit : uint8_t {
  kMegabytes,  // MB = 2^20 bytes (WMI "byte * 2^20", hyperv.md "10 things" #9)
  kPercent,    // integer percent; pressure can exceed 100
  kCount,      // number of operations
};

// What one reading means. The window is defined in pressure_window.h.
enum class CounterSemantics : uint8_t {
  kInstantaneous,  // the value at the sample time
  kCumulative,     // total since the instance was created; never decreases
  kWindowMean,     // mean of the pressure readings in the window
  kWindowMinimum,  // lowest pressure reading in the window (band minimum)
  kWindowMaximum,  // highest pressure reading in the window (band maximum)
};

// How windows_exporter turns the counter value into the Prometheus value.
enum class Conversion : uint8_t {
  kMegabytesToBytes,  // × 1048576
  kPercentToRatio,    // ÷ 100
  kNone,              // counts are exported as they are
};

// Prometheus metric type windows_exporter uses (CounterValue / GaugeValue).
enum class PrometheusType : uint8_t { kGauge, kCounter, kNotExported };

// One counter of a set: one row of the hyperv.md §5 tables.
struct CounterDef {
  std::string_view name;          // PDH counter name: "Added Memory"
  std::string_view wmi_property;  // WMI property: "AddedMemory"
  CimType cim_type;
  PerfCounterType perf_type;
  CounterUnit unit;
  CounterSemantics semantics;
  std::string_view metric;  // windows_exporter metric; empty = not exported
  PrometheusType prometheus_type;
  Conversion conversion;
  std::string_view help;  // HELP text of the metric
};

// Counters of "Hyper-V Dynamic Memory Balancer", in table order.
enum class BalancerCounter : uint8_t {
  kAvailableMemory,
  kAvailableMemoryForBalancing,
  kAveragePressure,
  kSystemCurrentPressure,
};
inline constexpr size_t kBalancerCounterCount = 4;

// Counters of "Hyper-V Dynamic Memory VM", in table order.
enum class VmCounter : uint8_t {
  kAddedMemory,
  kAveragePressure,
  kCurrentPressure,
  kGuestAvailableMemory,
  kGuestVisiblePhysicalMemory,
  kMaximumPressure,
  kMemoryAddOperations,
  kMemoryRemoveOperations,
  kMinimumPressure,
  kPhysicalMemory,
  kRemovedMemory,
  kSmartPagingWorkingSetSize,
};
inline constexpr size_t kVmCounterCount = 12;

// A whole counter set: names of the set, its CIM classes and its label.
struct CounterSetDef {
  std::string_view name;                  // "Hyper-V Dynamic Memory VM"
  std::string_view raw_class;             // Win32_PerfRawData_BalancerStats_...
  std::string_view formatted_class;       // Win32_PerfFormattedData_BalancerStats_...
  std::string_view cim_namespace;         // "root/cimv2"
  std::string_view label;                 // windows_exporter instance label: "vm"
  absl::Span<const CounterDef> counters;  // indexed by the set's enum
};

const CounterSetDef& BalancerCounterSet();
const CounterSetDef& VmCounterSet();

const CounterDef& Def(BalancerCounter counter);
const CounterDef& Def(VmCounter counter);

// The spec's counter name ("Added Memory").
std::string_view ToString(BalancerCounter counter);
std::string_view ToString(VmCounter counter);
std::string_view ToString(CimType type);           // "uint32", "uint64"
std::string_view ToString(PerfCounterType type);   // "PERF_COUNTER_RAWCOUNT"
std::string_view ToString(CounterUnit unit);       // "MB", "%", "count"
std::string_view ToString(CounterSemantics sem);   // "instantaneous", ...
std::string_view ToString(Conversion conversion);  // "MB->bytes x1048576", ...
std::string_view ToString(PrometheusType type);    // "gauge", "counter", ...

// Lookup by the spec's counter name; nullopt when no counter has that name.
std::optional<BalancerCounter> BalancerCounterFromName(std::string_view name);
std::optional<VmCounter> VmCounterFromName(std::string_view name);

// The Prometheus value of a counter value: MB × 1048576, % ÷ 100, counts as is.
double ToPrometheusValue(Conversion conversion, uint64_t value);

// Largest value a property of this CIM type can hold.
uint64_t MaxValue(CimType type);

}  // namespace hv::counters

#endif  // HV_COUNTERS_COUNTER_SET_H_

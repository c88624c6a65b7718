#include "counters/counter_set.h"

#include <array>
#include <limits>

namespace hv::counters {
namespace {

constexpr CimType U32 = CimType::kUint32;
constexpr CimType U64 = CimType::kUint64;
constexpr PerfCounterType RAW = PerfCounterType::kRawCount;
constexpr PerfCounterType LARGE = PerfCounterType::kLargeRawCount;
constexpr CounterUnit MB = CounterUnit::kMegabytes;
constexpr CounterUnit PCT = CounterUnit::kPercent;
constexpr CounterUnit COUNT = CounterUnit::kCount;
constexpr CounterSemantics NOW = CounterSemantics::kInstantaneous;
constexpr CounterSemantics CUMUL = CounterSemantics::kCumulative;
constexpr PrometheusType GAUGE = PrometheusType::kGauge;
constexpr PrometheusType COUNTER = PrometheusType::kCounter;
constexpr PrometheusType NONE = PrometheusType::kNotExported;
constexpr Conversion TO_BYTES = Conversion::kMegabytesToBytes;
constexpr Conversion TO_RATIO = Conversion::kPercentToRatio;
constexpr Conversion AS_IS = Conversion::kNone;

// hyperv.md §5, "Hyper-V Dynamic Memory Balancer" (all uint32, label
// `balancer`). Row order == BalancerCounter order.
constexpr std::array<CounterDef, kBalancerCounterCount> kBalancerRows = {{
    {"Available Memory", "AvailableMemory", U32, RAW, MB, NOW,
     "windows_hyperv_dynamic_memory_balancer_available_memory_bytes", GAUGE, TO_BYTES,
     "Memory left on the host node that the balancer manages."},
    {"Available Memory For Balancing", "AvailableMemoryForBalancing", U32, RAW, MB, NOW,
     "windows_hyperv_dynamic_memory_balancer_available_memory_for_balancing_bytes", GAUGE, TO_BYTES,
     "Memory the balancer may still give to virtual machines."},
    {"Average Pressure", "AveragePressure", U32, RAW, PCT, CounterSemantics::kWindowMean,
     "windows_hyperv_dynamic_memory_balancer_average_pressure_ratio", GAUGE, TO_RATIO,
     "Mean system pressure over the averaging window, as a ratio."},
    {"System Current Pressure", "SystemCurrentPressure", U32, RAW, PCT, NOW,
     "windows_hyperv_dynamic_memory_balancer_system_current_pressure_ratio", GAUGE, TO_RATIO,
     "Committed over assigned memory of all balanced virtual machines, as a ratio."},
}};

// hyperv.md §5, "Hyper-V Dynamic Memory VM" (instance = VM name, label `vm`).
// Row order == VmCounter order. Average Pressure and Smart Paging Working Set
// Size are not exported by windows_exporter. The unit of Smart Paging Working
// Set Size is unverified (hyperv.md); MB like every other memory counter.
constexpr std::array<CounterDef, kVmCounterCount> kVmRows = {{
    {"Added Memory", "AddedMemory", U64, LARGE, MB, CUMUL,
     "windows_hyperv_dynamic_memory_vm_added_total", COUNTER, TO_BYTES,
     "Cumulative memory hot-added to the virtual machine, in bytes."},
    {"Average Pressure", "AveragePressure", U32, RAW, PCT, CounterSemantics::kWindowMean, "", NONE,
     TO_RATIO, "Mean pressure over the averaging window."},
    {"Current Pressure", "CurrentPressure", U32, RAW, PCT, NOW,
     "windows_hyperv_dynamic_memory_vm_pressure_current_ratio", GAUGE, TO_RATIO,
     "Guest committed memory over assigned memory, as a ratio."},
    {"Guest Available Memory", "GuestAvailableMemory", U32, RAW, MB, NOW,
     "windows_hyperv_dynamic_memory_vm_guest_available_bytes", GAUGE, TO_BYTES,
     "Memory the guest reports as available."},
    {"Guest Visible Physical Memory", "GuestVisiblePhysicalMemory", U32, RAW, MB, NOW,
     "windows_hyperv_dynamic_memory_vm_guest_visible_physical_memory_bytes", GAUGE, TO_BYTES,
     "Physical memory the guest can see (grows with hot-add)."},
    {"Maximum Pressure", "MaximumPressure", U32, RAW, PCT, CounterSemantics::kWindowMaximum,
     "windows_hyperv_dynamic_memory_vm_pressure_maximum_ratio", GAUGE, TO_RATIO,
     "Highest pressure in the averaging window (top of the pressure band), as a ratio."},
    {"Memory Add Operations", "MemoryAddOperations", U64, LARGE, COUNT, CUMUL,
     "windows_hyperv_dynamic_memory_vm_add_operations_total", COUNTER, AS_IS,
     "Memory hot-add operations completed for the virtual machine."},
    {"Memory Remove Operations", "MemoryRemoveOperations", U64, LARGE, COUNT, CUMUL,
     "windows_hyperv_dynamic_memory_vm_remove_operations_total", COUNTER, AS_IS,
     "Memory remove (balloon) operations completed for the virtual machine."},
    {"Minimum Pressure", "MinimumPressure", U32, RAW, PCT, CounterSemantics::kWindowMinimum,
     "windows_hyperv_dynamic_memory_vm_pressure_minimum_ratio", GAUGE, TO_RATIO,
     "Lowest pressure in the averaging window (bottom of the pressure band), as a ratio."},
    {"Physical Memory", "PhysicalMemory", U32, RAW, MB, NOW,
     "windows_hyperv_dynamic_memory_vm_physical_bytes", GAUGE, TO_BYTES,
     "Memory currently assigned to the virtual machine."},
    {"Removed Memory", "RemovedMemory", U64, LARGE, MB, CUMUL,
     "windows_hyperv_dynamic_memory_vm_removed_bytes_total", COUNTER, TO_BYTES,
     "Cumulative memory removed from the virtual machine, in bytes."},
    {"Smart Paging Working Set Size", "SmartPagingWorkingSetSize", U32, RAW, MB, NOW, "", NONE,
     TO_BYTES, "Smart paging working set of the virtual machine."},
}};

constexpr CounterSetDef kBalancerSet = {
    "Hyper-V Dynamic Memory Balancer",
    "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryBalancer",
    "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryBalancer",
    "root/cimv2",
    "balancer",
    absl::Span<const CounterDef>(kBalancerRows.data(), kBalancerRows.size()),
};

constexpr CounterSetDef kVmSet = {
    "Hyper-V Dynamic Memory VM",
    "Win32_PerfRawData_BalancerStats_HyperVDynamicMemoryVM",
    "Win32_PerfFormattedData_BalancerStats_HyperVDynamicMemoryVM",
    "root/cimv2",
    "vm",
    absl::Span<const CounterDef>(kVmRows.data(), kVmRows.size()),
};

template <typename Enum, size_t N>
std::optional<Enum> FromName(const std::array<CounterDef, N>& rows, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (rows[i].name == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

const CounterSetDef& BalancerCounterSet() { return kBalancerSet; }
const CounterSetDef& VmCounterSet() { return kVmSet; }

const CounterDef& Def(BalancerCounter counter) {
  return kBalancerRows[static_cast<size_t>(counter)];
}
const CounterDef& Def(VmCounter counter) { return kVmRows[static_cast<size_t>(counter)]; }

std::string_view ToString(BalancerCounter counter) { return Def(counter).name; }
std::string_view ToString(VmCounter counter) { return Def(counter).name; }

std::string_view ToString(CimType type) {
  switch (type) {
    case CimType::kUint32:
      return "uint32";
    case CimType::kUint64:
      return "uint64";
  }
  return "unknown CimType";
}

std::string_view ToString(PerfCounterType type) {
  switch (type) {
    case PerfCounterType::kRawCount:
      return "PERF_COUNTER_RAWCOUNT";
    case PerfCounterType::kLargeRawCount:
      return "PERF_COUNTER_LARGE_RAWCOUNT";
  }
  return "unknown PerfCounterType";
}

std::string_view ToString(CounterUnit unit) {
  switch (unit) {
    case CounterUnit::kMegabytes:
      return "MB";
    case CounterUnit::kPercent:
      return "%";
    case CounterUnit::kCount:
      return "count";
  }
  return "unknown CounterUnit";
}

std::string_view ToString(CounterSemantics sem) {
  switch (sem) {
    case CounterSemantics::kInstantaneous:
      return "instantaneous";
    case CounterSemantics::kCumulative:
      return "cumulative";
    case CounterSemantics::kWindowMean:
      return "window mean";
    case CounterSemantics::kWindowMinimum:
      return "window minimum";
    case CounterSemantics::kWindowMaximum:
      return "window maximum";
  }
  return "unknown CounterSemantics";
}

std::string_view ToString(Conversion conversion) {
  switch (conversion) {
    case Conversion::kMegabytesToBytes:
      return "MB->bytes x1048576";
    case Conversion::kPercentToRatio:
      return "%->ratio /100";
    case Conversion::kNone:
      return "none";
  }
  return "unknown Conversion";
}

std::string_view ToString(PrometheusType type) {
  switch (type) {
    case PrometheusType::kGauge:
      return "gauge";
    case PrometheusType::kCounter:
      return "counter";
    case PrometheusType::kNotExported:
      return "not exported";
  }
  return "unknown PrometheusType";
}

std::optional<BalancerCounter> BalancerCounterFromName(std::string_view name) {
  return FromName<BalancerCounter>(kBalancerRows, name);
}
std::optional<VmCounter> VmCounterFromName(std::string_view name) {
  return FromName<VmCounter>(kVmRows, name);
}

double ToPrometheusValue(Conversion conversion, uint64_t value) {
  switch (conversion) {
    case Conversion::kMegabytesToBytes:
      return static_cast<double>(value) * 1048576.0;
    case Conversion::kPercentToRatio:
      return static_cast<double>(value) / 100.0;
    case Conversion::kNone:
      return static_cast<double>(value);
  }
  return static_cast<double>(value);
}

uint64_t MaxValue(CimType type) {
  return type == CimType::kUint32 ? std::numeric_limits<uint32_t>::max()
                                  : std::numeric_limits<uint64_t>::max();
}

}  // namespace hv::counters

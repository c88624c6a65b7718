// Samples in, counter values out: what the worker and the balancer report (in
// bytes, as they keep them) and the pure functions that turn one sample plus
// the pressure window into the values of the two counter sets, in the
// counters' own units (MB, %, count). These values are the formatted
// (Win32_PerfFormattedData) values; perf_data.h turns them into CIM instances
// and prometheus_collector.h into windows_exporter metrics, so both views
// agree exactly at the same instant.
//
// Everything here is a value type or a pure function; thread-safe.
#ifndef HV_COUNTERS_COUNTER_VALUES_H_
#define HV_COUNTERS_COUNTER_VALUES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "counters/counter_set.h"
#include "counters/pressure_window.h"

namespace hv::counters {

// One reading of a VM's memory, fed by the daemon from the worker's DM VSP
// counters and the balancer. Byte values are converted to MB by truncation
// (Hyper-V assigns whole MB, so this is exact in practice).
struct VmSample {
  // When the numbers were taken. Must not go backwards for one VM.
  absl::Time time;
  // Memory assigned to the VM now ("Physical Memory").
  uint64_t physical_bytes = 0;
  // Memory the guest can see: startup + hot-added ("Guest Visible Physical Memory").
  uint64_t guest_visible_bytes = 0;
  // Guest committed memory from its last DM STATUS_REPORT (num_committed
  // pages x 4 KiB). nullopt while the guest has not reported (no DM VSC, or
  // the first ~45 s after boot): Current Pressure is then 0 and the reading
  // does not enter the pressure window.
  std::optional<uint64_t> committed_bytes;
  // Memory the guest reports as available; nullopt = not reported (0).
  std::optional<uint64_t> guest_available_bytes;
  // Totals since the VM's counter instance was created.
  uint64_t added_bytes_total = 0;    // hot-added
  uint64_t removed_bytes_total = 0;  // ballooned out and released
  uint64_t add_operations_total = 0;
  uint64_t remove_operations_total = 0;
  // Smart paging working set; 0 when smart paging is not in use.
  uint64_t smart_paging_working_set_bytes = 0;
};

// One reading of a balancer (one per host or NUMA node).
struct BalancerSample {
  absl::Time time;
  // Memory left on the node ("Available Memory").
  uint64_t available_bytes = 0;
  // Memory the balancer may still hand out ("Available Memory For Balancing").
  uint64_t available_for_balancing_bytes = 0;
  // Sums over the balanced VMs that reported pressure. System Current
  // Pressure = committed / assigned x 100 (our definition: the pressure of
  // all balanced VMs together; Microsoft publishes none).
  uint64_t committed_bytes = 0;
  uint64_t assigned_bytes = 0;
};

// The values of one "Hyper-V Dynamic Memory VM" instance, indexed by
// VmCounter, each in its counter's unit and clamped to its CIM type.
struct VmCounterValues {
  std::string name;  // instance name = VM name
  absl::Time time;   // sample time
  std::array<uint64_t, kVmCounterCount> values{};
  uint64_t Get(VmCounter c) const { return values[static_cast<size_t>(c)]; }
};

// The values of one "Hyper-V Dynamic Memory Balancer" instance.
struct BalancerCounterValues {
  std::string name;  // balancer instance name
  absl::Time time;
  std::array<uint64_t, kBalancerCounterCount> values{};
  uint64_t Get(BalancerCounter c) const { return values[static_cast<size_t>(c)]; }
};

// Pressure = committed / assigned x 100, rounded half up to a whole percent
// (hyperv.md "10 things" #7). 0 when assigned is 0. May exceed 100.
uint32_t PressurePercent(uint64_t committed_bytes, uint64_t assigned_bytes);

// Whole MB (2^20 bytes), truncating.
uint64_t BytesToMegabytes(uint64_t bytes);

// The pressure reading a sample contributes to the window, if any.
std::optional<PressureReading> VmPressureReading(const VmSample& sample);
PressureReading BalancerPressureReading(const BalancerSample& sample);

// Pure: the VM counter values from the newest sample and the window stats
// (which must already include that sample's reading, if it has one).
VmCounterValues ComputeVmCounters(std::string name, const VmSample& sample,
                                  const PressureStats& window);

// Pure: the balancer counter values from the newest sample and its window.
BalancerCounterValues ComputeBalancerCounters(std::string name, const BalancerSample& sample,
                                              const PressureStats& window);

}  // namespace hv::counters

#endif  // HV_COUNTERS_COUNTER_VALUES_H_

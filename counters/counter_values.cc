#include "counters/counter_values.h"

#include <algorithm>
#include <utility>

namespace hv::counters {
namespace {

template <typename Enum, size_t N>
void Set(std::array<uint64_t, N>& values, Enum counter, uint64_t value) {
  // Clamp to the property's CIM type so a huge byte count saturates instead
  // of wrapping in a uint32 property.
  values[static_cast<size_t>(counter)] = std::min(value, MaxValue(Def(counter).cim_type));
}

}  // namespace

uint32_t PressurePercent(uint64_t committed_bytes, uint64_t assigned_bytes) {
  if (assigned_bytes == 0) return 0;
  // 128-bit so committed x 100 cannot overflow.
  unsigned __int128 num = static_cast<unsigned __int128>(committed_bytes) * 100;
  unsigned __int128 pct = (num + assigned_bytes / 2) / assigned_bytes;
  return static_cast<uint32_t>(std::min<unsigned __int128>(pct, UINT32_MAX));
}

uint64_t BytesToMegabytes(uint64_t bytes) { return bytes >> 20; }

std::optional<PressureReading> VmPressureReading(const VmSample& sample) {
  if (!sample.committed_bytes.has_value()) return std::nullopt;
  return PressureReading{sample.time,
                         PressurePercent(*sample.committed_bytes, sample.physical_bytes)};
}

PressureReading BalancerPressureReading(const BalancerSample& sample) {
  return {sample.time, PressurePercent(sample.committed_bytes, sample.assigned_bytes)};
}

VmCounterValues ComputeVmCounters(std::string name, const VmSample& s,
                                  const PressureStats& window) {
  VmCounterValues v;
  v.name = std::move(name);
  v.time = s.time;
  const std::optional<PressureReading> now = VmPressureReading(s);
  Set(v.values, VmCounter::kAddedMemory, BytesToMegabytes(s.added_bytes_total));
  Set(v.values, VmCounter::kAveragePressure, window.mean);
  Set(v.values, VmCounter::kCurrentPressure, now ? now->percent : 0);
  Set(v.values, VmCounter::kGuestAvailableMemory,
      BytesToMegabytes(s.guest_available_bytes.value_or(0)));
  Set(v.values, VmCounter::kGuestVisiblePhysicalMemory, BytesToMegabytes(s.guest_visible_bytes));
  Set(v.values, VmCounter::kMaximumPressure, window.maximum);
  Set(v.values, VmCounter::kMemoryAddOperations, s.add_operations_total);
  Set(v.values, VmCounter::kMemoryRemoveOperations, s.remove_operations_total);
  Set(v.values, VmCounter::kMinimumPressure, window.minimum);
  Set(v.values, VmCounter::kPhysicalMemory, BytesToMegabytes(s.physical_bytes));
  Set(v.values, VmCounter::kRemovedMemory, BytesToMegabytes(s.removed_bytes_total));
  Set(v.values, VmCounter::kSmartPagingWorkingSetSize,
      BytesToMegabytes(s.smart_paging_working_set_bytes));
  return v;
}

BalancerCounterValues ComputeBalancerCounters(std::string name, const BalancerSample& s,
                                              const PressureStats& window) {
  BalancerCounterValues v;
  v.name = std::move(name);
  v.time = s.time;
  Set(v.values, BalancerCounter::kAvailableMemory, BytesToMegabytes(s.available_bytes));
  Set(v.values, BalancerCounter::kAvailableMemoryForBalancing,
      BytesToMegabytes(s.available_for_balancing_bytes));
  Set(v.values, BalancerCounter::kAveragePressure, window.mean);
  Set(v.values, BalancerCounter::kSystemCurrentPressure, BalancerPressureReading(s).percent);
  return v;
}

}  // namespace hv::counters

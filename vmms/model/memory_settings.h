// A VM's memory settings in Hyper-V's terms (Msvm_MemorySettingData, all MiB):
// startup = VirtualQuantity, minimum = Reservation, maximum = Limit,
// buffer = TargetMemoryBuffer (%), weight = Weight. With Dynamic Memory off the
// VM has `startup` MiB, fixed; minimum and maximum are then kept but unused.
#ifndef HV_VMMS_MODEL_MEMORY_SETTINGS_H_
#define HV_VMMS_MODEL_MEMORY_SETTINGS_H_

#include <cstdint>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hv::vmms {

// Hyper-V's limits (hyperv.md §6): buffer 5..2000 %, weight 0..10000, and a
// 32 MiB floor for any size. Sizes are multiples of 2 MiB (the balloon unit;
// nova rounds the DM minimum the same way).
inline constexpr uint32_t kMinBufferPercent = 5;
inline constexpr uint32_t kMaxBufferPercent = 2000;
inline constexpr uint32_t kMaxWeight = 10000;
inline constexpr uint64_t kMemoryFloorMib = 32;
inline constexpr uint64_t kMemoryGranularityMib = 2;
// 1 TiB, Hyper-V 2012's per-VM maximum; bounds every size a client may ask for.
inline constexpr uint64_t kMemoryCeilingMib = 1024 * 1024;

struct MemorySettings {
  bool dynamic_memory_enabled = false;
  uint64_t startup_mib = 1024;
  uint64_t minimum_mib = 512;
  uint64_t maximum_mib = 1024 * 1024;
  uint32_t buffer_percent = 20;
  uint32_t weight = 5000;

  friend bool operator==(const MemorySettings&, const MemorySettings&) = default;
};

// Checks every rule; the error names the VM, the field and the limit, e.g.
// "vm 'web1': minimum 2048 MiB is above startup 1024 MiB". kInvalidArgument.
absl::Status ValidateMemorySettings(absl::string_view vm_name, const MemorySettings& settings);

// Bytes (PowerShell's -StartupBytes etc.) to MiB. Fails with kInvalidArgument
// naming `field` unless `bytes` is a whole number of MiB.
absl::StatusOr<uint64_t> BytesToMib(absl::string_view field, uint64_t bytes);

// PowerShell's -Priority 0..100 to WMI Weight 0..10000 (×100).
absl::StatusOr<uint32_t> PriorityToWeight(uint32_t priority);

}  // namespace hv::vmms

#endif  // HV_VMMS_MODEL_MEMORY_SETTINGS_H_

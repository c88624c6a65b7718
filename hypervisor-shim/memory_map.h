// EPT-like bookkeeping of a partition's guest physical address space: which
// GPA ranges are RAM and with which protection. Pure data, no host memory:
// every change returns the list of regions the backend must remove and add.
// Neighbouring regions with equal protection are coalesced, and the region
// count is bounded (Unicorn aborts the process at ~3,900 regions, KVM has ~509
// memory slots; software-cpu.md §4).
#ifndef HV_HYPERVISOR_SHIM_MEMORY_MAP_H_
#define HV_HYPERVISOR_SHIM_MEMORY_MAP_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hv::shim {

// Protection bits of a RAM region (guest view; the host may always access).
enum Protection : uint8_t {
  kProtNone = 0,  // mapped but every guest access is an EPT violation
  kProtRead = 1u << 0,
  kProtWrite = 1u << 1,
  kProtExecute = 1u << 2,
  kProtAll = kProtRead | kProtWrite | kProtExecute,
};

inline constexpr uint64_t kPageSize = 4096;

struct MemoryRegion {
  uint64_t gpa = 0;
  uint64_t size = 0;
  uint8_t prot = kProtAll;
  uint64_t end() const { return gpa + size; }
  friend bool operator==(const MemoryRegion&, const MemoryRegion&) = default;
};

// What a backend must do to follow one change: remove `removed` (old regions,
// their host memory stays), then add `added`. Unchanged regions appear in
// neither list.
struct RegionChanges {
  std::vector<MemoryRegion> removed;
  std::vector<MemoryRegion> added;
};

// Not thread-safe; the Partition guards it with its mutex.
class MemoryMap {
 public:
  // `limit_gpa`: every region lies below it. `max_regions`: the bound.
  MemoryMap(uint64_t limit_gpa, size_t max_regions);

  // Adds RAM at [gpa, gpa+size). Fails (and changes nothing) with
  // InvalidArgument for an unaligned or empty range or one beyond the limit,
  // AlreadyExists if any part is mapped, ResourceExhausted if the region
  // count would exceed the bound.
  absl::StatusOr<RegionChanges> Map(uint64_t gpa, uint64_t size, uint8_t prot);

  // Removes RAM at [gpa, gpa+size), splitting regions as needed. NotFound if
  // any part of the range is not mapped; ResourceExhausted as above.
  absl::StatusOr<RegionChanges> Unmap(uint64_t gpa, uint64_t size);

  // Changes the protection of [gpa, gpa+size), which must be fully mapped.
  absl::StatusOr<RegionChanges> Protect(uint64_t gpa, uint64_t size, uint8_t prot);

  // The region containing `gpa`, if any.
  std::optional<MemoryRegion> Find(uint64_t gpa) const;
  // True when [gpa, gpa+size) is entirely RAM (any protection). Overflow-safe.
  bool IsMapped(uint64_t gpa, uint64_t size) const;

  std::vector<MemoryRegion> Regions() const;
  size_t region_count() const { return regions_.size(); }
  uint64_t mapped_bytes() const { return mapped_bytes_; }
  uint64_t limit_gpa() const { return limit_gpa_; }

 private:
  absl::Status CheckRange(uint64_t gpa, uint64_t size) const;
  // Replaces the window [lo, hi) by `pieces` (sorted, inside the window),
  // coalescing with neighbours; returns the diff or ResourceExhausted.
  absl::StatusOr<RegionChanges> Replace(uint64_t lo, uint64_t hi,
                                        std::vector<MemoryRegion> pieces);

  uint64_t limit_gpa_;
  size_t max_regions_;
  uint64_t mapped_bytes_ = 0;
  std::map<uint64_t, MemoryRegion> regions_;  // by gpa
};

}  // namespace hv::shim

#endif  // HV_HYPERVISOR_SHIM_MEMORY_MAP_H_

#include "hypervisor-shim/memory_map.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace hv::shim {

MemoryMap::MemoryMap(uint64_t limit_gpa, size_t max_regions)
    : limit_gpa_(limit_gpa), max_regions_(max_regions) {}

absl::Status MemoryMap::CheckRange(uint64_t gpa, uint64_t size) const {
  if (size == 0 || gpa % kPageSize != 0 || size % kPageSize != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "memory map: range [0x%x, +0x%x) is empty or not 4 KiB aligned", gpa, size));
  }
  if (gpa >= limit_gpa_ || size > limit_gpa_ - gpa) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "memory map: range [0x%x, +0x%x) exceeds the GPA limit 0x%x", gpa, size, limit_gpa_));
  }
  return absl::OkStatus();
}

std::optional<MemoryRegion> MemoryMap::Find(uint64_t gpa) const {
  auto it = regions_.upper_bound(gpa);
  if (it == regions_.begin()) return std::nullopt;
  --it;
  if (gpa < it->second.end()) return it->second;
  return std::nullopt;
}

bool MemoryMap::IsMapped(uint64_t gpa, uint64_t size) const {
  if (size == 0) return Find(gpa).has_value();
  if (gpa + size < gpa) return false;  // wraps
  uint64_t at = gpa;
  const uint64_t end = gpa + size;
  while (at < end) {
    std::optional<MemoryRegion> r = Find(at);
    if (!r) return false;
    at = r->end();
  }
  return true;
}

std::vector<MemoryRegion> MemoryMap::Regions() const {
  std::vector<MemoryRegion> out;
  out.reserve(regions_.size());
  for (const auto& [gpa, r] : regions_) out.push_back(r);
  return out;
}

absl::StatusOr<RegionChanges> MemoryMap::Map(uint64_t gpa, uint64_t size, uint8_t prot) {
  if (absl::Status s = CheckRange(gpa, size); !s.ok()) return s;
  auto it = regions_.lower_bound(gpa);
  bool overlaps = (it != regions_.end() && it->first < gpa + size);
  if (!overlaps && it != regions_.begin()) overlaps = std::prev(it)->second.end() > gpa;
  if (overlaps) {
    return absl::AlreadyExistsError(
        absl::StrFormat("memory map: [0x%x, +0x%x) overlaps mapped RAM", gpa, size));
  }
  return Replace(gpa, gpa + size, {MemoryRegion{gpa, size, prot}});
}

absl::StatusOr<RegionChanges> MemoryMap::Unmap(uint64_t gpa, uint64_t size) {
  if (absl::Status s = CheckRange(gpa, size); !s.ok()) return s;
  if (!IsMapped(gpa, size)) {
    return absl::NotFoundError(
        absl::StrFormat("memory map: [0x%x, +0x%x) is not entirely mapped", gpa, size));
  }
  return Replace(gpa, gpa + size, {});
}

absl::StatusOr<RegionChanges> MemoryMap::Protect(uint64_t gpa, uint64_t size, uint8_t prot) {
  if (absl::Status s = CheckRange(gpa, size); !s.ok()) return s;
  if (!IsMapped(gpa, size)) {
    return absl::NotFoundError(
        absl::StrFormat("memory map: [0x%x, +0x%x) is not entirely mapped", gpa, size));
  }
  return Replace(gpa, gpa + size, {MemoryRegion{gpa, size, prot}});
}

absl::StatusOr<RegionChanges> MemoryMap::Replace(uint64_t lo, uint64_t hi,
                                                 std::vector<MemoryRegion> pieces) {
  // Old regions touching [lo, hi] (adjacent neighbours included, so they can
  // merge), and the window they span.
  std::vector<MemoryRegion> old;
  auto first = regions_.lower_bound(lo);
  if (first != regions_.begin() && std::prev(first)->second.end() >= lo) --first;
  auto last = first;
  while (last != regions_.end() && last->first <= hi) {
    old.push_back(last->second);
    ++last;
  }
  // The new content of the window: parts of old regions outside [lo, hi),
  // plus the pieces, sorted and coalesced.
  std::vector<MemoryRegion> fresh;
  for (const MemoryRegion& r : old) {
    if (r.gpa < lo) fresh.push_back({r.gpa, std::min(r.end(), lo) - r.gpa, r.prot});
    if (r.end() > hi) {
      uint64_t start = std::max(r.gpa, hi);
      fresh.push_back({start, r.end() - start, r.prot});
    }
  }
  for (const MemoryRegion& p : pieces) fresh.push_back(p);
  std::sort(fresh.begin(), fresh.end(),
            [](const MemoryRegion& a, const MemoryRegion& b) { return a.gpa < b.gpa; });
  std::vector<MemoryRegion> merged;
  for (const MemoryRegion& r : fresh) {
    if (!merged.empty() && merged.back().end() == r.gpa && merged.back().prot == r.prot) {
      merged.back().size += r.size;
    } else {
      merged.push_back(r);
    }
  }
  const size_t new_count = regions_.size() - old.size() + merged.size();
  if (new_count > max_regions_) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "memory map: change at [0x%x, 0x%x) needs %u regions, the bound is %u", lo, hi,
        new_count, max_regions_));
  }
  RegionChanges changes;
  for (const MemoryRegion& r : old) {
    if (std::find(merged.begin(), merged.end(), r) == merged.end()) changes.removed.push_back(r);
  }
  for (const MemoryRegion& r : merged) {
    if (std::find(old.begin(), old.end(), r) == old.end()) changes.added.push_back(r);
  }
  for (const MemoryRegion& r : changes.removed) {
    regions_.erase(r.gpa);
    mapped_bytes_ -= r.size;
  }
  for (const MemoryRegion& r : changes.added) {
    regions_[r.gpa] = r;
    mapped_bytes_ += r.size;
  }
  return changes;
}

}  // namespace hv::shim

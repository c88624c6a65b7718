#include "worker/devices/dynmem/partition_dm_memory.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "absl/strings/str_format.h"
#include "worker/devices/dynmem/page_range_set.h"

namespace hv::worker {
PartitionDmMemory::PartitionDmMemory(shim::Partition* partition)
    : partition_(partition),
      granule_(std::max<uint64_t>(partition->unmap_granularity(), kGuestPageBytes)) {}

absl::Status PartitionDmMemory::ReleasePages(uint64_t pfn, uint64_t count) {
  const uint64_t lo = pfn * kGuestPageBytes, hi = (pfn + count) * kGuestPageBytes;
  const uint64_t a = (lo + granule_ - 1) / granule_ * granule_, b = hi / granule_ * granule_;
  absl::MutexLock lock(&mu_);
  if (a >= b) {
    kept_mapped_pages_ += count;
    return absl::OkStatus();
  }
  kept_mapped_pages_ += count - (b - a) / kGuestPageBytes;
  if (absl::Status s = partition_->Unmap(a, b - a); !s.ok()) return s;
  unmapped_bytes_ += b - a;
  // Insert [a, b), merging with neighbours.
  uint64_t start = a, end = b;
  auto it = unmapped_.lower_bound(a);
  if (it != unmapped_.begin() && std::prev(it)->second == a) {
    --it;
    start = it->first;
    it = unmapped_.erase(it);
  }
  if (it != unmapped_.end() && it->first == b) {
    end = it->second;
    unmapped_.erase(it);
  }
  unmapped_[start] = end;
  return absl::OkStatus();
}

absl::Status PartitionDmMemory::RestorePages(uint64_t pfn, uint64_t count) {
  const uint64_t lo = pfn * kGuestPageBytes / granule_ * granule_;
  const uint64_t hi = ((pfn + count) * kGuestPageBytes + granule_ - 1) / granule_ * granule_;
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<uint64_t, uint64_t>> pieces;
  auto it = unmapped_.upper_bound(lo);
  if (it != unmapped_.begin()) --it;
  for (; it != unmapped_.end() && it->first < hi; ++it) {
    const uint64_t s = std::max(lo, it->first), e = std::min(hi, it->second);
    if (s < e) pieces.push_back({s, e});
  }
  for (const auto& [s, e] : pieces) {
    if (absl::Status st = partition_->MapRam(s, e - s); !st.ok()) return st;
    // Remove [s, e) from its interval.
    auto iv = std::prev(unmapped_.upper_bound(s));
    const uint64_t is = iv->first, ie = iv->second;
    unmapped_.erase(iv);
    if (is < s) unmapped_[is] = s;
    if (e < ie) unmapped_[e] = ie;
    unmapped_bytes_ -= e - s;
  }
  return absl::OkStatus();
}

absl::Status PartitionDmMemory::AddMemory(uint64_t pfn, uint64_t count) {
  return partition_->MapRam(pfn * kGuestPageBytes, count * kGuestPageBytes);
}

uint64_t PartitionDmMemory::unmapped_bytes() const {
  absl::MutexLock lock(&mu_);
  return unmapped_bytes_;
}

uint64_t PartitionDmMemory::kept_mapped_pages() const {
  absl::MutexLock lock(&mu_);
  return kept_mapped_pages_;
}

hv::worker::v1::DmMemoryState PartitionDmMemory::Save() const {
  absl::MutexLock lock(&mu_);
  hv::worker::v1::DmMemoryState s;
  for (const auto& [start, end] : unmapped_) {
    hv::worker::v1::PageRangeState* r = s.add_unmapped();
    r->set_pfn(start / kGuestPageBytes);
    r->set_count((end - start) / kGuestPageBytes);
  }
  s.set_kept_mapped_pages(kept_mapped_pages_);
  return s;
}

absl::Status PartitionDmMemory::Restore(const hv::worker::v1::DmMemoryState& saved) {
  std::map<uint64_t, uint64_t> unmapped;
  uint64_t bytes = 0, prev_end = 0;
  const uint64_t max_gpa = partition_->options().max_gpa;
  const std::vector<shim::MemoryRegion> regions = partition_->Regions();
  for (int i = 0; i < saved.unmapped_size(); ++i) {
    const hv::worker::v1::PageRangeState& r = saved.unmapped(i);
    const uint64_t start = r.pfn() * kGuestPageBytes, end = (r.pfn() + r.count()) * kGuestPageBytes;
    bool mapped = false;
    for (const shim::MemoryRegion& m : regions) mapped = mapped || (m.gpa < end && start < m.end());
    if (r.count() == 0 || r.pfn() > max_gpa / kGuestPageBytes ||
        r.count() > max_gpa / kGuestPageBytes || end > max_gpa || start < prev_end || mapped) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "dm memory saved state: unmapped[%d] pfn 0x%x count %u is empty, out of order, beyond "
          "max_gpa 0x%x or mapped in the partition",
          i, r.pfn(), r.count(), max_gpa));
    }
    unmapped[start] = end;
    bytes += end - start;
    prev_end = end;
  }
  absl::MutexLock lock(&mu_);
  unmapped_ = std::move(unmapped);
  unmapped_bytes_ = bytes;
  kept_mapped_pages_ = saved.kept_mapped_pages();
  return absl::OkStatus();
}

}  // namespace hv::worker

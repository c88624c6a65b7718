// PageRangeSet: a set of 4 KiB guest page frames kept as disjoint, coalesced
// ranges. The DM VSP uses it for the ballooned pages: to refuse a guest range
// that overlaps pages already ballooned, and to choose pages to unballoon.
// Thread-compatible.
#ifndef HV_WORKER_DEVICES_DYNMEM_PAGE_RANGE_SET_H_
#define HV_WORKER_DEVICES_DYNMEM_PAGE_RANGE_SET_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace hv::worker {

// Dynamic Memory counts 4 KiB guest page frames (dm_page_range, wire/dynmem.h),
// whatever the guest's own page size; sizes in the protocol are in MiB.
inline constexpr uint64_t kGuestPageBytes = 4096;
inline constexpr uint64_t kPagesPerMib = (uint64_t{1} << 20) / kGuestPageBytes;
static_assert(kPagesPerMib == 256);

struct PageRange {
  uint64_t pfn = 0;
  uint64_t count = 0;
  bool operator==(const PageRange&) const = default;
};

class PageRangeSet {
 public:
  // True if any page of [pfn, pfn+count) is in the set.
  bool Overlaps(uint64_t pfn, uint64_t count) const;
  // Adds [pfn, pfn+count); the caller has checked !Overlaps. count > 0.
  void Insert(uint64_t pfn, uint64_t count);
  // Removes and returns up to `max_pages` pages, lowest first, as ranges of
  // at most `max_range_pages` each.
  std::vector<PageRange> Take(uint64_t max_pages, uint64_t max_range_pages);
  // Every range, ascending (coalesced: adjacent ranges are merged).
  std::vector<PageRange> Ranges() const;
  uint64_t pages() const { return pages_; }
  size_t ranges() const { return map_.size(); }

 private:
  std::map<uint64_t, uint64_t> map_;  // start pfn -> count
  uint64_t pages_ = 0;
};

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_DYNMEM_PAGE_RANGE_SET_H_

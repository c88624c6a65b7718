#include "worker/devices/dynmem/page_range_set.h"

#include <algorithm>
#include <iterator>

namespace hv::worker {

bool PageRangeSet::Overlaps(uint64_t pfn, uint64_t count) const {
  if (count == 0) return false;
  const uint64_t end = pfn + count;
  auto it = map_.upper_bound(pfn);
  if (it != map_.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second > pfn) return true;
  }
  return it != map_.end() && it->first < end;
}

void PageRangeSet::Insert(uint64_t pfn, uint64_t count) {
  if (count == 0) return;
  pages_ += count;
  uint64_t start = pfn, end = pfn + count;
  auto it = map_.upper_bound(pfn);
  if (it != map_.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second == start) {
      start = prev->first;
      map_.erase(prev);
    }
  }
  it = map_.find(end);
  if (it != map_.end()) {
    end += it->second;
    map_.erase(it);
  }
  map_[start] = end - start;
}

std::vector<PageRange> PageRangeSet::Ranges() const {
  std::vector<PageRange> out;
  for (const auto& [pfn, count] : map_) out.push_back({pfn, count});
  return out;
}

std::vector<PageRange> PageRangeSet::Take(uint64_t max_pages, uint64_t max_range_pages) {
  std::vector<PageRange> out;
  if (max_range_pages == 0) return out;
  while (max_pages > 0 && !map_.empty()) {
    auto it = map_.begin();
    const uint64_t n = std::min({max_pages, max_range_pages, it->second});
    out.push_back({it->first, n});
    const uint64_t rest_start = it->first + n, rest = it->second - n;
    map_.erase(it);
    if (rest > 0) map_[rest_start] = rest;
    pages_ -= n;
    max_pages -= n;
  }
  return out;
}

}  // namespace hv::worker

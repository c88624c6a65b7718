#include "vmms/balancer/weighted_fill.h"

#include <algorithm>
#include <numeric>

namespace hv::vmms {

std::vector<uint64_t> WeightedFill(const std::vector<FillClaim>& claims, uint64_t pool) {
  const size_t n = claims.size();
  std::vector<uint64_t> grants(n, 0);
  uint64_t total_want = 0;
  for (const FillClaim& c : claims) total_want += c.want;
  if (total_want <= pool) {
    for (size_t i = 0; i < n; ++i) grants[i] = claims[i].want;
    return grants;
  }
  auto weight = [&](size_t i) { return std::max<uint64_t>(claims[i].weight, 1); };
  // Visit claimants by saturation level want/weight, ascending: those that are
  // satisfied first at a rising water level are fully granted; the rest share
  // what is left in proportion to weight.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    // want_a / w_a < want_b / w_b, without division.
    unsigned __int128 lhs = static_cast<unsigned __int128>(claims[a].want) * weight(b);
    unsigned __int128 rhs = static_cast<unsigned __int128>(claims[b].want) * weight(a);
    return lhs != rhs ? lhs < rhs : a < b;
  });
  uint64_t remaining = pool;
  uint64_t weight_left = 0;
  for (size_t i = 0; i < n; ++i) weight_left += weight(i);
  size_t k = 0;
  for (; k < n; ++k) {
    size_t i = order[k];
    // Fair share at the current level for this claimant.
    unsigned __int128 share = static_cast<unsigned __int128>(remaining) * weight(i) / weight_left;
    if (claims[i].want > share) break;  // this and every later claimant is capped by the level
    grants[i] = claims[i].want;
    remaining -= claims[i].want;
    weight_left -= weight(i);
  }
  for (size_t j = k; j < n; ++j) {
    size_t i = order[j];
    grants[i] = static_cast<uint64_t>(static_cast<unsigned __int128>(remaining) * weight(i) /
                                      weight_left);
  }
  uint64_t used = std::accumulate(grants.begin(), grants.end(), uint64_t{0});
  uint64_t leftover = pool - used;
  // Rounding leftovers: heaviest unsatisfied claimants first.
  std::vector<size_t> capped(order.begin() + k, order.end());
  std::stable_sort(capped.begin(), capped.end(),
                   [&](size_t a, size_t b) { return weight(a) > weight(b); });
  for (size_t idx = 0; leftover > 0 && !capped.empty(); idx = (idx + 1) % capped.size()) {
    size_t i = capped[idx];
    if (grants[i] < claims[i].want) {
      ++grants[i];
      --leftover;
    } else if (std::all_of(capped.begin(), capped.end(),
                           [&](size_t c) { return grants[c] >= claims[c].want; })) {
      break;
    }
  }
  return grants;
}

}  // namespace hv::vmms

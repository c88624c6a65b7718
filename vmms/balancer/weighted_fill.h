// Weighted water-filling: share a pool among claimants in proportion to their
// weights, never giving a claimant more than it asks for. Pure function.
#ifndef HV_VMMS_BALANCER_WEIGHTED_FILL_H_
#define HV_VMMS_BALANCER_WEIGHTED_FILL_H_

#include <cstdint>
#include <vector>

namespace hv::vmms {

struct FillClaim {
  uint64_t want = 0;    // the most this claimant can use, MiB
  uint64_t weight = 1;  // relative share; 0 is treated as 1 (lowest, never starved to nothing)
};

// Returns grants[i] <= claims[i].want with sum(grants) <= pool. When the pool
// covers every want, grants == wants. Otherwise each claimant gets
// min(want, level * weight) for the largest level that fits, and the remainder
// left by integer rounding goes, one MiB at a time, to the heaviest claimants
// that still want more. Deterministic: ties break by index.
// O(n log n). Thread-compatible.
std::vector<uint64_t> WeightedFill(const std::vector<FillClaim>& claims, uint64_t pool);

}  // namespace hv::vmms

#endif  // HV_VMMS_BALANCER_WEIGHTED_FILL_H_

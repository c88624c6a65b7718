#include "vmms/balancer/weighted_fill.h"

#include <numeric>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

using ::testing::ElementsAre;

uint64_t Sum(const std::vector<uint64_t>& v) { return std::accumulate(v.begin(), v.end(), 0ull); }

TEST(WeightedFill, PoolCoversEveryWant) {
  EXPECT_THAT(WeightedFill({{100, 1}, {200, 5}, {0, 3}}, 1000), ElementsAre(100, 200, 0));
}

TEST(WeightedFill, EqualWeightsSplitEvenly) {
  EXPECT_THAT(WeightedFill({{1000, 1}, {1000, 1}}, 600), ElementsAre(300, 300));
}

TEST(WeightedFill, WeightsSplitProportionally) {
  // 3:1 weights share 800 as 600:200.
  EXPECT_THAT(WeightedFill({{1000, 3}, {1000, 1}}, 800), ElementsAre(600, 200));
}

TEST(WeightedFill, SmallWantIsFullyGrantedAndRestRedistributed) {
  // The light claimant wants little; the others share what it leaves.
  EXPECT_THAT(WeightedFill({{50, 1}, {1000, 1}, {1000, 1}}, 650), ElementsAre(50, 300, 300));
}

TEST(WeightedFill, ZeroWeightStillGetsAShare) {
  // Weight 0 counts as 1: a 1/10001 share of 200,000 MiB is 19 MiB, not nothing.
  std::vector<uint64_t> g = WeightedFill({{200000, 0}, {200000, 10000}}, 200000);
  EXPECT_EQ(g[0], 19u);
  EXPECT_EQ(g[1], 200000u - 19);
}

TEST(WeightedFill, RoundingLeftoverIsHandedOut) {
  std::vector<uint64_t> g = WeightedFill({{100, 1}, {100, 1}, {100, 1}}, 100);
  EXPECT_EQ(Sum(g), 100u);
  for (uint64_t x : g) EXPECT_TRUE(x == 33 || x == 34);
}

TEST(WeightedFill, RandomisedInvariants) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::vector<FillClaim> claims(1 + rng() % 12);
    uint64_t total = 0;
    for (auto& c : claims) {
      c.want = rng() % 5000;
      c.weight = rng() % 10001;
      total += c.want;
    }
    uint64_t pool = rng() % (total + 100);
    std::vector<uint64_t> g = WeightedFill(claims, pool);
    ASSERT_EQ(g.size(), claims.size());
    for (size_t i = 0; i < g.size(); ++i) ASSERT_LE(g[i], claims[i].want);
    // Never over the pool, and no MiB wasted while someone still wants it.
    ASSERT_EQ(Sum(g), std::min(pool, total));
  }
}

}  // namespace
}  // namespace hv::vmms

#include "hypervisor-shim/memory_map.h"

#include "gtest/gtest.h"

namespace hv::shim {
namespace {

constexpr uint64_t k2M = 2ull << 20;

TEST(MemoryMap, MapCoalescesNeighboursWithTheSameProtection) {
  MemoryMap map(1ull << 32, 16);
  ASSERT_TRUE(map.Map(0, k2M, kProtAll).ok());
  auto changes = map.Map(k2M, k2M, kProtAll);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->removed.size(), 1u);
  ASSERT_EQ(changes->added.size(), 1u);
  EXPECT_EQ(changes->added[0], (MemoryRegion{0, 2 * k2M, kProtAll}));
  EXPECT_EQ(map.region_count(), 1u);
  EXPECT_EQ(map.mapped_bytes(), 2 * k2M);
  // A different protection stays separate.
  ASSERT_TRUE(map.Map(2 * k2M, k2M, kProtRead).ok());
  EXPECT_EQ(map.region_count(), 2u);
}

TEST(MemoryMap, UnmapSplitsAndRemapRejoins) {
  MemoryMap map(1ull << 32, 16);
  ASSERT_TRUE(map.Map(0, 8 * k2M, kProtAll).ok());
  auto changes = map.Unmap(2 * k2M, k2M);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->removed, (std::vector<MemoryRegion>{{0, 8 * k2M, kProtAll}}));
  EXPECT_EQ(changes->added, (std::vector<MemoryRegion>{{0, 2 * k2M, kProtAll},
                                                       {3 * k2M, 5 * k2M, kProtAll}}));
  EXPECT_FALSE(map.IsMapped(2 * k2M, 1));
  EXPECT_TRUE(map.IsMapped(k2M, k2M));
  EXPECT_FALSE(map.IsMapped(k2M, 2 * k2M));
  ASSERT_TRUE(map.Map(2 * k2M, k2M, kProtAll).ok());
  EXPECT_EQ(map.Regions(), (std::vector<MemoryRegion>{{0, 8 * k2M, kProtAll}}));
}

TEST(MemoryMap, ProtectChangesOnlyTheRangeAndMergesBack) {
  MemoryMap map(1ull << 32, 16);
  ASSERT_TRUE(map.Map(0, 4 * kPageSize, kProtAll).ok());
  ASSERT_TRUE(map.Protect(kPageSize, kPageSize, kProtRead).ok());
  EXPECT_EQ(map.region_count(), 3u);
  EXPECT_EQ(map.Find(kPageSize)->prot, kProtRead);
  ASSERT_TRUE(map.Protect(kPageSize, kPageSize, kProtAll).ok());
  EXPECT_EQ(map.region_count(), 1u);
}

TEST(MemoryMap, RejectsBadRangesWithoutChanging) {
  MemoryMap map(16 * kPageSize, 16);
  EXPECT_TRUE(absl::IsInvalidArgument(map.Map(1, kPageSize, kProtAll).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(map.Map(0, 0, kProtAll).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(map.Map(0, 17 * kPageSize, kProtAll).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(map.Map(~0ull - 4095, kPageSize, kProtAll).status()));
  ASSERT_TRUE(map.Map(0, 2 * kPageSize, kProtAll).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(map.Map(kPageSize, 2 * kPageSize, kProtAll).status()));
  EXPECT_TRUE(absl::IsNotFound(map.Unmap(kPageSize, 2 * kPageSize).status()));
  EXPECT_TRUE(absl::IsNotFound(map.Protect(4 * kPageSize, kPageSize, kProtRead).status()));
  EXPECT_EQ(map.Regions(), (std::vector<MemoryRegion>{{0, 2 * kPageSize, kProtAll}}));
}

TEST(MemoryMap, RegionCountIsBounded) {
  MemoryMap map(1ull << 32, 4);
  ASSERT_TRUE(map.Map(0, 16 * kPageSize, kProtAll).ok());
  ASSERT_TRUE(map.Unmap(2 * kPageSize, kPageSize).ok());   // 2 regions
  ASSERT_TRUE(map.Unmap(6 * kPageSize, kPageSize).ok());   // 3
  ASSERT_TRUE(map.Unmap(10 * kPageSize, kPageSize).ok());  // 4
  auto fifth = map.Unmap(13 * kPageSize, kPageSize);
  EXPECT_TRUE(absl::IsResourceExhausted(fifth.status())) << fifth.status();
  EXPECT_EQ(map.region_count(), 4u);
  EXPECT_TRUE(map.IsMapped(13 * kPageSize, kPageSize)) << "the failed change left no trace";
  // Balloon-style churn in 2 MiB chunks keeps the count bounded by coalescing.
  MemoryMap big(1ull << 32, 8);
  ASSERT_TRUE(big.Map(0, 512 * k2M, kProtAll).ok());
  for (int round = 0; round < 100; ++round) {
    uint64_t at = (round * 7 % 500) * k2M;
    ASSERT_TRUE(big.Unmap(at, k2M).ok());
    ASSERT_TRUE(big.Map(at, k2M, kProtAll).ok());
  }
  EXPECT_EQ(big.region_count(), 1u);
}

}  // namespace
}  // namespace hv::shim

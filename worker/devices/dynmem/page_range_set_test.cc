#include "worker/devices/dynmem/page_range_set.h"

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

TEST(PageRangeSet, OverlapTable) {
  PageRangeSet s;
  s.Insert(100, 10);  // [100, 110)
  struct Case {
    uint64_t pfn, count;
    bool overlaps;
  } cases[] = {{90, 10, false}, {90, 11, true}, {109, 1, true}, {110, 5, false},
               {0, 1000, true}, {105, 0, false}, {99, 1, false}};
  for (const auto& c : cases) EXPECT_EQ(s.Overlaps(c.pfn, c.count), c.overlaps) << c.pfn << "+" << c.count;
}

TEST(PageRangeSet, InsertCoalescesAndTakeSplits) {
  PageRangeSet s;
  s.Insert(0x200, 0x200);
  s.Insert(0x400, 0x200);  // adjacent after
  s.Insert(0x100, 0x100);  // adjacent before
  EXPECT_EQ(s.ranges(), 1u);
  EXPECT_EQ(s.pages(), 0x500u);
  s.Insert(0x1000, 1);
  EXPECT_EQ(s.ranges(), 2u);
  auto taken = s.Take(0x300, 0x200);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0], (PageRange{0x100, 0x200}));
  EXPECT_EQ(taken[1], (PageRange{0x300, 0x100}));
  EXPECT_EQ(s.pages(), 0x201u);
  EXPECT_FALSE(s.Overlaps(0x100, 0x300));
  EXPECT_TRUE(s.Overlaps(0x400, 1));
  auto rest = s.Take(1000, 1000);
  EXPECT_EQ(rest.size(), 2u);
  EXPECT_EQ(s.pages(), 0u);
}

}  // namespace
}  // namespace hv::worker

#include "vmms/model/guid.h"

#include <set>

#include "gtest/gtest.h"

namespace hv::vmms {
namespace {

TEST(Guid, FormatVersionAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string g = NewGuid();
    ASSERT_TRUE(IsGuid(g)) << g;
    EXPECT_EQ(g[14], '4');
    EXPECT_TRUE(g[19] == '8' || g[19] == '9' || g[19] == 'A' || g[19] == 'B') << g;
    EXPECT_TRUE(seen.insert(g).second);
  }
  EXPECT_FALSE(IsGuid("not-a-guid"));
  EXPECT_FALSE(IsGuid("4B3C1B38-7E1A-4C2B-9E62-0A4F2C9D1E7G"));
}

}  // namespace
}  // namespace hv::vmms

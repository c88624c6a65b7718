#include "counters/absl_view.h"

#include <string>

#include "gtest/gtest.h"

namespace hv::counters {
namespace {

TEST(AbslView, SameCharactersWithoutCopy) {
  const std::string s("vm_web1\0x", 9);  // an embedded NUL is kept
  const absl::string_view v = AbslView(s);
  EXPECT_EQ(v.data(), s.data());
  EXPECT_EQ(v.size(), 9u);
  EXPECT_EQ(AbslView("").size(), 0u);
}

}  // namespace
}  // namespace hv::counters

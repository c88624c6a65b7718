#include "cim-schema/like_pattern.h"

#include <string>

#include "gtest/gtest.h"

namespace hv::cim {
namespace {

bool Like(const char* text, const char* pattern) {
  auto p = LikePattern::Compile(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << p.status();
  return p.ok() && p->Matches(text);
}

TEST(LikePattern, Wildcards) {
  EXPECT_TRUE(Like("web1", "web%"));
  EXPECT_TRUE(Like("WEB1", "web%"));  // case-insensitive
  EXPECT_TRUE(Like("web1", "%1"));
  EXPECT_TRUE(Like("web1", "w_b1"));
  EXPECT_FALSE(Like("web12", "w_b1"));
  EXPECT_TRUE(Like("", "%"));
  EXPECT_FALSE(Like("", "_"));
  EXPECT_TRUE(Like("abcabc", "%b%c"));
  EXPECT_TRUE(Like("a%b", "a[%]b"));
}

TEST(LikePattern, SetsRangesAndNegation) {
  EXPECT_TRUE(Like("vm7", "vm[0-9]"));
  EXPECT_FALSE(Like("vmx", "vm[0-9]"));
  EXPECT_TRUE(Like("vmx", "vm[^0-9]"));
  EXPECT_TRUE(Like("B", "[abc]"));
  EXPECT_TRUE(Like("]", "[]]"));
  EXPECT_TRUE(Like("q", "[z-a]"));  // reversed range is normalised
}

TEST(LikePattern, ErrorsAndNoBlowUp) {
  EXPECT_FALSE(LikePattern::Compile("abc[").ok());
  auto p = LikePattern::Compile(std::string(200, '%') + "b");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->Matches(std::string(5000, 'a')));  // linear-ish, not exponential
  auto q = LikePattern::Compile("%a%a%a%a%a%a%a%a%b");
  EXPECT_FALSE(q->Matches(std::string(3000, 'a')));
}

}  // namespace
}  // namespace hv::cim

#include "counters/testing/test_samples.h"

#include "gtest/gtest.h"

namespace hv::counters::testing {
namespace {

TEST(TestSamples, HasLineMatchesWholeLinesOnly) {
  const std::string text = "a 1\nab 2\nlast 3\n";
  EXPECT_TRUE(HasLine(text, "a 1"));  // the first line
  EXPECT_TRUE(HasLine(text, "ab 2"));
  EXPECT_TRUE(HasLine(text, "last 3"));
  EXPECT_FALSE(HasLine(text, "b 2"));   // a suffix of a line
  EXPECT_FALSE(HasLine(text, "ab"));    // a prefix of a line
  EXPECT_FALSE(HasLine("x 1", "x 1"));  // no terminating newline
}

TEST(TestSamples, Web1IsEightyThreePercentOf512Mb) {
  const VmSample s = Web1Sample();
  EXPECT_EQ(s.time, kT0);
  EXPECT_EQ(s.physical_bytes, 512 * kMiB);
  EXPECT_EQ(*s.committed_bytes * 100 / s.physical_bytes, 83u);
  EXPECT_EQ(s.add_operations_total, 5u);
  EXPECT_EQ(s.remove_operations_total, 2u);
}

}  // namespace
}  // namespace hv::counters::testing

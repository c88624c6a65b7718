#include "worker/vmbus/testing/recording_sink.h"

#include "gtest/gtest.h"

namespace hv::worker::testing {
namespace {

TEST(RecordingSink, KeepsPacketsInOrderUntilRefusing) {
  RecordingSink sink;
  const uint8_t a[] = {1, 2}, b[] = {3};
  ASSERT_TRUE(sink.SendInband(a).ok());
  ASSERT_TRUE(sink.SendInband(b).ok());
  EXPECT_EQ(sink.sent, (std::vector<std::vector<uint8_t>>{{1, 2}, {3}}));
  sink.refuse = absl::ResourceExhaustedError("ring full");
  EXPECT_EQ(sink.SendInband(a).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(sink.sent.size(), 2u);
}

}  // namespace
}  // namespace hv::worker::testing

#include "worker/vmbus/guest_ram.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

TEST(BufferGuestRam, ReadWriteInsideAndRejectOutside) {
  BufferGuestRam ram(0x1000, 0x2000);
  const uint32_t v = 0xdeadbeef;
  ASSERT_TRUE(ram.Write(0x2ffc, &v, 4).ok());
  uint32_t r = 0;
  ASSERT_TRUE(ram.Read(0x2ffc, &r, 4).ok());
  EXPECT_EQ(r, v);
  EXPECT_EQ(ram.Write(0x2ffd, &v, 4).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ram.Read(0xfff, &r, 4).code(), absl::StatusCode::kOutOfRange);
  EXPECT_FALSE(ram.Contains(~0ull - 1, 4));  // no wrap-around
  EXPECT_FALSE(ram.Contains(0x1000, ~0ull));
  EXPECT_TRUE(ram.Contains(0x3000, 0));
}

}  // namespace
}  // namespace hv::worker

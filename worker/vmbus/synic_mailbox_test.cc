#include "worker/vmbus/synic_mailbox.h"

#include <cstring>

#include "gtest/gtest.h"
#include "wire/tlfs.h"

namespace hv::worker {
namespace {

constexpr uint64_t kSimp = 0x20000;

TEST(SynicMailbox, DeliversOneAtATimeWithPendingFlag) {
  BufferGuestRam ram(kSimp, 4096);
  SynicMailbox box(HV_VMBUS_MESSAGE_SINT);
  const uint8_t a[3] = {1, 2, 3}, b[1] = {9};
  box.Enqueue(HV_MESSAGE_TYPE_VMBUS, a);
  box.Enqueue(HV_MESSAGE_TYPE_VMBUS, b);
  EXPECT_FALSE(*box.Deliver(&ram, kSimp));  // SIMP disabled
  ASSERT_TRUE(*box.Deliver(&ram, kSimp | HV_SYNIC_PAGE_ENABLE));
  hv_message m;
  std::memcpy(&m, ram.At(kSimp + 2 * 256), sizeof(m));
  EXPECT_EQ(m.header.message_type, HV_MESSAGE_TYPE_VMBUS);
  EXPECT_EQ(m.header.payload_size, 3);
  EXPECT_EQ(m.header.message_flags, HV_MESSAGE_FLAG_PENDING);
  EXPECT_EQ(m.payload[2], 3);
  EXPECT_FALSE(*box.Deliver(&ram, kSimp | 1));  // slot busy
  // Guest consumes: clears the type.
  std::memset(ram.At(kSimp + 2 * 256), 0, 4);
  ASSERT_TRUE(*box.Deliver(&ram, kSimp | 1));
  std::memcpy(&m, ram.At(kSimp + 2 * 256), sizeof(m));
  EXPECT_EQ(m.header.payload_size, 1);
  EXPECT_EQ(m.header.message_flags, 0);
  EXPECT_EQ(box.queued(), 0u);
}

TEST(SynicMailbox, BoundedQueueAndBadPage) {
  BufferGuestRam ram(kSimp, 4096);
  SynicMailbox box(HV_VMBUS_MESSAGE_SINT, 2);
  const uint8_t x[1] = {0};
  for (int i = 0; i < 5; ++i) box.Enqueue(1, x);
  EXPECT_EQ(box.queued(), 2u);
  EXPECT_EQ(box.dropped(), 3u);
  EXPECT_FALSE(box.Deliver(&ram, 0x900000 | 1).ok());
  EXPECT_EQ(box.queued(), 2u);
}

}  // namespace
}  // namespace hv::worker

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

TEST(SynicMailbox, SaveRestoreKeepsTheQueueInOrder) {
  SynicMailbox a(HV_VMBUS_MESSAGE_SINT);
  const uint8_t one[4] = {1}, two[4] = {2};
  a.Enqueue(HV_MESSAGE_TYPE_VMBUS, one);
  a.Enqueue(HV_MESSAGE_TYPE_VMBUS, two);
  google::protobuf::RepeatedPtrField<hv::worker::v1::SynicMessageState> saved;
  a.Save(&saved);
  ASSERT_EQ(saved.size(), 2);
  SynicMailbox b(HV_VMBUS_MESSAGE_SINT);
  ASSERT_TRUE(b.Restore(saved).ok());
  EXPECT_EQ(b.queued(), 2u);
  BufferGuestRam ram(kSimp, 4096);
  ASSERT_TRUE(*b.Deliver(&ram, kSimp | HV_SYNIC_PAGE_ENABLE));
  hv_message m;
  ASSERT_TRUE(ram.Read(kSimp + HV_VMBUS_MESSAGE_SINT * sizeof(hv_message), &m, sizeof(m)).ok());
  EXPECT_EQ(m.payload[0], 1) << "oldest first";
  saved.Mutable(1)->set_payload(std::string(241, 'x'));
  absl::Status s = b.Restore(saved);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("message 1"), absl::string_view::npos) << s;
  EXPECT_EQ(b.queued(), 1u) << "unchanged after a refused restore";
}

}  // namespace
}  // namespace hv::worker

// Layout pins for the VMBus wire header (hyperv.md §2).
#include "wire/vmbus.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "gtest/gtest.h"
#include "wire/tlfs.h"

namespace hv {
namespace {

TEST(VmbusWire, HeartbeatGuidMatchesSpec) {
  const uint8_t b[16] = HV_HEARTBEAT_CLASS_GUID_BYTES;
  char s[40];
  std::snprintf(s, sizeof(s), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12],
                b[13], b[14], b[15]);
  EXPECT_STREQ(s, "57164f39-9115-4e78-ab55-382f3bd5422d");
}

TEST(VmbusWire, EveryChannelMessageFitsOneSynicPayload) {
  EXPECT_LE(sizeof(vmbus_channel_offer_channel), HV_MESSAGE_PAYLOAD_BYTES);
  EXPECT_LE(sizeof(vmbus_channel_open_channel), HV_MESSAGE_PAYLOAD_BYTES);
  EXPECT_LE(sizeof(vmbus_channel_initiate_contact), HV_MESSAGE_PAYLOAD_BYTES);
  const size_t gpadl_first = sizeof(vmbus_channel_gpadl_header) + sizeof(vmbus_gpa_range);
  EXPECT_LE(gpadl_first + 8 * VMBUS_GPADL_HEADER_MAX_PFNS, HV_MESSAGE_PAYLOAD_BYTES);
  EXPECT_GT(gpadl_first + 8 * (VMBUS_GPADL_HEADER_MAX_PFNS + 1), HV_MESSAGE_PAYLOAD_BYTES);
  EXPECT_EQ(sizeof(vmbus_channel_gpadl_body) + 8 * VMBUS_GPADL_BODY_MAX_PFNS,
            HV_MESSAGE_PAYLOAD_BYTES);
}

TEST(VmbusWire, ChannelMessageNumbersFollowSpec) {
  EXPECT_EQ(CHANNELMSG_OFFERCHANNEL, 1);
  EXPECT_EQ(CHANNELMSG_REQUESTOFFERS, 3);
  EXPECT_EQ(CHANNELMSG_OPENCHANNEL_RESULT, 6);
  EXPECT_EQ(CHANNELMSG_GPADL_CREATED, 10);
  EXPECT_EQ(CHANNELMSG_INITIATE_CONTACT, 14);
  EXPECT_EQ(CHANNELMSG_UNLOAD_RESPONSE, 17);
}

TEST(VmbusWire, InbandDescriptorEncoding) {
  // A 40-byte payload: offset8 = 2 (16-byte descriptor), len8 = (16 + 40) / 8.
  vmpacket_descriptor d = {};
  d.type = VM_PKT_DATA_INBAND;
  d.offset8 = sizeof(vmpacket_descriptor) / 8;
  d.len8 = (sizeof(vmpacket_descriptor) + 40) / 8;
  uint8_t raw[16];
  std::memcpy(raw, &d, sizeof(d));
  EXPECT_EQ(raw[0], 6);
  EXPECT_EQ(raw[2], 2);
  EXPECT_EQ(raw[4], 7);
}

}  // namespace
}  // namespace hv

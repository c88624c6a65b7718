#include "worker/vmbus/testing/vmbus_server_fakes.h"

#include "gtest/gtest.h"
#include "worker/vmbus/testing/recording_sink.h"

namespace hv::worker::testing {
namespace {

TEST(FakePort, RecordsMessagesAndSignals) {
  FakePort port;
  vmbus_channel_message_header h = {};
  h.msgtype = CHANNELMSG_OFFERCHANNEL;
  port.PostMessage(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(&h), sizeof(h)));
  port.SignalGuest(3);
  ASSERT_EQ(port.messages.size(), 1u);
  EXPECT_EQ(port.TypeAt(0), static_cast<uint32_t>(CHANNELMSG_OFFERCHANNEL));
  EXPECT_EQ(port.As<vmbus_channel_message_header>(0).msgtype, h.msgtype);
  EXPECT_EQ(port.signals, 1);
}

TEST(RecordingDevice, TracksTheChannelAndRefusesPoison) {
  RecordingDevice dev;
  RecordingSink sink;
  dev.OnOpen(&sink);
  EXPECT_EQ(dev.sink, &sink);
  const uint8_t ok[] = {1}, poison[] = {0xFF, 0};
  EXPECT_TRUE(dev.OnPacket(VM_PKT_DATA_INBAND, ok).ok());
  EXPECT_EQ(dev.OnPacket(VM_PKT_DATA_INBAND, poison).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(dev.packets.size(), 2u);
  dev.OnClose();
  EXPECT_EQ(dev.sink, nullptr);
  dev.OnRestore(&sink);
  EXPECT_EQ(dev.sink, &sink);
  EXPECT_EQ(dev.opens, 1);
  EXPECT_EQ(dev.closes, 1);
  EXPECT_EQ(dev.restores, 1);
}

}  // namespace
}  // namespace hv::worker::testing

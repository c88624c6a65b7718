#include "worker/vmbus/vmbus_server.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "wire/tlfs.h"
#include "worker/vmbus/testing/vmbus_server_fakes.h"

namespace hv::worker {
namespace {

using testing::FakePort;
using testing::kClass;
using testing::kInstance;
using testing::kRamBase;
using testing::kRamBytes;
using testing::RecordingDevice;

class VmbusServerTest : public ::testing::Test {
 protected:
  VmbusServerTest()
      : ram_(kRamBase, kRamBytes), server_(&ram_, &port_, &events_, &clock_) {
    relid_ = *server_.AddDevice(kClass, kInstance, &device_);
  }
  template <typename T>
  uint16_t Post(const T& m) {
    return server_.OnPostMessage(1, HV_MESSAGE_TYPE_VMBUS,
                                 absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(&m), sizeof(m)));
  }
  uint16_t PostBytes(const std::vector<uint8_t>& b) {
    return server_.OnPostMessage(1, HV_MESSAGE_TYPE_VMBUS, b);
  }
  void Connect(uint32_t version = VMBUS_VERSION_WIN10) {
    vmbus_channel_initiate_contact m = {};
    m.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
    m.vmbus_version_requested = version;
    EXPECT_EQ(Post(m), HV_STATUS_SUCCESS);
  }
  void RequestOffers() {
    vmbus_channel_request_offers m = {};
    m.header.msgtype = CHANNELMSG_REQUESTOFFERS;
    Post(m);
  }
  // GPADL over `pages` consecutive pages starting at RAM page `first`.
  std::vector<uint8_t> GpadlHeader(uint32_t handle, uint32_t pages, uint32_t first,
                                   uint32_t in_this_msg) {
    vmbus_channel_gpadl_header h = {};
    h.header.msgtype = CHANNELMSG_GPADL_HEADER;
    h.child_relid = relid_;
    h.gpadl = handle;
    h.range_buflen = static_cast<uint16_t>(8 + 8 * pages);
    h.rangecount = 1;
    vmbus_gpa_range r = {pages * 4096u, 0};
    std::vector<uint8_t> b(sizeof(h) + sizeof(r) + 8 * in_this_msg);
    std::memcpy(b.data(), &h, sizeof(h));
    std::memcpy(b.data() + sizeof(h), &r, sizeof(r));
    for (uint32_t i = 0; i < in_this_msg; ++i) {
      uint64_t pfn = kRamBase / 4096 + first + i;
      std::memcpy(b.data() + 28 + 8 * i, &pfn, 8);
    }
    return b;
  }
  void Open(uint32_t handle, uint32_t pages, uint32_t downstream) {
    PostBytes(GpadlHeader(handle, pages, 0, pages));
    vmbus_channel_open_channel o = {};
    o.header.msgtype = CHANNELMSG_OPENCHANNEL;
    o.child_relid = relid_;
    o.openid = 77;
    o.ringbuffer_gpadlhandle = handle;
    o.downstream_ringbuffer_pageoffset = downstream;
    Post(o);
  }
  size_t CountType(uint32_t type) const {
    size_t n = 0;
    for (size_t i = 0; i < port_.messages.size(); ++i) n += port_.TypeAt(i) == type;
    return n;
  }

  BufferGuestRam ram_;
  FakePort port_;
  EventLog events_;
  FakeClock clock_;
  RecordingDevice device_;  // declared first: outlives server_
  VmbusServer server_;
  uint32_t relid_ = 0;
};

TEST_F(VmbusServerTest, NegotiatesVersionAndOffersByClassGuid) {
  Connect(0x00050000);  // 5.0 not offered
  ASSERT_EQ(port_.messages.size(), 1u);
  EXPECT_EQ(port_.As<vmbus_channel_version_response>(0).version_supported, 0);
  EXPECT_FALSE(server_.connected());
  Connect(VMBUS_VERSION_WIN10);
  EXPECT_EQ(port_.As<vmbus_channel_version_response>(1).version_supported, 1);
  EXPECT_TRUE(server_.connected());
  RequestOffers();
  ASSERT_EQ(port_.messages.size(), 4u);
  auto offer = port_.As<vmbus_channel_offer_channel>(2);
  EXPECT_EQ(offer.header.msgtype, static_cast<uint32_t>(CHANNELMSG_OFFERCHANNEL));
  EXPECT_EQ(std::memcmp(&offer.offer.if_type, &kClass, 16), 0);
  EXPECT_EQ(offer.child_relid, relid_);
  EXPECT_EQ(offer.connection_id, server_.ConnectionIdFor(relid_));
  EXPECT_EQ(port_.TypeAt(3), static_cast<uint32_t>(CHANNELMSG_ALLOFFERS_DELIVERED));
}

TEST_F(VmbusServerTest, RejectsBadPostMessageParameters) {
  uint8_t b[8] = {CHANNELMSG_INITIATE_CONTACT};
  EXPECT_EQ(server_.OnPostMessage(2, 1, b), HV_STATUS_INVALID_CONNECTION_ID);
  EXPECT_EQ(server_.OnPostMessage(1, 7, b), HV_STATUS_INVALID_PARAMETER);
  std::vector<uint8_t> big(241);
  EXPECT_EQ(server_.OnPostMessage(1, 1, big), HV_STATUS_INVALID_PARAMETER);
}

TEST_F(VmbusServerTest, MalformedAndUnexpectedMessagesAreDroppedAndCounted) {
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
    bool connect_first;
  };
  auto msg = [](uint32_t type, size_t size) {
    std::vector<uint8_t> b(size);
    std::memcpy(b.data(), &type, 4);
    return b;
  };
  const Case cases[] = {
      {"short header", {1, 0, 0}, true},
      {"request offers before contact", msg(CHANNELMSG_REQUESTOFFERS, 8), false},
      {"short initiate contact", msg(CHANNELMSG_INITIATE_CONTACT, 20), false},
      {"host-to-guest type", msg(CHANNELMSG_OFFERCHANNEL, 196), true},
      {"unknown type", msg(99, 8), true},
      {"short gpadl header", msg(CHANNELMSG_GPADL_HEADER, 24), true},
      {"gpadl body for unknown handle", msg(CHANNELMSG_GPADL_BODY, 24), true},
      {"short open", msg(CHANNELMSG_OPENCHANNEL, 100), true},
      {"open unknown relid", msg(CHANNELMSG_OPENCHANNEL, 148), true},
      {"close not open", [&] { auto b = msg(CHANNELMSG_CLOSECHANNEL, 12); b[8] = 1; return b; }(), true},
      {"teardown unknown", msg(CHANNELMSG_GPADL_TEARDOWN, 16), true},
  };
  for (const auto& c : cases) {
    FakePort port;
    EventLog events;
    RecordingDevice dev;
    VmbusServer server(&ram_, &port, &events, &clock_);
    ASSERT_TRUE(server.AddDevice(kClass, kInstance, &dev).ok());
    if (c.connect_first) {
      vmbus_channel_initiate_contact m = {};
      m.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
      m.vmbus_version_requested = VMBUS_VERSION_WIN10;
      server.OnPostMessage(1, 1, absl::MakeConstSpan(reinterpret_cast<uint8_t*>(&m), sizeof(m)));
    }
    const size_t before = port.messages.size();
    EXPECT_EQ(server.OnPostMessage(1, 1, c.bytes), HV_STATUS_SUCCESS) << c.what;
    EXPECT_EQ(port.messages.size(), before) << c.what << ": no reply";
    EXPECT_EQ(server.counters().messages_malformed + server.counters().messages_unexpected, 1u)
        << c.what;
    EXPECT_GE(events.total(), 1u) << c.what;
  }
}

TEST_F(VmbusServerTest, GpadlAcrossHeaderAndBodyMessages) {
  Connect();
  // 40 pages: 26 in the header, 14 in one body.
  PostBytes(GpadlHeader(5, 40, 0, 26));
  EXPECT_EQ(CountType(CHANNELMSG_GPADL_CREATED), 0u);
  vmbus_channel_gpadl_body body = {};
  body.header.msgtype = CHANNELMSG_GPADL_BODY;
  body.gpadl = 5;
  std::vector<uint8_t> b(sizeof(body) + 8 * 14);
  std::memcpy(b.data(), &body, sizeof(body));
  for (int i = 0; i < 14; ++i) {
    uint64_t pfn = kRamBase / 4096 + 26 + i;
    std::memcpy(b.data() + 16 + 8 * i, &pfn, 8);
  }
  PostBytes(b);
  ASSERT_EQ(CountType(CHANNELMSG_GPADL_CREATED), 1u);
  auto created = port_.As<vmbus_channel_gpadl_created>(port_.messages.size() - 1);
  EXPECT_EQ(created.gpadl, 5u);
  EXPECT_EQ(created.creation_status, 0u);
  EXPECT_EQ(server_.counters().gpadls_created, 1u);
}

TEST_F(VmbusServerTest, GpadlWithPfnOutsideRamFails) {
  Connect();
  auto b = GpadlHeader(6, 2, 0, 2);
  uint64_t bad = 0xFFFFFFFFull;
  std::memcpy(b.data() + 28 + 8, &bad, 8);
  PostBytes(b);
  ASSERT_EQ(CountType(CHANNELMSG_GPADL_CREATED), 1u);
  EXPECT_NE(port_.As<vmbus_channel_gpadl_created>(port_.messages.size() - 1).creation_status, 0u);
  EXPECT_EQ(server_.counters().gpadls_rejected, 1u);
}

TEST_F(VmbusServerTest, GpadlHeaderFieldValidation) {
  Connect();
  struct Case {
    const char* what;
    uint32_t handle, pages;
    uint16_t rangecount;
    uint32_t byte_offset;
  } cases[] = {{"zero handle", 0, 4, 1, 0},
               {"two ranges", 7, 4, 2, 0},
               {"byte offset", 8, 4, 1, 12},
               {"too many pages", 9, 2000, 1, 0}};
  for (const auto& c : cases) {
    auto b = GpadlHeader(c.handle, c.pages, 0, 1);
    std::memcpy(b.data() + 18, &c.rangecount, 2);
    std::memcpy(b.data() + 24, &c.byte_offset, 4);
    const uint64_t before = server_.counters().gpadls_rejected;
    PostBytes(b);
    EXPECT_EQ(server_.counters().gpadls_rejected, before + 1) << c.what;
  }
}

TEST_F(VmbusServerTest, OpenMovesPacketsBothWays) {
  Connect();
  RequestOffers();
  Open(3, 8, 4);
  ASSERT_EQ(CountType(CHANNELMSG_OPENCHANNEL_RESULT), 1u);
  auto res = port_.As<vmbus_channel_open_result>(port_.messages.size() - 1);
  EXPECT_EQ(res.status, 0u);
  EXPECT_EQ(res.openid, 77u);
  ASSERT_EQ(device_.opens, 1);
  ASSERT_TRUE(server_.IsChannelOpen(relid_));

  // Guest writes to its outbound ring (pages 0..3), host reads it.
  auto guest_out = Ring::Create(&ram_, {kRamBase, kRamBase + 4096, kRamBase + 2 * 4096,
                                        kRamBase + 3 * 4096});
  ASSERT_TRUE(guest_out.ok());
  const uint8_t hello[8] = {'h', 'e', 'l', 'l', 'o'};
  ASSERT_TRUE(guest_out->Write(VM_PKT_DATA_INBAND, 0, 1, hello).ok());
  EXPECT_EQ(server_.OnSignalEvent(server_.ConnectionIdFor(relid_)), HV_STATUS_SUCCESS);
  ASSERT_EQ(device_.packets.size(), 1u);
  EXPECT_EQ(device_.packets[0][0], 'h');

  // Device replies; guest reads its inbound ring (pages 4..7).
  ASSERT_TRUE(device_.sink->SendInband(hello).ok());
  EXPECT_EQ(port_.signals, 1);
  auto guest_in = Ring::Create(&ram_, {kRamBase + 4 * 4096, kRamBase + 5 * 4096,
                                       kRamBase + 6 * 4096, kRamBase + 7 * 4096});
  auto p = guest_in->Read(4096);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->payload[4], 'o');

  // Guest closes.
  vmbus_channel_close_channel c = {};
  c.header.msgtype = CHANNELMSG_CLOSECHANNEL;
  c.child_relid = relid_;
  Post(c);
  EXPECT_EQ(device_.closes, 1);
  EXPECT_FALSE(server_.IsChannelOpen(relid_));
  EXPECT_EQ(server_.OnSignalEvent(server_.ConnectionIdFor(relid_)),
            HV_STATUS_INVALID_CONNECTION_ID);
}

TEST_F(VmbusServerTest, OpenRejectsBadRingSplit) {
  Connect();
  for (uint32_t downstream : {0u, 1u, 7u, 8u, 100u}) {
    Open(10 + downstream, 8, downstream);
    auto res = port_.As<vmbus_channel_open_result>(port_.messages.size() - 1);
    EXPECT_NE(res.status, 0u) << downstream;
  }
  EXPECT_EQ(device_.opens, 0);
  EXPECT_EQ(server_.counters().opens_rejected, 5u);
}

TEST_F(VmbusServerTest, CorruptRingOrPoisonPacketResetsOnlyThatChannel) {
  Connect();
  Open(3, 8, 4);
  // Poison packet: device refuses it, the host resets the channel.
  auto guest_out = Ring::Create(&ram_, {kRamBase, kRamBase + 4096, kRamBase + 2 * 4096,
                                        kRamBase + 3 * 4096});
  const uint8_t poison[8] = {0xFF};
  guest_out->Write(VM_PKT_DATA_INBAND, 0, 1, poison).IgnoreError();
  server_.PollChannels();
  EXPECT_EQ(device_.closes, 1);
  EXPECT_EQ(server_.counters().channels_reset, 1u);
  // Reopen with a fresh GPADL, then corrupt the write index.
  Open(4, 8, 4);
  ASSERT_TRUE(server_.IsChannelOpen(relid_));
  const uint32_t bad_index = 5;
  std::memcpy(ram_.At(kRamBase), &bad_index, 4);
  server_.PollChannels();
  EXPECT_FALSE(server_.IsChannelOpen(relid_));
  EXPECT_EQ(server_.counters().channels_reset, 2u);
}

TEST_F(VmbusServerTest, FloodIsBoundedPerPass) {
  VmbusServerOptions opt;
  opt.packets_per_pass = 4;
  RecordingDevice dev;  // outlives the server (its destructor closes open channels)
  VmbusServer server(&ram_, &port_, &events_, &clock_, opt);
  relid_ = *server.AddDevice(kClass, kInstance, &dev);
  vmbus_channel_initiate_contact m = {};
  m.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
  m.vmbus_version_requested = VMBUS_VERSION_WIN10;
  server.OnPostMessage(1, 1, absl::MakeConstSpan(reinterpret_cast<uint8_t*>(&m), sizeof(m)));
  server.OnPostMessage(1, 1, GpadlHeader(3, 8, 0, 8));
  vmbus_channel_open_channel o = {};
  o.header.msgtype = CHANNELMSG_OPENCHANNEL;
  o.child_relid = relid_;
  o.ringbuffer_gpadlhandle = 3;
  o.downstream_ringbuffer_pageoffset = 4;
  server.OnPostMessage(1, 1, absl::MakeConstSpan(reinterpret_cast<uint8_t*>(&o), sizeof(o)));
  auto guest_out = Ring::Create(&ram_, {kRamBase, kRamBase + 4096, kRamBase + 2 * 4096,
                                        kRamBase + 3 * 4096});
  const uint8_t x[8] = {1};
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(guest_out->Write(VM_PKT_DATA_INBAND, 0, i, x).ok());
  server.OnSignalEvent(server.ConnectionIdFor(relid_));
  EXPECT_EQ(dev.packets.size(), 4u);
  server.PollChannels();
  server.PollChannels();
  EXPECT_EQ(dev.packets.size(), 10u);
}

TEST_F(VmbusServerTest, UnloadClosesEverythingAndAllowsReconnect) {
  Connect();
  RequestOffers();
  Open(3, 8, 4);
  vmbus_channel_unload u = {};
  u.header.msgtype = CHANNELMSG_UNLOAD;
  Post(u);
  EXPECT_EQ(port_.TypeAt(port_.messages.size() - 1),
            static_cast<uint32_t>(CHANNELMSG_UNLOAD_RESPONSE));
  EXPECT_EQ(device_.closes, 1);
  EXPECT_FALSE(server_.connected());
  Connect();
  EXPECT_TRUE(server_.connected());
  RequestOffers();
  EXPECT_EQ(server_.counters().offers_sent, 2u);
}

TEST_F(VmbusServerTest, TeardownOfInUseGpadlRefused) {
  Connect();
  Open(3, 8, 4);
  vmbus_channel_gpadl_teardown t = {};
  t.header.msgtype = CHANNELMSG_GPADL_TEARDOWN;
  t.gpadl = 3;
  Post(t);
  EXPECT_EQ(CountType(CHANNELMSG_GPADL_TORNDOWN), 0u);
  vmbus_channel_close_channel c = {};
  c.header.msgtype = CHANNELMSG_CLOSECHANNEL;
  c.child_relid = relid_;
  Post(c);
  Post(t);
  EXPECT_EQ(CountType(CHANNELMSG_GPADL_TORNDOWN), 1u);
}

}  // namespace
}  // namespace hv::worker

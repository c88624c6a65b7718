// VmbusServer Save/Restore: a restored server continues an open channel over
// the same guest rings, and refuses inconsistent saved states naming the field.
#include <cstring>
#include <functional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wire/tlfs.h"
#include "worker/vmbus/testing/vmbus_server_fakes.h"
#include "worker/vmbus/vmbus_server.h"

namespace hv::worker {
namespace {

namespace pb = ::hv::worker::v1;

using testing::kClass;
using testing::kInstance;
using testing::kRamBase;

constexpr uint32_t kPages = 8, kDownstream = 4, kGpadl = 0x1000;

template <typename T>
void Post(VmbusServer& s, const T& m) {
  s.OnPostMessage(1, HV_MESSAGE_TYPE_VMBUS,
                  absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(&m), sizeof(m)));
}

// Guest side: connect, take offers, GPADL over RAM pages 0..7, open.
void ConnectAndOpen(VmbusServer& s, uint32_t relid) {
  vmbus_channel_initiate_contact c = {};
  c.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
  c.vmbus_version_requested = VMBUS_VERSION_WIN10;
  Post(s, c);
  vmbus_channel_request_offers r = {};
  r.header.msgtype = CHANNELMSG_REQUESTOFFERS;
  Post(s, r);
  vmbus_channel_gpadl_header h = {};
  h.header.msgtype = CHANNELMSG_GPADL_HEADER;
  h.child_relid = relid;
  h.gpadl = kGpadl;
  h.range_buflen = 8 + 8 * kPages;
  h.rangecount = 1;
  vmbus_gpa_range range = {kPages * 4096u, 0};
  std::vector<uint8_t> b(sizeof(h) + sizeof(range) + 8 * kPages);
  std::memcpy(b.data(), &h, sizeof(h));
  std::memcpy(b.data() + sizeof(h), &range, sizeof(range));
  for (uint32_t i = 0; i < kPages; ++i) {
    uint64_t pfn = kRamBase / 4096 + i;
    std::memcpy(b.data() + sizeof(h) + sizeof(range) + 8 * i, &pfn, 8);
  }
  s.OnPostMessage(1, HV_MESSAGE_TYPE_VMBUS, b);
  vmbus_channel_open_channel o = {};
  o.header.msgtype = CHANNELMSG_OPENCHANNEL;
  o.child_relid = relid;
  o.ringbuffer_gpadlhandle = kGpadl;
  o.downstream_ringbuffer_pageoffset = kDownstream;
  Post(s, o);
}

// The guest's view of the rings: it writes the host's inbound ring (pages
// 0..3) and reads the outbound one (pages 4..7).
Ring GuestRing(GuestRam* ram, uint32_t first) {
  std::vector<uint64_t> pages;
  for (uint32_t i = first; i < first + kDownstream; ++i) pages.push_back(kRamBase + 4096 * i);
  return *Ring::Create(ram, pages);
}

class VmbusServerSavedStateTest : public ::testing::Test {
 protected:
  VmbusServerSavedStateTest() : ram_(kRamBase, testing::kRamBytes) {}
  BufferGuestRam ram_;
  testing::FakePort port_;
  EventLog events_;
  FakeClock clock_;
};

TEST_F(VmbusServerSavedStateTest, RestoredServerContinuesTheOpenChannel) {
  testing::RecordingDevice dev_a, dev_b;
  pb::VmbusServerState saved;
  {
    VmbusServer a(&ram_, &port_, &events_, &clock_);
    const uint32_t relid = *a.AddDevice(kClass, kInstance, &dev_a);
    ConnectAndOpen(a, relid);
    ASSERT_TRUE(a.IsChannelOpen(relid));
    // A packet the guest wrote before the save, not yet drained.
    Ring to_host = GuestRing(&ram_, 0);
    const uint8_t hello[8] = {'h', 'e', 'l', 'l', 'o'};
    ASSERT_TRUE(to_host.Write(VM_PKT_DATA_INBAND, 0, 0, hello).ok());
    saved = a.Save();
    dev_a.sink = nullptr;
    a.Restore(saved).IgnoreError();  // a server in use refuses
    EXPECT_EQ(a.Restore(saved).code(), absl::StatusCode::kFailedPrecondition);
  }
  VmbusServer b(&ram_, &port_, &events_, &clock_);
  const uint32_t relid = *b.AddDevice(kClass, kInstance, &dev_b);
  ASSERT_TRUE(b.Restore(saved).ok()) << b.Restore(saved);
  EXPECT_TRUE(b.connected());
  EXPECT_EQ(b.negotiated_version(), VMBUS_VERSION_WIN10);
  EXPECT_TRUE(b.IsChannelOpen(relid));
  EXPECT_EQ(dev_b.restores, 1);
  EXPECT_EQ(dev_b.opens, 0) << "no renegotiation";
  EXPECT_EQ(b.Save().SerializeAsString(), saved.SerializeAsString()) << "round trip";
  b.PollChannels();
  ASSERT_EQ(dev_b.packets.size(), 1u);
  EXPECT_EQ(dev_b.packets[0][0], 'h');
  // Host -> guest still works over the saved ring.
  ASSERT_NE(dev_b.sink, nullptr);
  const uint8_t reply[8] = {'o', 'k'};
  ASSERT_TRUE(dev_b.sink->SendInband(reply).ok());
  Ring from_host = GuestRing(&ram_, kDownstream);
  auto got = from_host.Read(64);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->payload[0], 'o');
  EXPECT_EQ(b.counters().channels_reset, 0u);
}

TEST_F(VmbusServerSavedStateTest, RefusesInconsistentSavedStatesNamingTheField) {
  testing::RecordingDevice dev_a;
  pb::VmbusServerState good;
  {
    VmbusServer a(&ram_, &port_, &events_, &clock_);
    ConnectAndOpen(a, *a.AddDevice(kClass, kInstance, &dev_a));
    good = a.Save();
  }
  struct Case {
    const char* field;
    std::function<void(pb::VmbusServerState&)> mutate;
  };
  const std::vector<Case> cases = {
      {"version", [](auto& s) { s.set_version(0x00050000); }},
      {"channels: 2 saved", [](auto& s) { *s.add_channels() = s.channels(0); }},
      {"channels[0]", [](auto& s) { s.mutable_channels(0)->set_class_id("x"); }},
      {"downstream_page_offset", [](auto& s) { s.mutable_channels(0)->set_downstream_page_offset(1); }},
      {"downstream_page_offset", [](auto& s) { s.mutable_channels(0)->set_downstream_page_offset(7); }},
      {"gpadl 9 is not", [](auto& s) { s.mutable_channels(0)->set_gpadl(9); }},
      {"not guest RAM", [](auto& s) { s.mutable_gpadls(0)->set_pfns(3, 1ull << 40); }},
      {"gpadls[0]", [](auto& s) { s.mutable_gpadls(0)->set_expected_pages(100000); }},
      {"gpadls[0]", [](auto& s) { s.mutable_gpadls(0)->set_child_relid(7); }},
      {"gpadls[0]", [](auto& s) { s.mutable_gpadls(0)->set_complete(false); }},
      {"gpadls[1]", [](auto& s) { *s.add_gpadls() = s.gpadls(0); }},
      {"marked in use", [](auto& s) { s.mutable_channels(0)->set_open(false); }},
      {"disconnected", [](auto& s) { s.set_connected(false); }},
  };
  for (const Case& c : cases) {
    pb::VmbusServerState bad = good;
    c.mutate(bad);
    testing::RecordingDevice dev;
    VmbusServer b(&ram_, &port_, &events_, &clock_);
    const uint32_t relid = *b.AddDevice(kClass, kInstance, &dev);
    absl::Status s = b.Restore(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field << ": " << s;
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(c.field)) << s;
    EXPECT_FALSE(b.connected() || b.IsChannelOpen(relid)) << c.field << ": unchanged";
    EXPECT_EQ(dev.restores, 0);
  }
}

}  // namespace
}  // namespace hv::worker

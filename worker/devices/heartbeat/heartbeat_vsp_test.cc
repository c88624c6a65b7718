#include "worker/devices/heartbeat/heartbeat_vsp.h"

#include <cstring>

#include "gtest/gtest.h"
#include "wire/vmbus.h"

namespace hv::worker {
namespace {

class Sink : public PacketSink {
 public:
  absl::Status SendInband(absl::Span<const uint8_t> p) override {
    sent.emplace_back(p.begin(), p.end());
    return absl::OkStatus();
  }
  std::vector<std::vector<uint8_t>> sent;
};

// The guest's answer to the last request.
std::vector<uint8_t> Answer(const std::vector<uint8_t>& request, uint64_t delta = 1) {
  vmbus_heartbeat_msg m;
  std::memcpy(&m, request.data(), sizeof(m));
  m.seq_num += delta;
  m.ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
  std::vector<uint8_t> b(sizeof(m));
  std::memcpy(b.data(), &m, sizeof(m));
  return b;
}

TEST(HeartbeatVsp, NoContactOkThenLost) {
  FakeClock clock;
  EventLog events;
  Sink sink;
  HeartbeatVsp hb(&clock, &events);
  EXPECT_EQ(hb.Status().state, HeartbeatState::kNoContact);
  hb.OnOpen(&sink);
  hb.Poll();
  ASSERT_EQ(sink.sent.size(), 1u);
  clock.Advance(absl::Seconds(10));
  hb.Poll();
  EXPECT_EQ(hb.Status().state, HeartbeatState::kNoContact) << "never answered";
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, Answer(sink.sent.back())).ok());
  EXPECT_EQ(hb.Status().state, HeartbeatState::kOk);
  clock.Advance(absl::Seconds(3));
  hb.Poll();
  EXPECT_EQ(hb.Status().state, HeartbeatState::kOk);
  clock.Advance(absl::Seconds(3));
  hb.Poll();
  EXPECT_EQ(hb.Status().state, HeartbeatState::kLostCommunication);
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, Answer(sink.sent.back())).ok());
  EXPECT_EQ(hb.Status().state, HeartbeatState::kOk);
  hb.OnClose();
  EXPECT_EQ(hb.Status().state, HeartbeatState::kLostCommunication);
  EXPECT_EQ(HeartbeatStateToString(HeartbeatState::kNoContact), "No Contact");
  EXPECT_EQ(HeartbeatStateToString(HeartbeatState::kOk), "OK");
  EXPECT_EQ(HeartbeatStateToString(HeartbeatState::kLostCommunication), "Lost Communication");
  EXPECT_EQ(static_cast<int>(HeartbeatState::kLostCommunication), 13);  // proto value
}

TEST(HeartbeatVsp, BadAnswersAreCountedNotTrusted) {
  FakeClock clock;
  EventLog events;
  Sink sink;
  HeartbeatVsp hb(&clock, &events);
  hb.OnOpen(&sink);
  hb.Poll();
  const auto& req = sink.sent.back();
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, Answer(req, 0)).ok());   // seq not advanced
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, Answer(req, 7)).ok());   // wrong seq
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, req).ok());              // echo of request
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, {1, 2, 3}).ok());        // short
  ASSERT_TRUE(hb.OnPacket(VM_PKT_COMP, Answer(req)).ok());             // wrong packet type
  EXPECT_EQ(hb.Status().bad_messages, 5u);
  EXPECT_EQ(hb.Status().state, HeartbeatState::kNoContact);
}

}  // namespace
}  // namespace hv::worker

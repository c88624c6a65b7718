// HeartbeatVsp Save/Restore: the restored VSP keeps its negotiation and
// sequence, so the guest's answers keep matching; illegal states are refused.
#include <cstddef>
#include <cstring>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wire/vmbus.h"
#include "worker/devices/heartbeat/heartbeat_vsp.h"
#include "worker/vmbus/testing/recording_sink.h"

namespace hv::worker {
namespace {

using testing::RecordingSink;

// The guest's answer to the last request in `sink` (negotiate or heartbeat),
// made as the reference guest makes it.
std::vector<uint8_t> Answer(const RecordingSink& sink) {
  std::vector<uint8_t> m = sink.sent.back();
  vmbus_icmsg_hdr ic;
  std::memcpy(&ic, m.data() + sizeof(vmbus_pipe_hdr), sizeof(ic));
  if (ic.icmsgtype == ICMSGTYPE_NEGOTIATE) {
    // Counts 1/1, framework 3.0 and message 3.0, status OK.
    constexpr size_t kNeg = offsetof(vmbus_ic_negotiate_msg, negotiate);
    constexpr size_t kVer = offsetof(vmbus_ic_negotiate_msg, versions);
    std::vector<uint8_t> out(m.begin(), m.begin() + kVer + 8);
    vmbus_icmsg_negotiate neg;
    std::memcpy(&neg, out.data() + kNeg, sizeof(neg));
    neg.icframe_vercnt = 1;
    neg.icmsg_vercnt = 1;
    std::memcpy(out.data() + kNeg, &neg, sizeof(neg));
    const vmbus_ic_version v30[2] = {{3, 0}, {3, 0}};
    std::memcpy(out.data() + kVer, v30, sizeof(v30));
    ic.status = HV_IC_S_OK;
    ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
    std::memcpy(out.data() + sizeof(vmbus_pipe_hdr), &ic, sizeof(ic));
    return out;
  }
  vmbus_heartbeat_msg h;
  std::memcpy(&h, m.data(), sizeof(h));
  h.seq_num += 1;
  h.ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
  std::vector<uint8_t> out(sizeof(h));
  std::memcpy(out.data(), &h, sizeof(h));
  return out;
}

TEST(HeartbeatVspSavedState, RestoredVspAcceptsTheAnswerToARequestSentBeforeTheSave) {
  FakeClock clock;
  EventLog events;
  RecordingSink sink_a, sink_b;
  HeartbeatVsp a(&clock, &events);
  a.OnOpen(&sink_a);
  a.Poll();  // negotiate
  ASSERT_TRUE(a.OnPacket(VM_PKT_DATA_INBAND, Answer(sink_a)).ok());
  ASSERT_TRUE(a.Status().negotiated) << "the test guest's negotiate answer";
  for (int i = 0; i < 3; ++i) {
    clock.Advance(absl::Seconds(1));
    a.Poll();
    ASSERT_TRUE(a.OnPacket(VM_PKT_DATA_INBAND, Answer(sink_a)).ok());
  }
  clock.Advance(absl::Seconds(1));
  a.Poll();  // a request the guest answers only after the restore
  const std::vector<uint8_t> late_answer = Answer(sink_a);
  const hv::worker::v1::HeartbeatVspState saved = a.Save();
  EXPECT_EQ(a.Status().responses, 3u);

  clock.Advance(absl::Minutes(5));  // time between save and restore
  HeartbeatVsp b(&clock, &events);
  ASSERT_TRUE(b.Restore(saved).ok()) << b.Restore(saved);
  b.OnRestore(&sink_b);
  EXPECT_EQ(b.Status().state, HeartbeatState::kOk);
  EXPECT_TRUE(b.Status().negotiated);
  EXPECT_EQ(b.Save().SerializeAsString(), saved.SerializeAsString()) << "round trip";
  ASSERT_TRUE(b.OnPacket(VM_PKT_DATA_INBAND, late_answer).ok());
  EXPECT_EQ(b.Status().responses, 4u);
  EXPECT_EQ(b.Status().bad_messages, 0u);
  b.Poll();
  ASSERT_EQ(sink_b.sent.size(), 1u) << "a heartbeat, not a new negotiation";
  ASSERT_TRUE(b.OnPacket(VM_PKT_DATA_INBAND, Answer(sink_b)).ok());
  EXPECT_EQ(b.Status().responses, 5u);
  EXPECT_EQ(b.Status().state, HeartbeatState::kOk);
}

TEST(HeartbeatVspSavedState, RefusesIllegalStates) {
  FakeClock clock;
  EventLog events;
  HeartbeatVsp vsp(&clock, &events);
  hv::worker::v1::HeartbeatVspState s;
  s.set_state(hv::worker::v1::HEARTBEAT_OK);  // OK without contact
  EXPECT_THAT(std::string(vsp.Restore(s).message()), ::testing::HasSubstr("contacted"));
  s.set_contacted(true);
  s.set_requests_sent(2);
  s.set_sequence(3);
  EXPECT_THAT(std::string(vsp.Restore(s).message()), ::testing::HasSubstr("sequence"));
  s.set_sequence(4);
  s.set_negotiated(true);
  s.set_framework_version(0x00070000);
  s.set_message_version(0x00030000);
  EXPECT_THAT(std::string(vsp.Restore(s).message()), ::testing::HasSubstr("framework_version"));
  s.set_framework_version(0x00030000);
  EXPECT_TRUE(vsp.Restore(s).ok());
  EXPECT_EQ(vsp.Status().state, HeartbeatState::kOk);
}

}  // namespace
}  // namespace hv::worker

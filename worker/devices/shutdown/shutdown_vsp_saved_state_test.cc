// ShutdownVsp Save/Restore: a restored VSP keeps its negotiation (no new
// negotiate request) and counters, and can ask the guest to shut down at
// once; every corrupt field is refused by name.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "wire/vmbus.h"
#include "worker/devices/shutdown/shutdown_vsp.h"
#include "worker/vmbus/testing/recording_sink.h"

namespace hv::worker {
namespace {

using ::testing::HasSubstr;

using testing::RecordingSink;

// The guest's answer to the last request in `sink` (negotiate: framework 3.0,
// message 3.2; shutdown: `status`), as the reference guest makes it.
std::vector<uint8_t> Answer(const RecordingSink& sink, uint32_t status = HV_IC_S_OK) {
  std::vector<uint8_t> m = sink.sent.back();
  vmbus_icmsg_hdr ic;
  std::memcpy(&ic, m.data() + sizeof(vmbus_pipe_hdr), sizeof(ic));
  ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
  ic.status = status;
  if (ic.icmsgtype == ICMSGTYPE_NEGOTIATE) {
    vmbus_ic_negotiate_msg n = {};
    std::memcpy(&n, m.data(), std::min(m.size(), sizeof(n)));
    n.ic = ic;
    n.negotiate.icframe_vercnt = 1;
    n.negotiate.icmsg_vercnt = 1;
    n.versions[0] = {3, 0};
    n.versions[1] = {3, 2};
    const size_t size = offsetof(vmbus_ic_negotiate_msg, versions) + 2 * sizeof(vmbus_ic_version);
    const auto* bytes = reinterpret_cast<const uint8_t*>(&n);
    return std::vector<uint8_t>(bytes, bytes + size);
  }
  std::memcpy(m.data() + sizeof(vmbus_pipe_hdr), &ic, sizeof(ic));
  return m;
}

uint8_t TypeOf(const std::vector<uint8_t>& m) {
  vmbus_icmsg_hdr ic;
  std::memcpy(&ic, m.data() + sizeof(vmbus_pipe_hdr), sizeof(ic));
  return static_cast<uint8_t>(ic.icmsgtype);
}

// A VSP that negotiated, was refused once and accepted once... the state a
// long-running VM reaches; then saved.
ShutdownSavedState SavedAfterSomeHistory(FakeClock& clock, EventLog& events) {
  RecordingSink sink;
  ShutdownVsp a(&clock, &events);
  a.OnOpen(&sink);
  a.Poll();
  EXPECT_TRUE(a.OnPacket(VM_PKT_DATA_INBAND, Answer(sink)).ok());
  EXPECT_TRUE(a.ready());
  EXPECT_TRUE(a.RequestShutdown(HV_SHUTDOWN_FLAG_SHUTDOWN, 0, "no").ok());
  EXPECT_TRUE(a.OnPacket(VM_PKT_DATA_INBAND, Answer(sink, HV_IC_E_FAIL)).ok());
  EXPECT_TRUE(a.OnPacket(VM_PKT_DATA_INBAND, Answer(sink, HV_IC_E_FAIL)).ok());  // unsolicited
  return a.Save();
}

TEST(ShutdownVspSavedState, RoundTripKeepsTheNegotiationAndCounters) {
  FakeClock clock;
  EventLog events;
  const ShutdownSavedState saved = SavedAfterSomeHistory(clock, events);
  EXPECT_TRUE(saved.negotiated);
  EXPECT_EQ(saved.message_version.minor, 2);
  EXPECT_EQ(saved.requests_sent, 1u);
  EXPECT_EQ(saved.refused, 1u);
  EXPECT_EQ(saved.bad_messages, 1u);

  RecordingSink sink_b;
  ShutdownVsp b(&clock, &events);
  ASSERT_TRUE(b.Restore(saved).ok());
  b.OnRestore(&sink_b);
  ASSERT_TRUE(b.CheckRestoredChannel().ok());
  b.Poll();
  EXPECT_TRUE(sink_b.sent.empty()) << "a negotiated channel is not renegotiated";
  const ShutdownStatus s = b.Status();
  EXPECT_TRUE(s.open && s.negotiated && b.ready());
  EXPECT_EQ(s.opens, 1u) << "the restore is not a new open";
  EXPECT_EQ(s.negotiations_sent, 1u);
  EXPECT_EQ(s.responses, 1u);
  EXPECT_EQ(s.bad_messages, 1u);
  // The restored VSP asks in the saved versions and counts on from there.
  ASSERT_TRUE(b.RequestShutdown(HV_SHUTDOWN_FLAG_SHUTDOWN, 0, "bye").ok());
  ASSERT_EQ(sink_b.sent.size(), 1u);
  EXPECT_EQ(TypeOf(sink_b.sent[0]), ICMSGTYPE_SHUTDOWN);
  vmbus_icmsg_hdr ic;
  std::memcpy(&ic, sink_b.sent[0].data() + sizeof(vmbus_pipe_hdr), sizeof(ic));
  EXPECT_EQ(ic.icvermsg.minor, 2);
  ASSERT_TRUE(b.OnPacket(VM_PKT_DATA_INBAND, Answer(sink_b)).ok());
  EXPECT_EQ(b.WaitForAnswer(absl::Seconds(5)), HV_IC_S_OK);
  EXPECT_EQ(b.Status().requests_sent, 2u);
  EXPECT_EQ(b.Status().accepted, 1u);
  // And it saves again what it restored plus what happened since.
  EXPECT_EQ(b.Save().responses, 2u);
}

TEST(ShutdownVspSavedState, AChannelStillNegotiatingAsksAgainAtOnce) {
  FakeClock clock;
  EventLog events;
  RecordingSink sink_a, sink_b;
  ShutdownVsp a(&clock, &events);
  a.OnOpen(&sink_a);
  a.Poll();  // the request is in the guest's ring, unanswered, at the save
  const ShutdownSavedState saved = a.Save();
  ShutdownVsp b(&clock, &events);
  ASSERT_TRUE(b.Restore(saved).ok());
  b.OnRestore(&sink_b);
  b.Poll();
  ASSERT_EQ(sink_b.sent.size(), 1u);
  EXPECT_EQ(TypeOf(sink_b.sent[0]), ICMSGTYPE_NEGOTIATE);
  // The guest answers both the saved request and the new one: the second
  // answer agrees and is harmless.
  ASSERT_TRUE(b.OnPacket(VM_PKT_DATA_INBAND, Answer(sink_a)).ok());
  ASSERT_TRUE(b.OnPacket(VM_PKT_DATA_INBAND, Answer(sink_b)).ok());
  EXPECT_TRUE(b.ready());
  EXPECT_EQ(b.Status().negotiations_sent, 2u);
  EXPECT_EQ(b.Status().bad_messages, 0u);
}

TEST(ShutdownVspSavedState, WithoutASavedSectionTheRestoredChannelNegotiatesAfresh) {
  FakeClock clock;
  EventLog events;
  RecordingSink sink;
  ShutdownVsp b(&clock, &events);
  b.OnRestore(&sink);  // a state file from before the shutdown section
  b.Poll();
  ASSERT_EQ(sink.sent.size(), 1u);
  EXPECT_EQ(TypeOf(sink.sent[0]), ICMSGTYPE_NEGOTIATE);
  EXPECT_EQ(b.Status().opens, 1u);
  EXPECT_TRUE(b.CheckRestoredChannel().ok());
}

TEST(ShutdownVspSavedState, NegotiatedStateWithoutAReopenedChannelIsRefused) {
  FakeClock clock;
  EventLog events;
  const ShutdownSavedState saved = SavedAfterSomeHistory(clock, events);
  ShutdownVsp b(&clock, &events);
  ASSERT_TRUE(b.Restore(saved).ok());
  const absl::Status s = b.CheckRestoredChannel();  // no OnRestore: channel closed
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("negotiated"));
}

TEST(ShutdownVspSavedState, EveryCorruptFieldIsRefusedByName) {
  FakeClock clock;
  EventLog events;
  const ShutdownSavedState good = SavedAfterSomeHistory(clock, events);
  struct Case {
    std::string field;
    std::function<void(ShutdownSavedState&)> corrupt;
  };
  const std::vector<Case> cases = {
      {"negotiation_refused", [](ShutdownSavedState& s) { s.negotiation_refused = true; }},
      {"framework_version",
       [](ShutdownSavedState& s) {
         s.framework_version = {9, 9};
       }},
      {"message_version",
       [](ShutdownSavedState& s) {
         s.message_version = {3, 7};
       }},
      {"framework_version",
       [](ShutdownSavedState& s) {
         s.negotiated = false;
         s.message_version = {0, 0};
       }},
      {"message_version",
       [](ShutdownSavedState& s) {
         s.negotiated = false;
         s.framework_version = {0, 0};
       }},
      {"negotiations_sent", [](ShutdownSavedState& s) { s.negotiations_sent = 0; }},
      {"opens",
       [](ShutdownSavedState& s) {
         s.opens = 0;
         s.closes = 0;
       }},
      {"closes", [](ShutdownSavedState& s) { s.closes = s.opens + 1; }},
      {"responses", [](ShutdownSavedState& s) { s.accepted = 5; }},
      {"responses", [](ShutdownSavedState& s) { s.refused = ~uint64_t{0}; }},
      {"requests_sent", [](ShutdownSavedState& s) { s.requests_sent = 0; }},
  };
  for (const Case& c : cases) {
    ShutdownSavedState bad = good;
    c.corrupt(bad);
    ShutdownVsp b(&clock, &events);
    const absl::Status s = b.Restore(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(s.message(), HasSubstr("shutdown saved state: " + c.field + ":")) << s;
    EXPECT_EQ(b.Status().opens, 0u) << c.field << ": unchanged after a refused restore";
  }
  ShutdownVsp ok(&clock, &events);
  EXPECT_TRUE(ok.Restore(good).ok());
}

}  // namespace
}  // namespace hv::worker

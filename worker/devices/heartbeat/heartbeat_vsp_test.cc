#include "worker/devices/heartbeat/heartbeat_vsp.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

#include "gtest/gtest.h"
#include "wire/vmbus.h"
#include "worker/vmbus/testing/recording_sink.h"

namespace hv::worker {
namespace {

using testing::RecordingSink;

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

// The guest's answer to a negotiate request: the chosen versions and a
// status, in the request's buffer (as Linux hv_utils answers).
std::vector<uint8_t> NegotiateAnswer(const std::vector<uint8_t>& request,
                                     vmbus_ic_version framework, vmbus_ic_version message,
                                     uint32_t status = HV_IC_S_OK) {
  vmbus_ic_negotiate_msg m = {};
  std::memcpy(&m, request.data(), std::min(request.size(), sizeof(m)));
  m.ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
  m.ic.status = status;
  const bool ok = status == HV_IC_S_OK;
  m.negotiate.icframe_vercnt = ok ? 1 : 0;
  m.negotiate.icmsg_vercnt = ok ? 1 : 0;
  m.versions[0] = framework;
  m.versions[1] = message;
  const size_t size = offsetof(vmbus_ic_negotiate_msg, versions) + 2 * sizeof(vmbus_ic_version);
  const auto* bytes = reinterpret_cast<const uint8_t*>(&m);
  return std::vector<uint8_t>(bytes, bytes + size);
}

vmbus_icmsg_hdr IcHeader(const std::vector<uint8_t>& packet) {
  vmbus_icmsg_hdr ic;
  std::memcpy(&ic, packet.data() + sizeof(vmbus_pipe_hdr), sizeof(ic));
  return ic;
}

// Opens the channel and completes the negotiation with framework 3.0 and
// message 3.0; the next Poll sends the first heartbeat.
void OpenAndNegotiate(HeartbeatVsp& hb, RecordingSink& sink) {
  hb.OnOpen(&sink);
  hb.Poll();
  ASSERT_FALSE(sink.sent.empty());
  ASSERT_EQ(IcHeader(sink.sent.back()).icmsgtype, ICMSGTYPE_NEGOTIATE);
  ASSERT_TRUE(
      hb.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(sink.sent.back(), {3, 0}, {3, 0})).ok());
  ASSERT_TRUE(hb.Status().negotiated);
}

TEST(HeartbeatVsp, NegotiateRequestListsFrameworkThenMessageVersions) {
  HeartbeatOptions o;
  o.framework_versions = {{3, 0}, {1, 0}};
  o.message_versions = {{3, 0}, {2, 1}, {1, 0}};
  const std::vector<uint8_t> b = HeartbeatVsp::BuildNegotiateRequest(o);
  ASSERT_EQ(b.size(), offsetof(vmbus_ic_negotiate_msg, versions) + 5 * sizeof(vmbus_ic_version));
  vmbus_ic_negotiate_msg m = {};
  std::memcpy(&m, b.data(), b.size());
  EXPECT_EQ(m.pipe.msgsize, b.size() - sizeof(vmbus_pipe_hdr));
  EXPECT_EQ(m.ic.icmsgtype, ICMSGTYPE_NEGOTIATE);
  EXPECT_EQ(m.ic.icmsgsize, b.size() - sizeof(vmbus_pipe_hdr) - sizeof(vmbus_icmsg_hdr));
  EXPECT_EQ(m.ic.icflags, ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST);
  EXPECT_EQ(m.negotiate.icframe_vercnt, 2);
  EXPECT_EQ(m.negotiate.icmsg_vercnt, 3);
  EXPECT_EQ(m.versions[0].major, 3);
  EXPECT_EQ(m.versions[1].major, 1);
  EXPECT_EQ(m.versions[2].major, 3);
  EXPECT_EQ(m.versions[3].major, 2);
  EXPECT_EQ(m.versions[3].minor, 1);
  EXPECT_EQ(m.versions[4].major, 1);
  // More than 4 of a kind: only the first 4 are offered.
  o.message_versions.assign(6, vmbus_ic_version{1, 0});
  EXPECT_EQ(HeartbeatVsp::BuildNegotiateRequest(o).size(),
            offsetof(vmbus_ic_negotiate_msg, versions) + 6 * sizeof(vmbus_ic_version));
}

TEST(HeartbeatVsp, HeartbeatsWaitForNegotiationAndUseItsVersions) {
  FakeClock clock;
  EventLog events;
  RecordingSink sink;
  HeartbeatVsp hb(&clock, &events);
  hb.OnOpen(&sink);
  hb.Poll();
  ASSERT_EQ(sink.sent.size(), 1u);
  EXPECT_EQ(IcHeader(sink.sent[0]).icmsgtype, ICMSGTYPE_NEGOTIATE);
  // Unanswered: asked again each interval, never a heartbeat.
  clock.Advance(absl::Seconds(1));
  hb.Poll();
  ASSERT_EQ(sink.sent.size(), 2u);
  EXPECT_EQ(IcHeader(sink.sent[1]).icmsgtype, ICMSGTYPE_NEGOTIATE);
  EXPECT_EQ(hb.Status().negotiations_sent, 2u);
  EXPECT_EQ(hb.Status().requests_sent, 0u);
  // A heartbeat answer before negotiation is not trusted.
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, Answer(HeartbeatVsp::BuildRequest(0))).ok());
  EXPECT_EQ(hb.Status().bad_messages, 1u);
  EXPECT_EQ(hb.Status().state, HeartbeatState::kNoContact);
  // The guest picks framework 1.0, message 1.0 (an old IC).
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(sink.sent[0], {1, 0}, {1, 0})).ok());
  EXPECT_TRUE(hb.Status().negotiated);
  EXPECT_EQ(hb.Status().framework_version.major, 1);
  EXPECT_EQ(hb.Status().message_version.major, 1);
  // The answer to the repeated request agrees: harmless.
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(sink.sent[1], {1, 0}, {1, 0})).ok());
  EXPECT_EQ(hb.Status().bad_messages, 1u);
  // The first heartbeat goes at once, in the negotiated versions.
  hb.Poll();
  ASSERT_EQ(sink.sent.size(), 3u);
  const vmbus_icmsg_hdr ic = IcHeader(sink.sent[2]);
  EXPECT_EQ(ic.icmsgtype, ICMSGTYPE_HEARTBEAT);
  EXPECT_EQ(ic.icverframe.major, 1);
  EXPECT_EQ(ic.icvermsg.major, 1);
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, Answer(sink.sent[2])).ok());
  EXPECT_EQ(hb.Status().state, HeartbeatState::kOk);
  // A reopened channel negotiates again.
  hb.OnClose();
  EXPECT_FALSE(hb.Status().negotiated);
  hb.OnOpen(&sink);
  hb.Poll();
  EXPECT_EQ(IcHeader(sink.sent.back()).icmsgtype, ICMSGTYPE_NEGOTIATE);
  bool logged = false;
  for (const DeviceEvent& e : events.Snapshot()) {
    logged |= e.message == "heartbeat: negotiated framework 1.0, message 1.0";
  }
  EXPECT_TRUE(logged);
}

TEST(HeartbeatVsp, GuestWithoutACommonVersionGetsNoHeartbeat) {
  FakeClock clock;
  EventLog events;
  RecordingSink sink;
  HeartbeatOptions o;
  o.framework_versions = {{9, 0}};
  HeartbeatVsp hb(&clock, &events, o);
  hb.OnOpen(&sink);
  hb.Poll();
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND,
                          NegotiateAnswer(sink.sent.back(), {0, 0}, {0, 0}, HV_IC_E_FAIL))
                  .ok());
  EXPECT_TRUE(hb.Status().negotiation_refused);
  EXPECT_FALSE(hb.Status().negotiated);
  const size_t sent = sink.sent.size();
  clock.Advance(absl::Seconds(30));
  hb.Poll();
  EXPECT_EQ(sink.sent.size(), sent) << "no more requests on this channel";
  EXPECT_EQ(hb.Status().state, HeartbeatState::kNoContact);
  ASSERT_FALSE(events.Snapshot().empty());
  EXPECT_NE(events.Snapshot().back().message.find("none of the offered IC versions"),
            std::string::npos);
}

TEST(HeartbeatVsp, BadNegotiateAnswersAreCountedAndDropped) {
  FakeClock clock;
  EventLog events;
  RecordingSink sink;
  HeartbeatVsp hb(&clock, &events);
  // Before any request: unsolicited.
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND,
                          NegotiateAnswer(HeartbeatVsp::BuildNegotiateRequest({}), {3, 0}, {3, 0}))
                  .ok());
  EXPECT_EQ(hb.Status().bad_messages, 1u);
  hb.OnOpen(&sink);
  hb.Poll();
  const std::vector<uint8_t> req = sink.sent.back();
  // A version the host did not offer.
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(req, {2, 0}, {3, 0})).ok());
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(req, {3, 0}, {7, 7})).ok());
  // Counts other than 1/1.
  std::vector<uint8_t> two = NegotiateAnswer(req, {3, 0}, {3, 0});
  two[offsetof(vmbus_ic_negotiate_msg, negotiate)] = 2;
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, two).ok());
  // Versions cut off by the packet end.
  std::vector<uint8_t> cut = NegotiateAnswer(req, {3, 0}, {3, 0});
  cut.resize(cut.size() - 2);
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, cut).ok());
  // Only the IC headers; no RESPONSE flag (an echo of the request).
  cut.resize(offsetof(vmbus_ic_negotiate_msg, negotiate));
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, cut).ok());
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, req).ok());
  EXPECT_EQ(hb.Status().bad_messages, 7u);
  EXPECT_FALSE(hb.Status().negotiated);
  // A good answer still works, and a later answer changing the versions is bad.
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(req, {3, 0}, {1, 0})).ok());
  EXPECT_TRUE(hb.Status().negotiated);
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(req, {3, 0}, {3, 0})).ok());
  EXPECT_EQ(hb.Status().bad_messages, 8u);
  EXPECT_EQ(hb.Status().message_version.major, 1);
}

TEST(HeartbeatVsp, NoContactOkThenLost) {
  FakeClock clock;
  EventLog events;
  RecordingSink sink;
  HeartbeatVsp hb(&clock, &events);
  EXPECT_EQ(hb.Status().state, HeartbeatState::kNoContact);
  OpenAndNegotiate(hb, sink);
  hb.Poll();
  ASSERT_EQ(sink.sent.size(), 2u);
  EXPECT_EQ(IcHeader(sink.sent.back()).icmsgtype, ICMSGTYPE_HEARTBEAT);
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

// Poll returns when it next has work, so the host thread can sleep until then:
// the next request, or the moment silence becomes lost contact if earlier.
TEST(HeartbeatVsp, PollReturnsTheNextRequestOrTheLostContactTime) {
  FakeClock clock;
  EventLog events;
  RecordingSink sink;
  HeartbeatOptions o;
  o.interval = absl::Seconds(10);  // longer than lost_after (5 s)
  HeartbeatVsp hb(&clock, &events, o);
  EXPECT_EQ(hb.Poll(), absl::InfiniteFuture()) << "channel closed";
  OpenAndNegotiate(hb, sink);
  const absl::Time t0 = clock.Now();
  EXPECT_EQ(hb.Poll(), t0 + absl::Seconds(10));  // sent the first heartbeat; not contacted yet
  ASSERT_TRUE(hb.OnPacket(VM_PKT_DATA_INBAND, Answer(sink.sent.back())).ok());
  EXPECT_EQ(hb.Poll(), t0 + absl::Seconds(5) + absl::Milliseconds(1));  // lost after 5 s
  clock.Advance(absl::Seconds(6));
  EXPECT_EQ(hb.Poll(), t0 + absl::Seconds(10)) << "lost already: only the next request";
  EXPECT_EQ(hb.Status().state, HeartbeatState::kLostCommunication);
  hb.OnClose();
  EXPECT_EQ(hb.Poll(), absl::InfiniteFuture());
}

TEST(HeartbeatVsp, BadAnswersAreCountedNotTrusted) {
  FakeClock clock;
  EventLog events;
  RecordingSink sink;
  HeartbeatVsp hb(&clock, &events);
  OpenAndNegotiate(hb, sink);
  hb.Poll();
  const auto req = sink.sent.back();
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

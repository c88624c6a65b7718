#include "worker/devices/shutdown/shutdown_vsp.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "wire/vmbus.h"
#include "worker/devices/ic/ic_negotiation.h"
#include "worker/vmbus/testing/recording_sink.h"

namespace hv::worker {
namespace {

using testing::RecordingSink;

// The guest's answer to a negotiate request (as Linux hv_utils answers).
std::vector<uint8_t> NegotiateAnswer(const std::vector<uint8_t>& request,
                                     vmbus_ic_version framework, vmbus_ic_version message,
                                     uint32_t status = HV_IC_S_OK) {
  vmbus_ic_negotiate_msg m = {};
  std::memcpy(&m, request.data(), std::min(request.size(), sizeof(m)));
  m.ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
  m.ic.status = status;
  m.negotiate.icframe_vercnt = status == HV_IC_S_OK ? 1 : 0;
  m.negotiate.icmsg_vercnt = status == HV_IC_S_OK ? 1 : 0;
  m.versions[0] = framework;
  m.versions[1] = message;
  const size_t size = offsetof(vmbus_ic_negotiate_msg, versions) + 2 * sizeof(vmbus_ic_version);
  const auto* bytes = reinterpret_cast<const uint8_t*>(&m);
  return std::vector<uint8_t>(bytes, bytes + size);
}

// The guest's answer to a shutdown request, in the request's buffer.
std::vector<uint8_t> ShutdownAnswer(std::vector<uint8_t> request, uint32_t status) {
  vmbus_icmsg_hdr ic;
  std::memcpy(&ic, request.data() + sizeof(vmbus_pipe_hdr), sizeof(ic));
  ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
  ic.status = status;
  std::memcpy(request.data() + sizeof(vmbus_pipe_hdr), &ic, sizeof(ic));
  return request;
}

struct Fixture {
  FakeClock clock;
  EventLog events;
  RecordingSink sink;
  ShutdownVsp vsp{&clock, &events};

  void OpenAndNegotiate() {
    const size_t before = sink.sent.size();
    vsp.OnOpen(&sink);
    vsp.Poll();
    ASSERT_EQ(sink.sent.size(), before + 1);
    ASSERT_TRUE(
        vsp.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(sink.sent.back(), {3, 0}, {3, 0})).ok());
    ASSERT_TRUE(vsp.ready());
  }
};

TEST(ShutdownVsp, RequestLayoutMatchesLinuxShutdownMsg) {
  const auto b = ShutdownVsp::BuildRequest(HV_SHUTDOWN_FLAG_SHUTDOWN, 0x12, "bye", {3, 0}, {3, 2});
  ASSERT_EQ(b.size(), sizeof(vmbus_shutdown_msg));
  vmbus_shutdown_msg m;
  std::memcpy(&m, b.data(), sizeof(m));
  EXPECT_EQ(m.ic.icmsgtype, ICMSGTYPE_SHUTDOWN);
  EXPECT_EQ(m.ic.icmsgtype, 3);
  EXPECT_EQ(m.ic.icflags, ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST);
  EXPECT_EQ(m.ic.icvermsg.minor, 2);
  EXPECT_EQ(m.ic.icmsgsize, sizeof(vmbus_shutdown_msg_data));
  EXPECT_EQ(m.pipe.msgsize, sizeof(m) - sizeof(m.pipe));
  EXPECT_EQ(m.body.reason_code, 0x12u);
  EXPECT_EQ(m.body.flags, HV_SHUTDOWN_FLAG_SHUTDOWN);
  EXPECT_STREQ(reinterpret_cast<const char*>(m.body.display_message), "bye");
  // An oversized message is truncated and stays NUL-terminated.
  const auto big = ShutdownVsp::BuildRequest(0, 0, std::string(5000, 'x'));
  std::memcpy(&m, big.data(), sizeof(m));
  EXPECT_EQ(m.body.display_message[HV_SHUTDOWN_DISPLAY_MESSAGE_BYTES - 1], 0);
  EXPECT_EQ(m.body.display_message[HV_SHUTDOWN_DISPLAY_MESSAGE_BYTES - 2], 'x');
}

TEST(ShutdownVsp, NegotiatesThenRequestsAndReportsAcceptance) {
  Fixture f;
  EXPECT_FALSE(f.vsp.RequestShutdown(0, 0, "").ok());  // not open
  f.vsp.OnOpen(&f.sink);
  EXPECT_EQ(f.vsp.RequestShutdown(0, 0, "").code(), absl::StatusCode::kFailedPrecondition);
  f.vsp.Poll();
  f.vsp.Poll();  // not due again yet
  ASSERT_EQ(f.sink.sent.size(), 1u);
  f.clock.Advance(absl::Seconds(1));
  f.vsp.Poll();  // unanswered: asked again
  ASSERT_EQ(f.sink.sent.size(), 2u);
  ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(f.sink.sent[1], {3, 0}, {3, 0}))
                  .ok());
  // The answer to the first, repeated request agrees: harmless.
  ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(f.sink.sent[0], {3, 0}, {3, 0}))
                  .ok());
  ShutdownStatus s = f.vsp.Status();
  EXPECT_TRUE(s.negotiated);
  EXPECT_EQ(s.negotiations_sent, 2u);
  EXPECT_EQ(s.bad_messages, 0u);
  ASSERT_TRUE(f.vsp.RequestShutdown(HV_SHUTDOWN_FLAG_SHUTDOWN, 0, "host").ok());
  EXPECT_EQ(f.vsp.RequestShutdown(0, 0, "").code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_EQ(f.sink.sent.size(), 3u);
  vmbus_icmsg_hdr ic;
  std::memcpy(&ic, f.sink.sent[2].data() + sizeof(vmbus_pipe_hdr), sizeof(ic));
  EXPECT_EQ(ic.icvermsg.major, 3);  // the negotiated versions
  EXPECT_FALSE(f.vsp.WaitForAnswer(absl::ZeroDuration()).has_value());
  // Answer from another thread while the caller waits (generous deadline).
  std::thread guest([&] {
    ASSERT_TRUE(
        f.vsp.OnPacket(VM_PKT_DATA_INBAND, ShutdownAnswer(f.sink.sent[2], HV_IC_S_OK)).ok());
  });
  const auto answer = f.vsp.WaitForAnswer(absl::Seconds(60));
  guest.join();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(*answer, HV_IC_S_OK);
  s = f.vsp.Status();
  EXPECT_EQ(s.requests_sent, 1u);
  EXPECT_EQ(s.responses, 1u);
  EXPECT_EQ(s.accepted, 1u);
  EXPECT_EQ(s.refused, 0u);
  EXPECT_FALSE(s.request_pending);
  // A second answer is unsolicited.
  ASSERT_TRUE(
      f.vsp.OnPacket(VM_PKT_DATA_INBAND, ShutdownAnswer(f.sink.sent[2], HV_IC_S_OK)).ok());
  EXPECT_EQ(f.vsp.Status().bad_messages, 1u);
}

TEST(ShutdownVsp, GuestRefusalIsReported) {
  Fixture f;
  f.OpenAndNegotiate();
  ASSERT_TRUE(f.vsp.RequestShutdown(0, 0, "").ok());
  ASSERT_TRUE(
      f.vsp.OnPacket(VM_PKT_DATA_INBAND, ShutdownAnswer(f.sink.sent.back(), HV_IC_E_FAIL)).ok());
  const auto answer = f.vsp.WaitForAnswer(absl::Seconds(60));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(*answer, HV_IC_E_FAIL);
  EXPECT_EQ(f.vsp.Status().refused, 1u);
  EXPECT_EQ(f.vsp.Status().accepted, 0u);
}

TEST(ShutdownVsp, NegotiationRefusedStopsAskingAndBlocksRequests) {
  Fixture f;
  f.vsp.OnOpen(&f.sink);
  f.vsp.Poll();
  ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_DATA_INBAND,
                             NegotiateAnswer(f.sink.sent[0], {0, 0}, {0, 0}, HV_IC_E_FAIL))
                  .ok());
  EXPECT_TRUE(f.vsp.Status().negotiation_refused);
  f.clock.Advance(absl::Seconds(10));
  f.vsp.Poll();
  EXPECT_EQ(f.sink.sent.size(), 1u);
  EXPECT_FALSE(f.vsp.ready());
  EXPECT_EQ(f.vsp.RequestShutdown(0, 0, "").code(), absl::StatusCode::kFailedPrecondition);
  // A new channel negotiates again.
  f.vsp.OnClose();
  f.OpenAndNegotiate();
}

TEST(ShutdownVsp, CloseWhileWaitingEndsTheWaitWithoutAnswer) {
  Fixture f;
  f.OpenAndNegotiate();
  ASSERT_TRUE(f.vsp.RequestShutdown(0, 0, "").ok());
  std::thread guest([&] { f.vsp.OnClose(); });
  EXPECT_FALSE(f.vsp.WaitForAnswer(absl::Seconds(60)).has_value());
  guest.join();
  const ShutdownStatus s = f.vsp.Status();
  EXPECT_EQ(s.closes, 1u);
  EXPECT_FALSE(s.open);
  EXPECT_FALSE(s.request_pending);
}

TEST(ShutdownVsp, SendFailureLeavesNoRequestPending) {
  Fixture f;
  f.OpenAndNegotiate();
  f.sink.refuse = absl::UnavailableError("ring full");
  EXPECT_EQ(f.vsp.RequestShutdown(0, 0, "").code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(f.vsp.Status().request_pending);
  EXPECT_EQ(f.vsp.Status().requests_sent, 0u);
}

TEST(ShutdownVsp, HostileInputIsCountedNeverTrusted) {
  Fixture f;
  // Before any negotiate request: an unsolicited negotiate answer.
  f.vsp.OnOpen(&f.sink);
  const auto req = BuildIcNegotiateRequest({{3, 0}}, {{3, 0}});
  ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(req, {3, 0}, {3, 0})).ok());
  EXPECT_EQ(f.vsp.Status().bad_messages, 1u);
  f.vsp.Poll();
  uint64_t bad = 1;
  // Every truncation of a valid answer, wrong packet types, versions never offered.
  const auto good = NegotiateAnswer(f.sink.sent[0], {3, 0}, {3, 0});
  for (size_t n = 0; n < good.size(); ++n) {
    ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_DATA_INBAND, absl::MakeConstSpan(good.data(), n)).ok());
    EXPECT_EQ(f.vsp.Status().bad_messages, ++bad) << n;
  }
  ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_COMP, good).ok());
  ASSERT_TRUE(
      f.vsp.OnPacket(VM_PKT_DATA_INBAND, NegotiateAnswer(f.sink.sent[0], {3, 0}, {7, 7})).ok());
  bad += 2;
  EXPECT_EQ(f.vsp.Status().bad_messages, bad);
  EXPECT_FALSE(f.vsp.ready());
  ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_DATA_INBAND, good).ok());
  ASSERT_TRUE(f.vsp.ready());
  // A shutdown "request" from the guest (no RESPONSE flag), another type, an
  // answer with nothing pending: all dropped.
  ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_DATA_INBAND, ShutdownVsp::BuildRequest(0, 0, "")).ok());
  auto other = ShutdownAnswer(ShutdownVsp::BuildRequest(0, 0, ""), HV_IC_S_OK);
  other[sizeof(vmbus_pipe_hdr) + offsetof(vmbus_icmsg_hdr, icmsgtype)] = ICMSGTYPE_HEARTBEAT;
  ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_DATA_INBAND, other).ok());
  ASSERT_TRUE(f.vsp.OnPacket(VM_PKT_DATA_INBAND,
                             ShutdownAnswer(ShutdownVsp::BuildRequest(0, 0, ""), HV_IC_S_OK))
                  .ok());
  bad += 3;
  const ShutdownStatus s = f.vsp.Status();
  EXPECT_EQ(s.bad_messages, bad);
  EXPECT_EQ(s.responses, 0u);
  EXPECT_GE(f.events.Snapshot().size(), bad);
}

}  // namespace
}  // namespace hv::worker

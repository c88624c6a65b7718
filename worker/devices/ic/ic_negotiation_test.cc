#include "worker/devices/ic/ic_negotiation.h"

#include <cstring>

#include "gtest/gtest.h"

namespace hv::worker {
namespace {

const std::vector<vmbus_ic_version> kFw = {{3, 0}, {1, 0}};
const std::vector<vmbus_ic_version> kMsg = {{3, 0}, {1, 0}};

// The guest's answer (as Linux vmbus_prep_negotiate_resp) to `request`.
std::vector<uint8_t> Answer(std::vector<uint8_t> b, vmbus_ic_version fw, vmbus_ic_version msg,
                            uint32_t status = HV_IC_S_OK) {
  vmbus_ic_negotiate_msg m = {};
  std::memcpy(&m, b.data(), b.size());
  m.ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
  m.ic.status = status;
  m.negotiate.icframe_vercnt = status == HV_IC_S_OK ? 1 : 0;
  m.negotiate.icmsg_vercnt = status == HV_IC_S_OK ? 1 : 0;
  m.versions[0] = fw;
  m.versions[1] = msg;
  b.resize(offsetof(vmbus_ic_negotiate_msg, versions) + 2 * sizeof(vmbus_ic_version));
  std::memcpy(b.data(), &m, b.size());
  return b;
}

TEST(IcNegotiationTest, RequestListsBothKinds) {
  const auto b = BuildIcNegotiateRequest(kFw, {{3, 2}, {3, 0}, {1, 0}});
  vmbus_ic_negotiate_msg m = {};
  ASSERT_EQ(b.size(), offsetof(vmbus_ic_negotiate_msg, versions) + 5 * 4);
  std::memcpy(&m, b.data(), b.size());
  EXPECT_EQ(m.ic.icmsgtype, ICMSGTYPE_NEGOTIATE);
  EXPECT_EQ(m.ic.icflags, ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST);
  EXPECT_EQ(m.negotiate.icframe_vercnt, 2);
  EXPECT_EQ(m.negotiate.icmsg_vercnt, 3);
  EXPECT_EQ(m.versions[2].major, 3);
  EXPECT_EQ(m.versions[2].minor, 2);
  EXPECT_EQ(m.ic.icmsgsize, b.size() - kIcHeaderBytes);
}

TEST(IcNegotiationTest, AgreedRefusedAndBadAnswers) {
  const auto req = BuildIcNegotiateRequest(kFw, kMsg);
  auto a = ParseIcNegotiateResponse(Answer(req, {3, 0}, {1, 0}), kFw, kMsg);
  EXPECT_EQ(a.outcome, IcNegotiateOutcome::kAgreed);
  EXPECT_EQ(a.message.major, 1);
  a = ParseIcNegotiateResponse(Answer(req, {0, 0}, {0, 0}, HV_IC_E_FAIL), kFw, kMsg);
  EXPECT_EQ(a.outcome, IcNegotiateOutcome::kRefused);
  EXPECT_EQ(a.status, HV_IC_E_FAIL);
  // A version the host never offered.
  EXPECT_EQ(ParseIcNegotiateResponse(Answer(req, {3, 0}, {9, 9}), kFw, kMsg).outcome,
            IcNegotiateOutcome::kBad);
  // The request itself (no RESPONSE flag) is not an answer.
  EXPECT_EQ(ParseIcNegotiateResponse(req, kFw, kMsg).outcome, IcNegotiateOutcome::kBad);
  // Truncated: counts say 1/1 but the versions are cut off; every shorter prefix is bad.
  const auto full = Answer(req, {3, 0}, {3, 0});
  for (size_t n = 0; n < full.size(); ++n) {
    EXPECT_EQ(ParseIcNegotiateResponse(absl::MakeConstSpan(full.data(), n), kFw, kMsg).outcome,
              IcNegotiateOutcome::kBad)
        << n;
  }
}

}  // namespace
}  // namespace hv::worker

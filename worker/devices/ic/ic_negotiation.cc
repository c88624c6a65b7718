#include "worker/devices/ic/ic_negotiation.h"

#include <algorithm>
#include <cstring>

namespace hv::worker {

bool IcSameVersion(vmbus_ic_version a, vmbus_ic_version b) {
  return a.major == b.major && a.minor == b.minor;
}

bool IcVersionOffered(const std::vector<vmbus_ic_version>& offered, vmbus_ic_version v) {
  for (size_t i = 0; i < offered.size() && i < kIcMaxOfferedPerKind; ++i) {
    if (IcSameVersion(offered[i], v)) return true;
  }
  return false;
}

std::vector<uint8_t> BuildIcNegotiateRequest(const std::vector<vmbus_ic_version>& framework,
                                             const std::vector<vmbus_ic_version>& message) {
  vmbus_ic_negotiate_msg m = {};
  const size_t fw = std::min(framework.size(), kIcMaxOfferedPerKind);
  const size_t msg = std::min(message.size(), kIcMaxOfferedPerKind);
  for (size_t i = 0; i < fw; ++i) m.versions[i] = framework[i];
  for (size_t i = 0; i < msg; ++i) m.versions[fw + i] = message[i];
  const size_t size =
      offsetof(vmbus_ic_negotiate_msg, versions) + (fw + msg) * sizeof(m.versions[0]);
  m.pipe.msgsize = static_cast<uint32_t>(size - sizeof(m.pipe));
  // The framework version of a negotiate message is the oldest (1.0); the
  // guest reads only the version lists.
  m.ic.icverframe = {1, 0};
  m.ic.icmsgtype = ICMSGTYPE_NEGOTIATE;
  m.ic.icvermsg = {1, 0};
  m.ic.icmsgsize = static_cast<uint16_t>(size - kIcHeaderBytes);
  m.ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST;
  m.negotiate.icframe_vercnt = static_cast<uint16_t>(fw);
  m.negotiate.icmsg_vercnt = static_cast<uint16_t>(msg);
  std::vector<uint8_t> b(size);
  std::memcpy(b.data(), &m, size);
  return b;
}

IcNegotiateAnswer ParseIcNegotiateResponse(absl::Span<const uint8_t> payload,
                                           const std::vector<vmbus_ic_version>& framework,
                                           const std::vector<vmbus_ic_version>& message) {
  IcNegotiateAnswer a;
  const size_t fixed = offsetof(vmbus_ic_negotiate_msg, versions);
  if (payload.size() < fixed) return a;
  vmbus_ic_negotiate_msg m = {};
  std::memcpy(&m, payload.data(), std::min(payload.size(), sizeof(m)));
  a.status = m.ic.status;
  a.framework_count = m.negotiate.icframe_vercnt;
  a.message_count = m.negotiate.icmsg_vercnt;
  if (m.ic.icmsgtype != ICMSGTYPE_NEGOTIATE || (m.ic.icflags & ICMSGHDRFLAG_RESPONSE) == 0) {
    return a;
  }
  if (m.ic.status != HV_IC_S_OK) {
    a.outcome = IcNegotiateOutcome::kRefused;
    return a;
  }
  // Exactly one framework and one message version, both offered, both inside
  // the packet (the guest is hostile).
  if (a.framework_count != 1 || a.message_count != 1 ||
      payload.size() < fixed + 2 * sizeof(vmbus_ic_version)) {
    return a;
  }
  a.framework = m.versions[0];
  a.message = m.versions[1];
  if (!IcVersionOffered(framework, a.framework) || !IcVersionOffered(message, a.message)) {
    return a;
  }
  a.outcome = IcNegotiateOutcome::kAgreed;
  return a;
}

}  // namespace hv::worker

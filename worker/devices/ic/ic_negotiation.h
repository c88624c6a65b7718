// IC version negotiation (ICMSGTYPE_NEGOTIATE), shared by every integration
// service VSP (heartbeat, shutdown): the host lists its framework and message
// versions; the guest answers with one of each (status HV_IC_S_OK) or with
// HV_IC_E_FAIL when it supports none (wire/vmbus.h, Linux hv_utils layout).
// Pure functions on bytes; thread-compatible.
#ifndef HV_WORKER_DEVICES_IC_IC_NEGOTIATION_H_
#define HV_WORKER_DEVICES_IC_IC_NEGOTIATION_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "wire/vmbus.h"

namespace hv::worker {

// Versions offered per kind: past this many, entries are ignored.
inline constexpr size_t kIcMaxOfferedPerKind = HV_IC_NEGOTIATE_MAX_VERSIONS / 2;
// Size of the pipe + icmsg headers that start every IC message.
inline constexpr size_t kIcHeaderBytes = sizeof(vmbus_pipe_hdr) + sizeof(vmbus_icmsg_hdr);

// Builds the host's ICMSGTYPE_NEGOTIATE request offering the first
// kIcMaxOfferedPerKind entries of each list (most preferred first).
std::vector<uint8_t> BuildIcNegotiateRequest(const std::vector<vmbus_ic_version>& framework,
                                             const std::vector<vmbus_ic_version>& message);

// True if `v` is among the first kIcMaxOfferedPerKind entries of `offered`.
bool IcVersionOffered(const std::vector<vmbus_ic_version>& offered, vmbus_ic_version v);
bool IcSameVersion(vmbus_ic_version a, vmbus_ic_version b);

enum class IcNegotiateOutcome {
  kAgreed,   // one framework and one message version, both offered
  kRefused,  // a response with a failure status: the guest supports none
  kBad,      // short, not a response, or versions/counts the host did not offer
};

struct IcNegotiateAnswer {
  IcNegotiateOutcome outcome = IcNegotiateOutcome::kBad;
  uint32_t status = 0;                  // the guest's icmsg status
  uint16_t framework_count = 0;         // as the guest sent them
  uint16_t message_count = 0;
  vmbus_ic_version framework = {0, 0};  // valid for kAgreed
  vmbus_ic_version message = {0, 0};
};

// Parses the guest's answer to a negotiate request (the whole inband
// payload). Never reads past `payload`; hostile input yields kBad.
IcNegotiateAnswer ParseIcNegotiateResponse(absl::Span<const uint8_t> payload,
                                           const std::vector<vmbus_ic_version>& framework,
                                           const std::vector<vmbus_ic_version>& message);

}  // namespace hv::worker

#endif  // HV_WORKER_DEVICES_IC_IC_NEGOTIATION_H_

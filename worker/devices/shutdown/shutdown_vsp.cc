#include "worker/devices/shutdown/shutdown_vsp.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "worker/devices/ic/ic_negotiation.h"

namespace hv::worker {

ShutdownVsp::ShutdownVsp(const Clock* clock, EventLog* events, ShutdownOptions options)
    : clock_(clock), events_(events), options_(std::move(options)) {}

std::vector<uint8_t> ShutdownVsp::BuildRequest(uint32_t flags, uint32_t reason_code,
                                               std::string_view message,
                                               vmbus_ic_version framework,
                                               vmbus_ic_version message_version) {
  vmbus_shutdown_msg m = {};
  m.pipe.msgsize = sizeof(m) - sizeof(m.pipe);
  m.ic.icverframe = framework;
  m.ic.icmsgtype = ICMSGTYPE_SHUTDOWN;
  m.ic.icvermsg = message_version;
  m.ic.icmsgsize = sizeof(m) - kIcHeaderBytes;
  m.ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST;
  m.body.reason_code = reason_code;
  m.body.flags = flags;
  const size_t n = std::min(message.size(), sizeof(m.body.display_message) - 1);
  std::memcpy(m.body.display_message, message.data(), n);
  std::vector<uint8_t> b(sizeof(m));
  std::memcpy(b.data(), &m, sizeof(m));
  return b;
}

void ShutdownVsp::Bad(absl::Time now, std::string_view why) {
  ++status_.bad_messages;
  events_->Add(now, "shutdown", absl::StrFormat("shutdown: %s; dropped", why));
}

void ShutdownVsp::OnOpen(PacketSink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
  ++status_.opens;
  status_.open = true;
  status_.negotiated = false;
  status_.negotiation_refused = false;
  status_.request_pending = false;
  next_negotiate_ = clock_->Now();
}

void ShutdownVsp::OnClose() {
  absl::MutexLock lock(&mu_);
  sink_ = nullptr;
  ++status_.closes;
  status_.open = false;
  status_.negotiated = false;
  status_.request_pending = false;  // wakes WaitForAnswer: no answer will come
}

void ShutdownVsp::OnNegotiateResponse(absl::Span<const uint8_t> payload, absl::Time now) {
  if (status_.negotiated || status_.negotiation_refused || status_.negotiations_sent == 0) {
    // A late answer to a repeated request is harmless if it agrees.
    const IcNegotiateAnswer a =
        ParseIcNegotiateResponse(payload, options_.framework_versions, options_.message_versions);
    if (status_.negotiated && a.outcome == IcNegotiateOutcome::kAgreed &&
        IcSameVersion(a.framework, status_.framework_version) &&
        IcSameVersion(a.message, status_.message_version)) {
      return;
    }
    Bad(now, "unsolicited negotiate answer");
    return;
  }
  const IcNegotiateAnswer a =
      ParseIcNegotiateResponse(payload, options_.framework_versions, options_.message_versions);
  switch (a.outcome) {
    case IcNegotiateOutcome::kRefused:
      status_.negotiation_refused = true;
      events_->Add(now, "shutdown",
                   absl::StrFormat("shutdown: the guest supports none of the offered IC versions "
                                   "(status 0x%08x); no cooperative shutdown on this channel",
                                   a.status));
      return;
    case IcNegotiateOutcome::kBad:
      Bad(now, absl::StrFormat("bad negotiate answer (counts %u/%u)", a.framework_count,
                               a.message_count));
      return;
    case IcNegotiateOutcome::kAgreed:
      status_.negotiated = true;
      status_.framework_version = a.framework;
      status_.message_version = a.message;
      events_->Add(now, "shutdown",
                   absl::StrFormat("shutdown: negotiated framework %u.%u, message %u.%u",
                                   a.framework.major, a.framework.minor, a.message.major,
                                   a.message.minor));
      return;
  }
}

absl::Status ShutdownVsp::OnPacket(uint16_t type, absl::Span<const uint8_t> payload) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  if (type != VM_PKT_DATA_INBAND || payload.size() < kIcHeaderBytes) {
    Bad(now, absl::StrFormat("packet type %u of %u bytes", type, payload.size()));
    return absl::OkStatus();
  }
  vmbus_icmsg_hdr ic;
  std::memcpy(&ic, payload.data() + sizeof(vmbus_pipe_hdr), sizeof(ic));
  if (ic.icmsgtype == ICMSGTYPE_NEGOTIATE) {
    OnNegotiateResponse(payload, now);
    return absl::OkStatus();
  }
  // The guest answers in the request's buffer, but only the headers matter:
  // a shorter answer is accepted (Linux sends back what it received).
  if (ic.icmsgtype != ICMSGTYPE_SHUTDOWN || (ic.icflags & ICMSGHDRFLAG_RESPONSE) == 0) {
    const unsigned msgtype = ic.icmsgtype, flags = ic.icflags;
    Bad(now, absl::StrFormat("message type %u flags 0x%x", msgtype, flags));
    return absl::OkStatus();
  }
  if (!status_.request_pending) {
    Bad(now, "unsolicited shutdown answer");
    return absl::OkStatus();
  }
  const uint32_t answer = ic.status;
  status_.request_pending = false;
  ++status_.responses;
  status_.last_answer_status = answer;
  if (answer == HV_IC_S_OK) {
    ++status_.accepted;
  } else {
    ++status_.refused;
  }
  events_->Add(now, "shutdown",
               absl::StrFormat("shutdown: the guest %s the request (status 0x%08x)",
                               answer == HV_IC_S_OK ? "accepted" : "refused", answer));
  return absl::OkStatus();
}

absl::Time ShutdownVsp::Poll() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  if (sink_ == nullptr || status_.negotiated || status_.negotiation_refused) {
    return absl::InfiniteFuture();
  }
  if (now < next_negotiate_) return next_negotiate_;
  next_negotiate_ = now + options_.negotiate_interval;
  if (sink_->SendInband(
              BuildIcNegotiateRequest(options_.framework_versions, options_.message_versions))
          .ok()) {
    ++status_.negotiations_sent;
  }
  return next_negotiate_;
}

bool ShutdownVsp::ready() const {
  absl::MutexLock lock(&mu_);
  return sink_ != nullptr && status_.negotiated;
}

absl::Status ShutdownVsp::RequestShutdown(uint32_t flags, uint32_t reason_code,
                                          std::string_view message) {
  absl::MutexLock lock(&mu_);
  if (sink_ == nullptr || !status_.negotiated) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "shutdown: cannot request a shutdown: channel %s",
        sink_ == nullptr ? "not open" : "open but not negotiated"));
  }
  if (status_.request_pending) {
    return absl::FailedPreconditionError("shutdown: a request is already pending");
  }
  absl::Status s = sink_->SendInband(BuildRequest(flags, reason_code, message,
                                                  status_.framework_version,
                                                  status_.message_version));
  if (!s.ok()) return s;
  ++status_.requests_sent;
  status_.request_pending = true;
  status_.last_answer_status.reset();
  events_->Add(clock_->Now(), "shutdown",
               absl::StrFormat("shutdown: requested (flags %u, reason 0x%x)", flags, reason_code));
  return absl::OkStatus();
}

std::optional<uint32_t> ShutdownVsp::WaitForAnswer(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(
                           +[](ShutdownStatus* s) { return !s->request_pending; }, &status_),
                       timeout);
  if (status_.request_pending) return std::nullopt;
  return status_.last_answer_status;
}

ShutdownStatus ShutdownVsp::Status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

}  // namespace hv::worker

#include "worker/devices/heartbeat/heartbeat_vsp.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "absl/strings/str_format.h"
#include "wire/vmbus.h"
#include "worker/devices/ic/ic_negotiation.h"

namespace hv::worker {

std::string_view HeartbeatStateToString(HeartbeatState s) {
  switch (s) {
    case HeartbeatState::kOk: return "OK";
    case HeartbeatState::kNoContact: return "No Contact";
    case HeartbeatState::kLostCommunication: return "Lost Communication";
  }
  return "unknown";
}

HeartbeatVsp::HeartbeatVsp(const Clock* clock, EventLog* events, HeartbeatOptions options)
    : clock_(clock), events_(events), options_(options) {}

std::vector<uint8_t> HeartbeatVsp::BuildNegotiateRequest(const HeartbeatOptions& options) {
  return BuildIcNegotiateRequest(options.framework_versions, options.message_versions);
}

std::vector<uint8_t> HeartbeatVsp::BuildRequest(uint64_t seq, vmbus_ic_version framework,
                                                vmbus_ic_version message) {
  vmbus_heartbeat_msg m = {};
  m.pipe.msgsize = sizeof(m) - sizeof(m.pipe);
  m.ic.icverframe = framework;
  m.ic.icmsgtype = ICMSGTYPE_HEARTBEAT;
  m.ic.icvermsg = message;
  m.ic.icmsgsize = sizeof(m) - sizeof(m.pipe) - sizeof(m.ic);
  m.ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST;
  m.seq_num = seq;
  std::vector<uint8_t> b(sizeof(m));
  std::memcpy(b.data(), &m, sizeof(m));
  return b;
}

void HeartbeatVsp::SetState(HeartbeatState s, absl::Time now) {
  if (status_.state == s) return;
  events_->Add(now, "heartbeat",
               absl::StrFormat("heartbeat: %s -> %s", HeartbeatStateToString(status_.state),
                               HeartbeatStateToString(s)));
  status_.state = s;
}

void HeartbeatVsp::OnOpen(PacketSink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
  next_send_ = clock_->Now();
  // A new channel negotiates again (a guest may come back with another IC).
  status_.negotiated = false;
  status_.negotiation_refused = false;
}

void HeartbeatVsp::OnClose() {
  absl::MutexLock lock(&mu_);
  sink_ = nullptr;
  status_.negotiated = false;
  SetState(contacted_ ? HeartbeatState::kLostCommunication : HeartbeatState::kNoContact,
           clock_->Now());
}

void HeartbeatVsp::OnNegotiateResponse(absl::Span<const uint8_t> payload, absl::Time now) {
  if (status_.negotiation_refused || status_.negotiations_sent == 0) {
    ++status_.bad_messages;  // nothing asked
    return;
  }
  const IcNegotiateAnswer a =
      ParseIcNegotiateResponse(payload, options_.framework_versions, options_.message_versions);
  if (a.outcome == IcNegotiateOutcome::kRefused && !status_.negotiated) {
    status_.negotiation_refused = true;
    events_->Add(now, "heartbeat",
                 absl::StrFormat("heartbeat: the guest supports none of the offered IC versions "
                                 "(status 0x%08x); no heartbeat on this channel",
                                 a.status));
    return;
  }
  if (a.outcome != IcNegotiateOutcome::kAgreed) {
    ++status_.bad_messages;
    events_->Add(now, "heartbeat",
                 absl::StrFormat("heartbeat: bad negotiate answer (counts %u/%u, framework "
                                 "%u.%u, message %u.%u); dropped",
                                 a.framework_count, a.message_count, a.framework.major,
                                 a.framework.minor, a.message.major, a.message.minor));
    return;
  }
  if (status_.negotiated) {
    // The answer to a repeated request (the first answer was slow): harmless
    // if it agrees, a bad message if it changes the versions.
    if (!IcSameVersion(status_.framework_version, a.framework) ||
        !IcSameVersion(status_.message_version, a.message)) {
      ++status_.bad_messages;
    }
    return;
  }
  status_.negotiated = true;
  status_.framework_version = a.framework;
  status_.message_version = a.message;
  next_send_ = now;  // the first heartbeat at once
  events_->Add(now, "heartbeat",
               absl::StrFormat("heartbeat: negotiated framework %u.%u, message %u.%u",
                               a.framework.major, a.framework.minor, a.message.major,
                               a.message.minor));
}

absl::Status HeartbeatVsp::OnPacket(uint16_t type, absl::Span<const uint8_t> payload) {
  absl::MutexLock lock(&mu_);
  vmbus_heartbeat_msg m;
  if (type != VM_PKT_DATA_INBAND || payload.size() < kIcHeaderBytes) {
    ++status_.bad_messages;
    return absl::OkStatus();
  }
  vmbus_icmsg_hdr ic;
  std::memcpy(&ic, payload.data() + sizeof(vmbus_pipe_hdr), sizeof(ic));
  if (ic.icmsgtype == ICMSGTYPE_NEGOTIATE) {
    OnNegotiateResponse(payload, clock_->Now());
    return absl::OkStatus();
  }
  if (payload.size() < sizeof(m) || !status_.negotiated) {
    ++status_.bad_messages;
    return absl::OkStatus();
  }
  std::memcpy(&m, payload.data(), sizeof(m));
  if (m.ic.icmsgtype != ICMSGTYPE_HEARTBEAT || (m.ic.icflags & ICMSGHDRFLAG_RESPONSE) == 0 ||
      m.seq_num != seq_ + 1) {
    ++status_.bad_messages;
    return absl::OkStatus();
  }
  const absl::Time now = clock_->Now();
  ++status_.responses;
  status_.last_response = now;
  contacted_ = true;
  SetState(HeartbeatState::kOk, now);
  return absl::OkStatus();
}

absl::Time HeartbeatVsp::Poll() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  if (contacted_ && now - status_.last_response > options_.lost_after) {
    SetState(HeartbeatState::kLostCommunication, now);
  }
  if (sink_ == nullptr || status_.negotiation_refused) return absl::InfiniteFuture();
  if (now >= next_send_) {
    next_send_ = now + options_.interval;
    if (!status_.negotiated) {
      if (sink_->SendInband(BuildNegotiateRequest(options_)).ok()) ++status_.negotiations_sent;
    } else {
      const uint64_t seq = seq_ + 2;  // guest answers seq + 1; keep the two apart
      if (sink_->SendInband(BuildRequest(seq, status_.framework_version, status_.message_version))
              .ok()) {
        seq_ = seq;
        ++status_.requests_sent;
      }
    }
  }
  absl::Time next = next_send_;
  // The moment silence turns into lost contact (only once: a lost state stays).
  const absl::Time lost_at = status_.last_response + options_.lost_after;
  if (contacted_ && status_.state != HeartbeatState::kLostCommunication && lost_at > now) {
    next = std::min(next, lost_at + absl::Milliseconds(1));
  }
  return next;
}

HeartbeatStatus HeartbeatVsp::Status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

hv::worker::v1::HeartbeatVspState HeartbeatVsp::Save() const {
  absl::MutexLock lock(&mu_);
  hv::worker::v1::HeartbeatVspState s;
  s.set_state(static_cast<hv::worker::v1::HeartbeatState>(static_cast<int>(status_.state)));
  s.set_requests_sent(status_.requests_sent);
  s.set_responses(status_.responses);
  s.set_bad_messages(status_.bad_messages);
  s.set_contacted(contacted_);
  s.set_sequence(seq_);
  s.set_negotiated(status_.negotiated);
  s.set_negotiation_refused(status_.negotiation_refused);
  s.set_framework_version(uint32_t{status_.framework_version.major} << 16 |
                          status_.framework_version.minor);
  s.set_message_version(uint32_t{status_.message_version.major} << 16 |
                        status_.message_version.minor);
  s.set_negotiations_sent(status_.negotiations_sent);
  return s;
}

absl::Status HeartbeatVsp::Restore(const hv::worker::v1::HeartbeatVspState& saved) {
  const auto state = static_cast<HeartbeatState>(static_cast<int>(saved.state()));
  const bool legal = state == HeartbeatState::kNoContact
                         ? !saved.contacted()
                         : (state == HeartbeatState::kOk ||
                            state == HeartbeatState::kLostCommunication) &&
                               saved.contacted();
  if (!legal) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "heartbeat saved state: state %d with contacted=%d is illegal", saved.state(),
        saved.contacted()));
  }
  if (saved.sequence() % 2 != 0 || saved.sequence() / 2 != saved.requests_sent()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "heartbeat saved state: sequence %u does not follow %u requests", saved.sequence(),
        saved.requests_sent()));
  }
  auto offered = [](const std::vector<vmbus_ic_version>& list, uint32_t v) {
    for (size_t i = 0; i < list.size() && i < 4; ++i) {
      if ((uint32_t{list[i].major} << 16 | list[i].minor) == v) return true;
    }
    return false;
  };
  if ((saved.negotiated() && (saved.negotiation_refused() ||
                              !offered(options_.framework_versions, saved.framework_version()) ||
                              !offered(options_.message_versions, saved.message_version()))) ||
      (!saved.negotiated() && (saved.framework_version() != 0 || saved.message_version() != 0))) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "heartbeat saved state: negotiated=%d refused=%d with framework_version 0x%x / "
        "message_version 0x%x is not a negotiation this host offers",
        saved.negotiated(), saved.negotiation_refused(), saved.framework_version(),
        saved.message_version()));
  }
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  status_.negotiated = saved.negotiated();
  status_.negotiation_refused = saved.negotiation_refused();
  status_.framework_version = {static_cast<uint16_t>(saved.framework_version() >> 16),
                               static_cast<uint16_t>(saved.framework_version() & 0xFFFF)};
  status_.message_version = {static_cast<uint16_t>(saved.message_version() >> 16),
                             static_cast<uint16_t>(saved.message_version() & 0xFFFF)};
  status_.negotiations_sent = saved.negotiations_sent();
  status_.state = state;
  status_.requests_sent = saved.requests_sent();
  status_.responses = saved.responses();
  status_.bad_messages = saved.bad_messages();
  status_.last_response = saved.contacted() ? now : absl::InfinitePast();
  contacted_ = saved.contacted();
  seq_ = saved.sequence();
  next_send_ = now;
  return absl::OkStatus();
}

void HeartbeatVsp::OnRestore(PacketSink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
  next_send_ = clock_->Now();
}

}  // namespace hv::worker
